/* SPDX-License-Identifier: GPL-2.0-or-later */
/* go_dwarf.c: where the Go runtime's globals and their members are.
 * Addresses come from .symtab through the image table; offsets and sizes
 * from the generated per-version table (go_offsets.c) when the binary's
 * version has rows, else from DWARF through libdw (the only file that
 * includes it), opened only then: inflating a big program's compressed
 * debug sections costs more than everything else memmap does.  In DWARF,
 * top-level variables and named types are indexed once by name; member
 * paths are resolved on demand. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtimes/go/go_buildinfo.h"
#include "runtimes/go/go_dwarf.h"
#include "runtimes/go/go_locate.h"
#include "runtimes/go/go_offsets.h"
#include "util/grow.h"
#include "util/io.h"

struct entry {
	const char *name;		/* owned by libdw */
	Dwarf_Off off;
	bool is_var;
};

#define NPADS	6			/* one a needed debug section */

struct mm_go_dwarf {
	struct mm_elf *e;	/* symbols from its .symtab; NULL: from libelf */
	char version[16];	/* the table's rows ("go1.23"), or "" */
	bool nearest;		/* version is the table's nearest, not the binary's */
	bool dwarf_tried;	/* DWARF opened (dw set) or found missing */
	struct mm_go_locator *loc; /* no .symtab: globals by code pattern */
	Dwarf *dw;
	Elf *elf;
	int fd;
	struct entry *entries;
	size_t nentries;
	char *pads[NPADS];		/* the sections libdw reads, NUL-ended */
	size_t npads;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->is_var != y->is_var) {
		return x->is_var ? -1 : 1;
	}
	return strcmp(x->name, y->name);
}

static bool indexed_tag(int tag)
{
	switch (tag) {
	case DW_TAG_variable:
	case DW_TAG_structure_type:
	case DW_TAG_typedef:
	case DW_TAG_base_type:
	case DW_TAG_array_type:
	case DW_TAG_pointer_type:
		return true;
	default:
		return false;
	}
}

static int add_entry(struct mm_go_dwarf *d, size_t *alloc, const char *name,
		     Dwarf_Off off, bool is_var)
{
	if (mm_grow(&d->entries, alloc, d->nentries + 1, sizeof(*d->entries))) {
		return -ENOMEM;
	}
	d->entries[d->nentries++] = (struct entry){ name, off, is_var };
	return 0;
}

/* Only the runtime's globals and types are ever looked up: "runtime.x",
 * "[]runtime.x", "*runtime.x".  Indexing nothing else keeps the sort small
 * in binaries with tens of thousands of types. */
static bool is_runtime_name(const char *name)
{
	name += strspn(name, "[]*");
	return !strncmp(name, "runtime.", 8);
}

static bool cu_is_runtime(Dwarf_Die *cu)
{
	const char *name = dwarf_diename(cu);

	return name && !strcmp(name, "runtime");
}

/* Indexes the top-level DIEs of every CU, or of the CUs named "runtime"
 * only: Go's linker puts the runtime's variables and all type DIEs there,
 * and skipping the rest (in a big program most of .debug_info) saves
 * walking every function's DIEs. */
