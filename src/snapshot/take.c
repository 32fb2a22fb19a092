/* take.c: a snapshot from a live (or captured) process: the phases read →
 * probe → label (mm_classify) → residency → sums, and the one-line reasons
 * when they fail. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "label/classify.h"
#include "util/format.h"
#include "read/proc.h"
#include "read/residency.h"
#include "snapshot/take.h"

static void report_read_error(const struct mm_snapshot *snap, pid_t pid, int rc,
			      unsigned long lineno)
{
	int p = (int)pid;

	switch (rc) {
	case -ESRCH:
		if (snap->status.has_status) {	/* it was there a moment ago */
			fprintf(stderr, "memmap: %d: the process exited while being read\n", p);
		} else {
			fprintf(stderr, "memmap: %d: no such process\n", p);
		}
		break;
	case -EACCES:
	case -EPERM:
		fprintf(stderr, "memmap: %d: permission denied reading its mappings "
			"(run as root or as the process's user)\n", p);
		break;
	case -ENOENT:
		if (snap->status.state == 'Z' && !snap->status.kernel_thread) {
			fprintf(stderr, "memmap: %d: zombie process: it has no memory left "
				"(its parent has not reaped it)\n", p);
		} else if (snap->status.kernel_thread) {
			fprintf(stderr, "memmap: %d: kernel thread: it has no user address "
				"space\n", p);
		} else {
			fprintf(stderr, "memmap: %d: no mappings\n", p);
		}
		break;
	case -EBADMSG:
		fprintf(stderr, "memmap: %d: smaps line %lu is malformed\n", p, lineno);
		break;
	default:
		fprintf(stderr, "memmap: %d: %s\n", p, strerror(-rc));
		break;
	}
}

int mm_snapshot_take(const struct mm_take *o, pid_t pid, struct mm_elf_cache *elves,
		     struct mm_snapshot **out, bool *gone)
{
	struct mm_target target = { .mem_fd = -1 };
	struct mm_snapshot *snap = mm_snapshot_create();
	struct mm_elf_cache *own = elves ? NULL : mm_elf_cache_create();
	struct mm_pagemap pm = { .fd = -1 };
	struct mm_classify ctx = {
		.snap = snap, .target = &target, .elves = elves ? elves : own,
		.pm = &pm, .debug = o->debug || mm_debug_from_env(),
	};
	unsigned long lineno = 0;
	int rc, status = EXIT_TARGET;

	*out = NULL;
	if (gone) {
		*gone = false;
	}
	rc = !snap || !ctx.elves ? -ENOMEM : mm_target_init(&target, o->proc_root, pid);
	target.no_mem = o->no_mem;
	if (!rc) {
		rc = mm_proc_read(&target, snap, &lineno);
	}
	/* One pagemap reader for the labellers and the residency alike. */
	if (!rc) {
		rc = mm_pagemap_open(&pm, &target, mm_snapshot_page_size(snap));
	}
	if (!rc) {
		rc = mm_classify(&ctx);
		status = rc > 0 ? EXIT_PARTIAL : EXIT_OK;
	}
	if (rc >= 0) {
		mm_residency_measure(&pm, snap);
	}
	/* Files it mapped, its memory, its threads: all gone with it. */
	if (rc >= 0 && !mm_target_alive(&target)) {
		rc = -ESRCH;
	}
	if (rc < 0) {
		status = EXIT_TARGET;
		if (o->quiet_gone && gone && (rc == -ESRCH || rc == -ENOENT)) {
			*gone = true;
		} else if (rc == -ENOMEM || !snap) {
			fprintf(stderr, "memmap: %d: %s\n", (int)pid, strerror(ENOMEM));
		} else {
			report_read_error(snap, pid, rc, lineno);
		}
		goto out;
	}
	mm_snapshot_finish(snap);
	*out = snap;
	snap = NULL;
out:
	mm_pagemap_close(&pm);
	mm_elf_cache_destroy(own);
	mm_snapshot_destroy(snap);
	mm_target_finish(&target);
	return status;
}

void mm_print_warnings(char *const *warnings, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *w = mm_escape_name(warnings[i]);

		fprintf(stderr, "memmap: warning: %s\n", w ? w : "?");
		free(w);
	}
}

bool mm_parse_pid(const char *s, pid_t *pid)
{
	long v;

	if (!*s) {
		return false;
	}
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p)) {
			return false;
		}
	}
	v = strtol(s, NULL, 10);
	if (v <= 0 || v > 0x3fffffff) {
		return false;
	}
	*pid = (pid_t)v;
	return true;
}

int mm_resolve_target(const char *arg, const char *proc_root, pid_t *pid)
{
	pid_t *pids;
	size_t n;
	int rc;

	if (mm_parse_pid(arg, pid)) {
		return EXIT_OK;
	}
	if (*arg && strspn(arg, "0123456789") == strlen(arg)) {
		fprintf(stderr, "memmap: %s: not a valid PID\n", arg);
		return EXIT_USAGE;
	}
	if (proc_root) {
		fprintf(stderr, "memmap: %s: with --proc-root, give a PID\n", arg);
		return EXIT_USAGE;
	}
	rc = mm_proc_find(arg, pid, &pids, &n);
	if (rc == -ESRCH) {
		fprintf(stderr, "memmap: %s: no process with that name\n", arg);
	} else if (rc == -EEXIST) {
		fprintf(stderr, "memmap: %s: %zu processes have that name (", arg, n);
		for (size_t i = 0; i < n && i < 10; i++) {
			fprintf(stderr, "%s%d", i ? " " : "", (int)pids[i]);
		}
		fprintf(stderr, "%s); give a PID\n", n > 10 ? " ..." : "");
		free(pids);
	} else if (rc) {
		fprintf(stderr, "memmap: %s: %s\n", arg, strerror(-rc));
	}
	return rc ? EXIT_TARGET : EXIT_OK;
}
