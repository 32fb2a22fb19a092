/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.c (musl): recognises musl (its libc.so, which is its loader too,
 * or a static executable built with it), its version and layout, and walks
 * the ring of struct pthread from the main thread's descriptor once
 * (bounded, each link checked) into thread stacks for the threads
 * labeller. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <elf.h>

#include "runtimes/musl/musl_layout.h"
#include "util/le.h"
#include "util/grow.h"

#define MAX_THREADS	100000	/* a ring longer than this is not one */
#define MAX_SCAN	(1u << 20)	/* bytes of writable data searched */

void mm_musl_facts_free(struct mm_musl_facts *f)
{
	if (f) {
		free(f->th);
		free(f);
	}
}

static bool named_musl(const char *name)
{
	return strncmp(name, "ld-musl-", 8) == 0 || strncmp(name, "libc.musl-", 10) == 0;
}

/* The banner musl's loader prints when run by hand, in its .rodata. */
static bool has_banner(const struct mm_image *img)
{
	static const char key[] = "musl libc (";
	const struct mm_elf_section *ro = mm_elf_section_by_name(img->elf, ".rodata");
	char buf[65536 + 64];

	if (!ro || ro->type == SHT_NOBITS) {
		return false;
	}
	for (uint64_t off = 0; off < ro->size && off < (4u << 20); off += 65536) {
		size_t len = ro->size - off < sizeof(buf) ? ro->size - off : sizeof(buf);

		if (mm_elf_pread(img->elf, buf, len, ro->offset + off)) {
			return false;
		}
		if (memmem(buf, len, key, sizeof(key) - 1)) {
			return true;
		}
	}
	return false;
}

/* musl's version string (__libc_version, "1.2.3") is a string of its own
 * in .rodata: the one NUL-delimited "1.N.N" there.  Fills out, or leaves
 * it empty when there is none or more than one. */
static void rodata_version(const struct mm_image *img, char *out, size_t outlen)
{
	const struct mm_elf_section *ro = mm_elf_section_by_name(img->elf, ".rodata");
	char *buf, found[16] = "";
	int n = 0;

	if (!ro || ro->type == SHT_NOBITS || ro->size > (4u << 20) ||
	    !(buf = malloc(ro->size + 1))) {
		return;
	}
	if (mm_elf_pread(img->elf, buf, ro->size, ro->offset) == 0) {
		buf[ro->size] = '\0';
		for (char *p = buf; p < buf + ro->size; p += strlen(p) + 1) {
			unsigned int a, b, c;
			char end;

			if ((p == buf || p[-1] == '\0') && strlen(p) < sizeof(found) &&
			    sscanf(p, "%u.%u.%u%c", &a, &b, &c, &end) == 3 && a == 1 &&
			    strcmp(found, p) != 0) {
				snprintf(found, sizeof(found), "%s", p);
				n++;
			}
		}
	}
	free(buf);
	if (n == 1) {
		snprintf(out, outlen, "%s", found);
	}
}

static bool has_func(const struct mm_image *img, const char *name)
{
	uint64_t addr;

	return mm_image_symbol(img, name, STT_FUNC, &addr, NULL) == 0 && addr;
}

/* A stripped static executable has no symbols to name musl: its entry
 * point does, musl's _start (crt_arch.h, the same in crt1.o and rcrt1.o):
 *	xor %rbp,%rbp; mov %rsp,%rdi; lea _DYNAMIC(%rip),%rsi;
 *	and $-16,%rsp; call _start_c
 * and the lea must reach the executable's own .dynamic (0, a weak
 * undefined _DYNAMIC, when it has none).  glibc's, Go's and Rust's own
 * _start differ from the first byte on. */
static bool musl_entry(const struct mm_image *img)
{
	static const uint8_t head[] = { 0x48, 0x31, 0xed, 0x48, 0x89, 0xe7, 0x48, 0x8d, 0x35 };
	static const uint8_t tail[] = { 0x48, 0x83, 0xe4, 0xf0, 0xe8 };
	const struct mm_elf_section *dyn = mm_elf_section_by_name(img->elf, ".dynamic");
	uint8_t ehdr[64], code[18];
	uint64_t entry, lea;

	if (!mm_elf_is_x86_64(img->elf) || mm_elf_pread(img->elf, ehdr, sizeof(ehdr), 0)) {
		return false;
	}
	entry = mm_le64(ehdr + 24);	/* Elf64_Ehdr.e_entry */
	if (mm_elf_read_vaddr(img->elf, entry, code, sizeof(code)) ||
	    memcmp(code, head, sizeof(head)) != 0 ||
	    memcmp(code + 13, tail, sizeof(tail)) != 0) {
		return false;
	}
	lea = entry + 13 + (uint64_t)(int64_t)(int32_t)mm_le32(code + 9);
	return lea == (dyn ? dyn->addr : 0);
}

