/* table.h: the human views — header, summary by label, mapping tree —
 * printed with libsmartcols, util-linux style. */
#ifndef MEMMAP_TABLE_H
#define MEMMAP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/model.h"

struct mm_table_opts {
	const char *output;	/* -o LIST or +LIST; NULL: defaults */
	const char *sort;	/* -s COL; NULL: defaults */
	bool summary, mappings;	/* which tables (both by default) */
	bool raw, noheadings, bytes, notruncate, colors;
	bool explain;		/* a sentence per label under the summary */

	/* Filters: they narrow the tables, never the JSON snapshot. */
	const char *labels;	/* comma-separated globs, e.g. "go.*,heap" */
	uint64_t min_size;	/* hide rows whose VSZ is smaller */
	bool has_address;
	uint64_t address;	/* show only what holds this address */
};

struct libscols_line;

/* A size as the tables print it: bytes with -b, else "4K", "1.5M". */
void mm_table_size(char *buf, size_t len, const struct mm_table_opts *o, uint64_t v);

/* A mapped path for a terminal: escaped, " (deleted)" added when it was
 * deleted; "" for none.  Allocated; NULL on ENOMEM. */
char *mm_table_path_text(const char *path, bool deleted);

/* Gives text (allocated; NULL means ENOMEM) to cell n of a libsmartcols
 * line, for the printers.  Returns 0 or -ENOMEM. */
int mm_table_set_cell(struct libscols_line *ln, size_t n, char *text);

/* Checks -o and -s against the tables to be printed.  Returns 0, or -EINVAL
 * with a message in err. */
int mm_table_check(const struct mm_table_opts *o, char *err, size_t errlen);

/* Prints the views o asks for.  Returns 0 or -ENOMEM. */
int mm_table_print(FILE *out, const struct mm_snapshot *snap,
		   const struct mm_table_opts *o);

/* --list-columns: every column, the tables it belongs to, what it shows.
 * raw: "NAME description" lines only. */
void mm_table_list_columns(FILE *out, bool raw);

#endif
