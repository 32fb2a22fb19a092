/* SPDX-License-Identifier: GPL-2.0-or-later */
/* v8_chunk.c: the row of v8_layouts.c (generated) for a V8 version, and
 * the pure check of a chunk header read from a target (fuzzed). */
#include "runtimes/v8/v8_layout.h"

const struct mm_v8_layout *mm_v8_layout_for(int major, int minor)
{
	for (size_t i = 0; i < mm_v8_nlayouts; i++) {
		if (mm_v8_layouts[i].major == major && mm_v8_layouts[i].minor == minor) {
			return &mm_v8_layouts[i];
		}
	}
	return NULL;
}

bool mm_v8_chunk_check(const struct mm_v8_layout *lay, const uint64_t w[MM_V8_HEADER_WORDS],
		       uint64_t addr, uint64_t limit, struct mm_v8_chunk *out)
{
	uint64_t size = w[lay->size], astart = w[lay->area_start], aend = w[lay->area_end];
	uint64_t header = MM_V8_HEADER_WORDS * sizeof(uint64_t);

	/* The chunk is what V8 reserved for it, and fits the mappings. */
	if (w[lay->resv_address] != addr || w[lay->resv_size] != size) {
		return false;
	}
	if (size < header || size % 4096 || addr % lay->page_size || limit <= addr ||
	    size > limit - addr) {
		return false;
	}
	/* Objects lie past the header and inside the chunk. */
	if (astart < addr + header || astart > aend || aend > addr + size) {
		return false;
	}
	if (!w[lay->heap] || w[lay->heap] % 8 || !w[lay->owner] || w[lay->owner] % 8) {
		return false;
	}
	*out = (struct mm_v8_chunk){ .start = addr, .size = size, .heap = w[lay->heap],
				     .owner = w[lay->owner],
				     .allocator = w[lay->resv_allocator] };
	return true;
}

bool mm_v8_read_only_check(const struct mm_v8_layout *lay,
			   const uint64_t w[MM_V8_HEADER_WORDS], uint64_t addr, uint64_t limit,
			   struct mm_v8_chunk *out)
{
	uint64_t size = w[lay->size], astart = w[lay->area_start], aend = w[lay->area_end];
	uint64_t header = MM_V8_HEADER_WORDS * sizeof(uint64_t);

	/* Detached: V8 moved its reservation to the shared read-only
	 * artifacts and cleared its heap and space. */
	if (w[lay->heap] || w[lay->owner] || w[lay->resv_allocator] || w[lay->resv_address] ||
	    w[lay->resv_size] || !(w[lay->flags] & lay->read_only_flag)) {
		return false;
	}
	if (size < header || size % 4096 || addr % lay->page_size || limit <= addr ||
	    size > limit - addr || size > lay->page_size) {
		return false;
	}
	/* Its objects end where the shrunk chunk ends. */
	if (astart < addr + header || astart > aend || aend != addr + size ||
	    w[lay->allocated] > aend - astart) {
		return false;
	}
	*out = (struct mm_v8_chunk){ .start = addr, .size = size };
	return true;
}
