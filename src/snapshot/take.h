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

/* memmap's exit statuses (memmap(1), EXIT STATUS). */
enum {
	EXIT_OK = 0,
	EXIT_PARTIAL = 1,	/* printed, but some part could not be read */
	EXIT_TARGET = 2,	/* the target (or a snapshot file) could not be read */
	EXIT_USAGE = 64,
};

struct mm_take {
	const char *proc_root;	/* a captured tree; NULL: /proc */
	bool no_mem;		/* never read the target's memory */
	bool quiet_gone;	/* a process that is gone: *gone, and no message */
	bool debug;		/* --debug: what probes and labellers found, on stderr */
};

/* Takes pid's snapshot.  elves may be shared between calls (--watch); NULL
 * uses a cache of its own.  Returns EXIT_OK or EXIT_PARTIAL with *out set,
 * or EXIT_TARGET with the reason on stderr (or, with quiet_gone and a
 * process that is gone, *gone set instead). */
int mm_snapshot_take(const struct mm_take *o, pid_t pid, struct mm_elf_cache *elves,
		     struct mm_snapshot **out, bool *gone);

/* A PID written in decimal (1 to 2^30-1). */
bool mm_parse_pid(const char *s, pid_t *pid);

/* The target the user named: a PID, or the one process with that name
 * (not with a captured tree).  Returns EXIT_OK, or EXIT_USAGE/EXIT_TARGET
 * with the reason on stderr. */
int mm_resolve_target(const char *arg, const char *proc_root, pid_t *pid);

/* "memmap: warning: ..." on stderr for each, escaped. */
void mm_print_warnings(char *const *warnings, size_t n);

#endif
