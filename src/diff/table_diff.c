/* table_diff.c: the human view of a diff — which labels changed and which
 * regions appeared, vanished, grew, shrank or changed protection — printed
 * with libsmartcols like the snapshot tables in table.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

#include "diff/diff.h"
#include "util/format.h"
#include "emit/table.h"

enum { SUM_LABEL, SUM_RSS_BEFORE, SUM_RSS_AFTER, SUM_RSS_DELTA, SUM_VSZ_DELTA,
       SUM_PSS_DELTA, SUM_COUNT };

static const struct {
	const char *name;
	double whint;
	int flags;
} sum_cols[SUM_COUNT] = {
	[SUM_LABEL] = { "LABEL", 0.1, 0 },
	[SUM_RSS_BEFORE] = { "RSS-BEFORE", 5, SCOLS_FL_RIGHT },
	[SUM_RSS_AFTER] = { "RSS-AFTER", 5, SCOLS_FL_RIGHT },
	[SUM_RSS_DELTA] = { "RSS-DELTA", 5, SCOLS_FL_RIGHT },
	[SUM_VSZ_DELTA] = { "VSZ-DELTA", 5, SCOLS_FL_RIGHT },
	[SUM_PSS_DELTA] = { "PSS-DELTA", 5, SCOLS_FL_RIGHT },
};

enum { CH_KIND, CH_LABEL, CH_START, CH_VSZ, CH_VSZ_DELTA, CH_RSS_DELTA,
       CH_PERMS, CH_NAME, CH_COUNT };

static const struct {
	const char *name;
	double whint;
	int flags;
} ch_cols[CH_COUNT] = {
	[CH_KIND] = { "CHANGE", 0.1, 0 },
	[CH_LABEL] = { "LABEL", 0.1, 0 },
	[CH_START] = { "START", 0.1, SCOLS_FL_RIGHT },
	[CH_VSZ] = { "VSZ", 5, SCOLS_FL_RIGHT },
	[CH_VSZ_DELTA] = { "VSZ-DELTA", 5, SCOLS_FL_RIGHT },
	[CH_RSS_DELTA] = { "RSS-DELTA", 5, SCOLS_FL_RIGHT },
	[CH_PERMS] = { "PERMS", 4, 0 },
	[CH_NAME] = { "NAME", 0.3, SCOLS_FL_TRUNC },
};

static char *size_text(const struct mm_table_opts *o, uint64_t v)
{
	char buf[32];

	mm_table_size(buf, sizeof(buf), o, v);
	return strdup(buf);
}

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
		scols_cell_set_color(scols_line_get_cell(ln, n), v > 0 ? "red" : "green");
	}
}

static struct libscols_table *new_table(const struct mm_table_opts *o)
{
	struct libscols_table *tb = scols_new_table();

	if (tb) {
		scols_table_enable_raw(tb, o->raw);
		scols_table_enable_noheadings(tb, o->noheadings);
		scols_table_enable_colors(tb, o->colors);
		/* Names are escaped already (mm_escape_name), as in table.c:
		 * a second encoding would escape the escapes. */
		scols_table_enable_noencoding(tb, 1);
	}
	return tb;
}

static int print_categories(FILE *out, const struct mm_diff *d,
			    const struct mm_table_opts *o)
{
	struct libscols_table *tb = new_table(o);
	int rc = 0;

	if (!tb) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < SUM_COUNT && !rc; i++) {
		if (!scols_table_new_column(tb, sum_cols[i].name, sum_cols[i].whint,
					    sum_cols[i].flags)) {
			rc = -ENOMEM;
		}
	}
	for (size_t i = 0; i < d->ncategories && !rc; i++) {
		const struct mm_diff_category *c = &d->categories[i];
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln) {
			rc = -ENOMEM;
			break;
		}
		color_delta(o, ln, SUM_RSS_DELTA, c->drss);
		if ((rc = mm_table_set_cell(ln, SUM_LABEL, strdup(mm_label_name(c->label)))) ||
		    (rc = mm_table_set_cell(ln, SUM_RSS_BEFORE, size_text(o, c->before.rss))) ||
		    (rc = mm_table_set_cell(ln, SUM_RSS_AFTER, size_text(o, c->after.rss))) ||
		    (rc = mm_table_set_cell(ln, SUM_RSS_DELTA, delta_text(o, c->drss))) ||
		    (rc = mm_table_set_cell(ln, SUM_VSZ_DELTA, delta_text(o, c->dvsz))) ||
		    (rc = mm_table_set_cell(ln, SUM_PSS_DELTA, delta_text(o, c->dpss)))) {
			break;
		}
	}
	if (!rc) {
		scols_table_set_stream(tb, out);
		scols_print_table(tb);
	}
	scols_unref_table(tb);
	return rc;
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
	struct libscols_table *tb = new_table(o);
	int rc = 0;

	if (!tb) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < CH_COUNT && !rc; i++) {
		int flags = ch_cols[i].flags;

		if (o->notruncate) {
			flags &= ~SCOLS_FL_TRUNC;
		}
		if (!scols_table_new_column(tb, ch_cols[i].name, ch_cols[i].whint, flags)) {
			rc = -ENOMEM;
		}
	}
	for (size_t i = 0; i < d->nchanges && !rc; i++) {
		const struct mm_diff_change *c = &d->changes[i];
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char *start;

		if (!ln || asprintf(&start, "%" PRIx64, c->start) < 0) {
			rc = -ENOMEM;
			break;
		}
		color_delta(o, ln, CH_RSS_DELTA, c->drss);
		if ((rc = mm_table_set_cell(ln, CH_KIND, strdup(mm_change_kind_name(c->kind)))) ||
		    (rc = mm_table_set_cell(ln, CH_LABEL, strdup(mm_label_name(c->label)))) ||
		    (rc = mm_table_set_cell(ln, CH_START, start)) ||
		    (rc = mm_table_set_cell(ln, CH_VSZ, size_text(o, c->has_after ? c->after.vsz
									: c->before.vsz))) ||
		    (rc = mm_table_set_cell(ln, CH_VSZ_DELTA, delta_text(o, c->dvsz))) ||
		    (rc = mm_table_set_cell(ln, CH_RSS_DELTA, delta_text(o, c->drss))) ||
		    (rc = mm_table_set_cell(ln, CH_PERMS, perms_text(c))) ||
		    (rc = mm_table_set_cell(ln, CH_NAME, mm_table_path_text(c->path, c->deleted)))) {
			break;
		}
	}
	if (!rc) {
		scols_table_set_stream(tb, out);
		scols_print_table(tb);
	}
	scols_unref_table(tb);
	return rc;
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
			fputs("no changes", out);
			if (d->hidden) {
				fprintf(out, " (%zu smaller not shown)", d->hidden);
			}
			putc('\n', out);
		}
		return 0;
	}
	if (d->ncategories) {
		rc = print_categories(out, d, o);
		if (rc) {
			return rc;
		}
	}
	if (d->nchanges) {
		if (d->ncategories) {
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
