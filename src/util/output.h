/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output.h: whether what was written to a stream arrived (a full disk,
 * /dev/full, a closed pipe), with the reason the kernel gave. */
#ifndef MEMMAP_OUTPUT_H
#define MEMMAP_OUTPUT_H

#include <stdio.h>
#include <string.h>

/* Bytes gathered for one write: stdio's own buffer costs a lock and a
 * copy a call, and on a terminal stdout is line buffered (a write(2) a
 * line through the tty's line discipline). */
struct mm_outbuf {
	FILE *f;
	size_t len;		/* bytes in buf */
	char buf[64 * 1024];
};

static inline void mm_outbuf_flush(struct mm_outbuf *o)
{
	fwrite_unlocked(o->buf, 1, o->len, o->f);
	o->len = 0;
}

static inline void mm_outbuf_put(struct mm_outbuf *o, const void *s, size_t n)
{
	if (n > sizeof(o->buf) - o->len) {
		mm_outbuf_flush(o);
		if (n > sizeof(o->buf)) {
			fwrite_unlocked(s, 1, n, o->f);
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

/* Flushes f.  Returns 0 when every write to f so far arrived, else -errno
 * of the failure (-EIO when stdio did not keep the reason). */
int mm_output_flush(FILE *f);

/* mm_output_flush, then fclose.  Returns 0 or -errno. */
int mm_output_close(FILE *f);

#endif
