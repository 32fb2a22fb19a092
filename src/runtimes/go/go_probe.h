/* SPDX-License-Identifier: GPL-2.0-or-later */
/* go_probe.h: what the Go probe learns once a snapshot, for the Go
 * labeller: the images that carry a Go runtime and whether the runtime
 * names its mappings. */
#ifndef MEMMAP_GO_PROBE_H
#define MEMMAP_GO_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "label/classify.h"

struct mm_go_facts {
	/* x86-64 images with .go.buildinfo: the executable first, then
	 * c-shared libraries (each has a runtime of its own). */
	const struct mm_image **images;
	size_t n;
	bool names;			/* "[anon: Go: ...]" mappings (Go 1.25+) */
	const char *version;		/* "go1.22.12" from the first; NULL: unknown */
};

#endif
