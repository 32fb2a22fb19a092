/* SPDX-License-Identifier: GPL-2.0-or-later */
/* elf_image.c: the ELF files behind mappings.  Each is opened once (cached
 * by device and inode) and read through libelf's ELF_C_READ, which preads
 * only the headers and the section-name table we ask for. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>

#include "images/elf_image.h"
#include "util/io.h"

/* One symbol table as read. */
struct symtab {
	bool read;
	uint32_t type;			/* SHT_SYMTAB or SHT_DYNSYM; 0: none */
	struct mm_elf_symbol *syms;
	size_t nsyms;
	struct mm_elf_symbol **by_addr;	/* defined ones with a value */
	size_t nby_addr;
	bool sorted;			/* by_addr by address (on the first lookup
					 * by address: a sort of every symbol of
					 * every library, which most runs need not) */
	bool hashed;			/* slots built (on the first lookup by name) */
	uint32_t *slots;		/* indices + 1 into syms; 0: empty */
	size_t nslots;
};

struct mm_elf {
	unsigned int dev_major, dev_minor;
	uint64_t inode;
	int err;			/* why it could not be used, or 0 */
	const char *why;
	int fd;
	Elf *elf;
	struct mm_elf_section *sections;
	size_t nsections;
	struct mm_elf_segment *segments;
	size_t nsegments;
	bool has_relro;
	uint64_t relro_vaddr, relro_memsz;
	unsigned int elf_class, machine;	/* from the ELF header */
	/* The dynamic symbols, read on the first lookup; and every symbol
	 * (.symtab when there is one), read on the first listing. */
	struct symtab dyn, all;
	/* The GNU build-id in hex, read on the first request. */
	bool build_id_read;
	char build_id[2 * 64 + 1];
};

struct mm_elf_cache {
	void *root;			/* tsearch tree of struct mm_elf */
	struct mm_elf *last;		/* mappings of one file come in a row */
};

static int compare_key(const void *a, const void *b)
{
	const struct mm_elf *x = a, *y = b;

	if (x->inode != y->inode) {
		return x->inode < y->inode ? -1 : 1;
	}
	if (x->dev_major != y->dev_major) {
		return x->dev_major < y->dev_major ? -1 : 1;
	}
	return x->dev_minor < y->dev_minor ? -1 : x->dev_minor > y->dev_minor;
}

struct mm_elf_cache *mm_elf_cache_create(void)
{
	elf_version(EV_CURRENT);
	return calloc(1, sizeof(struct mm_elf_cache));
}

static void free_symtab(struct symtab *t)
{
	free(t->syms);
	free(t->by_addr);
	free(t->slots);
	*t = (struct symtab){ 0 };
}

static void free_elf(void *p)
{
	struct mm_elf *e = p;

	free(e->sections);
	free(e->segments);
	free_symtab(&e->dyn);
	free_symtab(&e->all);
	if (e->elf) {
		elf_end(e->elf);
	}
	if (e->fd >= 0) {
		close(e->fd);
	}
	free(e);
}

void mm_elf_cache_destroy(struct mm_elf_cache *cache)
{
	if (!cache) {
		return;
	}
	tdestroy(cache->root, free_elf);
	free(cache);
}

static bool same_file(const struct stat *st, const struct mm_mapping *m)
{
	return st->st_ino == m->inode && major(st->st_dev) == m->dev_major &&
	       minor(st->st_dev) == m->dev_minor;
}

/* map_files/ names the very file mapped, deleted or in another mount
 * namespace; it needs privilege.  Else the path inside the target's root,
 * trusted only when device and inode match what was mapped. */
