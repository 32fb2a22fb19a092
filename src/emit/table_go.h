/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table_go.h: the summary's "Go runtime" section (table_go.c). */
#ifndef MEMMAP_TABLE_GO_H
#define MEMMAP_TABLE_GO_H

#include <stdio.h>

#include "emit/table.h"
#include "model/model.h"

/* runtime.ReadMemStats's numbers beside the go.* labels that hold them,
 * and the differences in words; nothing when they were not read. */
void mm_table_go_runtime(FILE *out, const struct mm_snapshot *snap,
			 const struct mm_table_opts *o);

/* --explain: the seeds' question (why ps and MemStats disagree) answered
 * for this process in these terms; nothing when memstats were not read. */
void mm_table_go_explain(FILE *out, const struct mm_snapshot *snap,
			 const struct mm_table_opts *o);

#endif
