/*
 * report_floor.c - the memory floor under each curve: costmodel.c's bytes
 * per page over the copy bandwidth this run measured for the case's arrays
 * (meta.json "bandwidth"), per group, with the measured time over it and
 * one sentence: measured / floor below FLOOR_NEAR reads as limited by
 * memory, above it by instructions.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "costmodel.h"
#include "report_priv.h"

/* measured / floor below this: the curve is limited by memory traffic */
#define FLOOR_NEAR 2.0

/* Backend slots: every backend of the table (report_model.h). */
#define NR_FB RM_MAX_BACKENDS

/* What one group's table found, for its sentence. */
struct floor_stats {
	double rmin[NR_FB], rmax[NR_FB];	/* measured / floor */
	char near[NR_FB][512];		/* npages within FLOOR_NEAR of the floor */
	char below[NR_FB][512];		/* npages below the floor */
	int rows;			/* table rows printed */
	int nbw;			/* cases with a bandwidth */
};

/* meta.json's bandwidth for npages, or NAN. */
static double bandwidth_of(struct report *r, long npages)
{
	json_t *bw = r->m->meta ? json_object_get(r->m->meta, "bandwidth") : NULL;
	char key[32];
	json_t *v;

	fmt_to(key, sizeof(key), "%ld", npages);
	v = json_object_get(json_object_get(bw, key), "copy_bytes_per_s");
	return json_is_number(v) && json_number_value(v) > 0 ? json_number_value(v) : NAN;
}

/* Does backend slot b have a floor (a declared traffic; null moves nothing)? */
static bool has_floor(const struct rmodel *m, int b)
{
	return m->has[b] && pfn_backends[b]->era != PFN_ERA_NONE && pfn_backends[b]->traffic;
}

/* One row: backend slot k of case rc against its floor.  0 or -ENOMEM. */
static int floor_row(struct report *r, const struct rgroup *g, const struct rcase *rc, size_t k, double bw,
		     struct floor_stats *st)
{
	json_t *cfg = r->m->meta ? json_object_get(r->m->meta, "config") : NULL;
	int b = (int)k;
	struct costmodel_case cm = {
		.backend = rmodel_backend_name(r->m, b),
		.workload = g->workload,
		.npages = (unsigned long)rc->batch,
		.kernel_source = g->source == CONFIG_SOURCE_KERNEL,
		.dma = json_is_true(json_object_get(cfg, "dma")),
		.no_clear = json_is_false(json_object_get(cfg, "clear_data")),
		.faults_per_page = -1,
	};
	double meas, fl, ratio, fpp;
	int ret = rmodel_median(r->m, rc, b, RCOL_NS_PER_PAGE, &meas);

	if (ret)
		return ret == -ENODATA ? 0 : ret;
	ret = rmodel_median(r->m, rc, b, RCOL_FAULTS_PER_PAGE, &fpp);
	if (!ret)
		cm.faults_per_page = fpp;
	else if (ret != -ENODATA)
		return ret;
	fl = costmodel_floor_case(&cm, bw);
	ratio = !isnan(fl) && fl > 0 ? meas / fl : NAN;
	fprintf(r->out, "%7ld  %-20s", rc->npages, rmodel_backend_name(r->m, b));
	cell(r->out, 11, "%.2f", 1, meas);
	cell(r->out, 10, "%.3f", !isnan(fl), fl);
	cell(r->out, 16, "%.1f", !isnan(ratio), ratio);
	fprintf(r->out, "\n");
	st->rows++;
	if (isnan(ratio))
		return 0;
	if (ratio < st->rmin[k])
		st->rmin[k] = ratio;
	if (ratio > st->rmax[k])
		st->rmax[k] = ratio;
	if (ratio < FLOOR_NEAR)
		fmt_to(st->near[k] + strlen(st->near[k]), sizeof(st->near[k]) - strlen(st->near[k]), "%s%ld",
		       *st->near[k] ? ", " : "", rc->npages);
	if (ratio < 1)
		fmt_to(st->below[k] + strlen(st->below[k]), sizeof(st->below[k]) - strlen(st->below[k]), "%s%ld",
		       *st->below[k] ? ", " : "", rc->npages);
	return 0;
}

