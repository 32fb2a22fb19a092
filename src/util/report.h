/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report.h: memmap's one voice on standard error.  Every message is one
 * line, "memmap: " first, and the whole of it goes through mm_escape_name:
 * a process or file name inside it never drives the terminal. */
#ifndef MEMMAP_REPORT_H
#define MEMMAP_REPORT_H

#include <stdarg.h>
#include <stddef.h>

/* "memmap: MESSAGE" on stderr, escaped. */
__attribute__((format(printf, 1, 2)))
void mm_err(const char *fmt, ...);

/* "memmap: warning: MESSAGE" on stderr, escaped. */
__attribute__((format(printf, 1, 2)))
void mm_warn(const char *fmt, ...);

/* While buf is set (per thread; NULL ends it), the first message of
 * mm_err or mm_warn goes to *buf (allocated, escaped, without "memmap: ")
 * instead of stderr and the rest are dropped: a sweep over many processes
 * makes them rows.  The caller frees *buf. */
void mm_report_capture(char **buf);

/* mm_warn for each of n messages (a snapshot's or a diff's warnings). */
void mm_warn_all(char *const *warnings, size_t n);

/* Appends a printf-formatted message to the array *v of *n strings (a
 * snapshot's or a diff's warnings).  Returns 0 or -ENOMEM. */
__attribute__((format(printf, 3, 0)))
int mm_strv_vappendf(char ***v, size_t *n, const char *fmt, va_list ap);

#endif
