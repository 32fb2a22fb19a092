/* SPDX-License-Identifier: GPL-2.0-or-later */
/* go_locate.h: the Go runtime's globals in a binary without .symtab (built
 * with -ldflags=-s): functions by name from .gopclntab, then the x86-64
 * RIP-relative operands of a few of their instructions that name the
 * global (go_locate.c). */
#ifndef MEMMAP_GO_LOCATE_H
#define MEMMAP_GO_LOCATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "images/elf_image.h"

/* A Go 1.18+ function table (pcHeader magic 0xfffffff0 or 0xfffffff1). */
struct mm_go_pclntab {
	const uint8_t *tab;	/* the section's bytes (not owned) */
	size_t len;
	uint64_t text;		/* pcHeader.textStart; 0 when not stored (1.26+) */
	uint64_t nfunc, funcnames, ftab;
};

/* Checks the header of tab.  Returns 0 or -ENOEXEC. */
int mm_go_pclntab_parse(const void *tab, size_t len, struct mm_go_pclntab *p);

/* The entry of function name, as an offset from the text start, and its
 * length (up to the next function).  Returns 0, -ENOENT or -ENOEXEC. */
int mm_go_pclntab_func(const struct mm_go_pclntab *p, const char *name, uint64_t *entry,
		       uint64_t *size);

/* What instructions in code (loaded at pc) say of RIP-relative targets. */
enum mm_go_ref_kind {
	MM_GO_LEA_CALL,		/* LEAQ x(SB), AX right before CALL callee: &x */
	MM_GO_LEA_AND_LOAD,	/* the one x both LEAQ'd and MOVQ-loaded */
	MM_GO_LEA_ANY,		/* every LEAQ x(SB) target */
	MM_GO_SLICE_LOAD,	/* each x MOVQ-loaded with x+8 too: a slice's array, len */
};

/* Up to max targets of kind found in code; callee is the CALL's target
 * for MM_GO_LEA_CALL.  Returns how many were found (distinct). */
size_t mm_go_rip_targets(const uint8_t *code, size_t len, uint64_t pc,
			 enum mm_go_ref_kind kind, uint64_t callee, uint64_t *out, size_t max);

/* Whether the n bytes at p are Go's size-class table (class_to_size:
 * uint16 from 0, 8, 16, rising to 32768). */
bool mm_go_is_class_sizes(const uint8_t *p, size_t n);

struct mm_go_locator;

/* Reads e's .gopclntab.  text_off is runtime.moduledata's text member
 * offset for a version whose pcHeader does not store it (1.26+), or ~0.
 * Returns 0, -ENOENT (no usable table), -ENOMEM, -errno. */
int mm_go_locator_open(struct mm_elf *e, uint64_t text_off, struct mm_go_locator **out);
void mm_go_locator_close(struct mm_go_locator *l);	/* NULL: no-op */

/* The link-time address of a member of runtime global name
 * ("runtime.mheap_"): *path is the member the rule's instruction names
 * ("" the global itself, "heapStats"), for the caller to subtract its
 * offset.  Every address returned lies in a writable section of e.
 * Returns 0, -ENOENT (no rule, or no unique match), -ENOMEM, -errno. */
int mm_go_locate(struct mm_go_locator *l, const char *name, const char **path,
		 uint64_t *addr);

#endif
