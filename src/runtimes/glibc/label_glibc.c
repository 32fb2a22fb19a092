/* SPDX-License-Identifier: GPL-2.0-or-later */
/* label_glibc.c: glibc malloc's memory (non-main arena heaps, chunks with
 * their own mmap) and the dynamic loader's (the main thread's static TLS,
 * its minimal-malloc pages), from the glibc probe's facts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtimes/glibc/glibc_layout.h"
#include "util/grow.h"
#include "util/seen.h"

#define HEAP_MAX	(64ULL << 20)	/* 2 × DEFAULT_MMAP_THRESHOLD_MAX on 64-bit */
#define IS_MMAPPED	0x2ULL
#define SIZE_BITS	0x7ULL

/* Relabels the parts of [start, end) whose label is anon or `also`. */
static int relabel(struct mm_snapshot *snap, uint64_t start, uint64_t end,
		   enum mm_label label, enum mm_how how, const char *detail,
		   enum mm_label also)
{
	for (size_t i = 0; i < snap->nmappings; i++) {
		struct mm_mapping *m = &snap->mappings[i];

		if (m->end <= start || m->start >= end) {
			continue;
		}
		for (size_t j = 0; j < m->nregions; j++) {
			struct mm_region *g = &m->regions[j];
			uint64_t s = g->start > start ? g->start : start;
			uint64_t e = g->end < end ? g->end : end;
			int rc;

			if (s >= e || (g->label != MM_ANON && g->label != also)) {
				continue;
			}
			rc = mm_mapping_label(m, s, e, label, how, detail, 0);
			if (rc) {
				return rc;
			}
			j = (size_t)-1;	/* the regions were rebuilt: rescan */
		}
	}
	return 0;
}

/* glibc 2.39+ with glibc.mem.decorate_maps names its mappings. */
static int label_named(struct mm_classify *ctx)
{
	struct mm_snapshot *snap = ctx->snap;

	for (size_t i = 0; i < snap->nmappings; i++) {
		struct mm_mapping *m = &snap->mappings[i];
		enum mm_label label;
		char detail[64];
		const char *name;
		size_t len;
		int rc;

		if (!(name = mm_anon_name(m, &len))) {
			continue;
		}
		if (len == 19 && strncmp(name, "glibc: malloc arena", len) == 0) {
			label = MM_GLIBC_ARENA;
		} else if (len == 13 && strncmp(name, "glibc: malloc", len) == 0) {
			label = MM_GLIBC_MMAP_CHUNK;
		} else if (len == 20 && strncmp(name, "glibc: loader malloc", len) == 0) {
			label = MM_LD_MALLOC;
		} else {
			continue;
		}
		if (label == MM_GLIBC_ARENA) {
			snprintf(detail, sizeof(detail), "heap %#llx",
				 (unsigned long long)(m->start & ~(HEAP_MAX - 1)));
		}
		rc = mm_mapping_reset_regions(m, label, MM_HOW_KERNEL,
					      label == MM_GLIBC_ARENA ? detail : NULL);
		/* Only the committed part of a heap is named: the rest of the
		 * HEAP_MAX block is its PROT_NONE reservation. */
		if (!rc && label == MM_GLIBC_ARENA && !(m->start & (HEAP_MAX - 1))) {
			rc = mm_snapshot_label(snap, m->end, m->start + HEAP_MAX,
					       MM_GLIBC_ARENA, MM_HOW_HEURISTIC, detail,
					       MM_ONLY_ANON);
		}
		if (rc) {
			return rc;
		}
	}
	return 0;
}

static bool region_is_anon(const struct mm_mapping *m, uint64_t addr)
{
	for (size_t i = 0; i < m->nregions; i++) {
		if (m->regions[i].start <= addr && addr < m->regions[i].end) {
			return m->regions[i].label == MM_ANON;
		}
	}
	return false;
}

/* Chunks one run of merged mmaps may hold. */
#define MAX_CHAIN 4096

/* glibc's DEFAULT_MMAP_THRESHOLD_MIN. */
#define MMAP_THRESHOLD_MIN (128 * 1024)

/* Header reads look only at pages pagemap says are in RAM, so walking
 * untouched memory neither faults it in nor swaps it back. */
