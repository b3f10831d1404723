/*
 * test_verify.c - verify's oracle (harness/measure/verify.c,
 * verify_oracle.c) for the backends that need more than the v5.6-6.1
 * rules: the 2018 thread's pair on the v4.16 API (one VMA per call, a
 * slot over the case's first VMA, SPECIAL over VM_SPECIAL VMAs, the array
 * cleared after a failed fault) and NVIDIA UVM (judged on the requests it
 * rewrites).
 *
 *  - random cases of one seed agree, and the era-A slots (whole case and
 *    first VMA) and UVM made calls that returned 0, so their words were
 *    judged;
 *  - on hand-written cases the oracle accepts what the backends did, and
 *    rejects a result changed on purpose (a wrong rc, a wrong word, an
 *    entry left after v4.16's failed fault, a UVM page left read-only
 *    where UVM asked for write): the checks can fail.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nouveau.h"
#include "verify.h"

#define BASE 0x7f0000000000UL /* 2 MiB aligned */
#define D(s, a) ((struct emu_page_desc){ .state = (s), .req = EMU_REQ_DEFAULT, .arg = (a) })

static struct verify_ctx *ctx_make(void)
{
	struct verify_params vp = { .seed = 11, .max_pfn = 1UL << 24, .max_npages = 256 };
	struct verify_ctx *ctx;

	assert_int_equal(verify_ctx_create(&vp, &ctx), 0);
	return ctx;
}

static unsigned slot(const struct verify_ctx *ctx, const char *name)
{
	for (unsigned k = 0; k < ctx->nr_backends; k++)
		if (!strcmp(ctx->name[k], name))
			return k;
	fail_msg("no slot %s", name);
	return 0;
}

static struct verify_case case_of(struct emu_page_desc *pages, unsigned long n, enum emu_req req)
{
	struct verify_case vc = { .index = 0, .base = BASE, .npages = n, .pages = pages, .default_req = req,
				  .has_page_req = false, .snapshot = req == EMU_REQ_NONE };
	return vc;
}

/* The case runs and agrees; then the check must fail once the result is changed, and pass again. */
static void run_ok(struct verify_ctx *ctx, const struct verify_case *vc)
{
	struct verify_mismatch m;
	int ret = verify_case_run(ctx, vc, &m);

	if (ret)
		print_error("unexpected mismatch: %s\n", m.what);
	assert_int_equal(ret, 0);
}

static void check_fails(struct verify_ctx *ctx, const struct verify_case *vc, const char *who, const char *what)
{
	struct verify_mismatch m;

	assert_int_equal(verify_case_check(ctx, vc, &m), 1);
	if (!strstr(m.what, who) || !strstr(m.what, what))
		print_error("mismatch text: %s\n", m.what);
	assert_non_null(strstr(m.what, who));
	assert_non_null(strstr(m.what, what));
}

static void test_random_cases(void **state)
{
	(void)state;
	struct verify_ctx *ctx = ctx_make();
	const char *judged[] = { "thread-2018-without", "thread-2018-with", "thread-2018-without (first VMA)",
				 "thread-2018-with (first VMA)", "uvm-575.57.08" };

	for (unsigned long i = 0; i < 1500; i++) {
		struct verify_case vc;
		struct verify_mismatch m;
		int ret;

		verify_case_generate(ctx, i, &vc);
		ret = verify_case_run(ctx, &vc, &m);
		if (ret)
			print_error("case %lu: %s\n", i, m.what);
		assert_int_equal(ret, 0);
	}
	for (size_t j = 0; j < sizeof(judged) / sizeof(judged[0]); j++) {
		unsigned k = slot(ctx, judged[j]);

		if (ctx->nr_calls_ok[k] < 100)
			print_error("%s: %lu calls returned 0\n", judged[j], ctx->nr_calls_ok[k]);
		assert_true(ctx->nr_calls_ok[k] >= 100);
		assert_true(ctx->nr_calls[k] > ctx->nr_calls_ok[k]);	/* and some failed, as they must */
	}
	verify_ctx_destroy(ctx);
}

/* [rw, rw, rovma], read: two VMAs.  v4.16 refuses the case, takes its first VMA. */
static void test_eraA_one_vma(void **state)
{
	(void)state;
	struct verify_ctx *ctx = ctx_make();
	struct emu_page_desc d[] = { D(EMU_PAGE_RW, 0x5000), D(EMU_PAGE_RW, 0x5001), D(EMU_PAGE_ROVMA, 0x5002) };
	struct verify_case vc = case_of(d, 3, EMU_REQ_READ);
	unsigned w = slot(ctx, "thread-2018-without"), f = slot(ctx, "thread-2018-with (first VMA)");
	uint64_t word;

	run_ok(ctx, &vc);
	assert_int_equal(ctx->rc[w], -EINVAL);
	assert_true(ctx->ran[f]);
	assert_int_equal(ctx->npages[f], 2);
	assert_int_equal(ctx->rc[f], 0);
	assert_int_equal(ctx->dev[f][0], (0x5000ULL << 12) | NVIF_VMM_PFNMAP_V0_V | NVIF_VMM_PFNMAP_V0_W);

	ctx->rc[w] = 0;
	check_fails(ctx, &vc, "thread-2018-without (walk v4.16): rc=0", "implies rc=-22");
	ctx->rc[w] = -EINVAL;
	word = ctx->dev[f][0];
	ctx->dev[f][0] &= ~NVIF_VMM_PFNMAP_V0_W;
	check_fails(ctx, &vc, "thread-2018-with (first VMA) gives", "writable page reported read-only");
	ctx->dev[f][0] = word;
	assert_int_equal(verify_case_check(ctx, &vc, &(struct verify_mismatch){ 0 }), 0);
	verify_ctx_destroy(ctx);
}