static int build_index(struct mm_go_dwarf *d, bool runtime_only)
{
	Dwarf_Off off = 0, next;
	size_t hsize, alloc = 0;

	d->nentries = 0;
	while (dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, child;

		if (dwarf_offdie(d->dw, off + hsize, &cu) &&
		    (!runtime_only || cu_is_runtime(&cu)) &&
		    dwarf_child(&cu, &child) == 0) {
			do {
				int tag = dwarf_tag(&child);
				const char *name;

				if (!indexed_tag(tag)) {
					continue;
				}
				name = dwarf_diename(&child);
				if (name && is_runtime_name(name) &&
				    add_entry(d, &alloc, name, dwarf_dieoffset(&child),
					      tag == DW_TAG_variable)) {
					return -ENOMEM;
				}
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		off = next;
	}
	if (d->nentries == 0) {
		return -ENODATA;
	}
	qsort(d->entries, d->nentries, sizeof(*d->entries), cmp_entry);
	return 0;
}

static const struct entry *lookup(const struct mm_go_dwarf *d, const char *name,
				  bool is_var);

/* The runtime CUs first; everything when they lack what is looked up. */
static int index_runtime(struct mm_go_dwarf *d)
{
	int err = build_index(d, true);

	if (err == -ENOMEM) {
		return err;
	}
	if (err || !lookup(d, "runtime.mheap_", true) || !lookup(d, "runtime.heapArena", false)) {
		err = build_index(d, false);
	}
	return err;
}

/* Debug sections libdw needs to read DIEs and their names, by slot.  A
 * name twice takes one slot, as in libdw.  GNU's .zdebug_* (Go before
 * 1.17, unsupported) is dropped: libdw would inflate it again whenever
 * its bytes begin with "ZLIB". */
static const char *const needed[] = {
	"info", "abbrev", "str", "line_str", "str_offsets", "addr",
};
#define NNEEDED	(sizeof(needed) / sizeof(needed[0]))
_Static_assert(NNEEDED == NPADS, "one pad a needed section");
#define NOT_DEBUG	(-1)
#define UNNEEDED	(-2)

static int debug_slot(const char *name)
{
	if (!strncmp(name, ".zdebug_", 8)) {
		return UNNEEDED;
	}
	if (strncmp(name, ".debug_", 7)) {
		return NOT_DEBUG;
	}
	for (size_t i = 0; i < NNEEDED; i++) {
		if (!strcmp(name + 7, needed[i])) {
			return (int)i;
		}
	}
	return UNNEEDED;
}

/* What memmap lets one file cost: the bytes read, inflated and copied
 * for every section libdw keeps.  Go compresses DWARF 2-6 times; a zlib
 * bomb a thousand times (a 320 KB file claimed 312 MB). */
#define INFLATE_RATIO	32
#define BUDGET_FLOOR	(1ull << 20)
#define BUDGET_MAX	(1ull << 30)

/* The inflated size the ELF compression header of a compressed section
 * claims, read with one pread; its size when it is not compressed;
 * UINT64_MAX when the header cannot be read. */
static uint64_t inflated_size(int fd, const GElf_Shdr *sh, bool elf64)
{
	if (!(sh->sh_flags & SHF_COMPRESSED)) {
		return sh->sh_size;
	}
	if (elf64) {
		Elf64_Chdr c;

		return sh->sh_size < sizeof(c) ||
		       mm_pread_full(fd, &c, sizeof(c), sh->sh_offset) ? UINT64_MAX : c.ch_size;
	}
	Elf32_Chdr c;

	return sh->sh_size < sizeof(c) ||
	       mm_pread_full(fd, &c, sizeof(c), sh->sh_offset) ? UINT64_MAX : c.ch_size;
}

enum keep { DROP, ON_DEMAND, COUNTED };

/* Whether libdw may have this section: one of each needed debug name and
 * one symbol table, counted against the budget; any other section that is
 * not debug information is read only when asked for (never by libdw). */
static enum keep keep_section(const GElf_Shdr *sh, const char *name, bool seen[NNEEDED + 1])
{
	int slot = name ? debug_slot(name) : UNNEEDED;

	if (slot == UNNEEDED) {
		return DROP;
	}
	if (slot == NOT_DEBUG) {
		if (sh->sh_type != SHT_SYMTAB) {
			return ON_DEMAND;
		}
		slot = NNEEDED;
	}
	if (seen[slot]) {
		return DROP;
	}
	seen[slot] = true;
	return COUNTED;
}

/* libdw takes a DW_FORM_string or .debug_str string as it finds it: one
 * the file leaves unterminated at the end of its section would be read
 * past the buffer libelf read it into.  libdw gets a copy of the section
 * (inflated here, so libdw inflates nothing) with a NUL after its end. */
static int pad_section(struct mm_go_dwarf *d, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *data;
	char *copy;

	if ((sh->sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0) {
		return -EBADMSG;
	}
	data = elf_getdata(scn, NULL);
	if (!data || !data->d_buf || data->d_size == 0) {
		return -EBADMSG;
	}
	copy = malloc(data->d_size + 1);
	if (!copy) {
		return -ENOMEM;
	}
	memcpy(copy, data->d_buf, data->d_size);
	copy[data->d_size] = '\0';
	data->d_buf = copy;
	d->pads[d->npads++] = copy;
	return 0;
}

/* Drops a section from what libdw sees (libelf's copy of the headers). */
static void drop_section(Elf_Scn *scn, GElf_Shdr *sh)
{
	sh->sh_type = SHT_NOBITS;
	gelf_update_shdr(scn, sh);
}

/* libdw inflates every compressed debug section when it opens a file: in
 * a big Go binary that is ~100 MB, mostly .debug_loc and .debug_line,
 * which are never read here.  Those sections are marked SHT_NOBITS in
 * libelf's copy of the headers, which libdw skips.  The file is read with
 * pread (ELF_C_READ), never mapped: the target can truncate it under us,
 * and a mapped read past the new end is SIGBUS.  What the kept sections
 * cost (read, inflated, copied) must fit the budget, else -EFBIG. */
static int open_elf(struct mm_go_dwarf *d)
{
	bool seen[NNEEDED + 1] = { false };
	uint64_t budget, used = 0;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	struct stat st;
	bool elf64;
	int err;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		return -ENOTSUP;
	}
	if (fstat(d->fd, &st) < 0) {
		return -errno;
	}
	budget = BUDGET_FLOOR + INFLATE_RATIO * (uint64_t)st.st_size;
	if (budget > BUDGET_MAX) {
		budget = BUDGET_MAX;
	}
	d->elf = elf_begin(d->fd, ELF_C_READ, NULL);
	if (!d->elf || elf_kind(d->elf) != ELF_K_ELF || elf_getshdrstrndx(d->elf, &shstrndx)) {
		return -ENODATA;
	}
	elf64 = gelf_getclass(d->elf) == ELFCLASS64;
	while ((scn = elf_nextscn(d->elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		enum keep keep;
		uint64_t size, raw;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS) {
			continue;
		}
		name = elf_strptr(d->elf, shstrndx, sh.sh_name);
		keep = keep_section(&sh, name, seen);
		if (keep == ON_DEMAND) {
			continue;
		}
		size = keep == COUNTED ? inflated_size(d->fd, &sh, elf64) : UINT64_MAX;
		if (size == UINT64_MAX) {
			drop_section(scn, &sh);
			continue;
		}
		/* Read, inflated (while the read bytes are held), copied. */
		raw = (sh.sh_flags & SHF_COMPRESSED) ? sh.sh_size : 0;
		if (size > (budget - used) / 2 || raw > budget - used - 2 * size) {
			return -EFBIG;
		}
		used += 2 * size + raw;
		if (sh.sh_type == SHT_SYMTAB) {
			continue;
		}
		err = pad_section(d, scn, &sh);
		if (err == -ENOMEM) {
			return err;
		}
		if (err) {
			drop_section(scn, &sh);
		}
	}
	return 0;
}

/* Opens d's DWARF from fd (dup'ed).  Returns 0, -ENODATA (none), -ENOMEM,
 * -errno. */
static int open_dwarf(struct mm_go_dwarf *d, int fd)
{
	int err;

	d->dwarf_tried = true;
	d->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (d->fd < 0) {
		return -errno;
	}
	err = open_elf(d);
	if (!err) {
		d->dw = dwarf_begin_elf(d->elf, DWARF_C_READ, NULL);
		err = d->dw ? index_runtime(d) : -ENODATA;
	}
	if (err && d->dw) {
		dwarf_end(d->dw);
		d->dw = NULL;
	}
	return err;
}

/* DWARF for a look-up the table cannot answer: opened on first need. */
static bool have_dwarf(struct mm_go_dwarf *d)
{
	if (!d->dwarf_tried && d->e) {
		open_dwarf(d, mm_elf_fd(d->e));
	}
	return d->dw != NULL;
}

int mm_go_dwarf_open_fd(int fd, struct mm_go_dwarf **out)
{
	struct mm_go_dwarf *d;
	int err;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d) {
		return -ENOMEM;
	}
	d->fd = -1;
	err = open_dwarf(d, fd);
	if (err) {
		mm_go_dwarf_close(d);
		return err;
	}
	*out = d;
	return 0;
}

/* The table's name for a version: "go1.23.5" → "go1.23". */
static bool table_version(const char *version, char *buf, size_t len)
{
	unsigned int minor;

	return version && sscanf(version, "go1.%u", &minor) == 1 &&
	       (size_t)snprintf(buf, len, "go1.%u", minor) < len;
}

/* A stripped binary's globals through go_locate.c. */
static int open_locator(struct mm_go_dwarf *d)
{
	const struct mm_go_offset *text = mm_go_offset_find(d->version, "runtime.moduledata",
							    "text");
	int err = mm_go_locator_open(d->e, text && !text->absent ? text->offset : ~0ull,
				     &d->loc);

	return err == -ENOMEM ? err : err ? -ENODATA : 0;
}

int mm_go_dwarf_open_version(struct mm_elf *e, const char *version,
			     struct mm_go_dwarf **out)
{
	struct mm_go_dwarf *d;
	const char *near;
	int err = 0;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d) {
		return -ENOMEM;
	}
	d->e = e;
	d->fd = -1;
	if (table_version(version, d->version, sizeof(d->version)) &&
	    !mm_go_offset_has_version(d->version)) {
		/* No row: DWARF, or else the nearest older version's rows. */
		near = mm_go_offset_nearest(d->version);
		if (!have_dwarf(d) && near) {
			snprintf(d->version, sizeof(d->version), "%s", near);
			d->nearest = true;
		} else {
			d->version[0] = '\0';
		}
	}
	if (!d->version[0] && !have_dwarf(d)) {
		err = -ENODATA;
	} else if (!mm_elf_has_static_symbols(e)) {
		/* Stripped: the globals from the code, the layouts from the
		 * table alone. */
		err = d->version[0] ? open_locator(d) : -ENODATA;
	}
	if (err) {
		mm_go_dwarf_close(d);
		return err;
	}
	*out = d;
	return 0;
}

int mm_go_dwarf_open(struct mm_elf *e, struct mm_go_dwarf **out)
{
	struct mm_go_buildinfo bi = { 0 };
	int err = mm_go_buildinfo_read(e, &bi);

	if (err == -ENOMEM) {
		return err;
	}
	err = mm_go_dwarf_open_version(e, err ? NULL : bi.version, out);
	mm_go_buildinfo_finish(&bi);
	return err;
}

const char *mm_go_dwarf_layout(const struct mm_go_dwarf *d, bool *nearest)
{
	*nearest = d->nearest;
	return d->version[0] ? d->version : NULL;
}

bool mm_go_dwarf_located(const struct mm_go_dwarf *d)
{
	return d->loc != NULL;
}

bool mm_go_dwarf_read_dwarf(const struct mm_go_dwarf *d)
{
	return d->dw != NULL;
}

void mm_go_dwarf_close(struct mm_go_dwarf *d)
{
	if (!d) {
		return;
	}
	if (d->dw) {
		dwarf_end(d->dw);
	}
	if (d->elf) {
		elf_end(d->elf);
	}
	if (d->fd >= 0) {
		close(d->fd);
	}
	for (size_t i = 0; i < d->npads; i++) {
		free(d->pads[i]);
	}
	free(d->entries);
	mm_go_locator_close(d->loc);
	free(d);
}

/* The table's row for root and path: 1 found (*out filled, or -ENOENT in
 * *err when the version lacks it), 0 when the table cannot say. */
static int from_table(const struct mm_go_dwarf *d, const char *root, const char *path,
		      struct mm_go_type *out, int *err)
{
	const struct mm_go_offset *r;

	if (!d->version[0] || !(r = mm_go_offset_find(d->version, root, path ? path : ""))) {
		return 0;
	}
	*err = r->absent ? -ENOENT : 0;
	*out = (struct mm_go_type){
		.addr = r->offset, .size = r->size, .count = r->count,
		.elem_size = r->elem, .elem_target_size = r->target,
	};
	return 1;
}

static const struct entry *lookup(const struct mm_go_dwarf *d, const char *name,
				  bool is_var)
{
	struct entry key = { name, 0, is_var };

	return bsearch(&key, d->entries, d->nentries, sizeof(key), cmp_entry);
}

static bool type_of(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, type);
}

