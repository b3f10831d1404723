/*
 * report_figures.c - the report's figures: each one writes its data to
 * plotdata/NAME.dat (kept, so a figure can be redrawn by hand) and draws
 * it with a gnuplot script of plots/ into NAME.png and NAME.svg; report.c's
 * figures[] lists them with their scripts.  Values are quoted for
 * gnuplot's single-quoted strings.  Running gnuplot, checking what it drew
 * and every file's writing are report_files.c's: the data and the drawings
 * are made in a private directory and take their final names only when
 * whole.  A figure that cannot be drawn is a note in the report, not an
 * error.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_priv.h"
#include "report_stats.h"

#ifndef PFNBENCH_SOURCE_DIR
#define PFNBENCH_SOURCE_DIR "."
#endif

/* ---- gnuplot ------------------------------------------------------------- */

/* Doubling quotes: gnuplot's escape in single-quoted strings. */
int figure_gp_set(char *buf, size_t len, const char *key, const char *val)
{
	size_t n = strlen(buf);

	n += (size_t)fmt_to(buf + n, len > n ? len - n : 0, "%s='", key);
	for (const char *p = val; *p && n + 3 < len; p++) {
		if (*p == '\'')
			buf[n++] = '\'';
		if (*p == '\n')
			continue;
		buf[n++] = *p;
	}
	if (n + 4 >= len)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	strcat(buf, "'; ");
	return 0;
}

static void subtitle_for(struct report *r, char *buf, size_t len, const char *what)
{
	fmt_to(buf, len, "%s | %s", what, r->machine);
}

void figure_resolve_plots(struct report *r)
{
	const char *env = getenv("PFNBENCH_PLOTS_DIR");
	const char *src = getenv("PFNBENCH_SOURCE_DIR");
	char probe[4200];

	if (r->o->plots_dir) {
		fmt_to(r->plots, sizeof(r->plots), "%s", r->o->plots_dir);
		return;
	}
	if (env) {
		fmt_to(r->plots, sizeof(r->plots), "%s", env);
		return;
	}
	fmt_to(probe, sizeof(probe), "%s/plots/ratio.gp", PFNBENCH_SOURCE_DIR);
	if (!access(probe, R_OK)) {
		fmt_to(r->plots, sizeof(r->plots), "%s/plots",
			 PFNBENCH_SOURCE_DIR);
		return;
	}
	fmt_to(r->plots, sizeof(r->plots), "%s/plots", src ? src : ".");
}


/* ---- the figures ----------------------------------------------------------- */

/* ns/page per backend, one per group; null in a panel of its own. */
int figure_ns(struct report *r, const struct report_figure *fig, const struct rgroup *g)
{
	char name[300], sub[400], extra[6144] = "";
	int bs[RM_MAX_BACKENDS], blocks = 0, nullidx = -1;
	FILE *f;

	fmt_to(name, sizeof(name), "ns_per_page-%s", g->file);
	f = dat_open(r, name);
	if (!f)
		return -errno;
	for (int b = 0; b < r->m->nr_be; b++) {
		int started = 0;

		for (size_t i = 0; i < g->nr_cases; i++) {
			const struct rcase *rc = &r->m->cases[g->cases[i]];
			double med, mn, mx;

			if (rmodel_median(r->m, rc, b, RCOL_NS_PER_PAGE, &med) ||
			    rmodel_minmax(r->m, rc, b, RCOL_NS_PER_PAGE, &mn, &mx) || med <= 0)
				continue;
			if (!started) {
				fprintf(f, "%s%s median min max\n", blocks ? "\n\n" : "", rmodel_backend_name(r->m, b));
				if (b == r->m->null_b)
					nullidx = blocks;
				bs[blocks++] = b;
			}
			started = 1;
			fprintf(f, "%ld %.6g %.6g %.6g\n", rc->npages, med, mn, mx);
		}
	}
	if (dat_close(r, f))
		return -EIO;
	subtitle_for(r, sub, sizeof(sub), g->name);
	if (figure_styles(bs, blocks, extra, sizeof(extra)) || figure_xtics(r->m, g, extra, sizeof(extra)) ||
	    figure_marks(r->m, g, extra, sizeof(extra)))
		extra[0] = '\0'; /* cannot happen with 14 backends in 6 KiB: gnuplot's own styles */
	fmt_to(extra + strlen(extra), sizeof(extra) - strlen(extra), "nullidx=%d", nullidx);
	figure_draw(r, fig->script, name, sub, extra);
	return 0;
}

