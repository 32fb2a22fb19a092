/* SPDX-License-Identifier: GPL-2.0-or-later */
/* threads_fixture.c: a factory process for the thread, malloc-arena and
 * loader labels.  It starts pthreads with different stacks (default, custom
 * sizes, a custom guard, user memory via pthread_attr_setstack, a named one),
 * lets each malloc so glibc gives it an arena, makes large mallocs that glibc
 * serves with their own mmap, and maps a memfd.  It prints what it made, one
 * "key value..." record a line, then "ready", and waits to be killed.
 *
 * Records (addresses in hex, sizes in decimal bytes):
 *   pid PID
 *   thread TID NAME STACK_LOW STACK_SIZE GUARD_SIZE USER(0|1)
 *   small TID PTR            a small malloc made by that thread
 *   large TID PTR SIZE       a malloc above the mmap threshold
 *   spill TID PTR            the last of many mallocs that filled the thread's
 *                            first arena heap: it lies in a second heap
 *   memfd ADDR SIZE
 *   usermem ADDR SIZE        the mmap handed to pthread_attr_setstack
 *   exited TID LOW SIZE GUARD   a thread that returned and was joined: glibc
 *                            keeps its stack in its cache
 *   tls TCB VAR              the main thread's pthread_self() (its TCB) and
 *                            the address of a __thread variable in it
 *   linkmap ADDR NAME        a link_map ld.so made at start-up (dlinfo)
 *   below ADDR SIZE          an anonymous rw mapping right below a thread's
 *                            arena heap, where the address was free: the
 *                            kernel merges the two when their flags agree
 *                            (glibc 2.41+ maps heaps without MAP_NORESERVE)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define NTHREADS 5
#define USER_STACK (512 * 1024)
#define BELOW (64 * 1024)
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000	/* Linux 4.17; older headers lack it */
#endif
#define GROW_ALLOCS 2000	/* 2000 × 1 KiB: the arena grows past its first commit */
#define SPILL_ALLOCS 1100	/* 1100 × 64 KiB: past HEAP_MAX, a second heap */

struct spec {
	size_t stack_size;	/* 0: default */
	size_t guard_size;	/* (size_t)-1: default */
	int user;		/* pthread_attr_setstack on our own mmap */
	const char *name;	/* NULL: inherit the process name */
	size_t large;		/* a large malloc of this size, or 0 */
	int grow;		/* many small mallocs; 2: past the first heap */
	int exits;		/* returns at once and is joined */
};

static const struct spec specs[NTHREADS] = {
	{ 0, (size_t)-1, 0, NULL, 0, 2, 0 },
	{ 256 * 1024, (size_t)-1, 0, NULL, 300 * 1024, 0, 0 },
	{ 1024 * 1024, 64 * 1024, 0, NULL, 0, 1, 0 },
	{ 0, (size_t)-1, 1, NULL, 0, 0, 0 },
	{ 2 * 1024 * 1024, (size_t)-1, 0, "mm-named", 0, 0, 0 },
};

static __thread int tls_var = 1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char task_dirs[NTHREADS][64];	/* "PID/task/TID" as /proc names them */
static int ntids;
static pthread_barrier_t started;
static uintptr_t lowest = UINTPTR_MAX;	/* the lowest thread's first malloc */

