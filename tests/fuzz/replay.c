/* SPDX-License-Identifier: GPL-2.0-or-later */
/* replay.c: the main() that turns a fuzz target into a plain test for any
 * compiler: every file named, and every file in every directory named
 * (sorted, not recursive), is fed once to LLVMFuzzerTestOneInput.  A
 * directory that does not exist counts as empty, so an empty regression
 * set needs no placeholder.  A crash or an invariant failure aborts. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			uint8_t *p = realloc(buf, cap ? cap * 2 : 65536);

			if (!p) {
				fclose(f);
				free(buf);
				return -1;
			}
			buf = p;
			cap = cap ? cap * 2 : 65536;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (n == 0) {
			break;
		}
		len += n;
	}
	fclose(f);
	/* Exactly len bytes, so an overread shows under a sanitizer. */
	uint8_t *exact = malloc(len ? len : 1);

	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, len);
	free(buf);
	printf("replay: %s (%zu bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int replay_dir(const char *dir, size_t *count)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name), rc = 0;

	if (n < 0) {
		return errno == ENOENT ? 0 : -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && stat(path, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			if (replay_file(path) < 0) {
				rc = -1;
			}
			(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			rc |= replay_dir(argv[i], &count);
		} else if (stat(argv[i], &st) == 0) {
			rc |= replay_file(argv[i]);
			count++;
		} else if (errno != ENOENT) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			rc = -1;
		}
	}
	printf("replay: %zu inputs replayed\n", count);
	return rc ? 1 : 0;
}