static int open_mapped(struct mm_target *t, const struct mm_mapping *m)
{
	char rel[64];
	struct stat st;
	char *path;
	int fd;

	if (m->remote) {
		return -EREMOTE;	/* its server may never answer */
	}
	snprintf(rel, sizeof(rel), "map_files/%" PRIx64 "-%" PRIx64, m->start, m->end);
	fd = mm_target_open(t, rel, O_RDONLY);
	if (fd >= 0) {
		return fd;
	}
	if (!m->path || m->path[0] != '/') {
		return -ENOENT;
	}
	if (t->captured) {
		path = strdup(m->path);
	} else if (asprintf(&path, "%s/root%s", t->dir, m->path) < 0) {
		path = NULL;
	}
	if (!path) {
		return -ENOMEM;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	free(path);
	if (fd < 0) {
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !same_file(&st, m)) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

static int compare_sections(const void *a, const void *b)
{
	const struct mm_elf_section *x = a, *y = b;

	if (x->addr != y->addr) {
		return x->addr < y->addr ? -1 : 1;
	}
	return x->size < y->size ? -1 : x->size > y->size;
}

/* Reads the program headers: the PT_LOADs and PT_GNU_RELRO. */
static int load_segments(struct mm_elf *e)
{
	size_t n;

	if (elf_getphdrnum(e->elf, &n) < 0) {
		return -EBADMSG;
	}
	e->segments = calloc(n ? n : 1, sizeof(*e->segments));
	if (!e->segments) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e->elf, (int)i, &ph)) {
			return -EBADMSG;
		}
		if (ph.p_type == PT_GNU_RELRO) {
			e->has_relro = true;
			e->relro_vaddr = ph.p_vaddr;
			e->relro_memsz = ph.p_memsz;
		} else if (ph.p_type == PT_LOAD) {
			e->segments[e->nsegments++] = (struct mm_elf_segment){
				.vaddr = ph.p_vaddr, .memsz = ph.p_memsz,
				.offset = ph.p_offset, .filesz = ph.p_filesz,
				.align = ph.p_align, .flags = ph.p_flags,
			};
		}
	}
	return 0;
}

static bool in_some_segment(const struct mm_elf *e, uint64_t addr, uint64_t size)
{
	for (size_t i = 0; i < e->nsegments; i++) {
		const struct mm_elf_segment *s = &e->segments[i];

		if (addr >= s->vaddr && addr + size <= s->vaddr + s->memsz) {
			return true;
		}
	}
	return false;
}

/* Reads the allocated sections, sorted by address.  .tbss takes no space
 * of its own in the image, so it is left out.  Headers that cannot be
 * true (past the end of the file, unreadable, an allocated section outside
 * every PT_LOAD) make the file corrupt: *why says how.  No section headers
 * at all is legal (sstrip): the labeller then goes by segment. */
static int load_sections(struct mm_elf *e)
{
	size_t n, strndx, seen = 0;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	struct stat st;

	if (!gelf_getehdr(e->elf, &eh) || fstat(e->fd, &st) < 0 ||
	    elf_getshdrnum(e->elf, &n) < 0) {
		return -EBADMSG;
	}
	e->elf_class = eh.e_ident[EI_CLASS];
	e->machine = eh.e_machine;
	if (n == 0) {
		/* libelf says "none" when the table is out of bounds too. */
		if (eh.e_shoff || eh.e_shnum) {
			e->why = "section headers lie past the end of the file";
			return -EBADMSG;
		}
		return 0;
	}
	if (eh.e_shoff >= (uint64_t)st.st_size || eh.e_shentsize == 0 ||
	    n > ((uint64_t)st.st_size - eh.e_shoff) / eh.e_shentsize) {
		e->why = "section headers lie past the end of the file";
		return -EBADMSG;
	}
	if (elf_getshdrstrndx(e->elf, &strndx) < 0 || strndx >= n) {
		e->why = "no section name table";
		return -EBADMSG;
	}
	/* Section 0 is all zeros in every ELF file (SHT_NULL). */
	GElf_Shdr null;

	if (!gelf_getshdr(elf_getscn(e->elf, 0), &null) || null.sh_type != SHT_NULL) {
		e->why = "section header 0 is not null";
		return -EBADMSG;
	}
	e->sections = calloc(n, sizeof(*e->sections));
	if (!e->sections) {
		return -ENOMEM;
	}
	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		seen++;
		if (!gelf_getshdr(scn, &sh)) {
			return -EBADMSG;
		}
		if (!(sh.sh_flags & SHF_ALLOC) || sh.sh_size == 0 ||
		    ((sh.sh_flags & SHF_TLS) && sh.sh_type == SHT_NOBITS)) {
			continue;
		}
		name = elf_strptr(e->elf, strndx, sh.sh_name);
		if (!name || sh.sh_addr + sh.sh_size < sh.sh_addr ||
		    !in_some_segment(e, sh.sh_addr, sh.sh_size)) {
			e->why = name ? "an allocated section lies outside every loadable segment"
				      : "unreadable section names";
			return -EBADMSG;
		}
		e->sections[e->nsections++] = (struct mm_elf_section){
			.name = name,
			.addr = sh.sh_addr, .size = sh.sh_size,
			.offset = sh.sh_offset, .flags = sh.sh_flags,
			.type = sh.sh_type,
		};
	}
	if (seen + 1 < n) {
		e->why = "section headers end early";
		return -EBADMSG;
	}
	if (e->nsections == 0 && e->nsegments > 0) {
		e->why = "no section is loaded, yet the file has loadable segments";
		return -EBADMSG;
	}
	qsort(e->sections, e->nsections, sizeof(*e->sections), compare_sections);
	return 0;
}

