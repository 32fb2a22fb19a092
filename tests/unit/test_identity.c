/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_identity.c: the pure parts of read/identity.c — the systemd unit
 * and the container id a cgroup path names, the effective uid of a status
 * text — and a captured /proc tree read whole, against hand-written truth. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read/identity.h"
#include "harness.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void eq_owned(char *got, const char *want, const char *what, int line)
{
	int ok = (!got && !want) || (got && want && strcmp(got, want) == 0);

	CHECK_AT(line, ok, "%s: got %s, want %s", what, got ? got : "NULL",
		 want ? want : "NULL");
	free(got);
}

static void test_unit(void)
{
	static const struct { const char *path, *unit; } cases[] = {
		{ "/system.slice/nginx.service", "nginx.service" },
		{ "/user.slice/user-1000.slice/session-3.scope", "session-3.scope" },
		{ "/system.slice/docker-" ID64 ".scope", "docker-" ID64 ".scope" },
		{ "/", NULL },
		{ "/system.slice", NULL },
		{ "/.service", NULL },
		{ "", NULL },
		{ "/a/b/x.socket", "x.socket" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		eq_owned(mm_cgroup_unit(cases[i].path), cases[i].unit, cases[i].path, __LINE__);
	}
}

static void test_container(void)
{
	static const struct { const char *path, *id; } cases[] = {
		{ "/system.slice/docker-" ID64 ".scope", ID64 },
		{ "/docker/" ID64, ID64 },
		{ "/kubepods/burstable/pod1234/" ID64, ID64 },
		{ "/kubepods.slice/cri-containerd-" ID64 ".scope", ID64 },
		{ "/machine.slice/libpod-" ID64 ".scope/container", ID64 },
		/* 63 and 65 hex digits, upper case: none */
		{ "/docker/" ID64 "0", NULL },
		{ "/docker/123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  NULL },
		{ "/docker/0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
		  NULL },
		{ "/process_api/86926bb67097b091dd901d19bc2e47f3", NULL },
		{ "/", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		eq_owned(mm_cgroup_container_id(cases[i].path), cases[i].id,
			 cases[i].path, __LINE__);
	}
}

static void test_euid(void)
{
	EQ_U64((uint64_t)mm_status_euid("Name:\tx\nUid:\t1000\t65534\t0\t0\n"), 65534);
	CHECK(mm_status_euid("Name:\tx\nGid:\t1\t2\t3\t4\n") == -1, "no Uid line");
	CHECK(mm_status_euid("Name:\tx\nUid:\t1000\n") == -1, "a short Uid line");
	CHECK(mm_status_euid("") == -1, "empty");
}

static void put(const char *dir, const char *name, const char *text, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	CHECK(f != NULL, "create %s", path);
	if (f) {
		fwrite(text, 1, len, f);
		fclose(f);
	}
}

/* A captured tree: cmdline with NULs, a v1+v2 cgroup file, stat with a
 * comm holding ") (", btime in the tree's own stat. */
static void test_captured(void)
{
	char root[] = "/tmp/memmap-identity-XXXXXX", dir[600];
	static const char cmdline[] = "nginx: worker\0--flag\0\0";
	static const char cgroup[] = "12:memory:/v1/path\n0::/system.slice/nginx.service\n";
	static const char stat[] = "42 (a) (b) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 "
				   "20 0 1 0 500 1000 100\n";
	struct mm_identity id;
	long hz = sysconf(_SC_CLK_TCK);
	char *comm;

	if (!mkdtemp(root)) {
		CHECK(0, "mkdtemp");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/42", root);
	mkdir(dir, 0755);
	put(dir, "cmdline", cmdline, sizeof(cmdline) - 1);
	put(dir, "cgroup", cgroup, strlen(cgroup));
	put(dir, "stat", stat, strlen(stat));
	put(dir, "status", "Name:\ta\nUid:\t0\t0\t0\t0\n", 21);
	put(root, "stat", "cpu 1 2 3\nbtime 1700000000\n", 27);

	CHECK(mm_identity_read(root, 42, &id, NULL) == 0, "read the captured tree");
	EQ_STR(id.cmdline, "nginx: worker --flag");
	EQ_STR(id.cgroup, "/system.slice/nginx.service");
	EQ_STR(id.unit, "nginx.service");
	EQ_STR(id.container_id, NULL);
	EQ_STR(id.user, "root");
	EQ_U64((uint64_t)id.uid, 0);
	EQ_U64(id.start_time, 1700000000 + (uint64_t)(500 / hz));
	CHECK(id.hostname != NULL, "the hostname");
	mm_identity_finish(&id);
	CHECK(mm_identity_read(root, 42, &id, &comm) == 0, "read it again with comm");
	eq_owned(comm, "a) (b", "comm from stat", __LINE__);
	mm_identity_finish(&id);

	snprintf(dir, sizeof(dir), "rm -rf '%s'", root);
	CHECK(system(dir) == 0, "clean up");
}

/* This process's comm, with a newline in it, against its own
 * /proc/PID/comm up to the first newline (as memmap read it before). */
static void test_live_comm(void)
{
	char path[64], buf[64] = "", *comm = NULL;
	struct mm_identity id;
	FILE *f;

	CHECK(prctl(PR_SET_NAME, "id t\nx)y", 0, 0, 0) == 0, "name this process");
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)getpid());
	if ((f = fopen(path, "r"))) {
		CHECK(fgets(buf, sizeof(buf), f) != NULL, "read %s", path);
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	CHECK(mm_identity_read(NULL, getpid(), &id, &comm) == 0, "read this process");
	CHECK(strcmp(buf, "id t") == 0, "comm file: %s", buf);
	eq_owned(comm, buf, "comm from stat", __LINE__);
	mm_identity_finish(&id);
}

int main(void)
{
	test_live_comm();
	test_unit();
	test_container();
	test_euid();
	test_captured();
	return mm_test_done("test_identity");
}
