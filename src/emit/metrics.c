/* SPDX-License-Identifier: GPL-2.0-or-later */
/* metrics.c: the fleet as Prometheus gauges.  Cardinality stays low by
 * default: series are per process group (systemd service, else command
 * name) and label, summed over the group's processes; PIDs only when
 * asked.  Label values pass through the one escaper, then the exposition
 * format's own escapes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emit/metrics.h"
#include "util/format.h"
#include "util/output.h"

/* A series key: the group (or pid) its processes share. */
struct series {
	const char *group;
	pid_t pid;			/* per_pid only; 0 otherwise */
	uint64_t rss, pss, uss, swap;
	size_t processes, unread;
	uint64_t label_pss[MM_LABEL_COUNT], label_rss[MM_LABEL_COUNT];
	uint64_t label_swap[MM_LABEL_COUNT];
	bool has_label[MM_LABEL_COUNT];
};

const char *mm_metrics_group(const struct mm_fleet_row *r)
{
	const struct mm_identity *id = mm_fleet_identity(r);
	size_t n = id->unit ? strlen(id->unit) : 0;

	if (n > 8 && strcmp(id->unit + n - 8, ".service") == 0) {
		return id->unit;
	}
	return r->comm ? r->comm : "unknown";
}

/* value escaped for a label: our escaper first (no control bytes, valid
 * UTF-8 as Prometheus requires), then \\ and \" as the format wants. */
static void put_value(FILE *out, const char *value)
{
	char *esc = mm_escape_name(value ? value : "");
	const char *s = esc ? esc : "";

	for (; *s; s++) {
		if (*s == '\\' || *s == '"') {
			putc('\\', out);
		}
		putc(*s, out);
	}
	free(esc);
}

static void put_key(FILE *out, const struct series *s)
{
	fputs("group=\"", out);
	put_value(out, s->group);
	putc('"', out);
	if (s->pid) {
		fprintf(out, ",pid=\"%d\"", (int)s->pid);
	}
}

static struct series *find(struct series *v, size_t *n, const char *group, pid_t pid)
{
	for (size_t i = 0; i < *n; i++) {
		if (v[i].pid == pid && strcmp(v[i].group, group) == 0) {
			return &v[i];
		}
	}
	v[*n] = (struct series){ .group = group, .pid = pid };
	return &v[(*n)++];
}

static void add_row(struct series *s, const struct mm_fleet_row *r)
{
	const struct mm_snapshot *snap = r->snap;

	s->processes++;
	if (!snap) {
		s->unread++;
		return;
	}
	s->rss += snap->totals.rss;
	s->pss += snap->totals.pss;
	s->swap += snap->totals.swap;
	s->uss += r->uss;
	for (int l = 0; l < MM_LABEL_COUNT; l++) {
		if (snap->categories[l].regions) {
			s->has_label[l] = true;
			s->label_rss[l] += snap->categories[l].rss;
			s->label_pss[l] += snap->categories[l].pss;
			s->label_swap[l] += snap->categories[l].swap;
		}
	}
}

static void header(FILE *out, const char *name, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

enum { PROC_RSS, PROC_PSS, PROC_USS, PROC_SWAP };

static void write_totals(FILE *out, const struct series *v, size_t n, int which,
			 const char *name, const char *help)
{
	header(out, name, help);
	for (size_t i = 0; i < n; i++) {
		const uint64_t vals[] = { v[i].rss, v[i].pss, v[i].uss, v[i].swap };

		fprintf(out, "%s{", name);
		put_key(out, &v[i]);
		fprintf(out, "} %llu\n", (unsigned long long)vals[which]);
	}
}

static void write_labels(FILE *out, const struct series *v, size_t n, int which,
			 const char *name, const char *help)
{
	header(out, name, help);
	for (size_t i = 0; i < n; i++) {
		for (int l = 0; l < MM_LABEL_COUNT; l++) {
			const uint64_t *vals = which == PROC_RSS ? v[i].label_rss :
					       which == PROC_PSS ? v[i].label_pss : v[i].label_swap;

			if (!v[i].has_label[l]) {
				continue;
			}
			fprintf(out, "%s{", name);
			put_key(out, &v[i]);
			fprintf(out, ",label=\"%s\"} %llu\n", mm_label_name((enum mm_label)l),
				(unsigned long long)vals[l]);
		}
	}
}

int mm_metrics_write(FILE *out, const struct mm_fleet *f, bool per_pid)
{
	struct series *v = calloc(f->nrows ? f->nrows : 1, sizeof(*v));
	size_t n = 0;

	if (!v) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < f->nrows; i++) {
		const struct mm_fleet_row *r = &f->rows[i];

		add_row(find(v, &n, mm_metrics_group(r), per_pid ? r->pid : 0), r);
	}
	write_labels(out, v, n, PROC_PSS, "memmap_label_pss_bytes",
		     "Proportional set size by memmap label (shared pages divided among their users).");
	write_labels(out, v, n, PROC_RSS, "memmap_label_rss_bytes",
		     "Resident set size by memmap label.");
	write_labels(out, v, n, PROC_SWAP, "memmap_label_swap_bytes",
		     "Swapped-out memory by memmap label.");
	write_totals(out, v, n, PROC_RSS, "memmap_rss_bytes",
		     "Resident set size of the group's processes.");
	write_totals(out, v, n, PROC_PSS, "memmap_pss_bytes",
		     "Proportional set size of the group's processes.");
	write_totals(out, v, n, PROC_USS, "memmap_uss_bytes",
		     "Unique set size (private pages) of the group's processes.");
	write_totals(out, v, n, PROC_SWAP, "memmap_swap_bytes",
		     "Swapped-out memory of the group's processes.");
	header(out, "memmap_processes", "Processes in the group that memmap looked at.");
	for (size_t i = 0; i < n; i++) {
		fputs("memmap_processes{", out);
		put_key(out, &v[i]);
		fprintf(out, "} %zu\n", v[i].processes);
	}
	header(out, "memmap_unread_processes",
	       "Processes in the group that memmap could not read (permission, exited, over budget).");
	for (size_t i = 0; i < n; i++) {
		fputs("memmap_unread_processes{", out);
		put_key(out, &v[i]);
		fprintf(out, "} %zu\n", v[i].unread);
	}
	free(v);
	return mm_output_flush(out);
}
