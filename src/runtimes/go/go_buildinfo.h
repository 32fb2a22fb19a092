/* SPDX-License-Identifier: GPL-2.0-or-later */
/* go_buildinfo.h: recognises a Go executable from its .go.buildinfo
 * section (toolchain version, main module, build settings), read from the
 * file alone. */
#ifndef MEMMAP_GO_BUILDINFO_H
#define MEMMAP_GO_BUILDINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "images/elf_image.h"
#include "model/model.h"

struct mm_go_buildinfo {
	char *version;		/* "go1.22.12", owned */
	char *module;		/* main module path (or main package path); owned, may be NULL */
	bool cgo_enabled;	/* build setting CGO_ENABLED=1 */
	unsigned int ptr_size;
};

/* Parses the inline-string format (Go 1.18+) from the section bytes.
 * Returns 0, -ENOEXEC when buf is not a Go build info blob, -ENOTSUP for
 * the pre-1.18 pointer format (see mm_go_buildinfo_read), -ENOMEM. */
int mm_go_buildinfo_parse(const void *buf, size_t len, struct mm_go_buildinfo *bi);

/* Reads .go.buildinfo of e (both formats); without that section, when e
 * is Go (mm_go_image_is_go), the blob found by its magic in a writable
 * segment; without a blob, runtime.buildVersion and runtime.modinfo: the
 * one string header in .data whose bytes are a Go version (and the one
 * whose bytes start with the module-info sentinel; in a PIE, the header's
 * pointer from its R_X86_64_RELATIVE relocation).  Returns 0, -ENOENT
 * when there is none (or no unique one), -ENOEXEC when it is malformed,
 * -ENOMEM, or the read's -errno. */
int mm_go_buildinfo_read(const struct mm_elf *e, struct mm_go_buildinfo *bi);

/* Whether the len bytes at s are a toolchain version as the Go linker
 * stores it in runtime.buildVersion ("go1.26.10", "go1.24rc1",
 * "go1.23.4 X:nocoverageredesign"). */
bool mm_go_version_string(const char *s, size_t len);

void mm_go_buildinfo_finish(struct mm_go_buildinfo *bi);

/* Whether e is Go: a .go.buildinfo or .go.module section, or a .gopclntab
 * with its header magic. */
bool mm_go_image_is_go(const struct mm_elf *e);

/* Whether e has a .symtab (a -s build has none). */
bool mm_go_has_symbols(const struct mm_elf *e);

/* runtime.iscgo's initial value, from .symtab and the file's data.
 * Returns 0, -ENOENT (no symbol table or no such symbol), -ENOMEM. */
int mm_go_iscgo(const struct mm_elf *e, bool *iscgo);

/* Fills snap->runtime from e when it is a Go executable (also without a
 * .go.buildinfo section: see mm_go_buildinfo_read, mm_go_image_is_go).
 * cgo is runtime.iscgo when there are symbols; otherwise CGO_ENABLED=1 and
 * the program imports C symbols (.dynsym has entries): a pure-Go program
 * built with cgo enabled links no C code.
 * Returns 0 (also when e is not Go), or -ENOMEM. */
int mm_go_buildinfo_detect(const struct mm_elf *e, struct mm_snapshot *snap);

#endif
