/* SPDX-License-Identifier: GPL-2.0-or-later */
/* classify.c: the orchestrator.  The probe stage builds the facts once a
 * snapshot (image table, pagemap reader, runtime probes); then each
 * labeller of the registry runs in order, from the most general (the
 * kernel's names) to the most specific, each refining what came before.
 * Nothing here knows what a labeller does inside. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "label/classify.h"

#define L(x)	(1ULL << (x))
_Static_assert(MM_LABEL_COUNT <= 64, "a registry row's labels fit in 64 bits");
#define RANGE(a, b)	((L(b) - L(a)) | L(b))	/* labels a..b of enum mm_label */

/* A row of the registry.  --debug says when a labeller made a label its
 * row does not name. */
struct labeller {
	const char *name;
	uint64_t labels;		/* 1 << enum mm_label, each it may produce */
	int needs;			/* MM_RT_*, or -1: runs whatever the process */
	int (*run)(struct mm_classify *ctx);
};

/* The registry: one row a labeller, in the order they run. */
static const struct labeller labellers[] = {
	{ "kernel", RANGE(MM_HEAP, MM_ANON) | L(MM_THREAD_STACK) | L(MM_HUGETLB), -1,
	  mm_label_kernel },
	{ "elf", RANGE(MM_EXE_TEXT, MM_LIB_BSS), -1, mm_label_elf },
	{ "go", RANGE(MM_GO_HEAP, MM_GO_OTHER), MM_RT_GO, mm_label_go },
	/* Before threads: a Java thread's guard zone lies inside the block
	 * glibc's descriptor calls all stack. */
	{ "jvm", RANGE(MM_JVM_HEAP, MM_JVM_CLASS_SPACE) | L(MM_THREAD_STACK) | L(MM_THREAD_GUARD),
	  MM_RT_JVM, mm_label_jvm },
	{ "threads", L(MM_THREAD_STACK) | L(MM_THREAD_GUARD), -1, mm_label_threads },
	{ "musl", L(MM_MUSL_MALLOC), MM_RT_MUSL, mm_label_musl },
	/* Before glibc: V8's pages are mmap'd, never malloc chunks, and
	 * proven by their headers. */
	{ "v8", L(MM_V8_HEAP) | L(MM_V8_CODE), MM_RT_V8, mm_label_v8 },
	/* Before glibc: its mmap'd chunks are found in runs of anon that
	 * python's arenas no longer merge into. */
	{ "python", L(MM_PYTHON_ARENA) | L(MM_PYTHON_DATASTACK), MM_RT_PYTHON,
	  mm_label_python },
	/* Before glibc: a copy linked in beside glibc's malloc (redis's)
	 * leaves glibc's chunk probes only what jemalloc does not own. */
	{ "jemalloc", L(MM_JEMALLOC_ARENA) | L(MM_JEMALLOC_METADATA), MM_RT_JEMALLOC,
	  mm_label_jemalloc },
	/* Arenas and chunks go by shape too (static and musl programs have
	 * no ld.so to probe): it runs whatever the process. */
	{ "glibc", RANGE(MM_GLIBC_ARENA, MM_LD_MALLOC), -1, mm_label_glibc },
	/* Last: guard pages inside what the allocators labelled. */
	{ "guards", L(MM_GUARD), -1, mm_label_guards },
};

#define NLABELLERS (sizeof(labellers) / sizeof(labellers[0]))

/* The runtime probes, in order: python's declines in a Go process,
 * glibc's in a musl one. */
static int (*const probes[])(struct mm_classify *ctx) = {
	mm_probe_go, mm_probe_musl, mm_probe_glibc, mm_probe_python, mm_probe_jemalloc,
	mm_probe_v8,
	mm_probe_jvm,
};

static const char *const runtime_names[MM_RT_COUNT] = {
	[MM_RT_GO] = "go", [MM_RT_GLIBC] = "glibc", [MM_RT_PYTHON] = "python",
	[MM_RT_MUSL] = "musl",
	[MM_RT_JEMALLOC] = "jemalloc", [MM_RT_V8] = "v8",
	[MM_RT_JVM] = "jvm",
};

/* The kernel's ptrace_scope (Yama), or -1 where there is none. */
static int yama_ptrace_scope(void)
{
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	int scope = -1;

	if (f) {
		if (fscanf(f, "%d", &scope) != 1) {
			scope = -1;
		}
		fclose(f);
	}
	return scope;
}

