/* SPDX-License-Identifier: GPL-2.0-or-later */
/* debug.c: the --debug trace.  One line a finding, to stderr, so stdout
 * stays the table or one JSON document. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/debug.h"
#include "util/format.h"

bool mm_debug_from_env(void)
{
	const char *v = getenv("MEMMAP_DEBUG");

	return v && *v && strcmp(v, "0") != 0;
}

void mm_debugf(bool on, const char *who, const char *fmt, ...)
{
	char *msg = NULL, *safe;
	va_list ap;
	int n;

	if (!on) {
		return;
	}
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return;
	}
	/* Messages carry paths and names from the target: data, escaped. */
	safe = mm_escape_name(msg);
	fprintf(stderr, "memmap: debug: %s: %s\n", who, safe ? safe : "?");
	free(safe);
	free(msg);
}
