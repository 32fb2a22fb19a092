/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mountinfo.h: which file system a mapping's file lives on, from the
 * target's /proc/PID/mountinfo, so that files on network and user-space
 * file systems (FUSE, NFS, CIFS...) are never opened unless asked: a server
 * that stopped answering would block memmap for good. */
#ifndef MEMMAP_MOUNTINFO_H
#define MEMMAP_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"
#include "read/target.h"

struct mm_mount {
	unsigned int major, minor;	/* st_dev of the file system */
	char *mount_point;		/* as the target sees it, escapes undone */
	char *fstype;			/* "ext4", "fuse.sshfs", "nfs4" */
};

struct mm_mountinfo {
	struct mm_mount *mounts;
	size_t n;
};

/* Parses mountinfo text.  Pure.  Lines it cannot read are skipped (the
 * format grows optional fields).  Returns 0 or -ENOMEM. */
int mm_mountinfo_parse(struct mm_mountinfo *mi, const char *text, size_t len);
void mm_mountinfo_finish(struct mm_mountinfo *mi);

/* The file system type of device major:minor, or NULL when unknown. */
const char *mm_mountinfo_fstype(const struct mm_mountinfo *mi, unsigned int major,
				unsigned int minor);

/* The type of the mount the path lies in (the longest mount point that is
 * a prefix of it), or NULL. */
const char *mm_mountinfo_path_fstype(const struct mm_mountinfo *mi, const char *path);

/* Whether fstype is a network or user-space file system: one whose server
 * can stop answering while a reader waits in the kernel. */
bool mm_fstype_is_remote(const char *fstype);

/* Marks every file mapping of snap on such a file system (by device, or by
 * the mount its path lies in) as remote, which the image reader then never
 * opens nor mm_target_read() reads, and adds one warning per file-system
 * type.  With open_remote, marks nothing.  The mount tables read are kept
 * (per thread) for the next process of the same mount namespace and root,
 * and read again when a mapped file's device is not in them.  Returns the
 * number of mappings marked, or -ENOMEM. */
int mm_mark_remote_mappings(struct mm_target *t, struct mm_snapshot *snap,
			    bool open_remote);

#endif
