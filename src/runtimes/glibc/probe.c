/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.c (glibc): finds ld.so among the images, its exported globals
 * through its dynamic symbols, the layout of glibc's structures behind
 * them, and walks ld.so's lists of thread descriptors once (bounded, each
 * link checked) into facts for the glibc and threads labellers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <elf.h>
#include <stdio.h>

#include "runtimes/glibc/glibc_layout.h"
#include "util/grow.h"
#include "util/le.h"

#define MAX_THREADS	100000	/* a list longer than this is not one */

void mm_glibc_facts_free(struct mm_glibc_facts *f)
{
	if (f) {
		free(f->pt);
		free(f);
	}
}

static int push(struct mm_glibc_facts *f, size_t *alloc, const struct mm_pthread *p)
{
	if (mm_grow(&f->pt, alloc, f->npt + 1, sizeof(*f->pt))) {
		return -ENOMEM;
	}
	f->pt[f->npt++] = *p;
	return 0;
}

/* ld.so keeps every struct pthread on one of three lists (list_t, linked
 * through pd->list); the head lives in _rtld_global.  Each descriptor is
 * read with one pread: /proc/PID/mem costs a lock per read.  A list that
 * does not link back, or a descriptor that does not point at itself, means
 * the layout is wrong: the list is dropped.  Returns 0, -ENOENT (dropped),
 * -ENOTSUP (memory unreadable) or -ENOMEM. */
static int walk_list(struct mm_classify *ctx, struct mm_glibc_facts *f,
		     enum mm_pthread_list list, size_t *alloc)
{
	const struct mm_glibc_layout *L = f->lay;
	const int32_t mode = L->pd_user_stack >= 0 ? L->pd_user_stack : L->pd_stack_mode;
	const int32_t offs[] = { L->pd_tcb, L->pd_dtv, L->pd_self, L->pd_list + 8,
				  L->pd_tid, mode, L->pd_stackblock,
				  L->pd_stackblock_size, L->pd_guardsize };
	uint64_t head = f->heads[list], prev = head, node;
	size_t len = 0, kept = f->npt;
	uint8_t buf[4096];
	int rc;

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		if (offs[i] < 0) {
			return -ENOENT;
		}
		len = (size_t)offs[i] + 8 > len ? (size_t)offs[i] + 8 : len;
	}
	if (!head || len > sizeof(buf)) {
		return -ENOENT;
	}
	rc = mm_target_read_word(ctx->target, head, &node);
	for (int steps = 0; !rc && node != head; steps++) {
		uint64_t pd = node - L->pd_list;
		struct mm_pthread p = { .pd = pd, .list = list };

		if (steps > MAX_THREADS) {
			rc = -ENOENT;
			break;
		}
		if ((rc = mm_target_read(ctx->target, pd, buf, len))) {
			break;
		}
		/* The back link also ends a cycle that misses the head. */
		if (mm_word_at(buf, L->pd_list + 8) != prev ||
		    mm_word_at(buf, L->pd_self) != pd || mm_word_at(buf, L->pd_tcb) != pd) {
			rc = -ENOENT;
			break;
		}
		p.tid = (int32_t)mm_le32(buf + L->pd_tid);
		if (L->pd_user_stack >= 0) {
			p.user_stack = buf[L->pd_user_stack] != 0;
		} else {
			uint32_t m = mm_le32(buf + L->pd_stack_mode);

			p.user_stack = (int32_t)m == L->stack_mode_user;
			p.madv_guard = (int32_t)m == L->stack_mode_madv_guard;
		}
		p.stackblock = mm_word_at(buf, L->pd_stackblock);
		p.stackblock_size = mm_word_at(buf, L->pd_stackblock_size);
		p.guardsize = mm_word_at(buf, L->pd_guardsize);
		p.dtv = mm_word_at(buf, L->pd_dtv);
		if (p.guardsize > p.stackblock_size) {
			rc = -ENOENT;
			break;
		}
		if (push(f, alloc, &p)) {
			return -ENOMEM;
		}
		prev = node;
		node = mm_word_at(buf, L->pd_list);
	}
	if (rc) {
		f->npt = kept;
		return rc == -ENOTSUP || rc == -EPERM || rc == -EACCES ? -ENOTSUP : -ENOENT;
	}
	return 0;
}

static const char *const list_names[] = { "_dl_stack_used", "_dl_stack_user",
					  "_dl_stack_cache" };

/* The thread stacks for the threads labeller: only when every list read
 * back, since a half-read set would place some threads wrongly. */
