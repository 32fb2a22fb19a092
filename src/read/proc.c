/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proc.c: the process reader.  Facts come from stat and status (libproc2
 * finds processes by name), the mappings from /proc/PID/smaps in one
 * streaming pass through the parser. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <libproc2/pids.h>

#include "read/proc.h"
#include "read/smaps.h"
#include "util/page.h"

#define PF_KTHREAD 0x00200000	/* include/linux/sched.h */

int mm_proc_find(const char *name, pid_t *pid, pid_t **pids, size_t *npids)
{
	enum pids_item items[] = { PIDS_ID_PID, PIDS_CMD };
	struct pids_info *info = NULL;
	struct pids_fetch *f;
	pid_t self = getpid();
	int rc = -ESRCH;

	*pids = NULL;
	*npids = 0;
	if (procps_pids_new(&info, items, 2) < 0) {
		return -ENOMEM;
	}
	f = procps_pids_reap(info, PIDS_FETCH_TASKS_ONLY);
	for (int i = 0; f && i < f->counts->total; i++) {
		struct pids_stack *s = f->stacks[i];
		pid_t p = PIDS_VAL(0, s_int, s, info);
		pid_t *more;

		if (p == self || strcmp(PIDS_VAL(1, str, s, info), name) != 0) {
			continue;
		}
		more = reallocarray(*pids, *npids + 1, sizeof(**pids));
		if (!more) {
			rc = -ENOMEM;
			goto out;
		}
		*pids = more;
		(*pids)[(*npids)++] = p;
	}
	if (*npids == 1) {
		*pid = (*pids)[0];
		rc = 0;
	} else if (*npids > 1) {
		rc = -EEXIST;
	}
out:
	if (rc != -EEXIST) {
		free(*pids);
		*pids = NULL;
	}
	procps_pids_unref(&info);
	return rc;
}

/* "\nField:   1234 kB" of status in bytes, or 0 when absent.  Every
 * field but Name starts a line, and Name's newlines are escaped. */
static uint64_t status_kb(const char *status, const char *field)
{
	const char *p = strstr(status, field);
	unsigned long long kb;

	if (!p || sscanf(p + strlen(field), "%llu", &kb) != 1) {
		return 0;
	}
	return (uint64_t)kb * 1024;
}

/* The facts of stat (state, flags, threads, command name) and of status
 * (kB values become bytes), each file read once: reading them through
 * libproc2 read status twice and stat again, a process at a time, and
 * refused every process after the 250th of a sweep. */
static int read_status(struct mm_target *t, const char *stat, struct mm_snapshot *snap)
{
	/* after ")": state(3) ... flags(9) ... num_threads(20) */
	const char *lp = strchr(stat, '('), *rp = strrchr(stat, ')');
	struct mm_status *st = &snap->status;
	unsigned long flags = 0, threads = 0;
	char status[16384];	/* Groups: may be long; Vm* come after */
	int fd = mm_target_open(t, "status", O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		return fd == -ENOMEM ? fd : -ESRCH;
	}
	n = read(fd, status, sizeof(status) - 1);	/* one read: single_open text */
	close(fd);
	if (n <= 0 || !lp || !rp || rp < lp ||
	    sscanf(rp + 2, "%*c %*d %*d %*d %*d %*d %lu %*u %*u %*u %*u %*u %*u "
		   "%*d %*d %*d %*d %lu", &flags, &threads) != 2) {
		return -ESRCH;
	}
	status[n] = '\0';
	st->has_status = true;
	st->state = rp[2];
	st->kernel_thread = flags & PF_KTHREAD;
	st->threads = threads;
	st->vm_size = status_kb(status, "\nVmSize:");
	st->vm_rss = status_kb(status, "\nVmRSS:");
	st->rss_anon = status_kb(status, "\nRssAnon:");
	st->rss_file = status_kb(status, "\nRssFile:");
	st->rss_shmem = status_kb(status, "\nRssShmem:");
	st->vm_swap = status_kb(status, "\nVmSwap:");
	st->hugetlb_pages = status_kb(status, "\nHugetlbPages:");
	snap->comm = strndup(lp + 1, (size_t)(rp - lp - 1));
	return snap->comm ? 0 : -ENOMEM;
}

/* smaps leaves hugetlb pages out of Rss (and Pss) and lists them apart;
 * they are resident all the same.  Counted in: RSS gets both kinds, PSS
 * the private ones (the kernel does not say how many share the others). */
