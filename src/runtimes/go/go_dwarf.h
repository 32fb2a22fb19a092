/* SPDX-License-Identifier: GPL-2.0-or-later */
/* go_dwarf.h: what the Go runtime labeller needs from a Go executable:
 * addresses of runtime globals (its .symtab) and the offsets and sizes of
 * their members, resolved by name because they move between Go versions:
 * from the generated per-version table (go_offsets.h) when the version
 * has rows, else from DWARF, which is then opened on first need. */
#ifndef MEMMAP_GO_DWARF_H
#define MEMMAP_GO_DWARF_H

#include <stdbool.h>
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

/* Layouts of Go version ("go1.23.5"; NULL: unknown) from the table, else
 * (no row for it) from e's DWARF, else the table's nearest older version
 * (see mm_go_dwarf_layout); addresses from e's .symtab, or without one
 * from the code (go_locate.h).  Returns 0, or -ENODATA (no symbols and no
 * located globals, or neither a row nor DWARF), -EFBIG (the DWARF needed
 * would take more memory than the file's budget: 1 MiB + 32 x its size,
 * at most 1 GiB, read and inflated), -ENOMEM, -errno.  The file is read
 * with pread only.  e must outlive the handle. */
int mm_go_dwarf_open_version(struct mm_elf *e, const char *version,
			     struct mm_go_dwarf **out);
/* The same with the version from e's build info. */
int mm_go_dwarf_open(struct mm_elf *e, struct mm_go_dwarf **out);
/* DWARF (and its .symtab) alone, from an open file descriptor (dup'ed;
 * the caller keeps fd). */
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

/* A symbol's value from .symtab.  Returns 0, -ENOENT or -ENOMEM. */
int mm_go_dwarf_symbol(struct mm_go_dwarf *d, const char *name, uint64_t *addr);

/* The table version the layouts come from ("go1.27"), or NULL when they
 * come from DWARF; *nearest when it is not the binary's own version. */
const char *mm_go_dwarf_layout(const struct mm_go_dwarf *d, bool *nearest);
/* Whether the globals are found by code pattern (no .symtab: go_locate.h). */
bool mm_go_dwarf_located(const struct mm_go_dwarf *d);
/* Whether DWARF was opened (a look-up the table could not answer). */
bool mm_go_dwarf_read_dwarf(const struct mm_go_dwarf *d);

#endif
