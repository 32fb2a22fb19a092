/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table.c: the header line, the summary by label, and the mapping tree,
 * printed with libsmartcols.  One column table drives -o, -s, the help for
 * --list-columns and the cell contents. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <libsmartcols.h>

#include "util/format.h"
#include "util/output.h"
#include "emit/table.h"
#include "emit/table_go.h"
#include "emit/table_jemalloc.h"
#include "emit/table_v8.h"
#include "emit/table_symbols.h"

enum {
	COL_ADDRESS, COL_RANGE, COL_START, COL_END, COL_PERMS, COL_OFFSET, COL_DEV,
	COL_INODE, COL_LABEL, COL_VSZ, COL_RESERVED, COL_RSS, COL_PRSS, COL_PSS,
	COL_USS, COL_SWAP, COL_DIRTY, COL_ANON, COL_REGIONS, COL_HOW, COL_NAME,
	COL_BAR, COL_COUNT
};

enum { IN_MAP = 1, IN_SUM = 2 };
enum kind { TEXT, SIZE, HEX };

static const struct colinfo {
	const char *name;
	double whint;
	int flags;
	unsigned int tables;
	enum kind kind;
	const char *help;
} infos[COL_COUNT] = {
	[COL_ADDRESS] = { "ADDRESS", 0.1, MM_COL_TREE, IN_MAP, HEX, "first address of the mapping or region, in the tree" },
	[COL_RANGE] = { "RANGE", 0.1, MM_COL_TREE, IN_MAP, HEX, "start-end of the mapping or region, as /proc/PID/maps" },
	[COL_START] = { "START", 0.1, MM_COL_RIGHT, IN_MAP, HEX, "first address" },
	[COL_END] = { "END", 0.1, MM_COL_RIGHT, IN_MAP, HEX, "address after the last byte" },
	[COL_PERMS] = { "PERMS", 4, 0, IN_MAP, TEXT, "protection and sharing: r w x, p(rivate) or s(hared)" },
	[COL_OFFSET] = { "OFFSET", 0.1, MM_COL_RIGHT, IN_MAP, HEX, "offset into the mapped file" },
	[COL_DEV] = { "DEV", 5, 0, IN_MAP, TEXT, "device of the mapped file (major:minor, hex)" },
	[COL_INODE] = { "INODE", 0.1, MM_COL_RIGHT, IN_MAP, SIZE, "inode of the mapped file" },
	[COL_LABEL] = { "LABEL", 0.1, 0, IN_MAP | IN_SUM, TEXT, "what the memory is (see LABELS in memmap(1))" },
	[COL_VSZ] = { "VSZ", 5, MM_COL_RIGHT, IN_MAP | IN_SUM, SIZE, "virtual size: address space taken" },
	[COL_RESERVED] = { "RESERVED", 5, MM_COL_RIGHT, IN_SUM, SIZE, "part of VSZ that is PROT_NONE: reserved, not usable" },
	[COL_RSS] = { "RSS", 5, MM_COL_RIGHT, IN_MAP | IN_SUM, SIZE, "resident in RAM" },
	[COL_PRSS] = { "%RSS", 5, MM_COL_RIGHT, IN_SUM, TEXT, "share of the process's RSS" },
	[COL_PSS] = { "PSS", 5, MM_COL_RIGHT, IN_MAP | IN_SUM, SIZE, "resident, shared pages divided among their users" },
	[COL_USS] = { "USS", 5, MM_COL_RIGHT, IN_MAP | IN_SUM, SIZE, "resident and private: what exiting would free" },
	[COL_SWAP] = { "SWAP", 5, MM_COL_RIGHT, IN_MAP | IN_SUM, SIZE, "swapped out" },
	[COL_DIRTY] = { "DIRTY", 5, MM_COL_RIGHT, IN_MAP | IN_SUM, SIZE, "resident and modified (private + shared)" },
	[COL_ANON] = { "ANON", 5, MM_COL_RIGHT, IN_MAP, SIZE, "anonymous (not file-backed) resident pages" },
	[COL_REGIONS] = { "COUNT", 3, MM_COL_RIGHT, IN_SUM, SIZE, "number of regions with this label" },
	[COL_HOW] = { "HOW", 0.1, 0, IN_MAP, TEXT, "how the label was found: elf, kernel, runtime or heuristic" },
	[COL_NAME] = { "NAME", 0.3, MM_COL_TRUNC, IN_MAP, TEXT, "mapped file or kernel name; for a region, its detail" },
	[COL_BAR] = { "BAR", 0.2, 0, IN_SUM, TEXT, "RSS (solid) and reserved VSZ (light), each scaled to the largest label; fits the terminal" },
};

static const int map_defaults[] = {
	COL_ADDRESS, COL_PERMS, COL_VSZ, COL_RSS, COL_PSS, COL_SWAP, COL_LABEL, COL_NAME,
};
/* Nine columns that fit 80 with the longest label; DIRTY and COUNT by -o. */
static const int sum_defaults[] = {
	COL_LABEL, COL_VSZ, COL_RESERVED, COL_RSS, COL_PRSS, COL_PSS, COL_USS, COL_SWAP,
	COL_BAR,
};

struct columns {
	int id[COL_COUNT * 2];
	size_t n;
	size_t name_width;	/* NAME cut from the left to this; 0: never */
	size_t bar_width;	/* cells of BAR */
};

static int column_by_name(const char *name, size_t len)
{
	for (int i = 0; i < COL_COUNT; i++) {
		if (strlen(infos[i].name) == len && strncasecmp(infos[i].name, name, len) == 0) {
			return i;
		}
	}
	return -1;
}

/* Resolves -o for one table: defaults, a LIST, or +LIST after defaults. */
static int parse_columns(const char *list, unsigned int table, bool raw,
			 struct columns *cols, char *err, size_t errlen)
{
	const int *defs = table == IN_MAP ? map_defaults : sum_defaults;
	size_t ndefs = table == IN_MAP ? sizeof(map_defaults) / sizeof(int)
				       : sizeof(sum_defaults) / sizeof(int);

	cols->n = 0;
	if (!list || *list == '+') {
		for (size_t i = 0; i < ndefs; i++) {
			if (!(raw && defs[i] == COL_BAR)) {	/* bars are for eyes */
				cols->id[cols->n++] = defs[i];
			}
		}
	}
	if (!list) {
		return 0;
	}
	for (const char *p = list + (*list == '+'); *p;) {
		size_t len = strcspn(p, ",");
		int id = column_by_name(p, len);

		if (id < 0 || !(infos[id].tables & table)) {
			snprintf(err, errlen, "%s column: %.*s%s",
				 id < 0 ? "unknown" : "no such", (int)len, p,
				 id < 0 ? "" : (table == IN_MAP ? " (a summary column)"
								: " (a mapping column)"));
			return -EINVAL;
		}
		if (cols->n < sizeof(cols->id) / sizeof(cols->id[0])) {
			cols->id[cols->n++] = id;
		}
		p += len + (p[len] == ',');
	}
	if (cols->n == 0) {
		snprintf(err, errlen, "no columns given");
		return -EINVAL;
	}
	return 0;
}

int mm_table_check(const struct mm_table_opts *o, char *err, size_t errlen)
{
	struct columns cols;
	unsigned int tables = (o->summary ? IN_SUM : 0) | (o->mappings ? IN_MAP : 0);
	int rc;

	rc = parse_columns(o->output, o->mappings ? IN_MAP : IN_SUM, o->raw, &cols, err, errlen);
	if (rc) {
		return rc;
	}
	if (o->sort) {
		int id = column_by_name(o->sort, strlen(o->sort));

		if (id < 0 || !(infos[id].tables & tables)) {
			snprintf(err, errlen, "cannot sort by %s: %s", o->sort,
				 id < 0 ? "unknown column" : "not in the tables printed");
			return -EINVAL;
		}
	}
	return 0;
}

bool mm_table_has_column(const char *name)
{
	return column_by_name(name, strlen(name)) >= 0;
}

void mm_table_list_columns(FILE *out, bool raw)
{
	for (unsigned int t = IN_MAP; t <= IN_SUM; t <<= 1) {
		if (!raw) {
			fprintf(out, "%s columns:\n", t == IN_MAP ? "Mapping tree" : "Summary");
		}
		for (int i = 0; i < COL_COUNT; i++) {
			if (!(infos[i].tables & t)) {
				continue;
			}
			if (raw) {
				if (t == IN_SUM && (infos[i].tables & IN_MAP)) {
					continue;	/* listed once */
				}
				fprintf(out, "%s %s\n", infos[i].name, infos[i].help);
			} else {
				fprintf(out, " %10s  %s\n", infos[i].name, infos[i].help);
			}
		}
		if (!raw && t == IN_MAP) {
			putc('\n', out);
		}
	}
}

/* ---- filters -------------------------------------------------------- */

static bool label_wanted(const struct mm_table_opts *o, enum mm_label label)
{
	const char *name = mm_label_name(label);
	char glob[64];

	if (!o->labels) {
		return true;
	}
	for (const char *p = o->labels; *p;) {
		size_t len = strcspn(p, ",");

		if (len < sizeof(glob)) {
			memcpy(glob, p, len);
			glob[len] = '\0';
			if (fnmatch(glob, name, 0) == 0) {
				return true;
			}
		}
		p += len + (p[len] == ',');
	}
	return false;
}

/* Whether one of the --address values lies in [start, end). */
static bool holds_address(const struct mm_table_opts *o, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < o->naddresses; i++) {
		if (o->address[i] >= start && o->address[i] < end) {
			return true;
		}
	}
	return false;
}

static bool region_wanted(const struct mm_table_opts *o, const struct mm_region *r)
{
	return label_wanted(o, r->label) &&
	       (!o->has_address || holds_address(o, r->start, r->end));
}

static bool mapping_wanted(const struct mm_table_opts *o, const struct mm_mapping *m)
{
	if (mm_mapping_size(m) < o->min_size ||
	    (o->has_address && !holds_address(o, m->start, m->end))) {
		return false;
	}
	for (size_t i = 0; i < m->nregions; i++) {
		if (region_wanted(o, &m->regions[i])) {
			return true;
		}
	}
	return false;
}

static bool category_wanted(const struct mm_table_opts *o, const struct mm_snapshot *snap,
			    int label)
{
	const struct mm_category *c = &snap->categories[label];

	return c->regions && c->vsz >= o->min_size && label_wanted(o, (enum mm_label)label);
}

/* ---- cells ---------------------------------------------------------- */

