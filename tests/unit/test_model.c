/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_model.c: unit tests of the model (src/model/): relabelling address
 * ranges (region splitting and merging, ranges across mappings, holes,
 * edges, empty ranges), sharing a mapping's counters out to its regions
 * (by size, by measured pages, remainders), the totals and categories, and
 * the label vocabulary.  Every expectation is worked out by hand. */
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "harness.h"

#define PAGE 4096ULL

static struct mm_snapshot *new_snapshot(void)
{
	struct mm_snapshot *snap = mm_snapshot_create();

	if (!snap) {
		fprintf(stderr, "mm_snapshot_create failed\n");
		exit(1);
	}
	return snap;
}

/* The pointer is good until the next add_map (the array may move). */
static struct mm_mapping *add_map(struct mm_snapshot *snap, uint64_t start,
				  uint64_t end, const char *perms)
{
	struct mm_mapping *m = mm_snapshot_add_mapping(snap);

	if (!m) {
		fprintf(stderr, "mm_snapshot_add_mapping failed\n");
		exit(1);
	}
	m->start = start;
	m->end = end;
	memcpy(m->perms, perms, 4);
	return m;
}

/* One expected region: [start, end) label how detail. */
struct want {
	uint64_t start, end;
	enum mm_label label;
	enum mm_how how;
	const char *detail;
};

/* The regions of m are exactly want[0..n): which also says they tile the
 * mapping when want does. */
static void expect_regions(const struct mm_mapping *m, const struct want *want,
			   size_t n, int line)
{
	if (!CHECK_AT(line, m->nregions == n, "%zu regions, want %zu", m->nregions, n)) {
		for (size_t i = 0; i < m->nregions; i++) {
			fprintf(stderr, "  [%#" PRIx64 ", %#" PRIx64 ") %s\n",
				m->regions[i].start, m->regions[i].end,
				mm_label_name(m->regions[i].label));
		}
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct mm_region *r = &m->regions[i];
		const struct want *w = &want[i];
		int ok = r->start == w->start && r->end == w->end &&
			 r->label == w->label && r->how == w->how &&
			 ((!r->detail && !w->detail) ||
			  (r->detail && w->detail && strcmp(r->detail, w->detail) == 0));

		CHECK_AT(line, ok, "region %zu: [%#" PRIx64 ", %#" PRIx64 ") %s/%s \"%s\", "
			 "want [%#" PRIx64 ", %#" PRIx64 ") %s/%s \"%s\"", i,
			 r->start, r->end, mm_label_name(r->label), mm_how_name(r->how),
			 r->detail ? r->detail : "NULL", w->start, w->end,
			 mm_label_name(w->label), mm_how_name(w->how),
			 w->detail ? w->detail : "NULL");
	}
}

#define EXPECT_REGIONS(m, ...) do { \
	static const struct want w_[] = { __VA_ARGS__ }; \
	expect_regions((m), w_, sizeof(w_) / sizeof(w_[0]), __LINE__); \
} while (0)

#define ANON(s, e)	{ (s), (e), MM_ANON, MM_HOW_KERNEL, NULL }

/* ---- mm_mapping_label ------------------------------------------------ */

static void test_split_middle(void)
{
	struct mm_snapshot *snap = new_snapshot();
	struct mm_mapping *m = add_map(snap, 0x10000, 0x15000, "rw-p");

	/* A labelled range strictly inside: one region becomes three, and the
	 * first relabel of a mapping with no regions starts from anon. */
	CHECK(mm_mapping_label(m, 0x11000, 0x12000, MM_HEAP, MM_HOW_RUNTIME, "a", 0) == 0,
	      "label inside");
	EXPECT_REGIONS(m, ANON(0x10000, 0x11000),
		       { 0x11000, 0x12000, MM_HEAP, MM_HOW_RUNTIME, "a" },
		       ANON(0x12000, 0x15000));

	/* Inside a region that was itself split off: five regions. */
	CHECK(mm_mapping_label(m, 0x13000, 0x14000, MM_GO_HEAP, MM_HOW_HEURISTIC, NULL, 0) == 0,
	      "label inside the tail");
	EXPECT_REGIONS(m, ANON(0x10000, 0x11000),
		       { 0x11000, 0x12000, MM_HEAP, MM_HOW_RUNTIME, "a" },
		       ANON(0x12000, 0x13000),
		       { 0x13000, 0x14000, MM_GO_HEAP, MM_HOW_HEURISTIC, NULL },
		       ANON(0x14000, 0x15000));

	/* Across three regions at once: the middle anon goes, its neighbours
	 * are cut, and the new piece is one region. */
	CHECK(mm_mapping_label(m, 0x11800, 0x13800, MM_FILE, MM_HOW_KERNEL, NULL, 0) == 0,
	      "label across regions");
	EXPECT_REGIONS(m, ANON(0x10000, 0x11000),
		       { 0x11000, 0x11800, MM_HEAP, MM_HOW_RUNTIME, "a" },
		       { 0x11800, 0x13800, MM_FILE, MM_HOW_KERNEL, NULL },
		       { 0x13800, 0x14000, MM_GO_HEAP, MM_HOW_HEURISTIC, NULL },
		       ANON(0x14000, 0x15000));
	mm_snapshot_destroy(snap);
}

