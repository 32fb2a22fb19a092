/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz.h: what the fuzz targets share: the libFuzzer entry point, a check
 * of the snapshot invariants, and a scratch file holding the input. */
#ifndef MEMMAP_FUZZ_H
#define MEMMAP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts (a crash the fuzzer records) unless regions tile every mapping in
 * order, categories are the sums over regions and totals the sums over
 * mappings.  Call after mm_snapshot_finish(). */
void fuzz_check_snapshot(const struct mm_snapshot *snap);

/* Writes data to a fresh unlinked-on-close temporary file and returns its
 * fd, with its path in path (at least 64 bytes); aborts on failure (the
 * harness, not the code under test, failed). */
int fuzz_tmpfile(const uint8_t *data, size_t size, char *path);

/* The bodies of the elf and go_dwarf targets, which fuzz_elf_amp runs
 * both of (built with -DFUZZ_COMBINED, they define no entry point). */
void fuzz_elf_input(const uint8_t *data, size_t size);
void fuzz_go_dwarf_input(const uint8_t *data, size_t size);

#endif
