/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guard_flag.h: whether this kernel names in smaps' VmFlags ("gu") every
 * mapping that may hold MADV_GUARD_INSTALL guard pages.  Where it does, a
 * mapping without "gu" has none, and pagemap need not be scanned for them. */
#ifndef MEMMAP_GUARD_FLAG_H
#define MEMMAP_GUARD_FLAG_H

#include <stdbool.h>

/* Installs a guard in a page of memmap's own and looks for "gu" in that
 * mapping's VmFlags in /proc/self/smaps; the answer is kept for the run.
 * False on any failure (an older kernel: no guards, or no flag). */
bool mm_kernel_flags_guards(void);

#endif
