/* SPDX-License-Identifier: GPL-2.0-or-later */
/* go_locate.c: the Go runtime's globals in a binary without .symtab.
 * .gopclntab stays in a stripped binary: it names every function and
 * gives its entry.  A few small runtime functions name the globals memmap
 * needs in RIP-relative operands, in the same shape from Go 1.19 to 1.27
 * (register ABI: the receiver in AX):
 *
 *   runtime.mallocinit:       LEAQ runtime.mheap_(SB), AX; CALL (*mheap).init
 *   runtime.gcMarkTinyAllocs: MOVQ runtime.allp(SB), DX; MOVQ runtime.allp+8(SB), SI
 *   runtime.mcommoninit:      MOVQ runtime.allm(SB), CX ... LEAQ runtime.allm(SB), CX
 *
 * Only those few byte shapes are matched, no disassembler: a 7-byte
 * REX.W LEA or MOV with ModRM rip+disp32, and a 5-byte CALL rel32.  A
 * match must be unique in its function and land in a writable section;
 * the labeller then checks what it reads there like anything else read
 * from the target. */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "runtimes/go/go_locate.h"
#include "util/le.h"

#define MAX_FUNC_BYTES	(256u << 10)	/* a runtime function is smaller */
#define MAX_PCLNTAB	(256u << 20)
#define MAX_TARGETS	64

/* The names this file has always read words by. */
#define get32 mm_le32
#define get64 mm_le64

int mm_go_pclntab_parse(const void *tab, size_t len, struct mm_go_pclntab *p)
{
	const uint8_t *t = tab;
	uint32_t magic;

	/* magic, pad, pad, minLC, ptrSize, then 8 words (runtime/symtab.go's
	 * pcHeader, the same from 1.18 on). */
	if (len < 72) {
		return -ENOEXEC;
	}
	magic = get32(t);
	if ((magic != 0xfffffff0 && magic != 0xfffffff1) || t[4] || t[5] || t[7] != 8) {
		return -ENOEXEC;
	}
	*p = (struct mm_go_pclntab){
		.tab = t, .len = len, .nfunc = get64(t + 8), .text = get64(t + 24),
		.funcnames = get64(t + 32), .ftab = get64(t + 64),
	};
	/* nfunc entries and the end entry, 8 bytes each, after ftab. */
	if (p->funcnames >= len || p->ftab >= len || p->nfunc >= (len - p->ftab) / 8) {
		return -ENOEXEC;
	}
	return 0;
}

int mm_go_pclntab_func(const struct mm_go_pclntab *p, const char *name, uint64_t *entry,
		       uint64_t *size)
{
	size_t nlen = strlen(name) + 1;

	for (uint64_t i = 0; i < p->nfunc; i++) {
		const uint8_t *ft = p->tab + p->ftab + 8 * i;
		uint64_t func = p->ftab + get32(ft + 4), nameoff;
		uint32_t next = get32(ft + 8);

		if (func + 8 > p->len) {
			return -ENOEXEC;
		}
		nameoff = p->funcnames + (int32_t)get32(p->tab + func + 4);
		if (nameoff >= p->len || p->len - nameoff < nlen ||
		    memcmp(p->tab + nameoff, name, nlen)) {
			continue;
		}
		*entry = get32(ft);
		if (next < *entry) {
			return -ENOEXEC;
		}
		*size = next - *entry;
		return 0;
	}
	return -ENOENT;
}

/* A REX.W LEA (8d) or MOV load (8b) with ModRM mod=00 rm=101 (rip+disp32)
 * at code[i]: its opcode, else 0; *reg the register, *target the address. */
