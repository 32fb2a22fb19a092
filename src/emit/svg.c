/* SPDX-License-Identifier: GPL-2.0-or-later */
/* svg.c: the address space as one SVG 1.1 picture.  Mappings closer than
 * CLUSTER_GAP form a band; inside a band every region is a rectangle whose
 * width grows with log2 of its size (so a guard page and a 64 MiB arena are
 * both visible), coloured by label, with its resident share as a bar below
 * and a tooltip with the numbers.  The document is written as a stream; a
 * first pass with no file measures its height. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/format.h"
#include "util/output.h"
#include "memmap-config.h"
#include "emit/svg.h"

#define WIDTH		1400
#define MARGIN		16
#define RIGHT		(WIDTH - MARGIN)
#define UNIT		10.0	/* px per doubling of a region's size */
#define MIN_W		3.0
#define RECT_H		22
#define GAUGE_H		4
#define ROW_H		(RECT_H + 1 + GAUGE_H + 6)
#define MAP_GAP		1.5	/* between adjacent mappings */
#define HOLE_W		8.0	/* an unmapped gap inside a band */
#define CHAR_W		6.0	/* DejaVu Sans Mono at 10px: 0.6em */
#define LEGEND_COLS	3
#define LEGEND_ROW	17
#define CLUSTER_GAP	(1ULL << 30)

#define FONT		"DejaVu Sans, Liberation Sans, Arial, sans-serif"
#define MONO		"DejaVu Sans Mono, Liberation Mono, monospace"

static const struct {
	const char *name;
	enum mm_label sample;
} classes[MM_CLASS_COUNT] = {
	[MM_CLASS_IMAGE] = { "program and libraries", MM_LIB_TEXT },
	[MM_CLASS_HEAP] = { "heaps", MM_HEAP },
	[MM_CLASS_STACK] = { "stacks", MM_STACK },
	[MM_CLASS_RUNTIME] = { "runtime metadata", MM_GO_HEAP_METADATA },
	[MM_CLASS_KERNEL] = { "kernel", MM_KERNEL_VDSO },
	[MM_CLASS_FILE] = { "files and shared memory", MM_FILE },
	[MM_CLASS_ANON] = { "anonymous", MM_ANON },
};

struct svg {
	FILE *f;		/* NULL while measuring */
	const struct mm_snapshot *snap;
	double y;		/* the pen, growing down the page */
	int err;
};

/* Colours are the vocabulary's (labels.c): one per label, hue by class. */
static uint32_t color(enum mm_label label)
{
	return mm_label_color(label);
}

/* Black or white, whichever reads better on c. */
static const char *ink(uint32_t c)
{
	double lum = 0.299 * (c >> 16) + 0.587 * ((c >> 8) & 0xff) + 0.114 * (c & 0xff);

	return lum > 150 ? "#111111" : "#ffffff";
}

static __attribute__((format(printf, 2, 3)))
void put(struct svg *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->f) {
		return;
	}
	va_start(ap, fmt);
	vfprintf(s->f, fmt, ap);
	va_end(ap);
}

/* Text from the target (paths, details, comm) is data: control bytes and
 * invalid UTF-8 become \xHH (mm_escape_name_utf8: the file is UTF-8 in
 * any locale), then XML's own specials
 * become entities, and the noncharacters XML forbids (U+FFFE, U+FFFF)
 * are written as bytes too. */
static void put_text(struct svg *s, const char *str)
{
	char *e;

	if (!s->f) {
		return;
	}
	e = mm_escape_name_utf8(str ? str : "");
	if (!e) {
		s->err = -ENOMEM;
		fputc('?', s->f);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)e; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", s->f); break;
		case '<': fputs("&lt;", s->f); break;
		case '>': fputs("&gt;", s->f); break;
		case '"': fputs("&quot;", s->f); break;
		case '\'': fputs("&apos;", s->f); break;
		default:
			if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)) {
				fprintf(s->f, "\\xef\\xbf\\x%02x", p[2]);
				p += 2;
			} else {
				fputc(*p, s->f);
			}
			break;
		}
	}
	free(e);
}

