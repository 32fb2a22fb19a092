/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table_diff.c: the human view of a diff — which labels changed and which
 * regions appeared, vanished, grew, shrank or changed protection — printed
 * with table.c's table setup, like the snapshot tables. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff.h"
#include "util/format.h"
#include "emit/table.h"

enum { SUM_LABEL, SUM_RSS_BEFORE, SUM_RSS_AFTER, SUM_RSS_DELTA, SUM_VSZ_DELTA,
       SUM_PSS_DELTA, SUM_COUNT };

static const struct mm_column sum_cols[SUM_COUNT] = {
	[SUM_LABEL] = { "LABEL", 0.1, 0 },
	[SUM_RSS_BEFORE] = { "RSS-BEFORE", 5, MM_COL_RIGHT },
	[SUM_RSS_AFTER] = { "RSS-AFTER", 5, MM_COL_RIGHT },
	[SUM_RSS_DELTA] = { "RSS-DELTA", 5, MM_COL_RIGHT },
	[SUM_VSZ_DELTA] = { "VSZ-DELTA", 5, MM_COL_RIGHT },
	[SUM_PSS_DELTA] = { "PSS-DELTA", 5, MM_COL_RIGHT },
};

enum { CH_KIND, CH_LABEL, CH_START, CH_VSZ, CH_VSZ_DELTA, CH_RSS_DELTA,
       CH_PERMS, CH_NAME, CH_COUNT };

static const struct mm_column ch_cols[CH_COUNT] = {
	[CH_KIND] = { "CHANGE", 0.1, 0 },
	[CH_LABEL] = { "LABEL", 0.1, 0 },
	[CH_START] = { "START", 0.1, MM_COL_RIGHT },
	[CH_VSZ] = { "VSZ", 5, MM_COL_RIGHT },
	[CH_VSZ_DELTA] = { "VSZ-DELTA", 5, MM_COL_RIGHT },
	[CH_RSS_DELTA] = { "RSS-DELTA", 5, MM_COL_RIGHT },
	[CH_PERMS] = { "PERMS", 4, 0 },
	[CH_NAME] = { "NAME", 0.3, MM_COL_TRUNC },
};

/* "+4M", "-128K", "0". */
static char *delta_text(const struct mm_table_opts *o, int64_t v)
{
	char buf[32], *s;
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	mm_table_size(buf, sizeof(buf), o, m);
	if (asprintf(&s, "%s%s", v > 0 ? "+" : v < 0 ? "-" : "", buf) < 0) {
		return NULL;
	}
	return s;
}

/* Growth in red, shrinking in green: what a reader hunting a leak scans for. */
static void color_delta(const struct mm_table_opts *o, struct libscols_line *ln,
			size_t n, int64_t v)
{
	if (o->colors && v) {
		mm_table_color(ln, n, v > 0 ? "red" : "green");
	}
}

static int print_categories(FILE *out, const struct mm_diff *d,
			    const struct mm_table_opts *o)
{
	struct libscols_table *tb = mm_table_new(o, sum_cols, SUM_COUNT, false, NULL);
	int rc = 0;

	if (!tb) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < d->ncategories && !rc; i++) {
		const struct mm_diff_category *c = &d->categories[i];
		struct libscols_line *ln = mm_table_new_line(tb, NULL);

		if (!ln) {
			rc = -ENOMEM;
			break;
		}
		color_delta(o, ln, SUM_RSS_DELTA, c->drss);
		if ((rc = mm_table_set_cell(ln, SUM_LABEL, strdup(mm_label_name(c->label)))) ||
		    (rc = mm_table_set_cell(ln, SUM_RSS_BEFORE, mm_table_size_text(o, c->before.rss))) ||
		    (rc = mm_table_set_cell(ln, SUM_RSS_AFTER, mm_table_size_text(o, c->after.rss))) ||
		    (rc = mm_table_set_cell(ln, SUM_RSS_DELTA, delta_text(o, c->drss))) ||
		    (rc = mm_table_set_cell(ln, SUM_VSZ_DELTA, delta_text(o, c->dvsz))) ||
		    (rc = mm_table_set_cell(ln, SUM_PSS_DELTA, delta_text(o, c->dpss)))) {
			break;
		}
	}
	return mm_table_done(out, tb, rc);
}

