/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model.c: the snapshot's lifetime, relabelling of address ranges, and the
 * sums (region shares, categories, totals) computed once labelling is done. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "util/grow.h"
#include "util/report.h"

const char *const mm_go_memstat_names[MM_MS_COUNT] = {
	"Sys", "HeapSys", "HeapInuse", "HeapIdle", "HeapReleased", "HeapAlloc",
	"StackInuse", "StackSys", "MSpanInuse", "MSpanSys", "MCacheInuse", "MCacheSys",
	"BuckHashSys", "GCSys", "OtherSys", "NextGC", "NumGC",
};

const char *const mm_go_metric_names[MM_GM_COUNT] = {
	"/memory/classes/heap/free:bytes", "/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/released:bytes", "/memory/classes/heap/stacks:bytes",
	"/memory/classes/heap/unused:bytes", "/memory/classes/metadata/mcache/free:bytes",
	"/memory/classes/metadata/mcache/inuse:bytes", "/memory/classes/metadata/mspan/free:bytes",
	"/memory/classes/metadata/mspan/inuse:bytes", "/memory/classes/metadata/other:bytes",
	"/memory/classes/os-stacks:bytes", "/memory/classes/other:bytes",
	"/memory/classes/profiling/buckets:bytes", "/memory/classes/total:bytes",
};

#define COUNTER_FIELDS (sizeof(struct mm_counters) / sizeof(uint64_t))
_Static_assert(sizeof(struct mm_counters) % sizeof(uint64_t) == 0,
	       "mm_counters must hold only uint64_t fields");

struct mm_snapshot *mm_snapshot_create(void)
{
	return calloc(1, sizeof(struct mm_snapshot));
}

static void free_regions(struct mm_mapping *m)
{
	for (size_t i = 0; i < m->nregions; i++) {
		free(m->regions[i].detail);
	}
	free(m->regions);
	m->regions = NULL;
	m->nregions = 0;
}

void mm_snapshot_clear_mappings(struct mm_snapshot *snap)
{
	for (size_t i = 0; i < snap->nmappings; i++) {
		struct mm_mapping *m = &snap->mappings[i];

		free_regions(m);
		free(m->path);
	}
	snap->nmappings = 0;
}

void mm_snapshot_destroy(struct mm_snapshot *snap)
{
	if (!snap) {
		return;
	}
	mm_snapshot_clear_mappings(snap);
	free(snap->mappings);
	for (size_t i = 0; i < snap->texts_alloc; i++) {
		free(snap->texts[i]);
	}
	free(snap->texts);
	for (size_t i = 0; i < snap->nwarnings; i++) {
		free(snap->warnings[i]);
	}
	free(snap->warnings);
	for (size_t i = 0; i < snap->nsymbols; i++) {
		free(snap->symbols[i].name);
		free(snap->symbols[i].image);
	}
	free(snap->symbols);
	free(snap->comm);
	free(snap->exe);
	free(snap->time);
	free(snap->kernel);
	free(snap->runtime.lang);
	free(snap->runtime.version);
	free(snap->runtime.module);
	mm_identity_finish(&snap->identity);
	free(snap);
}

void mm_identity_finish(struct mm_identity *id)
{
	free(id->cmdline);
	free(id->user);
	free(id->cgroup);
	free(id->unit);
	free(id->container_id);
	free(id->hostname);
	*id = (struct mm_identity){ .uid = -1 };
}

struct mm_mapping *mm_snapshot_add_mapping(struct mm_snapshot *snap)
{
	if (mm_grow(&snap->mappings, &snap->mappings_alloc, snap->nmappings + 1,
		    sizeof(*snap->mappings))) {
		return NULL;
	}
	struct mm_mapping *m = &snap->mappings[snap->nmappings++];

	memset(m, 0, sizeof(*m));
	return m;
}

static uint64_t text_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	}
	return h;
}

/* The slot of the len bytes at s in texts (cap a power of two): where
 * they are, or the empty slot where they belong. */