static int rip_insn(const uint8_t *code, size_t len, size_t i, uint64_t pc,
		    unsigned int *reg, uint64_t *target)
{
	uint8_t rex, op, modrm;

	if (i + 7 > len) {
		return 0;
	}
	rex = code[i];
	op = code[i + 1];
	modrm = code[i + 2];
	if ((rex & 0xf8) != 0x48 || (op != 0x8d && op != 0x8b) || (modrm & 0xc7) != 0x05) {
		return 0;
	}
	*reg = ((modrm >> 3) & 7) | (rex & 4 ? 8 : 0);
	*target = pc + i + 7 + (uint64_t)(int64_t)(int32_t)get32(code + i + 3);
	return op;
}

static size_t add_target(uint64_t *out, size_t n, size_t max, uint64_t t)
{
	for (size_t i = 0; i < n; i++) {
		if (out[i] == t) {
			return n;
		}
	}
	if (n < max) {
		out[n++] = t;
	}
	return n;
}

size_t mm_go_rip_targets(const uint8_t *code, size_t len, uint64_t pc,
			 enum mm_go_ref_kind kind, uint64_t callee, uint64_t *out, size_t max)
{
	uint64_t lea[MAX_TARGETS], load[MAX_TARGETS];
	size_t n = 0, nlea = 0, nload = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned int reg;
		uint64_t t;
		int op = rip_insn(code, len, i, pc, &reg, &t);

		if (op == 0x8d) {
			nlea = add_target(lea, nlea, MAX_TARGETS, t);
		} else if (op == 0x8b) {
			nload = add_target(load, nload, MAX_TARGETS, t);
		}
		if (kind == MM_GO_LEA_CALL && op == 0x8d && reg == 0 && i + 12 <= len &&
		    code[i + 7] == 0xe8 &&
		    pc + i + 12 + (uint64_t)(int64_t)(int32_t)get32(code + i + 8) == callee) {
			n = add_target(out, n, max, t);
		}
	}
	if (kind == MM_GO_LEA_ANY) {
		for (size_t i = 0; i < nlea; i++) {
			n = add_target(out, n, max, lea[i]);
		}
	} else if (kind == MM_GO_LEA_AND_LOAD) {
		for (size_t i = 0; i < nlea; i++) {
			for (size_t j = 0; j < nload; j++) {
				if (lea[i] == load[j]) {
					n = add_target(out, n, max, lea[i]);
				}
			}
		}
	} else if (kind == MM_GO_SLICE_LOAD) {
		for (size_t i = 0; i < nload; i++) {
			for (size_t j = 0; j < nload; j++) {
				if (load[i] + 8 == load[j]) {
					n = add_target(out, n, max, load[i]);
				}
			}
		}
	}
	return n;
}

bool mm_go_is_class_sizes(const uint8_t *p, size_t n)
{
	unsigned int prev = 0;

	if (n < 6 || (p[0] | p[1]) || (p[2] | p[3] << 8) != 8 || (p[4] | p[5] << 8) != 16) {
		return false;
	}
	for (size_t i = 1; 2 * i + 1 < n; i++) {
		unsigned int v = p[2 * i] | p[2 * i + 1] << 8;

		if (v <= prev) {
			return false;
		}
		if (v == 32768) {
			return true;
		}
		prev = v;
	}
	return false;
}

/* ---- the rules */

enum rule_kind { LEA_CALL, LEA_AND_LOAD, SLICE_LOAD, CLASS_SIZES };