struct scan {
	struct mm_classify *ctx;
	uint64_t page;
	struct mm_pagemap *pm;	/* without it (no permission): read anyway */
};

static bool present(struct scan *s, uint64_t addr)
{
	return mm_pagemap_present(s->pm, addr, true);
}

/* Arenas on one ring, heaps of one arena: more than any glibc makes (its
 * arena_max is 8 per core), and each heap is a mapping of its own. */
#define MAX_RING 4096

/* Where a libc's main_arena may be: its .data, at [*lo, *hi).  Returns
 * false when no libc (nor static glibc) is mapped with a .data. */
static bool libc_data(const struct mm_classify *ctx, uint64_t *lo, uint64_t *hi)
{
	const struct mm_glibc_facts *f = ctx->glibc;

	for (size_t i = 0; i < ctx->images.n; i++) {
		const struct mm_image *img = &ctx->images.v[i];
		const struct mm_elf_section *d;

		if (!(f && f->is_static && img->kind == MM_IMAGE_EXECUTABLE) &&
		    strncmp(img->name, "libc.so", 7) != 0 &&
		    strncmp(img->name, "libc-", 5) != 0) {
			continue;
		}
		if (img->elf && (d = mm_elf_section_by_name(img->elf, ".data")) &&
		    d->size) {
			*lo = d->addr + img->bias;
			*hi = *lo + d->size;
			return true;
		}
	}
	return false;
}

/* Whether heap h's heap_info names arena ar; its prev and size in *prev
 * and *size. */
static bool heap_of(struct mm_classify *ctx, const struct mm_glibc_layout *L,
		    uint64_t h, uint64_t ar, uint64_t *prev, uint64_t *size)
{
	uint64_t a;

	return !(h & (HEAP_MAX - 1)) &&
	       !mm_target_read_word(ctx->target, h + L->hi_ar_ptr, &a) && a == ar &&
	       !mm_target_read_word(ctx->target, h + L->hi_prev, prev) &&
	       !mm_target_read_word(ctx->target, h + L->hi_size, size) &&
	       *size > (uint64_t)L->heap_info_size && *size <= HEAP_MAX;
}

/* The invariants of the arena ar that heap block's heap_info names, as
 * glibc keeps them: ar sits right after its first heap's heap_info; its
 * top chunk lies in one of its heaps, from which the prev chain of heaps
 * (all naming ar) reaches block and ends at the first heap; and its next
 * ring of arenas returns to ar, passing main_arena (in libc's .data) once
 * and otherwise only arenas that sit after a heap_info.  A fake heap_info
 * in memory the program wrote itself fails one of them.  Returns NULL
 * when they hold, or what failed. */
static const char *arena_fails(struct mm_classify *ctx, const struct mm_glibc_layout *L,
			       uint64_t block, uint64_t ar)
{
	uint64_t top, h, prev, size, lo, hi, a;
	struct mm_seen seen = { .max = MAX_RING };
	const char *why = NULL;
	bool reached = false;
	int mains = 0, rc;

	if ((ar & (HEAP_MAX - 1)) != (uint64_t)L->heap_info_size) {
		return "ar_ptr is not right after a heap_info";
	}
	if (mm_target_read_word(ctx->target, ar + L->ms_top, &top)) {
		return "its malloc_state cannot be read";
	}
	/* The heaps from top's back to the first. */
	h = top & ~(HEAP_MAX - 1);
	if (!heap_of(ctx, L, h, ar, &prev, &size) ||
	    top < h + L->heap_info_size || top >= h + size) {
		return "its top chunk is in none of its heaps";
	}
	while (!why && !(rc = mm_seen_add(&seen, h))) {
		reached |= h == block;
		if (!prev) {
			why = h + L->heap_info_size == ar ? NULL :
			      "its heaps end elsewhere than at its first";
			break;
		}
		h = prev;
		if (!heap_of(ctx, L, h, ar, &prev, &size)) {
			why = "a heap on its prev chain does not name it";
		}
	}
	mm_seen_free(&seen);
	if (rc) {
		return rc == -ENOMEM ? "out of memory" :
		       rc == -E2BIG ? "its prev chain of heaps is too long" :
		       "its prev chain of heaps loops";
	}
	if (why || !reached) {
		return why ? why : "the heap is not on its prev chain";
	}
	if (!libc_data(ctx, &lo, &hi)) {
		return "no libc .data to find main_arena in";
	}
	/* The ring of arenas, from ar back to ar. */
	seen = (struct mm_seen){ .max = MAX_RING };
	a = ar;
	do {
		if ((rc = mm_seen_add(&seen, a))) {
			why = rc == -ENOMEM ? "out of memory" :
			      rc == -E2BIG ? "its ring of arenas is too long" :
			      "its ring of arenas loops elsewhere than through it";
		} else if (lo <= a && a < hi) {
			mains++;
		} else if ((a & (HEAP_MAX - 1)) != (uint64_t)L->heap_info_size) {
			why = "an arena on its ring is neither main_arena nor after a heap_info";
		}
		if (!why && mm_target_read_word(ctx->target, a + L->ms_next, &a)) {
			why = "an arena on its ring cannot be read";
		}
	} while (!why && a != ar);
	mm_seen_free(&seen);
	if (!why && mains != 1) {
		why = "its ring of arenas does not pass main_arena in libc's .data";
	}
	return why;
}

