/* diff_cmd.c: --diff A B and --watch SECONDS (and --save beside --diff).
 * Each side of a diff is a snapshot file (read by diff/snapshot_load.c) or
 * a live PID (taken by target.c, as the single view takes it); the diff is
 * printed as tables (diff/table_diff.c) or memmap-diff/1 JSON (diff/diff.c). */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/diff_cmd.h"
#include "cli/exit.h"
#include "cli/save.h"
#include "cli/target.h"
#include "diff/diff.h"
#include "diff/snapshot_load.h"
#include "emit/json_out.h"
#include "read/proc.h"
#include "util/output.h"
#include "util/report.h"

int mm_diff_parse_interval(const char *arg, unsigned int *ms)
{
	char *end;
	double s;

	errno = 0;
	s = strtod(arg, &end);
	if (end == arg || *end || errno || !isfinite(s) || s < 0.1 || s > 86400) {
		return -EINVAL;
	}
	*ms = (unsigned int)lround(s * 1000);
	return 0;
}

int mm_diff_check(const struct mm_options *o, char *err, size_t errlen)
{
	const struct mm_diff_opts *d = &o->diff;
	const struct mm_table_opts *t = &o->table;

	if (d->watch_prev && !d->watch_ms) {
		snprintf(err, errlen, "--watch-prev goes with --watch");
		return -EINVAL;
	}
	if (d->threshold && !mm_diff_wanted(d)) {
		snprintf(err, errlen, "--threshold goes with --diff or --watch");
		return -EINVAL;
	}
	if (!mm_diff_wanted(d)) {
		return 0;
	}
	if (d->against && d->watch_ms) {
		snprintf(err, errlen, "--diff and --watch cannot be combined");
		return -EINVAL;
	}
	if (d->save && d->watch_ms) {
		snprintf(err, errlen, "--save takes one snapshot; it cannot be combined "
			 "with --watch");
		return -EINVAL;
	}
	if (t->output || t->sort || t->summary || t->mappings) {
		snprintf(err, errlen, "--output, --sort, --summary and --mappings apply "
			 "to one snapshot, not to --diff or --watch");
		return -EINVAL;
	}
	return 0;
}

/* One side of --diff: a PID, or a snapshot file.  *source is the file name,
 * or NULL for a live snapshot. */
static int take_side(const struct mm_options *o, struct mm_elf_cache *elves,
		     const char *arg, struct mm_snapshot **out, const char **source)
{
	pid_t pid;
	char *msg;
	int rc;

	if (mm_parse_pid(arg, &pid)) {
		*source = NULL;
		return mm_take_target(o, pid, elves, true, NULL, out);
	}
	/* A process name, as memmap NAME takes one, when no such file is
	 * there: a file always wins, and ./NAME forces one. */
	if (!o->proc_root && !strchr(arg, '/') && access(arg, F_OK) != 0 &&
	    errno == ENOENT) {
		pid_t *pids = NULL;
		size_t n = 0;

		rc = mm_proc_find(arg, &pid, &pids, &n);
		free(pids);
		if (rc == 0) {
			*source = NULL;
			return mm_take_target(o, pid, elves, true, NULL, out);
		}
		if (rc == -EEXIST) {
			mm_err("%s: no such file, and %zu processes have that name; "
			       "give a PID", arg, n);
			return EXIT_TARGET;
		}
	}
	*source = arg;
	rc = mm_snapshot_load(arg, out, &msg);
	if (rc) {
		mm_err("%s", msg ? msg : strerror(-rc));
		free(msg);
		return EXIT_TARGET;
	}
	return EXIT_OK;
}

static int print_diff(const struct mm_diff *df, bool json, bool compact,
		      const struct mm_table_opts *t)
{
	int rc;

	if (json) {
		rc = mm_diff_print_json(df, stdout, compact);
	} else {
		rc = mm_table_print_diff(stdout, df, t);
		if (rc == -ENOMEM) {
			mm_err("%s", strerror(ENOMEM));
			return EXIT_TARGET;
		}
		rc = mm_output_flush(stdout);
	}
	if (rc) {
		mm_err("write error: %s", strerror(-rc));
		return EXIT_OUTPUT;
	}
	return EXIT_OK;
}

