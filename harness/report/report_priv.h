/*
 * report_priv.h - what the report's driver (report.c), its text sections
 * (report_header.c, report_tables.c, report_path.c, report_floor.c,
 * report_findings.c, report_thread.c), its figures (report_figures.c) and its text helpers
 * (report_text.c) share.  Not for other modules.
 *
 * A section is one function that prints into r->out, listed in report.c's
 * sections[] with its title; a figure is one function that writes its
 * plotdata/NAME.dat and draws it with figure_draw(), listed in report.c's
 * figures[] with its gnuplot script.  Both read the numbers from r->m (the
 * report model, report_model.h) and never parse results.csv themselves.
 */
#ifndef PFNBENCH_REPORT_PRIV_H
#define PFNBENCH_REPORT_PRIV_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report.h"
#include "report_model.h"

#define WIDTH 80		/* hard limit for report.txt */
#define PARA 78			/* paragraphs wrap here */

/* One `pfnbench report`. */
struct report {
	const struct report_opts *o;
	struct report_summary *s;
	const struct rmodel *m;
	char datadir[4200];	/* where figures are drawn: OUTDIR/.report-XXXXXX (report_files.c) */
	char outdir[4096];	/* RESULTS_DIR, or --out DIR */
	int outfd, datafd, workfd;	/* OUTDIR, OUTDIR/plotdata, datadir */
	char dat_name[300];	/* the .dat file open (dat_open()) */
	int io_err;		/* the first file that could not be written: -errno */
	char io_what[4400];	/* and its path */
	char plots[4096];	/* the gnuplot scripts */
	char machine[200];	/* for figure subtitles */
	char dumb[4400];	/* path of the text plot, "" if none */
	FILE *out;		/* the report being composed */
	char figs[64][80];	/* names of the figures drawn */
	size_t nr_figs;
};

/* A text section: prints into r->out; g is the group for per-group sections, else NULL. */
struct report_section {
	const char *title;	/* printed, underlined, before the section; NULL: it prints its own */
	int (*emit)(struct report *r, const struct rgroup *g);
	bool per_group;		/* once per group (consecutive ones group by group) */
};

/* A figure: writes plotdata/NAME.dat and draws it with script (figure_draw()). */
struct report_figure {
	const char *script;	/* in plots/ */
	int (*write_dat)(struct report *r, const struct report_figure *f, const struct rgroup *g);
	bool per_group;		/* once per group (consecutive ones group by group) */
};

/* ---- sections (0 or -errno) -------------------------------------------- */

int section_header(struct report *r, const struct rgroup *g);
int section_headline(struct report *r, const struct rgroup *g);
/* report_headline.c: the sentences per driver pair that open the headline */
int headline_pairs(struct report *r);
int section_tables(struct report *r, const struct rgroup *g);
int section_counters(struct report *r, const struct rgroup *g);
int section_memory(struct report *r, const struct rgroup *g);
int section_stages(struct report *r, const struct rgroup *g);
int section_floor(struct report *r, const struct rgroup *g);
int section_breakdown(struct report *r, const struct rgroup *g);
int section_ratio_plot(struct report *r, const struct rgroup *g);
int section_findings(struct report *r, const struct rgroup *g);
/* "The 2018 thread's own example" (report_thread.c) */
int section_thread2018(struct report *r, const struct rgroup *g);
int section_figures(struct report *r, const struct rgroup *g);
int section_method(struct report *r, const struct rgroup *g);

/* report_costs.c: the header's kernels/ flags and huge-page lines; the
 * headline's paragraph on what the share counts and the share with the
 * measured fixed costs (a paragraph of its own after the headline's). */
void header_build_memory(struct report *r);
int headline_costs(struct report *r);

/* ---- figures (0, or -errno when a .dat could not be written) ----------- */

int figure_ratio(struct report *r, const struct report_figure *f, const struct rgroup *g);
int figure_ns(struct report *r, const struct report_figure *f, const struct rgroup *g);
int figure_counters(struct report *r, const struct report_figure *f, const struct rgroup *g);
int figure_memory(struct report *r, const struct report_figure *f, const struct rgroup *g);
int figure_stages(struct report *r, const struct report_figure *f, const struct rgroup *g);
int figure_placement(struct report *r, const struct report_figure *f, const struct rgroup *g);

/*
 * Draw NAME.dat with plots/SCRIPT into NAME.png and NAME.svg, in the
 * private directory r->datadir; each takes its final name in OUTDIR only
 * when gnuplot exited 0 and both are whole (report_files.c); extra is
 * more gnuplot -e text.  A failure is a note, not an error: returns 0 or
 * the -errno that the note reports.
 */
