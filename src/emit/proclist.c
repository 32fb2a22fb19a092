/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proclist.c: the process list and the label totals over many processes.
 * Sizes are PSS-first: a shared library's pages count once across the
 * list, shared out among the processes that map them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emit/proclist.h"
#include "util/format.h"

enum { COL_PID, COL_USER, COL_COMMAND, COL_RSS, COL_PSS, COL_USS, COL_SWAP,
       COL_COVER, COL_LABELS, COL_COUNT };

static const struct mm_column proc_cols[COL_COUNT] = {
	[COL_PID] = { "PID", 6, MM_COL_RIGHT },
	[COL_USER] = { "USER", 8, MM_COL_TRUNC },
	[COL_COMMAND] = { "COMMAND", 0.3, MM_COL_TRUNC },
	[COL_RSS] = { "RSS", 6, MM_COL_RIGHT },
	[COL_PSS] = { "PSS", 6, MM_COL_RIGHT },
	[COL_USS] = { "USS", 6, MM_COL_RIGHT },
	[COL_SWAP] = { "SWAP", 6, MM_COL_RIGHT },
	[COL_COVER] = { "COVER", 5, MM_COL_RIGHT },
	[COL_LABELS] = { "LABELS", 0.3, MM_COL_TRUNC },
};

/* What --list-columns says of each. */
static const char *const proc_help[COL_COUNT] = {
	[COL_PID] = "process ID",
	[COL_USER] = "effective user",
	[COL_COMMAND] = "command line (escaped)",
	[COL_RSS] = "resident set size",
	[COL_PSS] = "proportional set size",
	[COL_USS] = "unique set size: private pages",
	[COL_SWAP] = "swapped-out memory",
	[COL_COVER] = "share of RSS labelled beyond anon",
	[COL_LABELS] = "largest labels by PSS, or why not read",
};

enum { TOT_LABEL, TOT_PROCS, TOT_RSS, TOT_PSS, TOT_SWAP, TOT_COUNT };

static const struct mm_column total_cols[TOT_COUNT] = {
	[TOT_LABEL] = { "LABEL", 18, 0 },
	[TOT_PROCS] = { "PROCS", 5, MM_COL_RIGHT },
	[TOT_RSS] = { "RSS", 6, MM_COL_RIGHT },
	[TOT_PSS] = { "PSS", 6, MM_COL_RIGHT },
	[TOT_SWAP] = { "SWAP", 6, MM_COL_RIGHT },
};

/* How many labels the LABELS cell names. */
#define TOP_LABELS 3

void mm_proclist_list_columns(FILE *out, bool raw)
{
	if (!raw) {
		fprintf(out, "\nProcess list columns:\n");
	}
	for (int i = 0; i < COL_COUNT; i++) {
		if (raw) {
			/* Each name once: RSS is listed with the summary's. */
			if (!mm_table_has_column(proc_cols[i].name)) {
				fprintf(out, "%s %s\n", proc_cols[i].name, proc_help[i]);
			}
		} else {
			fprintf(out, " %10s  %s\n", proc_cols[i].name, proc_help[i]);
		}
	}
}

static int sort_column(const char *name)
{
	for (int i = 0; i < COL_COUNT; i++) {
		if (strcasecmp(name, proc_cols[i].name) == 0) {
			return i;
		}
	}
	return -1;
}

int mm_proclist_check(const struct mm_table_opts *o, char *err, size_t errlen)
{
	if (o->sort && (sort_column(o->sort) < 0 || sort_column(o->sort) == COL_LABELS)) {
		snprintf(err, errlen, "-s %s: the process list sorts by PID, USER, "
			 "COMMAND, RSS, PSS, USS, SWAP or COVER", o->sort);
		return -EINVAL;
	}
	if (o->output) {
		snprintf(err, errlen, "-o picks the columns of one process's tables, "
			 "not of the process list");
		return -EINVAL;
	}
	return 0;
}

