/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reload.c: loads a memmap/1 snapshot file with mm_snapshot_load() and
 * writes it out again with the JSON writer, so a test can compare the two
 * documents: whatever the loader drops or changes shows up as a difference.
 * Exit 2 with the loader's message on a bad file. */
#include <stdio.h>
#include <stdlib.h>

#include "emit/json_out.h"
#include "diff/snapshot_load.h"

int main(int argc, char **argv)
{
	struct mm_snapshot *snap;
	char *err;

	if (argc != 2) {
		fprintf(stderr, "usage: reload FILE\n");
		return 64;
	}
	if (mm_snapshot_load(argv[1], &snap, &err)) {
		fprintf(stderr, "reload: %s\n", err ? err : "out of memory");
		free(err);
		return 2;
	}
	mm_json_write_snapshot(stdout, snap);
	mm_snapshot_destroy(snap);
	return fflush(stdout) == 0 ? 0 : 1;
}