static const struct rule {
	const char *global;	/* what it finds */
	const char *path;	/* the member the instruction names */
	const char *func;	/* where */
	enum rule_kind kind;
	const char *callee;	/* LEA_CALL: the function called right after */
} rules[] = {
	/* mheap_.init() */
	{ "runtime.mheap_", "", "runtime.mallocinit", LEA_CALL, "runtime.(*mheap).init" },
	/* gcController.commit(isSweepDone()) */
	{ "runtime.gcController", "", "runtime.gcControllerCommit", LEA_CALL,
	  "runtime.(*gcControllerState).commit" },
	/* memstats.heapStats.acquire() */
	{ "runtime.memstats", "heapStats", "runtime.(*mcache).refill", LEA_CALL,
	  "runtime.(*consistentHeapStats).acquire" },
	/* unlock(&gcBitsArenas.lock) */
	{ "runtime.gcBitsArenas", "lock", "runtime.newMarkBits", LEA_CALL, "runtime.unlock2" },
	/* work.full.push(&b.node) */
	{ "runtime.work", "full", "runtime.putfull", LEA_CALL, "runtime.(*lfstack).push" },
	/* Loaded, then swapped in by atomic.Casuintptr(&persistentChunks, ...). */
	{ "runtime.persistentChunks", "", "runtime.persistentalloc1", LEA_AND_LOAD, NULL },
	/* buckhash.Load(), then buckhash.CompareAndSwap(...) */
	{ "runtime.buckhash", "", "runtime.stkbucket", LEA_AND_LOAD, NULL },
	/* for _, p := range allp: the slice's array and len loaded, the
	 * only such pair in the function (1.19 to 1.27). */
	{ "runtime.allp", "", "runtime.gcMarkTinyAllocs", SLICE_LOAD, NULL },
	/* mp.alllink = allm, then atomicstorep(&allm, mp) (1.19 to 1.27). */
	{ "runtime.allm", "", "runtime.mcommoninit", LEA_AND_LOAD, NULL },
	/* roundupsize's table lookups; the table is recognised by content. */
	{ "runtime.class_to_size", "", "runtime.growslice", CLASS_SIZES, NULL },
	{ "internal/runtime/gc.SizeClassToSize", "", "runtime.growslice", CLASS_SIZES, NULL },
};

struct mm_go_locator {
	struct mm_elf *e;
	uint8_t *tab;
	struct mm_go_pclntab p;
	uint64_t text;		/* link address of the text start */
};

static const struct mm_elf_section *pclntab_section(const struct mm_elf *e)
{
	const struct mm_elf_section *s = mm_elf_section_by_name(e, ".gopclntab");

	return s ? s : mm_elf_section_by_name(e, ".data.rel.ro.gopclntab");
}

static bool in_section(const struct mm_elf *e, uint64_t addr, uint64_t flags)
{
	size_t n;
	const struct mm_elf_section *s = mm_elf_sections(e, &n);

	for (size_t i = 0; i < n; i++) {
		if ((s[i].flags & flags) == flags && addr >= s[i].addr &&
		    addr - s[i].addr < s[i].size) {
			return true;
		}
	}
	return false;
}

/* Go 1.26+ stores no text start in pcHeader: runtime.firstmoduledata
 * (its own section .go.module) has it, after a pointer to the header. */
static int module_text(struct mm_go_locator *l, uint64_t tab_addr, uint64_t text_off)
{
	const struct mm_elf_section *m = mm_elf_section_by_name(l->e, ".go.module");
	uint64_t hdr, text;

	if (!m || text_off == ~0ull || m->type == SHT_NOBITS || text_off + 8 > m->size ||
	    mm_elf_pread(l->e, &hdr, 8, m->offset) || hdr != tab_addr ||
	    mm_elf_pread(l->e, &text, 8, m->offset + text_off)) {
		return -ENOENT;
	}
	l->text = text;
	return 0;
}

int mm_go_locator_open(struct mm_elf *e, uint64_t text_off, struct mm_go_locator **out)
{
	const struct mm_elf_section *s = pclntab_section(e);
	struct mm_go_locator *l;
	int err;

	*out = NULL;
	if (!s || s->type == SHT_NOBITS || s->size < 72 || s->size > MAX_PCLNTAB) {
		return -ENOENT;
	}
	l = calloc(1, sizeof(*l));
	if (!l || !(l->tab = malloc(s->size))) {
		free(l);
		return -ENOMEM;
	}
	l->e = e;
	err = mm_elf_pread(e, l->tab, s->size, s->offset);
	if (!err) {
		err = mm_go_pclntab_parse(l->tab, s->size, &l->p) ? -ENOENT : 0;
	}
	if (!err) {
		l->text = l->p.text;
		if (!l->text) {
			err = module_text(l, s->addr, text_off);
		}
	}
	/* The text start must be code: a PIE's is relocated at load time. */
	if (!err && !in_section(e, l->text, SHF_ALLOC | SHF_EXECINSTR)) {
		err = -ENOENT;
	}
	if (err) {
		mm_go_locator_close(l);
		return err;
	}
	*out = l;
	return 0;
}