/* musl and where: a library named as musl names its loader, or one whose
 * .rodata carries musl's banner; or a static executable (no .interp)
 * whose symbols are musl's start-up (__init_libc and __init_tp: glibc has
 * neither), or, stripped, whose entry point is musl's _start. */
static const struct mm_image *find_musl(struct mm_classify *ctx, bool *is_static)
{
	for (size_t i = 0; i < ctx->images.n; i++) {
		const struct mm_image *img = &ctx->images.v[i];

		if (img->kind == MM_IMAGE_EXECUTABLE) {
			continue;
		}
		if (named_musl(img->name) ||
		    ((strcmp(img->name, "libc.so") == 0 || img->loader_named) &&
		     has_banner(img))) {
			*is_static = false;
			return img;
		}
	}
	for (size_t i = 0; i < ctx->images.n; i++) {
		const struct mm_image *img = &ctx->images.v[i];

		if (img->kind != MM_IMAGE_EXECUTABLE ||
		    mm_elf_section_by_name(img->elf, ".interp")) {
			continue;
		}
		if ((has_func(img, "__init_libc") && has_func(img, "__init_tp")) ||
		    musl_entry(img)) {
			*is_static = true;
			return img;
		}
	}
	return NULL;
}

static const struct mm_musl_layout *layout_by_id(const char *id)
{
	for (size_t i = 0; id && i < mm_musl_nlayouts; i++) {
		if (strcmp(mm_musl_layouts[i].build_id, id) == 0) {
			return &mm_musl_layouts[i];
		}
	}
	return NULL;
}

static const struct mm_musl_layout *layout_by_version(const char *v)
{
	for (size_t i = 0; v[0] && i < mm_musl_nlayouts; i++) {
		if (strcmp(mm_musl_layouts[i].version, v) == 0) {
			return &mm_musl_layouts[i];
		}
	}
	return NULL;
}

/* A static executable says its version only if something printed it;
 * __malloc_context's size then picks the layout (the thread ring is
 * checked link by link before use). */
static const struct mm_musl_layout *layout_by_ctx_size(uint64_t size)
{
	for (size_t i = 0; size && i < mm_musl_nlayouts; i++) {
		if ((uint64_t)mm_musl_layouts[i].ctx_size == size) {
			return &mm_musl_layouts[i];
		}
	}
	return NULL;
}

static void find_layout(struct mm_classify *ctx, struct mm_musl_facts *f)
{
	const struct mm_image *img = f->img;
	uint64_t addr, size;
	char buf[16] = "";

	if ((f->lay = layout_by_id(mm_elf_build_id(img->elf)))) {
		snprintf(f->version, sizeof(f->version), "%s", f->lay->version);
		return;
	}
	if (mm_image_symbol(img, "__libc_version", STT_OBJECT, &addr, &size) == 0 &&
	    size > 1 && size < sizeof(buf) &&
	    mm_elf_read_vaddr(img->elf, addr - img->bias, buf, size) == 0 &&
	    buf[size - 1] == '\0') {
		snprintf(f->version, sizeof(f->version), "%s", buf);
	} else {
		rodata_version(img, f->version, sizeof(f->version));
	}
	f->lay = layout_by_version(f->version);
	if (!f->lay && !f->version[0] && f->is_static) {
		f->lay = layout_by_ctx_size(f->ctx_size);
	}
	(void)ctx;
}

static void writable_ranges(struct mm_musl_facts *f)
{
	size_t nseg;
	const struct mm_elf_segment *seg = mm_elf_segments(f->img->elf, &nseg);

	for (size_t i = 0; i < nseg && f->nrw < 4; i++) {
		if (seg[i].flags & PF_W) {
			f->rw[f->nrw][0] = f->img->bias + seg[i].vaddr;
			f->rw[f->nrw][1] = f->img->bias + seg[i].vaddr + seg[i].memsz;
			f->nrw++;
		}
	}
}