static void count_hugetlb(struct mm_snapshot *snap)
{
	for (size_t i = 0; i < snap->nmappings; i++) {
		struct mm_counters *c = &snap->mappings[i].c;

		c->rss += c->shared_huge + c->private_huge;
		c->pss += c->private_huge;
	}
}

/* A captured tree's facts: its comm file, if any. */
static int read_captured_facts(struct mm_target *t, struct mm_snapshot *snap)
{
	char buf[64] = "";
	int fd = mm_target_open(t, "comm", O_RDONLY);

	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		close(fd);
	}
	snap->comm = strdup(buf);
	return snap->comm ? 0 : -ENOMEM;
}

static int read_exe(struct mm_target *t, struct mm_snapshot *snap)
{
	char *link, buf[PATH_MAX];
	struct statx stx;
	ssize_t n;

	if (asprintf(&link, "%s/exe", t->dir) < 0) {
		return -ENOMEM;
	}
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		snap->exe = strdup(buf);
	}
	/* The cached attributes only: a FUSE or NFS server is never asked.
	 * The liveness check read them a moment ago. */
	if (snap->liveness.known) {
		snap->exe_dev = snap->liveness.exe_dev;
		snap->exe_inode = snap->liveness.exe_inode;
	} else if (statx(AT_FDCWD, link, AT_STATX_DONT_SYNC, STATX_INO, &stx) == 0) {
		snap->exe_dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
		snap->exe_inode = stx.stx_ino;
	}
	free(link);
	return n > 0 && !snap->exe ? -ENOMEM : 0;
}

static int read_system(struct mm_snapshot *snap)
{
	struct utsname u;
	struct tm tm;
	time_t now = time(NULL);
	char buf[32];

	snap->page_size = mm_page_size(0);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	snap->time = strdup(buf);
	snap->kernel = strdup(uname(&u) == 0 ? u.release : "");
	return snap->time && snap->kernel ? 0 : -ENOMEM;
}

enum { BUFSZ = 256 * 1024 };

