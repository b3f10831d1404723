/*
 * test_results.c - results directory, atomic writes, results.csv, meta.json
 * (harness/results/results*.c).
 *
 * The failure of an atomic write is provoked with RLIMIT_FSIZE (write()
 * fails with EFBIG even for root, which ignores permissions), with SIGXFSZ
 * ignored.  CSV reading errors are made by damaging a file the writer
 * produced, one fault at a time.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "results.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_results.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* ---- directories --------------------------------------------------------- */

static void test_dir_names(void **state)
{
	char parent[128], a[PATH_MAX], b[PATH_MAX], c[PATH_MAX], now[PATH_MAX], host[256];
	const time_t t = 1700000000;  /* 2023-11-14T22:13:20Z */
	struct stat sb;

	(void)state;
	/* the parent and its parents are created */
	snprintf(parent, sizeof(parent), "%s/deep/er/results", tmpdir);
	assert_int_equal(results_dir_create_at(parent, t, a, sizeof(a)), 0);
	assert_int_equal(results_dir_create_at(parent, t, b, sizeof(b)), 0);
	assert_int_equal(results_dir_create_at(parent, t, c, sizeof(c)), 0);

	assert_int_equal(gethostname(host, sizeof(host)), 0);
	host[strcspn(host, ".")] = '\0';
	char want[PATH_MAX];

	snprintf(want, sizeof(want), "%s/20231114T221320Z-%s", parent, host);
	assert_string_equal(a, want);
	strcat(want, "-2");
	assert_string_equal(b, want);
	want[strlen(want) - 1] = '3';
	assert_string_equal(c, want);
	assert_int_equal(stat(a, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(stat(c, &sb), 0);

	/* the clock version gives a fresh directory, never one of the above */
	assert_int_equal(results_dir_create(parent, now, sizeof(now)), 0);
	assert_string_not_equal(now, a);
	assert_int_equal(count_entries(parent), 4);

	/* out too small */
	assert_int_equal(results_dir_create_at(parent, t, a, 10), -ENAMETOOLONG);
	/* the parent is a file */
	snprintf(a, sizeof(a), "%s/file", tmpdir);
	FILE *f = fopen(a, "w");

	assert_non_null(f);
	fclose(f);
	assert_int_equal(results_dir_create_at(a, t, b, sizeof(b)), -ENOTDIR);
}

/* ---- atomic writes ------------------------------------------------------- */

static void test_atomic_write(void **state)
{
	char dir[128], path[PATH_MAX], *got;
	size_t len;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/atomic", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/x.txt", dir);

	assert_int_equal(results_write_atomic(dir, "x.txt", "first\n", 6), 0);
	assert_int_equal(results_write_atomic(dir, "x.txt", "second version\n", 15), 0);
	got = slurp(path, &len);
	assert_non_null(got);
	assert_int_equal(len, 15);
	assert_memory_equal(got, "second version\n", 15);
	free(got);
	assert_int_equal(count_entries(dir), 1);   /* no x.txt.tmp */

	/* a directory that does not exist: -ENOENT and nothing created */
	snprintf(path, sizeof(path), "%s/nope", tmpdir);
	assert_int_equal(results_write_atomic(path, "x.txt", "a", 1), -ENOENT);
	assert_int_equal(access(path, F_OK), -1);
}

static void test_atomic_write_failure(void **state)
{
	char dir[128], path[PATH_MAX], big[8192], *got;
	struct rlimit old, small;
	void (*old_handler)(int);
	size_t len;
	int rc;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/fail", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(results_write_atomic(dir, "r.csv", "old,complete\n", 13), 0);

	/* files may not grow past 4 KiB: the 8 KiB write fails with EFBIG */
	memset(big, 'x', sizeof(big));
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 4096;
	old_handler = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	rc = results_write_atomic(dir, "r.csv", big, sizeof(big));
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, old_handler);

	assert_int_equal(rc, -EFBIG);
	snprintf(path, sizeof(path), "%s/r.csv", dir);
	got = slurp(path, &len);
	assert_non_null(got);
	assert_int_equal(len, 13);
	assert_memory_equal(got, "old,complete\n", 13);   /* the earlier file is intact */
	free(got);
	assert_int_equal(count_entries(dir), 1);           /* the .tmp is gone */
}

/* ---- results.csv --------------------------------------------------------- */

