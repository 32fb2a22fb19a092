/* SPDX-License-Identifier: GPL-2.0-or-later */
/* go_spans.c: what each page of the Go heap arenas holds, by the
 * runtime's own tables read from outside: the page allocator's bitmaps
 * (mheap_.pages.chunks: allocated, scavenged), each P's page cache (pages
 * taken from the allocator but not yet in a span) and the spans the
 * arenas' span tables point to (heapArena.spans[]: mspan.state, and
 * elemsize, which only stack spans among manual ones set).  The same
 * layout from Go 1.19 to 1.27; members found by name.
 *
 * Nothing read is trusted before it holds: a span counts for a page only
 * if it is in use, covers the page and the span table agrees at both of
 * its ends; an allocated page no span vouches for is counted as
 * unknown, not guessed (unless the runtime marked it scavenged too: Go
 * 1.26+'s padding below its random heap base, which it counts released).
 * Target memory is read only where pagemap says present (a
 * page never touched reads as zeros without being read); a page swapped
 * out stops the walk.
 *
 * Above a heap size (MM_GO_SAMPLE_ABOVE of arenas, or the caller's) the
 * walk is sampled: every k-th block of 64 runtime pages (one word of the
 * allocator's bitmaps, 512 KiB), chosen by address alone, so the same
 * heap gives the same sample; the parts are scaled by the committed pages
 * over those walked, still summing to the arenas' committed memory, and
 * the split says it is sampled. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "runtimes/go/go_spans.h"

/* Constants of the Go runtime on linux/amd64 that DWARF does not carry
 * (malloc.go, mheap.go, mpagealloc.go); the same from 1.19 to 1.27. */
#define RT_PAGE			8192ull
#define ARENA_BYTES		(64ull << 20)
#define PAGES_PER_ARENA		(ARENA_BYTES / RT_PAGE)
#define ARENA_BASE_OFFSET	0xffff800000000000ull
#define CHUNK_PAGES		512ull
#define CHUNK_BYTES		(CHUNK_PAGES * RT_PAGE)
#define CHUNKS_PER_ARENA	(ARENA_BYTES / CHUNK_BYTES)
#define PCACHE_PAGES		64ull
#define SPAN_IN_USE		1	/* mSpanInUse */
#define SPAN_MANUAL		2	/* mSpanManual */
/* Bounds that keep a corrupt or racing table from running away. */
#define MAX_ARENAS		(1u << 14)	/* 1 TiB of heap */
#define MAX_PS			4096u
#define MAX_SPAN_PAGES		(1ull << 27)
#define CACHE_BLOCK		(64ull << 10)	/* mspans read this much at a time */
#define CACHE_SLOTS		32u		/* blocks kept: 2 MiB */
#define SAMPLE_PAGES		64ull		/* runtime pages a sampled block */

struct layout {
	uint64_t arenas, l1n, l2n;		/* mheap_.arenas: L1 array */
	uint64_t list;				/* mheap_.allArenas or heapArenas */
	uint64_t spans_off;			/* heapArena.spans */
	uint64_t chunks, chunks_l1n, chunks_l2n; /* mheap_.pages.chunks */
	uint64_t pd_size, pd_alloc, pd_scav;	/* pallocData */
	uint64_t allp;				/* runtime.allp */
	uint64_t pc_base, pc_cache, pc_scav;	/* p.pcache */
	uint64_t ms_size, ms_start, ms_npages, ms_state, ms_elemsize;
};

struct pcache {
	uint64_t base, cache, scav;
};

struct span {
	uint64_t ptr, start, npages, elemsize;
	unsigned int state;
};

struct cache_slot {
	uint64_t blk;			/* block address + 1; 0: empty */
	uint64_t lo, hi;		/* the part read: within one mapping */
	unsigned char *data;		/* CACHE_BLOCK bytes */
};