static void test_edges_and_empty(void)
{
	struct mm_snapshot *snap = new_snapshot();
	struct mm_mapping *m = add_map(snap, 0x10000, 0x14000, "rw-p");

	/* Empty, inverted and outside ranges change nothing, not even the
	 * creation of the first region. */
	CHECK(mm_mapping_label(m, 0x11000, 0x11000, MM_HEAP, MM_HOW_KERNEL, NULL, 0) == 0,
	      "zero-length range");
	CHECK(mm_mapping_label(m, 0x12000, 0x11000, MM_HEAP, MM_HOW_KERNEL, NULL, 0) == 0,
	      "inverted range");
	CHECK(mm_mapping_label(m, 0x0, 0x10000, MM_HEAP, MM_HOW_KERNEL, NULL, 0) == 0,
	      "range ending at the mapping's start");
	CHECK(mm_mapping_label(m, 0x14000, 0x20000, MM_HEAP, MM_HOW_KERNEL, NULL, 0) == 0,
	      "range starting at the mapping's end");
	EQ_U64(m->nregions, 0);

	/* At the mapping's first and last page: two cuts, one at each edge. */
	CHECK(mm_mapping_label(m, 0x10000, 0x11000, MM_EXE_TEXT, MM_HOW_ELF, NULL, 0) == 0,
	      "first page");
	CHECK(mm_mapping_label(m, 0x13000, 0x14000, MM_EXE_BSS, MM_HOW_ELF, NULL, 0) == 0,
	      "last page");
	EXPECT_REGIONS(m, { 0x10000, 0x11000, MM_EXE_TEXT, MM_HOW_ELF, NULL },
		       ANON(0x11000, 0x13000),
		       { 0x13000, 0x14000, MM_EXE_BSS, MM_HOW_ELF, NULL });

	/* A range larger than the mapping on both sides is clipped to it. */
	CHECK(mm_mapping_label(m, 0, UINT64_MAX, MM_STACK, MM_HOW_KERNEL, NULL, 0) == 0,
	      "range around the mapping");
	EXPECT_REGIONS(m, { 0x10000, 0x14000, MM_STACK, MM_HOW_KERNEL, NULL });

	/* Reset: one region again, whatever was there. */
	CHECK(mm_mapping_reset_regions(m, MM_FILE, MM_HOW_KERNEL, "f") == 0, "reset");
	EXPECT_REGIONS(m, { 0x10000, 0x14000, MM_FILE, MM_HOW_KERNEL, "f" });
	mm_snapshot_destroy(snap);
}

