/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.c (jvm): recognises HotSpot by the tables libjvm exports for the
 * serviceability agent, reads them once (runtimes/jvm/jvm_vmstructs.c)
 * and the VM's release string (from libjvm's file, else its memory).  A
 * JVM whose tables cannot be read gets one warning: its memory then stays
 * anon. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtimes/jvm/jvm_probe.h"

void mm_jvm_facts_free(struct mm_jvm_facts *f)
{
	if (f) {
		mm_jvm_vmstructs_finish(&f->vs);
		free(f);
	}
}

/* A name of the table lies in libjvm's read-only data, whose page may be
 * out of RAM: the file has the same bytes. */
int mm_jvm_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct mm_classify *ctx = arg;
	const struct mm_image *img = ctx->jvm->img;
	const struct mm_mapping *m;
	int rc = mm_target_read(ctx->target, addr, buf, len);

	if (rc != -EFAULT || !img || !(m = mm_snapshot_find(ctx->snap, addr)) ||
	    !m->path || m->perms[1] == 'w' || strcmp(m->path, img->path) ||
	    addr + len < addr || addr + len > m->end) {
		return rc;
	}
	return mm_elf_pread(img->elf, buf, len, m->offset + (addr - m->start));
}

/* Copies the VM's release ("17.0.15+6-Debian-1deb12u1") read at addr:
 * a digit first, printable, bounded. */
static void copy_release(struct mm_jvm_facts *f, mm_jvm_read_fn read, void *arg, uint64_t addr)
{
	char buf[64];

	for (size_t n = 0; n < sizeof(buf); n++) {
		if (read(arg, addr + n, buf + n, 1) || (n == 0 && (buf[0] < '1' || buf[0] > '9'))) {
			return;
		}
		if (!buf[n]) {
			memcpy(f->version, buf, n + 1);
			return;
		}
		if (buf[n] < 0x20 || buf[n] > 0x7e) {
			return;
		}
	}
}

/* The release the static Abstract_VM_Version::_s_vm_release points at. */
static void read_release(struct mm_classify *ctx, struct mm_jvm_facts *f)
{
	uint64_t at, s;

	if (mm_jvm_static(&f->vs, "Abstract_VM_Version", "_s_vm_release", &at) &&
	    !mm_target_read_word(ctx->target, at, &s) && s) {
		copy_release(f, mm_jvm_read, ctx, s);
	}
}

static int file_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	return mm_elf_read_vaddr(arg, addr, buf, len);
}

/* The release as the file has it, for when the memory is not read:
 * Abstract_VM_Version::vm_release() (libjvm's .symtab) is one
 * `lea string(%rip), %rax; ret` (after an endbr64 in CET builds) returning
 * the literal the static _s_vm_release is set from at start-up. */
static void file_release(const struct mm_image *img, struct mm_jvm_facts *f)
{
	static const uint8_t endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };
	struct mm_elf_symbol sym;
	uint8_t code[12], *at = code;
	int32_t disp;

	if (mm_elf_static_symbol(img->elf, "_ZN19Abstract_VM_Version10vm_releaseEv", &sym) ||
	    sym.size < 8 || sym.size > sizeof(code) ||
	    mm_elf_read_vaddr(img->elf, sym.value, code, (size_t)sym.size)) {
		return;
	}
	if (sym.size == 12 && !memcmp(code, endbr64, sizeof(endbr64))) {
		at += sizeof(endbr64);
	}
	if (at + 8 != code + sym.size || at[0] != 0x48 || at[1] != 0x8d || at[2] != 0x05 ||
	    at[7] != 0xc3) {
		return;
	}
	memcpy(&disp, at + 3, sizeof(disp));
	copy_release(f, file_read, img->elf,
		     sym.value + (uint64_t)(at + 7 - code) + (uint64_t)(int64_t)disp);
}

static const struct mm_image *find_libjvm(struct mm_classify *ctx, uint64_t syms[MM_JS_COUNT],
					  int *missing)
{
	for (size_t i = 0; i < ctx->images.n; i++) {
		const struct mm_image *img = &ctx->images.v[i];

		if (mm_image_symbol(img, mm_jvm_sym_names[MM_JS_STRUCTS], STT_OBJECT,
				    &syms[MM_JS_STRUCTS], NULL)) {
			continue;
		}
		*missing = -1;
		for (int s = 0; s < MM_JS_COUNT; s++) {
			if (mm_image_symbol(img, mm_jvm_sym_names[s], STT_OBJECT, &syms[s], NULL)) {
				*missing = s;
			}
		}
		return img;
	}
	return NULL;
}

int mm_probe_jvm(struct mm_classify *ctx)
{
	uint64_t syms[MM_JS_COUNT] = { 0 };
	const struct mm_image *img;
	struct mm_jvm_facts *f;
	int missing = -1, rc;

	if (!(img = find_libjvm(ctx, syms, &missing))) {
		mm_debug(ctx, "jvm", "no object exports gHotSpotVMStructs");
		return 0;
	}
	if (!(f = calloc(1, sizeof(*f)))) {
		return -ENOMEM;
	}
	f->img = img;
	ctx->jvm = f;
	file_release(img, f);
	ctx->runtimes |= 1u << MM_RT_JVM;
	if (!mm_target_has_memory(ctx->target)) {
		mm_debug(ctx, "jvm", "%s: the memory is not read: no tables", img->path);
		return 0;
	}
	if (missing >= 0) {
		return mm_snapshot_warn(ctx->snap, "%s: HotSpot without %s: its tables cannot be "
					"read, the JVM's memory stays anon", img->path,
					mm_jvm_sym_names[missing]) ? -ENOMEM : 1;
	}
	rc = mm_jvm_vmstructs_read(&f->vs, syms, mm_jvm_read, ctx);
	if (rc == -ENOMEM) {
		return rc;
	}
	if (rc == -EPERM || rc == -EACCES) {
		/* The memory is closed to us: classify says so, once. */
		mm_debug(ctx, "jvm", "tables: %s", strerror(-rc));
		return 1;
	}
	if (rc) {
		mm_debug(ctx, "jvm", "tables: %s", strerror(-rc));
		return mm_snapshot_warn(ctx->snap, "%s: HotSpot's tables (gHotSpotVMStructs) do "
					"not read back (%s): the JVM's memory stays anon",
					img->path, strerror(-rc)) ? -ENOMEM : 1;
	}
	f->tables = true;
	if (!f->version[0]) {
		read_release(ctx, f);
	}
	mm_debug(ctx, "jvm", "%s: HotSpot %s: %zu fields, %zu types, %zu constants in %llu reads",
		 img->path, f->version[0] ? f->version : "of unknown release", f->vs.nfields,
		 f->vs.ntypes, f->vs.nconsts, (unsigned long long)f->vs.reads);
	return 0;
}
