/*
 * test_fixedcost.c - the real path's fixed costs (fixedcost.h): every cost
 * is measured here (Linux 5.14+ for the fault) with a value in a sane
 * range, the per-page pagemap cost is below the per-call one, the object
 * lists what is left out; fixedcost_record_case() stores a case's new
 * pages per page from the mm's stats.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fixedcost.h"
#include "mm.h"

static double ns_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(json_object_get(o, key), "ns");

	if (!json_is_number(v))
		fail_msg("%s: no ns (%s)", key, json_string_value(json_object_get(json_object_get(o, key), "why")));
	assert_non_null(json_string_value(json_object_get(json_object_get(o, key), "how")));
	return json_number_value(v);
}

static void test_fixedcost_json(void **state)
{
	json_t *o = NULL;
	double sys, ioc, lock, flt, pm1, pmp;

	(void)state;
	assert_int_equal(fixedcost_json(&o), 0);
	assert_non_null(o);
	sys = ns_of(o, FIXEDCOST_SYSCALL);
	ioc = ns_of(o, FIXEDCOST_IOCTL);
	lock = ns_of(o, FIXEDCOST_MMAP_LOCK);
	flt = ns_of(o, FIXEDCOST_FAULT);
	pm1 = ns_of(o, FIXEDCOST_PAGEMAP_CALL);
	pmp = ns_of(o, FIXEDCOST_PAGEMAP_PAGE);
	/* a system call takes more than 10 ns and less than 100 us anywhere */
	assert_true(sys > 10 && sys < 1e5);
	assert_true(ioc > 10 && ioc < 1e5);
	assert_true(lock >= 0 && lock < 1e5);
	/* a real fault allocates and zeroes 4 KiB: more than 50 ns */
	assert_true(flt > 50 && flt < 1e6);
	assert_true(pm1 > 10 && pm1 < 1e6);
	assert_true(pmp >= 0 && pmp < pm1);
	assert_int_equal(json_integer_value(json_object_get(o, "runs")), FIXEDCOST_RUNS);
	assert_true(json_array_size(json_object_get(o, "left_out")) >= 3);
	json_decref(o);
}

static void test_record_case(void **state)
{
	json_t *o = json_object();
	struct emu_mm mm = { .stats = { .pages_allocated = 8 } };

	(void)state;
	assert_int_equal(fixedcost_record_case(o, "b/first-touch/npages:64/batch:64", &mm, 64), 0);
	mm.stats.pages_allocated = 0;
	assert_int_equal(fixedcost_record_case(o, "b/mirror/npages:16/batch:16", &mm, 16), 0);
	assert_int_equal(fixedcost_record_case(o, "b/x", &mm, 0), -EINVAL);
	assert_true(json_real_value(json_object_get(json_object_get(o, "new_pages_per_page"),
						    "b/first-touch/npages:64/batch:64")) == 0.125);
	assert_true(json_real_value(json_object_get(json_object_get(o, "new_pages_per_page"),
						    "b/mirror/npages:16/batch:16")) == 0.0);
	assert_int_equal(json_object_size(json_object_get(o, "new_pages_per_page")), 2);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixedcost_json),
		cmocka_unit_test(test_record_case),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
