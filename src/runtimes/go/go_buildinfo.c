/* SPDX-License-Identifier: GPL-2.0-or-later */
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

/* The build-info blob starts a 16-byte boundary: at the start of the
 * .go.buildinfo section, or (its section header renamed or dropped after
 * the link) in a writable segment, where Go's own debug/buildinfo searches
 * for it.  One search over either range.  Returns 0 with the blob's file
 * offset and the bytes after it, -ENOENT, -ENOMEM. */
#define BI_SEARCH_LIMIT (4u << 20)

static int search_blob(const struct mm_elf *e, uint64_t start, uint64_t filesz,
		       uint64_t *off, uint64_t *size)
{
	uint64_t len = filesz < BI_SEARCH_LIMIT ? filesz : BI_SEARCH_LIMIT;
	uint8_t *buf;
	int found = -ENOENT;

	if (len < BI_HEADER_LEN) {
		return -ENOENT;
	}
	buf = malloc(len);
	if (!buf) {
		return -ENOMEM;
	}
	if (!mm_elf_pread(e, buf, len, start)) {
		for (uint64_t a = 0; a + BI_HEADER_LEN <= len; a += 16) {
			if (!memcmp(buf + a, BI_MAGIC, BI_MAGIC_LEN)) {
				*off = start + a;
				*size = filesz - a;
				found = 0;
				break;
			}
		}
	}
	free(buf);
	return found;
}

static int find_blob(const struct mm_elf *e, uint64_t *off, uint64_t *size)
{
	const struct mm_elf_section *s = mm_elf_section_by_name(e, ".go.buildinfo");
	const struct mm_elf_segment *segs;
	size_t n;
	int err;

	if (s && s->type != SHT_NOBITS) {
		return search_blob(e, s->offset, s->size, off, size);
	}
	if (!mm_go_image_is_go(e)) {
		return -ENOENT;	/* no search through every library's data */
	}
	segs = mm_elf_segments(e, &n);
	for (size_t i = 0; i < n; i++) {
		if (!(segs[i].flags & PF_W)) {
			continue;
		}
		err = search_blob(e, segs[i].offset, segs[i].filesz, off, size);
		if (err != -ENOENT) {
			return err;
		}
	}
	return -ENOENT;
}

/* ---- runtime.buildVersion and runtime.modinfo: without the blob, the
 * linker's two string variables still say the same (Go string headers
 * {ptr, len} in .data, their bytes in read-only data). */
#define DATA_SCAN_LIMIT (16u << 20)
#define MAX_CANDIDATES 4096
#define MAX_VERSION 64

/* "go1.N", then ".N", "rcN" or "betaN", then the end or " X:..." (an
 * experiment suffix): what cmd/dist writes into runtime.buildVersion. */
bool mm_go_version_string(const char *s, size_t len)
{
	size_t i = 4;

	if (len < 5 || len > MAX_VERSION || memcmp(s, "go1.", 4)) {
		return false;
	}
	if (s[i] < '0' || s[i] > '9') {
		return false;
	}
	while (i < len && s[i] >= '0' && s[i] <= '9') {
		i++;
	}
	if (i < len && s[i] == '.') {
		i++;
	} else if (i + 2 < len && !memcmp(s + i, "rc", 2)) {
		i += 2;
	} else if (i + 4 < len && !memcmp(s + i, "beta", 4)) {
		i += 4;
	} else {
		return i == len || s[i] == ' ';
	}
	if (i == len || s[i] < '0' || s[i] > '9') {
		return false;
	}
	while (i < len && s[i] >= '0' && s[i] <= '9') {
		i++;
	}
	if (i < len && s[i] != ' ') {
		return false;
	}
	for (; i < len; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e) {
			return false;
		}
	}
	return true;
}

/* runtime/debug's sentinels around the module info (cmd/go's infoStart
 * and infoEnd). */
static const uint8_t modinfo_start[MODINFO_SENTINEL] = {
	0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02,
	0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6,
};

