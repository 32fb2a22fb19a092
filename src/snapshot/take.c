/* SPDX-License-Identifier: GPL-2.0-or-later */
/* take.c: a snapshot from a live (or captured) process: the phases read →
 * probe → label (mm_classify) → residency → sums, and the one-line reasons
 * when they fail. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "label/classify.h"
#include "util/report.h"
#include "read/mountinfo.h"
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
			mm_err("%d: the process exited while being read", p);
		} else {
			mm_err("%d: no such process", p);
		}
		break;
	case -EACCES:
	case -EPERM:
		mm_err("%d: permission denied reading its mappings "
		       "(run as root or as the process's user)", p);
		break;
	case -ENOENT:
		if (snap->status.state == 'Z' && !snap->status.kernel_thread) {
			mm_err("%d: zombie process: it has no memory left "
			       "(its parent has not reaped it)", p);
		} else if (snap->status.kernel_thread) {
			mm_err("%d: kernel thread: it has no user address space", p);
		} else {
			mm_err("%d: no mappings", p);
		}
		break;
	case -EBADMSG:
		mm_err("%d: smaps line %lu is malformed", p, lineno);
		break;
	case -ESTALE:
		mm_err("%d: the process exec'd another program while being read", p);
		break;
	default:
		mm_err("%d: %s", p, strerror(-rc));
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
		.symbols_top = o->symbols, .addresses = o->addresses,
		.naddresses = o->naddresses,
		.no_go_stats = o->no_go_stats, .go_sample_above = o->go_sample_above,
		.no_go_split = o->no_go_split,
	};
	unsigned long lineno = 0;
	int rc, remote = 0, status = -EIO;

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
		/* Files whose server may never answer stay closed: partial. */
		remote = mm_mark_remote_mappings(&target, snap, o->open_remote);
		rc = remote < 0 ? remote : 0;
	}
	if (!rc) {
		rc = mm_classify(&ctx);
		status = rc > 0 || remote > 0 ? 1 : 0;
	}
	if (rc >= 0) {
		mm_residency_measure(&pm, snap);
	}
	/* Files it mapped, its memory, its threads: all gone with it, or
	 * another program's after an execve. */
	if (rc >= 0) {
		int same = mm_proc_same(&target, &snap->liveness);

		rc = same ? same : rc;
	}
	if (rc < 0) {
		status = rc;
		if (o->quiet_gone && gone && (rc == -ESRCH || rc == -ENOENT)) {
			*gone = true;
		} else if (rc == -ENOMEM || !snap) {
			mm_err("%d: %s", (int)pid, strerror(ENOMEM));
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
