/* SPDX-License-Identifier: GPL-2.0-or-later */
/* label_jemalloc.c: jemalloc's memory from its own structures.  The bases
 * (b0 and each arena's, from je_arenas[]) own blocks of metadata: their
 * lists are walked first and must add up to each base's own `mapped`.
 * The extent map (je_arena_emap_global, a radix tree from page to extent
 * record) is then read only for the pages of private anonymous mappings;
 * each extent record it names must lie in a base block, agree with the
 * tree on its state and slab bit, be named by the tree at its
 * first and last page, and lie in anonymous mappings, before its pages
 * are labelled.  Its sums by state are jemalloc's own totals. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtimes/jemalloc/jemalloc_layout.h"

#define MAX_BLOCKS	4096		/* base blocks, all bases together */
#define MAX_BASES	4096
#define MAX_PIECES	(1u << 20)	/* tree runs kept: 32 MiB at most */
#define MAX_BLOCK_SIZE	(1ULL << 40)

enum { ST_ACTIVE, ST_DIRTY, ST_MUZZY, ST_RETAINED };

struct block {
	uint64_t start, end;
};

/* A run of consecutive pages the tree maps to one extent record. */
struct piece {
	uint64_t edata, first, last;	/* first and last page */
	uint8_t state, slab;
	uint16_t szind;
};

struct extent {
	uint64_t start, end;
	unsigned int state;
};

struct walk {
	struct mm_classify *ctx;
	const struct mm_jemalloc_layout *L;
	const struct mm_jemalloc_facts *f;
	struct block *blocks;
	size_t nblocks;
	struct piece *pieces;
	size_t npieces, piece_alloc;
	struct extent *ext;
	size_t next;
	struct mm_jemalloc_stats st;
};

static uint64_t word(const uint8_t *b, int32_t off)
{
	uint64_t w;

	memcpy(&w, b + off, sizeof(w));
	return w;
}

/* Whether [start, end) lies in private anonymous mappings end to end. */
static bool in_anon(const struct mm_snapshot *snap, uint64_t start, uint64_t end)
{
	while (start < end) {
		const struct mm_mapping *m = mm_snapshot_find(snap, start);

		if (!m || !mm_mapping_is_anon_private(m)) {
			return false;
		}
		start = m->end;
	}
	return true;
}

/* Whether [a, a + len) lies inside one base block. */
static bool in_block(const struct walk *w, uint64_t a, uint64_t len)
{
	for (size_t i = 0; i < w->nblocks; i++) {
		if (a >= w->blocks[i].start && a + len >= a && a + len <= w->blocks[i].end) {
			return true;
		}
	}
	return false;
}

/* Once the bases are read: the blocks by address, none overlapping. */
static int by_block(const void *a, const void *b)
{
	const struct block *p = a, *q = b;

	return p->start < q->start ? -1 : p->start > q->start;
}

static bool sort_blocks(struct walk *w)
{
	qsort(w->blocks, w->nblocks, sizeof(*w->blocks), by_block);
	for (size_t i = 1; i < w->nblocks; i++) {
		if (w->blocks[i].start < w->blocks[i - 1].end) {
			return false;
		}
	}
	return true;
}

/* The last sorted block starting before end, or NULL. */
static const struct block *block_before(const struct walk *w, uint64_t end)
{
	size_t lo = 0, hi = w->nblocks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->blocks[mid].start < end) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo ? &w->blocks[lo - 1] : NULL;
}

/* in_block over the sorted blocks. */
static bool in_sorted_block(const struct walk *w, uint64_t a, uint64_t len)
{
	const struct block *b = block_before(w, a + 1);

	return b && a + len >= a && a + len <= b->end;
}

static bool known_block(const struct walk *w, uint64_t a)
{
	for (size_t i = 0; i < w->nblocks; i++) {
		if (w->blocks[i].start == a) {
			return true;
		}
	}
	return false;
}

/* One base's blocks, from base_t at `base`: each page-aligned, in
 * anonymous memory, its trailing-space record ending where it ends, the
 * list bounded and never seen before, and the sizes adding up to the
 * base's mapped.  The base itself must lie in one of its blocks.  Returns
 * 1 when the base reads back (its blocks added to w), 0 when not. */
