/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_common.c: the invariant check and scratch files the fuzz targets
 * share (see fuzz.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_target.h"

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz: invariant failed: %s (%s:%d)\n", #cond, \
			__FILE__, __LINE__); \
		abort(); \
	} \
} while (0)

#define NCOUNTERS (sizeof(struct mm_counters) / sizeof(uint64_t))

static void add(uint64_t *sum, const struct mm_counters *c)
{
	const uint64_t *v = (const uint64_t *)c;

	for (size_t i = 0; i < NCOUNTERS; i++) {
		sum[i] += v[i];
	}
}

void fuzz_check_snapshot(const struct mm_snapshot *snap)
{
	uint64_t totals[NCOUNTERS] = { 0 }, vsz = 0, reserved = 0;
	struct mm_category cats[MM_LABEL_COUNT];
	double cv, cr;

	memset(cats, 0, sizeof(cats));
	for (size_t i = 0; i < snap->nmappings; i++) {
		const struct mm_mapping *m = &snap->mappings[i];
		uint64_t region_sum[NCOUNTERS] = { 0 };

		CHECK(m->start < m->end);
		CHECK(i == 0 || snap->mappings[i - 1].end <= m->start);
		CHECK(m->nregions > 0 && m->regions);
		CHECK(m->regions[0].start == m->start);
		CHECK(m->regions[m->nregions - 1].end == m->end);
		for (size_t r = 0; r < m->nregions; r++) {
			const struct mm_region *reg = &m->regions[r];
			struct mm_category *cat;

			CHECK(reg->start < reg->end);
			CHECK(r == 0 || m->regions[r - 1].end == reg->start);
			CHECK((unsigned int)reg->label < MM_LABEL_COUNT);
			CHECK((unsigned int)reg->how < MM_HOW_COUNT);
			CHECK(!reg->detail || strlen(reg->detail) < (1u << 20));
			add(region_sum, &reg->c);
			cat = &cats[reg->label];
			cat->vsz += reg->end - reg->start;
			if (mm_mapping_is_reserved(m)) {
				cat->reserved += reg->end - reg->start;
			}
			cat->rss += reg->c.rss;
			cat->pss += reg->c.pss;
			cat->swap += reg->c.swap;
			cat->dirty += reg->c.private_dirty + reg->c.shared_dirty;
			cat->regions++;
		}
		CHECK(memcmp(region_sum, &m->c, sizeof(region_sum)) == 0);
		add(totals, &m->c);
		vsz += m->end - m->start;
		if (mm_mapping_is_reserved(m)) {
			reserved += m->end - m->start;
		}
	}
	CHECK(memcmp(totals, &snap->totals, sizeof(totals)) == 0);
	CHECK(vsz == snap->total_vsz);
	CHECK(reserved == snap->total_reserved);
	for (int l = 0; l < MM_LABEL_COUNT; l++) {
		const struct mm_category *a = &cats[l], *b = &snap->categories[l];

		CHECK(a->vsz == b->vsz && a->reserved == b->reserved);
		CHECK(a->rss == b->rss && a->pss == b->pss);
		CHECK(a->swap == b->swap && a->dirty == b->dirty);
		CHECK(a->regions == b->regions);
		CHECK(mm_label_name((enum mm_label)l) != NULL);
	}
	mm_snapshot_coverage(snap, &cv, &cr);
	CHECK(cv == cv && cr == cr);	/* never NaN */
}

int fuzz_tmpfile(const uint8_t *data, size_t size, char *path)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, 64, "%.40s/memmap-fuzz-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		perror("fuzz: mkstemp");
		abort();
	}
	for (size_t done = 0; done < size;) {
		ssize_t n = write(fd, data + done, size - done);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			perror("fuzz: write");
			abort();
		}
		done += (size_t)n;
	}
	return fd;
}

static char root[64];

static void remove_root(void)
{
	char dir[80];

	snprintf(dir, sizeof(dir), "%s/1", root);
	rmdir(dir);
	rmdir(root);
}

void fuzz_captured_target(struct mm_target *t)
{
	char dir[80];

	if (!root[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(root, sizeof(root), "%.40s/memmap-fuzz-XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(root)) {
			perror("fuzz: mkdtemp");
			abort();
		}
		snprintf(dir, sizeof(dir), "%s/1", root);
		if (mkdir(dir, 0700) < 0) {
			perror("fuzz: mkdir");
			abort();
		}
		/* Gone at exit; a crash leaves an empty directory behind. */
		atexit(remove_root);
	}
	if (mm_target_init(t, root, 1) < 0) {
		abort();
	}
	t->no_mem = true;
}
