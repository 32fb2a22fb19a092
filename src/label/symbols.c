/* SPDX-License-Identifier: GPL-2.0-or-later */
/* symbols.c: what is in a big section — the largest symbols of each
 * image's text, rodata, data, relro and bss regions (nm -S --size-sort),
 * and the symbol holding an --address (addr2line -f), copied into the
 * snapshot after labelling, when asked. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "label/classify.h"

struct candidate {
	const struct mm_elf_symbol *sym;
	enum mm_label label;
	uint64_t addr;
};

static bool section_label(enum mm_label l)
{
	switch (l) {
	case MM_EXE_TEXT: case MM_EXE_RODATA: case MM_EXE_DATA: case MM_EXE_RELRO:
	case MM_EXE_BSS: case MM_LIB_TEXT: case MM_LIB_RODATA: case MM_LIB_DATA:
	case MM_LIB_RELRO: case MM_LIB_BSS:
		return true;
	default:
		return false;
	}
}

static const struct mm_region *region_at(const struct mm_mapping *m, uint64_t addr)
{
	for (size_t i = 0; i < m->nregions; i++) {
		if (addr >= m->regions[i].start && addr < m->regions[i].end) {
			return &m->regions[i];
		}
	}
	return NULL;
}

/* The label at addr when the mapping there is image img's, else -1. */
static int label_in_image(const struct mm_classify *ctx, size_t img, uint64_t addr)
{
	const struct mm_mapping *m = mm_snapshot_find(ctx->snap, addr);
	const struct mm_region *r;
	size_t i;

	if (!m) {
		return -1;
	}
	i = (size_t)(m - ctx->snap->mappings);
	if (i >= ctx->images.nat || ctx->images.at[i].image != (int)img ||
	    !(r = region_at(m, addr))) {
		return -1;
	}
	return (int)r->label;
}

/* By label, largest first; the same size by address, then by name, so
 * the choice among equals is the same every run. */
static int cmp_candidates(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	if (x->label != y->label) {
		return x->label < y->label ? -1 : 1;
	}
	if (x->sym->size != y->sym->size) {
		return x->sym->size > y->sym->size ? -1 : 1;
	}
	if (x->addr != y->addr) {
		return x->addr < y->addr ? -1 : 1;
	}
	return strcmp(x->sym->name, y->sym->name);
}

/* Whether a symbol before c[i] in its label's run (from first) has its
 * address: an alias (environ, __environ) or another version of it
 * (_sys_errlist@GLIBC_2.2.5 and @GLIBC_2.12), the same bytes again. */
static bool alias(const struct candidate *c, size_t first, size_t i)
{
	for (size_t k = first; k < i; k++) {
		if (c[k].addr == c[i].addr) {
			return true;
		}
	}
	return false;
}

/* Whether sym of image img names memory in one of its section labels:
 * then *c is the candidate it is. */
static bool candidate(const struct mm_classify *ctx, size_t img,
		      const struct mm_elf_symbol *sym, struct candidate *c)
{
	uint64_t addr = ctx->images.v[img].bias + sym->value;
	int label;

	if (!sym->size || !mm_elf_symbol_names_memory(sym) || addr < ctx->images.v[img].bias) {
		return false;
	}
	label = label_in_image(ctx, img, addr);
	if (label < 0 || !section_label((enum mm_label)label)) {
		return false;
	}
	*c = (struct candidate){ sym, (enum mm_label)label, addr };
	return true;
}

static int add_symbol(struct mm_classify *ctx, size_t img, const struct candidate *c,
		      unsigned int rank)
{
	struct mm_symbol s = {
		.name = (char *)c->sym->name, .image = (char *)ctx->images.v[img].path,
		.label = c->label, .addr = c->addr, .size = c->sym->size, .rank = rank,
	};

	return mm_snapshot_add_symbol(ctx->snap, &s);
}

/* The largest symbol of each label, as the sort below would rank them
 * (the first of a run is no alias), in one pass without the sort: the
 * summary's note asks for this much of every library. */
static int image_largest(struct mm_classify *ctx, size_t img,
			 const struct mm_elf_symbol *const *syms, size_t n)
{
	struct candidate best[MM_LABEL_COUNT] = { 0 }, c;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		if (candidate(ctx, img, syms[i], &c) &&
		    (!best[c.label].sym || cmp_candidates(&c, &best[c.label]) < 0)) {
			best[c.label] = c;
		}
	}
	for (int l = 0; l < MM_LABEL_COUNT && !rc; l++) {
		if (best[l].sym) {
			rc = add_symbol(ctx, img, &best[l], 1);
		}
	}
	return rc;
}

/* The top largest symbols of each label image img's regions carry. */
static int image_symbols(struct mm_classify *ctx, size_t img, size_t top)
{
	const struct mm_elf_symbol *const *syms;
	struct candidate *c;
	size_t n, nc = 0, kept = 0;
	int rc = mm_elf_symbols_unsorted(ctx->images.v[img].elf, &syms, &n);

	if (rc || !n) {
		return rc;
	}
	if (top == 1) {
		return image_largest(ctx, img, syms, n);
	}
	c = calloc(n, sizeof(*c));
	if (!c) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		nc += candidate(ctx, img, syms[i], &c[nc]);
	}
	qsort(c, nc, sizeof(*c), cmp_candidates);
	for (size_t i = 0, first = 0; i < nc && !rc; i++) {
		if (i && c[i].label != c[i - 1].label) {
			kept = 0;
			first = i;
		}
		if (kept == top || alias(c, first, i)) {
			continue;
		}
		rc = add_symbol(ctx, img, &c[i], (unsigned int)++kept);
	}
	free(c);
	return rc;
}

/* The symbol holding addr, unless one of the largest already does. */
static int address_symbol(struct mm_classify *ctx, uint64_t addr)
{
	const struct mm_mapping *m = mm_snapshot_find(ctx->snap, addr);
	const struct mm_region *r;
	const struct mm_image *im;
	struct mm_elf_symbol es;
	struct mm_symbol s;
	size_t i;

	if (!m || mm_snapshot_symbol_at(ctx->snap, addr)) {
		return 0;
	}
	i = (size_t)(m - ctx->snap->mappings);
	if (i >= ctx->images.nat || ctx->images.at[i].image < 0 ||
	    !(r = region_at(m, addr))) {
		return 0;
	}
	im = &ctx->images.v[ctx->images.at[i].image];
	if (mm_elf_symbol_at_any(im->elf, addr - im->bias, &es)) {
		return 0;
	}
	s = (struct mm_symbol){
		.name = (char *)es.name, .image = (char *)im->path, .label = r->label,
		.addr = im->bias + es.value, .size = es.size,
	};
	return mm_snapshot_add_symbol(ctx->snap, &s);
}

int mm_find_symbols(struct mm_classify *ctx)
{
	int rc = 0;

	for (size_t i = 0; i < ctx->images.n && ctx->symbols_top && !rc; i++) {
		rc = image_symbols(ctx, i, ctx->symbols_top);
	}
	for (size_t i = 0; i < ctx->naddresses && !rc; i++) {
		rc = address_symbol(ctx, ctx->addresses[i]);
	}
	if (rc == -ENOMEM) {
		return rc;
	}
	return 0;
}