#define MINSIZE		32ULL	/* glibc's smallest chunk on 64-bit */
#define CHUNK_ALIGN	16ULL	/* MALLOC_ALIGNMENT */

/* The heap that holds arena ar's top chunk, when it is block: its chunks,
 * from the first after heap_info (and, in an arena's first heap, after the
 * malloc_state) on, each of a plausible size, must sum exactly to top, and
 * top must end where the heap's committed size does.  Reads a page at a
 * time, at most one header per MINSIZE bytes.  Returns NULL when they do
 * (or cannot be read: a page not in RAM proves nothing), or what failed. */
static const char *chunks_fail(struct mm_classify *ctx, const struct mm_glibc_layout *L,
			       uint64_t block, uint64_t ar)
{
	uint64_t top, prev, size, tsize, p, pg = 0, buf[512];
	uint64_t page = ctx->page;

	if (page > sizeof(buf) ||
	    mm_target_read_word(ctx->target, ar + L->ms_top, &top) ||
	    (top & ~(HEAP_MAX - 1)) != block ||
	    !heap_of(ctx, L, block, ar, &prev, &size) ||
	    mm_target_read_word(ctx->target, top + 8, &tsize)) {
		return NULL;
	}
	tsize &= ~SIZE_BITS;
	if (tsize < MINSIZE || top + tsize != block + size) {
		return "its top chunk does not end where the heap does";
	}
	/* glibc aligns the first chunk's user memory (16 bytes in). */
	p = block + L->heap_info_size;
	if (ar == p) {
		p += (uint64_t)L->ms_size;
	}
	p = ((p + 16 + CHUNK_ALIGN - 1) & ~(CHUNK_ALIGN - 1)) - 16;
	for (uint64_t n = 0; p < top; n++) {
		uint64_t at = (p + 8) & ~(page - 1), csize;

		if (n > (top - block) / MINSIZE) {
			return "it holds more chunks than fit";
		}
		if (at != pg) {
			if (mm_target_read(ctx->target, at, buf, page)) {
				return NULL;
			}
			pg = at;
		}
		csize = buf[(p + 8 - at) / 8] & ~SIZE_BITS;
		if (csize < MINSIZE || (csize & (CHUNK_ALIGN - 1)) || csize > top - p) {
			return "its chunk sizes do not sum to its top chunk";
		}
		p += csize;
	}
	return p == top ? NULL : "its chunk sizes do not sum to its top chunk";
}

/* Whether the HEAP_MAX block at block, inside mapping i, is a non-main
 * arena heap: committed rw from the start, PROT_NONE (MAP_NORESERVE)
 * after.  Exact when its heap_info reads back consistently, else by shape.
 * Sets *label (and the detail) when it is; *partial when a heap was left
 * out with a warning.  Returns 0 or -errno. */
