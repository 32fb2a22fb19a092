/* SPDX-License-Identifier: GPL-2.0-or-later */
/* go_memstats.c: what runtime.ReadMemStats (and runtime/metrics's
 * /memory/classes tree) would report, computed from outside with the
 * runtime's own formulas (readmemstats_m in mstats.go, metrics.go; the
 * same from Go 1.19 to 1.27 but the memory limit's headroom):
 * runtime.memstats, its consistent heap
 * statistics ring, runtime.gcController and mheap_, read by pread.  The
 * members are found by name in the binary's DWARF; a member a version
 * lacks (heapStatsDelta.inPtrScalarBits from 1.25) counts as zero, as it
 * does in that version's formula. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtimes/go/go_memstats.h"

#define TRIES		8	/* reads of the ring before giving up */
#define MAX_CLASSES	128	/* size classes: 68 in every version so far */
#define MAX_RING	(64u << 10)

/* One uint64 member of a global: its address, or 0 when absent. */
struct member {
	const char *var, *path;
	bool optional;
};

enum {
	M_STACKS_SYS, M_MSPAN_SYS, M_MCACHE_SYS, M_BUCKHASH_SYS, M_GC_MISC_SYS,
	M_OTHER_SYS, M_NUMGC, M_HEAP_INUSE, M_HEAP_FREE, M_HEAP_RELEASED,
	M_SPAN_INUSE, M_CACHE_INUSE, M_GOAL, M_SWEEP_TRIGGER, M_TRIGGERED,
	M_MEMORY_LIMIT, M_MAPPED_READY, M_TOTAL_ALLOC, M_TOTAL_FREE, M_HEAP_MARKED,
	M_COUNT
};

static const struct member members[M_COUNT] = {
	[M_STACKS_SYS] = { "runtime.memstats", "stacks_sys", false },
	[M_MSPAN_SYS] = { "runtime.memstats", "mspan_sys", false },
	[M_MCACHE_SYS] = { "runtime.memstats", "mcache_sys", false },
	[M_BUCKHASH_SYS] = { "runtime.memstats", "buckhash_sys", false },
	[M_GC_MISC_SYS] = { "runtime.memstats", "gcMiscSys", false },
	[M_OTHER_SYS] = { "runtime.memstats", "other_sys", false },
	[M_NUMGC] = { "runtime.memstats", "numgc", false },
	[M_HEAP_INUSE] = { "runtime.gcController", "heapInUse", false },
	[M_HEAP_FREE] = { "runtime.gcController", "heapFree", false },
	[M_HEAP_RELEASED] = { "runtime.gcController", "heapReleased", false },
	[M_SPAN_INUSE] = { "runtime.mheap_", "spanalloc.inuse", false },
	[M_CACHE_INUSE] = { "runtime.mheap_", "cachealloc.inuse", false },
	[M_GOAL] = { "runtime.gcController", "gcPercentHeapGoal", true },
	[M_SWEEP_TRIGGER] = { "runtime.gcController", "sweepDistMinTrigger", true },
	[M_TRIGGERED] = { "runtime.gcController", "triggered", true },
	[M_MEMORY_LIMIT] = { "runtime.gcController", "memoryLimit", false },
	[M_MAPPED_READY] = { "runtime.gcController", "mappedReady", false },
	[M_TOTAL_ALLOC] = { "runtime.gcController", "totalAlloc", false },
	[M_TOTAL_FREE] = { "runtime.gcController", "totalFree", false },
	[M_HEAP_MARKED] = { "runtime.gcController", "heapMarked", false },
};

/* Members of runtime.heapStatsDelta, offsets within one ring slot. */
enum {
	D_IN_STACKS, D_IN_WORKBUFS, D_IN_PTRSCALAR, D_LARGE_ALLOC, D_LARGE_FREE,
	D_SMALL_ALLOC, D_SMALL_FREE, D_COMMITTED, D_RELEASED, D_IN_HEAP, D_COUNT
};

static const char *const delta_names[D_COUNT] = {
	"inStacks", "inWorkBufs", "inPtrScalarBits", "largeAlloc", "largeFree",
	"smallAllocCount", "smallFreeCount", "committed", "released", "inHeap",
};

