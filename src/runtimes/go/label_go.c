/* SPDX-License-Identifier: GPL-2.0-or-later */
/* label_go.c: the mappings the Go runtime makes (go.* labels).  Three
 * sources, strongest first: the names Go 1.25+ gives its mappings
 * ("[anon: Go: heap]"), the runtime's own pointers read from the target
 * (globals from .symtab or, stripped, from the code: go_locate.h; member
 * offsets from the generated table or DWARF; values by pread on
 * /proc/PID/mem), and, when those cannot be read or do not hold together,
 * the arena hint addresses alone. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "label/classify.h"
#include "util/format.h"
#include "util/grow.h"
#include "runtimes/go/go_dwarf.h"
#include "runtimes/go/go_memstats.h"
#include "runtimes/go/go_probe.h"
#include "runtimes/go/go_spans.h"
#include "runtimes/go/label_go.h"

/* Constants of the Go runtime on linux/amd64 that DWARF does not carry
 * (malloc.go, mheap.go); the same from Go 1.19 through 1.23, checked. */
#define HEAP_ARENA_BYTES	(64ull << 20)
#define ARENA_BASE_OFFSET	0xffff800000000000ull
#define PERSISTENT_CHUNK_SIZE	(256ull << 10)
#define PERSISTENT_MAX_BLOCK	(64ull << 10)	/* persistentalloc mmaps larger requests */
#define ARENA_HINT_BASE		0x00c000000000ull
#define ARENA_HINT_STEP		(1ull << 40)
/* Bounds that keep a corrupt or racing list from running away. */
#define MAX_LIST		(1u << 20)
#define MAX_ARENAS		(1u << 22)

struct go_labeller {
	struct mm_classify *ctx;
	struct mm_snapshot *snap;
	struct mm_target *target;
	struct mm_go_dwarf *dw;
	uint64_t bias;		/* load bias of a PIE executable, else 0 */
	int read_err;		/* the first failed read, or 0 */
	int err;		/* -ENOMEM from labelling */
	bool partial;		/* some runtime could not be read: exit 1 */
	char why[128];		/* why a runtime's structures were not read */
	const char *why_path;	/* the image they were not read from */
	unsigned long stale;	/* runtime pointers to unmapped memory */
};

static uint64_t page_up(const struct go_labeller *g, uint64_t x)
{
	uint64_t ps = g->ctx->page;

	return (x + ps - 1) & ~(ps - 1);
}

static int rd(struct go_labeller *g, uint64_t addr, void *buf, size_t len)
{
	int err = mm_target_read(g->target, addr, buf, len);

	if (err && !g->read_err) {
		g->read_err = err;
	}
	return err;
}

static int rd64(struct go_labeller *g, uint64_t addr, uint64_t *v)
{
	return rd(g, addr, v, sizeof(*v));
}

/* Labels [start, end) when it lies in mapped memory: a pointer read from a
 * running process may be stale, and a stale one must not label anything. */
static void label(struct go_labeller *g, uint64_t start, uint64_t end,
		  enum mm_label lab, enum mm_how how, const char *detail)
{
	struct mm_mapping *m;
	int err;

	if (start >= end || start == 0) {
		return;
	}
	m = mm_snapshot_find(g->snap, start);
	if (!m || !mm_snapshot_find(g->snap, end - 1)) {
		g->stale += how == MM_HOW_RUNTIME;
		return;
	}
	err = mm_snapshot_label(g->snap, start, end, lab, how, detail, MM_ONLY_ANON);
	if (err && !g->err) {
		g->err = err;
	}
}

