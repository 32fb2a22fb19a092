/* SPDX-License-Identifier: GPL-2.0-or-later */
/* target.c: the inspected process's /proc directory, and reads of its
 * memory through /proc/PID/mem (pread only: the target never stops). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/io.h"
#include "read/target.h"

int mm_target_init(struct mm_target *t, const char *proc_root, pid_t pid)
{
	struct stat st;

	*t = (struct mm_target){ .pid = pid, .mem_fd = -1 };
	t->captured = proc_root && strcmp(proc_root, "/proc") != 0;
	if (asprintf(&t->dir, "%s/%d", proc_root ? proc_root : "/proc", (int)pid) < 0) {
		t->dir = NULL;
		return -ENOMEM;
	}
	if (stat(t->dir, &st) < 0) {
		return errno == ENOENT ? -ESRCH : -errno;
	}
	return 0;
}

void mm_target_finish(struct mm_target *t)
{
	if (t->mem_fd >= 0) {
		close(t->mem_fd);
	}
	free(t->dir);
	free(t->remote);
	t->dir = NULL;
	t->remote = NULL;
	t->nremote = 0;
	t->mem_fd = -1;
}

bool mm_target_alive(const struct mm_target *t)
{
	struct stat st;

	return t->captured || stat(t->dir, &st) == 0;
}

int mm_target_open(const struct mm_target *t, const char *rel, int flags)
{
	char *path;
	int fd;

	if (asprintf(&path, "%s/%s", t->dir, rel) < 0) {
		return -ENOMEM;
	}
	fd = open(path, flags | O_CLOEXEC);
	free(path);
	return fd < 0 ? -errno : fd;
}

int mm_target_read(struct mm_target *t, uint64_t addr, void *buf, size_t len)
{
	if (t->no_mem || t->captured) {
		return -ENOTSUP;
	}
	for (size_t i = 0; i < t->nremote; i++) {
		if (addr < t->remote[i][1] && addr + len > t->remote[i][0]) {
			return -EREMOTE;
		}
	}
	if (t->mem_fd < 0 && !t->mem_err) {
		int fd = mm_target_open(t, "mem", O_RDONLY);

		if (fd < 0) {
			t->mem_err = fd;
		} else {
			t->mem_fd = fd;
		}
	}
	if (t->mem_fd < 0) {
		return t->mem_err;
	}
	return mm_pread_full(t->mem_fd, buf, len, addr);
}

int mm_target_read_word(struct mm_target *t, uint64_t addr, uint64_t *v)
{
	return mm_target_read(t, addr, v, sizeof(*v));
}

/* What stat said of "PATH (deleted)", kept for the next mapping of the
 * same PATH: 20,000 shared anonymous mappings are all "/dev/zero
 * (deleted)", each with an inode of its own, and one stat answers for all. */
struct spoof_probe {
	char *path;		/* PATH, or NULL before the first stat */
	bool found;
	ino_t ino;
};

/* A file really named "x (deleted)" looks like a deleted "x".  Believe
 * the suffix only when no file of that full name has the mapped inode. */
static int undo_deleted_spoof(const struct mm_target *t, struct mm_mapping *m,
			      struct spoof_probe *probe)
{
	struct stat st;
	char *full, *path;
	int n;

	if (!probe->path || strcmp(probe->path, m->path) != 0) {
		free(probe->path);
		probe->path = strdup(m->path);
		if (!probe->path) {
			return -ENOMEM;
		}
		n = t->captured ? asprintf(&path, "%s (deleted)", m->path)
				: asprintf(&path, "%s/root%s (deleted)", t->dir, m->path);
		if (n < 0) {
			return -ENOMEM;
		}
		probe->found = stat(path, &st) == 0;
		probe->ino = probe->found ? st.st_ino : 0;
		free(path);
	}
	if (!probe->found || probe->ino != m->inode) {
		return 0;
	}
	if (asprintf(&full, "%s (deleted)", m->path) < 0) {
		return -ENOMEM;
	}
	free(m->path);
	m->path = full;
	m->deleted = false;
	return 0;
}

int mm_target_undo_deleted_spoofs(const struct mm_target *t, struct mm_snapshot *snap)
{
	struct spoof_probe probe = { 0 };
	int rc = 0;

	for (size_t i = 0; i < snap->nmappings && !rc; i++) {
		struct mm_mapping *m = &snap->mappings[i];

		if (m->deleted && m->inode && !m->remote) {
			rc = undo_deleted_spoof(t, m, &probe);
		}
	}
	free(probe.path);
	return rc;
}