static void test_merge(void)
{
	struct mm_snapshot *snap = new_snapshot();
	struct mm_mapping *m = add_map(snap, 0x10000, 0x14000, "rw-p");
	char detail[8] = "t1";

	/* Adjacent pieces that nothing tells apart become one region. */
	mm_mapping_label(m, 0x10000, 0x11000, MM_THREAD_STACK, MM_HOW_RUNTIME, detail, 0);
	mm_mapping_label(m, 0x11000, 0x12000, MM_THREAD_STACK, MM_HOW_RUNTIME, detail, 0);
	EXPECT_REGIONS(m, { 0x10000, 0x12000, MM_THREAD_STACK, MM_HOW_RUNTIME, "t1" },
		       ANON(0x12000, 0x14000));

	/* The detail is copied: the caller's buffer may change afterwards; a
	 * different detail keeps the regions apart. */
	strcpy(detail, "t2");
	mm_mapping_label(m, 0x12000, 0x13000, MM_THREAD_STACK, MM_HOW_RUNTIME, detail, 0);
	/* And so does a different how. */
	mm_mapping_label(m, 0x13000, 0x14000, MM_THREAD_STACK, MM_HOW_HEURISTIC, detail, 0);
	EXPECT_REGIONS(m, { 0x10000, 0x12000, MM_THREAD_STACK, MM_HOW_RUNTIME, "t1" },
		       { 0x12000, 0x13000, MM_THREAD_STACK, MM_HOW_RUNTIME, "t2" },
		       { 0x13000, 0x14000, MM_THREAD_STACK, MM_HOW_HEURISTIC, "t2" });

	/* Relabelling the whole mapping alike merges everything back. */
	mm_mapping_label(m, 0x10000, 0x14000, MM_ANON, MM_HOW_KERNEL, NULL, 0);
	EXPECT_REGIONS(m, ANON(0x10000, 0x14000));
	mm_snapshot_destroy(snap);
}

static void test_only_anon(void)
{
	struct mm_snapshot *snap = new_snapshot();
	struct mm_mapping *m = add_map(snap, 0x10000, 0x15000, "rw-p");

	mm_mapping_label(m, 0x12000, 0x13000, MM_GLIBC_ARENA, MM_HOW_RUNTIME, NULL, 0);
	/* A weaker labeller over everything: only the anon parts change, and
	 * the stronger label in the middle survives. */
	CHECK(mm_mapping_label(m, 0x10000, 0x15000, MM_GO_OTHER, MM_HOW_HEURISTIC,
			       NULL, MM_ONLY_ANON) == 0, "only anon");
	EXPECT_REGIONS(m, { 0x10000, 0x12000, MM_GO_OTHER, MM_HOW_HEURISTIC, NULL },
		       { 0x12000, 0x13000, MM_GLIBC_ARENA, MM_HOW_RUNTIME, NULL },
		       { 0x13000, 0x15000, MM_GO_OTHER, MM_HOW_HEURISTIC, NULL });
	/* Nothing anon is left: a second pass changes nothing. */
	mm_mapping_label(m, 0x10000, 0x15000, MM_HEAP, MM_HOW_KERNEL, NULL, MM_ONLY_ANON);
	EQ_U64(m->nregions, 3);
	EQ_U64(m->regions[0].label, MM_GO_OTHER);
	mm_snapshot_destroy(snap);
}

/* ---- mm_snapshot_label, mm_snapshot_find ------------------------------ */

static void test_snapshot_label(void)
{
	struct mm_snapshot *snap = new_snapshot();

	/* Two adjacent mappings (the kernel split one range), a hole, a
	 * third; and one below the range that must stay untouched. */
	add_map(snap, 0x1000, 0x2000, "r--p");
	add_map(snap, 0x10000, 0x13000, "rw-p");
	add_map(snap, 0x13000, 0x14000, "rw-p");
	add_map(snap, 0x16000, 0x18000, "rw-p");

	CHECK(mm_snapshot_label(snap, 0x12000, 0x17000, MM_GO_HEAP, MM_HOW_RUNTIME,
				"arena", 0) == 0, "label across mappings");
	EQ_U64(snap->mappings[0].nregions, 0);
	EXPECT_REGIONS(&snap->mappings[1], ANON(0x10000, 0x12000),
		       { 0x12000, 0x13000, MM_GO_HEAP, MM_HOW_RUNTIME, "arena" });
	EXPECT_REGIONS(&snap->mappings[2],
		       { 0x13000, 0x14000, MM_GO_HEAP, MM_HOW_RUNTIME, "arena" });
	EXPECT_REGIONS(&snap->mappings[3],
		       { 0x16000, 0x17000, MM_GO_HEAP, MM_HOW_RUNTIME, "arena" },
		       ANON(0x17000, 0x18000));

	/* A range that lies in the hole touches nothing; nor does one past
	 * the last mapping or an empty one. */
	CHECK(mm_snapshot_label(snap, 0x14000, 0x16000, MM_HEAP, MM_HOW_KERNEL, NULL, 0) == 0,
	      "range in a hole");
	CHECK(mm_snapshot_label(snap, 0x18000, 0x20000, MM_HEAP, MM_HOW_KERNEL, NULL, 0) == 0,
	      "range past the end");
	CHECK(mm_snapshot_label(snap, 0x10800, 0x10800, MM_HEAP, MM_HOW_KERNEL, NULL, 0) == 0,
	      "empty range");
	EQ_U64(snap->mappings[0].nregions, 0);
	EQ_U64(snap->mappings[1].nregions, 2);
	EQ_U64(snap->mappings[2].nregions, 1);
	EQ_U64(snap->mappings[3].nregions, 2);

	/* find: the start is in, the end is out, holes are nobody's. */
	CHECK(mm_snapshot_find(snap, 0x1000) == &snap->mappings[0], "find at a start");
	CHECK(mm_snapshot_find(snap, 0x1fff) == &snap->mappings[0], "find at the last byte");
	CHECK(mm_snapshot_find(snap, 0x2000) == NULL, "find at an end before a hole");
	CHECK(mm_snapshot_find(snap, 0x13000) == &snap->mappings[2],
	      "find where two mappings meet");
	CHECK(mm_snapshot_find(snap, 0x15000) == NULL, "find in a hole");
	CHECK(mm_snapshot_find(snap, 0x0) == NULL, "find below everything");
	CHECK(mm_snapshot_find(snap, UINT64_MAX) == NULL, "find above everything");
	mm_snapshot_destroy(snap);

	/* An empty snapshot: nothing to label, nothing to find. */
	snap = new_snapshot();
	CHECK(mm_snapshot_label(snap, 0, UINT64_MAX, MM_HEAP, MM_HOW_KERNEL, NULL, 0) == 0,
	      "label in an empty snapshot");
	CHECK(mm_snapshot_find(snap, 0x1000) == NULL, "find in an empty snapshot");
	mm_snapshot_destroy(snap);
}