static bool read_only_data(const struct mm_elf *e, uint64_t addr, uint64_t len)
{
	const struct mm_elf_section *s;
	size_t n;

	s = mm_elf_sections(e, &n);
	for (size_t i = 0; i < n; i++) {
		if (s[i].type == SHT_PROGBITS && (s[i].flags & SHF_ALLOC) &&
		    !(s[i].flags & (SHF_WRITE | SHF_EXECINSTR)) && addr >= s[i].addr &&
		    addr - s[i].addr <= s[i].size && len <= s[i].size - (addr - s[i].addr)) {
			return true;
		}
	}
	return false;
}

struct string_scan {
	char version[MAX_VERSION + 1];
	unsigned int nversion;		/* headers whose string is a version */
	uint64_t modinfo, modinfo_len;	/* the string's address */
	unsigned int nmodinfo;
};

static void scan_header(const struct mm_elf *e, uint64_t ptr, uint64_t len,
			struct string_scan *sc)
{
	char buf[MAX_VERSION];

	if (len >= 5 && len <= MAX_VERSION && read_only_data(e, ptr, len) &&
	    !read_vaddr(e, ptr, buf, len) && mm_go_version_string(buf, len)) {
		if (sc->nversion == 0) {
			memcpy(sc->version, buf, len);
			sc->version[len] = '\0';
		}
		sc->nversion++;
	} else if (len > 2 * MODINFO_SENTINEL && len <= MAX_STRING &&
		   read_only_data(e, ptr, len) && !read_vaddr(e, ptr, buf, MODINFO_SENTINEL) &&
		   !memcmp(buf, modinfo_start, MODINFO_SENTINEL)) {
		sc->modinfo = ptr;
		sc->modinfo_len = len;
		sc->nmodinfo++;
	}
}

/* A PIE's string headers hold no pointer in the file: ld.so writes each
 * from an R_X86_64_RELATIVE relocation at load (the pointer is its
 * addend).  Applies those of one SHT_RELA section (Go's linker names it
 * .rela, others .rela.dyn) that land in the n .data words read at addr.
 * All sections together read at most RELA_LIMIT bytes (*left); returns 0
 * or -ENOMEM. */
#define RELA_CHUNK 2730			/* Elf64_Rela entries a read: 64 KiB */
#define RELA_LIMIT (64u << 20)

static int apply_rela(const struct mm_elf *e, const struct mm_elf_section *r, uint64_t addr,
		      uint64_t *words, uint64_t n, uint64_t *left)
{
	uint64_t total = r->size / sizeof(Elf64_Rela);
	Elf64_Rela *v;

	if (r->size > *left) {
		return 0;
	}
	*left -= r->size;
	v = malloc(RELA_CHUNK * sizeof(*v));
	if (!v) {
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < total; i += RELA_CHUNK) {
		uint64_t k = total - i < RELA_CHUNK ? total - i : RELA_CHUNK;

		if (mm_elf_pread(e, v, k * sizeof(*v), r->offset + i * sizeof(*v))) {
			break;
		}
		for (uint64_t j = 0; j < k; j++) {
			uint64_t at = v[j].r_offset - addr;

			if (ELF64_R_TYPE(v[j].r_info) == R_X86_64_RELATIVE &&
			    v[j].r_offset >= addr && !(at & 7) && at / 8 < n) {
				words[at / 8] = (uint64_t)v[j].r_addend;
			}
		}
	}
	free(v);
	return 0;
}

static int apply_relative(const struct mm_elf *e, uint64_t addr, uint64_t *words, uint64_t n)
{
	const struct mm_elf_section *s;
	uint64_t left = RELA_LIMIT;
	size_t ns;
	int err = 0;

	s = mm_elf_sections(e, &ns);
	for (size_t i = 0; i < ns && !err; i++) {
		if (s[i].type == SHT_RELA) {
			err = apply_rela(e, &s[i], addr, words, n, &left);
		}
	}
	return err;
}

/* Fills bi from the one version string header in .data (and the one
 * module-info header, when there is one).  Returns 0, -ENOENT (none, or
 * not unique), -ENOMEM. */
