/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guard_flag.c: does this kernel flag mappings with guard pages ("gu")?
 * One guard in a page of our own, then our own smaps: asked once a run. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "read/guard_flag.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102	/* Linux 6.13, include/uapi/asm-generic/mman-common.h */
#endif

enum { SMAPS_MAX = 4 << 20 };	/* memmap's own smaps: a few dozen mappings */

/* Our own smaps, NUL-terminated, or NULL. */
static char *read_own_smaps(void)
{
	size_t cap = 64 << 10, have = 0;
	char *buf = malloc(cap), *more;
	int fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
	ssize_t n = 0;

	while (buf && fd >= 0 && (n = read(fd, buf + have, cap - have - 1)) > 0) {
		have += (size_t)n;
		if (have + 1 == cap) {
			more = cap < SMAPS_MAX ? realloc(buf, cap * 2) : NULL;
			if (!more) {
				n = -1;
				break;
			}
			buf = more;
			cap *= 2;
		}
	}
	if (fd >= 0) {
		close(fd);
	}
	if (!buf || fd < 0 || n < 0) {
		free(buf);
		return NULL;
	}
	buf[have] = '\0';
	return buf;
}

/* Whether the mapping holding addr in smaps text has "gu" in its VmFlags
 * (found by range: the page may have merged with a neighbour). */
static bool flagged(const char *smaps, uintptr_t addr)
{
	const char *m = NULL, *f, *end;

	for (const char *l = smaps; l && *l && !m; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		unsigned long a, b;

		/* Headers start with a lowercase hex digit, fields with a
		 * capital. */
		if (((*l >= '0' && *l <= '9') || (*l >= 'a' && *l <= 'f')) &&
		    sscanf(l, "%lx-%lx ", &a, &b) == 2 && a <= addr && addr < b) {
			m = l;
		}
	}
	f = m ? strstr(m, "\nVmFlags:") : NULL;
	if (!f) {
		return false;
	}
	end = strchrnul(f + 1, '\n');
	for (f += 9; f + 2 <= end; f++) {
		if (f[-1] == ' ' && f[0] == 'g' && f[1] == 'u' && (f + 2 == end || f[2] == ' ')) {
			return true;
		}
	}
	return false;
}

bool mm_kernel_flags_guards(void)
{
	static int known = -1;
	long page = sysconf(_SC_PAGESIZE);
	void *p;
	char *smaps;

	if (known >= 0) {
		return known;
	}
	known = 0;
	p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED) {
		return false;
	}
	if (madvise(p, (size_t)page, MADV_GUARD_INSTALL) == 0 && (smaps = read_own_smaps())) {
		known = flagged(smaps, (uintptr_t)p);
		free(smaps);
	}
	munmap(p, (size_t)page);
	return known;
}
