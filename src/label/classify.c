/* classify.c: runs the labellers in order, from the most general (the
 * kernel's names) to the most specific; each refines what came before. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "label/classify.h"

typedef int labeller(struct mm_classify *ctx);

/* Each returns 0, 1 when part could not be read (it warned), or -errno. */
static labeller *const labellers[] = {
	mm_label_kernel,
	mm_label_elf,
	mm_label_go,
	mm_label_threads,
	/* Before glibc: its mmap'd chunks are found in runs of anon that
	 * python's arenas no longer merge into. */
	mm_label_python,
	mm_label_glibc,
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

int mm_classify(struct mm_classify *ctx)
{
	int partial = 0;

	for (size_t i = 0; i < sizeof(labellers) / sizeof(labellers[0]); i++) {
		int rc = labellers[i](ctx);

		if (rc < 0) {
			return rc;
		}
		partial |= rc;
	}
	return warn_memory_closed(ctx) < 0 ? -ENOMEM : partial;
}
