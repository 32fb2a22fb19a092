/* SPDX-License-Identifier: GPL-2.0-or-later */
/* label_v8.c: V8's heap, read from outside.  Every V8 page (memory chunk)
 * starts at a kPageSize-aligned address with a header naming its own
 * reservation, its heap and its space; a candidate is V8's only when that
 * reservation is the chunk itself and its space object points back at the
 * same heap.  Chunks of code spaces lead to the code range's page
 * allocator, whose region (the whole reservation V8 made for code) must
 * hold them.  Labels: v8.heap and v8.code, the space's name as detail. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "label/classify.h"
#include "runtimes/v8/v8_probe.h"
#include "runtimes/v8/v8_shape.h"

/* Bounds: candidates read (a 16 GiB heap of regular pages), distinct
 * space objects (a node with dozens of workers), code-range allocators. */
#define MAX_CANDIDATES	(1u << 16)
#define MAX_OWNERS	256
#define MAX_RANGES	8
#define MAX_CODE_RANGE	(4ULL << 30)

struct owner {
	uint64_t addr, heap, committed, labelled;
	unsigned int id;
	bool ok;
};

struct scan {
	struct mm_classify *ctx;
	const struct mm_v8_layout *lay;
	struct owner owners[MAX_OWNERS];
	size_t nowners;
	uint64_t ranges[MAX_RANGES][2];	/* code ranges: begin, end */
	uint64_t allocators[MAX_RANGES];	/* their allocators, checked once */
	size_t nallocators, nranges;
	size_t candidates, chunks;
	uint64_t read_only;		/* bytes of read-only pages found */
	uint64_t chunk_end;		/* the end of the last chunk found: the
					 * object data inside one is no header */
	bool run_valid;			/* mappings run_first..run_last touch */
	size_t run_first, run_last;
	uint64_t run_end;
	bool out_of_bounds;		/* a bound cut the scan short */
};

/* Whether addr lies in a writable mapping: where V8's heap and space
 * objects live (the C++ heap). */
static bool writable(const struct mm_snapshot *snap, uint64_t addr)
{
	const struct mm_mapping *m = mm_snapshot_find(snap, addr);

	return m && m->perms[1] == 'w';
}

/* The space object at addr, read and checked once: it must name heap. */
static const struct owner *owner_of(struct scan *s, uint64_t addr, uint64_t heap)
{
	const struct mm_v8_layout *L = s->lay;
	uint64_t w[4] = { 0 };
	struct owner *o;

	for (size_t i = 0; i < s->nowners; i++) {
		if (s->owners[i].addr == addr) {
			return s->owners[i].ok && s->owners[i].heap == heap ? &s->owners[i] : NULL;
		}
	}
	if (s->nowners == MAX_OWNERS) {
		s->out_of_bounds = true;
		return NULL;
	}
	o = &s->owners[s->nowners++];
	*o = (struct owner){ .addr = addr };
	if (!writable(s->ctx->snap, addr) || !writable(s->ctx->snap, heap) ||
	    mm_target_read(s->ctx->target, addr, w, sizeof(w))) {
		return NULL;
	}
	o->heap = w[L->space_heap];
	o->id = (uint32_t)w[L->space_id];
	o->committed = w[L->space_committed];
	o->ok = o->heap == heap && o->id < L->nspaces;
	return o->ok ? o : NULL;
}

/* A code chunk's allocator: when its region holds the chunk and it hands
 * out V8's pages, that region is the code range. */
static void code_range_of(struct scan *s, const struct mm_v8_chunk *c)
{
	const struct mm_v8_layout *L = s->lay;
	uint64_t w[16] = { 0 }, begin, size;

	for (size_t i = 0; i < s->nallocators; i++) {
		if (s->allocators[i] == c->allocator) {
			return;
		}
	}
	if (s->nallocators == MAX_RANGES) {
		s->out_of_bounds = true;
		return;
	}
	s->allocators[s->nallocators++] = c->allocator;
	if (!writable(s->ctx->snap, c->allocator) ||
	    mm_target_read(s->ctx->target, c->allocator, w, sizeof(w))) {
		return;
	}
	begin = w[L->bpa_begin];
	size = w[L->bpa_size];
	if (w[L->bpa_page_size] != L->page_size || begin % 4096 || size % 4096 || !size ||
	    size > MAX_CODE_RANGE || begin + size < begin || c->start < begin ||
	    c->start + c->size > begin + size) {
		mm_debug(s->ctx, "v8", "allocator %#llx of code chunk %#llx: no code range",
			 (unsigned long long)c->allocator, (unsigned long long)c->start);
		return;
	}
	s->ranges[s->nranges][0] = begin;
	s->ranges[s->nranges][1] = begin + size;
	s->nranges++;
}

