/* SPDX-License-Identifier: GPL-2.0-or-later */
/* snapshot_load.c: a memmap/1 JSON snapshot read back into the model.  The
 * only reader of JSON (and the only user of jansson's parser): everything in
 * the file is checked before it reaches the model, so the diff and the
 * printers can trust a loaded snapshot exactly as they trust a live one. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "util/format.h"
#include "diff/snapshot_load.h"
#include "util/grow.h"

#define SCHEMA "memmap/1"

struct loader {
	const char *file;	/* as the user named it, for messages */
	const char *text;	/* the document, to say where a field is */
	size_t len;
	char *err;		/* the one message, once something failed */
};

/* ------------------------------------------------------------ locating
 * jansson keeps no positions in its tree, so an error about a field's
 * content finds the field again in the text (already known to be valid
 * JSON) by walking the path the message names: "mappings[3].start". */

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
		p++;
	}
	return p;
}

static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end && *p != '"'; p++) {
		if (*p == '\\') {
			p++;
		}
	}
	return p < end ? p + 1 : end;
}

static const char *skip_value(const char *p, const char *end)
{
	int depth = 0;

	p = skip_ws(p, end);
	do {
		if (p >= end) {
			return end;
		}
		if (*p == '"') {
			p = skip_string(p, end);
			continue;
		}
		if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			depth--;
		} else if (depth == 0) {
			while (p < end && !strchr(",}] \t\r\n", *p)) {
				p++;
			}
			return p;
		}
		p++;
	} while (depth > 0);
	return p;
}

/* The value at path below the value at p, or the deepest value found on
 * the way when the path ends early (a missing field: its object). */
static const char *find_path(const char *p, const char *end, const char *path)
{
	p = skip_ws(p, end);
	while (*path && p < end) {
		if (*path == '.') {
			path++;
		}
		if (*path == '[') {
			unsigned long idx = strtoul(path + 1, (char **)&path, 10);
			const char *q = skip_ws(p + 1, end);

			if (*p != '[' || *path != ']') {
				return p;
			}
			path++;
			for (; idx > 0 && q < end; idx--) {
				q = skip_ws(skip_value(q, end), end);
				if (q >= end || *q != ',') {
					return p;
				}
				q = skip_ws(q + 1, end);
			}
			p = q;
			continue;
		}
		size_t klen = strcspn(path, ".[");
		const char *q = skip_ws(p + 1, end);
		bool found = false;

		if (*p != '{') {
			return p;
		}
		while (q < end && *q == '"') {
			const char *kend = skip_string(q, end);
			bool match = (size_t)(kend - q - 2) == klen &&
				     strncmp(q + 1, path, klen) == 0;

			q = skip_ws(kend, end);
			q = q < end && *q == ':' ? skip_ws(q + 1, end) : end;
			if (match) {
				found = true;
				break;
			}
			q = skip_ws(skip_value(q, end), end);
			if (q < end && *q == ',') {
				q = skip_ws(q + 1, end);
			}
		}
		if (!found) {
			return p;
		}
		p = q;
		path += klen;
	}
	return p;
}

/* "LINE:COL" (1-based) of the value named by where, into buf. */
static void locate(const struct loader *ld, const char *where, char *buf,
		   size_t len)
{
	const char *end = ld->text + ld->len;
	const char *at = find_path(ld->text, end, where ? where : "");
	unsigned long line = 1;
	const char *bol = ld->text;

	for (const char *p = ld->text; p < at; p++) {
		if (*p == '\n') {
			line++;
			bol = p + 1;
		}
	}
	snprintf(buf, len, "%lu:%lu", line, (unsigned long)(at - bol) + 1);
}

/* Records "FILE: WHERE: message" and returns -EINVAL (or -ENOMEM). */
__attribute__((format(printf, 3, 4)))
static int bad(struct loader *ld, const char *where, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		return -ENOMEM;
	}
	free(ld->err);
	if (ld->text) {
		char pos[48];

		locate(ld, where, pos, sizeof(pos));
		rc = asprintf(&ld->err, "%s:%s: %s%s%s", ld->file, pos,
			      where ? where : "", where && *where ? ": " : "", msg);
	} else if (where && *where) {
		rc = asprintf(&ld->err, "%s: %s: %s", ld->file, where, msg);
	} else {
		rc = asprintf(&ld->err, "%s: %s", ld->file, msg);
	}
	free(msg);
	if (rc < 0) {
		ld->err = NULL;
		return -ENOMEM;
	}
	return -EINVAL;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "something else";
}

/* obj[key], or NULL.  A missing required field is an error (rc set). */
static json_t *field(struct loader *ld, const json_t *obj, const char *where,
		     const char *key, bool required, int *rc)
{
	json_t *v = json_object_get(obj, key);

	*rc = 0;
	if (!v && required) {
		*rc = bad(ld, where, "missing \"%s\"", key);
	}
	return v;
}

/* "where.key", for messages about one field. */
static const char *sub(char *buf, size_t len, const char *where, const char *key)
{
	snprintf(buf, len, "%s%s%s", where, *where ? "." : "", key);
	return buf;
}