/* ---- apportioning ------------------------------------------------------ */

/* A mapping of three pages cut into three one-page regions. */
static struct mm_mapping *three_pages(struct mm_snapshot *snap, uint64_t start)
{
	struct mm_mapping *m = add_map(snap, start, start + 3 * PAGE, "rw-p");

	mm_mapping_label(m, start, start + PAGE, MM_HEAP, MM_HOW_KERNEL, NULL, 0);
	mm_mapping_label(m, start + 2 * PAGE, start + 3 * PAGE, MM_STACK,
			 MM_HOW_KERNEL, NULL, 0);
	return m;
}

static void test_apportion_by_size(void)
{
	struct mm_snapshot *snap = new_snapshot();
	struct mm_mapping *m = three_pages(snap, 0x10000);

	/* 10000 over three equal regions: 3333, 3333 and the remainder 3334;
	 * 2 over three: 0, 0, 2; every counter alike. */
	m->c.rss = 10000;
	m->c.pss = 2;
	m->c.private_dirty = 3;
	m->c.swap = 7;
	m->c.locked = UINT64_MAX;	/* no overflow in total * weight */
	mm_snapshot_finish(snap);
	EQ_U64(m->nregions, 3);
	EQ_U64(m->regions[0].c.rss, 3333);
	EQ_U64(m->regions[1].c.rss, 3333);
	EQ_U64(m->regions[2].c.rss, 3334);
	EQ_U64(m->regions[0].c.pss, 0);
	EQ_U64(m->regions[2].c.pss, 2);
	EQ_U64(m->regions[0].c.private_dirty, 1);
	EQ_U64(m->regions[1].c.private_dirty, 1);
	EQ_U64(m->regions[2].c.private_dirty, 1);
	EQ_U64(m->regions[0].c.swap, 2);
	EQ_U64(m->regions[2].c.swap, 3);
	EQ_U64(m->regions[0].c.locked, UINT64_MAX / 3);
	EQ_U64(m->regions[0].c.locked + m->regions[1].c.locked + m->regions[2].c.locked,
	       UINT64_MAX);
	CHECK(!m->regions[0].rss_exact && !m->regions[2].rss_exact,
	      "shares by size are not exact");

	/* Unequal sizes: one page and three pages of 4 pages' 4096 bytes. */
	struct mm_mapping *u = add_map(snap, 0x20000, 0x20000 + 4 * PAGE, "rw-p");

	mm_mapping_label(u, 0x20000, 0x20000 + PAGE, MM_HEAP, MM_HOW_KERNEL, NULL, 0);
	u->c.rss = 4096;
	mm_snapshot_finish(snap);
	EQ_U64(u->regions[0].c.rss, 1024);
	EQ_U64(u->regions[1].c.rss, 3072);
	mm_snapshot_destroy(snap);
}

