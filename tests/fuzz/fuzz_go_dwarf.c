/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_go_dwarf.c: the Go DWARF and symbol-table reader on arbitrary ELF
 * bytes, asked what the Go labeller asks (variables, member paths, types,
 * symbols).  It may refuse anything; it must not crash or read wild. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "runtimes/go/go_dwarf.h"

static const char *const vars[][2] = {
	{ "runtime.mheap_", NULL }, { "runtime.mheap_", "" },
	{ "runtime.mheap_", "arenas" }, { "runtime.mheap_", "allArenas" },
	{ "runtime.mheap_", "allArenas.array" }, { "runtime.mheap_", "allspans.cap" },
	{ "runtime.mheap_", "pages.chunks" }, { "runtime.mheap_", "pages.summary" },
	{ "runtime.mheap_", "pages.scav.index.chunks" },
	{ "runtime.mheap_", "pages.summary.array.x.y" },
	{ "runtime.gcBitsArenas", "free" }, { "runtime.gcBitsArenas", "next" },
	{ "runtime.gcBitsArenas", "current" }, { "runtime.gcBitsArenas", "previous" },
	{ "runtime.persistentChunks", NULL }, { "runtime.buckhash", "value" },
	{ "main.x", "a.b.c.d.e.f.g.h" }, { "", NULL }, { "runtime.mheap_", "." },
};

static const char *const types[][2] = {
	{ "runtime.heapArena", NULL }, { "[]runtime.pallocSum", "array" },
	{ "[]runtime.pallocSum", "cap" }, { "runtime.gcBitsArena", "next" },
	{ "runtime.buckhashArray", NULL }, { "main.T", "a.b" }, { "int", "x" },
	{ "main.A", NULL }, { "main.A", "x" }, { "main.Arr", NULL }, { "main.T", "a.a.a.a.b" },
};

static const char *const symbols[] = {
	"runtime.mheap_", "runtime.text", "runtime.etext", "runtime.end",
	"runtime.firstmoduledata", "",
};

void fuzz_go_dwarf_input(const uint8_t *data, size_t size)
{
	struct mm_go_dwarf *d = NULL;
	char path[64];
	int fd = fuzz_tmpfile(data, size, path);

	if (mm_go_dwarf_open_fd(fd, &d) == 0 && d) {
		struct mm_go_type out;
		uint64_t addr;

		for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
			mm_go_dwarf_var(d, vars[i][0], vars[i][1], &out);
		}
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			mm_go_dwarf_type(d, types[i][0], types[i][1], &out);
		}
		for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
			mm_go_dwarf_symbol(d, symbols[i], &addr);
		}
	}
	mm_go_dwarf_close(d);
	close(fd);
	unlink(path);
}

#ifndef FUZZ_COMBINED
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_go_dwarf_input(data, size);
	return 0;
}
#endif
