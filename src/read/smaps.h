/* SPDX-License-Identifier: GPL-2.0-or-later */
/* smaps.h: a pure parser for /proc/PID/smaps text, fed a line, a buffer of
 * lines or a stream at a time.  It fills the snapshot's mappings; it never
 * prints, opens or exits (the stream's reader is the caller's). */
#ifndef MEMMAP_SMAPS_H
#define MEMMAP_SMAPS_H

#include <stddef.h>
#include <sys/types.h>

#include "model/model.h"

struct mm_smaps_parser {
	struct mm_snapshot *snap;
	struct mm_mapping *cur;		/* the mapping whose fields follow */
	unsigned long lineno;
	size_t next_field;		/* where the next field name is likely */
	struct mm_smaps_flags {		/* the last VmFlags texts kept, */
		const char *text;
		size_t len;		/* and the bytes each came from */
		char bytes[88];
	} flags[4];
	unsigned int flags_next;	/* the next one to replace */
};

void mm_smaps_init(struct mm_smaps_parser *p, struct mm_snapshot *snap);

/* Feeds one line (without its newline; need not be NUL-terminated).
 * Returns 0, -EINVAL for a malformed line (p->lineno says which), or
 * -ENOMEM.  Unknown fields are ignored, missing ones stay zero. */
int mm_smaps_feed(struct mm_smaps_parser *p, const char *line, size_t len);

/* Feeds the whole lines in text: len bytes, the last a newline (or the
 * end of the file).  Returns as mm_smaps_feed() does, at the first error. */
int mm_smaps_feed_lines(struct mm_smaps_parser *p, const char *text, size_t len);

/* Reads like read(2) into buf, at most len bytes: the count, 0 at the end,
 * or a negative errno. */
typedef ssize_t mm_smaps_read_fn(void *ctx, char *buf, size_t len);

/* The kernel prints a mapped file's path whole, however deep (a path of
 * 1,100 directories is a 276 KB line): lines grow the buffer up to this;
 * one longer still is cut there, with a warning. */
enum { MM_SMAPS_LINE_MAX = 16 * 1024 * 1024 };

/* Reads everything rd gives, bufsz bytes at a time, cut anywhere, and
 * parses it.  Returns 0, what mm_smaps_feed() or rd returned, or -ENOMEM. */
int mm_smaps_stream(struct mm_smaps_parser *p, mm_smaps_read_fn *rd, void *ctx,
		    size_t bufsz);

/* Parses a maps-style header line ("start-end perms offset dev inode
 * [path]") into m, allocating m->path.  Returns 0 or -EINVAL/-ENOMEM. */
int mm_smaps_parse_header(const char *line, size_t len, struct mm_mapping *m);

#endif