static int share_stacks(struct mm_classify *ctx, const struct mm_glibc_facts *f)
{
	for (int l = 0; l < MM_PT_COUNT; l++) {
		if (!f->list_ok[l]) {
			return 0;
		}
	}
	ctx->stacks = calloc(f->npt ? f->npt : 1, sizeof(*ctx->stacks));
	if (!ctx->stacks) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < f->npt; i++) {
		ctx->stacks[i] = (struct mm_thread_stack){
			.block = f->pt[i].stackblock, .size = f->pt[i].stackblock_size,
			.guard = f->pt[i].guardsize, .tid = f->pt[i].tid,
			.pd = f->pt[i].pd, .cached = f->pt[i].list == MM_PT_CACHE,
		};
	}
	ctx->nstacks = f->npt;
	ctx->stacks_known = true;
	return 0;
}

/* The version of the glibc actually mapped: its ld.so (from 2.34), libc.so
 * and a static executable carry "... release version 2.NN" in .rodata, the
 * banner libc.so prints when run.  Fills out, or leaves it empty. */
static void read_version(const struct mm_image *img, char *out, size_t outlen)
{
	static const char key[] = "release version ";
	const struct mm_elf_section *ro = mm_elf_section_by_name(img->elf, ".rodata");
	uint64_t off, end;
	char buf[65536 + 64];

	if (!ro || ro->type == SHT_NOBITS) {
		return;
	}
	/* Bounded: a static executable's .rodata is a few MiB at most. */
	end = ro->offset + (ro->size < (64u << 20) ? ro->size : (64u << 20));
	for (off = ro->offset; off < end; off += 65536) {
		size_t len = end - off < sizeof(buf) ? end - off : sizeof(buf);
		unsigned int major, minor;
		char *p;

		if (mm_elf_pread(img->elf, buf, len, off)) {
			return;
		}
		p = memmem(buf, len, key, sizeof(key) - 1);
		if (p && p + sizeof(key) + 8 < buf + len &&
		    sscanf(p + sizeof(key) - 1, "%u.%u", &major, &minor) == 2 &&
		    major == 2 && minor < 1000) {
			snprintf(out, outlen, "%u.%u", major, minor);
			return;
		}
	}
}

/* The row of that version whose _rtld_global and _rtld_global_ro have
 * the sizes ld.so's dynamic symbols give: a version can have several
 * (a release and its stable branch's backports), and another build of a
 * version may differ from every row.  NULL: none; *any_row tells whether
 * the version has rows at all. */
static const struct mm_glibc_layout *layout_for(const char *version, uint64_t size_global,
						uint64_t size_ro, bool *any_row)
{
	*any_row = false;
	for (size_t i = 0; i < mm_glibc_nlayouts; i++) {
		const struct mm_glibc_layout *L = &mm_glibc_layouts[i];

		if (strcmp(L->version, version) != 0) {
			continue;
		}
		*any_row = true;
		if ((int64_t)size_global == L->rtld_global_size &&
		    (int64_t)size_ro == L->rtld_global_ro_size) {
			return L;
		}
	}
	return NULL;
}

/* What a static program's labellers read: struct pthread, heap_info,
 * malloc_state (a static program has no _rtld_global to size). */
static bool same_for_static(const struct mm_glibc_layout *a, const struct mm_glibc_layout *b)
{
	return a->pd_size == b->pd_size && a->pd_tcb == b->pd_tcb && a->pd_dtv == b->pd_dtv &&
	       a->pd_self == b->pd_self && a->pd_list == b->pd_list && a->pd_tid == b->pd_tid &&
	       a->pd_user_stack == b->pd_user_stack && a->pd_stack_mode == b->pd_stack_mode &&
	       a->stack_mode_user == b->stack_mode_user &&
	       a->stack_mode_madv_guard == b->stack_mode_madv_guard &&
	       a->pd_stackblock == b->pd_stackblock &&
	       a->pd_stackblock_size == b->pd_stackblock_size &&
	       a->pd_guardsize == b->pd_guardsize && a->heap_info_size == b->heap_info_size &&
	       a->hi_ar_ptr == b->hi_ar_ptr && a->hi_prev == b->hi_prev &&
	       a->hi_size == b->hi_size && a->hi_mprotect_size == b->hi_mprotect_size &&
	       a->ms_size == b->ms_size && a->ms_top == b->ms_top && a->ms_next == b->ms_next;
}

/* A static program's row: by version alone, so only when every row of
 * that version agrees on what it reads.  NULL: none, or rows that
 * disagree. */
