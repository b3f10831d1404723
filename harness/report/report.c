/*
 * report.c - `pfnbench report`: the driver.
 *
 * Flow: load the report model (report_model.h: results.csv and meta.json
 * as cases, groups, pairs, medians and ratios); open the output directory
 * (report_files.c); draw the figures of figures[] (each writes NAME.dat
 * and runs its gnuplot script, report_figures.c); print the sections of
 * sections[] into a memory stream; fold any line still longer than 80
 * columns; write report.txt through a unique temporary name.  The figures
 * come first because the text lists them and embeds the ratio's text
 * plot.
 *
 * Both tables run in order, except that consecutive per-group entries run
 * group by group: for each group, every one of them, then the next group
 * (so a group's tables stay together, and its figures are listed
 * together).  Adding a section or a figure is one function (report_priv.h
 * declares them) and one line here.
 */
#include "report.h"
#include "report_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text of report.txt, in order. */
static const struct report_section sections[] = {
	{ NULL, section_header, false },
	{ "Headline: each driver pair at its driver's batch", section_headline, false },
	{ NULL, section_tables, true },
	{ NULL, section_counters, true },
	{ NULL, section_memory, true },
	{ NULL, section_stages, true },
	{ NULL, section_floor, true },
	{ NULL, section_breakdown, false },	/* prints its heading when stages were timed */
	{ "Ratio convert/direct over npages", section_ratio_plot, false },
	{ "The 2018 thread's own example", section_thread2018, false },
	{ "Findings", section_findings, true },
	{ "Figures", section_figures, false },
	{ "Method", section_method, false },
};

/* The figures, in the order the report lists them. */
static const struct report_figure figures[] = {
	{ "ratio.gp", figure_ratio, false },
	{ "ns_per_page.gp", figure_ns, true },
	{ "counters.gp", figure_counters, true },
	{ "memory.gp", figure_memory, true },
	{ "stages.gp", figure_stages, false },
	{ "placement.gp", figure_placement, false },
};

#define NR(a) (sizeof(a) / sizeof((a)[0]))

/* Run sections[first, end), once or group by group.  0 or -errno. */
static int run_sections(struct report *r, size_t first, size_t end)
{
	int ret = 0;

	for (size_t i = first; i < end; i++)
		if (sections[i].title)
			heading(r->out, sections[i].title);
	if (!sections[first].per_group)
		return sections[first].emit(r, NULL);
	for (size_t g = 0; g < r->m->nr_groups && !ret; g++)
		for (size_t i = first; i < end && !ret; i++)
			ret = sections[i].emit(r, &r->m->groups[g]);
	return ret;
}

/* Run figures[first, end), once or group by group.  0 or -errno. */
static int run_figures(struct report *r, size_t first, size_t end)
{
	int ret = 0;

	if (!figures[first].per_group)
		return figures[first].write_dat(r, &figures[first], NULL);
	for (size_t g = 0; g < r->m->nr_groups && !ret; g++)
		for (size_t i = first; i < end && !ret; i++)
			ret = figures[i].write_dat(r, &figures[i], &r->m->groups[g]);
	return ret;
}

/* The end of the run that starts at entry i: i + 1 when it runs once, else past the consecutive per-group ones. */
static size_t section_run_end(size_t i)
{
	size_t e = i + 1;

	while (sections[i].per_group && e < NR(sections) && sections[e].per_group)
		e++;
	return e;
}

static size_t figure_run_end(size_t i)
{
	size_t e = i + 1;

	while (figures[i].per_group && e < NR(figures) && figures[e].per_group)
		e++;
	return e;
}

static int draw_figures(struct report *r, char *err, size_t err_len)
{
	int ret = 0;

	if (r->o->no_figures) {
		report_note(r, "figures not drawn (--no-figures)");
		return 0;
	}
	/* plotdata/ and the private directory the figures are drawn in (report_files.c) */
	ret = report_files_workdir(r, err, err_len);
	for (size_t i = 0; i < NR(figures) && !ret;) {
		size_t end = figure_run_end(i);

		ret = run_figures(r, i, end);
		i = end;
	}
	if (ret && report_files_error(r, err, err_len) == 0 && !*err)
		rdata_errorf(err, err_len, "%s/plotdata: cannot write: %s", r->outdir, strerror(-ret));
	return ret;
}

/* "cpu, N NUMA node(s), kernel RELEASE, THP MODE" for the figures' subtitles. */
static void machine_line(struct report *r)
{
	const char *kernel = or_unknown(rmodel_meta_str(r->m, "machine", "kernel"));
	size_t n = strcspn(kernel, " ");

	/* kernel: keep only `uname -r`, the first word, at most 40 characters */
	fmt_to(r->machine, sizeof(r->machine), "%s, %ld NUMA node(s), kernel %.*s, THP %s",
	       or_unknown(rmodel_meta_str(r->m, "machine", "cpu_model")),
	       rmodel_meta_int(r->m, "machine", "numa_nodes", 0), (int)(n < 40 ? n : 40), kernel,
	       or_unknown(rmodel_meta_str(r->m, "machine", "thp_enabled")));
}

/* Compose the text into a memory buffer (*buf, free it). */
static int compose(struct report *r, char **buf, size_t *len)
{
	int ret = 0;

	*buf = NULL;
	r->out = open_memstream(buf, len);
	if (!r->out)
		return -ENOMEM;
	for (size_t i = 0; i < NR(sections) && !ret;) {
		size_t end = section_run_end(i);

		ret = run_sections(r, i, end);
		i = end;
	}
	if (fclose(r->out) && !ret)
		ret = -ENOMEM;
	r->out = NULL;
	return ret;
}

int report_write(const struct report_opts *o, struct report_summary *s, char *err, size_t err_len)
{
	struct report r = { .o = o, .s = s };
	struct rmodel *m;
	char *buf = NULL;
	size_t len = 0;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = rmodel_load(o->dir, &m, err, err_len);
	if (ret)
		return ret;
	r.m = m;
	s->nr_rows = m->t->nr_rows;
	s->nr_groups = m->nr_groups;
	if (!m->meta)
		report_note(&r, "meta.json missing: machine and build unknown");
	machine_line(&r);
	figure_resolve_plots(&r);
	ret = report_files_open(&r, err, err_len);
	if (!ret)
		ret = draw_figures(&r, err, err_len);
	if (!ret)
		ret = compose(&r, &buf, &len);
	if (!ret)
		ret = report_files_text(&r, buf, len, err, err_len);
	/* a figure cut short by a full disk is an error too, with its name */
	if (!ret)
		ret = report_files_error(&r, err, err_len);
	report_files_close(&r, !ret);
	free(buf);
	rmodel_free(m);
	return ret;
}
