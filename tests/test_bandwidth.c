/*
 * test_bandwidth.c - the bandwidth measurement of bandwidth.c returns
 * plausible numbers on this machine, refuses bad arguments, and its
 * meta.json object has one entry per npages with the sizes it measured.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "bandwidth.h"

static void test_bandwidth(void **state)
{
	double copy = 0, read = 0, copy_big = 0, read_big = 0;

	(void)state;
	assert_int_equal(bandwidth_measure(4096, &copy, &read), 0);
	assert_true(copy > 1e8);	/* > 100 MB/s */
	assert_true(read > 1e8);
	assert_true(copy < 1e13 && read < 1e13);	/* < 10 TB/s: a timer bug */
	assert_int_equal(bandwidth_measure(8 << 20, &copy_big, &read_big), 0);
	assert_true(copy_big > 1e8 && read_big > 1e8);
	assert_true(copy_big < 1e13 && read_big < 1e13);
	assert_int_equal(bandwidth_measure(32, &copy, &read), -EINVAL);
	assert_int_equal(bandwidth_measure(4096, NULL, &read), -EINVAL);
}

static void test_bandwidth_json(void **state)
{
	unsigned long np[] = { 1, 512, 512, 1UL << 26 };
	json_t *o = NULL, *e;

	(void)state;
	assert_int_equal(bandwidth_json(np, 4, &o), 0);
	assert_non_null(o);
	assert_int_equal(json_object_size(o), 3);	/* 512 once */
	e = json_object_get(o, "1");
	assert_int_equal(json_integer_value(json_object_get(e, "bytes")), 4096);	/* at least 4 KiB */
	assert_true(json_real_value(json_object_get(e, "copy_bytes_per_s")) > 1e8);
	assert_true(json_real_value(json_object_get(e, "read_bytes_per_s")) > 1e8);
	e = json_object_get(o, "512");
	assert_int_equal(json_integer_value(json_object_get(e, "bytes")), 4096);
	e = json_object_get(o, "67108864");	/* 512 MiB of arrays: skipped */
	assert_non_null(json_object_get(e, "skipped"));
	assert_null(json_object_get(e, "copy_bytes_per_s"));
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bandwidth),
		cmocka_unit_test(test_bandwidth_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
