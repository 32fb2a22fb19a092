/* SPDX-License-Identifier: GPL-2.0-or-later */
/* smaps.c: parses /proc/PID/smaps text into the snapshot's mappings.  Pure:
 * bytes in, model out; the caller reads the file (one streaming pass). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/format.h"
#include "read/smaps.h"

void mm_smaps_init(struct mm_smaps_parser *p, struct mm_snapshot *snap)
{
	*p = (struct mm_smaps_parser){ .snap = snap };
}

/* A hex digit's value plus one; 0 for any other byte. */
static const unsigned char hex1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Parses digits in base 10 or 16 at *s, advancing it.  Fails on no digits
 * or overflow.  Every smaps line has numbers: a table and no division. */
static int parse_num(const char **s, const char *end, unsigned int base,
		     uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (base == 16) {
		for (unsigned int d; p < end && (d = hex1[(unsigned char)*p]); p++) {
			v = v << 4 | (d - 1);
		}
		/* v holds the last 16 digits: the number when all before
		 * them are zeros (checked once, not per digit). */
		for (const char *q = *s; p - q > 16; q++) {
			if (*q != '0') {
				return -EINVAL;
			}
		}
	} else {
		for (unsigned int d; p < end && (d = (unsigned int)(*p - '0')) < 10; p++) {
			if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, d, &v)) {
				return -EINVAL;
			}
		}
	}
	if (p == *s) {
		return -EINVAL;
	}
	*s = p;
	*out = v;
	return 0;
}

static int expect(const char **s, const char *end, char c)
{
	if (*s >= end || **s != c) {
		return -EINVAL;
	}
	(*s)++;
	return 0;
}

/* The kernel pads every field's name to one column: a value line has
 * ten or more spaces, skipped eight at a time. */
static void skip_spaces(const char **s, const char *end)
{
	static const uint64_t spaces = 0x2020202020202020ULL;
	uint64_t w = 0;

	while (end - *s >= 8 && (memcpy(&w, *s, 8), w == spaces)) {
		*s += 8;
	}
	if (end - *s >= 8 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
		/* w holds the next 8 bytes, not all spaces: the first other
		 * one is the lowest byte that differs. */
		*s += __builtin_ctzll(w ^ spaces) / 8;
		return;
	}
	while (*s < end && **s == ' ') {
		(*s)++;
	}
}

/* The kernel writes a path with seq_file_path(..., "\n"): only a newline is
 * escaped, as \012.  Undo that, and take " (deleted)" off the end. */
