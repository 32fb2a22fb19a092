/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_elf_amp.c: amplification on ELF files.  The input goes through
 * everything that reads an image (the elf target: image table, sections,
 * symbols, build-id, Go build info, glibc's probe, the section joiner) and
 * the Go DWARF reader (the go_dwarf target), and fails when the heap at
 * its peak grew by more than AMP_FLOOR + AMP_RATIO bytes per input byte,
 * or the input took more than AMP_CPU_NS of CPU time plus AMP_CPU_PER_MIB
 * a MiB: a file the target controls must cost memmap memory and time in
 * proportion to its size (issue 19: 4 MB of section headers cost 260 MB a
 * mapping; 320 KB of zlib, 312 MB).  The heap is watched through the
 * sanitizer allocator's hooks; built without a sanitizer, only time is
 * checked. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fuzz.h"

#define AMP_FLOOR	(16ull << 20)
#define AMP_RATIO	64
#define AMP_CPU_NS	(5ull * 1000000000)
#define AMP_CPU_PER_MIB	(2ull * 1000000000)

/* The sanitizer runtimes (clang's and gcc's) define these; weak, so a
 * plain build links without them. */
int __sanitizer_install_malloc_and_free_hooks(
	void (*malloc_hook)(const volatile void *, size_t),
	void (*free_hook)(const volatile void *)) __attribute__((weak));
size_t __sanitizer_get_allocated_size(const volatile void *p) __attribute__((weak));
int __sanitizer_get_ownership(const volatile void *p) __attribute__((weak));

static size_t live, peak;
static int hooked;

static void on_malloc(const volatile void *p, size_t size)
{
	(void)p;
	live += size;
	if (live > peak) {
		peak = live;
	}
}

static void on_free(const volatile void *p)
{
	size_t size;

	if (!p || !__sanitizer_get_ownership(p)) {
		return;
	}
	size = __sanitizer_get_allocated_size(p);
	live = size > live ? 0 : live - size;
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t t0, spent, cpu_bound;
	size_t mem_bound = AMP_FLOOR + AMP_RATIO * size;

	if (!hooked && __sanitizer_install_malloc_and_free_hooks &&
	    __sanitizer_get_allocated_size && __sanitizer_get_ownership) {
		hooked = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
	}
	live = peak = 0;
	t0 = cpu_ns();
	fuzz_elf_input(data, size);
	fuzz_go_dwarf_input(data, size);
	spent = cpu_ns() - t0;
	cpu_bound = AMP_CPU_NS + AMP_CPU_PER_MIB * (size >> 20);
	if (hooked && peak > mem_bound) {
		fprintf(stderr, "fuzz_elf_amp: %zu bytes of input took %zu bytes of heap "
			"at the peak (bound %zu)\n", size, peak, mem_bound);
		abort();
	}
	if (spent > cpu_bound) {
		fprintf(stderr, "fuzz_elf_amp: %zu bytes of input took %llu ms of CPU "
			"(bound %llu)\n", size, (unsigned long long)(spent / 1000000),
			(unsigned long long)(cpu_bound / 1000000));
		abort();
	}
	return 0;
}
