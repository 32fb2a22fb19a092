/* SPDX-License-Identifier: GPL-2.0-or-later */
/* labels_out.h: the label vocabulary printed for people, scripts
 * (completions, the docs check) and JSON consumers: --list-labels. */
#ifndef MEMMAP_LABELS_OUT_H
#define MEMMAP_LABELS_OUT_H

#include <stdbool.h>
#include <stdio.h>

/* One label a line: "NAME CLASS HELP"; aligned under a heading unless raw,
 * or as one JSON document {"labels": [...]} with colour and explanation. */
void mm_list_labels(FILE *out, bool raw, bool json);

#endif
