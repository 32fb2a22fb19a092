/* classify.c: runs the labellers in order, from the most general (the
 * kernel's names) to the most specific; each refines what came before. */
#include "classify.h"

int mm_classify(struct mm_classify *ctx)
{
	int partial = 0, rc;

	rc = mm_label_kernel(ctx);
	if (rc < 0) {
		return rc;
	}
	rc = mm_label_elf(ctx);
	if (rc < 0) {
		return rc;
	}
	partial |= rc;
	rc = mm_label_go(ctx);
	if (rc < 0) {
		return rc;
	}
	partial |= rc;
	rc = mm_label_threads(ctx);
	if (rc < 0) {
		return rc;
	}
	/* Before glibc: its mmap'd chunks are found in runs of anon that
	 * python's arenas no longer merge into. */
	rc = mm_label_python(ctx);
	if (rc < 0) {
		return rc;
	}
	rc = mm_label_glibc(ctx);
	if (rc < 0) {
		return rc;
	}
	return partial;
}