enum { MS_FIELD, MS_BEFORE, MS_AFTER, MS_DELTA, MS_COUNT };

static const struct mm_column ms_cols[MS_COUNT] = {
	[MS_FIELD] = { "MEMSTATS", 0.1, 0 },
	[MS_BEFORE] = { "BEFORE", 5, MM_COL_RIGHT },
	[MS_AFTER] = { "AFTER", 5, MM_COL_RIGHT },
	[MS_DELTA] = { "DELTA", 5, MM_COL_RIGHT },
};

/* A MemStats value: bytes like the sizes, NumGC as a count. */
static char *memstat_text(const struct mm_table_opts *o, enum mm_go_memstat f, uint64_t v,
			  int64_t dv, bool is_delta)
{
	char *s;

	if (f != MM_MS_NUM_GC) {
		return is_delta ? delta_text(o, dv) : mm_table_size_text(o, v);
	}
	if ((is_delta ? asprintf(&s, "%+" PRId64, dv) : asprintf(&s, "%" PRIu64, v)) < 0) {
		return NULL;
	}
	return s;
}

/* The Go runtime's own accounting that moved, beside the labels. */
static int print_memstats(FILE *out, const struct mm_diff *d, const struct mm_table_opts *o)
{
	struct libscols_table *tb = mm_table_new(o, ms_cols, MS_COUNT, false, NULL);
	int rc = 0;

	if (!tb) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < d->nmemstats && !rc; i++) {
		const struct mm_diff_memstat *m = &d->memstats[i];
		struct libscols_line *ln = mm_table_new_line(tb, NULL);

		if (!ln) {
			rc = -ENOMEM;
			break;
		}
		color_delta(o, ln, MS_DELTA, m->field == MM_MS_NUM_GC ? 0 : m->delta);
		if ((rc = mm_table_set_cell(ln, MS_FIELD, strdup(mm_go_memstat_names[m->field]))) ||
		    (rc = mm_table_set_cell(ln, MS_BEFORE,
					    memstat_text(o, m->field, m->before, 0, false))) ||
		    (rc = mm_table_set_cell(ln, MS_AFTER,
					    memstat_text(o, m->field, m->after, 0, false))) ||
		    (rc = mm_table_set_cell(ln, MS_DELTA,
					    memstat_text(o, m->field, 0, m->delta, true)))) {
			break;
		}
	}
	return mm_table_done(out, tb, rc);
}

static char *perms_text(const struct mm_diff_change *c)
{
	char *s;

	if (!c->has_before || !c->has_after || strcmp(c->before.perms, c->after.perms) == 0) {
		return strdup(c->has_after ? c->after.perms : c->before.perms);
	}
	if (asprintf(&s, "%s->%s", c->before.perms, c->after.perms) < 0) {
		return NULL;
	}
	return s;
}


static int print_changes(FILE *out, const struct mm_diff *d,
			 const struct mm_table_opts *o)
{
	struct libscols_table *tb = mm_table_new(o, ch_cols, CH_COUNT, false, NULL);
	int rc = 0;

	if (!tb) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < d->nchanges && !rc; i++) {
		const struct mm_diff_change *c = &d->changes[i];
		struct libscols_line *ln = mm_table_new_line(tb, NULL);
		char *start;

		if (!ln || asprintf(&start, "%" PRIx64, c->start) < 0) {
			rc = -ENOMEM;
			break;
		}
		color_delta(o, ln, CH_RSS_DELTA, c->drss);
		if ((rc = mm_table_set_cell(ln, CH_KIND, strdup(mm_change_kind_name(c->kind)))) ||
		    (rc = mm_table_set_cell(ln, CH_LABEL, strdup(mm_label_name(c->label)))) ||
		    (rc = mm_table_set_cell(ln, CH_START, start)) ||
		    (rc = mm_table_set_cell(ln, CH_VSZ, mm_table_size_text(o, c->has_after ? c->after.vsz
									: c->before.vsz))) ||
		    (rc = mm_table_set_cell(ln, CH_VSZ_DELTA, delta_text(o, c->dvsz))) ||
		    (rc = mm_table_set_cell(ln, CH_RSS_DELTA, delta_text(o, c->drss))) ||
		    (rc = mm_table_set_cell(ln, CH_PERMS, perms_text(c))) ||
		    (rc = mm_table_set_cell(ln, CH_NAME, mm_table_path_text(c->path, c->deleted)))) {
			break;
		}
	}
	return mm_table_done(out, tb, rc);
}

