/* SPDX-License-Identifier: GPL-2.0-or-later */
/* label_musl.c: musl's malloc (mallocng): the groups it mmaps and the
 * pages of struct meta that describe them, proven through its context
 * (__malloc_context): each meta area must carry the context's secret, each
 * group must point back at its meta.  Groups carved from other groups or
 * from donated .bss are inside memory already labelled. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtimes/musl/musl_layout.h"
#include "util/le.h"

#define MAX_AREAS	65536	/* 256 MiB of struct meta: more is not a list */
#define MAX_GROUPS	200000	/* group headers read, at most */
#define MAX_CTX_TRIES	64	/* context candidates whose area is read */

/* mallocng's context at addr: initialised, its first meta area page-aligned
 * and carrying its secret.  Fills head and secret. */
static bool ctx_at(struct mm_classify *ctx, const struct mm_musl_layout *L,
		   const uint8_t *c, uint64_t *head, uint64_t *secret)
{
	uint64_t check, tail;
	int32_t init;

	memcpy(&init, c + L->ctx_init_done, sizeof(init));
	*secret = mm_word_at(c, L->ctx_secret);
	*head = mm_word_at(c, L->ctx_meta_area_head);
	tail = mm_word_at(c, L->ctx_meta_area_tail);
	if (init != 1 || !*secret || !*head || !tail || ((*head | tail) & (ctx->page - 1)) ||
	    (L->ctx_pagesize >= 0 && mm_word_at(c, L->ctx_pagesize) != ctx->page)) {
		return false;
	}
	return mm_target_read_word(ctx->target, *head + L->area_check, &check) == 0 &&
	       check == *secret;
}

/* The context: by its symbol, else searched in musl's writable data (a
 * stripped libc.so), a page at a time where pagemap says present. */
static int find_ctx(struct mm_classify *ctx, const struct mm_musl_facts *f,
		    uint64_t *head, uint64_t *secret)
{
	const struct mm_musl_layout *L = f->lay;
	uint64_t page = ctx->page;
	uint8_t *buf, c[2048];
	int tries = 0, found = 0;

	if ((size_t)L->ctx_size > sizeof(c)) {
		return 0;
	}
	if (f->ctx) {
		return mm_target_read(ctx->target, f->ctx, c, (size_t)L->ctx_size) == 0 &&
		       ctx_at(ctx, L, c, head, secret);
	}
	if (!(buf = malloc(page))) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < f->nrw && !found; i++) {
		uint64_t lo = f->rw[i][0], hi = f->rw[i][1];

		for (uint64_t p = lo & ~(page - 1); p < hi && !found; p += page) {
			ctx->pm->limit = hi;
			if (!mm_pagemap_present(ctx->pm, p, true) ||
			    mm_target_read(ctx->target, p, buf, page)) {
				continue;
			}
			for (uint64_t o = 0; o + 8 <= page && !found; o += 8) {
				uint64_t a = p + o;

				/* Cheap tests first: the context lies whole in
				 * the segment, initialised, its areas aligned. */
				if (a < lo || a + (uint64_t)L->ctx_size > hi ||
				    o + (uint64_t)L->ctx_init_done + 4 > page ||
				    buf[o + L->ctx_init_done] != 1 || !mm_word_at(buf, o)) {
					continue;
				}
				if (tries++ >= MAX_CTX_TRIES) {
					break;
				}
				if (mm_target_read(ctx->target, a, c, (size_t)L->ctx_size) == 0 &&
				    ctx_at(ctx, L, c, head, secret)) {
					found = 1;
				}
			}
		}
	}
	free(buf);
	mm_pagemap_forget(ctx->pm);
	return found;
}

/* One group a meta slot says mmap'd on its own (maplen pages): labelled
 * when its first word points back at the slot. */
