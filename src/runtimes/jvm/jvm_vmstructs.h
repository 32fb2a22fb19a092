/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jvm_vmstructs.h: HotSpot's self-describing tables (gHotSpotVMStructs,
 * gHotSpotVMTypes, gHotSpotVMIntConstants, gHotSpotVMLongConstants: the
 * serviceability agent's view of the VM), read through a caller's reader
 * of the target's memory.  Pure: it takes bytes and fills the tables; the
 * tables are hostile until each entry's strings end and its sizes hold. */
#ifndef MEMMAP_JVM_VMSTRUCTS_H
#define MEMMAP_JVM_VMSTRUCTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The globals libjvm exports for the tables: each a target address. */
enum mm_jvm_sym {
	MM_JS_STRUCTS, MM_JS_STRUCT_STRIDE, MM_JS_STRUCT_TYPE_NAME, MM_JS_STRUCT_FIELD_NAME,
	MM_JS_STRUCT_IS_STATIC, MM_JS_STRUCT_OFFSET, MM_JS_STRUCT_ADDRESS,
	MM_JS_TYPES, MM_JS_TYPE_STRIDE, MM_JS_TYPE_TYPE_NAME, MM_JS_TYPE_SIZE,
	MM_JS_INTS, MM_JS_INT_STRIDE, MM_JS_INT_NAME, MM_JS_INT_VALUE,
	MM_JS_LONGS, MM_JS_LONG_STRIDE, MM_JS_LONG_NAME, MM_JS_LONG_VALUE,
	MM_JS_TYPE_SUPER,
	MM_JS_COUNT
};

/* "gHotSpotVMStructs", "gHotSpotVMStructEntryArrayStride"... */
extern const char *const mm_jvm_sym_names[MM_JS_COUNT];

/* Reads len bytes of the target at addr; 0 or -errno. */
typedef int (*mm_jvm_read_fn)(void *arg, uint64_t addr, void *buf, size_t len);

struct mm_jvm_field {
	char *type, *name;		/* "Universe", "_collectedHeap" */
	bool is_static;
	uint64_t offset;		/* in its type (not static) */
	uint64_t address;		/* in the target (static) */
};

struct mm_jvm_type {
	char *name;
	char *super;			/* its superclass's name, or NULL */
	uint64_t size;
};

struct mm_jvm_constant {
	char *name;
	int64_t value;
};

struct mm_jvm_vmstructs {
	struct mm_jvm_field *fields;
	size_t nfields;
	struct mm_jvm_type *types;
	size_t ntypes;
	struct mm_jvm_constant *consts;	/* the int and the long ones */
	size_t nconsts;
	uint64_t reads;			/* reads made (for --debug) */
};

/* The bounds a table must keep: more entries, or longer names, and it is
 * not one. */
#define MM_JVM_MAX_ENTRIES	8192
#define MM_JVM_MAX_NAME		160

/* Reads the four tables from the globals at syms[].  Returns 0, -EINVAL
 * when a table does not hold together (a stride or offset out of bounds,
 * a name unterminated or not printable, more than MM_JVM_MAX_ENTRIES), a
 * reader's -errno, or -ENOMEM.  On failure t is left empty. */
int mm_jvm_vmstructs_read(struct mm_jvm_vmstructs *t, const uint64_t syms[MM_JS_COUNT],
			  mm_jvm_read_fn read, void *arg);
void mm_jvm_vmstructs_finish(struct mm_jvm_vmstructs *t);

/* Lookups; each returns NULL or false when the table lacks the entry.
 * mm_jvm_offset finds a member declared on a superclass too (JDK 11's
 * MutableSpace::_bottom is ImmutableSpace's), as the agent does. */
const struct mm_jvm_field *mm_jvm_field(const struct mm_jvm_vmstructs *t, const char *type,
					const char *name);
bool mm_jvm_offset(const struct mm_jvm_vmstructs *t, const char *type, const char *name,
		   uint64_t *offset);
bool mm_jvm_static(const struct mm_jvm_vmstructs *t, const char *type, const char *name,
		   uint64_t *address);
bool mm_jvm_type_size(const struct mm_jvm_vmstructs *t, const char *name, uint64_t *size);
bool mm_jvm_constant(const struct mm_jvm_vmstructs *t, const char *name, int64_t *value);

#endif