static void test_apportion_single_and_empty(void)
{
	struct mm_snapshot *snap = new_snapshot();
	struct mm_mapping *one = add_map(snap, 0x10000, 0x12000, "rw-p");
	struct mm_mapping *none = add_map(snap, 0x20000, 0x21000, "r--p");

	/* One region: all of it, exactly.  A mapping no labeller touched gets
	 * one anon region at finish. */
	mm_mapping_label(one, 0x10000, 0x12000, MM_HEAP, MM_HOW_KERNEL, NULL, 0);
	one->c.rss = 8192;
	one->c.pss = 12345;
	none->c.rss = 4096;
	mm_snapshot_finish(snap);
	EQ_U64(one->regions[0].c.rss, 8192);
	EQ_U64(one->regions[0].c.pss, 12345);
	CHECK(one->regions[0].rss_exact, "one region is exact");
	EXPECT_REGIONS(none, ANON(0x20000, 0x21000));
	EQ_U64(none->regions[0].c.rss, 4096);

	/* Nothing resident: exact too (nothing to place). */
	struct mm_mapping *cold = three_pages(snap, 0x30000);

	mm_snapshot_finish(snap);
	CHECK(cold->regions[1].rss_exact, "no RSS is exact");
	EQ_U64(cold->regions[0].c.rss + cold->regions[1].c.rss + cold->regions[2].c.rss, 0);
	mm_snapshot_destroy(snap);
}

static void measure(struct mm_mapping *m, const uint64_t *present, const uint64_t *swapped)
{
	for (size_t i = 0; i < m->nregions; i++) {
		m->regions[i].measured = true;
		m->regions[i].present_bytes = present[i];
		m->regions[i].swapped_bytes = swapped[i];
	}
}

static void test_apportion_measured(void)
{
	struct mm_snapshot *snap = new_snapshot();
	struct mm_mapping *m = three_pages(snap, 0x10000);

	/* Pagemap found pages 0 and 2 present, page 1 swapped: RSS and PSS go
	 * by present bytes (2:0:1 by halves), swap by swapped bytes; the
	 * present bytes add up to RSS, so the shares are exact. */
	measure(m, (const uint64_t[]){ 2 * 2048, 0, 2048 },
		(const uint64_t[]){ 0, PAGE, 0 });
	m->c.rss = 6144;
	m->c.pss = 3000;
	m->c.swap = PAGE;
	m->c.swap_pss = 1000;
	mm_snapshot_finish(snap);
	EQ_U64(m->regions[0].c.rss, 4096);
	EQ_U64(m->regions[1].c.rss, 0);
	EQ_U64(m->regions[2].c.rss, 2048);
	EQ_U64(m->regions[0].c.pss, 2000);
	EQ_U64(m->regions[1].c.pss, 0);
	EQ_U64(m->regions[2].c.pss, 1000);
	EQ_U64(m->regions[0].c.swap, 0);
	EQ_U64(m->regions[1].c.swap, PAGE);
	EQ_U64(m->regions[2].c.swap, 0);
	EQ_U64(m->regions[1].c.swap_pss, 1000);
	CHECK(m->regions[0].rss_exact && m->regions[2].rss_exact,
	      "measured pages adding up to RSS are exact");

	/* The pages measured disagree with smaps' RSS (the process moved):
	 * still shared by them, but not exact.  1000 by 1:1:1 -> 333 333 334. */
	measure(m, (const uint64_t[]){ PAGE, PAGE, PAGE }, (const uint64_t[]){ 0, 0, 0 });
	m->c.rss = 1000;
	m->c.swap = 10;
	mm_snapshot_finish(snap);
	EQ_U64(m->regions[0].c.rss, 333);
	EQ_U64(m->regions[2].c.rss, 334);
	CHECK(!m->regions[0].rss_exact, "measured pages short of RSS are not exact");
	/* Nothing swapped measured: swap falls back to sizes (3, 3, 4). */
	EQ_U64(m->regions[0].c.swap, 3);
	EQ_U64(m->regions[2].c.swap, 4);

	/* One region not measured: all counters by size. */
	measure(m, (const uint64_t[]){ PAGE, 0, 0 }, (const uint64_t[]){ 0, 0, 0 });
	m->regions[1].measured = false;
	m->c.rss = 3 * PAGE;
	mm_snapshot_finish(snap);
	EQ_U64(m->regions[0].c.rss, PAGE);
	EQ_U64(m->regions[1].c.rss, PAGE);
	EQ_U64(m->regions[2].c.rss, PAGE);
	CHECK(!m->regions[0].rss_exact, "partly measured is not exact");
	mm_snapshot_destroy(snap);
}

