/* SPDX-License-Identifier: GPL-2.0-or-later */
/* identity.h: who a process is — command line, user, start time, cgroup,
 * the systemd unit and container id that cgroup names — read from its
 * /proc directory as plain text, without opening anything it maps. */
#ifndef MEMMAP_IDENTITY_H
#define MEMMAP_IDENTITY_H

#include <sys/types.h>

#include "model/model.h"

/* Fills id for pid below proc_root (NULL: /proc), and *comm (when comm is
 * not NULL) with the command name as /proc/PID/comm gives it, from the
 * stat file read anyway.  What cannot be read stays NULL (or -1, 0); the
 * hostname is this machine's.  Returns 0, or -ENOMEM.  Not thread-safe:
 * it keeps the boot time and the last user name looked up. */
int mm_identity_read(const char *proc_root, pid_t pid, struct mm_identity *id, char **comm);

/* The systemd unit ("foo.service", "session-3.scope") that a cgroup path
 * ends in, or NULL.  Allocated; pure, for the unit tests. */
char *mm_cgroup_unit(const char *path);

/* The container id (64 hex digits) a cgroup path carries, as docker,
 * containerd, CRI-O and podman name them, or NULL.  Allocated. */
char *mm_cgroup_container_id(const char *path);

/* The effective uid on the "Uid:" line of a /proc/PID/status text, or -1. */
long mm_status_euid(const char *status);

#endif
