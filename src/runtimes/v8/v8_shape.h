/* SPDX-License-Identifier: GPL-2.0-or-later */
/* v8_shape.h: V8's mappings told by their shape alone (--no-mem). */
#ifndef MEMMAP_V8_SHAPE_H
#define MEMMAP_V8_SHAPE_H

#include "label/classify.h"
#include "runtimes/v8/v8_layout.h"

/* Labels, as heuristics, the runs of V8's own anonymous mappings (VmFlags
 * dc nr) of a process V8 is proven in (linked into the file at path): a
 * run holding executable code is its code range, a run of accessible pages
 * starting at a page boundary its heap.  Returns 0 or -ENOMEM. */
int mm_v8_label_shape(struct mm_classify *ctx, const struct mm_v8_layout *lay,
		      const char *path);

#endif
