/* SPDX-License-Identifier: GPL-2.0-or-later */
/* labels.c: the label vocabulary — name, class, colour, one-line help and
 * longer explanation of every label, the single source the printers, the
 * completions (through --list-labels) and the docs check derive from.
 * Names are a contract with JSON consumers: append, never rename. */
#include <string.h>

#include "model/model.h"

/* One row a label: adding a label is its enum value in model.h, its row
 * here, the labeller that produces it, its test and its entry in memmap(1);
 * --list-labels, the completions, the SVG and --explain follow from here.
 * Colours: hues by class (image blue and teal, heap orange, stacks green,
 * runtime purple, kernel grey, files brown, anonymous sand), shades by
 * label. */
static const struct {
	const char *name;
	enum mm_class class;
	uint32_t color;			/* 0xRRGGBB */
	const char *help;		/* a few words: --list-labels */
	const char *explanation;	/* a sentence: --explain, SVG tooltips */
} labels[MM_LABEL_COUNT] = {
	[MM_EXE_TEXT] = { "exe.text", MM_CLASS_IMAGE, 0x1d3f8f,
		"the executable's code",
		"the program's machine code, shared with every process running the same file" },
	[MM_EXE_RODATA] = { "exe.rodata", MM_CLASS_IMAGE, 0x5a7fd6,
		"the executable's read-only data and ELF headers",
		"the program's read-only data, ELF headers and symbol tables; file-backed and shareable" },
	[MM_EXE_DATA] = { "exe.data", MM_CLASS_IMAGE, 0x3659b8,
		"the executable's initialised writable data",
		"the program's initialised writable globals; private copies of pages once written" },
	[MM_EXE_RELRO] = { "exe.relro", MM_CLASS_IMAGE, 0x8aa4e3,
		"the executable's data made read-only after relocation",
		"data the loader relocated and then made read-only (GOT, vtables, .dynamic)" },
	[MM_EXE_BSS] = { "exe.bss", MM_CLASS_IMAGE, 0xb4c5f0,
		"the executable's zero-initialised data",
		"the program's zero-initialised globals; only pages written are resident" },
	[MM_LIB_TEXT] = { "lib.text", MM_CLASS_IMAGE, 0x0b6e8a,
		"a shared library's code",
		"shared libraries' machine code, shared between processes" },
	[MM_LIB_RODATA] = { "lib.rodata", MM_CLASS_IMAGE, 0x3aa0bf,
		"a shared library's read-only data",
		"shared libraries' read-only data, headers and symbol tables" },
	[MM_LIB_DATA] = { "lib.data", MM_CLASS_IMAGE, 0x1f86a6,
		"a shared library's initialised writable data",
		"shared libraries' initialised writable globals" },
	[MM_LIB_RELRO] = { "lib.relro", MM_CLASS_IMAGE, 0x74c3da,
		"a shared library's data made read-only after relocation",
		"shared libraries' relocated-then-read-only data (GOT, vtables)" },
	[MM_LIB_BSS] = { "lib.bss", MM_CLASS_IMAGE, 0xa8dcea,
		"a shared library's zero-initialised data",
		"shared libraries' zero-initialised globals" },
	[MM_HEAP] = { "heap", MM_CLASS_HEAP, 0xe07b00,
		"the brk heap ([heap])",
		"the brk heap, grown with brk(2) by the process's allocator (which one, memmap does not tell); freed memory in its middle stays mapped" },
	[MM_STACK] = { "stack", MM_CLASS_STACK, 0x2e8b3e,
		"the main thread's stack ([stack])",
		"the main thread's stack, grown by the kernel on demand" },
	[MM_KERNEL_VDSO] = { "kernel.vdso", MM_CLASS_KERNEL, 0x555555,
		"the vDSO, kernel code in every process ([vdso])",
		"code the kernel maps into every process for fast system calls" },
	[MM_KERNEL_VVAR] = { "kernel.vvar", MM_CLASS_KERNEL, 0x8a8a8a,
		"the vDSO's data pages ([vvar])",
		"kernel data the vdso reads (clocks); not the process's memory" },
	[MM_KERNEL_VSYSCALL] = { "kernel.vsyscall", MM_CLASS_KERNEL, 0xb5b5b5,
		"the legacy vsyscall page ([vsyscall])",
		"the legacy vsyscall page; listed by the kernel but not counted in VmSize" },
	[MM_FILE] = { "file", MM_CLASS_FILE, 0x8d6e4c,
		"other file mappings",
		"other mapped files (data files, fonts, locale archives); clean pages can be dropped" },
	[MM_SHMEM] = { "shmem", MM_CLASS_FILE, 0xc49a6c,
		"shared memory (shared anonymous, memfd, /dev/shm, SysV)",
		"shared memory: shared anonymous, memfd, /dev/shm or SysV" },
	[MM_ANON_NAMED] = { "anon.named", MM_CLASS_ANON, 0xc2a634,
		"anonymous memory the program named ([anon:NAME])",
		"anonymous memory the program named itself (prctl PR_SET_VMA_ANON_NAME)" },
	[MM_ANON] = { "anon", MM_CLASS_ANON, 0xe3d27a,
		"anonymous memory nothing identified",
		"anonymous memory nothing identified (mmap'd by the program or a library)" },
	[MM_THREAD_STACK] = { "thread.stack", MM_CLASS_STACK, 0x5cb85c,
		"a thread's stack",
		"a thread's stack: reserved at its full size, resident only as deep as it ran" },
	[MM_THREAD_GUARD] = { "thread.guard", MM_CLASS_STACK, 0xa6d8a6,
		"the guard page(s) below a thread's stack",
		"the inaccessible page below a thread stack that turns an overflow into a crash" },
	[MM_GLIBC_ARENA] = { "glibc.arena", MM_CLASS_HEAP, 0xf0a040,
		"a glibc malloc arena of a non-main thread",
		"a glibc malloc arena for threads: 64 MiB of address space reserved, committed as it grows" },
	[MM_GLIBC_MMAP_CHUNK] = { "glibc.mmap-chunk", MM_CLASS_HEAP, 0xf6c583,
		"a large malloc in a mapping of its own",
		"one large malloc (above the mmap threshold) with a mapping of its own" },
	[MM_LD_TLS] = { "ld.tls", MM_CLASS_RUNTIME, 0x8e44ad,
		"the loader's static TLS block for the main thread",
		"the dynamic loader's static TLS block and thread control block for the main thread" },
	[MM_LD_MALLOC] = { "ld.malloc", MM_CLASS_RUNTIME, 0xb57edc,
		"the dynamic loader's early malloc pages",
		"memory the dynamic loader allocated before malloc was ready" },
	[MM_GO_HEAP] = { "go.heap", MM_CLASS_HEAP, 0xc8500a,
		"Go heap arenas",
		"Go heap arenas: 64 MiB each, reserved up front and committed as the heap grows" },
	[MM_GO_HEAP_INDEX] = { "go.heap-index", MM_CLASS_RUNTIME, 0x6a1b9a,
		"Go's L2 arena map (heap index)",
		"Go's L2 arena map: 32 MiB mapped read-write once, touched only where arenas exist" },
	[MM_GO_HEAP_METADATA] = { "go.heap-metadata", MM_CLASS_RUNTIME, 0x9c27b0,
		"Go heapArena structures, one per heap arena",
		"one heapArena struct per Go heap arena (bitmaps and span pointers)" },
	[MM_GO_PAGE_SUMMARY] = { "go.page-summary", MM_CLASS_RUNTIME, 0xc2185b,
		"Go page-allocator summaries",
		"the Go page allocator's summary levels: large reservations, committed page by page" },
	[MM_GO_PAGE_ALLOC] = { "go.page-alloc", MM_CLASS_RUNTIME, 0xe05297,
		"Go page-allocator bitmap chunks",
		"the Go page allocator's bitmap chunks" },
	[MM_GO_SCAVENGE_INDEX] = { "go.scavenge-index", MM_CLASS_RUNTIME, 0xad1457,
		"Go scavenger index",
		"the Go scavenger's index of which heap memory to return to the OS; mostly reserved" },
	[MM_GO_IMMORTAL_METADATA] = { "go.immortal-metadata", MM_CLASS_RUNTIME, 0xce93d8,
		"Go persistentalloc chunks (never freed)",
		"Go persistentalloc chunks (256 KiB): runtime metadata that is never freed" },
	[MM_GO_GC_BITS] = { "go.gc-bits", MM_CLASS_RUNTIME, 0x7b1fa2,
		"Go garbage collector mark and allocation bitmaps",
		"Go garbage collector mark and allocation bitmaps (64 KiB arenas)" },
	[MM_GO_ALLSPANS] = { "go.allspans", MM_CLASS_RUNTIME, 0xf48fb1,
		"the array of every Go heap span",
		"the array of every span the Go heap ever made" },
	[MM_GO_OTHER] = { "go.other", MM_CLASS_RUNTIME, 0xd9b3e6,
		"other memory the Go runtime mapped",
		"other memory the Go runtime allocated for itself" },
	[MM_PYTHON_ARENA] = { "python.arena", MM_CLASS_HEAP, 0xd98c1a,
		"CPython pymalloc arenas",
		"CPython's small-object allocator (pymalloc): 1 MiB arenas of 16 KiB pools" },
	[MM_PYTHON_DATASTACK] = { "python.datastack", MM_CLASS_STACK, 0x7fbf7f,
		"CPython per-thread frame stack chunks",
		"CPython's per-thread frame stack chunks (the interpreter's own call stack)" },
	[MM_HUGETLB] = { "hugetlb", MM_CLASS_ANON, 0xa89040,
		"huge pages from the hugetlb pool (MAP_HUGETLB, hugetlbfs)",
		"huge pages from the kernel's hugetlb pool; never swapped, not in VmRSS but in "
		"HugetlbPages, counted in RSS here" },
	[MM_MUSL_MALLOC] = { "musl.malloc", MM_CLASS_HEAP, 0xc87f0a,
		"musl's malloc (mallocng): its mmap'd groups and meta areas",
		"memory musl's malloc (mallocng) mapped: groups of slots it hands out, each "
		"proven by its struct meta, and the pages of struct meta themselves" },
	[MM_GUARD] = { "guard", MM_CLASS_ANON, 0x6b6b6b,
		"guard pages (MADV_GUARD_INSTALL) below no thread's stack",
		"pages guarded with madvise(MADV_GUARD_INSTALL), as pagemap's guard bit says: any "
		"access faults; not below a thread's stack (that is thread.guard)" },
	[MM_GO_HEAP_OBJECTS] = { "go.heap.objects", MM_CLASS_HEAP, 0xe0661f,
		"part of go.heap: spans of Go objects (HeapInuse)",
		"pages of the Go heap in spans that hold objects, live or not yet swept (HeapInuse); "
		"a part of go.heap in the Go runtime section, not a region label" },
	[MM_GO_HEAP_STACKS] = { "go.heap.stacks", MM_CLASS_STACK, 0x4caf50,
		"part of go.heap: goroutine stack spans (StackInuse)",
		"pages of the Go heap in spans that hold goroutine stacks (StackInuse); "
		"a part of go.heap in the Go runtime section, not a region label" },
	[MM_GO_HEAP_GC] = { "go.heap.gc", MM_CLASS_RUNTIME, 0x8e24aa,
		"part of go.heap: GC work buffer spans (in GCSys)",
		"pages of the Go heap the garbage collector took for its work buffers "
		"(and, Go 1.20-1.24, large types' pointer bitmaps), counted in GCSys; "
		"a part of go.heap in the Go runtime section, not a region label" },
	[MM_GO_HEAP_FREE] = { "go.heap.free", MM_CLASS_HEAP, 0xf0a060,
		"part of go.heap: free pages kept (HeapIdle - HeapReleased)",
		"free pages of the Go heap that the runtime kept: idle, not returned to the OS, "
		"resident where once written; a part of go.heap in the Go runtime section, "
		"not a region label" },
	[MM_GO_HEAP_RELEASED] = { "go.heap.released", MM_CLASS_HEAP, 0xf5d0a9,
		"part of go.heap: free pages returned to the OS (HeapReleased)",
		"free pages of the Go heap the scavenger returned to the OS (HeapReleased): "
		"mapped, holding nothing until reused; a part of go.heap in the Go runtime "
		"section, not a region label" },
	[MM_JEMALLOC_ARENA] = { "jemalloc.arena", MM_CLASS_HEAP, 0xcc7a29,
		"jemalloc's extents: active, dirty, muzzy and retained pages",
		"memory jemalloc mapped for its arenas: extents of slabs and large allocations in "
		"use (active), freed but not yet returned (dirty, muzzy) and kept mapped for reuse "
		"(retained), each proven by its extent record in jemalloc's extent map" },
	[MM_JEMALLOC_METADATA] = { "jemalloc.metadata", MM_CLASS_RUNTIME, 0xa37acc,
		"jemalloc's own metadata: its bases' blocks",
		"memory jemalloc mapped for itself (its bases' blocks): arena and extent records, "
		"the extent map's radix tree, per-thread caches' bookkeeping" },
	[MM_V8_HEAP] = { "v8.heap", MM_CLASS_HEAP, 0xd9822b,
		"V8's JavaScript heap: its pages, each proven by its header",
		"pages of V8's JavaScript heap (node): new, old and large-object spaces, each "
		"page's header naming itself, its heap and its space, which points back; the "
		"detail names the space as v8.getHeapSpaceStatistics() does (the shared "
		"read-only page and, with --no-mem, V8's pages by shape: heuristic)" },
	[MM_V8_CODE] = { "v8.code", MM_CLASS_RUNTIME, 0x9c4dcc,
		"V8's code range: its JIT code pages and reservation",
		"V8's code range: the pages of its code spaces (machine code V8 compiled) and "
		"the rest of the region V8 reserved for code, as its page allocator holds it" },
	[MM_JVM_HEAP] = { "jvm.heap", MM_CLASS_HEAP, 0xb3541e,
		"the Java heap (HotSpot's collected heap)",
		"the Java heap as HotSpot's collector reserved it: committed as the heap grows, the "
		"rest reserved; archived heap regions mapped from the CDS archive included" },
	[MM_JVM_CODE] = { "jvm.code", MM_CLASS_RUNTIME, 0x4a148c,
		"HotSpot's code cache (JIT-compiled code)",
		"HotSpot's code cache: the code heaps the JIT compilers and the interpreter write "
		"machine code into, and their segment maps; reserved up front, committed as used" },
	[MM_JVM_GC] = { "jvm.gc", MM_CLASS_RUNTIME, 0x880e4f,
		"the Java collector's data structures (card table, G1's mark bitmaps)",
		"data structures of the Java heap's garbage collector: the card table HotSpot's "
		"tables expose, and G1's mark bitmaps, block offset table and card counts, "
		"each found through a region mapper its vtable proves" },
	[MM_JVM_CDS] = { "jvm.cds", MM_CLASS_RUNTIME, 0x5e35b1,
		"HotSpot's class data sharing archive, as mapped",
		"the class data sharing archive (classes.jsa) mapped as shared metaspace: class "
		"metadata loaded from the file instead of parsed at start-up" },
	[MM_JVM_METASPACE] = { "jvm.metaspace", MM_CLASS_RUNTIME, 0x6c3483,
		"HotSpot's metaspace (class metadata but the class space's)",
		"HotSpot's metaspace nodes: reservations class metadata (methods, constant "
		"pools, bytecode) is allocated in, committed as classes load; found through "
		"libjvm's symbols, each node proven by its shape" },
	[MM_JVM_CLASS_SPACE] = { "jvm.class-space", MM_CLASS_RUNTIME, 0x9575cd,
		"HotSpot's compressed class space (Klass structures)",
		"HotSpot's compressed class space: the one reservation (1 GiB by default, "
		"CompressedClassSpaceSize) the classes' Klass structures live in so that "
		"objects can point at them with 32-bit compressed class pointers" },
};

