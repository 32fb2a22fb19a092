/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options.h: everything the command line asked for, in one struct that
 * main.c fills and passes down whole: to the single view, to --diff and
 * --watch, and to the printers (its table part). */
#ifndef MEMMAP_OPTIONS_H
#define MEMMAP_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "emit/table.h"

/* --save, --diff, --watch. */
struct mm_diff_opts {
	const char *against;	/* --diff A: the before side (file or PID) */
	const char *save;	/* --save FILE */
	unsigned int watch_ms;	/* --watch SECONDS, in ms; 0: not watching */
	bool watch_prev;	/* --watch-prev: diff against the previous sample */
	uint64_t threshold;	/* --threshold SIZE */
};

/* Many processes: several PIDs or names, --all, --user, --cgroup, and
 * the monitoring output. */
struct mm_fleet_opts {
	const char **targets;	/* every PID or NAME given */
	size_t ntargets;
	bool all;		/* --all */
	const char *user;	/* --user USER */
	const char *cgroup;	/* --cgroup PATH */
	unsigned int budget_ms;	/* --budget SECONDS, in ms */
	bool metrics;		/* --format=prometheus|openmetrics */
	bool per_pid;		/* --per-pid: a series per process */
	const char *output_file; /* --output-file FILE: temp file + rename */
};

struct mm_options {
	const char *target;	/* PID or NAME; for --diff, the after side */
	const char *proc_root;	/* --proc-root DIR; NULL: /proc */
	bool json, list_columns, list_labels;
	bool no_mem;		/* --no-mem */
	bool no_go_stats;	/* --no-go-stats (hidden): Go labels only, for the benchmark */
	uint64_t go_sample_above; /* --go-sample-above (hidden): tests' sampling threshold */
	bool open_remote;	/* --open-remote */
	bool debug;		/* --debug, MEMMAP_DEBUG=1: why each labeller did what */
	const char *color, *svg;
	struct mm_table_opts table;
	struct mm_diff_opts diff;
	struct mm_fleet_opts fleet;
};

#endif
