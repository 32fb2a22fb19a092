/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json_out.c: a small streaming JSON writer and the memmap/1 snapshot.
 * Writing as we go keeps 60,000 mappings from ever being a tree in memory. */
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "util/format.h"
#include "util/output.h"
#include "emit/json_out.h"
#include "memmap-config.h"

void mm_json_init(struct mm_json *j, FILE *f)
{
	memset(j, 0, offsetof(struct mm_json, out.buf));
	j->out.f = f;
	j->pretty_depth = 2;
}

/* Output goes through j->out, not stdio: -J of 60,000 mappings is some
 * ten million small writes, and stdio's per-call cost was a fifth of it. */
static void flush(struct mm_json *j)
{
	mm_outbuf_flush(&j->out);
}

static inline void put(struct mm_json *j, const void *s, size_t n)
{
	mm_outbuf_put(&j->out, s, n);
}

static inline void put_char(struct mm_json *j, char c)
{
	if (j->out.len == sizeof(j->out.buf)) {
		flush(j);
	}
	j->out.buf[j->out.len++] = c;
}

static void put_str(struct mm_json *j, const char *s)
{
	put(j, s, strlen(s));
}

/* Bytes that are written as they are: printable ASCII but '"' and '\\'. */
static bool plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* A C1 control, bidi control or zero-width character (2 or 3 bytes of
 * UTF-8) as \uXXXX: valid JSON either way, but a reader who prints the
 * value must not have the terminal or the text reordered by it. */
static void put_hidden(struct mm_json *j, const unsigned char *s, size_t n)
{
	uint32_t cp = n == 2 ? ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f)
			     : ((uint32_t)(s[0] & 0x0f) << 12) |
			       ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
	char esc[8];

	snprintf(esc, sizeof(esc), "\\u%04x", (unsigned int)cp);
	put_str(j, esc);
}

/* Writes str as a JSON string; invalid UTF-8 becomes U+FFFD.  Returns
 * false when something was replaced, so the caller can add the raw bytes. */
static bool write_string(struct mm_json *j, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = strlen(str);
	bool exact = true;

	put_char(j, '"');
	for (size_t i = 0; i < len;) {
		size_t run = i, n;
		unsigned char c;

		/* Labels, perms and most paths are plain ASCII: one copy. */
		while (run < len && plain_byte(s[run])) {
			run++;
		}
		if (run > i) {
			put(j, s + i, run - i);
			i = run;
			continue;
		}
		n = mm_utf8_seq(s + i, len - i);
		c = s[i];
		if (n == 0) {
			put_str(j, "\\ufffd");
			exact = false;
			i++;
			continue;
		}
		if (n > 1 && mm_utf8_invisible(s + i, n)) {
			put_hidden(j, s + i, n);
		} else if (n > 1) {
			put(j, s + i, n);
		} else if (c == '"' || c == '\\') {
			put_char(j, '\\');
			put_char(j, (char)c);
		} else if (c == '\n') {
			put_str(j, "\\n");
		} else if (c == '\t') {
			put_str(j, "\\t");
		} else {
			char esc[8];

			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put_str(j, esc);
		}
		i += n;
	}
	put_char(j, '"');
	return exact;
}

/* Room for n more bytes in j->out.buf (n well under its size): where to
 * write them.  The caller sets j->out.len past what it wrote. */
static char *reserve(struct mm_json *j, size_t n)
{
	if (sizeof(j->out.buf) - j->out.len < n) {
		flush(j);
	}
	return j->out.buf + j->out.len;
}

/* A newline and the indentation of depth, at o; returns the end. */
static char *line_break(char *o, int depth)
{
	*o++ = '\n';
	for (int i = 0; i < depth; i++) {
		*o++ = ' ';
		*o++ = ' ';
	}
	return o;
}

/* The most a line break takes, and a bracket or comma with it. */
#define BREAK_MAX (2 + 2 * MM_JSON_MAX_DEPTH)

/* -J writes ~40 numbers per mapping, most of them one digit (0). */
static void write_u64(struct mm_json *j, uint64_t v)
{
	char buf[24];

	if (v < 10) {
		put_char(j, (char)('0' + v));
		return;
	}
	put(j, buf, mm_format_u64(buf, v));
}

/* The comma, line break and key that come before every value, written in
 * one go (-J writes some 2.5 million of them). */
