/* glibc_layout.h: where glibc's and ld.so's private structures sit, for the
 * thread and malloc labellers.  The offsets are per glibc build; each table
 * is recognised by the sizes of ld.so's exported _rtld_global and
 * _rtld_global_ro, and every pointer read through them is checked for
 * consistency before it labels anything. */
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

/* ld.so's exported globals in the target. */
struct mm_rtld {
	const struct mm_glibc_layout *lay;	/* NULL: layout unknown */
	uint64_t global, global_ro, r_debug;	/* 0 when absent */
};

/* Finds ld.so among the mappings and its exported globals through its
 * .dynsym.  Returns 0 (r->lay set when the layout is known), -ENOENT when
 * there is no ld.so (static or non-glibc program), or -ENOMEM. */
int mm_rtld_find(struct mm_classify *ctx, struct mm_rtld *r);

/* A struct pthread found on one of ld.so's stack lists. */
enum mm_pthread_list { MM_PT_USED, MM_PT_USER, MM_PT_CACHE };

struct mm_pthread {
	uint64_t pd, stackblock, stackblock_size, guardsize, dtv;
	int32_t tid;
	bool user_stack;
	enum mm_pthread_list list;
};

/* Walks the lists in the mask (1 << MM_PT_USED: _dl_stack_used, ...USER:
 * _dl_stack_user, ...CACHE: _dl_stack_cache), keeping each descriptor
 * whose self pointer reads back.  *out is malloc'd.  Returns 0, -ENOENT
 * when a list is inconsistent (the layout is wrong), -ENOTSUP when memory
 * cannot be read, or -ENOMEM. */
#define MM_PT_ALL ((1u << MM_PT_USED) | (1u << MM_PT_USER) | (1u << MM_PT_CACHE))
int mm_glibc_pthreads(struct mm_classify *ctx, const struct mm_rtld *r,
		      unsigned int lists, struct mm_pthread **out, size_t *n);

/* One little-endian word of target memory.  Returns 0 or -errno. */
int mm_read_word(struct mm_classify *ctx, uint64_t addr, uint64_t *v);

/* The name of a named anonymous mapping that the kernel labeller left as
 * anon.named: "[anon: glibc: malloc]" gives "glibc: malloc" (leading
 * spaces skipped) and its length; NULL otherwise. */
const char *mm_anon_name(const struct mm_mapping *m, size_t *len);

#endif
