/*
 * test_config.c - sweep config files (harness/input/config*.c).
 *
 * Data-driven: every tests/data/config-valid/NAME.conf must load, and each of
 * its "# expect KEY = JSON" lines must equal config_to_json()'s KEY; every
 * tests/data/config-invalid/NAME.conf must fail with -EINVAL and a message that
 * starts with the file's path and contains its "# expect: TEXT" line.  Every
 * shipped configs/NAME.conf must load.  A few cases that cannot live in a data
 * folder (a directory, a missing file, a NUL byte) are built in /tmp.
 *
 * The data folders are checked against a fixed list of backend and
 * workload names (so that they document themselves); the shipped configs
 * are also checked against the real tables (pfn_backends[], workloads.c).
 */
#include <dirent.h>
#include <errno.h>
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

#include "backend.h"
#include "config.h"
#include "workloads.h"

static bool in_list(const char *const *names, const char *s)
{
	for (; *names; names++)
		if (!strcmp(*names, s))
			return true;
	return false;
}

static bool backend_exists(const char *name)
{
	static const char *const b[] = { "nouveau-v5.6", "nouveau-v5.7", "nouveau-v5.8", "nouveau-v6.1", "promise-2018",
					 "thread-2018-without", "thread-2018-with", "amdgpu-v5.7", "amdgpu-v5.8",
					 "dmirror-v5.7", "dmirror-v6.1", "uvm-575.57.08", "odp-v6.16", "null", NULL };

	return in_list(b, name);
}

/*
 * The workloads, plus "emulated-only": a workload with no real-kernel
 * shape, as a new generator is until kernel_source.c learns to shape it.
 */
static bool fixed_workload_exists(const char *name)
{
	static const char *const w[] = { "mirror", "first-touch", "thp", "migrated", "mixed", "emulated-only",
					 NULL };

	return in_list(w, name);
}

static bool fixed_kernel_shape(const char *name)
{
	return strcmp(name, "emulated-only") != 0;
}

static const struct config_checks checks = {
	.backend_exists = backend_exists,
	.workload_exists = fixed_workload_exists,
	.workload_kernel_declared = fixed_kernel_shape,
};

/* Sorted *.conf names in DIR; returns the count. */
static size_t list_confs(const char *dir, char names[][256], size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > 5 && !strcmp(de->d_name + len - 5, ".conf") && n < max)
			snprintf(names[n++], 256, "%s", de->d_name);
	}
	closedir(d);
	qsort(names, n, 256, (int (*)(const void *, const void *))strcmp);
	return n;
}

static void test_valid_folder(void **state)
{
	static char names[128][256];
	size_t n = list_confs(TEST_DATA_DIR "/config-valid", names, 128);
	size_t nr_expects = 0;

	(void)state;
	assert_true(n >= 6);
	for (size_t i = 0; i < n; i++) {
		char path[512], err[512], line[1024];
		struct sweep_config cfg;
		json_t *js;
		FILE *f;
		int rc;

		snprintf(path, sizeof(path), "%s/config-valid/%s", TEST_DATA_DIR, names[i]);
		rc = config_load(path, &checks, &cfg, err, sizeof(err));
		if (rc)
			print_error("%s: rc %d: %s\n", path, rc, err);
		assert_int_equal(rc, 0);
		assert_int_equal(config_to_json(&cfg, &js), 0);

		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f)) {
			char *key, *eq, *val, *got_s;
			json_t *want, *got;
			json_error_t jerr;

			if (strncmp(line, "# expect ", 9))
				continue;
			key = line + 9;
			eq = strstr(key, " = ");
			assert_non_null(eq);
			*eq = '\0';
			val = eq + 3;
			val[strcspn(val, "\r\n")] = '\0';
			want = json_loads(val, JSON_DECODE_ANY, &jerr);
			assert_non_null(want);
			got = json_object_get(js, key);
			got_s = got ? json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
			if (!got || !json_equal(got, want))
				print_error("%s: %s: expected %s, got %s\n", path, key, val,
					    got_s ? got_s : "(missing)");
			assert_non_null(got);
			assert_true(json_equal(got, want));
			free(got_s);
			json_decref(want);
			nr_expects++;
		}
		fclose(f);
		/* the raw text is kept byte for byte */
		f = fopen(path, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		assert_int_equal((size_t)ftell(f), cfg.text_len);
		fclose(f);
		assert_int_equal(strlen(cfg.text), cfg.text_len);
		json_decref(js);
		config_free(&cfg);
		assert_null(cfg.text);
	}
	assert_true(nr_expects >= 30);
}