static const struct mm_glibc_layout *static_layout_for(const char *version)
{
	const struct mm_glibc_layout *first = NULL;

	for (size_t i = 0; i < mm_glibc_nlayouts; i++) {
		const struct mm_glibc_layout *L = &mm_glibc_layouts[i];

		if (strcmp(L->version, version) != 0) {
			continue;
		}
		if (first && !same_for_static(first, L)) {
			return NULL;
		}
		first = first ? first : L;
	}
	return first;
}

static int symbol(const struct mm_image *img, const char *name, uint64_t *addr,
		  uint64_t *size)
{
	int rc = mm_image_symbol(img, name, STT_OBJECT, addr, size);

	if (rc == -ENOENT) {
		*addr = 0;
		rc = 0;
	}
	return rc;
}

/* Before 2.34 the thread lists are libpthread's statics: found by name
 * in its .symtab (each a 16-byte list_t), else at the link addresses the
 * table holds for the one build it was generated from; else none, said
 * once (threads by stack pointer and shape).  Returns 0 or -ENOMEM. */
static int libpthread_heads(struct mm_classify *ctx, struct mm_glibc_facts *f)
{
	static const char *const names[] = { "stack_used", "__stack_user", "stack_cache" };
	const struct mm_glibc_layout *L = f->lay;

	for (size_t i = 0; i < ctx->images.n; i++) {
		const struct mm_image *img = &ctx->images.v[i];
		const char *id = mm_elf_build_id(img->elf);
		uint64_t at[MM_PT_COUNT];
		int l;

		if (strncmp(img->name, "libpthread", 10) != 0) {
			continue;
		}
		for (l = 0; l < MM_PT_COUNT; l++) {
			struct mm_elf_symbol s;

			if (mm_elf_static_symbol(img->elf, names[l], &s) || s.type != STT_OBJECT ||
			    s.size != 16) {
				break;
			}
			at[l] = img->bias + s.value;
		}
		if (l == MM_PT_COUNT) {
			memcpy(f->heads, at, sizeof(at));
			mm_debug(ctx, "glibc", "%s: thread lists from its .symtab", img->path);
			return 0;
		}
		if (!id || !L->pt_build_id[0] || strcmp(id, L->pt_build_id) != 0) {
			mm_debug(ctx, "glibc", "%s: no .symtab and build-id %s is not the one "
				 "the table knows: no thread lists", img->path, id ? id : "none");
			return mm_snapshot_warn(ctx->snap, "%s: stripped, and not the build memmap "
						"knows: glibc %s's thread stacks by stack pointer "
						"and shape only", img->path, f->version) ? -ENOMEM : 0;
		}
		f->heads[MM_PT_USED] = img->bias + L->pt_stack_used;
		f->heads[MM_PT_USER] = img->bias + L->pt_stack_user;
		f->heads[MM_PT_CACHE] = img->bias + L->pt_stack_cache;
		return 0;
	}
	return 0;
}

/* The layout of the version mapped, checked against the sizes of ld.so's
 * exported globals.  Returns 0, 1 (an unknown version: warned) or
 * -ENOMEM. */
