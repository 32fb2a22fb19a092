/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output.c: flush and close that tell why they failed.  stdio keeps only a
 * flag once a write failed; the reason is the errno of the last attempt,
 * which fflush makes again with what is still buffered. */
#include <errno.h>

#include "util/output.h"

int mm_output_flush(FILE *f)
{
	int failed;

	errno = 0;
	failed = fflush(f) != 0 || ferror(f);
	if (!failed) {
		return 0;
	}
	return errno ? -errno : -EIO;
}

int mm_output_close(FILE *f)
{
	int rc = mm_output_flush(f);

	if (fclose(f) != 0 && !rc) {
		rc = errno ? -errno : -EIO;
	}
	return rc;
}