int figure_draw(struct report *r, const char *script, const char *name, const char *subtitle, const char *extra);
/* Run gnuplot -e expr plots/SCRIPT, output to gnuplot.log (plotdata/ at the end).  0, -ENOENT, -EIO. */
int figure_gnuplot(struct report *r, const char *script, const char *expr);
/* Write NAME.dat in r->datadir (new, never through a link); NULL with errno. */
FILE *dat_open(struct report *r, const char *name);
/* Close it: 0, or -errno (the file is remembered for the error: r->io_what). */
int dat_close(struct report *r, FILE *f);

/* ---- the files (report_files.c) ------------------------------------------ */

/* Open the output directory (refused with a message when it is not writable).  0 or -errno. */
int report_files_open(struct report *r, char *err, size_t err_len);
/* plotdata/ (not through a link) and the private directory figures are drawn in.  0 or -errno. */
int report_files_workdir(struct report *r, char *err, size_t err_len);
/* report.txt, folded to WIDTH, through a unique temporary name.  0 or -errno with err. */
int report_files_text(struct report *r, const char *buf, size_t len, char *err, size_t err_len);
/* The first file that could not be written, as err: "PATH: cannot write: REASON".  0 or its -errno. */
int report_files_error(const struct report *r, char *err, size_t err_len);
/* Move the data, log and text plot into plotdata/ (keep), remove the private directory, close. */
void report_files_close(struct report *r, bool keep);
/* Append "key='value'; " to buf for gnuplot.  0 or -ENAMETOOLONG. */
int figure_gp_set(char *buf, size_t len, const char *key, const char *val);
/* Where the scripts are: opts, $PFNBENCH_PLOTS_DIR, the source tree. */
void figure_resolve_plots(struct report *r);

/* ---- what the scripts get besides their data (report_figstyle.c) -------- */

/* x tics at each npages measured, up to this many (else gnuplot's decades) */
#define FIGURE_MAX_XTICS 12

/* Backend slot b's line: colour "#rrggbb", gnuplot dash type (1 solid
 * era C and null, 2 dashed era B, 3 dotted era A) and point type. */
void figure_backend_style(int b, char *colour, size_t len, int *dt, int *pt);
/* Append colours='..'; dts='..'; pts='..'; for the blocks' backends bs[n].  0 or -ENAMETOOLONG. */
int figure_styles(const int *bs, int n, char *expr, size_t len);
/* Append xt='1 16 512'; (the npages of group g, of every case when g is
 * NULL; '' when more than FIGURE_MAX_XTICS). */
int figure_xtics(const struct rmodel *m, const struct rgroup *g, char *expr, size_t len);
/* Append nmarks=N; markxK=W; marklabK='W: backends'; for each driver window
 * W within the group's npages, named by the backends that declare it. */
int figure_marks(const struct rmodel *m, const struct rgroup *g, char *expr, size_t len);

/* rmodel_median() for a table cell: 1 with *v, 0 when not measured, -ENOMEM. */
static inline int median_cell(const struct rmodel *m, const struct rcase *rc, int b, enum result_col col, double *v)
{
	int ret = rmodel_median(m, rc, b, col, v);

	return ret == -ENODATA ? 0 : ret ? ret : 1;
}

/* ---- text helpers (report_text.c) --------------------------------------- */

/* snprintf without gcc's -Wformat-truncation guesses. */
int fmt_to(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A note for report_summary and the report's figure list. */
void report_note(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* text as a paragraph wrapped at PARA, indent on every line after the first
 * (whose prefix, used columns long, is already printed). */
void wrap(FILE *f, const char *text, size_t used, const char *indent);
/* A value in a fixed-width column, "-" when unknown; one as wide as the
 * column or wider gets a space before it, so that columns never touch. */
void cell(FILE *f, int width, const char *fmt, int known, double v);
/* A number with about 5 significant digits in at most 11 characters. */
void num(char *buf, size_t len, double v);
/* title, underlined with dashes, as the report's headings are. */
void heading(FILE *f, const char *title);
/* "----- title -----" centred in width columns after 2 spaces. */
void rule_title(FILE *f, const char *title, int width);
/* A case name at column 4, broken after '/' or ',' to fit PARA. */
void print_case(FILE *f, const char *name);
/* Copy in to f so that no line exceeds WIDTH columns.  0 or -EIO. */
int fold_lines(const char *in, size_t len, FILE *f);
/* s, or "unknown" when NULL or empty. */
const char *or_unknown(const char *s);

#endif