static int get_u64(struct loader *ld, const json_t *obj, const char *where,
		   const char *key, bool required, uint64_t *out)
{
	char w[128];
	int rc;
	json_t *v = field(ld, obj, where, key, required, &rc);

	if (!v) {
		return rc;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		return bad(ld, sub(w, sizeof(w), where, key),
			   "expected a non-negative integer, found %s",
			   json_is_integer(v) ? "a negative one" : type_name(v));
	}
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* "0x" and 1 to 16 hex digits, nothing else. */
static bool parse_hex(const char *s, uint64_t *out)
{
	uint64_t x = 0;
	size_t n = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) {
		return false;
	}
	for (s += 2; *s; s++, n++) {
		int d;

		if (*s >= '0' && *s <= '9') {
			d = *s - '0';
		} else if (*s >= 'a' && *s <= 'f') {
			d = *s - 'a' + 10;
		} else if (*s >= 'A' && *s <= 'F') {
			d = *s - 'A' + 10;
		} else {
			return false;
		}
		if (n == 16) {
			return false;
		}
		x = x << 4 | (uint64_t)d;
	}
	if (n == 0) {
		return false;
	}
	*out = x;
	return true;
}

/* An address: a hex string.  With also_int, a plain integer is accepted
 * too (offsets are small enough to be either). */
static int get_hex(struct loader *ld, const json_t *obj, const char *where,
		   const char *key, bool also_int, uint64_t *out)
{
	char w[128];
	int rc;
	json_t *v = field(ld, obj, where, key, true, &rc);

	if (!v) {
		return rc;
	}
	if (also_int && json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v)) {
		return bad(ld, sub(w, sizeof(w), where, key),
			   "expected a hex string like \"0x7f00\", found %s",
			   type_name(v));
	}
	if (!parse_hex(json_string_value(v), out)) {
		return bad(ld, sub(w, sizeof(w), where, key),
			   "bad hex number \"%.40s\"", json_string_value(v));
	}
	return 0;
}

/* A string; with nullable, null gives *out = NULL.  A missing optional
 * field leaves *out alone. */
static int get_str(struct loader *ld, const json_t *obj, const char *where,
		   const char *key, bool required, bool nullable,
		   const char **out)
{
	char w[128];
	int rc;
	json_t *v = field(ld, obj, where, key, required, &rc);

	if (!v) {
		return rc;
	}
	if (nullable && json_is_null(v)) {
		*out = NULL;
		return 0;
	}
	if (!json_is_string(v)) {
		return bad(ld, sub(w, sizeof(w), where, key),
			   "expected a string%s, found %s",
			   nullable ? " or null" : "", type_name(v));
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		return bad(ld, sub(w, sizeof(w), where, key),
			   "contains a NUL character");
	}
	*out = json_string_value(v);
	return 0;
}

static int get_bool(struct loader *ld, const json_t *obj, const char *where,
		    const char *key, bool required, bool *out)
{
	char w[128];
	int rc;
	json_t *v = field(ld, obj, where, key, required, &rc);

	if (!v) {
		return rc;
	}
	if (!json_is_boolean(v)) {
		return bad(ld, sub(w, sizeof(w), where, key),
			   "expected true or false, found %s", type_name(v));
	}
	*out = json_is_true(v);
	return 0;
}

/* An object, or NULL when absent (optional) or null (nullable). */
static int get_obj(struct loader *ld, const json_t *obj, const char *where,
		   const char *key, bool required, bool nullable, json_t **out)
{
	char w[128];
	int rc;
	json_t *v = field(ld, obj, where, key, required, &rc);

	*out = NULL;
	if (!v) {
		return rc;
	}
	if (nullable && json_is_null(v)) {
		return 0;
	}
	if (!json_is_object(v)) {
		return bad(ld, sub(w, sizeof(w), where, key),
			   "expected an object%s, found %s",
			   nullable ? " or null" : "", type_name(v));
	}
	*out = v;
	return 0;
}

static int get_array(struct loader *ld, const json_t *obj, const char *where,
		     const char *key, bool required, json_t **out)
{
	char w[128];
	int rc;
	json_t *v = field(ld, obj, where, key, required, &rc);

	*out = NULL;
	if (!v) {
		return rc;
	}
	if (!json_is_array(v)) {
		return bad(ld, sub(w, sizeof(w), where, key),
			   "expected an array, found %s", type_name(v));
	}
	*out = v;
	return 0;
}

/* strdup that tolerates NULL; -ENOMEM only for a real failure. */
static int dup_str(const char *s, char **out)
{
	*out = NULL;
	if (s && !(*out = strdup(s))) {
		return -ENOMEM;
	}
	return 0;
}

/* path_hex: the raw bytes of a path that is not valid UTF-8. */
static int decode_path_hex(struct loader *ld, const char *where,
			   const char *hex, char **out)
{
	size_t n = strlen(hex);
	char *p;

	if (n == 0 || n % 2) {
		return bad(ld, where, "expected an even number of hex digits");
	}
	p = malloc(n / 2 + 1);
	if (!p) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i += 2) {
		int hi = mm_hex_digit(hex[i]), lo = mm_hex_digit(hex[i + 1]);

		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(p);
			return bad(ld, where, "bad hex byte \"%.2s\"", hex + i);
		}
		p[i / 2] = (char)(hi << 4 | lo);
	}
	p[n / 2] = '\0';
	*out = p;
	return 0;
}

static bool valid_perms(const char *p)
{
	return strlen(p) == 4 && (p[0] == 'r' || p[0] == '-') &&
	       (p[1] == 'w' || p[1] == '-') && (p[2] == 'x' || p[2] == '-') &&
	       (p[3] == 'p' || p[3] == 's');
}

/* "fd:01": hex major, colon, hex minor. */
static bool parse_dev(const char *s, unsigned int *major, unsigned int *minor)
{
	unsigned long v[2] = { 0, 0 };

	for (int part = 0; part < 2; part++) {
		size_t n = 0;

		for (; mm_hex_digit(*s) >= 0; s++, n++) {
			v[part] = v[part] << 4 | (unsigned long)mm_hex_digit(*s);
			if (n == 8) {
				return false;
			}
		}
		if (n == 0 || *s != (part ? '\0' : ':')) {
			return false;
		}
		s++;
	}
	*major = (unsigned int)v[0];
	*minor = (unsigned int)v[1];
	return true;
}