struct walker {
	struct mm_target *t;
	struct mm_pagemap *pm;
	const struct mm_snapshot *snap;
	const struct layout *l;
	uint64_t os_page;
	int err;
	/* Blocks of target memory holding mspans, direct-mapped. */
	struct cache_slot slots[CACHE_SLOTS];
	unsigned char *data;
	struct pcache *pcs;
	size_t npcs;
	struct span last;			/* the last span read */
	struct mm_go_heap_split *out;
	int prev_kind;				/* of the page before; -2: none */
	uint64_t prev_span;
	uint64_t every;				/* one block in every: 1, all */
	uint64_t committed, walked;		/* read-write runtime pages */
};

/* ---- the layout, by name */

static int var(struct mm_go_dwarf *d, uint64_t bias, const char *v, const char *path,
	       struct mm_go_type *ty)
{
	int err = mm_go_dwarf_var(d, v, path, ty);

	if (!err) {
		ty->addr += bias;
	}
	return err;
}

static int member(struct mm_go_dwarf *d, const char *type, const char *path, uint64_t *off)
{
	struct mm_go_type ty = { 0 };
	int err = mm_go_dwarf_type(d, type, path, &ty);

	*off = err ? 0 : ty.addr;
	return err;
}

static bool pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static int resolve(struct mm_go_dwarf *d, uint64_t bias, struct layout *l)
{
	struct mm_go_type ty;
	uint64_t l2bytes;
	int err;

	if ((err = var(d, bias, "runtime.mheap_", "arenas", &ty))) {
		return err;
	}
	l->arenas = ty.addr;
	l->l1n = ty.count;
	l->l2n = ty.elem_target_size / 8;
	if (!l->l1n || l->l1n > 1024 || !pow2(l->l2n) || l->l1n * l->l2n > (1ull << 30)) {
		return -EINVAL;
	}
	/* allArenas until 1.25, heapArenas from 1.26 (slices). */
	if (var(d, bias, "runtime.mheap_", "heapArenas", &ty) &&
	    (err = var(d, bias, "runtime.mheap_", "allArenas", &ty))) {
		return err;
	}
	l->list = ty.addr;
	if (ty.elem_size != 8) {
		return -EINVAL;
	}
	if ((err = mm_go_dwarf_type(d, "runtime.heapArena", "spans", &ty))) {
		return err;
	}
	l->spans_off = ty.addr;
	if (ty.count != PAGES_PER_ARENA || ty.elem_size != 8) {
		return -EINVAL;
	}
	if ((err = var(d, bias, "runtime.mheap_", "pages.chunks", &ty))) {
		return err;
	}
	l->chunks = ty.addr;
	l->chunks_l1n = ty.count;
	l2bytes = ty.elem_target_size;
	if ((err = mm_go_dwarf_type(d, "runtime.pallocData", NULL, &ty))) {
		return err;
	}
	l->pd_size = ty.size;
	if ((err = member(d, "runtime.pallocData", "pallocBits", &l->pd_alloc)) ||
	    (err = member(d, "runtime.pallocData", "scavenged", &l->pd_scav))) {
		return err;
	}
	l->chunks_l2n = l->pd_size ? l2bytes / l->pd_size : 0;
	if (!l->pd_size ||
	    l->pd_alloc + CHUNK_PAGES / 8 > l->pd_size || l->pd_scav + CHUNK_PAGES / 8 > l->pd_size) {
		return -EINVAL;
	}
	if (!l->chunks_l1n || l->chunks_l1n > (1u << 16) || !pow2(l->chunks_l2n)) {
		return -EINVAL;
	}
	if ((err = var(d, bias, "runtime.allp", NULL, &ty))) {
		return err;
	}
	l->allp = ty.addr;
	if ((err = member(d, "runtime.p", "pcache.base", &l->pc_base)) ||
	    (err = member(d, "runtime.p", "pcache.cache", &l->pc_cache)) ||
	    (err = member(d, "runtime.p", "pcache.scav", &l->pc_scav))) {
		return err;
	}
	if ((err = mm_go_dwarf_type(d, "runtime.mspan", NULL, &ty))) {
		return err;
	}
	l->ms_size = ty.size;
	/* mSpanStateBox.s: a uint8 in 1.19, an atomic.Uint8 from 1.20. */
	if (member(d, "runtime.mspan", "state.s.value", &l->ms_state) &&
	    (err = member(d, "runtime.mspan", "state.s", &l->ms_state))) {
		return err;
	}
	if ((err = member(d, "runtime.mspan", "startAddr", &l->ms_start)) ||
	    (err = member(d, "runtime.mspan", "npages", &l->ms_npages)) ||
	    (err = member(d, "runtime.mspan", "elemsize", &l->ms_elemsize))) {
		return err;
	}
	if (!l->ms_size || l->ms_size > 4096 || l->ms_state >= l->ms_size ||
	    l->ms_start + 8 > l->ms_size || l->ms_npages + 8 > l->ms_size ||
	    l->ms_elemsize + 8 > l->ms_size) {
		return -EINVAL;
	}
	return 0;
}

