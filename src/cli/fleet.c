/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fleet.c: the sweep over many processes.  Phases: select the PIDs (named,
 * --all, --user, --cgroup) → read each one's identity and snapshot, one
 * at a time, within its time budget, sharing one ELF cache → sum the
 * label totals → print (process list, JSON or metrics) → free.  A process
 * that cannot be read becomes a row with the reason, never an abort. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/exit.h"
#include "cli/fleet.h"
#include "cli/target.h"
#include "emit/json_out.h"
#include "emit/metrics.h"
#include "emit/proclist.h"
#include "model/fleet.h"
#include "read/identity.h"
#include "read/proc.h"
#include "util/output.h"
#include "util/report.h"

#define PF_KTHREAD 0x00200000	/* include/linux/sched.h */
#define CGROUP_ROOT "/sys/fs/cgroup"

bool mm_fleet_wanted(const struct mm_options *o)
{
	const struct mm_fleet_opts *f = &o->fleet;

	return f->ntargets > 1 || f->all || f->user || f->cgroup || f->metrics;
}

int mm_fleet_check(const struct mm_options *o, char *err, size_t errlen)
{
	const char *what = NULL;

	if (o->diff.against || o->diff.watch_ms || o->diff.save) {
		what = "--diff, --watch and --save";
	} else if (o->svg) {
		what = "--svg";
	} else if (o->table.has_address || o->table.explain || o->table.mappings) {
		what = "--address, --explain and --mappings";
	} else if (o->json && o->fleet.metrics) {
		what = "--json";
	} else if (o->proc_root) {
		what = "--proc-root";
	}
	if (what) {
		snprintf(err, errlen, "%s take one process, not several", what);
		return -EINVAL;
	}
	if (!o->json && !o->fleet.metrics && mm_proclist_check(&o->table, err, errlen)) {
		return -EINVAL;
	}
	return 0;
}

/* --- selection --------------------------------------------------------- */

struct pidset {
	pid_t *v;
	size_t n, alloc;
};

static int pidset_add(struct pidset *s, pid_t pid)
{
	if (s->n == s->alloc) {
		size_t na = s->alloc ? 2 * s->alloc : 256;
		pid_t *nv = reallocarray(s->v, na, sizeof(*nv));

		if (!nv) {
			return -ENOMEM;
		}
		s->v = nv;
		s->alloc = na;
	}
	s->v[s->n++] = pid;
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Sorted, each once, never memmap itself. */
static void pidset_settle(struct pidset *s)
{
	pid_t self = getpid();
	size_t k = 0;

	qsort(s->v, s->n, sizeof(*s->v), cmp_pid);
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i] != self && (k == 0 || s->v[k - 1] != s->v[i])) {
			s->v[k++] = s->v[i];
		}
	}
	s->n = k;
}

/* Whether pid is a kernel thread (PF_KTHREAD in stat's flags, field 9). */
static bool kernel_thread(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long flags = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return false;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		return false;
	}
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* after ")": state(3) ppid pgrp session tty_nr tpgid flags(9) */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %lu", &flags) != 1) {
		return false;
	}
	return flags & PF_KTHREAD;
}

/* Every process but kernel threads. */
static int select_all(struct pidset *s)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int rc = 0;
	pid_t pid;

	if (!d) {
		return -errno;
	}
	while (!rc && (e = readdir(d))) {
		if (mm_parse_pid(e->d_name, &pid) && !kernel_thread(pid)) {
			rc = pidset_add(s, pid);
		}
	}
	closedir(d);
	return rc;
}

/* The processes of the cgroup at dir and of every cgroup below it. */
static int select_cgroup_dir(struct pidset *s, const char *dir, int depth)
{
	char path[4096];
	FILE *f;
	DIR *d;
	struct dirent *e;
	long pid;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f) {
		return -errno;
	}
	while (!rc && fscanf(f, "%ld", &pid) == 1) {
		rc = pidset_add(s, (pid_t)pid);
	}
	fclose(f);
	if (rc || depth > 32 || !(d = opendir(dir))) {
		return rc;
	}
	while (!rc && (e = readdir(d))) {
		if (e->d_type == DT_DIR && e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			rc = select_cgroup_dir(s, path, depth + 1);
			rc = rc == -ENOENT ? 0 : rc;	/* removed meanwhile */
		}
	}
	closedir(d);
	return rc;
}

/* Where cgroup v2 is mounted: /sys/fs/cgroup on a unified system,
 * /sys/fs/cgroup/unified on a hybrid one. */