static void fill_row(struct result_row *r, unsigned rep, bool skipped)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->case_name, sizeof(r->case_name), "mirror/npages:512/batch:16");
	snprintf(r->name, sizeof(r->name), "convert/mirror/npages:512/batch:16");
	snprintf(r->backend, sizeof(r->backend), "convert");
	snprintf(r->workload, sizeof(r->workload), "mirror");
	snprintf(r->source, sizeof(r->source), "emulated");
	r->npages = 512;
	r->batch = 16;
	snprintf(r->cache, sizeof(r->cache), "warm");
	r->clear_data = true;
	snprintf(r->request, sizeof(r->request), "none");
	r->threads = 1;
	/* strings with commas and quotes survive */
	snprintf(r->placement_req, sizeof(r->placement_req), "cpu=0,pt=0,memmap=0,hmm=1,drv=1");
	snprintf(r->placement_actual, sizeof(r->placement_actual), "?");
	r->repetition = rep;
	if (skipped) {
		snprintf(r->status, sizeof(r->status), "skipped");
		snprintf(r->skip_reason, sizeof(r->skip_reason), "node 1 \"missing\", only node 0");
		return;
	}
	snprintf(r->status, sizeof(r->status), "ok");
	r->iterations = (struct result_opt){ 123456, true };
	r->ns_per_page = (struct result_opt){ 3.25 + rep, true };
	r->ns_per_call = (struct result_opt){ 0.1 + 0.2, true };  /* needs 17 digits */
	r->pages_per_sec = (struct result_opt){ 1e9 / 3.25, true };
	r->bytes_alloc_per_page = (struct result_opt){ 8, true };
	r->bytes_persistent_per_page = (struct result_opt){ 0, true };   /* a real 0 */
	r->walks_per_call = (struct result_opt){ 1, true };
	r->faults_per_page = (struct result_opt){ 0.5, true };
	r->counter[PC_PAGE_FAULTS] = (struct result_opt){ 1e-6, true };
	r->counter[PC_TASK_CLOCK] = (struct result_opt){ 3.3, true };
	r->counter[PC_CONTEXT_SWITCHES] = (struct result_opt){ NAN, true };  /* written empty */
	/* hardware counters, stages, callgrind: not measured */
}