static void member(struct mm_json *j, const char *key)
{
	/* Keys are the schemas' own identifiers: short, nothing to escape. */
	size_t klen = key ? strlen(key) : 0;
	char *o;

	if (klen > 256) {
		member(j, NULL);
		put_char(j, '"');
		put(j, key, klen);
		put(j, "\":", 2);
		return;
	}
	o = reserve(j, BREAK_MAX + klen + 3);
	if (j->depth > 0) {
		if (j->has_member[j->depth]) {
			*o++ = ',';
		}
		j->has_member[j->depth] = true;
		if (j->depth <= j->pretty_depth) {
			o = line_break(o, j->depth);
		}
	}
	if (key) {
		*o++ = '"';
		memcpy(o, key, klen);
		o += klen;
		*o++ = '"';
		*o++ = ':';
	}
	j->out.len = (size_t)(o - j->out.buf);
}

static void open_container(struct mm_json *j, const char *key, char c)
{
	member(j, key);
	put_char(j, c);
	if (j->depth + 1 < MM_JSON_MAX_DEPTH) {
		j->depth++;
	}
	j->has_member[j->depth] = false;
}

/* Closing the outermost container hands everything to the FILE. */
static void close_container(struct mm_json *j, char c)
{
	bool had = j->has_member[j->depth];
	char *o = reserve(j, BREAK_MAX);

	if (j->depth > 0) {
		j->depth--;
	}
	if (had && j->depth + 1 <= j->pretty_depth) {
		o = line_break(o, j->depth);
	}
	*o++ = c;
	j->out.len = (size_t)(o - j->out.buf);
	if (j->depth == 0) {
		flush(j);
	}
}

void mm_json_object_open(struct mm_json *j, const char *key) { open_container(j, key, '{'); }
void mm_json_object_close(struct mm_json *j) { close_container(j, '}'); }
void mm_json_array_open(struct mm_json *j, const char *key) { open_container(j, key, '['); }
void mm_json_array_close(struct mm_json *j) { close_container(j, ']'); }

void mm_json_string(struct mm_json *j, const char *key, const char *value)
{
	member(j, key);
	if (value) {
		write_string(j, value);
	} else {
		put_str(j, "null");
	}
}

void mm_json_u64(struct mm_json *j, const char *key, uint64_t value)
{
	member(j, key);
	write_u64(j, value);
}

void mm_json_i64(struct mm_json *j, const char *key, int64_t value)
{
	member(j, key);
	if (value < 0) {
		put_char(j, '-');
	}
	write_u64(j, value < 0 ? -(uint64_t)value : (uint64_t)value);
}

void mm_json_hex(struct mm_json *j, const char *key, uint64_t value)
{
	char buf[24];
	size_t n;

	memcpy(buf, "\"0x", 3);
	n = 3 + mm_format_hex(buf + 3, value);

	member(j, key);
	buf[n++] = '"';
	put(j, buf, n);
}

void mm_json_double(struct mm_json *j, const char *key, double value)
{
	char buf[32];

	member(j, key);
	if (isfinite(value)) {
		snprintf(buf, sizeof(buf), "%.6g", value);
		put_str(j, buf);
	} else {
		put_str(j, "null");
	}
}

void mm_json_bool(struct mm_json *j, const char *key, bool value)
{
	member(j, key);
	put_str(j, value ? "true" : "false");
}

void mm_json_null(struct mm_json *j, const char *key)
{
	member(j, key);
	put_str(j, "null");
}

void mm_json_untrusted(struct mm_json *j, const char *key, const char *value)
{
	char hexkey[64];
	bool exact;

	member(j, key);
	if (!value) {
		put_str(j, "null");
		return;
	}
	exact = write_string(j, value);
	if (!exact && key) {
		snprintf(hexkey, sizeof(hexkey), "%s_hex", key);
		member(j, hexkey);
		put_char(j, '"');
		for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
			put_char(j, "0123456789abcdef"[*p >> 4]);
			put_char(j, "0123456789abcdef"[*p & 0xf]);
		}
		put_char(j, '"');
	}
}

