/* SPDX-License-Identifier: GPL-2.0-or-later */
/* label_threads.c: thread stacks and their guard pages, whatever the
 * runtime.  Four sources, the strongest first: glibc's names for stack
 * mappings (glibc 2.39+ with decorate_maps), the thread stacks a runtime
 * probe read from its own lists (ctx->stacks), each thread's stack pointer
 * from /proc/PID/task/TID (or a point of its system stack from a runtime's
 * thread list, ctx->sys_stacks) matched with the shape a stack has (a
 * PROT_NONE guard right below), and that shape alone at the default size. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "label/classify.h"
#include "read/guard_flag.h"
#include "util/grow.h"

struct task {
	pid_t tid;
	pid_t nstid;		/* the tid in the target's own pid namespace */
	char comm[64];
	uint64_t sp;		/* 0: unknown (running, or not permitted) */
	bool sp_read;
	bool placed;		/* its stack is labelled */
};

struct tasks {
	struct task *v;
	size_t n;
	uint64_t stack_limit;		/* default_stack_size's; 0: not read yet */
};

/* Reads a small file below the target's directory into buf, NUL-ended.
 * Returns the length or -errno. */
static ssize_t read_small(const struct mm_target *t, const char *rel,
			  char *buf, size_t size)
{
	int fd = mm_target_open(t, rel, O_RDONLY);
	ssize_t n, got = 0;

	if (fd < 0) {
		return fd;
	}
	while ((size_t)got < size - 1 &&
	       (n = read(fd, buf + got, size - 1 - (size_t)got)) != 0) {
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			n = -errno;
			close(fd);
			return n;
		}
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

/* "nr a1 .. a6 sp pc" while in a syscall, "-1 sp pc" while blocked
 * elsewhere, "running" otherwise: the SP is the next-to-last field. */
static uint64_t syscall_sp(const char *s)
{
	uint64_t f[9];
	int n = 0;
	char *end;

	while (n < 9) {
		while (isspace((unsigned char)*s)) {
			s++;
		}
		if (!*s) {
			break;
		}
		errno = 0;
		f[n] = strtoull(s, &end, 0);	/* "-1" parses, as 2^64 - 1 */
		if (end == s || errno) {
			return 0;
		}
		n++;
		s = end;
	}
	return n >= 3 ? f[n - 2] : 0;
}

/* kstkesp, field 29 of stat; zero on most kernels unless dumping core. */
static uint64_t stat_sp(const char *s)
{
	const char *p = strrchr(s, ')');
	int field = 2;

	if (!p) {
		return 0;
	}
	p++;
	while (*p && field < 29) {
		while (*p == ' ') {
			p++;
		}
		if (++field == 29) {
			return strtoull(p, NULL, 10);
		}
		while (*p && *p != ' ') {
			p++;
		}
	}
	return 0;
}

static int nstid_cmp(const void *a, const void *b)
{
	const struct task *x = a, *y = b;

	return (x->nstid > y->nstid) - (x->nstid < y->nstid);
}

/* The last field of status's NSpid line: the id in the innermost pid
 * namespace (fallback when there is none); *depth gets the field count. */
static pid_t nspid_last(const char *status, pid_t fallback, int *depth)
{
	const char *p = strstr(status, "\nNSpid:"), *eol, *last = NULL;
	int n = 0;

	if (depth) {
		*depth = 1;
	}
	if (!p) {
		return fallback;
	}
	eol = strchr(p + 1, '\n');
	for (p += 7; *p && p != eol; p++) {
		if (isdigit((unsigned char)*p) && !isdigit((unsigned char)p[-1])) {
			last = p;
			n++;
		}
	}
	if (depth) {
		*depth = n;
	}
	return last ? (pid_t)strtol(last, NULL, 10) : fallback;
}

static int read_tasks(struct mm_target *t, struct tasks *ts)
{
	int fd = mm_target_open(t, "task", O_RDONLY | O_DIRECTORY);
	struct dirent *de;
	size_t alloc = 0;
	bool other_ns = false;
	DIR *d;

	ts->v = NULL;
	ts->n = 0;
	ts->stack_limit = 0;
	/* Only a target in another pid namespace needs each task's NSpid. */
	if (fd >= 0) {
		char buf[4096];
		int depth = 1;

		if (read_small(t, "status", buf, sizeof(buf)) > 0) {
			nspid_last(buf, 0, &depth);
		}
		other_ns = depth > 1;
	}
	if (fd < 0) {
		return fd == -ENOMEM ? fd : 0;	/* no task/: nothing to place */
	}
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d))) {
		char rel[64], buf[4096];
		struct task *k;
		char *end;
		long tid = strtol(de->d_name, &end, 10);

		if (end == de->d_name || *end || tid <= 0) {
			continue;
		}
		if (mm_grow(&ts->v, &alloc, ts->n + 1, sizeof(*ts->v))) {
			closedir(d);
			return -ENOMEM;
		}
		k = &ts->v[ts->n++];
		*k = (struct task){ .tid = (pid_t)tid };
		snprintf(rel, sizeof(rel), "task/%ld/comm", tid);
		if (read_small(t, rel, k->comm, sizeof(k->comm)) > 0) {
			k->comm[strcspn(k->comm, "\n")] = '\0';
		}
		/* glibc stores the tid of the target's namespace. */
		k->nstid = (pid_t)tid;
		if (other_ns) {
			snprintf(rel, sizeof(rel), "task/%ld/status", tid);
			if (read_small(t, rel, buf, sizeof(buf)) > 0) {
				k->nstid = nspid_last(buf, (pid_t)tid, NULL);
			}
		}
	}
	closedir(d);
	qsort(ts->v, ts->n, sizeof(*ts->v), nstid_cmp);
	return 0;
}

