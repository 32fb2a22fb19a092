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

struct mm_glibc_layout {
	const char *name;			/* "glibc 2.36 x86_64" */
	uint64_t rtld_global_size, rtld_global_ro_size;	/* the fingerprint */
	/* struct rtld_global: list_t heads of struct pthread.list */
	uint32_t stack_used, stack_user, stack_cache;
	/* struct rtld_global_ro */
	uint32_t tls_static_size, tls_static_align;
	/* struct pthread (TLS_TCB_SIZE) and its members */
	uint32_t pd_size, pd_tcb, pd_dtv, pd_self, pd_list, pd_tid;
	uint32_t pd_user_stack, pd_stackblock, pd_stackblock_size, pd_guardsize;
	/* struct link_map: l_name and l_next are public ABI, the rest not */
	uint32_t lm_name, lm_next, lm_libname, lm_searchlist_list;
	uint32_t lm_versions, lm_initfini;
};

/* A struct pthread found on one of ld.so's stack lists. */
enum mm_pthread_list { MM_PT_USED, MM_PT_USER, MM_PT_CACHE, MM_PT_COUNT };

struct mm_pthread {
	uint64_t pd, stackblock, stackblock_size, guardsize, dtv;
	int32_t tid;
	bool user_stack;
	enum mm_pthread_list list;
};

struct mm_glibc_facts {
	const struct mm_image *ld;		/* ld.so's image; NULL: none */
	const struct mm_glibc_layout *lay;	/* NULL: layout unknown */
	uint64_t global, global_ro, r_debug;	/* 0 when absent */
	/* The descriptors of each list that read back consistently
	 * (list_ok), walked once; in list order. */
	bool list_ok[MM_PT_COUNT];
	struct mm_pthread *pt;
	size_t npt;
};

#endif
