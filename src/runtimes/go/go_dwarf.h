/* SPDX-License-Identifier: GPL-2.0-or-later */
/* go_dwarf.h: what the Go runtime labeller needs from a Go executable's
 * symbol table and DWARF: addresses of runtime globals and the offsets and
 * sizes of their members, resolved by name because they move between Go
 * versions. */
#ifndef MEMMAP_GO_DWARF_H
#define MEMMAP_GO_DWARF_H

#include <stdint.h>

#include "images/elf_image.h"

struct mm_go_dwarf;

/* What a resolved variable, member or type is. */
struct mm_go_type {
	uint64_t addr;		/* variable: its address; member: + its offset;
				 * type: 0, member of a type: the offset */
	uint64_t size;		/* byte size */
	uint64_t count;		/* arrays: number of elements; else 0 */
	uint64_t elem_size;	/* arrays: element size; pointers: pointee
				 * size; slices: element size; else 0 */
	uint64_t elem_target_size; /* arrays of pointers or of slices: the
				 * size of what an element points to or
				 * holds; else 0 */
};

/* Opens the DWARF and .symtab of e (through a dup of its fd).  Returns 0
 * or -ENODATA (no DWARF: a stripped build), -EFBIG (its debug information
 * would take more memory than the file's budget: 1 MiB + 32 x its size,
 * at most 1 GiB, read and inflated), -ENOMEM, -errno.  The file is read
 * with pread only. */
int mm_go_dwarf_open(const struct mm_elf *e, struct mm_go_dwarf **out);
/* The same from an open file descriptor (dup'ed; the caller keeps fd). */
int mm_go_dwarf_open_fd(int fd, struct mm_go_dwarf **out);
void mm_go_dwarf_close(struct mm_go_dwarf *d);	/* NULL: no-op */

/* Only names of the runtime package are indexed: "runtime.x", and types
 * "[]runtime.x", "*runtime.x".
 *
 * Resolves global var ("runtime.mheap_") and, if path is neither NULL nor
 * "", a member path in it ("pages.scav.index.chunks").  Returns 0 or
 * -ENOENT (no such variable or member), -EINVAL (path goes through a
 * non-struct). */
int mm_go_dwarf_var(struct mm_go_dwarf *d, const char *var, const char *path,
		    struct mm_go_type *out);

/* The same for a named type ("runtime.gcBitsArena"); out->addr is the
 * member's offset. */
int mm_go_dwarf_type(struct mm_go_dwarf *d, const char *type, const char *path,
		     struct mm_go_type *out);

/* A symbol's value from .symtab.  Returns 0 or -ENOENT. */
int mm_go_dwarf_symbol(struct mm_go_dwarf *d, const char *name, uint64_t *addr);

#endif
