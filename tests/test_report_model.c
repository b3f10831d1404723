/*
 * test_report_model.c - the report model (harness/analyze/report_model.c) on the
 * fixtures tests/data/results-fixture and results-fixture-sources.
 *
 * Expected numbers: medians, minima and maxima were computed from the
 * fixtures' results.csv with Python's statistics module; the stage times
 * and conversion shares are the ones make_fixture.py of
 * results-fixture-sources documents (mirror nouveau-v5.8 npages 16: stages
 * 1+3+2+1+5 = 12 ns emulated, 1+30+2+1+5 = 39 ns kernel).  The grouping
 * test rewrites a copy of the fixture so that case names and the columns
 * that describe a case disagree: groups must follow the columns.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "report_model.h"

#define FIXTURE TEST_DATA_DIR "/results-fixture"
#define SOURCES TEST_DATA_DIR "/results-fixture-sources"

static struct rmodel *load(const char *dir)
{
	struct rmodel *m = NULL;
	char err[1024] = "";
	int ret = rmodel_load(dir, &m, err, sizeof(err));

	if (ret)
		print_error("%s: %d: %s\n", dir, ret, err);
	assert_int_equal(ret, 0);
	assert_non_null(m);
	return m;
}

static const struct rgroup *group(const struct rmodel *m, const char *name)
{
	for (size_t i = 0; i < m->nr_groups; i++)
		if (!strcmp(m->groups[i].name, name))
			return &m->groups[i];
	print_error("no group %s\n", name);
	fail();
	return NULL;
}

static const struct rcase *case_of(const struct rmodel *m, const struct rgroup *g, long npages)
{
	for (size_t i = 0; i < g->nr_cases; i++)
		if (m->cases[g->cases[i]].npages == npages)
			return &m->cases[g->cases[i]];
	fail();
	return NULL;
}

static void test_fixture_groups(void **state)
{
	struct rmodel *m = load(FIXTURE);

	(void)state;
	assert_int_equal(m->t->nr_rows, 288);
	assert_int_equal(m->nr_cases, 12);
	assert_int_equal(m->nr_skipped, 0);
	assert_int_equal(m->nr_unknown_backend, 0);
	assert_non_null(m->meta);
	assert_int_equal(m->nr_groups, 2);
	assert_string_equal(m->groups[0].name, "mirror");
	assert_string_equal(m->groups[1].name, "thp");
	for (size_t g = 0; g < m->nr_groups; g++) {
		const struct rgroup *gr = &m->groups[g];

		assert_int_equal(gr->nr_cases, 6);
		assert_int_equal(gr->source, CONFIG_SOURCE_EMULATED);
		assert_string_equal(gr->workload, gr->name);
		assert_int_equal(m->cases[gr->cases[0]].npages, 1);
		for (size_t i = 0; i < gr->nr_cases; i++) {
			const struct rcase *rc = &m->cases[gr->cases[i]];

			assert_int_equal(rc->group, g);
			if (i)
				assert_true(rc->npages > m->cases[gr->cases[i - 1]].npages);
			for (int b = 0; b < RM_MAX_BACKENDS; b++)
				assert_int_equal(rc->nr[b], m->has[b] ? 6 : 0);
			assert_int_equal(rmodel_reps(rc), 6);
		}
	}
	/* one pair per workload, on the emulated source only */
	assert_int_equal(m->nr_pairs, 2);
	assert_non_null(rmodel_pair(m, "mirror"));
	assert_int_equal(rmodel_pair(m, "mirror")->grp[CONFIG_SOURCE_EMULATED], 0);
	assert_int_equal(rmodel_pair(m, "mirror")->grp[CONFIG_SOURCE_KERNEL], -1);
	assert_null(rmodel_pair(m, "mixed"));
	assert_string_equal(rmodel_meta_str(m, "machine", "cpu_model"), "AMD EPYC 7B13 64-Core Processor");
	assert_int_equal(rmodel_meta_int(m, "machine", "numa_nodes", -1), 1);
	assert_int_equal(rmodel_meta_int(m, "machine", "nosuch", -7), -7);
	assert_null(rmodel_meta_str(m, "nosuch", "cpu_model"));
	rmodel_free(m);
}

