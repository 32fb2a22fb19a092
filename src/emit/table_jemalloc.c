/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table_jemalloc.c: the summary's "jemalloc" section: the allocator's own
 * totals (its extents by state, its bases' counters), summed from its
 * structures read from outside, beside the kernel's numbers for the
 * jemalloc.* labels that hold them. */
#include <inttypes.h>
#include <stdio.h>

#include "emit/table_jemalloc.h"

static void row(FILE *out, const struct mm_table_opts *o, const char *name, uint64_t v,
		bool known, const struct mm_snapshot *snap, int label)
{
	char a[32], vsz[32], rss[32];

	if (known) {
		mm_table_size(a, sizeof(a), o, v);
	} else {
		snprintf(a, sizeof(a), "?");
	}
	if (label < 0) {
		fprintf(out, "%-18s %10s\n", name, a);
		return;
	}
	mm_table_size(vsz, sizeof(vsz), o, snap->categories[label].vsz);
	mm_table_size(rss, sizeof(rss), o, snap->categories[label].rss);
	fprintf(out, "%-18s %10s  %-18s %10s %10s\n", name, a, mm_label_name(label), vsz, rss);
}

void mm_table_jemalloc(FILE *out, const struct mm_snapshot *snap, const struct mm_table_opts *o)
{
	const struct mm_jemalloc_stats *s = &snap->runtime.jemalloc;

	if (!s->known) {
		return;
	}
	fprintf(out, "\njemalloc: its own totals read from outside, beside the labels\n");
	fprintf(out, "%-18s %10s  %-18s %10s %10s\n", "JEMALLOC", "VALUE", "LABEL", "VSZ", "RSS");
	row(out, o, "extents", s->active + s->dirty + s->muzzy + s->retained, true, snap,
	    MM_JEMALLOC_ARENA);
	row(out, o, "  active", s->active, true, snap, -1);
	row(out, o, "  dirty", s->dirty, true, snap, -1);
	row(out, o, "  muzzy", s->muzzy, true, snap, -1);
	row(out, o, "  retained", s->retained, true, snap, -1);
	row(out, o, "metadata mapped", s->metadata_mapped, true, snap, MM_JEMALLOC_METADATA);
	row(out, o, "  allocated", s->metadata, true, snap, -1);
	row(out, o, "  resident", s->metadata_resident, true, snap, -1);
	row(out, o, "mapped", s->mapped, true, snap, -1);
	row(out, o, "resident", s->resident, true, snap, -1);
	row(out, o, "allocated", s->allocated, s->allocated_known, snap, -1);
	fprintf(out, "%" PRIu64 " extents, %" PRIu64 " arenas, %" PRIu64 " base blocks; "
		"mapped = active + dirty + muzzy + metadata mapped;\n"
		"resident = active + dirty + metadata resident (jemalloc's count; the kernel's "
		"is RSS)\n", s->extents, s->arenas, s->base_blocks);
}
