/* go_buildinfo.c: the .go.buildinfo section of Go executables: the
 * toolchain version, the main module and the build settings that the Go
 * linker embeds (the same data `go version -m` prints). */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtimes/go/go_buildinfo.h"

#define BI_MAGIC "\xff Go buildinf:"
#define BI_MAGIC_LEN 14
#define BI_HEADER_LEN 32
#define BI_FLAG_BIG_ENDIAN 0x1
#define BI_FLAG_INLINE 0x2
/* runtime/debug wraps the module info in 16 bytes of sentinel each side. */
#define MODINFO_SENTINEL 16
#define MAX_STRING (1u << 20)

static int read_uvarint(const uint8_t *p, size_t len, size_t *pos, uint64_t *out)
{
	uint64_t v = 0;
	unsigned int shift = 0;

	while (*pos < len && shift < 64) {
		uint8_t b = p[(*pos)++];

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return 0;
		}
		shift += 7;
	}
	return -ENOEXEC;
}

/* The value of the first "key\t" line of modinfo, up to the next tab. */
static char *modinfo_field(const char *mi, size_t len, const char *key)
{
	size_t klen = strlen(key);
	const char *p = mi, *end = mi + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *eol = nl ? nl : end;

		if ((size_t)(eol - p) > klen && !memcmp(p, key, klen) && p[klen] == '\t') {
			const char *v = p + klen + 1;
			const char *tab = memchr(v, '\t', eol - v);

			return strndup(v, (tab ? tab : eol) - v);
		}
		p = eol + 1;
	}
	return NULL;
}

static bool modinfo_has_line(const char *mi, size_t len, const char *line)
{
	size_t llen = strlen(line);
	const char *p = mi, *end = mi + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *eol = nl ? nl : end;

		if ((size_t)(eol - p) == llen && !memcmp(p, line, llen)) {
			return true;
		}
		p = eol + 1;
	}
	return false;
}

/* Fills bi from the version string and the raw modinfo (sentinels and
 * all, as the linker stores it). */
static int fill(struct mm_go_buildinfo *bi, const char *ver, size_t vlen,
		const char *mi, size_t milen)
{
	if (vlen == 0 || vlen > 64 || memchr(ver, '\0', vlen)) {
		return -ENOEXEC;
	}
	bi->version = strndup(ver, vlen);
	if (!bi->version) {
		return -ENOMEM;
	}
	if (milen > 2 * MODINFO_SENTINEL) {
		mi += MODINFO_SENTINEL;
		milen -= 2 * MODINFO_SENTINEL;
		bi->module = modinfo_field(mi, milen, "mod");
		if (!bi->module) {
			bi->module = modinfo_field(mi, milen, "path");
		}
		bi->cgo_enabled = modinfo_has_line(mi, milen, "build\tCGO_ENABLED=1");
	}
	return 0;
}

static int check_header(const uint8_t *p, size_t len, struct mm_go_buildinfo *bi)
{
	if (len < BI_HEADER_LEN || memcmp(p, BI_MAGIC, BI_MAGIC_LEN)) {
		return -ENOEXEC;
	}
	bi->ptr_size = p[BI_MAGIC_LEN];
	if (bi->ptr_size != 4 && bi->ptr_size != 8) {
		return -ENOEXEC;
	}
	return 0;
}

int mm_go_buildinfo_parse(const void *buf, size_t len, struct mm_go_buildinfo *bi)
{
	const uint8_t *p = buf;
	uint64_t vlen, milen;
	size_t pos = BI_HEADER_LEN, vpos;
	int err;

	memset(bi, 0, sizeof(*bi));
	err = check_header(p, len, bi);
	if (err) {
		return err;
	}
	if (!(p[BI_MAGIC_LEN + 1] & BI_FLAG_INLINE)) {
		return -ENOTSUP;
	}
	if (read_uvarint(p, len, &pos, &vlen) || vlen > len - pos) {
		return -ENOEXEC;
	}
	vpos = pos;
	pos += vlen;
	if (read_uvarint(p, len, &pos, &milen) || milen > len - pos) {
		return -ENOEXEC;
	}
	err = fill(bi, (const char *)p + vpos, vlen, (const char *)p + pos, milen);
	if (err) {
		mm_go_buildinfo_finish(bi);
	}
	return err;
}

static uint64_t get_word(const uint8_t *p, unsigned int size, bool big)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < size; i++) {
		v |= (uint64_t)p[big ? size - 1 - i : i] << (8 * i);
	}
	return v;
}