static uint64_t size_of(Dwarf_Die *type)
{
	Dwarf_Die t;
	Dwarf_Word sz;

	if (dwarf_peel_type(type, &t) != 0) {
		return 0;
	}
	if (dwarf_aggregate_size(&t, &sz) == 0) {
		return sz;
	}
	if (dwarf_tag(&t) == DW_TAG_pointer_type) {
		return 8;
	}
	return 0;
}

/* A member of struct type by name; its offset and type. */
static int member(Dwarf_Die *type, const char *name, size_t nlen,
		  uint64_t *off, Dwarf_Die *mtype)
{
	Dwarf_Die t, c;

	if (dwarf_peel_type(type, &t) != 0 || dwarf_tag(&t) != DW_TAG_structure_type) {
		return -EINVAL;
	}
	if (dwarf_child(&t, &c) != 0) {
		return -ENOENT;
	}
	do {
		const char *n;
		Dwarf_Attribute a;
		Dwarf_Word w = 0;

		if (dwarf_tag(&c) != DW_TAG_member) {
			continue;
		}
		n = dwarf_diename(&c);
		if (!n || strlen(n) != nlen || memcmp(n, name, nlen)) {
			continue;
		}
		if (dwarf_attr(&c, DW_AT_data_member_location, &a) &&
		    dwarf_formudata(&a, &w) != 0) {
			return -EINVAL;
		}
		if (!type_of(&c, mtype)) {
			return -EINVAL;
		}
		*off = w;
		return 0;
	} while (dwarf_siblingof(&c, &c) == 0);
	return -ENOENT;
}

