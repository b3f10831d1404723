/*
 * report.h - `pfnbench report`: turn a results directory (results.csv +
 * meta.json, docs/results-format.md) into report.txt and figures.
 *
 * report.txt is plain text, every line at most 80 columns, meant to be
 * pasted into a mailing-list message: what was measured and on what, one
 * mmtests-style comparison table per workload, overhead, counters, memory,
 * stage shares, the memory floor of each backend (costmodel.h, with
 * meta.json's "bandwidth"), the whole-path breakdown with the emulated and
 * the kernel page-table source side by side, a headline stating the
 * conversion share at real drivers' batch sizes, a text plot of the ratio
 * and a findings paragraph, all computed from the numbers.  Figures are drawn
 * by the gnuplot scripts in plots/ from small .dat files kept in
 * OUTDIR/plotdata/ (so a figure can be redrawn by hand); gnuplot runs via
 * posix_spawn, its messages go to plotdata/gnuplot.log.  Nothing here reads
 * perf or runs benchmarks.
 *
 * The numbers come from the report model (report_model.h, which has its
 * own tests); report.c is the driver with the table of text sections and
 * the table of figures (report_priv.h says what a section and a figure
 * are).
 */
#ifndef PFNBENCH_REPORT_H
#define PFNBENCH_REPORT_H

#include <stddef.h>

struct report_opts {
	const char *dir;	/* results directory (or its results.csv) */
	const char *out_dir;	/* where report.txt, figures and plotdata/ go;
				   NULL: the results directory */
	const char *plots_dir;	/* the .gp scripts; NULL: $PFNBENCH_PLOTS_DIR,
				   else the source tree's plots/ */
	const char *gnuplot;	/* program to run; NULL: "gnuplot" from PATH */
	int no_figures;		/* 1: write report.txt only */
};

#define REPORT_MAX_NOTES 16

/* What report_write() did, for the command to print. */
struct report_summary {
	size_t nr_rows;		/* results.csv records read */
	size_t nr_groups;	/* workload tables written */
	size_t nr_figures;	/* PNG+SVG pairs written */
	size_t nr_notes;
	char notes[REPORT_MAX_NOTES][200];	/* figures skipped or failed */
	char report_path[4096];	/* the report.txt written */
};

/*
 * Write OUTDIR/report.txt and, unless @o->no_figures, the figures (OUTDIR
 * is @o->out_dir, else the results directory), every file under a unique
 * temporary name created without following links, then renamed
 * (report_files.c).  A figure that gnuplot fails to draw is a note in @s
 * and in the report, not an error.
 * Returns 0; -EINVAL for bad input with "file:line: ..." in @err (missing
 * columns, a non-numeric field, malformed meta.json, no usable rows);
 * -ENOENT when results.csv is missing; other -errno from file operations,
 * with "PATH: cannot write: REASON" in @err (a read-only results directory
 * is refused before anything is written, with a hint to --out).
 */
int report_write(const struct report_opts *o, struct report_summary *s,
		 char *err, size_t err_len);

#endif
