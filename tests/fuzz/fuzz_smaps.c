/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_smaps.c: the smaps parser on arbitrary text, streamed as proc.c
 * does but in reads of 1 to 61 bytes (by the input's size) into a buffer
 * smaller than many lines, so lines are cut anywhere and grow the buffer
 * (stopping at the first malformed line); a snapshot it
 * accepts then goes through every labeller on a captured, empty target
 * and must come out self-consistent. */
#include <stdlib.h>
#include <string.h>

#include "label/classify.h"
#include "fuzz.h"
#include "fuzz_target.h"
#include "read/smaps.h"

struct input {
	const uint8_t *data;
	size_t size, pos, chunk;
};

static ssize_t read_input(void *ctx, char *buf, size_t len)
{
	struct input *in = ctx;
	size_t n = in->size - in->pos;

	n = n < in->chunk ? n : in->chunk;
	n = n < len ? n : len;
	memcpy(buf, in->data + in->pos, n);
	in->pos += n;
	return (ssize_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mm_snapshot *snap = mm_snapshot_create();
	struct input in = { data, size, 0, size % 61 + 1 };
	struct mm_smaps_parser parser;
	int rc = 0;

	if (!snap) {
		return 0;
	}
	snap->pid = 1;
	snap->page_size = 4096;
	mm_smaps_init(&parser, snap);
	rc = mm_smaps_stream(&parser, read_input, &in, 48);
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
