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

/* Reads .go.buildinfo of e (both formats).  Returns 0, -ENOENT when e has
 * no such section (not Go), -ENOEXEC when it is malformed, -ENOMEM, or the
 * read's -errno. */
int mm_go_buildinfo_read(const struct mm_elf *e, struct mm_go_buildinfo *bi);

void mm_go_buildinfo_finish(struct mm_go_buildinfo *bi);

/* Fills snap->runtime from e when it is a Go executable.  cgo is reported
 * only when CGO_ENABLED=1 and the program imports C symbols (.dynsym has
 * entries): a pure-Go program built with cgo enabled links no C code.
 * Returns 0 (also when e is not Go), or -ENOMEM. */
int mm_go_buildinfo_detect(const struct mm_elf *e, struct mm_snapshot *snap);

#endif
