/*
 * test_costmodel.c - the memory floor of costmodel.c: exact byte counts of
 * the documented terms, the ordering the model implies and its refusals
 * (the bandwidth it divides by: test_bandwidth.c).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "costmodel.h"

#define GBPS 1e10	/* 10 GB/s: 1 byte = 0.1 ns */
/* cmocka's assert_float_equal() compares as float: too coarse here */
#define assert_close(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static struct costmodel_traffic traffic(const char *backend, const char *workload, unsigned long npages)
{
	struct costmodel_case c = { .backend = backend, .workload = workload, .npages = npages,
				    .faults_per_page = -1 };
	struct costmodel_traffic t = { -1, -1 };

	assert_int_equal(costmodel_traffic_per_page(&c, &t), 0);
	return t;
}

/* mirror, npages 512: the sums of the terms listed in costmodel.c */
static void test_terms_mirror(void **state)
{
	struct costmodel_traffic d, cv, fx;
	double pt = 16.0 / 512 + 8.0 / 512 + 8;	/* pgd+pud per call, pmd, pte */

	(void)state;
	d = traffic("direct", "mirror", 512);
	assert_close(d.read_bytes, pt + 8, 1e-9);	/* + request */
	assert_close(d.write_bytes, 8, 1e-9);	/* the entry */
	cv = traffic("convert", "mirror", 512);
	assert_close(cv.read_bytes, d.read_bytes + 8 + 64 + 8, 1e-9);
	assert_close(cv.write_bytes, 16, 1e-9);
	fx = traffic("direct-fixup", "mirror", 512);
	assert_close(fx.read_bytes, d.read_bytes + 8 + 64, 1e-9);
	assert_close(fx.write_bytes, 8, 1e-9);
	/* 112.0x bytes at 10 GB/s */
	assert_close(costmodel_floor_ns_per_page("convert", "mirror", 512, GBPS),
			   (cv.read_bytes + cv.write_bytes) / 10.0, 1e-9);
}

static void test_order(void **state)
{
	static const char *const wl[] = { "mirror", "first-touch", "thp" };
	static const unsigned long np[] = { 1, 16, 64, 512, 262144 };

	(void)state;
	for (size_t w = 0; w < 3; w++) {
		for (size_t i = 0; i < 5; i++) {
			double cv = costmodel_floor_ns_per_page("convert", wl[w], np[i], GBPS);
			double d = costmodel_floor_ns_per_page("direct", wl[w], np[i], GBPS);
			double fx = costmodel_floor_ns_per_page("direct-fixup", wl[w], np[i], GBPS);
			double nu = costmodel_floor_ns_per_page("null", wl[w], np[i], GBPS);

			assert_true(d > 0);
			assert_true(cv > fx);	/* the second array's word */
			assert_true(fx > d);	/* the pass over struct page */
			assert_close(nu, 0, 0);
			/* the pass costs the same bytes whatever the fault work */
			assert_close(cv - d, (8 + 64 + 8 + 8) / 10.0, 1e-6);
		}
	}
	/* a fault clears a 4 KiB frame: first-touch far above mirror */
	assert_true(costmodel_floor_ns_per_page("direct", "first-touch", 512, GBPS) >
		    costmodel_floor_ns_per_page("direct", "mirror", 512, GBPS) + 409.6);
	/* thp reads one pmd per 512 pages and no pte: below mirror */
	assert_true(costmodel_floor_ns_per_page("direct", "thp", 512, GBPS) <
		    costmodel_floor_ns_per_page("direct", "mirror", 512, GBPS) - 0.7);
	/* per-call page-table reads spread over fewer pages cost more */
	assert_true(costmodel_floor_ns_per_page("direct", "mirror", 1, GBPS) >
		    costmodel_floor_ns_per_page("direct", "mirror", 512, GBPS));
	/* twice the bandwidth, half the floor */
	assert_close(costmodel_floor_ns_per_page("convert", "thp", 64, 2 * GBPS),
			   costmodel_floor_ns_per_page("convert", "thp", 64, GBPS) / 2, 1e-9);
}

static void test_options(void **state)
{
	struct costmodel_case c = { .backend = "direct", .workload = "mirror", .npages = 64,
				    .faults_per_page = -1 };
	struct costmodel_traffic base, t;

	(void)state;
	assert_int_equal(costmodel_traffic_per_page(&c, &base), 0);
	c.dma = true;	/* revalidation: map + unmap, 48 B read, 32 B written */
	assert_int_equal(costmodel_traffic_per_page(&c, &t), 0);
	assert_close(t.read_bytes - base.read_bytes, 48, 1e-9);
	assert_close(t.write_bytes - base.write_bytes, 32, 1e-9);
	c.dma = false;
	c.kernel_source = true;	/* the pagemap buffer: 16 B read, 8 B written */
	assert_int_equal(costmodel_traffic_per_page(&c, &t), 0);
	assert_close(t.read_bytes - base.read_bytes, 16, 1e-9);
	assert_close(t.write_bytes - base.write_bytes, 8, 1e-9);
	/* faults: without clearing the frame, 4096 B less */
	c.kernel_source = false;
	c.workload = "first-touch";
	assert_int_equal(costmodel_traffic_per_page(&c, &base), 0);
	c.no_clear = true;
	assert_int_equal(costmodel_traffic_per_page(&c, &t), 0);
	assert_close(base.write_bytes - t.write_bytes, 4096, 1e-9);
	/* the kernel always clears */
	c.kernel_source = true;
	assert_int_equal(costmodel_traffic_per_page(&c, &t), 0);
	assert_true(t.write_bytes > 4096);
	/* measured faults per page replace the workload's */
	c.kernel_source = false;
	c.no_clear = false;
	c.faults_per_page = 0.5;
	assert_int_equal(costmodel_traffic_per_page(&c, &t), 0);
	assert_true(t.write_bytes < base.write_bytes && t.write_bytes > 2048);
}

static void test_refusals(void **state)
{
	struct costmodel_case c = { .backend = "convert", .workload = "mixed", .npages = 16,
				    .faults_per_page = -1 };
	struct costmodel_traffic t;

	(void)state;
	assert_int_equal(costmodel_traffic_per_page(&c, &t), -EINVAL);
	c.workload = "migrated";
	assert_int_equal(costmodel_traffic_per_page(&c, &t), -EINVAL);
	c.workload = "mirror";
	c.backend = "bogus";
	assert_int_equal(costmodel_traffic_per_page(&c, &t), -EINVAL);
	c.backend = "convert";
	c.npages = 0;
	assert_int_equal(costmodel_traffic_per_page(&c, &t), -EINVAL);
	assert_true(isnan(costmodel_floor_ns_per_page("convert", "mirror", 16, 0)));
	assert_true(isnan(costmodel_floor_ns_per_page("convert", "mixed", 16, GBPS)));
	assert_true(isnan(costmodel_floor_ns_per_page(NULL, "mirror", 16, GBPS)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terms_mirror), cmocka_unit_test(test_order),
		cmocka_unit_test(test_options),      cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
