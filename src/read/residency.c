/* SPDX-License-Identifier: GPL-2.0-or-later */
/* residency.c: which pages are in RAM, in swap or guarded.  Asked through
 * the PAGEMAP_SCAN ioctl on /proc/PID/pagemap (Linux 6.7+), which returns
 * runs of pages of the same kind, or by reading pagemap itself, 8 bytes a
 * page (bit 63 present, bit 62 swapped, bit 58 guard), where the ioctl is
 * missing.  Both say only what smaps may; neither faults a page in, unlike
 * reading the memory itself.  What they found is kept as runs in a few
 * windows, so labellers that hop between mappings pay once per window. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "read/residency.h"
#include "util/grow.h"
#include "util/page.h"

/* The PAGEMAP_SCAN ioctl as include/uapi/linux/fs.h names it (Linux 6.7;
 * PAGE_IS_GUARD since 6.15): Debian 12's linux-libc-dev (6.1) lacks it. */
#ifndef PAGEMAP_SCAN
#define PAGE_IS_PRESENT		(1 << 3)
#define PAGE_IS_SWAPPED		(1 << 4)

struct page_region {
	uint64_t start;
	uint64_t end;
	uint64_t categories;
};

struct pm_scan_arg {
	uint64_t size;
	uint64_t flags;
	uint64_t start;
	uint64_t end;
	uint64_t walk_end;
	uint64_t vec;
	uint64_t vec_len;
	uint64_t max_pages;
	uint64_t category_inverted;
	uint64_t category_mask;
	uint64_t category_anyof_mask;
	uint64_t return_mask;
};

#define PAGEMAP_SCAN		_IOWR('f', 16, struct pm_scan_arg)
#endif
#ifndef PAGE_IS_GUARD
#define PAGE_IS_GUARD		(1 << 8)
#endif

enum {
	WINDOW = 8192,		/* pages a pagemap read covers: 64 KiB, 32 MiB */
	SCAN_WINDOW = 65536,	/* pages a scan covers: 256 MiB */
	SCAN_VEC = 256,		/* runs one scan returns at most */
};

/* The pagemap bits a run keeps: all its users ask about. */
#define KEPT (MM_PAGEMAP_PRESENT | MM_PAGEMAP_SWAPPED | MM_PAGEMAP_GUARD)

/* The top of the lowest user address space (47 bits): a scan must end
 * inside it; one of addresses above it scans no further than asked. */
#define LOW_TOP 0x7ffffffff000ULL

/* MEMMAP_PAGEMAP=read: pagemap read as a file even where the ioctl is,
 * so tests can compare the two. */
static enum mm_pagemap_mode initial_mode(void)
{
	const char *env = getenv("MEMMAP_PAGEMAP");

	return env && strcmp(env, "read") == 0 ? MM_PAGEMAP_READ : MM_PAGEMAP_SCAN;
}

int mm_pagemap_open(struct mm_pagemap *pm, struct mm_target *t, uint64_t page_size)
{
	*pm = (struct mm_pagemap){ .fd = -1, .page_size = mm_page_size(page_size),
				   .image = t->image, .mode = initial_mode() };
	if (t->captured) {
		return 0;
	}
	pm->fd = mm_target_open(t, "pagemap", O_RDONLY);
	return 0;
}

void mm_pagemap_close(struct mm_pagemap *pm)
{
	if (pm->fd >= 0) {
		close(pm->fd);
	}
	for (size_t i = 0; i < MM_PAGEMAP_SLOTS; i++) {
		free(pm->slot[i].runs);
	}
	free(pm->buf);
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
	for (size_t i = 0; i < MM_PAGEMAP_SLOTS; i++) {
		pm->slot[i].n = 0;
		pm->slot[i].nruns = 0;
	}
	pm->limit = pm->floor = 0;
	pm->epoch++;
}

/* Appends pages [first, first + n) of entry e to the slot's runs, joining
 * the last run when it ends there with the same bits. */
static int add_run(struct mm_pagemap_slot *s, uint64_t first, uint64_t n, uint64_t e)
{
	struct mm_pagemap_run *last = s->nruns ? &s->runs[s->nruns - 1] : NULL;

	if (last && last->first + last->n == first && last->entry == e) {
		last->n += n;
		return 0;
	}
	if (mm_grow(&s->runs, &s->alloc, s->nruns + 1, sizeof(*s->runs))) {
		return -ENOMEM;
	}
	s->runs[s->nruns++] = (struct mm_pagemap_run){ first, n, e };
	return 0;
}

/* Fills s with what pagemap, read as a file, says of pages [first,
 * first + n).  Returns 0 or -errno (-EIO: nothing there). */