/* The task whose tid inside the target's pid namespace is nstid. */
static struct task *find_nstask(struct tasks *ts, pid_t nstid)
{
	struct task key = { .nstid = nstid };

	return ts->n ? bsearch(&key, ts->v, ts->n, sizeof(*ts->v), nstid_cmp) : NULL;
}

static void task_detail(const struct task *k, pid_t tid, char *buf, size_t size)
{
	if (k && k->comm[0]) {
		snprintf(buf, size, "tid %d %s", (int)tid, k->comm);
	} else {
		snprintf(buf, size, "tid %d", (int)tid);
	}
}

/* The label of the region holding addr, or -1 when nothing is mapped. */
static int label_at(const struct mm_snapshot *snap, uint64_t addr)
{
	const struct mm_mapping *m = mm_snapshot_find(snap, addr);

	if (!m) {
		return -1;
	}
	for (size_t i = 0; i < m->nregions; i++) {
		if (m->regions[i].start <= addr && addr < m->regions[i].end) {
			return (int)m->regions[i].label;
		}
	}
	return (int)MM_ANON;
}

static int label_stack(struct mm_snapshot *snap, uint64_t block, uint64_t size,
		       uint64_t guard, enum mm_how how, const char *detail)
{
	int rc = 0;

	if (guard) {
		rc = mm_snapshot_label(snap, block, block + guard, MM_THREAD_GUARD,
				       how, detail, MM_ONLY_ANON);
	}
	if (!rc) {
		rc = mm_snapshot_label(snap, block + guard, block + size,
				       MM_THREAD_STACK, how, detail, MM_ONLY_ANON);
	}
	return rc;
}

/* The PROT_NONE anonymous mapping ending where m starts, or NULL. */
static struct mm_mapping *guard_below(struct mm_snapshot *snap, struct mm_mapping *m)
{
	size_t i = (size_t)(m - snap->mappings);
	struct mm_mapping *g;

	if (i == 0) {
		return NULL;
	}
	g = &snap->mappings[i - 1];
	if (g->end != m->start || !mm_mapping_is_anon_private(g) || !mm_mapping_is_reserved(g)) {
		return NULL;
	}
	return g;
}

/* glibc 2.39+ names: " glibc: pthread stack: TID", " glibc: pthread user
 * stack: TID", " glibc: unused stack".  The guard below stays unnamed. */
