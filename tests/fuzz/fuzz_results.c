/*
 * fuzz_results.c - libFuzzer target for the readers of results directories
 * used by `pfnbench compare` and `pfnbench report`.  The first byte picks:
 *
 *   '0'  rdata_load() (compare and report's reader), every cell through
 *        rdata_double(), then cmp_run() of the table against itself
 *   '1'  results_csv_load() (the sweep's own typed reader)
 *   '2'  report_write() without figures on a directory holding the rest of
 *        the input split at "\n#meta.json\n": results.csv before it,
 *        meta.json (read with jansson) after it
 *
 * Any other first byte is treated as '0'.  Errors must be one-line
 * messages.  Seeds: tests/data/results-fixture, tests/data/report-bad
 * (tests/fuzz/seed.sh adds the first byte).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"
#include "fuzz_common.h"
#include "report.h"
#include "report_data.h"
#include "results.h"

#define META_SEP "\n#meta.json\n"

static char dir[64];

static void fuzz_rdata(const uint8_t *data, size_t size)
{
	struct rdata *t = NULL;
	struct cmp_thresholds th;
	struct cmp_result *res = NULL;
	char path[64], err[1024] = "";
	int fd = fuzz_memfd(data, size, path, sizeof(path));

	if (fd < 0)
		return;
	if (rdata_load(path, &t, err, sizeof(err))) {
		fuzz_check_message(err);
		close(fd);
		return;
	}
	for (size_t r = 0; r < t->nr_rows; r++)
		for (size_t c = 0; c < t->nr_cols; c++) {
			double d;

			err[0] = '\0';
			if (rdata_double(t, r, (int)c, &d, err, sizeof(err)) == -EINVAL)
				fuzz_check_message(err);
		}
	cmp_thresholds_default(&th);
	err[0] = '\0';
	if (cmp_run(t, t, &th, &res, err, sizeof(err)) == 0) {
		if (res->nr_failures)
			abort();	/* a table is never worse than itself */
		cmp_result_free(res);
	}
	rdata_free(t);
	close(fd);
}

static void fuzz_results_csv(const uint8_t *data, size_t size)
{
	struct results_csv *csv = NULL;
	char path[64], err[1024] = "";
	int fd = fuzz_memfd(data, size, path, sizeof(path));

	if (fd < 0)
		return;
	if (results_csv_load(path, &csv, err, sizeof(err)))
		fuzz_check_message(err);
	results_csv_destroy(csv);
	close(fd);
}

static void write_file(const char *name, const uint8_t *data, size_t size)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
}

static void fuzz_report(const uint8_t *data, size_t size)
{
	const uint8_t *sep = memmem(data, size, META_SEP, strlen(META_SEP));
	struct report_opts o = { .dir = dir, .no_figures = 1 };
	struct report_summary s;
	char path[128], err[1024] = "";

	snprintf(path, sizeof(path), "%s/meta.json", dir);
	unlink(path);
	if (sep) {
		write_file("results.csv", data, (size_t)(sep - data));
		sep += strlen(META_SEP);
		write_file("meta.json", sep, size - (size_t)(sep - data));
	} else {
		write_file("results.csv", data, size);
	}
	if (report_write(&o, &s, err, sizeof(err)))
		fuzz_check_message(err);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "/tmp/fuzz_results.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	switch (data[0]) {
	case '1':
		fuzz_results_csv(data + 1, size - 1);
		break;
	case '2':
		fuzz_report(data + 1, size - 1);
		break;
	default:
		fuzz_rdata(data + 1, size - 1);
		break;
	}
	return 0;
}