static int walk_base(struct walk *w, uint64_t base)
{
	const struct mm_jemalloc_layout *L = w->L;
	struct mm_target *t = w->ctx->target;
	uint64_t page = w->ctx->page, blk, mapped = 0, counters[3];
	size_t first = w->nblocks;
	bool holds_base = false;

	if (!base || (base & 7) || mm_target_read_word(t, base + L->base_blocks, &blk) ||
	    mm_target_read(t, base + L->base_allocated, counters, sizeof(counters)) ||
	    L->base_resident != L->base_allocated + 8 || L->base_mapped != L->base_allocated + 16) {
		return 0;
	}
	while (blk) {
		uint8_t hdr[64];
		uint64_t size, eaddr, ebsize;

		if (w->nblocks >= MAX_BLOCKS || (blk & (page - 1)) || known_block(w, blk) ||
		    (size_t)L->block_edata + L->edata_size_esn + 8 > sizeof(hdr) ||
		    mm_target_read(t, blk, hdr, (size_t)L->block_edata + L->edata_size_esn + 8)) {
			goto bad;
		}
		size = word(hdr, L->block_size);
		eaddr = word(hdr, L->block_edata + L->edata_addr);
		ebsize = word(hdr, L->block_edata + L->edata_size_esn);
		if (!size || size > MAX_BLOCK_SIZE || (size & (page - 1)) || blk + size < blk ||
		    eaddr < blk + (uint64_t)L->block_header || eaddr > blk + size ||
		    eaddr + ebsize != blk + size || !in_anon(w->ctx->snap, blk, blk + size)) {
			goto bad;
		}
		w->blocks[w->nblocks++] = (struct block){ blk, blk + size };
		holds_base |= base >= blk && base < blk + size;
		mapped += size;
		blk = word(hdr, L->block_next);
	}
	if (!holds_base || mapped != counters[2] || counters[0] > mapped ||
	    counters[1] > mapped) {
		goto bad;
	}
	w->st.metadata += counters[0];
	w->st.metadata_resident += counters[1];
	w->st.metadata_mapped += counters[2];
	return 1;
bad:
	mm_debug(w->ctx, "jemalloc", "base %#llx: its block list does not read back",
		 (unsigned long long)base);
	w->nblocks = first;
	return 0;
}

/* b0, then every arena's base: all must read back.  Returns 1, 0 when
 * one does not, or -ENOMEM. */
static int walk_bases(struct walk *w)
{
	const struct mm_jemalloc_layout *L = w->L;
	struct mm_target *t = w->ctx->target;
	const struct mm_jemalloc_globals *g = &w->f->g;
	uint64_t b0, *arenas, bases[2];
	uint32_t narenas;
	int ok = 1;

	if (mm_target_read_word(t, g->b0, &b0) ||
	    mm_target_read(t, g->narenas_total, &narenas, sizeof(narenas)) ||
	    !narenas || narenas > (uint32_t)L->arena_limit || narenas > MAX_BASES ||
	    !walk_base(w, b0)) {
		return 0;
	}
	if (!(arenas = calloc(narenas, sizeof(*arenas)))) {
		return -ENOMEM;
	}
	if (mm_target_read(t, g->arenas, arenas, narenas * sizeof(*arenas))) {
		ok = 0;
	}
	for (uint32_t i = 0; ok && i < narenas; i++) {
		if (!arenas[i]) {	/* an arena not yet made */
			continue;
		}
		/* arena_t comes from its own base (arena 0's is b0). */
		if (mm_target_read_word(t, arenas[i] + L->arena_base, &bases[0])) {
			ok = 0;
			break;
		}
		if (bases[0] != b0 && !walk_base(w, bases[0])) {
			ok = 0;
			break;
		}
		if (!in_block(w, arenas[i], (uint64_t)L->arena_base + 8)) {
			ok = 0;
		}
		w->st.arenas++;
	}
	free(arenas);
	if (!ok) {
		mm_debug(w->ctx, "jemalloc", "an arena or its base does not read back");
	}
	return ok;
}

static int add_piece(struct walk *w, uint64_t edata, uint64_t addr, uint64_t bits)
{
	const struct mm_jemalloc_layout *L = w->L;
	unsigned int state = (unsigned int)(bits >> L->leaf_state_shift) &
			     ((1u << L->state_width) - 1);
	struct piece *p = w->npieces ? &w->pieces[w->npieces - 1] : NULL;

	if (p && p->edata == edata && p->last + w->ctx->page == addr && p->state == state) {
		p->last = addr;
		return 0;
	}
	if (w->npieces >= MAX_PIECES) {
		return -E2BIG;
	}
	if (w->npieces == w->piece_alloc) {
		size_t n = w->piece_alloc ? 2 * w->piece_alloc : 1024;
		struct piece *v = realloc(w->pieces, n * sizeof(*v));

		if (!v) {
			return -ENOMEM;
		}
		w->pieces = v;
		w->piece_alloc = n;
	}
	w->pieces[w->npieces++] = (struct piece){
		.edata = edata, .first = addr, .last = addr, .state = (uint8_t)state,
		.slab = (uint8_t)(bits & 1), .szind = (uint16_t)(bits >> L->lg_vaddr),
	};
	return 0;
}

