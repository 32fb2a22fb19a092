/* SPDX-License-Identifier: GPL-2.0-or-later */
/* go_offsets.h: per-Go-version offsets and sizes of the runtime members
 * the Go labeller reads, generated from each toolchain's DWARF
 * (scripts/gen-go-offsets; the table is go_offsets.c).  Not yet used by
 * the labeller, which still reads DWARF by name. */
#ifndef MEMMAP_GO_OFFSETS_H
#define MEMMAP_GO_OFFSETS_H

#include <stdint.h>

struct mm_go_offset {
	const char *version;	/* "go1.27": layouts do not change in a patch release */
	const char *root;	/* a type ("runtime.mheap") or "var:" a global */
	const char *path;	/* member path ("pages.summary"); "" the whole type */
	uint64_t offset, size;
	uint64_t elem;		/* arrays, slices, pointers: element or target size */
};

/* The row for version, root and path, or NULL when the table has none. */
const struct mm_go_offset *mm_go_offset_find(const char *version, const char *root,
					     const char *path);

#endif
