/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jvm_vmstructs.c: reads HotSpot's self-describing tables.  Each table is
 * an array ended by an entry whose name is NULL; the layout of an entry
 * (its stride and where each member sits) is itself exported, so nothing
 * here knows a JDK version.  Names are read through a small page cache:
 * they lie together in libjvm's read-only data. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtimes/jvm/jvm_vmstructs.h"
#include "util/grow.h"

const char *const mm_jvm_sym_names[MM_JS_COUNT] = {
	[MM_JS_STRUCTS] = "gHotSpotVMStructs",
	[MM_JS_STRUCT_STRIDE] = "gHotSpotVMStructEntryArrayStride",
	[MM_JS_STRUCT_TYPE_NAME] = "gHotSpotVMStructEntryTypeNameOffset",
	[MM_JS_STRUCT_FIELD_NAME] = "gHotSpotVMStructEntryFieldNameOffset",
	[MM_JS_STRUCT_IS_STATIC] = "gHotSpotVMStructEntryIsStaticOffset",
	[MM_JS_STRUCT_OFFSET] = "gHotSpotVMStructEntryOffsetOffset",
	[MM_JS_STRUCT_ADDRESS] = "gHotSpotVMStructEntryAddressOffset",
	[MM_JS_TYPES] = "gHotSpotVMTypes",
	[MM_JS_TYPE_STRIDE] = "gHotSpotVMTypeEntryArrayStride",
	[MM_JS_TYPE_TYPE_NAME] = "gHotSpotVMTypeEntryTypeNameOffset",
	[MM_JS_TYPE_SIZE] = "gHotSpotVMTypeEntrySizeOffset",
	[MM_JS_INTS] = "gHotSpotVMIntConstants",
	[MM_JS_INT_STRIDE] = "gHotSpotVMIntConstantEntryArrayStride",
	[MM_JS_INT_NAME] = "gHotSpotVMIntConstantEntryNameOffset",
	[MM_JS_INT_VALUE] = "gHotSpotVMIntConstantEntryValueOffset",
	[MM_JS_LONGS] = "gHotSpotVMLongConstants",
	[MM_JS_LONG_STRIDE] = "gHotSpotVMLongConstantEntryArrayStride",
	[MM_JS_LONG_NAME] = "gHotSpotVMLongConstantEntryNameOffset",
	[MM_JS_LONG_VALUE] = "gHotSpotVMLongConstantEntryValueOffset",
	[MM_JS_TYPE_SUPER] = "gHotSpotVMTypeEntrySuperclassNameOffset",
};

#define MAX_STRIDE	512	/* bytes an entry may take */
#define BLOCK		64	/* entries read at once */
#define CACHE_PAGES	16
#define CPAGE		4096ULL

struct reader {
	mm_jvm_read_fn read;
	void *arg;
	uint64_t reads;
	struct {
		uint64_t page;		/* ~0: empty */
		uint8_t bytes[CPAGE];
	} cache[CACHE_PAGES];
};

static int get(struct reader *r, uint64_t addr, void *buf, size_t len)
{
	r->reads++;
	return r->read(r->arg, addr, buf, len);
}

static int get_word(struct reader *r, uint64_t addr, uint64_t *v)
{
	return get(r, addr, v, sizeof(*v));
}

/* The cached page holding addr, read whole on a miss. */
static const uint8_t *page_of(struct reader *r, uint64_t addr, int *err)
{
	uint64_t page = addr & ~(CPAGE - 1);
	size_t slot = (size_t)(page / CPAGE) % CACHE_PAGES;

	if (r->cache[slot].page != page) {
		r->cache[slot].page = ~0ULL;
		if ((*err = get(r, page, r->cache[slot].bytes, CPAGE))) {
			return NULL;
		}
		r->cache[slot].page = page;
	}
	return r->cache[slot].bytes;
}

/* The NUL-terminated printable name at addr, copied; NULL with *err set
 * (-EINVAL: unterminated within MM_JVM_MAX_NAME or not printable). */
static char *get_name(struct reader *r, uint64_t addr, int *err)
{
	char buf[MM_JVM_MAX_NAME];

	for (size_t n = 0; n < sizeof(buf); n++) {
		const uint8_t *page = addr + n < addr ? NULL : page_of(r, addr + n, err);
		uint8_t c;

		if (!page) {
			*err = *err ? *err : -EINVAL;
			return NULL;
		}
		c = page[(addr + n) & (CPAGE - 1)];
		if (!c) {
			char *s = n ? strndup(buf, n) : NULL;

			*err = !n ? -EINVAL : s ? 0 : -ENOMEM;
			return s;
		}
		if (c < 0x20 || c > 0x7e) {
			*err = -EINVAL;
			return NULL;
		}
		buf[n] = (char)c;
	}
	*err = -EINVAL;
	return NULL;
}

/* One table's shape: stride and the offsets of the members read, each
 * with its width; all must fit in the stride. */
#define MAX_MEMBERS 5

struct shape {
	uint64_t base, stride;
	uint64_t off[MAX_MEMBERS];
	size_t width[MAX_MEMBERS];
};

