/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seen.c: a set of visited addresses for walks of target memory. */
#include <errno.h>
#include <stdlib.h>

#include "util/seen.h"

static size_t hash(uint64_t a, size_t cap)
{
	return (size_t)((a * 0x9e3779b97f4a7c15ULL) >> 17) & (cap - 1);
}

static int insert(uint64_t *slot, size_t cap, uint64_t a)
{
	for (size_t i = hash(a, cap);; i = (i + 1) & (cap - 1)) {
		if (slot[i] == a) {
			return -ELOOP;
		}
		if (!slot[i]) {
			slot[i] = a;
			return 0;
		}
	}
}

static int grow(struct mm_seen *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64;
	uint64_t *slot;

	if (cap > SIZE_MAX / 2 / sizeof(*slot) || !(slot = calloc(cap, sizeof(*slot)))) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (s->slot[i]) {
			insert(slot, cap, s->slot[i]);
		}
	}
	free(s->slot);
	s->slot = slot;
	s->cap = cap;
	return 0;
}

int mm_seen_add(struct mm_seen *s, uint64_t addr)
{
	int rc;

	if (!addr) {
		return -EINVAL;
	}
	if (s->max && s->n >= s->max) {
		return -E2BIG;
	}
	if (2 * (s->n + 1) > s->cap && (rc = grow(s))) {
		return rc;
	}
	rc = insert(s->slot, s->cap, addr);
	s->n += rc == 0;
	return rc;
}

void mm_seen_free(struct mm_seen *s)
{
	free(s->slot);
	*s = (struct mm_seen){ 0 };
}
