/* SPDX-License-Identifier: GPL-2.0-or-later */
/* v8_layout.h: where V8 keeps what memmap reads of its heap — the header
 * every memory chunk (page) starts with, the space object it points back
 * to, and the code range's page allocator — per V8 version, and the pure
 * check of a chunk header read from a target (fuzzed).  V8's v8dbg_*
 * symbols describe heap objects, not chunks, and node ships no debug
 * info, so scripts/gen-v8-layouts writes the rows (v8_layouts.c) from V8's
 * source in Debian's nodejs source packages, and every use is guarded by
 * invariants that a wrong row fails: a chunk's reservation must name the
 * chunk itself, its space must point back at its heap. */
#ifndef MEMMAP_V8_LAYOUT_H
#define MEMMAP_V8_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Words of the chunk header memmap reads. */
#define MM_V8_HEADER_WORDS 12

struct mm_v8_layout {
	int major, minor;		/* the V8 version of the row */
	uint64_t page_size;		/* kPageSize: a regular page's size and alignment */
	uint64_t read_only_flag;	/* READ_ONLY_HEAP of a chunk's flags */
	/* BasicMemoryChunk, word indexes */
	unsigned int size, flags, heap, area_start, area_end, allocated, owner;
	unsigned int resv_allocator, resv_address, resv_size;
	/* BaseSpace, word indexes: heap_, id_ (an int in the low half),
	 * committed_ */
	unsigned int space_heap, space_id, space_committed;
	/* base::BoundedPageAllocator, word indexes: allocate_page_size_ and
	 * its region (begin, size) */
	unsigned int bpa_page_size, bpa_begin, bpa_size;
	/* AllocationSpace: names (v8.getHeapSpaceStatistics()'s) by id */
	size_t nspaces;
	const char *const *space_names;
	uint64_t code_spaces;		/* 1 << id for each space of code */
};

extern const struct mm_v8_layout mm_v8_layouts[];
extern const size_t mm_v8_nlayouts;

/* The row for a V8 version, or NULL. */
const struct mm_v8_layout *mm_v8_layout_for(int major, int minor);

/* A chunk header that holds together. */
struct mm_v8_chunk {
	uint64_t start, size;
	uint64_t heap, owner, allocator;
};

/* Whether the words read at addr are a chunk header of layout lay whose
 * chunk ends by limit (the end of the mappings that follow addr without a
 * gap): its reservation is the chunk itself, its area inside it, its heap
 * and owner word-aligned and non-null.  Fills out when so.  Pure. */
bool mm_v8_chunk_check(const struct mm_v8_layout *lay, const uint64_t w[MM_V8_HEADER_WORDS],
		       uint64_t addr, uint64_t limit, struct mm_v8_chunk *out);

/* Whether the words read at addr are the header of a page of V8's shared
 * read-only heap, detached from any heap: no heap, space or reservation,
 * the READ_ONLY_HEAP flag, its size the chunk's (shrunk to its objects)
 * and its objects inside it.  Fills out (heap, owner and allocator 0).
 * Pure. */
bool mm_v8_read_only_check(const struct mm_v8_layout *lay,
			   const uint64_t w[MM_V8_HEADER_WORDS], uint64_t addr, uint64_t limit,
			   struct mm_v8_chunk *out);

#endif
