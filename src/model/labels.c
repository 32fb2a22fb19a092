/* labels.c: the label vocabulary — names, classes and one-line explanations.
 * Names are a contract with JSON consumers: append, never rename. */
#include <string.h>

#include "model/model.h"

static const struct {
	const char *name;
	enum mm_class class;
	const char *explanation;
} labels[MM_LABEL_COUNT] = {
	[MM_EXE_TEXT] = { "exe.text", MM_CLASS_IMAGE,
		"the program's machine code, shared with every process running the same file" },
	[MM_EXE_RODATA] = { "exe.rodata", MM_CLASS_IMAGE,
		"the program's read-only data, ELF headers and symbol tables; file-backed and shareable" },
	[MM_EXE_DATA] = { "exe.data", MM_CLASS_IMAGE,
		"the program's initialised writable globals; private copies of pages once written" },
	[MM_EXE_RELRO] = { "exe.relro", MM_CLASS_IMAGE,
		"data the loader relocated and then made read-only (GOT, vtables, .dynamic)" },
	[MM_EXE_BSS] = { "exe.bss", MM_CLASS_IMAGE,
		"the program's zero-initialised globals; only pages written are resident" },
	[MM_LIB_TEXT] = { "lib.text", MM_CLASS_IMAGE,
		"shared libraries' machine code, shared between processes" },
	[MM_LIB_RODATA] = { "lib.rodata", MM_CLASS_IMAGE,
		"shared libraries' read-only data, headers and symbol tables" },
	[MM_LIB_DATA] = { "lib.data", MM_CLASS_IMAGE,
		"shared libraries' initialised writable globals" },
	[MM_LIB_RELRO] = { "lib.relro", MM_CLASS_IMAGE,
		"shared libraries' relocated-then-read-only data (GOT, vtables)" },
	[MM_LIB_BSS] = { "lib.bss", MM_CLASS_IMAGE,
		"shared libraries' zero-initialised globals" },
	[MM_HEAP] = { "heap", MM_CLASS_HEAP,
		"the brk heap, grown by malloc's main arena; freed memory in its middle stays mapped" },
	[MM_STACK] = { "stack", MM_CLASS_STACK,
		"the main thread's stack, grown by the kernel on demand" },
	[MM_KERNEL_VDSO] = { "kernel.vdso", MM_CLASS_KERNEL,
		"code the kernel maps into every process for fast system calls" },
	[MM_KERNEL_VVAR] = { "kernel.vvar", MM_CLASS_KERNEL,
		"kernel data the vdso reads (clocks); not the process's memory" },
	[MM_KERNEL_VSYSCALL] = { "kernel.vsyscall", MM_CLASS_KERNEL,
		"the legacy vsyscall page; listed by the kernel but not counted in VmSize" },
	[MM_FILE] = { "file", MM_CLASS_FILE,
		"other mapped files (data files, fonts, locale archives); clean pages can be dropped" },
	[MM_SHMEM] = { "shmem", MM_CLASS_FILE,
		"shared memory: shared anonymous, memfd, /dev/shm or SysV; counted once per system" },
	[MM_ANON_NAMED] = { "anon.named", MM_CLASS_ANON,
		"anonymous memory the program named itself (prctl PR_SET_VMA_ANON_NAME)" },
	[MM_ANON] = { "anon", MM_CLASS_ANON,
		"anonymous memory nothing identified (mmap'd by the program or a library)" },
	[MM_THREAD_STACK] = { "thread.stack", MM_CLASS_STACK,
		"a thread's stack: reserved at its full size, resident only as deep as it ran" },
	[MM_THREAD_GUARD] = { "thread.guard", MM_CLASS_STACK,
		"the inaccessible page below a thread stack that turns an overflow into a crash" },
	[MM_GLIBC_ARENA] = { "glibc.arena", MM_CLASS_HEAP,
		"a glibc malloc arena for threads: 64 MiB of address space reserved, committed as it grows" },
	[MM_GLIBC_MMAP_CHUNK] = { "glibc.mmap-chunk", MM_CLASS_HEAP,
		"one large malloc (above the mmap threshold) with a mapping of its own" },
	[MM_LD_TLS] = { "ld.tls", MM_CLASS_RUNTIME,
		"the dynamic loader's static TLS block and thread control block for the main thread" },
	[MM_LD_MALLOC] = { "ld.malloc", MM_CLASS_RUNTIME,
		"memory the dynamic loader allocated before malloc was ready" },
	[MM_GO_HEAP] = { "go.heap", MM_CLASS_HEAP,
		"Go heap arenas: 64 MiB each, reserved up front and committed as the heap grows" },
	[MM_GO_HEAP_INDEX] = { "go.heap-index", MM_CLASS_RUNTIME,
		"Go's L2 arena map: 32 MiB mapped read-write once, touched only where arenas exist" },
	[MM_GO_HEAP_METADATA] = { "go.heap-metadata", MM_CLASS_RUNTIME,
		"one heapArena struct per Go heap arena (bitmaps and span pointers)" },
	[MM_GO_PAGE_SUMMARY] = { "go.page-summary", MM_CLASS_RUNTIME,
		"the Go page allocator's summary levels: large reservations, committed page by page" },
	[MM_GO_PAGE_ALLOC] = { "go.page-alloc", MM_CLASS_RUNTIME,
		"the Go page allocator's bitmap chunks" },
	[MM_GO_SCAVENGE_INDEX] = { "go.scavenge-index", MM_CLASS_RUNTIME,
		"the Go scavenger's index of which heap memory to return to the OS; mostly reserved" },
	[MM_GO_IMMORTAL_METADATA] = { "go.immortal-metadata", MM_CLASS_RUNTIME,
		"Go persistentalloc chunks (256 KiB): runtime metadata that is never freed" },
	[MM_GO_GC_BITS] = { "go.gc-bits", MM_CLASS_RUNTIME,
		"Go garbage collector mark and allocation bitmaps (64 KiB arenas)" },
	[MM_GO_ALLSPANS] = { "go.allspans", MM_CLASS_RUNTIME,
		"the array of every span the Go heap ever made" },
	[MM_GO_OTHER] = { "go.other", MM_CLASS_RUNTIME,
		"other memory the Go runtime allocated for itself" },
	[MM_PYTHON_ARENA] = { "python.arena", MM_CLASS_HEAP,
		"CPython's small-object allocator (pymalloc): 1 MiB arenas of 16 KiB pools" },
	[MM_PYTHON_DATASTACK] = { "python.datastack", MM_CLASS_STACK,
		"CPython's per-thread frame stack chunks (the interpreter's own call stack)" },
};

static const char *const how_names[MM_HOW_COUNT] = {
	[MM_HOW_ELF] = "elf",
	[MM_HOW_KERNEL] = "kernel",
	[MM_HOW_RUNTIME] = "runtime",
	[MM_HOW_HEURISTIC] = "heuristic",
};

const char *mm_label_name(enum mm_label label)
{
	return (unsigned int)label < MM_LABEL_COUNT ? labels[label].name : "?";
}

int mm_label_from_name(const char *name)
{
	for (int i = 0; i < MM_LABEL_COUNT; i++) {
		if (strcmp(labels[i].name, name) == 0) {
			return i;
		}
	}
	return -1;
}

enum mm_class mm_label_class(enum mm_label label)
{
	return (unsigned int)label < MM_LABEL_COUNT ? labels[label].class : MM_CLASS_ANON;
}

const char *mm_label_explanation(enum mm_label label)
{
	return (unsigned int)label < MM_LABEL_COUNT ? labels[label].explanation : "";
}

const char *mm_how_name(enum mm_how how)
{
	return (unsigned int)how < MM_HOW_COUNT ? how_names[how] : "?";
}