/* ---- reading only what is present */

/* Reads [addr, addr + len): runs of present pages (or all, when pagemap
 * cannot be read) with one pread each, a page never touched as zeros; a
 * swapped one is -ENODATA (reading it would swap it in).  A new pagemap
 * window read for it ends near it: the walk's reads jump between the
 * span structures, the arenas' tables and the globals, and a full window
 * (32 MiB of address space) for each word cost more than the words. */
static int read_runs(struct walker *w, uint64_t addr, void *buf, size_t len)
{
	unsigned char *b = buf;

	/* A window that holds addr is kept (residency keeps a few); a new
	 * one ends near the read. */
	w->pm->limit = addr + len;
	while (len) {
		bool present = false;
		size_t run = 0;
		int err = 0;

		/* The run of pages alike from addr: present, or zero. */
		while (run < len) {
			uint64_t a = addr + run, next = (a | (w->os_page - 1)) + 1, e = 0;
			bool p = mm_pagemap_entry(w->pm, a, &e) || (e & MM_PAGEMAP_PRESENT);

			if (!p && (e & MM_PAGEMAP_SWAPPED)) {
				return -ENODATA;
			}
			if (run && p != present) {
				break;
			}
			present = p;
			run += next - a < len - run ? next - a : len - run;
		}
		if (present) {
			err = mm_target_read(w->t, addr, b, run);
		} else {
			memset(b, 0, run);
		}
		if (err) {
			return err;
		}
		addr += run;
		b += run;
		len -= run;
	}
	return 0;
}

static int read_present(struct walker *w, uint64_t addr, void *buf, size_t len)
{
	uint64_t limit = w->pm->limit;
	int err = read_runs(w, addr, buf, len);

	w->pm->limit = limit;
	return err;
}

static int read_u64(struct walker *w, uint64_t addr, uint64_t *v)
{
	return read_present(w, addr, v, sizeof(*v));
}

/* Bytes of the blocks holding mspans, through the cache: a block is read
 * whole (one pread), clamped to the mapping holding it. */
static int cached(struct walker *w, uint64_t addr, void *buf, size_t len)
{
	unsigned char *b = buf;

	while (len) {
		uint64_t blk = addr & ~(CACHE_BLOCK - 1), off = addr - blk;
		struct cache_slot *c = &w->slots[(blk / CACHE_BLOCK) % CACHE_SLOTS];
		size_t n = CACHE_BLOCK - off < len ? CACHE_BLOCK - off : len;
		int err;

		if (c->blk != blk + 1 || addr < c->lo || addr + n > c->hi) {
			const struct mm_mapping *m = mm_snapshot_find(w->snap, addr);

			c->blk = 0;
			if (!m) {
				return -EIO;
			}
			c->lo = blk > m->start ? blk : m->start;
			c->hi = blk + CACHE_BLOCK < m->end ? blk + CACHE_BLOCK : m->end;
			if (addr + n > c->hi) {
				n = c->hi - addr;
			}
			if ((err = read_present(w, c->lo, c->data + (c->lo - blk), c->hi - c->lo))) {
				return err;
			}
			c->blk = blk + 1;
		}
		if (addr + n > c->hi) {
			n = c->hi - addr;
		}
		memcpy(b, c->data + off, n);
		addr += n;
		b += n;
		len -= n;
	}
	return 0;
}

