/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c: memmap's command line.  Phases: parse options → find the target →
 * read (smaps, status) → classify → emit (table or JSON) → free.  Only
 * src/cli/ and the printers talk to the user (through util/report.h). */
#include <argp.h>
#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/diff_cmd.h"
#include "cli/exit.h"
#include "cli/fleet.h"
#include "cli/options.h"
#include "cli/save.h"
#include "cli/target.h"
#include "emit/json_out.h"
#include "emit/labels_out.h"
#include "emit/proclist.h"
#include "emit/svg.h"
#include "emit/table.h"
#include "memmap-config.h"
#include "util/format.h"
#include "util/output.h"
#include "util/report.h"

enum {
	OPT_SUMMARY = 0x100, OPT_MAPPINGS, OPT_LIST_COLUMNS, OPT_COLOR,
	OPT_PROC_ROOT, OPT_SAVE, OPT_DIFF, OPT_WATCH, OPT_WATCH_PREV, OPT_THRESHOLD,
	OPT_NO_MEM, OPT_EXPLAIN, OPT_LABEL, OPT_MIN_SIZE, OPT_ADDRESS,
	OPT_SVG, OPT_LIST_LABELS, OPT_DEBUG, OPT_OPEN_REMOTE, OPT_ALL, OPT_USER,
	OPT_CGROUP, OPT_BUDGET, OPT_FORMAT, OPT_PROMETHEUS, OPT_PER_PID,
	OPT_OUTPUT_FILE, OPT_SYMBOLS, OPT_NO_GO_STATS, OPT_GO_SAMPLE_ABOVE,
};

const char *argp_program_version = "memmap " MEMMAP_VERSION;
const char *argp_program_bug_address = NULL;