void mm_table_size(char *buf, size_t len, const struct mm_table_opts *o, uint64_t v)
{
	if (o->bytes) {
		snprintf(buf, len, "%" PRIu64, v);
	} else {
		mm_format_size(buf, len, v);
	}
}

char *mm_table_size_text(const struct mm_table_opts *o, uint64_t v)
{
	char buf[32];

	mm_table_size(buf, sizeof(buf), o, v);
	return strdup(buf);
}

static char *hex_text(uint64_t v)
{
	char buf[17];

	mm_format_hex(buf, v);
	return strdup(buf);
}

/* "start-end", as /proc/PID/maps writes it. */
static char *range_text(uint64_t start, uint64_t end)
{
	char buf[40];
	size_t n = mm_format_hex(buf, start);

	buf[n++] = '-';
	mm_format_hex(buf + n, end);
	return strdup(buf);
}

static const char *class_color(enum mm_class c)
{
	static const char *const colors[MM_CLASS_COUNT] = {
		[MM_CLASS_IMAGE] = "blue", [MM_CLASS_HEAP] = "green",
		[MM_CLASS_STACK] = "magenta", [MM_CLASS_RUNTIME] = "yellow",
		[MM_CLASS_KERNEL] = "cyan", [MM_CLASS_FILE] = "brown",
		[MM_CLASS_ANON] = NULL,
	};
	return colors[c];
}

/* A raw row keeps its column count for awk: "-" stands for an empty cell.
 * Returns text, or the "-" that replaces it (NULL on ENOMEM). */
static char *raw_cell(const struct mm_table_opts *o, char *text)
{
	if (text && !*text && o->raw && !o->pairs) {
		free(text);
		return strdup("-");
	}
	return text;
}

int mm_table_set_cell(struct libscols_line *ln, size_t n, char *text)
{
	if (!text) {
		return -ENOMEM;
	}
	if (scols_line_refer_data(ln, n, text) < 0) {
		free(text);
		return -ENOMEM;
	}
	return 0;
}

static void color_label(const struct mm_table_opts *o, struct libscols_line *ln,
			size_t n, enum mm_label label)
{
	const char *color = class_color(mm_label_class(label));

	if (o->colors && color) {
		scols_cell_set_color(scols_line_get_cell(ln, n), color);
	}
}

/* What a mapping row says in NAME: its path, or its kernel name. */
char *mm_table_path_text(const char *path, bool deleted)
{
	static const char tail[] = " (deleted)";
	char *esc, *s;
	size_t n;

	esc = mm_escape_name(path ? path : "");
	if (!esc || !path || !deleted) {
		return esc;
	}
	n = strlen(esc);
	s = realloc(esc, n + sizeof(tail));
	if (!s) {
		free(esc);
		return NULL;
	}
	memcpy(s + n, tail, sizeof(tail));
	return s;
}

static char *mapping_name(const struct mm_mapping *m)
{
	if (!m->path) {
		const char *detail = m->nregions == 1 ? m->regions[0].detail : NULL;

		return mm_escape_name(detail ? detail : "");
	}
	return mm_table_path_text(m->path, m->deleted);
}

/* Column col's text for one mapping (region == NULL) or one of its
 * regions; NULL when out of memory. */
static char *map_cell_text(const struct mm_table_opts *o, int col,
			   const struct mm_mapping *m, const struct mm_region *r)
{
	const struct mm_region *only = r ? r : (m->nregions == 1 ? &m->regions[0] : NULL);
	uint64_t start = r ? r->start : m->start, end = r ? r->end : m->end;
	const struct mm_counters *c = r ? &r->c : &m->c;
	char *text = NULL;

	switch (col) {
	case COL_RANGE: return range_text(start, end);
	case COL_ADDRESS: case COL_START: return hex_text(start);
	case COL_END: return hex_text(end);
	case COL_PERMS: return strdup(r ? "" : m->perms);
	case COL_OFFSET: return r ? strdup("") : hex_text(m->offset);
	case COL_DEV:
		return r ? strdup("") : (asprintf(&text, "%02x:%02x", m->dev_major,
						  m->dev_minor) < 0 ? NULL : text);
	case COL_INODE:
		return r ? strdup("") : (asprintf(&text, "%" PRIu64, m->inode) < 0 ? NULL : text);
	case COL_LABEL: return strdup(only ? mm_label_name(only->label) : "");
	case COL_HOW: return strdup(only ? mm_how_name(only->how) : "");
	case COL_VSZ: return mm_table_size_text(o, end - start);
	case COL_RSS: return mm_table_size_text(o, c->rss);
	case COL_PSS: return mm_table_size_text(o, c->pss);
	case COL_USS: return mm_table_size_text(o, c->private_clean + c->private_dirty);
	case COL_SWAP: return mm_table_size_text(o, c->swap);
	case COL_DIRTY: return mm_table_size_text(o, c->private_dirty + c->shared_dirty);
	case COL_ANON: return mm_table_size_text(o, c->anonymous);
	case COL_NAME:
		return r ? mm_escape_name(r->detail ? r->detail : "") : mapping_name(m);
	default: return strdup("");
	}
}

/* Whether a name prints as it is: printable ASCII without a backslash
 * (what mm_escape_name() leaves alone in any locale). */
static bool name_as_is(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || *s == '\\') {
			return false;
		}
	}
	return true;
}

/* map_cell_text() without an allocation for most cells: the text is in
 * buf (MM_CELL_MAX bytes), in the model, or a literal; else it is
 * allocated and *owned is set to it for the caller to free.  NULL when
 * out of memory.  60,000 mappings are half a million cells, measured and
 * then printed. */
enum { MM_CELL_MAX = 64 };

static const char *map_cell(char *buf, const struct mm_table_opts *o, int col,
			    const struct mm_mapping *m, const struct mm_region *r,
			    char **owned)
{
	const struct mm_region *only = r ? r : (m->nregions == 1 ? &m->regions[0] : NULL);
	uint64_t start = r ? r->start : m->start, end = r ? r->end : m->end;
	const struct mm_counters *c = r ? &r->c : &m->c;
	const char *name = NULL;
	size_t n;

	*owned = NULL;
	switch (col) {
	case COL_RANGE:
		n = mm_format_hex(buf, start);
		buf[n++] = '-';
		mm_format_hex(buf + n, end);
		return buf;
	case COL_ADDRESS: case COL_START: mm_format_hex(buf, start); return buf;
	case COL_END: mm_format_hex(buf, end); return buf;
	case COL_PERMS: return r ? "" : m->perms;
	case COL_OFFSET:
		if (r) {
			return "";
		}
		mm_format_hex(buf, m->offset);
		return buf;
	case COL_LABEL: return only ? mm_label_name(only->label) : "";
	case COL_HOW: return only ? mm_how_name(only->how) : "";
	case COL_VSZ: mm_table_size(buf, MM_CELL_MAX, o, end - start); return buf;
	case COL_RSS: mm_table_size(buf, MM_CELL_MAX, o, c->rss); return buf;
	case COL_PSS: mm_table_size(buf, MM_CELL_MAX, o, c->pss); return buf;
	case COL_USS:
		mm_table_size(buf, MM_CELL_MAX, o, c->private_clean + c->private_dirty);
		return buf;
	case COL_SWAP: mm_table_size(buf, MM_CELL_MAX, o, c->swap); return buf;
	case COL_DIRTY:
		mm_table_size(buf, MM_CELL_MAX, o, c->private_dirty + c->shared_dirty);
		return buf;
	case COL_ANON: mm_table_size(buf, MM_CELL_MAX, o, c->anonymous); return buf;
	case COL_NAME:
		if (r) {
			name = r->detail ? r->detail : "";
		} else if (!m->path) {
			name = only && only->detail ? only->detail : "";
		} else if (!m->deleted) {
			name = m->path;
		}
		if (name && name_as_is(name)) {
			return name;
		}
		break;
	default:
		break;
	}
	return *owned = map_cell_text(o, col, m, r);
}

/* The next character of s (len bytes left): its bytes, and its terminal
 * cells in *cells.  Invalid bytes count one cell each, as smartcols does. */
static size_t next_char(const char *s, size_t len, size_t *cells)
{
	mbstate_t st = { 0 };
	wchar_t wc;
	size_t n;

	if ((unsigned char)s[0] < 0x80) {
		*cells = 1;
		return 1;
	}
	n = mbrtowc(&wc, s, len, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*cells = 1;
		return 1;
	}
	*cells = wcwidth(wc) > 0 ? (size_t)wcwidth(wc) : 0;
	return n;
}

/* Terminal cells of a cell's text, as smartcols counts them (the text is
 * escaped already: no control characters). */
static size_t text_width(const char *s)
{
	size_t width = 0, len = strlen(s);

	for (size_t i = 0, w; i < len; width += w) {
		i += next_char(s + i, len - i, &w);
	}
	return width;
}