static void cgroup2_root(char *buf, size_t len)
{
	FILE *f = fopen("/proc/mounts", "re");
	char dev[256], dir[4096], type[64];

	snprintf(buf, len, "%s", CGROUP_ROOT);
	while (f && fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3) {
		if (strcmp(type, "cgroup2") == 0) {
			snprintf(buf, len, "%s", dir);
			break;
		}
	}
	if (f) {
		fclose(f);
	}
}

/* --cgroup PATH: a cgroup's directory (under /sys/fs/cgroup), or its path
 * in the v2 hierarchy as /proc/PID/cgroup writes it
 * ("/system.slice/foo.service"). */
static int select_cgroup(struct pidset *s, const char *arg)
{
	char dir[8192], root[4096];
	struct stat st;
	int rc;

	if (strncmp(arg, CGROUP_ROOT "/", sizeof(CGROUP_ROOT)) == 0 ||
	    strcmp(arg, CGROUP_ROOT) == 0) {
		snprintf(dir, sizeof(dir), "%s", arg);
	} else {
		cgroup2_root(root, sizeof(root));
		snprintf(dir, sizeof(dir), "%s/%s", root, arg + (arg[0] == '/'));
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		mm_err("%s: no such cgroup (looked for %s)", arg, dir);
		return -ENOENT;
	}
	rc = select_cgroup_dir(s, dir, 0);
	if (rc) {
		mm_err("%s: %s", dir, strerror(-rc));
	}
	return rc;
}

/* --user USER: a name or a number.  Returns 0 or -ENOENT (said). */
static int user_uid(const char *user, long *uid)
{
	struct passwd *pw = getpwnam(user);
	char *end;

	if (pw) {
		*uid = (long)pw->pw_uid;
		return 0;
	}
	errno = 0;
	*uid = strtol(user, &end, 10);
	if (isdigit((unsigned char)user[0]) && !*end && !errno) {
		return 0;
	}
	mm_err("%s: no such user", user);
	return -ENOENT;
}

/* A NAME given among several: every process of that name. */
static int select_name(struct pidset *s, const char *name)
{
	pid_t pid, *pids;
	size_t n;
	int rc = mm_proc_find(name, &pid, &pids, &n);

	if (rc == 0) {
		return pidset_add(s, pid);
	}
	if (rc == -EEXIST) {
		rc = 0;
		for (size_t i = 0; !rc && i < n; i++) {
			rc = pidset_add(s, pids[i]);
		}
		free(pids);
		return rc;
	}
	if (rc == -ESRCH) {
		mm_err("%s: no process with that name", name);
	}
	return rc;
}

static int select_pids(const struct mm_fleet_opts *f, struct pidset *s)
{
	int rc = 0;
	pid_t pid;

	for (size_t i = 0; !rc && i < f->ntargets; i++) {
		const char *t = f->targets[i];

		if (mm_parse_pid(t, &pid)) {
			rc = pidset_add(s, pid);
		} else if (strspn(t, "0123456789") == strlen(t)) {
			mm_err("%s: not a valid PID", t);
			return EXIT_USAGE;
		} else {
			rc = select_name(s, t);
		}
	}
	if (!rc && f->cgroup) {
		rc = select_cgroup(s, f->cgroup);
	}
	if (!rc && (f->all || (!f->ntargets && !f->cgroup))) {
		rc = select_all(s);
	}
	if (rc) {
		return rc == -ENOMEM ? (mm_err("%s", strerror(ENOMEM)), EXIT_TARGET)
				     : EXIT_TARGET;
	}
	pidset_settle(s);
	return EXIT_OK;
}

/* --- reading, within a time budget -------------------------------------- */

/* The snapshots are taken on one worker thread, one process at a time,
 * so that a process whose files or memory stall the reader (a hung FUSE or
 * NFS server, a held mmap lock) costs the sweep its budget and no more:
 * the sweep abandons that worker and starts another with an ELF cache of
 * its own; the abandoned one, when the kernel lets it go, frees itself
 * and its cache.  One worker for the whole sweep otherwise: its ELF
 * cache and its mount tables (read/mountinfo.c) serve every process. */
struct worker {
	const struct mm_options *o;
	struct mm_elf_cache *elves;	/* the worker's, freed with it */
	pthread_mutex_t lock;
	pthread_cond_t cv;
	bool has_job, done, quit, abandoned;

	/* the job: pid in; snap, reason, gone out */
	pid_t pid;
	struct mm_snapshot *snap;
	char *reason;
	bool gone;
};

