/* probe.c (glibc): finds ld.so among the images, its exported globals
 * through its dynamic symbols, the layout of glibc's structures behind
 * them, and walks ld.so's lists of thread descriptors once (bounded, each
 * link checked) into facts for the glibc and threads labellers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <elf.h>

#include "runtimes/glibc/glibc_layout.h"
#include "util/grow.h"

/* Offsets measured with gdb and libc6-dbg (ptype /o) on Debian 12's glibc
 * 2.36-9+deb12u14, x86_64. */
static const struct mm_glibc_layout layouts[] = {
	{
		.name = "glibc 2.36 x86_64",
		.rtld_global_size = 4336, .rtld_global_ro_size = 896,
		.stack_used = 4264, .stack_user = 4280, .stack_cache = 4296,
		.tls_static_size = 672, .tls_static_align = 680,
		.pd_size = 2368, .pd_tcb = 0, .pd_dtv = 8, .pd_self = 16,
		.pd_list = 704, .pd_tid = 720, .pd_user_stack = 1554,
		.pd_stackblock = 1680, .pd_stackblock_size = 1688,
		.pd_guardsize = 1696,
		.lm_name = 8, .lm_next = 24, .lm_libname = 56,
		.lm_searchlist_list = 728, .lm_versions = 768, .lm_initfini = 1000,
	},
};

#define MAX_THREADS	100000	/* a list longer than this is not one */

void mm_glibc_facts_free(struct mm_glibc_facts *f)
{
	if (f) {
		free(f->pt);
		free(f);
	}
}

static uint64_t word_at(const uint8_t *b, uint32_t off)
{
	uint64_t w;

	memcpy(&w, b + off, sizeof(w));
	return w;
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
	const uint32_t heads[] = { L->stack_used, L->stack_user, L->stack_cache };
	const uint32_t offs[] = { L->pd_tcb, L->pd_dtv, L->pd_self, L->pd_list + 8,
				  L->pd_tid, L->pd_user_stack, L->pd_stackblock,
				  L->pd_stackblock_size, L->pd_guardsize };
	uint64_t head = f->global + heads[list], prev = head, node;
	size_t len = 0, kept = f->npt;
	uint8_t buf[4096];
	int rc;

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		len = offs[i] + 8 > len ? offs[i] + 8 : len;
	}
	if (len > sizeof(buf)) {
		return -ENOENT;
	}
	rc = mm_target_read_word(ctx->target, head, &node);
	for (int steps = 0; !rc && node != head; steps++) {
		uint64_t pd = node - L->pd_list;
		struct mm_pthread p = { .pd = pd, .list = list };
		uint32_t tid;

		if (steps > MAX_THREADS) {
			rc = -ENOENT;
			break;
		}
		if ((rc = mm_target_read(ctx->target, pd, buf, len))) {
			break;
		}
		/* The back link also ends a cycle that misses the head. */
		if (word_at(buf, L->pd_list + 8) != prev ||
		    word_at(buf, L->pd_self) != pd || word_at(buf, L->pd_tcb) != pd) {
			rc = -ENOENT;
			break;
		}
		memcpy(&tid, buf + L->pd_tid, sizeof(tid));
		p.tid = (int32_t)tid;
		p.user_stack = buf[L->pd_user_stack] != 0;
		p.stackblock = word_at(buf, L->pd_stackblock);
		p.stackblock_size = word_at(buf, L->pd_stackblock_size);
		p.guardsize = word_at(buf, L->pd_guardsize);
		p.dtv = word_at(buf, L->pd_dtv);
		if (p.guardsize > p.stackblock_size) {
			rc = -ENOENT;
			break;
		}
		if (push(f, alloc, &p)) {
			return -ENOMEM;
		}
		prev = node;
		node = word_at(buf, L->pd_list);
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
			.cached = f->pt[i].list == MM_PT_CACHE,
		};
	}
	ctx->nstacks = f->npt;
	ctx->stacks_known = true;
	return 0;
}

static int find_globals(struct mm_classify *ctx, struct mm_glibc_facts *f)
{
	uint64_t size_global = 0, size_ro = 0;
	int rc;

	rc = mm_image_symbol(f->ld, "_rtld_global", STT_OBJECT, &f->global, &size_global);
	if (rc == -ENOENT) {
		f->global = 0;
	}
	if (rc != -ENOMEM) {
		rc = mm_image_symbol(f->ld, "_rtld_global_ro", STT_OBJECT, &f->global_ro,
				     &size_ro);
		if (rc == -ENOENT) {
			f->global_ro = 0;
		}
	}
	if (rc != -ENOMEM) {
		rc = mm_image_symbol(f->ld, "_r_debug", STT_OBJECT, &f->r_debug, NULL);
		if (rc == -ENOENT) {
			f->r_debug = 0;
		}
	}
	if (rc == -ENOMEM) {
		return rc;
	}
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		if (f->global && f->global_ro && layouts[i].rtld_global_size == size_global &&
		    layouts[i].rtld_global_ro_size == size_ro) {
			f->lay = &layouts[i];
		}
	}
	if (f->lay) {
		mm_debug(ctx, "glibc", "%s: layout %s", f->ld->path, f->lay->name);
	} else {
		mm_debug(ctx, "glibc", "%s: layout unknown (_rtld_global %llu bytes, "
			 "_rtld_global_ro %llu): arenas and chunks by shape only, no thread "
			 "descriptors", f->ld->path, (unsigned long long)size_global,
			 (unsigned long long)size_ro);
	}
	return 0;
}

int mm_probe_glibc(struct mm_classify *ctx)
{
	struct mm_glibc_facts *f = calloc(1, sizeof(*f));
	size_t alloc = 0;
	int rc;

	if (!f) {
		return -ENOMEM;
	}
	ctx->glibc = f;
	for (size_t i = 0; i < ctx->images.n && !f->ld; i++) {
		if (ctx->images.v[i].loader_named) {
			f->ld = &ctx->images.v[i];
		}
	}
	if (!f->ld) {
		mm_debug(ctx, "glibc", "no ld.so mapped (static, or not glibc): "
			 "arenas and chunks by shape only");
		return 0;
	}
	ctx->runtimes |= 1u << MM_RT_GLIBC;
	if ((rc = find_globals(ctx, f)) || !f->lay) {
		return rc;
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
