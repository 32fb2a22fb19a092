/* SPDX-License-Identifier: GPL-2.0-or-later */
/* v8_layouts.c: the rows of v8_layout.h and the check of a chunk header.
 * V8 11.3 (node 20): BasicMemoryChunk is size_, main_thread_flags_,
 * heap_, area_start_, area_end_, allocated_bytes_, wasted_memory_,
 * high_water_mark_, owner_, then its VirtualMemory reservation_
 * (page_allocator_, region_ {address, size}); BaseSpace is its vtable,
 * heap_, id_, committed_; BoundedPageAllocator is its vtable, a mutex (5
 * words), allocate_page_size_, commit_page_size_, page_allocator_, then
 * its RegionAllocator's whole region.  Checked against node 20.20.2's
 * live heap by tests/v8 (every space's chunks summing to its committed
 * size as v8.getHeapSpaceStatistics() reports it). */
#include "runtimes/v8/v8_layout.h"

static const char *const spaces_11[] = {
	"read_only_space", "new_space", "old_space", "code_space", "shared_space",
	"new_large_object_space", "large_object_space", "code_large_object_space",
	"shared_large_object_space",
};

const struct mm_v8_layout mm_v8_layouts[] = {
	{
		.major = 11, .page_size = 256 << 10,
		.size = 0, .flags = 1, .heap = 2, .area_start = 3, .area_end = 4, .owner = 8,
		.resv_allocator = 9, .resv_address = 10, .resv_size = 11,
		.space_heap = 1, .space_id = 2, .space_committed = 3,
		.bpa_page_size = 6, .bpa_begin = 9, .bpa_size = 10,
		.nspaces = sizeof(spaces_11) / sizeof(spaces_11[0]), .space_names = spaces_11,
		.code_spaces = (1u << 3) | (1u << 7),
	},
};

const size_t mm_v8_nlayouts = sizeof(mm_v8_layouts) / sizeof(mm_v8_layouts[0]);

const struct mm_v8_layout *mm_v8_layout_for(int major)
{
	for (size_t i = 0; i < mm_v8_nlayouts; i++) {
		if (mm_v8_layouts[i].major == major) {
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
