/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.c (jemalloc): recognises jemalloc in a process — Debian's
 * libjemalloc.so.2 or a copy linked into a program (libjemalloc.a, or
 * redis's own with the je_ prefix) — by the mallctl it defines, or the
 * symbols of its globals, or (a stripped program) its version and message
 * strings; its version by the git-describe string it carries, and the
 * layout of its structures by a generated row (jemalloc_layouts.c) for
 * that build.  The shared library is stripped: its globals are found as
 * offsets from its .bss, so a row is taken only for the build-id it was
 * generated against, or for the same version whose .data, .bss and .tdata
 * sizes are the row's.  A linked-in copy's globals are found by their
 * symbols, each of the size the row's configuration gives it.  Without a
 * row, or without symbols, the process gets one warning and jemalloc's
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

/* Calls found(buf, len, arg) on img's .rodata (bounded: 64 MiB) in
 * chunks that overlap by 64 bytes, until it returns true.  Returns
 * whether one did. */
static bool scan_rodata(const struct mm_image *img,
			bool (*found)(const char *buf, size_t len, void *arg), void *arg)
{
	const struct mm_elf_section *ro = mm_elf_section_by_name(img->elf, ".rodata");
	static char buf[65536 + 64];
	uint64_t off, end;

	if (!ro || ro->type == SHT_NOBITS) {
		return false;
	}
	end = ro->offset + (ro->size < (64u << 20) ? ro->size : (64u << 20));
	for (off = ro->offset; off < end; off += 65536) {
		size_t len = end - off < sizeof(buf) ? end - off : sizeof(buf);

		if (mm_elf_pread(img->elf, buf, len, off)) {
			return false;
		}
		if (found(buf, len, arg)) {
			return true;
		}
	}
	return false;
}

struct version_out {
	char *out;
	size_t outlen;
};

static bool version_in(const char *buf, size_t len, void *arg)
{
	struct version_out *v = arg;

	for (size_t i = 0; i + 48 < len; i++) {
		size_t n;

		/* A string starts after a NUL. */
		if ((i && buf[i - 1]) || !isdigit((unsigned char)buf[i])) {
			continue;
		}
		n = version_at(buf + i, buf + len);
		if (n && n < v->outlen) {
			memcpy(v->out, buf + i, n);
			v->out[n] = '\0';
			return true;
		}
	}
	return false;
}

/* The version string in img's .rodata.  Leaves out empty when there is
 * none. */
static void read_version(const struct mm_image *img, char *out, size_t outlen)
{
	struct version_out v = { out, outlen };

	scan_rodata(img, version_in, &v);
}

/* The prefix of every message jemalloc prints (malloc_printf). */
static bool message_in(const char *buf, size_t len, void *arg)
{
	(void)arg;
	return memmem(buf, len, "<jemalloc>: ", 12) != NULL;
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

void mm_jemalloc_globals_from_bss(struct mm_jemalloc_facts *f, uint64_t bss)
{
	const struct mm_jemalloc_layout *L = f->lay;

	f->g = (struct mm_jemalloc_globals){
		.emap = bss + L->g_emap, .arenas = bss + L->g_arenas,
		.narenas_total = bss + L->g_narenas_total, .b0 = bss + L->g_b0,
		.bin_infos = bss + L->g_bin_infos, .index2size = bss + L->g_index2size,
	};
}

/* A linked-in copy's globals by their names in .symtab: each defined
 * once (b0 and narenas_total are static: another object's may share the
 * name), an object in .bss, and of the size L's configuration gives it
 * (the size classes, the arena limit and the extent map's root differ
 * between configurations: redis's quantum, a debug build's mutexes).
 * Returns whether all six are there. */
static bool globals_from_symbols(const struct mm_image *img, const struct mm_jemalloc_layout *L,
				 struct mm_jemalloc_globals *g)
{
	const struct mm_elf_section *bss = mm_elf_section_by_name(img->elf, ".bss");
	const struct mm_elf_symbol *const *syms;
	struct {
		const char *name;
		uint64_t size, *at;
		int defs;
	} want[] = {
		{ "je_arena_emap_global", (uint64_t)L->rtree_root + (8ULL << L->rtree_bits0),
		  &g->emap, 0 },
		{ "je_arenas", (uint64_t)L->arena_limit * 8, &g->arenas, 0 },
		{ "narenas_total", 4, &g->narenas_total, 0 },
		{ "b0", 8, &g->b0, 0 },
		{ "je_bin_infos", (uint64_t)L->nbins * (uint64_t)L->bin_info_size, &g->bin_infos, 0 },
		{ "je_sz_index2size_tab", (uint64_t)L->nsizes * 8, &g->index2size, 0 },
	};
	size_t n, nwant = sizeof(want) / sizeof(want[0]);
	bool ok = true;

	if (!bss || bss->type != SHT_NOBITS || !mm_elf_has_static_symbols(img->elf) ||
	    mm_elf_symbols(img->elf, &syms, &n)) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		const struct mm_elf_symbol *s = syms[i];

		for (size_t k = 0; k < nwant; k++) {
			if (strcmp(s->name, want[k].name)) {
				continue;
			}
			want[k].defs++;
			ok &= s->type == STT_OBJECT && s->size == want[k].size &&
			      s->value >= bss->addr && s->value + s->size >= s->value &&
			      s->value + s->size <= bss->addr + bss->size;
			*want[k].at = img->bias + s->value;
		}
	}
	for (size_t k = 0; k < nwant; k++) {
		ok &= want[k].defs == 1;
	}
	return ok;
}

/* How img holds jemalloc, if it does. */
enum holds { NOT_JEMALLOC, EXPORTED, SYMBOLS, STRIPPED };

static enum holds holds_jemalloc(const struct mm_image *img)
{
	struct mm_elf_symbol s;

	/* mallctl is jemalloc's own interface; je_ is the prefix a program
	 * (redis) gives the copy it links in. */
	if (defines(img, "mallctl") || defines(img, "je_mallctl")) {
		return EXPORTED;
	}
	/* Its extent map: the same name whatever the public prefix. */
	if (!mm_elf_static_symbol(img->elf, "je_arena_emap_global", &s)) {
		return SYMBOLS;
	}
	/* A stripped program: jemalloc's messages and its version, only
	 * looked for in the executable (a library's rodata can be large)
	 * and only without a .symtab (which would have named its globals):
	 * node's is 47 MiB. */
	if (img->kind == MM_IMAGE_EXECUTABLE && !mm_elf_has_static_symbols(img->elf) &&
	    scan_rodata(img, message_in, NULL)) {
		char v[64] = "";

		read_version(img, v, sizeof(v));
		return v[0] ? STRIPPED : NOT_JEMALLOC;
	}
	return NOT_JEMALLOC;
}

/* The row for img and where its globals are: the shared library's by its
 * .bss, else a linked-in copy's by its symbols.  Returns whether found. */
static bool locate(struct mm_classify *ctx, struct mm_jemalloc_facts *f)
{
	const struct mm_image *img = f->img;
	const struct mm_elf_section *bss = mm_elf_section_by_name(img->elf, ".bss");

	if (bss && bss->type == SHT_NOBITS && (f->lay = layout_for(img, f->version))) {
		mm_jemalloc_globals_from_bss(f, bss->addr + img->bias);
		mm_debug(ctx, "jemalloc", "layout row %s (build-id %s), .bss at %#llx",
			 f->lay->version, f->lay->build_id,
			 (unsigned long long)(bss->addr + img->bias));
		return true;
	}
	for (size_t i = 0; i < mm_jemalloc_nlayouts; i++) {
		const struct mm_jemalloc_layout *L = &mm_jemalloc_layouts[i];

		if (!strcmp(L->version, f->version) && globals_from_symbols(img, L, &f->g)) {
			f->lay = L;
			mm_debug(ctx, "jemalloc", "layout row %s (build-id %s), globals by their "
				 "symbols: arenas at %#llx", L->version, L->build_id,
				 (unsigned long long)f->g.arenas);
			return true;
		}
	}
	return false;
}

int mm_probe_jemalloc(struct mm_classify *ctx)
{
	struct mm_jemalloc_facts *f;

	for (size_t i = 0; i < ctx->images.n; i++) {
		const struct mm_image *img = &ctx->images.v[i];
		enum holds holds = holds_jemalloc(img);

		if (holds == NOT_JEMALLOC) {
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
		mm_debug(ctx, "jemalloc", "%s: jemalloc %s%s", img->path,
			 f->version[0] ? f->version : "of unknown version",
			 holds == EXPORTED ? "" : ", linked in");
		if (locate(ctx, f)) {
			return 0;
		}
		f->lay = NULL;
		/* "5.3.0" of "5.3.0-0-g54ea...". */
		return mm_snapshot_warn(ctx->snap, "%s: jemalloc %.*s: its arenas and extents "
					"are not read (%s): they stay anon", img->path,
					(int)strcspn(f->version, "-"),
					f->version[0] ? f->version : "?",
					holds == STRIPPED ? "linked into the program, whose symbols "
							    "are stripped: its globals cannot be "
							    "found"
							  : "no layout for this build") ? -ENOMEM : 1;
	}
	mm_debug(ctx, "jemalloc", "no object defines mallctl or holds jemalloc");
	return 0;
}