static int read_span(struct walker *w, uint64_t ptr, struct span *s)
{
	const struct layout *l = w->l;
	unsigned char buf[4096];
	uint8_t state;
	int err;

	if ((err = cached(w, ptr, buf, l->ms_size))) {
		return err;
	}
	memcpy(&s->start, buf + l->ms_start, 8);
	memcpy(&s->npages, buf + l->ms_npages, 8);
	memcpy(&s->elemsize, buf + l->ms_elemsize, 8);
	memcpy(&state, buf + l->ms_state, 1);
	s->state = state;
	s->ptr = ptr;
	return 0;
}

/* ---- the walk */

static bool bit(const unsigned char *bits, uint64_t i)
{
	return bits[i / 8] >> (i % 8) & 1;
}

static int read_pcaches(struct walker *w)
{
	const struct layout *l = w->l;
	uint64_t array, len, *ps;
	int err;

	if ((err = read_u64(w, l->allp, &array)) || (err = read_u64(w, l->allp + 8, &len))) {
		return err;
	}
	if (len > MAX_PS) {
		return -EINVAL;
	}
	ps = calloc(len ? len : 1, sizeof(*ps));
	w->pcs = calloc(len ? len : 1, sizeof(*w->pcs));
	if (!ps || !w->pcs) {
		free(ps);
		return -ENOMEM;
	}
	err = len ? read_present(w, array, ps, len * 8) : 0;
	for (uint64_t i = 0; !err && i < len; i++) {
		struct pcache *pc = &w->pcs[w->npcs];

		if (!ps[i]) {
			continue;
		}
		err = read_u64(w, ps[i] + l->pc_base, &pc->base);
		err = err ? err : read_u64(w, ps[i] + l->pc_cache, &pc->cache);
		err = err ? err : read_u64(w, ps[i] + l->pc_scav, &pc->scav);
		w->npcs += !err && pc->base && pc->base % RT_PAGE == 0;
	}
	free(ps);
	return err;
}

/* A free page sitting in a P's page cache: 0 free, 1 released, -1 not. */
static int in_pcache(const struct walker *w, uint64_t a)
{
	for (size_t i = 0; i < w->npcs; i++) {
		const struct pcache *pc = &w->pcs[i];

		if (a >= pc->base && a < pc->base + PCACHE_PAGES * RT_PAGE) {
			uint64_t b = (a - pc->base) / RT_PAGE;

			if (pc->cache >> b & 1) {
				return (int)(pc->scav >> b & 1);
			}
		}
	}
	return -1;
}

/* Whether span s, read through spans[p] of the arena at base, holds the
 * page at a: in use or manual, covering a, and the span table agrees at
 * both ends where they fall in this arena. */
static bool span_holds(const struct span *s, const uint64_t *spans, uint64_t base, uint64_t a)
{
	uint64_t end;

	if ((s->state != SPAN_IN_USE && s->state != SPAN_MANUAL) || s->start % RT_PAGE ||
	    !s->npages || s->npages > MAX_SPAN_PAGES) {
		return false;
	}
	end = s->start + s->npages * RT_PAGE;
	if (end < s->start || a < s->start || a >= end) {
		return false;
	}
	if (s->start >= base && spans[(s->start - base) / RT_PAGE] != s->ptr) {
		return false;
	}
	return end > base + ARENA_BYTES || spans[(end - RT_PAGE - base) / RT_PAGE] == s->ptr;
}

/* Adds the runtime page at a, of kind (a part index, or -1 unknown). */
static void count(struct walker *w, int kind, uint64_t span)
{
	struct mm_go_heap_part *p;

	if (kind < 0) {
		w->out->unknown += RT_PAGE;
		w->prev_kind = kind;
		return;
	}
	p = &w->out->part[kind];
	p->bytes += RT_PAGE;
	/* A span once (its pages in a row), a run of free pages once. */
	if (kind != w->prev_kind || span != w->prev_span) {
		p->spans++;
	}
	w->prev_kind = kind;
	w->prev_span = span;
}