static int how_from_name(const char *name)
{
	for (int h = 0; h < MM_HOW_COUNT; h++) {
		if (strcmp(mm_how_name((enum mm_how)h), name) == 0) {
			return h;
		}
	}
	return -1;
}

/* The smaps counters a mapping carries in JSON, in struct order. */
static const struct {
	const char *key;
	size_t off;
	bool required;
} counter_keys[] = {
#define C(k, req) { #k, offsetof(struct mm_counters, k), req }
	C(rss, true), C(pss, true), C(pss_dirty, false),
	C(shared_clean, false), C(shared_dirty, false),
	C(private_clean, false), C(private_dirty, false),
	C(referenced, false), C(anonymous, false), C(lazyfree, false),
	C(anon_huge, false), C(shmem_huge, false), C(file_huge, false),
	C(shared_huge, false), C(private_huge, false),
	C(swap, true), C(swap_pss, false), C(locked, false),
#undef C
};

struct region_in {
	uint64_t start, end;
	int label, how;
	const char *detail;
	uint64_t rss, pss, swap;
};

static int load_region(struct loader *ld, const json_t *r, const char *where,
		       struct region_in *out)
{
	char w[128];
	const char *label = NULL, *how = NULL;
	uint64_t vsz = 0, dirty = 0;
	bool exact = false;
	int rc;

	if (!json_is_object(r)) {
		return bad(ld, where, "expected an object, found %s", type_name(r));
	}
	out->detail = NULL;
	if ((rc = get_hex(ld, r, where, "start", false, &out->start)) ||
	    (rc = get_hex(ld, r, where, "end", false, &out->end)) ||
	    (rc = get_str(ld, r, where, "label", true, false, &label)) ||
	    (rc = get_str(ld, r, where, "how", true, false, &how)) ||
	    (rc = get_str(ld, r, where, "detail", false, true, &out->detail)) ||
	    (rc = get_u64(ld, r, where, "vsz", true, &vsz)) ||
	    (rc = get_u64(ld, r, where, "rss", true, &out->rss)) ||
	    (rc = get_u64(ld, r, where, "pss", true, &out->pss)) ||
	    (rc = get_u64(ld, r, where, "swap", true, &out->swap)) ||
	    (rc = get_u64(ld, r, where, "dirty", false, &dirty)) ||
	    (rc = get_bool(ld, r, where, "rss_exact", false, &exact))) {
		return rc;
	}
	out->label = mm_label_from_name(label);
	if (out->label < 0) {
		return bad(ld, sub(w, sizeof(w), where, "label"),
			   "unknown label \"%.40s\"", label);
	}
	out->how = how_from_name(how);
	if (out->how < 0) {
		return bad(ld, sub(w, sizeof(w), where, "how"),
			   "unknown value \"%.40s\" (elf, kernel, runtime or heuristic)",
			   how);
	}
	if (out->start >= out->end) {
		return bad(ld, where, "start 0x%" PRIx64 " is not below end 0x%" PRIx64,
			   out->start, out->end);
	}
	if (vsz != out->end - out->start) {
		return bad(ld, sub(w, sizeof(w), where, "vsz"),
			   "%" PRIu64 " is not end - start (%" PRIu64 ")", vsz,
			   out->end - out->start);
	}
	/* A region holds no more than its bytes: so the sums over regions
	 * and mappings cannot wrap. */
	const struct { const char *key; uint64_t v; } counters[] = {
		{ "rss", out->rss }, { "pss", out->pss }, { "swap", out->swap },
		{ "dirty", dirty },
	};
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		if (counters[i].v > vsz) {
			return bad(ld, sub(w, sizeof(w), where, counters[i].key),
				   "%" PRIu64 " is larger than the region (%" PRIu64 ")",
				   counters[i].v, vsz);
		}
	}
	return 0;
}

/* Checks the regions tile [m->start, m->end) and share out exactly the
 * mapping's counters, then relabels m with them. */
static int load_regions(struct loader *ld, const json_t *regs, const char *mwhere,
			struct mm_mapping *m)
{
	size_t n = json_array_size(regs);
	struct region_in *in;
	uint64_t pos = m->start, rss = 0, pss = 0, swap = 0;
	char where[128];
	int rc = 0;