static char **text_slot(char **texts, size_t cap, const char *s, size_t len)
{
	size_t i = (size_t)text_hash(s, len) & (cap - 1);

	while (texts[i] && (strncmp(texts[i], s, len) || texts[i][len])) {
		i = (i + 1) & (cap - 1);
	}
	return &texts[i];
}

/* Doubles the table, kept at most half full. */
static int grow_texts(struct mm_snapshot *snap)
{
	size_t cap = snap->texts_alloc ? snap->texts_alloc * 2 : 16;
	char **texts = calloc(cap, sizeof(*texts));

	if (!texts) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < snap->texts_alloc; i++) {
		if (snap->texts[i]) {
			*text_slot(texts, cap, snap->texts[i], strlen(snap->texts[i])) =
				snap->texts[i];
		}
	}
	free(snap->texts);
	snap->texts = texts;
	snap->texts_alloc = cap;
	return 0;
}

const char *mm_snapshot_text(struct mm_snapshot *snap, const char *s, size_t len)
{
	char **slot;

	/* A text is a C string: bytes from /proc past a NUL are not part of
	 * it (and comparing them would read past the shorter copy kept). */
	len = strnlen(s, len);
	if ((snap->ntexts + 1) * 2 > snap->texts_alloc && grow_texts(snap)) {
		return NULL;
	}
	slot = text_slot(snap->texts, snap->texts_alloc, s, len);
	if (!*slot) {
		if (!(*slot = strndup(s, len))) {
			return NULL;
		}
		snap->ntexts++;
	}
	return *slot;
}

static int dup_detail(const char *detail, char **out)
{
	*out = NULL;
	if (detail && !(*out = strdup(detail))) {
		return -ENOMEM;
	}
	return 0;
}

int mm_mapping_reset_regions(struct mm_mapping *m, enum mm_label label,
			     enum mm_how how, const char *detail)
{
	free_regions(m);
	m->regions = calloc(1, sizeof(*m->regions));
	if (!m->regions) {
		return -ENOMEM;
	}
	m->nregions = 1;
	m->regions[0] = (struct mm_region){
		.start = m->start, .end = m->end, .label = label, .how = how,
	};
	return dup_detail(detail, &m->regions[0].detail);
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Appends a piece of a region to out[], merging it into the previous piece
 * when nothing tells them apart.  Takes ownership of detail. */
static void push_piece(struct mm_region *out, size_t *n, uint64_t start,
		       uint64_t end, enum mm_label label, enum mm_how how,
		       char *detail)
{
	struct mm_region *prev = *n ? &out[*n - 1] : NULL;

	if (start >= end) {
		free(detail);
		return;
	}
	if (prev && prev->end == start && prev->label == label &&
	    prev->how == how && same_text(prev->detail, detail)) {
		prev->end = end;
		free(detail);
		return;
	}
	out[(*n)++] = (struct mm_region){
		.start = start, .end = end, .label = label, .how = how,
		.detail = detail,
	};
}

int mm_mapping_label(struct mm_mapping *m, uint64_t start, uint64_t end,
		     enum mm_label label, enum mm_how how, const char *detail,
		     unsigned int flags)
{
	if (start < m->start) {
		start = m->start;
	}
	if (end > m->end) {
		end = m->end;
	}
	if (start >= end) {
		return 0;
	}
	if (!m->nregions) {
		int rc = mm_mapping_reset_regions(m, MM_ANON, MM_HOW_KERNEL, NULL);

		if (rc) {
			return rc;
		}
	}

	/* One region can become three; every other is replaced in place. */
	struct mm_region *out = calloc(m->nregions + 2, sizeof(*out));
	size_t n = 0;

	if (!out) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->nregions; i++) {
		struct mm_region *r = &m->regions[i];
		uint64_t s = r->start > start ? r->start : start;
		uint64_t e = r->end < end ? r->end : end;
		bool hit = s < e && !((flags & MM_ONLY_ANON) && r->label != MM_ANON);
		char *before = NULL, *mid = NULL, *after = NULL;

		if (!hit) {
			push_piece(out, &n, r->start, r->end, r->label, r->how, r->detail);
			r->detail = NULL;
			continue;
		}
		if ((r->start < s && dup_detail(r->detail, &before)) ||
		    dup_detail(detail, &mid) ||
		    (e < r->end && dup_detail(r->detail, &after))) {
			free(before);
			free(mid);
			goto nomem;
		}
		push_piece(out, &n, r->start, s, r->label, r->how, before);
		push_piece(out, &n, s, e, label, how, mid);
		push_piece(out, &n, e, r->end, r->label, r->how, after);
	}
	free_regions(m);
	m->regions = out;
	m->nregions = n;
	return 0;
nomem:
	for (size_t i = 0; i < n; i++) {
		free(out[i].detail);
	}
	free(out);
	return -ENOMEM;
}