static ssize_t read_fd(void *ctx, char *buf, size_t len)
{
	ssize_t n;

	do {
		n = read(*(int *)ctx, buf, len);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/* Streams smaps through the parser. */
static int read_smaps(struct mm_target *t, struct mm_snapshot *snap,
		      unsigned long *lineno)
{
	struct mm_smaps_parser parser;
	int fd, rc;

	fd = mm_target_open(t, "smaps", O_RDONLY);
	if (fd < 0) {
		return fd == -ENOENT ? -ESRCH : fd;
	}
	mm_smaps_init(&parser, snap);
	rc = mm_smaps_stream(&parser, read_fd, &fd, BUFSZ);
	if (rc == -EINVAL) {
		*lineno = parser.lineno;
		rc = -EBADMSG;
	}
	close(fd);
	return rc;
}

/* The fields of /proc/PID/stat after the command name, by their number in
 * proc(5): field n is words[n - 3]. */
enum { STAT_STATE = 3, STAT_START_TIME = 22, STAT_START_CODE = 26,
       STAT_END_CODE = 27, STAT_START_STACK = 28, STAT_START_BRK = 47,
       STAT_ARG_START = 48, STAT_ENV_START = 50, STAT_LAST = 52 };

static int parse_stat(char *text, struct mm_liveness *id)
{
	static const int image[] = { STAT_START_CODE, STAT_END_CODE, STAT_START_STACK,
				     STAT_START_BRK, STAT_ARG_START, STAT_ENV_START };
	unsigned long long v[STAT_LAST + 1] = { 0 };
	char *s = strrchr(text, ')'), *end;
	int n;

	if (!s || s[1] != ' ' || !s[2]) {
		return -EBADMSG;
	}
	id->state = s[2];
	s += 3;
	/* Older kernels print fewer fields: those stay 0 before and after. */
	for (n = STAT_STATE + 1; n <= STAT_LAST && *s; n++) {
		v[n] = strtoull(s, &end, 10);
		if (end == s) {
			break;
		}
		s = end;
	}
	if (n <= STAT_START_TIME) {
		return -EBADMSG;
	}
	id->start_time = v[STAT_START_TIME];
	for (size_t i = 0; i < sizeof(image) / sizeof(image[0]); i++) {
		id->image[i] = v[image[i]];
	}
	return 0;
}

/* mm_proc_liveness, leaving stat's text in buf (len bytes). */
static int liveness(const struct mm_target *t, struct mm_liveness *id, char *buf, size_t len)
{
	char *link;
	struct statx stx;
	ssize_t n;
	int fd, rc;

	*id = (struct mm_liveness){ 0 };
	buf[0] = '\0';
	fd = mm_target_open(t, "stat", O_RDONLY);
	if (fd < 0) {
		return fd == -ENOENT && t->captured ? -ENOENT : -ESRCH;
	}
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0) {
		return -ESRCH;	/* reaped between open and read */
	}
	buf[n] = '\0';
	rc = parse_stat(buf, id);
	if (rc) {
		return rc;
	}
	if (asprintf(&link, "%s/exe", t->dir) < 0) {
		return -ENOMEM;
	}
	/* Cached attributes: a FUSE or NFS server is never asked. */
	if (statx(AT_FDCWD, link, AT_STATX_DONT_SYNC, STATX_INO, &stx) == 0) {
		id->exe_dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
		id->exe_inode = stx.stx_ino;
	}
	free(link);
	id->known = true;
	return 0;
}

int mm_proc_liveness(const struct mm_target *t, struct mm_liveness *id)
{
	char buf[2048];

	return liveness(t, id, buf, sizeof(buf));
}

static bool has_image(const struct mm_liveness *id)
{
	for (size_t i = 0; i < sizeof(id->image) / sizeof(id->image[0]); i++) {
		if (id->image[i]) {
			return true;
		}
	}
	return id->exe_inode != 0;
}

int mm_liveness_compare(const struct mm_liveness *before, const struct mm_liveness *now)
{
	if (!before->known || !now->known) {
		return 0;
	}
	if (now->start_time != before->start_time) {
		return -ESRCH;		/* its PID is another process's now */
	}
	if ((now->state == 'Z' || now->state == 'X') && before->state != 'Z') {
		return -ESRCH;
	}
	/* Exiting: the address space and the exe are released before the
	 * state says zombie. */
	if (has_image(before) && !has_image(now)) {
		return -ESRCH;
	}
	if (now->exe_dev != before->exe_dev || now->exe_inode != before->exe_inode ||
	    memcmp(now->image, before->image, sizeof(now->image)) != 0) {
		return -ESTALE;
	}
	return 0;
}

int mm_proc_same(const struct mm_target *t, const struct mm_liveness *before)
{
	struct mm_liveness now;
	int rc;

	if (!before->known) {
		return mm_target_alive(t) ? 0 : -ESRCH;
	}
	rc = mm_proc_liveness(t, &now);
	if (rc) {
		return rc == -ENOMEM ? rc : -ESRCH;
	}
	return mm_liveness_compare(before, &now);
}

int mm_proc_read(struct mm_target *t, struct mm_snapshot *snap,
		 unsigned long *lineno)
{
	char stat[2048];
	int rc;

	snap->pid = t->pid;
	rc = liveness(t, &snap->liveness, stat, sizeof(stat));
	if (rc == -ENOENT || rc == -EBADMSG) {
		rc = 0;		/* a captured tree without (a usable) stat */
	}
	if (!rc) {
		rc = t->captured ? read_captured_facts(t, snap) : read_status(t, stat, snap);
	}
	if (!rc) {
		rc = read_exe(t, snap);
	}
	if (!rc) {
		rc = read_system(snap);
	}
	/* A process changing its mappings while the kernel prints them can
	 * show an entry overlapping the one before: read again. */
	for (int attempt = 1; !rc; attempt++) {
		mm_snapshot_clear_mappings(snap);
		rc = read_smaps(t, snap, lineno);
		if (rc != -EBADMSG || t->captured || attempt == 3) {
			break;
		}
		rc = 0;
	}
	if (rc) {
		return rc;
	}
	count_hugetlb(snap);
	/* A process that exited mid-read leaves a truncated list behind. */
	if (!mm_target_alive(t)) {
		return -ESRCH;
	}
	if (snap->nmappings == 0) {
		/* No address space: a kernel thread or a zombie says so; any
		 * other process is exiting right now. */
		bool none = t->captured || snap->status.kernel_thread ||
			    snap->status.state == 'Z';

		return none ? -ENOENT : -ESRCH;
	}
	return 0;
}
