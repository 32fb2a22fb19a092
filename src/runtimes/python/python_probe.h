/* SPDX-License-Identifier: GPL-2.0-or-later */
/* python_probe.h: what the CPython probe learns once a snapshot, for the
 * CPython labeller. */
#ifndef MEMMAP_PYTHON_PROBE_H
#define MEMMAP_PYTHON_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "label/classify.h"

struct mm_python_facts {
	const struct mm_image *img;	/* the exe or libpython3.X.so; NULL: none */
	int minor;			/* 3.minor */
	uint64_t runtime, runtime_size;	/* _PyRuntime in the target; 0: 3.6 */
	uint64_t rw[4][2];		/* the image's writable PT_LOADs, in the target */
	size_t nrw;
};

#endif
