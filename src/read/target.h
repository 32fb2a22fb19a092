/* SPDX-License-Identifier: GPL-2.0-or-later */
/* target.h: the process being inspected, reached only through its /proc
 * directory (or a captured copy of one).  Read-only: never ptrace, never a
 * signal. */
#ifndef MEMMAP_TARGET_H
#define MEMMAP_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/model.h"

struct mm_pagemap;	/* read/residency.h */

/* The work one snapshot may spend reading the target's memory: a hostile
 * process can build lists that never end and tables of any size, so every
 * walk is bounded by its own checks and all of them together by this.
 * Once spent, every read fails with -ETIME. */
struct mm_mem_budget {
	uint64_t reads, bytes;		/* spent */
	uint64_t max_reads, max_bytes;
	uint64_t deadline_ns;		/* CLOCK_MONOTONIC; 0: none */
	bool exceeded;
};

/* The per-snapshot defaults: far above what a real process costs (a 1 GB
 * CPython heap: ~60,000 reads), far below hours. */
#define MM_BUDGET_READS		(4ULL << 20)
#define MM_BUDGET_BYTES		(1ULL << 30)
#define MM_BUDGET_SECONDS	60

/* A fake target's memory for the process-memory fuzz harness: what would
 * be read from /proc/PID/mem; pages outside every chunk are not present. */
struct mm_memory_chunk {
	uint64_t start;
	size_t len;
	const uint8_t *bytes;
};

struct mm_memory_image {
	const struct mm_memory_chunk *v;
	size_t n;
};

struct mm_target {
	pid_t pid;
	char *dir;		/* "/proc/4242", or DIR/4242 with --proc-root */
	bool captured;		/* a captured tree: no live process behind it */
	bool no_mem;		/* never read the target's memory */
	int mem_fd;		/* /proc/PID/mem, opened lazily; -1 until then */
	int mem_err;		/* why mem could not be opened (-errno), or 0 */
	/* Mappings of files on network file systems (read/mountinfo.h):
	 * reading their memory could fault a page in through a server that
	 * never answers.  Owned; [start, end) pairs. */
	uint64_t (*remote)[2];
	size_t nremote;
	/* What the one memory reader needs (set by mm_classify): pagemap,
	 * which says which pages may be read, and the mappings, since an
	 * anonymous page never touched reads as zeros without a read. */
	struct mm_pagemap *pm;
	const struct mm_snapshot *snap;
	struct mm_mem_budget budget;
	/* Instead of /proc/PID/mem: the fuzz harness's fake memory. */
	const struct mm_memory_image *image;
	/* Pages read whole for mm_target_read_cached (lazily allocated). */
	struct mm_mem_cache *cache;
};

/* Fills t for pid below proc_root ("/proc" when NULL).  Returns 0 or -errno
 * (-ESRCH: no such process). */
int mm_target_init(struct mm_target *t, const char *proc_root, pid_t pid);
void mm_target_finish(struct mm_target *t);

/* Whether the process is still there (a captured tree always is): what was
 * read from a process that has since exited may be incomplete. */
bool mm_target_alive(const struct mm_target *t);

/* Opens dir/rel read-only (O_CLOEXEC added).  Returns an fd or -errno. */
int mm_target_open(const struct mm_target *t, const char *rel, int flags);

/* Reads len bytes of the target's memory at addr with pread on
 * /proc/PID/mem (or from t->image): the only reader of target memory.  It
 * reads only pages pagemap says are in RAM, so it never faults a file page
 * in nor swaps one back (the read-only promise); a private anonymous page
 * that was never touched is zeros, given without a read.  Every read is
 * charged to t->budget.  Returns 0, -EPERM/-EACCES where not permitted,
 * -EIO for an unmapped address, -EFAULT for a page not in RAM (or pagemap
 * unreadable), -ETIME once the budget is spent, -ENOTSUP when no_mem or
 * captured, -EREMOTE inside a mapping of a file on a network file
 * system. */
int mm_target_read(struct mm_target *t, uint64_t addr, void *buf, size_t len);

/* As mm_target_read, for readers that ask many small questions of the
 * same pages (CPython's pool headers and arena table): each page is read
 * whole once and kept until pagemap's windows are next forgotten (as
 * labellers do between passes), so it answers as the page was then. */
int mm_target_read_cached(struct mm_target *t, uint64_t addr, void *buf, size_t len);

/* Starts t's budget: limits as given, the clock from now. */
void mm_target_budget_start(struct mm_target *t, uint64_t max_reads, uint64_t max_bytes,
			    unsigned int seconds);

/* Whether mm_target_read may read at all (not --no-mem, not a captured
 * tree without a fake memory). */
static inline bool mm_target_has_memory(const struct mm_target *t)
{
	return !t->no_mem && (!t->captured || t->image);
}

/* One little-endian word of the target's memory.  Returns as above. */
int mm_target_read_word(struct mm_target *t, uint64_t addr, uint64_t *v);

/* A file really named "x (deleted)" reads in maps as a deleted "x": gives
 * such mappings their full name back (checked by inode).  Before anything
 * opens files by path.  Returns 0 or -ENOMEM. */
int mm_target_undo_deleted_spoofs(const struct mm_target *t, struct mm_snapshot *snap);

#endif
