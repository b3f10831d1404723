/*
 * test_files.c - common/safe_write.h and common/bounded_read.h: files
 * written without following links and never half-written under their
 * names; files read with a size limit and their head checked first.
 */
#include <errno.h>
#include <fcntl.h>
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

#include "bounded_read.h"
#include "results.h"
#include "safe_write.h"

static char dir[] = "/tmp/test_files.XXXXXX";

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static void put(const char *name, const char *text)
{
	char p[256];
	FILE *f;

	path_of(p, sizeof(p), name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *get(const char *name)
{
	static char buf[4096];
	char p[256];
	FILE *f;
	size_t n;

	path_of(p, sizeof(p), name);
	f = fopen(p, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* No NAME.*.tmp is left in dir. */
static int count_tmp(void)
{
	char cmd[300];
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "ls -A %s | grep -c '\\.tmp$'", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

/* A link at the final name is replaced, and what it pointed to is untouched. */
static void test_write_replaces_link(void **state)
{
	char victim[256], link[256];
	struct stat st;

	(void)state;
	put("victim", "precious");
	path_of(victim, sizeof(victim), "victim");
	path_of(link, sizeof(link), "out.txt");
	assert_int_equal(symlink(victim, link), 0);
	assert_int_equal(sw_write_file(dir, "out.txt", "new\n", 4), 0);
	assert_string_equal(get("victim"), "precious");
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_string_equal(get("out.txt"), "new\n");
	assert_int_equal(count_tmp(), 0);
}

/* Two writers of one name: two temporary files, never the same one. */
static void test_unique_temporaries(void **state)
{
	struct sw_file a, b;
	int dfd = sw_dir_open(dir);

	(void)state;
	assert_true(dfd >= 0);
	assert_int_equal(sw_create(&a, dfd, "same"), 0);
	assert_int_equal(sw_create(&b, dfd, "same"), 0);
	assert_string_not_equal(a.tmp, b.tmp);
	assert_int_equal(sw_write(&a, "a", 1), 0);
	assert_int_equal(sw_write(&b, "b", 1), 0);
	assert_int_equal(sw_commit(&a), 0);
	assert_string_equal(get("same"), "a");
	sw_abort(&b);
	assert_string_equal(get("same"), "a");
	assert_int_equal(count_tmp(), 0);
	/* a name with a slash, or too long for a temporary name: refused */
	assert_int_equal(sw_create(&a, dfd, "x/y"), -EINVAL);
	char longname[300];
	memset(longname, 'n', 250);
	longname[250] = '\0';
	assert_int_equal(sw_create(&a, dfd, longname), -ENAMETOOLONG);
	close(dfd);
}

/* A subdirectory that is a link is refused; a real one is opened or made. */
static void test_subdir(void **state)
{
	char target[256], link[256];
	int dfd = sw_dir_open(dir), fd;

	(void)state;
	path_of(target, sizeof(target), "elsewhere");
	path_of(link, sizeof(link), "plotdata");
	assert_int_equal(mkdir(target, 0755), 0);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(sw_subdir(dfd, "plotdata"), -ELOOP);
	fd = sw_subdir(dfd, "made");
	assert_true(fd >= 0);
	close(fd);
	assert_true(strstr(sw_strerror(-ENOSPC), "no space left on device") != NULL);
	close(dfd);
}

/* A write past a file size limit: the error, and the earlier file left as it was. */
static void test_write_efbig(void **state)
{
	struct rlimit old, lim;
	static char big[65536];

	(void)state;
	assert_int_equal(sw_write_file(dir, "kept", "old\n", 4), 0);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 4096;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(sw_write_file(dir, "kept", big, sizeof(big)), -EFBIG);
	setrlimit(RLIMIT_FSIZE, &old);
	assert_string_equal(get("kept"), "old\n");
	assert_int_equal(count_tmp(), 0);
}

/* Size limit and head check, regular files, /dev/zero and a directory. */
static void test_bounded_read(void **state)
{
	struct br_limits lim = { .max_bytes = 100, .head_bytes = 16, .head = br_head_text };
	char p[256], why[256], *buf;
	size_t len;

	(void)state;
	put("small", "line one\nline two\n");
	path_of(p, sizeof(p), "small");
	assert_int_equal(br_read(p, &lim, &buf, &len, why, sizeof(why)), 0);
	assert_int_equal(len, 18);
	assert_string_equal(buf, "line one\nline two\n");
	free(buf);

	put("large", "0123456789012345678901234567890123456789012345678901234567890123456789\n"
		     "0123456789012345678901234567890123456789\n");
	path_of(p, sizeof(p), "large");
	lim.head = NULL;
	assert_int_equal(br_read(p, &lim, &buf, &len, why, sizeof(why)), -EFBIG);
	assert_null(buf);
	assert_string_equal(why, "larger than 100 bytes, the limit for this file");

	/* the head is checked before the rest: /dev/zero fails at once */
	lim = (struct br_limits){ .max_bytes = 1UL << 30, .head_bytes = 4096, .head = br_head_text };
	assert_int_equal(br_read("/dev/zero", &lim, &buf, &len, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "line 1: control character 0x00 at column 1");
	/* without a head check, the limit stops it */
	lim.head = NULL;
	lim.max_bytes = 1 << 20;
	assert_int_equal(br_read("/dev/zero", &lim, &buf, &len, why, sizeof(why)), -EFBIG);

	lim = (struct br_limits){ .max_bytes = 4096, .head_bytes = 64, .head = br_head_json_object };
	put("array.json", "  [1, 2]\n");
	path_of(p, sizeof(p), "array.json");
	assert_int_equal(br_read(p, &lim, &buf, &len, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "line 1: expected a JSON object");
	put("long-line", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
	path_of(p, sizeof(p), "long-line");
	lim.head = br_head_text;
	assert_int_equal(br_read(p, &lim, &buf, &len, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "line 1: longer than 64 bytes");

	assert_int_equal(br_read(dir, &lim, &buf, &len, why, sizeof(why)), -EISDIR);
	path_of(p, sizeof(p), "nothing");
	assert_int_equal(br_read(p, &lim, &buf, &len, why, sizeof(why)), -ENOENT);
}

/* results.csv, appended: a row at a time, whole lines even when a write fails. */
static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_replaces_link),
		cmocka_unit_test(test_unique_temporaries),
		cmocka_unit_test(test_subdir),
		cmocka_unit_test(test_write_efbig),
		cmocka_unit_test(test_bounded_read),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