static int decode_path(const char *s, const char *end, struct mm_mapping *m)
{
	static const char deleted[] = " (deleted)";
	size_t dlen = sizeof(deleted) - 1;
	char *out = malloc((size_t)(end - s) + 1), *o = out;

	if (!out) {
		return -ENOMEM;
	}
	if ((size_t)(end - s) > dlen && memcmp(end - dlen, deleted, dlen) == 0 &&
	    *s == '/') {
		end -= dlen;
		m->deleted = true;
	}
	while (s < end) {
		if (end - s >= 4 && memcmp(s, "\\012", 4) == 0) {
			*o++ = '\n';
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	free(m->path);
	m->path = out;
	return 0;
}

int mm_smaps_parse_header(const char *line, size_t len, struct mm_mapping *m)
{
	const char *s = line, *end = line + len;
	uint64_t major, minor;

	if (parse_num(&s, end, 16, &m->start) || expect(&s, end, '-') ||
	    parse_num(&s, end, 16, &m->end) || expect(&s, end, ' ') ||
	    m->end <= m->start || end - s < 5 || s[4] != ' ') {
		return -EINVAL;
	}
	memcpy(m->perms, s, 4);
	m->perms[4] = '\0';
	s += 5;
	if (parse_num(&s, end, 16, &m->offset) || expect(&s, end, ' ') ||
	    parse_num(&s, end, 16, &major) || expect(&s, end, ':') ||
	    parse_num(&s, end, 16, &minor) || expect(&s, end, ' ') ||
	    parse_num(&s, end, 10, &m->inode) ||
	    major > UINT32_MAX || minor > UINT32_MAX ||
	    (s < end && *s != ' ')) {
		return -EINVAL;
	}
	m->dev_major = (unsigned int)major;
	m->dev_minor = (unsigned int)minor;
	skip_spaces(&s, end);
	if (s < end) {
		return decode_path(s, end, m);
	}
	return 0;
}

enum field_kind { KB, FLAG, TEXT, SKIP };

/* In the order the kernel prints them (fs/proc/task_mmu.c), with the ones
 * we derive (Size) or ignore (KSM) listed too, so that the guess "the one
 * after the last match" holds for every line. */
static const struct field {
	const char name[33];	/* the name, its colon and 16 spaces: the
				 * first 16 bytes are the kernel's padded
				 * column, compared a word at a time */
	size_t len;		/* without the colon */
	size_t offset;		/* into struct mm_mapping */
	enum field_kind kind;
	uint64_t mask[2];	/* the bytes of name and colon in those words */
} fields[] = {
/* A little-endian mask of the first n bytes of a word; & 63 keeps the
 * unused branch's shift in range. */
#define M(n) ((n) >= 8 ? ~0ULL : (1ULL << (8 * (n) & 63)) - 1)
#define F(name, member, kind) { name ":                ", sizeof(name) - 1, \
	offsetof(struct mm_mapping, member), kind, \
	{ M(sizeof(name)), sizeof(name) <= 8 ? 0 : M(sizeof(name) - 8) } }
#define C(name, member) F(name, c.member, KB)
#define S(name) { name ":                ", sizeof(name) - 1, 0, SKIP, \
	{ M(sizeof(name)), sizeof(name) <= 8 ? 0 : M(sizeof(name) - 8) } }
	S("Size"),
	F("KernelPageSize", kernel_page_size, KB),
	F("MMUPageSize", mmu_page_size, KB),
	C("Rss", rss), C("Pss", pss), C("Pss_Dirty", pss_dirty),
	C("Shared_Clean", shared_clean), C("Shared_Dirty", shared_dirty),
	C("Private_Clean", private_clean), C("Private_Dirty", private_dirty),
	C("Referenced", referenced), C("Anonymous", anonymous),
	S("KSM"),
	C("LazyFree", lazyfree), C("AnonHugePages", anon_huge),
	C("ShmemPmdMapped", shmem_huge), C("FilePmdMapped", file_huge),
	C("Shared_Hugetlb", shared_huge), C("Private_Hugetlb", private_huge),
	C("Swap", swap), C("SwapPss", swap_pss), C("Locked", locked),
#undef C
	F("THPeligible", thp_eligible, FLAG),
	F("VmFlags", vm_flags, TEXT),
#undef F
#undef S
#undef M
};

enum { NFIELDS = sizeof(fields) / sizeof(fields[0]) };

/* Whether the len bytes at line start with f's name and a colon. */
static bool starts_with_field(const char *line, size_t len, const struct field *f)
{
	uint64_t a[2], b[2];

	if (len <= f->len) {
		return false;
	}
	if (len < sizeof(a) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__) {
		return memcmp(line, f->name, f->len + 1) == 0;
	}
	/* Value lines are padded to 26 bytes or more: two words of the
	 * line against the name's, masked to its length. */
	memcpy(a, line, sizeof(a));
	memcpy(b, f->name, sizeof(b));
	return ((a[0] ^ b[0]) & f->mask[0]) == 0 && ((a[1] ^ b[1]) & f->mask[1]) == 0;
}

/* Try the field after the last match first: one comparison per line. */
static const struct field *find_field(size_t *next, const char *name, size_t len)
{
	size_t n = NFIELDS, i = *next;

	for (size_t k = 0; k < n; k++, i++) {
		if (i >= n) {
			i = 0;
		}
		if (fields[i].len == len && memcmp(fields[i].name, name, len) == 0) {
			*next = i + 1;
			return &fields[i];
		}
	}
	return NULL;
}

/* Stores the VmFlags text of the len bytes at s in *text: mappings share
 * a few texts, so the last ones kept are compared first (a memcmp, not a
 * hash and a lookup in the snapshot's table). */
static int keep_flags(struct mm_smaps_parser *p, const char **text, const char *s,
		      size_t len)
{
	enum { N = sizeof(p->flags) / sizeof(p->flags[0]) };
	struct mm_smaps_flags *c;

	for (size_t i = 0; i < N; i++) {
		c = &p->flags[i];
		if (c->text && c->len == len && memcmp(c->bytes, s, len) == 0) {
			*text = c->text;
			return 0;
		}
	}
	*text = mm_snapshot_text(p->snap, s, len);
	if (!*text) {
		return -ENOMEM;
	}
	c = &p->flags[p->flags_next++ % N];
	if (len <= sizeof(c->bytes)) {
		memcpy(c->bytes, s, len);
		c->len = len;
		c->text = *text;
	}
	return 0;
}

