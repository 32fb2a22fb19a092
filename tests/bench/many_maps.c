/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * many_maps: a factory process with N distinct anonymous mappings, for the
 * benchmark (tests/bench/run).  One rw reservation of N pages is touched page
 * by page, then every second page is made read-only, so the kernel keeps N
 * VMAs that it cannot merge.  Prints `pid N`, `maps N`, `range START END`,
 * then `ready`, and waits until killed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	char *end;
	unsigned long n, i;
	char *base;

	if (argc != 2) {
		fprintf(stderr, "usage: many_maps N\n");
		return 64;
	}
	errno = 0;
	n = strtoul(argv[1], &end, 10);
	if (errno || *end || n == 0) {
		fprintf(stderr, "many_maps: %s: bad count\n", argv[1]);
		return 64;
	}
	base = mmap(NULL, n * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		fprintf(stderr, "many_maps: mmap %lu pages: %s\n", n, strerror(errno));
		return 1;
	}
	/* Touch first: a read-only page written before mprotect stays resident. */
	for (i = 0; i < n; i++) {
		base[i * page] = (char)i | 1;
	}
	for (i = 1; i < n; i += 2) {
		if (mprotect(base + i * page, page, PROT_READ)) {
			fprintf(stderr, "many_maps: mprotect page %lu: %s "
				"(vm.max_map_count too low?)\n", i, strerror(errno));
			return 1;
		}
	}
	printf("pid %ld\nmaps %lu\nrange %lx %lx\nready\n", (long)getpid(), n,
	       (unsigned long)base, (unsigned long)(base + n * page));
	fflush(stdout);
	for (;;) {
		pause();
	}
}