static void die(const char *what)
{
	fprintf(stderr, "threads_fixture: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void *worker(void *arg)
{
	const struct spec *s = arg;
	pid_t tid = gettid();
	pthread_attr_t a;
	void *low;
	size_t size, guard;
	void *small, *large = NULL, *spill = NULL;

	if (s->name) {
		pthread_setname_np(pthread_self(), s->name);
	}
	/* The thread's first malloc makes its own arena (fewer threads than
	 * glibc's 8 × cores arena limit). */
	small = malloc(64);
	memset(small, 0x5a, 64);
	if (s->grow) {
		for (int i = 0; i < GROW_ALLOCS; i++) {
			void *p = malloc(1024);

			memset(p, i, 1024);
		}
	}
	if (s->grow == 2) {
		/* Untouched beyond the chunk headers: little RSS. */
		for (int i = 0; i < SPILL_ALLOCS; i++) {
			spill = malloc(64 * 1024);
		}
	}
	if (s->large) {
		large = malloc(s->large);
		memset(large, 0xa5, s->large);
	}
	if (pthread_getattr_np(pthread_self(), &a) != 0 ||
	    pthread_attr_getstack(&a, &low, &size) != 0 ||
	    pthread_attr_getguardsize(&a, &guard) != 0) {
		die("pthread_getattr_np");
	}
	pthread_attr_destroy(&a);

	pthread_mutex_lock(&lock);
	if ((uintptr_t)small < lowest) {
		lowest = (uintptr_t)small;
	}
	if (s->exits) {
		printf("exited %d %p %zu %zu\n", (int)tid, low, size, guard);
	} else {
		/* As /proc's own pid namespace names this thread: the fixture
		 * may run in another. */
		ssize_t n = readlink("/proc/thread-self", task_dirs[ntids],
				     sizeof(task_dirs[0]) - 1);

		task_dirs[ntids++][n > 0 ? n : 0] = '\0';
		printf("thread %d %s %p %zu %zu %d\n", (int)tid,
		       s->name ? s->name : "-", low, size, guard, s->user);
	}
	printf("small %d %p\n", (int)tid, small);
	if (large) {
		printf("large %d %p %zu\n", (int)tid, large, s->large);
	}
	if (spill) {
		printf("spill %d %p\n", (int)tid, spill);
	}
	fflush(stdout);
	pthread_mutex_unlock(&lock);

	if (s->exits) {
		return NULL;
	}
	pthread_barrier_wait(&started);
	/* Block in a syscall so /proc/PID/task/TID/syscall shows the SP. */
	for (;;) {
		pause();
	}
	return NULL;
}

/* An untouched 64 KiB rw mapping right below the arena heap holding p,
 * where nothing is mapped yet: below the lowest heap, as the others sit
 * right above another heap's PROT_NONE tail. */
static void map_below_heap(uintptr_t p)
{
	uintptr_t heap = p & ~(uintptr_t)((64 << 20) - 1);
	void *below = (void *)(heap - BELOW), *got;

	got = mmap(below, BELOW, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (got == below) {
		printf("below %p %d\n", below, BELOW);
	} else if (got != MAP_FAILED) {
		munmap(got, BELOW);	/* a kernel that took it as a hint */
	}
}

/* Until every worker sits in pause(), so a reader of task/TID/syscall
 * sees its stack pointer (x86_64: pause is syscall 34). */
static void wait_paused(void)
{
	for (int tries = 0; tries < 5000; tries++) {
		int paused = 0;

		for (int i = 0; i < ntids; i++) {
			char path[96], buf[32] = "";
			FILE *f;

			snprintf(path, sizeof(path), "/proc/%s/syscall", task_dirs[i]);
			if ((f = fopen(path, "r"))) {
				if (!fgets(buf, sizeof(buf), f)) {
					buf[0] = '\0';
				}
				fclose(f);
			}
			paused += strncmp(buf, "34 ", 3) == 0;
		}
		if (paused == ntids) {
			return;
		}
		usleep(1000);
	}
}

int main(void)
{
	static const struct spec exiting = { 0, (size_t)-1, 0, NULL, 0, 0, 1 };
	pthread_t th[NTHREADS], gone;
	static const size_t large_sizes[] = { 200 * 1024, 1024 * 1024 + 5, 4 * 1024 * 1024 };
	struct link_map *lm = NULL;
	void *self_handle;
	int fd;
	void *mfd;

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	printf("pid %d\n", (int)getpid());
	if (pthread_barrier_init(&started, NULL, NTHREADS + 1) != 0) {
		die("pthread_barrier_init");
	}

	for (size_t i = 0; i < sizeof(large_sizes) / sizeof(large_sizes[0]); i++) {
		void *p = malloc(large_sizes[i]);

		if (!p) {
			die("malloc");
		}
		memset(p, 0x11, large_sizes[i]);
		printf("large %d %p %zu\n", (int)getpid(), p, large_sizes[i]);
	}
	printf("tls %p %p\n", (void *)pthread_self(), (void *)&tls_var);
	self_handle = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
	if (self_handle && dlinfo(self_handle, RTLD_DI_LINKMAP, &lm) == 0) {
		printf("linkmap %p %s\n", (void *)lm, lm->l_name);
	}
	void *small = malloc(100);
	printf("small %d %p\n", (int)getpid(), small);

	fd = memfd_create("memmap-fixture", 0);
	if (fd < 0 || ftruncate(fd, 1 << 20) != 0) {
		die("memfd_create");
	}
	mfd = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mfd == MAP_FAILED) {
		die("mmap memfd");
	}
	memset(mfd, 0x22, 1 << 19);
	printf("memfd %p %d\n", mfd, 1 << 20);
	fflush(stdout);

	for (int i = 0; i < NTHREADS; i++) {
		const struct spec *s = &specs[i];
		pthread_attr_t a;

		pthread_attr_init(&a);
		if (s->user) {
			void *mem = mmap(NULL, USER_STACK, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (mem == MAP_FAILED) {
				die("mmap user stack");
			}
			printf("usermem %p %d\n", mem, USER_STACK);
			fflush(stdout);
			pthread_attr_setstack(&a, mem, USER_STACK);
		} else if (s->stack_size) {
			pthread_attr_setstacksize(&a, s->stack_size);
		}
		if (s->guard_size != (size_t)-1) {
			pthread_attr_setguardsize(&a, s->guard_size);
		}
		errno = pthread_create(&th[i], &a, worker, (void *)s);
		if (errno) {
			die("pthread_create");
		}
		pthread_attr_destroy(&a);
	}
	/* Last, so no later pthread_create takes its stack from the cache. */
	errno = pthread_create(&gone, NULL, worker, (void *)&exiting);
	if (errno || (errno = pthread_join(gone, NULL))) {
		die("pthread_create (exiting thread)");
	}
	pthread_barrier_wait(&started);
	map_below_heap(lowest);
	wait_paused();
	pthread_mutex_lock(&lock);
	printf("ready\n");
	fflush(stdout);
	pthread_mutex_unlock(&lock);

	for (;;) {
		pause();
	}
}