static void test_invalid_folder(void **state)
{
	static char names[128][256];
	size_t n = list_confs(TEST_DATA_DIR "/config-invalid", names, 128);

	(void)state;
	assert_true(n >= 30);
	for (size_t i = 0; i < n; i++) {
		char path[512], err[512], line[512], *expect;
		struct sweep_config cfg;
		FILE *f;
		int rc;

		snprintf(path, sizeof(path), "%s/config-invalid/%s", TEST_DATA_DIR, names[i]);
		f = fopen(path, "r");
		assert_non_null(f);
		assert_non_null(fgets(line, sizeof(line), f));
		fclose(f);
		if (strncmp(line, "# expect: ", 10))
			print_error("%s: first line is not '# expect: ...'\n", path);
		assert_int_equal(strncmp(line, "# expect: ", 10), 0);
		expect = line + 10;
		expect[strcspn(expect, "\r\n")] = '\0';
		assert_true(strlen(expect) > 3);

		rc = config_load(path, &checks, &cfg, err, sizeof(err));
		if (rc != -EINVAL || !strstr(err, expect) || strncmp(err, path, strlen(path)))
			print_error("%s: rc %d, message '%s', expected -EINVAL and '%s'\n", path, rc, err,
				    expect);
		assert_int_equal(rc, -EINVAL);
		assert_int_equal(strncmp(err, path, strlen(path)), 0);
		assert_non_null(strstr(err, expect));
		/* the message says what to do: a parenthesised hint */
		assert_non_null(strchr(err, '('));
		/* nothing is left allocated */
		assert_null(cfg.text);
		assert_null(cfg.backends);
		assert_null(cfg.npages);
	}
}

/* Does the file have a line that is exactly TEXT (ignoring the newline)? */
static bool file_has_line(const char *path, const char *text)
{
	char line[1024];
	bool found = false;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		found = !strcmp(line, text);
	}
	fclose(f);
	return found;
}

/* quick.conf must stay small: fewer cases than this */
static const size_t config_nr_cases_default_bound = 64;

static void test_shipped_configs(void **state)
{
	static char names[32][256];
	size_t n = list_confs(PFNBENCH_SOURCE_DIR "/configs", names, 32);
	size_t nr_sweeps = 0;
	unsigned seen = 0;

	(void)state;
	assert_true(n >= 4);
	for (size_t i = 0; i < n; i++) {
		char path[512], err[512];
		struct sweep_config cfg;
		int rc;

		snprintf(path, sizeof(path), "%s/configs/%s", PFNBENCH_SOURCE_DIR, names[i]);
		/* configs/ also holds files of other modules (compare thresholds) */
		if (!file_has_line(path, "[sweep]"))
			continue;
		nr_sweeps++;
		rc = config_load(path, &checks, &cfg, err, sizeof(err));
		if (rc)
			print_error("%s: rc %d: %s\n", path, rc, err);
		assert_int_equal(rc, 0);
		assert_true(config_nr_cases(&cfg) >= 1);
		if (!strcmp(names[i], "default.conf")) {
			/*
			 * each driver's era B and C, nouveau v5.9+, the 2018
			 * thread's pair, null; every workload at the drivers'
			 * batches, 4096 and 16384, and the thread's 2^18; repeated to +-0.05 ns/page or 10 s a case, the
			 * stages timed apart from the measured passes
			 */
			seen |= 1;
			assert_int_equal(cfg.nr_backends, 10);
			assert_int_equal(cfg.nr_workloads, 5);
			assert_int_equal(cfg.nr_npages, 7);
			assert_int_equal(cfg.npages[0], 1);
			assert_int_equal(cfg.npages[5], 16384);
			assert_int_equal(cfg.npages[6], 262144);
			assert_int_equal(config_nr_cases(&cfg), 10 * 5 * 7);
			assert_float_equal(cfg.precision_ns, 0.05, 1e-12);
			assert_float_equal(cfg.max_time_s, 12, 1e-12);
			assert_int_equal(cfg.stages, CONFIG_STAGES_SEPARATE);
		}
		if (!strcmp(names[i], "drivers.conf")) {
			/* every shipped driver, each at its own window: the harness hands over whole ranges */
			seen |= 2;
			assert_int_equal(cfg.nr_batch, 1);
			assert_int_equal(cfg.batch[0], CONFIG_BATCH_WHOLE);
			assert_int_equal(cfg.nr_backends, 11);
		}
		if (!strcmp(names[i], "numa.conf")) {
			seen |= 4;
			assert_int_equal(cfg.nr_placements, 6);
		}
		if (!strcmp(names[i], "quick.conf")) {
			seen |= 8;
			assert_true(config_nr_cases(&cfg) < config_nr_cases_default_bound);
		}
		config_free(&cfg);
	}
	assert_int_equal(seen, 15);   /* default, drivers, numa, quick */
	assert_true(nr_sweeps >= 4);
}

