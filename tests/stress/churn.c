/* SPDX-License-Identifier: GPL-2.0-or-later */
/* churn.c: processes that keep changing under memmap, for the stress and
 * "never disturb the target" tests.  Prints its PID on stdout, then:
 *   churn maps      mmaps, munmaps and mprotects anonymous and file memory
 *                   from two threads (one created and joined over and
 *                   over), forever
 *   churn exec N    execs itself N times a second, forever (same PID, a
 *                   new address space each time)
 *   churn exit MS   maps a few things and exits after MS milliseconds,
 *                   leaving a zombie until the test reaps it
 *   churn idle      installs a handler for every catchable signal and
 *                   waits; at EOF on stdin prints "signals N" (how many
 *                   arrived) and "state C" as it read its own status, exits
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 64

static unsigned int seed = 1;

static unsigned int rnd(unsigned int n)
{
	return (unsigned int)rand_r(&seed) % n;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
	}
}

/* One step: replace a random slot with a fresh mapping, or change its
 * protection, or name it, so the kernel splits and merges VMAs. */
static void churn_step(void **slot, size_t *len, int fd)
{
	size_t page = 4096, i = rnd(SLOTS);

	if (slot[i] && rnd(3) == 0) {
		size_t off = rnd((unsigned int)(len[i] / page)) * page;
		static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE };

		mprotect((char *)slot[i] + off, page, prots[rnd(3)]);
		return;
	}
	if (slot[i]) {
		munmap(slot[i], len[i]);
		slot[i] = NULL;
	}
	len[i] = (1 + rnd(64)) * page;
	if (fd >= 0 && rnd(4) == 0) {
		slot[i] = mmap(NULL, len[i] > 65536 ? 65536 : len[i], PROT_READ,
			       MAP_PRIVATE, fd, 0);
		len[i] = len[i] > 65536 ? 65536 : len[i];
	} else {
		slot[i] = mmap(NULL, len[i], PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (slot[i] != MAP_FAILED) {
			memset(slot[i], 1, len[i] / 2);	/* some of it resident */
		}
	}
	if (slot[i] == MAP_FAILED) {
		slot[i] = NULL;
	}
}

static int open_self(void)
{
	return open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
}

static void *churn_thread(void *arg)
{
	void *slot[SLOTS] = { 0 };
	size_t len[SLOTS] = { 0 };
	int fd = open_self();

	for (unsigned int n = 0; n < 200; n++) {
		churn_step(slot, len, fd);
	}
	for (int i = 0; i < SLOTS; i++) {
		if (slot[i]) {
			munmap(slot[i], len[i]);
		}
	}
	if (fd >= 0) {
		close(fd);
	}
	return arg;
}

static int run_maps(void)
{
	void *slot[SLOTS] = { 0 };
	size_t len[SLOTS] = { 0 };
	int fd = open_self();

	for (;;) {
		pthread_t th;
		if (pthread_create(&th, NULL, churn_thread, NULL) != 0) {
			sleep_us(1000);
			continue;
		}
		for (unsigned int n = 0; n < 50; n++) {
			churn_step(slot, len, fd);
			if (n % 10 == 0) {
				sleep_us(100);
			}
		}
		pthread_join(th, NULL);
	}
	return 0;
}

static int run_exec(char **argv)
{
	long per_second = strtol(argv[2], NULL, 10);
	void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED) {
		memset(p, 1, 1 << 19);
	}
	sleep_us(1000000 / (per_second > 0 ? per_second : 100));
	execv("/proc/self/exe", argv);
	perror("churn: execv");
	return 1;
}

static int run_exit(char **argv)
{
	long ms = strtol(argv[2], NULL, 10);
	void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED) {
		memset(p, 1, 1 << 18);
	}
	sleep_us(ms * 1000);
	return 0;
}

static volatile sig_atomic_t nsignals;

static void on_signal(int sig)
{
	(void)sig;
	nsignals++;
}

static int run_idle(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char buf[256], state = '?';
	FILE *f;

	for (int sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP) {
			sigaction(sig, &sa, NULL);
		}
	}
	while (read(0, buf, sizeof(buf)) != 0) {
		/* read: a signal would interrupt it and be counted */
	}
	f = fopen("/proc/self/status", "r");
	while (f && fgets(buf, sizeof(buf), f)) {
		if (!strncmp(buf, "State:", 6)) {
			sscanf(buf + 6, " %c", &state);
		}
	}
	if (f) {
		fclose(f);
	}
	printf("signals %d\nstate %c\n", (int)nsignals, state);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: churn maps|exec N|exit MS|idle\n");
		return 64;
	}
	seed = (unsigned int)getpid();
	if (strcmp(argv[1], "exec") != 0 || !getenv("CHURN_EXECED")) {
		printf("%d\n", (int)getpid());
		fflush(stdout);
		setenv("CHURN_EXECED", "1", 1);
	}
	if (!strcmp(argv[1], "maps")) {
		return run_maps();
	}
	if (!strcmp(argv[1], "exec") && argc > 2) {
		return run_exec(argv);
	}
	if (!strcmp(argv[1], "exit") && argc > 2) {
		return run_exit(argv);
	}
	if (!strcmp(argv[1], "idle")) {
		return run_idle();
	}
	fprintf(stderr, "churn: unknown mode %s\n", argv[1]);
	return 64;
}