static int heap_at(struct mm_classify *ctx, struct scan *s, size_t i, uint64_t block,
		   bool *label, enum mm_how *how, char *detail, size_t dsize, bool *partial)
{
	struct mm_snapshot *snap = ctx->snap;
	const struct mm_mapping *m = &snap->mappings[i];
	const struct mm_mapping *n = i + 1 < snap->nmappings ? m + 1 : NULL;
	const struct mm_glibc_layout *L = ctx->glibc ? ctx->glibc->lay : NULL;
	uint64_t page = ctx->page, hi[5], committed;
	bool tail, no_go;

	*label = false;
	*how = MM_HOW_HEURISTIC;
	/* glibc wrote heap_info: a page not in RAM is read by shape. */
	if (present(s, block) &&
	    mm_target_read(ctx->target, block, hi, sizeof(hi)) == 0) {
		uint64_t ar = hi[0], prev = hi[1], size = hi[2], mprot = hi[3];
		/* heap_info is 48 bytes since glibc 2.35 (pagesize was added:
		 * the page size, or the huge page size with the hugetlb
		 * tunable), 32 before; an arena's first heap holds its
		 * malloc_state right after it. */
		bool ps = hi[4] >= page && !(hi[4] & (hi[4] - 1));
		bool first = (ar == block + 48 && ps) || ar == block + 32;
		const char *why;

		if (!ar || !size || size > mprot || mprot > HEAP_MAX || (mprot & (page - 1)) ||
		    !(first ? !prev : (prev && !(prev & (HEAP_MAX - 1))))) {
			return 0;	/* readable, and not a heap */
		}
		/* Without the layout the arena cannot be checked: the
		 * heap_info's shape alone is a heuristic. */
		if (L && (why = arena_fails(ctx, L, block, ar))) {
			mm_debug(ctx, "glibc", "%#llx: a heap_info naming arena %#llx, "
				 "but %s: not a heap", (unsigned long long)block,
				 (unsigned long long)ar, why);
			return 0;
		}
		if (L && (why = chunks_fail(ctx, L, block, ar))) {
			*partial = true;
			return mm_snapshot_warn(snap, "glibc arena heap %#llx: %s: not labelled",
						(unsigned long long)block, why);
		}
		*how = L ? MM_HOW_RUNTIME : MM_HOW_HEURISTIC;
		if (first) {
			snprintf(detail, dsize, "arena %#llx", (unsigned long long)ar);
		} else {
			snprintf(detail, dsize, "arena %#llx, extra heap %#llx",
				 (unsigned long long)ar, (unsigned long long)block);
		}
		*label = true;
		return 0;
	}
	/* By shape: the rest of the block reserved right after.  MAP_NORESERVE
	 * (VmFlags nr) tells a heap from a Go arena or a JVM's reservation
	 * (the metaspace's 64 MiB nodes), which have the same shape once
	 * committed; glibc 2.41+ maps heaps without it, so where neither
	 * runtime is there the shape is enough. */
	no_go = !(ctx->runtimes & ((1u << MM_RT_GO) | (1u << MM_RT_JVM)));
	committed = (m->end < block + HEAP_MAX ? m->end : block + HEAP_MAX) - block;
	tail = n && n->start == m->end && n->end == block + HEAP_MAX &&
	       mm_mapping_is_reserved(n) && mm_mapping_is_anon_private(n) &&
	       (no_go || mm_mapping_has_flag(n, "nr"));
	/* A block inside a mapping (one merged with its neighbour below)
	 * is told by its reserved tail alone. */
	if (!(no_go || mm_mapping_has_flag(m, "nr")) ||
	    (block == m->start ? mm_mapping_size(m) > HEAP_MAX : m->end >= block + HEAP_MAX) ||
	    (committed < HEAP_MAX && !tail)) {
		return 0;
	}
	snprintf(detail, dsize, "heap %#llx", (unsigned long long)block);
	*label = true;
	return 0;
}

/* HEAP_MAX-aligned blocks looked at, at most: a heap's rw part is a
 * mapping of its own or, where the kernel merged it with an anonymous
 * neighbour of the same flags (glibc 2.41+ maps heaps without
 * MAP_NORESERVE), part of one; a huge rw reservation (a sanitizer's
 * shadow) must not cost a pagemap look per 64 MiB. */
