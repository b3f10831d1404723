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

/*
 * mirror, npages 512: the sums of the terms listed in costmodel.c, with
 * each backend's declared traffic (kernels/backend_*.c)
 */
static void test_terms_mirror(void **state)
{
	struct costmodel_traffic v57, v58, v56, pr, am;
	double pt16 = 16.0 / 16 + 8.0 / 16 + 8;	/* nouveau: pgd+pud and pmd per window of 16, pte */
	double pt512 = 16.0 / 512 + 8.0 / 512 + 8;	/* amdgpu: one window of the call */

	(void)state;
	pr = traffic("promise-2018", "mirror", 512);
	assert_close(pr.read_bytes, pt16 + 8 + 8, 1e-9);	/* + request, + prepare's wa */
	assert_close(pr.write_bytes, 8 + 8, 1e-9);		/* prepare, the entry */
	v56 = traffic("nouveau-v5.6", "mirror", 512);
	assert_close(v56.read_bytes, pr.read_bytes + 8, 1e-9);	/* the pass reads the entry */
	assert_close(v56.write_bytes, pr.write_bytes, 1e-9);
	v57 = traffic("nouveau-v5.7", "mirror", 512);
	assert_close(v57.read_bytes, v56.read_bytes + 64, 1e-9);	/* struct page per valid entry */
	assert_close(v57.write_bytes, v56.write_bytes, 1e-9);
	v58 = traffic("nouveau-v5.8", "mirror", 512);
	assert_close(v58.read_bytes, v57.read_bytes + 8, 1e-9);	/* args.phys' wa */
	assert_close(v58.write_bytes, v57.write_bytes + 8, 1e-9);	/* the second array */
	am = traffic("amdgpu-v5.7", "mirror", 512);
	assert_close(am.read_bytes, pt512 + 8 + 16, 1e-9);	/* request, pass: entry + pages[] wa */
	assert_close(am.write_bytes, 8 + 8, 1e-9);
	/* the same bytes in both amdgpu eras: the compares are instructions */
	assert_close(traffic("amdgpu-v5.8", "mirror", 512).read_bytes, am.read_bytes, 1e-9);
	assert_close(costmodel_floor_ns_per_page("nouveau-v5.8", "mirror", 512, GBPS),
		     (v58.read_bytes + v58.write_bytes) / 10.0, 1e-9);
}

/* nouveau v5.9+ on thp: one walk of one page, one word, one map per 512 pages */
static void test_large_maps(void **state)
{
	struct costmodel_case c = { .backend = "nouveau-v6.1", .workload = "thp", .npages = 512,
				    .faults_per_page = -1, .dma = true };
	struct costmodel_traffic t, m;

	(void)state;
	assert_int_equal(costmodel_traffic_per_page(&c, &t), 0);
	/* pgd+pud+pmd, entry r/w, pass 16 + 64 read 8 written, dma 48 read 32 written: all / 512 */
	assert_close(t.read_bytes, (24.0 + 8 + 16 + 64 + 48) / 512, 1e-9);
	assert_close(t.write_bytes, (8.0 + 8 + 32) / 512, 1e-9);
	/* on 4 KiB pages every page is its own window */
	c.workload = "mirror";
	assert_int_equal(costmodel_traffic_per_page(&c, &m), 0);
	assert_close(m.read_bytes, 24 + 8 + 8 + 16 + 64 + 48, 1e-9);
	/* nouveau v5.8 walks and converts all 512 entries of the THP */
	assert_true(costmodel_floor_ns_per_page("nouveau-v5.8", "thp", 512, GBPS) >
		    100 * costmodel_floor_ns_per_page("nouveau-v6.1", "thp", 512, GBPS));
}

static void test_order(void **state)
{
	static const char *const wl[] = { "mirror", "first-touch", "thp" };
	static const unsigned long np[] = { 1, 16, 64, 512, 262144 };

	(void)state;
	for (size_t w = 0; w < 3; w++) {
		for (size_t i = 0; i < 5; i++) {
			double v58 = costmodel_floor_ns_per_page("nouveau-v5.8", wl[w], np[i], GBPS);
			double v57 = costmodel_floor_ns_per_page("nouveau-v5.7", wl[w], np[i], GBPS);
			double pr = costmodel_floor_ns_per_page("promise-2018", wl[w], np[i], GBPS);
			double nu = costmodel_floor_ns_per_page("null", wl[w], np[i], GBPS);

			assert_true(pr > 0);
			assert_true(v58 > v57);	/* the second array's word */
			assert_true(v57 > pr);	/* the pass over struct page */
			assert_close(nu, 0, 0);
			/* the pass costs the same bytes whatever the fault work */
			assert_close(v58 - pr, (8 + 64 + 8 + 8) / 10.0, 1e-6);
		}
	}
	/* a fault clears a 4 KiB frame: first-touch far above mirror */
	assert_true(costmodel_floor_ns_per_page("promise-2018", "first-touch", 512, GBPS) >
		    costmodel_floor_ns_per_page("promise-2018", "mirror", 512, GBPS) + 409.6);
	/* thp reads no pte: below mirror */
	assert_true(costmodel_floor_ns_per_page("promise-2018", "thp", 512, GBPS) <
		    costmodel_floor_ns_per_page("promise-2018", "mirror", 512, GBPS) - 0.7);
	/* per-call page-table reads spread over fewer pages cost more */
	assert_true(costmodel_floor_ns_per_page("amdgpu-v5.8", "mirror", 1, GBPS) >
		    costmodel_floor_ns_per_page("amdgpu-v5.8", "mirror", 512, GBPS));
	/* twice the bandwidth, half the floor */
	assert_close(costmodel_floor_ns_per_page("nouveau-v5.8", "thp", 64, 2 * GBPS),
		     costmodel_floor_ns_per_page("nouveau-v5.8", "thp", 64, GBPS) / 2, 1e-9);
}

static void test_options(void **state)
{
	struct costmodel_case c = { .backend = "promise-2018", .workload = "mirror", .npages = 64,
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
	struct costmodel_case c = { .backend = "nouveau-v5.8", .workload = "mixed", .npages = 16,
				    .faults_per_page = -1 };
	struct costmodel_traffic t;

	(void)state;
	assert_int_equal(costmodel_traffic_per_page(&c, &t), -EINVAL);
	c.workload = "migrated";
	assert_int_equal(costmodel_traffic_per_page(&c, &t), -EINVAL);
	c.workload = "mirror";
	c.backend = "bogus";
	assert_int_equal(costmodel_traffic_per_page(&c, &t), -EINVAL);
	c.backend = "dmirror-v6.1";	/* declares no traffic: its xarray is not modelled */
	assert_int_equal(costmodel_traffic_per_page(&c, &t), -EINVAL);
	c.backend = "nouveau-v5.8";
	c.npages = 0;
	assert_int_equal(costmodel_traffic_per_page(&c, &t), -EINVAL);
	assert_true(isnan(costmodel_floor_ns_per_page("nouveau-v5.8", "mirror", 16, 0)));
	assert_true(isnan(costmodel_floor_ns_per_page("nouveau-v5.8", "mixed", 16, GBPS)));
	assert_true(isnan(costmodel_floor_ns_per_page(NULL, "mirror", 16, GBPS)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terms_mirror), cmocka_unit_test(test_large_maps), cmocka_unit_test(test_order),
		cmocka_unit_test(test_options),      cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