static int read_shape(struct reader *r, const uint64_t syms[MM_JS_COUNT], int table,
		      int stride, const int *members, const size_t *widths, int n,
		      struct shape *s)
{
	int rc;

	if ((rc = get_word(r, syms[table], &s->base)) ||
	    (rc = get_word(r, syms[stride], &s->stride))) {
		return rc;
	}
	if (!s->base || s->stride < 8 || s->stride > MAX_STRIDE) {
		return -EINVAL;
	}
	for (int i = 0; i < n; i++) {
		if ((rc = get_word(r, syms[members[i]], &s->off[i]))) {
			return rc;
		}
		s->width[i] = widths[i];
		if (s->off[i] > s->stride || s->stride - s->off[i] < widths[i]) {
			return -EINVAL;
		}
	}
	return 0;
}

/* Member i of entry e, zero-extended (a 4-byte int is sign-extended by
 * the caller where it matters). */
static uint64_t member(const uint8_t *e, const struct shape *s, int i)
{
	uint64_t v = 0;

	memcpy(&v, e + s->off[i], s->width[i]);
	return v;
}

typedef int (*add_fn)(struct reader *r, const struct shape *s, const uint8_t *e,
		      struct mm_jvm_vmstructs *t, size_t *cap);

/* Calls add for each entry until the one whose member 0 (its name
 * pointer) is NULL.  Returns 0 or -errno; -EINVAL when no end comes
 * within MM_JVM_MAX_ENTRIES. */
static int walk(struct reader *r, const struct shape *s, add_fn add,
		struct mm_jvm_vmstructs *t)
{
	uint8_t *e = malloc((size_t)s->stride * BLOCK);
	size_t cap = 0;
	int rc = 0;

	if (!e) {
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < MM_JVM_MAX_ENTRIES && !rc; i += BLOCK) {
		uint64_t at = s->base + i * s->stride, n = BLOCK;

		/* The end may lie less than a block before memory that
		 * cannot be read: then an entry at a time. */
		if (at < s->base || get(r, at, e, (size_t)(s->stride * BLOCK))) {
			n = 0;
		}
		for (uint64_t j = 0; j < BLOCK && !rc; j++) {
			uint8_t *ej = e + j * s->stride;

			if (j >= n && (rc = get(r, at + j * s->stride, ej, (size_t)s->stride))) {
				break;
			}
			if (!member(ej, s, 0)) {
				free(e);
				return 0;
			}
			rc = add(r, s, ej, t, &cap);
		}
	}
	free(e);
	return rc ? rc : -EINVAL;
}

static int add_field(struct reader *r, const struct shape *s, const uint8_t *e,
		     struct mm_jvm_vmstructs *t, size_t *cap)
{
	struct mm_jvm_field f = { 0 };
	int err = 0;

	if (!(f.type = get_name(r, member(e, s, 0), &err)) ||
	    !(f.name = get_name(r, member(e, s, 1), &err))) {
		free(f.type);
		return err;
	}
	f.is_static = (uint32_t)member(e, s, 2) != 0;
	f.offset = member(e, s, 3);
	f.address = member(e, s, 4);
	if (mm_grow(&t->fields, cap, t->nfields + 1, sizeof(f))) {
		free(f.type);
		free(f.name);
		return -ENOMEM;
	}
	t->fields[t->nfields++] = f;
	return 0;
}

static int add_type(struct reader *r, const struct shape *s, const uint8_t *e,
		    struct mm_jvm_vmstructs *t, size_t *cap)
{
	struct mm_jvm_type y = { 0 };
	int err = 0;

	if (!(y.name = get_name(r, member(e, s, 0), &err)) ||
	    (member(e, s, 2) && !(y.super = get_name(r, member(e, s, 2), &err)))) {
		free(y.name);
		return err;
	}
	y.size = member(e, s, 1);
	if (mm_grow(&t->types, cap, t->ntypes + 1, sizeof(y))) {
		free(y.name);
		free(y.super);
		return -ENOMEM;
	}
	t->types[t->ntypes++] = y;
	return 0;
}

/* Constants share one array; cap counts from the ints' end for longs. */
static int add_const(struct reader *r, const struct shape *s, const uint8_t *e,
		     struct mm_jvm_vmstructs *t, size_t *cap)
{
	struct mm_jvm_constant c = { 0 };
	size_t have = t->nconsts;
	int err = 0;

	if (!(c.name = get_name(r, member(e, s, 0), &err))) {
		return err;
	}
	c.value = s->width[1] == 4 ? (int64_t)(int32_t)member(e, s, 1) : (int64_t)member(e, s, 1);
	/* a fresh cap for the longs walk: grow from what the ints left */
	if (*cap < have) {
		*cap = have;
	}
	if (mm_grow(&t->consts, cap, t->nconsts + 1, sizeof(c))) {
		free(c.name);
		return -ENOMEM;
	}
	t->consts[t->nconsts++] = c;
	return 0;
}

