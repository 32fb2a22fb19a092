/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page.h: the page size, where a snapshot does not know its own. */
#ifndef MEMMAP_PAGE_H
#define MEMMAP_PAGE_H

#include <stdint.h>
#include <unistd.h>

/* known when it is set (a snapshot's page_size), else this system's page
 * size, else 4096: a snapshot loaded from an old file may lack it. */
static inline uint64_t mm_page_size(uint64_t known)
{
	long ps;

	if (known) {
		return known;
	}
	ps = sysconf(_SC_PAGESIZE);
	return ps > 0 ? (uint64_t)ps : 4096;
}

#endif
