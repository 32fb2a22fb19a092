/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table_symbols.c: what is in a big section, for a terminal: the largest
 * symbols as a table, the symbol an address falls in, and a note when one
 * symbol is most of a label.  Symbol names come from the target's files:
 * every one is escaped. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "emit/table_symbols.h"
#include "util/format.h"

enum { S_LABEL, S_SIZE, S_ADDRESS, S_SYMBOL, S_NAME, S_COUNT };

static const struct mm_column sym_cols[S_COUNT] = {
	[S_LABEL] = { "LABEL", 10, 0 },
	[S_SIZE] = { "SIZE", 5, MM_COL_RIGHT },
	[S_ADDRESS] = { "ADDRESS", 12, MM_COL_RIGHT },
	[S_SYMBOL] = { "SYMBOL", 0.5, MM_COL_TRUNC },
	[S_NAME] = { "NAME", 0.3, MM_COL_TRUNC },
};

static char *hex(uint64_t v)
{
	char *s;

	return asprintf(&s, "%" PRIx64, v) < 0 ? NULL : s;
}

static char *escaped_or_dash(const char *s)
{
	return mm_escape_name(s && *s ? s : "-");
}

int mm_table_symbols(FILE *out, const struct mm_snapshot *snap,
		     const struct mm_table_opts *o)
{
	struct libscols_table *tb = mm_table_new(o, sym_cols, S_COUNT, false, NULL);
	int rc = 0;

	if (!tb) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < snap->nsymbols && !rc; i++) {
		const struct mm_symbol *s = &snap->symbols[i];
		struct libscols_line *ln;

		if (!s->rank || s->rank > o->symbols) {
			continue;
		}
		ln = mm_table_new_line(tb, NULL);
		if (!ln) {
			rc = -ENOMEM;
			break;
		}
		if ((rc = mm_table_set_cell(ln, S_LABEL, strdup(mm_label_name(s->label)))) ||
		    (rc = mm_table_set_cell(ln, S_SIZE, mm_table_size_text(o, s->size))) ||
		    (rc = mm_table_set_cell(ln, S_ADDRESS, hex(s->addr))) ||
		    (rc = mm_table_set_cell(ln, S_SYMBOL, escaped_or_dash(s->name))) ||
		    (rc = mm_table_set_cell(ln, S_NAME, escaped_or_dash(s->image)))) {
			break;
		}
	}
	return mm_table_done(out, tb, rc);
}

void mm_table_symbol_at(FILE *out, const struct mm_snapshot *snap, uint64_t addr)
{
	const struct mm_symbol *s = mm_snapshot_symbol_at(snap, addr);
	char *name;
	char size[32];

	if (!s || !(name = mm_escape_name(s->name))) {
		return;
	}
	mm_format_size(size, sizeof(size), s->size);
	fprintf(out, "; symbol %s+0x%" PRIx64 " (size %s)", name, addr - s->addr, size);
	free(name);
}

/* The largest symbol of label across images, or NULL. */
static const struct mm_symbol *largest(const struct mm_snapshot *snap, enum mm_label label)
{
	const struct mm_symbol *best = NULL;

	for (size_t i = 0; i < snap->nsymbols; i++) {
		const struct mm_symbol *s = &snap->symbols[i];

		if (s->rank == 1 && s->label == label && (!best || s->size > best->size)) {
			best = s;
		}
	}
	return best;
}

/* Whether label's largest symbol is more than half of its VSZ: a symbol
 * that is the answer to "what is this label?"; NULL if none is. */
static const struct mm_symbol *dominant(const struct mm_snapshot *snap, enum mm_label l)
{
	const struct mm_category *c = &snap->categories[l];
	const struct mm_symbol *s = largest(snap, l);

	return s && c->vsz && s->size > c->vsz / 2 ? s : NULL;
}

static void print_note(FILE *out, const struct mm_snapshot *snap,
		       const struct mm_table_opts *o, enum mm_label l,
		       const struct mm_symbol *s)
{
	const struct mm_category *c = &snap->categories[l];
	char size[32], *name = mm_escape_name(s->name), *image = NULL;
	const char *base;

	if (!name) {
		return;
	}
	/* lib.* sums every library: say which one holds it. */
	if (s->image && strncmp(mm_label_name(l), "lib.", 4) == 0) {
		base = strrchr(s->image, '/');
		image = mm_escape_name(base ? base + 1 : s->image);
	}
	mm_table_size(size, sizeof(size), o, s->size);
	/* Rounded down, as coverage is: 99.6% is not all of it. */
	fprintf(out, "%s: %u%% of its VSZ is one symbol, %s (%s)%s%s\n", mm_label_name(l),
		s->size >= c->vsz ? 100u : (unsigned int)(100.0 * (double)s->size /
							   (double)c->vsz),
		name, size, image ? " in " : "", image ? image : "");
	free(image);
	free(name);
}

void mm_table_symbol_notes(FILE *out, const struct mm_snapshot *snap,
			   const struct mm_table_opts *o, bool one)
{
	const struct mm_symbol *best = NULL;
	enum mm_label best_label = MM_ANON;

	for (int l = 0; l < MM_LABEL_COUNT; l++) {
		const struct mm_symbol *s = dominant(snap, (enum mm_label)l);

		if (!s) {
			continue;
		}
		if (!one) {
			print_note(out, snap, o, (enum mm_label)l, s);
		} else if (!best || s->size > best->size) {
			best = s;
			best_label = (enum mm_label)l;
		}
	}
	if (best) {
		print_note(out, snap, o, best_label, best);
	}
}
