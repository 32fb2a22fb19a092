/* grow.h: the one way arrays grow here, doubling. */
#ifndef MEMMAP_GROW_H
#define MEMMAP_GROW_H

#include <stddef.h>

/* Room for element n of array v (*alloc allocated, each size bytes):
 * returns v itself while there is room, else v reallocated to twice *alloc
 * (first when empty) with *alloc updated.  NULL on ENOMEM, v untouched. */
void *mm_grow(void *v, size_t n, size_t *alloc, size_t size, size_t first);

#endif