static uint64_t array_count(Dwarf_Die *arr)
{
	Dwarf_Die c;

	if (dwarf_child(arr, &c) != 0) {
		return 0;
	}
	do {
		Dwarf_Attribute a;
		Dwarf_Word w;

		if (dwarf_tag(&c) != DW_TAG_subrange_type) {
			continue;
		}
		if (dwarf_attr(&c, DW_AT_count, &a) && dwarf_formudata(&a, &w) == 0) {
			return w;
		}
		if (dwarf_attr(&c, DW_AT_upper_bound, &a) && dwarf_formudata(&a, &w) == 0) {
			return w + 1;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return 0;
}

/* A Go slice is a struct {array *T; len, cap int}: the size of T. */
static bool slice_elem_size(Dwarf_Die *t, uint64_t *size)
{
	Dwarf_Die at, pt, elem;
	uint64_t off;

	if (member(t, "array", 5, &off, &at) || dwarf_peel_type(&at, &pt) != 0 ||
	    dwarf_tag(&pt) != DW_TAG_pointer_type || !type_of(&pt, &elem)) {
		return false;
	}
	*size = size_of(&elem);
	return true;
}

static void describe(Dwarf_Die *type, struct mm_go_type *out)
{
	Dwarf_Die t, elem, et;
	uint64_t sz;

	out->size = size_of(type);
	out->count = out->elem_size = out->elem_target_size = 0;
	if (dwarf_peel_type(type, &t) != 0) {
		return;
	}
	switch (dwarf_tag(&t)) {
	case DW_TAG_pointer_type:
		if (type_of(&t, &elem)) {
			out->elem_size = size_of(&elem);
		}
		break;
	case DW_TAG_array_type:
		out->count = array_count(&t);
		if (!type_of(&t, &elem) || dwarf_peel_type(&elem, &et) != 0) {
			break;
		}
		out->elem_size = size_of(&et);
		if (dwarf_tag(&et) == DW_TAG_pointer_type) {
			Dwarf_Die target;

			if (type_of(&et, &target)) {
				out->elem_target_size = size_of(&target);
			}
		} else if (dwarf_tag(&et) == DW_TAG_structure_type &&
			   slice_elem_size(&et, &sz)) {
			out->elem_target_size = sz;
		}
		break;
	case DW_TAG_structure_type:
		if (slice_elem_size(&t, &sz)) {
			out->elem_size = sz;
		}
		break;
	default:
		break;
	}
}

/* Walks a dotted member path from type, adding offsets to *addr. */
static int walk(Dwarf_Die *type, const char *path, uint64_t *addr, Dwarf_Die *end)
{
	Dwarf_Die cur = *type;

	while (path && *path) {
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t)(dot - path) : strlen(path);
		uint64_t off;
		Dwarf_Die next;
		int err;

		err = member(&cur, path, len, &off, &next);
		if (err) {
			return err;
		}
		*addr += off;
		cur = next;
		path = dot ? dot + 1 : NULL;
	}
	*end = cur;
	return 0;
}

static bool var_address(struct mm_go_dwarf *d, Dwarf_Die *var, const char *name,
			uint64_t *addr)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t nops;

	if (dwarf_attr(var, DW_AT_location, &a) &&
	    dwarf_getlocation(&a, &ops, &nops) == 0 && nops == 1 &&
	    ops[0].atom == DW_OP_addr) {
		*addr = ops[0].number;
		return true;
	}
	return mm_go_dwarf_symbol(d, name, addr) == 0;
}

