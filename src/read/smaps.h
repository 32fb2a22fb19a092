/* SPDX-License-Identifier: GPL-2.0-or-later */
/* smaps.h: a pure parser for /proc/PID/smaps text, fed one line at a time.
 * It fills the snapshot's mappings; it never prints, opens or exits. */
#ifndef MEMMAP_SMAPS_H
#define MEMMAP_SMAPS_H

#include <stddef.h>

#include "model/model.h"

struct mm_smaps_parser {
	struct mm_snapshot *snap;
	struct mm_mapping *cur;		/* the mapping whose fields follow */
	unsigned long lineno;
	size_t next_field;		/* where the next field name is likely */
};

void mm_smaps_init(struct mm_smaps_parser *p, struct mm_snapshot *snap);

/* Feeds one line (without its newline; need not be NUL-terminated).
 * Returns 0, -EINVAL for a malformed line (p->lineno says which), or
 * -ENOMEM.  Unknown fields are ignored, missing ones stay zero. */
int mm_smaps_feed(struct mm_smaps_parser *p, const char *line, size_t len);

/* Parses a maps-style header line ("start-end perms offset dev inode
 * [path]") into m, allocating m->path.  Returns 0 or -EINVAL/-ENOMEM. */
int mm_smaps_parse_header(const char *line, size_t len, struct mm_mapping *m);

#endif
