/* SPDX-License-Identifier: GPL-2.0-or-later */
/* svg.h: the address space drawn as one SVG 1.1 picture (--svg FILE). */
#ifndef MEMMAP_SVG_H
#define MEMMAP_SVG_H

#include <stdio.h>

#include "model/model.h"

/* Writes the picture of a finished snapshot to f as a stream: a header,
 * one band per cluster of nearby mappings with every region a rectangle
 * (width growing with log2 of its size, coloured by label, a tooltip each),
 * and a legend of the labels present.  Returns 0, -ENOMEM, or -errno when
 * writing to f failed. */
int mm_svg_write(FILE *f, const struct mm_snapshot *snap);

#endif
