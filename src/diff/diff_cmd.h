/* diff_cmd.h: the snapshot commands of the command line — --save, --diff
 * A B and --watch SECONDS — for main.c to parse and dispatch to. */
#ifndef MEMMAP_DIFF_CMD_H
#define MEMMAP_DIFF_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "emit/table.h"

struct mm_diff_opts {
	const char *against;	/* --diff A: the before side (file or PID) */
	const char *save;	/* --save FILE */
	unsigned int watch_ms;	/* --watch SECONDS, in ms; 0: not watching */
	bool watch_prev;	/* --watch-prev: diff against the previous sample */
	uint64_t threshold;	/* --threshold SIZE */
	/* Filled by main.c from its own options before mm_diff_main(). */
	const char *proc_root;
	bool no_mem;
};

/* --watch's argument: seconds, fractions allowed (0.1 to 86400).  Returns
 * 0 or -EINVAL. */
int mm_diff_parse_interval(const char *arg, unsigned int *ms);

/* The combinations that make no sense (ARGP_KEY_END).  Returns 0 or
 * -EINVAL with a message in err. */
int mm_diff_check(const struct mm_diff_opts *d, const struct mm_table_opts *t,
		  char *err, size_t errlen);

/* True when the command is --diff or --watch rather than one snapshot. */
static inline bool mm_diff_wanted(const struct mm_diff_opts *d)
{
	return d->against || d->watch_ms;
}

/* Runs --diff (target is the after side) or --watch (target is the PID or
 * name to watch).  Prints everything; returns the exit status: 0, 1 (a live
 * snapshot was partial), 2 (a side unreadable, a bad snapshot file, a
 * write error) or 64. */
int mm_diff_main(const struct mm_diff_opts *d, const char *target, bool json,
		 const struct mm_table_opts *t);

/* --save: the snapshot as memmap/1 JSON into path.  Prints the error and
 * returns -errno on failure. */
int mm_snapshot_save(const struct mm_snapshot *snap, const char *path);

#endif
