/* SPDX-License-Identifier: GPL-2.0-or-later */
/* glibc_layout.h: what the glibc probe learns once a snapshot — ld.so's
 * exported globals, the layout of glibc's private structures behind them,
 * and the struct pthread lists — for glibc's labeller.  The offsets are per
 * glibc build; each table is recognised by the sizes of ld.so's exported
 * _rtld_global and _rtld_global_ro, and every pointer read through them is
 * checked for consistency before it labels anything. */
#ifndef MEMMAP_GLIBC_LAYOUT_H
#define MEMMAP_GLIBC_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "label/classify.h"

/* Offsets and sizes in bytes; -1: the member does not exist in that
 * version.  Generated: see glibc_layouts.c. */
struct mm_glibc_layout {
	const char *version;			/* "2.36", as the library says */
	const char *name;			/* "glibc 2.36 x86_64" */
	/* "": read from that build's debug info.  Else DERIVED from the
	 * glibc sources ("glibc-2.39 3a7b..." : the git ref and commit a
	 * build tree configured like Debian's was compiled from): no build's
	 * debug info vouches for it, so it is used only when the library's
	 * version and both sizes below match, and its thread lists only
	 * when they read back. */
	const char *derived;
	int64_t rtld_global_size, rtld_global_ro_size;	/* checked on use */
	/* struct rtld_global: list_t heads of struct pthread.list (2.34+) */
	int32_t stack_used, stack_user, stack_cache;
	/* struct rtld_global_ro (2.34+), or rtld_global (before) */
	int32_t tls_static_size, tls_static_align;
	int32_t g_tls_static_size, g_tls_static_align;
	/* struct pthread (TLS_TCB_SIZE) and its members */
	int32_t pd_size, pd_tcb, pd_dtv, pd_self, pd_list, pd_tid;
	int32_t pd_user_stack, pd_stackblock, pd_stackblock_size, pd_guardsize;
	/* 2.42+: pd->stack_mode (4 bytes) instead of pd->user_stack, and
	 * the values that mean "the user's stack" and "guard by madvise" */
	int32_t pd_stack_mode, stack_mode_user, stack_mode_madv_guard;
	/* struct link_map: l_name and l_next are public ABI, the rest not */
	int32_t lm_name, lm_next, lm_libname, lm_searchlist_list;
	int32_t lm_versions, lm_initfini;
	int32_t heap_info_size;
	/* heap_info's members, and the malloc_state it points to: its top
	 * chunk and the next arena on the ring from main_arena */
	int32_t hi_ar_ptr, hi_prev, hi_size, hi_mprotect_size;
	int32_t ms_size, ms_top, ms_next;
	/* Before 2.34 the lists are libpthread's statics, found by name in
	 * its .symtab (distributions keep it for libthread_db); without
	 * one, their link addresses in the libpthread.so.0 of this build-id
	 * ("" : none). */
	const char *pt_build_id;
	uint64_t pt_stack_used, pt_stack_user, pt_stack_cache;
};

extern const struct mm_glibc_layout mm_glibc_layouts[];
extern const size_t mm_glibc_nlayouts;

/* A struct pthread found on one of ld.so's stack lists. */
enum mm_pthread_list { MM_PT_USED, MM_PT_USER, MM_PT_CACHE, MM_PT_COUNT };

struct mm_pthread {
	uint64_t pd, stackblock, stackblock_size, guardsize, dtv;
	int32_t tid;
	bool user_stack;
	bool madv_guard;	/* the guard is MADV_GUARD_INSTALL'd, not a mapping */
	enum mm_pthread_list list;
};

struct mm_glibc_facts {
	const struct mm_image *ld;		/* ld.so's image; NULL: none */
	bool is_static;				/* glibc linked into the executable */
	char version[16];			/* "2.43" as mapped; "" unknown */
	const struct mm_glibc_layout *lay;	/* NULL: layout unknown */
	uint64_t global, global_ro, r_debug;	/* 0 when absent */
	uint64_t heads[3];			/* the three list heads' addresses */
	uint64_t tls_size_at, tls_align_at;	/* where the static TLS size is */
	/* The descriptors of each list that read back consistently
	 * (list_ok), walked once; in list order. */
	bool list_ok[MM_PT_COUNT];
	struct mm_pthread *pt;
	size_t npt;
	/* Whose malloc the program calls: another allocator's (jemalloc,
	 * tcmalloc, ... interposed before libc) owns the anonymous memory
	 * glibc's would, and glibc's chunks and arenas are not looked for.
	 * malloc_other: the image that owns it, read from ld.so's link maps;
	 * malloc_maybe_other: without them, another object that exports
	 * malloc is mapped. */
	const struct mm_image *malloc_other;
	bool malloc_maybe_other;
};

#endif
