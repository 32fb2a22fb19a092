/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mountinfo.c: the target's mounts (/proc/PID/mountinfo), to tell which
 * mapped files lie on network or user-space file systems.  Opening such a
 * file (map_files/, or a path walk through root/) sends the server a
 * request; a server that stopped answering leaves the opener waiting in the
 * kernel, so those files are left alone unless --open-remote. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "read/mountinfo.h"

/* mountinfo of a process with 100,000 mounts is about 15 MB. */
enum { MOUNTINFO_MAX = 64 << 20 };

/* The next space-separated field of [*s, end), or NULL at the end. */
static const char *next_field(const char **s, const char *end, size_t *len)
{
	const char *p = *s, *start;

	while (p < end && *p == ' ') {
		p++;
	}
	start = p;
	while (p < end && *p != ' ') {
		p++;
	}
	*s = p;
	*len = (size_t)(p - start);
	return *len ? start : NULL;
}

/* The kernel writes " \t\n\\" in mount points as \ooo octal. */
static char *unescape(const char *s, size_t len)
{
	char *out = malloc(len + 1), *o = out;

	if (!out) {
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 3 < len &&
		    s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			*o++ = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static bool parse_dev(const char *s, size_t len, unsigned int *major, unsigned int *minor)
{
	char buf[32];

	if (len >= sizeof(buf)) {
		return false;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return sscanf(buf, "%u:%u", major, minor) == 2;
}

/* "id parent major:minor root mount-point options [optional...] - fstype
 * source super-options" */
static int parse_line(struct mm_mountinfo *mi, const char *s, const char *end)
{
	const char *f[5], *type;
	size_t len[5], tlen;
	struct mm_mount m = { 0 };
	struct mm_mount *more;

	for (int i = 0; i < 5; i++) {
		if (!(f[i] = next_field(&s, end, &len[i]))) {
			return 0;
		}
	}
	/* Optional fields up to the lone "-". */
	do {
		type = next_field(&s, end, &tlen);
	} while (type && !(tlen == 1 && *type == '-'));
	if (!type || !(type = next_field(&s, end, &tlen)) ||
	    !parse_dev(f[2], len[2], &m.major, &m.minor)) {
		return 0;
	}
	m.mount_point = unescape(f[4], len[4]);
	m.fstype = unescape(type, tlen);
	more = reallocarray(mi->mounts, mi->n + 1, sizeof(*mi->mounts));
	if (!m.mount_point || !m.fstype || !more) {
		free(m.mount_point);
		free(m.fstype);
		if (more) {
			mi->mounts = more;
		}
		return -ENOMEM;
	}
	mi->mounts = more;
	mi->mounts[mi->n++] = m;
	return 0;
}

int mm_mountinfo_parse(struct mm_mountinfo *mi, const char *text, size_t len)
{
	const char *s = text, *end = text + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;
		int rc = parse_line(mi, s, eol);

		if (rc) {
			return rc;
		}
		s = eol + 1;
	}
	return 0;
}

void mm_mountinfo_finish(struct mm_mountinfo *mi)
{
	for (size_t i = 0; i < mi->n; i++) {
		free(mi->mounts[i].mount_point);
		free(mi->mounts[i].fstype);
	}
	free(mi->mounts);
	*mi = (struct mm_mountinfo){ 0 };
}

const char *mm_mountinfo_fstype(const struct mm_mountinfo *mi, unsigned int major,
				unsigned int minor)
{
	/* A file system mounted twice has one type: the first will do. */
	for (size_t i = 0; i < mi->n; i++) {
		if (mi->mounts[i].major == major && mi->mounts[i].minor == minor) {
			return mi->mounts[i].fstype;
		}
	}
	return NULL;
}

const char *mm_mountinfo_path_fstype(const struct mm_mountinfo *mi, const char *path)
{
	const char *type = NULL;
	size_t best = 0;

	/* Later lines mount over earlier ones: the last longest match wins. */
	for (size_t i = 0; path && i < mi->n; i++) {
		const char *mp = mi->mounts[i].mount_point;
		size_t n = strlen(mp);

		while (n > 1 && mp[n - 1] == '/') {
			n--;
		}
		if (n == 1 && mp[0] == '/') {
			n = 0;	/* "/" is a prefix of every absolute path */
		} else if (strncmp(path, mp, n) != 0 || (path[n] != '/' && path[n] != '\0')) {
			continue;
		}
		if (path[0] == '/' && n >= best) {
			best = n;
			type = mi->mounts[i].fstype;
		}
	}
	return type;
}

bool mm_fstype_is_remote(const char *fstype)
{
	/* Prefixes: "fuse" is fuse, fuse.sshfs, fuseblk; "nfs" is nfs, nfs4. */
	static const char *const prefixes[] = {
		"fuse", "nfs", "cifs", "smb", "9p", "ceph", "glusterfs", "afs",
		"sshfs", "virtiofs", "lustre", "gfs2", "ocfs2", "coda", "ncp",
		"orangefs", "pvfs2", "beegfs", "gpfs", "davfs", "s3fs", "curlftpfs",
	};

	if (!fstype) {
		return false;
	}
	if (strcmp(fstype, "nfsd") == 0) {
		return false;	/* the NFS server's own control file system */
	}
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (strncmp(fstype, prefixes[i], strlen(prefixes[i])) == 0) {
			return true;
		}
	}
	return false;
}

/* Reads a mountinfo file whole into mi.  A missing file leaves mi empty. */
static int load(struct mm_mountinfo *mi, int fd)
{
	size_t have = 0, cap = 64 * 1024;
	char *buf = malloc(cap), *more;
	int rc = 0;

	if (fd < 0) {
		free(buf);
		return fd == -ENOMEM ? -ENOMEM : 0;
	}
	while (buf) {
		ssize_t n;

		if (have == cap) {
			if (cap >= MOUNTINFO_MAX) {
				break;	/* the mounts read so far will do */
			}
			more = realloc(buf, cap * 2);
			if (!more) {
				break;
			}
			buf = more;
			cap *= 2;
		}
		n = read(fd, buf + have, cap - have);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break;
		}
		have += (size_t)n;
	}
	close(fd);
	if (!buf) {
		return -ENOMEM;
	}
	rc = mm_mountinfo_parse(mi, buf, have);
	free(buf);
	return rc;
}

