/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table_symbols.h: symbols in the human views (table_symbols.c): the
 * --symbols table, the symbol an --address falls in, and the summary's
 * note on a label one symbol fills. */
#ifndef MEMMAP_TABLE_SYMBOLS_H
#define MEMMAP_TABLE_SYMBOLS_H

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

#include "emit/table.h"
#include "model/model.h"

/* The largest symbols of each image and section label: LABEL SIZE ADDRESS
 * SYMBOL NAME, by label as the summary orders them.  Returns 0 or
 * -ENOMEM. */
int mm_table_symbols(FILE *out, const struct mm_snapshot *snap,
		     const struct mm_table_opts *o);

/* "; symbol NAME+0xOFF (size N)" for the symbol holding addr, as
 * addr2line -f names it; nothing when no symbol does. */
void mm_table_symbol_at(FILE *out, const struct mm_snapshot *snap, uint64_t addr);

/* A line for each label more than half of whose VSZ is one symbol; with
 * one, only for the largest such symbol (the first screen keeps its rows
 * for the labels). */
void mm_table_symbol_notes(FILE *out, const struct mm_snapshot *snap,
			   const struct mm_table_opts *o, bool one);

#endif
