/* label_elf.c: splits the mappings of the executable and each shared
 * library into regions by ELF section (text, rodata, relro, data, bss), and
 * finds the anonymous mapping that holds the rest of .bss. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <elf.h>

#include "label/classify.h"

/* Offsets from MM_EXE_TEXT and from MM_LIB_TEXT alike. */
enum part { TEXT, RODATA, DATA, RELRO, BSS };

/* The image being labelled: where the loader put it (bias, and the end of
 * its address span), so its later mappings are placed by address and the
 * anonymous mapping after its last file mapping is known as .bss. */
struct image {
	const struct mm_elf *elf;
	uint64_t bias, span_end;
	uint64_t end;		/* end of its last file mapping so far */
	bool exe;
	const char *name;
};

static uint64_t page_down(uint64_t v, uint64_t ps)
{
	return v & ~(ps - 1);
}

static uint64_t page_up(uint64_t v, uint64_t ps)
{
	return (v + ps - 1) & ~(ps - 1);
}

/* addr is where the section's part in this mapping starts: a section can
 * straddle the end of PT_GNU_RELRO (.got.plt often does). */
static enum part section_part(const struct mm_elf *e, const struct mm_elf_section *s,
			      uint64_t addr)
{
	uint64_t rv, rs;

	if (s->flags & SHF_EXECINSTR) {
		return TEXT;
	}
	if (mm_elf_relro(e, &rv, &rs) && addr >= rv && addr < rv + rs) {
		return RELRO;
	}
	if (s->type == SHT_NOBITS) {
		return BSS;
	}
	return (s->flags & SHF_WRITE) ? DATA : RODATA;
}

static enum mm_label part_label(bool exe, enum part part)
{
	return (enum mm_label)((exe ? MM_EXE_TEXT : MM_LIB_TEXT) + part);
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

		if (m->offset >= page_down(s->offset, ps) &&
		    m->offset < s->offset + s->filesz && perms_fit(s, m) &&
		    (!best || s->vaddr < best->vaddr)) {
			best = s;
		}
	}
	return best;
}

/* A later mapping of a placed image: the PT_LOAD at its address, if the
 * file offset is the one the loader would have mapped there. */