static bool utf8_locale(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

/* text cut from the left to width cells, keeping its end (the basename):
 * "…/libc.so.6".  Frees text; returns the new text, or NULL on ENOMEM. */
static char *cut_left(char *text, size_t width)
{
	const char *dots = utf8_locale() ? "…" : "...";
	size_t dots_w = utf8_locale() ? 1 : 3;
	size_t len = strlen(text), total = text_width(text), i = 0, w;
	char *slash, *cut;

	if (total <= width || width <= dots_w) {
		return text;
	}
	while (i < len && total > width - dots_w) {
		i += next_char(text + i, len - i, &w);
		total -= w;
	}
	/* Start at a directory boundary when one is left in the tail. */
	slash = strchr(text + i, '/');
	if (slash && slash[1] && text[i] != '/') {
		i = (size_t)(slash - text);
	}
	if (asprintf(&cut, "%s%s", dots, text + i) < 0) {
		cut = NULL;
	}
	free(text);
	return cut;
}

static int fill_map_line(const struct mm_table_opts *o, const struct columns *cols,
			 struct libscols_line *ln, const struct mm_mapping *m,
			 const struct mm_region *r)
{
	const struct mm_region *only = r ? r : (m->nregions == 1 ? &m->regions[0] : NULL);

	for (size_t i = 0; i < cols->n; i++) {
		char *text = map_cell_text(o, cols->id[i], m, r);

		if (cols->id[i] == COL_LABEL && only) {
			color_label(o, ln, i, only->label);
		}
		if (text && cols->id[i] == COL_NAME && cols->name_width) {
			text = cut_left(text, cols->name_width);
		}
		if (mm_table_set_cell(ln, i, raw_cell(o, text))) {
			return -ENOMEM;
		}
	}
	return 0;
}

/* The largest RSS and reserved VSZ among the labels shown, and the cells
 * each part of the bar may take (the two together fit the BAR column). */
struct bar_scale {
	uint64_t rss, reserved;
	unsigned int rss_cells, reserved_cells;
	uint64_t total_rss;	/* the process's, for %RSS */
};

enum { BAR_WIDTH = 16 };

/* A bar of v/max in cells; eighth blocks where UTF-8 allows. */
static void append_bar(char **p, uint64_t v, uint64_t max, unsigned int cells, bool utf8,
		       bool light)
{
	static const char *const eighths[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
	unsigned int units = max ? (unsigned int)((unsigned __int128)v * cells * 8 / max) : 0;

	if (v && !units) {
		units = 1;	/* present, however small */
	}
	for (unsigned int i = 0; i < units / 8; i++) {
		*p = stpcpy(*p, utf8 ? (light ? "░" : "█") : (light ? "-" : "#"));
	}
	if (units % 8) {
		*p = stpcpy(*p, utf8 && !light ? eighths[units % 8] : (light ? (utf8 ? "░" : "-") : "#"));
	}
}

static char *bar_text(const struct mm_category *cat, const struct bar_scale *scale)
{
	bool utf8 = utf8_locale();
	char *buf = malloc((scale->rss_cells + scale->reserved_cells) * 4 + 8), *p = buf;

	if (!buf) {
		return NULL;
	}
	*p = '\0';
	if (scale->rss_cells) {
		append_bar(&p, cat->rss, scale->rss, scale->rss_cells, utf8, false);
	}
	if (cat->reserved && scale->reserved_cells) {
		*p++ = ' ';
		*p = '\0';
		append_bar(&p, cat->reserved, scale->reserved, scale->reserved_cells, utf8, true);
	}
	return buf;
}

/* Column col's text for a summary row named name (a label, or the row
 * that adds up the labels not shown); NULL on ENOMEM. */
static char *sum_cell_text(const struct mm_table_opts *o, int col, const char *name,
			   const struct mm_category *cat, const struct bar_scale *scale)
{
	char *text = NULL;

	switch (col) {
	case COL_LABEL: return mm_escape_name(name);
	case COL_VSZ: return mm_table_size_text(o, cat->vsz);
	case COL_RESERVED: return mm_table_size_text(o, cat->reserved);
	case COL_RSS: return mm_table_size_text(o, cat->rss);
	case COL_PRSS:
		/* Rounded down, so that a share never reads as more than it is. */
		return asprintf(&text, "%.1f", scale->total_rss ?
				(double)(cat->rss * 1000 / scale->total_rss) / 10 : 0.0) < 0
		       ? NULL : text;
	case COL_PSS: return mm_table_size_text(o, cat->pss);
	case COL_USS: return mm_table_size_text(o, cat->uss);
	case COL_SWAP: return mm_table_size_text(o, cat->swap);
	case COL_DIRTY: return mm_table_size_text(o, cat->dirty);
	case COL_REGIONS: return asprintf(&text, "%zu", cat->regions) < 0 ? NULL : text;
	case COL_BAR: return bar_text(cat, scale);
	default: return strdup("");
	}
}

/* label < 0: the row of the labels not shown, uncoloured. */
static int fill_sum_line(const struct mm_table_opts *o, const struct columns *cols,
			 struct libscols_line *ln, int label, const char *name,
			 const struct mm_category *cat, const struct bar_scale *scale)
{
	for (size_t i = 0; i < cols->n; i++) {
		int col = cols->id[i];

		if (label >= 0 && (col == COL_LABEL || col == COL_BAR)) {
			color_label(o, ln, i, (enum mm_label)label);
		}
		if (mm_table_set_cell(ln, i, raw_cell(o, sum_cell_text(o, col, name, cat, scale)))) {
			return -ENOMEM;
		}
	}
	return 0;
}

/* ---- sorting -------------------------------------------------------- */

/* What qsort_r's comparisons sort by: a column (-1: address order) and,
 * for the summary, whose categories. */
struct sort {
	int col;
	const struct mm_snapshot *snap;
};

static uint64_t map_key(const struct mm_mapping *m, int col)
{
	switch (col) {
	case COL_VSZ: return mm_mapping_size(m);
	case COL_RSS: return m->c.rss;
	case COL_PSS: return m->c.pss;
	case COL_SWAP: return m->c.swap;
	case COL_DIRTY: return m->c.private_dirty + m->c.shared_dirty;
	case COL_ANON: return m->c.anonymous;
	case COL_INODE: return m->inode;
	case COL_OFFSET: return m->offset;
	case COL_END: return m->end;
	default: return m->start;
	}
}

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

static int cmp_mappings(const void *a, const void *b, void *arg)
{
	const struct mm_mapping *x = *(const struct mm_mapping *const *)a;
	const struct mm_mapping *y = *(const struct mm_mapping *const *)b;
	int sort_col = ((const struct sort *)arg)->col;
	int rc;

	switch (sort_col) {
	case COL_LABEL:
		rc = strcmp(mm_label_name(x->regions[0].label), mm_label_name(y->regions[0].label));
		break;
	case COL_HOW:
		rc = strcmp(mm_how_name(x->regions[0].how), mm_how_name(y->regions[0].how));
		break;
	case COL_NAME:
	case COL_DEV:
		rc = strcmp(x->path ? x->path : "", y->path ? y->path : "");
		break;
	case COL_PERMS:
		rc = strcmp(x->perms, y->perms);
		break;
	case COL_ADDRESS: case COL_START: case COL_END: case COL_OFFSET: case -1:
		rc = map_key(x, sort_col) < map_key(y, sort_col) ? -1 :
		     map_key(x, sort_col) > map_key(y, sort_col);
		break;
	default:
		rc = cmp_u64_desc(map_key(x, sort_col), map_key(y, sort_col));
		break;
	}
	return rc ? rc : (x->start < y->start ? -1 : x->start > y->start);
}

static uint64_t cat_key(const struct mm_category *c, int col)
{
	switch (col) {
	case COL_VSZ: return c->vsz;
	case COL_RESERVED: return c->reserved;
	case COL_PSS: return c->pss;
	case COL_SWAP: return c->swap;
	case COL_DIRTY: return c->dirty;
	case COL_REGIONS: return c->regions;
	default: return c->rss;
	}
}

static int cmp_labels(const void *a, const void *b, void *arg)
{
	const struct sort *by = arg;
	int x = *(const int *)a, y = *(const int *)b;
	int rc;

	if (by->col == COL_LABEL) {
		return strcmp(mm_label_name((enum mm_label)x), mm_label_name((enum mm_label)y));
	}
	rc = cmp_u64_desc(cat_key(&by->snap->categories[x], by->col),
			  cat_key(&by->snap->categories[y], by->col));
	return rc ? rc : x - y;
}

/* ---- tables --------------------------------------------------------- */

/* Whether column i of n holds its width in the lines' look: not the last
 * one, unless aligned right. */
static bool holds_width(const struct mm_column *c, size_t i, size_t n)
{
	return i + 1 < n || (c->flags & MM_COL_RIGHT);
}

static bool held_width(const struct columns *cols, size_t i)
{
	const struct colinfo *ci = &infos[cols->id[i]];
	const struct mm_column c = { ci->name, ci->whint, ci->flags };

	return holds_width(&c, i, cols->n);
}

static int scols_flags(int flags)
{
	return (flags & MM_COL_RIGHT ? SCOLS_FL_RIGHT : 0) |
	       (flags & MM_COL_TRUNC ? SCOLS_FL_TRUNC : 0) |
	       (flags & MM_COL_TREE ? SCOLS_FL_TREE : 0);
}

struct libscols_table *mm_table_new(const struct mm_table_opts *o,
				    const struct mm_column *cols, size_t n, bool tree,
				    const size_t *widths)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb) {
		return NULL;
	}
	if (widths) {
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER);
	}
	scols_table_enable_raw(tb, o->raw);
	if (o->pairs) {
		/* After raw: the table has one format.  %RSS is PRSS. */
		scols_table_enable_export(tb, 1);
		scols_table_enable_shellvar(tb, 1);
	}
	scols_table_enable_noheadings(tb, o->noheadings);
	scols_table_enable_colors(tb, o->colors);
	/* Every cell is escaped already (mm_escape_name): spare smartcols a
	 * second pass over each byte, which would escape the escapes. */
	scols_table_enable_noencoding(tb, 1);
	for (size_t i = 0; i < n; i++) {
		int flags = cols[i].flags, w = 0;
		char *name;
		bool ok;

		if (!tree) {
			flags &= ~MM_COL_TREE;
		}
		tree = tree && !(flags & MM_COL_TREE);	/* the first such column */
		if (o->notruncate) {
			flags &= ~MM_COL_TRUNC;
		}
		if (widths && holds_width(&cols[i], i, n)) {
			w = (int)widths[i];
		}
		if (o->pairs && cols[i].name[0] == '%') {
			/* A shell variable cannot start with %: as lsblk's FSUSE_PCT. */
			if (asprintf(&name, "%s_PCT", cols[i].name + 1) < 0) {
				name = NULL;
			}
		} else if (asprintf(&name, flags & MM_COL_RIGHT ? "%*s" : "%-*s", w,
				    cols[i].name) < 0) {
			name = NULL;
		}
		ok = name && scols_table_new_column(tb, name, cols[i].whint, scols_flags(flags));
		free(name);
		if (!ok) {
			scols_unref_table(tb);
			return NULL;
		}
	}
	return tb;
}

struct libscols_line *mm_table_new_line(struct libscols_table *tb,
					struct libscols_line *parent)
{
	return scols_table_new_line(tb, parent);
}

void mm_table_color(struct libscols_line *ln, size_t n, const char *color)
{
	scols_cell_set_color(scols_line_get_cell(ln, n), color);
}

/* -r keeps every row's column count for awk: an empty cell prints "-"
 * (-P quotes its empty values instead). */
static int dash_empty_cells(struct libscols_table *tb)
{
	struct libscols_iter *it;
	struct libscols_line *ln;
	size_t ncols = scols_table_get_ncols(tb);
	int rc = 0;

	if (!scols_table_is_raw(tb) || scols_table_is_export(tb)) {
		return 0;
	}
	it = scols_new_iter(SCOLS_ITER_FORWARD);
	if (!it) {
		return -ENOMEM;
	}
	while (!rc && scols_table_next_line(tb, it, &ln) == 0) {
		for (size_t i = 0; i < ncols && !rc; i++) {
			const char *d = scols_cell_get_data(scols_line_get_cell(ln, i));

			if (!d || !*d) {
				rc = scols_line_set_data(ln, i, "-") < 0 ? -ENOMEM : 0;
			}
		}
	}
	scols_free_iter(it);
	return rc;
}

