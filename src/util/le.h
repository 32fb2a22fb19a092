/* SPDX-License-Identifier: GPL-2.0-or-later */
/* le.h: little-endian words out of byte buffers read from a target or a
 * file, at any alignment (the targets memmap reads are x86_64). */
#ifndef MEMMAP_LE_H
#define MEMMAP_LE_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t mm_le32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint64_t mm_le64(const void *p)
{
	const uint8_t *b = p;

	return mm_le32(b) | (uint64_t)mm_le32(b + 4) << 32;
}

/* The 8-byte word at byte offset off of b (the caller checked the bounds). */
static inline uint64_t mm_word_at(const uint8_t *b, size_t off)
{
	return mm_le64(b + off);
}

#endif