/* ---- totals, categories, coverage ---------------------------------------- */

static void test_totals_and_categories(void)
{
	struct mm_snapshot *snap = new_snapshot();
	struct mm_mapping *a = add_map(snap, 0x10000, 0x14000, "rw-p");
	struct mm_mapping *r = add_map(snap, 0x20000, 0x30000, "---p");
	struct mm_mapping *h = add_map(snap, 0x40000, 0x41000, "rw-p");
	double vsz, rss;

	/* a: 4 pages, first half heap, second half anon. */
	mm_mapping_label(a, 0x10000, 0x12000, MM_HEAP, MM_HOW_KERNEL, NULL, 0);
	a->c.rss = 4 * PAGE;
	a->c.pss = 4 * PAGE;
	a->c.swap = 2 * PAGE;
	a->c.private_dirty = 2 * PAGE;
	a->c.shared_dirty = 2 * PAGE;
	/* r: 16 reserved pages, labelled go.heap like the arena around it. */
	mm_mapping_label(r, 0x20000, 0x30000, MM_GO_HEAP, MM_HOW_RUNTIME, NULL, 0);
	/* h: one resident page of heap, a second region of the same label. */
	mm_mapping_label(h, 0x40000, 0x41000, MM_HEAP, MM_HOW_KERNEL, NULL, 0);
	h->c.rss = PAGE;
	h->c.pss = PAGE / 2;

	mm_snapshot_finish(snap);
	EQ_U64(snap->total_vsz, (4 + 16 + 1) * PAGE);
	EQ_U64(snap->total_reserved, 16 * PAGE);
	EQ_U64(snap->totals.rss, 5 * PAGE);
	EQ_U64(snap->totals.pss, 4 * PAGE + PAGE / 2);
	EQ_U64(snap->totals.swap, 2 * PAGE);

	const struct mm_category *heap = &snap->categories[MM_HEAP];
	const struct mm_category *anon = &snap->categories[MM_ANON];
	const struct mm_category *go = &snap->categories[MM_GO_HEAP];

	EQ_U64(heap->vsz, 3 * PAGE);
	EQ_U64(heap->reserved, 0);
	EQ_U64(heap->rss, 2 * PAGE + PAGE);
	EQ_U64(heap->pss, 2 * PAGE + PAGE / 2);
	EQ_U64(heap->swap, PAGE);
	EQ_U64(heap->dirty, PAGE + PAGE);	/* private + shared halves */
	EQ_U64(heap->regions, 2);
	EQ_U64(anon->vsz, 2 * PAGE);
	EQ_U64(anon->rss, 2 * PAGE);
	EQ_U64(anon->regions, 1);
	EQ_U64(go->vsz, 16 * PAGE);
	EQ_U64(go->reserved, 16 * PAGE);
	EQ_U64(go->rss, 0);
	EQ_U64(snap->categories[MM_STACK].regions, 0);

	/* Coverage beyond anon: VSZ 19 of 21 pages, RSS 3 of 5. */
	mm_snapshot_coverage(snap, &vsz, &rss);
	CHECK(vsz > 19.0 / 21 - 1e-9 && vsz < 19.0 / 21 + 1e-9, "VSZ coverage %f", vsz);
	CHECK(rss > 0.6 - 1e-9 && rss < 0.6 + 1e-9, "RSS coverage %f", rss);

	/* finish again: sums start over, not added twice. */
	mm_snapshot_finish(snap);
	EQ_U64(snap->total_vsz, 21 * PAGE);
	EQ_U64(snap->categories[MM_HEAP].regions, 2);
	mm_snapshot_destroy(snap);

	/* An empty snapshot is fully covered, not divided by zero. */
	snap = new_snapshot();
	mm_snapshot_finish(snap);
	mm_snapshot_coverage(snap, &vsz, &rss);
	CHECK(vsz == 1.0 && rss == 1.0, "empty snapshot coverage %f %f", vsz, rss);
	mm_snapshot_destroy(snap);
}

