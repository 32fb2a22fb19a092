/* SPDX-License-Identifier: GPL-2.0-or-later */
/* target.c: the inspected process's /proc directory, and reads of its
 * memory through /proc/PID/mem (pread only: the target never stops). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/io.h"
#include "read/residency.h"
#include "read/target.h"

/* A direct-mapped cache of whole pages: 128 of them, 512 KiB. */
enum { CACHE_PAGES = 128 };

struct mm_mem_cache {
	uint64_t tag[CACHE_PAGES];	/* page address + 1; 0: empty */
	uint64_t epoch;			/* the pagemap epoch they belong to */
	uint64_t page_size;
	uint8_t *data;
};

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
	if (t->cache) {
		free(t->cache->data);
		free(t->cache);
		t->cache = NULL;
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

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void mm_target_budget_start(struct mm_target *t, uint64_t max_reads, uint64_t max_bytes,
			    unsigned int seconds)
{
	t->budget = (struct mm_mem_budget){
		.max_reads = max_reads, .max_bytes = max_bytes,
		.deadline_ns = seconds ? now_ns() + seconds * 1000000000ULL : 0,
	};
}

/* Charges one read of len bytes; -ETIME once any limit is passed. */
static int spend(struct mm_mem_budget *b, size_t len)
{
	if (!b->exceeded) {
		b->reads++;
		b->bytes += len;
		b->exceeded = (b->max_reads && b->reads > b->max_reads) ||
			      (b->max_bytes && b->bytes > b->max_bytes) ||
			      (b->deadline_ns && (b->reads & 63) == 0 &&
			       now_ns() > b->deadline_ns);
	}
	return b->exceeded ? -ETIME : 0;
}

static int open_mem(struct mm_target *t)
{
	if (t->mem_fd < 0 && !t->mem_err) {
		int fd = mm_target_open(t, "mem", O_RDONLY);

		if (fd < 0) {
			t->mem_err = fd;
		} else {
			t->mem_fd = fd;
		}
	}
	return t->mem_fd < 0 ? t->mem_err : 0;
}

static int image_read(const struct mm_memory_image *im, uint64_t addr, void *buf, size_t len)
{
	for (size_t i = 0; i < im->n; i++) {
		const struct mm_memory_chunk *c = &im->v[i];

		if (addr >= c->start && addr - c->start <= c->len &&
		    len <= c->len - (addr - c->start)) {
			memcpy(buf, c->bytes + (addr - c->start), len);
			return 0;
		}
	}
	return -EIO;
}

static int backend_read(struct mm_target *t, uint64_t addr, void *buf, size_t len)
{
	int rc;

	if (t->image) {
		return image_read(t->image, addr, buf, len);
	}
	if ((rc = open_mem(t))) {
		return rc;
	}
	return mm_pread_full(t->mem_fd, buf, len, addr);
}

/* What may be read of the page at p: 1 present, 0 zeros (a private
 * anonymous page never touched: reading it would only map the zero page),
 * or -EFAULT (not in RAM: reading would fault a file page in or swap one
 * back). */
static int page_state(struct mm_target *t, uint64_t p)
{
	const struct mm_mapping *m = t->snap ? mm_snapshot_find(t->snap, p) : NULL;
	uint64_t e, limit = t->pm->limit, floor = t->pm->floor;
	int rc;

	/* The window is the mapping: a pointer into one small mapping
	 * among thousands costs its page tables only. */
	t->pm->limit = m ? m->end : 0;
	t->pm->floor = m ? m->start : 0;
	rc = mm_pagemap_entry(t->pm, p, &e);
	t->pm->limit = limit;
	t->pm->floor = floor;
	if (rc) {
		return -EFAULT;
	}
	if (e & MM_PAGEMAP_PRESENT) {
		return 1;
	}
	if (m && mm_mapping_is_anon_private(m) && !mm_mapping_is_reserved(m) &&
	    !(e & MM_PAGEMAP_SWAPPED)) {
		return 0;
	}
	return -EFAULT;
}

/* The cache, emptied when pagemap's windows were forgotten since it was
 * filled; NULL without memory for it or with another page size. */
static struct mm_mem_cache *cache_for(struct mm_target *t)
{
	struct mm_mem_cache *c = t->cache;
	uint64_t ps = t->pm->page_size;

	if (!c) {
		if (!(c = calloc(1, sizeof(*c))) || ps > (1 << 16) ||
		    !(c->data = malloc(CACHE_PAGES * ps))) {
			free(c);
			return NULL;
		}
		c->page_size = ps;
		c->epoch = t->pm->epoch;
		t->cache = c;
	}
	if (c->page_size != ps) {
		return NULL;
	}
	if (c->epoch != t->pm->epoch) {
		memset(c->tag, 0, sizeof(c->tag));
		c->epoch = t->pm->epoch;
	}
	return c;
}

/* [addr, addr + n) of one present page, through the cache: the page is
 * read whole the first time. */
static int cached_read(struct mm_target *t, struct mm_mem_cache *c, uint64_t addr,
		       uint8_t *buf, size_t n)
{
	uint64_t ps = c->page_size, page = addr & ~(ps - 1);
	size_t slot = (size_t)((page / ps) % CACHE_PAGES);
	uint8_t *d = c->data + slot * ps;
	int rc;

	if (c->tag[slot] != page + 1) {
		c->tag[slot] = 0;
		if ((rc = backend_read(t, page, d, (size_t)ps))) {
			return rc;
		}
		c->tag[slot] = page + 1;
	}
	memcpy(buf, d + (addr - page), n);
	return 0;
}

/* Reads [addr, addr + len) page by page: present pages from memory (or
 * the cache), pages never touched as zeros.  All pages are checked before
 * any is read. */
static int read_present(struct mm_target *t, uint64_t addr, uint8_t *buf, size_t len,
			struct mm_mem_cache *c)
{
	uint64_t ps = t->pm->page_size, end = addr + len, first = addr & ~(ps - 1);
	bool all = true;
	int st, rc, seen[2] = { 0, 0 };	/* the first pages' states: small reads ask once */

	for (uint64_t p = first; p < end; p += ps) {
		if ((st = page_state(t, p)) < 0) {
			return st;
		}
		if ((p - first) / ps < 2) {
			seen[(p - first) / ps] = st;
		}
		all &= st == 1;
	}
	if (all && !c) {
		return backend_read(t, addr, buf, len);
	}
	for (uint64_t a = addr; a < end;) {
		uint64_t next = (a & ~(ps - 1)) + ps, k = (a - first) / ps;
		size_t n = (size_t)((next < end ? next : end) - a);

		if ((k < 2 ? seen[k] : page_state(t, a)) == 1) {
			rc = c ? cached_read(t, c, a, buf + (a - addr), n) :
				 backend_read(t, a, buf + (a - addr), n);
			if (rc) {
				return rc;
			}
		} else {
			memset(buf + (a - addr), 0, n);
		}
		a += n;
	}
	return 0;
}

static int read_mem(struct mm_target *t, uint64_t addr, void *buf, size_t len, bool cache)
{
	int rc;

	if (!mm_target_has_memory(t)) {
		return -ENOTSUP;
	}
	if (!len) {
		return 0;
	}
	if (addr + len < addr) {
		return -EIO;
	}
	for (size_t i = 0; i < t->nremote; i++) {
		if (addr < t->remote[i][1] && addr + len > t->remote[i][0]) {
			return -EREMOTE;
		}
	}
	if ((rc = spend(&t->budget, len))) {
		return rc;
	}
	/* Without pagemap nothing says a page is in RAM: nothing is read.
	 * (pagemap and mem need the same rights: mem's error says why.) */
	if (!t->pm || !mm_pagemap_readable(t->pm)) {
		rc = t->image ? -EFAULT : open_mem(t);
		return rc ? rc : -EFAULT;
	}
	/* Reads of a page or more gain nothing from it. */
	return read_present(t, addr, buf, len,
			    cache && !t->image && len < t->pm->page_size ? cache_for(t) : NULL);
}

int mm_target_read(struct mm_target *t, uint64_t addr, void *buf, size_t len)
{
	return read_mem(t, addr, buf, len, false);
}

int mm_target_read_cached(struct mm_target *t, uint64_t addr, void *buf, size_t len)
{
	return read_mem(t, addr, buf, len, true);
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
