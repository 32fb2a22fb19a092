/* SPDX-License-Identifier: GPL-2.0-or-later */
/* v8_probe.h: what the V8 probe found, for its labeller (and the fuzz
 * harness, which makes these facts up). */
#ifndef MEMMAP_V8_PROBE_H
#define MEMMAP_V8_PROBE_H

#include "images/image_table.h"
#include "runtimes/v8/v8_layout.h"

struct mm_v8_facts {
	const struct mm_image *img;	/* the object V8 is linked into */
	char version[64];		/* V8's: "11.3.244.8-node.38"; "" unknown */
	int major, minor;		/* 0: unknown */
	char node[32];			/* node's, "20.20.2"; "" not node */
	const struct mm_v8_layout *lay;	/* NULL: no row for this version */
};

#endif