/* Characters a name takes once escaped, for fitting it in a rectangle. */
static size_t display_len(const char *str)
{
	char *e = mm_escape_name_utf8(str);
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)e; p && *p; p++) {
		n += (*p & 0xc0) != 0x80;
	}
	free(e);
	return n;
}

static const char *size(char *buf, size_t len, uint64_t bytes)
{
	mm_format_size(buf, len, bytes);
	return buf;
}

static double region_width(uint64_t bytes)
{
	double w = UNIT * log2(1.0 + (double)bytes / 512.0);

	return w < MIN_W ? MIN_W : w;
}

static void defs(struct svg *s)
{
	bool hatch[MM_LABEL_COUNT] = { false };

	for (size_t i = 0; i < s->snap->nmappings; i++) {
		const struct mm_mapping *m = &s->snap->mappings[i];

		if (!mm_mapping_is_reserved(m)) {
			continue;
		}
		for (size_t k = 0; k < m->nregions; k++) {
			if ((unsigned int)m->regions[k].label < MM_LABEL_COUNT) {
				hatch[m->regions[k].label] = true;
			}
		}
	}
	put(s, "<defs>\n");
	/* Reserved (PROT_NONE) space: stripes of the label's colour on white,
	 * address space that holds no memory. */
	for (int l = 0; l < MM_LABEL_COUNT; l++) {
		if (hatch[l]) {
			put(s, "<pattern id=\"reserved-%d\" width=\"6\" height=\"6\" "
			    "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
			    "<rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
			    "<rect width=\"2\" height=\"6\" fill=\"#%06" PRIx32 "\"/></pattern>\n",
			    l, color(l));
		}
	}
	put(s, "<pattern id=\"reserved-key\" width=\"6\" height=\"6\" "
	    "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	    "<rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
	    "<rect width=\"2\" height=\"6\" fill=\"#777777\"/></pattern>\n");
	put(s, "</defs>\n");
}

static void header(struct svg *s)
{
	const struct mm_snapshot *snap = s->snap;
	char a[16], b[16], c[16], d[16], e[16];
	size_t nregions = 0, nclusters = 0;
	double x;

	for (size_t i = 0; i < snap->nmappings; i++) {
		nregions += snap->mappings[i].nregions;
		if (i == 0 || snap->mappings[i].start - snap->mappings[i - 1].end >= CLUSTER_GAP) {
			nclusters++;
		}
	}
	put(s, "<text x=\"%d\" y=\"28\" font-size=\"18\" font-weight=\"bold\">"
	    "memmap: pid %d (", MARGIN, (int)snap->pid);
	put_text(s, snap->comm);
	put(s, ")</text>\n");
	put(s, "<text x=\"%d\" y=\"48\" font-size=\"12\" fill=\"#444444\">", MARGIN);
	put_text(s, snap->exe ? snap->exe : "(no executable)");
	if (snap->runtime.lang) {
		put(s, " · ");
		put_text(s, snap->runtime.lang);
		put(s, " ");
		put_text(s, snap->runtime.version);
	}
	put(s, " · Linux ");
	put_text(s, snap->kernel);
	put(s, " · ");
	put_text(s, snap->time);
	put(s, "</text>\n");
	put(s, "<text x=\"%d\" y=\"70\" font-size=\"14\">"
	    "VSZ %s (reserved %s) · RSS %s · PSS %s · swap %s · "
	    "%zu mappings, %zu regions in %zu bands</text>\n", MARGIN,
	    size(a, sizeof(a), snap->total_vsz), size(b, sizeof(b), snap->total_reserved),
	    size(c, sizeof(c), snap->totals.rss), size(d, sizeof(d), snap->totals.pss),
	    size(e, sizeof(e), snap->totals.swap), snap->nmappings, nregions, nclusters);

	/* The key: how to read the picture, and the colour of each class. */
	put(s, "<text x=\"%d\" y=\"90\" font-size=\"11\" fill=\"#444444\">"
	    "One band per cluster of mappings (gaps under 1G); a region's width grows "
	    "with log2 of its size (4K ≈ %.0fpx, 64M ≈ %.0fpx); the bar under it is its "
	    "resident share; hover for numbers.</text>\n",
	    MARGIN, region_width(4096), region_width(64 << 20));
	x = MARGIN;
	for (int k = 0; k < MM_CLASS_COUNT; k++) {
		put(s, "<rect x=\"%.1f\" y=\"99\" width=\"12\" height=\"12\" fill=\"#%06" PRIx32
		    "\"/><text x=\"%.1f\" y=\"109\" font-size=\"11\">%s</text>\n",
		    x, color(classes[k].sample), x + 16, classes[k].name);
		x += 16 + CHAR_W * 1.05 * (double)strlen(classes[k].name) + 18;
	}
	put(s, "<rect x=\"%.1f\" y=\"99\" width=\"12\" height=\"12\" fill=\"url(#reserved-key)\" "
	    "stroke=\"#777777\" stroke-width=\"0.5\"/><text x=\"%.1f\" y=\"109\" "
	    "font-size=\"11\">reserved (PROT_NONE)</text>\n", x, x + 16);
	s->y = 128;
}

