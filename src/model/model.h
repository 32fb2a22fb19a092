/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model.h: the snapshot — process facts, every mapping with its smaps
 * counters, and the labelled regions that tile each mapping.  This is the
 * only thing the readers, labellers and printers share. */
#ifndef MEMMAP_MODEL_H
#define MEMMAP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "util/page.h"

/* The label vocabulary is a contract with JSON consumers: append, never
 * rename.  Everything else about a label (name, class, colour, help,
 * explanation) is its row in labels.c. */
enum mm_label {
	MM_EXE_TEXT, MM_EXE_RODATA, MM_EXE_DATA, MM_EXE_RELRO, MM_EXE_BSS,
	MM_LIB_TEXT, MM_LIB_RODATA, MM_LIB_DATA, MM_LIB_RELRO, MM_LIB_BSS,
	MM_HEAP, MM_STACK,
	MM_KERNEL_VDSO, MM_KERNEL_VVAR, MM_KERNEL_VSYSCALL,
	MM_FILE, MM_SHMEM, MM_ANON_NAMED, MM_ANON,
	MM_THREAD_STACK, MM_THREAD_GUARD,
	MM_GLIBC_ARENA, MM_GLIBC_MMAP_CHUNK, MM_LD_TLS, MM_LD_MALLOC,
	MM_GO_HEAP, MM_GO_HEAP_INDEX, MM_GO_HEAP_METADATA, MM_GO_PAGE_SUMMARY,
	MM_GO_PAGE_ALLOC, MM_GO_SCAVENGE_INDEX, MM_GO_IMMORTAL_METADATA,
	MM_GO_GC_BITS, MM_GO_ALLSPANS, MM_GO_OTHER,
	MM_PYTHON_ARENA, MM_PYTHON_DATASTACK,
	MM_HUGETLB,
	MM_MUSL_MALLOC,
	MM_GUARD,
	/* The parts of go.heap by what the runtime's span tables say each
	 * page holds: not region labels (a span changes state too often for
	 * a region to keep it) but the rows of the runtime's heap split. */
	MM_GO_HEAP_OBJECTS, MM_GO_HEAP_STACKS, MM_GO_HEAP_GC, MM_GO_HEAP_FREE,
	MM_GO_HEAP_RELEASED,
	MM_JEMALLOC_ARENA, MM_JEMALLOC_METADATA,
	MM_V8_HEAP, MM_V8_CODE,
	/* HotSpot's own mappings, from its serviceability tables. */
	MM_JVM_HEAP, MM_JVM_CODE, MM_JVM_GC, MM_JVM_CDS,
	MM_JVM_METASPACE, MM_JVM_CLASS_SPACE,
	MM_LABEL_COUNT
};

/* How a region's label was established, from most to least certain. */
enum mm_how {
	MM_HOW_ELF,		/* the ELF file's section and program headers */
	MM_HOW_KERNEL,		/* the kernel's own name or flags for the mapping */
	MM_HOW_RUNTIME,		/* pointers read from the target's memory */
	MM_HOW_HEURISTIC,	/* shape, size and address only */
	MM_HOW_COUNT
};

/* Broad classes, for colour and grouping. */
enum mm_class {
	MM_CLASS_IMAGE, MM_CLASS_HEAP, MM_CLASS_STACK, MM_CLASS_RUNTIME,
	MM_CLASS_KERNEL, MM_CLASS_FILE, MM_CLASS_ANON, MM_CLASS_COUNT
};

/* What the summary's roll-up line sums RSS by: what a reader asks of a
 * process (its code, its data, its heaps...), rather than how each label
 * was found. */
