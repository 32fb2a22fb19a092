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

struct mm_options {
	const char *target;	/* PID or NAME; for --diff, the after side */
	const char *proc_root;	/* --proc-root DIR; NULL: /proc */
	bool json, list_columns, list_labels;
	bool no_mem;		/* --no-mem */
	bool debug;		/* --debug, MEMMAP_DEBUG=1: why each labeller did what */
	const char *color, *svg;
	struct mm_table_opts table;
	struct mm_diff_opts diff;
};

#endif