static void test_fixture_numbers(void **state)
{
	struct rmodel *m = load(FIXTURE);
	const struct rgroup *mirror = group(m, "mirror"), *thp = group(m, "thp");
	const struct rcase *rc = case_of(m, mirror, 1);
	double v, mn, mx, samples[8];
	long rep[8];

	(void)state;
	assert_int_equal(rmodel_median(m, rc, m->conv, RCOL_NS_PER_PAGE, &v), 0);
	assert_float_equal(v, 489.61295, 1e-9);
	assert_int_equal(rmodel_median(m, rc, m->direct, RCOL_NS_PER_PAGE, &v), 0);
	assert_float_equal(v, 454.737, 1e-9);
	assert_int_equal(rmodel_median(m, rc, m->null_b, RCOL_NS_PER_PAGE, &v), 0);
	assert_float_equal(v, 35.18875, 1e-9);
	assert_int_equal(rmodel_minmax(m, rc, m->conv, RCOL_NS_PER_PAGE, &mn, &mx), 0);
	assert_float_equal(mn, 483.9276, 1e-9);
	assert_float_equal(mx, 507.8066, 1e-9);
	assert_int_equal(rmodel_samples(m, rc, m->conv, RCOL_NS_PER_PAGE, samples, rep), 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(rep[i], i);
	/* not measured: no hardware counters in the fixture */
	assert_int_equal(rmodel_median(m, rc, m->conv, RCOL_COUNTER(PC_CYCLES), &v), -ENODATA);
	assert_false(rmodel_group_has(m, mirror, RCOL_COUNTER(PC_CYCLES)));
	assert_true(rmodel_group_has(m, mirror, RCOL_COUNTER(PC_PAGE_FAULTS)));
	assert_false(rmodel_any_has(m, RCOL_CALLGRIND_IR_PER_PAGE));
	assert_true(rmodel_column_any(m, RCOL_STAGE(PFN_STAGE_WALK)));

	/*
	 * thp npages 1: direct is slower, and significantly (report.txt's
	 * row).  The fixture has no ns_per_page_median (results of before
	 * it): the comparisons pair ns_per_page.  diff and ratio are the
	 * Hodges-Lehmann estimates of the 6 pairs, the interval [min, max] of
	 * the Walsh averages (computed offline, see test_paired.c).
	 */
	const struct rratio *q = &thp->ratio[0];

	assert_int_equal(m->tcol, RCOL_NS_PER_PAGE);
	assert_true(isnan(m->target));
	assert_int_equal(m->cases[thp->cases[0]].npages, 1);
	assert_true(q->ok);
	assert_float_equal(q->conv, 564.67545, 1e-9);
	assert_float_equal(q->direct, 604.92075, 1e-9);
	assert_int_equal(q->pairs, 6);
	assert_true(q->has_ci);
	assert_float_equal(q->ratio, 0.9296224035720744, 1e-9);
	assert_float_equal(q->lo, 0.9085197244114119, 1e-9);
	assert_float_equal(q->hi, 0.9564339304740623, 1e-9);
	assert_float_equal(q->diff, -42.2242, 1e-9);
	assert_float_equal(q->dlo, -55.2184, 1e-9);
	assert_float_equal(q->dhi, -25.9399, 1e-9);
	assert_float_equal(q->half, (55.2184 - 25.9399) / 2, 1e-9);
	assert_true(q->sig);
	/* mirror npages 1: the conversion side slower */
	assert_float_equal(mirror->ratio[0].ratio, 1.080303595967617, 1e-9);
	assert_float_equal(mirror->ratio[0].diff, 36.3636, 1e-9);
	assert_true(mirror->ratio[0].sig);
	/* every ratio inside its own interval */
	for (size_t g = 0; g < m->nr_groups; g++)
		for (size_t k = 0; k < m->nr_comps; k++)
			for (size_t i = 0; i < m->groups[g].nr_cases; i++) {
				const struct rratio *p = &m->groups[g].ratios[k][i];

				assert_true(p->has_ci);
				assert_true(p->lo <= p->ratio && p->ratio <= p->hi);
				assert_true(p->dlo <= p->diff && p->diff <= p->dhi);
			}
	/* the second comparison: nouveau v5.8 against v5.6, by declaration */
	assert_true(mirror->ratios[1][0].ok);
	assert_float_equal(mirror->ratios[1][0].conv, 489.61295, 1e-9);
	assert_float_equal(mirror->ratios[1][0].direct, 452.5373, 1e-9);	/* v5.6, the fix-up pass */
	rmodel_free(m);
}

/* The comparisons: declared pairs whose backends both have rows, the headline first. */
static void test_fixture_comparisons(void **state)
{
	struct rmodel *m = load(FIXTURE);

	(void)state;
	assert_int_equal(m->nr_comps, 2);
	assert_string_equal(m->comps[0].conv->name, "nouveau-v5.8");
	assert_string_equal(m->comps[0].direct->name, "nouveau-v5.7");
	assert_true(m->comps[0].mutual);
	assert_string_equal(m->comps[1].direct->name, "nouveau-v5.6");
	assert_false(m->comps[1].mutual);
	assert_string_equal(rmodel_backend_name(m, m->conv), "nouveau-v5.8");
	assert_string_equal(rmodel_backend_name(m, m->direct), "nouveau-v5.7");
	assert_string_equal(rmodel_backend_name(m, m->null_b), "null");
	assert_int_equal(m->comp_b[1][0], m->conv);
	assert_false(m->has[pfn_backend_index("amdgpu-v5.8")]);
	rmodel_free(m);
}

static void test_sources_pairs_and_shares(void **state)
{
	static const char *const names[] = { "first-touch", "mirror", "mirror/kernel", "thp", "thp/kernel" };
	struct rmodel *m = load(SOURCES);
	const struct rpair *p;
	const struct rcase *rc;
	double v[PFN_STAGE_NR], sum, share;
	long np;

	(void)state;
	assert_int_equal(m->nr_groups, 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(m->groups[i].name, names[i]);
	assert_int_equal(group(m, "mirror/kernel")->source, CONFIG_SOURCE_KERNEL);
	assert_string_equal(group(m, "mirror/kernel")->pair_name, "mirror");
	assert_string_equal(group(m, "mirror/kernel")->workload, "mirror");
	assert_int_equal(m->nr_pairs, 3);
	p = rmodel_pair(m, "mirror");
	assert_non_null(p);
	assert_string_equal(m->groups[p->grp[CONFIG_SOURCE_EMULATED]].name, "mirror");
	assert_string_equal(m->groups[p->grp[CONFIG_SOURCE_KERNEL]].name, "mirror/kernel");
	assert_int_equal(rmodel_pair(m, "first-touch")->grp[CONFIG_SOURCE_KERNEL], -1);

	/* the stages of mirror's convert at npages 16, on each source */
	rc = rmodel_group_case(m, p->grp[CONFIG_SOURCE_EMULATED], 16, 16);
	assert_non_null(rc);
	assert_int_equal(rmodel_stage_medians(m, rc, m->conv, v, &sum), 0);
	assert_float_equal(sum, 12.0, 1e-9);
	assert_float_equal(v[PFN_STAGE_WALK], 3.0, 1e-9);
	assert_float_equal(v[PFN_STAGE_DMA], 5.0, 1e-9);
	rc = rmodel_group_case(m, p->grp[CONFIG_SOURCE_KERNEL], 16, 16);
	assert_int_equal(rmodel_stage_medians(m, rc, m->conv, v, &sum), 0);
	assert_float_equal(sum, 39.0, 1e-9);
	assert_null(rmodel_group_case(m, p->grp[CONFIG_SOURCE_KERNEL], 16, 1));
	assert_null(rmodel_group_case(m, -1, 16, 16));

	/* the headline's numbers: alloc + convert over the sum */
	assert_int_equal(rmodel_conv_share(m, m->conv, p->grp[CONFIG_SOURCE_EMULATED], 16, &share, &np), 0);
	assert_float_equal(share, 3.0 / 12.0 * 100, 1e-9);
	assert_int_equal(np, 16);
	assert_int_equal(rmodel_conv_share(m, m->conv, p->grp[CONFIG_SOURCE_KERNEL], 16, &share, &np), 0);
	assert_float_equal(share, 3.0 / 39.0 * 100, 1e-9);
	assert_int_equal(rmodel_conv_share(m, m->conv, p->grp[CONFIG_SOURCE_EMULATED], -1, &share, &np), 0);
	assert_int_equal(np, 4096);
	assert_float_equal(share, 11.2, 0.05);
	assert_int_equal(rmodel_conv_share(m, m->conv, p->grp[CONFIG_SOURCE_EMULATED], 7, &share, &np), -ENODATA);
	assert_int_equal(rmodel_conv_share(m, m->conv, -1, 16, &share, &np), -ENODATA);
	rmodel_free(m);
}

/* ---- copies of the fixture with changed cells --------------------------- */

/* Write t to path as CSV, quoting where needed, with edit(row, col, cell) giving each cell. */
static void write_csv(const char *path, const struct rdata *t, const char *(*edit)(const struct rdata *, size_t, int))
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	for (size_t c = 0; c < t->nr_cols; c++)
		fprintf(f, "%s%c", t->cols[c], c + 1 < t->nr_cols ? ',' : '\n');
	for (size_t r = 0; r < t->nr_rows; r++)
		for (size_t c = 0; c < t->nr_cols; c++) {
			const char *s = edit(t, r, (int)c);

			fprintf(f, strchr(s, ',') ? "\"%s\"%c" : "%s%c", s, c + 1 < t->nr_cols ? ',' : '\n');
		}
	assert_int_equal(fclose(f), 0);
}

/* A scratch results directory holding results.csv made by edit (and no meta.json). */
static void scratch_dir(char *dir, const char *(*edit)(const struct rdata *, size_t, int))
{
	char path[512], err[512];
	struct rdata *t;

	strcpy(dir, "/tmp/test_report_model.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(rdata_load(FIXTURE "/results.csv", &t, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	write_csv(path, t, edit);
	rdata_free(t);
}

static void scratch_free(const char *dir)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/results.csv", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	unlink(path);
	rmdir(dir);
}

/*
 * Case names that say nothing ("caseN"), thp rows with cache = cold and
 * mirror's npages 16 with threads = 2 and source = kernel: the groups come
 * from the columns.
 */
static const char *edit_describing_columns(const struct rdata *t, size_t r, int c)
{
	static char buf[64];
	const char *col = t->cols[c], *cell = rdata_get(t, r, c);
	const char *workload = rdata_get(t, r, rdata_col(t, "workload"));
	bool mirror16 = !strcmp(workload, "mirror") && !strcmp(rdata_get(t, r, rdata_col(t, "npages")), "16");

	if (!strcmp(col, "case")) {
		/* one name per original case, unrelated to its settings */
		snprintf(buf, sizeof(buf), "case%lu", strtoul(rdata_get(t, r, rdata_col(t, "npages")), NULL, 10) * 2 +
							 !strcmp(workload, "thp"));
		return buf;
	}
	if (!strcmp(col, "cache") && !strcmp(workload, "thp"))
		return "cold";
	if (!strcmp(col, "threads") && mirror16)
		return "2";
	if (!strcmp(col, "source") && mirror16)
		return "kernel";
	return cell;
}

static void test_grouped_by_columns(void **state)
{
	char dir[64];
	struct rmodel *m;

	(void)state;
	scratch_dir(dir, edit_describing_columns);
	m = load(dir);
	assert_null(m->meta);
	assert_int_equal(m->nr_cases, 12);
	assert_int_equal(m->nr_groups, 3);
	assert_string_equal(m->groups[0].name, "mirror");
	assert_string_equal(m->groups[1].name, "mirror/kernel/threads:2");
	assert_string_equal(m->groups[2].name, "thp/cold");
	assert_int_equal(m->groups[0].nr_cases, 5);
	assert_int_equal(m->groups[1].nr_cases, 1);
	assert_int_equal(m->groups[2].nr_cases, 6);
	assert_int_equal(m->groups[1].source, CONFIG_SOURCE_KERNEL);
	assert_string_equal(m->groups[1].pair_name, "mirror/threads:2");
	assert_string_equal(m->groups[1].file, "mirror-kernel-threads_2");
	assert_string_equal(m->groups[2].pair_name, "thp/cold");
	/* the case names are the file's, whatever they say */
	assert_string_equal(m->cases[m->groups[1].cases[0]].name, "case32");
	rmodel_free(m);
	scratch_free(dir);
}

/* ---- bad input ------------------------------------------------------------- */

static const char *edit_bad_ns(const struct rdata *t, size_t r, int c)
{
	return r == 6 && !strcmp(t->cols[c], "ns_per_page") ? "12.5ns" : rdata_get(t, r, c);
}

static const char *edit_bad_npages(const struct rdata *t, size_t r, int c)
{
	return r == 0 && !strcmp(t->cols[c], "npages") ? "1.5" : rdata_get(t, r, c);
}

static const char *edit_all_skipped(const struct rdata *t, size_t r, int c)
{
	return !strcmp(t->cols[c], "status") ? "skipped" : rdata_get(t, r, c);
}

static const char *edit_other_backend(const struct rdata *t, size_t r, int c)
{
	return !strcmp(t->cols[c], "backend") && !strcmp(rdata_get(t, r, c), "null") ? "nosuch"
											: rdata_get(t, r, c);
}

static void expect_error(const char *(*edit)(const struct rdata *, size_t, int), const char *meta, int want,
			 const char *message)
{
	char dir[64], path[512], err[1024] = "";
	struct rmodel *m = (struct rmodel *)1;

	scratch_dir(dir, edit);
	if (meta) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/meta.json", dir);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(meta, f);
		fclose(f);
	}
	assert_int_equal(rmodel_load(dir, &m, err, sizeof(err)), want);
	assert_null(m);
	if (!strstr(err, message))
		print_error("message '%s', want '%s'\n", err, message);
	assert_non_null(strstr(err, message));
	assert_null(strchr(err, '\n'));
	scratch_free(dir);
}

