/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report.c: errors and warnings for the user, escaped, one line each; and
 * the list of warnings a snapshot or a diff carries until they are told. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/format.h"
#include "util/report.h"

static __thread char **capture;

void mm_report_capture(char **buf)
{
	capture = buf;
}

__attribute__((format(printf, 2, 0)))
static void say(const char *prefix, const char *fmt, va_list ap)
{
	char *msg = NULL, *esc = NULL;

	if (vasprintf(&msg, fmt, ap) >= 0) {
		esc = mm_escape_name(msg);
	}
	if (capture) {
		if (!*capture && esc) {
			*capture = esc;
			esc = NULL;
		}
		free(esc);
		free(msg);
		return;
	}
	fprintf(stderr, "memmap: %s%s\n", prefix, esc ? esc : "out of memory");
	free(esc);
	free(msg);
}

void mm_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("", fmt, ap);
	va_end(ap);
}

void mm_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("warning: ", fmt, ap);
	va_end(ap);
}

void mm_warn_all(char *const *warnings, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		mm_warn("%s", warnings[i]);
	}
}

int mm_strv_vappendf(char ***v, size_t *n, const char *fmt, va_list ap)
{
	char **p = reallocarray(*v, *n + 1, sizeof(*p));
	char *msg;

	if (!p) {
		return -ENOMEM;
	}
	*v = p;
	if (vasprintf(&msg, fmt, ap) < 0) {
		return -ENOMEM;
	}
	p[(*n)++] = msg;
	return 0;
}