static int read_runtime_strings(const struct mm_elf *e, struct mm_go_buildinfo *bi)
{
	const struct mm_elf_section *d = mm_elf_section_by_name(e, ".data");
	struct string_scan sc = { .nversion = 0 };
	unsigned int tried = 0;
	uint64_t *words;
	char *mi = NULL;
	int err;

	if (!d || d->type != SHT_PROGBITS || d->size < 16 || d->size > DATA_SCAN_LIMIT) {
		return -ENOENT;
	}
	words = malloc(d->size);
	if (!words) {
		return -ENOMEM;
	}
	err = mm_elf_pread(e, words, d->size, d->offset) ? -ENOENT : 0;
	if (!err && mm_elf_is_x86_64(e)) {
		err = apply_relative(e, d->addr, words, d->size / 8);
	}
	/* A string header is pointer-aligned: {ptr, len}. */
	for (uint64_t i = 0; !err && i + 1 < d->size / 8 && tried < MAX_CANDIDATES; i++) {
		uint64_t len = words[i + 1];

		if (len >= 5 && len <= MAX_STRING && words[i] >= 4096) {
			tried++;
			scan_header(e, words[i], len, &sc);
		}
	}
	free(words);
	if (err == -ENOMEM) {
		return err;
	}
	if (err || sc.nversion != 1 || tried >= MAX_CANDIDATES) {
		return -ENOENT;
	}
	bi->ptr_size = 8;
	if (sc.nmodinfo == 1) {
		mi = malloc(sc.modinfo_len);
		if (!mi) {
			return -ENOMEM;
		}
		if (read_vaddr(e, sc.modinfo, mi, sc.modinfo_len)) {
			sc.modinfo_len = 0;
		}
	}
	err = fill(bi, sc.version, strlen(sc.version), mi, mi ? sc.modinfo_len : 0);
	free(mi);
	return err;
}

static int runtime_strings(const struct mm_elf *e, struct mm_go_buildinfo *bi)
{
	int err;

	memset(bi, 0, sizeof(*bi));
	err = read_runtime_strings(e, bi);
	if (err) {
		mm_go_buildinfo_finish(bi);
	}
	return err;
}

int mm_go_buildinfo_read(const struct mm_elf *e, struct mm_go_buildinfo *bi)
{
	uint64_t off, size;
	uint8_t *buf;
	size_t len;
	int err;

	memset(bi, 0, sizeof(*bi));
	err = find_blob(e, &off, &size);
	/* No blob (or one that lost its magic): the runtime's strings. */
	if (err == -ENOENT) {
		return mm_go_image_is_go(e) ? runtime_strings(e, bi) : -ENOENT;
	}
	if (err) {
		return err;
	}
	len = size > MAX_STRING ? MAX_STRING : size;
	buf = malloc(len);
	if (!buf) {
		return -ENOMEM;
	}
	err = mm_elf_pread(e, buf, len, off);
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
	/* A blob whose header is malformed: the runtime's strings. */
	if (err == -ENOEXEC && mm_go_image_is_go(e)) {
		return runtime_strings(e, bi);
	}
	return err;
}

/* The .gopclntab header's magic, per format: Go 1.2, 1.16, 1.18, 1.20+. */
static bool pclntab_magic(const struct mm_elf *e)
{
	const struct mm_elf_section *s = mm_elf_section_by_name(e, ".gopclntab");
	uint8_t h[8];
	uint32_t magic;

	if (!s || s->type == SHT_NOBITS || s->size < 8 || mm_elf_pread(e, h, 8, s->offset)) {
		return false;
	}
	magic = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
	return (magic == 0xfffffffb || magic == 0xfffffffa || magic == 0xfffffff0 ||
		magic == 0xfffffff1) && h[4] == 0 && h[5] == 0 && (h[7] == 4 || h[7] == 8);
}

bool mm_go_image_is_go(const struct mm_elf *e)
{
	return mm_elf_section_by_name(e, ".go.buildinfo") ||
	       mm_elf_section_by_name(e, ".go.module") || pclntab_magic(e);
}

/* A section header of the file by name, any section (.symtab is not
 * allocated, so the image table does not keep it).  Returns 0 or -ENOENT. */
