/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fleet.h: memmap over many processes — several PIDs or names, --all,
 * --user, --cgroup — as a process list, label totals, one JSON document
 * or Prometheus metrics. */
#ifndef MEMMAP_CLI_FLEET_H
#define MEMMAP_CLI_FLEET_H

#include <stdbool.h>

#include "cli/options.h"

/* The default per-process time budget (--budget). */
#define MM_FLEET_BUDGET_MS 5000

/* Whether o asks for the many-process views. */
bool mm_fleet_wanted(const struct mm_options *o);

/* The combinations that make no sense with them (ARGP_KEY_END).  Returns
 * 0 or -EINVAL with a message in err. */
int mm_fleet_check(const struct mm_options *o, char *err, size_t errlen);

/* Selects, reads and prints the processes.  Returns an exit status:
 * EXIT_OK (every process read whole), EXIT_PARTIAL (some rows carry a
 * reason: not permitted, partial, over budget; a process that exited is
 * not counted), EXIT_TARGET (none read, or none matched), EXIT_USAGE,
 * EXIT_OUTPUT. */
int mm_fleet_main(const struct mm_options *o);

#endif
