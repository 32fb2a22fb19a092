/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_go_units.c: unit tests of the Go labeller's pure parts: the
 * .go.buildinfo parser (src/go_buildinfo.h) fed well-formed and broken
 * blobs, the Go 1.25 mapping names (src/label_go.h), and the stripped
 * binary locator's function table, instruction matching and class-size
 * check (go_locate.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtimes/go/go_buildinfo.h"
#include "runtimes/go/go_locate.h"
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

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* A pcHeader (1.20+ magic), two functions and the end entry. */
static size_t pclntab(uint8_t *t, uint32_t magic)
{
	static const char names[] = "runtime.a\0runtime.mallocinit\0";
	uint64_t funcnames = 72, ftab = 128;

	memset(t, 0, 256);
	put32(t, magic);
	t[6] = 1;
	t[7] = 8;
	put64(t + 8, 2);		/* nfunc */
	put64(t + 24, 0x401000);	/* textStart */
	put64(t + 32, funcnames);
	put64(t + 64, ftab);
	memcpy(t + funcnames, names, sizeof(names));
	/* functab: {entryoff, funcoff} x 3; _func {entryOff, nameOff} */
	put32(t + ftab, 0x0);
	put32(t + ftab + 4, 32);
	put32(t + ftab + 8, 0x40);
	put32(t + ftab + 12, 40);
	put32(t + ftab + 16, 0x100);
	put32(t + ftab + 32 + 4, 0);
	put32(t + ftab + 40 + 4, 10);
	return 256;
}

static void test_pclntab(void)
{
	uint8_t t[256];
	struct mm_go_pclntab p;
	uint64_t entry = 0, size = 0;
	size_t n = pclntab(t, 0xfffffff1);

	CHECK(mm_go_pclntab_parse(t, n, &p) == 0 && p.text == 0x401000 && p.nfunc == 2,
	      "pclntab: header not parsed");
	CHECK(mm_go_pclntab_func(&p, "runtime.mallocinit", &entry, &size) == 0 &&
	      entry == 0x40 && size == 0xc0, "pclntab: mallocinit at %#llx+%#llx",
	      (unsigned long long)entry, (unsigned long long)size);
	CHECK(mm_go_pclntab_func(&p, "runtime.malloc", &entry, &size) == -ENOENT,
	      "pclntab: a prefix matched");
	CHECK(mm_go_pclntab_parse(t, 40, &p) == -ENOEXEC, "pclntab: truncated header");
	pclntab(t, 0xfffffffb);		/* Go 1.16's format */
	CHECK(mm_go_pclntab_parse(t, n, &p) == -ENOEXEC, "pclntab: 1.16 magic accepted");
	pclntab(t, 0xfffffff0);
	put64(t + 8, 1000);		/* more functions than the table holds */
	CHECK(mm_go_pclntab_parse(t, n, &p) == -ENOEXEC, "pclntab: nfunc past the end");
	put64(t + 8, 0);
	put64(t + 64, n - 4);		/* a function table with no room for its end */
	CHECK(mm_go_pclntab_parse(t, n, &p) == -ENOEXEC, "pclntab: ftab at the end");
}

static void test_rip_targets(void)
{
	/* at pc 0x1000:
	 *   0: 48 8d 05 f9 0f 00 00   lea  0x2000(%rip),%rax  (0x1007 + 0xff9)
	 *   7: e8 f4 0f 00 00         call 0x2000             (0x100c + 0xff4)
	 *  12: 48 8b 0d ed 1f 00 00   mov  0x3000(%rip),%rcx  (0x1013 + 0x1fed)
	 *  19: 4c 8d 05 e6 1f 00 00   lea  0x3000(%rip),%r8   (0x101a + 0x1fe6) */
	static const uint8_t code[] = {
		0x48, 0x8d, 0x05, 0xf9, 0x0f, 0x00, 0x00,
		0xe8, 0xf4, 0x0f, 0x00, 0x00,
		0x48, 0x8b, 0x0d, 0xed, 0x1f, 0x00, 0x00,
		0x4c, 0x8d, 0x05, 0xe6, 0x1f, 0x00, 0x00,
	};
	/* MOVQ 0x3008(%rip), SI; MOVQ 0x3000(%rip), DX (len before array,
	 * as Go 1.19's flushmcache has them). */
	static const uint8_t slice[] = {
		0x48, 0x8b, 0x35, 0x01, 0x20, 0x00, 0x00,
		0x48, 0x8b, 0x15, 0xf2, 0x1f, 0x00, 0x00,
	};
	uint64_t out[4];
	size_t n;

	n = mm_go_rip_targets(code, sizeof(code), 0x1000, MM_GO_LEA_CALL, 0x2000, out, 4);
	CHECK(n == 1 && out[0] == 0x2000, "lea+call: %zu targets, first %#llx", n,
	      (unsigned long long)out[0]);
	n = mm_go_rip_targets(code, sizeof(code), 0x1000, MM_GO_LEA_CALL, 0x2004, out, 4);
	CHECK(n == 0, "lea+call to another callee: %zu targets", n);
	n = mm_go_rip_targets(code, sizeof(code), 0x1000, MM_GO_LEA_AND_LOAD, 0, out, 4);
	CHECK(n == 1 && out[0] == 0x3000, "lea and load: %zu targets, first %#llx", n,
	      (unsigned long long)out[0]);
	n = mm_go_rip_targets(code, sizeof(code), 0x1000, MM_GO_LEA_ANY, 0, out, 4);
	CHECK(n == 2, "lea: %zu targets", n);
	n = mm_go_rip_targets(code, 10, 0x1000, MM_GO_LEA_CALL, 0x2000, out, 4);
	CHECK(n == 0, "lea+call cut short: %zu targets", n);
	n = mm_go_rip_targets(code, sizeof(code), 0x1000, MM_GO_SLICE_LOAD, 0, out, 4);
	CHECK(n == 0, "slice load without its len: %zu targets", n);
	n = mm_go_rip_targets(slice, sizeof(slice), 0x1000, MM_GO_SLICE_LOAD, 0, out, 4);
	CHECK(n == 1 && out[0] == 0x3000, "slice load: %zu targets, first %#llx", n,
	      (unsigned long long)out[0]);
}

static void test_class_sizes(void)
{
	uint8_t b[256] = { 0 };
	static const unsigned int sizes[] = { 0, 8, 16, 24, 32, 48, 64, 80, 96, 32768 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		b[2 * i] = (uint8_t)sizes[i];
		b[2 * i + 1] = (uint8_t)(sizes[i] >> 8);
	}
	CHECK(mm_go_is_class_sizes(b, sizeof(b)), "class sizes not recognised");
	CHECK(!mm_go_is_class_sizes(b, 18), "class sizes without their end recognised");
	b[8] = 200;	/* 32 -> 200: no longer rising */
	CHECK(!mm_go_is_class_sizes(b, sizeof(b)), "falling class sizes recognised");
	memset(b, 0, sizeof(b));
	CHECK(!mm_go_is_class_sizes(b, sizeof(b)), "zeros recognised as class sizes");
}

/* runtime.buildVersion's forms, and strings that only look like one. */
static void test_version_string(void)
{
	static const char *good[] = {
		"go1.19.8", "go1.26.10", "go1.24rc1", "go1.23beta2", "go1.21",
		"go1.23.4 X:nocoverageredesign",
	};
	static const char *bad[] = {
		"go1.", "go1", "go2.1", "go1.x", "go1.26.", "go1.26rc", "go1.26.1a",
		"go1.26.1\n", "go1.2.3.4", "gopher", "go1.26.10 \x01",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK(mm_go_version_string(good[i], strlen(good[i])), "%s not a version",
		      good[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(!mm_go_version_string(bad[i], strlen(bad[i])), "%s taken for a version",
		      bad[i]);
	}
	CHECK(!mm_go_version_string("go1.26.10", 65), "65 bytes taken for a version");
}

int main(void)
{
	test_buildinfo();
	test_version_string();
	test_names();
	test_pclntab();
	test_rip_targets();
	test_class_sizes();
	return mm_test_done("test_go_units");
}
