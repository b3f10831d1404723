/*
 * test_placement.c - topology (real, synthetic, XML), thread binding,
 * placement requests (parse/format/check), memory placement through the
 * emu_mem_ops hooks verified with move_pages, and the thread policy.
 *
 * This machine has one NUMA node; requests for node 1 must fail with a
 * reason, and the two-node paths run on a synthetic topology.
 */
#include <dirent.h>
#include <errno.h>
#include <numaif.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "placement.h"

#define SYNTH "pack:2 numa:1 core:2 pu:1"

/* NUMA nodes the kernel lists in sysfs. */
static int sysfs_nr_nodes(void)
{
	DIR *d = opendir("/sys/devices/system/node");
	struct dirent *e;
	int n = 0;
	if (!d)
		return 1;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "node", 4) && e->d_name[4] >= '0' && e->d_name[4] <= '9')
			n++;
	closedir(d);
	return n;
}

static void test_real_topology(void **state)
{
	(void)state;
	struct topo *t;
	int cpus[256];
	unsetenv("PFNBENCH_HWLOC_SYNTHETIC");
	unsetenv("PFNBENCH_HWLOC_XML");
	assert_int_equal(topo_open(&t), 0);
	assert_false(topo_is_synthetic(t));
	assert_int_equal(topo_nr_nodes(t), sysfs_nr_nodes());
	assert_true(topo_node_exists(t, 0));
	assert_false(topo_node_exists(t, -1));
	assert_false(topo_node_exists(t, 4096));
	if (topo_nr_nodes(t) == 1) {
		/* This machine: node 0 has every online CPU. */
		assert_int_equal(topo_cpus_of_node(t, 0, cpus, 256), sysconf(_SC_NPROCESSORS_ONLN));
		assert_false(topo_node_exists(t, 1));
		assert_int_equal(topo_cpus_of_node(t, 1, cpus, 256), -ENODEV);
	}
	char *s = topo_summary(t);
	assert_non_null(s);
	print_message("topology: %s, llc %zu bytes\n", s, topo_llc_bytes(t));
	char want[64];
	snprintf(want, sizeof(want), "%d NUMA node", topo_nr_nodes(t));
	assert_non_null(strstr(s, want));
	if (topo_llc_bytes(t)) {
		assert_true(topo_llc_bytes(t) >= 64 * 1024);
		assert_true(strstr(s, "MiB") || strstr(s, "KiB"));
	}
	free(s);
	topo_close(t);
}

static int affinity_count(void)
{
	cpu_set_t set;
	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	return CPU_COUNT(&set);
}

static void test_bind(void **state)
{
	(void)state;
	struct topo *t;
	char why[200] = "";
	int cpus[256];
	assert_int_equal(topo_open(&t), 0);
	int nr0 = topo_cpus_of_node(t, 0, cpus, 256);

	assert_int_equal(topo_bind_thread(t, 0, -1, why, sizeof(why)), 0);
	assert_int_equal(affinity_count(), nr0);
	assert_int_equal(topo_bind_thread(t, 0, 0, why, sizeof(why)), 0);
	assert_int_equal(affinity_count(), 1); /* one PU per core here */
	cpu_set_t set;
	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	assert_true(CPU_ISSET(cpus[0], &set));

	assert_int_equal(topo_bind_thread(t, 0, 99, why, sizeof(why)), -ENODEV);
	assert_non_null(strstr(why, "core 99 of node 0 does not exist"));
	if (!topo_node_exists(t, 1)) {
		assert_int_equal(topo_bind_thread(t, 1, -1, why, sizeof(why)), -ENODEV);
		assert_string_equal(why, "node 1 does not exist, this machine has 1 node (0)");
	}
	assert_int_equal(topo_unbind_thread(t), 0);
	assert_int_equal(affinity_count(), sysconf(_SC_NPROCESSORS_ONLN));
	topo_close(t);
}

