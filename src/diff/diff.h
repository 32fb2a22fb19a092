/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diff.h: what changed between two snapshots of a process — per label, and
 * per region matched by label, path and address.  Plain data: the table
 * printer (table_diff.c) and the JSON writer (diff.c) render it. */
#ifndef MEMMAP_DIFF_H
#define MEMMAP_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model/model.h"

enum mm_change_kind {
	MM_CHANGE_APPEARED,	/* nothing with this label and path was there */
	MM_CHANGE_VANISHED,	/* nothing with this label and path is left */
	MM_CHANGE_GREW,		/* more resident (or, if equal, more mapped) */
	MM_CHANGE_SHRANK,
	MM_CHANGE_PROTECTION,	/* same residency, permissions moved */
	MM_CHANGE_COUNT
};

const char *mm_change_kind_name(enum mm_change_kind kind);

/* A label's sums on one side. */
struct mm_diff_sizes {
	uint64_t vsz, rss, pss;
};

struct mm_diff_category {
	enum mm_label label;
	struct mm_diff_sizes before, after;
	int64_t dvsz, drss, dpss;
};

/* One side of a change: the matched regions taken together. */
struct mm_diff_range {
	uint64_t start, end;		/* extent of the regions */
	uint64_t vsz, reserved;		/* reserved: the part in ---p mappings */
	uint64_t rss, pss, swap;
	char perms[32];			/* "rw-p", or "rw-p,---p" in address order */
};

struct mm_diff_change {
	enum mm_change_kind kind;
	enum mm_label label;
	uint64_t start, end;		/* the extent over both sides */
	const char *path;		/* borrowed from a snapshot; NULL: anonymous */
	bool deleted;
	bool has_before, has_after;	/* false: the side is empty */
	struct mm_diff_range before, after;
	int64_t dvsz, dreserved, drss, dpss, dswap;
	uint64_t protection;		/* bytes mapped on both sides whose
					 * permissions differ */
};

/* One runtime.ReadMemStats field that changed (Go processes). */
struct mm_diff_memstat {
	enum mm_go_memstat field;
	uint64_t before, after;
	int64_t delta;
};

/* Totals of a whole snapshot. */
struct mm_diff_totals {
	uint64_t vsz, rss, pss, swap;
};

struct mm_diff {
	const struct mm_snapshot *before, *after;	/* borrowed */
	const char *before_source, *after_source;	/* file names; NULL: live */
	uint64_t threshold;

	/* Labels that changed by at least the threshold (any change when it
	 * is 0), by |RSS delta| descending. */
	struct mm_diff_category *categories;
	size_t ncategories;
	struct mm_diff_totals total_before, total_after;

	/* Region changes of at least the threshold, by |RSS delta|, then
	 * |VSZ delta| descending, then address. */
	struct mm_diff_change *changes;
	size_t nchanges;
	size_t hidden;			/* changes below the threshold */

	/* The MemStats fields that changed by at least the threshold (NumGC:
	 * at all), in MemStats order; has_memstats only when both sides
	 * carry them. */
	bool has_memstats;
	struct mm_diff_memstat memstats[MM_MS_COUNT];
	size_t nmemstats;

	char **warnings;		/* owned, e.g. "the PIDs differ" */
	size_t nwarnings;
};

/* Compares two finished snapshots.  Both must outlive the diff (paths are
 * borrowed).  Returns 0 with *out set, or -ENOMEM. */
int mm_diff_compute(const struct mm_snapshot *before,
		    const struct mm_snapshot *after, uint64_t threshold,
		    struct mm_diff **out);
void mm_diff_destroy(struct mm_diff *d);	/* NULL is a no-op */

/* True when no label or region changed by at least the threshold (the
 * MemStats fields, shown beside them, do not count). */
static inline bool mm_diff_is_empty(const struct mm_diff *d)
{
	return d->ncategories == 0 && d->nchanges == 0;
}

/* Writes the diff as one memmap-diff/1 JSON document; with compact, on one
 * line (for --watch: one document per line).  Returns 0 or -errno of the
 * write. */
int mm_diff_print_json(const struct mm_diff *d, FILE *f, bool compact);

/* The diff as tables (table_diff.c, set up by table.c): the labels that changed,
 * then the changes, then what was hidden.  Of o, only raw, noheadings,
 * bytes, notruncate and colors apply.  Returns 0 or -ENOMEM. */
struct mm_table_opts;
int mm_table_print_diff(FILE *out, const struct mm_diff *d,
			const struct mm_table_opts *o);

#endif