/* What limits each backend, from the table's stats, appended to text. */
static void floor_limits(const struct rmodel *m, char *text, size_t len, const struct floor_stats *st)
{
	int any = 0, any_near = 0;

	for (size_t k = 0; k < NR_FB; k++) {
		if (st->rmin[k] > st->rmax[k])
			continue;
		fmt_to(text + strlen(text), len - strlen(text), "%s%s runs at %.*fx to %.*fx its floor",
		       any ? ", " : "", rmodel_backend_name(m, (int)k), st->rmin[k] < 10 ? 1 : 0,
		       st->rmin[k], st->rmax[k] < 10 ? 1 : 0, st->rmax[k]);
		any = 1;
		any_near |= *st->near[k] != '\0';
	}
	if (!any) {
		fmt_to(text + strlen(text), len - strlen(text), "no floor: %s.",
		       st->nbw ? "no modelled backend measured" : "no bandwidth measured for these npages");
		return;
	}
	if (!any_near) {
		fmt_to(text + strlen(text), len - strlen(text),
		       ". Every curve is limited by instructions, not by memory: no ratio is below %.0f.",
		       FLOOR_NEAR);
		return;
	}
	fmt_to(text + strlen(text), len - strlen(text), ".");
	for (size_t k = 0; k < NR_FB; k++) {
		if (st->rmin[k] > st->rmax[k])
			continue;
		if (*st->near[k])
			fmt_to(text + strlen(text), len - strlen(text),
			       " %s is limited by memory (within %.0fx of its floor) at npages %s%s.",
			       rmodel_backend_name(m, (int)k), FLOOR_NEAR, st->near[k],
			       st->rmax[k] >= FLOOR_NEAR ? ", by instructions elsewhere" : "");
		else
			fmt_to(text + strlen(text), len - strlen(text), " %s is limited by instructions at every npages.",
			       rmodel_backend_name(m, (int)k));
	}
}

/* The floor table of group g and its sentence. */
int section_floor(struct report *r, const struct rgroup *g)
{
	struct costmodel_case probe = { .workload = g->workload, .npages = 1, .faults_per_page = -1 };
	struct costmodel_traffic traffic;
	struct floor_stats st = { .rows = 0 };
	int modelled = 0;
	char text[4096];
	FILE *f = r->out;

	if (!g->nr_cases)
		return 0;
	if (!r->m->meta || !json_is_object(json_object_get(r->m->meta, "bandwidth"))) {
		fprintf(f, "Memory floor: not computed (meta.json has no \"bandwidth\")\n\n");
		return 0;
	}
	for (int b = 0; b < r->m->nr_be && !modelled; b++) {
		probe.backend = rmodel_backend_name(r->m, b);
		modelled = has_floor(r->m, b) && !costmodel_traffic_per_page(&probe, &traffic);
	}
	if (!modelled) {
		fprintf(f, "Memory floor: no cost model for workload %s with these backends\n\n", g->workload);
		return 0;
	}
	for (size_t k = 0; k < NR_FB; k++) {
		st.rmin[k] = INFINITY;
		st.rmax[k] = -INFINITY;
	}
	fprintf(f, "Memory floor: bytes per page the path must move (harness/analyze/costmodel.c)\nover the "
		"copy bandwidth measured for the case's arrays (meta.json \"bandwidth\")\n\n");
	fprintf(f, " npages  backend              measured ns  floor ns  measured/floor\n");
	for (size_t i = 0; i < g->nr_cases; i++) {
		const struct rcase *rc = &r->m->cases[g->cases[i]];
		double bw = bandwidth_of(r, rc->npages);

		if (!isnan(bw))
			st.nbw++;
		for (size_t k = 0; k < (size_t)r->m->nr_be; k++) {
			int ret = has_floor(r->m, (int)k) ? floor_row(r, g, rc, k, bw, &st) : 0;

			if (ret)
				return ret;
		}
	}
	if (!st.rows)
		fprintf(f, "(no rows of a backend with a declared traffic)\n");
	fprintf(f, "\n");
	fmt_to(text, sizeof(text), "%s: ", g->name);
	floor_limits(r->m, text, sizeof(text), &st);
	for (size_t k = 0; k < NR_FB; k++)
		if (*st.below[k])
			fmt_to(text + strlen(text), sizeof(text) - strlen(text),
			       " %s is BELOW its floor at npages %s: the model counts bytes that this run did not move "
			       "there.",
			       rmodel_backend_name(r->m, (int)k), st.below[k]);
	wrap(f, text, 0, "");
	fprintf(f, "\n");
	return 0;
}
