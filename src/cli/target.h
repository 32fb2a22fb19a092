/* SPDX-License-Identifier: GPL-2.0-or-later */
/* target.h: the process the user named — a PID or a process name — and
 * its snapshot taken, with the reason and the exit status when either
 * fails.  Used by the single view, --diff and --watch alike. */
#ifndef MEMMAP_CLI_TARGET_H
#define MEMMAP_CLI_TARGET_H

#include <stdbool.h>
#include <sys/types.h>

#include "cli/options.h"
#include "images/elf_image.h"
#include "model/model.h"

/* A PID written in decimal (1 to 2^30-1). */
bool mm_parse_pid(const char *s, pid_t *pid);

/* The target the user named: a PID, or the one process with that name
 * (not with a captured tree).  Returns EXIT_OK, or EXIT_USAGE/EXIT_TARGET
 * with the reason on stderr. */
int mm_resolve_target(const char *arg, const char *proc_root, pid_t *pid);

/* pid's snapshot, read as o says; its warnings told when warn.  elves may
 * be shared between calls (--watch); NULL uses a cache of its own.  Returns
 * EXIT_OK or EXIT_PARTIAL with *out set, or EXIT_TARGET with the reason on
 * stderr (unless gone is given and the process is gone: *gone is set). */
int mm_take_target(const struct mm_options *o, pid_t pid, struct mm_elf_cache *elves,
		   bool warn, bool *gone, struct mm_snapshot **out);

#endif