#define MAX_BLOCKS 65536

/* Non-main arena heaps: HEAP_MAX bytes at HEAP_MAX-aligned addresses in
 * the private anonymous rw mappings, where the region there is still anon.
 * Pages not in RAM are skipped a run at a time, not a block at a time. */
static int label_arenas(struct mm_classify *ctx, bool *partial)
{
	struct mm_snapshot *snap = ctx->snap;
	struct scan s = { .ctx = ctx, .page = ctx->page, .pm = ctx->pm };
	size_t looked = 0;
	int rc = 0;

	for (size_t i = 0; !rc && i < snap->nmappings; i++) {
		struct mm_mapping *m = &snap->mappings[i];
		uint64_t block = (m->start + HEAP_MAX - 1) & ~(HEAP_MAX - 1);

		if (!mm_mapping_is_anon_private(m) || m->perms[0] != 'r' || m->perms[1] != 'w') {
			continue;
		}
		for (; !rc && block < m->end && block >= m->start; block += HEAP_MAX) {
			uint64_t e, end, last = m + 1 < snap->mappings + snap->nmappings ?
						 m[1].end - HEAP_MAX : 0;
			enum mm_how how;
			char detail[96] = "";
			bool label;

			if (!region_is_anon(m, block)) {
				continue;
			}
			/* Inside the mapping only a present heap_info or the
			 * reserved tail right after says heap: on to the next
			 * page in RAM. */
			s.pm->limit = m->end;
			if (block != m->start && block != last &&
			    !mm_pagemap_run(s.pm, block, &e, &end) &&
			    !(e & MM_PAGEMAP_PRESENT) && end > block + HEAP_MAX) {
				block = ((end + HEAP_MAX - 1) & ~(HEAP_MAX - 1)) - HEAP_MAX;
				continue;
			}
			if (++looked > MAX_BLOCKS) {
				mm_debug(ctx, "glibc", "more than %d 64 MiB blocks: the rest "
					 "not looked at for arena heaps", MAX_BLOCKS);
				return rc;
			}
			rc = heap_at(ctx, &s, i, block, &label, &how, detail, sizeof(detail),
				     partial);
			if (!rc && label) {
				rc = mm_snapshot_label(snap, block, block + HEAP_MAX,
						       MM_GLIBC_ARENA, how, detail, MM_ONLY_ANON);
			}
		}
	}
	return rc;
}

/* A chunk header at p that says "mmapped chunk ending at or before end":
 * the length of its mapping, or 0. */
static uint64_t chunk_at(struct scan *s, uint64_t p, uint64_t end)
{
	uint64_t h[2], size, span;

	if (!present(s, p) || mm_target_read(s->ctx->target, p, h, sizeof(h))) {
		return 0;
	}
	size = h[1] & ~SIZE_BITS;
	/* Up to 2.41 the size is the mapping's; glibc 2.43 (measured: Debian
	 * 2.43-7) records 16 bytes less, the mapping still whole pages. */
	span = (size + s->page - 1) & ~(s->page - 1);
	if (h[0] != 0 || (h[1] & SIZE_BITS) != IS_MMAPPED || !size ||
	    span - size > 16 || span > end - p) {
		return 0;
	}
	return span;
}

/* Follows headers from p: the chain of chunks must end exactly at end. */
static bool chunk_chain(struct scan *s, uint64_t p, uint64_t end)
{
	for (int n = 0; p < end && n < MAX_CHAIN; n++) {
		uint64_t size = chunk_at(s, p, end);

		if (!size) {
			return false;
		}
		p += size;
	}
	return p == end;
}

/* The lowest page p of [a, end) from which a chain of at most MAX_CHAIN
 * headers reaches exactly end, or end.  From the top down, each page's
 * header read once: a chain from p reaches end when p's chunk ends at end
 * or at a page from which a shorter one does.  (Trying a chain from every
 * page costs pages × chain length: minutes for a 64 MiB run of fake
 * headers.)  Returns 0 or -ENOMEM. */