static void write_status(struct mm_json *j, const struct mm_status *st)
{
	if (!st->has_status) {
		mm_json_null(j, "status");
		return;
	}
	mm_json_object_open(j, "status");
	mm_json_u64(j, "vm_size", st->vm_size);
	mm_json_u64(j, "vm_rss", st->vm_rss);
	mm_json_u64(j, "rss_anon", st->rss_anon);
	mm_json_u64(j, "rss_file", st->rss_file);
	mm_json_u64(j, "rss_shmem", st->rss_shmem);
	mm_json_u64(j, "vm_swap", st->vm_swap);
	mm_json_u64(j, "hugetlb_pages", st->hugetlb_pages);
	mm_json_u64(j, "threads", st->threads);
	mm_json_object_close(j);
}

/* Under MemStats's own names, so a program's json.Marshal of
 * runtime.MemStats compares member by member. */
static void write_memstats(struct mm_json *j, const struct mm_go_memstats *ms)
{
	if (!ms->valid) {
		mm_json_null(j, "memstats");
		return;
	}
	mm_json_object_open(j, "memstats");
	for (int i = 0; i < MM_MS_COUNT; i++) {
		mm_json_u64(j, mm_go_memstat_names[i], ms->v[i]);
	}
	mm_json_object_close(j);
}

/* Under runtime/metrics's own names ("/memory/classes/total:bytes"). */
static void write_metrics(struct mm_json *j, const struct mm_go_memstats *ms)
{
	if (!ms->valid || !ms->has_metrics) {
		mm_json_null(j, "metrics");
		return;
	}
	mm_json_object_open(j, "metrics");
	for (int i = 0; i < MM_GM_COUNT; i++) {
		mm_json_u64(j, mm_go_metric_names[i], ms->metrics[i]);
	}
	mm_json_object_close(j);
}

/* The heap arenas split by span state: one member a part, by label. */
static void write_heap_split(struct mm_json *j, const struct mm_go_heap_split *h)
{
	if (!h->valid) {
		mm_json_null(j, "heap");
		return;
	}
	mm_json_object_open(j, "heap");
	mm_json_bool(j, "measured", h->measured);
	mm_json_bool(j, "sampled", h->sampled);
	mm_json_u64(j, "unknown", h->unknown);
	mm_json_array_open(j, "parts");
	for (int i = 0; i < MM_GO_HEAP_PARTS; i++) {
		const struct mm_go_heap_part *p = &h->part[i];

		mm_json_object_open(j, NULL);
		mm_json_string(j, "label", mm_label_name((enum mm_label)(MM_GO_HEAP_OBJECTS + i)));
		mm_json_u64(j, "bytes", p->bytes);
		mm_json_u64(j, "rss", p->rss);
		mm_json_u64(j, "swap", p->swap);
		mm_json_u64(j, "spans", p->spans);
		mm_json_object_close(j);
	}
	mm_json_array_close(j);
	mm_json_object_close(j);
}

/* V8's spaces as their own objects count them, beside the pages found;
 * only where V8's heap was read. */
static void write_v8_spaces(struct mm_json *j, const struct mm_v8_heap *v8)
{
	if (!v8->nspaces) {
		return;
	}
	mm_json_u64(j, "v8_heaps", v8->heaps);
	mm_json_array_open(j, "v8_spaces");
	for (size_t i = 0; i < v8->nspaces; i++) {
		mm_json_object_open(j, NULL);
		mm_json_string(j, "name", v8->space[i].name);
		mm_json_u64(j, "committed", v8->space[i].committed);
		mm_json_u64(j, "pages", v8->space[i].pages);
		mm_json_object_close(j);
	}
	mm_json_array_close(j);
}

/* HotSpot's own figures; a figure the tables did not reach is null. */
static void write_jvm(struct mm_json *j, const struct mm_jvm_totals *t)
{
	if (!t->valid) {
		mm_json_null(j, "jvm");
		return;
	}
	mm_json_object_open(j, "jvm");
	mm_json_string(j, "gc", t->gc[0] ? t->gc : NULL);
	mm_json_hex(j, "heap_start", t->heap_start);
	mm_json_u64(j, "heap_reserved", t->heap_reserved);
	if (t->has_committed) {
		mm_json_u64(j, "heap_committed", t->heap_committed);
	} else {
		mm_json_null(j, "heap_committed");
	}
	if (t->has_used) {
		mm_json_u64(j, "heap_used", t->heap_used);
	} else {
		mm_json_null(j, "heap_used");
	}
	mm_json_hex(j, "code_start", t->code_start);
	mm_json_u64(j, "code_reserved", t->code_reserved);
	if (t->has_code_committed) {
		mm_json_u64(j, "code_committed", t->code_committed);
	} else {
		mm_json_null(j, "code_committed");
	}
	mm_json_object_close(j);
}