int mm_go_dwarf_var(struct mm_go_dwarf *d, const char *var, const char *path,
		    struct mm_go_type *out)
{
	const struct entry *e;
	Dwarf_Die die, type, end;
	char root[96];
	uint64_t addr;
	int err;

	snprintf(root, sizeof(root), "var:%s", var);
	if (from_table(d, root, path, out, &err)) {
		if (!err) {
			err = mm_go_dwarf_symbol(d, var, &addr);
			out->addr += addr;
		}
		return err;
	}
	if (!have_dwarf(d)) {
		return -ENOENT;
	}
	e = lookup(d, var, true);
	if (!e || !dwarf_offdie(d->dw, e->off, &die) || !type_of(&die, &type) ||
	    !var_address(d, &die, var, &addr)) {
		return -ENOENT;
	}
	err = walk(&type, path, &addr, &end);
	if (err) {
		return err;
	}
	describe(&end, out);
	out->addr = addr;
	return 0;
}

int mm_go_dwarf_type(struct mm_go_dwarf *d, const char *type, const char *path,
		     struct mm_go_type *out)
{
	const struct entry *e;
	Dwarf_Die die, end;
	uint64_t off = 0;
	int err;

	if (from_table(d, type, path, out, &err)) {
		return err;
	}
	if (!have_dwarf(d)) {
		return -ENOENT;
	}
	e = lookup(d, type, false);
	if (!e || !dwarf_offdie(d->dw, e->off, &die)) {
		return -ENOENT;
	}
	err = walk(&die, path, &off, &end);
	if (err) {
		return err;
	}
	describe(&end, out);
	out->addr = off;
	return 0;
}

