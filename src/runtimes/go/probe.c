/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.c (go): which images carry a Go runtime (build info, .go.module or
 * .gopclntab; x86-64),
 * the toolchain version, cgo, whether the runtime's symbols and DWARF are
 * there, and whether the runtime names its mappings.  Writes
 * snap->runtime from the first Go image's build info. */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>

#include "runtimes/go/go_buildinfo.h"
#include "runtimes/go/go_probe.h"
#include "runtimes/go/label_go.h"

void mm_go_facts_free(struct mm_go_facts *f)
{
	if (f) {
		free(f->images);
		free(f);
	}
}

/* Whether the image's writable PT_LOAD is mapped where the loader puts
 * it: a file mapped as data (one mmap of its text, say) runs nothing, and
 * its "runtime" would be read from wherever its data would have been. */
static bool data_loaded(const struct mm_images *t, const struct mm_image *img)
{
	int k = (int)(img - t->v);

	for (size_t i = 0; i < t->nat; i++) {
		if (t->at[i].image == k && t->at[i].seg && (t->at[i].seg->flags & PF_W)) {
			return true;
		}
	}
	return false;
}

/* The Go image img is, or false: an x86-64 ELF file that is Go
 * (mm_go_image_is_go: .go.buildinfo, .go.module or a .gopclntab header;
 * the runtime constants the labeller knows are amd64's), loaded. */
static bool go_image(const struct mm_images *t, const struct mm_image *img)
{
	return mm_elf_is_x86_64(img->elf) && mm_go_image_is_go(img->elf) &&
	       data_loaded(t, img);
}

static int add(struct mm_classify *ctx, struct mm_go_facts *f, const struct mm_image *img)
{
	struct mm_snapshot *snap = ctx->snap;
	bool dwarf = mm_elf_has_section(img->elf, ".debug_info");
	int err;

	f->images[f->n++] = img;
	if (!snap->runtime.lang) {
		err = mm_go_buildinfo_detect(img->elf, snap);
		if (err) {
			return err;
		}
		f->version = snap->runtime.version;
	}
	mm_debug(ctx, "go", "%s: %s, %s%s", img->path,
		 snap->runtime.version ? snap->runtime.version : "version unknown",
		 dwarf ? "symbols and DWARF" : "no DWARF: layouts from the table",
		 snap->runtime.cgo ? ", cgo" : "");
	return 0;
}

int mm_probe_go(struct mm_classify *ctx)
{
	const struct mm_images *t = &ctx->images;
	const struct mm_image *exe = mm_images_exe(t);
	struct mm_go_facts *f = calloc(1, sizeof(*f));
	int err = 0;

	if (!f) {
		return -ENOMEM;
	}
	ctx->go = f;
	f->images = calloc(t->n ? t->n : 1, sizeof(*f->images));
	if (!f->images) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < ctx->snap->nmappings && !f->names; i++) {
		f->names = mm_go_label_for_name(ctx->snap->mappings[i].path) >= 0;
	}
	if (exe && go_image(t, exe)) {
		err = add(ctx, f, exe);
	}
	for (size_t i = 0; !err && i < t->n; i++) {
		if (t->v[i].kind != MM_IMAGE_EXECUTABLE && go_image(t, &t->v[i])) {
			err = add(ctx, f, &t->v[i]);
		}
	}
	if (err) {
		return err;
	}
	if (f->n || f->names) {
		ctx->runtimes |= 1u << MM_RT_GO;
	}
	if (!f->n) {
		mm_debug(ctx, "go", "no Go image on x86-64%s",
			 f->names ? "; its names label" : "");
	}
	return 0;
}