static int chain_start(struct scan *s, uint64_t a, uint64_t end, uint64_t *p)
{
	size_t n = (size_t)((end - a) / s->page);
	/* chunks in the chain from each page, plus one; 0: none reaches */
	uint16_t *len = calloc(n + 1, sizeof(*len));

	*p = end;
	if (!len) {
		return -ENOMEM;
	}
	len[n] = 1;	/* end itself */
	for (size_t i = n; i-- > 0;) {
		uint64_t at = a + i * s->page, size = chunk_at(s, at, end);
		uint16_t next = size ? len[i + size / s->page] : 0;

		if (next && next <= MAX_CHAIN) {
			len[i] = (uint16_t)(next + 1);
			*p = at;
		}
	}
	free(len);
	return 0;
}

static int label_chain(struct scan *s, uint64_t p, uint64_t end)
{
	while (p < end) {
		uint64_t size = chunk_at(s, p, end);
		char detail[64];
		int rc;

		if (!size) {
			break;
		}
		/* The address keeps merged neighbours apart. */
		snprintf(detail, sizeof(detail), "chunk %#llx, %llu bytes",
			 (unsigned long long)p, (unsigned long long)size);
		rc = mm_snapshot_label(s->ctx->snap, p, p + size, MM_GLIBC_MMAP_CHUNK,
				       MM_HOW_RUNTIME, detail, MM_ONLY_ANON);
		if (rc) {
			return rc;
		}
		p += size;
	}
	return 0;
}

/* A malloc above the mmap threshold gets its own mmap, headed by a chunk
 * header (prev_size 0, size | IS_MMAPPED).  The kernel merges neighbouring
 * ones, so each still-anon run of an rw mapping is walked chunk by chunk;
 * a run (up to 64 MiB) whose start is something else is searched page by
 * page for a chain of headers reaching exactly the run's end. */
static int label_chunks(struct mm_classify *ctx)
{
	struct mm_snapshot *snap = ctx->snap;
	struct scan s = { .ctx = ctx, .page = ctx->page, .pm = ctx->pm };
	int rc = 0;

	if (!mm_target_has_memory(ctx->target)) {
		mm_debug(ctx, "glibc", "memory not to be read: no mmap'd chunks");
		return 0;
	}
	for (size_t i = 0; !rc && i < snap->nmappings; i++) {
		struct mm_mapping *m = &snap->mappings[i];

		if (!mm_mapping_is_anon_private(m) || m->perms[0] != 'r' || m->perms[1] != 'w') {
			continue;
		}
		for (size_t j = 0; !rc && j < m->nregions; j++) {
			uint64_t a = m->regions[j].start, b = m->regions[j].end, p;

			/* Chunks are whole pages; other labels may end mid-page.
			 * glibc mmaps no chunk below its threshold, 128 KiB unless
			 * the program lowered it (mallopt): smaller runs stay anon
			 * rather than cost a read each (60,000 mappings). */
			a = (a + s.page - 1) & ~(s.page - 1);
			b &= ~(s.page - 1);
			if (m->regions[j].label != MM_ANON || a >= b ||
			    b - a < MMAP_THRESHOLD_MIN) {
				continue;
			}
			s.pm->limit = b;
			if (chunk_chain(&s, a, b)) {
				p = a;
			} else if (a == m->start && chunk_at(&s, a, b)) {
				/* A mapping's own start headed by a chunk: the
				 * chunks merged with something unlabelled after
				 * them (the loader's TLS when the glibc layout is
				 * unknown); label_chain stops at the first page
				 * that heads no chunk. */
				p = a;
			} else if (b - a <= (64ULL << 20)) {
				if ((rc = chain_start(&s, a + s.page, b, &p))) {
					break;
				}
			} else {
				continue;
			}
			if (p >= b) {
				continue;
			}
			rc = label_chain(&s, p, b);
			/* The regions were rebuilt: go on after the chain. */
			for (size_t k = 0; k < m->nregions; k++) {
				if (m->regions[k].end >= b) {
					j = k;
					break;
				}
			}
		}
	}
	return rc;
}

/* The main thread's static TLS: ld.so's _dl_allocate_tls_storage takes
 * static_size + static_align + 8 bytes from its minimal malloc and keeps the
 * allocation's address right after the TCB (struct pthread, at the thread
 * pointer); the TCB must sit where that allocation puts it. */
