/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_snapshot_print.c: every printer on a fuzzed snapshot, in the C
 * locale (cron, env -i, systemd), where a name's non-ASCII bytes are not
 * characters: the snapshot loaded from arbitrary bytes, then its summary,
 * mapping tree (plain, raw, with --explain, colours and bytes), JSON, SVG,
 * and the --diff tables and JSON against an empty snapshot (every region
 * "appeared"), all to /dev/null.  A hang here is a finding like a crash
 * (libFuzzer's -timeout). */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"
#include "diff/diff.h"
#include "diff/snapshot_load.h"
#include "emit/json_out.h"
#include "emit/svg.h"
#include "emit/table.h"

static FILE *sink(void)
{
	static FILE *null;

	if (!null) {
		setlocale(LC_ALL, "C");
		null = fopen("/dev/null", "w");
		if (!null) {
			abort();
		}
	}
	return null;
}

static void print_tables(FILE *out, const struct mm_snapshot *snap)
{
	const struct mm_table_opts views[] = {
		{ .summary = true, .mappings = true },
		{ .summary = true, .mappings = true, .raw = true, .bytes = true },
		{ .summary = true, .explain = true, .colors = true, .notruncate = true },
		{ .mappings = true, .labels = "lib.*,anon*", .min_size = 4096 },
	};

	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		mm_table_print(out, snap, &views[i]);
	}
}

static void print_diff(FILE *out, const struct mm_snapshot *snap)
{
	const struct mm_table_opts o = { .notruncate = true };
	struct mm_snapshot *empty = mm_snapshot_create();
	struct mm_diff *d = NULL;

	if (!empty) {
		return;
	}
	mm_snapshot_finish(empty);
	if (mm_diff_compute(empty, snap, 0, &d) == 0) {
		mm_table_print_diff(out, d, &o);
		mm_diff_print_json(d, out, false);
	}
	mm_diff_destroy(d);
	mm_snapshot_destroy(empty);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *out = sink();
	struct mm_snapshot *snap = NULL;
	char path[64], *errmsg = NULL;
	int fd = fuzz_tmpfile(data, size, path);

	if (mm_snapshot_load(path, &snap, &errmsg) == 0) {
		print_tables(out, snap);
		mm_json_write_snapshot(out, snap);
		mm_svg_write(out, snap);
		print_diff(out, snap);
		fflush(out);
		clearerr(out);
	}
	free(errmsg);
	mm_snapshot_destroy(snap);
	close(fd);
	unlink(path);
	return 0;
}
