/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table_go.c: the summary's "Go runtime" section: the runtime's own
 * accounting (runtime.ReadMemStats's fields, read from outside) beside
 * the kernel's (the go.* labels' VSZ and RSS), and what differs, said in
 * words. */
#include <inttypes.h>
#include <stdio.h>

#include "emit/table_go.h"

/* The go.* labels of runtime metadata: everything but the arenas and
 * the L2 arena map, which no MemStats field counts. */
static const enum mm_label metadata[] = {
	MM_GO_HEAP_METADATA, MM_GO_PAGE_SUMMARY, MM_GO_PAGE_ALLOC, MM_GO_SCAVENGE_INDEX,
	MM_GO_IMMORTAL_METADATA, MM_GO_GC_BITS, MM_GO_ALLSPANS, MM_GO_OTHER,
};

struct sums {
	uint64_t vsz, reserved, rss;
};

static struct sums sum_of(const struct mm_snapshot *snap, const enum mm_label *l, size_t n)
{
	struct sums s = { 0 };

	for (size_t i = 0; i < n; i++) {
		s.vsz += snap->categories[l[i]].vsz;
		s.reserved += snap->categories[l[i]].reserved;
		s.rss += snap->categories[l[i]].rss;
	}
	return s;
}

/* One MemStats field; labels and their sums when it is the first row of
 * what they cover. */
static void row(FILE *out, const struct mm_table_opts *o, const struct mm_go_memstats *ms,
		enum mm_go_memstat f, const char *covers, const struct sums *s)
{
	char v[32], vsz[32], rss[32];

	mm_table_size(v, sizeof(v), o, ms->v[f]);
	if (!covers) {
		fprintf(out, "%-13s %10s\n", mm_go_memstat_names[f], v);
		return;
	}
	mm_table_size(vsz, sizeof(vsz), o, s->vsz - s->reserved);
	mm_table_size(rss, sizeof(rss), o, s->rss);
	fprintf(out, "%-13s %10s  %-22s %10s %10s\n", mm_go_memstat_names[f], v, covers, vsz,
		rss);
}

void mm_table_go_runtime(FILE *out, const struct mm_snapshot *snap,
			 const struct mm_table_opts *o)
{
	const struct mm_go_memstats *ms = &snap->runtime.memstats;
	const uint64_t *v = ms->v;
	enum mm_label heap_l = MM_GO_HEAP, index_l = MM_GO_HEAP_INDEX;
	struct sums heap, meta, index;
	uint64_t in_arenas, meta_fields, retained;
	char a[32], b[32], c[32], d[32];

	if (!ms->valid) {
		return;
	}
	heap = sum_of(snap, &heap_l, 1);
	index = sum_of(snap, &index_l, 1);
	meta = sum_of(snap, metadata, sizeof(metadata) / sizeof(metadata[0]));
	/* What the runtime keeps in its arenas, and what it maps elsewhere. */
	in_arenas = v[MM_MS_HEAP_SYS] + v[MM_MS_STACK_INUSE];
	meta_fields = v[MM_MS_SYS] - in_arenas;
	retained = v[MM_MS_HEAP_SYS] - v[MM_MS_HEAP_RELEASED];

	fprintf(out, "\nGo runtime: runtime.ReadMemStats read from outside, beside the labels\n");
	fprintf(out, "%-13s %10s  %-22s %10s %10s\n", "MEMSTATS", "VALUE", "LABELS", "MAPPED",
		"RSS");
	row(out, o, ms, MM_MS_SYS, "go.* (not heap-index)", &(struct sums){
		heap.vsz + meta.vsz, heap.reserved + meta.reserved, heap.rss + meta.rss });
	row(out, o, ms, MM_MS_HEAP_SYS, "go.heap", &heap);
	for (int f = MM_MS_HEAP_INUSE; f <= MM_MS_STACK_INUSE; f++) {
		row(out, o, ms, f, NULL, NULL);
	}
	row(out, o, ms, MM_MS_STACK_SYS, NULL, NULL);
	row(out, o, ms, MM_MS_MSPAN_SYS, "go.* metadata", &meta);
	for (int f = MM_MS_MSPAN_INUSE; f < MM_MS_COUNT; f++) {
		if (f == MM_MS_NUM_GC) {
			fprintf(out, "%-13s %10" PRIu64 "\n", "NumGC", v[f]);
		} else if (f != MM_MS_MSPAN_SYS) {
			row(out, o, ms, f, NULL, NULL);
		}
	}

	/* The differences, in words. */
	mm_table_size(a, sizeof(a), o, v[MM_MS_SYS]);
	mm_table_size(b, sizeof(b), o, heap.rss + meta.rss);
	fprintf(out, "Sys %s: address space the runtime mapped for use, not memory; "
		"go.* RSS %s\n", a, b);
	mm_table_size(a, sizeof(a), o, heap.vsz - heap.reserved);
	mm_table_size(b, sizeof(b), o, in_arenas);
	mm_table_size(c, sizeof(c), o, heap.reserved);
	fprintf(out, "go.heap: %s read-write = HeapSys + StackInuse %s%s; "
		"%s reserved, in no field\n", a, b,
		heap.vsz - heap.reserved == in_arenas ? "" : " (+ GC work bufs)", c);
	mm_table_size(a, sizeof(a), o, v[MM_MS_HEAP_RELEASED]);
	mm_table_size(b, sizeof(b), o, heap.rss);
	mm_table_size(c, sizeof(c), o, retained + v[MM_MS_STACK_INUSE]);
	mm_table_size(d, sizeof(d), o, v[MM_MS_HEAP_INUSE] + v[MM_MS_STACK_INUSE]);
	fprintf(out, "HeapReleased %s returned to the OS; go.heap RSS %s of %s kept, "
		"%s in use\n", a, b, c, d);
	mm_table_size(a, sizeof(a), o, meta_fields);
	mm_table_size(b, sizeof(b), o, meta.vsz - meta.reserved);
	mm_table_size(c, sizeof(c), o, meta.rss);
	fprintf(out, "metadata: Sys - HeapSys - StackInuse %s; go.* metadata %s mapped, "
		"%s RSS\n", a, b, c);
	if (index.vsz) {
		mm_table_size(a, sizeof(a), o, index.vsz);
		mm_table_size(b, sizeof(b), o, index.rss);
		fprintf(out, "the L2 arena map (go.heap-index, %s VSZ, %s RSS) is in no MemStats "
			"field\n", a, b);
	}
	fprintf(out, "HeapAlloc approximate (per-P caches not flushed); "
		"NextGC without the memory limit\n");
}