/* A global of a stripped binary: the located member's address less its
 * offset in the table. */
static int locate(struct mm_go_dwarf *d, const char *name, uint64_t *addr)
{
	const struct mm_go_offset *r;
	const char *path;
	char root[96];
	int err = mm_go_locate(d->loc, name, &path, addr);

	if (err || !*path) {
		return err;
	}
	snprintf(root, sizeof(root), "var:%s", name);
	r = mm_go_offset_find(d->version, root, path);
	if (!r || r->absent || r->offset > *addr) {
		return -ENOENT;
	}
	*addr -= r->offset;
	return 0;
}

int mm_go_dwarf_symbol(struct mm_go_dwarf *d, const char *name, uint64_t *addr)
{
	Elf *elf = d->dw ? dwarf_getelf(d->dw) : NULL;
	Elf_Scn *scn = NULL;

	if (d->loc) {
		return locate(d, name, addr);
	}
	if (d->e) {
		struct mm_elf_symbol sym;
		int err = mm_elf_static_symbol(d->e, name, &sym);

		if (!err) {
			*addr = sym.value;
		}
		return err;
	}
	if (!elf) {
		return -ENOENT;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize) {
			continue;
		}
		data = elf_getdata(scn, NULL);
		if (!data) {
			continue;
		}
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *n;

			if (!gelf_getsym(data, i, &sym)) {
				break;
			}
			n = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (n && !strcmp(n, name)) {
				*addr = sym.st_value;
				return 0;
			}
		}
	}
	return -ENOENT;
}