static void open_elf(struct mm_elf *e, struct mm_target *t, const struct mm_mapping *m)
{
	int rc;

	e->fd = open_mapped(t, m);
	if (e->fd < 0) {
		e->err = e->fd;
		return;
	}
	e->elf = elf_begin(e->fd, ELF_C_READ, NULL);
	if (!e->elf || elf_kind(e->elf) != ELF_K_ELF) {
		e->err = -ENOEXEC;	/* not ELF: a data file, quietly `file` */
		return;
	}
	rc = load_segments(e);
	if (!rc) {
		rc = load_sections(e);
	}
	if (rc) {
		e->err = rc;
		if (!e->why) {
			e->why = elf_errno() ? elf_errmsg(-1) : "malformed headers";
		}
	}
}

struct mm_elf *mm_elf_cache_get(struct mm_elf_cache *cache,
				struct mm_target *t, const struct mm_mapping *m,
				int *err, const char **why)
{
	struct mm_elf key = {
		.dev_major = m->dev_major, .dev_minor = m->dev_minor,
		.inode = m->inode,
	};
	struct mm_elf *e = cache->last;

	if (!e || compare_key(e, &key) != 0) {
		struct mm_elf **slot = tfind(&key, &cache->root, compare_key);

		if (slot) {
			e = *slot;
		} else {
			e = calloc(1, sizeof(*e));
			if (!e) {
				*err = -ENOMEM;
				return NULL;
			}
			*e = key;
			e->fd = -1;
			open_elf(e, t, m);
			if (!tsearch(e, &cache->root, compare_key)) {
				free_elf(e);
				*err = -ENOMEM;
				return NULL;
			}
		}
		cache->last = e;
	}
	*err = e->err;
	*why = e->why;
	return e->err ? NULL : e;
}

const struct mm_elf_section *mm_elf_sections(const struct mm_elf *e, size_t *n)
{
	*n = e->nsections;
	return e->sections;
}

const struct mm_elf_segment *mm_elf_segments(const struct mm_elf *e, size_t *n)
{
	*n = e->nsegments;
	return e->segments;
}

bool mm_elf_relro(const struct mm_elf *e, uint64_t *vaddr, uint64_t *memsz)
{
	*vaddr = e->relro_vaddr;
	*memsz = e->relro_memsz;
	return e->has_relro;
}

const struct mm_elf_section *mm_elf_section_by_name(const struct mm_elf *e,
						    const char *name)
{
	for (size_t i = 0; i < e->nsections; i++) {
		if (strcmp(e->sections[i].name, name) == 0) {
			return &e->sections[i];
		}
	}
	return NULL;
}

int mm_elf_fd(const struct mm_elf *e)
{
	return e->fd;
}