/* Once, for every labeller that fell back: why the memory was closed. */
static int warn_memory_closed(struct mm_classify *ctx)
{
	int err = ctx->target->mem_err, scope;

	if (err != -EPERM && err != -EACCES) {
		return 0;
	}
	if (geteuid() == 0) {	/* no use telling root to run as root */
		return mm_snapshot_warn(ctx->snap, "%d: cannot read its memory (%s) even as "
					"root (a security module, ptrace_scope 3 or a missing "
					"CAP_SYS_PTRACE): runtime labels are heuristic or absent",
					(int)ctx->target->pid, strerror(-err));
	}
	scope = yama_ptrace_scope();
	return mm_snapshot_warn(ctx->snap, "%d: cannot read its memory (%s): runtime labels are "
				"heuristic or absent; run as root%s%s", (int)ctx->target->pid,
				strerror(-err),
				scope > 0 ? ", or lower kernel.yama.ptrace_scope" : "",
				scope > 0 ? " (reading another process's memory needs ptrace rights)"
					  : " or as the process's user");
}

static const char *const kind_names[] = {
	[MM_IMAGE_EXECUTABLE] = "executable", [MM_IMAGE_LIBRARY] = "library",
	[MM_IMAGE_LOADER] = "loader",
};

static void debug_images(struct mm_classify *ctx)
{
	if (!ctx->debug) {
		return;
	}
	for (size_t i = 0; i < ctx->images.n; i++) {
		const struct mm_image *img = &ctx->images.v[i];
		const char *id = mm_elf_build_id(img->elf);

		mm_debug(ctx, "images", "%s: %s at %#llx, bias %#llx, build-id %s", img->path,
			 kind_names[img->kind], (unsigned long long)img->start,
			 (unsigned long long)img->bias, id ? id : "none");
	}
	if (!ctx->images.n) {
		mm_debug(ctx, "images", "no ELF object could be placed");
	}
}

/* The probe stage: facts every labeller may read, built once. */
static int probe(struct mm_classify *ctx)
{
	int rc, partial = 0;

	rc = mm_target_undo_deleted_spoofs(ctx->target, ctx->snap);
	if (rc) {
		return rc;
	}
	if (ctx->elves) {
		rc = mm_images_build(&ctx->images, ctx->snap, ctx->target, ctx->elves);
		if (rc < 0) {
			return rc;
		}
		partial |= rc;
		debug_images(ctx);
	}
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		rc = probes[i](ctx);
		if (rc < 0) {
			return rc;
		}
		partial |= rc;
	}
	for (int r = 0; r < MM_RT_COUNT; r++) {
		mm_debug(ctx, "probe", "%s: %s", runtime_names[r],
			 ctx->runtimes & (1u << r) ? "present" : "absent");
	}
	return partial;
}

/* Regions per label, for --debug. */
static void count_regions(const struct mm_snapshot *snap, size_t n[MM_LABEL_COUNT])
{
	memset(n, 0, MM_LABEL_COUNT * sizeof(*n));
	for (size_t i = 0; i < snap->nmappings; i++) {
		for (size_t j = 0; j < snap->mappings[i].nregions; j++) {
			n[snap->mappings[i].regions[j].label]++;
		}
	}
}

/* What a labeller did, and whether it kept to the labels its row names:
 * a region gained with another label is a registry row to fix. */
static void debug_labeller(struct mm_classify *ctx, const struct labeller *l,
			   const size_t before[MM_LABEL_COUNT], int rc)
{
	size_t after[MM_LABEL_COUNT], mine = 0;

	count_regions(ctx->snap, after);
	for (int k = 0; k < MM_LABEL_COUNT; k++) {
		if (l->labels & L(k)) {
			mine += after[k];
		} else if (after[k] > before[k] && k != MM_ANON) {
			mm_debug(ctx, l->name, "made %s regions, not in its registry row",
				 mm_label_name((enum mm_label)k));
		}
	}
	mm_debug(ctx, l->name, "done: %zu regions carry its labels%s", mine,
		 rc ? " (part could not be read)" : "");
}

/* Once the memory budget is spent every read fails: the stage that spent
 * it stopped short (its walks end on the first failed read) and says so,
 * once; what it labelled had passed its checks.  Returns 0, 1 (warned) or
 * -ENOMEM. */