/* The headline comparison's ratio with its interval, one block per group,
 * and the text plot of the same data for the report itself. */
int figure_ratio(struct report *r, const struct report_figure *fig, const struct rgroup *unused)
{
	char path[4200], expr[8192] = "", tmp[4200], pair[128], pexpr[512] = "";
	FILE *f = dat_open(r, "ratio");
	int blocks = 0;

	(void)unused;
	if (!f)
		return -errno;
	for (size_t gi = 0; gi < r->m->nr_groups; gi++) {
		const struct rgroup *g = &r->m->groups[gi];
		int started = 0;

		for (size_t i = 0; i < g->nr_cases; i++) {
			const struct rratio *q = &g->ratio[i];

			if (!q->ok)
				continue;
			if (!started)
				fprintf(f, "%s%s ratio lo hi\n", blocks++ ? "\n\n" : "", g->name);
			started = 1;
			fprintf(f, "%ld %.6g %.6g %.6g\n", r->m->cases[g->cases[i]].npages, q->ratio,
				q->has_ci ? q->lo : q->ratio, q->has_ci ? q->hi : q->ratio);
		}
	}
	if (dat_close(r, f))
		return -EIO;
	if (!blocks) {
		report_note(r, "no case has both sides of the headline comparison: no ratio figure");
		return 0;
	}
	fmt_to(pair, sizeof(pair), "%s / %s", rmodel_backend_name(r->m, r->m->conv),
	       rmodel_backend_name(r->m, r->m->direct));
	if (figure_gp_set(pexpr, sizeof(pexpr), "pair", pair) || figure_xtics(r->m, NULL, pexpr, sizeof(pexpr)))
		pexpr[0] = '\0';
	figure_draw(r, fig->script, "ratio", r->machine, pexpr);

	fmt_to(path, sizeof(path), "%s/ratio.dat", r->datadir);
	fmt_to(tmp, sizeof(tmp), "%s/ratio-dumb", r->datadir);
	if (figure_gp_set(expr, sizeof(expr), "datafile", path) || figure_gp_set(expr, sizeof(expr), "outbase", tmp) ||
	    figure_gp_set(expr, sizeof(expr), "pair", pair) || figure_xtics(r->m, NULL, expr, sizeof(expr)))
		return 0;
	strcat(expr, "dumb=1");
	if (!figure_gnuplot(r, fig->script, expr))
		fmt_to(r->dumb, sizeof(r->dumb), "%s.txt", tmp);
	return 0;
}

/* Below this many events per page at every point, a counter counted the
 * process's stray events (a page fault of the harness), not the path's. */
#define COUNTER_REAL_MIN 0.01

/* The largest median of col over the group's cases and backends (0 when none). */
static double group_max_median(struct report *r, const struct rgroup *g, enum result_col col)
{
	double mx = 0;

	for (size_t i = 0; i < g->nr_cases; i++)
		for (int b = 0; b < r->m->nr_be; b++) {
			double v;

			if (!rmodel_median(r->m, &r->m->cases[g->cases[i]], b, col, &v) && v > mx)
				mx = v;
		}
	return mx;
}

/* "a, b, c" as "a, b or c" (in place). */
static void or_last(char *list)
{
	char *last = strrchr(list, ',');

	if (last) {
		memmove(last + 3, last + 1, strlen(last + 1) + 1);
		memcpy(last, " or", 3);
	}
}

/* Which counters of the figure list are real in g: their columns, names in which. */
static size_t counters_real(struct report *r, const struct rgroup *g, enum result_col *cols, char *which,
			    size_t wlen)
{
	char labels[256] = "", small[256] = "";
	size_t nr = 0;

	for (int k = 0; k < PC_NR; k++) {
		if (!pfn_counter_info[k].figure)
			continue;
		fmt_to(labels + strlen(labels), sizeof(labels) - strlen(labels), "%s%s", *labels ? ", " : "",
		       pfn_counter_info[k].label);
		if (!rmodel_group_has(r->m, g, RCOL_COUNTER(k)))
			continue;
		if (group_max_median(r, g, RCOL_COUNTER(k)) < COUNTER_REAL_MIN) {
			fmt_to(small + strlen(small), sizeof(small) - strlen(small), "%s%s", *small ? ", " : "",
			       pfn_counter_info[k].label);
			continue;
		}
		cols[nr++] = RCOL_COUNTER(k);
		fmt_to(which + strlen(which), wlen - strlen(which), "%s%s", *which ? " " : "",
		       pfn_counter_info[k].column);
	}
	if (nr)
		return nr;
	or_last(labels);
	if (*small)
		report_note(r, "%s: %s below %g per page everywhere (stray events of the process, not the path's): "
			    "no counters figure", g->name, small, COUNTER_REAL_MIN);
	else
		report_note(r, "%s: no %s measured: no counters figure", g->name, labels);
	return 0;
}

