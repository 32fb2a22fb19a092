/* SPDX-License-Identifier: GPL-2.0-or-later */
/* residency.h: which pages are in RAM or swap, from /proc/PID/pagemap (its
 * PAGEMAP_SCAN ioctl, or the file read): one windowed reader per snapshot,
 * shared by the labellers that must not touch absent pages and by the per-region residency that shares a
 * mapping's counters out. */
#ifndef MEMMAP_RESIDENCY_H
#define MEMMAP_RESIDENCY_H

#include <stdbool.h>
#include <stdint.h>

#include "model/model.h"
#include "read/target.h"

#define MM_PAGEMAP_PRESENT (1ULL << 63)
#define MM_PAGEMAP_SWAPPED (1ULL << 62)
/* PM_GUARD_REGION (Linux 6.15+): a page guarded with MADV_GUARD_INSTALL;
 * its entry also has the swapped bit (a PTE marker).  Older kernels leave
 * the bit clear: no guard is found. */
#define MM_PAGEMAP_GUARD (1ULL << 58)

/* One window of pages pagemap was asked about: the runs of present,
 * swapped or guarded pages in it (pages in no run are none of those). */
struct mm_pagemap_run {
	uint64_t first;		/* page number */
	uint64_t n;		/* pages */
	uint64_t entry;		/* MM_PAGEMAP_* bits */
};

struct mm_pagemap_slot {
	uint64_t first, n;	/* pages [first, first + n) are known */
	struct mm_pagemap_run *runs;
	size_t nruns, alloc;
	uint64_t used;		/* clock of the last use */
};

enum mm_pagemap_mode { MM_PAGEMAP_SCAN, MM_PAGEMAP_READ };

enum { MM_PAGEMAP_SLOTS = 4 };

/* Asks pagemap a window at a time, and keeps the last few windows, so
 * looking at neighbouring pages (or neighbouring small mappings, or two
 * mappings in turn) costs one call, not one each. */
struct mm_pagemap {
	int fd;			/* -1: pagemap cannot be read */
	uint64_t page_size;
	enum mm_pagemap_mode mode;	/* the ioctl, or reads of the file */
	bool no_guard_kind;	/* the ioctl knows no PAGE_IS_GUARD */
	struct mm_pagemap_slot slot[MM_PAGEMAP_SLOTS];
	size_t last;		/* the slot that answered last */
	uint64_t clock;
	uint64_t epoch;		/* counts mm_pagemap_forget calls */
	void *buf;		/* the ioctl's runs or the file's entries */
	uint64_t limit;		/* if above the page asked: ask no further */
	uint64_t floor;		/* if below the page asked: a window walking
				 * down starts no lower */
	/* The fuzz harness's fake memory instead of pagemap: its pages are
	 * present, all others not. */
	const struct mm_memory_image *image;
};

/* Opens the target's pagemap (page_size: mm_snapshot_page_size); pm->fd
 * stays -1 where it cannot be read (captured trees, permission).  pagemap is the kernel's bookkeeping, not
 * the target's memory, so --no-mem does not forbid it.  Returns 0 or
 * -ENOMEM. */
int mm_pagemap_open(struct mm_pagemap *pm, struct mm_target *t, uint64_t page_size);
void mm_pagemap_close(struct mm_pagemap *pm);

/* Whether pagemap can say anything about the target's pages. */
bool mm_pagemap_readable(const struct mm_pagemap *pm);

/* Drops the window and the limit: the next read sees pagemap as it is. */
void mm_pagemap_forget(struct mm_pagemap *pm);

/* The pagemap entry of the page holding addr.  Returns 0, or -errno when
 * it cannot be read (then *entry is 0): only the MM_PAGEMAP_* bits
 * above are ever set.  MEMMAP_PAGEMAP=read in the environment reads the
 * file even where the ioctl is.  A window stops at pm->limit
 * when that is set above addr: the kernel walks the page tables of every
 * mapping in the window, and a probe of one mapping among 60,000 small
 * ones should not pay for the 8,000 after it; nor, walking down, for
 * those below pm->floor. */
int mm_pagemap_entry(struct mm_pagemap *pm, uint64_t addr, uint64_t *entry);

/* As mm_pagemap_entry, and *end: the address up to which the pages from
 * addr's have the same entry (at least the end of addr's page). */
int mm_pagemap_run(struct mm_pagemap *pm, uint64_t addr, uint64_t *entry, uint64_t *end);

/* Whether the page holding addr is in RAM.  Without pagemap, `unknown`. */
bool mm_pagemap_present(struct mm_pagemap *pm, uint64_t addr, bool unknown);

/* Whether the page holding addr is a guard page (MADV_GUARD_INSTALL);
 * false when pagemap cannot be read or the kernel does not say. */
bool mm_pagemap_guard(struct mm_pagemap *pm, uint64_t addr);

/* Measures the present and swapped bytes of each region of every mapping
 * that has several regions and something resident or swapped, through the
 * snapshot's one pagemap reader; mappings it could not read stay
 * unmeasured (shared out by size). */
void mm_residency_measure(struct mm_pagemap *pm, struct mm_snapshot *snap);

#endif