static int over_budget(struct mm_classify *ctx, const char *who)
{
	const struct mm_mem_budget *b = &ctx->target->budget;

	if (!b->exceeded || ctx->budget_warned) {
		return 0;
	}
	ctx->budget_warned = true;
	mm_debug(ctx, who, "memory budget spent: %llu reads, %llu bytes",
		 (unsigned long long)b->reads, (unsigned long long)b->bytes);
	return mm_snapshot_warn(ctx->snap, "%d: %s: reading its memory took more than the "
				"budget (%llu reads, %llu MiB or %d s): stopped, and what "
				"was left is not labelled by the runtimes",
				(int)ctx->target->pid, who, (unsigned long long)b->max_reads,
				(unsigned long long)(b->max_bytes >> 20),
				MM_BUDGET_SECONDS) ? -ENOMEM : 1;
}

static int run_labellers(struct mm_classify *ctx)
{
	int partial = 0;

	for (size_t i = 0; i < NLABELLERS; i++) {
		const struct labeller *l = &labellers[i];
		size_t before[MM_LABEL_COUNT];
		int rc;

		if (l->needs >= 0 && !(ctx->runtimes & (1u << l->needs))) {
			mm_debug(ctx, l->name, "skipped: no %s runtime",
				 runtime_names[l->needs]);
			continue;
		}
		if (ctx->debug) {
			count_regions(ctx->snap, before);
		}
		rc = l->run(ctx);
		if (rc >= 0) {
			rc |= over_budget(ctx, l->name);
		}
		if (rc < 0) {
			return rc;
		}
		partial |= rc;
		if (ctx->debug) {
			debug_labeller(ctx, l, before, rc);
		}
	}
	return partial;
}

static void forget_facts(struct mm_classify *ctx)
{
	mm_go_facts_free(ctx->go);
	mm_glibc_facts_free(ctx->glibc);
	mm_python_facts_free(ctx->python);
	mm_musl_facts_free(ctx->musl);
	mm_jemalloc_facts_free(ctx->jemalloc);
	mm_v8_facts_free(ctx->v8);
	mm_jvm_facts_free(ctx->jvm);
	ctx->go = NULL;
	ctx->glibc = NULL;
	ctx->python = NULL;
	ctx->musl = NULL;
	ctx->jemalloc = NULL;
	ctx->v8 = NULL;
	ctx->jvm = NULL;
	ctx->runtimes = 0;
	free(ctx->stacks);
	ctx->stacks = NULL;
	ctx->nstacks = 0;
	ctx->stacks_known = false;
	free(ctx->sys_stacks);
	ctx->sys_stacks = NULL;
	ctx->nsys_stacks = 0;
	mm_images_finish(&ctx->images);
}

int mm_classify(struct mm_classify *ctx)
{
	struct mm_pagemap own = { .fd = -1 }, *shared = ctx->pm;
	int rc, partial;

	ctx->page = mm_snapshot_page_size(ctx->snap);
	if (!ctx->pm) {
		rc = mm_pagemap_open(&own, ctx->target, ctx->page);
		if (rc) {
			return rc;
		}
		ctx->pm = &own;
	}
	/* The one memory reader checks pagemap and the mappings, and charges
	 * every read to one budget for the whole snapshot. */
	ctx->target->pm = ctx->pm;
	ctx->target->snap = ctx->snap;
	if (!ctx->target->budget.max_reads) {
		mm_target_budget_start(ctx->target, MM_BUDGET_READS, MM_BUDGET_BYTES,
				       MM_BUDGET_SECONDS);
	}
	rc = partial = probe(ctx);
	if (rc >= 0) {
		rc = over_budget(ctx, "probes");
		partial |= rc;
	}
	if (rc >= 0) {
		rc = run_labellers(ctx);
		partial |= rc;
	}
	if (rc >= 0) {
		rc = warn_memory_closed(ctx) < 0 ? -ENOMEM : partial;
	}
	if (rc >= 0 && mm_find_symbols(ctx)) {
		rc = -ENOMEM;
	}
	forget_facts(ctx);
	ctx->target->pm = NULL;
	if (!shared) {
		mm_pagemap_close(&own);
	}
	ctx->pm = shared;
	return rc;
}