static int label_tls(struct mm_classify *ctx, const struct mm_glibc_facts *f)
{
	const struct mm_glibc_layout *L = f->lay;
	struct mm_snapshot *snap = ctx->snap;
	uint64_t page = ctx->page;
	uint64_t ssize, salign, alloc, n, aligned, tls_end, block_end;
	const struct mm_pthread *main_pd = NULL;
	char detail[96];
	int rc;

	for (size_t i = 0; i < f->npt; i++) {
		/* The main thread's descriptor has no stack block of its own
		 * (its tid may be another pid namespace's). */
		if (f->pt[i].list == MM_PT_USER && !f->pt[i].stackblock) {
			main_pd = &f->pt[i];
		}
	}
	if (!main_pd) {
		mm_debug(ctx, "glibc", "no main thread descriptor: no static TLS");
		return 0;
	}
	if (mm_target_read_word(ctx->target, f->tls_size_at, &ssize) ||
	    mm_target_read_word(ctx->target, f->tls_align_at, &salign) ||
	    mm_target_read_word(ctx->target, main_pd->pd + L->pd_size, &alloc) ||
	    !salign || (salign & (salign - 1)) || salign > (1 << 20) ||
	    ssize > (64 << 20)) {
		return 0;
	}
	n = ssize + salign + 8;
	aligned = (alloc + salign - 1) & ~(salign - 1);
	if (aligned + ssize - L->pd_size != main_pd->pd) {
		mm_debug(ctx, "glibc", "the TCB is not where the TLS allocation puts it");
		return 0;
	}
	/* Byte-exact: the rest of the pages around it is the minimal
	 * malloc's block too (blocks are whole pages), so ld.malloc. */
	tls_end = (alloc + n + page - 1) & ~(page - 1);
	snprintf(detail, sizeof(detail), "main thread TLS and TCB %#llx",
		 (unsigned long long)main_pd->pd);
	rc = relabel(snap, alloc, alloc + n, MM_LD_TLS, MM_HOW_RUNTIME, detail,
		     MM_LD_MALLOC);
	if (!rc) {
		rc = mm_snapshot_label(snap, alloc & ~(page - 1), alloc, MM_LD_MALLOC,
				       MM_HOW_RUNTIME, "ld.so minimal malloc",
				       MM_ONLY_ANON);
	}
	if (!rc) {
		rc = mm_snapshot_label(snap, alloc + n, tls_end, MM_LD_MALLOC,
				       MM_HOW_RUNTIME, "ld.so minimal malloc",
				       MM_ONLY_ANON);
	}
	if (rc || (alloc & (page - 1))) {
		return rc;
	}
	/* A page-aligned allocation came from a fresh block: the minimal
	 * malloc maps what it needs rounded up to pages, plus a spare page
	 * that takes the dtv and later small allocations. */
	block_end = alloc + ((n + page - 1) & ~(page - 1)) + page;
	rc = mm_snapshot_label(snap, tls_end, block_end, MM_LD_MALLOC, MM_HOW_RUNTIME,
			       "ld.so minimal malloc", MM_ONLY_ANON);
	return rc;
}

/* Pages holding what ld.so allocated at start-up with its minimal malloc:
 * the link_maps of the objects it loaded and their names, search lists,
 * version tables and init/fini arrays.  Objects dlopen'd later use the real
 * malloc, whose memory is labelled before this runs.  Only the pages these
 * objects are known to span are labelled, and what the block rule proves:
 * the rest of a minimal-malloc block cannot be told from an anonymous
 * neighbour the kernel merged in. */
struct span {
	uint64_t start, len;
};

static int add_span(struct span **v, size_t *n, size_t *alloc, uint64_t p,
		    uint64_t len)
{
	if (!p) {
		return 0;
	}
	if (mm_grow(v, alloc, *n + 1, sizeof(**v))) {
		return -ENOMEM;
	}
	(*v)[(*n)++] = (struct span){ p, len };
	return 0;
}

