/* SPDX-License-Identifier: GPL-2.0-or-later */
/* grow.c: a factory for the diff tests.  It starts quiet; on SIGUSR1 it
 * makes three known changes and prints each, so a snapshot before and one
 * after must differ by exactly these:
 *   anon START END      an anonymous mapping of ANON_SIZE, every byte written
 *                       (MADV_HUGEPAGE keeps the kernel from merging it
 *                       with a neighbour, so it stays one region)
 *   heap OLD_BRK NEW_BRK  the brk heap grown by a HEAP_SIZE malloc, written
 *   thread_stack START END, thread_guard START END   a new pthread, waiting
 * then `done`.  On SIGUSR2, after that, it takes some back:
 *   protect START END   the upper half of the anon mapping made read-only
 *   heap OLD_BRK NEW_BRK  the HEAP_SIZE block freed and the heap trimmed
 *   unmapped START END  the DOOMED_SIZE shared mapping made (and written)
 *                       at start-up (`doomed START END`), unmapped
 * then `done`.  SIGTERM ends it. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define ANON_SIZE (6u << 20)
#define HEAP_SIZE (3u << 20)

#define DOOMED_SIZE (1u << 20)

static int pipefd[2];
static char *anon, *heap, *doomed;

static void *waiter(void *arg)
{
	char c;

	/* Blocks without touching more of its stack. */
	while (read(pipefd[0], &c, 1) < 0 && errno == EINTR) {
	}
	return arg;
}

static int grow(void)
{
	pthread_attr_t attr;
	pthread_t th;
	void *stack, *p;
	size_t stacksize, guard;
	uintptr_t brk0, brk1;

	/* The thread first: its TLS allocation mallocs a little, and that
	 * must happen before the heap measurement starts. */
	if (pthread_create(&th, NULL, waiter, NULL) != 0 ||
	    pthread_getattr_np(th, &attr) != 0 ||
	    pthread_attr_getstack(&attr, &stack, &stacksize) != 0 ||
	    pthread_attr_getguardsize(&attr, &guard) != 0) {
		perror("thread");
		return -1;
	}
	printf("thread_stack %#lx %#lx\n", (unsigned long)(uintptr_t)stack,
	       (unsigned long)((uintptr_t)stack + stacksize));
	printf("thread_guard %#lx %#lx\n",
	       (unsigned long)((uintptr_t)stack - guard),
	       (unsigned long)(uintptr_t)stack);

	p = mmap(NULL, ANON_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return -1;
	}
	anon = p;
	madvise(p, ANON_SIZE, MADV_HUGEPAGE);
	memset(p, 0x5a, ANON_SIZE);
	printf("anon %#lx %#lx\n", (unsigned long)(uintptr_t)p,
	       (unsigned long)((uintptr_t)p + ANON_SIZE));

	brk0 = (uintptr_t)sbrk(0);
	heap = malloc(HEAP_SIZE);
	if (!heap) {
		perror("malloc");
		return -1;
	}
	memset(heap, 0xa5, HEAP_SIZE);
	brk1 = (uintptr_t)sbrk(0);
	printf("heap %#lx %#lx\n", (unsigned long)brk0, (unsigned long)brk1);
	printf("heap_size %u\nanon_size %u\n", HEAP_SIZE, ANON_SIZE);
	printf("done\n");
	fflush(stdout);
	return 0;
}

static int shrink(void)
{
	uintptr_t brk0, brk1;

	if (!anon || !heap) {
		fprintf(stderr, "grow: SIGUSR2 before SIGUSR1\n");
		return -1;
	}
	if (mprotect(anon + ANON_SIZE / 2, ANON_SIZE / 2, PROT_READ) != 0) {
		perror("mprotect");
		return -1;
	}
	printf("protect %#lx %#lx\n", (unsigned long)(uintptr_t)(anon + ANON_SIZE / 2),
	       (unsigned long)(uintptr_t)(anon + ANON_SIZE));

	brk0 = (uintptr_t)sbrk(0);
	free(heap);
	heap = NULL;
	malloc_trim(0);
	brk1 = (uintptr_t)sbrk(0);
	printf("heap %#lx %#lx\n", (unsigned long)brk0, (unsigned long)brk1);

	if (munmap(doomed, DOOMED_SIZE) != 0) {
		perror("munmap");
		return -1;
	}
	printf("unmapped %#lx %#lx\n", (unsigned long)(uintptr_t)doomed,
	       (unsigned long)((uintptr_t)doomed + DOOMED_SIZE));
	printf("done\n");
	fflush(stdout);
	return 0;
}

int main(void)
{
	sigset_t set;
	int sig;

	/* Everything big goes to the brk heap, and no padding: the heap
	 * grows by what we ask (rounded to pages). */
	mallopt(M_MMAP_THRESHOLD, 256 << 20);
	mallopt(M_TOP_PAD, 0);
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	if (pipe(pipefd) != 0) {
		perror("pipe");
		return 1;
	}
	/* Shared: a mapping of its own that never merges with a neighbour. */
	doomed = mmap(NULL, DOOMED_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (doomed == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(doomed, 0x33, DOOMED_SIZE);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);

	printf("pid %d\ndoomed %#lx %#lx\nready\n", (int)getpid(),
	       (unsigned long)(uintptr_t)doomed,
	       (unsigned long)((uintptr_t)doomed + DOOMED_SIZE));
	fflush(stdout);
	for (;;) {
		if (sigwait(&set, &sig) != 0) {
			return 1;
		}
		if (sig != SIGUSR1 && sig != SIGUSR2) {
			return 0;
		}
		if ((sig == SIGUSR1 ? grow() : shrink()) != 0) {
			return 1;
		}
	}
}
