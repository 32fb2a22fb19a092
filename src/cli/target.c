/* SPDX-License-Identifier: GPL-2.0-or-later */
/* target.c: from what the user typed to a snapshot — a PID or a process
 * name resolved, the snapshot taken, and its outcome as an exit status. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exit.h"
#include "cli/fleet.h"
#include "cli/target.h"
#include "read/identity.h"
#include "read/proc.h"
#include "snapshot/take.h"
#include "util/report.h"

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

/* "NAME: 3 processes have that name (1 2 3); give a PID", ten at most. */
static void report_ambiguous(const char *arg, const pid_t *pids, size_t n)
{
	char list[10 * 12 + 8];
	size_t len = 0;

	list[0] = '\0';
	for (size_t i = 0; i < n && i < 10; i++) {
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%d",
					i ? " " : "", (int)pids[i]);
	}
	mm_err("%s: %zu processes have that name (%s%s); give a PID", arg, n,
	       list, n > 10 ? " ..." : "");
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
		mm_err("%s: not a valid PID", arg);
		return EXIT_USAGE;
	}
	if (proc_root) {
		mm_err("%s: with --proc-root, give a PID", arg);
		return EXIT_USAGE;
	}
	rc = mm_proc_find(arg, pid, &pids, &n);
	if (rc == -ESRCH) {
		mm_err("%s: no process with that name", arg);
	} else if (rc == -EEXIST) {
		report_ambiguous(arg, pids, n);
		free(pids);
	} else if (rc) {
		mm_err("%s: %s", arg, strerror(-rc));
	}
	return rc ? EXIT_TARGET : EXIT_OK;
}

int mm_take_target(const struct mm_options *o, pid_t pid, struct mm_elf_cache *elves,
		   bool warn, bool *gone, struct mm_snapshot **out)
{
	struct mm_take take = {
		.proc_root = o->proc_root, .no_mem = o->no_mem,
		.open_remote = o->open_remote, .quiet_gone = gone != NULL,
		.debug = o->debug, .no_go_stats = o->no_go_stats,
		.go_sample_above = o->go_sample_above,
		/* The process list and the metrics print no Go heap split:
		 * its span walk is the dearest read of a big Go heap. */
		.no_go_split = mm_fleet_wanted(o) && !o->json,
		.symbols = o->table.symbols ? o->table.symbols : o->table.symbol_note,
		.addresses = o->table.address, .naddresses = o->table.naddresses,
	};
	int rc = mm_snapshot_take(&take, pid, elves, out, gone);

	if (rc < 0) {
		return EXIT_TARGET;
	}
	/* A sweep reads the identity itself, on its own thread. */
	if (!mm_fleet_wanted(o) && mm_identity_read(o->proc_root, pid, &(*out)->identity, NULL)) {
		mm_err("%d: %s", (int)pid, strerror(ENOMEM));
		mm_snapshot_destroy(*out);
		*out = NULL;
		return EXIT_TARGET;
	}
	if (warn) {
		mm_warn_all((*out)->warnings, (*out)->nwarnings);
	}
	return rc > 0 ? EXIT_PARTIAL : EXIT_OK;
}