static void write_runtime(struct mm_json *j, const struct mm_runtime *rt)
{
	if (!rt->lang) {
		mm_json_null(j, "runtime");
		return;
	}
	mm_json_object_open(j, "runtime");
	mm_json_string(j, "lang", rt->lang);
	mm_json_string(j, "version", rt->version);
	mm_json_string(j, "module", rt->module);
	mm_json_bool(j, "cgo", rt->cgo);
	mm_json_bool(j, "stripped", rt->stripped);
	write_memstats(j, &rt->memstats);
	write_metrics(j, &rt->memstats);
	write_heap_split(j, &rt->heap);
	write_v8_spaces(j, &rt->v8);
	write_jvm(j, &rt->jvm);
	mm_json_object_close(j);
}

/* jemalloc's own totals (runtimes/jemalloc), null when not read. */
static void write_jemalloc(struct mm_json *j, const struct mm_jemalloc_stats *s)
{
	if (!s->known) {
		mm_json_null(j, "jemalloc");
		return;
	}
	mm_json_object_open(j, "jemalloc");
	if (s->allocated_known) {
		mm_json_u64(j, "allocated", s->allocated);
	} else {
		mm_json_null(j, "allocated");
	}
	mm_json_u64(j, "active", s->active);
	mm_json_u64(j, "dirty", s->dirty);
	mm_json_u64(j, "muzzy", s->muzzy);
	mm_json_u64(j, "retained", s->retained);
	mm_json_u64(j, "mapped", s->mapped);
	mm_json_u64(j, "resident", s->resident);
	mm_json_u64(j, "metadata", s->metadata);
	mm_json_u64(j, "metadata_resident", s->metadata_resident);
	mm_json_u64(j, "metadata_mapped", s->metadata_mapped);
	mm_json_u64(j, "extents", s->extents);
	mm_json_u64(j, "arenas", s->arenas);
	mm_json_u64(j, "base_blocks", s->base_blocks);
	mm_json_object_close(j);
}

static void write_categories(struct mm_json *j, const struct mm_snapshot *snap)
{
	int order[MM_LABEL_COUNT], n = 0;

	for (int i = 0; i < MM_LABEL_COUNT; i++) {
		if (snap->categories[i].regions) {
			order[n++] = i;
		}
	}
	/* By RSS, largest first; a handful of labels, so insertion sort. */
	for (int i = 1; i < n; i++) {
		for (int k = i; k > 0 && snap->categories[order[k]].rss >
					 snap->categories[order[k - 1]].rss; k--) {
			int t = order[k];

			order[k] = order[k - 1];
			order[k - 1] = t;
		}
	}
	mm_json_array_open(j, "categories");
	for (int i = 0; i < n; i++) {
		const struct mm_category *c = &snap->categories[order[i]];

		mm_json_object_open(j, NULL);
		mm_json_string(j, "label", mm_label_name((enum mm_label)order[i]));
		mm_json_u64(j, "vsz", c->vsz);
		mm_json_u64(j, "reserved", c->reserved);
		mm_json_u64(j, "rss", c->rss);
		mm_json_u64(j, "pss", c->pss);
		mm_json_u64(j, "swap", c->swap);
		mm_json_u64(j, "dirty", c->dirty);
		mm_json_u64(j, "regions", c->regions);
		mm_json_object_close(j);
	}
	mm_json_array_close(j);
}

/* ---- mappings and regions, member by member written as literals ----
 *
 * Inside an object deeper than pretty_depth every member shares the line:
 * what member() works out for each (comma, key, colon) is a literal of
 * known length here, copied without a call.  60,000 mappings are some
 * three million members. */

#define LIT(j, s) put(j, s, sizeof(s) - 1)

/* Whether the object just opened takes the literal members: its members
 * and its children's share a line and the depth is in bounds. */
static bool compact_here(const struct mm_json *j)
{
	return j->depth > j->pretty_depth && j->depth + 2 < MM_JSON_MAX_DEPTH;
}

static void lit_hex(struct mm_json *j, uint64_t v)
{
	char *o = reserve(j, 24);

	*o++ = '"';
	*o++ = '0';
	*o++ = 'x';
	o += mm_format_hex(o, v);
	*o++ = '"';
	j->out.len = (size_t)(o - j->out.buf);
}

