/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.c (jemalloc): recognises jemalloc in a process — Debian's
 * libjemalloc.so.2 or a copy linked into a program — by the mallctl it
 * defines, its version by the git-describe string it carries, and the
 * layout of its structures by a generated row (jemalloc_layouts.c) for
 * that build.  The library is stripped: its globals are found as offsets
 * from its .bss, so a row is taken only for the build-id it was generated
 * against, or for the same version whose .data, .bss and .tdata sizes are
 * the row's.  Without a row the process gets one warning and jemalloc's
 * extents stay anon rather than be labelled by shape. */
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtimes/jemalloc/jemalloc_layout.h"

void mm_jemalloc_facts_free(struct mm_jemalloc_facts *f)
{
	free(f);
}

/* "N.N.N-N-g" followed by 40 hex digits at p (JEMALLOC_VERSION, as its
 * build system writes it from git describe): its length, or 0. */
static size_t version_at(const char *p, const char *end)
{
	const char *q = p;
	int dots = 0;

	while (q < end && (isdigit((unsigned char)*q) || *q == '.')) {
		dots += *q++ == '.';
	}
	if (dots != 2 || q == p || q + 1 >= end || *q++ != '-') {
		return 0;
	}
	if (q >= end || !isdigit((unsigned char)*q)) {
		return 0;
	}
	while (q < end && isdigit((unsigned char)*q)) {
		q++;
	}
	if (end - q < 42 || q[0] != '-' || q[1] != 'g') {
		return 0;
	}
	q += 2;
	for (int i = 0; i < 40; i++, q++) {
		if (!isxdigit((unsigned char)*q)) {
			return 0;
		}
	}
	return q < end && *q == '\0' ? (size_t)(q - p) : 0;
}

/* The version string in img's .rodata (bounded: 64 MiB).  Leaves out
 * empty when there is none. */
static void read_version(const struct mm_image *img, char *out, size_t outlen)
{
	const struct mm_elf_section *ro = mm_elf_section_by_name(img->elf, ".rodata");
	static char buf[65536 + 64];
	uint64_t off, end;

	if (!ro || ro->type == SHT_NOBITS) {
		return;
	}
	end = ro->offset + (ro->size < (64u << 20) ? ro->size : (64u << 20));
	for (off = ro->offset; off < end; off += 65536) {
		size_t len = end - off < sizeof(buf) ? end - off : sizeof(buf);

		if (mm_elf_pread(img->elf, buf, len, off)) {
			return;
		}
		for (size_t i = 0; i + 48 < len; i++) {
			size_t n;

			/* A string starts after a NUL. */
			if ((i && buf[i - 1]) || !isdigit((unsigned char)buf[i])) {
				continue;
			}
			n = version_at(buf + i, buf + len);
			if (n && n < outlen) {
				memcpy(out, buf + i, n);
				out[n] = '\0';
				return;
			}
		}
	}
}

static bool defines(const struct mm_image *img, const char *name)
{
	uint64_t addr;

	return mm_image_symbol(img, name, STT_FUNC, &addr, NULL) == 0;
}

static uint64_t section_size(const struct mm_image *img, const char *name)
{
	const struct mm_elf_section *s = mm_elf_section_by_name(img->elf, name);

	return s ? s->size : 0;
}

/* The row for img: by its build-id, else the same version with the same
 * .data, .bss and .tdata (a rebuild of the same source and options). */
static const struct mm_jemalloc_layout *layout_for(const struct mm_image *img,
						   const char *version)
{
	const char *id = mm_elf_build_id(img->elf);

	for (size_t i = 0; id && i < mm_jemalloc_nlayouts; i++) {
		if (!strcmp(mm_jemalloc_layouts[i].build_id, id)) {
			return &mm_jemalloc_layouts[i];
		}
	}
	for (size_t i = 0; i < mm_jemalloc_nlayouts; i++) {
		const struct mm_jemalloc_layout *L = &mm_jemalloc_layouts[i];

		if (!strcmp(L->version, version) && section_size(img, ".data") == L->data_size &&
		    section_size(img, ".bss") == L->bss_size &&
		    section_size(img, ".tdata") == L->tdata_size) {
			return L;
		}
	}
	return NULL;
}

int mm_probe_jemalloc(struct mm_classify *ctx)
{
	const struct mm_elf_section *bss;
	struct mm_jemalloc_facts *f;

	for (size_t i = 0; i < ctx->images.n; i++) {
		const struct mm_image *img = &ctx->images.v[i];

		/* mallctl is jemalloc's own interface; je_ is the prefix a
		 * program (redis) gives the copy it links in. */
		if (!defines(img, "mallctl") && !defines(img, "je_mallctl")) {
			continue;
		}
		f = calloc(1, sizeof(*f));
		if (!f) {
			return -ENOMEM;
		}
		ctx->jemalloc = f;
		ctx->runtimes |= 1u << MM_RT_JEMALLOC;
		f->img = img;
		read_version(img, f->version, sizeof(f->version));
		mm_debug(ctx, "jemalloc", "%s: jemalloc %s", img->path,
			 f->version[0] ? f->version : "of unknown version");
		bss = mm_elf_section_by_name(img->elf, ".bss");
		if (bss && bss->type == SHT_NOBITS && (f->lay = layout_for(img, f->version))) {
			f->bss = bss->addr + img->bias;
			mm_debug(ctx, "jemalloc", "layout row %s (build-id %s), .bss at %#llx",
				 f->lay->version, f->lay->build_id, (unsigned long long)f->bss);
			return 0;
		}
		/* "5.3.0" of "5.3.0-0-g54ea...". */
		return mm_snapshot_warn(ctx->snap, "%s: jemalloc %.*s: its arenas and extents "
					"are not read (no layout for this build): they stay anon",
					img->path, (int)strcspn(f->version, "-"),
					f->version[0] ? f->version : "?") ? -ENOMEM : 1;
	}
	mm_debug(ctx, "jemalloc", "no object defines mallctl");
	return 0;
}
