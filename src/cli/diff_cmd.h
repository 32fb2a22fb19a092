/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diff_cmd.h: the snapshot commands of the command line — --save, --diff
 * A B and --watch SECONDS — for main.c to parse and dispatch to. */
#ifndef MEMMAP_DIFF_CMD_H
#define MEMMAP_DIFF_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/options.h"

/* --watch's argument: seconds, fractions allowed (0.1 to 86400).  Returns
 * 0 or -EINVAL. */
int mm_diff_parse_interval(const char *arg, unsigned int *ms);

/* The combinations that make no sense (ARGP_KEY_END).  Returns 0 or
 * -EINVAL with a message in err. */
int mm_diff_check(const struct mm_options *o, char *err, size_t errlen);

/* True when the command is --diff or --watch rather than one snapshot. */
static inline bool mm_diff_wanted(const struct mm_diff_opts *d)
{
	return d->against || d->watch_ms;
}

/* Runs --diff (o->target is the after side) or --watch (o->target is the
 * PID or name to watch).  Prints everything; returns the exit status
 * (cli/exit.h): 0, 1 (a live snapshot was partial), 2 (a side unreadable,
 * a bad snapshot file), 64 or 74 (the output could not be written). */
int mm_diff_main(const struct mm_options *o);

#endif
