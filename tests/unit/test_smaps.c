/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_smaps.c: unit tests of the pure smaps parser (src/smaps.h), fed the
 * edge cases the kernel can produce: [vsyscall] above 2^63, " (deleted)",
 * spaces and escaped newlines in paths, [anon:NAME], old kernels' missing
 * fields, new kernels' unknown ones, malformed lines and huge values. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "read/smaps.h"
#include "harness.h"

/* Feeds text (lines separated by '\n') to a fresh parser and snapshot.
 * Returns the first nonzero result of mm_smaps_feed, or 0; *lineno gets the
 * parser's line number then. */
static struct mm_snapshot *feed(const char *text, int *ret, unsigned long *lineno)
{
	struct mm_snapshot *snap = mm_snapshot_create();
	struct mm_smaps_parser p;

	if (!snap) {
		fprintf(stderr, "mm_snapshot_create failed\n");
		exit(1);
	}
	mm_smaps_init(&p, snap);
	*ret = 0;
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		/* Not NUL-terminated at len: a copy with junk after it. */
		char *line = malloc(len + 4);

		memcpy(line, text, len);
		memcpy(line + len, "XYZ", 4);
		int r = mm_smaps_feed(&p, line, len);

		free(line);
		if (r != 0) {
			*ret = r;
			break;
		}
		text += len + (nl ? 1 : 0);
	}
	if (lineno) {
		*lineno = p.lineno;
	}
	return snap;
}

#define FULL_FIELDS \
	"Size:                  8 kB\n" \
	"KernelPageSize:        4 kB\n" \
	"MMUPageSize:           4 kB\n" \
	"Rss:                   8 kB\n" \
	"Pss:                   6 kB\n" \
	"Pss_Dirty:             2 kB\n" \
	"Shared_Clean:          4 kB\n" \
	"Shared_Dirty:          0 kB\n" \
	"Private_Clean:         2 kB\n" \
	"Private_Dirty:         2 kB\n" \
	"Referenced:            8 kB\n" \
	"Anonymous:             2 kB\n" \
	"KSM:                   0 kB\n" \
	"LazyFree:              0 kB\n" \
	"AnonHugePages:         0 kB\n" \
	"ShmemPmdMapped:        0 kB\n" \
	"FilePmdMapped:         0 kB\n" \
	"Shared_Hugetlb:        0 kB\n" \
	"Private_Hugetlb:       0 kB\n" \
	"Swap:                 12 kB\n" \
	"SwapPss:              10 kB\n" \
	"Locked:                0 kB\n" \
	"THPeligible:           1\n" \
	"VmFlags: rd mr mw me \n"

/* VmFlags may keep or drop the kernel's trailing space. */
static int flags_are(const char *got, const char *want)
{
	size_t n = strlen(want);

	return got && strncmp(got, want, n) == 0 &&
	       (got[n] == '\0' || strcmp(got + n, " ") == 0);
}

static void test_full_entry(void)
{
	int ret;
	struct mm_snapshot *s = feed(
		"56525ede1000-56525ede3000 r--p 00002000 fd:01 247498                     /usr/bin/head\n"
		FULL_FIELDS, &ret, NULL);

	CHECK(ret == 0, "full entry: feed returned %d", ret);
	CHECK(s->nmappings == 1, "full entry: %zu mappings", s->nmappings);
	if (s->nmappings == 1) {
		struct mm_mapping *m = &s->mappings[0];

		EQ_U64(m->start, 0x56525ede1000);
		EQ_U64(m->end, 0x56525ede3000);
		EQ_U64(m->offset, 0x2000);
		EQ_STR(m->perms, "r--p");
		EQ_U64(m->dev_major, 0xfd);
		EQ_U64(m->dev_minor, 0x01);
		EQ_U64(m->inode, 247498);
		EQ_STR(m->path, "/usr/bin/head");
		CHECK(!m->deleted, "full entry: deleted set");
		EQ_U64(m->kernel_page_size, 4096);
		EQ_U64(m->mmu_page_size, 4096);
		EQ_U64(m->c.rss, 8192);
		EQ_U64(m->c.pss, 6144);
		EQ_U64(m->c.pss_dirty, 2048);
		EQ_U64(m->c.shared_clean, 4096);
		EQ_U64(m->c.shared_dirty, 0);
		EQ_U64(m->c.private_clean, 2048);
		EQ_U64(m->c.private_dirty, 2048);
		EQ_U64(m->c.referenced, 8192);
		EQ_U64(m->c.anonymous, 2048);
		EQ_U64(m->c.swap, 12288);
		EQ_U64(m->c.swap_pss, 10240);
		CHECK(m->thp_eligible, "full entry: THPeligible 1 not read");
		CHECK(flags_are(m->vm_flags, "rd mr mw me"),
		      "full entry: vm_flags \"%s\"", m->vm_flags ? m->vm_flags : "NULL");
	}
	mm_snapshot_destroy(s);
}

