/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_process_memory.c: the labellers that read a target's memory, fed a
 * fake target (a fuzzed list of mappings plus their bytes) through the one
 * memory reader, whose buffer backend stands in for /proc/PID/mem and
 * pagemap.  The runtimes' probe facts (CPython's _PyRuntime and writable
 * data, glibc's layout, _r_debug, TLS sizes and thread descriptors,
 * jemalloc's .bss) point into the fuzzed memory too.  Each input has a work budget (reads and
 * bytes): spending it is a finding, like a crash or a hang.
 *
 * Input, little-endian; bytes past the end read as 0:
 *   u8 n                      mappings (1 + n % 16)
 *   n × { u16 gap_pages, u16 pages, u8 flags }
 *                             at 0x7f0000000000 (64 MiB-aligned) on,
 *                             gap_pages before each, 1 + pages % 4096;
 *                             flags: 1 r, 2 w, 4 x, 8 present (its pages
 *                             are in RAM: zeros unless patched), 16 [heap]
 *   u8 what                   1 python facts, 2 glibc facts, 4 jemalloc
 *                             facts, 8 V8 facts (V8 11's layout: its chunk
 *                             headers and space objects are found in the
 *                             patches)
 *   ref runtime; u8 rw        CPython: _PyRuntime; the writable mapping
 *   u8 layout; ref r_debug, tls_size, tls_align; u8 npt (% 8);
 *   npt × { ref pd, ref block, u16 size_pages, u8 guard_pages, u8 list }
 *   (jemalloc) ref bss        its globals at the layout's offsets from it
 *   then patches until the end: { u8 map, u16 word, u8 nwords, words }
 * where ref = { u8 map, u16 offset }: that mapping's start + offset. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_target.h"
#include "label/classify.h"
#include "read/residency.h"
#include "read/target.h"
#include "runtimes/glibc/glibc_layout.h"
#include "runtimes/jemalloc/jemalloc_layout.h"
#include "runtimes/python/python_probe.h"
#include "runtimes/v8/v8_probe.h"

#define BASE		0x7f0000000000ULL
#define PAGE		4096ULL
#define MAX_MAPS	16
#define MAX_PT		8
#define BUDGET_READS	200000
#define BUDGET_BYTES	(256ULL << 20)

struct input {
	const uint8_t *p;
	size_t left;
};

static uint64_t get(struct input *in, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++) {
		uint64_t b = in->left ? *in->p : 0;

		if (in->left) {
			in->p++;
			in->left--;
		}
		v |= b << (8 * i);
	}
	return v;
}

struct fake {
	struct mm_snapshot *snap;
	struct mm_memory_chunk chunks[MAX_MAPS];
	uint8_t *bytes[MAX_MAPS];
	size_t n;
};

static uint64_t ref(struct input *in, const struct fake *f)
{
	size_t k = (size_t)get(in, 1) % f->n;

	return f->snap->mappings[k].start + get(in, 2);
}

static void add_mappings(struct input *in, struct fake *f)
{
	uint64_t at = BASE;

	f->n = 1 + (size_t)get(in, 1) % MAX_MAPS;
	for (size_t i = 0; i < f->n; i++) {
		uint64_t gap = get(in, 2), pages = 1 + get(in, 2) % 4096;
		unsigned int flags = (unsigned int)get(in, 1);
		struct mm_mapping *m = mm_snapshot_add_mapping(f->snap);

		if (!m) {
			abort();
		}
		m->start = at + gap * PAGE;
		m->end = m->start + pages * PAGE;
		at = m->end;
		memcpy(m->perms, "---p", 5);
		m->perms[0] = flags & 1 ? 'r' : '-';
		m->perms[1] = flags & 2 ? 'w' : '-';
		m->perms[2] = flags & 4 ? 'x' : '-';
		m->path = flags & 16 ? strdup("[heap]") : NULL;
		m->c.rss = flags & 8 ? pages * PAGE : 0;
		if (mm_mapping_reset_regions(m, MM_ANON, MM_HOW_KERNEL, NULL)) {
			abort();
		}
		f->chunks[i] = (struct mm_memory_chunk){ .start = m->start };
		if (flags & 8) {
			f->bytes[i] = calloc(pages, PAGE);
			if (!f->bytes[i]) {
				abort();
			}
			f->chunks[i].len = pages * PAGE;
			f->chunks[i].bytes = f->bytes[i];
		}
	}
}

static void add_python(struct input *in, struct fake *f, struct mm_classify *ctx,
		       struct mm_python_facts *py)
{
	const struct mm_mapping *rw;

	py->img = (const struct mm_image *)f;	/* any non-NULL: "found" */
	py->minor = 11;
	py->runtime = ref(in, f);
	py->runtime_size = 0x28b20;		/* 3.11's: its thread-state layout */
	rw = &f->snap->mappings[get(in, 1) % f->n];
	py->rw[0][0] = rw->start;
	py->rw[0][1] = rw->end;
	py->nrw = 1;
	ctx->python = py;
	ctx->runtimes |= 1u << MM_RT_PYTHON;
}