/*
 * The counters vocab.h marks for the figure, per page, those that were
 * real (measured, and not below COUNTER_REAL_MIN everywhere); none: a note.
 */
int figure_counters(struct report *r, const struct report_figure *fig, const struct rgroup *g)
{
	enum result_col cols[PC_NR];
	char name[300], sub[400], extra[6144] = "", which[256] = "";
	int bs[RM_MAX_BACKENDS], blocks = 0;
	size_t nr = counters_real(r, g, cols, which, sizeof(which));
	FILE *f;

	if (!nr)
		return 0;
	fmt_to(name, sizeof(name), "counters-%s", g->file);
	f = dat_open(r, name);
	if (!f)
		return -errno;
	for (int b = 0; b < r->m->nr_be; b++) {
		int started = 0;

		for (size_t i = 0; i < g->nr_cases; i++) {
			const struct rcase *rc = &r->m->cases[g->cases[i]];
			double v[PC_NR];
			int any = 0;

			for (size_t k = 0; k < nr; k++) {
				if (rmodel_median(r->m, rc, b, cols[k], &v[k]))
					v[k] = NAN;
				else
					any = 1;
			}
			if (!any)
				continue;
			if (!started) {
				fprintf(f, "%s%s %s\n", blocks ? "\n\n" : "", rmodel_backend_name(r->m, b), which);
				bs[blocks++] = b;
			}
			started = 1;
			fprintf(f, "%ld", rc->npages);
			for (size_t k = 0; k < nr; k++) {
				if (isnan(v[k]))
					fprintf(f, " NaN");
				else
					fprintf(f, " %.6g", v[k]);
			}
			fputc('\n', f);
		}
	}
	if (dat_close(r, f))
		return -EIO;
	subtitle_for(r, sub, sizeof(sub), g->name);
	if (figure_styles(bs, blocks, extra, sizeof(extra)) || figure_xtics(r->m, g, extra, sizeof(extra)))
		extra[0] = '\0';
	fmt_to(extra + strlen(extra), sizeof(extra) - strlen(extra), "counters='%s'", which);
	figure_draw(r, fig->script, name, sub, extra);
	return 0;
}

/* Does plotdata/NAME.dat of an earlier memory figure hold exactly buf? Its name, or NULL. */
static const char *memory_drawn_before(struct report *r, const char *buf, size_t len)
{
	for (size_t k = 0; k < r->nr_figs; k++) {
		char path[4400], *old = NULL;
		size_t n = 0;
		FILE *f;

		if (strncmp(r->figs[k], "memory-", 7))
			continue;
		fmt_to(path, sizeof(path), "%s/%s.dat", r->datadir, r->figs[k]);
		f = fopen(path, "r");
		if (!f)
			continue;
		old = malloc(len + 2);
		if (old)
			n = fread(old, 1, len + 1, f);
		fclose(f);
		if (old && n == len && !memcmp(old, buf, len)) {
			free(old);
			return r->figs[k];
		}
		free(old);
	}
	return NULL;
}

/*
 * Bytes per page by backend at the group's largest npages.  No figure when
 * every backend has the same bytes (a row of equal bars says nothing the
 * table does not), or when an earlier group's figure has the same bars
 * (bytes depend on the backend and the batch, rarely on the workload).
 */
