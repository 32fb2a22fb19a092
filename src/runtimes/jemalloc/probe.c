/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.c (jemalloc): recognises jemalloc in a process — Debian's
 * libjemalloc.so.2 or a copy linked into a program — by the mallctl it
 * defines, and its version by the git-describe string it carries.  Its
 * arenas and extents are not read yet: the library is stripped of the
 * symbols that lead to them, so a process holding it gets one warning and
 * its extents stay anon rather than be labelled by shape. */
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "label/classify.h"

struct mm_jemalloc_facts {
	const struct mm_image *img;	/* the object jemalloc is linked into */
	char version[64];		/* "5.3.0-0-g54eaed1d..."; "" unknown */
};

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

int mm_probe_jemalloc(struct mm_classify *ctx)
{
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
		/* "5.3.0" of "5.3.0-0-g54ea...". */
		return mm_snapshot_warn(ctx->snap, "%s: jemalloc %.*s: its arenas and extents "
					"are not read (no symbols lead to them): they stay anon",
					img->path, (int)strcspn(f->version, "-"),
					f->version[0] ? f->version : "?") ? -ENOMEM : 1;
	}
	mm_debug(ctx, "jemalloc", "no object defines mallctl");
	return 0;
}
