/* svg.h: the address space drawn as one SVG 1.1 picture (--svg FILE). */
#ifndef MEMMAP_SVG_H
#define MEMMAP_SVG_H

#include <stdio.h>

#include "model/model.h"

/* Writes the picture of a finished snapshot to f as a stream: a header,
 * one band per cluster of nearby mappings with every region a rectangle
 * (width growing with log2 of its size, coloured by label, a tooltip each),
 * and a legend of the labels present.  Returns 0, -ENOMEM, or -EIO when f
 * reports an error. */
int mm_svg_write(FILE *f, const struct mm_snapshot *snap);

/* mm_svg_write() into a new file at path.  Returns 0 or -errno. */
int mm_svg_save(const char *path, const struct mm_snapshot *snap);

#endif