static int find_globals(struct mm_classify *ctx, struct mm_glibc_facts *f)
{
	uint64_t size_global = 0, size_ro = 0;
	const struct mm_glibc_layout *L;
	bool any_row = false;
	int rc;

	if ((rc = symbol(f->ld, "_rtld_global", &f->global, &size_global)) ||
	    (rc = symbol(f->ld, "_rtld_global_ro", &f->global_ro, &size_ro)) ||
	    (rc = symbol(f->ld, "_r_debug", &f->r_debug, NULL))) {
		return rc;
	}
	read_version(f->ld, f->version, sizeof(f->version));
	/* Before 2.34 only libc.so.6 carries the banner. */
	for (size_t i = 0; !f->version[0] && i < ctx->images.n; i++) {
		const char *n = ctx->images.v[i].name;

		if (strncmp(n, "libc.so", 7) == 0 || strncmp(n, "libc-", 5) == 0) {
			read_version(&ctx->images.v[i], f->version, sizeof(f->version));
		}
	}
	/* Without the globals the sizes are 0: no row matches. */
	L = f->version[0] ? layout_for(f->version, size_global, size_ro, &any_row) : NULL;
	if (!L && !any_row) {
		mm_debug(ctx, "glibc", "%s: glibc %s: no layout in the table: arenas and "
			 "chunks by shape only, no thread descriptors", f->ld->path,
			 f->version[0] ? f->version : "of unknown version");
		return mm_snapshot_warn(ctx->snap, "%s: glibc %s is not one memmap knows "
					"the layout of: its threads, arenas and chunks by shape "
					"only", f->ld->path, f->version[0] ? f->version :
					"of unknown version") ? -ENOMEM : 1;
	}
	/* Another build of the same version may differ: the sizes tell. */
	if (!L) {
		mm_debug(ctx, "glibc", "%s: glibc %s, but _rtld_global is %llu bytes and "
			 "_rtld_global_ro %llu, as in no row of that version: layout not used",
			 f->ld->path, f->version, (unsigned long long)size_global,
			 (unsigned long long)size_ro);
		return mm_snapshot_warn(ctx->snap, "%s: this build of glibc %s differs from "
					"the ones memmap knows: its threads, arenas and chunks "
					"by shape only", f->ld->path, f->version) ? -ENOMEM : 1;
	}
	f->lay = L;
	/* In _rtld_global_ro from 2.34, in _rtld_global before. */
	f->tls_size_at = L->tls_static_size >= 0 ? f->global_ro + L->tls_static_size
						 : f->global + L->g_tls_static_size;
	f->tls_align_at = L->tls_static_align >= 0 ? f->global_ro + L->tls_static_align
						   : f->global + L->g_tls_static_align;
	if (L->stack_used >= 0) {
		f->heads[MM_PT_USED] = f->global + (uint64_t)L->stack_used;
		f->heads[MM_PT_USER] = f->global + (uint64_t)L->stack_user;
		f->heads[MM_PT_CACHE] = f->global + (uint64_t)L->stack_cache;
	} else {
		if ((rc = libpthread_heads(ctx, f))) {
			return rc;
		}
	}
	mm_debug(ctx, "glibc", "%s: layout %s%s%s", f->ld->path, L->name,
		 L->derived[0] ? ", derived from the sources of " : "", L->derived);
	return 0;
}

/* A static program has no banner unless it calls for one; __nptl_version
 * ("2.36", for libthread_db) is there whenever it has threads.  Returns 0
 * (found or not) or -ENOMEM. */
static int nptl_version(const struct mm_image *img, char *out, size_t outlen)
{
	unsigned int major, minor;
	uint64_t addr, size;
	char buf[16] = "";
	int rc = symbol(img, "__nptl_version", &addr, &size);

	if (rc || !addr || size < 4 || size >= sizeof(buf) ||
	    mm_elf_read_vaddr(img->elf, addr - img->bias, buf, size)) {
		return rc;
	}
	if (sscanf(buf, "%u.%u", &major, &minor) == 2 && major == 2 && minor < 1000) {
		snprintf(out, outlen, "%u.%u", major, minor);
	}
	return 0;
}

/* A static executable with glibc (2.34+) has the loader's globals as
 * variables of its own (GL(dl_stack_used) is _dl_stack_used), in its
 * .symtab.  Returns 0 (not static glibc: f->lay stays NULL, or found),
 * 1 (a version without a layout: warned) or -ENOMEM. */
static int find_static(struct mm_classify *ctx, struct mm_glibc_facts *f)
{
	static const char *const names[] = { "_dl_stack_used", "_dl_stack_user",
					     "_dl_stack_cache" };
	const struct mm_image *exe = mm_images_exe(&ctx->images);
	const struct mm_glibc_layout *L;
	uint64_t size;
	int rc;

	if (!exe) {
		return 0;
	}
	for (int l = 0; l < MM_PT_COUNT; l++) {
		rc = symbol(exe, names[l], &f->heads[l], &size);
		if (rc || !f->heads[l] || size != 16) {	/* a list_t */
			f->heads[MM_PT_USED] = 0;
			return rc;
		}
	}
	ctx->runtimes |= 1u << MM_RT_GLIBC;
	f->is_static = true;
	read_version(exe, f->version, sizeof(f->version));
	if (!f->version[0] && (rc = nptl_version(exe, f->version, sizeof(f->version)))) {
		return rc;
	}
	if (!f->version[0]) {
		/* No __nptl_version: nothing of libpthread linked in, so no
		 * thread but the main one to look for. */
		f->heads[MM_PT_USED] = 0;
		mm_debug(ctx, "glibc", "%s: static glibc without threads", exe->path);
		return 0;
	}
	L = static_layout_for(f->version);
	if (!L) {
		f->heads[MM_PT_USED] = 0;
		return mm_snapshot_warn(ctx->snap, "%s: static glibc %s is not one memmap "
					"knows the layout of: its threads, arenas and chunks by "
					"shape only", exe->path, f->version) ? -ENOMEM : 1;
	}
	f->lay = L;
	mm_debug(ctx, "glibc", "%s: static, layout %s%s%s", exe->path, L->name,
		 L->derived[0] ? ", derived from the sources of " : "", L->derived);
	return 0;
}