/* The pages of one arena in RAM and in swap, by kind: a pass of its own
 * after the classification, so the pagemap window moves through the
 * arena once instead of jumping between it and the span structures. */
static void measure(struct walker *w, uint64_t base, const signed char *kinds)
{
	for (uint64_t p = 0; p < PAGES_PER_ARENA; p++) {
		struct mm_go_heap_part *part;

		if (kinds[p] < 0) {
			continue;
		}
		part = &w->out->part[kinds[p]];
		for (uint64_t o = 0; o < RT_PAGE; o += w->os_page) {
			uint64_t e;

			if (mm_pagemap_entry(w->pm, base + p * RT_PAGE + o, &e)) {
				w->out->measured = false;
				continue;
			}
			part->rss += e & MM_PAGEMAP_PRESENT ? w->os_page : 0;
			part->swap += !(e & MM_PAGEMAP_PRESENT) && (e & MM_PAGEMAP_SWAPPED) ?
				      w->os_page : 0;
		}
	}
}

enum {
	K_OBJECTS = MM_GO_HEAP_OBJECTS - MM_GO_HEAP_OBJECTS,
	K_STACKS = MM_GO_HEAP_STACKS - MM_GO_HEAP_OBJECTS,
	K_GC = MM_GO_HEAP_GC - MM_GO_HEAP_OBJECTS,
	K_FREE = MM_GO_HEAP_FREE - MM_GO_HEAP_OBJECTS,
	K_RELEASED = MM_GO_HEAP_RELEASED - MM_GO_HEAP_OBJECTS,
};

/* The kind of the allocated page at a (index p in its arena; scav: its
 * scavenged bit). */
static int allocated_kind(struct walker *w, const uint64_t *spans, uint64_t base,
			  uint64_t p, uint64_t a, bool scav, uint64_t *span)
{
	struct span s = { 0 };
	int pc;

	*span = 0;
	if (spans[p] && spans[p] == w->last.ptr) {
		s = w->last;
	} else if (!spans[p] || read_span(w, spans[p], &s)) {
		/* Unreadable: not trusted, the page is unknown. */
		s.state = 0;
	}
	if (span_holds(&s, spans, base, a)) {
		*span = s.ptr;
		w->last = s;
		if (s.state == SPAN_IN_USE) {
			return K_OBJECTS;
		}
		/* Only stackalloc sets a manual span's elemsize. */
		return s.elemsize ? K_STACKS : K_GC;
	}
	pc = in_pcache(w, a);
	if (pc >= 0) {
		return pc ? K_RELEASED : K_FREE;
	}
	/* Go 1.26+ marks the pages below its randomized heap base allocated
	 * and scavenged, in no span: released, as its accounting has them. */
	return scav ? K_RELEASED : -1;
}

/* Whether the block of SAMPLE_PAGES holding global runtime page gp is
 * walked: one in w->every, the chosen one drifting by a block each
 * period so that nothing laid out every k blocks (an arena's first block,
 * say) is always or never in the sample. */
static bool sampled(const struct walker *w, uint64_t gp)
{
	uint64_t b = gp / SAMPLE_PAGES;

	return w->every <= 1 || b % w->every == b / w->every % w->every;
}

/* An arena without a sampled block: only its committed pages counted. */
static bool arena_sampled(const struct walker *w, uint64_t gp0)
{
	for (uint64_t p = 0; p < PAGES_PER_ARENA; p += SAMPLE_PAGES) {
		if (sampled(w, gp0 + p)) {
			return true;
		}
	}
	return false;
}

static void count_committed(struct walker *w, uint64_t base)
{
	const struct mm_mapping *m = NULL;

	for (uint64_t p = 0; p < PAGES_PER_ARENA; p++) {
		uint64_t a = base + p * RT_PAGE;

		if (!m || a >= m->end) {
			m = mm_snapshot_find(w->snap, a);
		}
		w->committed += m && !strcmp(m->perms, "rw-p");
	}
}