/* The file system of m's file: the target's mounts by device, then by the
 * path's mount point; for a live target also memmap's own mounts (the
 * target may be in another mount namespace that shows the device not). */
static const char *mapping_fstype(const struct mm_mountinfo *theirs,
				  const struct mm_mountinfo *ours, const struct mm_mapping *m)
{
	const char *by_dev = mm_mountinfo_fstype(theirs, m->dev_major, m->dev_minor);
	const char *by_path = mm_mountinfo_path_fstype(theirs, m->path);

	if (!by_dev) {
		by_dev = mm_mountinfo_fstype(ours, m->dev_major, m->dev_minor);
	}
	if (mm_fstype_is_remote(by_dev) || !mm_fstype_is_remote(by_path)) {
		return by_dev;
	}
	return by_path;
}

struct remote_count {
	const char *fstype;
	size_t n;
};

static int warn_counts(struct mm_snapshot *snap, const struct remote_count *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (mm_snapshot_warn(snap, "%zu mapping%s on %s not opened; --open-remote to "
				     "read them", c[i].n, c[i].n == 1 ? "" : "s",
				     c[i].fstype) < 0) {
			return -ENOMEM;
		}
	}
	return 0;
}

/* Remembers m's range in t, so that its memory is never read either. */
static int add_remote_range(struct mm_target *t, const struct mm_mapping *m)
{
	uint64_t (*more)[2] = reallocarray(t->remote, t->nremote + 1, sizeof(*more));

	if (!more) {
		return -ENOMEM;
	}
	t->remote = more;
	t->remote[t->nremote][0] = m->start;
	t->remote[t->nremote][1] = m->end;
	t->nremote++;
	return 0;
}

/* The mount tables last read, one set a thread (a sweep reads its
 * processes on one worker thread, and an abandoned worker may still run
 * beside the next): the processes of one mount namespace under one root
 * see the same table, so a sweep reads it once a namespace, not once a
 * process.  Keyed by the namespace and the root as the links in /proc
 * name them. */
struct mount_cache {
	char key[PATH_MAX + 64];
	bool valid;
	struct mm_mountinfo theirs, ours;
};

static pthread_key_t cache_key;
static bool cache_key_ok;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_clear(struct mount_cache *c)
{
	mm_mountinfo_finish(&c->theirs);
	mm_mountinfo_finish(&c->ours);
	c->valid = false;
}

static void cache_free(void *p)
{
	cache_clear(p);
	free(p);
}

static void cache_key_init(void)
{
	cache_key_ok = pthread_key_create(&cache_key, cache_free) == 0;
}

/* This thread's cache, or NULL. */
static struct mount_cache *thread_cache(void)
{
	struct mount_cache *c;

	pthread_once(&cache_once, cache_key_init);
	if (!cache_key_ok) {
		return NULL;
	}
	c = pthread_getspecific(cache_key);
	if (!c && (c = calloc(1, sizeof(*c))) && pthread_setspecific(cache_key, c)) {
		free(c);
		c = NULL;
	}
	return c;
}

