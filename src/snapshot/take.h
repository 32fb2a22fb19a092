/* SPDX-License-Identifier: GPL-2.0-or-later */
/* take.h: one snapshot of a process, start to finish — read, classify,
 * measure residency, sum — with the reason told in one line when it fails.
 * The single view and --diff/--watch take their snapshots the same way. */
#ifndef MEMMAP_TAKE_H
#define MEMMAP_TAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "images/elf_image.h"
#include "model/model.h"

struct mm_take {
	const char *proc_root;	/* a captured tree; NULL: /proc */
	bool no_mem;		/* never read the target's memory */
	bool open_remote;	/* open mapped files on FUSE, NFS... too */
	bool quiet_gone;	/* a process that is gone: *gone, and no message */
	bool debug;		/* --debug: what probes and labellers found, on stderr */
	size_t symbols;		/* the largest symbols kept per image and
				 * section label (--symbols); 0: none */
	const uint64_t *addresses;	/* and the symbols holding these */
	size_t naddresses;
	bool no_go_stats;	/* no Go memstats, metrics or heap split */
	uint64_t go_sample_above; /* the span walk sampled above (0: default) */
	bool no_go_split;	/* no Go heap split: the view does not print it */
};

/* Takes pid's snapshot.  elves may be shared between calls (--watch); NULL
 * uses a cache of its own.  Returns 0 (complete) or 1 (partial: see its
 * warnings) with *out set, or -errno with the reason on stderr (or, with
 * quiet_gone and a process that is gone, *gone set instead). */
int mm_snapshot_take(const struct mm_take *o, pid_t pid, struct mm_elf_cache *elves,
		     struct mm_snapshot **out, bool *gone);

#endif
