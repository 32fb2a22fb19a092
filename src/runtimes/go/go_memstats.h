/* SPDX-License-Identifier: GPL-2.0-or-later */
/* go_memstats.h: runtime.ReadMemStats's numbers read from outside a live
 * Go process (go_memstats.c). */
#ifndef MEMMAP_GO_MEMSTATS_H
#define MEMMAP_GO_MEMSTATS_H

#include <stdint.h>

#include "model/model.h"
#include "read/target.h"
#include "runtimes/go/go_dwarf.h"

/* Fills out from the runtime of the image whose DWARF is d, loaded with
 * bias, of Go version ("go1.23.5"; NULL: unknown, taken as recent).  Returns 0, -ENOENT (a member not in the DWARF), -EINVAL (a
 * layout memmap does not know), -EAGAIN (the counters kept moving),
 * -ENOMEM, or the read's -errno; out->valid only on 0. */
int mm_go_memstats_read(struct mm_go_dwarf *d, struct mm_target *t, uint64_t bias,
			const char *version, struct mm_go_memstats *out);

#endif
