/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image_table.c: places each mapped ELF object once per snapshot.  An
 * image's first mapping gives its load bias (the lowest PT_LOAD whose file
 * pages hold the mapping's offset); its later mappings are recognised by
 * address, and the anonymous mapping right after its last file mapping is
 * the rest of its .bss. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <elf.h>

#include "images/image_table.h"
#include "util/grow.h"

static uint64_t page_down(uint64_t v, uint64_t ps)
{
	return v & ~(ps - 1);
}

static uint64_t page_up(uint64_t v, uint64_t ps)
{
	return (v + ps - 1) & ~(ps - 1);
}

static bool perms_fit(const struct mm_elf_segment *s, const struct mm_mapping *m)
{
	bool x = s->flags & PF_X, w = s->flags & PF_W;

	/* The loader maps privately; relro is a writable segment made r--. */
	return m->perms[3] == 'p' && x == (m->perms[2] == 'x') && (m->perms[1] != 'w' || w);
}

/* The file offset the loader maps at vaddr of segment s. */
static uint64_t file_offset_at(const struct mm_elf_segment *s, uint64_t vaddr, uint64_t ps)
{
	return page_down(s->offset, ps) + (page_down(vaddr, ps) - page_down(s->vaddr, ps));
}

/* The first mapping of an image: among the PT_LOADs whose file pages hold
 * m->offset, the lowest in memory, since mappings come in address order
 * (two segments can share a file page: rodata's last, relro's first). */
static const struct mm_elf_segment *first_segment(const struct mm_elf *e,
						  const struct mm_mapping *m, uint64_t ps)
{
	size_t n;
	const struct mm_elf_segment *segs = mm_elf_segments(e, &n), *best = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct mm_elf_segment *s = &segs[i];

		/* Within the file part the loader maps: a file mapped whole
		 * as data is no loaded object. */
		if (m->offset >= page_down(s->offset, ps) &&
		    m->offset < s->offset + s->filesz && perms_fit(s, m) &&
		    m->end - m->start <= page_up(s->offset + s->filesz, ps) - m->offset &&
		    (!best || s->vaddr < best->vaddr)) {
			best = s;
		}
	}
	return best;
}

/* A later mapping of a placed image: the PT_LOAD at its address, if the
 * file offset is the one the loader would have mapped there. */
static const struct mm_elf_segment *segment_at(const struct mm_image *img,
					       const struct mm_mapping *m, uint64_t ps)
{
	size_t n;
	const struct mm_elf_segment *segs = mm_elf_segments(img->elf, &n);
	uint64_t vaddr = m->start - img->bias;

	for (size_t i = 0; i < n; i++) {
		const struct mm_elf_segment *s = &segs[i];

		if (vaddr >= page_down(s->vaddr, ps) && vaddr < s->vaddr + s->memsz) {
			return perms_fit(s, m) && m->offset == file_offset_at(s, vaddr, ps) &&
			       m->end - img->bias <= page_up(s->vaddr + s->filesz, ps) ? s : NULL;
		}
	}
	return NULL;
}

static uint64_t span_end(const struct mm_elf *e, uint64_t bias, uint64_t ps)
{
	size_t n;
	const struct mm_elf_segment *segs = mm_elf_segments(e, &n);
	uint64_t end = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t x = page_up(bias + segs[i].vaddr + segs[i].memsz, ps);

		end = x > end ? x : end;
	}
	return end;
}