static int label_ld_malloc(struct mm_classify *ctx, const struct mm_glibc_facts *f)
{
	const struct mm_glibc_layout *L = f->lay;
	struct mm_snapshot *snap = ctx->snap;
	uint64_t page = ctx->page;
	struct span *v = NULL;
	struct mm_seen seen = { .max = 4096 };
	size_t n = 0, alloc = 0;
	uint64_t lm;
	int rc = 0;

	if (!f->r_debug || mm_target_read_word(ctx->target, f->r_debug + 8, &lm)) {
		mm_debug(ctx, "glibc", "_r_debug absent or unreadable: no link maps");
		return 0;
	}
	/* A list that loops, or is longer than any loader's, is no list. */
	while (lm && !rc && !(rc = mm_seen_add(&seen, lm))) {
		const uint32_t offs[] = { L->lm_name, L->lm_libname,
					  L->lm_searchlist_list, L->lm_versions,
					  L->lm_initfini };
		uint64_t w;

		/* A link_map reaches at least past its l_initfini. */
		rc = add_span(&v, &n, &alloc, lm, L->lm_initfini + 8);
		for (size_t k = 0; !rc && k < sizeof(offs) / sizeof(offs[0]); k++) {
			if (!mm_target_read_word(ctx->target, lm + offs[k], &w)) {
				rc = add_span(&v, &n, &alloc, w, 1);
			}
		}
		if (rc || mm_target_read_word(ctx->target, lm + L->lm_next, &lm)) {
			break;
		}
	}
	mm_seen_free(&seen);
	if (rc == -ELOOP || rc == -E2BIG) {
		mm_debug(ctx, "glibc", "the link_map list %s: no ld.malloc from it",
			 rc == -ELOOP ? "loops" : "is too long");
		free(v);
		return 0;
	}
	for (size_t i = 0; !rc && i < n; i++) {
		struct mm_mapping *m = mm_snapshot_find(snap, v[i].start);
		uint64_t a = v[i].start & ~(page - 1);
		uint64_t b = (v[i].start + v[i].len + page - 1) & ~(page - 1);

		if (!m || !mm_mapping_is_anon_private(m) || !region_is_anon(m, v[i].start)) {
			continue;
		}
		/* A block is one mmap of at least a page plus its spare page.
		 * One that holds the mapping's first page starts there, so its
		 * first two pages are the loader's whatever merged after it. */
		if (a == m->start && b < a + 2 * page) {
			b = a + 2 * page;
		}
		rc = mm_mapping_label(m, a, b, MM_LD_MALLOC, MM_HOW_RUNTIME,
				      "ld.so minimal malloc", MM_ONLY_ANON);
	}
	free(v);
	return rc;
}

int mm_label_glibc(struct mm_classify *ctx)
{
	const struct mm_glibc_facts *f = ctx->glibc;
	bool partial = false;
	int rc;

	/* musl has neither arenas nor chunk headers: nothing to find by shape. */
	if (ctx->runtimes & (1u << MM_RT_MUSL)) {
		return 0;
	}
	rc = label_named(ctx);
	/* Another allocator's memory has glibc's shapes by chance only, and
	 * looking for chunk headers in it costs a read a page. */
	if (f && f->malloc_maybe_other) {
		mm_debug(ctx, "glibc", "malloc is %s: no arenas or chunks looked for",
			 f->malloc_other ? f->malloc_other->name : "perhaps another allocator's");
	} else if (!rc) {
		rc = label_arenas(ctx, &partial);
	}
	/* A static program's TLS comes from brk, not the loader. */
	if (!rc && f && f->lay && !f->is_static && f->list_ok[MM_PT_USER]) {
		rc = label_tls(ctx, f);
	}
	/* jemalloc recognised but not read (stripped, no row) owns anon
	 * memory no one can tell from glibc's: none of it is probed. */
	if (!rc && ctx->jemalloc && !ctx->snap->runtime.jemalloc.known) {
		mm_debug(ctx, "glibc", "jemalloc's memory unread: no chunks looked for");
	} else if (!rc && !(f && f->malloc_maybe_other)) {
		rc = label_chunks(ctx);
	}
	if (!rc && f && f->lay && !f->is_static) {
		rc = label_ld_malloc(ctx, f);
	}
	return rc ? rc : partial;
}
