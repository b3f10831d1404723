/*
 * test_report_data.c - the results.csv reader: quoting, typed access, and
 * every malformed file in tests/data/report-bad/ rejected with the right
 * file:line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "report_data.h"

static char tmpdir[256];

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/test_report_data.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *write_tmp(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_quoting(void **state)
{
	const char *p = write_tmp("q.csv",
		"a,b,c\r\n"
		"1,\"x,y\",\n"
		"\n"
		"2,\"say \"\"hi\"\"\",\"two\nlines\"\n"
		"3,plain,4.5\n");
	struct rdata *t = NULL;
	char err[256] = "";
	double d = 0;

	(void)state;
	assert_int_equal(rdata_load(p, &t, err, sizeof(err)), 0);
	assert_int_equal(t->nr_cols, 3);
	assert_int_equal(t->nr_rows, 3);
	assert_string_equal(t->cols[0], "a");
	assert_string_equal(rdata_get(t, 0, 1), "x,y");
	assert_string_equal(rdata_get(t, 0, 2), "");
	assert_string_equal(rdata_get(t, 1, 1), "say \"hi\"");
	assert_string_equal(rdata_get(t, 1, 2), "two\nlines");
	/* line numbers count the blank line and the newline inside quotes */
	assert_int_equal(t->lines[0], 2);
	assert_int_equal(t->lines[1], 4);
	assert_int_equal(t->lines[2], 6);
	assert_int_equal(rdata_col(t, "c"), 2);
	assert_int_equal(rdata_col(t, "nope"), -ENOENT);
	assert_int_equal(rdata_double(t, 2, 2, &d, err, sizeof(err)), 0);
	assert_float_equal(d, 4.5, 0);
	assert_int_equal(rdata_double(t, 0, 2, &d, err, sizeof(err)), -ENODATA);
	assert_int_equal(rdata_double(t, 2, 1, &d, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "q.csv:6: column 'b': 'plain' is not a number"));
	rdata_free(t);
}

static void test_require(void **state)
{
	const char *p = write_tmp("r.csv", "case,name\nx,y\n");
	const char *need[] = { "case", "ns_per_page", NULL };
	struct rdata *t = NULL;
	char err[256] = "";

	(void)state;
	assert_int_equal(rdata_load(p, &t, err, sizeof(err)), 0);
	assert_int_equal(rdata_require(t, need, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "r.csv:1: missing column 'ns_per_page'"));
	rdata_free(t);
}

static void test_paths(void **state)
{
	char dir[512], csv[512];

	(void)state;
	assert_int_equal(rdata_paths(TEST_DATA_DIR "/results-fixture", dir,
				     sizeof(dir), csv, sizeof(csv)), 0);
	assert_string_equal(csv, TEST_DATA_DIR "/results-fixture/results.csv");
	assert_int_equal(rdata_paths(TEST_DATA_DIR "/results-fixture/results.csv",
				     dir, sizeof(dir), csv, sizeof(csv)), 0);
	assert_string_equal(dir, TEST_DATA_DIR "/results-fixture");
	assert_int_equal(rdata_paths("/nonexistent/pfnbench", dir, sizeof(dir),
				     csv, sizeof(csv)), -ENOENT);
	assert_int_equal(rdata_paths(TEST_DATA_DIR "/results-fixture", dir, 8,
				     csv, sizeof(csv)), -ENAMETOOLONG);
}

static void test_fixture(void **state)
{
	struct rdata *t = NULL;
	char err[256] = "";
	int col;

	(void)state;
	assert_int_equal(rdata_load(TEST_DATA_DIR "/results-fixture/results.csv",
				    &t, err, sizeof(err)), 0);
	assert_int_equal(t->nr_cols, 40);
	/* 2 workloads x 6 npages x 4 backends x 6 repetitions */
	assert_int_equal(t->nr_rows, 288);
	col = rdata_col(t, "placement_actual");
	assert_string_equal(rdata_get(t, 0, col), "pt=0,memmap=0,hmm=0,drv=0,cpu=0");
	assert_string_equal(rdata_get(t, 0, rdata_col(t, "instructions_per_page")), "");
	rdata_free(t);
}

/* Each file of tests/data/report-bad with the message it must produce. */
static void test_bad_files(void **state)
{
	static const struct {
		const char *file, *msg;
	} cases[] = {
		{ "truncated.csv", "truncated.csv:3: quoted field not closed" },
		{ "field-count.csv", "field-count.csv:3: 39 fields, the header has 38" },
		{ "open-quote.csv", "open-quote.csv:3: quoted field not closed" },
		{ "empty.csv", "empty.csv:1: empty file" },
	};
	const char *need[] = { "ns_per_page", NULL };
	struct rdata *t = NULL;
	char err[512], path[512];
	double d;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), TEST_DATA_DIR "/report-bad/%s",
			 cases[i].file);
		err[0] = '\0';
		assert_int_equal(rdata_load(path, &t, err, sizeof(err)), -EINVAL);
		if (!strstr(err, cases[i].msg))
			fail_msg("%s: got '%s'", cases[i].file, err);
	}
	/* a cut exactly after a field, outside quotes */
	err[0] = '\0';
	assert_int_equal(rdata_load(write_tmp("cut.csv", "a,b\n1,2\n3,"),
				    &t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "cut.csv:3: no newline at end of file"));

	/* loadable, but bad for use */
	assert_int_equal(rdata_load(TEST_DATA_DIR "/report-bad/missing-column.csv",
				    &t, err, sizeof(err)), 0);
	assert_int_equal(rdata_require(t, need, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "missing-column.csv:1: missing column 'ns_per_page'"));
	rdata_free(t);
	assert_int_equal(rdata_load(TEST_DATA_DIR "/report-bad/not-a-number.csv",
				    &t, err, sizeof(err)), 0);
	assert_int_equal(rdata_double(t, 1, rdata_col(t, "ns_per_page"), &d,
				      err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not-a-number.csv:3: column 'ns_per_page': '12.5ns'"));
	rdata_free(t);
	assert_int_equal(rdata_load("/nonexistent.csv", &t, err, sizeof(err)),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_require),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
