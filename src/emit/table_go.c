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

/* runtime/metrics's /memory/classes tree, as the program would read it. */
static void metrics(FILE *out, const struct mm_go_memstats *ms, const struct mm_table_opts *o)
{
	char v[32];

	if (!ms->has_metrics) {
		return;
	}
	fprintf(out, "%-44s %10s\n", "RUNTIME/METRICS", "VALUE");
	for (int i = 0; i < MM_GM_COUNT; i++) {
		mm_table_size(v, sizeof(v), o, ms->metrics[i]);
		fprintf(out, "%-44s %10s\n", mm_go_metric_names[i], v);
	}
}

/* What each part of go.heap is in MemStats's terms. */
static const char *const part_fields[MM_GO_HEAP_PARTS] = {
	"HeapInuse", "StackInuse", "in GCSys", "HeapIdle - HeapReleased", "HeapReleased",
};

/* go.heap split by span state, each part beside the MemStats field it is. */
static void heap_split(FILE *out, const struct mm_snapshot *snap, const struct mm_table_opts *o)
{
	const struct mm_go_heap_split *h = &snap->runtime.heap;
	const struct mm_go_heap_part *rel = &h->part[MM_GO_HEAP_RELEASED - MM_GO_HEAP_OBJECTS];
	char a[32], b[32], c[32];

	if (!h->valid) {
		return;
	}
	fprintf(out, "%-17s %10s %10s %8s  %s\n", "GO.HEAP PART", "BYTES", "RSS", "SPANS",
		"MEMSTATS");
	for (int i = 0; i < MM_GO_HEAP_PARTS; i++) {
		const struct mm_go_heap_part *p = &h->part[i];

		mm_table_size(a, sizeof(a), o, p->bytes);
		if (h->measured) {
			mm_table_size(b, sizeof(b), o, p->rss);
		} else {
			snprintf(b, sizeof(b), "-");
		}
		fprintf(out, "%-17s %10s %10s %8" PRIu64 "  %s\n",
			mm_label_name((enum mm_label)(MM_GO_HEAP_OBJECTS + i)), a, b, p->spans,
			part_fields[i]);
	}
	if (h->sampled) {
		fprintf(out, "sampled: a heap this large is walked one block in k, "
			"the parts scaled; estimates\n");
	}
	if (h->unknown) {
		mm_table_size(a, sizeof(a), o, h->unknown);
		fprintf(out, "%s allocated pages no span vouched for (changing while read)\n", a);
	}
	if (h->measured) {
		mm_table_size(a, sizeof(a), o, rel->bytes);
		mm_table_size(b, sizeof(b), o, rel->rss);
		mm_table_size(c, sizeof(c), o, h->part[MM_GO_HEAP_FREE - MM_GO_HEAP_OBJECTS].rss);
		fprintf(out, "released %s, of which %s still resident; free pages kept: %s "
			"resident\n", a, b, c);
	}
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
	fprintf(out, "HeapAlloc approximate (per-P caches not flushed)\n");
	metrics(out, ms, o);
	heap_split(out, snap, o);
}

/* The heap's committed pages by span state, in a sentence. */
static void explain_split(FILE *out, const struct mm_go_heap_split *h,
			  const struct mm_table_opts *o)
{
	char s[MM_GO_HEAP_PARTS][2][32];

	if (!h->valid || !h->measured) {
		return;
	}
	for (int i = 0; i < MM_GO_HEAP_PARTS; i++) {
		mm_table_size(s[i][0], sizeof(s[i][0]), o, h->part[i].bytes);
		mm_table_size(s[i][1], sizeof(s[i][1]), o, h->part[i].rss);
	}
	fprintf(out, "  Inside go.heap, by the runtime's span tables: object spans %s "
		"(%s resident), goroutine stacks %s (%s), GC work buffers %s (%s), free "
		"pages kept %s (%s), released to the OS %s (%s).",
		s[0][0], s[0][1], s[1][0], s[1][1], s[2][0], s[2][1], s[3][0], s[3][1],
		s[4][0], s[4][1]);
	if (h->sampled) {
		fprintf(out, "  (Estimates: a heap this large is split from a sample of its "
			"pages.)");
	}
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
		"outside the runtime's accounting.", a, d, b, c);
	explain_split(out, &snap->runtime.heap, o);
	putc('\n', out);
}
