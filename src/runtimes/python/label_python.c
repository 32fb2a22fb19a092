/* SPDX-License-Identifier: GPL-2.0-or-later */
/* label_python.c: CPython's own mmaps — pymalloc arenas (python.arena) and
 * the per-thread frame stacks (python.datastack) — proven from the target's
 * memory: pool headers, the arena table they index, and the chunk chains of
 * every thread state reachable from _PyRuntime. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtimes/python/python_layouts.h"
#include "runtimes/python/python_probe.h"
#include "util/grow.h"
#include "util/seen.h"

/* pymalloc on 64-bit: arenas carved into pools of one size class each,
 * classes ALIGNMENT apart up to 512 bytes.  The pool header and the arena
 * table's entries are the same from 3.6 to 3.13 (checked with gdb and by
 * tests/python on Debian's 3.11.2 and pyenv's 3.6.15 to 3.13.0). */
struct pymalloc_geom {
	int minor_from, minor_to;
	uint64_t arena_size, pool_size, alignment;
	uint64_t alt_alignment;		/* tried when no pool fits the first */
};

/* ALIGNMENT went from 8 to 16 in 3.8, and in later 3.6 and 3.7 releases
 * (3.6.15 and 3.7.16 have 16, gdb says). */
static const struct pymalloc_geom geoms[] = {
	{ 6, 7, 256 << 10, 4 << 10, 16, 8 },
	{ 8, 9, 256 << 10, 4 << 10, 16, 0 },
	{ 10, 13, 1 << 20, 16 << 10, 16, 0 },	/* USE_LARGE_ARENAS, _POOLS */
};

/* POOL_OVERHEAD, ARENA_OBJ_SIZE and CHUNK_HDR are checked against each
 * build's debug info by scripts/gen-python-layouts. */
#define POOL_OVERHEAD	48		/* sizeof(struct pool_header) */
#define ARENA_OBJ_SIZE	48		/* sizeof(struct arena_object) */
#define CHUNK_MIN	(16ULL << 10)	/* DATA_STACK_CHUNK_SIZE */
#define CHUNK_HDR	24		/* previous, size, top */
#define SAMPLE_ARENAS	16		/* whose pools are read to find the table */

#define RW_SCAN_MAX	(64ULL << 20)	/* of an image's writable segments */

struct python {
	struct mm_classify *ctx;
	struct mm_pagemap *pm;
	uint64_t page;
	int minor;
	uint64_t runtime, runtime_size;	/* _PyRuntime in the target */
	const struct mm_py_layout *lay;
	uint64_t arena_size, pool_size, alignment, nb_classes, alt_alignment;
	uint64_t pools;			/* pool slots of an arena on a pool boundary */
	uint64_t rw[4][2];		/* the image's writable PT_LOADs */
	size_t nrw;
};

/* A pool seen in an anonymous mapping. */
struct pool {
	uint64_t addr;
	uint32_t arenaindex;
};

/* The pools of one arena index: where they lie, where the arena is. */
struct arena {
	uint32_t index;
	uint64_t lo, hi;		/* first and last pool seen */
	uint64_t start;			/* from the arena table; 0: unknown */
	bool bad;
};

/* Reads target memory through the one reader, which reads only pages in
 * RAM: never faults one in, never swaps one back.  Cached: the pool
 * headers and the arena table are read in many small pieces. */
static int peek(struct python *py, uint64_t addr, void *buf, size_t len)
{
	if (!len || addr + len < addr) {
		return -EINVAL;
	}
	return mm_target_read_cached(py->ctx->target, addr, buf, len);
}

static int peek_word(struct python *py, uint64_t addr, uint64_t *v)
{
	return peek(py, addr, v, sizeof(*v));
}

static bool in_image_rw(const struct python *py, uint64_t addr)
{
	for (size_t i = 0; i < py->nrw; i++) {
		if (addr >= py->rw[i][0] && addr < py->rw[i][1]) {
			return true;
		}
	}
	return false;
}