/* The end of the mappings that follow one another without a gap from
 * mapping i on: a chunk may span several (its guard pages, its code).
 * Every mapping of a run shares its end: found once a run, so the scan
 * stays linear in the mappings. */
static uint64_t run_end(struct scan *s, size_t i)
{
	const struct mm_snapshot *snap = s->ctx->snap;
	size_t j = i;

	if (s->run_valid && i >= s->run_first && i <= s->run_last) {
		return s->run_end;
	}
	while (j + 1 < snap->nmappings && snap->mappings[j + 1].start == snap->mappings[j].end) {
		j++;
	}
	s->run_valid = true;
	s->run_first = i;
	s->run_last = j;
	s->run_end = snap->mappings[j].end;
	return s->run_end;
}

/* A page of the shared read-only heap: no pointer leads to it from
 * outside V8's globals, so only its header's agreement with a read-only
 * mapping tells it (a heuristic). */
static int read_only_page(struct scan *s, size_t i, const uint64_t w[MM_V8_HEADER_WORDS],
			  uint64_t a, uint64_t *next)
{
	struct mm_v8_chunk c;

	if (s->ctx->snap->mappings[i].perms[1] == 'w' ||
	    !mm_v8_read_only_check(s->lay, w, a, run_end(s, i), &c)) {
		return 0;
	}
	s->read_only += c.size;
	*next = s->chunk_end = c.start + c.size;
	return mm_snapshot_label(s->ctx->snap, c.start, c.start + c.size, MM_V8_HEAP,
				 MM_HOW_HEURISTIC, "read_only_space", MM_ONLY_ANON);
}

/* Reads the candidate at a in mapping i; labels it when it is a chunk and
 * sets *next to the chunk's end (0 when a is none).  Returns 0 or
 * -ENOMEM. */
static int try_chunk(struct scan *s, size_t i, uint64_t a, uint64_t *next)
{
	const struct mm_v8_layout *L = s->lay;
	uint64_t w[MM_V8_HEADER_WORDS];
	const struct owner *o;
	struct mm_v8_chunk c;
	bool code;

	*next = 0;
	if (mm_target_read(s->ctx->target, a, w, sizeof(w))) {
		return 0;
	}
	if (!mm_v8_chunk_check(L, w, a, run_end(s, i), &c)) {
		return read_only_page(s, i, w, a, next);
	}
	if (!(o = owner_of(s, c.owner, c.heap))) {
		return 0;
	}
	code = L->code_spaces & (1ULL << o->id);
	if (code && c.allocator) {
		code_range_of(s, &c);
	}
	((struct owner *)o)->labelled += c.size;
	s->chunks++;
	*next = s->chunk_end = c.start + c.size;
	return mm_snapshot_label(s->ctx->snap, c.start, c.start + c.size,
				 code ? MM_V8_CODE : MM_V8_HEAP, MM_HOW_RUNTIME,
				 L->space_names[o->id], MM_ONLY_ANON);
}

static int scan_mapping(struct scan *s, size_t i)
{
	const struct mm_mapping *m = &s->ctx->snap->mappings[i];
	uint64_t page = s->lay->page_size;
	uint64_t from = m->start > s->chunk_end ? m->start : s->chunk_end;
	uint64_t a = (from + page - 1) & ~(page - 1), next;
	int rc;

	for (; a < m->end && a + MM_V8_HEADER_WORDS * 8 <= m->end; a += page) {
		if (++s->candidates > MAX_CANDIDATES) {
			s->out_of_bounds = true;
			return 0;
		}
		rc = try_chunk(s, i, a, &next);
		if (rc) {
			return rc;
		}
		if (next > a) {		/* past the chunk, still aligned */
			a = ((next + page - 1) & ~(page - 1)) - page;
		}
	}
	return 0;
}

static void debug_spaces(const struct scan *s)
{
	for (size_t i = 0; i < s->nowners; i++) {
		const struct owner *o = &s->owners[i];

		if (o->ok) {
			mm_debug(s->ctx, "v8", "space %#llx %s of heap %#llx: committed %llu, "
				 "chunks found %llu", (unsigned long long)o->addr,
				 s->lay->space_names[o->id], (unsigned long long)o->heap,
				 (unsigned long long)o->committed,
				 (unsigned long long)o->labelled);
		}
	}
}

