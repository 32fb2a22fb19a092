/* SPDX-License-Identifier: GPL-2.0-or-later */
/* label_elf.c: splits the mappings of the executable and each shared
 * library into regions by ELF section (text, rodata, relro, data, bss),
 * and the anonymous mapping that holds the rest of .bss, as the image
 * table placed them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <elf.h>

#include "label/classify.h"

/* Offsets from MM_EXE_TEXT and from MM_LIB_TEXT alike. */
enum part { TEXT, RODATA, DATA, RELRO, BSS };

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

/* Section names joined by spaces, after "NAME: " for a library.  A
 * hostile file can give 65,000 sections one long name: a name is cut at
 * NAME_MAX_SHOWN bytes and the list at NAMES_MAX_SHOWN, the rest counted
 * (" +N more"), so a region's detail stays a few KiB. */
#define NAME_MAX_SHOWN	256
#define NAMES_MAX_SHOWN	4096

struct names {
	char *buf;		/* NUL-terminated */
	size_t len;
	unsigned long more;
};

/* A plain buffer, not a memory stream: a stream costs 8 KiB zeroed, and
 * 300 libraries make 2,000 regions. */
static int names_start(struct names *n, const struct mm_image *img)
{
	size_t prefix = img->kind != MM_IMAGE_EXECUTABLE ? strlen(img->name) + 1 : 0;

	n->more = 0;
	n->len = 0;
	/* The prefix, the names up to NAMES_MAX_SHOWN (the last one may pass
	 * it by a cut name's "..."), " +N more". */
	n->buf = malloc(prefix + NAMES_MAX_SHOWN + NAME_MAX_SHOWN + 64);
	if (!n->buf) {
		return -ENOMEM;
	}
	if (prefix) {
		memcpy(n->buf, img->name, prefix - 1);
		n->buf[prefix - 1] = ':';
		n->len = prefix;
	}
	n->buf[n->len] = '\0';
	return 0;
}

static void names_add(struct names *n, const char *name)
{
	size_t len = strnlen(name, NAME_MAX_SHOWN + 1);

	if (n->more || n->len + len > NAMES_MAX_SHOWN) {
		n->more++;
		return;
	}
	if (n->len > 0) {
		n->buf[n->len++] = ' ';
	}
	if (len > NAME_MAX_SHOWN) {
		memcpy(n->buf + n->len, name, NAME_MAX_SHOWN);
		memcpy(n->buf + n->len + NAME_MAX_SHOWN, "...", 3);
		n->len += NAME_MAX_SHOWN + 3;
	} else {
		memcpy(n->buf + n->len, name, len);
		n->len += len;
	}
	n->buf[n->len] = '\0';
}

static int emit(struct mm_mapping *m, uint64_t start, uint64_t end,
		const struct mm_image *img, enum part part, struct names *n)
{
	int rc;

	if (n->more) {
		snprintf(n->buf + n->len, 64, " +%lu more", n->more);
	}
	rc = mm_mapping_label(m, start, end,
			      part_label(img->kind == MM_IMAGE_EXECUTABLE, part),
			      MM_HOW_ELF, n->buf, 0);
	free(n->buf);
	return rc;
}

/* Tiles m with one region per run of sections of the same part; bytes
 * between sections (headers, padding) join the region before them. */
static int label_sections(struct mm_mapping *m, const struct mm_image *img,
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
static int label_bss(struct mm_mapping *m, const struct mm_image *img)
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

int mm_label_elf(struct mm_classify *ctx)
{
	const struct mm_images *t = &ctx->images;
	struct mm_snapshot *snap = ctx->snap;

	for (size_t i = 0; i < snap->nmappings && i < t->nat; i++) {
		const struct mm_image_place *at = &t->at[i];
		struct mm_mapping *m = &snap->mappings[i];
		int rc;

		if (at->image < 0) {
			continue;
		}
		if (at->seg) {
			rc = label_sections(m, &t->v[at->image], at->seg);
		} else {
			rc = label_bss(m, &t->v[at->image]);
		}
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}