static void lit_string(struct mm_json *j, const char *value)
{
	if (value) {
		write_string(j, value);
	} else {
		LIT(j, "null");
	}
}

static void compact_region(struct mm_json *j, const struct mm_region *r)
{
	LIT(j, "\"start\":");
	lit_hex(j, r->start);
	LIT(j, ",\"end\":");
	lit_hex(j, r->end);
	LIT(j, ",\"label\":");
	write_string(j, mm_label_name(r->label));
	j->has_member[j->depth] = true;
	mm_json_untrusted(j, "detail", r->detail);
	LIT(j, ",\"how\":");
	write_string(j, mm_how_name(r->how));
	LIT(j, ",\"vsz\":");
	write_u64(j, r->end - r->start);
	LIT(j, ",\"rss\":");
	write_u64(j, r->c.rss);
	LIT(j, ",\"pss\":");
	write_u64(j, r->c.pss);
	LIT(j, ",\"swap\":");
	write_u64(j, r->c.swap);
	LIT(j, ",\"dirty\":");
	write_u64(j, r->c.private_dirty + r->c.shared_dirty);
	if (r->rss_exact) {
		LIT(j, ",\"rss_exact\":true");
	} else {
		LIT(j, ",\"rss_exact\":false");
	}
}

static void compact_mapping(struct mm_json *j, const struct mm_mapping *m)
{
	const struct mm_counters *c = &m->c;
	char dev[32];

	LIT(j, "\"start\":");
	lit_hex(j, m->start);
	LIT(j, ",\"end\":");
	lit_hex(j, m->end);
	LIT(j, ",\"perms\":");
	write_string(j, m->perms);
	LIT(j, ",\"offset\":");
	lit_hex(j, m->offset);
	snprintf(dev, sizeof(dev), "%02x:%02x", m->dev_major, m->dev_minor);
	LIT(j, ",\"dev\":");
	write_string(j, dev);
	LIT(j, ",\"inode\":");
	write_u64(j, m->inode);
	j->has_member[j->depth] = true;
	mm_json_untrusted(j, "path", m->path);
	if (m->deleted) {
		LIT(j, ",\"deleted\":true");
	} else {
		LIT(j, ",\"deleted\":false");
	}
	LIT(j, ",\"vm_flags\":");
	lit_string(j, m->vm_flags);
	LIT(j, ",\"vsz\":");
	write_u64(j, mm_mapping_size(m));
#define F(name) do { LIT(j, ",\"" #name "\":"); write_u64(j, c->name); } while (0)
	F(rss); F(pss); F(pss_dirty); F(swap); F(swap_pss);
	F(shared_clean); F(shared_dirty); F(private_clean); F(private_dirty);
	F(referenced); F(anonymous); F(lazyfree); F(anon_huge); F(shmem_huge);
	F(file_huge); F(shared_huge); F(private_huge); F(locked);
#undef F
	LIT(j, ",\"kernel_page_size\":");
	write_u64(j, m->kernel_page_size);
	LIT(j, ",\"mmu_page_size\":");
	write_u64(j, m->mmu_page_size);
}

static void write_region(struct mm_json *j, const struct mm_region *r)
{
	mm_json_object_open(j, NULL);
	if (compact_here(j)) {
		compact_region(j, r);
		mm_json_object_close(j);
		return;
	}
	mm_json_hex(j, "start", r->start);
	mm_json_hex(j, "end", r->end);
	mm_json_string(j, "label", mm_label_name(r->label));
	mm_json_untrusted(j, "detail", r->detail);
	mm_json_string(j, "how", mm_how_name(r->how));
	mm_json_u64(j, "vsz", r->end - r->start);
	mm_json_u64(j, "rss", r->c.rss);
	mm_json_u64(j, "pss", r->c.pss);
	mm_json_u64(j, "swap", r->c.swap);
	mm_json_u64(j, "dirty", r->c.private_dirty + r->c.shared_dirty);
	mm_json_bool(j, "rss_exact", r->rss_exact);
	mm_json_object_close(j);
}