static int walk_arena(struct walker *w, uint64_t idx, uint64_t *spans, unsigned char *pd,
		      signed char *kinds)
{
	const struct layout *l = w->l;
	uint64_t base = idx * ARENA_BYTES + ARENA_BASE_OFFSET;
	uint64_t l2, ha, ci0 = (base - ARENA_BASE_OFFSET) / CHUNK_BYTES;
	const struct mm_mapping *m = NULL;
	uint64_t blk[CHUNKS_PER_ARENA];
	bool have[CHUNKS_PER_ARENA];
	int err;

	if (idx / l->l2n >= l->l1n) {
		return -EINVAL;
	}
	if (!arena_sampled(w, idx * PAGES_PER_ARENA)) {
		count_committed(w, base);
		return 0;
	}
	if ((err = read_u64(w, l->arenas + idx / l->l2n * 8, &l2)) || !l2 ||
	    (err = read_u64(w, l2 + idx % l->l2n * 8, &ha)) || !ha) {
		return err ? err : -EINVAL;
	}
	if ((err = read_present(w, ha + l->spans_off, spans, PAGES_PER_ARENA * 8))) {
		return err;
	}
	/* Sixteen chunks, adjacent in the chunk map: its L1 entries first,
	 * then the chunks' bitmaps (one pagemap window at a time). */
	for (uint64_t c = 0; c < CHUNKS_PER_ARENA; c++) {
		uint64_t ci = ci0 + c;

		if (ci / l->chunks_l2n >= l->chunks_l1n) {
			return -EINVAL;
		}
		if (c && ci / l->chunks_l2n == (ci - 1) / l->chunks_l2n) {
			blk[c] = blk[c - 1];
		} else if ((err = read_u64(w, l->chunks + ci / l->chunks_l2n * 8, &blk[c]))) {
			return err;
		}
	}
	for (uint64_t c = 0; c < CHUNKS_PER_ARENA; c++) {
		uint64_t ci = ci0 + c;

		have[c] = blk[c] != 0;
		if (have[c] && (err = read_present(w, blk[c] + ci % l->chunks_l2n * l->pd_size,
						   pd + c * l->pd_size, l->pd_size))) {
			return err;
		}
	}
	w->last.ptr = 0;
	w->prev_kind = -2;
	for (uint64_t p = 0; p < PAGES_PER_ARENA && !w->err; p++) {
		uint64_t a = base + p * RT_PAGE, c = p / CHUNK_PAGES, span = 0;
		const unsigned char *bits = pd + c * l->pd_size;
		int kind;

		if (!m || a >= m->end) {
			m = mm_snapshot_find(w->snap, a);
		}
		/* Only what the runtime committed: the rest is reservation. */
		kinds[p] = -1;
		if (!m || strcmp(m->perms, "rw-p")) {
			w->prev_kind = -2;
			continue;
		}
		w->committed++;
		if (!sampled(w, idx * PAGES_PER_ARENA + p)) {
			w->prev_kind = -2;
			continue;
		}
		w->walked++;
		if (!have[c]) {
			kind = -1;
		} else if (!bit(bits + l->pd_alloc, p % CHUNK_PAGES)) {
			kind = bit(bits + l->pd_scav, p % CHUNK_PAGES) ? K_RELEASED : K_FREE;
		} else {
			kind = allocated_kind(w, spans, base, p, a,
					      bit(bits + l->pd_scav, p % CHUNK_PAGES), &span);
		}
		count(w, kind, span);
		kinds[p] = (signed char)kind;
	}
	if (!w->err && w->out->measured) {
		measure(w, base, kinds);
	}
	return w->err;
}

/* x * num / den rounded to a multiple of unit, without overflow for
 * any heap memmap walks (x and num below 2^44, den not 0). */
static uint64_t scale(uint64_t x, uint64_t num, uint64_t den, uint64_t unit)
{
	unsigned __int128 v = (unsigned __int128)x * num / den;

	return (uint64_t)((v + unit / 2) / unit * unit);
}

/* The sample's parts as estimates of the whole: each scaled by committed
 * over walked pages, the rounding left on the largest part so that the
 * parts and unknown still sum to the committed pages, RSS and swap kept
 * within the bytes. */