	if (n == 0) {
		return bad(ld, sub(where, sizeof(where), mwhere, "regions"),
			   "empty: regions must tile the mapping");
	}
	in = calloc(n, sizeof(*in));
	if (!in) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(where, sizeof(where), "%s.regions[%zu]", mwhere, i);
		rc = load_region(ld, json_array_get(regs, i), where, &in[i]);
		if (rc) {
			goto out;
		}
		if (in[i].start != pos) {
			rc = bad(ld, where, "region 0x%" PRIx64 "-0x%" PRIx64
				 " does not continue at 0x%" PRIx64
				 ": regions must tile the mapping",
				 in[i].start, in[i].end, pos);
			goto out;
		}
		if (in[i].end > m->end) {
			rc = bad(ld, where, "region 0x%" PRIx64 "-0x%" PRIx64
				 " ends beyond its mapping (0x%" PRIx64 ")",
				 in[i].start, in[i].end, m->end);
			goto out;
		}
		pos = in[i].end;
		rss += in[i].rss;
		pss += in[i].pss;
		swap += in[i].swap;
	}
	if (pos != m->end) {
		rc = bad(ld, sub(where, sizeof(where), mwhere, "regions"),
			 "end at 0x%" PRIx64 ", the mapping at 0x%" PRIx64
			 ": regions must tile the mapping", pos, m->end);
		goto out;
	}
	if (rss != m->c.rss || pss != m->c.pss || swap != m->c.swap) {
		rc = bad(ld, sub(where, sizeof(where), mwhere, "regions"),
			 "rss/pss/swap add up to %" PRIu64 "/%" PRIu64 "/%" PRIu64
			 ", the mapping's are %" PRIu64 "/%" PRIu64 "/%" PRIu64,
			 rss, pss, swap, m->c.rss, m->c.pss, m->c.swap);
		goto out;
	}
	rc = mm_mapping_reset_regions(m, (enum mm_label)in[0].label,
				      (enum mm_how)in[0].how, in[0].detail);
	for (size_t i = 1; i < n && !rc; i++) {
		rc = mm_mapping_label(m, in[i].start, in[i].end,
				      (enum mm_label)in[i].label,
				      (enum mm_how)in[i].how, in[i].detail, 0);
	}
	/* The file's region shares become the weights mm_snapshot_finish()
	 * shares the mapping's counters out by, as pagemap's measurements
	 * are for a live snapshot: RSS comes back exactly as written, and
	 * the other counters with it. */
	for (size_t r = 0, i = 0; r < m->nregions && !rc; r++) {
		struct mm_region *reg = &m->regions[r];

		reg->measured = true;
		reg->present_bytes = reg->swapped_bytes = 0;
		for (; i < n && in[i].end <= reg->end; i++) {
			reg->present_bytes += in[i].rss;
			reg->swapped_bytes += in[i].swap;
		}
	}
out:
	free(in);
	return rc;
}

static int load_mapping(struct loader *ld, struct mm_snapshot *snap, const json_t *jm,
			const char *where, uint64_t prev_end, struct mm_mapping *m)
{
	const char *perms = NULL, *dev = NULL, *path = NULL, *path_hex = NULL;
	const char *vm_flags = NULL;
	json_t *regs;
	uint64_t vsz = 0;
	char w[128];
	int rc;

	if (!json_is_object(jm)) {
		return bad(ld, where, "expected an object, found %s", type_name(jm));
	}
	if ((rc = get_hex(ld, jm, where, "start", false, &m->start)) ||
	    (rc = get_hex(ld, jm, where, "end", false, &m->end)) ||
	    (rc = get_str(ld, jm, where, "perms", true, false, &perms)) ||
	    (rc = get_hex(ld, jm, where, "offset", true, &m->offset)) ||
	    (rc = get_str(ld, jm, where, "dev", true, false, &dev)) ||
	    (rc = get_u64(ld, jm, where, "inode", true, &m->inode)) ||
	    (rc = get_str(ld, jm, where, "path", true, true, &path)) ||
	    (rc = get_str(ld, jm, where, "path_hex", false, false, &path_hex)) ||
	    (rc = get_bool(ld, jm, where, "deleted", false, &m->deleted)) ||
	    (rc = get_str(ld, jm, where, "vm_flags", false, true, &vm_flags)) ||
	    (rc = get_u64(ld, jm, where, "vsz", true, &vsz)) ||
	    (rc = get_u64(ld, jm, where, "kernel_page_size", false,
			  &m->kernel_page_size)) ||
	    (rc = get_u64(ld, jm, where, "mmu_page_size", false,
			  &m->mmu_page_size)) ||
	    (rc = get_array(ld, jm, where, "regions", true, &regs))) {
		return rc;
	}
	for (size_t i = 0; i < sizeof(counter_keys) / sizeof(counter_keys[0]); i++) {
		rc = get_u64(ld, jm, where, counter_keys[i].key,
			     counter_keys[i].required,
			     (uint64_t *)((char *)&m->c + counter_keys[i].off));
		if (rc) {
			return rc;
		}
	}
	if (m->start >= m->end) {
		return bad(ld, where, "start 0x%" PRIx64 " is not below end 0x%" PRIx64,
			   m->start, m->end);
	}
	if (m->start < prev_end) {
		return bad(ld, where, "mapping 0x%" PRIx64 "-0x%" PRIx64 " overlaps "
			   "or precedes the one ending at 0x%" PRIx64
			   ": mappings must be sorted by address",
			   m->start, m->end, prev_end);
	}
	if (vsz != m->end - m->start) {
		return bad(ld, sub(w, sizeof(w), where, "vsz"),
			   "%" PRIu64 " is not end - start (%" PRIu64 ")", vsz,
			   m->end - m->start);
	}
	/* Every smaps counter counts bytes of the mapping: none is larger,
	 * so no sum of them wraps. */
	for (size_t i = 0; i < sizeof(counter_keys) / sizeof(counter_keys[0]); i++) {
		uint64_t v = *(const uint64_t *)((const char *)&m->c + counter_keys[i].off);

		if (v > vsz) {
			return bad(ld, sub(w, sizeof(w), where, counter_keys[i].key),
				   "%" PRIu64 " is larger than the mapping (%" PRIu64 ")",
				   v, vsz);
		}
	}
	if (!valid_perms(perms)) {
		return bad(ld, sub(w, sizeof(w), where, "perms"),
			   "bad permissions \"%.10s\" (like \"rw-p\")", perms);
	}
	memcpy(m->perms, perms, 5);
	if (!parse_dev(dev, &m->dev_major, &m->dev_minor)) {
		return bad(ld, sub(w, sizeof(w), where, "dev"),
			   "bad device \"%.20s\" (like \"fd:01\")", dev);
	}
	if (path_hex) {
		if (!path) {
			return bad(ld, sub(w, sizeof(w), where, "path_hex"),
				   "given for a mapping without a path");
		}
		rc = decode_path_hex(ld, sub(w, sizeof(w), where, "path_hex"),
				     path_hex, &m->path);
	} else {
		rc = dup_str(path, &m->path);
	}
	if (rc) {
		return rc;
	}
	if (vm_flags && !(m->vm_flags = mm_snapshot_text(snap, vm_flags, strlen(vm_flags)))) {
		return -ENOMEM;
	}
	return load_regions(ld, regs, where, m);
}