static void worker_free(struct worker *w)
{
	mm_snapshot_destroy(w->snap);
	free(w->reason);
	mm_elf_cache_destroy(w->elves);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cv);
	free(w);
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct mm_snapshot *snap;
	char *reason;
	bool gone;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->has_job && !w->quit) {
			pthread_cond_wait(&w->cv, &w->lock);
		}
		if (!w->has_job) {
			break;
		}
		pthread_mutex_unlock(&w->lock);

		snap = NULL;
		reason = NULL;
		gone = false;
		mm_report_capture(&reason);
		mm_take_target(w->o, w->pid, w->elves, false, &gone, &snap);
		mm_report_capture(NULL);

		pthread_mutex_lock(&w->lock);
		w->snap = snap;
		w->reason = reason;
		w->gone = gone;
		w->has_job = false;
		w->done = true;
		if (w->abandoned) {
			pthread_mutex_unlock(&w->lock);
			worker_free(w);
			return NULL;
		}
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static struct worker *worker_start(const struct mm_options *o, pthread_t *th)
{
	struct worker *w = calloc(1, sizeof(*w));

	if (!w) {
		return NULL;
	}
	w->o = o;
	w->elves = mm_elf_cache_create();
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (!w->elves || pthread_create(th, NULL, worker_run, w)) {
		worker_free(w);
		return NULL;
	}
	return w;
}

/* Asks the idle worker to stop, and frees it. */
static void worker_stop(struct worker *w, pthread_t th)
{
	pthread_mutex_lock(&w->lock);
	w->quit = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->lock);
	pthread_join(th, NULL);
	worker_free(w);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* "4242: permission denied ..." → "permission denied ...". */
static char *strip_pid(char *msg, pid_t pid)
{
	char prefix[24];
	size_t n = (size_t)snprintf(prefix, sizeof(prefix), "%d: ", (int)pid);

	if (msg && strncmp(msg, prefix, n) == 0) {
		memmove(msg, msg + n, strlen(msg + n) + 1);
	}
	return msg;
}

/* Reads row's process on the worker *w within the budget; a worker that
 * runs over it is abandoned and *w set to NULL (the caller starts another).
 * Returns 0 or -ENOMEM. */
static int read_row(const struct mm_options *o, struct mm_fleet_row *row,
		    struct worker **wp)
{
	struct worker *w = *wp;
	uint64_t start = now_ms();
	struct timespec deadline;
	bool done;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += o->fleet.budget_ms / 1000;
	deadline.tv_nsec += (long)(o->fleet.budget_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&w->lock);
	w->pid = row->pid;
	w->has_job = true;
	w->done = false;
	pthread_cond_broadcast(&w->cv);
	while (!w->done) {
		if (pthread_cond_timedwait(&w->cv, &w->lock, &deadline) == ETIMEDOUT) {
			break;
		}
	}
	done = w->done;
	w->abandoned = !done;
	pthread_mutex_unlock(&w->lock);
	row->elapsed_ms = now_ms() - start;

	if (!done) {
		*wp = NULL;	/* it frees itself when it returns */
		row->timeout = true;
		if (asprintf(&row->reason, "over the time budget of %u ms: "
			     "skipped (see --budget)", o->fleet.budget_ms) < 0) {
			row->reason = NULL;
		}
		return 0;
	}
	row->gone = w->gone;
	row->snap = w->snap;
	w->snap = NULL;
	if (row->gone) {
		/* its status unread before the snapshot: it was never there */
		row->reason = strdup(row->identity.uid < 0 ? "no such process"
							     : "the process exited");
	} else if (row->snap && row->snap->nwarnings) {
		row->reason = strdup(row->snap->warnings[0]);
	} else {
		row->reason = strip_pid(w->reason, row->pid);
		w->reason = NULL;
	}
	free(w->reason);
	w->reason = NULL;
	if (row->snap) {
		mm_identity_finish(&row->snap->identity);
		row->snap->identity = row->identity;
		row->identity = (struct mm_identity){ .uid = -1 };
		row->uss = row->snap->totals.private_clean + row->snap->totals.private_dirty;
	}
	return 0;
}

static int sweep(const struct mm_options *o, const struct pidset *s,
		 struct mm_fleet *f, long uid)
{
	struct worker *w = NULL;
	pthread_t th;
	int rc = 0;