struct layout {
	uint64_t addr[M_COUNT], size[M_COUNT];
	uint64_t ring, ring_size, gen;		/* memstats.heapStats.stats, .gen */
	uint64_t slot;				/* sizeof(heapStatsDelta) */
	uint64_t delta[D_COUNT];		/* offsets; ~0: absent */
	uint64_t nclasses;
	uint16_t class_size[MAX_CLASSES];
	bool fixed_headroom;			/* Go 1.19, 1.20: 1 MiB, not 3% */
};

static int resolve(struct mm_go_dwarf *d, struct mm_target *t, uint64_t bias,
		   struct layout *l)
{
	struct mm_go_type ty;
	uint64_t sizes;
	int err;

	for (int i = 0; i < M_COUNT; i++) {
		err = mm_go_dwarf_var(d, members[i].var, members[i].path, &ty);
		if (err && !members[i].optional) {
			return err;
		}
		l->addr[i] = err ? 0 : ty.addr + bias;
		l->size[i] = err ? 0 : ty.size;
	}
	if ((err = mm_go_dwarf_var(d, "runtime.memstats", "heapStats.stats", &ty))) {
		return err;
	}
	l->ring = ty.addr + bias;
	l->ring_size = ty.size;
	l->slot = ty.elem_size;
	if (!ty.count || ty.count > 8 || !l->slot || l->ring_size > MAX_RING) {
		return -EINVAL;
	}
	if ((err = mm_go_dwarf_var(d, "runtime.memstats", "heapStats.gen", &ty))) {
		return err;
	}
	l->gen = ty.addr + bias;
	for (int i = 0; i < D_COUNT; i++) {
		err = mm_go_dwarf_type(d, "runtime.heapStatsDelta", delta_names[i], &ty);
		l->delta[i] = err ? ~0ull : ty.addr;
		if (!err && (i == D_SMALL_ALLOC || i == D_SMALL_FREE)) {
			l->nclasses = ty.count;
		}
		if (err && i != D_IN_PTRSCALAR) {
			return err;
		}
	}
	if (!l->nclasses || l->nclasses > MAX_CLASSES) {
		return -EINVAL;
	}
	/* The class sizes: runtime.class_to_size until 1.25, then
	 * internal/runtime/gc.SizeClassToSize; without them, no HeapAlloc. */
	if (mm_go_dwarf_symbol(d, "runtime.class_to_size", &sizes) &&
	    mm_go_dwarf_symbol(d, "internal/runtime/gc.SizeClassToSize", &sizes)) {
		l->nclasses = 0;
		return 0;
	}
	return mm_target_read(t, sizes + bias, l->class_size, l->nclasses * sizeof(uint16_t));
}

static uint64_t field(const unsigned char *slot, uint64_t off)
{
	uint64_t v = 0;

	if (off != ~0ull) {
		memcpy(&v, slot + off, sizeof(v));
	}
	return v;
}

/* One read of everything; 0 or -errno. */
static int read_once(struct mm_target *t, const struct layout *l, unsigned char *ring,
		     uint64_t *m, uint32_t *gen)
{
	int err;

	if ((err = mm_target_read(t, l->gen, gen, sizeof(*gen)))) {
		return err;
	}
	for (int i = 0; i < M_COUNT; i++) {
		m[i] = 0;
		if (l->addr[i] && (err = mm_target_read(t, l->addr[i], &m[i],
							l->size[i] < 8 ? l->size[i] : 8))) {
			return err;
		}
	}
	return mm_target_read(t, l->ring, ring, l->ring_size);
}

/* memoryLimitHeapGoal (mgcpacer.go): the memory limit less what is
 * mapped ready but not heap, less the overage, less headroom (1 MiB until
 * Go 1.20; 3%, at least 1 MiB, from 1.21), and no lower than the heap
 * marked.  The caller checked heapFree + heapAlloc <= mappedReady. */
static uint64_t memory_limit_goal(const struct layout *l, const uint64_t *m)
{
	uint64_t limit = m[M_MEMORY_LIMIT], ready = m[M_MAPPED_READY];
	uint64_t non_heap = ready - m[M_HEAP_FREE] - (m[M_TOTAL_ALLOC] - m[M_TOTAL_FREE]);
	uint64_t overage = ready > limit ? ready - limit : 0, goal, headroom = 1u << 20;

	if (non_heap + overage >= limit) {
		return m[M_HEAP_MARKED];
	}
	goal = limit - (non_heap + overage);
	if (!l->fixed_headroom && goal / 100 * 3 > headroom) {
		headroom = goal / 100 * 3;
	}
	goal = goal < headroom || goal - headroom < headroom ? headroom : goal - headroom;
	return goal < m[M_HEAP_MARKED] ? m[M_HEAP_MARKED] : goal;
}

