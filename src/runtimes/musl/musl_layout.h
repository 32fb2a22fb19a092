/* SPDX-License-Identifier: GPL-2.0-or-later */
/* musl_layout.h: what the musl probe learns once a snapshot — where musl
 * is (its libc.so, which is also its loader, or a static executable), its
 * version, the layout of its private structures, the ring of struct
 * pthread read from the main thread's descriptor, and mallocng's context —
 * for the threads and musl labellers.  Every pointer read through them is
 * checked for consistency before it labels anything. */
#ifndef MEMMAP_MUSL_LAYOUT_H
#define MEMMAP_MUSL_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "label/classify.h"

/* Offsets and sizes in bytes (bit-fields in bits); -1: the member does
 * not exist in that version.  Generated: see musl_layouts.c. */
struct mm_musl_layout {
	const char *version;			/* "1.2.3" */
	const char *build_id;			/* the libc.so generated against */
	int32_t pd_size, pd_self, pd_prev, pd_next, pd_tid;
	int32_t pd_map_base, pd_map_size, pd_stack, pd_stack_size, pd_guard_size;
	/* mallocng: struct malloc_context (__malloc_context) */
	int32_t ctx_size, ctx_secret, ctx_pagesize, ctx_init_done;
	int32_t ctx_meta_area_head, ctx_meta_area_tail;
	/* struct meta_area: one page of struct meta slots */
	int32_t area_check, area_next, area_nslots, area_slots;
	/* struct meta and struct group */
	int32_t meta_size, meta_mem, group_meta;
	int32_t meta_maplen, meta_maplen_bits;	/* in bits */
};

extern const struct mm_musl_layout mm_musl_layouts[];
extern const size_t mm_musl_nlayouts;

/* A struct pthread on musl's thread ring. */
struct mm_musl_thread {
	uint64_t pd, map_base, map_size, stack, stack_size, guard_size;
	int32_t tid;
};

struct mm_musl_facts {
	const struct mm_image *img;	/* musl's libc.so, or the static exe */
	bool is_static;
	char version[16];		/* "1.2.3"; "" unknown */
	const struct mm_musl_layout *lay;	/* NULL: layout unknown */
	uint64_t ctx, ctx_size;		/* __malloc_context when its symbol is there */
	uint64_t rw[4][2];		/* the image's writable PT_LOADs, in the target */
	size_t nrw;
	struct mm_musl_thread *th;	/* the ring from the main thread, in order */
	size_t nth;
};

#endif
