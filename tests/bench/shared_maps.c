/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * shared_maps: a factory process with N shared mappings that are no ELF
 * image, for the benchmark (tests/bench/run): KIND is `anon` (mmap of
 * MAP_SHARED|MAP_ANONYMOUS, each its own "/dev/zero (deleted)"), `sysv` (one
 * SysV segment attached N times) or `memfd` (one memfd mapped N times).
 * Every mapping maps offset 0 of two pages, so none merges with the next.
 * Prints `pid N`, `maps N`, then `ready`, and waits until killed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

static void *map_one(const char *kind, int fd, int shmid, size_t len)
{
	void *p;

	if (strcmp(kind, "anon") == 0) {
		return mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	}
	if (strcmp(kind, "memfd") == 0) {
		return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	}
	p = shmat(shmid, NULL, 0);
	return p == (void *)-1 ? MAP_FAILED : p;
}

int main(int argc, char **argv)
{
	size_t len = 2 * (size_t)sysconf(_SC_PAGESIZE);
	int fd = -1, shmid = -1;
	unsigned long n, i;
	char *end;

	if (argc != 3 || (strcmp(argv[1], "anon") && strcmp(argv[1], "sysv") &&
			  strcmp(argv[1], "memfd"))) {
		fprintf(stderr, "usage: shared_maps anon|sysv|memfd N\n");
		return 64;
	}
	errno = 0;
	n = strtoul(argv[2], &end, 10);
	if (errno || *end || n == 0) {
		fprintf(stderr, "shared_maps: %s: bad count\n", argv[2]);
		return 64;
	}
	if (strcmp(argv[1], "memfd") == 0) {
		fd = memfd_create("bench", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, (off_t)len)) {
			fprintf(stderr, "shared_maps: memfd: %s\n", strerror(errno));
			return 1;
		}
	} else if (strcmp(argv[1], "sysv") == 0) {
		shmid = shmget(IPC_PRIVATE, len, IPC_CREAT | 0600);
		if (shmid < 0) {
			fprintf(stderr, "shared_maps: shmget: %s\n", strerror(errno));
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		char *p = map_one(argv[1], fd, shmid, len);

		if (p == MAP_FAILED) {
			fprintf(stderr, "shared_maps: mapping %lu: %s\n", i, strerror(errno));
			break;
		}
		p[0] = 1;	/* one page resident in each */
	}
	/* Removed now, it goes when the last mapping does: none left behind. */
	if (shmid >= 0) {
		shmctl(shmid, IPC_RMID, NULL);
	}
	if (i < n) {
		return 1;
	}
	printf("pid %ld\nmaps %lu\nready\n", (long)getpid(), n);
	fflush(stdout);
	for (;;) {
		pause();
	}
}