static bool anon_rw(const struct mm_mapping *m)
{
	return m && !m->path && strcmp(m->perms, "rw-p") == 0;
}

/* [start, end) lies in anonymous private rw memory (mappings may be
 * several: the kernel splits as well as merges). */
static bool anon_rw_range(const struct mm_snapshot *snap, uint64_t start, uint64_t end)
{
	while (start < end) {
		const struct mm_mapping *m = mm_snapshot_find(snap, start);

		if (!anon_rw(m)) {
			return false;
		}
		start = m->end;
	}
	return true;
}

/* A pool header that pymalloc wrote: every field agrees with its size
 * class.  nextpool and prevpool are stale in full pools, so they may point
 * anywhere pools or the usedpools heads (in the image's data) live. */
static bool pool_valid(const struct python *py, uint64_t p, const uint64_t h[6])
{
	uint32_t count = (uint32_t)h[0], szidx = (uint32_t)(h[4] >> 32);
	uint32_t next_off = (uint32_t)h[5], max_next = (uint32_t)(h[5] >> 32);
	uint64_t size, fb = h[1];

	if (h[0] >> 32 || szidx >= py->nb_classes) {
		return false;
	}
	size = (szidx + 1ULL) * py->alignment;
	if (max_next != py->pool_size - size || next_off > py->pool_size ||
	    next_off < POOL_OVERHEAD + 2 * size || (next_off - POOL_OVERHEAD) % size ||
	    count > (py->pool_size - POOL_OVERHEAD) / size) {
		return false;
	}
	if (fb && (fb < p + POOL_OVERHEAD || fb >= p + py->pool_size ||
		   (fb - p - POOL_OVERHEAD) % size)) {
		return false;
	}
	for (int i = 2; i <= 3; i++) {
		if (h[i] && (h[i] & (py->pool_size - 1)) && !in_image_rw(py, h[i])) {
			return false;
		}
	}
	return true;
}

/* Every pool slot in still-anon rw memory whose header page is in RAM. */
/* The pool headers in anonymous rw memory, in address order; with
 * max_runs, only until pools of that many arenas have been seen (an
 * arena's pools are one run of the same arena index). */
static int collect_pools(struct python *py, size_t max_runs, struct pool **out,
			 size_t *nout)
{
	struct mm_snapshot *snap = py->ctx->snap;
	struct pool *v = NULL;
	size_t n = 0, alloc = 0, runs = 0;

	for (size_t i = 0; i < snap->nmappings && (!max_runs || runs <= max_runs); i++) {
		const struct mm_mapping *m = &snap->mappings[i];

		if (!anon_rw(m)) {
			continue;
		}
		for (size_t j = 0; j < m->nregions; j++) {
			const struct mm_region *g = &m->regions[j];
			uint64_t p = (g->start + py->pool_size - 1) & ~(py->pool_size - 1);
			uint64_t h[6];

			if (g->label != MM_ANON) {
				continue;
			}
			for (; p + py->pool_size <= g->end; p += py->pool_size) {
				if (peek(py, p, h, sizeof(h)) || !pool_valid(py, p, h)) {
					continue;
				}
				if (!n || v[n - 1].arenaindex != (uint32_t)(h[4] & 0xffffffff)) {
					if (max_runs && ++runs > max_runs) {
						break;
					}
				}
				if (mm_grow(&v, &alloc, n + 1, sizeof(*v))) {
					free(v);
					return -ENOMEM;
				}
				v[n++] = (struct pool){ p, (uint32_t)(h[4] & 0xffffffff) };
			}
		}
	}
	*out = v;
	*nout = n;
	return 0;
}

