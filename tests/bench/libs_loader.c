/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libs_loader: a factory process that dlopen()s the benchmark's generated
 * shared libraries (DIR/libbenchI.so, I = 0..COUNT-1), calls each one's
 * benchI_touch() so its text, data and bss are resident, prints `pid N`,
 * `libs COUNT`, then `ready`, and waits until killed.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[4096], sym[64];
	int count, i, sum = 0;

	if (argc != 3 || (count = atoi(argv[2])) <= 0) {
		fprintf(stderr, "usage: libs_loader DIR COUNT\n");
		return 64;
	}
	for (i = 0; i < count; i++) {
		void *h;
		int (*touch)(void);

		snprintf(path, sizeof(path), "%s/libbench%d.so", argv[1], i);
		h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			fprintf(stderr, "libs_loader: %s\n", dlerror());
			return 1;
		}
		snprintf(sym, sizeof(sym), "bench%d_touch", i);
		*(void **)&touch = dlsym(h, sym);
		if (!touch) {
			fprintf(stderr, "libs_loader: %s: no %s\n", path, sym);
			return 1;
		}
		sum += touch();
	}
	printf("pid %ld\nlibs %d\nsum %d\nready\n", (long)getpid(), count, sum);
	fflush(stdout);
	for (;;) {
		pause();
	}
}
