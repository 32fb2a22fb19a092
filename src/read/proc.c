/* proc.c: the process reader.  Facts come from libproc2 (status), the
 * mappings from /proc/PID/smaps in one streaming pass through the parser. */
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

/* status through libproc2; kB values become bytes. */
static int read_status(struct mm_target *t, struct mm_snapshot *snap)
{
	enum item { CMD, STATE, NLWP, VM_SIZE, VM_RSS, RSS_ANON, RSS_FILE,
		    RSS_SHMEM, VM_SWAP, FLAGS };
	enum pids_item items[] = {
		[CMD] = PIDS_CMD, [STATE] = PIDS_STATE, [NLWP] = PIDS_NLWP,
		[FLAGS] = PIDS_FLAGS,
		[VM_SIZE] = PIDS_VM_SIZE, [VM_RSS] = PIDS_VM_RSS,
		[RSS_ANON] = PIDS_VM_RSS_ANON, [RSS_FILE] = PIDS_VM_RSS_FILE,
		[RSS_SHMEM] = PIDS_VM_RSS_SHARED, [VM_SWAP] = PIDS_VM_SWAP,
	};
	struct pids_info *info = NULL;
	struct pids_fetch *f;
	unsigned int pid = (unsigned int)t->pid;
	struct mm_status *st = &snap->status;
	int rc = 0;

	if (procps_pids_new(&info, items, sizeof(items) / sizeof(items[0])) < 0) {
		return -ENOMEM;
	}
	f = procps_pids_select(info, &pid, 1, PIDS_SELECT_PID);
	if (!f || f->counts->total < 1) {
		rc = -ESRCH;
		goto out;
	}
	struct pids_stack *s = f->stacks[0];

#define UL(i) ((uint64_t)PIDS_VAL(i, ul_int, s, info) * 1024)
	st->has_status = true;
	st->state = PIDS_VAL(STATE, s_ch, s, info);
	st->kernel_thread = PIDS_VAL(FLAGS, ul_int, s, info) & PF_KTHREAD;
	st->threads = (unsigned long)PIDS_VAL(NLWP, s_int, s, info);
	st->vm_size = UL(VM_SIZE);
	st->vm_rss = UL(VM_RSS);
	st->rss_anon = UL(RSS_ANON);
	st->rss_file = UL(RSS_FILE);
	st->rss_shmem = UL(RSS_SHMEM);
	st->vm_swap = UL(VM_SWAP);
#undef UL
	snap->comm = strdup(PIDS_VAL(CMD, str, s, info));
	if (!snap->comm) {
		rc = -ENOMEM;
	}
out:
	procps_pids_unref(&info);
	return rc;
}

/* A captured tree has no libproc2 behind it: take its comm file, if any. */
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
	struct stat st;
	ssize_t n;

	if (asprintf(&link, "%s/exe", t->dir) < 0) {
		return -ENOMEM;
	}
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		snap->exe = strdup(buf);
	}
	if (stat(link, &st) == 0) {
		snap->exe_dev = st.st_dev;
		snap->exe_inode = st.st_ino;
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

/* Streams smaps through the parser: a fixed buffer, lines cut in place. */
static int read_smaps(struct mm_target *t, struct mm_snapshot *snap,
		      unsigned long *lineno)
{
	enum { BUFSZ = 256 * 1024 };
	struct mm_smaps_parser parser;
	char *buf = malloc(BUFSZ);
	size_t have = 0;
	int fd, rc = 0;

	if (!buf) {
		return -ENOMEM;
	}
	fd = mm_target_open(t, "smaps", O_RDONLY);
	if (fd < 0) {
		free(buf);
		return fd == -ENOENT ? -ESRCH : fd;
	}
	mm_smaps_init(&parser, snap);
	for (;;) {
		ssize_t n = read(fd, buf + have, BUFSZ - have);
		char *line = buf, *nl;

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			rc = errno == ESRCH ? -ESRCH : -errno;
			break;
		}
		if (n == 0) {
			if (have) {	/* a last line without its newline */
				rc = mm_smaps_feed(&parser, buf, have);
			}
			break;
		}
		have += (size_t)n;
		while ((nl = memchr(line, '\n', have - (size_t)(line - buf)))) {
			rc = mm_smaps_feed(&parser, line, (size_t)(nl - line));
			if (rc) {
				goto out;
			}
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		if (have == BUFSZ) {	/* one line longer than the buffer */
			rc = -EINVAL;
			parser.lineno++;
			break;
		}
		memmove(buf, line, have);
	}
out:
	if (rc == -EINVAL) {
		*lineno = parser.lineno;
		rc = -EBADMSG;
	}
	close(fd);
	free(buf);
	return rc;
}

int mm_proc_read(struct mm_target *t, struct mm_snapshot *snap,
		 unsigned long *lineno)
{
	int rc;

	snap->pid = t->pid;
	rc = t->captured ? read_captured_facts(t, snap) : read_status(t, snap);
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
