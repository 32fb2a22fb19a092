/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proclist.h: the views over many processes — the process list (a row a
 * process, the unread ones with their reason) and the label totals
 * across them — printed through the one table setup, mm_table_new. */
#ifndef MEMMAP_PROCLIST_H
#define MEMMAP_PROCLIST_H

#include <stdio.h>

#include "emit/table.h"
#include "model/fleet.h"

/* Checks -s against the process list's columns.  Returns 0, or -EINVAL
 * with a message in err. */
int mm_proclist_check(const struct mm_table_opts *o, char *err, size_t errlen);

/* --list-columns: the process list's columns and what they show (raw:
 * "NAME description" lines). */
void mm_proclist_list_columns(FILE *out, bool raw);

/* A header line, the process list (unless --summary) and the label totals.
 * Returns 0 or -ENOMEM. */
int mm_proclist_print(FILE *out, const struct mm_fleet *f, const struct mm_table_opts *o);

#endif