static void print_side(FILE *out, const char *what, const struct mm_snapshot *s,
		       const char *source)
{
	char *comm = mm_escape_name(s->comm ? s->comm : "");
	char *src = source ? mm_escape_name(source) : NULL;
	/* A snapshot file's "time" is any string its writer chose. */
	char *time = mm_escape_name(s->time ? s->time : "?");

	fprintf(out, "%s pid %d (%s) at %s, %s%s\n", what, (int)s->pid,
		comm ? comm : "", time ? time : "?",
		source ? "file " : "live", src ? src : "");
	free(comm);
	free(src);
	free(time);
}

static void print_totals(FILE *out, const struct mm_diff *d,
			 const struct mm_table_opts *o)
{
	const struct mm_diff_totals *b = &d->total_before, *a = &d->total_after;
	char x[32], y[32];
	char *dv = delta_text(o, (int64_t)(a->vsz - b->vsz));
	char *dr = delta_text(o, (int64_t)(a->rss - b->rss));
	char *dp = delta_text(o, (int64_t)(a->pss - b->pss));

	mm_table_size(x, sizeof(x), o, b->vsz);
	mm_table_size(y, sizeof(y), o, a->vsz);
	fprintf(out, "total VSZ %s -> %s (%s)", x, y, dv ? dv : "?");
	mm_table_size(x, sizeof(x), o, b->rss);
	mm_table_size(y, sizeof(y), o, a->rss);
	fprintf(out, ", RSS %s -> %s (%s)", x, y, dr ? dr : "?");
	mm_table_size(x, sizeof(x), o, b->pss);
	mm_table_size(y, sizeof(y), o, a->pss);
	fprintf(out, ", PSS %s -> %s (%s)\n", x, y, dp ? dp : "?");
	free(dv);
	free(dr);
	free(dp);
}

int mm_table_print_diff(FILE *out, const struct mm_diff *d,
			const struct mm_table_opts *o)
{
	bool decorate = !o->raw && !o->noheadings;
	int rc;

	if (decorate) {
		print_side(out, "before:", d->before, d->before_source);
		print_side(out, "after: ", d->after, d->after_source);
		print_totals(out, d, o);
		putc('\n', out);
	}
	if (mm_diff_is_empty(d)) {
		if (decorate) {
			fputs(d->nmemstats ? "no changes in the labels" : "no changes", out);
			if (d->hidden) {
				fprintf(out, " (%zu smaller not shown)", d->hidden);
			}
			fputs(d->nmemstats ? "; the Go runtime's own numbers moved:\n\n" : "\n", out);
		}
		if (!d->nmemstats) {
			return 0;
		}
	}
	if (d->ncategories) {
		rc = print_categories(out, d, o);
		if (rc) {
			return rc;
		}
	}
	if (d->nmemstats) {
		if (d->ncategories) {
			putc('\n', out);
		}
		rc = print_memstats(out, d, o);
		if (rc) {
			return rc;
		}
	}
	/* --summary: the labels only, not the regions. */
	if (d->nchanges && !o->summary) {
		if (d->ncategories || d->nmemstats) {
			putc('\n', out);
		}
		rc = print_changes(out, d, o);
		if (rc) {
			return rc;
		}
	}
	if (decorate && d->hidden) {
		fprintf(out, "\n%zu smaller change%s not shown (%s)\n", d->hidden,
			d->hidden == 1 ? "" : "s", d->threshold ? "--threshold" :
			"under a page of RSS shared out among regions");
	}
	return 0;
}