/* The tree's entries for the pages [start, end) of one mapping: its root
 * slot (in the global emap) names a leaf, which must lie whole in a base block; the
 * leaf's entries are read a page at a time. */
static int read_tree(struct walk *w, uint64_t start, uint64_t end)
{
	const struct mm_jemalloc_layout *L = w->L;
	struct mm_target *t = w->ctx->target;
	uint64_t page = w->ctx->page, root = w->f->g.emap + (uint64_t)L->rtree_root;
	int shift0 = L->lg_vaddr - L->rtree_bits0, lg_page = L->lg_page;
	uint64_t nleaf = 1ULL << L->rtree_bits1, leaf = 0, leaf_i = ~0ULL;
	uint64_t buf[512], buf_at = ~0ULL;
	int rc;

	for (uint64_t a = start; a < end; a += page) {
		uint64_t i0 = a >> shift0, i1 = (a >> lg_page) & (nleaf - 1), bits, e, at;

		if (i0 >= (1ULL << L->rtree_bits0)) {
			return 0;
		}
		if (i0 != leaf_i) {
			leaf_i = i0;
			buf_at = ~0ULL;
			if (mm_target_read_word(t, root + i0 * 8, &leaf) ||
			    (leaf && ((leaf & 7) || !in_sorted_block(w, leaf, nleaf * 8)))) {
				leaf = 0;
			}
		}
		if (!leaf) {
			/* Nothing there: skip to the next leaf's first page. */
			uint64_t next = (i0 + 1) << shift0;

			if (next <= a) {
				return 0;
			}
			a = (next > end ? end : next) - page;
			continue;
		}
		at = leaf + (i1 * 8 & ~(uint64_t)(sizeof(buf) - 1));
		if (at != buf_at) {
			bool empty = true;

			if (mm_target_read(t, at, buf, sizeof(buf))) {
				memset(buf, 0, sizeof(buf));
			}
			buf_at = at;
			for (size_t k = 0; k < sizeof(buf) / 8 && empty; k++) {
				empty = !buf[k];
			}
			if (empty) {
				/* No extent in the 512 pages it covers. */
				uint64_t next = (a | ((sizeof(buf) / 8 << lg_page) - 1)) + 1;

				if (next <= a) {
					return 0;
				}
				a = (next > end ? end : next) - page;
				continue;
			}
		}
		bits = buf[i1 % (sizeof(buf) / 8)];
		/* The record's address: sign-extended from lg_vaddr bits,
		 * the state and flags masked off. */
		e = (uint64_t)((int64_t)(bits << (64 - L->lg_vaddr)) >> (64 - L->lg_vaddr)) &
		    ~((uint64_t)L->edata_alignment - 1);
		if (e && (rc = add_piece(w, e, a, bits))) {
			return rc;
		}
	}
	return 0;
}

static int by_edata(const void *a, const void *b)
{
	const struct piece *p = a, *q = b;

	if (p->edata != q->edata) {
		return p->edata < q->edata ? -1 : 1;
	}
	return p->first < q->first ? -1 : p->first > q->first;
}

static int by_start(const void *a, const void *b)
{
	const struct extent *p = a, *q = b;

	return p->start < q->start ? -1 : p->start > q->start;
}

/* Size-class tables (bin_infos, sz_index2size_tab) for allocated: each
 * size increasing, each bin's regions fitting.  Returns whether they read
 * back (then *sizes and *nregs are filled). */