/* What memoryLimitHeapGoal waits for before it reads on: the counters
 * it takes seen together. */
static bool goal_inputs_hold(const uint64_t *m)
{
	return m[M_TOTAL_ALLOC] >= m[M_TOTAL_FREE] &&
	       m[M_HEAP_FREE] + (m[M_TOTAL_ALLOC] - m[M_TOTAL_FREE]) <= m[M_MAPPED_READY];
}

/* The formulas of readmemstats_m: the ring's slots summed
 * (consistentHeapStats.unsafeRead), then the derived statistics. */
static void compute(const struct layout *l, const unsigned char *ring, const uint64_t *m,
		    struct mm_go_memstats *out)
{
	uint64_t in_stacks = 0, work = 0, alloc = 0, freed = 0;
	uint64_t committed = 0, released = 0, in_heap = 0;
	uint64_t *v = out->v, *g = out->metrics, goal;

	for (uint64_t s = 0; s < l->ring_size / l->slot; s++) {
		const unsigned char *p = ring + s * l->slot;

		in_stacks += field(p, l->delta[D_IN_STACKS]);
		work += field(p, l->delta[D_IN_WORKBUFS]) + field(p, l->delta[D_IN_PTRSCALAR]);
		alloc += field(p, l->delta[D_LARGE_ALLOC]);
		freed += field(p, l->delta[D_LARGE_FREE]);
		committed += field(p, l->delta[D_COMMITTED]);
		released += field(p, l->delta[D_RELEASED]);
		in_heap += field(p, l->delta[D_IN_HEAP]);
		for (uint64_t c = 0; c < l->nclasses; c++) {
			alloc += field(p, l->delta[D_SMALL_ALLOC] + 8 * c) * l->class_size[c];
			freed += field(p, l->delta[D_SMALL_FREE] + 8 * c) * l->class_size[c];
		}
	}
	v[MM_MS_HEAP_INUSE] = m[M_HEAP_INUSE];
	v[MM_MS_HEAP_RELEASED] = m[M_HEAP_RELEASED];
	v[MM_MS_HEAP_IDLE] = m[M_HEAP_FREE] + m[M_HEAP_RELEASED];
	v[MM_MS_HEAP_SYS] = m[M_HEAP_INUSE] + v[MM_MS_HEAP_IDLE];
	v[MM_MS_HEAP_ALLOC] = l->nclasses ? alloc - freed : 0;
	v[MM_MS_STACK_INUSE] = in_stacks;
	v[MM_MS_STACK_SYS] = in_stacks + m[M_STACKS_SYS];
	v[MM_MS_MSPAN_INUSE] = m[M_SPAN_INUSE];
	v[MM_MS_MSPAN_SYS] = m[M_MSPAN_SYS];
	v[MM_MS_MCACHE_INUSE] = m[M_CACHE_INUSE];
	v[MM_MS_MCACHE_SYS] = m[M_MCACHE_SYS];
	v[MM_MS_BUCKHASH_SYS] = m[M_BUCKHASH_SYS];
	v[MM_MS_GC_SYS] = m[M_GC_MISC_SYS] + work;
	v[MM_MS_OTHER_SYS] = m[M_OTHER_SYS];
	v[MM_MS_SYS] = v[MM_MS_HEAP_SYS] + m[M_STACKS_SYS] + m[M_MSPAN_SYS] +
		       m[M_MCACHE_SYS] + m[M_BUCKHASH_SYS] + m[M_GC_MISC_SYS] +
		       m[M_OTHER_SYS] + in_stacks + work;
	/* heapGoalInternal: the GOGC goal (all ones with GC off), or the
	 * memory limit's when lower; else kept above the sweep-distance
	 * trigger and 64 KiB above the trigger. */
	goal = m[M_GOAL];
	if (memory_limit_goal(l, m) < goal) {
		goal = memory_limit_goal(l, m);
	} else {
		if (m[M_SWEEP_TRIGGER] > goal) {
			goal = m[M_SWEEP_TRIGGER];
		}
		if (l->addr[M_TRIGGERED] && m[M_TRIGGERED] != ~0ull &&
		    goal < m[M_TRIGGERED] + (64u << 10)) {
			goal = m[M_TRIGGERED] + (64u << 10);
		}
	}
	/* Below math.MaxInt64 in practice (the limit's goal is); kept so,
	 * as a JSON reader can hold it. */
	v[MM_MS_NEXT_GC] = goal > INT64_MAX ? INT64_MAX : goal;
	v[MM_MS_NUM_GC] = (uint32_t)m[M_NUMGC];

