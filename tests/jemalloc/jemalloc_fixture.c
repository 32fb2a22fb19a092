/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jemalloc_fixture.c: a factory linked with -ljemalloc.  It allocates
 * known sizes (small, large, huge), frees some, prints each live block
 * (`block ADDR SIZE`) and jemalloc's own totals after an epoch refresh
 * (`stats allocated active resident mapped retained metadata`, and the
 * dirty and muzzy pages of all arenas: `unused PDIRTY PMUZZY`) and its
 * version (`version 5.3.0-0-g...`), then `ready`, and waits to be killed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jemalloc/jemalloc.h>

static uint64_t stat_of(const char *name)
{
	size_t v = 0, len = sizeof(v);

	if (mallctl(name, &v, &len, NULL, 0)) {
		fprintf(stderr, "mallctl %s failed\n", name);
		exit(1);
	}
	return v;
}

int main(void)
{
	static const size_t sizes[] = { 24, 200, 3000, 20000, 300000, 5 << 20, 40 << 20 };
	void *keep[7 * 200];
	size_t n = 0;
	uint64_t epoch = 1;
	size_t elen = sizeof(epoch), vlen;
	const char *version;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t count = sizes[i] >= (1 << 20) ? 2 : 200;

		for (size_t k = 0; k < count; k++) {
			char *p = malloc(sizes[i]);

			if (!p) {
				return 1;
			}
			memset(p, 0x5a, sizes[i]);
			/* Every third goes back: free extents and dirty pages. */
			if (k % 3 == 2) {
				free(p);
			} else {
				keep[n++] = p;
				printf("block %#lx %zu\n", (unsigned long)(uintptr_t)p, sizes[i]);
			}
		}
	}
	if (mallctl("epoch", &epoch, &elen, &epoch, elen)) {
		return 1;
	}
	printf("stats %llu %llu %llu %llu %llu %llu\n",
	       (unsigned long long)stat_of("stats.allocated"),
	       (unsigned long long)stat_of("stats.active"),
	       (unsigned long long)stat_of("stats.resident"),
	       (unsigned long long)stat_of("stats.mapped"),
	       (unsigned long long)stat_of("stats.retained"),
	       (unsigned long long)stat_of("stats.metadata"));
	/* 4096: MALLCTL_ARENAS_ALL, every arena merged. */
	printf("unused %llu %llu\n", (unsigned long long)stat_of("stats.arenas.4096.pdirty"),
	       (unsigned long long)stat_of("stats.arenas.4096.pmuzzy"));
	vlen = sizeof(version);
	if (mallctl("version", &version, &vlen, NULL, 0)) {
		return 1;
	}
	printf("version %s\npid %d\nready\n", version, (int)getpid());
	fflush(stdout);
	for (;;) {
		pause();
	}
	(void)keep;
}