static bool read_classes(struct walk *w, uint64_t *sizes, uint32_t *nregs)
{
	const struct mm_jemalloc_layout *L = w->L;
	struct mm_target *t = w->ctx->target;
	uint8_t bi[64];

	if (L->nsizes <= 0 || L->nsizes > 512 || L->nbins > L->nsizes ||
	    (size_t)L->bin_info_size > sizeof(bi) ||
	    mm_target_read(t, w->f->g.index2size, sizes, (size_t)L->nsizes * 8)) {
		return false;
	}
	for (int i = 0; i < L->nsizes; i++) {
		if (!sizes[i] || (i && sizes[i] <= sizes[i - 1])) {
			return false;
		}
	}
	for (int i = 0; i < L->nbins; i++) {
		if (mm_target_read(t, w->f->g.bin_infos + (uint64_t)i * L->bin_info_size,
				   bi, (size_t)L->bin_info_size) ||
		    word(bi, L->bin_info_reg_size) != sizes[i]) {
			return false;
		}
		memcpy(&nregs[i], bi + L->bin_info_nregs, sizeof(nregs[i]));
		if (!nregs[i] || nregs[i] > (1u << 16)) {
			return false;
		}
	}
	return true;
}

/* One extent record, named by the tree from p[0].first to p[n-1].last. */
static void check_extent(struct walk *w, const struct piece *p, size_t n, const uint64_t *sizes,
			 const uint32_t *nregs, bool classes)
{
	const struct mm_jemalloc_layout *L = w->L;
	uint64_t page = w->ctx->page, rec[8], bits, addr, size;
	unsigned int state, szind;
	size_t len = (size_t)L->edata_size_esn + 8;

	if ((p->edata & ((uint64_t)L->edata_alignment - 1)) || len > sizeof(rec) ||
	    !in_sorted_block(w, p->edata, len) ||
	    mm_target_read(w->ctx->target, p->edata, rec, len)) {
		return;
	}
	bits = word((uint8_t *)rec, L->edata_bits);
	/* A large extent's address may be moved up to a page into its
	 * first page (cache-oblivious randomisation): the base is its page. */
	addr = word((uint8_t *)rec, L->edata_addr) & ~(page - 1);
	size = word((uint8_t *)rec, L->edata_size_esn) & ~(page - 1);
	state = (unsigned int)(bits >> L->bits_state_shift) & ((1u << L->state_width) - 1);
	szind = (unsigned int)(bits >> L->bits_szind_shift) & ((1u << L->bits_szind_width) - 1);
	if (state > ST_RETAINED || state != p->state || !size ||
	    addr + size < addr || addr != p[0].first || addr + size - page != p[n - 1].last ||
	    ((bits >> L->bits_slab_shift) & 1) != p->slab ||
	    !in_anon(w->ctx->snap, addr, addr + size)) {
		return;
	}
	for (size_t i = 1; i < n; i++) {	/* one state, no page named twice */
		if (p[i].state != state || p[i].first <= p[i - 1].last) {
			return;
		}
	}
	if (state == ST_ACTIVE && classes && szind < (unsigned int)L->nsizes) {
		if (p->slab && szind < (unsigned int)L->nbins) {
			uint64_t nfree = (bits >> L->bits_nfree_shift) &
					 ((1ULL << L->bits_nfree_width) - 1);

			w->st.allocated += nfree <= nregs[szind] ? (nregs[szind] - nfree) * sizes[szind]
								 : 0;
		} else if (!p->slab) {
			w->st.allocated += sizes[szind];
		}
	}
	w->ext[w->next++] = (struct extent){ addr, addr + size, state };
}

static int walk_extents(struct walk *w)
{
	const struct mm_snapshot *snap = w->ctx->snap;
	uint64_t sizes[512];
	uint32_t nregs[512];
	bool classes;
	int rc = 0;

	for (size_t i = 0; i < snap->nmappings && !rc; i++) {
		const struct mm_mapping *m = &snap->mappings[i];

		if (mm_mapping_is_anon_private(m)) {
			rc = read_tree(w, m->start, m->end);
		}
	}
	if (rc) {
		return rc;
	}
	classes = read_classes(w, sizes, nregs);
	w->st.allocated_known = classes;
	if (!w->npieces) {
		return 0;	/* no extent at all: nothing to sort */
	}
	qsort(w->pieces, w->npieces, sizeof(*w->pieces), by_edata);
	if (!(w->ext = calloc(w->npieces, sizeof(*w->ext)))) {
		return -ENOMEM;
	}
	for (size_t i = 0, j; i < w->npieces; i = j) {
		for (j = i + 1; j < w->npieces && w->pieces[j].edata == w->pieces[i].edata; j++) {
		}
		check_extent(w, &w->pieces[i], j - i, sizes, nregs, classes);
	}
	qsort(w->ext, w->next, sizeof(*w->ext), by_start);
	return 0;
}

static const char *const state_names[] = { "active", "dirty", "muzzy", "retained" };

