/* exit.h: memmap's exit statuses, as memmap(1) documents them under EXIT
 * STATUS and --help repeats.  Only the command line decides them. */
#ifndef MEMMAP_EXIT_H
#define MEMMAP_EXIT_H

enum {
	EXIT_OK = 0,
	EXIT_PARTIAL = 1,	/* printed, but some part could not be read */
	EXIT_TARGET = 2,	/* the target (or a snapshot file) could not be
				 * read, or the input was bad */
	EXIT_USAGE = 64,	/* as sysexits.h's EX_USAGE */
	EXIT_OUTPUT = 74,	/* the output could not be written (EX_IOERR) */
};

#endif
