/* SPDX-License-Identifier: GPL-2.0-or-later */
/* go_spans.h: the Go heap arenas split by span state, read from outside
 * a live Go process (go_spans.c). */
#ifndef MEMMAP_GO_SPANS_H
#define MEMMAP_GO_SPANS_H

#include <stdint.h>

#include "model/model.h"
#include "read/residency.h"
#include "read/target.h"
#include "runtimes/go/go_dwarf.h"

/* Heap arenas (64 MiB each) above which the span walk is sampled: 4 GiB,
 * memmap(1) says so. */
#define MM_GO_SAMPLE_ABOVE	(4ull << 30)

/* Fills out from the runtime of the image whose DWARF is d, loaded with
 * bias: every read-write page of snap's heap arenas classified by the
 * page allocator's bitmaps, each P's page cache and the spans the arenas'
 * span tables point to; pm (may have fd -1) for residency and to read
 * only present pages.  Above sample_above bytes of arenas (0:
 * MM_GO_SAMPLE_ABOVE) one block of 64 runtime pages in k is walked, k
 * the arenas over sample_above rounded up, and the parts scaled
 * (out->sampled).  Returns 0, -ENOENT (a member not in the DWARF),
 * -EINVAL (a layout memmap does not know), -ENOMEM, or the read's
 * -errno; out->valid only on 0. */
int mm_go_spans_read(struct mm_go_dwarf *d, struct mm_target *t, struct mm_pagemap *pm,
		     const struct mm_snapshot *snap, uint64_t bias, uint64_t sample_above,
		     struct mm_go_heap_split *out);

#endif
