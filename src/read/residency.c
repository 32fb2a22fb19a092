/* SPDX-License-Identifier: GPL-2.0-or-later */
/* residency.c: /proc/PID/pagemap, 8 bytes a page: bit 63 present, bit 62
 * swapped.  Those bits are readable wherever smaps is; only frame numbers
 * need privilege, and we use none.  Reading pagemap never faults a page in,
 * unlike reading the memory itself. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "read/residency.h"
#include "util/page.h"

enum { WINDOW = 8192 };	/* entries per pread: 64 KiB, 32 MiB of memory */

int mm_pagemap_open(struct mm_pagemap *pm, struct mm_target *t, uint64_t page_size)
{
	*pm = (struct mm_pagemap){ .fd = -1, .page_size = mm_page_size(page_size),
				   .image = t->image };
	if (t->captured) {
		return 0;
	}
	pm->win = malloc(WINDOW * sizeof(*pm->win));
	if (!pm->win) {
		return -ENOMEM;
	}
	pm->fd = mm_target_open(t, "pagemap", O_RDONLY);
	return 0;
}

void mm_pagemap_close(struct mm_pagemap *pm)
{
	if (pm->fd >= 0) {
		close(pm->fd);
	}
	free(pm->win);
	*pm = (struct mm_pagemap){ .fd = -1 };
}

bool mm_pagemap_readable(const struct mm_pagemap *pm)
{
	return pm->fd >= 0 || pm->image;
}

/* The fake memory's entry: present where a chunk holds the page. */
static uint64_t image_entry(const struct mm_memory_image *im, uint64_t page, uint64_t ps)
{
	for (size_t i = 0; i < im->n; i++) {
		const struct mm_memory_chunk *c = &im->v[i];

		if (page * ps >= c->start && page * ps - c->start < c->len) {
			return MM_PAGEMAP_PRESENT;
		}
	}
	return 0;
}

void mm_pagemap_forget(struct mm_pagemap *pm)
{
	pm->win_n = 0;
	pm->limit = 0;
}

int mm_pagemap_entry(struct mm_pagemap *pm, uint64_t addr, uint64_t *entry)
{
	uint64_t page;
	ssize_t got;

	*entry = 0;
	page = addr / pm->page_size;
	if (pm->image) {
		*entry = image_entry(pm->image, page, pm->page_size);
		return 0;
	}
	if (pm->fd < 0) {
		return -ENOENT;
	}
	if (page < pm->win_first || page >= pm->win_first + pm->win_n) {
		uint64_t n = WINDOW, first = page;

		/* Walking down, page by page: the window ends where the last
		 * one began, or each step would read a window again. */
		if (pm->win_n && page < pm->win_first && pm->win_first - page < WINDOW / 2) {
			first = pm->win_first >= WINDOW ? pm->win_first - WINDOW : 0;
			n = pm->win_first - first;
		} else if (pm->limit > addr) {
			uint64_t last = (pm->limit - 1) / pm->page_size;

			n = last - page + 1 < n ? last - page + 1 : n;
		}
		do {
			got = pread(pm->fd, pm->win, (size_t)n * sizeof(*pm->win),
				    (off_t)(first * sizeof(*pm->win)));
		} while (got < 0 && errno == EINTR);
		pm->win_first = first;
		pm->win_n = got > 0 ? (size_t)got / sizeof(*pm->win) : 0;
		if (!pm->win_n) {
			return got < 0 ? -errno : -EIO;
		}
	}
	if (page - pm->win_first >= pm->win_n) {
		return -EIO;	/* a short read below the page */
	}
	*entry = pm->win[page - pm->win_first];
	return 0;
}

bool mm_pagemap_present(struct mm_pagemap *pm, uint64_t addr, bool unknown)
{
	uint64_t e;

	if (mm_pagemap_entry(pm, addr, &e)) {
		return unknown;
	}
	return e & MM_PAGEMAP_PRESENT;
}

bool mm_pagemap_guard(struct mm_pagemap *pm, uint64_t addr)
{
	uint64_t e;

	return !mm_pagemap_entry(pm, addr, &e) && (e & MM_PAGEMAP_GUARD);
}

/* Adds each present or swapped page's bytes to the regions it holds:
 * regions need not be page-aligned (.data, then .bss). */
static int measure_mapping(struct mm_pagemap *pm, struct mm_mapping *m)
{
	uint64_t ps = pm->page_size;
	size_t r = 0;

	for (size_t i = 0; i < m->nregions; i++) {
		m->regions[i].present_bytes = m->regions[i].swapped_bytes = 0;
	}
	for (uint64_t addr = m->start; addr < m->end; addr += ps) {
		uint64_t e, end = addr + ps;
		int rc = mm_pagemap_entry(pm, addr, &e);

		if (rc) {
			return rc;
		}
		/* A guard page's marker is no swapped page. */
		if (!(e & (MM_PAGEMAP_PRESENT | MM_PAGEMAP_SWAPPED)) || (e & MM_PAGEMAP_GUARD)) {
			continue;
		}
		while (m->regions[r].end <= addr) {
			r++;
		}
		for (size_t q = r; q < m->nregions && m->regions[q].start < end; q++) {
			struct mm_region *reg = &m->regions[q];
			uint64_t s = reg->start > addr ? reg->start : addr;
			uint64_t x = reg->end < end ? reg->end : end;

			if (e & MM_PAGEMAP_PRESENT) {
				reg->present_bytes += x - s;
			} else {
				reg->swapped_bytes += x - s;
			}
		}
	}
	return 0;
}

void mm_residency_measure(struct mm_pagemap *pm, struct mm_snapshot *snap)
{
	/* Pages the labellers looked at may have come and gone since. */
	mm_pagemap_forget(pm);
	for (size_t i = 0; mm_pagemap_readable(pm) && i < snap->nmappings; i++) {
		struct mm_mapping *m = &snap->mappings[i];
		bool ok;

		if (m->nregions < 2 || (m->c.rss == 0 && m->c.swap == 0)) {
			continue;
		}
		ok = measure_mapping(pm, m) == 0;
		for (size_t k = 0; k < m->nregions; k++) {
			m->regions[k].measured = ok;
		}
	}
}