static void labelf(struct go_labeller *g, uint64_t start, uint64_t end,
		   enum mm_label lab, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void labelf(struct go_labeller *g, uint64_t start, uint64_t end,
		   enum mm_label lab, const char *fmt, ...)
{
	char detail[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	label(g, start, end, lab, MM_HOW_RUNTIME, detail);
}

/* ---- names the runtime gives its mappings (Go 1.25+, decoratemappings) */

static const struct {
	const char *name;
	enum mm_label label;
} go_names[] = {
	{ "heap", MM_GO_HEAP },
	{ "heap reservation", MM_GO_HEAP },
	{ "heap index", MM_GO_HEAP_INDEX },
	{ "heap metadata", MM_GO_HEAP_METADATA },
	{ "page summary", MM_GO_PAGE_SUMMARY },
	/* Go commits summary pages under this name (pageAlloc.sysGrow). */
	{ "page alloc", MM_GO_PAGE_SUMMARY },
	{ "page alloc index", MM_GO_PAGE_ALLOC },
	{ "scavenge index", MM_GO_SCAVENGE_INDEX },
	{ "immortal metadata", MM_GO_IMMORTAL_METADATA },
	{ "gc bits", MM_GO_GC_BITS },
	{ "allspans array", MM_GO_ALLSPANS },
};

#define GO_NAME_PREFIX " Go: "	/* after "[anon:" */

int mm_go_label_for_name(const char *path)
{
	size_t plen = strlen(GO_NAME_PREFIX), len;
	const char *name = mm_anon_name_of(path, false, &len);

	if (!name || len <= plen || strncmp(name, GO_NAME_PREFIX, plen)) {
		return -1;
	}
	name += plen;
	len -= plen;
	for (size_t i = 0; i < sizeof(go_names) / sizeof(go_names[0]); i++) {
		if (strlen(go_names[i].name) == len && !strncmp(go_names[i].name, name, len)) {
			return go_names[i].label;
		}
	}
	return MM_GO_OTHER;
}

static int label_kernel_names(struct go_labeller *g)
{
	for (size_t i = 0; i < g->snap->nmappings; i++) {
		struct mm_mapping *m = &g->snap->mappings[i];
		int lab = mm_go_label_for_name(m->path);
		int err;

		if (lab < 0) {
			continue;
		}
		/* The whole mapping carries the name; it was anon.named. */
		err = mm_mapping_label(m, m->start, m->end, lab, MM_HOW_KERNEL, NULL, 0);
		if (err) {
			return err;
		}
	}
	return 0;
}

/* ---- exact mode: the runtime's pointers */

static int var(struct go_labeller *g, const char *v, const char *path,
	       struct mm_go_type *t)
{
	int err = mm_go_dwarf_var(g->dw, v, path, t);

	if (!err) {
		t->addr += g->bias;
	}
	return err;
}

/* A slice header's array and cap, member offsets by name. */
static int read_slice(struct go_labeller *g, const char *v, const char *path,
		      uint64_t *array, uint64_t *len, uint64_t *cap, uint64_t *elem)
{
	struct mm_go_type s, a, l, c;
	char sub[128];
	int err;

	err = var(g, v, path, &s);
	snprintf(sub, sizeof(sub), "%s.array", path);
	err = err ? err : var(g, v, sub, &a);
	snprintf(sub, sizeof(sub), "%s.len", path);
	err = err ? err : var(g, v, sub, &l);
	snprintf(sub, sizeof(sub), "%s.cap", path);
	err = err ? err : var(g, v, sub, &c);
	if (err) {
		return err;
	}
	*elem = s.elem_size;
	err = rd64(g, a.addr, array);
	err = err ? err : rd64(g, l.addr, len);
	err = err ? err : rd64(g, c.addr, cap);
	return err;
}

/* Whether the layouts are a neighbour version's (mm_go_dwarf_layout). */
static bool layout_guessed(const struct go_labeller *g)
{
	bool nearest;

	mm_go_dwarf_layout(g->dw, &nearest);
	return nearest;
}

/* Whether [start, end) is exactly one mapping. */
static bool whole_mapping(const struct go_labeller *g, uint64_t start, uint64_t end)
{
	const struct mm_mapping *m = mm_snapshot_find(g->snap, start);

	return m && m->start == start && m->end == end;
}

/* One list of arena indices (mheap_.allArenas; from Go 1.26 heapArenas and
 * userArenaArenas): each arena, and its heapArena when that is a mapping of
 * its own.  l1 is mheap_.arenas read, l1n its length. */
static void label_arena_list(struct go_labeller *g, const char *list, const uint64_t *l1,
			     uint64_t l1n, uint64_t l2bits)
{
	struct mm_go_type ha;
	uint64_t array, len, cap, esize;
	uint64_t *idx;

	if (read_slice(g, "runtime.mheap_", list, &array, &len, &cap, &esize) ||
	    esize != 8 || len > MAX_ARENAS || len > cap) {
		return;
	}
	idx = calloc(len ? len : 1, sizeof(*idx));
	if (!idx) {
		g->err = -ENOMEM;
		return;
	}
	if (len && rd(g, array, idx, len * sizeof(*idx))) {
		goto out;
	}
	if (mm_go_dwarf_type(g->dw, "runtime.heapArena", NULL, &ha)) {
		ha.size = 0;
	}
	for (uint64_t i = 0; i < len; i++) {
		uint64_t base = idx[i] * HEAP_ARENA_BYTES + ARENA_BASE_OFFSET;
		uint64_t l1i = idx[i] >> l2bits, l2i = idx[i] & ((1ull << l2bits) - 1);
		uint64_t meta;

		labelf(g, base, base + HEAP_ARENA_BYTES, MM_GO_HEAP, "arena %#llx",
		       (unsigned long long)base);
		/* A heapArena below persistentalloc's block limit lives inside
		 * a persistentalloc chunk, which is labelled as such. */
		if (ha.size < PERSISTENT_MAX_BLOCK || l1i >= l1n || !l1[l1i] ||
		    rd64(g, l1[l1i] + l2i * 8, &meta) || !meta) {
			continue;
		}
		/* With a neighbour version's layout its size is a guess (1.23's
		 * heapArena is a page smaller than 1.27's): only a whole
		 * mapping of that size is taken. */
		if (layout_guessed(g) && !whole_mapping(g, meta, page_up(g, meta + ha.size))) {
			continue;
		}
		labelf(g, meta, page_up(g, meta + ha.size), MM_GO_HEAP_METADATA,
		       "heapArena of %#llx", (unsigned long long)base);
	}
out:
	free(idx);
}

/* The heap arenas, the L2 arena map (mheap_.arenas[i]) and each arena's
 * heapArena (arenas[l1][l2]). */
static void label_arenas(struct go_labeller *g)
{
	static const char *const lists[] = { "allArenas", "heapArenas", "userArenaArenas" };
	struct mm_go_type arenas;
	uint64_t l2size, l2bits = 0;
	uint64_t *l1;

	if (var(g, "runtime.mheap_", "arenas", &arenas) || arenas.count == 0 ||
	    arenas.count > 1024 || arenas.elem_target_size < 8 ||
	    arenas.elem_target_size > (1ull << 40)) {
		return;
	}
	l2size = arenas.elem_target_size;
	while ((8ull << l2bits) < l2size) {
		l2bits++;
	}
	l1 = calloc(arenas.count, sizeof(*l1));
	if (!l1) {
		g->err = -ENOMEM;
		return;
	}
	if (rd(g, arenas.addr, l1, arenas.count * sizeof(*l1))) {
		goto out;
	}
	for (uint64_t i = 0; i < arenas.count; i++) {
		if (l1[i]) {
			labelf(g, l1[i], page_up(g, l1[i] + l2size), MM_GO_HEAP_INDEX,
			       "mheap_.arenas[%llu]", (unsigned long long)i);
		}
	}
	/* A version has either the first list or the other two. */
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		label_arena_list(g, lists[i], l1, arenas.count, l2bits);
	}
out:
	free(l1);
}

/* mheap_.pages: the summary levels, the chunks L2 blocks and the
 * scavenge index; each is a reservation with parts committed. */
static void label_page_alloc(struct go_labeller *g)
{
	struct mm_go_type sum, arr, cap, chunks;
	uint64_t *l1, a, len, c, esize;

	if (!var(g, "runtime.mheap_", "pages.summary", &sum) && sum.count &&
	    sum.count <= 16 && sum.elem_target_size &&
	    !mm_go_dwarf_type(g->dw, "[]runtime.pallocSum", "array", &arr) &&
	    !mm_go_dwarf_type(g->dw, "[]runtime.pallocSum", "cap", &cap)) {
		for (uint64_t l = 0; l < sum.count; l++) {
			uint64_t hdr = sum.addr + l * sum.elem_size;

			if (rd64(g, hdr + arr.addr, &a) || rd64(g, hdr + cap.addr, &c)) {
				break;
			}
			labelf(g, a, page_up(g, a + c * sum.elem_target_size),
			       MM_GO_PAGE_SUMMARY, "summary level %llu", (unsigned long long)l);
		}
	}

	if (!var(g, "runtime.mheap_", "pages.chunks", &chunks) && chunks.count &&
	    chunks.count <= (1u << 16) && chunks.elem_target_size) {
		l1 = calloc(chunks.count, sizeof(*l1));
		if (!l1) {
			g->err = -ENOMEM;
			return;
		}
		if (!rd(g, chunks.addr, l1, chunks.count * sizeof(*l1))) {
			for (uint64_t i = 0; i < chunks.count; i++) {
				if (l1[i]) {
					labelf(g, l1[i], page_up(g, l1[i] + chunks.elem_target_size),
					       MM_GO_PAGE_ALLOC, "chunks[%llu]", (unsigned long long)i);
				}
			}
		}
		free(l1);
	}

	/* []atomic.Uint8 in 1.19, []atomicScavChunkData from 1.21: the
	 * element size from DWARF gives the reservation either way. */
	if (!read_slice(g, "runtime.mheap_", "pages.scav.index.chunks", &a, &len, &c, &esize) &&
	    esize) {
		labelf(g, a, page_up(g, a + c * esize), MM_GO_SCAVENGE_INDEX, "scavenge index");
	}
}

/* Brent's cycle check for the runtime's linked lists: a list read from a
 * running (or hostile) process may loop.  Returns true at a repeat. */
struct walk {
	uint64_t mark;
	unsigned long steps, power;
};

static bool walk_loops(struct walk *w, uint64_t p)
{
	if (p == w->mark) {
		return true;
	}
	if (++w->steps == w->power) {
		w->mark = p;
		w->power *= 2;
		w->steps = 0;
	}
	return false;
}

/* persistentalloc chunks: a list linked through each chunk's first word. */
static void label_persistent(struct go_labeller *g)
{
	struct mm_go_type head;
	struct walk w = { 0, 0, 1 };
	uint64_t p;

	if (var(g, "runtime.persistentChunks", NULL, &head) || rd64(g, head.addr, &p)) {
		return;
	}
	for (unsigned int n = 0; p && n < MAX_LIST && !walk_loops(&w, p); n++) {
		if (!mm_snapshot_find(g->snap, p)) {
			break;
		}
		labelf(g, p, p + PERSISTENT_CHUNK_SIZE, MM_GO_IMMORTAL_METADATA,
		       "persistentalloc chunk");
		if (rd64(g, p, &p)) {
			break;
		}
	}
}

/* gcBits arenas: four lists linked through gcBitsArena.next. */
static void label_gc_bits(struct go_labeller *g)
{
	static const char *const lists[] = { "free", "next", "current", "previous" };
	struct mm_go_type next;

	if (mm_go_dwarf_type(g->dw, "runtime.gcBitsArena", "next", &next)) {
		return;
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		struct mm_go_type head;
		struct walk w = { 0, 0, 1 };
		uint64_t p;

		if (var(g, "runtime.gcBitsArenas", lists[i], &head) || !head.elem_size ||
		    rd64(g, head.addr, &p)) {
			continue;
		}
		for (unsigned int n = 0; p && n < MAX_LIST && !walk_loops(&w, p); n++) {
			if (!mm_snapshot_find(g->snap, p)) {
				break;
			}
			labelf(g, p, page_up(g, p + head.elem_size), MM_GO_GC_BITS,
			       "gcBits arena (%s)", lists[i]);
			if (rd64(g, p + next.addr, &p)) {
				break;
			}
		}
	}
}

static void label_allspans(struct go_labeller *g)
{
	uint64_t a, len, cap, esize;

	if (!read_slice(g, "runtime.mheap_", "allspans", &a, &len, &cap, &esize) && a && esize) {
		labelf(g, a, page_up(g, a + cap * esize), MM_GO_ALLSPANS, "mheap_.allspans");
	}
}

/* The memory profiler's bucket hash table, mmap'd on the first sample. */
static void label_buckhash(struct go_labeller *g)
{
	struct mm_go_type v, arr;
	uint64_t p;

	if (mm_go_dwarf_type(g->dw, "runtime.buckhashArray", NULL, &arr) || !arr.size) {
		return;
	}
	/* An atomic.UnsafePointer since Go 1.19; a plain pointer before. */
	if (var(g, "runtime.buckhash", "value", &v) && var(g, "runtime.buckhash", NULL, &v)) {
		return;
	}
	if (!rd64(g, v.addr, &p) && p) {
		labelf(g, p, page_up(g, p + arr.size), MM_GO_OTHER, "mprof bucket hash");
	}
}

/* Go 1.26+ (Green Tea GC): the mark phase's span queues, spanSPMCs on
 * the list work.spanSPMCs (linked through allnode), each with a ring
 * mmap'd of its own.  The runtime names these "GC span queue", which has
 * no label of its own either. */
static void label_span_queues(struct go_labeller *g)
{
	struct mm_go_type obj, noff, next, ring, cap;
	struct walk w = { 0, 0, 1 };
	uint64_t p, off;

	if (var(g, "runtime.work", "spanSPMCs.list.obj", &obj) ||
	    var(g, "runtime.work", "spanSPMCs.list.nodeOffset", &noff) ||
	    mm_go_dwarf_type(g->dw, "runtime.listNodeManual", "next", &next) ||
	    mm_go_dwarf_type(g->dw, "runtime.spanSPMC", "ring", &ring) ||
	    mm_go_dwarf_type(g->dw, "runtime.spanSPMC", "cap", &cap) || cap.size != 4 ||
	    rd64(g, obj.addr, &p) || rd64(g, noff.addr, &off) || off > 4096) {
		return;
	}
	for (unsigned int n = 0; p && n < MAX_LIST && !walk_loops(&w, p); n++) {
		uint64_t r;
		uint32_t c;

		if (!mm_snapshot_find(g->snap, p) || rd64(g, p + ring.addr, &r) ||
		    rd(g, p + cap.addr, &c, sizeof(c))) {
			break;
		}
		if (r && c && c <= (1u << 28)) {
			labelf(g, r, page_up(g, r + (uint64_t)c * 8), MM_GO_OTHER,
			       "GC span queue");
		}
		if (rd64(g, p + off + next.addr, &p)) {
			break;
		}
	}
}

/* Whether [a, a + len) lies in one private anonymous mapping. */
static bool in_anon(const struct go_labeller *g, uint64_t a, uint64_t len)
{
	const struct mm_mapping *m = mm_snapshot_find(g->snap, a);

	return m && !m->path && !m->inode && a + len >= a && a + len <= m->end;
}

/* Before mheap_ is trusted (its address found in the code of a stripped
 * binary, or its layout taken from another version's row): every L2
 * arena map it points to is an anonymous mapping of its own size, at
 * least one exists (mallocinit made it before main), and allspans, once
 * allocated, points to anonymous memory too. */
static bool heap_sane(struct go_labeller *g)
{
	struct mm_go_type arenas;
	uint64_t l1[16], a, len, cap, esize;
	unsigned int n = 0;

	if (var(g, "runtime.mheap_", "arenas", &arenas) || arenas.count == 0 ||
	    arenas.count > 16 || arenas.elem_target_size == 0 ||
	    rd(g, arenas.addr, l1, arenas.count * sizeof(l1[0]))) {
		return false;
	}
	for (uint64_t i = 0; i < arenas.count; i++) {
		if (l1[i] && !in_anon(g, l1[i], arenas.elem_target_size)) {
			return false;
		}
		n += l1[i] != 0;
	}
	if (read_slice(g, "runtime.mheap_", "allspans", &a, &len, &cap, &esize) ||
	    len > cap || (a && !in_anon(g, a, cap * esize))) {
		return false;
	}
	return n > 0;
}

/* Ms the runtime can have at most (debug.SetMaxThreads' default is 10000). */
#define MAX_MS			(1u << 16)

struct m_layout {
	struct mm_go_type g0, alllink, procid, lo, hi;
};

static int m_layout(struct go_labeller *g, struct m_layout *l)
{
	int err = mm_go_dwarf_type(g->dw, "runtime.m", "g0", &l->g0);

	err = err ? err : mm_go_dwarf_type(g->dw, "runtime.m", "alllink", &l->alllink);
	err = err ? err : mm_go_dwarf_type(g->dw, "runtime.m", "procid", &l->procid);
	err = err ? err : mm_go_dwarf_type(g->dw, "runtime.g", "stack.lo", &l->lo);
	err = err ? err : mm_go_dwarf_type(g->dw, "runtime.g", "stack.hi", &l->hi);
	return err;
}

/* One M of allm: its thread id and its g0's stack bounds. */
static int read_m(struct go_labeller *g, const struct m_layout *l, uint64_t m,
		  struct mm_thread_bounds *b, uint64_t *next)
{
	uint64_t g0, tid;

	if (mm_target_read(g->target, m + l->g0.addr, &g0, 8) ||
	    mm_target_read(g->target, m + l->procid.addr, &tid, 8) ||
	    mm_target_read(g->target, m + l->alllink.addr, next, 8) ||
	    !g0 || !mm_snapshot_find(g->snap, g0) ||
	    mm_target_read(g->target, g0 + l->lo.addr, &b->lo, 8) ||
	    mm_target_read(g->target, g0 + l->hi.addr, &b->hi, 8)) {
		return -EIO;
	}
	b->tid = tid > 0 && tid < (1u << 30) ? (int32_t)tid : 0;
	return 0;
}

/* Every M on allm (linked through alllink) for the threads labeller: the
 * thread id and where g0, the thread's system stack, lies.  Bounded and
 * cycle-checked; a list that does not end where it should is dropped
 * whole (said under --debug).  Returns 0 or -ENOMEM. */
static int read_threads(struct go_labeller *g, const struct mm_image *img)
{
	struct mm_classify *ctx = g->ctx;
	struct mm_thread_bounds *v = NULL, *nv;
	struct walk w = { 0, 0, 1 };
	struct mm_go_type head;
	struct m_layout l;
	size_t n = 0, alloc = 0;
	const char *why = NULL;
	uint64_t m;

	if (var(g, "runtime.allm", NULL, &head) || m_layout(g, &l) ||
	    mm_target_read(g->target, head.addr, &m, 8)) {
		mm_debug(ctx, "go", "%s: allm not read: threads by their stack pointers",
			 img->path);
		return 0;
	}
	for (; m && !why; n++) {
		if (n >= MAX_MS || walk_loops(&w, m)) {
			why = "it does not end";
		} else if (!mm_snapshot_find(g->snap, m)) {
			why = "an M lies in unmapped memory";
		} else if (mm_grow(&v, &alloc, n + 1, sizeof(*v))) {
			free(v);
			return -ENOMEM;
		} else if (read_m(g, &l, m, &v[n], &m)) {
			why = "an M cannot be read";
		}
	}
	if (why) {
		mm_debug(ctx, "go", "%s: allm not believed (%s): threads by their stack "
			 "pointers", img->path, why);
		free(v);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		mm_debug(ctx, "go", "%s: M tid %d g0 stack 0x%llx-0x%llx", img->path,
			 (int)v[i].tid, (unsigned long long)v[i].lo,
			 (unsigned long long)v[i].hi);
	}
	nv = n ? realloc(ctx->sys_stacks, (ctx->nsys_stacks + n) * sizeof(*nv)) : NULL;
	if (n && !nv) {
		free(v);
		return -ENOMEM;
	}
	if (n) {
		memcpy(nv + ctx->nsys_stacks, v, n * sizeof(*v));
		ctx->sys_stacks = nv;
		ctx->nsys_stacks += n;
	}
	free(v);
	return 0;
}

/* Reads the runtime's roots; returns 0 when exact labelling was done,
 * else -errno (nothing relied on was readable), -EPROTO when what was
 * read does not hold together. */
static int label_exact(struct go_labeller *g)
{
	struct mm_go_type heap;
	uint64_t probe;

	if (var(g, "runtime.mheap_", NULL, &heap)) {
		return -ENOENT;
	}
	/* Memory must be readable before anything is trusted. */
	if (rd64(g, heap.addr, &probe)) {
		return g->read_err;
	}
	if (!heap_sane(g)) {
		return g->read_err ? g->read_err : -EPROTO;
	}
	label_arenas(g);
	label_page_alloc(g);
	label_persistent(g);
	label_gc_bits(g);
	label_allspans(g);
	label_buckhash(g);
	label_span_queues(g);
	return 0;
}

/* ---- heuristic mode: arena hints */

/* The first hint index that is not a heap hint: 1.19 uses all 128 hints
 * for the heap; from 1.20 the upper half serve user arenas. */
static unsigned int heap_hints(const char *version)
{
	unsigned int major, minor;

	if (version && sscanf(version, "go%u.%u", &major, &minor) == 2 &&
	    major == 1 && minor < 20) {
		return 0x80;
	}
	return 0x40;
}

/* Whether a mapping can hold arenas: unnamed and private, read-write
 * where committed and PROT_NONE beyond. */
static bool arena_mapping(const struct mm_mapping *m)
{
	return !m->path && !m->inode &&
	       (!strcmp(m->perms, "rw-p") || !strcmp(m->perms, "---p"));
}

/* The end of the run of unnamed private anonymous memory, still labelled
 * anon, that starts at start (start itself if there is none).  Jumps from
 * mapping to mapping, so a run across a huge mapping costs no more than a
 * small one: the work is bounded by the mappings, not by address space. */
static uint64_t anon_run_end(const struct mm_snapshot *snap, uint64_t start)
{
	uint64_t a = start;

	for (;;) {
		const struct mm_mapping *m = mm_snapshot_find(snap, a);
		uint64_t stop;

		if (!m || !arena_mapping(m) || m->end <= a) {
			return a;
		}
		stop = m->end;
		for (size_t i = 0; i < m->nregions; i++) {
			const struct mm_region *r = &m->regions[i];

			if (r->end > a && r->start < stop && r->label != MM_ANON) {
				stop = r->start > a ? r->start : a;
			}
		}
		if (stop < m->end) {
			return stop;
		}
		a = m->end;
	}
}

/* Whether [start, end) is covered entirely by private anonymous mappings
 * with no name, still labelled anon. */
static bool anon_covered(const struct mm_snapshot *snap, uint64_t start, uint64_t end)
{
	return anon_run_end(snap, start) >= end;
}

/* The end of the whole 64 MiB blocks from start (aligned or not) that
 * lie inside the anonymous run there, at most limit: where stepping block
 * by block while anon_covered holds would stop, found without the steps. */
static uint64_t arena_blocks_end(const struct mm_snapshot *snap, uint64_t start, uint64_t limit)
{
	uint64_t run = anon_run_end(snap, start);

	if (run > limit) {
		run = limit;
	}
	return start + (run - start) / HEAP_ARENA_BYTES * HEAP_ARENA_BYTES;
}

static unsigned int go_minor(const char *version)
{
	unsigned int major, minor;

	if (version && sscanf(version, "go%u.%u", &major, &minor) == 2 && major == 1) {
		return minor;
	}
	return 0;
}

/* Go 1.26+ randomizes the heap base (malloc.go, randomizeHeapBase): the
 * hints sit at a random 64 MiB-aligned address below 2^46 on amd64, far
 * under where mmap places anything else.  One run of whole 64 MiB blocks of
 * unnamed anonymous memory there, aligned and alone, is the heap; two runs
 * are ambiguous and neither is labelled. */
#define RANDOM_HEAP_LIMIT	(1ull << 46)

static void label_random_base(struct go_labeller *g)
{
	uint64_t base = 0, end = 0;
	unsigned int found = 0;

	for (size_t i = 0; i < g->snap->nmappings; i++) {
		const struct mm_mapping *m = &g->snap->mappings[i];
		const struct mm_mapping *prev = i ? &g->snap->mappings[i - 1] : NULL;
		uint64_t a = m->start;

		if (m->start >= RANDOM_HEAP_LIMIT || m->start % HEAP_ARENA_BYTES ||
		    (prev && prev->end == m->start && anon_covered(g->snap, prev->start, prev->end))) {
			continue;
		}
		a = arena_blocks_end(g->snap, a, RANDOM_HEAP_LIMIT);
		/* The run must end where the anonymous memory ends. */
		if (a == m->start || anon_covered(g->snap, a, a + 1)) {
			continue;
		}
		found++;
		base = m->start;
		end = a;
	}
	if (found == 1) {
		label(g, base, end, MM_GO_HEAP, MM_HOW_HEURISTIC, "randomized arena base");
	}
}

/* The runtime reserves heap arenas as whole 64 MiB blocks upward from
 * the first hint that works, and moves to the next hint only when the
 * address space there is taken.  So one run of blocks entirely covered by
 * unnamed anonymous memory, starting exactly at a hint, is the heap.  Runs
 * at two hints mean something else took one of them: which is unknown,
 * and neither is labelled. */
static void label_heuristic(struct go_labeller *g, const char *version)
{
	unsigned int nhints = heap_hints(version), found = 0;
	uint64_t base = 0, end = 0;

	/* 1.26+: the hints are random (or, with the experiment off, the old
	 * ones, which the scan finds too); a block at an old hint is not Go's. */
	if (go_minor(g->snap->runtime.version) >= 26) {
		label_random_base(g);
		return;
	}

	for (unsigned int i = 0; i < nhints; i++) {
		uint64_t b = ARENA_HINT_BASE + (uint64_t)i * ARENA_HINT_STEP;
		uint64_t a = arena_blocks_end(g->snap, b, UINT64_MAX);

		if (a > b) {
			found++;
			base = b;
			end = a;
		}
	}
	if (found == 1) {
		label(g, base, end, MM_GO_HEAP, MM_HOW_HEURISTIC, "arena hint");
	}
}

/* ---- entry */

/* runtime.ReadMemStats's numbers from the first image read exactly; a
 * failure is a warning (the labels stand), -ENOMEM the only error. */
static int read_memstats(struct go_labeller *g, const struct mm_image *img)
{
	int err = mm_go_memstats_read(g->dw, g->target, g->bias, g->snap->runtime.version,
				      &g->snap->runtime.memstats);

	if (err == -ENOMEM) {
		return err;
	}
	if (err) {
		mm_debug(g->ctx, "go", "%s: memstats not read: %s", img->path, strerror(-err));
		g->partial = true;
		return mm_snapshot_warn(g->snap, "%s: go runtime statistics not read (%s): "
					"no memstats", img->path,
					err == -EAGAIN ? "they kept changing" : strerror(-err));
	}
	mm_debug(g->ctx, "go", "%s: memstats read (%u retries)", img->path,
		 g->snap->runtime.memstats.retries);
	return 0;
}

/* A version newer than the table, without DWARF: the nearest older row
 * was used, and what it found held together (heap_sane); said, exit 1. */
static int warn_nearest(struct go_labeller *g, const struct mm_image *img)
{
	bool nearest;
	const char *v = mm_go_dwarf_layout(g->dw, &nearest);

	if (!nearest) {
		return 0;
	}
	g->partial = true;
	return mm_snapshot_warn(g->snap, "%s: go runtime %s read with the layout of %s "
				"(no layout for its version, no DWARF)", img->path,
				g->snap->runtime.version, v) ? -ENOMEM : 0;
}

/* Where the member offsets came from: the generated table, or DWARF. */
static void debug_layout(struct go_labeller *g, const struct mm_image *img)
{
	bool nearest;
	const char *v = mm_go_dwarf_layout(g->dw, &nearest);

	mm_debug(g->ctx, "go", "%s: layouts from %s%s%s%s, globals from %s", img->path,
		 v ? "the table's " : "DWARF", v ? v : "", nearest ? " (nearest)" : "",
		 v && mm_go_dwarf_read_dwarf(g->dw) ? ", DWARF for the rest" : "",
		 mm_go_dwarf_located(g->dw) ? "the code (stripped)" : ".symtab");
}

/* Under --debug, where a stripped binary's globals were found (tests
 * compare them with the unstripped twin's symbols). */
static void debug_located(struct go_labeller *g, const struct mm_image *img)
{
	static const char *const globals[] = {
		"runtime.mheap_", "runtime.memstats", "runtime.gcController",
		"runtime.gcBitsArenas", "runtime.work", "runtime.persistentChunks",
		"runtime.buckhash", "runtime.allp", "runtime.class_to_size",
		"internal/runtime/gc.SizeClassToSize", "runtime.allm",
	};

	if (!g->ctx->debug || !mm_go_dwarf_located(g->dw)) {
		return;
	}
	for (size_t i = 0; i < sizeof(globals) / sizeof(globals[0]); i++) {
		uint64_t a;

		if (!mm_go_dwarf_symbol(g->dw, globals[i], &a)) {
			mm_debug(g->ctx, "go", "%s: located %s at %#llx", img->path, globals[i],
				 (unsigned long long)a);
		}
	}
}

/* The heap arenas split by span state; a failure is said under --debug
 * and leaves the split null (the labels and memstats stand). */
static int read_heap_split(struct go_labeller *g, const struct mm_image *img)
{
	struct mm_go_heap_split *h = &g->snap->runtime.heap;
	int err = mm_go_spans_read(g->dw, g->target, g->ctx->pm, g->snap, g->bias,
				   g->ctx->go_sample_above, h);

	if (err == -ENOMEM) {
		return err;
	}
	if (err) {
		mm_debug(g->ctx, "go", "%s: heap not split by span: %s", img->path, strerror(-err));
		return 0;
	}
	mm_debug(g->ctx, "go", "%s: heap split: %llu bytes no span vouched for", img->path,
		 (unsigned long long)h->unknown);
	return 0;
}

/* Labels what one Go runtime image (the executable, or a c-shared
 * library) says through its DWARF and the target's memory.  Returns 0,
 * -ENOMEM, or why exact labelling was not possible. */
static int label_image(struct go_labeller *g, const struct mm_image *img)
{
	bool located;
	int err;

	g->bias = img->bias;
	/* Without the target's memory DWARF is no use: don't pay for it. */
	if (g->target->no_mem || g->target->captured) {
		mm_debug(g->ctx, "go", "%s: memory not to be read: arenas by hint", img->path);
		return -ENOTSUP;
	}
	err = mm_go_dwarf_open_version(img->elf, g->snap->runtime.version, &g->dw);
	if (!err) {
		err = label_exact(g);
	}
	/* Threads from the version's own layout only, as the statistics. */
	if (!err && !layout_guessed(g)) {
		err = read_threads(g, img);
	}
	/* Statistics only from the version's own layout: a neighbour's would
	 * read plausible wrong numbers. */
	if (!err && !g->ctx->no_go_stats && !g->snap->runtime.memstats.valid &&
	    !layout_guessed(g)) {
		err = read_memstats(g, img);
	}
	if (!err && !g->ctx->no_go_stats && !g->ctx->no_go_split &&
	    !g->snap->runtime.heap.valid && !layout_guessed(g)) {
		err = read_heap_split(g, img);
	}
	if (g->dw) {
		debug_layout(g, img);
		debug_located(g, img);
		err = err ? err : warn_nearest(g, img);
	}
	located = g->dw && mm_go_dwarf_located(g->dw);
	mm_go_dwarf_close(g->dw);
	g->dw = NULL;
	if (err == -ENODATA) {
		snprintf(g->why, sizeof(g->why), "stripped, and its runtime's globals or their "
			 "layout not found without symbols");
	} else if (err == -ENOENT) {
		snprintf(g->why, sizeof(g->why), "no runtime.mheap_ in its DWARF");
	} else if (err == -EFBIG) {
		snprintf(g->why, sizeof(g->why), "its DWARF would inflate past memmap's limit "
			 "(1 MiB + 32 times the file's size)");
	} else if (err == -EPROTO) {
		snprintf(g->why, sizeof(g->why), "mheap_ does not point to the runtime's "
			 "mappings%s", located ? " (found without symbols)" : "");
	} else if (err && err != -ENOMEM) {
		snprintf(g->why, sizeof(g->why), "its memory cannot be read: %s", strerror(-err));
	} else if (!err && g->stale) {
		snprintf(g->why, sizeof(g->why), "%lu of its pointers lead to unmapped memory",
			 g->stale);
	}
	if (g->why[0] && !g->why_path) {
		g->why_path = img->path;
	}
	if (err && err != -ENOMEM) {
		mm_debug(g->ctx, "go", "%s: no exact labels (%s): arenas by hint", img->path,
			 strerror(-err));
	}
	return err;
}

/* Bytes of private anonymous memory still labelled anon. */
static uint64_t anon_left(const struct mm_snapshot *snap)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < snap->nmappings; i++) {
		const struct mm_mapping *m = &snap->mappings[i];

		for (size_t j = 0; !m->path && !m->inode && j < m->nregions; j++) {
			if (m->regions[j].label == MM_ANON) {
				sum += m->regions[j].end - m->regions[j].start;
			}
		}
	}
	return sum;
}