static uint64_t row_size(const struct mm_fleet_row *r, int col)
{
	const struct mm_counters *t = r->snap ? &r->snap->totals : NULL;

	if (!t) {
		return 0;
	}
	switch (col) {
	case COL_RSS: return t->rss;
	case COL_PSS: return t->pss;
	case COL_USS: return r->uss;
	case COL_SWAP: return t->swap;
	default: return 0;
	}
}

static double row_cover(const struct mm_fleet_row *r)
{
	double vsz, rss;

	if (!r->snap) {
		return -1;
	}
	mm_snapshot_coverage(r->snap, &vsz, &rss);
	return rss;
}

static const char *row_text(const struct mm_fleet_row *r, int col)
{
	const struct mm_identity *id = mm_fleet_identity(r);
	const char *s = col == COL_USER ? id->user : id->cmdline;

	return s ? s : col == COL_COMMAND && r->comm ? r->comm : "";
}

static int cmp_rows(const void *a, const void *b, void *ctx)
{
	const struct mm_fleet_row *x = *(const struct mm_fleet_row *const *)a;
	const struct mm_fleet_row *y = *(const struct mm_fleet_row *const *)b;
	int col = *(const int *)ctx;
	int c = 0;

	switch (col) {
	case COL_PID:
		break;
	case COL_USER:
	case COL_COMMAND:
		c = strcmp(row_text(x, col), row_text(y, col));
		break;
	case COL_COVER: {
		double dx = row_cover(x), dy = row_cover(y);

		c = (dy > dx) - (dy < dx);
		break;
	}
	default: {
		uint64_t sx = row_size(x, col), sy = row_size(y, col);

		c = (sy > sx) - (sy < sx);	/* largest first */
		break;
	}
	}
	return c ? c : (x->pid > y->pid) - (x->pid < y->pid);
}

/* "go.heap 12M, lib.text 3M" — the largest labels by PSS; or the reason
 * the process could not be read. */
static char *labels_text(const struct mm_table_opts *o, const struct mm_fleet_row *r)
{
	const struct mm_snapshot *s = r->snap;
	int top[TOP_LABELS], n = 0;
	char *text = NULL, size[32];
	size_t len = 0;
	FILE *f;

	if (!s) {
		return strdup(r->reason ? r->reason : "not read");
	}
	for (int l = 0; l < MM_LABEL_COUNT; l++) {
		int k;

		if (!s->categories[l].pss) {
			continue;
		}
		for (k = n; k > 0 && s->categories[top[k - 1]].pss < s->categories[l].pss; k--) {
			if (k < TOP_LABELS) {
				top[k] = top[k - 1];
			}
		}
		if (k < TOP_LABELS) {
			top[k] = l;
			n += n < TOP_LABELS;
		}
	}
	f = open_memstream(&text, &len);
	if (!f) {
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		mm_table_size(size, sizeof(size), o, s->categories[top[i]].pss);
		fprintf(f, "%s%s %s", i ? ", " : "", mm_label_name((enum mm_label)top[i]), size);
	}
	if (r->reason) {
		fprintf(f, "%s(%s)", n ? " " : "", r->reason);
	}
	fclose(f);
	return text;
}

static char *cell_text(const struct mm_table_opts *o, const struct mm_fleet_row *r, int col)
{
	char *s;

	switch (col) {
	case COL_PID:
		return asprintf(&s, "%d", (int)r->pid) < 0 ? NULL : s;
	case COL_USER:
	case COL_COMMAND:
		return mm_escape_name(row_text(r, col));
	case COL_COVER:
		if (!r->snap) {
			return strdup("-");
		}
		return asprintf(&s, "%.0f%%", 100 * row_cover(r)) < 0 ? NULL : s;
	case COL_LABELS:
		return labels_text(o, r);
	default:
		return r->snap ? mm_table_size_text(o, row_size(r, col)) : strdup("-");
	}
}

