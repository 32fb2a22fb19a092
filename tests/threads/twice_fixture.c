/* SPDX-License-Identifier: GPL-2.0-or-later */
/* twice_fixture.c: one ELF object loaded three times — dlopen of A, dlopen
 * of B (a copy of A under another name), dlmopen of A in a new namespace
 * (the same file mapped twice) — each touched.  Prints "pid PID", then
 * "object TAG BIAS PATH" per load (dlinfo's l_addr), then "ready", and
 * waits.  Usage: twice_fixture A.so B.so */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void load(const char *tag, void *h)
{
	struct link_map *lm;
	int (*touch)(void);

	if (!h || dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0 ||
	    !(touch = (int (*)(void))dlsym(h, "twice_touch"))) {
		fprintf(stderr, "twice_fixture: %s: %s\n", tag, dlerror());
		exit(1);
	}
	touch();
	printf("object %s %#lx %s\n", tag, (unsigned long)lm->l_addr, lm->l_name);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: twice_fixture A.so B.so\n");
		return 2;
	}
	printf("pid %d\n", (int)getpid());
	load("a", dlopen(argv[1], RTLD_NOW | RTLD_LOCAL));
	load("b", dlopen(argv[2], RTLD_NOW | RTLD_LOCAL));
	load("ns", dlmopen(LM_ID_NEWLM, argv[1], RTLD_NOW | RTLD_LOCAL));
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		pause();
	}
}
