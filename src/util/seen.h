/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seen.h: the addresses a walk of target memory has visited, so a list
 * that loops back on itself anywhere (not just to its head) ends the walk
 * at the first repeat; and a cap on how many it may visit, derived by the
 * caller from the mappings the structures must fit in. */
#ifndef MEMMAP_SEEN_H
#define MEMMAP_SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mm_seen {
	uint64_t *slot;		/* open addressing; 0 is empty (never a node) */
	size_t cap, n;
	size_t max;		/* nodes allowed; 0: no cap */
};

/* Adds addr (nonzero).  Returns 0, -ELOOP when it was there already,
 * -E2BIG when the walk visited max nodes, -EINVAL for 0, -ENOMEM. */
int mm_seen_add(struct mm_seen *s, uint64_t addr);
void mm_seen_free(struct mm_seen *s);

#endif