static void add_glibc(struct input *in, struct fake *f, struct mm_classify *ctx,
		      struct mm_glibc_facts *g, struct mm_pthread *pt,
		      struct mm_thread_stack *st)
{
	g->lay = &mm_glibc_layouts[get(in, 1) % mm_glibc_nlayouts];
	g->r_debug = ref(in, f);
	g->tls_size_at = ref(in, f);
	g->tls_align_at = ref(in, f);
	g->npt = (size_t)get(in, 1) % MAX_PT;
	for (size_t i = 0; i < g->npt; i++) {
		pt[i].pd = ref(in, f);
		pt[i].stackblock = ref(in, f);
		pt[i].stackblock_size = get(in, 2) * PAGE;
		pt[i].guardsize = get(in, 1) * PAGE;
		pt[i].list = (enum mm_pthread_list)(get(in, 1) % MM_PT_COUNT);
		st[i] = (struct mm_thread_stack){
			.block = pt[i].stackblock, .size = pt[i].stackblock_size,
			.guard = pt[i].guardsize, .pd = pt[i].pd, .tid = 0,
			.cached = pt[i].list == MM_PT_CACHE,
		};
	}
	g->pt = pt;
	for (int l = 0; l < MM_PT_COUNT; l++) {
		g->list_ok[l] = true;
	}
	ctx->glibc = g;
	ctx->runtimes |= 1u << MM_RT_GLIBC;
	ctx->stacks = st;
	ctx->nstacks = g->npt;
	ctx->stacks_known = true;
}

static void add_jemalloc(struct input *in, struct fake *f, struct mm_classify *ctx,
			 struct mm_jemalloc_facts *je)
{
	static const struct mm_image img = { .path = "fuzz-jemalloc", .name = "fuzz-jemalloc" };

	je->img = &img;
	je->lay = &mm_jemalloc_layouts[0];
	snprintf(je->version, sizeof(je->version), "%s", je->lay->version);
	/* A page-aligned .bss start, as the library's is here. */
	mm_jemalloc_globals_from_bss(je, ref(in, f) & ~(PAGE - 1));
	ctx->jemalloc = je;
	ctx->runtimes |= 1u << MM_RT_JEMALLOC;
}

static void patch(struct input *in, struct fake *f)
{
	while (in->left) {
		size_t k = (size_t)get(in, 1) % f->n;
		uint64_t word = get(in, 2), n = get(in, 1);

		for (uint64_t i = 0; i < n; i++, word++) {
			uint64_t v = get(in, 8);

			if (f->bytes[k] && (word + 1) * 8 <= f->chunks[k].len) {
				memcpy(f->bytes[k] + word * 8, &v, 8);
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct fake f = { .snap = mm_snapshot_create() };
	struct mm_memory_image image;
	struct mm_target target;
	struct mm_pagemap pm;
	struct mm_python_facts py = { 0 };
	struct mm_glibc_facts g = { 0 };
	struct mm_jemalloc_facts je = { 0 };
	struct mm_pthread pt[MAX_PT];
	struct mm_thread_stack st[MAX_PT];
	/* V8 11.3's row: the one make_memory_seeds.py writes headers of. */
	struct mm_v8_facts v8 = { .major = 11, .minor = 3, .lay = mm_v8_layout_for(11, 3) };
	struct mm_classify ctx = { .snap = f.snap, .target = &target, .pm = &pm,
				   .page = PAGE, .debug = mm_debug_from_env() };
	unsigned int what;
	int (*const labellers[])(struct mm_classify *) = {
		mm_label_kernel, mm_label_threads, mm_label_v8, mm_label_python, mm_label_glibc,
		mm_label_jemalloc,
	};

	if (!f.snap) {
		abort();
	}
	add_mappings(&in, &f);
	what = (unsigned int)get(&in, 1);
	if (what & 1) {
		add_python(&in, &f, &ctx, &py);
	}
	if (what & 2) {
		add_glibc(&in, &f, &ctx, &g, pt, st);
	}
	if (what & 4) {
		add_jemalloc(&in, &f, &ctx, &je);
	}
	if (what & 8) {
		ctx.v8 = &v8;
		ctx.runtimes |= 1u << MM_RT_V8;
	}
	patch(&in, &f);

	fuzz_captured_target(&target);
	image = (struct mm_memory_image){ f.chunks, f.n };
	target.image = &image;
	target.no_mem = false;	/* the fake memory is there to be read */
	if (mm_pagemap_open(&pm, &target, PAGE)) {
		abort();
	}
	target.pm = &pm;
	target.snap = f.snap;
	mm_target_budget_start(&target, BUDGET_READS, BUDGET_BYTES, 0);
	for (size_t i = 0; i < sizeof(labellers) / sizeof(labellers[0]); i++) {
		if (labellers[i](&ctx) == -ENOMEM) {
			abort();
		}
	}
	/* A walk that spends the budget on one small fake target is a finding. */
	if (target.budget.exceeded) {
		abort();
	}
	mm_residency_measure(&pm, f.snap);
	mm_snapshot_finish(f.snap);
	fuzz_check_snapshot(f.snap);

	mm_pagemap_close(&pm);
	target.pm = NULL;
	mm_target_finish(&target);
	mm_snapshot_destroy(f.snap);
	for (size_t i = 0; i < f.n; i++) {
		free(f.bytes[i]);
	}
	return 0;
}