static const struct mm_elf_segment *segment_at(const struct image *img,
					       const struct mm_mapping *m, uint64_t ps)
{
	size_t n;
	const struct mm_elf_segment *segs = mm_elf_segments(img->elf, &n);
	uint64_t vaddr = m->start - img->bias;

	for (size_t i = 0; i < n; i++) {
		const struct mm_elf_segment *s = &segs[i];

		if (vaddr >= page_down(s->vaddr, ps) && vaddr < s->vaddr + s->memsz) {
			return perms_fit(s, m) && m->offset == file_offset_at(s, vaddr, ps) ? s : NULL;
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

/* Section names joined by spaces, after "NAME: " for a library. */
struct names {
	char *buf;
	size_t len;
	FILE *f;
};

static int names_start(struct names *n, const struct image *img)
{
	n->f = open_memstream(&n->buf, &n->len);
	if (!n->f) {
		return -ENOMEM;
	}
	if (!img->exe) {
		fprintf(n->f, "%s:", img->name);
	}
	return 0;
}

static void names_add(struct names *n, const char *name)
{
	if (ftell(n->f) > 0) {
		fputc(' ', n->f);
	}
	fputs(name, n->f);
}

static int emit(struct mm_mapping *m, uint64_t start, uint64_t end,
		const struct image *img, enum part part, struct names *n)
{
	int rc;

	if (fclose(n->f) != 0) {
		free(n->buf);
		return -ENOMEM;
	}
	rc = mm_mapping_label(m, start, end, part_label(img->exe, part),
			      MM_HOW_ELF, n->buf, 0);
	free(n->buf);
	return rc;
}

/* Tiles m with one region per run of sections of the same part; bytes
 * between sections (headers, padding) join the region before them. */
static int label_sections(struct mm_mapping *m, const struct image *img,
			  const struct mm_elf_segment *seg)
{
	size_t ns;
	const struct mm_elf_section *secs = mm_elf_sections(img->elf, &ns);
	uint64_t vstart = m->start - img->bias, vend = m->end - img->bias;
	uint64_t region_start = m->start;
	int part = -1;
	struct names n;
	int rc;

	for (size_t i = 0; i < ns; i++) {
		const struct mm_elf_section *s = &secs[i];
		uint64_t start;
		enum part p;

		if (s->addr + s->size <= vstart || s->addr >= vend) {
			continue;
		}
		p = section_part(img->elf, s, s->addr > vstart ? s->addr : vstart);
		start = s->addr > vstart ? s->addr + img->bias : m->start;
		if (part >= 0 && p != (enum part)part && start > region_start) {
			if ((rc = emit(m, region_start, start, img, (enum part)part, &n))) {
				return rc;
			}
			region_start = start;
			part = -1;
		}
		if (part < 0) {
			if ((rc = names_start(&n, img))) {
				return rc;
			}
			part = (int)p;
		}
		names_add(&n, s->name);
	}
	if (part < 0) {	/* no section headers (stripped of them): by segment */
		uint64_t rv, rs;

		if ((rc = names_start(&n, img))) {
			return rc;
		}
		names_add(&n, ns ? "(between sections)" : "(no section headers)");
		if (seg->flags & PF_X) {
			part = TEXT;
		} else if (mm_elf_relro(img->elf, &rv, &rs) && vstart >= rv && vstart < rv + rs) {
			part = RELRO;
		} else {
			part = (seg->flags & PF_W) ? DATA : RODATA;
		}
	}
	return emit(m, region_start, m->end, img, (enum part)part, &n);
}

/* The anonymous mapping right after an image's last file mapping holds
 * the part of .bss beyond the file's last page. */
static int label_bss(struct mm_mapping *m, const struct image *img, uint64_t ps)
{
	size_t ns;
	const struct mm_elf_section *secs = mm_elf_sections(img->elf, &ns);
	uint64_t bss_end = img->span_end, vstart = m->start - img->bias, vend;
	struct names n;
	int rc;

	if (m->start >= bss_end) {
		return 0;
	}
	vend = (bss_end < m->end ? bss_end : m->end) - img->bias;
	if ((rc = names_start(&n, img))) {
		return rc;
	}
	for (size_t i = 0; i < ns; i++) {
		if (secs[i].type == SHT_NOBITS && secs[i].addr < vend &&
		    secs[i].addr + secs[i].size > vstart) {
			names_add(&n, secs[i].name);
		}
	}
	return emit(m, m->start, vend + img->bias, img, BSS, &n);
}

static bool is_exe(const struct mm_snapshot *snap, const struct mm_mapping *m)
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

/* Returns 1 when an ELF file could not be read (a warning says which). */
static int label_file_mapping(struct mm_classify *ctx, struct mm_mapping *m,
			      struct image *img)
{
	struct mm_snapshot *snap = ctx->snap;
	uint64_t ps = snap->page_size;
	const struct mm_elf_segment *seg;
	const char *why = NULL;
	struct mm_elf *e;
	int err;

	e = mm_elf_cache_get(ctx->elves, ctx->target, m, &err, &why);
	if (!e) {
		if (err == -ENOMEM) {
			return err;
		}
		if (err == -ENOEXEC || m->offset != 0) {
			return 0;	/* a data file, or a file already warned about */
		}
		if (err == -EBADMSG) {
			mm_snapshot_warn(snap, "%s: corrupt ELF file (%s): labelled file",
					 m->path, why ? why : "bad headers");
		} else {
			mm_snapshot_warn(snap, "%s: cannot open (%s): labelled file",
					 m->path, err == -ESTALE ? "not the file that was mapped"
								 : strerror(-err));
		}
		return 1;
	}
	if (img->elf == e && m->start < img->span_end) {
		seg = segment_at(img, m, ps);
	} else {
		seg = first_segment(e, m, ps);
		if (seg) {
			*img = (struct image){
				.elf = e,
				.bias = m->start - (page_down(seg->vaddr, ps) +
						    (m->offset - page_down(seg->offset, ps))),
				.exe = is_exe(snap, m),
				.name = base_name(m->path),
			};
			img->span_end = span_end(e, img->bias, ps);
		}
	}
	if (!seg) {
		return 0;	/* the file mapped some other way: stays `file` */
	}
	img->end = m->end;
	return label_sections(m, img, seg);
}

int mm_label_elf(struct mm_classify *ctx)
{
	struct mm_snapshot *snap = ctx->snap;
	struct image img = { 0 };
	int partial = 0;

	for (size_t i = 0; i < snap->nmappings; i++) {
		struct mm_mapping *m = &snap->mappings[i];
		enum mm_label label = m->regions[0].label;
		int rc = 0;

		if (label == MM_FILE && m->inode) {
			rc = label_file_mapping(ctx, m, &img);
		} else if (label == MM_ANON && !m->path && img.elf && m->start == img.end) {
			rc = label_bss(m, &img, snap->page_size);
		}
		if (rc < 0) {
			return rc;
		}
		partial |= rc;
	}
	return partial;
}
