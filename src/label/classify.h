/* classify.h: the labellers, each knowing one thing, run in order from the
 * most general (the kernel's names) to the most specific (runtimes). */
#ifndef MEMMAP_CLASSIFY_H
#define MEMMAP_CLASSIFY_H

#include "images/elf_image.h"
#include "model/model.h"
#include "read/target.h"

struct mm_classify {
	struct mm_snapshot *snap;
	struct mm_target *target;
	struct mm_elf_cache *elves;
};

/* Runs every labeller.  Returns 0, or 1 when some part could not be read
 * (the snapshot says what in its warnings), or -ENOMEM. */
int mm_classify(struct mm_classify *ctx);

int mm_label_kernel(struct mm_classify *ctx);	/* heap, stack, vdso, file... */
int mm_label_elf(struct mm_classify *ctx);	/* exe.* and lib.* sections */
int mm_label_go(struct mm_classify *ctx);	/* go.*: the Go runtime's mappings */
int mm_label_threads(struct mm_classify *ctx);	/* thread.stack, thread.guard */
int mm_label_glibc(struct mm_classify *ctx);	/* glibc.*, ld.*: malloc and the loader */
int mm_label_python(struct mm_classify *ctx);	/* python.*: CPython's arenas and frame stacks */

#endif
