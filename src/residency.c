/* residency.c: per-region residency from /proc/PID/pagemap (8 bytes a page:
 * bit 63 present, bit 62 swapped).  Those bits are readable wherever smaps
 * is; only the frame numbers need privilege, and we do not use them.  Only
 * mappings split into several regions are read, so the cost follows what
 * smaps cannot say, not the size of the address space. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "residency.h"

#define PM_PRESENT (1ULL << 63)
#define PM_SWAPPED (1ULL << 62)

enum { CHUNK = 8192 };	/* entries per pread: 64 KiB */

static int measure_mapping(int fd, struct mm_mapping *m, uint64_t ps, uint64_t *buf)
{
	size_t r = 0;

	for (size_t i = 0; i < m->nregions; i++) {
		m->regions[i].present_bytes = m->regions[i].swapped_bytes = 0;
	}
	for (uint64_t page = m->start / ps; page < m->end / ps;) {
		size_t n = (size_t)(m->end / ps - page);
		ssize_t got;

		if (n > CHUNK) {
			n = CHUNK;
		}
		got = pread(fd, buf, n * sizeof(*buf), (off_t)(page * sizeof(*buf)));
		if (got < 0 && errno == EINTR) {
			continue;
		}
		if (got <= 0 || got % (ssize_t)sizeof(*buf)) {
			return -EIO;
		}
		n = (size_t)got / sizeof(*buf);
		for (size_t k = 0; k < n; k++) {
			uint64_t addr = (page + k) * ps, end = addr + ps;

			if (!(buf[k] & (PM_PRESENT | PM_SWAPPED))) {
				continue;
			}
			/* Regions need not be page-aligned (.data then .bss). */
			while (m->regions[r].end <= addr) {
				r++;
			}
			for (size_t q = r; q < m->nregions && m->regions[q].start < end; q++) {
				struct mm_region *reg = &m->regions[q];
				uint64_t s = reg->start > addr ? reg->start : addr;
				uint64_t e = reg->end < end ? reg->end : end;

				if (buf[k] & PM_PRESENT) {
					reg->present_bytes += e - s;
				} else {
					reg->swapped_bytes += e - s;
				}
			}
		}
		page += n;
	}
	return 0;
}

int mm_residency_measure(struct mm_target *t, struct mm_snapshot *snap)
{
	uint64_t ps = snap->page_size ? snap->page_size : 4096;
	uint64_t *buf;
	int fd;

	if (t->captured) {
		return 0;
	}
	fd = mm_target_open(t, "pagemap", O_RDONLY);
	if (fd < 0) {
		return 0;	/* shared by size, as without pagemap */
	}
	buf = malloc(CHUNK * sizeof(*buf));
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (size_t i = 0; i < snap->nmappings; i++) {
		struct mm_mapping *m = &snap->mappings[i];
		bool ok;

		if (m->nregions < 2 || (m->c.rss == 0 && m->c.swap == 0)) {
			continue;
		}
		ok = measure_mapping(fd, m, ps, buf) == 0;
		for (size_t k = 0; k < m->nregions; k++) {
			m->regions[k].measured = ok;
		}
	}
	free(buf);
	close(fd);
	return 0;
}
