/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table_v8.h: the summary's "V8 heap" section (table_v8.c). */
#ifndef MEMMAP_TABLE_V8_H
#define MEMMAP_TABLE_V8_H

#include <stdio.h>

#include "emit/table.h"
#include "model/model.h"

/* V8's own count of each space's committed bytes beside the pages memmap
 * labelled for it, and the v8.* labels' VSZ and RSS; nothing when V8's
 * heap was not read. */
void mm_table_v8_runtime(FILE *out, const struct mm_snapshot *snap,
			 const struct mm_table_opts *o);

#endif
