/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_elf.c: the ELF side of labelling on arbitrary bytes.  The input is
 * written to a file; a synthetic snapshot maps it the way the loader would
 * (one mapping per PT_LOAD the file claims, plus the anonymous rest of
 * .bss) and every labeller runs on it: the section joiner, the Go build
 * info and DWARF readers, glibc's.  The result must be self-consistent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <elf.h>

#include "label/classify.h"
#include "fuzz.h"
#include "fuzz_target.h"

#define PAGE 4096u
#define BASE 0x400000ull
#define LIMIT (1ull << 46)	/* keep addresses where a real process has them */
#define MAXMAPS 32

static uint64_t page_down(uint64_t v)
{
	return v & ~(uint64_t)(PAGE - 1);
}

static uint64_t page_up(uint64_t v)
{
	return (v + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

static struct mm_mapping *add(struct mm_snapshot *snap, uint64_t start,
			      uint64_t end, const struct stat *st, const char *path)
{
	struct mm_mapping *m;

	if (start >= end || (snap->nmappings &&
			     start < snap->mappings[snap->nmappings - 1].end)) {
		return NULL;	/* overlapping or out of order: the loader would fail */
	}
	m = mm_snapshot_add_mapping(snap);
	if (!m) {
		abort();
	}
	m->start = start;
	m->end = end;
	strcpy(m->perms, "---p");
	if (st) {
		m->dev_major = major(st->st_dev);
		m->dev_minor = minor(st->st_dev);
		m->inode = st->st_ino;
		m->path = strdup(path);
		if (!m->path) {
			abort();
		}
	}
	return m;
}

/* The loader's mappings for the file's PT_LOADs, learnt through the same
 * reader the labellers use. */
static void map_like_loader(struct mm_snapshot *snap, struct mm_target *t,
			    const struct stat *st, const char *path)
{
	struct mm_elf_cache *cache = mm_elf_cache_create();
	struct mm_mapping probe = {
		.start = BASE, .end = BASE + PAGE, .perms = "r--p",
		.dev_major = major(st->st_dev), .dev_minor = minor(st->st_dev),
		.inode = st->st_ino, .path = (char *)path,
	};
	const struct mm_elf_segment *segs;
	const char *why;
	struct mm_elf *e;
	size_t n;
	int err;

	if (!cache) {
		abort();
	}
	e = mm_elf_cache_get(cache, t, &probe, &err, &why);
	if (!e) {
		/* Not ELF to the reader: one read-only mapping of it still
		 * goes through every labeller. */
		struct mm_mapping *m = add(snap, BASE, BASE + PAGE, st, path);

		memcpy(m->perms, "r--p", 4);
		mm_elf_cache_destroy(cache);
		return;
	}
	segs = mm_elf_segments(e, &n);
	for (size_t i = 0; i < n && snap->nmappings < MAXMAPS; i++) {
		const struct mm_elf_segment *s = &segs[i];
		uint64_t start, file_end, mem_end;
		struct mm_mapping *m;

		if (s->vaddr >= LIMIT || s->memsz >= LIMIT || s->filesz >= LIMIT ||
		    s->offset >= LIMIT || s->filesz > s->memsz) {
			continue;
		}
		start = BASE + page_down(s->vaddr);
		file_end = BASE + page_up(s->vaddr + s->filesz);
		mem_end = BASE + page_up(s->vaddr + s->memsz);
		m = add(snap, start, file_end > start ? file_end : start + PAGE, st, path);
		if (!m) {
			continue;
		}
		m->offset = page_down(s->offset);
		m->perms[0] = s->flags & PF_R ? 'r' : '-';
		m->perms[1] = s->flags & PF_W ? 'w' : '-';
		m->perms[2] = s->flags & PF_X ? 'x' : '-';
		if (mem_end > m->end) {
			m = add(snap, m->end, mem_end, NULL, NULL);
			if (m) {
				memcpy(m->perms, "rw-p", 4);
			}
		}
	}
	mm_elf_cache_destroy(cache);
}

void fuzz_elf_input(const uint8_t *data, size_t size)
{
	struct mm_snapshot *snap = mm_snapshot_create();
	struct mm_classify ctx = { .snap = snap };
	struct mm_target t;
	char path[64];
	struct stat st;
	int fd;

	if (!snap) {
		return;
	}
	fd = fuzz_tmpfile(data, size, path);
	if (fstat(fd, &st) < 0) {
		abort();
	}
	fuzz_captured_target(&t);
	snap->pid = 1;
	snap->page_size = PAGE;
	/* Odd sizes are a library, even ones the executable (exe.* and the
	 * Go labeller's way in). */
	if (size % 2 == 0) {
		snap->exe = strdup(path);
		snap->exe_dev = st.st_dev;
		snap->exe_inode = st.st_ino;
	}
	map_like_loader(snap, &t, &st, path);

	ctx.target = &t;
	ctx.elves = mm_elf_cache_create();
	if (ctx.elves && mm_classify(&ctx) >= 0) {
		mm_snapshot_finish(snap);
		fuzz_check_snapshot(snap);
	}
	mm_elf_cache_destroy(ctx.elves);
	mm_target_finish(&t);
	mm_snapshot_destroy(snap);
	close(fd);
	unlink(path);
}

#ifndef FUZZ_COMBINED
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_elf_input(data, size);
	return 0;
}
#endif
