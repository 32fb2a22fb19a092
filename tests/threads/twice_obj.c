/* SPDX-License-Identifier: GPL-2.0-or-later */
/* twice_obj.c: a shared object test_twice.py loads three times (under two
 * names, and once more in a new namespace): a .bss larger than a page, so
 * most of it is the anonymous tail the loader maps after the file's pages,
 * a .data and a .rodata of their own. */
char twice_bss[300000];
char twice_data[20000] = { 1 };
const char twice_ro[50000] = { 2 };

int twice_touch(void)
{
	twice_bss[0] = 1;
	twice_bss[sizeof(twice_bss) - 1] = 1;
	return twice_data[0] + twice_ro[0];
}