enum mm_family {
	MM_FAM_CODE, MM_FAM_DATA, MM_FAM_HEAP, MM_FAM_STACKS, MM_FAM_RUNTIME,
	MM_FAM_FILES, MM_FAM_SHARED, MM_FAM_OTHER, MM_FAM_COUNT
};
const char *mm_label_name(enum mm_label label);
int mm_label_from_name(const char *name);		/* -1 when unknown */
enum mm_class mm_label_class(enum mm_label label);
const char *mm_label_explanation(enum mm_label label);
const char *mm_label_help(enum mm_label label);		/* a few words */
uint32_t mm_label_color(enum mm_label label);		/* 0xRRGGBB */
const char *mm_class_name(enum mm_class class);		/* "image", "heap" ... */
enum mm_family mm_label_family(enum mm_label label);
const char *mm_family_name(enum mm_family family);	/* "code", "data" ... */
const char *mm_how_name(enum mm_how how);

/* The smaps counters of one mapping, or one region's share of them. */
struct mm_counters {
	uint64_t rss, pss, pss_dirty;
	uint64_t shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t referenced, anonymous, lazyfree;
	uint64_t anon_huge, shmem_huge, file_huge, shared_huge, private_huge;
	uint64_t swap, swap_pss, locked;
};

/* Small fields side by side: 60,000 mappings hold one region each. */
struct mm_region {
	uint64_t start, end;
	enum mm_label label;
	enum mm_how how;
	char *detail;			/* owned; NULL when there is nothing to add */
	bool rss_exact;			/* false: counters apportioned by size */
	/* From /proc/PID/pagemap, when measured: the weights for sharing
	 * the mapping's counters out (see mm_snapshot_finish).  A page that
	 * two regions share counts for each by the bytes it holds of them. */
	bool measured;
	uint64_t present_bytes, swapped_bytes;
	struct mm_counters c;		/* filled by mm_snapshot_finish() */
};

/* Small fields side by side, as in mm_region. */
struct mm_mapping {
	uint64_t start, end, offset;
	char perms[5];			/* "r-xp" */
	bool deleted;			/* path had " (deleted)", stripped here */
	bool remote;			/* on a network or user-space file system:
				 * never opened (read/mountinfo.h) */
	bool thp_eligible;
	unsigned int dev_major, dev_minor;
	uint64_t inode;
	char *path;			/* owned, kernel escapes undone; NULL if none */
	const char *vm_flags;		/* "rd ex mr mw me", or NULL if absent: one
					 * copy a text, in the snapshot's
					 * mm_snapshot_text() table */
	uint64_t kernel_page_size, mmu_page_size;
	struct mm_counters c;

	struct mm_region *regions;	/* sorted, tiling [start, end) */
	size_t nregions;
};

/* Totals over one label's regions. */
struct mm_category {
	uint64_t vsz, reserved;		/* reserved: the PROT_NONE part of vsz */
	uint64_t rss, pss, swap, dirty;
	uint64_t uss;			/* private (clean + dirty): freed with the process */
	size_t regions;
};

/* /proc/PID/status, via libproc2.  has_status is false for captured trees
 * that lack it. */
struct mm_status {
	bool has_status;
	uint64_t vm_size, vm_rss, rss_anon, rss_file, rss_shmem, vm_swap;
	uint64_t hugetlb_pages;		/* HugetlbPages: not in VmRSS */
	unsigned long threads;
	char state;
	bool kernel_thread;		/* PF_KTHREAD: no user address space */
};

/* Who the process is, read before and after the rest: a PID reused by
 * another process changes the start time, an execve the exe and the
 * addresses of the new image (read/proc.h, mm_proc_liveness). */
struct mm_liveness {
	bool known;			/* false: a captured tree without stat */
	char state;			/* R, S, D, Z... */
	uint64_t start_time;		/* clock ticks after boot: stat field 22 */
	uint64_t exe_dev, exe_inode;
	uint64_t image[6];		/* start_code, end_code, start_stack,
					 * start_brk, arg_start, env_start */
};

/* What runtime.ReadMemStats would report, computed from the runtime's
 * own counters (runtimes/go/go_memstats.c); the names are MemStats's. */