static void region_title(struct svg *s, const struct mm_mapping *m,
			 const struct mm_region *r)
{
	char a[16], b[16], c[16], d[16];

	put(s, "<title>%s", mm_label_name(r->label));
	if (r->detail) {
		put(s, " — ");
		put_text(s, r->detail);
	}
	put(s, "\n%" PRIx64 "–%" PRIx64 " (%s, %" PRIu64 " bytes)\n"
	    "RSS %s · PSS %s · swap %s%s\n%s ", r->start, r->end,
	    size(a, sizeof(a), r->end - r->start), r->end - r->start,
	    size(b, sizeof(b), r->c.rss), size(c, sizeof(c), r->c.pss),
	    size(d, sizeof(d), r->c.swap),
	    r->rss_exact ? "" : " (shared out by size)", m->perms);
	put_text(s, m->path ? m->path : "[anonymous]");
	put(s, "%s\nlabelled from %s</title>", m->deleted ? " (deleted)" : "",
	    mm_how_name(r->how));
}

static void region(struct svg *s, const struct mm_mapping *m,
		   const struct mm_region *r, double x, double w)
{
	uint64_t bytes = r->end - r->start;
	uint32_t c = color(r->label);
	const char *name = mm_label_name(r->label);
	double y = s->y, frac;
	const char *base;
	size_t chars;
	char sz[16];

	put(s, "<g>");
	region_title(s, m, r);
	if (mm_mapping_is_reserved(m)) {
		put(s, "<rect class=\"region\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%d\" "
		    "fill=\"url(#reserved-%d)\" stroke=\"#%06" PRIx32 "\" stroke-width=\"1\"/>",
		    x + 0.5, y + 0.5, w - 1, RECT_H - 1, (int)r->label, c);
	} else {
		put(s, "<rect class=\"region\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%d\" "
		    "fill=\"#%06" PRIx32 "\"/>", x, y, w, RECT_H, c);
	}
	/* The resident share, on a track the width of the region. */
	frac = bytes ? (double)r->c.rss / (double)bytes : 0;
	put(s, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%d\" fill=\"#e4e4e4\"/>",
	    x, y + RECT_H + 1, w, GAUGE_H);
	if (r->c.rss) {
		put(s, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.2f\" height=\"%d\" fill=\"#333333\"/>",
		    x, y + RECT_H + 1, fmax(w * fmin(frac, 1.0), 0.5), GAUGE_H);
	}
	/* As much of "label size file" as fits; on stripes, a backing so it reads. */
	mm_format_size(sz, sizeof(sz), bytes);
	base = m->path && m->path[0] == '/' ? strrchr(m->path, '/') + 1 : NULL;
	chars = strlen(name) + 1 + strlen(sz);
	if (base && *base && w >= CHAR_W * (double)(chars + 1 + display_len(base)) + 6) {
		chars += 1 + display_len(base);
	} else {
		base = NULL;
	}
	if (w < CHAR_W * (double)chars + 6) {
		chars = strlen(name);
		sz[0] = '\0';
	}
	if (w < CHAR_W * (double)chars + 6) {
		put(s, "</g>\n");
		return;
	}
	if (mm_mapping_is_reserved(m)) {
		put(s, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"13\" "
		    "fill=\"#ffffff\" fill-opacity=\"0.85\"/>",
		    x + 2, y + 5, CHAR_W * (double)chars + 2);
	}
	put(s, "<text x=\"%.1f\" y=\"%.0f\" font-family=\"" MONO "\" font-size=\"10\" "
	    "fill=\"%s\">%s%s%s", x + 3, y + 15,
	    mm_mapping_is_reserved(m) ? "#111111" : ink(c), name, sz[0] ? " " : "", sz);
	if (base) {
		put(s, " ");
		put_text(s, base);
	}
	put(s, "</text>");
	put(s, "</g>\n");
}