static const char *edit_none(const struct rdata *t, size_t r, int c)
{
	return rdata_get(t, r, c);
}

static void test_bad_input(void **state)
{
	struct rmodel *m = NULL;
	char err[1024];

	(void)state;
	/* row 6 is line 8: the header and 1-based lines */
	expect_error(edit_bad_ns, NULL, -EINVAL, "results.csv:8: column 'ns_per_page': '12.5ns' is not a number");
	expect_error(edit_bad_npages, NULL, -EINVAL, "results.csv:2: column 'npages': '1.5' is not a count");
	expect_error(edit_all_skipped, NULL, -EINVAL, "results.csv: no rows with status ok and a known backend");
	expect_error(edit_none, "{\n  \"machine\": {\n", -EINVAL, "meta.json:3:");
	expect_error(edit_none, "[1, 2]\n", -EINVAL, "meta.json:1: expected a JSON object");
	assert_int_equal(rmodel_load("/nonexistent/results", &m, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/results: No such file or directory"));
	assert_null(m);
	assert_int_equal(rmodel_load(TEST_DATA_DIR "/report-bad/missing-column.csv", &m, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "missing column 'ns_per_page'"));
}

/* Rows of another backend are counted and left out. */
static void test_unknown_backend(void **state)
{
	char dir[64];
	struct rmodel *m;

	(void)state;
	scratch_dir(dir, edit_other_backend);
	m = load(dir);
	assert_int_equal(m->nr_unknown_backend, 72);
	assert_int_equal(m->null_b, -1);
	for (size_t i = 0; i < m->nr_cases; i++)
		assert_int_equal(m->cases[i].nr[pfn_backend_index("null")], 0);
	rmodel_free(m);
	scratch_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_groups),
		cmocka_unit_test(test_fixture_numbers),
		cmocka_unit_test(test_fixture_comparisons),
		cmocka_unit_test(test_sources_pairs_and_shares),
		cmocka_unit_test(test_grouped_by_columns),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_unknown_backend),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