static int raw_section(const struct mm_elf *e, const char *name, Elf64_Shdr *out,
		       Elf64_Shdr *link)
{
	Elf64_Ehdr h;
	Elf64_Shdr strs, sh;
	char buf[32];
	size_t nlen = strlen(name) + 1;

	if (nlen > sizeof(buf) || mm_elf_pread(e, &h, sizeof(h), 0) ||
	    h.e_ident[EI_CLASS] != ELFCLASS64 || h.e_shentsize != sizeof(sh) ||
	    h.e_shstrndx >= h.e_shnum ||
	    mm_elf_pread(e, &strs, sizeof(strs), h.e_shoff + (uint64_t)h.e_shstrndx * sizeof(sh))) {
		return -ENOENT;
	}
	for (unsigned int i = 0; i < h.e_shnum; i++) {
		if (mm_elf_pread(e, &sh, sizeof(sh), h.e_shoff + (uint64_t)i * sizeof(sh)) ||
		    sh.sh_name + nlen > strs.sh_size ||
		    mm_elf_pread(e, buf, nlen, strs.sh_offset + sh.sh_name) ||
		    memcmp(buf, name, nlen)) {
			continue;
		}
		if (sh.sh_link >= h.e_shnum ||
		    mm_elf_pread(e, link, sizeof(*link),
				 h.e_shoff + (uint64_t)sh.sh_link * sizeof(sh))) {
			return -ENOENT;
		}
		*out = sh;
		return 0;
	}
	return -ENOENT;
}

int mm_go_iscgo(const struct mm_elf *e, bool *iscgo)
{
	static const char want[] = "runtime.iscgo";
	Elf64_Shdr sym, str;
	Elf64_Sym *syms;
	uint64_t n;
	int err = -ENOENT;

	if (raw_section(e, ".symtab", &sym, &str)) {
		return -ENOENT;
	}
	n = sym.sh_size / sizeof(*syms);
	if (n == 0 || n > (1u << 22)) {
		return -ENOENT;
	}
	syms = malloc(n * sizeof(*syms));
	if (!syms) {
		return -ENOMEM;
	}
	if (mm_elf_pread(e, syms, n * sizeof(*syms), sym.sh_offset)) {
		goto out;
	}
	for (uint64_t i = 0; i < n && err == -ENOENT; i++) {
		char name[sizeof(want)];
		uint8_t v;

		if (syms[i].st_size != 1 || syms[i].st_name + sizeof(want) > str.sh_size ||
		    mm_elf_pread(e, name, sizeof(want), str.sh_offset + syms[i].st_name) ||
		    memcmp(name, want, sizeof(want))) {
			continue;
		}
		/* An initialised bool: its byte in the file is the value. */
		err = read_vaddr(e, syms[i].st_value, &v, 1);
		if (!err) {
			*iscgo = v != 0;
		}
	}
out:
	free(syms);
	return err;
}

bool mm_go_has_symbols(const struct mm_elf *e)
{
	Elf64_Shdr sym, str;

	return raw_section(e, ".symtab", &sym, &str) == 0;
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

	bool iscgo = false;

	err = mm_go_buildinfo_read(e, &bi);
	if (err == -ENOMEM) {
		return err;
	}
	/* Go without build info (no blob anywhere): still Go, version unknown. */
	if (err && !mm_go_image_is_go(e)) {
		return 0;
	}
	free(snap->runtime.lang);
	free(snap->runtime.version);
	free(snap->runtime.module);
	snap->runtime.lang = strdup("go");
	snap->runtime.version = bi.version;
	snap->runtime.module = bi.module;
	snap->runtime.stripped = !mm_go_has_symbols(e);
	/* runtime.iscgo is true exactly when runtime/cgo is linked in;
	 * without symbols, the build setting and imported C symbols. */
	err = mm_go_iscgo(e, &iscgo);
	if (err == -ENOMEM) {
		return err;
	}
	snap->runtime.cgo = err ? bi.cgo_enabled && imports_symbols(e) : iscgo;
	if (!snap->runtime.lang) {
		return -ENOMEM;
	}
	return 0;
}