static bool real_backend_exists(const char *name)
{
	return pfn_backend_find(name) != NULL;
}

/* The names in configs/ are the names the emulator and workloads know. */
static void test_shipped_configs_real_tables(void **state)
{
	static const char *const files[] = { "default.conf", "quick.conf", "numa.conf", "drivers.conf",
					     "dma.conf", "uvm.conf", "thread.conf" };
	const struct config_checks real = { real_backend_exists, workload_exists, workload_kernel_declared };

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[512], err[512];
		struct sweep_config cfg;
		int rc;

		snprintf(path, sizeof(path), "%s/configs/%s", PFNBENCH_SOURCE_DIR, files[i]);
		rc = config_load(path, &real, &cfg, err, sizeof(err));
		if (rc)
			print_error("%s: rc %d: %s\n", path, rc, err);
		assert_int_equal(rc, 0);
		config_free(&cfg);
	}
	/* and a wrong name is caught by the real table */
	assert_false(real_backend_exists("cnovert"));
}

static void test_not_a_file(void **state)
{
	char dir[] = "/tmp/test_config.XXXXXX", path[256], err[512];
	struct sweep_config cfg;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));

	/* a directory */
	snprintf(path, sizeof(path), "%s/sub.conf", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(config_load(path, &checks, &cfg, err, sizeof(err)), -EISDIR);
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_non_null(strstr(err, ": is a directory"));
	rmdir(path);

	/* a missing file */
	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	assert_int_equal(config_load(path, &checks, &cfg, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "missing.conf: cannot read"));

	/* a NUL byte on line 3 */
	snprintf(path, sizeof(path), "%s/nul.conf", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fwrite("[sweep]\nbackends = convert\nworkloads = mi\0rror\nnpages = 1\n", 1, 58, f);
	fclose(f);
	assert_int_equal(config_load(path, &checks, &cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "nul.conf:3: NUL byte"));
	unlink(path);

	/* a truly empty file */
	snprintf(path, sizeof(path), "%s/empty.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(config_load(path, &checks, &cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "empty.conf:1: no settings"));
	unlink(path);

	/* no checks */
	assert_int_equal(config_load(path, NULL, &cfg, err, sizeof(err)), -EINVAL);
	rmdir(dir);
}

/* ---- the key table against the docs ------------------------------------ */

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Fold runs of blanks into one space, in place. */
static void squeeze(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (*r == ' ' || *r == '\t' || *r == '\n') {
			if (w > s && w[-1] != ' ')
				*w++ = ' ';
			continue;
		}
		*w++ = *r;
	}
	while (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
}

static void test_keys_table(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(config_nr_keys, 19);	/* array removed (issue 11); precision, max_time (12) */
	for (size_t i = 0; i < config_nr_keys; i++) {
		const struct config_key *k = &config_keys[i];

		assert_non_null(k->help);
		assert_true(strlen(k->help) > 10);
		assert_null(strchr(k->help, '\n'));
		assert_null(strchr(k->help, '|'));   /* a markdown cell */
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(config_keys[j].name, k->name);
	}
	/* `pfnbench list keys`: one line per key */
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(config_keys_print(f, false), 0);
	fclose(f);
	for (size_t i = 0; i < config_nr_keys; i++) {
		char line[1024], d[64];
		const struct config_key *k = &config_keys[i];

		snprintf(line, sizeof(line), "[%s] %s\t%s\t%s\n", k->section, k->name,
			 config_key_default_text(k, d, sizeof(d)), k->help);
		assert_non_null(strstr(buf, line));
	}
	assert_string_equal(config_key_default_text(&config_keys[0], (char[32]){ 0 }, 32), "(required)");
	free(buf);
}

/* The README's key table is `pfnbench list keys --markdown`, line for line. */
static void test_keys_readme(void **state)
{
	char *readme = read_text(PFNBENCH_SOURCE_DIR "/README.md"), *table = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&table, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(config_keys_print(f, true), 0);
	fclose(f);
	if (!strstr(readme, table))
		print_error("README.md has no key table equal to `pfnbench list keys --markdown`:\n%s", table);
	assert_non_null(strstr(readme, table));
	free(table);
	free(readme);
}

/*
 * Every shipped config that says it documents every key has, for each key,
 * a comment "# NAME [DEFAULT]: HELP..." ("# NAME (required): HELP...") whose
 * text, lines joined, starts with the table's help; and no such comment
 * names a key the table does not have or another default.
 */
static void check_key_comments(const char *path)
{
	char *text = read_text(path);
	size_t found = 0;

	for (char *line = text; line && *line;) {
		char *next = strchr(line, '\n'), name[64], dflt[64];
		const struct config_key *k = NULL;
		int n = 0;

		if (next)
			*next++ = '\0';
		if (sscanf(line, "# %63[a-z_] %63[^:]:%n", name, dflt, &n) == 2 && n > 0 &&
		    (dflt[0] == '[' || !strcmp(dflt, "(required)"))) {
			char comment[4096] = "", want[64];

			for (size_t i = 0; i < config_nr_keys; i++)
				if (!strcmp(config_keys[i].name, name))
					k = &config_keys[i];
			if (!k)
				print_error("%s: comment for unknown key '%s'\n", path, name);
			assert_non_null(k);
			config_key_default_text(k, want, sizeof(want));
			if (strcmp(want, dflt))
				print_error("%s: %s: comment says %s, the table %s\n", path, name, dflt, want);
			assert_string_equal(want, dflt);
			/* the comment: this line's rest and the following "# " lines */
			snprintf(comment, sizeof(comment), "%s", line + n);
			while (next && !strncmp(next, "# ", 2)) {
				char *end = strchr(next, '\n');
				char nm[64], df[64];

				if (sscanf(next, "# %63[a-z_] %63[^:]:", nm, df) == 2 &&
				    (df[0] == '[' || !strcmp(df, "(required)")))
					break;   /* the next key's comment */
				if (end)
					*end = '\0';
				snprintf(comment + strlen(comment), sizeof(comment) - strlen(comment), " %s", next + 2);
				next = end ? end + 1 : NULL;
			}
			squeeze(comment);
			if (strncmp(comment, k->help, strlen(k->help)))
				print_error("%s: %s: the comment does not start with the table's help:\n  comment: %s\n"
					    "  help:    %s\n", path, name, comment, k->help);
			assert_int_equal(strncmp(comment, k->help, strlen(k->help)), 0);
			found++;
		}
		line = next;
	}
	if (found != config_nr_keys)
		print_error("%s: %zu key comments, the table has %zu keys\n", path, found, config_nr_keys);
	assert_int_equal(found, config_nr_keys);
	free(text);
}

static void test_keys_config_comments(void **state)
{
	static char names[32][256];
	size_t n = list_confs(PFNBENCH_SOURCE_DIR "/configs", names, 32), checked = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		char path[512];

		snprintf(path, sizeof(path), "%s/configs/%s", PFNBENCH_SOURCE_DIR, names[i]);
		if (!file_has_line(path, "# Every key, its default in [brackets]; `pfnbench list keys` prints them."))
			continue;
		check_key_comments(path);
		checked++;
	}
	assert_true(checked >= 5);   /* default, quick, numa, drivers, kernel */
}

static void test_batch_effective(void **state)
{
	(void)state;
	assert_int_equal(config_batch_effective(CONFIG_BATCH_WHOLE, 512), 512);
	assert_int_equal(config_batch_effective(64, 512), 64);
	assert_int_equal(config_batch_effective(1024, 512), 512);
	assert_int_equal(config_batch_effective(512, 512), 512);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_folder),
		cmocka_unit_test(test_invalid_folder),
		cmocka_unit_test(test_shipped_configs),
		cmocka_unit_test(test_shipped_configs_real_tables),
		cmocka_unit_test(test_not_a_file),
		cmocka_unit_test(test_batch_effective),
		cmocka_unit_test(test_keys_table),
		cmocka_unit_test(test_keys_readme),
		cmocka_unit_test(test_keys_config_comments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
