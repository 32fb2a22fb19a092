/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_smaps.c: the smaps parser on arbitrary text, fed line by line as
 * proc.c does (stopping at the first malformed line); a snapshot it
 * accepts then goes through every labeller on a captured, empty target
 * and must come out self-consistent. */
#include <stdlib.h>
#include <string.h>

#include "label/classify.h"
#include "fuzz.h"
#include "fuzz_target.h"
#include "read/smaps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mm_snapshot *snap = mm_snapshot_create();
	const char *p = (const char *)data, *end = p + size;
	struct mm_smaps_parser parser;
	int rc = 0;

	if (!snap) {
		return 0;
	}
	snap->pid = 1;
	snap->page_size = 4096;
	mm_smaps_init(&parser, snap);
	while (p < end && !rc) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		rc = mm_smaps_feed(&parser, p, len);
		p += len + (nl ? 1 : 0);
	}
	/* Labellers open the files mappings name (verified by inode after the
	 * open): keep them away from device nodes, whose open may act. */
	for (size_t i = 0; !rc && i < snap->nmappings; i++) {
		const char *path = snap->mappings[i].path;

		if (path && !strncmp(path, "/dev/", 5) && strncmp(path, "/dev/shm/", 9)) {
			snap->mappings[i].inode = 0;
		}
	}
	if (!rc) {
		struct mm_target t;
		struct mm_classify ctx = { .snap = snap, .target = &t };

		fuzz_captured_target(&t);
		ctx.elves = mm_elf_cache_create();
		if (ctx.elves && mm_classify(&ctx) >= 0) {
			mm_snapshot_finish(snap);
			fuzz_check_snapshot(snap);
		}
		mm_elf_cache_destroy(ctx.elves);
		mm_target_finish(&t);
	}
	mm_snapshot_destroy(snap);
	return 0;
}