/* ---- printing without libsmartcols ------------------------------------
 *
 * Piped, a table of printable ASCII cells needs none of libsmartcols'
 * fitting, and its measuring of every character (mbrtowc, wcwidth, twice)
 * is most of what the tree costs.  So such a table is printed here, the
 * way libsmartcols 2.38 prints it off a terminal: each column as wide as
 * its widest cell (tree art included) or its header, else its absolute
 * width hint; one space between columns; right-aligned cells padded on
 * the left; the last column not padded unless aligned right; a newline
 * after every line.  MEMMAP_TABLE=smartcols keeps libsmartcols, to
 * compare the two. */

enum { PLAIN_MAX_COLS = 64 };

struct plain {
	struct libscols_table *tb;
	FILE *out;
	size_t ncols;
	struct libscols_column *cols[PLAIN_MAX_COLS];
	size_t width[PLAIN_MAX_COLS];
	bool right[PLAIN_MAX_COLS], tree[PLAIN_MAX_COLS];
	const char *branch, *last, *vertical;	/* tree art, two cells each */
};

/* Whether s is printable ASCII (NULL counts as ""); its length in *len. */
static bool plain_text(const char *s, size_t *len)
{
	size_t n = 0;

	for (; s && s[n]; n++) {
		if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] > 0x7e) {
			return false;
		}
	}
	*len = n;
	return true;
}

static size_t line_depth(const struct libscols_line *ln)
{
	size_t depth = 0;

	while ((ln = scols_line_get_parent(ln))) {
		depth++;
	}
	return depth;
}

/* Widens the columns to ln's cells; false when one is not plain. */
static bool plain_measure_line(struct plain *p, struct libscols_line *ln)
{
	size_t art = 2 * line_depth(ln);

	for (size_t i = 0; i < p->ncols; i++) {
		size_t len;

		if (!plain_text(scols_cell_get_data(scols_line_get_cell(ln, i)), &len)) {
			return false;
		}
		len += p->tree[i] ? art : 0;
		p->width[i] = len > p->width[i] ? len : p->width[i];
	}
	return true;
}

/* Whether tb can be printed here, with its columns' widths measured. */
static bool plain_setup(struct plain *p, struct libscols_table *tb, FILE *out)
{
	const char *env = getenv("MEMMAP_TABLE");
	struct libscols_iter *it;
	struct libscols_line *ln;
	bool utf8 = !scols_table_is_ascii(tb) && utf8_locale();
	bool ok = true;

	if ((env && strcmp(env, "smartcols") == 0) || getenv("LIBSMARTCOLS_DEBUG_PADDING") ||
	    scols_table_is_raw(tb) || scols_table_is_export(tb) || scols_table_is_json(tb) ||
	    scols_table_is_maxout(tb) || scols_table_is_minout(tb) ||
	    scols_table_colors_wanted(tb) || !scols_table_is_noencoding(tb) ||
	    scols_cell_get_data(scols_table_get_title(tb)) ||
	    scols_table_get_termforce(tb) == SCOLS_TERMFORCE_ALWAYS ||
	    (scols_table_get_termforce(tb) == SCOLS_TERMFORCE_AUTO && isatty(STDOUT_FILENO))) {
		return false;
	}
	*p = (struct plain){ .tb = tb, .out = out, .ncols = scols_table_get_ncols(tb) };
	p->branch = utf8 ? "├─" : "|-";
	p->last = utf8 ? "└─" : "`-";
	p->vertical = utf8 ? "│ " : "| ";
	if (p->ncols == 0 || p->ncols > PLAIN_MAX_COLS) {
		return false;
	}
	for (size_t i = 0; i < p->ncols; i++) {
		struct libscols_column *cl = scols_table_get_column(tb, i);
		int flags = scols_column_get_flags(cl);
		const char *head = scols_cell_get_data(scols_column_get_header(cl));
		size_t len;

		if (!head || scols_column_is_hidden(cl) || (flags & ~(SCOLS_FL_RIGHT | SCOLS_FL_TRUNC |
							       SCOLS_FL_TREE)) ||
		    !plain_text(head, &len)) {
			return false;
		}
		p->cols[i] = cl;
		p->right[i] = flags & SCOLS_FL_RIGHT;
		p->tree[i] = flags & SCOLS_FL_TREE;
	}
	it = scols_new_iter(SCOLS_ITER_FORWARD);
	if (!it) {
		return false;
	}
	while (ok && scols_table_next_line(tb, it, &ln) == 0) {
		ok = plain_measure_line(p, ln);
	}
	scols_free_iter(it);
	/* Widened as libsmartcols widens them: to the header (at least one
	 * cell), else to an absolute hint. */
	for (size_t i = 0; ok && i < p->ncols; i++) {
		size_t head = strlen(scols_cell_get_data(scols_column_get_header(p->cols[i])));
		double hint = scols_column_get_whint(p->cols[i]);

		head = head ? head : 1;
		if (p->width[i] < head) {
			p->width[i] = head;
		} else if (hint >= 1 && p->width[i] < (size_t)hint && head < (size_t)hint) {
			p->width[i] = (size_t)hint;
		}
	}
	return ok;
}

static void put_spaces(FILE *out, size_t n)
{
	static const char spaces[] = "                                ";

	for (; n > sizeof(spaces) - 1; n -= sizeof(spaces) - 1) {
		fwrite_unlocked(spaces, 1, sizeof(spaces) - 1, out);
	}
	fwrite_unlocked(spaces, 1, n, out);
}

/* The tree art before ln's cell: a line for each ancestor below the top
 * level still to be continued, then ln's own branch. */
static void put_art(const struct plain *p, struct libscols_line *ln, bool top)
{
	struct libscols_line *parent = scols_line_get_parent(ln);
	struct libscols_line *sib = NULL;
	struct libscols_iter *it;
	bool last = true;

	if (!parent) {
		return;
	}
	put_art(p, parent, false);
	/* Whether ln is its parent's last child. */
	it = scols_new_iter(SCOLS_ITER_BACKWARD);
	if (it && scols_line_next_child(parent, it, &sib) == 0) {
		last = sib == ln;
	}
	scols_free_iter(it);
	if (top) {
		fputs(last ? p->last : p->branch, p->out);
	} else {
		fputs(last ? "  " : p->vertical, p->out);
	}
}

/* One line (ln) or the header (ln NULL). */
static void plain_line(const struct plain *p, struct libscols_line *ln)
{
	size_t art = ln ? 2 * line_depth(ln) : 0;

	for (size_t i = 0; i < p->ncols; i++) {
		const char *data = ln ? scols_cell_get_data(scols_line_get_cell(ln, i))
				      : scols_cell_get_data(scols_column_get_header(p->cols[i]));
		size_t len = data ? strlen(data) : 0, width = p->width[i];
		bool is_last = i + 1 == p->ncols, tree = p->tree[i] && art;

		len += tree ? art : 0;
		if (is_last && len < width && !p->right[i]) {
			width = len;
		}
		if (len) {
			if (p->right[i]) {
				put_spaces(p->out, width - len);
				len = width;
			}
			if (tree) {
				put_art(p, ln, true);
			}
			fputs(data ? data : "", p->out);
		}
		if (is_last) {
			break;
		}
		put_spaces(p->out, width - len);
		putc(' ', p->out);
	}
	putc('\n', p->out);
}

static void plain_tree(const struct plain *p, struct libscols_line *ln)
{
	struct libscols_iter *it;
	struct libscols_line *child;

	plain_line(p, ln);
	if (!scols_line_has_children(ln)) {
		return;
	}
	it = scols_new_iter(SCOLS_ITER_FORWARD);
	while (it && scols_line_next_child(ln, it, &child) == 0) {
		plain_tree(p, child);
	}
	scols_free_iter(it);
}

/* Prints tb as libsmartcols would; false when it must print it itself. */
static bool print_plain(FILE *out, struct libscols_table *tb)
{
	struct plain p;
	struct libscols_iter *it;
	struct libscols_line *ln;

	if (!plain_setup(&p, tb, out)) {
		return false;
	}
	if (scols_table_get_nlines(tb) == 0) {
		return true;	/* no header for no lines */
	}
	it = scols_new_iter(SCOLS_ITER_FORWARD);
	if (!it) {
		return false;
	}
	if (!scols_table_is_noheadings(tb)) {
		plain_line(&p, NULL);
	}
	while (scols_table_next_line(tb, it, &ln) == 0) {
		if (!scols_table_is_tree(tb)) {
			plain_line(&p, ln);
		} else if (!scols_line_get_parent(ln)) {
			plain_tree(&p, ln);
		}
	}
	scols_free_iter(it);
	return true;
}

int mm_table_done(FILE *out, struct libscols_table *tb, int rc)
{
	if (!rc) {
		rc = dash_empty_cells(tb);
	}
	if (!rc && !print_plain(out, tb)) {
		scols_table_set_stream(tb, out);
		scols_print_table(tb);
	}
	scols_unref_table(tb);
	return rc;
}

/* The table of the columns cols picked from infos[]. */
static struct libscols_table *new_table(const struct mm_table_opts *o,
					const struct columns *cols, bool tree,
					const size_t *widths)
{
	struct mm_column spec[COL_COUNT * 2];

	for (size_t i = 0; i < cols->n; i++) {
		const struct colinfo *ci = &infos[cols->id[i]];

		spec[i] = (struct mm_column){ ci->name, ci->whint, ci->flags };
	}
	return mm_table_new(o, spec, cols->n, tree, widths);
}

/* The terminal out writes to, in cells: COLUMNS and LINES first, as
 * util-linux does, then the tty's own size.  0 when out is no terminal. */
static void term_size(FILE *out, size_t *width, size_t *height)
{
	const char *env[2] = { getenv("COLUMNS"), getenv("LINES") };
	struct winsize ws = { 0 };
	size_t *dim[2] = { width, height };

	*width = *height = 0;
	if (!isatty(fileno(out))) {
		return;
	}
	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0) {
		*width = ws.ws_col;
		*height = ws.ws_row;
	}
	for (int i = 0; i < 2; i++) {
		char *end;
		unsigned long v = env[i] ? strtoul(env[i], &end, 10) : 0;

		if (env[i] && *env[i] && !*end && v > 0 && v < 100000) {
			*dim[i] = v;
		}
	}
	if (!*width) {
		*width = 80;
	}
}

/* The cells of BAR: what the other columns leave of the terminal's width
 * (at most 25), else 16 for RSS and 8 for reserved. */
