/* SPDX-License-Identifier: GPL-2.0-or-later */
/* format.h: turning sizes and untrusted names into safe, readable text. */
#ifndef MEMMAP_FORMAT_H
#define MEMMAP_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "0", "512B", "4K", "1.5M", "64M", "2.1G": powers of 1024, as util-linux. */
void mm_format_size(char *buf, size_t len, uint64_t bytes);

/* part/total as a percentage with one decimal, rounded DOWN ("99.9", "100.0"
 * only when part == total): a coverage never reads 100.0 with a byte
 * missing.  total 0 counts as 100.0. */
void mm_format_percent_down(char *buf, size_t len, uint64_t part, uint64_t total);

/* v in lowercase hex without "0x" into buf (17 bytes); returns the length.
 * Without printf: the mapping tree and -J write hundreds of thousands. */
size_t mm_format_hex(char *buf, uint64_t v);

/* v in decimal into buf (21 bytes); returns the length. */
size_t mm_format_u64(char *buf, uint64_t v);

/* Parses "64M", "4k", "1.5G", "4096" into bytes.  Returns 0 or -EINVAL. */
int mm_parse_size(const char *s, uint64_t *out);

/* A name fit for a terminal: control bytes, invalid UTF-8, C1, bidi and
 * zero-width characters and backslash become \xHH (backslash \\), so a file
 * name never drives the terminal; outside a UTF-8 locale every byte above
 * 0x7f is escaped too.  Returns an allocated string, or NULL on ENOMEM. */
char *mm_escape_name(const char *s);
/* The same for a file whose encoding is UTF-8 whatever the locale (the
 * SVG): valid, visible UTF-8 is kept even in the C locale. */
char *mm_escape_name_utf8(const char *s);

/* The value of a hex digit (either case), or -1.  Inline: the smaps
 * parser calls it for every character of every address. */
static inline int mm_hex_digit(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* Length of the valid UTF-8 sequence at s (1 for ASCII), or 0 if invalid. */
size_t mm_utf8_seq(const unsigned char *s, size_t avail);

/* Whether the valid n-byte sequence at s is a character that hides or
 * reorders the text around it: C1 controls, soft hyphen, bidi controls,
 * zero-width marks, line separators.  Terminal and JSON escape them. */
bool mm_utf8_invisible(const unsigned char *s, size_t n);

#endif