int mm_elf_pread(const struct mm_elf *e, void *buf, size_t len, uint64_t off)
{
	return mm_pread_full(e->fd, buf, len, off);
}

bool mm_elf_is_x86_64(const struct mm_elf *e)
{
	return e->elf_class == ELFCLASS64 && e->machine == EM_X86_64;
}

/* Symbol tables larger than this are not a program's (a hostile file); Go
 * programs with big dependency trees reach a few MiB.  What is allocated
 * stays about twice the table's size. */
#define SYMTAB_MAX	(64u << 20)

static int compare_sym_addr(const void *a, const void *b)
{
	const struct mm_elf_symbol *x = *(const struct mm_elf_symbol *const *)a;
	const struct mm_elf_symbol *y = *(const struct mm_elf_symbol *const *)b;

	if (x->value != y->value) {
		return x->value < y->value ? -1 : 1;
	}
	return x < y ? -1 : x > y;
}

/* The first section of type type, or NULL. */
static Elf_Scn *section_of_type(Elf *elf, uint32_t type, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		if (gelf_getshdr(scn, sh) && sh->sh_type == type) {
			return scn;
		}
	}
	return NULL;
}

/* Reads the symbol table of the first type in prefer that the file has, and
 * its string table, through libelf: only those two sections are read from
 * the file.  No table is no symbols. */
static int read_symbols(struct mm_elf *e, struct symtab *t, const uint32_t prefer[2])
{
	Elf_Scn *scn;
	GElf_Shdr sh;
	Elf_Data *data;
	size_t n;

	t->read = true;
	if (!(scn = section_of_type(e->elf, prefer[0], &sh))) {
		scn = section_of_type(e->elf, prefer[1], &sh);
	}
	/* An entry size other than the class's would make the count, and
	 * what it allocates, anything the file says. */
	if (!scn || sh.sh_size > SYMTAB_MAX ||
	    sh.sh_entsize != gelf_fsize(e->elf, ELF_T_SYM, 1, EV_CURRENT) ||
	    !(data = elf_getdata(scn, NULL))) {
		return 0;
	}
	t->type = sh.sh_type;
	n = data->d_size / sh.sh_entsize;
	t->syms = calloc(n ? n : 1, sizeof(*t->syms));
	t->by_addr = calloc(n ? n : 1, sizeof(*t->by_addr));
	if (!t->syms || !t->by_addr) {
		free_symtab(t);
		t->read = true;
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(data, (int)i, &sym) ||
		    !(name = elf_strptr(e->elf, sh.sh_link, sym.st_name))) {
			continue;
		}
		t->syms[t->nsyms] = (struct mm_elf_symbol){
			.name = name, .value = sym.st_value, .size = sym.st_size,
			.type = GELF_ST_TYPE(sym.st_info),
			.defined = sym.st_shndx != SHN_UNDEF,
		};
		if (t->syms[t->nsyms].defined && sym.st_value) {
			t->by_addr[t->nby_addr++] = &t->syms[t->nsyms];
		}
		t->nsyms++;
	}
	return 0;
}

static void sort_by_addr(struct symtab *t)
{
	if (!t->sorted) {
		qsort(t->by_addr, t->nby_addr, sizeof(*t->by_addr), compare_sym_addr);
		t->sorted = true;
	}
}

/* The dynamic symbols (a static executable, without .dynsym: .symtab). */
static int need_symbols(struct mm_elf *e)
{
	static const uint32_t dyn_first[2] = { SHT_DYNSYM, SHT_SYMTAB };

	return e->dyn.read ? 0 : read_symbols(e, &e->dyn, dyn_first);
}

/* Every symbol: .symtab, a superset of .dynsym, when not stripped. */
static int need_all_symbols(struct mm_elf *e)
{
	static const uint32_t symtab_first[2] = { SHT_SYMTAB, SHT_DYNSYM };

	return e->all.read ? 0 : read_symbols(e, &e->all, symtab_first);
}