static int label_named(struct mm_classify *ctx, struct tasks *ts)
{
	struct mm_snapshot *snap = ctx->snap;

	for (size_t i = 0; i < snap->nmappings; i++) {
		struct mm_mapping *m = &snap->mappings[i], *g;
		const char *name, *num = NULL;
		char detail[96];
		size_t len;
		int rc;

		if (!(name = mm_anon_name(m, &len))) {
			continue;
		}
		if (len > 22 && strncmp(name, "glibc: pthread stack: ", 22) == 0) {
			num = name + 22;
		} else if (len > 27 && strncmp(name, "glibc: pthread user stack: ", 27) == 0) {
			num = name + 27;
		} else if (len == 19 && strncmp(name, "glibc: unused stack", 19) == 0) {
			snprintf(detail, sizeof(detail), "unused (cached) stack");
		} else {
			continue;
		}
		if (num) {
			/* glibc names the tid of the target's pid namespace. */
			pid_t tid = (pid_t)strtol(num, NULL, 10);
			struct task *k = find_nstask(ts, tid);

			task_detail(k, k ? k->tid : tid, detail, sizeof(detail));
			if (k) {
				k->placed = true;
			}
		}
		rc = mm_mapping_reset_regions(m, MM_THREAD_STACK, MM_HOW_KERNEL, detail);
		if (!rc && (g = guard_below(snap, m))) {
			rc = mm_mapping_label(g, g->start, g->end, MM_THREAD_GUARD,
					      MM_HOW_HEURISTIC, detail, MM_ONLY_ANON);
		}
		if (rc) {
			return rc;
		}
	}
	return 0;
}

static int cmp_block(const void *a, const void *b)
{
	const struct mm_thread_stack *x = *(const struct mm_thread_stack *const *)a;
	const struct mm_thread_stack *y = *(const struct mm_thread_stack *const *)b;

	return x->block < y->block ? -1 : x->block > y->block;
}

/* A descriptor's own fields agree: its block holds its guard and itself. */
static bool fields_agree(const struct mm_thread_stack *p, uint64_t page)
{
	return !(p->block & (page - 1)) && p->block + p->size > p->block &&
	       p->guard <= p->size &&
	       (!p->pd || (p->pd >= p->block && p->pd < p->block + p->size));
}

/* A stack block as glibc maps one: one mmap (its guard mprotect'ed into a
 * mapping of its own, or merged with neighbours), so private anonymous
 * mappings, at most two of them.  A user's stack elsewhere (malloc'd, in
 * the heap) is no mmap of glibc's: not labelled from its descriptor. */
static bool block_mapped(const struct mm_snapshot *snap, const struct mm_thread_stack *p)
{
	const struct mm_mapping *m = mm_snapshot_find(snap, p->block);

	for (int n = 0; n < 2 && m && mm_mapping_is_anon_private(m); n++) {
		if (m->end >= p->block + p->size) {
			return true;
		}
		m = m + 1 < snap->mappings + snap->nmappings && m[1].start == m->end ?
		    m + 1 : NULL;
	}
	return false;
}

/* The descriptors come from the target's memory: before any labels a
 * stack, every one's fields must agree and no two blocks may overlap (a
 * forged list would otherwise label whatever it names).  Returns 0, 1
 * (not believed: warned) or -ENOMEM. */
static int check_descriptors(struct mm_classify *ctx)
{
	const struct mm_thread_stack **v = calloc(ctx->nstacks + 1, sizeof(*v));
	const char *why = NULL;
	size_t n = 0;

	if (!v) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < ctx->nstacks && !why; i++) {
		const struct mm_thread_stack *p = &ctx->stacks[i];

		if (p->block && p->size) {
			why = fields_agree(p, ctx->page) ? NULL :
			      "a block, its size, guard and descriptor do not agree";
			v[n++] = p;
		}
	}
	qsort(v, n, sizeof(*v), cmp_block);
	for (size_t i = 1; i < n && !why; i++) {
		if (v[i]->block < v[i - 1]->block + v[i - 1]->size) {
			why = "two stack blocks overlap";
		}
	}
	free(v);
	if (!why) {
		return 0;
	}
	mm_debug(ctx, "threads", "descriptors not believed: %s", why);
	return mm_snapshot_warn(ctx->snap, "%d: glibc's thread descriptors do not agree with "
				"each other (%s): stacks found by names, stack pointers and "
				"shape only", (int)ctx->target->pid, why) ? -ENOMEM : 1;
}

