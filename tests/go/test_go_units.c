/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_go_units.c: unit tests of the Go labeller's pure parts: the
 * .go.buildinfo parser (src/go_buildinfo.h) fed well-formed and broken
 * blobs, and the Go 1.25 mapping names (src/label_go.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtimes/go/go_buildinfo.h"
#include "runtimes/go/label_go.h"
#include "model/model.h"
#include "harness.h"

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

#define SENTINEL_START "0w\xaf\x0c\x92t\x08\x02" "A\xe1\xc1\x07\xe6\xd6\x18\xe6"
#define SENTINEL_END "\xf9" "2C1\x86\x18 r\x00\x82" "B\x10" "A\x16\xd8\xf2"

static size_t put_uvarint(unsigned char *p, size_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

/* A Go 1.18+ blob: header, then varint-prefixed version and modinfo (the
 * modinfo wrapped in the 16-byte sentinels unless raw). */
static size_t blob(unsigned char *buf, const char *version, const char *modinfo, int raw,
		   unsigned char flags)
{
	size_t n = 32, milen;

	memset(buf, 0, 32);
	memcpy(buf, "\xff Go buildinf:", 14);
	buf[14] = 8;
	buf[15] = flags;
	n += put_uvarint(buf + n, strlen(version));
	memcpy(buf + n, version, strlen(version));
	n += strlen(version);
	if (!modinfo) {
		n += put_uvarint(buf + n, 0);
		return n;
	}
	milen = strlen(modinfo) + (raw ? 0 : 32);
	n += put_uvarint(buf + n, milen);
	if (!raw) {
		memcpy(buf + n, SENTINEL_START, 16);
		n += 16;
	}
	memcpy(buf + n, modinfo, strlen(modinfo));
	n += strlen(modinfo);
	if (!raw) {
		memcpy(buf + n, SENTINEL_END, 16);
		n += 16;
	}
	return n;
}

static void expect(const unsigned char *buf, size_t len, int err, const char *version,
		   const char *module, int cgo, int line)
{
	struct mm_go_buildinfo bi;
	int got = mm_go_buildinfo_parse(buf, len, &bi);

	CHECK_AT(line, got == err, "parse: got %d, want %d", got, err);
	if (got == 0 && err == 0) {
		CHECK_AT(line, str_eq(bi.version, version), "version %s, want %s", bi.version, version);
		CHECK_AT(line, str_eq(bi.module, module), "module %s, want %s",
			 bi.module ? bi.module : "NULL", module ? module : "NULL");
		CHECK_AT(line, bi.cgo_enabled == cgo, "cgo %d, want %d", bi.cgo_enabled, cgo);
		CHECK_AT(line, bi.ptr_size == 8, "ptr_size %u", bi.ptr_size);
	}
	if (got == 0) {
		mm_go_buildinfo_finish(&bi);
	}
}

#define EXPECT(buf, len, err, v, m, c) expect(buf, len, err, v, m, c, __LINE__)

static void test_buildinfo(void)
{
	static unsigned char buf[4096];
	char big[1024];
	size_t n;

	n = blob(buf, "go1.22.12", "path\texample.com/cmd/x\nmod\texample.com\t(devel)\t\n"
		 "build\t-compiler=gc\nbuild\tCGO_ENABLED=1\nbuild\tGOOS=linux\n", 0, 2);
	EXPECT(buf, n, 0, "go1.22.12", "example.com", 1);
	/* Trailing bytes after the strings (the section is padded). */
	EXPECT(buf, n + 100, 0, "go1.22.12", "example.com", 1);

	n = blob(buf, "go1.21.13", "path\tcommand-line-arguments\nbuild\tCGO_ENABLED=0\n", 0, 2);
	EXPECT(buf, n, 0, "go1.21.13", "command-line-arguments", 0);

	/* No module info at all: a version alone. */
	n = blob(buf, "go1.19.8", NULL, 0, 2);
	EXPECT(buf, n, 0, "go1.19.8", NULL, 0);

	/* CGO_ENABLED=10 is not CGO_ENABLED=1; a last line without '\n'. */
	n = blob(buf, "go1.23.5", "mod\tm\t(devel)\t\nbuild\tCGO_ENABLED=10\nbuild\tCGO_ENABLED=1", 0, 2);
	EXPECT(buf, n, 0, "go1.23.5", "m", 1);
	n = blob(buf, "go1.23.5", "mod\tm\t(devel)\t\nbuild\tCGO_ENABLED=10\n", 0, 2);
	EXPECT(buf, n, 0, "go1.23.5", "m", 0);

	/* A modinfo longer than 127 bytes has a two-byte length. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "path\t", 5);
	big[600] = '\n';
	memcpy(big + 601, "mod\tlong/module\tv1.2.3\th1:abc\n", 30);
	big[631] = '\0';
	n = blob(buf, "go1.22.12", big, 0, 2);
	EXPECT(buf, n, 0, "go1.22.12", "long/module", 0);

	/* Broken blobs. */
	n = blob(buf, "go1.22.12", "mod\tm\n", 0, 2);
	EXPECT(buf, 31, -ENOEXEC, NULL, NULL, 0);		/* shorter than the header */
	EXPECT(buf, 33, -ENOEXEC, NULL, NULL, 0);		/* version cut off */
	EXPECT(buf, n - 1, -ENOEXEC, NULL, NULL, 0);		/* modinfo cut off */
	buf[1] = 'X';
	EXPECT(buf, n, -ENOEXEC, NULL, NULL, 0);		/* bad magic */
	n = blob(buf, "go1.22.12", "mod\tm\n", 0, 2);
	buf[14] = 3;
	EXPECT(buf, n, -ENOEXEC, NULL, NULL, 0);		/* pointer size */
	n = blob(buf, "go1.16", NULL, 0, 0);
	EXPECT(buf, n, -ENOTSUP, NULL, NULL, 0);		/* pre-1.18 pointer format */
	n = blob(buf, "", NULL, 0, 2);
	EXPECT(buf, n, -ENOEXEC, NULL, NULL, 0);		/* empty version */
	n = blob(buf, "go1.22", NULL, 0, 2);
	memset(buf + 32, 0xff, 11);				/* a varint that never ends */
	EXPECT(buf, 43, -ENOEXEC, NULL, NULL, 0);
	/* Module info too short for its sentinels: version only. */
	n = blob(buf, "go1.22.12", "mod\tm\n", 1, 2);
	EXPECT(buf, n, 0, "go1.22.12", NULL, 0);
}

static void test_names(void)
{
	static const struct {
		const char *path;
		int label;
	} cases[] = {
		{ "[anon: Go: heap]", MM_GO_HEAP },
		{ "[anon: Go: heap reservation]", MM_GO_HEAP },
		{ "[anon: Go: heap index]", MM_GO_HEAP_INDEX },
		{ "[anon: Go: heap metadata]", MM_GO_HEAP_METADATA },
		{ "[anon: Go: page summary]", MM_GO_PAGE_SUMMARY },
		{ "[anon: Go: page alloc]", MM_GO_PAGE_SUMMARY },
		{ "[anon: Go: page alloc index]", MM_GO_PAGE_ALLOC },
		{ "[anon: Go: scavenge index]", MM_GO_SCAVENGE_INDEX },
		{ "[anon: Go: immortal metadata]", MM_GO_IMMORTAL_METADATA },
		{ "[anon: Go: gc bits]", MM_GO_GC_BITS },
		{ "[anon: Go: allspans array]", MM_GO_ALLSPANS },
		{ "[anon: Go: profiler hash buckets]", MM_GO_OTHER },
		{ "[anon: Go: heapx]", MM_GO_OTHER },
		{ "[anon: Go: heap", -1 },
		{ "[anon:Go: heap]", -1 },
		{ "[anon: glibc: heap]", -1 },
		{ "[anon: Go: ]", -1 },
		{ "[anon: Go: ", -1 },
		{ "/usr/bin/go", -1 },
		{ NULL, -1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = mm_go_label_for_name(cases[i].path);

		CHECK(got == cases[i].label, "%s: label %d, want %d",
		      cases[i].path ? cases[i].path : "NULL", got, cases[i].label);
	}
}

int main(void)
{
	test_buildinfo();
	test_names();
	return mm_test_done("test_go_units");
}