void mm_jvm_vmstructs_finish(struct mm_jvm_vmstructs *t)
{
	for (size_t i = 0; i < t->nfields; i++) {
		free(t->fields[i].type);
		free(t->fields[i].name);
	}
	for (size_t i = 0; i < t->ntypes; i++) {
		free(t->types[i].name);
		free(t->types[i].super);
	}
	for (size_t i = 0; i < t->nconsts; i++) {
		free(t->consts[i].name);
	}
	free(t->fields);
	free(t->types);
	free(t->consts);
	memset(t, 0, sizeof(*t));
}

int mm_jvm_vmstructs_read(struct mm_jvm_vmstructs *t, const uint64_t syms[MM_JS_COUNT],
			  mm_jvm_read_fn read, void *arg)
{
	static const int fm[] = { MM_JS_STRUCT_TYPE_NAME, MM_JS_STRUCT_FIELD_NAME,
				  MM_JS_STRUCT_IS_STATIC, MM_JS_STRUCT_OFFSET,
				  MM_JS_STRUCT_ADDRESS };
	static const size_t fw[] = { 8, 8, 4, 8, 8 };
	static const int tm[] = { MM_JS_TYPE_TYPE_NAME, MM_JS_TYPE_SIZE, MM_JS_TYPE_SUPER };
	static const int im[] = { MM_JS_INT_NAME, MM_JS_INT_VALUE };
	static const int lm[] = { MM_JS_LONG_NAME, MM_JS_LONG_VALUE };
	static const size_t w88[] = { 8, 8, 8 }, w84[] = { 8, 4 };
	struct reader *r = malloc(sizeof(*r));
	struct shape s;
	int rc;

	memset(t, 0, sizeof(*t));
	if (!r) {
		return -ENOMEM;
	}
	r->read = read;
	r->arg = arg;
	r->reads = 0;
	for (int i = 0; i < CACHE_PAGES; i++) {
		r->cache[i].page = ~0ULL;
	}
	rc = read_shape(r, syms, MM_JS_STRUCTS, MM_JS_STRUCT_STRIDE, fm, fw, 5, &s);
	if (!rc) {
		rc = walk(r, &s, add_field, t);
	}
	if (!rc && !(rc = read_shape(r, syms, MM_JS_TYPES, MM_JS_TYPE_STRIDE, tm, w88, 3, &s))) {
		rc = walk(r, &s, add_type, t);
	}
	if (!rc && !(rc = read_shape(r, syms, MM_JS_INTS, MM_JS_INT_STRIDE, im, w84, 2, &s))) {
		rc = walk(r, &s, add_const, t);
	}
	if (!rc && !(rc = read_shape(r, syms, MM_JS_LONGS, MM_JS_LONG_STRIDE, lm, w88, 2, &s))) {
		rc = walk(r, &s, add_const, t);
	}
	t->reads = r->reads;
	free(r);
	if (rc) {
		mm_jvm_vmstructs_finish(t);
	}
	return rc;
}

const struct mm_jvm_field *mm_jvm_field(const struct mm_jvm_vmstructs *t, const char *type,
					const char *name)
{
	for (size_t i = 0; i < t->nfields; i++) {
		if (!strcmp(t->fields[i].type, type) && !strcmp(t->fields[i].name, name)) {
			return &t->fields[i];
		}
	}
	return NULL;
}

static const struct mm_jvm_type *find_type(const struct mm_jvm_vmstructs *t, const char *name)
{
	for (size_t i = 0; i < t->ntypes; i++) {
		if (!strcmp(t->types[i].name, name)) {
			return &t->types[i];
		}
	}
	return NULL;
}

/* Superclasses climbed, at most: a chain longer than this is a loop. */
#define MAX_DEPTH	16

bool mm_jvm_offset(const struct mm_jvm_vmstructs *t, const char *type, const char *name,
		   uint64_t *offset)
{
	const struct mm_jvm_field *f = mm_jvm_field(t, type, name);
	const struct mm_jvm_type *y;

	for (int d = 0; !f && d < MAX_DEPTH && (y = find_type(t, type)) && y->super; d++) {
		type = y->super;
		f = mm_jvm_field(t, type, name);
	}
	/* An offset past a megabyte is no C++ member's. */
	if (!f || f->is_static || f->offset >= (1u << 20)) {
		return false;
	}
	*offset = f->offset;
	return true;
}

bool mm_jvm_static(const struct mm_jvm_vmstructs *t, const char *type, const char *name,
		   uint64_t *address)
{
	const struct mm_jvm_field *f = mm_jvm_field(t, type, name);

	if (!f || !f->is_static || !f->address) {
		return false;
	}
	*address = f->address;
	return true;
}

bool mm_jvm_type_size(const struct mm_jvm_vmstructs *t, const char *name, uint64_t *size)
{
	const struct mm_jvm_type *y = find_type(t, name);

	if (y) {
		*size = y->size;
	}
	return y != NULL;
}

bool mm_jvm_constant(const struct mm_jvm_vmstructs *t, const char *name, int64_t *value)
{
	for (size_t i = 0; i < t->nconsts; i++) {
		if (!strcmp(t->consts[i].name, name)) {
			*value = t->consts[i].value;
			return true;
		}
	}
	return false;
}
