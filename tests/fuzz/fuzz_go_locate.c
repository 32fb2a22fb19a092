/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_go_locate.c: the stripped-binary locator's pure parts on arbitrary
 * bytes: as a .gopclntab (header, then function look-ups by name), as
 * code (the RIP-relative operand matching of every kind), and as a
 * size-class table.  It may refuse anything; it must not crash or read
 * past the bytes. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "runtimes/go/go_locate.h"

static const char *const funcs[] = {
	"runtime.mallocinit", "runtime.(*mheap).init", "runtime.growslice", "", "x",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes: the sanitizers see any overread. */
	uint8_t *buf = malloc(size ? size : 1);
	struct mm_go_pclntab p;
	uint64_t out[8];

	if (!buf) {
		return 0;
	}
	memcpy(buf, data, size);
	if (mm_go_pclntab_parse(buf, size, &p) == 0) {
		for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
			uint64_t entry, len;

			mm_go_pclntab_func(&p, funcs[i], &entry, &len);
		}
	}
	for (int k = MM_GO_LEA_CALL; k <= MM_GO_SLICE_LOAD; k++) {
		mm_go_rip_targets(buf, size, 0x401000, (enum mm_go_ref_kind)k, 0x402000, out, 8);
	}
	mm_go_is_class_sizes(buf, size);
	free(buf);
	return 0;
}