static void test_csv_roundtrip(void **state)
{
	struct results_csv *csv, *back;
	struct result_row row;
	char dir[128], path[PATH_MAX], err[512], *text;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/csv", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(results_csv_create(&csv), 0);
	for (unsigned rep = 0; rep < 3; rep++) {
		fill_row(&row, rep, false);
		assert_int_equal(results_csv_append(csv, &row), 0);
		assert_int_equal(results_csv_commit(csv, dir), 0);
	}
	fill_row(&row, 0, true);
	assert_int_equal(results_csv_append(csv, &row), 0);
	assert_int_equal(results_csv_commit(csv, dir), 0);
	assert_int_equal(count_entries(dir), 1);

	/* a line break in a string is refused */
	snprintf(row.skip_reason, sizeof(row.skip_reason), "two\nlines");
	assert_int_equal(results_csv_append(csv, &row), -EINVAL);
	assert_int_equal(csv->nr_rows, 4);

	snprintf(path, sizeof(path), "%s/results.csv", dir);
	text = slurp(path, NULL);
	assert_non_null(text);
	/* header first, in the documented order */
	{
		static const char head[] = "case,name,backend,workload,source,npages,batch,cache,clear_data,"
					   "request,threads,placement_req,placement_actual,status,skip_reason,"
					   "repetition,iterations,ns_per_page,";

		assert_int_equal(strncmp(text, head, strlen(head)), 0);
	}
	/* quoting, and unmeasured counters as empty fields (never 0) */
	assert_non_null(strstr(text, ",\"cpu=0,pt=0,memmap=0,hmm=1,drv=1\",?,ok,,0,123456,3.25,,0.30000000000000004,"));
	assert_non_null(strstr(text, ",skipped,\"node 1 \"\"missing\"\", only node 0\",0,,,,,,,,,,,,,,,,,,,,,,,,\n"));
	free(text);

	assert_int_equal(results_csv_load(path, &back, err, sizeof(err)), 0);
	assert_int_equal(back->nr_rows, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct result_row *a = &csv->rows[i], *b = &back->rows[i];

		assert_string_equal(a->case_name, b->case_name);
		assert_string_equal(a->name, b->name);
		assert_string_equal(a->placement_req, b->placement_req);
		assert_string_equal(a->skip_reason, b->skip_reason);
		assert_string_equal(a->status, b->status);
		assert_int_equal(a->npages, b->npages);
		assert_int_equal(a->batch, b->batch);
		assert_int_equal(a->clear_data, b->clear_data);
		assert_int_equal(a->repetition, b->repetition);
		assert_int_equal(a->iterations.valid, b->iterations.valid);
		assert_int_equal(a->ns_per_page.valid, b->ns_per_page.valid);
		if (a->ns_per_page.valid) {
			assert_true(a->ns_per_page.v == b->ns_per_page.v);
			assert_true(a->ns_per_call.v == b->ns_per_call.v);   /* exact */
			assert_true(a->pages_per_sec.v == b->pages_per_sec.v);
			assert_true(a->counter[PC_PAGE_FAULTS].v == b->counter[PC_PAGE_FAULTS].v);
			assert_true(b->bytes_persistent_per_page.valid);
			assert_true(b->bytes_persistent_per_page.v == 0);
		}
		/* not measured stays not measured */
		assert_false(b->counter[PC_CYCLES].valid);
		assert_false(b->counter[PC_INSTRUCTIONS].valid);
		assert_false(b->stage[PFN_STAGE_WALK].valid);
		assert_false(b->callgrind_ir_per_page.valid);
		assert_false(b->counter[PC_CONTEXT_SWITCHES].valid);   /* NaN was written empty */
	}
	assert_string_equal(back->rows[3].skip_reason, "node 1 \"missing\", only node 0");
	assert_false(back->rows[3].ns_per_page.valid);
	assert_false(back->rows[3].iterations.valid);
	results_csv_destroy(back);
	results_csv_destroy(csv);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A valid results.csv text with one ok row; tests then damage it. */
/* noinline: gcc 12 mistakes the result for a pointer to the local buf */
__attribute__((noinline)) static char *good_csv(void)
{
	struct results_csv *csv;
	struct result_row row;
	char *buf;
	size_t len;

	assert_int_equal(results_csv_create(&csv), 0);
	fill_row(&row, 0, false);
	assert_int_equal(results_csv_append(csv, &row), 0);
	fill_row(&row, 1, false);
	assert_int_equal(results_csv_append(csv, &row), 0);
	assert_int_equal(results_csv_format(csv, &buf, &len), 0);
	results_csv_destroy(csv);
	return buf;
}

static void expect_load_error(const char *path, int want_rc, const char *want)
{
	struct results_csv *csv = (void *)1;
	char err[512];
	int rc = results_csv_load(path, &csv, err, sizeof(err));

	if (rc != want_rc || !strstr(err, want))
		print_error("%s: rc %d '%s', expected %d '%s'\n", path, rc, err, want_rc, want);
	assert_int_equal(rc, want_rc);
	assert_null(csv);
	assert_non_null(strstr(err, want));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
}

static void test_csv_load_errors(void **state)
{
	char path[PATH_MAX], *text, *p, buf[16384];

	(void)state;
	snprintf(path, sizeof(path), "%s/bad.csv", tmpdir);
	text = good_csv();

	/* missing column: the header names another column in its place */
	p = strstr(text, "walks_per_call,");
	snprintf(buf, sizeof(buf), "%.*swalks_per_cal_,%s", (int)(p - text), text, p + 15);
	write_file(path, buf);
	expect_load_error(path, -EINVAL, "bad.csv:1: missing column walks_per_call");

	/* a column dropped from the header only: the rows no longer fit it */
	snprintf(buf, sizeof(buf), "%.*s%s", (int)(p - text), text, p + 15);
	write_file(path, buf);
	expect_load_error(path, -EINVAL, "bad.csv:2: 40 fields, the header has 39");

	/* a bad number on line 3 */
	snprintf(buf, sizeof(buf), "%s", text);
	p = strstr(buf, ",4.25,");    /* ns_per_page of repetition 1, line 3 */
	assert_non_null(p);
	memcpy(p + 1, "4.x5", 4);
	write_file(path, buf);
	expect_load_error(path, -EINVAL, "bad.csv:3: column ns_per_page: '4.x5' is not a number");

	/* a required number left empty */
	snprintf(buf, sizeof(buf), "%s", text);
	p = strstr(buf, ",512,16,");
	assert_non_null(p);
	memmove(p + 1, p + 4, strlen(p + 4) + 1);   /* ",512,16," -> ",,16," */
	write_file(path, buf);
	expect_load_error(path, -EINVAL, "bad.csv:2: column npages is empty");

	/* a row with a field too few */
	snprintf(buf, sizeof(buf), "%s", text);
	p = strstr(buf, ",warm,");
	assert_non_null(p);
	memmove(p, p + 5, strlen(p + 5) + 1);       /* drop ",warm" */
	write_file(path, buf);
	expect_load_error(path, -EINVAL, "bad.csv:2: 39 fields, the header has 40");

	/* an unclosed quote */
	snprintf(buf, sizeof(buf), "%.*s\"abc,def\n", (int)(strchr(text, '\n') + 1 - text), text);
	write_file(path, buf);
	expect_load_error(path, -EINVAL, "bad.csv:2: quoted field not closed");

	/* clear_data must be 0 or 1 */
	snprintf(buf, sizeof(buf), "%s", text);
	p = strstr(buf, ",warm,1,");
	assert_non_null(p);
	p[6] = '7';
	write_file(path, buf);
	expect_load_error(path, -EINVAL, "bad.csv:2: column clear_data: '7' is not 0 or 1");

	/* empty file, directory, missing file */
	write_file(path, "");
	expect_load_error(path, -EINVAL, "bad.csv:1: empty file");
	expect_load_error(tmpdir, -EISDIR, ": Is a directory");
	snprintf(path, sizeof(path), "%s/missing.csv", tmpdir);
	expect_load_error(path, -ENOENT, "missing.csv: No such file or directory");

	/*
	 * Found by fuzz_results: a typed column whose quoted cell holds a
	 * newline; the message quotes the cell and must stay one line.
	 */
	{
		const char *bad = TEST_DATA_DIR "/report-bad/typed-newline-in-cell.csv";
		struct results_csv *csv = NULL;
		char msg[512] = "";

		assert_int_equal(results_csv_load(bad, &csv, msg, sizeof(msg)), -EINVAL);
		assert_null(csv);
		assert_int_equal(strncmp(msg, bad, strlen(bad)), 0);
		assert_null(strchr(msg, '\n'));
	}

	/* extra columns are ignored, column order does not matter, CRLF is fine */
	snprintf(path, sizeof(path), "%s/extra.csv", tmpdir);
	{
		char *nl = strchr(text, '\n');
		FILE *f = fopen(path, "w");
		struct results_csv *csv;
		char err[512];

		assert_non_null(f);
		fprintf(f, "extra,%.*s\r\n", (int)(nl - text), text);
		for (char *line = nl + 1; *line;) {
			char *end = strchr(line, '\n');

			fprintf(f, "\"x,y\",%.*s\r\n", (int)(end - line), line);
			line = end + 1;
		}
		fclose(f);
		assert_int_equal(results_csv_load(path, &csv, err, sizeof(err)), 0);
		assert_int_equal(csv->nr_rows, 2);
		assert_int_equal(csv->rows[1].repetition, 1);
		assert_true(csv->rows[1].ns_per_page.v == 4.25);
		results_csv_destroy(csv);
	}
	free(text);
}

/* ---- meta.json ----------------------------------------------------------- */

static void test_meta_machine(void **state)
{
	json_t *m = json_object();
	const char *thp;
	char host[256];

	(void)state;
	assert_int_equal(meta_collect_machine(m), 0);
	thp = json_string_value(json_object_get(m, "thp_enabled"));
	assert_non_null(thp);
	assert_true(!strcmp(thp, "always") || !strcmp(thp, "madvise") || !strcmp(thp, "never"));
	thp = json_string_value(json_object_get(m, "thp_defrag"));
	assert_non_null(thp);
	assert_null(strchr(thp, '['));
	assert_int_equal(json_integer_value(json_object_get(m, "nr_cpus")), sysconf(_SC_NPROCESSORS_ONLN));
	assert_true(json_integer_value(json_object_get(m, "mem_total_bytes")) > (1LL << 20));
	assert_true(json_is_integer(json_object_get(m, "swap_total_bytes")));
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	assert_string_equal(json_string_value(json_object_get(m, "hostname")), host);
	assert_true(strlen(json_string_value(json_object_get(m, "cpu_model"))) > 0);
	assert_non_null(strstr(json_string_value(json_object_get(m, "kernel")), "#"));  /* uname -v */
	assert_true(json_integer_value(json_object_get(m, "aslr")) >= 0);
	assert_true(json_integer_value(json_object_get(m, "aslr")) <= 2);
	assert_true(json_is_boolean(json_object_get(m, "aslr_process_disabled")));
	assert_true(json_is_integer(json_object_get(m, "perf_event_paranoid")));
	assert_true(strlen(json_string_value(json_object_get(m, "clocksource"))) > 0);
	json_decref(m);
	m = json_array();
	assert_int_equal(meta_collect_machine(m), -EINVAL);
	json_decref(m);
}

static void test_meta_build_and_write(void **state)
{
	json_t *meta = json_object(), *build = json_object(), *pfn = json_object(), *back;
	char dir[128], path[PATH_MAX], ts[32], *text;
	const char *commit;
	json_error_t jerr;

	(void)state;
	assert_int_equal(meta_collect_build(build), 0);
	assert_true(strlen(json_string_value(json_object_get(build, "compiler"))) > 0);
	assert_true(json_is_string(json_object_get(build, "flags")));
	{
		/* kernels/CMakeLists.txt's PFNKERNELS_FLAGS_STR: the kernel's code generation, or none */
		const char *kf = json_string_value(json_object_get(build, "kernels_flags"));

		assert_non_null(kf);
		assert_true(!strncmp(kf, "-O2 -fno-strict-aliasing ", 25) || !strcmp(kf, "project flags"));
		assert_true(!strcmp(kf, "project flags") || strstr(kf, " -mno-sse "));
	}
	assert_true(json_is_string(json_object_get(build, "build_type")));
	assert_true(json_is_boolean(json_object_get(build, "sanitize")));

	assert_int_equal(meta_collect_pfnbench(pfn), 0);
	commit = json_string_value(json_object_get(pfn, "git_commit"));
	assert_non_null(commit);
	/* 40 hex digits, or "unknown" with git_dirty null */
	if (strcmp(commit, "unknown")) {
		assert_int_equal(strlen(commit), 40);
		assert_int_equal(strspn(commit, "0123456789abcdef"), 40);
		assert_true(json_is_boolean(json_object_get(pfn, "git_dirty")));
	} else {
		assert_true(json_is_null(json_object_get(pfn, "git_dirty")));
	}
	assert_string_equal(json_string_value(json_object_get(pfn, "version")), "0.1");

	assert_int_equal(meta_utc_timestamp(1700000000, ts, sizeof(ts)), 0);
	assert_string_equal(ts, "2023-11-14T22:13:20Z");
	assert_int_equal(meta_utc_timestamp(1700000000, ts, 10), -ENAMETOOLONG);

	json_object_set_new(meta, "pfnbench", pfn);
	json_object_set_new(meta, "build", build);
	json_object_set_new(meta, "started_utc", json_string(ts));
	snprintf(dir, sizeof(dir), "%s/meta", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(meta_write(dir, meta), 0);
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	text = slurp(path, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "\n  \"build\": {\n"));   /* pretty-printed */
	assert_int_equal(text[strlen(text) - 1], '\n');
	back = json_loads(text, 0, &jerr);
	assert_non_null(back);
	assert_true(json_equal(back, meta));
	json_decref(back);
	free(text);
	json_decref(meta);
	assert_int_equal(count_entries(dir), 1);
}

/* The variant of a case name: the settings that are not their default, in order. */
static void test_case_variant(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(results_case_variant(buf, sizeof(buf), "warm", "local", "emulated", 1), 0);
	assert_string_equal(buf, "");
	assert_int_equal(results_case_variant(buf, sizeof(buf), NULL, NULL, NULL, 0), 0);
	assert_string_equal(buf, "");
	assert_int_equal(results_case_variant(buf, sizeof(buf), "cold", "cpu=0,hmm=1", "kernel", 2), 0);
	assert_string_equal(buf, "cold/place:cpu=0,hmm=1/kernel/threads:2");
	assert_int_equal(results_case_variant(buf, sizeof(buf), "cold", "local", "emulated", 1), 0);
	assert_string_equal(buf, "cold");
	assert_int_equal(results_case_variant(buf, sizeof(buf), "warm", "local", "kernel", 4), 0);
	assert_string_equal(buf, "kernel/threads:4");
	assert_int_equal(results_case_variant(buf, 8, "cold", "cpu=0,hmm=1", "emulated", 1), -ENAMETOOLONG);
	assert_int_equal(results_case_variant(buf, 0, "cold", "local", "emulated", 1), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir_names),
		cmocka_unit_test(test_atomic_write),
		cmocka_unit_test(test_atomic_write_failure),
		cmocka_unit_test(test_csv_roundtrip),
		cmocka_unit_test(test_csv_load_errors),
		cmocka_unit_test(test_case_variant),
		cmocka_unit_test(test_meta_machine),
		cmocka_unit_test(test_meta_build_and_write),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