	/* metrics.go: the /memory/classes tree from the same sums
	 * (heapStatsAggregate, sysStatsAggregate); inObjects as HeapAlloc.
	 * Without class sizes the objects and unused classes are unknown. */
	out->has_metrics = l->nclasses != 0;
	g[MM_GM_HEAP_FREE] = committed - in_heap - in_stacks - work;
	g[MM_GM_HEAP_OBJECTS] = alloc - freed;
	g[MM_GM_HEAP_RELEASED] = released;
	g[MM_GM_HEAP_STACKS] = in_stacks;
	g[MM_GM_HEAP_UNUSED] = in_heap - (alloc - freed);
	g[MM_GM_MCACHE_FREE] = m[M_MCACHE_SYS] - m[M_CACHE_INUSE];
	g[MM_GM_MCACHE_INUSE] = m[M_CACHE_INUSE];
	g[MM_GM_MSPAN_FREE] = m[M_MSPAN_SYS] - m[M_SPAN_INUSE];
	g[MM_GM_MSPAN_INUSE] = m[M_SPAN_INUSE];
	g[MM_GM_METADATA_OTHER] = work + m[M_GC_MISC_SYS];
	g[MM_GM_OS_STACKS] = m[M_STACKS_SYS];
	g[MM_GM_OTHER] = m[M_OTHER_SYS];
	g[MM_GM_PROFILING_BUCKETS] = m[M_BUCKHASH_SYS];
	g[MM_GM_TOTAL] = committed + released + m[M_STACKS_SYS] + m[M_MSPAN_SYS] +
			 m[M_MCACHE_SYS] + m[M_BUCKHASH_SYS] + m[M_GC_MISC_SYS] + m[M_OTHER_SYS];
}

/* Go 1.19 and 1.20 (and no other) take a fixed headroom below the memory
 * limit; an unknown version is taken as newer. */
static bool fixed_headroom(const char *version)
{
	unsigned int minor;

	return version && sscanf(version, "go1.%u", &minor) == 1 && minor < 21;
}

int mm_go_memstats_read(struct mm_go_dwarf *d, struct mm_target *t, uint64_t bias,
			const char *version, struct mm_go_memstats *out)
{
	struct layout *l = calloc(1, sizeof(*l));
	unsigned char *ring[2] = { NULL, NULL };
	uint64_t m[2][M_COUNT];
	uint32_t gen[2];
	int err;

	memset(out, 0, sizeof(*out));
	if (!l) {
		return -ENOMEM;
	}
	err = resolve(d, t, bias, l);
	if (err) {
		goto out;
	}
	l->fixed_headroom = fixed_headroom(version);
	ring[0] = malloc(l->ring_size);
	ring[1] = malloc(l->ring_size);
	if (!ring[0] || !ring[1]) {
		err = -ENOMEM;
		goto out;
	}
	/* Two reads alike, the ring's generation unchanged between them:
	 * nothing moved while we read.  Else read again. */
	err = read_once(t, l, ring[0], m[0], &gen[0]);
	for (unsigned int i = 0; !err && i < TRIES; i++) {
		err = read_once(t, l, ring[1], m[1], &gen[1]);
		if (err) {
			break;
		}
		if (gen[0] == gen[1] && !memcmp(m[0], m[1], sizeof(m[0])) &&
		    goal_inputs_hold(m[1]) &&
		    !memcmp(ring[0], ring[1], l->ring_size)) {
			compute(l, ring[1], m[1], out);
			out->valid = true;
			goto out;
		}
		out->retries++;
		memcpy(m[0], m[1], sizeof(m[0]));
		memcpy(ring[0], ring[1], l->ring_size);
		gen[0] = gen[1];
	}
	if (!err) {
		err = -EAGAIN;
	}
out:
	free(ring[0]);
	free(ring[1]);
	free(l);
	return err;
}