/* Reads len bytes at virtual address addr from the file's sections. */
static int read_vaddr(const struct mm_elf *e, uint64_t addr, void *buf, size_t len)
{
	const struct mm_elf_section *s;
	size_t n;

	s = mm_elf_sections(e, &n);
	for (size_t i = 0; i < n; i++) {
		if (s[i].type == SHT_NOBITS || addr < s[i].addr ||
		    addr - s[i].addr > s[i].size || len > s[i].size - (addr - s[i].addr)) {
			continue;
		}
		return mm_elf_pread(e, buf, len, s[i].offset + (addr - s[i].addr));
	}
	return -ENOEXEC;
}

/* Before Go 1.18 the header holds pointers to two Go string headers. */
static int read_string_at(const struct mm_elf *e, uint64_t hdr, unsigned int ps,
			  bool big, char **out, size_t *outlen)
{
	uint8_t h[16];
	uint64_t data, len;
	int err;

	err = read_vaddr(e, hdr, h, 2 * ps);
	if (err) {
		return err;
	}
	data = get_word(h, ps, big);
	len = get_word(h + ps, ps, big);
	if (len > MAX_STRING) {
		return -ENOEXEC;
	}
	*out = malloc(len + 1);
	if (!*out) {
		return -ENOMEM;
	}
	err = len ? read_vaddr(e, data, *out, len) : 0;
	if (err) {
		free(*out);
		*out = NULL;
		return err;
	}
	(*out)[len] = '\0';
	*outlen = len;
	return 0;
}

static int read_pointer_format(const struct mm_elf *e, const uint8_t *hdr,
			       struct mm_go_buildinfo *bi)
{
	unsigned int ps = bi->ptr_size;
	bool big = hdr[BI_MAGIC_LEN + 1] & BI_FLAG_BIG_ENDIAN;
	char *ver = NULL, *mi = NULL;
	size_t vlen = 0, milen = 0;
	int err;

	err = read_string_at(e, get_word(hdr + 16, ps, big), ps, big, &ver, &vlen);
	if (!err) {
		err = read_string_at(e, get_word(hdr + 16 + ps, ps, big), ps, big, &mi, &milen);
	}
	if (!err) {
		err = fill(bi, ver, vlen, mi, milen);
	}
	free(ver);
	free(mi);
	return err;
}

int mm_go_buildinfo_read(const struct mm_elf *e, struct mm_go_buildinfo *bi)
{
	const struct mm_elf_section *s;
	uint8_t *buf;
	size_t len;
	int err;

	memset(bi, 0, sizeof(*bi));
	s = mm_elf_section_by_name(e, ".go.buildinfo");
	if (!s || s->type == SHT_NOBITS) {
		return -ENOENT;
	}
	if (s->size < BI_HEADER_LEN) {
		return -ENOEXEC;
	}
	len = s->size > MAX_STRING ? MAX_STRING : s->size;
	buf = malloc(len);
	if (!buf) {
		return -ENOMEM;
	}
	err = mm_elf_pread(e, buf, len, s->offset);
	if (!err) {
		err = mm_go_buildinfo_parse(buf, len, bi);
	}
	if (err == -ENOTSUP) {
		err = read_pointer_format(e, buf, bi);
	}
	free(buf);
	if (err) {
		mm_go_buildinfo_finish(bi);
	}
	return err;
}

void mm_go_buildinfo_finish(struct mm_go_buildinfo *bi)
{
	free(bi->version);
	free(bi->module);
	bi->version = bi->module = NULL;
}

/* A Go program that links C code imports libc's symbols; a pure-Go one
 * has at most the null entry in .dynsym (a PIE has the table anyway). */
static bool imports_symbols(const struct mm_elf *e)
{
	const struct mm_elf_section *s = mm_elf_section_by_name(e, ".dynsym");

	return s && s->size > 24;
}

int mm_go_buildinfo_detect(const struct mm_elf *e, struct mm_snapshot *snap)
{
	struct mm_go_buildinfo bi;
	int err;

	err = mm_go_buildinfo_read(e, &bi);
	if (err == -ENOMEM) {
		return err;
	}
	if (err) {
		return 0;
	}
	free(snap->runtime.lang);
	free(snap->runtime.version);
	free(snap->runtime.module);
	snap->runtime.lang = strdup("go");
	snap->runtime.version = bi.version;
	snap->runtime.module = bi.module;
	snap->runtime.cgo = bi.cgo_enabled && imports_symbols(e);
	if (!snap->runtime.lang) {
		return -ENOMEM;
	}
	return 0;
}