/* Checks shared by the synthetic and the XML two-node topologies. */
static void check_two_nodes(struct topo *t)
{
	int c0[8], c1[8];
	char why[200] = "";
	assert_true(topo_is_synthetic(t));
	assert_int_equal(topo_nr_nodes(t), 2);
	assert_true(topo_node_exists(t, 0));
	assert_true(topo_node_exists(t, 1));
	assert_false(topo_node_exists(t, 2));
	assert_int_equal(topo_cpus_of_node(t, 0, c0, 8), 2);
	assert_int_equal(topo_cpus_of_node(t, 1, c1, 8), 2);
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			assert_int_not_equal(c0[i], c1[j]);
	char *s = topo_summary(t);
	assert_string_equal(s, "2 packages, 2 NUMA nodes, 4 cores, 4 PUs, no cache info");
	free(s);
	assert_int_equal(topo_llc_bytes(t), 0);

	/* Must not bind the real thread to CPUs of a made-up machine. */
	assert_int_equal(topo_bind_thread(t, 1, -1, why, sizeof(why)), -ENOTSUP);
	assert_string_equal(why, "synthetic topology: not binding");
	assert_int_equal(topo_unbind_thread(t), -ENOTSUP);

	struct placement_req req;
	assert_int_equal(placement_req_parse("pt=0,hmm=1,drv=1,cpu=1", &req, why, sizeof(why)), 0);
	assert_int_equal(placement_check(t, &req, why, sizeof(why)), 0);
	assert_int_equal(placement_req_parse("data=2", &req, why, sizeof(why)), 0);
	assert_int_equal(placement_check(t, &req, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "node 2 requested for data, this machine has 2 nodes (0-1)");
}

static void test_synthetic(void **state)
{
	(void)state;
	struct topo *t;
	setenv("PFNBENCH_HWLOC_SYNTHETIC", SYNTH, 1);
	assert_int_equal(topo_open(&t), 0);
	check_two_nodes(t);
	topo_close(t);

	setenv("PFNBENCH_HWLOC_SYNTHETIC", "pack:2 bogus:1", 1);
	t = (void *)1;
	assert_int_equal(topo_open(&t), -EINVAL);
	assert_null(t);
	unsetenv("PFNBENCH_HWLOC_SYNTHETIC");
}

static void test_xml(void **state)
{
	(void)state;
	struct topo *t;
	setenv("PFNBENCH_HWLOC_XML", TEST_DATA_DIR "/placement/two-nodes.xml", 1);
	assert_int_equal(topo_open(&t), 0);
	check_two_nodes(t);
	topo_close(t);
	setenv("PFNBENCH_HWLOC_XML", TEST_DATA_DIR "/placement/no-such-file.xml", 1);
	assert_int_equal(topo_open(&t), -EINVAL);
	unsetenv("PFNBENCH_HWLOC_XML");
}

static void test_parse_format(void **state)
{
	(void)state;
	struct placement_req r;
	char buf[128], why[200];
	static const char *const round_trip[] = {
		"local", "pt=0,memmap=0,hmm=1,drv=1,cpu=0,data=0", "hmm=1", "pt=3,cpu=0", "data=1023",
	};
	for (size_t i = 0; i < sizeof(round_trip) / sizeof(round_trip[0]); i++) {
		assert_int_equal(placement_req_parse(round_trip[i], &r, why, sizeof(why)), 0);
		assert_int_equal(placement_req_format(&r, buf, sizeof(buf)), 0);
		assert_string_equal(buf, round_trip[i]);
	}
	/* Any order in, canonical order out. */
	assert_int_equal(placement_req_parse("data=0,drv=1,pt=2", &r, why, sizeof(why)), 0);
	assert_int_equal(r.pt_node, 2);
	assert_int_equal(r.drv_node, 1);
	assert_int_equal(r.data_node, 0);
	assert_int_equal(r.cpu_node, -1);
	assert_int_equal(r.memmap_node, -1);
	assert_int_equal(r.hmm_node, -1);
	assert_int_equal(placement_req_node(&r, EMU_MEM_PGTABLE), 2);
	assert_int_equal(placement_req_node(&r, EMU_MEM_DRIVER_ARRAY), 1);
	assert_int_equal(placement_req_node(&r, EMU_MEM_HMM_ARRAY), -1);
	assert_false(placement_req_is_local(&r));
	assert_int_equal(placement_req_format(&r, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "pt=2,drv=1,data=0");
	assert_int_equal(placement_req_format(&r, buf, 5), -ENOSPC);
	r = PLACEMENT_REQ_LOCAL;
	assert_true(placement_req_is_local(&r));

	static const struct {
		const char *in, *why;
	} bad[] = {
		{"", "empty placement (use 'local' or e.g. 'pt=0,hmm=1')"},
		{"pt", "'pt' is not key=node"},
		{"pt=", "no node after 'pt='"},
		{"pt=x", "bad node 'x' for pt (a number 0-1023)"},
		{"pt=-1", "bad node '-1' for pt (a number 0-1023)"},
		{"pt=1024", "bad node '1024' for pt (a number 0-1023)"},
		{"pt=99999999999999999999", "bad node '99999999999999999999' for pt (a number 0-1023)"},
		{"gpu=0", "unknown key 'gpu' (keys: pt, memmap, hmm, drv, cpu, data)"},
		{"pt=0,pt=1", "key 'pt' given twice"},
		{"pt=0,", "trailing ','"},
		{" pt=0", "unknown key ' pt' (keys: pt, memmap, hmm, drv, cpu, data)"},
		{"local,pt=0", "'local' is not key=node"},
		{"pt=0,,hmm=1", "'' is not key=node"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r.pt_node = 7;
		why[0] = '\0';
		assert_int_equal(placement_req_parse(bad[i].in, &r, why, sizeof(why)), -EINVAL);
		assert_string_equal(why, bad[i].why);
		assert_int_equal(r.pt_node, 7); /* untouched on error */
	}
}

/* The topology check and the real-machine check both refuse node 1. */
static void test_missing_node(void **state)
{
	(void)state;
	struct topo *t;
	struct placement_req r;
	struct placement_ctx *ctx = (void *)1;
	char why[200] = "";
	assert_int_equal(topo_open(&t), 0);
	if (topo_node_exists(t, 1)) {
		print_message("this machine has node 1: not testing a missing node\n");
		topo_close(t);
		skip();
	}
	assert_int_equal(placement_req_parse("pt=0,hmm=1", &r, why, sizeof(why)), 0);
	assert_int_equal(placement_check(t, &r, why, sizeof(why)), -ENODEV);
	assert_string_equal(why, "node 1 requested for hmm, this machine has 1 node (0)");
	why[0] = '\0';
	assert_int_equal(placement_ctx_create(&r, 0, &ctx, why, sizeof(why)), -ENODEV);
	assert_null(ctx);
	assert_string_equal(why, "node 1 requested for hmm, this machine has 1 node (0)");
	r = PLACEMENT_REQ_LOCAL;
	r.drv_node = 1;
	assert_int_equal(placement_set_thread_policy(&r), -ENODEV);
	topo_close(t);
}

static void run_kinds(unsigned flags)
{
	struct placement_req r;
	struct placement_ctx *ctx;
	char why[200] = "", buf[128];
	int actual[EMU_MEM_NR_KINDS];
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	void *mem[EMU_MEM_NR_KINDS] = {0};

	assert_int_equal(placement_req_parse("pt=0,memmap=0,hmm=0,drv=0,cpu=0,data=0", &r, why, sizeof(why)), 0);
	assert_int_equal(placement_ctx_create(&r, flags, &ctx, why, sizeof(why)), 0);
	const struct emu_mem_ops *ops = placement_ctx_ops(ctx);
	assert_ptr_equal(ops->ctx, ctx);

	/* Nothing yet. */
	assert_int_equal(placement_verify(ctx, actual), 0);
	for (int k = 0; k < EMU_MEM_NR_KINDS; k++)
		assert_int_equal(actual[k], PLACEMENT_NONE);
	assert_int_equal(placement_format_actual(actual, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "pt=none,memmap=none,hmm=none,drv=none,data=none");

	/* alloc: every kind but memmap, zeroed and faulted in. */
	for (int k = 0; k < EMU_MEM_NR_KINDS; k++) {
		if (k == EMU_MEM_MEMMAP)
			continue;
		mem[k] = ops->alloc(ops->ctx, 5 * ps + 100, k);
		assert_non_null(mem[k]);
		assert_int_equal((uintptr_t)mem[k] % ps, 0);
		for (size_t i = 0; i < 5 * ps + 100; i += 997)
			assert_int_equal(((unsigned char *)mem[k])[i], 0);
	}
	/* place: a reservation of 64 pages, 3 of them touched afterwards. */
	char *res = mmap(NULL, 64 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(res != MAP_FAILED);
	assert_int_equal(ops->place(ops->ctx, res, 64 * ps, EMU_MEM_MEMMAP), 0);
	res[0] = res[10 * ps] = res[63 * ps] = 1;

	assert_int_equal(placement_verify(ctx, actual), 0);
	for (int k = 0; k < EMU_MEM_NR_KINDS; k++)
		assert_int_equal(actual[k], 0);
	assert_int_equal(placement_format_actual(actual, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "pt=0,memmap=0,hmm=0,drv=0,data=0");
	assert_true(placement_actual_matches(&r, actual));
	assert_int_equal(placement_ctx_error(ctx, NULL), 0);

	/* free drops the record: that kind is "none" again. */
	ops->free(ops->ctx, mem[EMU_MEM_HMM_ARRAY], 5 * ps + 100, EMU_MEM_HMM_ARRAY);
	assert_int_equal(placement_verify(ctx, actual), 0);
	assert_int_equal(actual[EMU_MEM_HMM_ARRAY], PLACEMENT_NONE);
	assert_int_equal(actual[EMU_MEM_DATA], 0);
	assert_true(placement_actual_matches(&r, actual));

	/* A mismatch is reported as one. */
	actual[EMU_MEM_DATA] = 1;
	assert_false(placement_actual_matches(&r, actual));
	actual[EMU_MEM_DATA] = PLACEMENT_MIXED;
	assert_false(placement_actual_matches(&r, actual));
	assert_int_equal(placement_format_actual(actual, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "pt=0,memmap=0,hmm=none,drv=0,data=mixed");
	actual[EMU_MEM_DATA] = PLACEMENT_UNKNOWN;
	assert_int_equal(placement_format_actual(actual, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "pt=0,memmap=0,hmm=none,drv=0,data=?");
	assert_int_equal(placement_format_actual(actual, buf, 10), -ENOSPC);

	munmap(res, 64 * ps);
	placement_ctx_destroy(ctx); /* unmaps what is still allocated */
}

static void test_place_node0_bind(void **state)
{
	(void)state;
	run_kinds(0);
}

static void test_place_node0_preferred(void **state)
{
	(void)state;
	run_kinds(PLACEMENT_PREFERRED);
}

static void test_place_local(void **state)
{
	(void)state;
	struct placement_req r = PLACEMENT_REQ_LOCAL;
	struct placement_ctx *ctx;
	int actual[EMU_MEM_NR_KINDS];
	assert_int_equal(placement_ctx_create(&r, 0, &ctx, NULL, 0), 0);
	const struct emu_mem_ops *ops = placement_ctx_ops(ctx);
	void *p = ops->alloc(ops->ctx, 8192, EMU_MEM_DATA);
	assert_non_null(p);
	assert_int_equal(placement_verify(ctx, actual), 0);
	assert_int_equal(actual[EMU_MEM_DATA], 0); /* the only node */
	assert_int_equal(actual[EMU_MEM_PGTABLE], PLACEMENT_NONE);
	assert_true(placement_actual_matches(&r, actual));
	placement_ctx_destroy(ctx);
}

static void test_thread_policy(void **state)
{
	(void)state;
	struct placement_req r = PLACEMENT_REQ_LOCAL;
	int mode = -1, node;
	unsigned long mask[16] = {0};
	size_t len = 64 * 4096;

	r.drv_node = 0;
	assert_int_equal(placement_set_thread_policy(&r), 0);
	assert_int_equal(get_mempolicy(&mode, mask, 16 * 64, NULL, 0), 0);
	assert_int_equal(mode, MPOL_PREFERRED);
	assert_int_equal(mask[0], 1UL);

	char *p = malloc(len);
	assert_non_null(p);
	assert_int_equal(placement_node_of_range(p, len, &node), 0);
	memset(p, 1, len);
	assert_int_equal(placement_node_of_range(p, len, &node), 0);
	assert_int_equal(node, 0);
	free(p);

	assert_int_equal(placement_reset_thread_policy(), 0);
	assert_int_equal(get_mempolicy(&mode, NULL, 0, NULL, 0), 0);
	assert_int_equal(mode, MPOL_DEFAULT);

	/* Never-touched memory has no node. */
	char *q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(q != MAP_FAILED);
	assert_int_equal(placement_node_of_range(q, len, &node), 0);
	assert_int_equal(node, PLACEMENT_NONE);
	munmap(q, len);
	assert_int_equal(placement_node_of_range(NULL, len, &node), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_topology),   cmocka_unit_test(test_bind),
		cmocka_unit_test(test_synthetic),       cmocka_unit_test(test_xml),
		cmocka_unit_test(test_parse_format),    cmocka_unit_test(test_missing_node),
		cmocka_unit_test(test_place_node0_bind), cmocka_unit_test(test_place_node0_preferred),
		cmocka_unit_test(test_place_local),     cmocka_unit_test(test_thread_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
