/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table_jemalloc.h: the summary's "jemalloc" section (table_jemalloc.c). */
#ifndef MEMMAP_TABLE_JEMALLOC_H
#define MEMMAP_TABLE_JEMALLOC_H

#include <stdio.h>

#include "emit/table.h"
#include "model/model.h"

/* jemalloc's own totals beside the jemalloc.* labels that hold them;
 * nothing when its structures were not read. */
void mm_table_jemalloc(FILE *out, const struct mm_snapshot *snap,
		       const struct mm_table_opts *o);

#endif
