/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_snapshot_load.c: the --diff/--save snapshot loader on arbitrary
 * bytes.  A file it accepts must come back as a self-consistent model; a
 * file it rejects must come back with a message and no snapshot.  (The
 * message may quote the file's bytes: escaping it is the printer's job,
 * diff_cmd.c does it.) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "diff/snapshot_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mm_snapshot *snap = NULL;
	char path[64], *errmsg = NULL;
	int fd = fuzz_tmpfile(data, size, path), rc;

	rc = mm_snapshot_load(path, &snap, &errmsg);
	if (rc == 0) {
		if (!snap) {
			abort();
		}
		fuzz_check_snapshot(snap);
	} else if (snap || (rc != -ENOMEM && (!errmsg || !*errmsg))) {
		fprintf(stderr, "fuzz: rejected (%d) without a message\n", rc);
		abort();
	}
	free(errmsg);
	mm_snapshot_destroy(snap);
	close(fd);
	unlink(path);
	return 0;
}