/* Mappings [first, last] as one band: a line naming its range, then rows
 * of regions wrapped at the right margin. */
static void band(struct svg *s, size_t first, size_t last)
{
	const struct mm_mapping *maps = s->snap->mappings;
	uint64_t vsz = 0, rss = 0;
	char a[16], b[16], c[16];
	double x = MARGIN;

	for (size_t i = first; i <= last; i++) {
		vsz += mm_mapping_size(&maps[i]);
		rss += maps[i].c.rss;
	}
	put(s, "<text class=\"band\" x=\"%d\" y=\"%.0f\" font-size=\"12\"><tspan font-family=\"" MONO "\" "
	    "font-weight=\"bold\">%" PRIx64 "–%" PRIx64 "</tspan> · spans %s · "
	    "%zu mapping%s · VSZ %s · RSS %s</text>\n",
	    MARGIN, s->y + 12, maps[first].start, maps[last].end,
	    size(a, sizeof(a), maps[last].end - maps[first].start),
	    last - first + 1, last > first ? "s" : "",
	    size(b, sizeof(b), vsz), size(c, sizeof(c), rss));
	s->y += 18;

	for (size_t i = first; i <= last; i++) {
		const struct mm_mapping *m = &maps[i];

		if (i > first && x > MARGIN) {
			if (m->start > maps[i - 1].end) {
				if (x + HOLE_W + MIN_W > RIGHT) {
					x = MARGIN;
					s->y += ROW_H;
				} else {
					put(s, "<g><title>unmapped: %s</title><rect class=\"hole\" "
					    "x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%d\" "
					    "fill=\"#f4f4f4\" stroke=\"#bbbbbb\" stroke-dasharray=\"2 2\" "
					    "stroke-width=\"0.5\"/></g>\n",
					    size(a, sizeof(a), m->start - maps[i - 1].end),
					    x + 1.5, s->y + 4, HOLE_W - 3, RECT_H - 8);
					x += HOLE_W;
				}
			} else {
				x += MAP_GAP;
			}
		}
		for (size_t k = 0; k < m->nregions; k++) {
			const struct mm_region *r = &m->regions[k];
			double w = region_width(r->end - r->start);

			if (x + w > RIGHT && x > MARGIN) {
				x = MARGIN;
				s->y += ROW_H;
			}
			region(s, m, r, x, w);
			x += w;
		}
	}
	s->y += ROW_H + 8;
}

static int by_class_then_rss(const void *pa, const void *pb, void *arg)
{
	const struct mm_category *cats = arg;
	int a = *(const int *)pa, b = *(const int *)pb;
	enum mm_class ca = mm_label_class(a), cb = mm_label_class(b);

	if (ca != cb) {
		return ca < cb ? -1 : 1;
	}
	if (cats[a].rss != cats[b].rss) {
		return cats[a].rss > cats[b].rss ? -1 : 1;
	}
	if (cats[a].vsz != cats[b].vsz) {
		return cats[a].vsz > cats[b].vsz ? -1 : 1;
	}
	return a - b;
}

