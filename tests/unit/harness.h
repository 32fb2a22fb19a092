/* SPDX-License-Identifier: GPL-2.0-or-later */
/* harness.h: the one small harness of memmap's C unit tests.  A failed
 * check prints "file:line: FAIL: message" to stderr and the test goes on;
 * main() ends with `return mm_test_done("name");`, which prints
 * "name: N checks, M failed" and gives exit status 0 or 1 (meson's pass
 * and fail). */
#ifndef MEMMAP_TEST_HARNESS_H
#define MEMMAP_TEST_HARNESS_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int mm_test_checks, mm_test_failures;

/* Counts one check; on failure says where and why.  Returns ok, so a test
 * can skip what depends on a failed check. */
__attribute__((format(printf, 4, 5), unused))
static int mm_test_check(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	mm_test_checks++;
	if (ok) {
		return 1;
	}
	mm_test_failures++;
	fprintf(stderr, "%s:%d: FAIL: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 0;
}

__attribute__((unused))
static int mm_test_eq_u64(uint64_t got, uint64_t want, const char *what,
			  const char *file, int line)
{
	return mm_test_check(got == want, file, line, "%s: got %" PRIu64 " (%#" PRIx64
			     "), want %" PRIu64 " (%#" PRIx64 ")", what, got, got, want, want);
}

__attribute__((unused))
static int mm_test_eq_str(const char *got, const char *want, const char *what,
			  const char *file, int line)
{
	int ok = (!got && !want) || (got && want && strcmp(got, want) == 0);

	return mm_test_check(ok, file, line, "%s: got %s%s%s, want %s%s%s", what,
			     got ? "\"" : "", got ? got : "NULL", got ? "\"" : "",
			     want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
}

/* CHECK(cond, printf-style message); CHECK_AT for helpers that report the
 * caller's line. */
#define CHECK(cond, ...) mm_test_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_AT(line, cond, ...) mm_test_check(!!(cond), __FILE__, (line), __VA_ARGS__)

/* Equality with both values in the message; NULL strings compare equal. */
#define EQ_U64(got, want) mm_test_eq_u64((got), (want), #got, __FILE__, __LINE__)
#define EQ_STR(got, want) mm_test_eq_str((got), (want), #got, __FILE__, __LINE__)

/* The summary line and the exit status. */
__attribute__((unused))
static int mm_test_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, mm_test_checks, mm_test_failures);
	return mm_test_failures ? 1 : 0;
}

#endif