enum mm_go_memstat {
	MM_MS_SYS, MM_MS_HEAP_SYS, MM_MS_HEAP_INUSE, MM_MS_HEAP_IDLE,
	MM_MS_HEAP_RELEASED, MM_MS_HEAP_ALLOC, MM_MS_STACK_INUSE, MM_MS_STACK_SYS,
	MM_MS_MSPAN_INUSE, MM_MS_MSPAN_SYS, MM_MS_MCACHE_INUSE, MM_MS_MCACHE_SYS,
	MM_MS_BUCKHASH_SYS, MM_MS_GC_SYS, MM_MS_OTHER_SYS, MM_MS_NEXT_GC,
	MM_MS_NUM_GC,
	MM_MS_COUNT
};

extern const char *const mm_go_memstat_names[MM_MS_COUNT];	/* "HeapSys" */

/* The /memory/classes/... tree runtime/metrics would report, with the
 * formulas of the runtime's metrics.go, from the same counters. */
enum mm_go_metric {
	MM_GM_HEAP_FREE, MM_GM_HEAP_OBJECTS, MM_GM_HEAP_RELEASED, MM_GM_HEAP_STACKS,
	MM_GM_HEAP_UNUSED, MM_GM_MCACHE_FREE, MM_GM_MCACHE_INUSE, MM_GM_MSPAN_FREE,
	MM_GM_MSPAN_INUSE, MM_GM_METADATA_OTHER, MM_GM_OS_STACKS, MM_GM_OTHER,
	MM_GM_PROFILING_BUCKETS, MM_GM_TOTAL,
	MM_GM_COUNT
};

/* "/memory/classes/heap/free:bytes" */
extern const char *const mm_go_metric_names[MM_GM_COUNT];

struct mm_go_memstats {
	bool valid;			/* read and consistent */
	uint64_t v[MM_MS_COUNT];
	bool has_metrics;		/* metrics[] known (a snapshot may lack them) */
	uint64_t metrics[MM_GM_COUNT];
	unsigned int retries;		/* reads repeated because the counters moved */
};

/* The Go heap arenas' read-write pages split by what the runtime's own
 * tables say they hold (runtimes/go/go_spans.c): in-use object spans,
 * goroutine stack spans, GC work spans, free pages still resident and
 * free pages returned to the OS.  part[i] is label MM_GO_HEAP_OBJECTS + i. */
#define MM_GO_HEAP_PARTS (MM_GO_HEAP_RELEASED - MM_GO_HEAP_OBJECTS + 1)

struct mm_go_heap_part {
	uint64_t bytes;			/* runtime pages of this kind */
	uint64_t rss, swap;		/* of those, in RAM / in swap (pagemap) */
	uint64_t spans;			/* spans (objects, stacks, gc) or free runs */
};

struct mm_go_heap_split {
	bool valid;			/* read and walked */
	bool measured;			/* rss and swap from pagemap */
	bool sampled;			/* a sample of the arenas, scaled */
	struct mm_go_heap_part part[MM_GO_HEAP_PARTS];
	uint64_t unknown;		/* allocated pages no span vouched for */
};

/* jemalloc's totals, summed from its own structures by the walk that
 * labels its memory (runtimes/jemalloc): the extents by state, the bases'
 * counters; beside them the kernel's numbers for the same bytes. */
struct mm_jemalloc_stats {
	bool known;			/* the walk succeeded */
	bool allocated_known;		/* its size-class tables read back */
	uint64_t allocated;		/* in active extents: live regions, large sizes */
	uint64_t active, dirty, muzzy, retained;	/* extents by state */
	uint64_t mapped;		/* active + dirty + muzzy + metadata mapped */
	uint64_t resident;		/* active + dirty + metadata resident */
	uint64_t metadata, metadata_resident, metadata_mapped;	/* the bases' */
	uint64_t extents, arenas, base_blocks;
};

/* V8's heap as its own space objects count it (runtimes/v8), by space,
 * summed over the isolates (node's workers each have one). */
#define MM_V8_SPACES 16
struct mm_v8_space {
	char name[32];			/* v8.getHeapSpaceStatistics()'s */
	uint64_t committed;		/* the spaces' committed_: space_size */
	uint64_t pages;			/* bytes of its pages memmap found */
};