/* Once: a Go runtime was recognised but its structures not (all) read;
 * its memory stays anon or labelled by heuristics, and the exit is 1. */
static int warn_unread(struct go_labeller *g)
{
	char size[32];

	mm_format_size(size, sizeof(size), anon_left(g->snap));
	g->partial = true;
	return mm_snapshot_warn(g->snap, "%s: go runtime %s not read (%s): %s of anonymous "
				"memory left unlabelled, go.* labels by heuristics, no memstats",
				g->why_path, g->snap->runtime.version ? g->snap->runtime.version :
				"of unknown version", g->why, size);
}

int mm_label_go(struct mm_classify *ctx)
{
	struct go_labeller g = { .ctx = ctx, .snap = ctx->snap, .target = ctx->target };
	const struct mm_go_facts *f = ctx->go;
	bool heuristic = false;
	int err;

	err = label_kernel_names(&g);
	if (err) {
		return err;
	}
	/* The executable first, then c-shared libraries, as the probe found
	 * them. */
	for (size_t i = 0; f && i < f->n; i++) {
		err = label_image(&g, f->images[i]);
		if (err == -ENOMEM || g.err) {
			return -ENOMEM;
		}
		heuristic |= err != 0;
	}
	if (heuristic) {
		label_heuristic(&g, f->version);
	}
	if (!g.err && g.why_path && warn_unread(&g)) {
		return -ENOMEM;
	}
	return g.err ? g.err : g.partial;
}