static int fill_read(struct mm_pagemap *pm, struct mm_pagemap_slot *s, uint64_t first,
		     uint64_t n)
{
	uint64_t *v = pm->buf;
	ssize_t got;
	size_t k;

	if (!v && !(v = pm->buf = malloc(WINDOW * sizeof(*v)))) {
		return -ENOMEM;
	}
	do {
		got = pread(pm->fd, v, (size_t)n * sizeof(*v), (off_t)(first * sizeof(*v)));
	} while (got < 0 && errno == EINTR);
	k = got > 0 ? (size_t)got / sizeof(*v) : 0;
	if (!k) {
		return got < 0 ? -errno : -EIO;
	}
	for (size_t i = 0; i < k; i++) {
		if ((v[i] & KEPT) && add_run(s, first + i, 1, v[i] & KEPT)) {
			return -ENOMEM;
		}
	}
	s->first = first;
	s->n = k;
	return 0;
}

static uint64_t entry_of(uint64_t categories)
{
	uint64_t e = 0;

	if (categories & PAGE_IS_PRESENT) {
		e |= MM_PAGEMAP_PRESENT;
	}
	if (categories & (PAGE_IS_SWAPPED | PAGE_IS_GUARD)) {
		e |= MM_PAGEMAP_SWAPPED;	/* a guard is a swap-type marker */
	}
	if (categories & PAGE_IS_GUARD) {
		e |= MM_PAGEMAP_GUARD;
	}
	return e;
}

/* Fills s with what the PAGEMAP_SCAN ioctl says of pages [first, first +
 * n): only runs of present, swapped or guarded pages come back, at most
 * SCAN_VEC, and the window ends where the kernel stopped.  Returns 0,
 * -ENOTTY when the ioctl cannot serve (read pagemap instead), or -errno. */
static int fill_scan(struct mm_pagemap *pm, struct mm_pagemap_slot *s, uint64_t first,
		     uint64_t n)
{
	struct page_region *v = pm->buf;
	uint64_t ps = pm->page_size, kinds = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
	struct pm_scan_arg a;
	int got;

	/* Zeroed: valgrind knows no PAGEMAP_SCAN, so would take the runs
	 * the kernel writes here for uninitialised bytes. */
	if (!v && !(v = pm->buf = calloc(SCAN_VEC, sizeof(*v)))) {
		return -ENOMEM;
	}
	for (;;) {
		if (!pm->no_guard_kind) {
			kinds |= PAGE_IS_GUARD;
		}
		a = (struct pm_scan_arg){
			.size = sizeof(a), .start = first * ps, .end = (first + n) * ps,
			.vec = (uint64_t)(uintptr_t)v, .vec_len = SCAN_VEC,
			.category_anyof_mask = kinds, .return_mask = kinds,
		};
		do {
			got = ioctl(pm->fd, PAGEMAP_SCAN, &a);
		} while (got < 0 && errno == EINTR);
		/* A kernel from before PAGE_IS_GUARD refuses the unknown bit;
		 * its pagemap has no guard bit either. */
		if (got < 0 && errno == EINVAL && !pm->no_guard_kind) {
			pm->no_guard_kind = true;
			kinds &= ~(uint64_t)PAGE_IS_GUARD;
			continue;
		}
		break;
	}
	if (got < 0) {
		return errno == ENOTTY || errno == EINVAL || errno == EPERM ||
		       errno == EOPNOTSUPP ? -ENOTTY : -errno;
	}
	if (a.walk_end <= a.start || a.walk_end > a.end || a.walk_end % ps ||
	    (size_t)got > SCAN_VEC) {
		return -EIO;
	}
	for (int i = 0; i < got; i++) {
		uint64_t lo = v[i].start / ps, hi = (v[i].end + ps - 1) / ps;

		if (lo < first || hi > first + n || lo >= hi ||
		    add_run(s, lo, hi - lo, entry_of(v[i].categories))) {
			return lo < first || hi > first + n || lo >= hi ? -EIO : -ENOMEM;
		}
	}
	s->first = first;
	s->n = (a.walk_end - a.start) / ps;
	return 0;
}

/* The pages a new window should cover for page: from page up to the
 * limit, or below the most recent window when walking down page by page
 * (or each step would read a window again). */
static void window_for(const struct mm_pagemap *pm, uint64_t page, uint64_t *first,
		       uint64_t *n)
{
	const struct mm_pagemap_slot *last = &pm->slot[pm->last];
	uint64_t span = pm->mode == MM_PAGEMAP_SCAN ? SCAN_WINDOW : WINDOW;
	uint64_t top = LOW_TOP / pm->page_size;

	*first = page;
	*n = span;
	if (last->n && page < last->first && last->first - page < WINDOW / 2) {
		uint64_t floor = pm->floor / pm->page_size;

		*first = last->first >= WINDOW ? last->first - WINDOW : 0;
		*first = floor > *first && floor <= page ? floor : *first;
		*n = last->first - *first;
		return;
	}
	/* A scan's cost is its runs and the page tables it walks, both
	 * bounded: it goes on WINDOW pages past the limit, where the next
	 * small mappings' questions will be. */
	if (pm->limit > page * pm->page_size) {
		uint64_t end = (pm->limit - 1) / pm->page_size + 1;
		uint64_t want = pm->mode == MM_PAGEMAP_SCAN && end - page < WINDOW ?
				WINDOW : end - page;

		*n = want < *n ? want : *n;
	}
	if (page < top && *n > top - page) {
		*n = top - page;
	}
	/* Above it ([vsyscall]): never past the end of the address space. */
	if (*n > UINT64_MAX / pm->page_size - page) {
		*n = UINT64_MAX / pm->page_size - page;
	}
}