static bool is_libc(const struct mm_image *img)
{
	return strncmp(img->name, "libc.so", 7) == 0 || strncmp(img->name, "libc-", 5) == 0;
}

static bool exports_malloc(const struct mm_image *img)
{
	uint64_t addr;

	return mm_image_symbol(img, "malloc", STT_FUNC, &addr, NULL) == 0;
}

/* The image whose load bias is bias, or NULL (the vDSO has a link map of
 * its own and no image). */
static const struct mm_image *image_biased(const struct mm_classify *ctx, uint64_t bias)
{
	for (size_t i = 0; i < ctx->images.n; i++) {
		if (ctx->images.v[i].bias == bias) {
			return &ctx->images.v[i];
		}
	}
	return NULL;
}

/* Whose malloc the program calls: the first object in ld.so's search
 * order (its link map list, from _r_debug.r_map: the executable, the
 * preloads, then the needed objects breadth first) that defines malloc.
 * struct link_map's l_addr (+0) and l_next (+24) and r_debug's r_map (+8)
 * are public ABI.  Where the list cannot be read, any mapped object but
 * libc exporting malloc makes it a maybe. */
static void malloc_owner(struct mm_classify *ctx, struct mm_glibc_facts *f)
{
	uint64_t lm = 0;

	for (size_t i = 0; i < ctx->images.n; i++) {
		const struct mm_image *img = &ctx->images.v[i];

		if (!is_libc(img) && img->kind != MM_IMAGE_LOADER && exports_malloc(img)) {
			f->malloc_maybe_other = true;
		}
	}
	if (!f->malloc_maybe_other || !f->r_debug ||
	    mm_target_read_word(ctx->target, f->r_debug + 8, &lm)) {
		return;
	}
	for (int steps = 0; lm && steps < 4096; steps++) {
		const struct mm_image *img;
		uint64_t bias;

		if (mm_target_read_word(ctx->target, lm, &bias)) {
			return;
		}
		img = image_biased(ctx, bias);
		if (img && exports_malloc(img)) {
			if (!is_libc(img)) {
				f->malloc_other = img;
				mm_debug(ctx, "glibc", "malloc is %s's", img->path);
			}
			f->malloc_maybe_other = !is_libc(img);
			return;
		}
		if (mm_target_read_word(ctx->target, lm + 24, &lm)) {
			return;
		}
	}
}

int mm_probe_glibc(struct mm_classify *ctx)
{
	struct mm_glibc_facts *f = calloc(1, sizeof(*f));
	size_t alloc = 0;
	int rc;

	if (ctx->runtimes & (1u << MM_RT_MUSL)) {
		free(f);
		mm_debug(ctx, "glibc", "musl, not glibc: not probed");
		return 0;
	}
	if (!f) {
		return -ENOMEM;
	}
	ctx->glibc = f;
	for (size_t i = 0; i < ctx->images.n && !f->ld; i++) {
		if (ctx->images.v[i].loader_named) {
			f->ld = &ctx->images.v[i];
		}
	}
	if (f->ld) {
		ctx->runtimes |= 1u << MM_RT_GLIBC;
		rc = find_globals(ctx, f);
		if (rc >= 0) {
			malloc_owner(ctx, f);
		}
	} else {
		rc = find_static(ctx, f);
		if (!rc && !f->lay) {
			mm_debug(ctx, "glibc", "no ld.so mapped, no static glibc: "
				 "arenas and chunks by shape only");
		}
	}
	if (rc || !f->lay) {
		return rc;
	}
	if (!f->heads[MM_PT_USED]) {
		mm_debug(ctx, "glibc", "no thread lists: threads by stack pointer and shape");
		return 0;
	}
	for (int l = 0; l < MM_PT_COUNT; l++) {
		rc = walk_list(ctx, f, (enum mm_pthread_list)l, &alloc);
		if (rc == -ENOMEM) {
			return rc;
		}
		f->list_ok[l] = rc == 0;
		if (rc) {
			mm_debug(ctx, "glibc", "%s: %s", list_names[l],
				 rc == -ENOTSUP ? "memory not readable"
						: "does not read back: dropped");
		}
	}
	mm_debug(ctx, "glibc", "%zu thread descriptors read", f->npt);
	return share_stacks(ctx, f);
}
