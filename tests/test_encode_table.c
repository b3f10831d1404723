/*
 * test_encode_table.c - spec/page-file.md's table, bit for bit, for every
 * state x backend (convert, direct, direct-fixup) x request (none, read,
 * write), at the device stage and the HMM stage, through both request
 * paths (default_flags only, and per-page requests).
 *
 * The expected words are written out here from the spec's rules; nothing
 * is computed by the code under test.  Faults that must allocate a page
 * are checked for what the spec promises: a pfn that is not the page's
 * old one, not named by the description, not reserved, writable for a
 * write fault, and the same in every backend (the allocator is
 * deterministic).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend.h"
#include "mm.h"

#define BASE 0x7f0000000000UL        /* 2 MiB aligned */
#define PFN 0x12345UL                /* the page's pfn for pfn states */
#define THP_HEAD 0x200000UL          /* multiple of 512 */
#define VRAM 0x42UL
#define ZERO_PFN 0x1000UL
#define DEV_FIRST 0x10000000UL
#define V_ 0x1ULL
#define W_ 0x2ULL
#define VRAM_APER 0x10ULL
#define ENC_ERR 0xfffffffffffffffeULL
#define H_VALID (1ULL << 63)
#define H_WRITE (1ULL << 62)
#define H_ERROR (1ULL << 61)
#define H_ORDER9 (9ULL << 56)

enum kind {
	K_EXACT,     /* dev word and (for convert) hmm word known exactly */
	K_NEW_RO_OK, /* a new system page, writable or not */
	K_NEW_RW,    /* a new writable system page */
};

struct expect {
	int rc;
	enum kind kind;
	uint64_t dev;      /* K_EXACT: the device word */
	uint64_t hmm;      /* K_EXACT: convert's HMM-stage word */
};

static bool is_thp(int s)
{
	return s == EMU_PAGE_THP_RO || s == EMU_PAGE_THP_RW;
}

/* The page's own arg for slot k (THP: head + k). */
static uint64_t arg_of(int s, unsigned long k)
{
	switch (s) {
	case EMU_PAGE_RO: case EMU_PAGE_RW: case EMU_PAGE_ROVMA: case EMU_PAGE_SPECIAL:
		return PFN;
	case EMU_PAGE_THP_RO: case EMU_PAGE_THP_RW:
		return THP_HEAD + k;
	case EMU_PAGE_DEV: case EMU_PAGE_DEV_RO: case EMU_PAGE_DEV_OTHER:
		return VRAM;
	default:
		return 0;
	}
}

/* spec/page-file.md, written out: no-fault table, then the fault rules. */
static struct expect expected(int s, enum emu_req req, bool encoded, unsigned long k)
{
	const uint64_t a = arg_of(s, k);
	struct expect e = { 0, K_EXACT, 0, 0 };

