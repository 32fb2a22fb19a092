/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jvm_probe.h: what the JVM probe found, for its labeller. */
#ifndef MEMMAP_JVM_PROBE_H
#define MEMMAP_JVM_PROBE_H

#include "label/classify.h"
#include "runtimes/jvm/jvm_vmstructs.h"

struct mm_jvm_facts {
	const struct mm_image *img;	/* libjvm.so */
	bool tables;			/* vs read and believed */
	struct mm_jvm_vmstructs vs;
	char version[64];		/* "17.0.15+6-Debian-1deb12u1"; "" unknown */
};

/* The target reader the tables are read with: memory where pagemap has
 * it, else (libjvm's own read-only pages) the file behind them. */
int mm_jvm_read(void *ctx, uint64_t addr, void *buf, size_t len);

#endif