int figure_memory(struct report *r, const struct report_figure *fig, const struct rgroup *g)
{
	char name[300], sub[400], what[300], *buf = NULL;
	const struct rcase *rc;
	const char *same;
	size_t len = 0;
	double a0 = NAN, p0 = NAN;
	int differ = 0, rows = 0;
	FILE *f;

	if (!g->nr_cases || (!rmodel_group_has(r->m, g, RCOL_BYTES_ALLOC_PER_PAGE) &&
			     !rmodel_group_has(r->m, g, RCOL_BYTES_PERSISTENT_PER_PAGE))) {
		report_note(r, "%s: no bytes_*_per_page values: no memory figure", g->name);
		return 0;
	}
	rc = &r->m->cases[g->cases[g->nr_cases - 1]];
	fmt_to(name, sizeof(name), "memory-%s", g->file);
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "backend alloc persistent\n");
	for (int b = 0; b < r->m->nr_be; b++) {
		double a, p;
		int ra = rmodel_median(r->m, rc, b, RCOL_BYTES_ALLOC_PER_PAGE, &a);
		int rp = rmodel_median(r->m, rc, b, RCOL_BYTES_PERSISTENT_PER_PAGE, &p);

		if (ra && rp)
			continue;
		a = ra ? NAN : a;
		p = rp ? NAN : p;
		if (rows++ == 0) {
			a0 = a;
			p0 = p;
		}
		differ |= !(a == a0 || (isnan(a) && isnan(a0))) || !(p == p0 || (isnan(p) && isnan(p0)));
		fprintf(f, "%s %.6g %.6g\n", rmodel_backend_name(r->m, b), a, p);
	}
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	same = differ ? memory_drawn_before(r, buf, len) : NULL;
	if (!differ || same) {
		if (!differ)
			report_note(r, "%s: every backend has %.4g bytes allocated per call and %.4g held, per page: "
				    "no memory figure", g->name, a0, p0);
		else
			report_note(r, "%s: the bytes per page of %s again: no memory figure", g->name, same);
		free(buf);
		return 0;
	}
	f = dat_open(r, name);
	if (!f || fwrite(buf, 1, len, f) != len) {
		free(buf);
		if (f)
			fclose(f);
		return -EIO;
	}
	free(buf);
	if (dat_close(r, f))
		return -EIO;
	fmt_to(what, sizeof(what), "%s, npages %ld, batch %ld", g->name, rc->npages, rc->batch);
	subtitle_for(r, sub, sizeof(sub), what);
	figure_draw(r, fig->script, name, sub, NULL);
	return 0;
}

/*
 * "pt=0,memmap=0,hmm=0,drv=0,cpu=0": 1 if any structure is on a node other
 * than cpu's, 0 if all local, -1 if unknown.
 */