struct mm_v8_heap {
	size_t nspaces;			/* 0: not read */
	size_t heaps;			/* isolates */
	struct mm_v8_space space[MM_V8_SPACES];
};

/* HotSpot's own figures (runtimes/jvm): the heap's reservation and what
 * its collector says is committed and used; the code cache's. */
struct mm_jvm_totals {
	bool valid;			/* the VM's tables were read */
	char gc[16];			/* "G1", "Parallel"...; "" unknown */
	uint64_t heap_start, heap_reserved, heap_committed, heap_used;
	bool has_committed, has_used;
	uint64_t code_start, code_reserved, code_committed;
	bool has_code_committed;
};

struct mm_runtime {
	char *lang;			/* "go", or NULL */
	char *version, *module;
	bool cgo;
	bool stripped;			/* Go: no symbol table in the binary */
	struct mm_go_memstats memstats;
	struct mm_go_heap_split heap;
	struct mm_jemalloc_stats jemalloc;
	struct mm_v8_heap v8;
	struct mm_jvm_totals jvm;
};

/* Who the process is, for views over many processes and for monitoring:
 * from /proc/PID/{cmdline,status,stat,cgroup}, and the machine's name. */
struct mm_identity {
	char *cmdline;		/* arguments joined by spaces; NULL: none */
	char *user;		/* the effective user's name, or its number */
	long uid;		/* effective uid; -1: unknown */
	uint64_t start_time;	/* seconds since the epoch; 0: unknown */
	char *cgroup;		/* cgroup v2 path, "/system.slice/x.service" */
	char *unit;		/* the systemd unit in that path, or NULL */
	char *container_id;	/* the 64-hex id in that path, or NULL */
	char *hostname;
};

/* Frees what id owns and zeroes it. */
void mm_identity_finish(struct mm_identity *id);

/* A symbol of a mapped ELF object, at its address in the process: one of
 * the largest in its image's part of a label (--symbols), or the one
 * holding an --address. */
struct mm_symbol {
	char *name;		/* owned; as the file has it (untrusted) */
	char *image;		/* owned; the file's path */
	enum mm_label label;	/* the region's at addr: exe.bss, lib.text... */
	uint64_t addr, size;
	unsigned int rank;	/* 1 for its image and label's largest...;
				 * 0: only an address's */
};

struct mm_snapshot {
	pid_t pid;
	char *comm, *exe;		/* owned; exe may be NULL */
	uint64_t exe_dev, exe_inode;	/* to tell exe.* from lib.* */
	char *time;			/* RFC 3339, owned */
	char *kernel;			/* uname -r, owned */
	uint64_t page_size;
	struct mm_status status;
	struct mm_liveness liveness;	/* not in JSON: for liveness checks */
	struct mm_runtime runtime;
	struct mm_identity identity;	/* filled by the CLI; may be empty */

	struct mm_mapping *mappings;	/* sorted by address */
	size_t nmappings, mappings_alloc;

	/* Texts many mappings share (VmFlags), each kept once: an open
	 * addressing hash table of owned strings. */
	char **texts;
	size_t ntexts, texts_alloc;

	struct mm_counters totals;		/* sums over mappings */
	uint64_t total_vsz, total_reserved;
	struct mm_category categories[MM_LABEL_COUNT];

	struct mm_symbol *symbols;	/* owned; by image, label and rank */
	size_t nsymbols;
	char **warnings;		/* owned; what made the snapshot partial */
	size_t nwarnings;
};

struct mm_snapshot *mm_snapshot_create(void);
void mm_snapshot_destroy(struct mm_snapshot *snap);	/* NULL is a no-op */

/* Forgets every mapping, to read them again. */
void mm_snapshot_clear_mappings(struct mm_snapshot *snap);

/* Appends a zeroed mapping (mappings arrive in address order); NULL on ENOMEM. */
struct mm_mapping *mm_snapshot_add_mapping(struct mm_snapshot *snap);