static void write_mapping(struct mm_json *j, const struct mm_mapping *m)
{
	const struct mm_counters *c = &m->c;
	char dev[32];

	mm_json_object_open(j, NULL);
	if (compact_here(j)) {
		compact_mapping(j, m);
		goto regions;
	}
	mm_json_hex(j, "start", m->start);
	mm_json_hex(j, "end", m->end);
	mm_json_string(j, "perms", m->perms);
	mm_json_hex(j, "offset", m->offset);
	snprintf(dev, sizeof(dev), "%02x:%02x", m->dev_major, m->dev_minor);
	mm_json_string(j, "dev", dev);
	mm_json_u64(j, "inode", m->inode);
	mm_json_untrusted(j, "path", m->path);
	mm_json_bool(j, "deleted", m->deleted);
	mm_json_string(j, "vm_flags", m->vm_flags);
	mm_json_u64(j, "vsz", mm_mapping_size(m));
#define F(name) mm_json_u64(j, #name, c->name)
	F(rss); F(pss); F(pss_dirty); F(swap); F(swap_pss);
	F(shared_clean); F(shared_dirty); F(private_clean); F(private_dirty);
	F(referenced); F(anonymous); F(lazyfree); F(anon_huge); F(shmem_huge);
	F(file_huge); F(shared_huge); F(private_huge); F(locked);
#undef F
	mm_json_u64(j, "kernel_page_size", m->kernel_page_size);
	mm_json_u64(j, "mmu_page_size", m->mmu_page_size);
regions:
	mm_json_array_open(j, "regions");
	for (size_t i = 0; i < m->nregions; i++) {
		write_region(j, &m->regions[i]);
	}
	mm_json_array_close(j);
	mm_json_object_close(j);
}

static void write_identity(struct mm_json *j, const struct mm_identity *id)
{
	mm_json_object_open(j, "identity");
	mm_json_untrusted(j, "cmdline", id->cmdline);
	mm_json_untrusted(j, "user", id->user);
	if (id->uid >= 0 && id->user) {
		mm_json_i64(j, "uid", id->uid);
	} else {
		mm_json_null(j, "uid");
	}
	if (id->start_time) {
		mm_json_u64(j, "start_time", id->start_time);
	} else {
		mm_json_null(j, "start_time");
	}
	mm_json_untrusted(j, "cgroup", id->cgroup);
	mm_json_untrusted(j, "unit", id->unit);
	mm_json_string(j, "container_id", id->container_id);
	mm_json_untrusted(j, "hostname", id->hostname);
	mm_json_object_close(j);
}

/* --symbols and --address: the symbols found, names as the files have
 * them (escaped per RFC 8259). */
static void write_symbols(struct mm_json *j, const struct mm_snapshot *snap)
{
	mm_json_array_open(j, "symbols");
	for (size_t i = 0; i < snap->nsymbols; i++) {
		const struct mm_symbol *s = &snap->symbols[i];

		mm_json_object_open(j, NULL);
		mm_json_untrusted(j, "name", s->name);
		mm_json_untrusted(j, "image", s->image);
		mm_json_string(j, "label", mm_label_name(s->label));
		mm_json_hex(j, "address", s->addr);
		mm_json_u64(j, "size", s->size);
		mm_json_u64(j, "rank", s->rank);
		mm_json_object_close(j);
	}
	mm_json_array_close(j);
}

/* The snapshot's members, inside an object the caller opened; mappings
 * false leaves the mappings out (--summary over many processes). */
static void write_snapshot_members(struct mm_json *j, const struct mm_snapshot *snap,
				   bool mappings)
{
	double cov_vsz, cov_rss;

	mm_json_i64(j, "pid", snap->pid);
	mm_json_untrusted(j, "comm", snap->comm);
	mm_json_untrusted(j, "exe", snap->exe);
	mm_json_string(j, "time", snap->time);
	mm_json_string(j, "kernel", snap->kernel);
	mm_json_u64(j, "page_size", snap->page_size);
	write_identity(j, &snap->identity);
	write_status(j, &snap->status);
	write_runtime(j, &snap->runtime);
	write_jemalloc(j, &snap->runtime.jemalloc);

	mm_json_object_open(j, "totals");
	mm_json_u64(j, "vsz", snap->total_vsz);
	mm_json_u64(j, "reserved", snap->total_reserved);
	mm_json_u64(j, "rss", snap->totals.rss);
	mm_json_u64(j, "pss", snap->totals.pss);
	mm_json_u64(j, "swap", snap->totals.swap);
	mm_json_u64(j, "private_dirty", snap->totals.private_dirty);
	mm_json_u64(j, "shared_dirty", snap->totals.shared_dirty);
	mm_json_object_close(j);

	mm_snapshot_coverage(snap, &cov_vsz, &cov_rss);
	mm_json_object_open(j, "coverage");
	mm_json_double(j, "vsz", cov_vsz);
	mm_json_double(j, "rss", cov_rss);
	mm_json_object_close(j);

	write_categories(j, snap);
	if (mappings) {
		mm_json_array_open(j, "mappings");
		for (size_t i = 0; i < snap->nmappings; i++) {
			write_mapping(j, &snap->mappings[i]);
		}
		mm_json_array_close(j);
	}

	if (snap->nsymbols) {
		write_symbols(j, snap);
	}

	mm_json_array_open(j, "warnings");
	for (size_t i = 0; i < snap->nwarnings; i++) {
		mm_json_untrusted(j, NULL, snap->warnings[i]);
	}
	mm_json_array_close(j);
}

