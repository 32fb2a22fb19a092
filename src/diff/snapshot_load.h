/* SPDX-License-Identifier: GPL-2.0-or-later */
/* snapshot_load.h: reads a memmap/1 JSON snapshot back into the model, so a
 * saved snapshot and a live one can be compared. */
#ifndef MEMMAP_SNAPSHOT_LOAD_H
#define MEMMAP_SNAPSHOT_LOAD_H

#include "model/model.h"

/* Loads the snapshot in file path ("-" for standard input) and finishes it
 * (region shares, categories, totals recomputed).  Every field the model
 * holds is validated: types, hex addresses, sorted mappings, regions that
 * tile their mapping, known labels.  Returns 0 with *out set, or -EINVAL
 * (bad file, *errmsg says why, naming the file and where: line:column for
 * JSON syntax, the field's path for content), -errno when the file cannot
 * be read (also with *errmsg), or -ENOMEM.  Never a partial result: on
 * error *out is NULL.  *errmsg is to be freed by the caller. */
int mm_snapshot_load(const char *path, struct mm_snapshot **out, char **errmsg);

#endif
