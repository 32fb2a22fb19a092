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

/* mm_warn for each of n messages (a snapshot's or a diff's warnings). */
void mm_warn_all(char *const *warnings, size_t n);

/* Appends a printf-formatted message to the array *v of *n strings (a
 * snapshot's or a diff's warnings).  Returns 0 or -ENOMEM. */
__attribute__((format(printf, 3, 0)))
int mm_strv_vappendf(char ***v, size_t *n, const char *fmt, va_list ap);

#endif
