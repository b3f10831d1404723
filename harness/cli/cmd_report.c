/*
 * cmd_report.c - `pfnbench report [--no-figures] [--out DIR] [--plots DIR]
 * [--gnuplot PROG] RESULTS_DIR`: the command around report_write().
 *
 * Prints where the report went and any figure that was skipped; exit 0 when
 * report.txt was written (a missing figure is not a failure), 2 on bad
 * usage or bad input.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "msg.h"
#include "report.h"

static void report_usage(FILE *f)
{
	fprintf(f, "usage: pfnbench report [--no-figures] [--out DIR] [--plots DIR] "
		"[--gnuplot PROG] RESULTS_DIR\n"
		"  writes RESULTS_DIR/report.txt and figures (PNG + SVG); RESULTS_DIR may\n"
		"  also be its results.csv\n"
		"  --out DIR   write them to DIR instead (a read-only results directory)\n");
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "no-figures", no_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "plots", required_argument, NULL, 'p' },
		{ "gnuplot", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report_opts o = { 0 };
	struct report_summary s;
	char err[MSG_MAX] = "";
	int opt, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "no:p:g:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			o.no_figures = 1;
			break;
		case 'o':
			o.out_dir = optarg;
			break;
		case 'p':
			o.plots_dir = optarg;
			break;
		case 'g':
			o.gnuplot = optarg;
			break;
		case 'h':
			report_usage(stdout);
			return 0;
		default:
			report_usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		report_usage(stderr);
		return 2;
	}
	o.dir = argv[optind];
	ret = report_write(&o, &s, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "pfnbench report: %s\n",
			*err ? err : strerror(-ret));
		return 2;
	}
	printf("report: %s (%zu rows, %zu workload tables, %zu figures)\n",
	       s.report_path, s.nr_rows, s.nr_groups, s.nr_figures);
	for (size_t i = 0; i < s.nr_notes; i++)
		printf("note: %s\n", s.notes[i]);
	return 0;
}