static void test_vsyscall(void)
{
	int ret;
	struct mm_snapshot *s = feed(
		"7ffd0f96f000-7ffd0f990000 rw-p 00000000 00:00 0                          [stack]\n"
		"Size:                132 kB\n"
		"Rss:                  12 kB\n"
		"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n"
		"Size:                  4 kB\n"
		"Rss:                   0 kB\n"
		"VmFlags: ex \n", &ret, NULL);

	CHECK(ret == 0, "vsyscall: feed returned %d", ret);
	CHECK(s->nmappings == 2, "vsyscall: %zu mappings", s->nmappings);
	if (s->nmappings == 2) {
		struct mm_mapping *m = &s->mappings[1];

		EQ_U64(s->mappings[0].c.rss, 12288);
		EQ_STR(s->mappings[0].path, "[stack]");
		EQ_U64(m->start, 0xffffffffff600000ULL);
		EQ_U64(m->end, 0xffffffffff601000ULL);
		EQ_U64(mm_mapping_size(m), 4096);
		EQ_STR(m->perms, "--xp");
		EQ_STR(m->path, "[vsyscall]");
		CHECK(flags_are(m->vm_flags, "ex"), "vsyscall: vm_flags \"%s\"",
		      m->vm_flags ? m->vm_flags : "NULL");
	}
	mm_snapshot_destroy(s);
}

