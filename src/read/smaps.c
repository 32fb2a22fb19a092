/* SPDX-License-Identifier: GPL-2.0-or-later */
/* smaps.c: parses /proc/PID/smaps text into the snapshot's mappings.  Pure:
 * bytes in, model out; the caller reads the file (one streaming pass). */
#include <errno.h>
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
			if (v >> 60) {
				return -EINVAL;
			}
			v = v << 4 | (d - 1);
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
	const char name[16];	/* zero-padded, at most 15 bytes: compared a
				 * word at a time */
	size_t len;
	size_t offset;		/* into struct mm_mapping */
	enum field_kind kind;
} fields[] = {
#define F(name, member, kind) { name, sizeof(name) - 1, offsetof(struct mm_mapping, member), kind }
#define C(name, member) F(name, c.member, KB)
	{ "Size", 4, 0, SKIP },
	F("KernelPageSize", kernel_page_size, KB),
	F("MMUPageSize", mmu_page_size, KB),
	C("Rss", rss), C("Pss", pss), C("Pss_Dirty", pss_dirty),
	C("Shared_Clean", shared_clean), C("Shared_Dirty", shared_dirty),
	C("Private_Clean", private_clean), C("Private_Dirty", private_dirty),
	C("Referenced", referenced), C("Anonymous", anonymous),
	{ "KSM", 3, 0, SKIP },
	C("LazyFree", lazyfree), C("AnonHugePages", anon_huge),
	C("ShmemPmdMapped", shmem_huge), C("FilePmdMapped", file_huge),
	C("Shared_Hugetlb", shared_huge), C("Private_Hugetlb", private_huge),
	C("Swap", swap), C("SwapPss", swap_pss), C("Locked", locked),
#undef C
	F("THPeligible", thp_eligible, FLAG),
	F("VmFlags", vm_flags, TEXT),
#undef F
};

/* Whether line (len bytes) starts with f's name and a colon. */
static bool starts_with_field(const char *line, size_t len, const struct field *f)
{
	uint64_t a[2], b[2], mask[2];

	if (len <= f->len || line[f->len] != ':') {
		return false;
	}
	if (len < sizeof(a) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__) {
		return memcmp(line, f->name, f->len) == 0;
	}
	/* Value lines are padded to 26 bytes or more: two words of the
	 * line against the name's, masked to its length. */
	memcpy(a, line, sizeof(a));
	memcpy(b, f->name, sizeof(b));
	mask[0] = f->len >= 8 ? ~0ULL : (1ULL << (8 * f->len)) - 1;
	mask[1] = f->len <= 8 ? 0 : (1ULL << (8 * (f->len - 8))) - 1;
	return ((a[0] ^ b[0]) & mask[0]) == 0 && ((a[1] ^ b[1]) & mask[1]) == 0;
}

/* Try the field after the last match first: one comparison per line. */
static const struct field *find_field(size_t *next, const char *name, size_t len)
{
	size_t n = sizeof(fields) / sizeof(fields[0]), i = *next;

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

static int parse_field(struct mm_smaps_parser *p, const char *line, size_t len)
{
	const size_t nfields = sizeof(fields) / sizeof(fields[0]);
	const struct field *f = &fields[p->next_field < nfields ? p->next_field : 0];
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
		*text = mm_snapshot_text(p->snap, s, (size_t)(end - s));
		return *text ? 0 : -ENOMEM;
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

int mm_smaps_feed(struct mm_smaps_parser *p, const char *line, size_t len)
{
	p->lineno++;
	if (len == 0) {
		return 0;
	}
	if (mm_hex_digit(line[0]) >= 0 && !(line[0] >= 'A' && line[0] <= 'F')) {
		struct mm_mapping *m = mm_snapshot_add_mapping(p->snap), *prev;
		int rc;

		if (!m) {
			return -ENOMEM;
		}
		/* Adding may have moved the array: find the previous one anew. */
		prev = p->snap->nmappings > 1 ? m - 1 : NULL;
		rc = mm_smaps_parse_header(line, len, m);
		if (!rc && prev && m->start < prev->end) {
			rc = -EINVAL;	/* out of order or overlapping */
		}
		if (rc) {
			free(m->path);
			p->snap->nmappings--;
			p->cur = prev;
			return rc;
		}
		p->cur = m;
		return 0;
	}
	if (!p->cur) {
		return -EINVAL;
	}
	return parse_field(p, line, len);
}
