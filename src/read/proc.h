/* proc.h: reads a process's facts (libproc2) and its smaps (one streaming
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

/* Fills snap from the target: facts, status, and every mapping.  Returns 0,
 * -ESRCH (gone), -EACCES/-EPERM, -ENOENT (no address space: a kernel thread
 * or a zombie; snap->status.state tells which), -EBADMSG (smaps line
 * *lineno is malformed), or -ENOMEM. */
int mm_proc_read(struct mm_target *t, struct mm_snapshot *snap,
		 unsigned long *lineno);

#endif