void mm_go_locator_close(struct mm_go_locator *l)
{
	if (l) {
		free(l->tab);
		free(l);
	}
}

/* The link address of function name, and its bytes from the file. */
static int func_code(struct mm_go_locator *l, const char *name, uint64_t *pc, uint8_t **code,
		     size_t *len)
{
	uint64_t entry, size;
	int err = mm_go_pclntab_func(&l->p, name, &entry, &size);

	if (err) {
		return err == -ENOEXEC ? -ENOENT : err;
	}
	if (size == 0 || size > MAX_FUNC_BYTES) {
		return -ENOENT;
	}
	*code = malloc(size);
	if (!*code) {
		return -ENOMEM;
	}
	*pc = l->text + entry;
	*len = size;
	err = mm_elf_read_vaddr(l->e, *pc, *code, size);
	if (err) {
		free(*code);
		*code = NULL;
	}
	return err;
}

static int func_entry(struct mm_go_locator *l, const char *name, uint64_t *pc)
{
	uint64_t entry, size;
	int err = mm_go_pclntab_func(&l->p, name, &entry, &size);

	if (!err) {
		*pc = l->text + entry;
	}
	return err == -ENOEXEC ? -ENOENT : err;
}

/* The one candidate that is the class-size table, from the file. */
static int pick_class_sizes(struct mm_go_locator *l, const uint64_t *cand, size_t n,
			    uint64_t *addr)
{
	uint8_t buf[256];
	size_t found = 0;

	for (size_t i = 0; i < n; i++) {
		if (!mm_elf_read_vaddr(l->e, cand[i], buf, sizeof(buf)) &&
		    mm_go_is_class_sizes(buf, sizeof(buf))) {
			*addr = cand[i];
			found++;
		}
	}
	return found == 1 ? 0 : -ENOENT;
}

int mm_go_locate(struct mm_go_locator *l, const char *name, const char **path,
		 uint64_t *addr)
{
	uint64_t cand[MAX_TARGETS], pc, callee = 0;
	const struct rule *r = NULL;
	uint8_t *code = NULL;
	size_t len, n;
	int err;

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]) && !r; i++) {
		if (!strcmp(rules[i].global, name)) {
			r = &rules[i];
		}
	}
	if (!r) {
		return -ENOENT;
	}
	if (r->kind == LEA_CALL && (err = func_entry(l, r->callee, &callee))) {
		return err;
	}
	if ((err = func_code(l, r->func, &pc, &code, &len))) {
		return err;
	}
	n = mm_go_rip_targets(code, len, pc, r->kind == LEA_CALL ? MM_GO_LEA_CALL :
			      r->kind == LEA_AND_LOAD ? MM_GO_LEA_AND_LOAD :
			      r->kind == SLICE_LOAD ? MM_GO_SLICE_LOAD : MM_GO_LEA_ANY,
			      callee, cand, MAX_TARGETS);
	free(code);
	if (r->kind == CLASS_SIZES) {
		/* Read-only data is fine for a table: it is not written. */
		err = pick_class_sizes(l, cand, n, addr);
		*path = r->path;
		return err;
	}
	if (n != 1 || !in_section(l->e, cand[0], SHF_ALLOC | SHF_WRITE)) {
		return -ENOENT;
	}
	*addr = cand[0];
	*path = r->path;
	return 0;
}