void mm_table_go_explain(FILE *out, const struct mm_snapshot *snap,
			 const struct mm_table_opts *o)
{
	const struct mm_go_memstats *ms = &snap->runtime.memstats;
	struct sums go = { 0 };
	char a[32], b[32], c[32], d[32];

	if (!ms->valid) {
		return;
	}
	for (int i = MM_GO_HEAP; i <= MM_GO_OTHER; i++) {
		enum mm_label l = (enum mm_label)i;

		go = (struct sums){ go.vsz + snap->categories[l].vsz,
				    go.reserved + snap->categories[l].reserved,
				    go.rss + snap->categories[l].rss };
	}
	mm_table_size(a, sizeof(a), o, snap->total_vsz);
	mm_table_size(b, sizeof(b), o, go.reserved);
	mm_table_size(c, sizeof(c), o, ms->v[MM_MS_SYS]);
	fprintf(out, "\nWhy ps and runtime.MemStats disagree here: VSZ %s counts every "
		"reservation, and the Go runtime reserved %s (PROT_NONE) that it counts "
		"nowhere; its Sys %s is what it mapped for use.", a, b, c);
	mm_table_size(a, sizeof(a), o, go.rss);
	mm_table_size(b, sizeof(b), o, ms->v[MM_MS_HEAP_RELEASED]);
	fprintf(out, "  Of that only what was touched is in RAM: the go.* labels hold %s "
		"RSS; HeapReleased %s counts in HeapSys yet holds nothing, and objects "
		"never written hold nothing either.", a, b);
	mm_table_size(a, sizeof(a), o, snap->categories[MM_GO_HEAP_INDEX].vsz);
	mm_table_size(b, sizeof(b), o, snap->totals.rss);
	mm_table_size(c, sizeof(c), o, snap->totals.rss > go.rss ? snap->totals.rss - go.rss : 0);
	mm_table_size(d, sizeof(d), o, snap->categories[MM_GO_HEAP_INDEX].rss);
	fprintf(out, "  The L2 arena map (%s mapped, %s RSS) is in no MemStats field.  "
		"RSS %s in all: %s of it (the executable's pages, stacks, libraries) is "
		"outside the runtime's accounting.\n", a, d, b, c);
}
