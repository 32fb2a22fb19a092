/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guard_fixture.c: guard pages (MADV_GUARD_INSTALL) that guard no stack.
 * A 1 MiB malloc (glibc gives it its own mmap) with two guarded pages in
 * its middle, and an anonymous mapping of 8 pages whose top two are
 * guarded with a PROT_NONE mapping right above (nothing there may be a
 * stack).  Only parts of the chunk are written, so it holds pages never
 * touched too.  Prints "pid PID", "chunk PTR SIZE", "touched ADDR LEN" for
 * each written part, "guard ADDR LEN" for each guarded run, "area ADDR
 * LEN", then "ready", and waits; "noguard WHY" and
 * "ready" when the kernel has no MADV_GUARD_INSTALL.  An argument N adds N
 * small anonymous mappings. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

static void guard(char *p, size_t len)
{
	if (madvise(p, len, MADV_GUARD_INSTALL) != 0) {
		/* Older kernels: said, so the test skips. */
		printf("noguard %s\nready\n", strerror(errno));
		fflush(stdout);
		exit(0);
	}
	printf("guard %p %zu\n", (void *)p, len);
}

static void touch(char *p, size_t len)
{
	memset(p, 0x33, len);
	printf("touched %p %zu\n", (void *)p, len);
}

/* n more anonymous mappings of a page, every second read-only so that none
 * merges: enough for memmap to trust smaps' "gu" flag over a full scan. */
static void many(size_t n, size_t page)
{
	char *base = n ? mmap(NULL, n * page, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : NULL;

	if (base == MAP_FAILED) {
		exit(1);
	}
	for (size_t i = 1; i < n; i += 2) {
		if (mprotect(base + i * page, page, PROT_READ) != 0) {
			exit(1);
		}
	}
}

int main(int argc, char **argv)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), size = 1 << 20;
	char *chunk = malloc(size), *mid, *area;

	printf("pid %d\n", (int)getpid());
	many(argc > 1 ? strtoul(argv[1], NULL, 10) : 0, page);
	if (!chunk) {
		return 1;
	}
	printf("chunk %p %zu\n", (void *)chunk, size);
	/* A quarter below the guard and an eighth above it; the rest (and
	 * the last eighth) never touched. */
	touch(chunk, size / 4);
	touch(chunk + size / 2 + size / 8, size / 8);
	mid = (char *)(((uintptr_t)chunk + size / 2) & ~(uintptr_t)(page - 1));
	guard(mid, 2 * page);
	/* Ten pages: the top two PROT_NONE, the two below them guarded. */
	area = mmap(NULL, 10 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (area == MAP_FAILED || mprotect(area + 8 * page, 2 * page, PROT_NONE) != 0) {
		return 1;
	}
	touch(area, 6 * page);
	printf("area %p %zu\n", (void *)area, 8 * page);
	guard(area + 6 * page, 2 * page);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		pause();
	}
}