/* The snapshot's one copy of the len bytes at s (a VmFlags text: a
 * process has a few distinct ones over thousands of mappings), owned by
 * the snapshot; NULL on ENOMEM. */
const char *mm_snapshot_text(struct mm_snapshot *snap, const char *s, size_t len);

/* Gives every mapping one region covering it, labelled as given. */
int mm_mapping_reset_regions(struct mm_mapping *m, enum mm_label label,
			     enum mm_how how, const char *detail);

/* Relabels [start, end) ∩ the mapping, splitting regions as needed.  With
 * MM_ONLY_ANON only the parts currently labelled `anon` change, so a weaker
 * labeller never overrides a stronger one.  Returns 0 or -ENOMEM. */
#define MM_ONLY_ANON 0x1
int mm_mapping_label(struct mm_mapping *m, uint64_t start, uint64_t end,
		     enum mm_label label, enum mm_how how, const char *detail,
		     unsigned int flags);

/* The same over every mapping [start, end) touches: the runtime labellers
 * know address ranges, and the kernel may have merged or split them. */
int mm_snapshot_label(struct mm_snapshot *snap, uint64_t start, uint64_t end,
		      enum mm_label label, enum mm_how how, const char *detail,
		      unsigned int flags);

/* Appends a copy of sym (name and image copied).  Returns 0 or -ENOMEM. */
int mm_snapshot_add_symbol(struct mm_snapshot *snap, const struct mm_symbol *sym);
/* The symbol of snap->symbols holding addr (a sizeless one: at addr), or
 * NULL. */
const struct mm_symbol *mm_snapshot_symbol_at(const struct mm_snapshot *snap, uint64_t addr);
/* The mapping holding addr, or NULL. */
struct mm_mapping *mm_snapshot_find(const struct mm_snapshot *snap, uint64_t addr);

/* A warning for the user and the JSON; printf-style.  Returns 0 or -ENOMEM. */
int mm_snapshot_warn(struct mm_snapshot *snap, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* After labelling: share each mapping's counters out to its regions (by
 * measured resident and swapped pages where known, else by size; RSS is
 * exact when the pages measured add up to smaps' RSS) and sum totals and
 * categories. */
void mm_snapshot_finish(struct mm_snapshot *snap);

/* The fractions of VSZ and RSS carrying a label more specific than anon
 * (1.0 for an empty snapshot).  Valid after mm_snapshot_finish(). */
void mm_snapshot_coverage(const struct mm_snapshot *snap, double *vsz, double *rss);

/* Whether smaps' VmFlags of m include flag (a two-letter code: "nr"). */
bool mm_mapping_has_flag(const struct mm_mapping *m, const char *flag);

/* Private anonymous memory: no file, no kernel name. */
static inline bool mm_mapping_is_anon_private(const struct mm_mapping *m)
{
	return !m->path && m->perms[3] == 'p';
}

/* Shared memory named like a file: memfd, SysV, POSIX (/dev/shm), and
 * shared /dev/zero. */
static inline bool mm_mapping_is_shmem(const struct mm_mapping *m)
{
	return m->path && (!strncmp(m->path, "/memfd:", 7) || !strncmp(m->path, "/SYSV", 5) ||
			   !strncmp(m->path, "/dev/shm/", 9) ||
			   (m->deleted && m->perms[3] == 's' && !strcmp(m->path, "/dev/zero")));
}

/* The page size the snapshot was read with (see mm_page_size when it did
 * not say). */
static inline uint64_t mm_snapshot_page_size(const struct mm_snapshot *snap)
{
	return mm_page_size(snap->page_size);
}

static inline uint64_t mm_mapping_size(const struct mm_mapping *m)
{
	return m->end - m->start;
}

static inline bool mm_mapping_is_reserved(const struct mm_mapping *m)
{
	return m->perms[0] == '-' && m->perms[1] == '-' && m->perms[2] == '-';
}

#endif