	for (size_t i = 0; !rc && i < s->n; i++) {
		struct mm_identity id;
		struct mm_fleet_row *row;
		char *comm;

		rc = mm_identity_read(NULL, s->v[i], &id, &comm);
		if (rc || (uid >= 0 && id.uid != uid)) {
			mm_identity_finish(&id);
			free(comm);
			continue;
		}
		row = mm_fleet_add(f, s->v[i]);
		if (!row) {
			mm_identity_finish(&id);
			free(comm);
			rc = -ENOMEM;
			break;
		}
		row->identity = id;
		row->comm = comm;
		if (!w && !(w = worker_start(o, &th))) {
			rc = -ENOMEM;
			break;
		}
		rc = read_row(o, row, &w);
		if (!w) {
			pthread_detach(th);
		}
	}
	if (w) {
		worker_stop(w, th);
	}
	return rc;
}

/* --- output --------------------------------------------------------------- */

static int print(const struct mm_options *o, const struct mm_fleet *f, FILE *out)
{
	int rc;

	if (o->fleet.metrics) {
		rc = mm_metrics_write(out, f, o->fleet.per_pid);
	} else if (o->json) {
		rc = mm_json_write_fleet(out, f, o->table.summary);
	} else {
		rc = mm_proclist_print(out, f, &o->table);
		if (rc == -ENOMEM) {
			mm_err("%s", strerror(ENOMEM));
			return EXIT_TARGET;
		}
	}
	if (!rc) {
		rc = mm_output_flush(out);
	}
	return rc ? rc : 0;
}

/* Writes to a temporary file beside path, then renames it over path: a
 * reader (node_exporter's textfile collector) sees the old file or the
 * new one, never half of one. */
static int print_atomically(const struct mm_options *o, const struct mm_fleet *f,
			    const char *path)
{
	char *copy = strdup(path), *tmp = NULL;
	const char *base;
	FILE *out = NULL;
	int fd = -1, rc = 0;

	if (!copy) {
		return -ENOMEM;
	}
	base = strrchr(path, '/');
	if (asprintf(&tmp, "%.*s.%s.XXXXXX", base ? (int)(base - path + 1) : 0, path,
		     base ? base + 1 : path) < 0) {
		tmp = NULL;
		rc = -ENOMEM;
		goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0 || fchmod(fd, 0644) < 0 || !(out = fdopen(fd, "w"))) {
		rc = -errno;
		goto out;
	}
	fd = -1;
	rc = print(o, f, out);
	if (rc > 0) {
		goto out;
	}
	if (!rc && fsync(fileno(out)) < 0) {
		rc = -errno;
	}
	if (!rc) {
		rc = mm_output_close(out);
		out = NULL;
	}
	if (!rc && rename(tmp, path) < 0) {
		rc = -errno;
	}
out:
	if (out) {
		fclose(out);
	}
	if (fd >= 0) {
		close(fd);
	}
	if (rc && tmp) {
		unlink(tmp);
	}
	free(tmp);
	free(copy);
	return rc;
}

static char *rfc3339_now(void)
{
	time_t t = time(NULL);
	struct tm tm;
	char buf[32];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return strdup(buf);
}

int mm_fleet_main(const struct mm_options *o)
{
	struct mm_fleet f = { .budget_ms = o->fleet.budget_ms };
	struct pidset s = { 0 };
	char host[256] = "";
	long uid = -1;
	int status, rc;

	if (o->fleet.user && user_uid(o->fleet.user, &uid)) {
		return EXIT_USAGE;
	}
	status = select_pids(&o->fleet, &s);
	if (status != EXIT_OK) {
		free(s.v);
		return status;
	}
	gethostname(host, sizeof(host) - 1);
	f.hostname = strdup(host);
	f.time = rfc3339_now();
	rc = sweep(o, &s, &f, uid);
	free(s.v);
	if (rc) {
		mm_err("%s", strerror(-rc));
		mm_fleet_clear(&f);
		return EXIT_TARGET;
	}
	mm_fleet_finish(&f);

	status = EXIT_OK;
	for (size_t i = 0; i < f.nrows; i++) {
		if (!f.rows[i].gone && f.rows[i].reason) {
			status = EXIT_PARTIAL;
		}
	}
	if (!f.nrows) {
		mm_err("no process matches");
		status = EXIT_TARGET;
	} else if (!f.read) {
		status = EXIT_TARGET;
	}

	if (o->fleet.output_file) {
		rc = print_atomically(o, &f, o->fleet.output_file);
	} else {
		if (!isatty(STDOUT_FILENO)) {
			static char outbuf[256 * 1024];

			setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
		}
		rc = print(o, &f, stdout);
	}
	if (rc > 0) {
		status = rc;
	} else if (rc < 0) {
		mm_err("%s: write error: %s", o->fleet.output_file ? o->fleet.output_file
			: "standard output", strerror(-rc));
		status = EXIT_OUTPUT;
	}
	mm_fleet_clear(&f);
	return status;
}
