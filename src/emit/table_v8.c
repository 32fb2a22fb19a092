/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table_v8.c: the summary's "V8 heap" section: each space's committed
 * bytes as V8's space objects count them (what v8.getHeapSpaceStatistics()
 * calls space_size) beside the bytes of the pages memmap labelled for it,
 * then the v8.* labels as the kernel counts them. */
#include <stdio.h>

#include "emit/table_v8.h"

void mm_table_v8_runtime(FILE *out, const struct mm_snapshot *snap,
			 const struct mm_table_opts *o)
{
	const struct mm_v8_heap *v8 = &snap->runtime.v8;
	const struct mm_category *heap = &snap->categories[MM_V8_HEAP];
	const struct mm_category *code = &snap->categories[MM_V8_CODE];
	uint64_t committed = 0, pages = 0;
	char a[32], b[32], c[32];

	if (!v8->nspaces) {
		return;
	}
	fprintf(out, "\n%-26s %10s %10s\n", "V8 SPACE", "COMMITTED", "PAGES");
	for (size_t i = 0; i < v8->nspaces; i++) {
		const struct mm_v8_space *s = &v8->space[i];

		if (!s->committed && !s->pages) {
			continue;
		}
		committed += s->committed;
		pages += s->pages;
		mm_table_size(a, sizeof(a), o, s->committed);
		mm_table_size(b, sizeof(b), o, s->pages);
		fprintf(out, "%-26s %10s %10s\n", s->name, a, b);
	}
	mm_table_size(a, sizeof(a), o, committed);
	mm_table_size(b, sizeof(b), o, pages);
	fprintf(out, "%-26s %10s %10s\n", v8->heaps == 1 ? "total (1 heap)" : "total", a, b);
	mm_table_size(a, sizeof(a), o, heap->vsz + code->vsz - heap->reserved - code->reserved);
	mm_table_size(b, sizeof(b), o, heap->rss + code->rss);
	mm_table_size(c, sizeof(c), o, heap->reserved + code->reserved);
	fprintf(out, "committed: V8's own count%s; pages: what memmap labelled for it\n"
		"kernel: v8.heap + v8.code mapped %s, RSS %s, reserved %s (the code range)\n",
		v8->heaps > 1 ? " (summed over its isolates)" : "", a, b, c);
}