/* Paths as the kernel writes them (seq_path escapes only '\n', as \012). */
static void test_paths(void)
{
	static const struct {
		const char *line;	/* header; the path starts at column 73 */
		const char *path;
		int deleted;
	} cases[] = {
		{ "7f6d0a059000-7f6d0a05d000 rw-s 00000000 00:01 1025                       /memfd:memmap-test (deleted)",
		  "/memfd:memmap-test", 1 },
		{ "7f6d09e6c000-7f6d09e71000 rw-s 00000000 00:01 1026                       /dev/zero (deleted)",
		  "/dev/zero", 1 },
		{ "7f6d0a05e000-7f6d0a061000 r--s 00000000 fe:00 10954815                   /tmp/memmap-factory.nWENiK/mapped file.dat",
		  "/tmp/memmap-factory.nWENiK/mapped file.dat", 0 },
		{ "7f6d0a05e000-7f6d0a061000 r--s 00000000 fe:00 10954815                   /tmp/two  spaces/x (deleted)",
		  "/tmp/two  spaces/x", 1 },
		{ "7f6d0a05e000-7f6d0a061000 r--s 00000000 fe:00 10954815                   /tmp/new\\012line",
		  "/tmp/new\nline", 0 },
		{ "7f6d0a05e000-7f6d0a061000 r--s 00000000 fe:00 10954815                   /tmp/new\\012line (deleted)",
		  "/tmp/new\nline", 1 },
		{ "7f6d0a05e000-7f6d0a061000 rw-p 00000000 00:00 0                          [anon:some name]",
		  "[anon:some name]", 0 },
		{ "7f6d0a05e000-7f6d0a061000 rw-s 00000000 00:01 77                         [anon_shmem:a b c]",
		  "[anon_shmem:a b c]", 0 },
		{ "7f6d0a05e000-7f6d0a061000 rw-p 00000000 00:00 0 ",
		  NULL, 0 },
		{ "7f6d0a05e000-7f6d0a061000 rw-p 00000000 00:00 0",
		  NULL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mm_mapping m;
		size_t len = strlen(cases[i].line);
		int r;

		memset(&m, 0, sizeof(m));
		r = mm_smaps_parse_header(cases[i].line, len, &m);
		CHECK(r == 0, "path case %zu: parse_header returned %d", i, r);
		mm_test_eq_str(m.path, cases[i].path, cases[i].line, __FILE__, __LINE__);
		CHECK(m.deleted == !!cases[i].deleted, "path case %zu: deleted %d",
		      i, m.deleted);
		EQ_U64(m.start, strtoull(cases[i].line, NULL, 16));
		EQ_U64(m.end, strtoull(strchr(cases[i].line, '-') + 1, NULL, 16));
		free(m.path);

		/* The same through the streaming parser. */
		struct mm_snapshot *s = feed(cases[i].line, &r, NULL);

		CHECK(r == 0 && s->nmappings == 1, "path case %zu: feed %d, %zu mappings",
		      i, r, s->nmappings);
		if (s->nmappings == 1) {
			mm_test_eq_str(s->mappings[0].path, cases[i].path, cases[i].line,
				       __FILE__, __LINE__);
			CHECK(s->mappings[0].deleted == !!cases[i].deleted,
			      "path case %zu (feed): deleted %d", i,
			      s->mappings[0].deleted);
		}
		mm_snapshot_destroy(s);
	}
}

/* A kernel before Pss_Dirty, THPeligible and VmFlags. */
static void test_old_kernel(void)
{
	int ret;
	struct mm_snapshot *s = feed(
		"00400000-0040b000 r-xp 00000000 08:01 1234       /bin/cat\n"
		"Size:                 44 kB\n"
		"Rss:                  40 kB\n"
		"Pss:                  20 kB\n"
		"Shared_Clean:         40 kB\n"
		"Shared_Dirty:          0 kB\n"
		"Private_Clean:         0 kB\n"
		"Private_Dirty:         0 kB\n"
		"Referenced:           40 kB\n"
		"Anonymous:             0 kB\n"
		"AnonHugePages:         0 kB\n"
		"Swap:                  0 kB\n"
		"KernelPageSize:        4 kB\n"
		"MMUPageSize:           4 kB\n"
		"Locked:                0 kB\n"
		"0060a000-0060b000 rw-p 0000a000 08:01 1234       /bin/cat\n"
		"Size:                  4 kB\n"
		"Rss:                   4 kB\n", &ret, NULL);

	CHECK(ret == 0, "old kernel: feed returned %d", ret);
	CHECK(s->nmappings == 2, "old kernel: %zu mappings", s->nmappings);
	if (s->nmappings == 2) {
		struct mm_mapping *m = &s->mappings[0];

		EQ_U64(m->c.rss, 40960);
		EQ_U64(m->c.pss, 20480);
		EQ_U64(m->c.pss_dirty, 0);
		EQ_U64(m->c.shared_clean, 40960);
		CHECK(!m->thp_eligible, "old kernel: thp_eligible set");
		CHECK(m->vm_flags == NULL, "old kernel: vm_flags \"%s\"", m->vm_flags);
		EQ_U64(m->dev_major, 8);
		EQ_U64(m->dev_minor, 1);
		EQ_U64(s->mappings[1].start, 0x60a000);
		EQ_U64(s->mappings[1].offset, 0xa000);
		EQ_U64(s->mappings[1].c.rss, 4096);
		CHECK(s->mappings[1].vm_flags == NULL, "old kernel: 2nd vm_flags set");
	}
	mm_snapshot_destroy(s);
}

/* A kernel newer than us: fields we have never seen. */
static void test_unknown_fields(void)
{
	int ret;
	struct mm_snapshot *s = feed(
		"7f0000000000-7f0000004000 rw-p 00000000 00:00 0 \n"
		"Size:                 16 kB\n"
		"FuturePages:         999 kB\n"
		"Rss:                  16 kB\n"
		"ProtectionKey:         0\n"
		"Some_New_Thing:   yes please\n"
		"Private_Dirty:        16 kB\n"
		"VmFlags: rd wr mr mw me ac zz \n", &ret, NULL);

	CHECK(ret == 0, "unknown fields: feed returned %d", ret);
	CHECK(s->nmappings == 1, "unknown fields: %zu mappings", s->nmappings);
	if (s->nmappings == 1) {
		EQ_U64(s->mappings[0].c.rss, 16384);
		EQ_U64(s->mappings[0].c.private_dirty, 16384);
		CHECK(s->mappings[0].path == NULL, "unknown fields: path \"%s\"",
		      s->mappings[0].path);
		CHECK(flags_are(s->mappings[0].vm_flags, "rd wr mr mw me ac zz"),
		      "unknown fields: vm_flags \"%s\"",
		      s->mappings[0].vm_flags ? s->mappings[0].vm_flags : "NULL");
	}
	mm_snapshot_destroy(s);
}

/* 2^54 - 1 kB is the largest kB value whose byte count fits 64 bits. */
static void test_huge_values(void)
{
	int ret;
	struct mm_snapshot *s = feed(
		"7f0000000000-7f0000004000 rw-p 7ffffffff000 00:00 18446744073709551615 \n"
		"Size:                 16 kB\n"
		"Rss:   18014398509481983 kB\n"
		"Swap:  18014398509481982 kB\n"
		"Pss:   9007199254740993 kB\n", &ret, NULL);

	CHECK(ret == 0, "huge values: feed returned %d", ret);
	if (s->nmappings == 1) {
		EQ_U64(s->mappings[0].offset, 0x7ffffffff000ULL);
		EQ_U64(s->mappings[0].inode, 18446744073709551615ULL);
		EQ_U64(s->mappings[0].c.rss, 18014398509481983ULL * 1024);
		EQ_U64(s->mappings[0].c.swap, 18014398509481982ULL * 1024);
		/* 2^53 + 1 kB: not representable as a double. */
		EQ_U64(s->mappings[0].c.pss, 9007199254740993ULL * 1024);
	} else {
		CHECK(0, "huge values: %zu mappings", s->nmappings);
	}
	mm_snapshot_destroy(s);
}

static void test_malformed(void)
{
	static const char *bad_headers[] = {
		"7f0000000000-",
		"7f0000000000-7f0000004000 rw",
		"7f0000000000-7f0000004000 rw-p 00000000 00:",
		"7f0000000000-7f0000004000 rw-p 00000000",
		"xyz0000000-7f0000004000 rw-p 00000000 00:00 0",
		"7f0000000000 7f0000004000 rw-p 00000000 00:00 0",
		"",
	};

	for (size_t i = 0; i < sizeof(bad_headers) / sizeof(bad_headers[0]); i++) {
		struct mm_mapping m;
		int r;

		memset(&m, 0, sizeof(m));
		r = mm_smaps_parse_header(bad_headers[i], strlen(bad_headers[i]), &m);
		CHECK(r == -EINVAL, "malformed header \"%s\": returned %d, want -EINVAL",
		      bad_headers[i], r);
		free(m.path);
	}

	/* A truncated read: the stream stops mid-header on line 3. */
	int ret;
	unsigned long lineno;
	struct mm_snapshot *s = feed(
		"7f0000000000-7f0000004000 rw-p 00000000 00:00 0 \n"
		"Rss:                  16 kB\n"
		"7f0000004000-7f00\n"
		"Rss:                  16 kB\n", &ret, &lineno);

	CHECK(ret == -EINVAL, "truncated stream: feed returned %d, want -EINVAL", ret);
	CHECK(lineno == 3, "truncated stream: lineno %lu, want 3", lineno);
	mm_snapshot_destroy(s);

	/* Garbage where a header or a field should be. */
	s = feed("this is not smaps\n", &ret, &lineno);
	CHECK(ret == -EINVAL, "garbage line: feed returned %d, want -EINVAL", ret);
	CHECK(lineno == 1, "garbage line: lineno %lu, want 1", lineno);
	mm_snapshot_destroy(s);
}

/* A read(2) for mm_smaps_stream() over a text: the first read ends at
 * split (when nonzero), every other gives at most chunk bytes. */
struct chunks {
	const char *text;
	size_t len, pos, split, chunk;
};

static ssize_t read_chunks(void *ctx, char *buf, size_t len)
{
	struct chunks *c = ctx;
	size_t n = c->len - c->pos;

	if (c->pos == 0 && c->split) {
		n = c->split;
	} else if (n > c->chunk) {
		n = c->chunk;
	}
	if (n > len) {
		n = len;
	}
	memcpy(buf, c->text + c->pos, n);
	c->pos += n;
	return (ssize_t)n;
}

/* One entry in the kernel's form, Rss and Swap given: the other fields
 * as FULL_FIELDS has them (Pss 6 kB). */
static size_t entry(char *out, size_t cap, const char *header, const char *rss,
		    const char *swap, const char *extra)
{
	return (size_t)snprintf(out, cap,
		"%s\n"
		"Size:                  8 kB\n"
		"KernelPageSize:        4 kB\n"
		"MMUPageSize:           4 kB\n"
		"Rss:            %8s kB\n"
		"Pss:                   6 kB\n"
		"Pss_Dirty:             2 kB\n"
		"Shared_Clean:          4 kB\n"
		"Shared_Dirty:          0 kB\n"
		"Private_Clean:         2 kB\n"
		"Private_Dirty:         2 kB\n"
		"Referenced:            8 kB\n"
		"Anonymous:             2 kB\n"
		"KSM:                   0 kB\n"
		"LazyFree:              0 kB\n"
		"AnonHugePages:         0 kB\n"
		"ShmemPmdMapped:        0 kB\n"
		"FilePmdMapped:         0 kB\n"
		"Shared_Hugetlb:        0 kB\n"
		"Private_Hugetlb:       0 kB\n"
		"Swap:           %8s kB\n"
		"SwapPss:              10 kB\n"
		"Locked:                0 kB\n"
		"%s"
		"THPeligible:           1\n"
		"VmFlags: rd mr mw me \n", header, rss, swap, extra);
}

/* Checks the mappings the split text below must give, whatever the cuts. */
static void check_split_text(struct mm_snapshot *s, const char *how, const char *long_path)
{
	static const uint64_t starts[] = { 0x1000, 0x3000, 0x5000, 0x7000 };
	static const uint64_t rss[] = { 8, 12345678, 123456789, 0 };
	static const uint64_t swap[] = { 0, 99999999, 7, 1 };

	if (!CHECK(s->nmappings == 4, "%s: %zu mappings, want 4", how, s->nmappings)) {
		return;
	}
	for (size_t i = 0; i < 4; i++) {
		const struct mm_mapping *m = &s->mappings[i];

		CHECK(m->start == starts[i] && m->end == starts[i] + 0x1000,
		      "%s: mapping %zu at %#" PRIx64 "-%#" PRIx64, how, i, m->start, m->end);
		CHECK(m->c.rss == rss[i] * 1024 && m->c.swap == swap[i] * 1024 &&
		      m->c.pss == 6 * 1024 && m->c.swap_pss == 10 * 1024 &&
		      m->c.referenced == 8 * 1024 && m->mmu_page_size == 4096,
		      "%s: mapping %zu: rss %" PRIu64 " swap %" PRIu64 " pss %" PRIu64,
		      how, i, m->c.rss, m->c.swap, m->c.pss);
		CHECK(m->thp_eligible && flags_are(m->vm_flags, "rd mr mw me"),
		      "%s: mapping %zu: THPeligible or VmFlags lost", how, i);
	}
	CHECK(s->mappings[0].path && !strcmp(s->mappings[0].path, "/a b\nc"),
	      "%s: path 0 \"%s\"", how, s->mappings[0].path);
	CHECK(!s->mappings[1].path, "%s: mapping 1 has a path", how);
	CHECK(s->mappings[2].path && !strcmp(s->mappings[2].path, long_path),
	      "%s: the long path is %zu bytes", how,
	      s->mappings[2].path ? strlen(s->mappings[2].path) : 0);
	CHECK(s->mappings[3].path && !strcmp(s->mappings[3].path, "[stack]"),
	      "%s: path 3", how);
}

/* The stream reader cuts the text wherever read(2) stops: at every byte
 * (two reads), and in reads of every size up to 64 bytes, into a buffer
 * smaller than a line, the result is the same.  Numbers wider than the
 * kernel's 8 columns, an unknown field and a path longer than the buffer
 * take the slow path; the last line has no newline. */
static void test_stream_splits(void)
{
	char long_path[301], header[400], *text = malloc(8192);
	size_t len = 0;

	memset(long_path, 'x', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	len += entry(text + len, 8192 - len,
		     "1000-2000 r--p 00000000 fd:01 42     /a b\\012c", "8", "0", "");
	len += entry(text + len, 8192 - len, "3000-4000 rw-p 00000000 00:00 0 ",
		     "12345678", "99999999", "ProtectionKey:         0\n");
	snprintf(header, sizeof(header), "5000-6000 r-xp 00001000 fd:01 43  %s", long_path);
	len += entry(text + len, 8192 - len, header, "123456789", "7", "");
	len += entry(text + len, 8192 - len, "7000-8000 rw-p 00000000 00:00 0   [stack]",
		     "0", "1", "");
	len--;	/* no newline at the end */

	for (size_t split = 0; split <= len; split++) {
		for (size_t chunk = 1; chunk <= (split ? 1 : 64); chunk++) {
			struct mm_snapshot *s = mm_snapshot_create();
			struct mm_smaps_parser p;
			struct chunks c = { text, len, 0, split, split ? len : chunk };
			char how[64];
			int r;

			if (!s) {
				exit(1);
			}
			snprintf(how, sizeof(how), "split at %zu, reads of %zu", split, c.chunk);
			mm_smaps_init(&p, s);
			r = mm_smaps_stream(&p, read_chunks, &c, 64);
			CHECK(r == 0, "%s: returned %d (line %lu)", how, r, p.lineno);
			CHECK(p.lineno == 4 * 25 + 1, "%s: %lu lines", how, p.lineno);
			if (r == 0) {
				check_split_text(s, how, long_path);
			}
			mm_snapshot_destroy(s);
		}
	}
	free(text);
}

/* Between two reads the kernel lets the process map again, and resumes at
 * the mapping holding the last address printed: one grown since comes
 * again from its start.  The fresh view replaces the stale ones it
 * covers; an overlap the kernel cannot print stays malformed. */
static void test_reprinted(void)
{
	static const struct {
		const char *third;	/* after 1000-2000 and 2000-3000 */
		int ret;
		size_t n;
		uint64_t last_start, last_end;
	} cases[] = {
		{ "2000-5000 rw-p 00000000 00:00 0", 0, 2, 0x2000, 0x5000 },	/* grew */
		{ "1000-6000 rw-p 00000000 00:00 0", 0, 1, 0x1000, 0x6000 },	/* merged */
		{ "3000-4000 rw-p 00000000 00:00 0", 0, 3, 0x3000, 0x4000 },	/* no overlap */
		{ "2800-6000 rw-p 00000000 00:00 0", -EINVAL, 2, 0x2000, 0x3000 },
		{ "2000-2800 rw-p 00000000 00:00 0", -EINVAL, 2, 0x2000, 0x3000 },
		{ "1800-6000 rw-p 00000000 00:00 0", -EINVAL, 2, 0x2000, 0x3000 },
	};
	char *text = malloc(8192);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = 0;
		int ret;
		struct mm_snapshot *s;

		len += entry(text + len, 8192 - len, "1000-2000 r--p 00000000 fd:01 42 /lib", "8", "0", "");
		len += entry(text + len, 8192 - len, "2000-3000 rw-p 00000000 00:00 0", "4", "0", "");
		len += entry(text + len, 8192 - len, cases[i].third, "12", "0", "");
		s = feed(text, &ret, NULL);
		CHECK(ret == cases[i].ret, "%s: returned %d, want %d", cases[i].third, ret,
		      cases[i].ret);
		if (CHECK(s->nmappings == cases[i].n, "%s: %zu mappings, want %zu",
			  cases[i].third, s->nmappings, cases[i].n)) {
			const struct mm_mapping *m = &s->mappings[s->nmappings - 1];

			CHECK(m->start == cases[i].last_start && m->end == cases[i].last_end &&
			      m->c.rss == (ret ? 4 : 12) * 1024,
			      "%s: last mapping %#" PRIx64 "-%#" PRIx64 " rss %" PRIu64,
			      cases[i].third, m->start, m->end, m->c.rss);
		}
		mm_snapshot_destroy(s);
	}
	free(text);
}

/* As feed(), but the whole text through mm_smaps_stream() in one read: the
 * value lines take the fast path where they can. */
static struct mm_snapshot *stream(const char *text, int *ret)
{
	struct mm_snapshot *snap = mm_snapshot_create();
	struct mm_smaps_parser p;
	struct chunks c = { text, strlen(text), 0, 0, strlen(text) };

	if (!snap) {
		exit(1);
	}
	mm_smaps_init(&p, snap);
	*ret = mm_smaps_stream(&p, read_chunks, &c, 4096);
	return snap;
}

/* Value lines the fast path turns down go the slow way, with its result:
 * zero-padded and full-width numbers, a space inside the number (the slow
 * parser reads up to it), a letter (malformed).  VmFlags texts, six kinds
 * in turn (more than the parser keeps at hand), each where it belongs. */
static void test_odd_values(void)
{
	static const struct {
		const char *rss;	/* 8 columns */
		int ret;
		uint64_t kb;
	} cases[] = {
		{ "00000012", 0, 12 }, { "12345678", 0, 12345678 }, { "     1 2", 0, 1 },
		{ "       0", 0, 0 }, { "      1x", 0, 1 }, { "       x", -EINVAL, 0 },
	};
	static const char *flags[] = {
		"rd mr mw me", "rd wr mr mw me ac", "rd ex mr mw me", "rd mr mw me sd",
		"rd wr mr mw me gu ac", "rd wr sh mr mw me ms",
	};
	char *text = malloc(65536);
	size_t len = 0;
	int ret;
	struct mm_snapshot *s;

	for (size_t i = 0; i < 2 * sizeof(cases) / sizeof(cases[0]); i++) {
		size_t k = i / 2;

		entry(text, 65536, "1000-2000 rw-p 00000000 00:00 0", cases[k].rss, "0", "");
		s = i % 2 ? stream(text, &ret) : feed(text, &ret, NULL);
		CHECK(ret == cases[k].ret, "Rss \"%s\" (%s): returned %d, want %d",
		      cases[k].rss, i % 2 ? "stream" : "lines", ret, cases[k].ret);
		if (!ret && CHECK(s->nmappings == 1, "Rss \"%s\": %zu mappings", cases[k].rss,
				  s->nmappings)) {
			EQ_U64(s->mappings[0].c.rss, cases[k].kb * 1024);
			EQ_U64(s->mappings[0].c.pss, 6 * 1024);
		}
		mm_snapshot_destroy(s);
	}
	for (size_t i = 0; i < 30; i++) {
		char header[64], one[2048];
		size_t n;

		snprintf(header, sizeof(header), "%zx-%zx rw-p 00000000 00:00 0",
			 (i + 1) * 0x1000, (i + 2) * 0x1000);
		n = entry(one, sizeof(one), header, "4", "0", "");
		/* The last line, "VmFlags: rd mr mw me \n", says another text. */
		n -= strlen("VmFlags: rd mr mw me \n");
		n += (size_t)snprintf(one + n, sizeof(one) - n, "VmFlags: %s \n",
				      flags[(i * 7) % 6]);
		memcpy(text + len, one, n + 1);
		len += n;
	}
	s = stream(text, &ret);
	CHECK(ret == 0 && s->nmappings == 30, "flags: returned %d, %zu mappings", ret,
	      s->nmappings);
	for (size_t i = 0; i < s->nmappings; i++) {
		CHECK(flags_are(s->mappings[i].vm_flags, flags[(i * 7) % 6]),
		      "flags of mapping %zu: \"%s\", want \"%s\"", i, s->mappings[i].vm_flags,
		      flags[(i * 7) % 6]);
	}
	mm_snapshot_destroy(s);
	free(text);
}

int main(void)
{
	test_full_entry();
	test_vsyscall();
	test_paths();
	test_old_kernel();
	test_unknown_fields();
	test_huge_values();
	test_malformed();
	test_stream_splits();
	test_reprinted();
	test_odd_values();

	return mm_test_done("test_smaps");
}
