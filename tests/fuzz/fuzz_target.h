/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_target.h: a captured, empty /proc tree for the fuzz targets that
 * run labellers: no live process behind it, so nothing is read but the
 * files the snapshot's mappings name. */
#ifndef MEMMAP_FUZZ_TARGET_H
#define MEMMAP_FUZZ_TARGET_H

#include "read/target.h"

/* Fills t as a captured target (pid 1 below a private temporary root
 * created on first use); aborts if the harness cannot set that up. */
void fuzz_captured_target(struct mm_target *t);

#endif
