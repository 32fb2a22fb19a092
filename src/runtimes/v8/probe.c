/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.c (v8): recognises V8 in a process — node, or any program linking
 * V8 — by the v8dbg_* metadata symbols it exports for debuggers, reads
 * V8's version (v8::internal::Version's fields) and node's (the version
 * napi_get_node_version returns) from the file, and picks the layout row
 * of that V8 version.  Nothing here reads the target's memory. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "label/classify.h"
#include "runtimes/v8/v8_probe.h"

void mm_v8_facts_free(struct mm_v8_facts *f)
{
	free(f);
}

/* A 32-bit integer of the file at img's symbol name (dynamic or .symtab). */
static int read_u32(const struct mm_image *img, const char *name, uint32_t *v)
{
	struct mm_elf_symbol sym;
	uint64_t addr;

	if (mm_image_symbol(img, name, STT_OBJECT, &addr, NULL) == 0) {
		return mm_elf_read_vaddr(img->elf, addr - img->bias, v, sizeof(*v));
	}
	if (mm_elf_static_symbol(img->elf, name, &sym) == 0 && sym.size >= sizeof(*v)) {
		return mm_elf_read_vaddr(img->elf, sym.value, v, sizeof(*v));
	}
	return -ENOENT;
}

/* A NUL-terminated string of the file at link address vaddr. */
static int read_string(const struct mm_image *img, uint64_t vaddr, char *out, size_t len)
{
	int rc = mm_elf_read_vaddr(img->elf, vaddr, out, len - 1);

	out[len - 1] = '\0';
	if (rc) {
		out[0] = '\0';
	}
	return rc;
}

/* "MAJOR.MINOR.BUILD.PATCH" and V8's embedder string ("-node.38"). */
static void v8_version(const struct mm_image *img, struct mm_v8_facts *f)
{
	uint32_t major, minor, build, patch;
	char embedder[24] = "";
	uint64_t addr, ptr = 0;

	if (read_u32(img, "_ZN2v88internal7Version6major_E", &major) ||
	    read_u32(img, "_ZN2v88internal7Version6minor_E", &minor) ||
	    read_u32(img, "_ZN2v88internal7Version6build_E", &build) ||
	    read_u32(img, "_ZN2v88internal7Version6patch_E", &patch) || major > 1000 ||
	    minor > 1000 || build > 100000 || patch > 100000) {
		return;
	}
	/* A pointer in the file: a link address in an executable, zero
	 * (a relocation's to fill) in a position-independent object. */
	if (mm_image_symbol(img, "_ZN2v88internal7Version9embedder_E", STT_OBJECT, &addr,
			    NULL) == 0 &&
	    mm_elf_read_vaddr(img->elf, addr - img->bias, &ptr, sizeof(ptr)) == 0 && ptr) {
		read_string(img, ptr, embedder, sizeof(embedder));
		for (char *c = embedder; *c; c++) {	/* printable or cut */
			if (*c < 0x20 || *c > 0x7e) {
				*c = '\0';
				break;
			}
		}
	}
	f->major = (int)major;
	f->minor = (int)minor;
	snprintf(f->version, sizeof(f->version), "%u.%u.%u.%u%s", major, minor, build, patch,
		 embedder);
}

/* The link address of the answer napi_get_node_version stores through
 * its second argument, read from its code: `movq $ADDR, (%rsi)` in an
 * executable, `lea ADDR(%rip), %rax; ...; mov %rax, (%rsi)` in a shared
 * libnode (Debian's, stripped of .symtab).  0 when neither is there. */
static uint64_t napi_version_address(const struct mm_image *img)
{
	static const uint8_t movq[] = { 0x48, 0xc7, 0x06 }, lea[] = { 0x48, 0x8d, 0x05 };
	static const uint8_t store[] = { 0x48, 0x89, 0x06 };
	uint8_t code[48];
	uint64_t addr, fn;
	int32_t d;

	if (mm_image_symbol(img, "napi_get_node_version", STT_FUNC, &addr, NULL) ||
	    mm_elf_read_vaddr(img->elf, fn = addr - img->bias, code, sizeof(code))) {
		return 0;
	}
	for (size_t i = 0; i + 7 <= sizeof(code); i++) {
		memcpy(&d, code + i + 3, sizeof(d));
		if (!memcmp(code + i, movq, 3) && d > 0) {
			return (uint64_t)d;
		}
		if (!memcmp(code + i, lea, 3) && i + 7 + 16 <= sizeof(code) &&
		    memmem(code + i + 7, 16, store, sizeof(store))) {
			return fn + i + 7 + (uint64_t)(int64_t)d;
		}
	}
	return 0;
}

/* node's own version: napi_get_node_version's static answer, three
 * 32-bit numbers (by name in .symtab, else where its code points). */
static void node_version(const struct mm_image *img, struct mm_v8_facts *f)
{
	struct mm_elf_symbol sym;
	uint64_t at = 0;
	uint32_t v[3];

	if (mm_elf_static_symbol(img->elf, "_ZZ21napi_get_node_versionE7version", &sym) == 0 &&
	    sym.size >= sizeof(v)) {
		at = sym.value;
	} else {
		at = napi_version_address(img);
	}
	if (!at || mm_elf_read_vaddr(img->elf, at, v, sizeof(v)) || !v[0] || v[0] > 1000 ||
	    v[1] > 1000 || v[2] > 1000) {
		return;
	}
	snprintf(f->node, sizeof(f->node), "%u.%u.%u", v[0], v[1], v[2]);
}

static int set_runtime(struct mm_snapshot *snap, const struct mm_v8_facts *f)
{
	struct mm_runtime *rt = &snap->runtime;

	if (rt->lang) {		/* a Go or C program found first keeps its name */
		return 0;
	}
	if (!(rt->lang = strdup(f->node[0] ? "node" : "v8"))) {
		return -ENOMEM;
	}
	if (f->node[0] && f->version[0]) {
		if (asprintf(&rt->version, "%s (V8 %s)", f->node, f->version) < 0) {
			rt->version = NULL;
			return -ENOMEM;
		}
	} else if (f->node[0] || f->version[0]) {
		if (!(rt->version = strdup(f->node[0] ? f->node : f->version))) {
			return -ENOMEM;
		}
	}
	return 0;
}

int mm_probe_v8(struct mm_classify *ctx)
{
	struct mm_v8_facts *f;
	uint64_t addr;

	for (size_t i = 0; i < ctx->images.n; i++) {
		const struct mm_image *img = &ctx->images.v[i];

		/* The metadata V8 exports for postmortem debuggers. */
		if (mm_image_symbol(img, "v8dbg_SystemPointerSize", STT_OBJECT, &addr, NULL) ||
		    mm_image_symbol(img, "v8dbg_HeapObjectTag", STT_OBJECT, &addr, NULL)) {
			continue;
		}
		if (!(f = calloc(1, sizeof(*f)))) {
			return -ENOMEM;
		}
		ctx->v8 = f;
		ctx->runtimes |= 1u << MM_RT_V8;
		f->img = img;
		v8_version(img, f);
		node_version(img, f);
		f->lay = mm_elf_is_x86_64(img->elf) ? mm_v8_layout_for(f->major, f->minor) : NULL;
		mm_debug(ctx, "v8", "%s: V8 %s%s%s, %s", img->path,
			 f->version[0] ? f->version : "of unknown version",
			 f->node[0] ? ", node " : "", f->node,
			 f->lay ? "layout known" : "no layout row");
		return set_runtime(ctx->snap, f);
	}
	mm_debug(ctx, "v8", "no object exports v8dbg_ metadata");
	return 0;
}
