/* fuzz_snapshot_load.c: the --diff/--save snapshot loader on arbitrary
 * bytes.  A file it accepts must come back as a self-consistent model; a
 * file it rejects must come back with a message and no snapshot. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "snapshot_load.h"

/* The message goes to a terminal: one line, no control bytes from the
 * file. */
static bool printable_line(const char *msg)
{
	if (!msg || !*msg) {
		return false;
	}
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			return false;
		}
	}
	return true;
}

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
	} else if (snap || (rc != -ENOMEM && !printable_line(errmsg))) {
		fprintf(stderr, "fuzz: rejected without a printable one-line message (%d)\n", rc);
		abort();
	}
	free(errmsg);
	mm_snapshot_destroy(snap);
	close(fd);
	unlink(path);
	return 0;
}