	/* a fault request on special/novma/noread/pfnmap: -EFAULT; a write on rovma: -EPERM */
	if (req != EMU_REQ_NONE &&
	    (s == EMU_PAGE_SPECIAL || s == EMU_PAGE_NOVMA || s == EMU_PAGE_NOREAD || s == EMU_PAGE_PFNMAP)) {
		e.rc = -EFAULT;
		return e;
	}
	if (req == EMU_REQ_WRITE && s == EMU_PAGE_ROVMA) {
		e.rc = -EPERM;
		return e;
	}
	/* faults that replace the page */
	if (req == EMU_REQ_WRITE &&
	    (s == EMU_PAGE_NONE || s == EMU_PAGE_ZERO || s == EMU_PAGE_RO || s == EMU_PAGE_SWAP ||
	     s == EMU_PAGE_THP_RO || s == EMU_PAGE_DEV_OTHER)) {
		e.kind = K_NEW_RW;
		return e;
	}
	if (req == EMU_REQ_READ && (s == EMU_PAGE_SWAP || s == EMU_PAGE_DEV_OTHER)) {
		e.kind = K_NEW_RO_OK;
		return e;
	}
	if (req == EMU_REQ_READ && s == EMU_PAGE_NONE) {
		/* do_anonymous_page(): the zero page, read-only */
		e.dev = ZERO_PFN << 12 | V_;
		e.hmm = ZERO_PFN | H_VALID;
		return e;
	}
	/* everything else reads as the no-fault table */
	switch (s) {
	case EMU_PAGE_NONE: case EMU_PAGE_SWAP: case EMU_PAGE_DEV_OTHER:
		e.dev = 0;
		e.hmm = 0;
		break;
	case EMU_PAGE_RO: case EMU_PAGE_ROVMA:
		e.dev = a << 12 | V_;
		e.hmm = a | H_VALID;
		break;
	case EMU_PAGE_THP_RO:
		e.dev = a << 12 | V_;
		e.hmm = a | H_VALID | H_ORDER9;
		break;
	case EMU_PAGE_RW:
		e.dev = a << 12 | V_ | W_;
		e.hmm = a | H_VALID | H_WRITE;
		break;
	case EMU_PAGE_THP_RW:
		e.dev = a << 12 | V_ | W_;
		e.hmm = a | H_VALID | H_WRITE | H_ORDER9;
		break;
	case EMU_PAGE_ZERO:
		e.dev = ZERO_PFN << 12 | V_;
		e.hmm = ZERO_PFN | H_VALID;
		break;
	case EMU_PAGE_DEV:
		e.dev = a << 12 | VRAM_APER | W_ | V_;
		e.hmm = (DEV_FIRST + a) | H_VALID | H_WRITE;
		break;
	case EMU_PAGE_DEV_RO:
		e.dev = a << 12 | VRAM_APER | V_;
		e.hmm = (DEV_FIRST + a) | H_VALID;
		break;
	default: /* special, novma, noread, pfnmap */
		e.dev = encoded ? ENC_ERR : 0;
		e.hmm = H_ERROR;
		break;
	}
	return e;
}

static struct emu_mm *g_mm;

static int setup(void **state)
{
	(void)state;
	/* the device range ends at 0x11000000; stay small for valgrind */
	struct emu_mm_params mp = { .pfn_limit = 0x11000000UL };
	return emu_mm_create(&mp, &g_mm);
}

static int teardown(void **state)
{
	(void)state;
	emu_mm_destroy(g_mm);
	return 0;
}

static const char *const backend_names[] = { "convert", "direct", "direct-fixup" };
static const char *const req_names[] = { "none", "read", "write" };

/* new pfns handed out, per (state, req, slot), to compare backends */
static uint64_t new_pfn_seen[EMU_PAGE_NR_STATES][3][512];

