/* SPDX-License-Identifier: GPL-2.0-or-later */
/* label_kernel.c: the first labeller — what the kernel's own names, flags
 * and inode numbers say about each mapping. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "label/classify.h"

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "PREFIXNAME]" → NAME and its length; NULL when s has another form. */
static const char *bracket_name(const char *s, const char *prefix, size_t *len)
{
	size_t plen = strlen(prefix), l = strlen(s);

	if (l < plen + 1 || !starts_with(s, prefix) || s[l - 1] != ']') {
		return NULL;
	}
	*len = l - plen - 1;
	return s + plen;
}

const char *mm_anon_name_of(const char *path, bool shmem, size_t *len)
{
	const char *name = path ? bracket_name(path, "[anon:", len) : NULL;

	if (!name && path && shmem) {
		name = bracket_name(path, "[anon_shmem:", len);
	}
	return name;
}

const char *mm_anon_name(const struct mm_mapping *m, size_t *len)
{
	const char *p;

	if (m->nregions != 1 || m->regions[0].label != MM_ANON_NAMED ||
	    !(p = mm_anon_name_of(m->path, false, len))) {
		return NULL;
	}
	while (*len && *p == ' ') {
		p++;
		(*len)--;
	}
	return p;
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
	const char *name;
	char *detail;
	size_t len;
	int rc;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(m->path, names[i].name) == 0) {
			return mm_mapping_reset_regions(m, names[i].label, MM_HOW_KERNEL, NULL);
		}
	}
	if ((name = mm_anon_name_of(m->path, true, &len))) {
		if (!(detail = strndup(name, len))) {
			return -ENOMEM;
		}
		rc = mm_mapping_reset_regions(m, MM_ANON_NAMED, MM_HOW_KERNEL, detail);
		free(detail);
		return rc;
	}
	if ((name = bracket_name(m->path, "[stack:", &len))) {	/* kernels before 4.5 */
		char tid[64];

		snprintf(tid, sizeof(tid), "tid %.*s", (int)(len < 4096 ? len : 4096), name);
		return mm_mapping_reset_regions(m, MM_THREAD_STACK, MM_HOW_KERNEL, tid);
	}
	/* [uprobes] and names newer than us: say what the kernel said. */
	return mm_mapping_reset_regions(m, MM_ANON, MM_HOW_KERNEL, m->path);
}

int mm_label_kernel(struct mm_classify *ctx)
{
	struct mm_snapshot *snap = ctx->snap;

	for (size_t i = 0; i < snap->nmappings; i++) {
		struct mm_mapping *m = &snap->mappings[i];
		bool shared = m->perms[3] == 's';
		int rc;

		if (mm_mapping_has_flag(m, "ht")) {	/* hugetlb, file or not */
			rc = mm_mapping_reset_regions(m, MM_HUGETLB, MM_HOW_KERNEL, NULL);
		} else if (!m->path) {
			rc = mm_mapping_reset_regions(m, shared ? MM_SHMEM : MM_ANON,
						      MM_HOW_KERNEL, NULL);
		} else if (m->path[0] == '[') {
			rc = label_special(m);
		} else if (mm_mapping_is_shmem(m)) {
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