/* Every label present, grouped by class, in columns filled top-down. */
static void legend(struct svg *s)
{
	const struct mm_category *cats = s->snap->categories;
	int present[MM_LABEL_COUNT], n = 0, per_col;
	double colw = (double)(RIGHT - MARGIN) / LEGEND_COLS;
	char a[16], b[16], c[16];

	for (int l = 0; l < MM_LABEL_COUNT; l++) {
		if (cats[l].regions) {
			present[n++] = l;
		}
	}
	qsort_r(present, (size_t)n, sizeof(present[0]), by_class_then_rss, (void *)cats);
	per_col = (n + LEGEND_COLS - 1) / LEGEND_COLS;

	put(s, "<text x=\"%d\" y=\"%.0f\" font-size=\"14\" font-weight=\"bold\">Labels</text>\n",
	    MARGIN, s->y + 14);
	s->y += 22;
	for (int col = 0; col < LEGEND_COLS && col * per_col < n; col++) {
		double x = MARGIN + col * colw;

		put(s, "<text y=\"%.0f\" font-size=\"11\" fill=\"#666666\">"
		    "<tspan x=\"%.1f\">LABEL</tspan>"
		    "<tspan x=\"%.1f\" text-anchor=\"end\">VSZ</tspan>"
		    "<tspan x=\"%.1f\" text-anchor=\"end\">RESERVED</tspan>"
		    "<tspan x=\"%.1f\" text-anchor=\"end\">RSS</tspan>"
		    "<tspan x=\"%.1f\" text-anchor=\"end\">COUNT</tspan></text>\n",
		    s->y + 11, x + 18, x + 230, x + 300, x + 360, x + 410);
	}
	s->y += LEGEND_ROW;
	for (int i = 0; i < n; i++) {
		int l = present[i];
		double x = MARGIN + (i / per_col) * colw;
		double y = s->y + (i % per_col) * LEGEND_ROW;

		put(s, "<g class=\"legend\"><title>%s: %s</title>"
		    "<rect x=\"%.1f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"#%06" PRIx32 "\"/>"
		    "<text y=\"%.0f\" font-size=\"12\"><tspan class=\"label\" x=\"%.1f\">%s</tspan>"
		    "<tspan x=\"%.1f\" text-anchor=\"end\">%s</tspan>"
		    "<tspan x=\"%.1f\" text-anchor=\"end\">%s</tspan>"
		    "<tspan x=\"%.1f\" text-anchor=\"end\">%s</tspan>"
		    "<tspan x=\"%.1f\" text-anchor=\"end\">%zu</tspan></text></g>\n",
		    mm_label_name(l), mm_label_explanation(l),
		    x, y + 1, color(l), y + 11, x + 18, mm_label_name(l),
		    x + 230, size(a, sizeof(a), cats[l].vsz),
		    x + 300, size(b, sizeof(b), cats[l].reserved),
		    x + 360, size(c, sizeof(c), cats[l].rss), x + 410, cats[l].regions);
	}
	s->y += per_col * LEGEND_ROW + 12;
}

static void body(struct svg *s)
{
	const struct mm_snapshot *snap = s->snap;
	size_t first = 0;

	header(s);
	for (size_t i = 1; i <= snap->nmappings; i++) {
		if (i == snap->nmappings ||
		    snap->mappings[i].start - snap->mappings[i - 1].end >= CLUSTER_GAP) {
			band(s, first, i - 1);
			first = i;
		}
	}
	legend(s);
}

int mm_svg_write(FILE *f, const struct mm_snapshot *snap)
{
	struct svg s = { .f = NULL, .snap = snap };
	double height;

	body(&s);
	height = ceil(s.y);

	s = (struct svg){ .f = f, .snap = snap };
	put(&s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" "
	    "font-family=\"" FONT "\">\n", WIDTH, height, WIDTH, height);
	put(&s, "<!-- memmap %s -->\n", MEMMAP_VERSION);
	defs(&s);
	put(&s, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	body(&s);
	put(&s, "</svg>\n");
	if (s.err) {
		return s.err;
	}
	return mm_output_flush(f);
}
