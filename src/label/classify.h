/* SPDX-License-Identifier: GPL-2.0-or-later */
/* classify.h: the probe stage and the labeller registry.  Probes run first
 * and build the facts (the image table, the shared pagemap reader, the
 * runtimes the process carries); then the labellers, each knowing one
 * thing, run in registry order from the most general (the kernel's names)
 * to the most specific (runtimes), reading facts and writing regions. */
#ifndef MEMMAP_CLASSIFY_H
#define MEMMAP_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "images/elf_image.h"
#include "images/image_table.h"
#include "model/model.h"
#include "read/residency.h"
#include "read/target.h"
#include "util/debug.h"

/* The runtimes a probe can find; a labeller may need one. */
enum mm_runtime_id { MM_RT_GO, MM_RT_GLIBC, MM_RT_PYTHON, MM_RT_MUSL, MM_RT_JEMALLOC,
		     MM_RT_V8, MM_RT_JVM, MM_RT_COUNT };

/* Each runtime's facts, owned by its folder (runtimes/NAME/probe.c). */
struct mm_go_facts;
struct mm_glibc_facts;
struct mm_python_facts;
struct mm_musl_facts;
struct mm_jemalloc_facts;
struct mm_v8_facts;
struct mm_jvm_facts;

/* A thread stack as a runtime's own bookkeeping records it (glibc's lists
 * of struct pthread): what a probe found for the threads labeller. */
struct mm_thread_stack {
	uint64_t block, size, guard;	/* block 0: the main thread's ([stack]) */
	uint64_t pd;			/* the descriptor, inside its block */
	int32_t tid;			/* in the target's pid namespace; <= 0: exited */
	bool cached;			/* on a free list: no thread owns it */
};

/* A thread's system stack as a runtime that runs its own threads records
 * it (Go's allm: each M's g0.stack and thread id), for the threads
 * labeller: a point in it (hi - 1) stands for the thread's stack pointer,
 * which may lie on a goroutine stack in the heap.  The bounds may be the
 * runtime's estimate (cgo threads before Go 1.21 set them from a local
 * variable), so no more than that point is taken from them. */
struct mm_thread_bounds {
	int32_t tid;			/* in the target's pid namespace */
	uint64_t lo, hi;
};

struct mm_classify {
	struct mm_snapshot *snap;
	struct mm_target *target;
	struct mm_elf_cache *elves;
	struct mm_pagemap *pm;		/* shared; NULL: mm_classify opens one */
	bool debug;			/* --debug: say what was found and declined */
	bool budget_warned;		/* the memory budget's warning is given */
	size_t symbols_top;		/* the largest symbols of each image's
					 * sections to keep (--symbols); 0: none */
	const uint64_t *addresses;	/* and the symbols holding these */
	size_t naddresses;
	bool no_go_stats;		/* read no Go runtime statistics (benchmark) */
	uint64_t go_sample_above;	/* Go span walk sampled above (0: default) */
	bool no_go_split;		/* no Go heap split (a view without it) */

	/* Facts, built by the probe stage before any labeller runs. */
	uint64_t page;			/* the page size (4096 when unknown) */
	struct mm_images images;
	unsigned int runtimes;		/* 1 << MM_RT_* for each one found */
	struct mm_go_facts *go;
	struct mm_glibc_facts *glibc;
	struct mm_python_facts *python;
	struct mm_musl_facts *musl;
	struct mm_jemalloc_facts *jemalloc;
	struct mm_v8_facts *v8;
	struct mm_jvm_facts *jvm;
	/* Every thread stack a runtime's lists hold, when they read back
	 * consistently (stacks_known); in list order. */
	bool stacks_known;
	struct mm_thread_stack *stacks;
	size_t nstacks;
	/* Filled by a labeller that runs before the threads labeller. */
	struct mm_thread_bounds *sys_stacks;
	size_t nsys_stacks;
};

/* Runs the probes, then every labeller.  Returns 0, or 1 when some part
 * could not be read (the snapshot says what in its warnings), or -ENOMEM. */
int mm_classify(struct mm_classify *ctx);

#define mm_debug(ctx, who, ...) mm_debugf((ctx)->debug, (who), __VA_ARGS__)

/* Probes: each fills its facts and sets its bit in ctx->runtimes when the
 * runtime is there.  Return 0, 1 when part could not be read (warned), or
 * -ENOMEM. */
int mm_probe_go(struct mm_classify *ctx);
int mm_probe_glibc(struct mm_classify *ctx);
int mm_probe_python(struct mm_classify *ctx);
int mm_probe_musl(struct mm_classify *ctx);
void mm_go_facts_free(struct mm_go_facts *f);		/* NULL: no-op */
void mm_glibc_facts_free(struct mm_glibc_facts *f);	/* NULL: no-op */
void mm_python_facts_free(struct mm_python_facts *f);	/* NULL: no-op */
void mm_musl_facts_free(struct mm_musl_facts *f);	/* NULL: no-op */
int mm_probe_jemalloc(struct mm_classify *ctx);
void mm_jemalloc_facts_free(struct mm_jemalloc_facts *f);	/* NULL: no-op */
int mm_probe_v8(struct mm_classify *ctx);
void mm_v8_facts_free(struct mm_v8_facts *f);	/* NULL: no-op */
int mm_probe_jvm(struct mm_classify *ctx);
void mm_jvm_facts_free(struct mm_jvm_facts *f);	/* NULL: no-op */

/* Labellers: each returns 0, 1 when part could not be read (it warned),
 * or -errno. */
int mm_label_kernel(struct mm_classify *ctx);	/* heap, stack, vdso, file... */
int mm_label_elf(struct mm_classify *ctx);	/* exe.* and lib.* sections */
int mm_label_go(struct mm_classify *ctx);	/* go.*: the Go runtime's mappings */
int mm_label_threads(struct mm_classify *ctx);	/* thread.stack, thread.guard */
int mm_label_glibc(struct mm_classify *ctx);	/* glibc.*, ld.*: malloc and the loader */
int mm_label_python(struct mm_classify *ctx);	/* python.*: CPython's arenas and frame stacks */
int mm_label_musl(struct mm_classify *ctx);	/* musl.malloc: mallocng's groups */
int mm_label_jemalloc(struct mm_classify *ctx);	/* jemalloc.*: its extents and bases */
int mm_label_jvm(struct mm_classify *ctx);	/* jvm.*: HotSpot's heap, code, GC; Java stacks */
int mm_label_guards(struct mm_classify *ctx);	/* guard: MADV_GUARD_INSTALL pages */
int mm_label_v8(struct mm_classify *ctx);	/* v8.heap, v8.code: V8's pages */

/* After labelling: copies into the snapshot the symbols_top largest
 * symbols of each image's labelled sections and the symbols holding the
 * addresses (see struct mm_symbol).  Returns 0 or -ENOMEM. */
int mm_find_symbols(struct mm_classify *ctx);

/* The NAME of a kernel-named anonymous mapping "[anon:NAME]" (also
 * "[anon_shmem:NAME]" when shmem) and its length, as the kernel gives it
 * (leading spaces kept); NULL when path is not one. */
const char *mm_anon_name_of(const char *path, bool shmem, size_t *len);

/* The name of a mapping still labelled anon.named, "[anon: NAME]" with
 * leading spaces skipped, and its length; NULL otherwise. */
const char *mm_anon_name(const struct mm_mapping *m, size_t *len);

#endif
