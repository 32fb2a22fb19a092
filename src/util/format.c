/* SPDX-License-Identifier: GPL-2.0-or-later */
/* format.c: sizes for people, and names made safe for a terminal. */
#include <errno.h>
#include <inttypes.h>
#include <langinfo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/format.h"

static const char units[] = "BKMGTPE";

size_t mm_format_hex(char *buf, uint64_t v)
{
	size_t n = (size_t)(64 - __builtin_clzll(v | 1) + 3) / 4;

	buf[n] = '\0';
	for (size_t i = n; i-- > 0; v >>= 4) {
		buf[i] = "0123456789abcdef"[v & 0xf];
	}
	return n;
}

size_t mm_format_u64(char *buf, uint64_t v)
{
	char tmp[20], *p = tmp + sizeof(tmp);
	size_t n;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return n;
}

/* The n characters of tmp into buf of len, as snprintf(buf, len, "%s")
 * would, without its cost: a table of 60,000 mappings formats some
 * 500,000 sizes. */
static void copy_out(char *buf, size_t len, const char *tmp, size_t n)
{
	if (!len) {
		return;
	}
	n = n < len ? n : len - 1;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
}

/* Digits of v, then suffix (if any), into buf of len. */
static void format_whole(char *buf, size_t len, uint64_t v, char suffix)
{
	char tmp[24];
	size_t n = mm_format_u64(tmp, v);

	if (suffix) {
		tmp[n++] = suffix;
	}
	copy_out(buf, len, tmp, n);
}

/* bytes in unit u with one decimal, rounded as printf's "%.1f" rounds
 * bytes / 1024^u: to nearest, ties to even (the quotient is exact below
 * 2^53, where a double holds bytes; printf itself above, never reached by
 * a size of memory).  printf's floating point was most of the cost of a
 * mapping table whose PSS column is fractions. */
static void format_tenths(char *buf, size_t len, uint64_t bytes, int u)
{
	char tmp[32];
	unsigned int k = 10 * (unsigned int)u;
	unsigned __int128 ten = (unsigned __int128)bytes * 10;
	uint64_t q = (uint64_t)(ten >> k), half = 1ULL << (k - 1);
	uint64_t r = (uint64_t)(ten & ((1ULL << k) - 1));
	size_t n;

	if (bytes >> 53) {
		snprintf(buf, len, "%.1f%c", (double)bytes / (double)(1ULL << k), units[u]);
		return;
	}
	q += r > half || (r == half && (q & 1));
	n = mm_format_u64(tmp, q / 10);
	tmp[n++] = '.';
	tmp[n++] = (char)('0' + q % 10);
	tmp[n++] = units[u];
	copy_out(buf, len, tmp, n);
}

void mm_format_percent_down(char *buf, size_t len, uint64_t part, uint64_t total)
{
	unsigned __int128 tenths;

	if (!total || part >= total) {
		snprintf(buf, len, "100.0");
		return;
	}
	tenths = (unsigned __int128)part * 1000 / total;
	snprintf(buf, len, "%u.%u", (unsigned int)(tenths / 10), (unsigned int)(tenths % 10));
}

void mm_format_size(char *buf, size_t len, uint64_t bytes)
{
	int u = 0;
	double v = (double)bytes;

	if (bytes < 1024) {
		format_whole(buf, len, bytes, bytes ? 'B' : '\0');
		return;
	}
	/* Whole multiples of the unit (most mappings): no floating point. */
	while (u < 6 && bytes >> (10 * (u + 1)) != 0) {
		u++;
	}
	if ((bytes & ((1ULL << (10 * u)) - 1)) == 0) {
		format_whole(buf, len, bytes >> (10 * u), units[u]);
		return;
	}
	u = 0;
	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (v < 10 && fabs(v - round(v)) >= 0.05) {
		format_tenths(buf, len, bytes, u);
	} else {
		format_whole(buf, len, (uint64_t)round(v), units[u]);
	}
}

int mm_parse_size(const char *s, uint64_t *out)
{
	char *end;
	double v;
	const char *u;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || v < 0 || isnan(v)) {
		return -EINVAL;
	}
	if (*end) {
		u = strchr(units, *end >= 'a' ? *end - 32 : *end);
		if (!u || !*u) {
			return -EINVAL;
		}
		v *= pow(1024, (double)(u - units));
		end++;
		if (*end == 'i' && end[1] == 'B') {	/* KiB, MiB */
			end += 2;
		} else if (*end == 'B') {
			end++;
		}
		if (*end) {
			return -EINVAL;
		}
	}
	if (v >= 18446744073709551616.0) {
		return -EINVAL;
	}
	*out = (uint64_t)v;
	return 0;
}


size_t mm_utf8_seq(const unsigned char *s, size_t avail)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80) {
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > avail) {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			return 0;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past Unicode are not UTF-8. */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff)) {
		return 0;
	}
	return n;
}

/* Whether the terminal's character set is UTF-8.  In any other (the C
 * locale of cron, `env -i` and systemd) a byte above 0x7f is not a
 * character, and libsmartcols loops on it: every such byte is escaped. */
static bool locale_is_utf8(void)
{
	static int utf8 = -1;

	if (utf8 < 0) {
		utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	}
	return utf8;
}

bool mm_utf8_invisible(const unsigned char *s, size_t n)
{
	uint32_t cp;

	if (n == 2) {
		cp = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		return cp < 0xa0 || cp == 0xad;		/* C1, soft hyphen */
	}
	if (n != 3) {
		return false;
	}
	cp = ((uint32_t)(s[0] & 0x0f) << 12) | ((uint32_t)(s[1] & 0x3f) << 6) |
	     (s[2] & 0x3f);
	return cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) ||
	       cp == 0xfeff;
}

static char *escape_name(const char *str, bool utf8)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = strlen(str), o = 0, plain = 0;
	char *out;

	/* Most names are printable ASCII without a backslash: a copy. */
	while (plain < len && s[plain] >= 0x20 && s[plain] < 0x7f && s[plain] != '\\') {
		plain++;
	}
	if (plain == len) {
		return strdup(str);
	}
	out = malloc(len * 4 + 1);
	if (!out) {
		return NULL;
	}
	for (size_t i = 0; i < len;) {
		size_t n = mm_utf8_seq(s + i, len - i);

		if (n == 1 && s[i] == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else if (n == 0 || (n == 1 && (s[i] < 0x20 || s[i] == 0x7f)) ||
			   (n > 1 && (!utf8 || mm_utf8_invisible(s + i, n)))) {
			/* invalid, C0 and DEL, C1 and invisible characters, and any
			 * non-ASCII byte outside a UTF-8 locale */
			size_t k = n ? n : 1;

			for (size_t j = 0; j < k; j++) {
				o += (size_t)sprintf(out + o, "\\x%02x", s[i + j]);
			}
			i += k;
			continue;
		} else {
			memcpy(out + o, s + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	return out;
}

char *mm_escape_name(const char *str)
{
	return escape_name(str, locale_is_utf8());
}

char *mm_escape_name_utf8(const char *str)
{
	return escape_name(str, true);
}
