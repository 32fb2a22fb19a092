/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.c (python): finds the CPython image (the executable or a
 * libpython3.X.so whose dynamic symbols hold _PyRuntime), its version and
 * its writable segments.  Writes snap->runtime when nothing else did. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <elf.h>

#include "runtimes/python/python_probe.h"

void mm_python_facts_free(struct mm_python_facts *f)
{
	free(f);
}

/* "python3.11", "libpython3.11.so.1.0", "python3.11d": the minor version,
 * or -1; "python3" alone says nothing. */
static int minor_from_name(const char *name)
{
	char *end;
	long v;

	if (strncmp(name, "lib", 3) == 0) {
		name += 3;
	}
	if (strncmp(name, "python3.", 8) != 0) {
		return -1;
	}
	v = strtol(name + 8, &end, 10);
	return end == name + 8 || v < 0 || v > 99 ? -1 : (int)v;
}

static bool named_python(const char *name)
{
	return strncmp(name, "python3", 7) == 0 || strncmp(name, "libpython3", 10) == 0;
}

/* Looks for _PyRuntime and Py_Version (3.11+) in img.  Returns 0 when it
 * is CPython (f filled), -ENOENT when not, -ENOMEM. */
static int probe_image(struct mm_python_facts *f, const struct mm_image *img)
{
	struct mm_elf_symbol rt = { 0 }, ver = { 0 }, malloc_fn;
	const struct mm_elf_segment *seg;
	uint64_t v = 0;
	size_t nseg;
	int rc;

	rc = mm_elf_symbol_by_name(img->elf, "_PyRuntime", STT_OBJECT, &rt);
	if (rc == -ENOMEM) {
		return rc;
	}
	/* 3.6 has no _PyRuntime: there its name says it is Python, and it
	 * must hold pymalloc (not import it, as the exe of a libpython build). */
	if (!rt.value) {
		rc = mm_elf_symbol_by_name(img->elf, "PyObject_Malloc", STT_FUNC, &malloc_fn);
		if (rc == -ENOMEM) {
			return rc;
		}
		if (rc || minor_from_name(img->name) != 6) {
			return -ENOENT;
		}
	}
	/* Py_Version is PY_VERSION_HEX, a constant in the file itself. */
	rc = mm_elf_symbol_by_name(img->elf, "Py_Version", STT_OBJECT, &ver);
	if (rc == -ENOMEM) {
		return rc;
	}
	if (!rc && ver.size == 8 && ver.value &&
	    mm_elf_read_vaddr(img->elf, ver.value, &v, 8) == 0 && (v >> 24) == 3) {
		f->minor = (int)((v >> 16) & 0xff);
	} else {
		f->minor = minor_from_name(img->name);
	}
	if (f->minor < 0) {
		return -ENOENT;
	}
	f->img = img;
	f->runtime = rt.value ? img->bias + rt.value : img->bias;
	f->runtime_size = rt.size;
	seg = mm_elf_segments(img->elf, &nseg);
	for (size_t i = 0; i < nseg && f->nrw < 4; i++) {
		if (seg[i].flags & PF_W) {
			f->rw[f->nrw][0] = img->bias + seg[i].vaddr;
			f->rw[f->nrw][1] = img->bias + seg[i].vaddr + seg[i].memsz;
			f->nrw++;
		}
	}
	return 0;
}

int mm_probe_python(struct mm_classify *ctx)
{
	struct mm_snapshot *snap = ctx->snap;
	struct mm_python_facts *f;
	int rc = -ENOENT;

	/* Nothing here is certain by shape alone; a Go program is not one. */
	if (ctx->target->no_mem || ctx->target->captured) {
		mm_debug(ctx, "python", "memory not to be read: not probed");
		return 0;
	}
	if (snap->runtime.lang && strcmp(snap->runtime.lang, "go") == 0) {
		mm_debug(ctx, "python", "a Go program: not probed");
		return 0;
	}
	if (!(f = calloc(1, sizeof(*f)))) {
		return -ENOMEM;
	}
	ctx->python = f;
	for (size_t i = 0; i < ctx->images.n && rc == -ENOENT; i++) {
		const struct mm_image *img = &ctx->images.v[i];

		if (named_python(img->name) || img->kind == MM_IMAGE_EXECUTABLE) {
			*f = (struct mm_python_facts){ 0 };
			rc = probe_image(f, img);
		}
	}
	if (rc) {
		*f = (struct mm_python_facts){ 0 };
		if (rc == -ENOENT) {
			mm_debug(ctx, "python", "no image holds _PyRuntime");
		}
		return rc == -ENOMEM ? rc : 0;
	}
	ctx->runtimes |= 1u << MM_RT_PYTHON;
	mm_debug(ctx, "python", "%s: CPython 3.%d, _PyRuntime %#llx", f->img->path, f->minor,
		 (unsigned long long)f->runtime);
	if (!snap->runtime.lang) {	/* the header and JSON say what runs */
		struct mm_runtime *rt = &snap->runtime;

		if (!(rt->lang = strdup("python")) ||
		    asprintf(&rt->version, "3.%d", f->minor) < 0) {
			rt->version = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}
