/* SPDX-License-Identifier: GPL-2.0-or-later */
/* save.h: the files the user names for output (--save, --svg): created,
 * written by one of the printers, closed, and every failure told. */
#ifndef MEMMAP_SAVE_H
#define MEMMAP_SAVE_H

#include <stdio.h>

#include "model/model.h"

/* A printer of a whole snapshot into a stream (mm_json_write_snapshot,
 * mm_svg_write): 0 or -errno. */
typedef int mm_snapshot_writer(FILE *f, const struct mm_snapshot *snap);

/* Writes snap into a new file at path with write.  Returns EXIT_OK,
 * EXIT_TARGET when path cannot be created (a bad argument), or EXIT_OUTPUT
 * when writing it failed (a full disk); the reason on stderr. */
int mm_save(const char *path, mm_snapshot_writer *write, const struct mm_snapshot *snap);

#endif