/* ---- the rest of the model ---------------------------------------------- */

static void test_flags_and_warnings(void)
{
	struct mm_snapshot *snap = new_snapshot();
	struct mm_mapping *m = add_map(snap, 0x1000, 0x2000, "r-xp");

	CHECK(!mm_mapping_has_flag(m, "rd"), "no VmFlags: no flag");
	m->vm_flags = mm_snapshot_text(snap, "rd ex mr mw me", 14);
	CHECK(mm_mapping_has_flag(m, "rd"), "first flag");
	CHECK(mm_mapping_has_flag(m, "me"), "last flag");
	CHECK(mm_mapping_has_flag(m, "mr"), "middle flag");
	CHECK(!mm_mapping_has_flag(m, "e"), "part of a flag is not a flag");
	CHECK(!mm_mapping_has_flag(m, "nr"), "absent flag");

	CHECK(mm_snapshot_warn(snap, "%s: %d", "one", 1) == 0, "warn");
	CHECK(mm_snapshot_warn(snap, "two") == 0, "warn again");
	EQ_U64(snap->nwarnings, 2);
	EQ_STR(snap->warnings[0], "one: 1");
	EQ_STR(snap->warnings[1], "two");

	/* Many mappings: the array grows and keeps what it had. */
	for (uint64_t i = 1; i < 1000; i++) {
		add_map(snap, 0x1000 + i * PAGE, 0x2000 + i * PAGE, "rw-p");
	}
	EQ_U64(snap->nmappings, 1000);
	EQ_U64(snap->mappings[0].start, 0x1000);
	EQ_STR(snap->mappings[0].vm_flags, "rd ex mr mw me");
	EQ_U64(snap->mappings[999].start, 0x1000 + 999 * PAGE);
	CHECK(mm_snapshot_find(snap, 0x1000 + 500 * PAGE + 5) == &snap->mappings[500],
	      "find among many");
	mm_snapshot_destroy(snap);
	mm_snapshot_destroy(NULL);
}

static void test_vocabulary(void)
{
	for (int i = 0; i < MM_LABEL_COUNT; i++) {
		enum mm_label l = (enum mm_label)i;
		const char *name = mm_label_name(l);

		if (!CHECK(name && *name && strcmp(name, "?") != 0, "label %d has a name", i)) {
			continue;	/* a missing row in labels.c */
		}
		CHECK(mm_label_from_name(name) == i, "%s: from_name gives it back", name);
		CHECK(*mm_label_help(l), "%s has a help line", name);
		CHECK(*mm_label_explanation(l), "%s has an explanation", name);
		CHECK((unsigned int)mm_label_class(l) < MM_CLASS_COUNT, "%s has a class", name);
		CHECK(mm_label_color(l) != 0 && mm_label_color(l) <= 0xffffff,
		      "%s has a colour", name);
		for (int j = 0; j < i; j++) {
			CHECK(mm_label_color(l) != mm_label_color((enum mm_label)j),
			      "%s and %s share a colour", name, mm_label_name((enum mm_label)j));
		}
	}
	for (int c = 0; c < MM_CLASS_COUNT; c++) {
		CHECK(strcmp(mm_class_name((enum mm_class)c), "?") != 0, "class %d has a name", c);
	}
	EQ_STR(mm_label_name(MM_GO_SCAVENGE_INDEX), "go.scavenge-index");
	EQ_STR(mm_class_name(MM_CLASS_RUNTIME), "runtime");
	CHECK(mm_label_from_name("go.nothing") == -1, "unknown name");
	CHECK(mm_label_from_name("") == -1, "empty name");
	EQ_STR(mm_label_name(MM_LABEL_COUNT), "?");
	EQ_STR(mm_label_help(MM_LABEL_COUNT), "");
	EQ_STR(mm_class_name(MM_CLASS_COUNT), "?");
}

int main(void)
{
	test_split_middle();
	test_edges_and_empty();
	test_merge();
	test_only_anon();
	test_snapshot_label();
	test_apportion_by_size();
	test_apportion_single_and_empty();
	test_apportion_measured();
	test_totals_and_categories();
	test_flags_and_warnings();
	test_vocabulary();
	return mm_test_done("test_model");
}