static int load_status(struct loader *ld, const json_t *st, struct mm_status *s)
{
	const char *w = "status";
	uint64_t threads = 0;
	int rc;

	if ((rc = get_u64(ld, st, w, "vm_size", true, &s->vm_size)) ||
	    (rc = get_u64(ld, st, w, "vm_rss", true, &s->vm_rss)) ||
	    (rc = get_u64(ld, st, w, "rss_anon", false, &s->rss_anon)) ||
	    (rc = get_u64(ld, st, w, "rss_file", false, &s->rss_file)) ||
	    (rc = get_u64(ld, st, w, "rss_shmem", false, &s->rss_shmem)) ||
	    (rc = get_u64(ld, st, w, "vm_swap", false, &s->vm_swap)) ||
	    (rc = get_u64(ld, st, w, "hugetlb_pages", false, &s->hugetlb_pages)) ||
	    (rc = get_u64(ld, st, w, "threads", false, &threads))) {
		return rc;
	}
	s->threads = (unsigned long)threads;
	s->has_status = true;
	return 0;
}

/* "memstats": absent or null (not read), or every MemStats member. */
static int load_memstats(struct loader *ld, const json_t *rt, struct mm_go_memstats *ms)
{
	json_t *o = NULL;
	int rc;

	if ((rc = get_obj(ld, rt, "runtime", "memstats", false, true, &o)) || !o) {
		return rc;
	}
	for (int i = 0; i < MM_MS_COUNT; i++) {
		if ((rc = get_u64(ld, o, "runtime.memstats", mm_go_memstat_names[i], true,
				  &ms->v[i]))) {
			return rc;
		}
	}
	ms->valid = true;
	/* "metrics": absent in older snapshots, null when not read. */
	if ((rc = get_obj(ld, rt, "runtime", "metrics", false, true, &o)) || !o) {
		return rc;
	}
	for (int i = 0; i < MM_GM_COUNT; i++) {
		if ((rc = get_u64(ld, o, "runtime.metrics", mm_go_metric_names[i], true,
				  &ms->metrics[i]))) {
			return rc;
		}
	}
	ms->has_metrics = true;
	return 0;
}

/* "heap": absent or null (not split), or the parts by label, each once. */
static int load_heap_split(struct loader *ld, const json_t *rt, struct mm_go_heap_split *h)
{
	const char *w = "runtime.heap";
	json_t *o = NULL, *parts = NULL;
	bool seen[MM_GO_HEAP_PARTS] = { false };
	size_t i;
	json_t *p;
	int rc;

	if ((rc = get_obj(ld, rt, "runtime", "heap", false, true, &o)) || !o) {
		return rc;
	}
	if ((rc = get_bool(ld, o, w, "measured", true, &h->measured)) ||
	    (rc = get_bool(ld, o, w, "sampled", false, &h->sampled)) ||
	    (rc = get_u64(ld, o, w, "unknown", true, &h->unknown)) ||
	    (rc = get_array(ld, o, w, "parts", true, &parts))) {
		return rc;
	}
	json_array_foreach(parts, i, p) {
		const char *label = NULL;
		struct mm_go_heap_part part = { 0 };
		int l, k;

		if (!json_is_object(p)) {
			return bad(ld, "runtime.heap.parts", "expected objects, found %s",
				   type_name(p));
		}
		if ((rc = get_str(ld, p, "runtime.heap.parts[]", "label", true, false, &label)) ||
		    (rc = get_u64(ld, p, "runtime.heap.parts[]", "bytes", true, &part.bytes)) ||
		    (rc = get_u64(ld, p, "runtime.heap.parts[]", "rss", true, &part.rss)) ||
		    (rc = get_u64(ld, p, "runtime.heap.parts[]", "swap", true, &part.swap)) ||
		    (rc = get_u64(ld, p, "runtime.heap.parts[]", "spans", true, &part.spans))) {
			return rc;
		}
		l = mm_label_from_name(label);
		k = l - MM_GO_HEAP_OBJECTS;
		if (l < 0 || k < 0 || k >= MM_GO_HEAP_PARTS || seen[k]) {
			return bad(ld, "runtime.heap.parts[].label", "\"%.40s\" is not a part of "
				   "go.heap or comes twice", label);
		}
		seen[k] = true;
		h->part[k] = part;
	}
	h->valid = true;
	return 0;
}