static int label_descriptors(struct mm_classify *ctx, struct tasks *ts)
{
	int rc = 0;

	if (!ctx->stacks_known) {
		mm_debug(ctx, "threads", "no thread descriptors: by names, stack pointers "
			 "and shape");
		return 0;
	}
	if ((rc = check_descriptors(ctx))) {
		return rc;
	}
	for (size_t i = 0; !rc && i < ctx->nstacks; i++) {
		const struct mm_thread_stack *p = &ctx->stacks[i];
		struct task *k = p->tid > 0 ? find_nstask(ts, p->tid) : NULL;
		char detail[96];

		/* The main thread's stack is the kernel's [stack]. */
		if (!p->block || !p->size) {
			continue;
		}
		if (!block_mapped(ctx->snap, p)) {
			mm_debug(ctx, "threads", "stack block %#llx (%llu bytes) is no mmap of "
				 "its own: not labelled", (unsigned long long)p->block,
				 (unsigned long long)p->size);
			continue;
		}
		if (p->cached) {
			snprintf(detail, sizeof(detail), "unused (cached) stack");
		} else if (p->tid <= 0 || !k) {
			snprintf(detail, sizeof(detail), "exited thread, not joined");
		} else {
			task_detail(k, k->tid, detail, sizeof(detail));
			k->placed = true;
		}
		rc = label_stack(ctx->snap, p->block, p->size, p->guard, MM_HOW_RUNTIME, detail);
	}
	return rc == -ENOMEM ? rc : 0;
}

/* Reading task/TID/syscall waits until the thread is off the CPU: done
 * only for threads the descriptors did not place. */
static uint64_t task_sp(struct mm_target *t, struct task *k)
{
	char rel[64], buf[1024];

	if (k->sp_read) {
		return k->sp;
	}
	k->sp_read = true;
	snprintf(rel, sizeof(rel), "task/%d/syscall", (int)k->tid);
	if (read_small(t, rel, buf, sizeof(buf)) > 0) {
		k->sp = syscall_sp(buf);
	}
	snprintf(rel, sizeof(rel), "task/%d/stat", (int)k->tid);
	if (!k->sp && read_small(t, rel, buf, sizeof(buf)) > 0) {
		k->sp = stat_sp(buf);
	}
	return k->sp;
}

/* glibc's default stack size: RLIMIT_STACK's soft limit, or 2 MiB when
 * that is unlimited (ARCH_STACK_DEFAULT_SIZE on x86_64).  limits is read
 * once a snapshot, and only when a thread needs it (most never do). */
static uint64_t default_stack_size(struct mm_target *t, struct tasks *ts, uint64_t page)
{
	char buf[4096], *line;
	uint64_t size = 2 << 20;

	if (ts->stack_limit) {
		return (ts->stack_limit + page - 1) & ~(page - 1);
	}
	if (read_small(t, "limits", buf, sizeof(buf)) > 0 &&
	    (line = strstr(buf, "Max stack size"))) {
		char *p = line + strlen("Max stack size");

		while (*p == ' ') {
			p++;
		}
		if (isdigit((unsigned char)*p)) {
			size = strtoull(p, NULL, 10);
		}
	}
	ts->stack_limit = size ? size : 1;
	return (size + page - 1) & ~(page - 1);
}

/* How many unplaced threads' stack pointers lie in m. */
static size_t sps_in(struct mm_target *t, struct tasks *ts, const struct mm_mapping *m)
{
	size_t n = 0;

	for (size_t i = 0; i < ts->n; i++) {
		uint64_t sp;

		/* A placed thread's SP is in its own, labelled stack. */
		if (ts->v[i].placed) {
			continue;
		}
		sp = task_sp(t, &ts->v[i]);
		n += sp >= m->start && sp < m->end;
	}
	return n;
}

/* Above this a PROT_NONE mapping below is a reservation, not a guard. */
#define MAX_GUARD (1ull << 20)

/* glibc 2.42+ guards a stack with MADV_GUARD_INSTALL inside its own rw
 * mapping, and the kernel merges neighbouring stacks into one mapping.
 * The guard pages (pagemap's guard bit) then delimit the stacks: the one
 * holding sp runs from the start of the last guard run at or below sp to
 * the next guard page above it, or the mapping's end.  Returns false when
 * sp is not above a guard run in m (nothing delimits it). */
static bool stack_by_guards(struct mm_pagemap *pm, const struct mm_mapping *m,
			    uint64_t page, uint64_t sp, uint64_t *lo, uint64_t *guard_end,
			    uint64_t *hi)
{
	uint64_t a = sp & ~(page - 1), g;

	if (!pm || pm->fd < 0) {
		return false;
	}
	pm->limit = m->end;
	while (a > m->start && !mm_pagemap_guard(pm, a - page)) {
		a -= page;
	}
	if (a == m->start) {
		return false;
	}
	*guard_end = a;
	for (g = a - page; g > m->start && mm_pagemap_guard(pm, g - page) &&
	     a - g < MAX_GUARD; g -= page) {
		;
	}
	*lo = g;
	for (a = sp & ~(page - 1); a < m->end && !mm_pagemap_guard(pm, a); a += page) {
		;
	}
	*hi = a;
	return true;
}