static void fit_bar(const struct mm_table_opts *o, const struct mm_snapshot *snap,
		    const struct columns *cols, const int *order, size_t n,
		    const char *rest_name, const struct mm_category *rest,
		    struct bar_scale *scale, size_t width)
{
	size_t used = 0, cells;

	scale->rss_cells = BAR_WIDTH;
	scale->reserved_cells = scale->reserved ? BAR_WIDTH / 2 : 0;
	if (!width) {
		return;
	}
	for (size_t i = 0; i < cols->n; i++) {
		const struct colinfo *ci = &infos[cols->id[i]];
		size_t w = strlen(ci->name);

		if (cols->id[i] == COL_BAR) {
			continue;
		}
		/* As smartcols widens a column: to an absolute hint. */
		if (ci->whint >= 1 && (size_t)ci->whint > w) {
			w = (size_t)ci->whint;
		}
		for (size_t k = 0; k <= n; k++) {
			const struct mm_category *c = k < n ? &snap->categories[order[k]] : rest;
			const char *name = k < n ? mm_label_name((enum mm_label)order[k]) : rest_name;
			char *text;

			if (!c) {
				continue;
			}
			text = sum_cell_text(o, cols->id[i], name, c, scale);
			if (text && text_width(text) > w) {
				w = text_width(text);
			}
			free(text);
		}
		used += w + 1;
	}
	/* One cell spare: a line that fills the last column wraps on some
	 * terminals. */
	cells = width > used + 1 ? width - used - 1 : 0;
	cells = cells > 25 ? 25 : cells;
	if (cells < 4) {
		scale->rss_cells = scale->reserved_cells = 0;
	} else if (scale->reserved) {
		scale->rss_cells = (unsigned int)(cells * 2 / 3);
		scale->reserved_cells = (unsigned int)(cells - scale->rss_cells - 1);
	} else {
		scale->rss_cells = (unsigned int)cells;
	}
}

/* A label's larger share: of the process's RSS or of its VSZ. */
static double share(const struct mm_snapshot *snap, int label)
{
	const struct mm_category *c = &snap->categories[label];
	double rss = snap->totals.rss ? (double)c->rss / (double)snap->totals.rss : 0;
	double vsz = snap->total_vsz ? (double)c->vsz / (double)snap->total_vsz : 0;

	return rss > vsz ? rss : vsz;
}

static int cmp_share(const void *a, const void *b, void *arg)
{
	double x = share(arg, *(const int *)a), y = share(arg, *(const int *)b);

	return x < y ? 1 : x > y ? -1 : *(const int *)a - *(const int *)b;
}

static void add_category(struct mm_category *sum, const struct mm_category *c)
{
	sum->vsz += c->vsz;
	sum->reserved += c->reserved;
	sum->rss += c->rss;
	sum->pss += c->pss;
	sum->uss += c->uss;
	sum->swap += c->swap;
	sum->dirty += c->dirty;
	sum->regions += c->regions;
}

/* The summary, one row a label; with max_rows, the rows beyond it are
 * added up in a last row ("+7 more") so that the table fits a screen. */
static int print_summary(FILE *out, const struct mm_snapshot *snap,
			 const struct mm_table_opts *o, const struct columns *cols,
			 int sort_col, size_t width, size_t max_rows)
{
	struct sort by = { .col = sort_col, .snap = snap };
	int order[MM_LABEL_COUNT], rc = 0;
	size_t n = 0, shown;
	struct libscols_table *tb = new_table(o, cols, false, NULL);
	struct bar_scale scale = { .total_rss = snap->totals.rss };
	struct mm_category rest = { 0 };
	char rest_name[32] = "";

	if (!tb) {
		return -ENOMEM;
	}
	for (int i = 0; i < MM_LABEL_COUNT; i++) {
		if (category_wanted(o, snap, i)) {
			order[n++] = i;
		}
	}
	shown = max_rows && n > max_rows ? (max_rows > 1 ? max_rows - 1 : 1) : n;
	if (shown < n) {
		/* The rows that answer: the biggest shares of RSS or of VSZ
		 * (a Go server's 1.4G is reserved, in labels with no RSS). */
		qsort_r(order, n, sizeof(int), cmp_share, (void *)snap);
	}
	qsort_r(order, shown, sizeof(int), cmp_labels, &by);
	qsort_r(order + shown, n - shown, sizeof(int), cmp_labels, &by);
	for (size_t i = 0; i < n; i++) {
		const struct mm_category *c = &snap->categories[order[i]];

		if (i >= shown) {
			add_category(&rest, c);
			continue;
		}
		scale.rss = c->rss > scale.rss ? c->rss : scale.rss;
		scale.reserved = c->reserved > scale.reserved ? c->reserved : scale.reserved;
	}
	if (shown < n) {
		snprintf(rest_name, sizeof(rest_name), "+%zu more", n - shown);
	}
	fit_bar(o, snap, cols, order, shown, shown < n ? rest_name : NULL,
		shown < n ? &rest : NULL, &scale, width);
	for (size_t i = 0; i < shown && !rc; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		rc = ln ? fill_sum_line(o, cols, ln, order[i],
					mm_label_name((enum mm_label)order[i]),
					&snap->categories[order[i]], &scale) : -ENOMEM;
	}
	if (shown < n && !rc) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		/* Its bar would be scaled to the rows above: none. */
		scale.rss_cells = scale.reserved_cells = 0;
		rc = ln ? fill_sum_line(o, cols, ln, -1, rest_name, &rest, &scale) : -ENOMEM;
	}
	return mm_table_done(out, tb, rc);
}

/* The terminal out writes to, in cells: COLUMNS and LINES first, as
 * util-linux does, then the tty's own size.  0 when out is no terminal. */
/* The column that carries the tree's art: the first that may, as
 * mm_table_new() gives it; -1 when none. */
static int tree_column(const struct columns *cols)
{
	for (size_t i = 0; i < cols->n; i++) {
		if (infos[cols->id[i]].flags & MM_COL_TREE) {
			return (int)i;
		}
	}
	return -1;
}

static int measure_line(const struct mm_table_opts *o, const struct columns *cols,
			const struct mm_mapping *m, const struct mm_region *r,
			size_t *widths, bool *plain)
{
	for (size_t i = 0; i < cols->n; i++) {
		char buf[MM_CELL_MAX], *owned;
		const char *text;
		size_t w, len;
		bool ascii;

		if (!held_width(cols, i) && !*plain) {
			continue;
		}
		text = map_cell(buf, o, cols->id[i], m, r, &owned);
		if (!text) {
			return -ENOMEM;
		}
		ascii = plain_text(text, &len);
		/* A name fill_map_line() would cut is for libsmartcols. */
		*plain = *plain && ascii &&
			 !(cols->id[i] == COL_NAME && cols->name_width && len > cols->name_width);
		if (held_width(cols, i) || *plain) {
			/* A region line's tree art ("├─") takes two cells. */
			w = (ascii ? len : text_width(text)) +
			    (r && (int)i == tree_column(cols) ? 2 : 0);
			widths[i] = w > widths[i] ? w : widths[i];
		}
		free(owned);
	}
	return 0;
}

/* Every column's width over all the lines, for printing them in chunks.
 * With plain true, also whether every cell is printable ASCII and no name
 * is to be cut (*plain false when one is not; then the widths of the last
 * column, unless aligned right, are not all known), or plain NULL: not
 * asked. */
static int measure(const struct mm_table_opts *o, const struct columns *cols,
		   const struct mm_mapping **order, size_t n, size_t *widths,
		   bool *plain)
{
	bool unasked = false;
	int rc = 0;

	plain = plain ? plain : &unasked;
	for (size_t i = 0; i < cols->n; i++) {
		widths[i] = 0;
	}
	for (size_t k = 0; k < n && !rc; k++) {
		const struct mm_mapping *m = order[k];

		rc = measure_line(o, cols, m, NULL, widths, plain);
		for (size_t r = 0; m->nregions > 1 && r < m->nregions && !rc; r++) {
			if (region_wanted(o, &m->regions[r])) {
				rc = measure_line(o, cols, m, &m->regions[r], widths, plain);
			}
		}
	}
	/* As smartcols widens them: to the header, else to an absolute hint. */
	for (size_t i = 0; i < cols->n; i++) {
		const struct colinfo *ci = &infos[cols->id[i]];
		size_t head = strlen(ci->name), hint = (size_t)ci->whint;

		if (widths[i] < head) {
			widths[i] = head;
		} else if (ci->whint >= 1 && widths[i] < hint && head < hint) {
			widths[i] = hint;
		}
	}
	return rc;
}

/* Mappings [first, last) of order as one libsmartcols table. */
static int print_map_table(FILE *out, const struct mm_table_opts *o,
			   const struct columns *cols, const size_t *widths,
			   const struct mm_mapping **order, size_t first, size_t last)
{
	struct libscols_table *tb = new_table(o, cols, !o->raw, widths);
	int rc = 0;

	if (!tb) {
		return -ENOMEM;
	}
	if (first > 0) {
		scols_table_enable_noheadings(tb, 1);
	}
	for (size_t k = first; k < last && !rc; k++) {
		const struct mm_mapping *m = order[k];
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		rc = ln ? fill_map_line(o, cols, ln, m, NULL) : -ENOMEM;
		for (size_t r = 0; m->nregions > 1 && r < m->nregions && !rc; r++) {
			struct libscols_line *child;

			if (!region_wanted(o, &m->regions[r])) {
				continue;
			}
			child = scols_table_new_line(tb, ln);
			rc = child ? fill_map_line(o, cols, child, m, &m->regions[r]) : -ENOMEM;
		}
	}
	return mm_table_done(out, tb, rc);
}

/* A list longer than this, not to a terminal, is printed MAP_CHUNK mappings
 * at a time with the widths of the whole list: libsmartcols holds every
 * cell of a table (60,000 mappings would be 40 MiB), and only a terminal
 * needs its fitting and truncating of the whole table at once. */
enum { MAP_CHUNK = 2048 };

/* On a terminal, NAME (last) gets what the other columns leave, at least
 * 12 cells, and longer names lose their beginning, not their basename. */
static int fit_names(const struct mm_table_opts *o, struct columns *cols,
		     const struct mm_mapping **order, size_t n, size_t width)
{
	size_t widths[COL_COUNT * 2], used = 0;
	int rc;

	cols->name_width = 0;
	if (!width || o->raw || o->notruncate || cols->id[cols->n - 1] != COL_NAME) {
		return 0;
	}
	rc = measure(o, cols, order, n, widths, NULL);
	for (size_t i = 0; i + 1 < cols->n && !rc; i++) {
		used += widths[i] + 1;
	}
	cols->name_width = width > used + 12 ? width - used : 12;
	return rc;
}

