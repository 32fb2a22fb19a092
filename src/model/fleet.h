/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fleet.h: many processes at once — a row per process (its identity, its
 * snapshot or the reason there is none) and the label totals across them.
 * The CLI fills it; the process list, the JSON and the metrics print it. */
#ifndef MEMMAP_FLEET_H
#define MEMMAP_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/model.h"

struct mm_fleet_row {
	pid_t pid;
	char *comm;			/* owned; NULL if unknown */
	struct mm_identity identity;	/* moved into snap when there is one */
	struct mm_snapshot *snap;	/* owned; NULL: not read */
	char *reason;			/* owned: why snap is NULL or partial */
	bool gone;			/* exited before or while it was read */
	bool timeout;			/* over the time budget */
	uint64_t uss;			/* Private_Clean + Private_Dirty */
	uint64_t elapsed_ms;		/* what reading it took */
};

/* One label's totals over every process read. */
struct mm_fleet_label {
	uint64_t rss, pss, swap;
	size_t processes;		/* how many carry it */
};

struct mm_fleet {
	struct mm_fleet_row *rows;
	size_t nrows, rows_alloc;
	char *hostname, *time;		/* owned */
	uint64_t budget_ms;		/* the time budget used */
	struct mm_fleet_label labels[MM_LABEL_COUNT];
	uint64_t rss, pss, uss, swap;	/* over every process read */
	size_t read, unread;		/* rows with and without a snapshot */
};

/* The identity of row r, wherever it is kept. */
static inline const struct mm_identity *mm_fleet_identity(const struct mm_fleet_row *r)
{
	return r->snap ? &r->snap->identity : &r->identity;
}

/* Appends a zeroed row for pid; NULL on ENOMEM. */
struct mm_fleet_row *mm_fleet_add(struct mm_fleet *f, pid_t pid);

/* Sums the label totals and the counts over the rows. */
void mm_fleet_finish(struct mm_fleet *f);

/* Frees what f owns (not f itself) and zeroes it. */
void mm_fleet_clear(struct mm_fleet *f);

#endif