/* The stack between guards is k's when no other thread's SP is in it (a
 * stack without a guard, pthread_attr_setstack's, may sit above another's:
 * then nothing delimits them). */
static int label_guarded(struct mm_classify *ctx, struct tasks *ts, struct task *k,
			 struct mm_mapping *m, uint64_t max)
{
	uint64_t lo, guard_end, hi;
	char detail[96];
	int rc;

	if (!stack_by_guards(ctx->pm, m, ctx->page, k->sp, &lo, &guard_end, &hi) ||
	    hi - guard_end > max) {
		return 0;
	}
	for (size_t i = 0; i < ts->n; i++) {
		uint64_t sp = task_sp(ctx->target, &ts->v[i]);

		if (&ts->v[i] != k && sp >= lo && sp < hi) {
			return 0;
		}
	}
	task_detail(k, k->tid, detail, sizeof(detail));
	rc = mm_mapping_label(m, lo, guard_end, MM_THREAD_GUARD, MM_HOW_HEURISTIC, detail,
			      MM_ONLY_ANON);
	if (!rc) {
		rc = mm_mapping_label(m, guard_end, hi, MM_THREAD_STACK, MM_HOW_HEURISTIC,
				      detail, MM_ONLY_ANON);
	}
	k->placed = !rc;
	return rc;
}

/* What the stack pointer says: the anonymous rw mapping holding it is the
 * stack when glibc's shape is there (a guard-sized PROT_NONE mapping right
 * below), or when the kernel marked it as MAP_STACK memory (VmFlags nh)
 * itself.  Never a mapping larger than a thread stack can be, nor one
 * holding several threads' SPs: the kernel merges a stack with its
 * anonymous neighbours (a Go L2 arena map), and a runtime's heap holds the
 * SPs of threads running on its goroutine stacks. */
static int label_by_sp(struct mm_classify *ctx, struct tasks *ts)
{
	struct mm_snapshot *snap = ctx->snap;
	uint64_t page = snap->page_size ? snap->page_size : 4096;
	uint64_t max = 0;

	/* musl's stacks are small (128 KiB) and mallocng mmaps its groups
	 * beside them: the kernel merges a group above a stack into the
	 * stack's mapping, and only musl's descriptor knows where the stack
	 * ends (measured: a thread's 300 KiB malloc taken for its stack). */
	if (ctx->runtimes & (1u << MM_RT_MUSL)) {
		mm_debug(ctx, "threads", "musl without its descriptors: no stacks by "
			 "stack pointer");
		return 0;
	}
	for (size_t i = 0; i < ts->n; i++) {
		struct task *k = &ts->v[i];
		struct mm_mapping *m, *g;
		char detail[96];
		int rc;

		if (k->placed || !task_sp(ctx->target, k) ||
		    !(m = mm_snapshot_find(snap, k->sp))) {
			continue;
		}
		if (!mm_mapping_is_anon_private(m) || m->perms[0] != 'r' || m->perms[1] != 'w' ||
		    label_at(snap, k->sp) != MM_ANON) {
			continue;	/* [stack], a runtime's heap, a file */
		}
		if (!max) {
			max = default_stack_size(ctx->target, ts, page);
			/* Go's cgo and most programs: RLIMIT_STACK's 8 MiB */
			max = max < (8ull << 20) ? 8ull << 20 : max;
		}
		g = guard_below(snap, m);
		/* No PROT_NONE guard below: perhaps guard pages inside. */
		if (!g && (rc = label_guarded(ctx, ts, k, m, max))) {
			return rc;
		}
		if (k->placed || mm_mapping_size(m) > max || sps_in(ctx->target, ts, m) > 1) {
			continue;
		}
		if (g && mm_mapping_size(g) > MAX_GUARD) {
			g = NULL;
		}
		if (!g && !mm_mapping_has_flag(m, "nh")) {
			continue;
		}
		task_detail(k, k->tid, detail, sizeof(detail));
		rc = mm_mapping_label(m, m->start, m->end, MM_THREAD_STACK,
				      MM_HOW_HEURISTIC, detail, MM_ONLY_ANON);
		if (!rc && g) {
			rc = mm_mapping_label(g, g->start, g->end, MM_THREAD_GUARD,
					      MM_HOW_HEURISTIC, detail, MM_ONLY_ANON);
		}
		if (rc) {
			return rc;
		}
		k->placed = true;
	}
	return 0;
}

