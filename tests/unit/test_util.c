/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_util.c: unit tests of the small shared helpers in src/util/: the
 * array-grow step (doubling, first allocation, overflow refused with the
 * array untouched) and the page-size fallback. */
#include <stdlib.h>
#include <unistd.h>

#include "util/grow.h"
#include "util/page.h"
#include "harness.h"

struct big {
	char bytes[1000];
};

static void test_grow(void)
{
	int *v = NULL;
	size_t cap = 0;

	/* The first allocation is about a page of elements. */
	CHECK(mm_grow(&v, &cap, 1, sizeof(*v)) == 0 && v, "first grow");
	EQ_U64(cap, 4096 / sizeof(int));
	v[0] = 42;
	/* Within the capacity: nothing moves. */
	int *was = v;

	CHECK(mm_grow(&v, &cap, cap, sizeof(*v)) == 0 && v == was, "no-op grow");
	EQ_U64(cap, 1024);
	/* One past: doubles; far past: doubles until it fits. */
	CHECK(mm_grow(&v, &cap, 1025, sizeof(*v)) == 0, "grow by one");
	EQ_U64(cap, 2048);
	CHECK(mm_grow(&v, &cap, 10000, sizeof(*v)) == 0, "grow far");
	EQ_U64(cap, 16384);
	EQ_U64((uint64_t)v[0], 42);
	v[9999] = 7;

	/* Too many elements for size_t: refused, the array as it was. */
	was = v;
	CHECK(mm_grow(&v, &cap, SIZE_MAX / 2, sizeof(*v)) == -ENOMEM, "bytes overflow");
	CHECK(mm_grow(&v, &cap, SIZE_MAX, sizeof(*v)) == -ENOMEM, "count overflow");
	CHECK(v == was && cap == 16384 && v[0] == 42 && v[9999] == 7,
	      "a refused grow leaves the array alone");
	free(v);

	/* 1000-byte elements: a page holds four; more when asked for more. */
	struct big *b = NULL;

	cap = 0;
	CHECK(mm_grow(&b, &cap, 1, sizeof(*b)) == 0 && b, "first grow of big elements");
	EQ_U64(cap, 4);
	free(b);

	struct big *h = NULL;

	cap = 0;
	CHECK(mm_grow(&h, &cap, 5000, sizeof(*h)) == 0 && h, "first grow asks more than a page");
	EQ_U64(cap, 8192);
	free(h);
}

static void test_page_size(void)
{
	EQ_U64(mm_page_size(16384), 16384);
	EQ_U64(mm_page_size(4096), 4096);
	EQ_U64(mm_page_size(0), (uint64_t)sysconf(_SC_PAGESIZE));
}

int main(void)
{
	test_grow();
	test_page_size();
	return mm_test_done("test_util");
}
