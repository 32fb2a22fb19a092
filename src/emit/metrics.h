/* SPDX-License-Identifier: GPL-2.0-or-later */
/* metrics.h: Prometheus metrics in the text exposition format that
 * node_exporter's textfile collector reads (OpenMetrics-compatible names:
 * memmap_..._bytes gauges, # HELP and # TYPE, no timestamps). */
#ifndef MEMMAP_METRICS_H
#define MEMMAP_METRICS_H

#include <stdbool.h>
#include <stdio.h>

#include "model/fleet.h"

/* The group a row's process belongs to for metrics: its systemd service
 * when its cgroup names one, else its command name. */
const char *mm_metrics_group(const struct mm_fleet_row *r);

/* Writes f's metrics: one series per process group and label (per_pid: per
 * process, with pid and comm).  Returns 0 or -errno. */
int mm_metrics_write(FILE *out, const struct mm_fleet *f, bool per_pid);

#endif