static int label_group(struct mm_classify *ctx, uint64_t slot, uint64_t mem,
		       uint64_t maplen)
{
	uint64_t back, len = maplen * ctx->page;
	struct mm_mapping *m = mm_snapshot_find(ctx->snap, mem);
	char detail[64];

	if ((mem & (ctx->page - 1)) || !m || !mm_mapping_is_anon_private(m) ||
	    mem + len < mem || !mm_pagemap_present(ctx->pm, mem, true) ||
	    mm_target_read_word(ctx->target, mem, &back) || back != slot) {
		return 0;
	}
	/* Merged neighbours stay apart by the group's address. */
	snprintf(detail, sizeof(detail), "group %#llx, %llu bytes",
		 (unsigned long long)mem, (unsigned long long)len);
	return mm_snapshot_label(ctx->snap, mem, mem + len, MM_MUSL_MALLOC,
				 MM_HOW_RUNTIME, detail, MM_ONLY_ANON);
}

/* Walks the meta areas from the head (bounded; each must carry the secret,
 * the last must be the context's tail... checked as the list ends), then
 * every slot naming an mmap'd group. */
static int label_malloc(struct mm_classify *ctx, const struct mm_musl_facts *f)
{
	const struct mm_musl_layout *L = f->lay;
	uint64_t page = ctx->page, head, secret, area;
	uint64_t mask = L->meta_maplen_bits >= 64 ? ~0ULL
						  : (1ULL << L->meta_maplen_bits) - 1;
	size_t groups = 0;
	uint8_t *buf;
	int rc = 0, n;

	if ((rc = find_ctx(ctx, f, &head, &secret)) <= 0) {
		if (!rc) {
			mm_debug(ctx, "musl", "no initialised malloc context: malloc unlabelled");
		}
		return rc;
	}
	if (L->meta_maplen < 0 || L->meta_maplen % 8 + L->meta_maplen_bits > 64 ||
	    !(buf = malloc(page))) {
		return L->meta_maplen < 0 ? 0 : -ENOMEM;
	}
	rc = 0;
	area = head;
	for (n = 0; area && n < MAX_AREAS && !rc; n++) {
		int32_t nslots;

		if ((area & (page - 1)) || mm_target_read(ctx->target, area, buf, page) ||
		    mm_word_at(buf, L->area_check) != secret) {
			mm_debug(ctx, "musl", "meta area %#llx does not read back: stopped",
				 (unsigned long long)area);
			break;
		}
		memcpy(&nslots, buf + L->area_nslots, sizeof(nslots));
		if (nslots < 0 || (uint64_t)L->area_slots + (uint64_t)nslots * L->meta_size > page) {
			break;
		}
		rc = mm_snapshot_label(ctx->snap, area, area + page, MM_MUSL_MALLOC,
				       MM_HOW_RUNTIME, "meta area", MM_ONLY_ANON);
		for (int32_t s = 0; !rc && s < nslots && groups < MAX_GROUPS; s++) {
			const uint8_t *meta = buf + L->area_slots + (size_t)s * L->meta_size;
			uint64_t mem = mm_word_at(meta, L->meta_mem), bits, maplen;

			memcpy(&bits, meta + L->meta_maplen / 64 * 8, sizeof(bits));
			maplen = (bits >> (L->meta_maplen % 64)) & mask;
			if (!mem || !maplen || maplen > (1ULL << 28)) {
				continue;
			}
			groups++;
			rc = label_group(ctx, area + L->area_slots + (uint64_t)s * L->meta_size,
					 mem, maplen);
		}
		area = mm_word_at(buf, L->area_next);
	}
	free(buf);
	mm_debug(ctx, "musl", "%d meta areas, %zu mmap'd groups checked", n, groups);
	return rc;
}

int mm_label_musl(struct mm_classify *ctx)
{
	const struct mm_musl_facts *f = ctx->musl;
	struct mm_runtime *rt = &ctx->snap->runtime;

	if (!f) {
		return 0;
	}
	/* The header and JSON say what runs: musl, when nothing else does. */
	if (!rt->lang) {
		if (!(rt->lang = strdup("musl")) ||
		    (f->version[0] && !(rt->version = strdup(f->version)))) {
			return -ENOMEM;
		}
	}
	if (!f->lay || ctx->target->no_mem || ctx->target->captured) {
		return 0;
	}
	return label_malloc(ctx, f);
}
