/* label_kernel.c: the first labeller — what the kernel's own names, flags
 * and inode numbers say about each mapping. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "label/classify.h"

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "[anon:NAME]" → NAME, allocated; NULL when s has another form. */
static char *bracket_name(const char *s, const char *prefix)
{
	size_t plen = strlen(prefix), len = strlen(s);

	if (len < plen + 1 || !starts_with(s, prefix) || s[len - 1] != ']') {
		return NULL;
	}
	return strndup(s + plen, len - plen - 1);
}

static int label_special(struct mm_mapping *m)
{
	static const struct {
		const char *name;
		enum mm_label label;
	} names[] = {
		{ "[heap]", MM_HEAP }, { "[stack]", MM_STACK },
		{ "[vdso]", MM_KERNEL_VDSO }, { "[vvar]", MM_KERNEL_VVAR },
		{ "[vvar_vclock]", MM_KERNEL_VVAR },
		{ "[vsyscall]", MM_KERNEL_VSYSCALL },
	};
	char *name;
	int rc;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(m->path, names[i].name) == 0) {
			return mm_mapping_reset_regions(m, names[i].label, MM_HOW_KERNEL, NULL);
		}
	}
	if ((name = bracket_name(m->path, "[anon:")) ||
	    (name = bracket_name(m->path, "[anon_shmem:"))) {
		rc = mm_mapping_reset_regions(m, MM_ANON_NAMED, MM_HOW_KERNEL, name);
		free(name);
		return rc;
	}
	if ((name = bracket_name(m->path, "[stack:"))) {	/* kernels before 4.5 */
		char detail[64];

		snprintf(detail, sizeof(detail), "tid %s", name);
		free(name);
		return mm_mapping_reset_regions(m, MM_THREAD_STACK, MM_HOW_KERNEL, detail);
	}
	/* [uprobes] and names newer than us: say what the kernel said. */
	return mm_mapping_reset_regions(m, MM_ANON, MM_HOW_KERNEL, m->path);
}

static bool is_shmem_path(const struct mm_mapping *m)
{
	return starts_with(m->path, "/memfd:") || starts_with(m->path, "/SYSV") ||
	       starts_with(m->path, "/dev/shm/") ||
	       (m->deleted && m->perms[3] == 's' && strcmp(m->path, "/dev/zero") == 0);
}

/* A file really named "x (deleted)" looks like a deleted "x".  Believe
 * the suffix only when no file of that full name has the mapped inode. */
static int undo_deleted_spoof(struct mm_target *t, struct mm_mapping *m)
{
	struct stat st;
	char *full, *path;

	if (asprintf(&full, "%s (deleted)", m->path) < 0) {
		return -ENOMEM;
	}
	if (t->captured) {
		path = strdup(full);
	} else if (asprintf(&path, "%s/root%s", t->dir, full) < 0) {
		path = NULL;
	}
	if (path && stat(path, &st) == 0 && st.st_ino == m->inode) {
		free(m->path);
		m->path = full;
		m->deleted = false;
		full = NULL;
	}
	free(path);
	free(full);
	return 0;
}

int mm_label_kernel(struct mm_classify *ctx)
{
	struct mm_snapshot *snap = ctx->snap;

	for (size_t i = 0; i < snap->nmappings; i++) {
		struct mm_mapping *m = &snap->mappings[i];
		bool shared = m->perms[3] == 's';
		int rc;

		if (m->deleted && m->inode && (rc = undo_deleted_spoof(ctx->target, m))) {
			return rc;
		}
		if (!m->path) {
			rc = mm_mapping_reset_regions(m, shared ? MM_SHMEM : MM_ANON,
						      MM_HOW_KERNEL, NULL);
		} else if (m->path[0] == '[') {
			rc = label_special(m);
		} else if (is_shmem_path(m)) {
			rc = mm_mapping_reset_regions(m, MM_SHMEM, MM_HOW_KERNEL, NULL);
		} else {
			rc = mm_mapping_reset_regions(m, MM_FILE, MM_HOW_KERNEL, NULL);
		}
		if (rc) {
			return rc;
		}
	}
	return 0;
}
