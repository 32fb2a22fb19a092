/* SPDX-License-Identifier: GPL-2.0-or-later */
/* grow.h: the one growable-array step every list in memmap uses, so the
 * overflow checks are written once. */
#ifndef MEMMAP_GROW_H
#define MEMMAP_GROW_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Makes the array *pp (pp is the address of any object pointer) hold at
 * least need elements of size bytes, doubling *cap so appending n elements
 * costs O(n); the first allocation is about a page.  Returns 0, or -ENOMEM
 * with *pp and *cap unchanged.  The pointer is copied in and out with
 * memcpy, so any T ** may be passed without breaking aliasing rules. */
static inline int mm_grow(void *pp, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : (size && size < 4096 ? 4096 / size : 1);
	void *p, *np;

	if (need <= *cap) {
		return 0;
	}
	while (n < need) {
		if (n > SIZE_MAX / 2) {
			return -ENOMEM;
		}
		n *= 2;
	}
	if (size && n > SIZE_MAX / size) {
		return -ENOMEM;
	}
	memcpy(&p, pp, sizeof(p));
	np = realloc(p, n * size);
	if (!np) {
		return -ENOMEM;
	}
	memcpy(pp, &np, sizeof(np));
	*cap = n;
	return 0;
}

#endif
