/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table.h: the human views — header, summary by label, mapping tree —
 * printed with libsmartcols, util-linux style. */
#ifndef MEMMAP_TABLE_H
#define MEMMAP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/model.h"

enum { MM_TABLE_MAX_ADDRESSES = 64 };	/* --address given more often: an error */
enum { MM_TABLE_SYMBOLS = 5 };		/* --symbols without a count */

struct mm_table_opts {
	const char *output;	/* -o LIST or +LIST; NULL: defaults */
	const char *sort;	/* -s COL; NULL: defaults */
	bool summary, mappings;	/* which tables (both by default) */
	bool raw, noheadings, bytes, notruncate, colors;
	bool pairs;		/* -P: KEY="value" pairs (raw is set too) */
	bool explain;		/* a sentence per label under the summary */
	bool first_screen;	/* the default view on a terminal: the summary
				 * cut to fit the screen, and where to go next */
	size_t symbols;		/* --symbols[=N]: the N largest symbols of each
				 * image's sections; 0: not asked */
	bool symbol_note;	/* find each section's largest symbol, for the
				 * summary's note on one symbol filling a label */

	/* Filters: they narrow the tables, never the JSON snapshot. */
	const char *labels;	/* comma-separated globs, e.g. "go.*,heap" */
	uint64_t min_size;	/* hide rows whose VSZ is smaller */
	bool has_address;
	uint64_t address[MM_TABLE_MAX_ADDRESSES];	/* show what holds these */
	size_t naddresses;
};

struct libscols_line;

/* A size as the tables print it: bytes with -b, else "4K", "1.5M". */
void mm_table_size(char *buf, size_t len, const struct mm_table_opts *o, uint64_t v);

/* The same, allocated (NULL on ENOMEM), for a cell. */
char *mm_table_size_text(const struct mm_table_opts *o, uint64_t v);

/* A mapped path for a terminal: escaped, " (deleted)" added when it was
 * deleted; "" for none.  Allocated; NULL on ENOMEM. */
char *mm_table_path_text(const char *path, bool deleted);

/* Gives text (allocated; NULL means ENOMEM) to cell n of a libsmartcols
 * line, for the printers.  Returns 0 or -ENOMEM. */
int mm_table_set_cell(struct libscols_line *ln, size_t n, char *text);

/* A column's flags: aligned right, truncated to fit, holding the tree. */
enum { MM_COL_RIGHT = 1 << 0, MM_COL_TRUNC = 1 << 1, MM_COL_TREE = 1 << 2 };

/* A column of a printed table: header, width hint (a fraction of the
 * terminal below 1, else columns) and MM_COL_* flags. */
struct mm_column {
	const char *name;
	double whint;
	int flags;
};

struct libscols_table;

/* A libsmartcols table set up as o says (raw, headings, colours,
 * truncation; cells are escaped already) with the n columns cols; tree
 * keeps MM_COL_TREE.  widths, when given, holds the columns at those
 * widths (printing in chunks).  NULL on ENOMEM.  The one table setup of
 * the snapshot and the diff views. */
struct libscols_table *mm_table_new(const struct mm_table_opts *o,
				    const struct mm_column *cols, size_t n, bool tree,
				    const size_t *widths);

/* A new line of tb (a child of parent, or top-level for NULL); NULL on
 * ENOMEM. */
struct libscols_line *mm_table_new_line(struct libscols_table *tb,
					struct libscols_line *parent);

/* Colours cell n of ln (a libsmartcols colour name). */
void mm_table_color(struct libscols_line *ln, size_t n, const char *color);

/* Prints tb to out unless rc (an error while filling it), frees it, and
 * returns rc. */
int mm_table_done(FILE *out, struct libscols_table *tb, int rc);

/* Checks -o and -s against the tables to be printed.  Returns 0, or -EINVAL
 * with a message in err. */
int mm_table_check(const struct mm_table_opts *o, char *err, size_t errlen);

/* Prints the views o asks for.  Returns 0 or -ENOMEM. */
int mm_table_print(FILE *out, const struct mm_snapshot *snap,
		   const struct mm_table_opts *o);

/* How many of o's --address values no mapping of snap holds. */
size_t mm_table_unmapped(const struct mm_snapshot *snap, const struct mm_table_opts *o);

/* Whether a column of the mapping tree or the summary is called name. */
bool mm_table_has_column(const char *name);

/* --list-columns: every column, the tables it belongs to, what it shows.
 * raw: "NAME description" lines only. */
void mm_table_list_columns(FILE *out, bool raw);

#endif
