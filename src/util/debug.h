/* SPDX-License-Identifier: GPL-2.0-or-later */
/* debug.h: the hidden --debug (or MEMMAP_DEBUG=1) trace: what each probe
 * and labeller found, and what it declined and why, on stderr. */
#ifndef MEMMAP_DEBUG_H
#define MEMMAP_DEBUG_H

#include <stdbool.h>

/* Whether MEMMAP_DEBUG asks for the trace ("1", or any value but "0"). */
bool mm_debug_from_env(void);

/* "memmap: debug: WHO: MESSAGE" on stderr when on; printf-style. */
void mm_debugf(bool on, const char *who, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
