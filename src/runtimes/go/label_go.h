/* SPDX-License-Identifier: GPL-2.0-or-later */
/* label_go.h: the Go labeller's pure helpers, exposed for unit tests. */
#ifndef MEMMAP_LABEL_GO_H
#define MEMMAP_LABEL_GO_H

/* The go.* label (enum mm_label) for a kernel name "[anon: Go: NAME]" as
 * Go 1.25+ names its mappings; -1 when path is not one.  NAMEs without a
 * label of their own are still the runtime's: go.other. */
int mm_go_label_for_name(const char *path);

#endif
