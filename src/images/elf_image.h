/* SPDX-License-Identifier: GPL-2.0-or-later */
/* elf_image.h: the ELF files behind mappings, each opened once (cached by
 * device and inode) and read through headers only. */
#ifndef MEMMAP_ELF_IMAGE_H
#define MEMMAP_ELF_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "read/target.h"

struct mm_elf;
struct mm_elf_cache;

struct mm_elf_section {
	const char *name;
	uint64_t addr, size, offset;
	uint64_t flags;			/* SHF_* */
	uint32_t type;			/* SHT_* */
};

struct mm_elf_segment {			/* a PT_LOAD */
	uint64_t vaddr, memsz, offset, filesz, align;
	uint32_t flags;			/* PF_* */
};

/* A dynamic symbol (.dynsym; .symtab in a file without one), through
 * gelf_getsym. */
struct mm_elf_symbol {
	const char *name;		/* owned by the file's libelf handle */
	uint64_t value, size;
	unsigned int type;		/* STT_* */
	bool defined;			/* st_shndx is not SHN_UNDEF */
};

struct mm_elf_cache *mm_elf_cache_create(void);
void mm_elf_cache_destroy(struct mm_elf_cache *cache);	/* NULL: no-op */

/* The ELF file behind file mapping m, opened through map_files/ or the
 * target's root after checking device and inode.  Returns NULL with *err
 * set: -ENOEXEC (not ELF, or corrupt), -EACCES, -ENOENT, -ESTALE (the file
 * at that path is not the one mapped), -EREMOTE (m->remote: never opened).
 * *why gets a message for -ENOEXEC. */
struct mm_elf *mm_elf_cache_get(struct mm_elf_cache *cache,
				struct mm_target *t, const struct mm_mapping *m,
				int *err, const char **why);

/* Sections with SHF_ALLOC, sorted by address. */
const struct mm_elf_section *mm_elf_sections(const struct mm_elf *e, size_t *n);
const struct mm_elf_segment *mm_elf_segments(const struct mm_elf *e, size_t *n);
/* PT_GNU_RELRO's range; false when there is none. */
bool mm_elf_relro(const struct mm_elf *e, uint64_t *vaddr, uint64_t *memsz);
const struct mm_elf_section *mm_elf_section_by_name(const struct mm_elf *e,
						    const char *name);
/* ELFCLASS64 and EM_X86_64: the Go and glibc constants are amd64's. */
bool mm_elf_is_x86_64(const struct mm_elf *e);

/* Symbol lookups read the dynamic symbols on the first call (only .dynsym
 * and its strings; a file without .dynsym, a static executable, has its
 * .symtab read instead, and a file with neither has none).
 *
 * The defined symbol called name, of STT_* type (-1: any).  Returns 0,
 * -ENOENT or -ENOMEM. */
int mm_elf_symbol_by_name(struct mm_elf *e, const char *name, int type,
			  struct mm_elf_symbol *out);
/* The defined symbol whose [value, value + size) holds vaddr (a sizeless
 * one holds its own address only).  Returns 0, -ENOENT or -ENOMEM. */
int mm_elf_symbol_at(struct mm_elf *e, uint64_t vaddr, struct mm_elf_symbol *out);
/* The same in every symbol the file has (.symtab when it was not
 * stripped, else .dynsym), of a type that names code or data. */
int mm_elf_symbol_at_any(struct mm_elf *e, uint64_t vaddr, struct mm_elf_symbol *out);
/* Every defined symbol with a value (.symtab, else .dynsym), sorted by
 * address; valid while the file stays in its cache.  Returns 0 or -ENOMEM. */
int mm_elf_symbols(struct mm_elf *e, const struct mm_elf_symbol *const **out, size_t *n);
/* The same in the file's order, for a caller to whom order is nothing. */
int mm_elf_symbols_unsorted(struct mm_elf *e, const struct mm_elf_symbol *const **out,
			    size_t *n);
/* Whether s names code or data (not a file, section or TLS offset). */
bool mm_elf_symbol_names_memory(const struct mm_elf_symbol *s);
/* The defined symbol called name in .symtab (the table mm_elf_symbols
 * lists, hashed on the first call; Go keeps its runtime's globals there, not in
 * .dynsym).  Returns 0, -ENOENT (no such symbol, or no .symtab: a
 * stripped file) or -ENOMEM. */
int mm_elf_static_symbol(struct mm_elf *e, const char *name, struct mm_elf_symbol *out);
/* Whether e has a .symtab with defined symbols (false also on -ENOMEM). */
bool mm_elf_has_static_symbols(struct mm_elf *e);
/* The GNU build-id as hex (read on the first call), or NULL. */
const char *mm_elf_build_id(struct mm_elf *e);

/* Whether a section of that name is there, loaded or not (.debug_info). */
bool mm_elf_has_section(const struct mm_elf *e, const char *name);
/* Reads len bytes the file holds at link address vaddr (inside one
 * PT_LOAD's file part).  Returns 0, -ENOENT when no segment holds them, or
 * the read's -errno. */
int mm_elf_read_vaddr(const struct mm_elf *e, uint64_t vaddr, void *buf, size_t len);
/* An fd of the opened file, for the DWARF reader. */
int mm_elf_fd(const struct mm_elf *e);
/* Reads len bytes at a file offset.  Returns 0 or -errno. */
int mm_elf_pread(const struct mm_elf *e, void *buf, size_t len, uint64_t off);

#endif
