/* SPDX-License-Identifier: GPL-2.0-or-later */
/* save.c: --save FILE and --svg FILE, one way: create, write, close, and
 * the reason the kernel gave when any of it failed. */
#include <errno.h>
#include <string.h>

#include "cli/exit.h"
#include "cli/save.h"
#include "util/output.h"
#include "util/report.h"

int mm_save(const char *path, mm_snapshot_writer *write, const struct mm_snapshot *snap)
{
	FILE *f = fopen(path, "we");
	int rc, closed;

	if (!f) {
		mm_err("%s: %s", path, strerror(errno));
		return EXIT_TARGET;
	}
	rc = write(f, snap);
	closed = mm_output_close(f);
	if (rc == -ENOMEM) {
		mm_err("%s: %s", path, strerror(ENOMEM));
		return EXIT_TARGET;
	}
	rc = rc ? rc : closed;
	if (rc) {
		mm_err("%s: write error: %s", path, strerror(-rc));
		return EXIT_OUTPUT;
	}
	return EXIT_OK;
}