static void scale_split(struct walker *w, struct mm_go_heap_split *h)
{
	uint64_t c = w->committed, k = w->walked, sum, want = c * RT_PAGE;
	struct mm_go_heap_part *big = &h->part[0];

	if (!k) {
		/* Nothing walked: all the committed pages are unknown. */
		memset(h->part, 0, sizeof(h->part));
		h->unknown = want;
		return;
	}
	h->unknown = scale(h->unknown, c, k, RT_PAGE);
	sum = h->unknown;
	for (int i = 0; i < MM_GO_HEAP_PARTS; i++) {
		struct mm_go_heap_part *p = &h->part[i];

		p->bytes = scale(p->bytes, c, k, RT_PAGE);
		p->rss = scale(p->rss, c, k, w->os_page);
		p->swap = scale(p->swap, c, k, w->os_page);
		p->spans = scale(p->spans, c, k, 1);
		sum += p->bytes;
		big = p->bytes > big->bytes ? p : big;
	}
	if (sum > want) {
		big->bytes -= sum - want < big->bytes ? sum - want : big->bytes;
	} else {
		big->bytes += want - sum;
	}
	for (int i = 0; i < MM_GO_HEAP_PARTS; i++) {
		struct mm_go_heap_part *p = &h->part[i];

		p->rss = p->rss < p->bytes ? p->rss : p->bytes;
		p->swap = p->swap < p->bytes - p->rss ? p->swap : p->bytes - p->rss;
		p->spans = p->spans < p->bytes / RT_PAGE ? p->spans : p->bytes / RT_PAGE;
	}
	h->sampled = true;
}

int mm_go_spans_read(struct mm_go_dwarf *d, struct mm_target *t, struct mm_pagemap *pm,
		     const struct mm_snapshot *snap, uint64_t bias, uint64_t sample_above,
		     struct mm_go_heap_split *out)
{
	struct layout l = { 0 };
	struct walker w = { .t = t, .pm = pm, .snap = snap, .l = &l, .out = out };
	uint64_t array, len, *idx = NULL, *spans = NULL;
	unsigned char *pd = NULL;
	signed char *kinds = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	w.os_page = mm_snapshot_page_size(snap);
	if ((err = resolve(d, bias, &l))) {
		return err;
	}
	w.data = malloc(CACHE_SLOTS * CACHE_BLOCK);
	for (unsigned int i = 0; w.data && i < CACHE_SLOTS; i++) {
		w.slots[i].data = w.data + i * CACHE_BLOCK;
	}
	spans = malloc(PAGES_PER_ARENA * 8);
	pd = malloc(CHUNKS_PER_ARENA * l.pd_size);
	kinds = malloc(PAGES_PER_ARENA);
	if (!w.data || !spans || !pd || !kinds) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = read_pcaches(&w)) || (err = read_u64(&w, l.list, &array)) ||
	    (err = read_u64(&w, l.list + 8, &len))) {
		goto out;
	}
	if (len > MAX_ARENAS || !(idx = calloc(len ? len : 1, 8))) {
		err = len > MAX_ARENAS ? -EINVAL : -ENOMEM;
		goto out;
	}
	if (len && (err = read_present(&w, array, idx, len * 8))) {
		goto out;
	}
	out->measured = pm->fd >= 0;
	/* Sampled above the threshold: about that much heap walked. */
	sample_above = sample_above ? sample_above : MM_GO_SAMPLE_ABOVE;
	w.every = len * ARENA_BYTES > sample_above ?
		  (len * ARENA_BYTES + sample_above - 1) / sample_above : 1;
	for (uint64_t i = 0; !err && i < len; i++) {
		err = walk_arena(&w, idx[i], spans, pd, kinds);
	}
	if (!err && w.every > 1) {
		scale_split(&w, out);
	}
	out->valid = !err;
out:
	if (err) {
		memset(out, 0, sizeof(*out));
	}
	free(idx);
	free(spans);
	free(pd);
	free(kinds);
	free(w.pcs);
	free(w.data);
	return err;
}