/* The spaces' own counts beside the pages found, by space id, into the
 * snapshot's runtime (the summary and JSON show them). */
static void keep_totals(const struct scan *s, struct mm_v8_heap *out)
{
	const struct mm_v8_layout *L = s->lay;
	uint64_t heaps[MAX_OWNERS];
	size_t nheaps = 0;

	*out = (struct mm_v8_heap){ 0 };
	for (size_t i = 0; i < L->nspaces && i < MM_V8_SPACES; i++) {
		snprintf(out->space[i].name, sizeof(out->space[i].name), "%s", L->space_names[i]);
	}
	for (size_t i = 0; i < s->nowners; i++) {
		const struct owner *o = &s->owners[i];
		size_t h = 0;

		if (!o->ok || o->id >= MM_V8_SPACES) {
			continue;
		}
		out->space[o->id].committed += o->committed;
		out->space[o->id].pages += o->labelled;
		while (h < nheaps && heaps[h] != o->heap) {
			h++;
		}
		if (h == nheaps) {
			heaps[nheaps++] = o->heap;
		}
	}
	for (size_t i = 0; i < L->nspaces && i < MM_V8_SPACES; i++) {
		if (!strcmp(L->space_names[i], "read_only_space")) {
			out->space[i].pages += s->read_only;
		}
	}
	out->heaps = nheaps;
	out->nspaces = L->nspaces < MM_V8_SPACES ? L->nspaces : MM_V8_SPACES;
}

/* Every candidate of the readable anonymous mappings, then the code
 * ranges the code chunks led to.  Returns 0, 1 (warned) or -ENOMEM. */
static int scan(struct scan *s, const struct mm_v8_facts *f)
{
	struct mm_classify *ctx = s->ctx;
	struct mm_snapshot *snap = ctx->snap;
	const char *who = f->img ? f->img->path : "v8";
	int rc;

	for (size_t i = 0; i < snap->nmappings; i++) {
		struct mm_mapping *m = &snap->mappings[i];

		if (m->perms[0] != 'r' || !mm_mapping_is_anon_private(m)) {
			continue;
		}
		if ((rc = scan_mapping(s, i)) < 0) {
			return rc;
		}
	}
	for (size_t r = 0; r < s->nranges; r++) {
		rc = mm_snapshot_label(snap, s->ranges[r][0], s->ranges[r][1], MM_V8_CODE,
				       MM_HOW_RUNTIME, "code range", MM_ONLY_ANON);
		if (rc) {
			return rc;
		}
	}
	mm_debug(ctx, "v8", "%zu candidates, %zu chunks, %zu spaces, %zu code ranges, "
		 "read-only pages of %llu bytes", s->candidates, s->chunks, s->nowners, s->nranges,
		 (unsigned long long)s->read_only);
	debug_spaces(s);
	if (s->chunks) {
		keep_totals(s, &snap->runtime.v8);
	}
	if (s->out_of_bounds) {
		return mm_snapshot_warn(snap, "%s: V8's heap is larger than memmap reads (%u "
					"pages, %u spaces): the rest stays anon", who,
					MAX_CANDIDATES, MAX_OWNERS) ? -ENOMEM : 1;
	}
	if (!s->chunks) {
		return mm_snapshot_warn(snap, "%s: V8 %s: no heap page held together: its "
					"pages stay anon", who, f->version)
			       ? -ENOMEM : 1;
	}
	return 0;
}

int mm_label_v8(struct mm_classify *ctx)
{
	const struct mm_v8_facts *f = ctx->v8;
	struct mm_snapshot *snap = ctx->snap;
	struct scan *s;
	int rc;

	if (!f) {
		return 0;
	}
	if (!f->lay) {
		return mm_snapshot_warn(snap, "%s: V8 %s: its heap layout is not known to "
					"memmap: its pages and code range are not read, they "
					"stay anon", f->img ? f->img->path : "v8",
					f->version[0] ? f->version : "of unknown version")
			       ? -ENOMEM : 1;
	}
	if (!mm_target_has_memory(ctx->target)) {
		return mm_v8_label_shape(ctx, f->lay, f->img ? f->img->path : NULL);
	}
	if (!(s = calloc(1, sizeof(*s)))) {
		return -ENOMEM;
	}
	s->ctx = ctx;
	s->lay = f->lay;
	rc = scan(s, f);
	free(s);
	return rc;
}