/* "mnt:[4026531841] /": t's mount namespace and root, or false when
 * either link cannot be read (then nothing is shared). */
static bool mount_key(const struct mm_target *t, char *key, size_t len)
{
	char path[PATH_MAX], ns[64];
	ssize_t n, m;

	snprintf(path, sizeof(path), "%s/ns/mnt", t->dir);
	n = readlink(path, ns, sizeof(ns) - 1);
	if (n <= 0 || (size_t)n + 2 >= len) {
		return false;
	}
	memcpy(key, ns, (size_t)n);
	key[n] = ' ';
	snprintf(path, sizeof(path), "%s/root", t->dir);
	m = readlink(path, key + n + 1, len - (size_t)n - 2);
	if (m <= 0 || (size_t)m >= len - (size_t)n - 2) {
		return false;
	}
	key[n + 1 + m] = '\0';
	return true;
}

/* Whether the table knows the device of every mapped file: one it does
 * not know may be a file system mounted since the table was read. */
static bool knows_every_device(const struct mm_mountinfo *mi, const struct mm_snapshot *snap)
{
	const struct mm_mapping *prev = NULL;

	for (size_t i = 0; i < snap->nmappings; i++) {
		const struct mm_mapping *m = &snap->mappings[i];

		if (!m->inode || !m->path || (prev && prev->dev_major == m->dev_major &&
					      prev->dev_minor == m->dev_minor)) {
			continue;
		}
		if (!mm_mountinfo_fstype(mi, m->dev_major, m->dev_minor)) {
			return false;
		}
		prev = m;
	}
	return true;
}

/* The target's mount table and memmap's own (none for a captured tree):
 * the thread's cached pair when the target shares its namespace and
 * root and the table knows every mapped file's device, else both read
 * afresh (and kept for the next process).  *theirs and *ours point into
 * the cache or at own.  Returns 0 or -ENOMEM. */
static int mount_tables(struct mm_target *t, const struct mm_snapshot *snap,
			struct mount_cache *own, const struct mm_mountinfo **theirs,
			const struct mm_mountinfo **ours)
{
	struct mount_cache *c = t->captured ? NULL : thread_cache();
	char key[sizeof(c->key)];
	int rc;

	if (c && !mount_key(t, key, sizeof(key))) {
		c = NULL;
	}
	if (c && c->valid && strcmp(c->key, key) == 0 && knows_every_device(&c->theirs, snap)) {
		*theirs = &c->theirs;
		*ours = &c->ours;
		return 0;
	}
	if (c) {
		cache_clear(c);
	} else {
		c = own;
	}
	rc = load(&c->theirs, mm_target_open(t, "mountinfo", O_RDONLY));
	if (!rc && !t->captured) {
		rc = load(&c->ours, open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC));
	}
	if (!rc && c != own) {
		snprintf(c->key, sizeof(c->key), "%s", key);
		c->valid = true;
	}
	*theirs = &c->theirs;
	*ours = &c->ours;
	return rc;
}

int mm_mark_remote_mappings(struct mm_target *t, struct mm_snapshot *snap,
			    bool open_remote)
{
	struct mount_cache own = { 0 };
	const struct mm_mountinfo *theirs, *ours;
	struct remote_count counts[8];
	const struct mm_mapping *prev = NULL;
	const char *type = NULL;
	size_t ncounts = 0;
	int marked = 0, rc;

	if (open_remote) {
		return 0;
	}
	rc = mount_tables(t, snap, &own, &theirs, &ours);
	for (size_t i = 0; !rc && i < snap->nmappings; i++) {
		struct mm_mapping *m = &snap->mappings[i];
		size_t k;

		if (!m->inode || !m->path) {
			continue;
		}
		/* The answer depends on the device and path only: a file's
		 * segments, or 20,000 "/dev/zero (deleted)", ask once. */
		if (!prev || prev->dev_major != m->dev_major ||
		    prev->dev_minor != m->dev_minor || strcmp(prev->path, m->path) != 0) {
			type = mapping_fstype(theirs, ours, m);
			prev = m;
		}
		if (!mm_fstype_is_remote(type)) {
			continue;
		}
		m->remote = true;
		marked++;
		rc = add_remote_range(t, m);
		for (k = 0; k < ncounts && strcmp(counts[k].fstype, type) != 0; k++) {
		}
		if (k == ncounts && ncounts < sizeof(counts) / sizeof(counts[0])) {
			counts[ncounts++] = (struct remote_count){ .fstype = type };
		}
		if (k < ncounts) {
			counts[k].n++;
		}
	}
	if (!rc) {
		rc = warn_counts(snap, counts, ncounts);
	}
	cache_clear(&own);
	return rc < 0 ? rc : marked;
}
