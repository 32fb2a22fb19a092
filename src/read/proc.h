/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proc.h: reads a process's facts (stat, status) and its smaps (one streaming
 * pass) into a snapshot. */
#ifndef MEMMAP_PROC_H
#define MEMMAP_PROC_H

#include <sys/types.h>

#include "model/model.h"
#include "read/target.h"

/* Finds the one process whose command name is name (never this process).
 * Returns 0, -ESRCH (none), -EEXIST (several: *pids lists them, caller
 * frees) or -ENOMEM. */
int mm_proc_find(const char *name, pid_t *pid, pid_t **pids, size_t *npids);

/* Reads who the process is now (mm_liveness: stat's state, start time and
 * image addresses; the exe's device and inode, from cached attributes).
 * Returns 0, -ESRCH (no such process), or -ENOENT (a captured tree without
 * stat: id->known is false). */
int mm_proc_liveness(const struct mm_target *t, struct mm_liveness *id);

/* Whether the process is still the one before describes, alive.  Returns
 * 0, -ESRCH (it exited: gone, a zombie or exiting, or its PID now another
 * process's) or -ESTALE (it exec'd another program). */
int mm_proc_same(const struct mm_target *t, const struct mm_liveness *before);

/* The same test between two identities read at different times (0 when
 * either is unknown). */
int mm_liveness_compare(const struct mm_liveness *before, const struct mm_liveness *now);

/* Fills snap from the target: facts, status, and every mapping.  Returns 0,
 * -ESRCH (gone), -ESTALE (it exec'd meanwhile), -EACCES/-EPERM, -ENOENT (no address space: a kernel thread
 * or a zombie; snap->status.state tells which), -EBADMSG (smaps line
 * *lineno is malformed), or -ENOMEM. */
int mm_proc_read(struct mm_target *t, struct mm_snapshot *snap,
		 unsigned long *lineno);

#endif
