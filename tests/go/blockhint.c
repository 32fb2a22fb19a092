/* SPDX-License-Identifier: GPL-2.0-or-later */
/* blockhint.c: an LD_PRELOAD constructor that takes the Go heap's first
 * arena hint (0xc000000000) with a 64 MiB anonymous mapping before the Go
 * runtime starts, so the runtime must use the next hint. */
#include <stdio.h>
#include <sys/mman.h>

__attribute__((constructor))
static void block_hint(void)
{
	void *want = (void *)0xc000000000ul;
	void *p = mmap(want, 64ul << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p != want) {
		perror("blockhint: mmap 0xc000000000");
	}
}
