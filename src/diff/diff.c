/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diff.c: compares two snapshots.  Per label, the sums; per region, what
 * appeared, vanished, grew, shrank or changed protection.  Regions of the
 * two sides are matched when they overlap and carry the same label and the
 * same file (or both none): connected matches form one change, so a Go
 * arena whose reservation is committed page by page, or a heap extended
 * with brk, reads as one region that grew even though the kernel split or
 * merged the mappings behind it.  Also writes the diff as JSON. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff.h"
#include "util/format.h"
#include "util/output.h"
#include "util/report.h"
#include "emit/json_out.h"
#include "memmap-config.h"

static const char *const kind_names[MM_CHANGE_COUNT] = {
	[MM_CHANGE_APPEARED] = "appeared",
	[MM_CHANGE_VANISHED] = "vanished",
	[MM_CHANGE_GREW] = "grew",
	[MM_CHANGE_SHRANK] = "shrank",
	[MM_CHANGE_PROTECTION] = "protection",
};

const char *mm_change_kind_name(enum mm_change_kind kind)
{
	return kind < MM_CHANGE_COUNT ? kind_names[kind] : "?";
}

/* A region with the mapping it belongs to. */
struct ref {
	const struct mm_mapping *m;
	const struct mm_region *r;
};

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Same label, same file: the two regions can be one thing seen twice. */
static bool same_kind(const struct ref *a, const struct ref *b)
{
	return a->r->label == b->r->label && same_text(a->m->path, b->m->path) &&
	       a->m->inode == b->m->inode && a->m->dev_major == b->m->dev_major &&
	       a->m->dev_minor == b->m->dev_minor;
}

/* glibc's heaps for its non-main arenas are HEAP_MAX_SIZE (64 MiB on
 * 64-bit) allocations aligned to their size: one that starts where another
 * ends is a new arena (appeared), not the old one grown. */
enum { GLIBC_HEAP_MAX = 64 << 20 };

static bool arena_start(const struct ref *x)
{
	return x->r->label == MM_GLIBC_ARENA && x->r->start % GLIBC_HEAP_MAX == 0;
}

static size_t find(size_t *parent, size_t i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

static void unite(size_t *parent, size_t a, size_t b)
{
	a = find(parent, a);
	b = find(parent, b);
	if (a != b) {
		/* The smaller index stays the root: keeps results stable. */
		if (a < b) {
			parent[b] = a;
		} else {
			parent[a] = b;
		}
	}
}

static int collect(const struct mm_snapshot *s, struct ref **out, size_t *n)
{
	size_t count = 0, k = 0;

	for (size_t i = 0; i < s->nmappings; i++) {
		count += s->mappings[i].nregions;
	}
	*out = calloc(count ? count : 1, sizeof(**out));
	if (!*out) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->nmappings; i++) {
		for (size_t r = 0; r < s->mappings[i].nregions; r++) {
			(*out)[k++] = (struct ref){ &s->mappings[i],
						    &s->mappings[i].regions[r] };
		}
	}
	*n = count;
	return 0;
}

/* "rw-p,---p": each side's protections in address order, repeats folded;
 * ",..." once there is no room for more. */
static void add_perms(struct mm_diff_range *rg, const char *perms)
{
	size_t len = strlen(rg->perms);

	if ((len >= 4 && strncmp(rg->perms + len - 4, perms, 4) == 0) ||
	    (len >= 3 && strcmp(rg->perms + len - 3, "...") == 0)) {
		return;
	}
	/* Room for ",rw-p" and a ",..." after it, or only for the ",...". */
	if (len + 5 + 4 + 1 > sizeof(rg->perms)) {
		strcat(rg->perms, ",...");
		return;
	}
	snprintf(rg->perms + len, sizeof(rg->perms) - len, "%s%.4s",
		 len ? "," : "", perms);
}

static void add_to_range(struct mm_diff_range *rg, bool first, const struct ref *x)
{
	uint64_t size = x->r->end - x->r->start;

	if (first) {
		rg->start = x->r->start;
	}
	rg->end = x->r->end;
	rg->vsz += size;
	if (mm_mapping_is_reserved(x->m)) {
		rg->reserved += size;
	}
	rg->rss += x->r->c.rss;
	rg->pss += x->r->c.pss;
	rg->swap += x->r->c.swap;
	add_perms(rg, x->m->perms);
}

static int64_t delta(uint64_t before, uint64_t after)
{
	return (int64_t)(after - before);
}

