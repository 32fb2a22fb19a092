/* grow.c: doubling arrays, overflow-checked by reallocarray. */
#include <stdlib.h>

#include "util/grow.h"

void *mm_grow(void *v, size_t n, size_t *alloc, size_t size, size_t first)
{
	size_t na;

	if (n < *alloc) {
		return v;
	}
	na = *alloc ? *alloc * 2 : first;
	v = reallocarray(v, na, size);
	if (v) {
		*alloc = na;
	}
	return v;
}