static int print_processes(FILE *out, const struct mm_fleet *f,
			   const struct mm_table_opts *o)
{
	const struct mm_fleet_row **order = calloc(f->nrows ? f->nrows : 1, sizeof(*order));
	struct libscols_table *tb = mm_table_new(o, proc_cols, COL_COUNT, false, NULL);
	int sort = o->sort ? sort_column(o->sort) : COL_PSS;
	int rc = order && tb ? 0 : -ENOMEM;

	for (size_t i = 0; !rc && i < f->nrows; i++) {
		order[i] = &f->rows[i];
	}
	if (!rc) {
		qsort_r(order, f->nrows, sizeof(*order), cmp_rows, &sort);
	}
	for (size_t i = 0; !rc && i < f->nrows; i++) {
		struct libscols_line *ln = mm_table_new_line(tb, NULL);

		for (int c = 0; ln && !rc && c < COL_COUNT; c++) {
			rc = mm_table_set_cell(ln, (size_t)c, cell_text(o, order[i], c));
		}
		if (!ln) {
			rc = -ENOMEM;
		} else if (!order[i]->snap && o->colors) {
			mm_table_color(ln, COL_LABELS, "red");
		}
	}
	free(order);
	if (!tb) {
		return rc;
	}
	return mm_table_done(out, tb, rc);
}

static int cmp_totals(const void *a, const void *b, void *ctx)
{
	const struct mm_fleet_label *t = ctx;
	int x = *(const int *)a, y = *(const int *)b;

	return (t[y].pss > t[x].pss) - (t[y].pss < t[x].pss);
}

static int print_totals(FILE *out, const struct mm_fleet *f, const struct mm_table_opts *o)
{
	struct libscols_table *tb = mm_table_new(o, total_cols, TOT_COUNT, false, NULL);
	int order[MM_LABEL_COUNT], n = 0, rc = 0;

	if (!tb) {
		return -ENOMEM;
	}
	for (int l = 0; l < MM_LABEL_COUNT; l++) {
		if (f->labels[l].processes) {
			order[n++] = l;
		}
	}
	qsort_r(order, (size_t)n, sizeof(int), cmp_totals, (void *)f->labels);
	for (int i = 0; !rc && i < n; i++) {
		const struct mm_fleet_label *t = &f->labels[order[i]];
		struct libscols_line *ln = mm_table_new_line(tb, NULL);
		char *procs;

		if (!ln) {
			rc = -ENOMEM;
			break;
		}
		rc = mm_table_set_cell(ln, TOT_LABEL, strdup(mm_label_name((enum mm_label)order[i])));
		if (!rc) {
			rc = mm_table_set_cell(ln, TOT_PROCS, asprintf(&procs, "%zu",
					       t->processes) < 0 ? NULL : procs);
		}
		if (!rc) {
			rc = mm_table_set_cell(ln, TOT_RSS, mm_table_size_text(o, t->rss));
		}
		if (!rc) {
			rc = mm_table_set_cell(ln, TOT_PSS, mm_table_size_text(o, t->pss));
		}
		if (!rc) {
			rc = mm_table_set_cell(ln, TOT_SWAP, mm_table_size_text(o, t->swap));
		}
	}
	return mm_table_done(out, tb, rc);
}

int mm_proclist_print(FILE *out, const struct mm_fleet *f, const struct mm_table_opts *o)
{
	char *host = mm_escape_name(f->hostname ? f->hostname : "");
	char pss[32], uss[32];
	int rc;

	if (!host) {
		return -ENOMEM;
	}
	if (!o->raw && !o->noheadings) {
		mm_table_size(pss, sizeof(pss), o, f->pss);
		mm_table_size(uss, sizeof(uss), o, f->uss);
		fprintf(out, "%s  %s  %zu processes (%zu not read)  PSS %s  USS %s\n\n",
			host, f->time ? f->time : "", f->nrows, f->unread, pss, uss);
	}
	free(host);
	rc = o->summary ? 0 : print_processes(out, f, o);
	if (!rc && !o->summary && !o->raw) {
		fputc('\n', out);
	}
	if (!rc) {
		rc = print_totals(out, f, o);
	}
	return rc;
}