static int placement_remote(const char *s)
{
	long cpu = -1, nodes[16];
	size_t n = 0;
	const char *p = s;

	if (!*s || !strcmp(s, "?"))
		return -1;
	while (*p) {
		const char *eq = strchr(p, '='), *comma;
		char *end;
		long v;

		if (!eq)
			return -1;
		v = strtol(eq + 1, &end, 10);
		if (end == eq + 1)
			return -1;
		if (eq - p == 3 && !strncmp(p, "cpu", 3))
			cpu = v;
		else if (n < 16)
			nodes[n++] = v;
		comma = strchr(eq, ',');
		if (!comma)
			break;
		p = comma + 1;
	}
	if (cpu < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (nodes[i] != cpu)
			return 1;
	return 0;
}

/* The largest npages run with remote memory, or -1. */
static long placement_npages(struct report *r, int col)
{
	long np = -1;

	for (size_t i = 0; i < r->m->nr_cases; i++)
		for (int b = 0; b < r->m->nr_be; b++)
			for (size_t k = 0; k < r->m->cases[i].nr[b]; k++)
				if (placement_remote(rdata_get(r->m->t, r->m->cases[i].rows[b][k], col)) == 1 &&
				    r->m->cases[i].npages > np)
					np = r->m->cases[i].npages;
	return np;
}

/* One line of placement.dat: backend b's local and remote medians at np pages. */
static void placement_line(struct report *r, FILE *f, int b, long np, int col, double *loc, double *rem)
{
	double ml = NAN, mr = NAN;
	size_t nl = 0, nr = 0;

	for (size_t i = 0; i < r->m->nr_cases; i++) {
		const struct rcase *rc = &r->m->cases[i];

		if (rc->npages != np)
			continue;
		for (size_t k = 0; k < rc->nr[b]; k++) {
			size_t row = rc->rows[b][k];
			int where = placement_remote(rdata_get(r->m->t, row, col));
			double v = rmodel_value(r->m, row, RCOL_NS_PER_PAGE);

			if (where < 0 || isnan(v))
				continue;
			if (where)
				rem[nr++] = v;
			else
				loc[nl++] = v;
		}
	}
	if (!nl && !nr)
		return;
	if (nl)
		rstats_median(loc, nl, &ml);
	if (nr)
		rstats_median(rem, nr, &mr);
	fprintf(f, "%s %.6g %.6g\n", rmodel_backend_name(r->m, b), ml, mr);
}

/* Local vs remote per backend at the largest npages run remote; the reason
 * there is none is a note. */
int figure_placement(struct report *r, const struct report_figure *fig, const struct rgroup *unused)
{
	int col = r->m->col[RCOL_PLACEMENT_ACTUAL];
	long nodes = rmodel_meta_int(r->m, "machine", "numa_nodes", -1), np;
	double *loc = NULL, *rem = NULL;
	FILE *f = NULL;
	int ret = 0;
	char sub[400], what[64];

	(void)unused;
	if (nodes == 1) {
		report_note(r, "single node: no placement figure");
		return 0;
	}
	if (col < 0) {
		report_note(r, "no placement_actual column: no placement figure");
		return 0;
	}
	np = placement_npages(r, col);
	if (np < 0) {
		report_note(r, "%ld nodes but no case ran with remote memory: no placement figure", nodes);
		return 0;
	}
	loc = malloc(r->m->t->nr_rows * sizeof(double));
	rem = malloc(r->m->t->nr_rows * sizeof(double));
	f = dat_open(r, "placement");
	if (!loc || !rem || !f) {
		ret = f ? -ENOMEM : -errno;
		goto out;
	}
	fprintf(f, "backend local remote\n");
	for (int b = 0; b < r->m->nr_be; b++)
		placement_line(r, f, b, np, col, loc, rem);
out:
	if (f && dat_close(r, f) && !ret)
		ret = -EIO;
	free(loc);
	free(rem);
	if (ret)
		return ret;
	fmt_to(what, sizeof(what), "npages %ld", np);
	subtitle_for(r, sub, sizeof(sub), what);
	if (figure_draw(r, fig->script, "placement", sub, NULL))
		report_note(r, "placement figure failed (see notes)");
	return 0;
}

/*
 * Stacked stage figures: per workload, for each conversion backend of a
 * comparison that ran, one cluster of bars per page-table source
 * (plots/stages.gp, blocks=N).
 */
int figure_stages(struct report *r, const struct report_figure *fig, const struct rgroup *unused)
{
	int bs[PFN_MAX_COMPARISONS], nbs = 0;

	(void)unused;
	for (size_t k = 0; k < r->m->nr_comps; k++) {
		int b = r->m->comp_b[k][0], i;

		for (i = 0; i < nbs && bs[i] != b; i++)
			;
		if (i == nbs)
			bs[nbs++] = b;
	}
	for (size_t i = 0; i < r->m->nr_pairs; i++) {
		const struct rpair *p = &r->m->pairs[i];

		for (int k = 0; k < nbs; k++) {
			char name[300], sub[400], what[300], extra[600] = "";
			char key[16];
			FILE *f = NULL;
			int blocks = 0, ret = 0;

			fmt_to(name, sizeof(name), "stages-%s-%s", p->file,
			       rmodel_backend_name(r->m, bs[k]));
			for (int s = 0; s < CONFIG_NR_SOURCES && !ret; s++) {
				const struct rgroup *g;
				int started = 0;

				if (p->grp[s] < 0)
					continue;
				g = &r->m->groups[p->grp[s]];
				for (size_t j = 0; j < g->nr_cases; j++) {
					const struct rcase *rc =
						&r->m->cases[g->cases[j]];
					double v[PFN_STAGE_NR], sum;

					ret = rmodel_stage_medians(r->m, rc, bs[k], v, &sum);
					if (ret == -ENODATA) {
						ret = 0;
						continue;
					}
					if (ret)
						break;
					if (!f && !(f = dat_open(r, name)))
						return -errno;
					if (!started) {
						fprintf(f, "%snpages", blocks ? "\n\n" : "");
						for (int st = 0; st < PFN_STAGE_NR; st++)
							fprintf(f, " %s", pfn_stage_info[st].figure_label);
						fprintf(f, "\n");
						fmt_to(key, sizeof(key), "block%d",
						       blocks++);
						fmt_to(what, sizeof(what), "%s source",
						       config_source_name(s));
						figure_gp_set(extra, sizeof(extra), key, what);
						started = 1;
					}
					fprintf(f, "%ld", rc->npages);
					for (int st = 0; st < PFN_STAGE_NR; st++)
						fprintf(f, " %.6g", isnan(v[st]) ?
							0 : v[st]);
					fprintf(f, "\n");
				}
			}
			if (f && dat_close(r, f) && !ret)
				ret = -EIO;
			if (ret)
				return ret;
			if (!f)
				continue;
			fmt_to(extra + strlen(extra),
			       sizeof(extra) - strlen(extra), "blocks=%d",
			       blocks);
			fmt_to(what, sizeof(what), "%s %s", p->name,
			       rmodel_backend_name(r->m, bs[k]));
			subtitle_for(r, sub, sizeof(sub), what);
			figure_draw(r, fig->script, name, sub, extra);
		}
	}
	return 0;
}