int mm_json_write_snapshot(FILE *f, const struct mm_snapshot *snap)
{
	struct mm_json j;

	mm_json_init(&j, f);
	mm_json_object_open(&j, NULL);
	mm_json_string(&j, "schema", "memmap/1");
	mm_json_string(&j, "tool", "memmap " MEMMAP_VERSION);
	write_snapshot_members(&j, snap, true);
	mm_json_object_close(&j);
	putc('\n', f);
	return mm_output_flush(f);
}

static void write_fleet_row(struct mm_json *j, const struct mm_fleet_row *r, bool summary)
{
	mm_json_object_open(j, NULL);
	mm_json_i64(j, "pid", r->pid);
	mm_json_untrusted(j, "comm", r->comm);
	mm_json_bool(j, "read", r->snap != NULL);
	mm_json_untrusted(j, "reason", r->reason);
	mm_json_bool(j, "gone", r->gone);
	mm_json_bool(j, "timeout", r->timeout);
	mm_json_u64(j, "elapsed_ms", r->elapsed_ms);
	if (r->snap) {
		mm_json_u64(j, "uss", r->uss);
		mm_json_object_open(j, "snapshot");
		write_snapshot_members(j, r->snap, !summary);
		mm_json_object_close(j);
	} else {
		write_identity(j, &r->identity);
		mm_json_null(j, "snapshot");
	}
	mm_json_object_close(j);
}

int mm_json_write_fleet(FILE *f, const struct mm_fleet *fl, bool summary)
{
	struct mm_json j;

	mm_json_init(&j, f);
	mm_json_object_open(&j, NULL);
	mm_json_string(&j, "schema", "memmap-fleet/1");
	mm_json_string(&j, "tool", "memmap " MEMMAP_VERSION);
	mm_json_untrusted(&j, "hostname", fl->hostname);
	mm_json_string(&j, "time", fl->time);
	mm_json_u64(&j, "budget_ms", fl->budget_ms);
	mm_json_object_open(&j, "totals");
	mm_json_u64(&j, "processes", fl->nrows);
	mm_json_u64(&j, "read", fl->read);
	mm_json_u64(&j, "unread", fl->unread);
	mm_json_u64(&j, "rss", fl->rss);
	mm_json_u64(&j, "pss", fl->pss);
	mm_json_u64(&j, "uss", fl->uss);
	mm_json_u64(&j, "swap", fl->swap);
	mm_json_object_close(&j);
	mm_json_array_open(&j, "label_totals");
	for (int l = 0; l < MM_LABEL_COUNT; l++) {
		const struct mm_fleet_label *t = &fl->labels[l];

		if (!t->processes) {
			continue;
		}
		mm_json_object_open(&j, NULL);
		mm_json_string(&j, "label", mm_label_name((enum mm_label)l));
		mm_json_u64(&j, "processes", t->processes);
		mm_json_u64(&j, "rss", t->rss);
		mm_json_u64(&j, "pss", t->pss);
		mm_json_u64(&j, "swap", t->swap);
		mm_json_object_close(&j);
	}
	mm_json_array_close(&j);
	mm_json_array_open(&j, "processes");
	for (size_t i = 0; i < fl->nrows; i++) {
		write_fleet_row(&j, &fl->rows[i], summary);
	}
	mm_json_array_close(&j);
	mm_json_object_close(&j);
	putc('\n', f);
	return mm_output_flush(f);
}