/* A PROT_NONE VMA faulted: -EFAULT and every entry cleared; a VM_SPECIAL one: SPECIAL, rc 0 / -EINVAL. */
static void test_eraA_failed_fault_and_special(void **state)
{
	(void)state;
	struct verify_ctx *ctx = ctx_make();
	struct emu_page_desc noread[] = { D(EMU_PAGE_NOREAD, 0), D(EMU_PAGE_NOREAD, 0), D(EMU_PAGE_NOREAD, 0) };
	struct emu_page_desc special[] = { D(EMU_PAGE_SPECIAL, 0x6000), D(EMU_PAGE_SPECIAL, 0x6001) };
	struct verify_case vc = case_of(noread, 3, EMU_REQ_READ);
	unsigned w = slot(ctx, "thread-2018-without");

	run_ok(ctx, &vc);
	assert_int_equal(ctx->rc[w], -EFAULT);
	ctx->hmm[w][1] = 0x10;	/* EMPTY left behind */
	check_fails(ctx, &vc, "page 1 (noread", "clears every entry from `last`");

	vc = case_of(special, 2, EMU_REQ_WRITE);
	run_ok(ctx, &vc);
	assert_int_equal(ctx->rc[w], 0);
	assert_int_equal(ctx->dev[w][0], ~NVIF_VMM_PFNMAP_V0_V);	/* SPECIAL -> ~V */
	ctx->rc[w] = -EINVAL;
	check_fails(ctx, &vc, "thread-2018-without (walk v4.16): rc=-22", "implies rc=0");

	vc = case_of(special, 2, EMU_REQ_NONE);
	run_ok(ctx, &vc);
	assert_int_equal(ctx->rc[w], -EINVAL);
	ctx->rc[w] = 0;
	check_fails(ctx, &vc, "thread-2018-without (walk v4.16): rc=0", "implies rc=-22");
	verify_ctx_destroy(ctx);
}

/* [rw, dev-other, ro] snapshot: the pair disagrees on dev-other only, as documented. */
static void test_eraA_devother(void **state)
{
	(void)state;
	struct verify_ctx *ctx = ctx_make();
	struct emu_page_desc d[] = { D(EMU_PAGE_RW, 0x5000), D(EMU_PAGE_DEV_OTHER, 0x42), D(EMU_PAGE_RO, 0x5002) };
	struct verify_case vc = case_of(d, 3, EMU_REQ_NONE);
	unsigned w = slot(ctx, "thread-2018-without"), h = slot(ctx, "thread-2018-with");

	run_ok(ctx, &vc);
	assert_int_equal(ctx->dev[w][1], 0);
	assert_int_equal(ctx->dev[h][1], (0x42ULL << 12) | NVIF_VMM_PFNMAP_V0_VRAM | NVIF_VMM_PFNMAP_V0_V |
						 NVIF_VMM_PFNMAP_V0_W);
	ctx->dev[h][1] = (0x43ULL << 12) | NVIF_VMM_PFNMAP_V0_VRAM | NVIF_VMM_PFNMAP_V0_V | NVIF_VMM_PFNMAP_V0_W;
	check_fails(ctx, &vc, "thread-2018-with gives", "wrong VRAM page");
	verify_ctx_destroy(ctx);
}

/* UVM asked for write everywhere in a writable VMA: a read request's page must come back writable. */
static void test_uvm_rewritten_requests(void **state)
{
	(void)state;
	struct verify_ctx *ctx = ctx_make();
	struct emu_page_desc d[] = { D(EMU_PAGE_RW, 0x5000), D(EMU_PAGE_NONE, 0), D(EMU_PAGE_RO, 0x5002),
				     D(EMU_PAGE_ROVMA, 0x5003) };
	struct verify_case vc = case_of(d, 4, EMU_REQ_READ);
	unsigned u = slot(ctx, "uvm-575.57.08");

	run_ok(ctx, &vc);
	assert_int_equal(ctx->rc[u], 0);
	assert_int_equal(ctx->dev[u][0], (0x5000ULL << 12) | 0x7);
	assert_int_equal(ctx->dev[u][3], (0x5003ULL << 12) | 0x5);	/* rovma: read only */
	assert_int_equal(ctx->dev[u][2] & 0x7, 0x7);			/* ro: copied for write */
	assert_int_not_equal(ctx->dev[u][2] >> 12, 0x5002);
	ctx->dev[u][2] &= ~0x2ULL;
	check_fails(ctx, &vc, "page 2 (ro 0x5002, request write): uvm-575.57.08 gives", "write requested, not writable");

	/* a write request in the read-only VMA: -EPERM, as the 6.1 walk says */
	d[3].req = EMU_REQ_WRITE;
	vc.has_page_req = true;
	run_ok(ctx, &vc);
	assert_int_equal(ctx->rc[u], -EPERM);
	ctx->rc[u] = 0;
	check_fails(ctx, &vc, "uvm-575.57.08 (walk 6.1): rc=0", "implies rc=-1");
	verify_ctx_destroy(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_cases),
		cmocka_unit_test(test_eraA_one_vma),
		cmocka_unit_test(test_eraA_failed_fault_and_special),
		cmocka_unit_test(test_eraA_devother),
		cmocka_unit_test(test_uvm_rewritten_requests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
