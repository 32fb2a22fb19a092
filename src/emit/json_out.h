/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json_out.h: JSON written as a stream (nothing is built in memory first),
 * strings escaped per RFC 8259, and the snapshot in schema memmap/1. */
#ifndef MEMMAP_JSON_OUT_H
#define MEMMAP_JSON_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util/output.h"
#include "model/fleet.h"
#include "model/model.h"

#define MM_JSON_MAX_DEPTH 16

/* The document reaches f when its outermost container closes. */
struct mm_json {
	int depth;
	bool has_member[MM_JSON_MAX_DEPTH];
	int pretty_depth;	/* members deeper than this share a line */
	struct mm_outbuf out;	/* last: only its head is zeroed */
};

void mm_json_init(struct mm_json *j, FILE *f);

/* key is NULL inside arrays and for the top-level value. */
void mm_json_object_open(struct mm_json *j, const char *key);
void mm_json_object_close(struct mm_json *j);
void mm_json_array_open(struct mm_json *j, const char *key);
void mm_json_array_close(struct mm_json *j);
void mm_json_string(struct mm_json *j, const char *key, const char *value); /* NULL: null */
void mm_json_u64(struct mm_json *j, const char *key, uint64_t value);
void mm_json_i64(struct mm_json *j, const char *key, int64_t value);
void mm_json_hex(struct mm_json *j, const char *key, uint64_t value);	/* "0x1f" */
void mm_json_double(struct mm_json *j, const char *key, double value);
void mm_json_bool(struct mm_json *j, const char *key, bool value);
void mm_json_null(struct mm_json *j, const char *key);
/* A string from the target (a name, a path) that may not be UTF-8: the
 * text, and when invalid bytes had to become U+FFFD, the raw bytes beside
 * it as hex under KEY_hex (none without a key).  NULL: null. */
void mm_json_untrusted(struct mm_json *j, const char *key, const char *value);

/* The snapshot writer: the whole snapshot as one document, followed by a
 * newline, flushed.  Returns 0 or -errno when writing to f failed. */
int mm_json_write_snapshot(FILE *f, const struct mm_snapshot *snap);

/* Many processes as one document (schema memmap-fleet/1): the label
 * totals and a member a process, its snapshot without mappings when
 * summary.  Returns 0 or -errno when writing to f failed. */
int mm_json_write_fleet(FILE *f, const struct mm_fleet *fl, bool summary);

#endif