/* V8's spaces (runtime.v8_spaces), when its heap was read. */
static int load_v8_spaces(struct loader *ld, const json_t *rt, struct mm_v8_heap *v8)
{
	const char *w = "runtime.v8_spaces[]";
	json_t *spaces = NULL, *p;
	uint64_t heaps = 0;
	size_t i;
	int rc;

	if ((rc = get_array(ld, rt, "runtime", "v8_spaces", false, &spaces)) || !spaces) {
		return rc;
	}
	if ((rc = get_u64(ld, rt, "runtime", "v8_heaps", true, &heaps))) {
		return rc;
	}
	if (json_array_size(spaces) > MM_V8_SPACES) {
		return bad(ld, "runtime.v8_spaces", "more than %d spaces", MM_V8_SPACES);
	}
	json_array_foreach(spaces, i, p) {
		struct mm_v8_space *sp = &v8->space[i];
		const char *name = NULL;

		if (!json_is_object(p)) {
			return bad(ld, "runtime.v8_spaces", "expected objects, found %s",
				   type_name(p));
		}
		if ((rc = get_str(ld, p, w, "name", true, false, &name)) ||
		    (rc = get_u64(ld, p, w, "committed", true, &sp->committed)) ||
		    (rc = get_u64(ld, p, w, "pages", true, &sp->pages))) {
			return rc;
		}
		snprintf(sp->name, sizeof(sp->name), "%s", name);
	}
	v8->nspaces = json_array_size(spaces);
	v8->heaps = heaps;
	return 0;
}

/* A size that may be null (not reached) or absent: *has says which. */
static int get_opt_u64(struct loader *ld, const json_t *o, const char *where, const char *key,
		       uint64_t *out, bool *has)
{
	const json_t *v = json_object_get(o, key);
	int rc;

	if (!v || json_is_null(v)) {
		return 0;
	}
	rc = get_u64(ld, o, where, key, true, out);
	*has = !rc;
	return rc;
}

/* "jvm": absent or null (no tables read), or HotSpot's figures. */
static int load_jvm(struct loader *ld, const json_t *rt, struct mm_jvm_totals *t)
{
	const char *w = "runtime.jvm", *gc = NULL;
	json_t *o = NULL;
	int rc;

	if ((rc = get_obj(ld, rt, "runtime", "jvm", false, true, &o)) || !o) {
		return rc;
	}
	if ((rc = get_str(ld, o, w, "gc", false, true, &gc)) ||
	    (rc = get_hex(ld, o, w, "heap_start", false, &t->heap_start)) ||
	    (rc = get_u64(ld, o, w, "heap_reserved", true, &t->heap_reserved)) ||
	    (rc = get_opt_u64(ld, o, w, "heap_committed", &t->heap_committed,
			      &t->has_committed)) ||
	    (rc = get_opt_u64(ld, o, w, "heap_used", &t->heap_used, &t->has_used)) ||
	    (rc = get_hex(ld, o, w, "code_start", false, &t->code_start)) ||
	    (rc = get_u64(ld, o, w, "code_reserved", true, &t->code_reserved)) ||
	    (rc = get_opt_u64(ld, o, w, "code_committed", &t->code_committed,
			      &t->has_code_committed))) {
		return rc;
	}
	snprintf(t->gc, sizeof(t->gc), "%s", gc ? gc : "");
	t->valid = true;
	return 0;
}

static int load_runtime(struct loader *ld, const json_t *rt, struct mm_runtime *r)
{
	const char *w = "runtime";
	const char *lang = NULL, *version = NULL, *module = NULL;
	int rc;

	if ((rc = get_str(ld, rt, w, "lang", true, true, &lang)) ||
	    (rc = get_str(ld, rt, w, "version", false, true, &version)) ||
	    (rc = get_str(ld, rt, w, "module", false, true, &module)) ||
	    (rc = get_bool(ld, rt, w, "cgo", false, &r->cgo)) ||
	    (rc = get_bool(ld, rt, w, "stripped", false, &r->stripped))) {
		return rc;
	}
	if ((rc = dup_str(lang, &r->lang)) || (rc = dup_str(version, &r->version)) ||
	    (rc = dup_str(module, &r->module))) {
		return rc;
	}
	if ((rc = load_memstats(ld, rt, &r->memstats))) {
		return rc;
	}
	if ((rc = load_heap_split(ld, rt, &r->heap))) {
		return rc;
	}
	if ((rc = load_v8_spaces(ld, rt, &r->v8))) {
		return rc;
	}
	return load_jvm(ld, rt, &r->jvm);
}

/* "jemalloc": absent (older snapshots) or null (not read), or its totals. */
static int load_jemalloc(struct loader *ld, const json_t *root, struct mm_jemalloc_stats *s)
{
	static const char *const names[] = {
		"active", "dirty", "muzzy", "retained", "mapped", "resident", "metadata",
		"metadata_resident", "metadata_mapped", "extents", "arenas", "base_blocks",
	};
	uint64_t *const fields[] = {
		&s->active, &s->dirty, &s->muzzy, &s->retained, &s->mapped, &s->resident,
		&s->metadata,
		&s->metadata_resident, &s->metadata_mapped, &s->extents, &s->arenas,
		&s->base_blocks,
	};
	const json_t *a;
	json_t *o = NULL;
	int rc;

	if ((rc = get_obj(ld, root, "", "jemalloc", false, true, &o)) || !o) {
		return rc;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((rc = get_u64(ld, o, "jemalloc", names[i], true, fields[i]))) {
			return rc;
		}
	}
	a = json_object_get(o, "allocated");
	if (a && !json_is_null(a)) {
		if ((rc = get_u64(ld, o, "jemalloc", "allocated", true, &s->allocated))) {
			return rc;
		}
		s->allocated_known = true;
	}
	s->known = true;
	return 0;
}

/* An integer member that may be null or absent (then *out stays). */
static int get_nullable_int(struct loader *ld, const json_t *obj, const char *where,
			    const char *key, long long min, long long *out)
{
	const json_t *v = json_object_get(obj, key);
	char w[128];

	if (!v || json_is_null(v)) {
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min) {
		return bad(ld, sub(w, sizeof(w), where, key),
			   "expected an integer of at least %lld or null, found %s",
			   min, type_name(v));
	}
	*out = json_integer_value(v);
	return 0;
}

