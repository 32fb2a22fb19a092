/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image_table.h: every mapped ELF object placed once per snapshot — its
 * file, load bias, kind, segments, sections and symbols — and, for each
 * mapping, the image and PT_LOAD it maps (after elfutils' Dwfl_Module).
 * Labellers ask the table; nobody else derives a bias. */
#ifndef MEMMAP_IMAGE_TABLE_H
#define MEMMAP_IMAGE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "images/elf_image.h"
#include "model/model.h"
#include "read/target.h"

enum mm_image_kind { MM_IMAGE_EXECUTABLE, MM_IMAGE_LIBRARY, MM_IMAGE_LOADER };

struct mm_image {
	struct mm_elf *elf;
	const char *path;		/* its first mapping's (the snapshot owns it) */
	const char *name;		/* the base name of path */
	unsigned int dev_major, dev_minor;
	uint64_t inode;
	enum mm_image_kind kind;
	bool loader_named;		/* ld-*.so*: glibc's loader, even run as the exe */
	uint64_t bias;			/* address minus link address */
	uint64_t start;			/* its first mapping's start */
	uint64_t span_end;		/* bias + the page-rounded end of its PT_LOADs */
	size_t first;			/* index of its first mapping */
};

/* Where one mapping stands: the image it maps (-1: none) and the PT_LOAD;
 * seg NULL with an image is the anonymous rest of that image's .bss. */
struct mm_image_place {
	int image;
	const struct mm_elf_segment *seg;
};

struct mm_images {
	struct mm_image *v;
	size_t n;
	struct mm_image_place *at;	/* one per mapping */
	size_t nat;
};

/* Places every file mapping's ELF object (opened through cache) and warns
 * in snap about files that cannot be read.  Runs on the mappings as read,
 * before any labeller.  Returns 0, 1 when a file could not be read (a
 * warning says which), or -ENOMEM. */
int mm_images_build(struct mm_images *t, struct mm_snapshot *snap,
		    struct mm_target *target, struct mm_elf_cache *cache);
void mm_images_finish(struct mm_images *t);

/* The executable's image, or NULL (static without headers, unreadable). */
const struct mm_image *mm_images_exe(const struct mm_images *t);

/* Whether mapping m is of the process's executable: the same inode, and
 * device or path (overlay filesystems show another device in maps than
 * stat does). */
bool mm_mapping_is_exe(const struct mm_snapshot *snap, const struct mm_mapping *m);

/* A dynamic symbol of img (defined, of STT_* type, -1: any), its address
 * in the target (biased) and size.  Returns 0, -ENOENT or -ENOMEM. */
int mm_image_symbol(const struct mm_image *img, const char *name, int type,
		    uint64_t *addr, uint64_t *size);

/* The symbol holding target address addr in img, or -ENOENT/-ENOMEM. */
int mm_image_symbol_at(const struct mm_image *img, uint64_t addr,
		       struct mm_elf_symbol *out);

#endif