/* ---- the mapping tree without libsmartcols ----------------------------
 *
 * Piped, a tree of printable ASCII cells is printed here line by line
 * with the widths measure() found, the bytes print_plain() would write
 * for the libsmartcols table (core-table-plain compares them): no table
 * of every cell is built first. */

struct direct {
	const struct columns *cols;
	const size_t *widths;
	int tree;			/* the column with the tree art, or -1 */
	const char *branch, *last;	/* tree art, two cells each */
	int label;			/* the coloured column, or -1 */
	const char *colors[MM_CLASS_COUNT];	/* its escape sequences */
	struct mm_outbuf out;		/* lines gathered for one write */
};

static void direct_put(struct direct *d, const char *s, size_t n)
{
	mm_outbuf_put(&d->out, s, n);
}

static void direct_puts(struct direct *d, const char *s)
{
	direct_put(d, s, strlen(s));
}

static void direct_spaces(struct direct *d, size_t n)
{
	static const char spaces[] = "                                ";

	for (; n > sizeof(spaces) - 1; n -= sizeof(spaces) - 1) {
		direct_put(d, spaces, sizeof(spaces) - 1);
	}
	direct_put(d, spaces, n);
}

/* One line: cells[i] is column i's text; art the region line's branch
 * (NULL on a mapping line and the header); color the label column's
 * escape sequence, or NULL.  On a terminal libsmartcols pads a coloured
 * cell inside its colour (d->label is never the last column). */
static void direct_line(struct direct *d, const char *const *cells, const char *art,
			const char *color)
{
	for (size_t i = 0; i < d->cols->n; i++) {
		bool right = infos[d->cols->id[i]].flags & MM_COL_RIGHT;
		bool tree = art && (int)i == d->tree, is_last = i + 1 == d->cols->n;
		size_t len = strlen(cells[i]) + (tree ? 2 : 0), width = d->widths[i];
		const char *c = (int)i == d->label ? color : NULL;

		if (is_last && len < width && !right) {
			width = len;
		}
		if (c) {
			direct_puts(d, c);
		}
		if (len) {
			if (right) {
				direct_spaces(d, width - len);
				len = width;
			}
			if (tree) {
				direct_puts(d, art);
			}
			direct_puts(d, cells[i]);
		}
		if (is_last) {
			break;
		}
		direct_spaces(d, width - len);
		if (c) {
			direct_puts(d, "\033[0m");
		}
		direct_put(d, " ", 1);
	}
	direct_put(d, "\n", 1);
}

/* The escape sequences libsmartcols makes of class_color()'s names. */
static int direct_colors(struct direct *d)
{
	struct libscols_table *tb = scols_new_table();
	struct libscols_line *ln = NULL;
	struct libscols_cell *cell = NULL;
	int rc = -ENOMEM;

	if (tb && scols_table_new_column(tb, "X", 1, 0) &&
	    (ln = scols_table_new_line(tb, NULL)) && (cell = scols_line_get_cell(ln, 0))) {
		rc = 0;
		for (int c = 0; c < MM_CLASS_COUNT && !rc; c++) {
			const char *name = class_color((enum mm_class)c), *seq;

			if (!name) {
				continue;
			}
			if (scols_cell_set_color(cell, name) || !(seq = scols_cell_get_color(cell)) ||
			    !(d->colors[c] = strdup(seq))) {
				rc = -ENOMEM;
			}
		}
	}
	scols_unref_table(tb);
	return rc;
}

static int direct_row(struct direct *d, const struct mm_table_opts *o,
		      const struct mm_mapping *m, const struct mm_region *r, const char *art)
{
	char bufs[COL_COUNT * 2][MM_CELL_MAX], *owned[COL_COUNT * 2] = { 0 };
	const char *cells[COL_COUNT * 2] = { 0 };
	size_t n = 0;
	int rc = 0;

	for (; n < d->cols->n; n++) {
		if (!(cells[n] = map_cell(bufs[n], o, d->cols->id[n], m, r, &owned[n]))) {
			rc = -ENOMEM;
			break;
		}
	}
	if (!rc) {
		const struct mm_region *only = r ? r : (m->nregions == 1 ? &m->regions[0] : NULL);

		direct_line(d, cells, art, only && d->label >= 0 ?
			    d->colors[mm_label_class(only->label)] : NULL);
	}
	while (n--) {
		free(owned[n]);
	}
	return rc;
}

/* The last region of m the tree shows, or NULL. */
static const struct mm_region *last_wanted(const struct mm_table_opts *o,
					   const struct mm_mapping *m)
{
	for (size_t r = m->nregions; m->nregions > 1 && r-- > 0;) {
		if (region_wanted(o, &m->regions[r])) {
			return &m->regions[r];
		}
	}
	return NULL;
}

static int print_direct(FILE *out, const struct mm_table_opts *o,
			const struct columns *cols, const size_t *widths,
			const struct mm_mapping **order, size_t n)
{
	bool utf8 = utf8_locale();
	struct direct *d = malloc(sizeof(*d));
	int rc = 0;

	if (!d) {
		return -ENOMEM;
	}
	*d = (struct direct){
		.out.f = out, .cols = cols, .widths = widths, .tree = tree_column(cols),
		.branch = utf8 ? "├─" : "|-", .last = utf8 ? "└─" : "`-", .label = -1,
	};
	for (size_t i = 0; o->colors && i + 1 < cols->n; i++) {
		if (cols->id[i] == COL_LABEL) {
			d->label = (int)i;
		}
	}
	if (d->label >= 0) {
		rc = direct_colors(d);
	}
	if (!rc && n && !o->noheadings) {
		const char *heads[COL_COUNT * 2] = { 0 };

		for (size_t i = 0; i < cols->n; i++) {
			heads[i] = infos[cols->id[i]].name;
		}
		direct_line(d, heads, NULL, NULL);
	}
	for (size_t k = 0; k < n && !rc; k++) {
		const struct mm_mapping *m = order[k];
		const struct mm_region *last = last_wanted(o, m);

		rc = direct_row(d, o, m, NULL, NULL);
		for (size_t r = 0; last && r < m->nregions && !rc; r++) {
			const struct mm_region *reg = &m->regions[r];

			if (region_wanted(o, reg)) {
				rc = direct_row(d, o, m, reg, reg == last ? d->last : d->branch);
			}
		}
	}
	mm_outbuf_flush(&d->out);
	for (int c = 0; c < MM_CLASS_COUNT; c++) {
		free((char *)d->colors[c]);
	}
	free(d);
	return rc;
}

/* Whether the tree may be printed by print_direct(): nothing
 * libsmartcols alone does (raw, pairs, its debug padding), and
 * MEMMAP_TABLE=smartcols not set (to compare the two).  Piped, without
 * colours; on a terminal (out and stdout), when every line fits its width
 * (see direct_fits) with the label column, if coloured, not the last. */
static bool direct_wanted(FILE *out, const struct mm_table_opts *o,
			  const struct columns *cols, bool tty)
{
	const char *env = getenv("MEMMAP_TABLE");

	if (o->raw || o->pairs || (env && strcmp(env, "smartcols") == 0) ||
	    getenv("LIBSMARTCOLS_DEBUG_PADDING") || tty != (bool)isatty(STDOUT_FILENO)) {
		return false;
	}
	if (!tty) {
		return !o->colors;
	}
	return !o->notruncate && !(o->colors && cols->id[cols->n - 1] == COL_LABEL);
}

/* Whether the widest line fits the terminal's width: then libsmartcols
 * neither shrinks nor cuts a column, and prints what it would piped. */
static bool direct_fits(const struct columns *cols, const size_t *widths, size_t width)
{
	size_t used = 0;

	for (size_t i = 0; i < cols->n; i++) {
		used += widths[i] + (i + 1 < cols->n);
	}
	return used <= width;
}

static int print_mappings(FILE *out, const struct mm_snapshot *snap,
			  const struct mm_table_opts *o, struct columns *cols,
			  int sort_col, size_t width)
{
	struct sort by = { .col = sort_col, .snap = snap };
	const struct mm_mapping **order = calloc(snap->nmappings + 1, sizeof(*order));
	size_t widths[COL_COUNT * 2], n = 0, chunk;
	bool chunked, tty;
	int rc = 0;

	if (!order) {
		return -ENOMEM;
	}
	cols->name_width = 0;	/* fit_names() sets it on a terminal */
	for (size_t i = 0; i < snap->nmappings; i++) {
		if (mapping_wanted(o, &snap->mappings[i])) {
			order[n++] = &snap->mappings[i];
		}
	}
	if (sort_col >= 0) {
		qsort_r(order, n, sizeof(*order), cmp_mappings, &by);
	}
	tty = isatty(fileno(out));
	if (direct_wanted(out, o, cols, tty)) {
		bool plain = true;

		rc = tty ? fit_names(o, cols, order, n, width) : 0;
		rc = rc ? rc : measure(o, cols, order, n, widths, &plain);
		if (!rc && plain && (!tty || direct_fits(cols, widths, width))) {
			rc = print_direct(out, o, cols, widths, order, n);
			free(order);
			return rc;
		}
	}
	chunked = n > MAP_CHUNK && !o->raw && !isatty(fileno(out));
	chunk = chunked ? MAP_CHUNK : n;
	if (chunked) {
		rc = rc ? rc : measure(o, cols, order, n, widths, NULL);
	} else {
		rc = rc ? rc : fit_names(o, cols, order, n, width);
	}
	for (size_t first = 0, last; !rc; first = last) {
		last = n - first < chunk ? n : first + chunk;
		rc = print_map_table(out, o, cols, chunked ? widths : NULL, order, first, last);
		if (last == n) {
			break;
		}
	}
	free(order);
	return rc;
}

/* "user root, started 2026-12-07 15:48 UTC, cgroup /system.slice/x.service,
 * container 0123456789ab, host vm" on its own line, when known. */
