/* SPDX-License-Identifier: GPL-2.0-or-later */
/* identity.c: a process's command line, user, start time and cgroup from
 * /proc/PID/{cmdline,status,stat,cgroup}; every file is small text read
 * once, bounded, and nothing the process maps is opened. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "read/identity.h"

/* Longest file read here: a command line longer than this is cut. */
#define MAX_TEXT (64 * 1024)

/* dir/name read whole (at most MAX_TEXT bytes), NUL-terminated; *len its
 * length.  NULL when it cannot be read (errno set). */
static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[512], *buf;
	size_t got = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return NULL;
	}
	buf = malloc(MAX_TEXT + 1);
	while (buf && got < MAX_TEXT) {
		ssize_t n = read(fd, buf + got, MAX_TEXT - got);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	if (buf) {
		buf[got] = '\0';
	}
	*len = got;
	return buf;
}

long mm_status_euid(const char *status)
{
	const char *p = strstr(status, "\nUid:");
	long real, eff;

	if (!p || sscanf(p + 5, "%ld %ld", &real, &eff) != 2) {
		return -1;
	}
	return eff;
}

char *mm_cgroup_unit(const char *path)
{
	static const char *const kinds[] = { ".service", ".scope", ".socket",
					     ".mount", ".swap" };
	const char *last = strrchr(path, '/');
	size_t n;

	last = last ? last + 1 : path;
	n = strlen(last);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t k = strlen(kinds[i]);

		if (n > k && strcmp(last + n - k, kinds[i]) == 0) {
			return strdup(last);
		}
	}
	return NULL;
}

char *mm_cgroup_container_id(const char *path)
{
	/* docker-ID.scope, cri-containerd-ID.scope, crio-ID.scope,
	 * libpod-ID.scope, /docker/ID, /kubepods/.../ID: a run of exactly
	 * 64 hex digits between separators. */
	for (const char *p = path; *p; p++) {
		size_t n = 0;

		if (p != path && isxdigit((unsigned char)p[-1])) {
			continue;
		}
		while (isxdigit((unsigned char)p[n]) && !isupper((unsigned char)p[n])) {
			n++;
		}
		if (n == 64 && (p[n] == '\0' || p[n] == '.' || p[n] == '/')) {
			return strndup(p, 64);
		}
		p += n ? n - 1 : 0;
	}
	return NULL;
}

/* btime from /proc/stat: the boot time, in seconds since the epoch.
 * Read once: /proc/stat is costly (a line a CPU, every interrupt count)
 * and a sweep over hundreds of processes needs it for each. */
static unsigned long long boot_time(const char *proc_root)
{
	static unsigned long long cached;
	static char cached_root[256];
	char *sys, *b;
	size_t len;

	if (cached && strcmp(cached_root, proc_root) == 0) {
		return cached;
	}
	sys = slurp(proc_root, "stat", &len);
	b = sys ? strstr(sys, "\nbtime ") : NULL;
	if (b) {
		cached = strtoull(b + 7, NULL, 10);
		snprintf(cached_root, sizeof(cached_root), "%s", proc_root);
	}
	free(sys);
	return b ? cached : 0;
}

/* Seconds since the epoch the process started: its starttime (clock
 * ticks after boot, field 22 of stat) plus the boot time. */
static uint64_t start_time(const char *proc_root, const char *stat)
{
	const char *p = strrchr(stat, ')');
	unsigned long long ticks = 0, btime;
	long hz = sysconf(_SC_CLK_TCK);

	if (!p || hz <= 0) {
		return 0;
	}
	/* after ")": state is field 3, starttime field 22 */
	p += 2;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		p = p ? p + 1 : NULL;
	}
	if (!p || sscanf(p, "%llu", &ticks) != 1) {
		return 0;
	}
	btime = boot_time(proc_root);
	return btime ? btime + ticks / (unsigned long long)hz : 0;
}

/* The command line with its NULs as spaces, trailing ones dropped. */
static char *cmdline_text(char *buf, size_t len)
{
	while (len && buf[len - 1] == '\0') {
		len--;
	}
	if (!len) {
		free(buf);
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\0') {
			buf[i] = ' ';
		}
	}
	buf[len] = '\0';
	return buf;
}

/* The cgroup v2 line's path ("0::/path"); on a v1-only system, the path
 * of the first line ("12:memory:/path"). */
static char *cgroup_path(const char *text)
{
	const char *first = NULL;

	for (const char *ln = text; *ln; ) {
		const char *nl = strchr(ln, '\n');
		const char *end = nl ? nl : ln + strlen(ln);
		const char *c1 = memchr(ln, ':', (size_t)(end - ln));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;

		if (c2 && strncmp(ln, "0::", 3) == 0) {
			return strndup(c2 + 1, (size_t)(end - c2 - 1));
		}
		if (c2 && !first) {
			first = c2 + 1;
		}
		ln = nl ? nl + 1 : end;
	}
	if (!first) {
		return NULL;
	}
	return strndup(first, strcspn(first, "\n"));
}

/* The user's name; the last one looked up is kept, as most processes of
 * a sweep in PID order share their neighbour's user. */
static char *user_name(long uid)
{
	static long last_uid = -1;
	static char last_name[256];
	struct passwd pw, *res = NULL;
	char buf[1024], *name;

	if (uid < 0) {
		return NULL;
	}
	if (uid == last_uid) {
		return strdup(last_name);
	}
	if (getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res) == 0 && res &&
	    strlen(res->pw_name) < sizeof(last_name)) {
		last_uid = uid;
		snprintf(last_name, sizeof(last_name), "%s", res->pw_name);
		return strdup(res->pw_name);
	}
	return asprintf(&name, "%ld", uid) < 0 ? NULL : name;
}

/* The command name between stat's first "(" and last ")": the kernel
 * writes it there raw, as in comm, whose reader stops at a newline. */
static char *stat_comm(const char *stat)
{
	const char *lp = strchr(stat, '('), *rp = strrchr(stat, ')');
	char *comm;

	if (!lp || !rp || rp < lp || !(comm = strndup(lp + 1, (size_t)(rp - lp - 1)))) {
		return NULL;
	}
	comm[strcspn(comm, "\n")] = '\0';
	return comm;
}

int mm_identity_read(const char *proc_root, pid_t pid, struct mm_identity *id, char **comm)
{
	const char *root = proc_root ? proc_root : "/proc";
	char dir[256], host[256], *text;
	size_t len;

	*id = (struct mm_identity){ .uid = -1 };
	if (comm) {
		*comm = NULL;
	}
	snprintf(dir, sizeof(dir), "%s/%d", root, (int)pid);
	if ((text = slurp(dir, "cmdline", &len))) {
		id->cmdline = cmdline_text(text, len);
	}
	if ((text = slurp(dir, "status", &len))) {
		id->uid = mm_status_euid(text);
		free(text);
		id->user = user_name(id->uid);
	}
	if ((text = slurp(dir, "stat", &len))) {
		id->start_time = start_time(root, text);
		if (comm) {
			*comm = stat_comm(text);
		}
		free(text);
	}
	if ((text = slurp(dir, "cgroup", &len))) {
		id->cgroup = cgroup_path(text);
		free(text);
	}
	if (id->cgroup) {
		id->unit = mm_cgroup_unit(id->cgroup);
		id->container_id = mm_cgroup_container_id(id->cgroup);
	}
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		id->hostname = strdup(host);
	}
	return id->hostname ? 0 : -ENOMEM;
}