/* A runtime that keeps its own list of threads and their system stacks
 * (Go's allm) says where each thread's stack is, wherever its SP is: on a
 * goroutine stack in the heap, or not shown at all (running).  A point of
 * that stack then stands for the SP, under the same rules. */
static void sps_from_runtime(struct mm_classify *ctx, struct tasks *ts)
{
	size_t n = 0;

	for (size_t i = 0; i < ctx->nsys_stacks; i++) {
		const struct mm_thread_bounds *b = &ctx->sys_stacks[i];
		struct task *k = b->tid > 0 ? find_nstask(ts, b->tid) : NULL;

		if (!k || k->placed || b->hi <= b->lo) {
			continue;
		}
		k->sp = b->hi - 1;
		k->sp_read = true;
		n++;
	}
	if (ctx->nsys_stacks) {
		mm_debug(ctx, "threads", "%zu of %zu threads the runtime lists stand by their "
			 "system stacks", n, ctx->nsys_stacks);
	}
}

/* Threads not in a syscall show no stack pointer.  While some remain
 * unplaced, a default-sized MAP_STACK-shaped mapping with a one-page guard
 * below is taken as one of their stacks (glibc adds the guard to the
 * default size: the rw part is that size). */
static int label_by_shape(struct mm_classify *ctx, struct tasks *ts)
{
	struct mm_snapshot *snap = ctx->snap;
	uint64_t page = ctx->page;
	uint64_t want = 0;
	size_t unplaced = 0;

	for (size_t i = 0; i < ts->n; i++) {
		if (!ts->v[i].placed && ts->v[i].tid != snap->pid) {
			unplaced++;
		}
	}
	if (unplaced) {
		want = default_stack_size(ctx->target, ts, page);
	}
	for (size_t i = 1; unplaced && i < snap->nmappings; i++) {
		struct mm_mapping *m = &snap->mappings[i], *g;
		int rc;

		if (!mm_mapping_is_anon_private(m) || m->perms[0] != 'r' || m->perms[1] != 'w' ||
		    m->nregions != 1 || m->regions[0].label != MM_ANON ||
		    !(g = guard_below(snap, m)) || mm_mapping_size(g) != page ||
		    mm_mapping_size(m) != want ||
		    (m->vm_flags && !mm_mapping_has_flag(m, "nh"))) {
			continue;
		}
		rc = mm_mapping_label(m, m->start, m->end, MM_THREAD_STACK,
				      MM_HOW_HEURISTIC, "thread (tid unknown)",
				      MM_ONLY_ANON);
		if (!rc) {
			rc = mm_mapping_label(g, g->start, g->end, MM_THREAD_GUARD,
					      MM_HOW_HEURISTIC, "thread (tid unknown)",
					      MM_ONLY_ANON);
		}
		if (rc) {
			return rc;
		}
		unplaced--;
	}
	return 0;
}

/* Pages scanned for guard markers, at most: a snapshot of a process with
 * GiBs of heap pays no more than this. */
#define MAX_GUARD_SCAN	(1u << 18)

/* Candidates above which VmFlags' "gu" is worth a probe of the kernel: a scan
 * of pagemap costs the kernel a walk per mapping (3 ms at 10,000). */
#define GUARD_PROBE_ABOVE 256

/* What lies right above a guard run says whether it guards a stack. */
static bool may_be_stack(int label)
{
	return label == MM_ANON || label == MM_ANON_NAMED || label == MM_THREAD_STACK ||
	       label == MM_STACK;
}

/* A run of guard pages [a, b) in region j of m: `guard` when proven not a
 * stack's — inside an allocator's memory, or with nothing that may be a
 * stack right above. */
