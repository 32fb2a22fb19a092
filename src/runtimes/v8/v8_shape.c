/* SPDX-License-Identifier: GPL-2.0-or-later */
/* v8_shape.c: V8's mappings without reading memory.  Node builds V8 with
 * V8_ENABLE_PRIVATE_MAPPING_FORK_OPTIMIZATION: every private mapping V8's
 * page allocator makes is MAP_NORESERVE and MADV_DONTFORK (VmFlags "nr"
 * and "dc"), which neither glibc nor the loader use.  Runs of such
 * mappings that touch are one reservation or neighbouring pages:
 *  - a run with executable code is the code range (its reservation, the
 *    code pages and their guards);
 *  - a run of only accessible pages starting at a V8 page boundary is
 *    heap pages (regular, large, read-only);
 *  - anything else (a run mixing pages and reservation without code, as a
 *    WebAssembly memory with its guard region is) stays anon.
 * The builtins V8 re-maps from its own file into the code range join the
 * run on both sides of them. */
#include <string.h>

#include "runtimes/v8/v8_shape.h"

static bool v8_mapping(const struct mm_mapping *m)
{
	return mm_mapping_is_anon_private(m) && mm_mapping_has_flag(m, "dc") &&
	       mm_mapping_has_flag(m, "nr");
}

/* A mapping of the file V8 is in: V8 re-maps its embedded builtins from
 * it into the code range, splitting the run (it keeps its own label). */
static bool image_mapping(const struct mm_mapping *m, const char *path)
{
	return path && m->path && !strcmp(m->path, path);
}

/* Labels mappings first..last (a run) by what they hold. */
static int label_run(struct mm_classify *ctx, const struct mm_v8_layout *lay, size_t first,
		     size_t last)
{
	struct mm_snapshot *snap = ctx->snap;
	bool code = false, reserved = false;

	for (size_t i = first; i <= last; i++) {
		const char *p = snap->mappings[i].perms;

		code |= p[2] == 'x';
		reserved |= p[0] == '-' && p[1] == '-' && p[2] == '-';
	}
	if (code) {
		return mm_snapshot_label(snap, snap->mappings[first].start,
					 snap->mappings[last].end, MM_V8_CODE, MM_HOW_HEURISTIC,
					 "code range (by shape)", MM_ONLY_ANON);
	}
	if (reserved || snap->mappings[first].start % lay->page_size) {
		return 0;
	}
	return mm_snapshot_label(snap, snap->mappings[first].start, snap->mappings[last].end,
				 MM_V8_HEAP, MM_HOW_HEURISTIC, "pages (by shape)", MM_ONLY_ANON);
}

int mm_v8_label_shape(struct mm_classify *ctx, const struct mm_v8_layout *lay,
		      const char *path)
{
	struct mm_snapshot *snap = ctx->snap;
	size_t i = 0, runs = 0;
	int rc;

	while (i < snap->nmappings) {
		size_t j = i;

		if (!v8_mapping(&snap->mappings[i])) {
			i++;
			continue;
		}
		for (size_t k = j + 1; k < snap->nmappings &&
		     snap->mappings[k].start == snap->mappings[k - 1].end; k++) {
			if (v8_mapping(&snap->mappings[k])) {
				j = k;
			} else if (!image_mapping(&snap->mappings[k], path)) {
				break;
			}
		}
		if ((rc = label_run(ctx, lay, i, j))) {
			return rc;
		}
		runs++;
		i = j + 1;
	}
	mm_debug(ctx, "v8", "memory not to be read: %zu runs of V8's mappings by shape", runs);
	return 0;
}
