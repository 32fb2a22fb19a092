/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_format.c: unit tests of the size and hex formatters (src/format.h):
 * util-linux-style sizes, where whole multiples of a unit skip floating
 * point and everything else keeps one decimal below 10. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/format.h"
#include "harness.h"

static void expect_size(uint64_t bytes, const char *want)
{
	char got[32];

	mm_format_size(got, sizeof(got), bytes);
	CHECK(strcmp(got, want) == 0, "size %" PRIu64 ": got \"%s\", want \"%s\"",
	      bytes, got, want);
}

/* The rule as memmap(1) states it, in floating point throughout. */
static void reference(char *buf, size_t len, uint64_t bytes)
{
	static const char units[] = "BKMGTPE";
	double v = (double)bytes;
	int u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, bytes ? "%" PRIu64 "B" : "0", bytes);
		return;
	}
	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (v < 10 && fabs(v - round(v)) >= 0.05) {
		snprintf(buf, len, "%.1f%c", v, units[u]);
	} else {
		snprintf(buf, len, "%.0f%c", round(v), units[u]);
	}
}

static void expect_reference(uint64_t bytes)
{
	char got[32], want[32];

	mm_format_size(got, sizeof(got), bytes);
	reference(want, sizeof(want), bytes);
	CHECK(strcmp(got, want) == 0, "size %" PRIu64 ": got \"%s\", reference \"%s\"",
	      bytes, got, want);
}

static void expect_hex(uint64_t v)
{
	char got[17], want[17];
	size_t n = mm_format_hex(got, v);

	snprintf(want, sizeof(want), "%" PRIx64, v);
	CHECK(strcmp(got, want) == 0 && n == strlen(want), "hex %#" PRIx64 ": got \"%s\" (%zu)",
	      v, got, n);
}

static void expect_percent(uint64_t part, uint64_t total, const char *want)
{
	char got[32];

	mm_format_percent_down(got, sizeof(got), part, total);
	CHECK(strcmp(got, want) == 0, "percent %" PRIu64 "/%" PRIu64 ": got \"%s\", want \"%s\"",
	      part, total, got, want);
}

int main(void)
{
	uint64_t x = 88172645463325252ULL;	/* xorshift64 state */

	/* Coverage rounds down: a byte missing is never 100.0. */
	expect_percent(0, 0, "100.0");
	expect_percent(5, 5, "100.0");
	expect_percent(9999999, 10000000, "99.9");
	expect_percent(UINT64_MAX - 1, UINT64_MAX, "99.9");
	expect_percent(999, 1000, "99.9");
	expect_percent(1, 3, "33.3");
	expect_percent(2, 3, "66.6");
	expect_percent(0, 7, "0.0");

	expect_size(0, "0");
	expect_size(1, "1B");
	expect_size(1023, "1023B");
	expect_size(1024, "1K");
	expect_size(1536, "1.5K");
	expect_size(4096, "4K");
	expect_size(12345, "12K");
	expect_size(1048575, "1024K");
	expect_size(1048576, "1M");
	expect_size(64ULL << 20, "64M");
	expect_size(3ULL << 29, "1.5G");
	expect_size(1ULL << 60, "1E");
	expect_size((1ULL << 60) - 1, "1E");
	expect_size(UINT64_MAX, "16E");

	for (int s = 0; s < 64; s++) {
		for (int d = -2; d <= 2; d++) {
			expect_reference((1ULL << s) + (uint64_t)(int64_t)d);
		}
	}
	/* Every size of 1K to 12K, and the quarters of each unit: the ties
	 * that "%.1f" rounds to even (1.25K is 1.2K, 1.75K 1.8K). */
	for (uint64_t b = 1024; b <= 12 * 1024; b++) {
		expect_reference(b);
	}
	for (int u = 1; u <= 6; u++) {
		for (uint64_t q = 4; q < 48; q++) {
			for (int d = -1; d <= 1; d++) {
				expect_reference((q << (10 * u - 2)) + (uint64_t)(int64_t)d);
			}
		}
	}
	expect_size(1280, "1.2K");
	expect_size(1792, "1.8K");
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* Random magnitudes, half of them whole multiples of a unit. */
		uint64_t v = x >> (x % 64);

		if (i & 1) {
			v &= ~((1ULL << (10 * (x % 7))) - 1);
		}
		expect_reference(v);
		expect_hex(v);
	}
	expect_hex(0);
	expect_hex(UINT64_MAX);

	return mm_test_done("test_format");
}