static int guard_run(struct mm_snapshot *snap, struct mm_mapping *m, size_t j,
		     uint64_t a, uint64_t b)
{
	const struct mm_mapping *up = mm_snapshot_find(snap, b);
	int above = label_at(snap, b);

	/* PROT_NONE above is nobody's stack. */
	if (up && mm_mapping_is_reserved(up)) {
		above = -1;
	}
	if (m->regions[j].label == MM_ANON && above >= 0 && may_be_stack(above)) {
		return 0;
	}
	if (above >= 0 && (above == MM_THREAD_STACK || above == MM_STACK)) {
		return 0;
	}
	return mm_mapping_label(m, a, b, MM_GUARD, MM_HOW_KERNEL, "MADV_GUARD_INSTALL", 0);
}

/* Whether the guard scan looks at m's pages. */
static bool guard_candidate(const struct mm_mapping *m, bool flags_guards)
{
	return !mm_mapping_is_reserved(m) && !m->path &&
	       (!flags_guards || mm_mapping_has_flag(m, "gu"));
}

/* Whether to trust VmFlags' "gu": a probe of the kernel (a guard page of
 * memmap's own and its smaps), worth it only with many mappings to scan. */
static bool flags_guards(const struct mm_snapshot *snap)
{
	size_t n = 0;

	for (size_t i = 0; i < snap->nmappings && n < GUARD_PROBE_ABOVE; i++) {
		n += guard_candidate(&snap->mappings[i], false);
	}
	return n >= GUARD_PROBE_ABOVE && mm_kernel_flags_guards();
}

/* The end of the run of scanned mappings from i on: pagemap is read a
 * window at a time up to there, not one pread a mapping (60,000 small
 * anonymous mappings were 60,000 preads). */
static uint64_t candidates_end(const struct mm_snapshot *snap, size_t i, bool flagged)
{
	uint64_t end = snap->mappings[i].end;

	while (++i < snap->nmappings && guard_candidate(&snap->mappings[i], flagged)) {
		end = snap->mappings[i].end;
	}
	return end;
}

/* Pages guarded with MADV_GUARD_INSTALL that no stack explains, by
 * pagemap's guard bit (the kernel's word for them), after every other
 * labeller: in anon memory and in allocators' memory (a guard inside a
 * malloc'd block is still a guard); a thread's guard was labelled before. */
int mm_label_guards(struct mm_classify *ctx)
{
	struct mm_snapshot *snap = ctx->snap;
	struct mm_pagemap *pm = ctx->pm;
	uint64_t page = ctx->page, budget = MAX_GUARD_SCAN, run_end = 0;
	bool flagged;
	int rc = 0;

	if (!pm || pm->fd < 0) {
		return 0;
	}
	flagged = flags_guards(snap);
	for (size_t i = 0; !rc && budget && i < snap->nmappings; i++) {
		struct mm_mapping *m = &snap->mappings[i];

		if (!guard_candidate(m, flagged)) {
			continue;
		}
		if (m->end > run_end) {
			run_end = candidates_end(snap, i, flagged);
		}
		for (size_t j = 0; !rc && budget && j < m->nregions; j++) {
			enum mm_class c = mm_label_class(m->regions[j].label);
			uint64_t a, b, run = 0;

			if (m->regions[j].label != MM_ANON && c != MM_CLASS_HEAP &&
			    c != MM_CLASS_RUNTIME) {
				continue;
			}
			a = (m->regions[j].start + page - 1) & ~(page - 1);
			b = m->regions[j].end & ~(page - 1);
			pm->limit = run_end;
			for (uint64_t p = a; p <= b && budget; p += page) {
				if (p < b && mm_pagemap_guard(pm, p)) {
					run += page;
					budget--;
					continue;
				}
				budget -= p < b;
				if (run) {
					uint64_t n = m->nregions;

					rc = guard_run(snap, m, j, p - run, p);
					run = 0;
					if (m->nregions != n) {
						break;	/* rebuilt: from the next region on */
					}
				}
			}
		}
	}
	mm_pagemap_forget(pm);
	return rc;
}

int mm_label_threads(struct mm_classify *ctx)
{
	struct tasks ts;
	int rc, partial = 0;

	rc = read_tasks(ctx->target, &ts);
	if (!rc) {
		rc = label_named(ctx, &ts);
	}
	if (!rc) {
		partial = rc = label_descriptors(ctx, &ts);
		rc = rc < 0 ? rc : 0;
	}
	if (!rc) {
		sps_from_runtime(ctx, &ts);
		rc = label_by_sp(ctx, &ts);
	}
	if (!rc) {
		rc = label_by_shape(ctx, &ts);
	}
	free(ts.v);
	return rc ? rc : partial;
}