/* Reads one descriptor and checks that it points at itself. */
static int read_pd(struct mm_classify *ctx, const struct mm_musl_layout *L,
		   uint64_t pd, struct mm_musl_thread *t, uint64_t *prev, uint64_t *next)
{
	uint8_t buf[512];
	int rc;

	if ((size_t)L->pd_size > sizeof(buf) || (pd & 7)) {
		return -ENOENT;
	}
	if ((rc = mm_target_read(ctx->target, pd, buf, (size_t)L->pd_size))) {
		return rc;
	}
	if (mm_word_at(buf, L->pd_self) != pd) {
		return -ENOENT;
	}
	*t = (struct mm_musl_thread){
		.pd = pd, .tid = (int32_t)mm_le32(buf + L->pd_tid),
		.map_base = mm_word_at(buf, L->pd_map_base),
		.map_size = mm_word_at(buf, L->pd_map_size),
		.stack = mm_word_at(buf, L->pd_stack),
		.stack_size = mm_word_at(buf, L->pd_stack_size),
		.guard_size = mm_word_at(buf, L->pd_guard_size),
	};
	*prev = mm_word_at(buf, L->pd_prev);
	*next = mm_word_at(buf, L->pd_next);
	return 0;
}

/* A thread's own memory must hold together: the guard inside the map, the
 * stack between the guard and the map's end. */
static bool thread_sane(const struct mm_musl_thread *t)
{
	if (t->tid <= 0 || t->stack_size > (1ULL << 40) || t->stack < t->stack_size) {
		return false;
	}
	/* On the user's stack (pthread_attr_setstack) map_size is that
	 * stack's size, with nothing mapped by musl. */
	if (!t->map_base) {
		return true;
	}
	return t->map_size < (1ULL << 40) && t->guard_size <= t->map_size &&
	       t->stack - t->stack_size >= t->map_base + t->guard_size &&
	       t->stack <= t->map_base + t->map_size;
}

/* Walks the ring from the descriptor at main: each next's prev must be the
 * one before, and it must close where it began.  Returns 0, -ENOENT (not a
 * ring), -ENOTSUP (unreadable) or -ENOMEM. */
static int walk_ring(struct mm_classify *ctx, struct mm_musl_facts *f, uint64_t main)
{
	const struct mm_musl_layout *L = f->lay;
	uint64_t node = main, before = 0, first_prev = 0;
	size_t alloc = 0;
	int rc = 0;

	f->nth = 0;
	for (int steps = 0; ; steps++) {
		struct mm_musl_thread t;
		uint64_t prev, next;

		if (steps > MAX_THREADS) {
			return -ENOENT;
		}
		if ((rc = read_pd(ctx, L, node, &t, &prev, &next))) {
			return rc == -ENOENT ? rc : -ENOTSUP;
		}
		if ((steps && prev != before) || !thread_sane(&t)) {
			return -ENOENT;
		}
		if (!steps) {
			first_prev = prev;
		}
		if (mm_grow(&f->th, &alloc, f->nth + 1, sizeof(*f->th))) {
			return -ENOMEM;
		}
		f->th[f->nth++] = t;
		before = node;
		node = next;
		if (node == main) {
			return first_prev == before ? 0 : -ENOENT;
		}
	}
}

/* The main thread's descriptor is in musl's own writable data (its
 * builtin_tls), found as a word that holds its own address and whose ring
 * reads back.  Static executables name it; elsewhere the writable
 * segments are searched, page by page where pagemap says present. */
static int find_ring(struct mm_classify *ctx, struct mm_musl_facts *f)
{
	uint64_t page = ctx->page, scanned = 0, addr, size;
	uint64_t lo[4], hi[4];
	size_t n = 0;
	uint8_t *buf;
	int rc = -ENOENT;

	if (mm_image_symbol(f->img, "builtin_tls", STT_OBJECT, &addr, &size) == 0 &&
	    size && size < MAX_SCAN) {
		lo[n] = addr;
		hi[n++] = addr + size;
	} else {
		for (size_t i = 0; i < f->nrw; i++) {
			lo[n] = f->rw[i][0];
			hi[n++] = f->rw[i][1];
		}
	}
	if (!(buf = malloc(page))) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && rc == -ENOENT; i++) {
		for (uint64_t p = lo[i] & ~(page - 1); p < hi[i] && rc == -ENOENT; p += page) {
			if (scanned >= MAX_SCAN) {
				break;
			}
			scanned += page;
			ctx->pm->limit = hi[i];
			if (!mm_pagemap_present(ctx->pm, p, true)) {
				continue;
			}
			if (mm_target_read(ctx->target, p, buf, page)) {
				continue;
			}
			for (uint64_t o = 0; o < page && rc == -ENOENT; o += 8) {
				uint64_t w = mm_word_at(buf, o);

				if (w == p + o && p + o >= lo[i] && p + o < hi[i]) {
					rc = walk_ring(ctx, f, w);
					if (rc == -ENOENT || rc == -ENOTSUP) {
						f->nth = 0;
						rc = rc == -ENOTSUP ? rc : -ENOENT;
					}
				}
			}
		}
	}
	free(buf);
	return rc;
}

