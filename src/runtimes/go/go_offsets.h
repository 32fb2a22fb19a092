/* SPDX-License-Identifier: GPL-2.0-or-later */
/* go_offsets.h: per-Go-version offsets and sizes of the runtime members
 * the Go labeller and go_memstats.c read, generated from each toolchain's
 * DWARF (scripts/gen-go-offsets; the table is go_offsets.c).  go_dwarf.c
 * answers from it when the binary's version has rows, so no DWARF is
 * read for a known version and a binary without DWARF can be read. */
#ifndef MEMMAP_GO_OFFSETS_H
#define MEMMAP_GO_OFFSETS_H

#include <stdbool.h>
#include <stdint.h>

/* What go_dwarf.c's struct mm_go_type says of a member, for one version. */
struct mm_go_offset {
	const char *version;	/* "go1.27": layouts do not change in a patch release */
	const char *root;	/* a type ("runtime.heapArena") or "var:" a global */
	const char *path;	/* member path ("pages.summary"); "" the whole */
	uint64_t offset, size;
	uint64_t count;		/* arrays: number of elements */
	uint64_t elem;		/* arrays, slices, pointers: element or target size */
	uint64_t target;	/* arrays of pointers or slices: what an element
				 * points to or holds */
	bool absent;		/* the version has no such member */
};

/* Whether the table has rows for version ("go1.27"). */
bool mm_go_offset_has_version(const char *version);

/* The row for version, root and path, or NULL when the table has none. */
const struct mm_go_offset *mm_go_offset_find(const char *version, const char *root,
					     const char *path);

/* The newest version in the table not newer than version ("go1.28" →
 * "go1.27"), or NULL. */
const char *mm_go_offset_nearest(const char *version);

#endif