/* Labels every extent that overlaps neither a neighbour nor a base block,
 * and the base blocks; sums by state. */
static int label(struct walk *w)
{
	struct mm_snapshot *snap = w->ctx->snap;
	uint64_t *by_state[] = { &w->st.active, &w->st.dirty, &w->st.muzzy, &w->st.retained };
	int rc = 0;

	uint64_t reach = 0;	/* the furthest end of the extents before */

	for (size_t i = 0; i < w->next && !rc; i++) {
		const struct extent *e = &w->ext[i];
		bool clash = reach > e->start || (i + 1 < w->next && w->ext[i + 1].start < e->end);

		reach = e->end > reach ? e->end : reach;
		if (!clash) {
			const struct block *b = block_before(w, e->end);

			clash = b && b->end > e->start;
		}
		if (clash) {
			mm_debug(w->ctx, "jemalloc", "extent %#llx overlaps another: not labelled",
				 (unsigned long long)e->start);
			continue;
		}
		*by_state[e->state] += e->end - e->start;
		w->st.extents++;
		rc = mm_snapshot_label(snap, e->start, e->end, MM_JEMALLOC_ARENA, MM_HOW_RUNTIME,
				       state_names[e->state], MM_ONLY_ANON);
	}
	for (size_t b = 0; b < w->nblocks && !rc; b++) {
		rc = mm_snapshot_label(snap, w->blocks[b].start, w->blocks[b].end,
				       MM_JEMALLOC_METADATA, MM_HOW_RUNTIME, "base block",
				       MM_ONLY_ANON);
	}
	w->st.base_blocks = w->nblocks;
	w->st.mapped = w->st.active + w->st.dirty + w->st.muzzy + w->st.metadata_mapped;
	/* As jemalloc counts it: muzzy pages (MADV_FREE'd) are not. */
	w->st.resident = w->st.active + w->st.dirty + w->st.metadata_resident;
	return rc;
}

int mm_label_jemalloc(struct mm_classify *ctx)
{
	const struct mm_jemalloc_facts *f = ctx->jemalloc;
	struct walk w = { .ctx = ctx, .f = f };
	int rc;

	if (!f || !f->lay || !mm_target_has_memory(ctx->target)) {
		return 0;
	}
	w.L = f->lay;
	if (w.L->rtree_height != 2 || !w.L->rtree_compact || w.L->lg_vaddr < 40 ||
	    w.L->lg_vaddr > 56 || (1ULL << w.L->lg_page) != ctx->page ||
	    w.L->rtree_bits0 + w.L->rtree_bits1 + w.L->lg_page != w.L->lg_vaddr) {
		return mm_snapshot_warn(ctx->snap, "%s: jemalloc %s: its extent map has a shape "
					"memmap does not read: its memory stays anon", f->img->path,
					w.L->version) ? -ENOMEM : 1;
	}
	if (!(w.blocks = calloc(MAX_BLOCKS, sizeof(*w.blocks)))) {
		return -ENOMEM;
	}
	rc = walk_bases(&w);
	if (rc > 0 && !sort_blocks(&w)) {
		rc = 0;
	}
	if (rc > 0) {
		rc = walk_extents(&w);
		if (rc == -E2BIG) {
			rc = mm_snapshot_warn(ctx->snap, "%s: jemalloc: its extent map names more "
					      "than %u runs of pages: not read, its memory stays "
					      "anon", f->img->path, MAX_PIECES) ? -ENOMEM : 1;
		} else if (!rc) {
			rc = label(&w);
			/* Sums of a walk the budget cut short are not its totals. */
			w.st.known = !ctx->target->budget.exceeded;
			ctx->snap->runtime.jemalloc = w.st;
			mm_debug(ctx, "jemalloc", "%zu tree runs, %llu extents, %zu base blocks, "
				 "%llu arenas", w.npieces, (unsigned long long)w.st.extents,
				 w.nblocks, (unsigned long long)w.st.arenas);
		}
	} else if (rc == 0 && ctx->target->mem_err) {
		rc = 1;		/* the memory is closed: classify says why, once */
	} else if (rc == 0) {
		rc = mm_snapshot_warn(ctx->snap, "%s: jemalloc %s: its bases do not read back "
				      "(not initialised, or not the layout memmap knows): its "
				      "memory stays anon", f->img->path, w.L->version) ? -ENOMEM : 1;
	}
	free(w.blocks);
	free(w.pieces);
	free(w.ext);
	return rc;
}
