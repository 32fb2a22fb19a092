/* residency.h: which pages of a mapping are in RAM or swap, per region,
 * from /proc/PID/pagemap. */
#ifndef MEMMAP_RESIDENCY_H
#define MEMMAP_RESIDENCY_H

#include "model.h"
#include "target.h"

/* Counts present and swapped pages of each region of every mapping that has
 * several regions and something resident or swapped.  Regions of mappings
 * it could not read stay unmeasured (shared by size).  Returns 0, or
 * -ENOMEM; an unreadable pagemap is not an error. */
int mm_residency_measure(struct mm_target *t, struct mm_snapshot *snap);

#endif
