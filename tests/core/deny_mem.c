/* SPDX-License-Identifier: GPL-2.0-or-later */
/* deny_mem.c: an LD_PRELOAD shim for the core-messages test.  Opening any
 * /proc/PID/mem fails with EACCES, as it does for root under a security
 * module or ptrace_scope 3, which this machine may not have. */
#undef _FILE_OFFSET_BITS	/* open and open64 both, not one renamed */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>

static int denied(const char *path)
{
	size_t n = strlen(path);

	return strncmp(path, "/proc/", 6) == 0 && n > 10 && strcmp(path + n - 4, "/mem") == 0;
}

static int forward(const char *name, const char *path, int flags, mode_t mode)
{
	int (*real)(const char *, int, ...) =
		(int (*)(const char *, int, ...))dlsym(RTLD_NEXT, name);

	if (denied(path)) {
		errno = EACCES;
		return -1;
	}
	return real(path, flags, mode);
}

static mode_t mode_of(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_of(flags, ap);
	va_end(ap);
	return forward("open", path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_of(flags, ap);
	va_end(ap);
	return forward("open64", path, flags, mode);
}