static int parse_field(struct mm_smaps_parser *p, const char *line, size_t len)
{
	const struct field *f = &fields[p->next_field < NFIELDS ? p->next_field : 0];
	const char *end = line + len, *colon, *s;
	struct mm_mapping *m = p->cur;
	uint64_t v;

	/* Nearly always the field after the last one: no search for ':'. */
	if (starts_with_field(line, len, f)) {
		colon = line + f->len;
		p->next_field = (size_t)(f - fields) + 1;
	} else {
		colon = memchr(line, ':', len);
		if (!colon) {
			return -EINVAL;
		}
		f = find_field(&p->next_field, line, (size_t)(colon - line));
	}
	if (!f || f->kind == SKIP) {
		return 0;	/* a field newer than us, or one we derive */
	}
	s = colon + 1;
	skip_spaces(&s, end);
	if (f->kind == TEXT) {
		const char **text = (const char **)((char *)m + f->offset);

		while (end > s && end[-1] == ' ') {
			end--;
		}
		return keep_flags(p, text, s, (size_t)(end - s));
	}
	if (parse_num(&s, end, 10, &v)) {
		return -EINVAL;
	}
	if (f->kind == FLAG) {
		*(bool *)((char *)m + f->offset) = v != 0;
		return 0;
	}
	if (v > UINT64_MAX / 1024) {
		return -EINVAL;
	}
	*(uint64_t *)((char *)m + f->offset) = v * 1024;
	return 0;
}

/* The kernel prints smaps a buffer at a time and, between two reads, lets
 * the process map again; the next read resumes at the mapping that holds
 * the last address printed.  One that grew since (a heap growing by
 * merges) is printed again, from its start: m, the fresh view, covers the
 * stale ones at the tail, which go.  Any other overlap is malformed. */
static int drop_reprinted(struct mm_snapshot *snap, struct mm_mapping *m)
{
	size_t last = snap->nmappings - 1, keep = last;

	if (m->end <= snap->mappings[last - 1].end) {
		return -EINVAL;
	}
	while (keep > 0 && snap->mappings[keep - 1].start >= m->start) {
		keep--;
	}
	if (keep > 0 && snap->mappings[keep - 1].end > m->start) {
		return -EINVAL;
	}
	for (size_t i = keep; i < last; i++) {
		free(snap->mappings[i].path);
	}
	snap->mappings[keep] = *m;
	snap->nmappings = keep + 1;
	return 0;
}

static int parse_header_line(struct mm_smaps_parser *p, const char *line, size_t len)
{
	struct mm_mapping *m = mm_snapshot_add_mapping(p->snap), *prev;
	int rc;

	if (!m) {
		return -ENOMEM;
	}
	/* Adding may have moved the array: find the previous one anew. */
	prev = p->snap->nmappings > 1 ? m - 1 : NULL;
	rc = mm_smaps_parse_header(line, len, m);
	if (!rc && prev && m->start < prev->end) {
		rc = drop_reprinted(p->snap, m);
		if (!rc) {
			p->cur = &p->snap->mappings[p->snap->nmappings - 1];
			p->next_field = 0;
			return 0;
		}
	}
	if (rc) {
		free(m->path);
		p->snap->nmappings--;
		p->cur = prev;
		return rc;
	}
	p->cur = m;
	p->next_field = 0;
	return 0;
}

int mm_smaps_feed(struct mm_smaps_parser *p, const char *line, size_t len)
{
	p->lineno++;
	if (len == 0) {
		return 0;
	}
	if (mm_hex_digit(line[0]) >= 0 && !(line[0] >= 'A' && line[0] <= 'F')) {
		return parse_header_line(p, line, len);
	}
	if (!p->cur) {
		return -EINVAL;
	}
	return parse_field(p, line, len);
}

/* The value of w, 8 bytes right-aligned in a field of spaces ("   12345"),
 * or -1 when w is anything else (no digit, a space after a digit...). */
static int64_t eight_digits(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t z = w ^ ones * ' ', t;

	if (!z) {
		return -1;	/* all spaces */
	}
	/* Little-endian: the first byte is the lowest.  Below the first
	 * one that is no space, zeros (leading zeros); from there on every
	 * byte must be a digit, 0 to 9 after the xor: adding 0x76 sets the
	 * high bit of any byte above 9 (a carry comes only out of such a
	 * byte, so it never hides one). */
	t = (w ^ ones * '0') & ~0ULL << (__builtin_ctzll(z) & ~7);
	if (((t + ones * 0x76) | t) & ones * 0x80) {
		return -1;
	}
	/* The digits' value, pairs then fours then eight (the first byte
	 * is the most significant digit). */
	t = (t * 2561) >> 8 & 0x00ff00ff00ff00ffULL;
	t = (t * 6553601) >> 16 & 0x0000ffff0000ffffULL;
	return (int64_t)((t * 42949672960001ULL) >> 32);
}