static int load_identity(struct loader *ld, const json_t *id, struct mm_identity *i)
{
	const char *w = "identity";
	const char *cmdline = NULL, *user = NULL, *cgroup = NULL, *unit = NULL;
	const char *container = NULL, *host = NULL;
	long long uid = -1, start = 0;
	int rc;

	if ((rc = get_str(ld, id, w, "cmdline", false, true, &cmdline)) ||
	    (rc = get_str(ld, id, w, "user", false, true, &user)) ||
	    (rc = get_str(ld, id, w, "cgroup", false, true, &cgroup)) ||
	    (rc = get_str(ld, id, w, "unit", false, true, &unit)) ||
	    (rc = get_str(ld, id, w, "container_id", false, true, &container)) ||
	    (rc = get_str(ld, id, w, "hostname", false, true, &host)) ||
	    (rc = get_nullable_int(ld, id, w, "uid", 0, &uid)) ||
	    (rc = get_nullable_int(ld, id, w, "start_time", 1, &start))) {
		return rc;
	}
	i->uid = (long)uid;
	i->start_time = (uint64_t)start;
	if ((rc = dup_str(cmdline, &i->cmdline)) || (rc = dup_str(user, &i->user)) ||
	    (rc = dup_str(cgroup, &i->cgroup)) || (rc = dup_str(unit, &i->unit)) ||
	    (rc = dup_str(container, &i->container_id)) ||
	    (rc = dup_str(host, &i->hostname))) {
		return rc;
	}
	return 0;
}

static int load_top(struct loader *ld, const json_t *root, struct mm_snapshot *snap)
{
	const char *schema = NULL, *comm = NULL, *exe = NULL, *time = NULL;
	const char *kernel = NULL;
	json_t *st, *rt, *id, *maps, *warns;
	uint64_t pid = 0, prev_end = 0;
	char where[64];
	int rc;

	if (!json_is_object(root)) {
		return bad(ld, NULL, "not a memmap snapshot: the document is %s, "
			   "not an object", type_name(root));
	}
	if (!json_object_get(root, "schema")) {
		return bad(ld, NULL, "not a memmap snapshot: no \"schema\"");
	}
	if ((rc = get_str(ld, root, "", "schema", true, false, &schema))) {
		return rc;
	}
	if (strcmp(schema, SCHEMA) != 0) {
		return bad(ld, "schema", "\"%.40s\" is not supported (only \"%s\")",
			   schema, SCHEMA);
	}
	if ((rc = get_u64(ld, root, "", "pid", true, &pid)) ||
	    (rc = get_str(ld, root, "", "comm", true, false, &comm)) ||
	    (rc = get_str(ld, root, "", "exe", false, true, &exe)) ||
	    (rc = get_str(ld, root, "", "time", true, false, &time)) ||
	    (rc = get_str(ld, root, "", "kernel", false, true, &kernel)) ||
	    (rc = get_u64(ld, root, "", "page_size", false, &snap->page_size)) ||
	    (rc = get_obj(ld, root, "", "status", false, true, &st)) ||
	    (rc = get_obj(ld, root, "", "runtime", false, true, &rt)) ||
	    (rc = get_obj(ld, root, "", "identity", false, false, &id)) ||
	    (rc = get_array(ld, root, "", "mappings", true, &maps)) ||
	    (rc = get_array(ld, root, "", "warnings", false, &warns))) {
		return rc;
	}
	if (pid == 0 || pid > INT_MAX) {
		return bad(ld, "pid", "%" PRIu64 " is not a process ID", pid);
	}
	snap->pid = (pid_t)pid;
	if ((rc = dup_str(comm, &snap->comm)) || (rc = dup_str(exe, &snap->exe)) ||
	    (rc = dup_str(time, &snap->time)) || (rc = dup_str(kernel, &snap->kernel))) {
		return rc;
	}
	if (st && (rc = load_status(ld, st, &snap->status))) {
		return rc;
	}
	if (rt && (rc = load_runtime(ld, rt, &snap->runtime))) {
		return rc;
	}
	if ((rc = load_jemalloc(ld, root, &snap->runtime.jemalloc))) {
		return rc;
	}
	if (id && (rc = load_identity(ld, id, &snap->identity))) {
		return rc;
	}
	for (size_t i = 0; i < json_array_size(maps); i++) {
		struct mm_mapping *m = mm_snapshot_add_mapping(snap);

		if (!m) {
			return -ENOMEM;
		}
		snprintf(where, sizeof(where), "mappings[%zu]", i);
		rc = load_mapping(ld, snap, json_array_get(maps, i), where, prev_end, m);
		if (rc) {
			return rc;
		}
		prev_end = m->end;
	}
	for (size_t i = 0; i < json_array_size(warns); i++) {
		json_t *v = json_array_get(warns, i);

		if (!json_is_string(v)) {
			snprintf(where, sizeof(where), "warnings[%zu]", i);
			return bad(ld, where, "expected a string, found %s",
				   type_name(v));
		}
		if ((rc = mm_snapshot_warn(snap, "%s", json_string_value(v)))) {
			return rc;
		}
	}
	return 0;
}

/* rss_exact as the file says (finish() judges by the weights above, which
 * always add up); a mapping whose regions were merged keeps finish()'s. */