bool mm_mapping_is_exe(const struct mm_snapshot *snap, const struct mm_mapping *m)
{
	return snap->exe_inode && m->inode == snap->exe_inode &&
	       ((major(snap->exe_dev) == m->dev_major && minor(snap->exe_dev) == m->dev_minor) ||
		(snap->exe && m->path && strcmp(snap->exe, m->path) == 0));
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool loader_named(const char *path)
{
	const char *base = base_name(path);

	return strncmp(base, "ld-", 3) == 0 && strstr(base, ".so");
}

/* A file mapping in the kernel's sense: what the kernel labeller will call
 * `file` (not a special name, not shared memory) with an inode. */
static bool file_mapping(const struct mm_mapping *m)
{
	return m->path && m->path[0] != '[' && m->inode && !mm_mapping_is_shmem(m);
}

/* Returns 1 when the file could not be read and it was said, 0 when the
 * mapping is no image's (a data file, mapped some other way), -ENOMEM. */
static int open_image(struct mm_snapshot *snap, struct mm_target *target,
		      struct mm_elf_cache *cache, const struct mm_mapping *m,
		      struct mm_elf **out)
{
	const char *why = NULL;
	int err;

	*out = mm_elf_cache_get(cache, target, m, &err, &why);
	if (*out) {
		return 0;
	}
	if (err == -ENOMEM) {
		return err;
	}
	if (err == -ENOEXEC || err == -EREMOTE || m->offset != 0) {
		/* A data file, a file on a network file system (warned once
		 * per file system), or a file already warned about. */
		return 0;
	}
	if (err == -EBADMSG) {
		err = mm_snapshot_warn(snap, "%s: corrupt ELF file (%s): labelled file",
				       m->path, why ? why : "bad headers");
	} else {
		err = mm_snapshot_warn(snap, "%s: cannot open (%s): labelled file", m->path,
				       err == -ESTALE ? "not the file that was mapped"
						      : strerror(-err));
	}
	return err ? err : 1;
}

static int add_image(struct mm_images *t, size_t *alloc, const struct mm_image *img)
{
	if (mm_grow(&t->v, alloc, t->n + 1, sizeof(*t->v))) {
		return -ENOMEM;
	}
	t->v[t->n++] = *img;
	return 0;
}

/* Whether anonymous mapping m is the rest of img's .bss as a loader puts
 * it: right after the file-backed pages of a writable PT_LOAD whose memsz
 * exceeds its filesz (last), those pages ending where that segment's file
 * part does, and m starting within its memsz.  A file mapped as data, or a
 * segment cut short, lends no .bss to what follows it. */
static bool bss_tail(const struct mm_image *img, const struct mm_elf_segment *last,
		     uint64_t end, const struct mm_mapping *m, uint64_t ps)
{
	uint64_t file_end, mem_end;

	if (!last || !(last->flags & PF_W) || last->memsz <= last->filesz ||
	    m->start != end) {
		return false;
	}
	file_end = img->bias + last->vaddr + last->filesz;
	mem_end = img->bias + last->vaddr + last->memsz;
	return end == ((file_end + ps - 1) & ~(ps - 1)) && m->start < mem_end;
}

int mm_images_build(struct mm_images *t, struct mm_snapshot *snap,
		    struct mm_target *target, struct mm_elf_cache *cache)
{
	uint64_t ps = mm_snapshot_page_size(snap);
	uint64_t end = 0;	/* the current image's last file mapping's end */
	const struct mm_elf_segment *last = NULL;	/* and the PT_LOAD it maps */
	size_t alloc = 0;
	int cur = -1, partial = 0;

	*t = (struct mm_images){ 0 };
	t->at = calloc(snap->nmappings ? snap->nmappings : 1, sizeof(*t->at));
	if (!t->at) {
		return -ENOMEM;
	}
	t->nat = snap->nmappings;
	for (size_t i = 0; i < snap->nmappings; i++) {
		const struct mm_mapping *m = &snap->mappings[i];
		const struct mm_elf_segment *seg;
		struct mm_image *img = cur >= 0 ? &t->v[cur] : NULL;
		struct mm_elf *e;
		int rc;

		t->at[i].image = -1;
		if (!m->path && m->perms[3] == 'p') {
			if (img && bss_tail(img, last, end, m, ps)) {
				t->at[i].image = cur;	/* .bss beyond the file */
			}
			continue;
		}
		if (!file_mapping(m)) {
			continue;
		}
		rc = open_image(snap, target, cache, m, &e);
		if (rc < 0) {
			return rc;
		}
		partial |= rc;
		if (!e) {
			continue;
		}
		if (img && img->elf == e && m->start < img->span_end) {
			seg = segment_at(img, m, ps);
		} else if ((seg = first_segment(e, m, ps))) {
			struct mm_image n = {
				.elf = e, .path = m->path, .name = base_name(m->path),
				.dev_major = m->dev_major, .dev_minor = m->dev_minor,
				.inode = m->inode, .start = m->start, .first = i,
				.bias = m->start - (page_down(seg->vaddr, ps) +
						    (m->offset - page_down(seg->offset, ps))),
				.loader_named = loader_named(m->path),
			};

			n.kind = mm_mapping_is_exe(snap, m) ? MM_IMAGE_EXECUTABLE :
				 n.loader_named ? MM_IMAGE_LOADER : MM_IMAGE_LIBRARY;
			n.span_end = span_end(e, n.bias, ps);
			if (add_image(t, &alloc, &n)) {
				return -ENOMEM;
			}
			cur = (int)t->n - 1;
		}
		if (!seg) {
			continue;	/* the file mapped some other way: stays `file` */
		}
		t->at[i] = (struct mm_image_place){ .image = cur, .seg = seg };
		end = m->end;
		last = seg;
	}
	return partial;
}

void mm_images_finish(struct mm_images *t)
{
	free(t->v);
	free(t->at);
	*t = (struct mm_images){ 0 };
}

const struct mm_image *mm_images_exe(const struct mm_images *t)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].kind == MM_IMAGE_EXECUTABLE) {
			return &t->v[i];
		}
	}
	return NULL;
}

int mm_image_symbol(const struct mm_image *img, const char *name, int type,
		    uint64_t *addr, uint64_t *size)
{
	struct mm_elf_symbol s;
	int rc = mm_elf_symbol_by_name(img->elf, name, type, &s);

	if (rc) {
		return rc;
	}
	*addr = img->bias + s.value;
	if (size) {
		*size = s.size;
	}
	return 0;
}

int mm_image_symbol_at(const struct mm_image *img, uint64_t addr,
		       struct mm_elf_symbol *out)
{
	return mm_elf_symbol_at(img->elf, addr - img->bias, out);
}