static void check_one(int s, enum emu_req req, unsigned bi, bool per_page)
{
	const struct pfn_backend_ops *ops = pfn_backend_find(backend_names[bi]);
	const unsigned long n = is_thp(s) ? 512 : 1;
	struct emu_page_desc pages[512];
	uint8_t page_req[512];
	struct emu_build_error be;
	struct pfn_backend *b;

	assert_non_null(ops);
	for (unsigned long k = 0; k < n; k++) {
		pages[k] = (struct emu_page_desc){ .state = (uint8_t)s, .req = EMU_REQ_DEFAULT, .arg = arg_of(s, k) };
		page_req[k] = (uint8_t)req;
	}
	assert_int_equal(emu_mm_populate(g_mm, BASE, pages, n, &be), 0);
	struct pfn_backend_params bp = { .mm = g_mm, .max_npages = n };
	assert_int_equal(pfn_backend_create(ops, &bp, &b), 0);
	struct pfn_call c = {
		.start = BASE,
		.npages = n,
		.default_req = per_page ? EMU_REQ_NONE : req,
		.page_req = per_page ? page_req : NULL,
	};
	int rc = pfn_backend_range_fault(b, &c);
	const bool encoded = ops->caps & PFN_CAP_ENCODED;

	for (unsigned long k = 0; k < n; k++) {
		struct expect e = expected(s, req, encoded, k);
		uint64_t dev = c.dev_words[k], hmm = c.hmm_pfns[k];
		if (rc != e.rc)
			print_error("%s %s request %s%s: rc=%d, want %d\n", emu_page_state_name(s), ops->name,
				    req_names[req], per_page ? " (per page)" : "", rc, e.rc);
		assert_int_equal(rc, e.rc);
		if (e.rc)
			break; /* only rc is part of the contract */
		if (e.kind == K_EXACT) {
			uint64_t want_hmm = encoded ? e.dev : e.hmm;
			if (dev != e.dev || hmm != want_hmm)
				print_error("%s slot %lu %s request %s%s: dev %016llx hmm %016llx, want %016llx %016llx\n",
					    emu_page_state_name(s), k, ops->name, req_names[req], per_page ? " (per page)" : "",
					    (unsigned long long)dev, (unsigned long long)hmm, (unsigned long long)e.dev,
					    (unsigned long long)want_hmm);
			assert_int_equal(dev, e.dev);
			assert_int_equal(hmm, want_hmm);
			continue;
		}
		/* a new system page: host aperture, valid, writable for a write fault */
		uint64_t pfn = dev >> 12;
		assert_int_equal(dev & 0xff0, 0);
		assert_int_equal(dev & V_, V_);
		if (e.kind == K_NEW_RW)
			assert_int_equal(dev & W_, W_);
		assert_int_not_equal(pfn, 0);
		assert_int_not_equal(pfn, ZERO_PFN);
		assert_int_not_equal(pfn, arg_of(s, k));
		assert_false(pfn >= DEV_FIRST && pfn < DEV_FIRST + 0x1000000UL);
		if (is_thp(s))
			assert_false(pfn >= THP_HEAD && pfn < THP_HEAD + 512);
		if (encoded)
			assert_int_equal(hmm, dev);
		else
			assert_int_equal(hmm, pfn | H_VALID | ((dev & W_) ? H_WRITE : 0)); /* order 0: a 4 KiB page */
		/* every backend, every path: the same deterministic pfn */
		uint64_t *seen = &new_pfn_seen[s][req][k];
		if (!*seen)
			*seen = dev;
		assert_int_equal(dev, *seen);
	}
	pfn_backend_call_done(b, &c);
	pfn_backend_destroy(b);
}

static void test_table(void **state)
{
	(void)state;
	unsigned checked = 0;
	for (int s = 0; s < EMU_PAGE_NR_STATES; s++)
		for (int r = EMU_REQ_NONE; r <= EMU_REQ_WRITE; r++)
			for (unsigned bi = 0; bi < 3; bi++)
				for (int per_page = 0; per_page < 2; per_page++) {
					check_one(s, (enum emu_req)r, bi, per_page);
					checked++;
				}
	assert_int_equal(checked, 15 * 3 * 3 * 2);
}

/* A few rows spelled out as literal words, so a reader sees the format. */
static void test_literal_rows(void **state)
{
	(void)state;
	assert_int_equal(expected(EMU_PAGE_RW, EMU_REQ_NONE, false, 0).dev, 0x12345003ULL);
	assert_int_equal(expected(EMU_PAGE_RW, EMU_REQ_NONE, false, 0).hmm, 0xc000000000012345ULL);
	assert_int_equal(expected(EMU_PAGE_THP_RO, EMU_REQ_NONE, false, 1).hmm, 0x8900000000200001ULL);
	assert_int_equal(expected(EMU_PAGE_DEV, EMU_REQ_NONE, true, 0).dev, 0x42013ULL);
	assert_int_equal(expected(EMU_PAGE_DEV_RO, EMU_REQ_NONE, false, 0).hmm, 0x8000000010000042ULL);
	assert_int_equal(expected(EMU_PAGE_ZERO, EMU_REQ_NONE, true, 0).dev, 0x1000001ULL);
	assert_int_equal(expected(EMU_PAGE_PFNMAP, EMU_REQ_NONE, true, 0).dev, 0xfffffffffffffffeULL);
	assert_int_equal(expected(EMU_PAGE_PFNMAP, EMU_REQ_NONE, false, 0).dev, 0);
	assert_int_equal(expected(EMU_PAGE_NOVMA, EMU_REQ_NONE, false, 0).hmm, 0x2000000000000000ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal_rows),
		cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