static void restore_exact(const json_t *root, struct mm_snapshot *snap)
{
	const json_t *maps = json_object_get(root, "mappings");

	for (size_t i = 0; i < snap->nmappings; i++) {
		const json_t *regs = json_object_get(json_array_get(maps, i), "regions");
		struct mm_mapping *m = &snap->mappings[i];

		if (json_array_size(regs) != m->nregions) {
			continue;
		}
		for (size_t r = 0; r < m->nregions; r++) {
			const json_t *v = json_object_get(json_array_get(regs, r), "rss_exact");

			if (json_is_boolean(v)) {
				m->regions[r].rss_exact = json_is_true(v);
			}
		}
	}
}

/* A snapshot of 220,000 mappings is about 150 MB; jansson needs some 20
 * times the text's size.  Larger files are refused, not read. */
#define SNAPSHOT_MAX_BYTES (256u << 20)

/* Opens a snapshot file without blocking on it: a FIFO, a device or a
 * directory is refused before any read (standard input is what the user
 * gave: read it, within the cap).  Returns an fd or -errno. */
static int open_snapshot(struct loader *ld, const char *path)
{
	struct stat st;
	int fd;

	if (strcmp(path, "-") == 0) {
		return STDIN_FILENO;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		fd = -errno;
		bad(ld, NULL, "%s", strerror(-fd));
		return fd;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		bad(ld, NULL, "%s", S_ISDIR(st.st_mode) ? strerror(EISDIR) :
		    "not a regular file (a snapshot is a file memmap --save wrote)");
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	if ((uint64_t)st.st_size > SNAPSHOT_MAX_BYTES) {
		bad(ld, NULL, "%" PRIu64 " MiB: larger than the %u MiB a snapshot may be",
		    (uint64_t)st.st_size >> 20, SNAPSHOT_MAX_BYTES >> 20);
		close(fd);
		return -EFBIG;
	}
	return fd;
}

/* The whole file in memory (at most SNAPSHOT_MAX_BYTES): jansson parses
 * it, and error messages about fields point back into it. */
static int read_all(struct loader *ld, const char *path, char **text, size_t *len)
{
	int fd = open_snapshot(ld, path);
	size_t n = 0, cap = 0;
	char *buf = NULL;
	int rc = 0;

	if (fd < 0) {
		return fd;
	}
	for (;;) {
		size_t room;
		ssize_t got;

		/* A pipe or a growing file: stop one byte past the cap. */
		if (n > SNAPSHOT_MAX_BYTES) {
			rc = -EFBIG;
			bad(ld, NULL, "larger than the %u MiB a snapshot may be",
			    SNAPSHOT_MAX_BYTES >> 20);
			goto fail;
		}
		if (mm_grow(&buf, &cap, n + 1, 1)) {
			rc = -ENOMEM;
			goto fail;
		}
		room = cap - n;
		if (room > SNAPSHOT_MAX_BYTES + 1 - n) {
			room = SNAPSHOT_MAX_BYTES + 1 - n;
		}
		got = read(fd, buf + n, room);
		if (got < 0 && errno == EINTR) {
			continue;
		}
		if (got < 0) {
			rc = -errno;
			bad(ld, NULL, "%s", strerror(-rc));
			goto fail;
		}
		if (got == 0) {
			break;
		}
		n += (size_t)got;
	}
	if (fd != STDIN_FILENO) {
		close(fd);
	}
	*text = buf;
	*len = n;
	return 0;
fail:
	if (fd != STDIN_FILENO) {
		close(fd);
	}
	free(buf);
	return rc;
}

/* Parses the document; jansson's own message carries line and column. */
static int parse(struct loader *ld, const char *text, json_t **root)
{
	json_error_t jerr;
	/* Trailing garbage is an error (no JSON_DISABLE_EOF_CHECK), and so is
	 * a key given twice: a snapshot has no reason for either. */
	const size_t flags = JSON_REJECT_DUPLICATES;

	*root = json_loadb(text, ld->len, flags, &jerr);
	if (*root) {
		return 0;
	}
	free(ld->err);
	if (jerr.line > 0) {
		if (asprintf(&ld->err, "%s:%d:%d: not a valid JSON document: %s",
			     ld->file, jerr.line, jerr.column, jerr.text) < 0) {
			ld->err = NULL;
			return -ENOMEM;
		}
	} else if (asprintf(&ld->err, "%s: not a valid JSON document: %s",
			    ld->file, jerr.text) < 0) {
		ld->err = NULL;
		return -ENOMEM;
	}
	return -EINVAL;
}

int mm_snapshot_load(const char *path, struct mm_snapshot **out, char **errmsg)
{
	struct loader ld = { .file = path };
	struct mm_snapshot *snap = NULL;
	json_t *root = NULL;
	char *text = NULL;
	int rc;

	*out = NULL;
	*errmsg = NULL;
	rc = read_all(&ld, path, &text, &ld.len);
	if (rc) {
		goto fail;
	}
	rc = parse(&ld, text, &root);
	if (rc) {
		goto fail;
	}
	ld.text = text;
	snap = mm_snapshot_create();
	if (!snap) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = load_top(&ld, root, snap);
	if (rc) {
		goto fail;
	}
	mm_snapshot_finish(snap);
	restore_exact(root, snap);
	json_decref(root);
	free(text);
	*out = snap;
	return 0;
fail:
	mm_snapshot_destroy(snap);
	json_decref(root);
	free(text);
	if (rc == -ENOMEM) {
		free(ld.err);
		ld.err = NULL;
		if (asprintf(&ld.err, "%s: %s", path, strerror(ENOMEM)) < 0) {
			ld.err = NULL;
		}
	}
	*errmsg = ld.err;
	return rc;
}
