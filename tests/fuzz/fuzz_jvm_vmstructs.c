/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_jvm_vmstructs.c: the reader of HotSpot's self-describing tables on
 * a hostile table: strides and member offsets of any size, names that do
 * not end or are not text, entries without a terminating one, pointers
 * into nothing.  The reads are charged to a budget: spending it is a
 * finding, like a crash or a hang.
 *
 * Input, little-endian: MM_JS_COUNT × u16, each global's offset in the
 * fake memory; the rest of the input is that memory, at BASE.  Bytes
 * outside it cannot be read (-EIO), as an unmapped address. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "runtimes/jvm/jvm_vmstructs.h"

#define BASE		0x7f0000000000ULL
#define MAX_READS	400000

struct memory {
	const uint8_t *bytes;
	size_t len;
	unsigned long reads;
};

static int read_fake(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct memory *m = arg;

	if (++m->reads > MAX_READS) {
		abort();	/* the reader's bounds did not hold */
	}
	if (addr < BASE || addr - BASE > m->len || m->len - (addr - BASE) < len) {
		return -EIO;
	}
	memcpy(buf, m->bytes + (addr - BASE), len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct memory m = { 0 };
	struct mm_jvm_vmstructs t;
	uint64_t syms[MM_JS_COUNT];
	uint64_t v;
	int64_t c;

	if (size < 2 * MM_JS_COUNT) {
		return 0;
	}
	for (int i = 0; i < MM_JS_COUNT; i++) {
		syms[i] = BASE + (uint64_t)(data[2 * i] | data[2 * i + 1] << 8);
	}
	m.bytes = data + 2 * MM_JS_COUNT;
	m.len = size - 2 * MM_JS_COUNT;
	if (mm_jvm_vmstructs_read(&t, syms, read_fake, &m) == 0) {
		if (t.nfields > MM_JVM_MAX_ENTRIES || t.ntypes > MM_JVM_MAX_ENTRIES ||
		    t.nconsts > 2 * MM_JVM_MAX_ENTRIES) {
			abort();
		}
		for (size_t i = 0; i < t.nfields; i++) {
			if (!t.fields[i].type[0] || strlen(t.fields[i].name) >= MM_JVM_MAX_NAME) {
				abort();
			}
		}
		(void)mm_jvm_offset(&t, "Universe", "_collectedHeap", &v);
		(void)mm_jvm_static(&t, "Universe", "_collectedHeap", &v);
		(void)mm_jvm_type_size(&t, "JVMFlag", &v);
		(void)mm_jvm_constant(&t, "HeapWordSize", &c);
		mm_jvm_vmstructs_finish(&t);
	} else if (t.nfields || t.ntypes || t.nconsts) {
		abort();	/* a failed read leaves the tables empty */
	}
	return 0;
}