/* Index of the first mapping whose end lies above addr. */
static size_t first_ending_above(const struct mm_snapshot *snap, uint64_t addr)
{
	size_t lo = 0, hi = snap->nmappings;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (snap->mappings[mid].end <= addr) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

int mm_snapshot_label(struct mm_snapshot *snap, uint64_t start, uint64_t end,
		      enum mm_label label, enum mm_how how, const char *detail,
		      unsigned int flags)
{
	for (size_t i = first_ending_above(snap, start);
	     i < snap->nmappings && snap->mappings[i].start < end; i++) {
		int rc = mm_mapping_label(&snap->mappings[i], start, end, label,
					  how, detail, flags);

		if (rc) {
			return rc;
		}
	}
	return 0;
}

struct mm_mapping *mm_snapshot_find(const struct mm_snapshot *snap, uint64_t addr)
{
	size_t i = first_ending_above(snap, addr);

	if (i < snap->nmappings && snap->mappings[i].start <= addr) {
		return &snap->mappings[i];
	}
	return NULL;
}

int mm_snapshot_add_symbol(struct mm_snapshot *snap, const struct mm_symbol *sym)
{
	struct mm_symbol *more = reallocarray(snap->symbols, snap->nsymbols + 1, sizeof(*more));
	struct mm_symbol copy = *sym;

	if (!more) {
		return -ENOMEM;
	}
	snap->symbols = more;
	copy.name = strdup(sym->name ? sym->name : "");
	copy.image = strdup(sym->image ? sym->image : "");
	if (!copy.name || !copy.image) {
		free(copy.name);
		free(copy.image);
		return -ENOMEM;
	}
	snap->symbols[snap->nsymbols++] = copy;
	return 0;
}

const struct mm_symbol *mm_snapshot_symbol_at(const struct mm_snapshot *snap, uint64_t addr)
{
	for (size_t i = 0; i < snap->nsymbols; i++) {
		const struct mm_symbol *s = &snap->symbols[i];

		if (addr >= s->addr && addr < s->addr + (s->size ? s->size : 1)) {
			return s;
		}
	}
	return NULL;
}

int mm_snapshot_warn(struct mm_snapshot *snap, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = mm_strv_vappendf(&snap->warnings, &snap->nwarnings, fmt, ap);
	va_end(ap);
	return rc;
}

static void add_counters(struct mm_counters *sum, const struct mm_counters *c)
{
	uint64_t *s = (uint64_t *)sum;
	const uint64_t *v = (const uint64_t *)c;

	for (size_t i = 0; i < COUNTER_FIELDS; i++) {
		s[i] += v[i];
	}
}

/* The weight of a region's share: the bytes pagemap found present (or
 * swapped) when every region was measured and they add up to anything,
 * else the region's size. */
static uint64_t weight(const struct mm_region *r, bool swap, bool measured)
{
	if (!measured) {
		return r->end - r->start;
	}
	return swap ? r->swapped_bytes : r->present_bytes;
}

static bool measured_total(const struct mm_mapping *m, bool swap, uint64_t *bytes)
{
	*bytes = 0;
	for (size_t r = 0; r < m->nregions; r++) {
		if (!m->regions[r].measured) {
			return false;
		}
		*bytes += swap ? m->regions[r].swapped_bytes : m->regions[r].present_bytes;
	}
	return *bytes > 0;
}

/* Shares the mapping's counters among its regions in proportion to the
 * weights; the last region takes the rounding remainder so the shares add
 * up to the mapping's own numbers. */
static void apportion(struct mm_mapping *m)
{
	const uint64_t *total = (const uint64_t *)&m->c;
	uint64_t given[COUNTER_FIELDS] = { 0 };
	uint64_t present, swapped;
	bool by_present = measured_total(m, false, &present);
	bool by_swapped = measured_total(m, true, &swapped);
	bool exact = m->nregions == 1 || m->c.rss == 0 ||
		     (by_present && present == m->c.rss);

	if (m->nregions == 1) {		/* most mappings: all of it */
		m->regions[0].c = m->c;
		m->regions[0].rss_exact = true;
		return;
	}

	for (size_t r = 0; r < m->nregions; r++) {
		struct mm_region *reg = &m->regions[r];
		uint64_t *share = (uint64_t *)&reg->c;
		bool last = r + 1 == m->nregions;

		reg->rss_exact = exact;
		for (size_t i = 0; i < COUNTER_FIELDS; i++) {
			bool swap = i == offsetof(struct mm_counters, swap) / sizeof(uint64_t) ||
				    i == offsetof(struct mm_counters, swap_pss) / sizeof(uint64_t);
			bool pages = swap ? by_swapped : by_present;
			uint64_t whole = swap ? swapped : present;
			uint64_t w = weight(reg, swap, pages);
			uint64_t of = pages ? whole : mm_mapping_size(m);

			share[i] = last ? total[i] - given[i] :
				   (uint64_t)((unsigned __int128)total[i] * w / of);
			given[i] += share[i];
		}
	}
}

void mm_snapshot_finish(struct mm_snapshot *snap)
{
	memset(&snap->totals, 0, sizeof(snap->totals));
	memset(snap->categories, 0, sizeof(snap->categories));
	snap->total_vsz = snap->total_reserved = 0;

	for (size_t i = 0; i < snap->nmappings; i++) {
		struct mm_mapping *m = &snap->mappings[i];

		if (!m->nregions) {
			mm_mapping_reset_regions(m, MM_ANON, MM_HOW_KERNEL, NULL);
		}
		apportion(m);
		add_counters(&snap->totals, &m->c);
		snap->total_vsz += mm_mapping_size(m);
		if (mm_mapping_is_reserved(m)) {
			snap->total_reserved += mm_mapping_size(m);
		}
		for (size_t r = 0; r < m->nregions; r++) {
			const struct mm_region *reg = &m->regions[r];
			struct mm_category *cat = &snap->categories[reg->label];

			cat->vsz += reg->end - reg->start;
			if (mm_mapping_is_reserved(m)) {
				cat->reserved += reg->end - reg->start;
			}
			cat->rss += reg->c.rss;
			cat->pss += reg->c.pss;
			cat->swap += reg->c.swap;
			cat->dirty += reg->c.private_dirty + reg->c.shared_dirty;
			cat->uss += reg->c.private_clean + reg->c.private_dirty;
			cat->regions++;
		}
	}
}

void mm_snapshot_coverage(const struct mm_snapshot *snap, double *vsz, double *rss)
{
	const struct mm_category *anon = &snap->categories[MM_ANON];

	*vsz = snap->total_vsz ? 1.0 - (double)anon->vsz / (double)snap->total_vsz : 1.0;
	*rss = snap->totals.rss ? 1.0 - (double)anon->rss / (double)snap->totals.rss : 1.0;
}

bool mm_mapping_has_flag(const struct mm_mapping *m, const char *flag)
{
	size_t len = strlen(flag);

	for (const char *p = m->vm_flags; p && (p = strstr(p, flag)); p += len) {
		if ((p == m->vm_flags || p[-1] == ' ') && (p[len] == ' ' || !p[len])) {
			return true;
		}
	}
	return false;
}