static const char *const class_names[MM_CLASS_COUNT] = {
	[MM_CLASS_IMAGE] = "image",
	[MM_CLASS_HEAP] = "heap",
	[MM_CLASS_STACK] = "stack",
	[MM_CLASS_RUNTIME] = "runtime",
	[MM_CLASS_KERNEL] = "kernel",
	[MM_CLASS_FILE] = "file",
	[MM_CLASS_ANON] = "anon",
};

static const char *const family_names[MM_FAM_COUNT] = {
	[MM_FAM_CODE] = "code", [MM_FAM_DATA] = "data", [MM_FAM_HEAP] = "heap",
	[MM_FAM_STACKS] = "stacks", [MM_FAM_RUNTIME] = "runtime",
	[MM_FAM_FILES] = "files", [MM_FAM_SHARED] = "shared", [MM_FAM_OTHER] = "other",
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

uint32_t mm_label_color(enum mm_label label)
{
	return (unsigned int)label < MM_LABEL_COUNT ? labels[label].color : 0x999999;
}

const char *mm_label_help(enum mm_label label)
{
	return (unsigned int)label < MM_LABEL_COUNT ? labels[label].help : "";
}

const char *mm_class_name(enum mm_class class)
{
	return (unsigned int)class < MM_CLASS_COUNT ? class_names[class] : "?";
}

enum mm_family mm_label_family(enum mm_label label)
{
	switch (label) {
	case MM_EXE_TEXT: case MM_LIB_TEXT: case MM_KERNEL_VDSO: case MM_KERNEL_VSYSCALL:
	case MM_V8_CODE:
		return MM_FAM_CODE;
	case MM_EXE_RODATA: case MM_EXE_DATA: case MM_EXE_RELRO: case MM_EXE_BSS:
	case MM_LIB_RODATA: case MM_LIB_DATA: case MM_LIB_RELRO: case MM_LIB_BSS:
	case MM_KERNEL_VVAR: case MM_LD_TLS:
		return MM_FAM_DATA;
	case MM_HEAP: case MM_GLIBC_ARENA: case MM_GLIBC_MMAP_CHUNK: case MM_LD_MALLOC:
	case MM_GO_HEAP: case MM_PYTHON_ARENA: case MM_MUSL_MALLOC:
	case MM_GO_HEAP_OBJECTS: case MM_GO_HEAP_FREE: case MM_GO_HEAP_RELEASED:
	case MM_JEMALLOC_ARENA:
	case MM_V8_HEAP:
	case MM_JVM_HEAP:
		return MM_FAM_HEAP;
	case MM_STACK: case MM_THREAD_STACK: case MM_THREAD_GUARD: case MM_PYTHON_DATASTACK:
	case MM_GO_HEAP_STACKS:
		return MM_FAM_STACKS;
	case MM_GO_HEAP_INDEX: case MM_GO_HEAP_METADATA: case MM_GO_PAGE_SUMMARY:
	case MM_GO_PAGE_ALLOC: case MM_GO_SCAVENGE_INDEX: case MM_GO_IMMORTAL_METADATA:
	case MM_GO_GC_BITS: case MM_GO_ALLSPANS: case MM_GO_OTHER: case MM_GO_HEAP_GC:
	case MM_JEMALLOC_METADATA:
	case MM_JVM_CODE: case MM_JVM_GC: case MM_JVM_CDS:
	case MM_JVM_METASPACE: case MM_JVM_CLASS_SPACE:
		return MM_FAM_RUNTIME;
	case MM_FILE:
		return MM_FAM_FILES;
	case MM_SHMEM:
		return MM_FAM_SHARED;
	/* Not known to be any of these: anonymous memory no labeller
	 * explained, huge pages (private or shared alike), and guard pages
	 * that guard no thread's stack. */
	case MM_ANON_NAMED: case MM_ANON: case MM_HUGETLB: case MM_GUARD:
	case MM_LABEL_COUNT:
		break;
	}
	return MM_FAM_OTHER;
}

const char *mm_family_name(enum mm_family family)
{
	return (unsigned int)family < MM_FAM_COUNT ? family_names[family] : "?";
}

const char *mm_how_name(enum mm_how how)
{
	return (unsigned int)how < MM_HOW_COUNT ? how_names[how] : "?";
}
