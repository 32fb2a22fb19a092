/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_mountinfo.c: the mountinfo parser and the remote file-system rule
 * (read/mountinfo.c) on hand-written lines: optional fields, escaped mount
 * points, lines it must skip, the longest-prefix mount of a path, and which
 * file-system types count as network or user-space. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "read/mountinfo.h"

static const char text[] =
	"22 1 253:0 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
	"45 22 0:40 / /mnt/sshfs rw,nosuid shared:7 master:2 - fuse.sshfs me@host:/ rw\n"
	"46 22 0:41 /export /home/with\\040space rw - nfs4 srv:/export rw,vers=4.2\n"
	"47 46 0:42 / /home/with\\040space/local rw - ext4 /dev/vdb rw\n"
	"garbage without fields\n"
	"48 22 0:43 / /no-separator rw shared:9 ext4 /dev/vdc rw\n"
	"49 22 0:44 / /mnt/fuse rw - fuse fuse_stall rw\n"
	"50 22 0:45 / /nfsd rw - nfsd nfsd rw";	/* no newline at the end */

static void parse(void)
{
	struct mm_mountinfo mi = { 0 };

	if (!CHECK(mm_mountinfo_parse(&mi, text, strlen(text)) == 0, "parse")) {
		return;
	}
	EQ_U64(mi.n, 6);	/* the garbage and the line without "-" skipped */
	EQ_STR(mm_mountinfo_fstype(&mi, 253, 0), "ext4");
	EQ_STR(mm_mountinfo_fstype(&mi, 0, 40), "fuse.sshfs");
	EQ_STR(mm_mountinfo_fstype(&mi, 0, 41), "nfs4");
	EQ_STR(mm_mountinfo_fstype(&mi, 0, 43), NULL);
	EQ_STR(mm_mountinfo_fstype(&mi, 0, 45), "nfsd");
	EQ_STR(mm_mountinfo_fstype(&mi, 9, 9), NULL);
	EQ_STR(mi.mounts[2].mount_point, "/home/with space");

	EQ_STR(mm_mountinfo_path_fstype(&mi, "/usr/lib/libc.so.6"), "ext4");
	EQ_STR(mm_mountinfo_path_fstype(&mi, "/mnt/sshfs/a/b.so"), "fuse.sshfs");
	EQ_STR(mm_mountinfo_path_fstype(&mi, "/mnt/sshfs"), "fuse.sshfs");
	EQ_STR(mm_mountinfo_path_fstype(&mi, "/mnt/sshfsx/b.so"), "ext4");
	EQ_STR(mm_mountinfo_path_fstype(&mi, "/home/with space/x"), "nfs4");
	EQ_STR(mm_mountinfo_path_fstype(&mi, "/home/with space/local/x"), "ext4");
	EQ_STR(mm_mountinfo_path_fstype(&mi, "relative/path"), NULL);
	EQ_STR(mm_mountinfo_path_fstype(&mi, NULL), NULL);
	mm_mountinfo_finish(&mi);
	EQ_U64(mi.n, 0);
}

static void remote(void)
{
	static const char *const yes[] = {
		"fuse", "fuse.sshfs", "fuseblk", "nfs", "nfs4", "cifs", "smb3", "9p",
		"ceph", "glusterfs", "afs", "virtiofs", "lustre",
	};
	static const char *const no[] = {
		"ext4", "xfs", "btrfs", "tmpfs", "overlay", "proc", "hugetlbfs", "nfsd",
		"squashfs", "vfat",
	};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		CHECK(mm_fstype_is_remote(yes[i]), "%s is remote", yes[i]);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		CHECK(!mm_fstype_is_remote(no[i]), "%s is local", no[i]);
	}
	CHECK(!mm_fstype_is_remote(NULL), "an unknown type is local");
}

int main(void)
{
	parse();
	remote();
	return mm_test_done("mountinfo");
}
