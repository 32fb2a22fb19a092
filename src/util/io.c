/* SPDX-License-Identifier: GPL-2.0-or-later */
/* io.c: pread until done, for files (ELF) and /proc/PID/mem alike. */
#include <errno.h>
#include <unistd.h>

#include "util/io.h"

int mm_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return n < 0 ? -errno : -EIO;
		}
		done += (size_t)n;
	}
	return 0;
}
