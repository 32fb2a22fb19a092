/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output.h: whether what was written to a stream arrived (a full disk,
 * /dev/full, a closed pipe), with the reason the kernel gave. */
#ifndef MEMMAP_OUTPUT_H
#define MEMMAP_OUTPUT_H

#include <stdio.h>

/* Flushes f.  Returns 0 when every write to f so far arrived, else -errno
 * of the failure (-EIO when stdio did not keep the reason). */
int mm_output_flush(FILE *f);

/* mm_output_flush, then fclose.  Returns 0 or -errno. */
int mm_output_close(FILE *f);

#endif