/* Name lookups in .symtab: the Go runtime's globals are there, not in
 * .dynsym, and a big Go program has ~10^5 names looked up a few dozen
 * times, so a hash table (FNV-1a, open addressing) over the table that
 * mm_elf_symbols lists, built on the first lookup. */
static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*s) {
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
	}
	return h;
}

static int hash_symbols(struct symtab *t)
{
	size_t nslots = 16;

	t->hashed = true;
	while (nslots < 2 * t->nsyms) {
		nslots *= 2;
	}
	if (!(t->slots = calloc(nslots, sizeof(*t->slots)))) {
		return -ENOMEM;
	}
	t->nslots = nslots;
	for (size_t k = 0; k < t->nsyms; k++) {
		size_t i;

		if (!t->syms[k].defined || !*t->syms[k].name) {
			continue;
		}
		i = name_hash(t->syms[k].name) & (nslots - 1);
		while (t->slots[i]) {
			i = (i + 1) & (nslots - 1);
		}
		t->slots[i] = (uint32_t)k + 1;
	}
	return 0;
}

static int need_static_symbols(struct mm_elf *e)
{
	int rc = need_all_symbols(e);

	if (rc || e->all.hashed) {
		return rc;
	}
	if (e->all.type != SHT_SYMTAB) {
		e->all.hashed = true;
		return 0;			/* stripped: .dynsym only */
	}
	return hash_symbols(&e->all);
}

/* .dynsym hashed as well: a sweep asks every library of every process
 * for the same few names (mallctl, V8's), a scan of 3,000 names each. */
int mm_elf_symbol_by_name(struct mm_elf *e, const char *name, int type,
			  struct mm_elf_symbol *out)
{
	const struct symtab *t = &e->dyn;
	const struct mm_elf_symbol *found = NULL;
	int rc = need_symbols(e);
	size_t mask;

	if (!rc && !t->hashed) {
		rc = hash_symbols(&e->dyn);
	}
	if (rc || !t->nslots) {
		return rc ? rc : -ENOENT;
	}
	mask = t->nslots - 1;
	/* The last definition wins, as ld.so's lookup of a versioned name
	 * would not tell; tables hold each name once in practice.  Every
	 * entry of a name lies on its probe run, in table order. */
	for (size_t i = name_hash(name) & mask; t->slots[i]; i = (i + 1) & mask) {
		const struct mm_elf_symbol *s = &t->syms[t->slots[i] - 1];

		if ((type < 0 || s->type == (unsigned int)type) && strcmp(s->name, name) == 0 &&
		    (!found || s > found)) {
			found = s;
		}
	}
	if (!found) {
		return -ENOENT;
	}
	*out = *found;
	return 0;
}

int mm_elf_static_symbol(struct mm_elf *e, const char *name, struct mm_elf_symbol *out)
{
	const struct symtab *t = &e->all;
	int rc = need_static_symbols(e);
	size_t mask, i;

	if (rc) {
		return rc;
	}
	if (!t->nslots) {
		return -ENOENT;
	}
	mask = t->nslots - 1;
	/* The first definition: Go and C linkers write each global once. */
	for (i = name_hash(name) & mask; t->slots[i]; i = (i + 1) & mask) {
		const struct mm_elf_symbol *s = &t->syms[t->slots[i] - 1];

		if (!strcmp(s->name, name)) {
			*out = *s;
			return 0;
		}
	}
	return -ENOENT;
}

bool mm_elf_has_static_symbols(struct mm_elf *e)
{
	return !need_static_symbols(e) && e->all.nslots;
}