static int run_diff(const struct mm_options *o)
{
	const struct mm_diff_opts *d = &o->diff;
	struct mm_elf_cache *elves = mm_elf_cache_create();
	struct mm_snapshot *before = NULL, *after = NULL;
	struct mm_diff *df = NULL;
	const char *src_before, *src_after;
	int status, s;

	if (!elves) {
		mm_err("%s", strerror(ENOMEM));
		return EXIT_TARGET;
	}
	status = take_side(o, elves, d->against, &before, &src_before);
	if (status == EXIT_TARGET) {
		goto out;
	}
	s = take_side(o, elves, o->target, &after, &src_after);
	if (s == EXIT_TARGET) {
		status = s;
		goto out;
	}
	status = s > status ? s : status;
	if (d->save) {
		if (src_after) {
			mm_err("--save: %s is a file, not a live snapshot to save",
			       o->target);
			status = EXIT_USAGE;
			goto out;
		}
		s = mm_save(d->save, mm_json_write_snapshot, after);
		if (s != EXIT_OK) {
			status = s;
			goto out;
		}
	}
	if (mm_diff_compute(before, after, d->threshold, &df)) {
		mm_err("%s", strerror(ENOMEM));
		status = EXIT_TARGET;
		goto out;
	}
	df->before_source = src_before;
	df->after_source = src_after;
	mm_warn_all(df->warnings, df->nwarnings);
	s = print_diff(df, o->json, false, &o->table);
	status = s != EXIT_OK ? s : status;
out:
	mm_diff_destroy(df);
	mm_snapshot_destroy(before);
	mm_snapshot_destroy(after);
	mm_elf_cache_destroy(elves);
	return status;
}

/* ---------------------------------------------------------------- watch */

static void add_ms(struct timespec *t, unsigned int ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000;
	if (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

/* Sleeps until deadline (CLOCK_MONOTONIC) unless one of sigs arrives.
 * Returns true when a signal asked us to stop. */
static bool wait_until(const struct timespec *deadline, const sigset_t *sigs)
{
	for (;;) {
		struct timespec now, left;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = deadline->tv_sec - now.tv_sec;
		left.tv_nsec = deadline->tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000;
		}
		if (left.tv_sec < 0) {
			return false;
		}
		if (sigtimedwait(sigs, NULL, &left) > 0) {
			return true;
		}
		if (errno == EAGAIN) {
			return false;
		}
		/* EINTR: some other signal; keep waiting. */
	}
}

static int run_watch(const struct mm_options *o)
{
	const struct mm_diff_opts *d = &o->diff;
	bool json = o->json;
	struct mm_elf_cache *elves = mm_elf_cache_create();
	struct mm_snapshot *base = NULL, *cur = NULL;
	bool redraw = !json && isatty(STDOUT_FILENO);
	bool gone = false;
	struct timespec next;
	unsigned long sample = 0;
	sigset_t sigs;
	pid_t pid;
	int status;

	if (!elves) {
		mm_err("%s", strerror(ENOMEM));
		return EXIT_TARGET;
	}
	status = mm_resolve_target(o->target, o->proc_root, &pid);
	if (status != EXIT_OK) {
		goto out;
	}
	/* Ctrl-C and SIGTERM end the watch between samples, cleanly. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);

	status = mm_take_target(o, pid, elves, true, NULL, &base);
	if (status == EXIT_TARGET) {
		goto out;
	}
	status = EXIT_OK;
	if (!json) {
		/* Something to look at until the first diff. */
		printf("memmap --watch: first sample of pid %d taken at %s; the "
		       "changes every %.1fs (Ctrl-C ends)\n%s", (int)pid,
		       base->time ? base->time : "?", d->watch_ms / 1000.0,
		       redraw ? "" : "\n");
		fflush(stdout);
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		struct mm_diff *df;
		struct timespec now;
		int s;

		add_ms(&next, d->watch_ms);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > next.tv_sec ||
		    (now.tv_sec == next.tv_sec && now.tv_nsec > next.tv_nsec)) {
			next = now;	/* a sample took longer than the interval */
		}
		if (wait_until(&next, &sigs)) {
			break;
		}
		s = mm_take_target(o, pid, elves, false, &gone, &cur);
		if (gone) {
			mm_err("%d: the process exited", (int)pid);
			break;
		}
		if (s == EXIT_TARGET) {
			status = s;
			break;
		}
		sample++;
		if (mm_diff_compute(base, cur, d->threshold, &df)) {
			mm_err("%s", strerror(ENOMEM));
			status = EXIT_TARGET;
			break;
		}
		if (redraw) {
			/* Home and clear: the new diff replaces the old. */
			fputs("\033[H\033[2J", stdout);
		}
		if (!json) {
			printf("memmap --watch: sample %lu, every %.1fs, against the %s "
			       "sample (Ctrl-C ends)\n\n", sample, d->watch_ms / 1000.0,
			       d->watch_prev ? "previous" : "first");
		}
		s = print_diff(df, json, true, &o->table);
		if (!json && !redraw) {
			putc('\n', stdout);
			fflush(stdout);
		}
		mm_diff_destroy(df);
		if (s != EXIT_OK) {
			status = s;
			break;
		}
		if (d->watch_prev) {
			mm_snapshot_destroy(base);
			base = cur;
		} else {
			mm_snapshot_destroy(cur);
		}
		cur = NULL;
	}
out:
	mm_snapshot_destroy(base);
	mm_snapshot_destroy(cur);
	mm_elf_cache_destroy(elves);
	return status;
}

int mm_diff_main(const struct mm_options *o)
{
	if (o->diff.watch_ms) {
		return run_watch(o);
	}
	return run_diff(o);
}