/* The stacks for the threads labeller: the whole mmap (guard at its
 * bottom, stack, then TLS and the descriptor), or the part of the user's
 * memory that is the stack.  The main thread (neither) keeps [stack]. */
static int share_stacks(struct mm_classify *ctx, const struct mm_musl_facts *f)
{
	ctx->stacks = calloc(f->nth ? f->nth : 1, sizeof(*ctx->stacks));
	if (!ctx->stacks) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < f->nth; i++) {
		const struct mm_musl_thread *t = &f->th[i];
		struct mm_thread_stack *s = &ctx->stacks[i];

		s->tid = t->tid;
		if (t->map_base) {
			s->block = t->map_base;
			s->size = t->map_size;
			s->guard = t->guard_size;
		} else if (t->stack) {
			s->block = t->stack - t->stack_size;
			s->size = t->stack_size;
		}
	}
	ctx->nstacks = f->nth;
	ctx->stacks_known = true;
	return 0;
}

/* A stripped static executable names neither its version nor its
 * malloc context (musl has no version string unless something printed
 * __libc_version): the row is the one whose thread ring, searched for
 * in the executable's writable data, reads back link by link.  Returns 0
 * (f->lay set or not) or -ENOMEM. */
static int layout_by_ring(struct mm_classify *ctx, struct mm_musl_facts *f)
{
	if (!f->is_static || f->version[0] || f->ctx || ctx->target->no_mem ||
	    ctx->target->captured) {
		return 0;
	}
	for (size_t i = 0; i < mm_musl_nlayouts; i++) {
		int rc;

		f->lay = &mm_musl_layouts[i];
		rc = find_ring(ctx, f);
		mm_pagemap_forget(ctx->pm);
		/* Read again below, as for every layout. */
		free(f->th);
		f->th = NULL;
		if (rc == 0) {
			mm_debug(ctx, "musl", "%s: no version, no symbols: the thread ring "
				 "reads back with the layout of musl %s", f->img->path,
				 f->lay->version);
			return 0;
		}
		f->lay = NULL;
		f->nth = 0;
		if (rc == -ENOMEM) {
			return rc;
		}
	}
	return 0;
}

int mm_probe_musl(struct mm_classify *ctx)
{
	struct mm_musl_facts *f;
	bool is_static = false;
	const struct mm_image *img = find_musl(ctx, &is_static);
	uint64_t addr, size;
	int rc;

	if (!img) {
		mm_debug(ctx, "musl", "no musl libc.so mapped, no static musl executable");
		return 0;
	}
	if (!(f = calloc(1, sizeof(*f)))) {
		return -ENOMEM;
	}
	ctx->musl = f;
	ctx->runtimes |= 1u << MM_RT_MUSL;
	f->img = img;
	f->is_static = is_static;
	if (mm_image_symbol(img, "__malloc_context", STT_OBJECT, &addr, &size) == 0) {
		f->ctx = addr;
		f->ctx_size = size;
	}
	writable_ranges(f);
	find_layout(ctx, f);
	if (!f->lay && (rc = layout_by_ring(ctx, f)) < 0) {
		return rc;
	}
	if (!f->lay) {
		mm_debug(ctx, "musl", "%s: musl %s: no layout in the table", img->path,
			 f->version[0] ? f->version : "of unknown version");
		return mm_snapshot_warn(ctx->snap, "%s: musl %s is not one memmap knows the "
					"layout of: its thread stacks and its malloc not "
					"labelled", img->path, f->version[0] ? f->version :
					"of unknown version") ? -ENOMEM : 1;
	}
	if (f->ctx && f->ctx_size != (uint64_t)f->lay->ctx_size) {
		f->ctx = 0;	/* another build: found by shape instead */
	}
	mm_debug(ctx, "musl", "%s: %smusl %s, layout of %s", img->path,
		 is_static ? "static " : "", f->version[0] ? f->version : "(version unknown)",
		 f->lay->version);
	if (ctx->target->no_mem || ctx->target->captured) {
		mm_debug(ctx, "musl", "memory not to be read: no thread ring");
		return 0;
	}
	rc = find_ring(ctx, f);
	mm_pagemap_forget(ctx->pm);
	if (rc == -ENOMEM) {
		return rc;
	}
	if (rc) {
		mm_debug(ctx, "musl", "no thread ring read back (%s)",
			 rc == -ENOTSUP ? "memory not readable" : "no descriptor found");
		return 0;
	}
	mm_debug(ctx, "musl", "%zu thread descriptors read", f->nth);
	return share_stacks(ctx, f);
}