static int cmp_arena(const void *a, const void *b)
{
	const struct arena *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_arena_lo(const void *a, const void *b)
{
	const struct arena *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Groups pools by arena index, sorted by it; an index whose pools cannot
 * share one arena, or whose span overlaps another's, is marked bad.  The
 * pools come in address order, so an arena's are one run. */
static int group_pools(const struct python *py, const struct pool *v, size_t n,
		       struct arena **out, size_t *nout)
{
	struct arena *a = NULL;
	size_t na = 0, alloc = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		if (na && a[na - 1].index == v[i].arenaindex) {
			a[na - 1].hi = v[i].addr;
			continue;
		}
		if (mm_grow(&a, &alloc, na + 1, sizeof(*a))) {
			free(a);
			return -ENOMEM;
		}
		a[na++] = (struct arena){ v[i].arenaindex, v[i].addr, v[i].addr, 0, false };
	}
	if (!na) {
		goto done;
	}
	/* Runs of one index apart from each other: one arena's span. */
	qsort(a, na, sizeof(*a), cmp_arena);
	for (size_t i = 1; i <= na; i++) {
		if (i < na && a[i].index == a[k].index) {
			a[k].bad |= a[i].bad;
			a[k].lo = a[i].lo < a[k].lo ? a[i].lo : a[k].lo;
			a[k].hi = a[i].hi > a[k].hi ? a[i].hi : a[k].hi;
			continue;
		}
		if (a[k].hi + py->pool_size - a[k].lo > py->arena_size) {
			a[k].bad = true;
		}
		if (i < na) {
			a[++k] = a[i];
		}
	}
	na = k + 1;
	qsort(a, na, sizeof(*a), cmp_arena_lo);
	for (size_t i = 1, top = 0; i < na; i++) {
		if (a[i].lo <= a[top].hi) {
			a[i].bad = a[top].bad = true;
		}
		if (a[i].hi > a[top].hi) {
			top = i;
		}
	}
	qsort(a, na, sizeof(*a), cmp_arena);
done:
	*out = a;
	*nout = na;
	return 0;
}

/* arena_object: address, pool_address, nfreepools | ntotalpools << 32,
 * freepools, nextarena, prevarena.  Consistent with an arena of that
 * index whose pools were seen (or none were) at [lo, hi]. */
static bool entry_valid(const struct python *py, const uint64_t o[6],
			const struct arena *seen)
{
	uint64_t a = o[0], pa = o[1], first;
	uint32_t nfree = (uint32_t)o[2], ntotal = (uint32_t)(o[2] >> 32);

	if (!a || (a & 4095)) {
		return false;
	}
	first = (a + py->pool_size - 1) & ~(py->pool_size - 1);
	if (ntotal != (first == a ? py->pools : py->pools - 1) || nfree > ntotal ||
	    pa < first || pa > a + py->arena_size || (pa - first) % py->pool_size) {
		return false;
	}
	return !seen || (seen->lo >= first && seen->hi + py->pool_size <= a + py->arena_size &&
			 seen->lo < pa);
}

/* Whether the pool at p of arena index i agrees with table t: its entry
 * is valid and holds p. */
static bool pool_agrees(struct python *py, uint64_t t, uint64_t usable, const struct pool *p)
{
	struct arena one = { .index = p->arenaindex, .lo = p->addr, .hi = p->addr };
	uint64_t off = (uint64_t)p->arenaindex * ARENA_OBJ_SIZE, o[6];

	return off + ARENA_OBJ_SIZE <= usable && !peek(py, t + off, o, sizeof(o)) &&
	       entry_valid(py, o, &one);
}

/* The widest gap between two mappings (between the heap and the mmap
 * area, as a rule): no pointer lies there. */
static void widest_hole(const struct mm_snapshot *snap, uint64_t hole[2])
{
	hole[0] = hole[1] = 0;
	for (size_t i = 1; i < snap->nmappings; i++) {
		uint64_t lo = snap->mappings[i - 1].end, hi = snap->mappings[i].start;

		if (hi > lo && hi - lo > hole[1] - hole[0]) {
			hole[0] = lo;
			hole[1] = hi;
		}
	}
}

/* pymalloc's table of arena_objects, indexed by the pools' arenaindex: a
 * pointer in the image's data (a static in 3.11, inside _PyRuntime from
 * 3.12) to a malloc'd block whose glibc chunk header bounds its length.
 * Pool headers are only evidence: the program may write valid-looking ones
 * anywhere, so the table is the block with which the most of the first
 * pools of SAMPLE_ARENAS runs (one arena index each) agree, not one with
 * which all must.  0 when none agrees with any. */
static uint64_t find_table(struct python *py, const struct pool *v, size_t n,
			   size_t *len)
{
	struct mm_snapshot *snap = py->ctx->snap;
	struct pool reps[SAMPLE_ARENAS];
	size_t nreps = 0, best_agree = 0;
	uint64_t buf[512], best = 0;
	/* The last writable and other mapping a pointer fell in: most point
	 * into the heap or the image's own text and rodata. */
	const struct mm_mapping *last[2] = { NULL, NULL };
	uint64_t hole[2];		/* most words that are no pointer land here */

	for (size_t i = 0; i < n && nreps < SAMPLE_ARENAS; i++) {
		if (!i || v[i].arenaindex != v[i - 1].arenaindex) {
			reps[nreps++] = v[i];
		}
	}
	widest_hole(snap, hole);
	/* A page at a time: a page not in RAM holds no pointer worth having.
	 * The file sets the segments' sizes: only the first RW_SCAN_MAX bytes
	 * of them are searched (libpython's data is a few hundred KiB). */
	for (size_t r = 0; nreps && r < py->nrw; r++) {
		uint64_t stop = py->rw[r][1] - py->rw[r][0] > RW_SCAN_MAX ?
				py->rw[r][0] + RW_SCAN_MAX : py->rw[r][1];

		for (uint64_t p = py->rw[r][0] & ~7ULL; p < stop;
		     p = (p & ~(py->page - 1)) + py->page) {
			uint64_t e = (p & ~(py->page - 1)) + py->page;
			size_t nw;

			if (e > py->rw[r][1]) {
				e = py->rw[r][1];
			}
			nw = (e - p) / 8;
			if (!nw || nw > sizeof(buf) / 8 || peek(py, p, buf, nw * 8)) {
				continue;
			}
			for (size_t w = 0; w < nw; w++) {
				uint64_t t = buf[w], hdr, usable;
				const struct mm_mapping *m;
				size_t agree = 0;

				/* The table is malloc'd: never in the image itself,
				 * whose data is full of pointers to its own objects. */
				if (!t || (t & 15) || t == best || in_image_rw(py, t) ||
				    t < snap->mappings[0].start || (t >= hole[0] && t < hole[1])) {
					continue;
				}
				m = last[0];
				if (!m || t < m->start || t >= m->end) {
					m = last[1];
				}
				if (!m || t < m->start || t >= m->end) {
					m = mm_snapshot_find(snap, t);
				}
				if (m) {
					last[m->perms[1] == 'w'] = m;
				}
				if (!m || m->perms[1] != 'w' || peek_word(py, t - 8, &hdr)) {
					continue;
				}
				/* usable size: the chunk less its size field (and
				 * prev_size when mmapped) */
				usable = (hdr & ~7ULL) - ((hdr & 2) ? 16 : 8);
				if ((hdr & ~7ULL) < 32 || usable > (1ULL << 30)) {
					continue;
				}
				for (size_t i = 0; i < nreps; i++) {
					agree += pool_agrees(py, t, usable, &reps[i]);
				}
				if (agree > best_agree) {
					best_agree = agree;
					best = t;
					*len = usable / ARENA_OBJ_SIZE;
				}
			}
		}
	}
	if (best && best_agree < nreps) {
		mm_debug(py->ctx, "python", "arena table %#llx: %zu of %zu sampled pools "
			 "agree with it; the others are no arena's", (unsigned long long)best,
			 best_agree, nreps);
	}
	return best;
}

static int label_arena(struct python *py, uint64_t start, uint64_t end,
		       uint32_t index)
{
	char detail[48];

	snprintf(detail, sizeof(detail), "arena %u", index);
	return mm_snapshot_label(py->ctx->snap, start, end, MM_PYTHON_ARENA,
				 MM_HOW_RUNTIME, detail, MM_ONLY_ANON);
}

/* Pools are carved from an arena's first slot on, and their headers stay:
 * the lowest pool seen is the first slot when the slot below it was never
 * carved (its header page never touched, so not in RAM, and the mapping has
 * nothing in swap) or is another arena's pool.  A header there that we
 * could not make out proves nothing. */
static bool first_slot(struct python *py, const struct arena *a)
{
	const struct mm_snapshot *snap = py->ctx->snap;
	const struct mm_mapping *m = mm_snapshot_find(snap, a->lo);
	uint64_t below = a->lo - py->pool_size, h[6], e;

	if (!m || m->c.swap) {
		return false;
	}
	if (!anon_rw(mm_snapshot_find(snap, below))) {
		return true;
	}
	if (mm_snapshot_find(snap, below)->c.swap || mm_pagemap_entry(py->pm, below, &e)) {
		return false;
	}
	if (!(e & MM_PAGEMAP_PRESENT)) {
		return true;
	}
	return !peek(py, below, h, sizeof(h)) && pool_valid(py, below, h) &&
	       (uint32_t)h[4] != a->index;
}

/* With the table: every live entry whose first pool agrees is an arena,
 * exactly [address, address + arena size).  Without: what the pools prove. */
static int label_arenas(struct python *py)
{
	struct mm_snapshot *snap = py->ctx->snap;
	struct pool *pools = NULL;
	struct arena *ar = NULL;
	size_t npools = 0, nar = 0, len = 0;
	uint64_t table;
	int rc;

	/* The pools of a few arenas find the arena table, which then names
	 * every arena; every pool is read only when there is no table (a
	 * pread each: 60,000 for a 1 GB heap). */
	for (size_t sample = SAMPLE_ARENAS;; sample = 0) {
		rc = collect_pools(py, sample, &pools, &npools);
		if (!rc && !npools && py->alt_alignment) {
			free(pools);
			pools = NULL;
			py->alignment = py->alt_alignment;
			py->nb_classes = 512 / py->alignment;
			rc = collect_pools(py, sample, &pools, &npools);
		}
		if (!rc) {
			rc = group_pools(py, pools, npools, &ar, &nar);
		}
		if (rc || !nar) {
			goto out;
		}
		table = find_table(py, pools, npools, &len);
		if (table || !sample) {
			break;
		}
		free(pools);
		free(ar);
		pools = NULL;
		ar = NULL;
	}
	for (size_t i = 0; table && !rc && i < len && i < (1u << 20); i++) {
		uint64_t o[6], h[6], first;
		struct arena key = { .index = (uint32_t)i }, *seen;

		if (peek(py, table + i * ARENA_OBJ_SIZE, o, sizeof(o)) || !o[0]) {
			continue;
		}
		seen = bsearch(&key, ar, nar, sizeof(*ar), cmp_arena);
		if (!entry_valid(py, o, seen && !seen->bad ? seen : NULL) ||
		    !anon_rw_range(snap, o[0], o[0] + py->arena_size)) {
			continue;
		}
		/* A carved first pool must say it is this arena's. */
		first = (o[0] + py->pool_size - 1) & ~(py->pool_size - 1);
		if (o[1] > first && !peek(py, first, h, sizeof(h)) &&
		    (!pool_valid(py, first, h) || (uint32_t)h[4] != i)) {
			continue;
		}
		if (seen) {
			seen->start = o[0];
		}
		rc = label_arena(py, o[0], o[0] + py->arena_size, (uint32_t)i);
	}
	/* No table: the pools seen, and when the lowest is the arena's first
	 * slot, all slots but one from there (an arena off a pool boundary
	 * has one slot less).  With one, a pool it does not place is no
	 * arena's (pool headers agree with their arena in the table). */
	for (size_t i = 0; !rc && !table && i < nar; i++) {
		uint64_t end = ar[i].hi + py->pool_size;
		uint64_t most = ar[i].lo + (py->pools - 1) * py->pool_size;

		if (ar[i].bad || ar[i].start) {
			continue;
		}
		if (most > end && first_slot(py, &ar[i]) && anon_rw_range(snap, ar[i].lo, most)) {
			end = most;
		}
		rc = label_arena(py, ar[i].lo, end, ar[i].index);
	}
out:
	free(pools);
	free(ar);
	return rc;
}

/* A _PyStackChunk: its own mmap of 16 KiB << n, top (in words) inside. */
static bool chunk_valid(struct python *py, uint64_t c, uint64_t h[3])
{
	uint64_t size;

	if (!c || (c & (py->page - 1)) || peek(py, c, h, 3 * sizeof(*h))) {
		return false;
	}
	size = h[1];
	if (size < CHUNK_MIN || size > (1ULL << 32) || (size & (size - 1)) ||
	    h[2] > (size - CHUNK_HDR) / 8 || (h[0] & (py->page - 1))) {
		return false;
	}
	return anon_rw_range(py->ctx->snap, c, c + size);
}

/* A frame-stack chunk found by walking the thread states. */
struct datastack {
	uint64_t chunk, size, tid;
};

/* Private anonymous bytes: what every list the walks follow must fit in,
 * a node no smaller than min bytes each. */
static size_t nodes_that_fit(const struct mm_snapshot *snap, uint64_t min)
{
	uint64_t bytes = 0;

	for (size_t i = 0; i < snap->nmappings; i++) {
		if (mm_mapping_is_anon_private(&snap->mappings[i])) {
			bytes += mm_mapping_size(&snap->mappings[i]);
		}
	}
	return (size_t)(bytes / min + 1);
}

static int add_datastack(struct datastack **v, size_t *n, size_t *alloc,
			 struct datastack d)
{
	if (mm_grow(v, alloc, *n + 1, sizeof(**v))) {
		return -ENOMEM;
	}
	(*v)[(*n)++] = d;
	return 0;
}

/* Every thread state of every interpreter, from _PyRuntime; each one's
 * chunks by their `previous` links.  Each list is cycle-checked and
 * bounded by what the anonymous memory can hold; the chunks are labelled
 * only when every walk ended cleanly (a list that loops is no list).
 * Returns 0, -ELOOP/-E2BIG (a walk failed its checks), -ETIME (memory
 * budget spent) or -ENOMEM. */
static int walk_datastacks(struct python *py, struct datastack **v, size_t *n)
{
	const struct mm_py_layout *L = py->lay;
	struct mm_seen interps = { .max = 256 };
	struct mm_seen states = { .max = nodes_that_fit(py->ctx->snap, 256) };
	struct mm_seen chunks = { .max = nodes_that_fit(py->ctx->snap, CHUNK_MIN) };
	uint64_t interp, ts, chunk, tid, h[3];
	size_t alloc = 0;
	int rc = 0;

	if (peek_word(py, py->runtime + L->rt_interp_head, &interp)) {
		return 0;
	}
	while (interp && !rc && !(rc = mm_seen_add(&interps, interp))) {
		if ((rc = peek_word(py, interp + L->is_threads_head, &ts))) {
			break;
		}
		while (ts && !rc && !(rc = mm_seen_add(&states, ts))) {
			if ((rc = peek_word(py, ts + L->ts_datastack, &chunk)) ||
			    (rc = peek_word(py, ts + L->ts_native_tid, &tid))) {
				break;
			}
			while (!rc && chunk_valid(py, chunk, h) &&
			       !(rc = mm_seen_add(&chunks, chunk))) {
				rc = add_datastack(v, n, &alloc,
						   (struct datastack){ chunk, h[1], tid });
				chunk = h[0];
			}
			if (!rc) {
				rc = peek_word(py, ts + L->ts_next, &ts);
			}
		}
		if (!rc) {
			rc = peek_word(py, interp + L->is_next, &interp);
		}
	}
	mm_seen_free(&interps);
	mm_seen_free(&states);
	mm_seen_free(&chunks);
	/* A pointer into memory not in RAM ends a walk as a null would. */
	return rc == -EFAULT || rc == -EIO ? 0 : rc;
}

static int label_datastacks(struct python *py)
{
	struct datastack *v = NULL;
	size_t n = 0;
	int rc = walk_datastacks(py, &v, &n);

	if (rc == -ENOMEM) {
		free(v);
		return rc;
	}
	if (rc) {
		free(v);
		mm_debug(py->ctx, "python", "thread states: %s: no frame stacks",
			 rc == -ELOOP ? "a list loops" : rc == -E2BIG ?
			 "a list longer than memory holds" : strerror(-rc));
		return mm_snapshot_warn(py->ctx->snap, "%d: python: its thread states do not "
					"read back as lists (%s): frame stacks not labelled",
					(int)py->ctx->target->pid,
					rc == -ELOOP ? "a list loops" :
					rc == -E2BIG ? "longer than memory holds" :
					"memory budget spent") ? -ENOMEM : 1;
	}
	for (size_t i = 0; !rc && i < n; i++) {
		char detail[48];

		snprintf(detail, sizeof(detail), "tid %llu", (unsigned long long)v[i].tid);
		rc = mm_snapshot_label(py->ctx->snap, v[i].chunk, v[i].chunk + v[i].size,
				       MM_PYTHON_DATASTACK, MM_HOW_RUNTIME, detail,
				       MM_ONLY_ANON);
	}
	free(v);
	return rc;
}

int mm_label_python(struct mm_classify *ctx)
{
	const struct mm_python_facts *f = ctx->python;
	struct python py = { .ctx = ctx, .pm = ctx->pm, .page = ctx->page };
	int rc = 0, partial = 0;

	if (!f || !f->img) {
		return 0;
	}
	py.minor = f->minor;
	py.runtime = f->runtime;
	py.runtime_size = f->runtime_size;
	py.nrw = f->nrw;
	memcpy(py.rw, f->rw, sizeof(py.rw));
	for (size_t i = 0; i < mm_py_nlayouts; i++) {
		if (mm_py_layouts[i].minor == py.minor &&
		    mm_py_layouts[i].runtime_size == py.runtime_size) {
			py.lay = &mm_py_layouts[i];
		}
	}
	/* Pool layouts checked for these versions only. */
	for (size_t i = 0; i < sizeof(geoms) / sizeof(geoms[0]); i++) {
		if (py.minor >= geoms[i].minor_from && py.minor <= geoms[i].minor_to) {
			py.arena_size = geoms[i].arena_size;
			py.pool_size = geoms[i].pool_size;
			py.alignment = geoms[i].alignment;
			py.alt_alignment = geoms[i].alt_alignment;
			py.nb_classes = 512 / py.alignment;
			py.pools = py.arena_size / py.pool_size;
		}
	}
	if (!py.arena_size) {
		mm_debug(ctx, "python", "3.%d: pool layout unknown: no arenas", py.minor);
		return 0;
	}
	if (!mm_pagemap_readable(py.pm)) {
		mm_debug(ctx, "python", "pagemap not readable: nothing proven");
		return 0;
	}
	if (py.lay) {
		partial = label_datastacks(&py);
		rc = partial < 0 ? partial : 0;
	} else {
		mm_debug(ctx, "python", "3.%d: thread state layout unknown (_PyRuntime %llu "
			 "bytes): no frame stacks", py.minor,
			 (unsigned long long)py.runtime_size);
	}
	if (!rc) {
		rc = label_arenas(&py);
	}
	return rc ? rc : partial;
}