static void print_identity(FILE *out, const struct mm_identity *id)
{
	char *user = id->user ? mm_escape_name(id->user) : NULL;
	char *cgroup = id->cgroup ? mm_escape_name(id->cgroup) : NULL;
	char *host = id->hostname ? mm_escape_name(id->hostname) : NULL;
	const char *sep = "\n";

	if (user) {
		fprintf(out, "%suser %s", sep, user);
		sep = ", ";
	}
	if (id->start_time) {
		time_t t = (time_t)id->start_time;
		struct tm tm;
		char when[32];

		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
		fprintf(out, "%sstarted %s", sep, when);
		sep = ", ";
	}
	if (cgroup && strcmp(cgroup, "/") != 0) {
		fprintf(out, "%scgroup %s", sep, cgroup);
		sep = ", ";
	}
	if (id->container_id) {
		fprintf(out, "%scontainer %.12s", sep, id->container_id);
		sep = ", ";
	}
	if (host) {
		fprintf(out, "%shost %s", sep, host);
	}
	free(user);
	free(cgroup);
	free(host);
}

static void print_header(FILE *out, const struct mm_snapshot *snap)
{
	char *comm = mm_escape_name(snap->comm ? snap->comm : "");
	char *exe = mm_escape_name(snap->exe ? snap->exe : "?");
	/* The version comes from the target's own build info. */
	char *version = mm_escape_name(snap->runtime.version ? snap->runtime.version : "");

	fprintf(out, "pid %d (%s)  %s", (int)snap->pid, comm ? comm : "", exe ? exe : "");
	if (snap->runtime.lang) {
		fprintf(out, "  %s %s%s%s", snap->runtime.lang,
			version && *version ? version : "(version unknown)",
			snap->runtime.cgo ? " cgo" : "",
			snap->runtime.stripped ? " stripped" : "");
	}
	fprintf(out, "\nLinux %s, %zu mappings", snap->kernel ? snap->kernel : "?",
		snap->nmappings);
	if (snap->status.has_status) {
		fprintf(out, ", %lu thread%s", snap->status.threads,
			snap->status.threads == 1 ? "" : "s");
	}
	print_identity(out, &snap->identity);
	fputs("\n\n", out);
	free(comm);
	free(exe);
	free(version);
}

/* text as lines of at most width cells (0: one line), broken between
 * words; the first line indented by first, the others by rest. */
/* In text for put_wrapped: a space that does not break ("reserved 0"). */
#define NBSP_BYTE	'\x1f'

static void put_wrapped(FILE *out, const char *text, size_t first, size_t rest,
			size_t width)
{
	size_t col = first;
	bool line_start = true;

	fprintf(out, "%*s", (int)first, "");
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, " "), w;
		char word[512];

		if (len == 0) {
			p++;
			continue;
		}
		snprintf(word, sizeof(word), "%.*s", (int)len, p);
		/* NBSP_BYTE: a space the line may not break at. */
		for (char *q = word; (q = strchr(q, NBSP_BYTE));) {
			*q = ' ';
		}
		w = text_width(word);
		if (width && !line_start && col + 1 + w > width) {
			fprintf(out, "\n%*s", (int)rest, "");
			col = rest;
			line_start = true;
		}
		if (!line_start) {
			putc(' ', out);
			col++;
		}
		fputs(word, out);
		col += w;
		line_start = false;
		p += len;
	}
	putc('\n', out);
}

#define SZ(buf, v) (o->bytes ? (snprintf(buf, sizeof(buf), "%" PRIu64, (uint64_t)(v)), buf) \
			     : (mm_format_size(buf, sizeof(buf), v), buf))

/* The process's totals in one line, as pmap closes its listing. */
static void print_total(FILE *out, const struct mm_snapshot *snap,
			const struct mm_table_opts *o)
{
	char a[32], b[32], c[32], d[32], e[32], f[32];

	fprintf(out, "total VSZ %s (reserved %s), RSS %s, PSS %s, USS %s, swap %s\n",
		SZ(a, snap->total_vsz), SZ(b, snap->total_reserved), SZ(c, snap->totals.rss),
		SZ(d, snap->totals.pss),
		SZ(e, snap->totals.private_clean + snap->totals.private_dirty),
		SZ(f, snap->totals.swap));
}

/* The roll-up: RSS by family in a fixed order (code, data, heap, stacks,
 * runtime, files, shared, other; those with none left out), then the
 * reserved VSZ. */
static void print_classes(FILE *out, const struct mm_snapshot *snap,
			  const struct mm_table_opts *o, size_t width)
{
	uint64_t rss[MM_FAM_COUNT] = { 0 };
	char line[512], a[32];
	size_t len;

	for (int i = 0; i < MM_LABEL_COUNT; i++) {
		rss[mm_label_family((enum mm_label)i)] += snap->categories[i].rss;
	}
	len = (size_t)snprintf(line, sizeof(line), "RSS by family:");
	for (int i = 0, n = 0; i < MM_FAM_COUNT && len < sizeof(line); i++) {
		if (rss[i]) {
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s %s\x1f%s",
						n++ ? "," : "",
						mm_family_name((enum mm_family)i), SZ(a, rss[i]));
		}
	}
	if (len < sizeof(line)) {
		snprintf(line + len, sizeof(line) - len, "; reserved\x1f%s",
			 SZ(a, snap->total_reserved));
	}
	/* Wrapped at 80 when piped too: it is prose, not a row to cut. */
	put_wrapped(out, line, 0, 2, width ? width : 80);
}

/* VSZ against VmSize (the kernel lists [vsyscall] but does not count it),
 * RSS against VmRSS, and how much is labelled. */
static void print_reconciliation(FILE *out, const struct mm_snapshot *snap,
				 const struct mm_table_opts *o, size_t width)
{
	char a[32], b[32], c[32], d[32];
	uint64_t vsyscall = snap->categories[MM_KERNEL_VSYSCALL].vsz;

	fputc('\n', out);
	print_total(out, snap, o);
	if (snap->status.has_status) {
		uint64_t counted = snap->total_vsz - vsyscall;

		fprintf(out, "status: VmSize %s %s VSZ - [vsyscall] %s; VmRSS %s",
			SZ(a, snap->status.vm_size),
			counted == snap->status.vm_size ? "=" : "!=",
			SZ(b, counted), SZ(c, snap->status.vm_rss));
		if (snap->status.hugetlb_pages) {	/* smaps RSS counts them too */
			fprintf(out, " + HugetlbPages %s", SZ(a, snap->status.hugetlb_pages));
		}
		fprintf(out, " (smaps RSS %s)\n", SZ(d, snap->totals.rss));
		if (counted != snap->status.vm_size) {
			fputs("  (the mappings changed between reading smaps and status)\n", out);
		}
	}
	/* Rounded down: 100.0% means not one byte is anon. */
	mm_format_percent_down(a, sizeof(a), snap->total_vsz - snap->categories[MM_ANON].vsz,
			       snap->total_vsz);
	mm_format_percent_down(b, sizeof(b), snap->totals.rss - snap->categories[MM_ANON].rss,
			       snap->totals.rss);
	fprintf(out, "labelled beyond anon: %s%% of VSZ, %s%% of RSS\n", a, b);
	print_classes(out, snap, o, width);
}
#undef SZ

/* What this process's regions of one label are, for --explain: how many,
 * the largest, and how much of them lies in writable mappings. */
struct label_facts {
	size_t regions;
	uint64_t largest, writable, bytes;
};

static struct label_facts label_facts(const struct mm_snapshot *snap, enum mm_label label)
{
	struct label_facts f = { 0 };

	for (size_t i = 0; i < snap->nmappings; i++) {
		const struct mm_mapping *m = &snap->mappings[i];

		for (size_t r = 0; r < m->nregions; r++) {
			uint64_t size = m->regions[r].end - m->regions[r].start;

			if (m->regions[r].label != label) {
				continue;
			}
			f.regions++;
			f.bytes += size;
			f.largest = size > f.largest ? size : f.largest;
			f.writable += m->perms[1] == 'w' ? size : 0;
		}
	}
	return f;
}

/* Guards are a page or a few (glibc: one page, musl: 8K, JVM: a few);
 * beyond this an inaccessible region is reserved space, not a guard. */
enum { GUARD_MAX = 64 * 1024 };

/* The sentence for a label: the vocabulary's, unless this process's
 * facts say otherwise; then one built from them. */
static void put_explanation(FILE *f, const struct mm_snapshot *snap, enum mm_label label)
{
	const struct mm_category *c = &snap->categories[label];
	struct label_facts facts = label_facts(snap, label);
	char a[32], b[32];

	switch (label) {
	case MM_THREAD_GUARD:
		if (facts.largest > GUARD_MAX) {
			mm_format_size(a, sizeof(a), facts.largest);
			fprintf(f, "inaccessible (PROT_NONE) address space below thread stacks, "
				"%zu region%s, the largest an inaccessible region of %s: more "
				"than a guard page, space kept back", facts.regions,
				facts.regions == 1 ? "" : "s", a);
			return;
		}
		break;
	case MM_EXE_RELRO:
	case MM_LIB_RELRO:
		if (facts.writable) {
			mm_format_size(a, sizeof(a), facts.writable);
			mm_format_size(b, sizeof(b), facts.bytes);
			fprintf(f, "data the loader relocates (GOT, vtables, .dynamic) to make "
				"read-only afterwards; here %s of %s is still writable (a "
				"static binary, or one linked without full RELRO)", a, b);
			return;
		}
		break;
	case MM_SHMEM:
		mm_format_size(a, sizeof(a), c->rss);
		mm_format_size(b, sizeof(b), c->pss);
		fprintf(f, "%s; RSS counts each page of it this process touched, as it "
			"does in every other process that maps it, while PSS divides each "
			"page among them (PSS %s of RSS %s)", mm_label_explanation(label), b, a);
		return;
	default:
		break;
	}
	fputs(mm_label_explanation(label), f);
}

/* --explain: one sentence per label shown, from the vocabulary and from
 * this process's own numbers (how much is reserved, how much resident). */
static void print_explanations(FILE *out, const struct mm_snapshot *snap,
			       const struct mm_table_opts *o, size_t width)
{
	fputc('\n', out);
	put_wrapped(out, "VSZ is address space, RSS is RAM in use now, PSS divides shared "
		    "pages among the processes sharing them, USS is what only this "
		    "process holds; RESERVED is address space made inaccessible "
		    "(PROT_NONE) to keep it for later.", 0, 0, width);
	for (int i = 0; i < MM_LABEL_COUNT; i++) {
		const struct mm_category *c = &snap->categories[i];
		double resident = c->vsz ? (double)c->rss / (double)c->vsz : 0;
		char vsz[32], rss[32], res[32], *para = NULL;
		size_t len = 0;
		FILE *f;

		if (!category_wanted(o, snap, i)) {
			continue;
		}
		mm_format_size(vsz, sizeof(vsz), c->vsz);
		mm_format_size(rss, sizeof(rss), c->rss);
		mm_format_size(res, sizeof(res), c->reserved);
		f = open_memstream(&para, &len);
		if (!f) {
			return;
		}
		fprintf(f, "%s: ", mm_label_name((enum mm_label)i));
		put_explanation(f, snap, (enum mm_label)i);
		fputs(".  ", f);
		if (c->reserved * 2 > c->vsz) {
			fprintf(f, "Here %s of address space, %s of it only reserved, "
				"%s in RAM: mostly address space, not memory.", vsz, res, rss);
		} else if (resident < 0.05 && c->vsz > 1024 * 1024) {
			fprintf(f, "Here %s mapped but only %s in RAM: touched sparsely.",
				vsz, rss);
		} else {
			fprintf(f, "Here %s mapped, %s (%.0f%%) in RAM.", vsz, rss,
				resident * 100);
		}
		if (fclose(f) == 0) {
			put_wrapped(out, para, 2, 4, width);
		}
		free(para);
	}
}