/* The value lines from s on that are the expected fields in the kernel's
 * own form, 28 bytes each: the name padded to 16 columns, the number to 8,
 * then " kB\n".  Stores them and returns where they end: at the first
 * other line, which mm_smaps_feed() then parses (the same result, the slow
 * way).  Locals, not the parser's members: the stores cannot alias them. */
static const char *fast_values(struct mm_smaps_parser *p, const char *s, const char *end)
{
	struct mm_mapping *m = p->cur;
	size_t i = p->next_field;
	unsigned long n = 0;

	if (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__ || !m) {
		return s;
	}
	for (; end - s >= 32 && i < NFIELDS; i++, n++, s += 28) {
		const struct field *f = &fields[i];
		uint64_t w[4], key[2];
		int64_t v;

		memcpy(w, s, sizeof(w));
		memcpy(key, f->name, sizeof(key));
		if (w[0] != key[0] || w[1] != key[1] || (uint32_t)w[3] != 0x0a426b20 ||
		    (f->kind != KB && f->kind != SKIP) || (v = eight_digits(w[2])) < 0) {
			break;	/* 0x0a426b20: " kB\n" */
		}
		if (f->kind == KB) {
			*(uint64_t *)((char *)m + f->offset) = (uint64_t)v * 1024;
		}
	}
	p->next_field = i;
	p->lineno += n;
	return s;
}

int mm_smaps_feed_lines(struct mm_smaps_parser *p, const char *text, size_t len)
{
	const char *s = text, *end = text + len;

	while ((s = fast_values(p, s, end)) < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		int rc = mm_smaps_feed(p, s, n);

		if (rc) {
			return rc;
		}
		s += n + (nl ? 1 : 0);
	}
	return 0;
}

/* Makes room for a line longer than the buffer, or cuts it: feeds what is
 * there and has the rest skipped.  Returns 0, -ENOMEM or the parser's. */
static int long_line(struct mm_smaps_parser *p, char **buf, size_t *cap,
		     size_t *have, bool *skipping)
{
	char *more;
	int rc;

	if (*cap < MM_SMAPS_LINE_MAX) {
		more = realloc(*buf, *cap * 2);
		if (!more) {
			return -ENOMEM;
		}
		*buf = more;
		*cap *= 2;
		return 0;
	}
	rc = mm_smaps_feed(p, *buf, *have);
	if (!rc) {
		rc = mm_snapshot_warn(p->snap, "smaps line %lu is longer than %d MiB: "
				      "cut there (the path is shown in part)", p->lineno,
				      MM_SMAPS_LINE_MAX >> 20);
	}
	*have = 0;
	*skipping = true;
	return rc;
}

int mm_smaps_stream(struct mm_smaps_parser *p, mm_smaps_read_fn *rd, void *ctx,
		    size_t bufsz)
{
	size_t cap = bufsz, have = 0;
	char *buf = malloc(cap);
	bool skipping = false;	/* the rest of a line cut at MM_SMAPS_LINE_MAX */
	int rc = 0;

	if (!buf) {
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = rd(ctx, buf + have, cap - have);
		char *line = buf, *last;

		if (n < 0) {
			rc = (int)n;
			break;
		}
		if (n == 0) {
			if (have && !skipping) {	/* a last line without its newline */
				rc = mm_smaps_feed(p, buf, have);
			}
			break;
		}
		have += (size_t)n;
		if (skipping) {
			char *nl = memchr(buf, '\n', have);

			if (!nl) {
				have = 0;
				continue;
			}
			skipping = false;
			line = nl + 1;
		}
		/* Whole lines to the parser; a line cut by the read waits. */
		last = memrchr(line, '\n', have - (size_t)(line - buf));
		if (last) {
			rc = mm_smaps_feed_lines(p, line, (size_t)(last + 1 - line));
			if (rc) {
				break;
			}
			line = last + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have == cap) {	/* one line longer than the buffer */
			rc = long_line(p, &buf, &cap, &have, &skipping);
			if (rc) {
				break;
			}
		}
	}
	free(buf);
	return rc;
}