static const struct argp_option argp_options[] = {
	{ NULL, 0, NULL, 0, "Output:", 1 },
	{ "json", 'J', NULL, 0, "print the complete snapshot as JSON (schema memmap/1)", 1 },
	{ "summary", OPT_SUMMARY, NULL, 0, "print only the summary by label, every label", 1 },
	{ "mappings", OPT_MAPPINGS, NULL, 0, "print only the mapping tree (by default on a "
	  "terminal the summary only; piped, the summary and the tree)", 1 },
	{ "explain", OPT_EXPLAIN, NULL, 0, "explain each label under the summary", 1 },
	{ "svg", OPT_SVG, "FILE", 0, "also draw the address space as SVG into FILE", 1 },
	{ "symbols", OPT_SYMBOLS, "N", OPTION_ARG_OPTIONAL, "the N largest symbols (default 5) "
	  "of each program's and library's text, rodata, data, relro and bss", 1 },

	{ NULL, 0, NULL, 0, "Many processes (a list, label totals, metrics):", 6 },
	{ "all", OPT_ALL, NULL, 0, "every process (kernel threads aside)", 6 },
	{ "user", OPT_USER, "USER", 0, "the processes of USER (a name or a uid)", 6 },
	{ "cgroup", OPT_CGROUP, "PATH", 0,
	  "the processes of a cgroup and those below it (/sys/fs/cgroup/... or /system.slice/...)", 6 },
	{ "budget", OPT_BUDGET, "SECONDS", 0,
	  "give up on a process after SECONDS (default 5): it becomes a row with the reason", 6 },
	{ "format", OPT_FORMAT, "FORMAT", 0,
	  "prometheus or openmetrics: metrics for node_exporter's textfile collector", 6 },
	{ "prometheus", OPT_PROMETHEUS, NULL, 0, "the same as --format=prometheus", 6 },
	{ "per-pid", OPT_PER_PID, NULL, 0, "metrics: a series per process, not per group", 6 },
	{ "output-file", OPT_OUTPUT_FILE, "FILE", 0,
	  "write to FILE atomically (a temporary file renamed over it)", 6 },

	{ NULL, 0, NULL, 0, "Filters (tables only; JSON is always complete):", 4 },
	{ "label", OPT_LABEL, "GLOB", 0, "only labels matching GLOB (comma-separated, e.g. 'go.*,heap')", 4 },
	{ "min-size", OPT_MIN_SIZE, "SIZE", 0, "only rows of at least SIZE bytes of VSZ (e.g. 1M)", 4 },
	{ "address", OPT_ADDRESS, "ADDR", 0, "which mapping and region hold ADDR (hex; "
	  "repeat it or give a comma-separated list; exit 1 when one is not mapped)", 4 },

	{ NULL, 0, NULL, 0, "Table format:", 2 },
	{ "output", 'o', "LIST", 0, "columns to print (+LIST appends to the defaults)", 2 },
	{ "list-columns", OPT_LIST_COLUMNS, NULL, 0, "list the columns and exit", 2 },
	{ "list-labels", OPT_LIST_LABELS, NULL, 0, "list the labels (name, class, help) and exit", 2 },
	{ "sort", 's', "COL", 0, "sort rows by COL (sizes largest first)", 2 },
	{ "raw", 'r', NULL, 0, "raw output: no alignment, no tree, no header; \"-\" for an empty cell", 2 },
	{ "pairs", 'P', NULL, 0, "KEY=\"value\" pairs, one row a line, as lsblk -P (%RSS is RSS_PCT)", 2 },
	{ "noheadings", 'n', NULL, 0, "don't print headings", 2 },
	{ "bytes", 'b', NULL, 0, "print sizes in bytes", 2 },
	{ "notruncate", 'u', NULL, 0, "don't truncate text in columns", 2 },
	{ "color", OPT_COLOR, "WHEN", OPTION_ARG_OPTIONAL,
	  "colorize: auto (default), always or never", 2 },

	{ NULL, 0, NULL, 0, "Snapshots and diff:", 3 },
	{ "save", OPT_SAVE, "FILE", 0, "also write the snapshot (JSON) to FILE", 3 },
	{ "diff", OPT_DIFF, "A", 0, "compare A with B (each a snapshot file, a PID or a process name)", 3 },
	{ "watch", OPT_WATCH, "SECONDS", 0, "sample every SECONDS and print the changes", 3 },
	{ "watch-prev", OPT_WATCH_PREV, NULL, 0, "with --watch: against the previous sample", 3 },
	{ "threshold", OPT_THRESHOLD, "SIZE", 0, "hide changes smaller than SIZE; "
	  "with --diff, exit 3 when a change is left", 3 },

	{ NULL, 0, NULL, 0, "Reading:", 5 },
	{ "no-mem", OPT_NO_MEM, NULL, 0,
	  "never read the target's memory: runtime labels by heuristics only", 5 },
	{ "open-remote", OPT_OPEN_REMOTE, NULL, 0,
	  "also open mapped files on FUSE, NFS, CIFS and other network file systems", 5 },
	{ "proc-root", OPT_PROC_ROOT, "DIR", OPTION_HIDDEN,
	  "read a captured /proc tree under DIR", 3 },
	{ "no-go-stats", OPT_NO_GO_STATS, NULL, OPTION_HIDDEN,
	  "read no Go runtime statistics or span tables (the benchmark's baseline)", 3 },
	{ "go-sample-above", OPT_GO_SAMPLE_ABOVE, "SIZE", OPTION_HIDDEN,
	  "sample the Go span walk above SIZE of heap arenas (tests)", 3 },
	{ "debug", OPT_DEBUG, NULL, OPTION_HIDDEN,
	  "say on stderr what each probe and labeller found and declined", 3 },
	{ NULL, 0, NULL, 0, "Help:", -1 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct mm_options *o = state->input;
	char err[160];

	switch (key) {
	case 'J': o->json = true; break;
	case OPT_SUMMARY: o->table.summary = true; break;
	case OPT_MAPPINGS: o->table.mappings = true; break;
	case 'o': o->table.output = arg; break;
	case OPT_LIST_COLUMNS: o->list_columns = true; break;
	case OPT_LIST_LABELS: o->list_labels = true; break;
	case 's': o->table.sort = arg; break;
	case 'r': o->table.raw = true; break;
	case 'P': o->table.pairs = o->table.raw = true; break;
	case 'n': o->table.noheadings = true; break;
	case 'b': o->table.bytes = true; break;
	case 'u': o->table.notruncate = true; break;
	case OPT_COLOR:
		o->color = arg ? arg : "always";
		if (strcmp(o->color, "auto") && strcmp(o->color, "always") &&
		    strcmp(o->color, "never")) {
			argp_error(state, "--color takes auto, always or never, not '%s'", arg);
		}
		break;
	case OPT_PROC_ROOT: o->proc_root = arg; break;
	case OPT_NO_MEM: o->no_mem = true; break;
	case OPT_NO_GO_STATS: o->no_go_stats = true; break;
	case OPT_GO_SAMPLE_ABOVE:
		if (mm_parse_size(arg, &o->go_sample_above) || !o->go_sample_above) {
			argp_error(state, "--go-sample-above takes a size like 64M, not '%s'", arg);
		}
		break;
	case OPT_OPEN_REMOTE: o->open_remote = true; break;
	case OPT_DEBUG: o->debug = true; break;
	case OPT_EXPLAIN: o->table.explain = true; break;
	case OPT_SVG:
		if (strcmp(arg, "-") == 0) {
			argp_error(state, "--svg writes to a file, not standard output");
		}
		o->svg = arg;
		break;
	case OPT_SYMBOLS: {
		char *end;

		errno = 0;
		o->table.symbols = arg ? strtoul(arg, &end, 10) : MM_TABLE_SYMBOLS;
		if (arg && (!isdigit((unsigned char)arg[0]) || *end || errno ||
			    o->table.symbols == 0 || o->table.symbols > 1000)) {
			argp_error(state, "--symbols takes a count from 1 to 1000, not '%s'", arg);
		}
		break;
	}
	case OPT_LABEL: o->table.labels = arg; break;
	case OPT_MIN_SIZE:
		if (mm_parse_size(arg, &o->table.min_size)) {
			argp_error(state, "--min-size: '%s' is not a size (e.g. 4096, 64K, 1.5M)", arg);
		}
		break;
	case OPT_ADDRESS:
		/* Several: "--address A --address B" or "--address A,B". */
		for (char *p = arg, *end; ; p = end + 1) {
			if (o->table.naddresses == MM_TABLE_MAX_ADDRESSES) {
				argp_error(state, "--address: at most %d addresses",
					   MM_TABLE_MAX_ADDRESSES);
			}
			/* strtoull would take "-1" as 0xffffffffffffffff. */
			errno = 0;
			o->table.address[o->table.naddresses++] = strtoull(p, &end, 16);
			if (!isxdigit((unsigned char)p[0]) || errno || end == p ||
			    (*end && *end != ',')) {
				argp_error(state, "--address: '%s' is not a hex address", arg);
			}
			if (!*end) {
				break;
			}
		}
		o->table.has_address = true;
		break;
	case OPT_SAVE: o->diff.save = arg; break;
	case OPT_DIFF: o->diff.against = arg; break;
	case OPT_WATCH_PREV: o->diff.watch_prev = true; break;
	case OPT_WATCH:
		if (mm_diff_parse_interval(arg, &o->diff.watch_ms)) {
			argp_error(state, "--watch takes seconds (0.1 to 86400), not '%s'", arg);
		}
		break;
	case OPT_THRESHOLD:
		if (mm_parse_size(arg, &o->diff.threshold)) {
			argp_error(state, "--threshold takes a size like 64K or 1M, not '%s'", arg);
		}
		break;
	case OPT_ALL: o->fleet.all = true; break;
	case OPT_USER: o->fleet.user = arg; break;
	case OPT_CGROUP: o->fleet.cgroup = arg; break;
	case OPT_PER_PID: o->fleet.per_pid = true; break;
	case OPT_OUTPUT_FILE: o->fleet.output_file = arg; break;
	case OPT_PROMETHEUS: o->fleet.metrics = true; break;
	case OPT_FORMAT:
		if (strcmp(arg, "prometheus") && strcmp(arg, "openmetrics")) {
			argp_error(state, "--format takes prometheus or openmetrics, not '%s'", arg);
		}
		o->fleet.metrics = true;
		break;
	case OPT_BUDGET:
		if (mm_diff_parse_interval(arg, &o->fleet.budget_ms)) {
			argp_error(state, "--budget takes seconds (0.1 to 86400), not '%s'", arg);
		}
		break;
	case ARGP_KEY_ARG: {
		const char **more = reallocarray(o->fleet.targets, o->fleet.ntargets + 1,
						 sizeof(*more));

		if (!more) {
			argp_failure(state, EXIT_TARGET, ENOMEM, "arguments");
		}
		o->fleet.targets = more;
		more[o->fleet.ntargets++] = arg;
		if (!o->target) {
			o->target = arg;
		}
		break;
	}
	case ARGP_KEY_END:
		if (o->list_columns || o->list_labels) {
			break;
		}
		if (!o->fleet.budget_ms) {
			o->fleet.budget_ms = MM_FLEET_BUDGET_MS;
		}
		if (o->table.symbols && (mm_fleet_wanted(o) || mm_diff_wanted(&o->diff))) {
			argp_error(state, "--symbols is for the view of one process, "
				   "not for --diff, --watch or many processes");
		}
		if (mm_fleet_wanted(o)) {
			if (mm_fleet_check(o, err, sizeof(err))) {
				argp_error(state, "%s", err);
			}
			break;
		}
		if (o->fleet.output_file || o->fleet.per_pid) {
			argp_error(state, "--output-file and --per-pid are for the "
				   "many-process views (several PIDs, --all, --user, "
				   "--cgroup, --prometheus)");
		}
		if (!o->target) {
			argp_error(state, "which process? give a PID or a process name");
		}
		if (mm_diff_check(o, err, sizeof(err))) {
			argp_error(state, "%s", err);
		}
		if (o->json && (o->table.has_address || o->table.explain)) {
			argp_error(state, "--address and --explain print tables, not JSON");
		}
		/* --diff reads --summary as "the labels only". */
		if (!o->table.summary && !o->table.mappings && !mm_diff_wanted(&o->diff)) {
			/* An address asks about one mapping, not the whole process.
			 * On a terminal the first screen answers (labels, totals),
			 * unless -o or -s speak of the mapping tree; piped, the
			 * tree follows for scripts and pagers. */
			bool tty = isatty(STDOUT_FILENO);

			o->table.mappings = o->table.has_address || !tty ||
					    o->table.output || o->table.sort;
			o->table.summary = !o->table.has_address;
			o->table.first_screen = tty && !o->table.mappings;
		}
		if (o->table.explain) {
			o->table.summary = true;
		}
		/* The summary notes a label that one symbol fills. */
		o->table.symbol_note = o->table.summary && !o->json && !mm_diff_wanted(&o->diff);
		if (!o->json && mm_table_check(&o->table, err, sizeof(err))) {
			argp_error(state, "%s", err);
		}
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	argp_options, parse_opt, "PID|NAME...",
	"Show where a process's memory goes: every mapping labelled (program and "
	"library sections, heap, stacks, runtime arenas, files), with VSZ, RSS, PSS "
	"and swap by label and by mapping.  Given several processes (or --all, "
	"--user, --cgroup), a list of them and the label totals across them.  "
	"Read-only: the process is never stopped."
	"\vExit status: 0 ok, 1 printed but partial (see warnings; over many "
	"processes: some could not be read) or an --address not mapped, 2 the "
	"process (every process) could not be read, 3 --diff --threshold found a "
	"change at or above it, 64 usage error, 74 the output could not be written.  "
	"NO_COLOR in the environment turns "
	"colour off.  See memmap(1).",
	NULL, NULL, NULL
};

static bool use_colors(const char *when)
{
	if (when && strcmp(when, "always") == 0) {
		return true;
	}
	if (when && strcmp(when, "never") == 0) {
		return false;
	}
	return isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
}


/* The more serious of two exit statuses: usage, output, target, partial. */
static int worse(int a, int b)
{
	return a > b ? a : b;
}

/* The single view: one snapshot, printed. */
static int show_one(const struct mm_options *o)
{
	struct mm_snapshot *snap = NULL;
	int status, rc;
	pid_t pid;

	status = mm_resolve_target(o->target, o->proc_root, &pid);
	if (status != EXIT_OK) {
		return status;
	}

	/* read, classify, measure */
	status = mm_take_target(o, pid, NULL, false, NULL, &snap);
	if (!snap) {
		return status;
	}
	if (o->diff.save) {
		status = worse(status, mm_save(o->diff.save, mm_json_write_snapshot, snap));
	}
	if (o->svg) {
		status = worse(status, mm_save(o->svg, mm_svg_write, snap));
	}

	/* emit: in big writes unless to a terminal (-J of 60,000 mappings is
	 * 40 MB, 10,000 writes with stdio's 4 KiB) */
	mm_warn_all(snap->warnings, snap->nwarnings);
	if (!isatty(STDOUT_FILENO)) {
		static char outbuf[256 * 1024];	/* glibc ignores the size without one */

		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	}
	if (o->json) {
		rc = mm_json_write_snapshot(stdout, snap);
	} else {
		rc = mm_table_print(stdout, snap, &o->table);
		if (rc) {
			mm_err("%s", strerror(-rc));
			status = EXIT_TARGET;
		} else if (mm_table_unmapped(snap, &o->table)) {
			status = worse(status, EXIT_PARTIAL);
		}
		rc = mm_output_flush(stdout);
	}
	if (rc) {
		mm_err("write error: %s", strerror(-rc));
		status = EXIT_OUTPUT;
	}
	mm_snapshot_destroy(snap);
	return status;
}

int main(int argc, char **argv)
{
	struct mm_options o = { 0 };
	int rc;

	setlocale(LC_ALL, "");
	argp_err_exit_status = EXIT_USAGE;
	argp_parse(&argp, argc, argv, 0, NULL, &o);

	if (o.list_labels) {
		mm_list_labels(stdout, o.table.raw, o.json);
		if ((rc = mm_output_flush(stdout))) {
			mm_err("write error: %s", strerror(-rc));
			return EXIT_OUTPUT;
		}
		return EXIT_OK;
	}
	if (o.list_columns) {
		mm_table_list_columns(stdout, o.table.raw);
		mm_proclist_list_columns(stdout, o.table.raw);
		if ((rc = mm_output_flush(stdout))) {
			mm_err("write error: %s", strerror(-rc));
			return EXIT_OUTPUT;
		}
		return EXIT_OK;
	}
	o.table.colors = !o.json && !o.table.raw && use_colors(o.color);
	if (mm_fleet_wanted(&o)) {
		rc = mm_fleet_main(&o);
	} else if (mm_diff_wanted(&o.diff)) {
		rc = mm_diff_main(&o);
	} else {
		rc = show_one(&o);
	}
	free(o.fleet.targets);
	return rc;
}