/* One line about mapping m, for an unmapped address's neighbours. */
static void print_neighbour(FILE *out, const char *where, const struct mm_mapping *m,
			    uint64_t addr)
{
	const struct mm_region *r = &m->regions[where[0] == 'b' ? m->nregions - 1 : 0];
	char *name = mapping_name(m), dist[32];

	mm_format_size(dist, sizeof(dist), where[0] == 'b' ? addr - m->end + 1 : m->start - addr);
	fprintf(out, "  %s: %" PRIx64 "-%" PRIx64 " %s %s %s (%s away)\n", where, m->start,
		m->end, m->perms, mm_label_name(r->label), name && *name ? name : "-", dist);
	free(name);
}

/* --address: which mapping and region hold addr; for an address no mapping
 * holds, the nearest mappings below and above it. */
static void print_address(FILE *out, const struct mm_snapshot *snap, uint64_t addr)
{
	const struct mm_mapping *m = mm_snapshot_find(snap, addr);
	const struct mm_mapping *below = NULL, *above = NULL;
	char *name, *detail;

	if (!m) {
		for (size_t i = 0; i < snap->nmappings; i++) {
			const struct mm_mapping *x = &snap->mappings[i];

			if (x->end <= addr) {
				below = x;
			} else if (x->start > addr && !above) {
				above = x;
			}
		}
		fprintf(out, "0x%" PRIx64 ": not mapped\n", addr);
		if (below) {
			print_neighbour(out, "below", below, addr);
		}
		if (above) {
			print_neighbour(out, "above", above, addr);
		}
		return;
	}
	for (size_t i = 0; i < m->nregions; i++) {
		const struct mm_region *r = &m->regions[i];

		if (addr < r->start || addr >= r->end) {
			continue;
		}
		detail = mm_escape_name(r->detail ? r->detail : "");
		fprintf(out, "0x%" PRIx64 ": %s%s%s%s, +0x%" PRIx64 " into %" PRIx64 "-%" PRIx64
			" (%s)", addr, mm_label_name(r->label),
			detail && *detail ? " (" : "", detail ? detail : "",
			detail && *detail ? ")" : "", addr - r->start, r->start, r->end,
			mm_how_name(r->how));
		free(detail);
	}
	if (m->path && m->path[0] == '/') {
		name = mm_escape_name(m->path);
		fprintf(out, "; file %s offset 0x%" PRIx64, name ? name : "?",
			m->offset + (addr - m->start));
		free(name);
	}
	mm_table_symbol_at(out, snap, addr);
	fputc('\n', out);
}

size_t mm_table_unmapped(const struct mm_snapshot *snap, const struct mm_table_opts *o)
{
	size_t n = 0;

	for (size_t i = 0; i < o->naddresses; i++) {
		n += !mm_snapshot_find(snap, o->address[i]);
	}
	return n;
}

/* Lines text takes (it ends with a newline). */
/* The terminal rows text takes at width columns (0: unbounded): a line
 * longer than the width wraps onto more.  Bytes stand for cells: what is
 * measured here is escaped and mostly ASCII. */
static size_t count_lines(const char *text, size_t len, size_t width)
{
	size_t n = 0, col = 0;

	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			n += 1 + (width && col ? (col - 1) / width : 0);
			col = 0;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			col++;
		}
	}
	return n;
}

/* Bytes of label l's regions: mapped (not PROT_NONE) and resident. */
static void label_sums(const struct mm_snapshot *snap, enum mm_label l, uint64_t *mapped,
		       uint64_t *rss)
{
	*mapped = snap->categories[l].vsz - snap->categories[l].reserved;
	*rss = snap->categories[l].rss;
}

/* HotSpot's own figures beside the labels and the kernel's. */
static void print_jvm_runtime(FILE *out, const struct mm_snapshot *snap,
			      const struct mm_table_opts *o)
{
	const struct mm_jvm_totals *t = &snap->runtime.jvm;
	char a[32], b[32], c[32], d[32];
	uint64_t mapped, rss;

	if (!t->valid) {
		return;
	}
	fprintf(out, "\nJava runtime: HotSpot's own figures read from outside, beside the labels\n");
	label_sums(snap, MM_JVM_HEAP, &mapped, &rss);
	mm_table_size(a, sizeof(a), o, t->heap_reserved);
	mm_table_size(b, sizeof(b), o, mapped);
	mm_table_size(c, sizeof(c), o, rss);
	fprintf(out, "heap%s%s: reserved %s; jvm.heap mapped read-write %s, RSS %s\n",
		t->gc[0] ? " " : "", t->gc, a, b, c);
	if (t->has_committed) {
		mm_table_size(a, sizeof(a), o, t->heap_committed);
		mm_table_size(d, sizeof(d), o, t->heap_used);
		fprintf(out, "  committed %s, used %s%s\n", a, t->has_used ? d : "?",
			t->has_used ? " (as the collector last counted)" : "");
	}
	label_sums(snap, MM_JVM_CODE, &mapped, &rss);
	mm_table_size(a, sizeof(a), o, t->code_reserved);
	mm_table_size(b, sizeof(b), o, t->code_committed);
	mm_table_size(c, sizeof(c), o, mapped);
	mm_table_size(d, sizeof(d), o, rss);
	fprintf(out, "code cache: reserved %s, committed %s; jvm.code mapped %s, RSS %s\n", a,
		t->has_code_committed ? b : "?", c, d);
}

/* What follows the summary: totals, reconciliation, classes, and on the
 * first screen the way to the rest.  Allocated; NULL on ENOMEM. */
static char *summary_footer(const struct mm_snapshot *snap, const struct mm_table_opts *o,
			    size_t width, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f) {
		return NULL;
	}
	print_reconciliation(f, snap, o, width);
	mm_table_symbol_notes(f, snap, o, o->first_screen);
	/* The Go runtime's own accounting: beyond the first screen, which
	 * keeps its rows for the labels. */
	if (!o->first_screen) {
		mm_table_go_runtime(f, snap, o);
		mm_table_jemalloc(f, snap, o);
		mm_table_v8_runtime(f, snap, o);
		print_jvm_runtime(f, snap, o);
	}
	if (o->first_screen) {
		put_wrapped(f, "(--mappings: every mapping; --explain: what each label is)",
			    0, 1, width);
	}
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

/* The summary, with its footer unless raw or headless; on the first
 * screen cut to the rows that leave the footer in sight. */
static int print_summary_part(FILE *out, const struct mm_snapshot *snap,
			      const struct mm_table_opts *o, const struct columns *cols,
			      int sort_col, size_t width, size_t height, size_t header_rows)
{
	bool decorate = !o->raw && !o->noheadings;
	size_t len = 0, max_rows = 0;
	char *foot = decorate ? summary_footer(snap, o, width, &len) : NULL;
	int rc;

	if (decorate && !foot) {
		return -ENOMEM;
	}
	/* The header, the table's heading and the prompt after. */
	if (o->first_screen && height) {
		size_t fixed = header_rows + 1 + count_lines(foot, len, width) + 1;

		max_rows = height > fixed + 4 ? height - fixed : 4;
	}
	rc = print_summary(out, snap, o, cols, sort_col, width, max_rows);
	if (!rc && foot) {
		fwrite(foot, 1, len, out);
	}
	free(foot);
	if (!rc && o->explain) {
		print_explanations(out, snap, o, width);
		mm_table_go_explain(out, snap, o);
	}
	return rc;
}

int mm_table_print(FILE *out, const struct mm_snapshot *snap,
		   const struct mm_table_opts *o)
{
	struct columns map_cols, sum_cols;
	bool decorate = !o->raw && !o->noheadings;
	size_t width, height;
	size_t header_rows = 0;
	char err[128];
	int sort_col, rc;

	/* -o belongs to the mapping tree, or to the summary when alone. */
	if (parse_columns(o->mappings ? o->output : NULL, IN_MAP, o->raw, &map_cols, err,
			  sizeof(err)) ||
	    parse_columns(o->mappings ? NULL : o->output, IN_SUM, o->raw, &sum_cols, err,
			  sizeof(err))) {
		return -EINVAL;
	}
	sort_col = o->sort ? column_by_name(o->sort, strlen(o->sort)) : -1;
	term_size(out, &width, &height);

	if (decorate) {
		char *head = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&head, &len);

		if (!f) {
			return -ENOMEM;
		}
		print_header(f, snap);
		if (fclose(f)) {
			free(head);
			return -ENOMEM;
		}
		fwrite(head, 1, len, out);
		header_rows = count_lines(head, len, width);
		free(head);
	}
	for (size_t i = 0; i < o->naddresses; i++) {
		print_address(out, snap, o->address[i]);
	}
	if (o->naddresses) {
		fputc('\n', out);
	}
	if (o->summary) {
		bool by_it = sort_col >= 0 && (infos[sort_col].tables & IN_SUM);

		rc = print_summary_part(out, snap, o, &sum_cols, by_it ? sort_col : COL_RSS,
					width, height, header_rows);
		if (rc) {
			return rc;
		}
	}
	if (o->symbols) {
		if (o->summary || o->naddresses) {
			putc('\n', out);
		}
		rc = mm_table_symbols(out, snap, o);
		if (rc) {
			return rc;
		}
	}
	if (o->mappings) {
		if (o->summary || o->symbols) {
			putc('\n', out);
		}
		if (sort_col >= 0 && !(infos[sort_col].tables & IN_MAP)) {
			sort_col = -1;
		}
		rc = print_mappings(out, snap, o, &map_cols, sort_col, width);
		if (rc) {
			return rc;
		}
		if (decorate && !o->has_address) {
			putc('\n', out);
			print_total(out, snap, o);
		}
	}
	return 0;
}