static uint64_t mag(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static enum mm_change_kind by_sign(int64_t v)
{
	return v < 0 ? MM_CHANGE_SHRANK : MM_CHANGE_GREW;
}

/* Fills in kind and deltas; returns how big the change is (0: none). */
static uint64_t classify_change(struct mm_diff_change *c)
{
	struct mm_diff_range *b = &c->before, *a = &c->after;

	c->dvsz = delta(b->vsz, a->vsz);
	c->dreserved = delta(b->reserved, a->reserved);
	c->drss = delta(b->rss, a->rss);
	c->dpss = delta(b->pss, a->pss);
	c->dswap = delta(b->swap, a->swap);
	if (!c->has_before) {
		c->kind = MM_CHANGE_APPEARED;
		return a->vsz > a->rss ? a->vsz : a->rss;
	}
	if (!c->has_after) {
		c->kind = MM_CHANGE_VANISHED;
		return b->vsz > b->rss ? b->vsz : b->rss;
	}

	int64_t dcommit = c->dvsz - c->dreserved;
	uint64_t size = mag(c->drss);

	if (mag(c->dvsz) > size) {
		size = mag(c->dvsz);
	}
	if (mag(dcommit) > size) {
		size = mag(dcommit);
	}
	if (c->protection > size) {
		size = c->protection;
	}
	if (mag(c->dswap) > size) {
		size = mag(c->dswap);
	}
	/* Residency decides the direction: what the user pays for. */
	if (c->drss) {
		c->kind = by_sign(c->drss);
	} else if (dcommit) {
		c->kind = by_sign(dcommit);
	} else if (c->dvsz) {
		c->kind = by_sign(c->dvsz);
	} else if (c->protection) {
		c->kind = MM_CHANGE_PROTECTION;
	} else if (c->dswap) {
		c->kind = by_sign(c->dswap);
	} else {
		/* Nothing the process pays for changed (a region that only
		 * moved, as by mremap, keeps its size and residency). */
		return 0;
	}
	return size;
}

/* Resident memory changes by whole pages.  Less than a page of RSS in a
 * region whose counters are shares of its mapping's is the sharing, not
 * the region: a page that two regions share, or a neighbour's growth. */
static bool apportioning_noise(const struct mm_diff *d, const struct mm_diff_change *c,
			       bool inexact)
{
	uint64_t page = mm_snapshot_page_size(d->after);

	return inexact && c->has_before && c->has_after && c->dvsz == 0 &&
	       c->dreserved == 0 && c->protection == 0 && mag(c->drss) < page &&
	       mag(c->dswap) < page;
}

static int cmp_change(const void *pa, const void *pb)
{
	const struct mm_diff_change *a = pa, *b = pb;

	if (mag(a->drss) != mag(b->drss)) {
		return mag(a->drss) > mag(b->drss) ? -1 : 1;
	}
	if (mag(a->dvsz) != mag(b->dvsz)) {
		return mag(a->dvsz) > mag(b->dvsz) ? -1 : 1;
	}
	if (a->start != b->start) {
		return a->start < b->start ? -1 : 1;
	}
	return (int)a->label - (int)b->label;
}

static int cmp_category(const void *pa, const void *pb)
{
	const struct mm_diff_category *a = pa, *b = pb;

	if (mag(a->drss) != mag(b->drss)) {
		return mag(a->drss) > mag(b->drss) ? -1 : 1;
	}
	if (mag(a->dvsz) != mag(b->dvsz)) {
		return mag(a->dvsz) > mag(b->dvsz) ? -1 : 1;
	}
	if (mag(a->dpss) != mag(b->dpss)) {
		return mag(a->dpss) > mag(b->dpss) ? -1 : 1;
	}
	return (int)a->label - (int)b->label;
}

/* Components, in order: idx[] sorted by (root, index) puts each
 * component's before regions, then its after regions, in address order. */
static int cmp_member(const void *pa, const void *pb, void *arg)
{
	const size_t *parent = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

	if (parent[a] != parent[b]) {
		return parent[a] < parent[b] ? -1 : 1;
	}
	return a < b ? -1 : a > b;
}

static int compare_regions(struct mm_diff *d, const struct ref *bef, size_t nb,
			   const struct ref *aft, size_t na)
{
	size_t n = nb + na;
	size_t *parent = malloc((n ? n : 1) * sizeof(*parent));
	size_t *idx = malloc((n ? n : 1) * sizeof(*idx));
	uint64_t *prot = calloc(nb ? nb : 1, sizeof(*prot));
	int rc = -ENOMEM;

	if (!parent || !idx || !prot) {
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		parent[i] = i;
		idx[i] = i;
	}
	/* Both sides are sorted and their regions disjoint: one merge pass
	 * meets every overlapping pair. */
	for (size_t i = 0, j = 0; i < nb && j < na;) {
		const struct ref *b = &bef[i], *a = &aft[j];
		uint64_t s = b->r->start > a->r->start ? b->r->start : a->r->start;
		uint64_t e = b->r->end < a->r->end ? b->r->end : a->r->end;

		if (s < e && same_kind(b, a)) {
			unite(parent, i, nb + j);
			if (strncmp(b->m->perms, a->m->perms, 4) != 0) {
				prot[i] += e - s;
			}
		}
		if (b->r->end <= a->r->end) {
			i++;
		} else {
			j++;
		}
	}
	/* One allocation the kernel split by protection (a glibc arena's
	 * committed part and its PROT_NONE rest, a Go arena) is one thing on
	 * each side.  Same protection would have merged, so those stay apart. */
	for (size_t side = 0; side < 2; side++) {
		const struct ref *x = side ? aft : bef;
		size_t nx = side ? na : nb, base = side ? nb : 0;

		for (size_t i = 0; i + 1 < nx; i++) {
			if (x[i].m != x[i + 1].m && x[i].r->end == x[i + 1].r->start &&
			    strncmp(x[i].m->perms, x[i + 1].m->perms, 4) != 0 &&
			    same_kind(&x[i], &x[i + 1]) && !arena_start(&x[i + 1])) {
				unite(parent, base + i, base + i + 1);
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		parent[i] = find(parent, i);
	}
	qsort_r(idx, n, sizeof(*idx), cmp_member, parent);

	d->changes = calloc(n ? n : 1, sizeof(*d->changes));
	if (!d->changes) {
		goto out;
	}
	for (size_t k = 0; k < n;) {
		struct mm_diff_change *c = &d->changes[d->nchanges];
		size_t root = parent[idx[k]];
		bool inexact = false;
		uint64_t size;

		memset(c, 0, sizeof(*c));
		for (; k < n && parent[idx[k]] == root; k++) {
			size_t i = idx[k];
			bool after = i >= nb;
			const struct ref *x = after ? &aft[i - nb] : &bef[i];

			if (after) {
				add_to_range(&c->after, !c->has_after, x);
				c->has_after = true;
				c->path = x->m->path;
				c->deleted = x->m->deleted;
			} else {
				add_to_range(&c->before, !c->has_before, x);
				c->has_before = true;
				c->protection += prot[i];
				if (!c->has_after) {
					c->path = x->m->path;
					c->deleted = x->m->deleted;
				}
			}
			c->label = x->r->label;
			inexact |= !x->r->rss_exact;
		}
		c->start = c->has_before ? c->before.start : c->after.start;
		c->end = c->has_before ? c->before.end : c->after.end;
		if (c->has_after && c->after.start < c->start) {
			c->start = c->after.start;
		}
		if (c->has_after && c->after.end > c->end) {
			c->end = c->after.end;
		}
		size = classify_change(c);
		if (size == 0) {
			continue;
		}
		if (size < d->threshold || apportioning_noise(d, c, inexact)) {
			d->hidden++;
			continue;
		}
		d->nchanges++;
	}
	qsort(d->changes, d->nchanges, sizeof(*d->changes), cmp_change);
	rc = 0;
out:
	free(parent);
	free(idx);
	free(prot);
	return rc;
}

static void totals(const struct mm_snapshot *s, struct mm_diff_totals *t)
{
	t->vsz = s->total_vsz;
	t->rss = s->totals.rss;
	t->pss = s->totals.pss;
	t->swap = s->totals.swap;
}

static int compare_categories(struct mm_diff *d)
{
	uint64_t min = d->threshold ? d->threshold : 1;

	d->categories = calloc(MM_LABEL_COUNT, sizeof(*d->categories));
	if (!d->categories) {
		return -ENOMEM;
	}
	for (int l = 0; l < MM_LABEL_COUNT; l++) {
		const struct mm_category *b = &d->before->categories[l];
		const struct mm_category *a = &d->after->categories[l];
		struct mm_diff_category *c = &d->categories[d->ncategories];

		*c = (struct mm_diff_category){
			.label = (enum mm_label)l,
			.before = { b->vsz, b->rss, b->pss },
			.after = { a->vsz, a->rss, a->pss },
			.dvsz = delta(b->vsz, a->vsz),
			.drss = delta(b->rss, a->rss),
			.dpss = delta(b->pss, a->pss),
		};
		if (mag(c->dvsz) >= min || mag(c->drss) >= min ||
		    mag(c->dpss) >= min) {
			d->ncategories++;
		}
	}
	qsort(d->categories, d->ncategories, sizeof(*d->categories), cmp_category);
	return 0;
}

/* The Go runtime's own numbers beside the labels: the fields that moved. */
static void compare_memstats(struct mm_diff *d)
{
	const struct mm_go_memstats *b = &d->before->runtime.memstats;
	const struct mm_go_memstats *a = &d->after->runtime.memstats;
	uint64_t min = d->threshold ? d->threshold : 1;

	d->has_memstats = b->valid && a->valid;
	for (int f = 0; d->has_memstats && f < MM_MS_COUNT; f++) {
		int64_t dv = delta(b->v[f], a->v[f]);

		if (dv && (f == MM_MS_NUM_GC || mag(dv) >= min)) {
			d->memstats[d->nmemstats++] = (struct mm_diff_memstat){
				(enum mm_go_memstat)f, b->v[f], a->v[f], dv };
		}
	}
}

__attribute__((format(printf, 2, 3)))
static int warn(struct mm_diff *d, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = mm_strv_vappendf(&d->warnings, &d->nwarnings, fmt, ap);
	va_end(ap);
	return rc;
}

int mm_diff_compute(const struct mm_snapshot *before,
		    const struct mm_snapshot *after, uint64_t threshold,
		    struct mm_diff **out)
{
	struct mm_diff *d = calloc(1, sizeof(*d));
	struct ref *bef = NULL, *aft = NULL;
	size_t nb = 0, na = 0;
	int rc = -ENOMEM;

	*out = NULL;
	if (!d) {
		return -ENOMEM;
	}
	d->before = before;
	d->after = after;
	d->threshold = threshold;
	if (before->pid != after->pid) {
		rc = warn(d, "comparing different processes: PID %d (%s) and "
			  "PID %d (%s)", (int)before->pid,
			  before->comm ? before->comm : "?", (int)after->pid,
			  after->comm ? after->comm : "?");
	} else if (!same_text(before->comm, after->comm)) {
		rc = warn(d, "PID %d was %s and is now %s: maybe not the same "
			  "process", (int)before->pid,
			  before->comm ? before->comm : "?",
			  after->comm ? after->comm : "?");
	} else {
		rc = 0;
	}
	if (rc || (rc = collect(before, &bef, &nb)) ||
	    (rc = collect(after, &aft, &na)) ||
	    (rc = compare_regions(d, bef, nb, aft, na)) ||
	    (rc = compare_categories(d))) {
		goto fail;
	}
	totals(before, &d->total_before);
	totals(after, &d->total_after);
	compare_memstats(d);
	free(bef);
	free(aft);
	*out = d;
	return 0;
fail:
	free(bef);
	free(aft);
	mm_diff_destroy(d);
	return rc;
}

void mm_diff_destroy(struct mm_diff *d)
{
	if (!d) {
		return;
	}
	free(d->categories);
	free(d->changes);
	for (size_t i = 0; i < d->nwarnings; i++) {
		free(d->warnings[i]);
	}
	free(d->warnings);
	free(d);
}

/* ---------------------------------------------------------------- JSON */

static void json_side(struct mm_json *j, const char *key,
		      const struct mm_snapshot *s, const char *source,
		      const struct mm_diff_totals *t)
{
	mm_json_object_open(j, key);
	mm_json_string(j, "source", source ? "file" : "live");
	mm_json_string(j, "file", source);
	mm_json_i64(j, "pid", s->pid);
	mm_json_untrusted(j, "comm", s->comm);
	mm_json_untrusted(j, "exe", s->exe);
	mm_json_string(j, "time", s->time);
	mm_json_object_open(j, "totals");
	mm_json_u64(j, "vsz", t->vsz);
	mm_json_u64(j, "rss", t->rss);
	mm_json_u64(j, "pss", t->pss);
	mm_json_u64(j, "swap", t->swap);
	mm_json_object_close(j);
	mm_json_object_close(j);
}

static void json_range(struct mm_json *j, const char *key, bool has,
		       const struct mm_diff_range *r)
{
	if (!has) {
		mm_json_null(j, key);
		return;
	}
	mm_json_object_open(j, key);
	mm_json_hex(j, "start", r->start);
	mm_json_hex(j, "end", r->end);
	mm_json_string(j, "perms", r->perms);
	mm_json_u64(j, "vsz", r->vsz);
	mm_json_u64(j, "reserved", r->reserved);
	mm_json_u64(j, "rss", r->rss);
	mm_json_u64(j, "pss", r->pss);
	mm_json_u64(j, "swap", r->swap);
	mm_json_object_close(j);
}

int mm_diff_print_json(const struct mm_diff *d, FILE *f, bool compact)
{
	const struct mm_diff_totals *tb = &d->total_before, *ta = &d->total_after;
	struct mm_json j;

	mm_json_init(&j, f);
	/* Depth 0: the whole document on one line (--watch); otherwise one
	 * line per top-level member and per category or change. */
	j.pretty_depth = compact ? 0 : 2;
	mm_json_object_open(&j, NULL);
	mm_json_string(&j, "schema", "memmap-diff/1");
	mm_json_string(&j, "tool", "memmap " MEMMAP_VERSION);
	mm_json_u64(&j, "threshold", d->threshold);
	json_side(&j, "before", d->before, d->before_source, tb);
	json_side(&j, "after", d->after, d->after_source, ta);
	mm_json_object_open(&j, "delta");
	mm_json_i64(&j, "vsz", delta(tb->vsz, ta->vsz));
	mm_json_i64(&j, "rss", delta(tb->rss, ta->rss));
	mm_json_i64(&j, "pss", delta(tb->pss, ta->pss));
	mm_json_i64(&j, "swap", delta(tb->swap, ta->swap));
	mm_json_object_close(&j);

	mm_json_array_open(&j, "categories");
	for (size_t i = 0; i < d->ncategories; i++) {
		const struct mm_diff_category *c = &d->categories[i];

		mm_json_object_open(&j, NULL);
		mm_json_string(&j, "label", mm_label_name(c->label));
		mm_json_object_open(&j, "before");
		mm_json_u64(&j, "vsz", c->before.vsz);
		mm_json_u64(&j, "rss", c->before.rss);
		mm_json_u64(&j, "pss", c->before.pss);
		mm_json_object_close(&j);
		mm_json_object_open(&j, "after");
		mm_json_u64(&j, "vsz", c->after.vsz);
		mm_json_u64(&j, "rss", c->after.rss);
		mm_json_u64(&j, "pss", c->after.pss);
		mm_json_object_close(&j);
		mm_json_object_open(&j, "delta");
		mm_json_i64(&j, "vsz", c->dvsz);
		mm_json_i64(&j, "rss", c->drss);
		mm_json_i64(&j, "pss", c->dpss);
		mm_json_object_close(&j);
		mm_json_object_close(&j);
	}
	mm_json_array_close(&j);

	mm_json_array_open(&j, "changes");
	for (size_t i = 0; i < d->nchanges; i++) {
		const struct mm_diff_change *c = &d->changes[i];

		mm_json_object_open(&j, NULL);
		mm_json_string(&j, "kind", mm_change_kind_name(c->kind));
		mm_json_string(&j, "label", mm_label_name(c->label));
		mm_json_hex(&j, "start", c->start);
		mm_json_hex(&j, "end", c->end);
		mm_json_untrusted(&j, "path", c->path);
		mm_json_bool(&j, "deleted", c->deleted);
		json_range(&j, "before", c->has_before, &c->before);
		json_range(&j, "after", c->has_after, &c->after);
		mm_json_object_open(&j, "delta");
		mm_json_i64(&j, "vsz", c->dvsz);
		mm_json_i64(&j, "reserved", c->dreserved);
		mm_json_i64(&j, "rss", c->drss);
		mm_json_i64(&j, "pss", c->dpss);
		mm_json_i64(&j, "swap", c->dswap);
		mm_json_object_close(&j);
		mm_json_u64(&j, "protection", c->protection);
		mm_json_object_close(&j);
	}
	mm_json_array_close(&j);
	mm_json_u64(&j, "hidden", d->hidden);

	if (!d->has_memstats) {
		mm_json_null(&j, "memstats");
	} else {
		mm_json_array_open(&j, "memstats");
		for (size_t i = 0; i < d->nmemstats; i++) {
			const struct mm_diff_memstat *m = &d->memstats[i];

			mm_json_object_open(&j, NULL);
			mm_json_string(&j, "field", mm_go_memstat_names[m->field]);
			mm_json_u64(&j, "before", m->before);
			mm_json_u64(&j, "after", m->after);
			mm_json_i64(&j, "delta", m->delta);
			mm_json_object_close(&j);
		}
		mm_json_array_close(&j);
	}

	mm_json_array_open(&j, "warnings");
	for (size_t i = 0; i < d->nwarnings; i++) {
		mm_json_untrusted(&j, NULL, d->warnings[i]);
	}
	mm_json_array_close(&j);
	mm_json_object_close(&j);
	putc('\n', f);
	return mm_output_flush(f);
}
