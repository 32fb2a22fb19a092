/* SPDX-License-Identifier: GPL-2.0-or-later */
/* adjacent_fixture.c: a factory process for ELF placement by adjacency.  It
 * mmaps an ELF file (/usr/bin/bash, or argv[1]) read-only as data right
 * below a large malloc chunk, and dlopens libm and replaces the last pages
 * of its text segment with an anonymous PROT_NONE mapping (as V8 does with
 * its embedded code).  Neither anonymous neighbour may carry an ELF label.
 *
 * Records (addresses in hex, sizes in decimal bytes):
 *   pid PID
 *   data ADDR SIZE       the ELF file mapped as data
 *   chunk ADDR SIZE      the malloc chunk's mapping (header included)
 *   hole ADDR SIZE       the anonymous mapping inside libm's text
 *   ready
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (256 * 1024)

static uintptr_t text_end;

static int find_text(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	if (!strstr(info->dlpi_name, (const char *)arg)) {
		return 0;
	}
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
			text_end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz) & ~4095UL;
		}
	}
	return 1;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/usr/bin/bash";
	long ps = sysconf(_SC_PAGESIZE);
	struct stat st;
	char *chunk, *want, *data;
	int fd;

	printf("pid %d\n", (int)getpid());
	chunk = malloc(CHUNK);
	if (!chunk) {
		return 1;
	}
	memset(chunk, 1, CHUNK);
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(path);
		return 1;
	}
	/* Right below the chunk's mapping, ending where it starts. */
	want = chunk - 16 - ((st.st_size + ps - 1) & ~(ps - 1));
	data = mmap(want, st.st_size, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
	if (data == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	printf("data %p %lld\n", (void *)data, (long long)st.st_size);
	printf("chunk %p %d\n", (void *)(chunk - 16), (int)((CHUNK + 16 + ps - 1) & ~(ps - 1)));

	if (!dlopen("libm.so.6", RTLD_NOW)) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 1;
	}
	dl_iterate_phdr(find_text, "libm.so");
	if (text_end) {
		void *hole = (void *)(text_end - 2 * ps);

		if (mmap(hole, 2 * ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			 -1, 0) == MAP_FAILED) {
			perror("mmap hole");
			return 1;
		}
		printf("hole %p %ld\n", hole, 2 * ps);
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		pause();
	}
}