static int symbol_at(struct symtab *t, uint64_t vaddr, struct mm_elf_symbol *out)
{
	size_t lo = 0, hi = t->nby_addr;

	sort_by_addr(t);
	while (lo < hi) {		/* the first symbol above vaddr */
		size_t mid = lo + (hi - lo) / 2;

		if (t->by_addr[mid]->value <= vaddr) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	while (lo-- > 0) {
		const struct mm_elf_symbol *s = t->by_addr[lo];

		if (vaddr < s->value + (s->size ? s->size : 1)) {
			*out = *s;
			return 0;
		}
		if (s->size) {
			break;
		}
	}
	return -ENOENT;
}

int mm_elf_symbol_at(struct mm_elf *e, uint64_t vaddr, struct mm_elf_symbol *out)
{
	int rc = need_symbols(e);

	return rc ? rc : symbol_at(&e->dyn, vaddr, out);
}

/* Symbol types that name code or data at an address: not files, sections
 * or TLS offsets. */
bool mm_elf_symbol_names_memory(const struct mm_elf_symbol *s)
{
	return s->type == STT_OBJECT || s->type == STT_FUNC || s->type == STT_NOTYPE ||
	       s->type == STT_GNU_IFUNC;
}

int mm_elf_symbol_at_any(struct mm_elf *e, uint64_t vaddr, struct mm_elf_symbol *out)
{
	int rc = need_all_symbols(e);
	struct mm_elf_symbol s;

	if (rc) {
		return rc;
	}
	rc = symbol_at(&e->all, vaddr, &s);
	if (rc || !mm_elf_symbol_names_memory(&s)) {
		return rc ? rc : -ENOENT;
	}
	*out = s;
	return 0;
}

int mm_elf_symbols_unsorted(struct mm_elf *e, const struct mm_elf_symbol *const **out,
			    size_t *n)
{
	int rc = need_all_symbols(e);

	*out = rc ? NULL : (const struct mm_elf_symbol *const *)e->all.by_addr;
	*n = rc ? 0 : e->all.nby_addr;
	return rc;
}

int mm_elf_symbols(struct mm_elf *e, const struct mm_elf_symbol *const **out, size_t *n)
{
	int rc = need_all_symbols(e);

	if (!rc) {
		sort_by_addr(&e->all);
	}
	*out = rc ? NULL : (const struct mm_elf_symbol *const *)e->all.by_addr;
	*n = rc ? 0 : e->all.nby_addr;
	return rc;
}

/* Note sections a real file has: property, build-id, ABI tag, package,
 * stapsdt ... */
#define NOTES_MAX	32

const char *mm_elf_build_id(struct mm_elf *e)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	if (e->build_id_read) {
		return e->build_id[0] ? e->build_id : NULL;
	}
	e->build_id_read = true;
	/* libelf keeps what it read of each section until the file is
	 * closed: a few notes, not one a section of a hostile file. */
	for (int notes = 0; notes < NOTES_MAX && (scn = elf_nextscn(e->elf, scn));) {
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE) {
			continue;
		}
		notes++;
		if (sh.sh_size > 4096 || !(data = elf_getdata(scn, NULL))) {
			continue;
		}
		while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			const unsigned char *d = (const unsigned char *)data->d_buf + desc_off;

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)data->d_buf + name_off, "GNU", 4) != 0 ||
			    nh.n_descsz == 0 || nh.n_descsz > 64) {
				continue;
			}
			for (size_t i = 0; i < nh.n_descsz; i++) {
				snprintf(e->build_id + 2 * i, 3, "%02x", d[i]);
			}
			return e->build_id;
		}
	}
	return NULL;
}

bool mm_elf_has_section(const struct mm_elf *e, const char *name)
{
	Elf_Scn *scn = NULL;
	size_t strndx;

	if (elf_getshdrstrndx(e->elf, &strndx) < 0) {
		return false;
	}
	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh;
		const char *n;

		if (gelf_getshdr(scn, &sh) && (n = elf_strptr(e->elf, strndx, sh.sh_name)) &&
		    strcmp(n, name) == 0) {
			return true;
		}
	}
	return false;
}

int mm_elf_read_vaddr(const struct mm_elf *e, uint64_t vaddr, void *buf, size_t len)
{
	for (size_t i = 0; i < e->nsegments; i++) {
		const struct mm_elf_segment *s = &e->segments[i];

		if (vaddr >= s->vaddr && vaddr + len <= s->vaddr + s->filesz) {
			return mm_pread_full(e->fd, buf, len, vaddr - s->vaddr + s->offset);
		}
	}
	return -ENOENT;
}
