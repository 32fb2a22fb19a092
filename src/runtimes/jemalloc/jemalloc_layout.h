/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jemalloc_layout.h: what the jemalloc probe learns once a snapshot — the
 * object jemalloc is in, its version, and the layout of its private
 * structures and globals — for the jemalloc labeller, which walks the
 * extent map (the radix tree from addresses to extents) and the bases'
 * block lists.  Every pointer read through them is checked before it
 * labels anything. */
#ifndef MEMMAP_JEMALLOC_LAYOUT_H
#define MEMMAP_JEMALLOC_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "label/classify.h"

/* Offsets and sizes in bytes, bit places in bits.  Globals are offsets
 * from the start of the library's .bss: a stripped build has no symbols,
 * but the same source and configuration give the same .bss (its size and
 * .data's must match the row's).  A copy linked into a program has its
 * globals found by their symbols instead (probe.c).  Generated: see
 * jemalloc_layouts.c. */
struct mm_jemalloc_layout {
	const char *version;		/* "5.3.0-0-g54ea..." as the library says */
	const char *build_id;		/* the library generated against */
	uint64_t data_size, bss_size, tdata_size;
	/* Globals, from .bss's start. */
	uint64_t g_emap, g_arenas, g_narenas_total, g_b0, g_bin_infos, g_index2size;
	/* The radix tree (rtree_t in emap_t): two levels, compact leaves. */
	int32_t lg_vaddr, lg_page, lg_hugepage, rtree_height, rtree_compact;
	int32_t rtree_root, rtree_bits0, rtree_bits1, leaf_state_shift, state_width;
	int32_t edata_alignment;
	/* edata_t */
	int32_t edata_bits, edata_addr, edata_size_esn;
	int32_t bits_slab_shift, bits_state_shift, bits_szind_shift, bits_szind_width;
	int32_t bits_nfree_shift, bits_nfree_width;
	/* arena_t, base_t, base_block_t */
	int32_t arena_limit, arena_base;
	int32_t base_blocks, base_allocated, base_resident, base_mapped;
	int32_t block_size, block_next, block_edata, block_header;
	/* bin_info_t bin_infos[nbins], size_t sz_index2size_tab[nsizes] */
	int32_t nbins, nsizes, bin_info_size, bin_info_reg_size, bin_info_nregs;
};

extern const struct mm_jemalloc_layout mm_jemalloc_layouts[];
extern const size_t mm_jemalloc_nlayouts;

/* Where the globals the labeller reads lie in the target. */
struct mm_jemalloc_globals {
	uint64_t emap, arenas, narenas_total, b0, bin_infos, index2size;
};

struct mm_jemalloc_facts {
	const struct mm_image *img;	/* the object jemalloc is linked into */
	char version[64];		/* "5.3.0-0-g54eaed1d..."; "" unknown */
	const struct mm_jemalloc_layout *lay;	/* NULL: no row for it */
	struct mm_jemalloc_globals g;	/* valid when lay is set */
};

/* The globals of a copy whose .bss (in the target) is the row's: the
 * shared library the row was generated from, or a rebuild of it. */
void mm_jemalloc_globals_from_bss(struct mm_jemalloc_facts *f, uint64_t bss);

#endif