/* The window holding page, read or scanned into the least recent slot
 * when none holds it.  Returns it, or NULL with *rc set. */
static int fill(struct mm_pagemap *pm, struct mm_pagemap_slot *s, uint64_t page)
{
	uint64_t first, n;
	int rc = -ENOTTY;

	window_for(pm, page, &first, &n);
	s->n = s->nruns = 0;
	if (pm->mode == MM_PAGEMAP_SCAN) {
		rc = fill_scan(pm, s, first, n);
		/* A scan stops where its runs fill the buffer: one that began
		 * below the page (walking down) may stop short of it. */
		if (!rc && page - s->first >= s->n && page > first) {
			s->n = s->nruns = 0;
			rc = fill_scan(pm, s, page, first + n - page);
		}
		if (rc == -ENOTTY) {
			/* Read pagemap from now on: a fresh buffer for it. */
			pm->mode = MM_PAGEMAP_READ;
			free(pm->buf);
			pm->buf = NULL;
			s->n = s->nruns = 0;
			window_for(pm, page, &first, &n);
		}
	}
	if (rc == -ENOTTY) {
		rc = fill_read(pm, s, first, n);
	}
	if (rc) {
		s->n = s->nruns = 0;
	}
	return rc;
}

static struct mm_pagemap_slot *window(struct mm_pagemap *pm, uint64_t page, int *rc)
{
	struct mm_pagemap_slot *s;
	size_t k;

	for (size_t i = 0; i < MM_PAGEMAP_SLOTS; i++) {
		k = (pm->last + i) % MM_PAGEMAP_SLOTS;
		s = &pm->slot[k];
		if (s->n && page >= s->first && page - s->first < s->n) {
			pm->last = k;
			s->used = ++pm->clock;
			return s;
		}
	}
	k = 0;
	for (size_t i = 1; i < MM_PAGEMAP_SLOTS; i++) {
		if (pm->slot[i].used < pm->slot[k].used) {
			k = i;
		}
	}
	s = &pm->slot[k];
	if ((*rc = fill(pm, s, page))) {
		return NULL;
	}
	pm->last = k;
	s->used = ++pm->clock;
	if (page - s->first >= s->n) {
		*rc = -EIO;	/* a short read below the page */
		return NULL;
	}
	return s;
}

/* The run holding page in s, or the index of the first run above it. */
static size_t find_run(const struct mm_pagemap_slot *s, uint64_t page)
{
	size_t lo = 0, hi = s->nruns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->runs[mid].first + s->runs[mid].n <= page) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

int mm_pagemap_run(struct mm_pagemap *pm, uint64_t addr, uint64_t *entry, uint64_t *end)
{
	const struct mm_pagemap_slot *s;
	uint64_t page, ps = pm->page_size, stop;
	size_t r;
	int rc;

	*entry = 0;
	page = addr / ps;
	*end = (page + 1) * ps;
	if (pm->image) {
		*entry = image_entry(pm->image, page, ps);
		return 0;
	}
	if (pm->fd < 0) {
		return -ENOENT;
	}
	if (!(s = window(pm, page, &rc))) {
		return rc;
	}
	r = find_run(s, page);
	stop = s->first + s->n;
	if (r < s->nruns && s->runs[r].first <= page) {
		*entry = s->runs[r].entry;
		stop = s->runs[r].first + s->runs[r].n;
	} else if (r < s->nruns) {
		stop = s->runs[r].first;
	}
	*end = stop * ps;
	return 0;
}

int mm_pagemap_entry(struct mm_pagemap *pm, uint64_t addr, uint64_t *entry)
{
	uint64_t end;

	return mm_pagemap_run(pm, addr, entry, &end);
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

/* Adds the bytes of each run of present or swapped pages to the regions
 * it holds: regions need not be page-aligned (.data, then .bss). */
static int measure_mapping(struct mm_pagemap *pm, struct mm_mapping *m)
{
	size_t r = 0;

	for (size_t i = 0; i < m->nregions; i++) {
		m->regions[i].present_bytes = m->regions[i].swapped_bytes = 0;
	}
	for (uint64_t addr = m->start, end; addr < m->end; addr = end) {
		uint64_t e;
		int rc = mm_pagemap_run(pm, addr, &e, &end);

		if (rc) {
			return rc;
		}
		end = end < m->end ? end : m->end;
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
