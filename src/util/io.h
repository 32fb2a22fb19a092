/* SPDX-License-Identifier: GPL-2.0-or-later */
/* io.h: reading files whole-heartedly: retries on EINTR and short reads. */
#ifndef MEMMAP_IO_H
#define MEMMAP_IO_H

#include <stddef.h>
#include <stdint.h>

/* Reads exactly len bytes at off.  Returns 0, -errno, or -EIO at EOF. */
int mm_pread_full(int fd, void *buf, size_t len, uint64_t off);

#endif
