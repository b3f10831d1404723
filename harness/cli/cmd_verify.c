/*
 * cmd_verify.c - `pfnbench verify`: run verify.c's random cases and report.
 *
 *   pfnbench verify [--cases N] [--seed S] [--out DIR] [--max-pfn P] [--case K]
 *                   [--max-npages M] [--write-cases DIR]
 *
 * N cases (default 10000) from seed S (default 1), pfns below P (default
 * 2^40; use 0x10000000 under valgrind).  --case K runs case K alone (to
 * reproduce one).  For each case that disagrees it prints the case, the
 * page, its state and every backend's word, and writes the case as a page
 * file DIR/verify-sS-cK.page (at most 10 files) with a comment header that
 * says how to replay it with `pfnbench encode`.  The last line is
 * "verify: N cases, M pages, K mismatches, T s".  Exit 0 when nothing
 * disagrees, 1 on a mismatch, 2 on bad usage or when a case cannot be run.
 *
 * N is at most 10^8 (10^6 with --write-cases); a run longer than 10 s
 * prints its progress on stderr every 10 s (cases done, mismatches, time
 * left).
 *
 * --max-npages M caps the case size (default 2048).  --write-cases DIR
 * runs nothing: it writes each generated case as DIR/case-sS-cK.page, with
 * its default request in a "# request: none|read|write" comment line, for
 * kcheck (docs/kcheck.md) to run through the real kernel.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "pagefile.h"
#include "safe_write.h"
#include "verify.h"

#define MAX_REPORTED 10
/* --cases: hours at 1000-5000 cases a second here; --write-cases writes a file per case */
#define MAX_CASES 100000000UL
#define MAX_WRITE_CASES 1000000UL
/* a progress line on stderr this often */
#define PROGRESS_S 10.0

static const char verify_usage[] =
	"usage: pfnbench verify [--cases N] [--seed S] [--out DIR] [--max-pfn P] [--case K]\n"
	"                       [--max-npages M] [--write-cases DIR]\n";

static int parse_ulong(const char *s, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-')
		return -EINVAL;
	*out = (unsigned long)v;
	return 0;
}

static const char *req_word(enum emu_req r)
{
	return r == EMU_REQ_READ ? "read" : r == EMU_REQ_WRITE ? "write" : "none";
}

/*
 * DIR/NAME: the comment lines head, then the case as a page file, written
 * through a unique temporary name, never through a link (safe_write.h).
 * 0 or -errno.
 */
static int write_case(const char *dir, const char *name, const char *head, const struct verify_case *vc)
{
	struct sw_file sw;
	FILE *f;
	int dirfd = sw_dir_open(dir), ret;

	if (dirfd < 0)
		return dirfd;
	ret = sw_create(&sw, dirfd, name);
	if (!ret) {
		f = sw_stream(&sw);
		ret = !f ? -errno : fputs(head, f) < 0 ? -EIO : pagefile_write(f, vc->base, vc->pages, vc->npages);
		if (ret)
			sw_abort(&sw);
		else
			ret = sw_commit(&sw);
	}
	close(dirfd);
	return ret;
}

static void report(const struct verify_ctx *ctx, const struct verify_case *vc, const struct verify_mismatch *m,
		   uint64_t seed, const char *out_dir, unsigned nr_reported)
{
	printf("verify: MISMATCH in case %lu (seed %" PRIu64 ", %lu pages at 0x%lx, default request %s%s): %s\n",
	       vc->index, seed, vc->npages, vc->base, req_word(vc->default_req),
	       vc->has_page_req ? ", per-page requests" : "", m->what);
	if (m->page != VERIFY_NO_PAGE && m->page < vc->npages) {
		const struct emu_page_desc *d = &vc->pages[m->page];
		printf("  page %lu at 0x%lx: %s 0x%llx %s\n", m->page, vc->base + (m->page << 12),
		       emu_page_state_name((enum emu_page_state)d->state), (unsigned long long)d->arg,
		       pagefile_req_token((enum emu_req)d->req));
		for (unsigned k = 0; k < ctx->nr_backends; k++)
			if (ctx->ran[k] && m->page < ctx->npages[k])
				printf("  %-14s rc=%d device %016llx hmm %016llx\n", ctx->name[k], ctx->rc[k],
				       (unsigned long long)ctx->dev[k][m->page], (unsigned long long)ctx->hmm[k][m->page]);
	} else {
		for (unsigned k = 0; k < ctx->nr_backends; k++)
			printf("  %-14s rc=%d faults %lu walks %lu\n", ctx->name[k], ctx->rc[k], ctx->nr_faults[k],
			       ctx->nr_walks[k]);
	}
	if (nr_reported >= MAX_REPORTED)
		return;
	char name[128], head[1024];
	snprintf(name, sizeof(name), "verify-s%" PRIu64 "-c%lu.page", seed, vc->index);
	snprintf(head, sizeof(head), "# pfnbench verify --seed %" PRIu64 " --case %lu: default request %s\n"
		 "# mismatch: %s\n", seed, vc->index, req_word(vc->default_req), m->what);
	if (m->page != VERIFY_NO_PAGE)
		snprintf(head + strlen(head), sizeof(head) - strlen(head),
			 "# page index %lu (counting from 0 after the base line)\n", m->page);
	snprintf(head + strlen(head), sizeof(head) - strlen(head),
		 "# replay: pfnbench encode --backend NAME --request %s THIS_FILE\n", req_word(vc->default_req));
	int ret = write_case(out_dir, name, head, vc);
	if (ret)
		printf("  (cannot write %s/%s: %s)\n", out_dir, name, sw_strerror(ret));
	else
		printf("  case written to %s/%s\n", out_dir, name);
}

/* --write-cases: every case as a page file, nothing run.  Exit status. */
static int write_cases(struct verify_ctx *ctx, const char *dir, unsigned long seed, unsigned long first,
		       unsigned long last)
{
	int status = 0;
	for (unsigned long i = first; i < last && !status; i++) {
		struct verify_case vc;
		char name[128], head[256];
		verify_case_generate(ctx, i, &vc);
		snprintf(name, sizeof(name), "case-s%lu-c%lu.page", seed, i);
		snprintf(head, sizeof(head), "# pfnbench verify --seed %lu --case %lu --max-npages %lu\n# request: %s\n",
			 seed, i, ctx->params.max_npages, req_word(vc.default_req));
		int ret = write_case(dir, name, head, &vc);
		if (ret) {
			fprintf(stderr, "pfnbench verify: %s/%s: cannot write: %s\n", dir, name, sw_strerror(ret));
			status = 2;
		}
	}
	if (!status)
		printf("verify: wrote %lu cases to %s\n", last - first, dir);
	verify_ctx_destroy(ctx);
	return status;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cases", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "max-pfn", required_argument, NULL, 'p' },
		{ "case", required_argument, NULL, 'c' },
		{ "max-npages", required_argument, NULL, 'm' },
		{ "write-cases", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long cases = 10000, seed = 1, max_pfn = EMU_PFN_MAX, only = 0, max_npages = 2048;
	const char *write_dir = NULL;
	bool have_only = false;
	const char *out_dir = ".";
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		unsigned long *dst = NULL;
		switch (opt) {
		case 'n': dst = &cases; break;
		case 's': dst = &seed; break;
		case 'p': dst = &max_pfn; break;
		case 'c': dst = &only; have_only = true; break;
		case 'm': dst = &max_npages; break;
		case 'w': write_dir = optarg; break;
		case 'o': out_dir = optarg; break;
		case 'h': fputs(verify_usage, stdout); return 0;
		default:
			fprintf(stderr, "pfnbench verify: bad option '%s'\n%s", argv[optind - 1], verify_usage);
			return 2;
		}
		if (dst && parse_ulong(optarg, dst)) {
			fprintf(stderr, "pfnbench verify: '%s' is not a number (give a decimal or 0x hex number)\n%s",
				optarg, verify_usage);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pfnbench verify: unexpected argument '%s'\n%s", argv[optind], verify_usage);
		return 2;
	}
	if (max_pfn < 0x10000 || max_pfn > EMU_PFN_MAX) {
		fprintf(stderr, "pfnbench verify: --max-pfn must be between 0x10000 and 2^40\n");
		return 2;
	}

	if (max_npages < 1 || max_npages > (1UL << 20)) {
		fprintf(stderr, "pfnbench verify: --max-npages must be between 1 and 2^20\n");
		return 2;
	}
	if (!have_only && (cases < 1 || cases > (write_dir ? MAX_WRITE_CASES : MAX_CASES))) {
		fprintf(stderr, "pfnbench verify: --cases must be between 1 and %lu%s (more would run for days; "
			"split the work over several --seed values)\n", write_dir ? MAX_WRITE_CASES : MAX_CASES,
			write_dir ? " with --write-cases" : "");
		return 2;
	}
	struct verify_params vp = { .seed = seed, .max_pfn = max_pfn, .max_npages = max_npages };
	struct verify_ctx *ctx;
	unsigned kc = 0;
	int ret = verify_ctx_create(&vp, &ctx);
	if (ret) {
		fprintf(stderr, "pfnbench verify: cannot set up: %s\n", strerror(-ret));
		return 2;
	}
	if (ctx->nr_backends < 2)
		printf("verify: only %u backend can fault; checking it against the oracle alone\n", ctx->nr_backends);
	/* the case counts are those of the 6.1 walk's first backend (else the first) */
	for (unsigned k = ctx->nr_backends; k-- > 0;)
		if (ctx->ops[k]->kver == &hmm_kver_v61)
			kc = k;

	if (write_dir)
		return write_cases(ctx, write_dir, seed, have_only ? only : 0, have_only ? only + 1 : cases);

	double t0 = now_s(), shown = t0;
	unsigned long first = have_only ? only : 0, last = have_only ? only + 1 : cases;
	unsigned long nr_cases = 0, nr_pages = 0, nr_bad = 0, nr_snap = 0, nr_faulted = 0, nr_err = 0;
	int status = 0;
	for (unsigned long i = first; i < last; i++) {
		struct verify_case vc;
		struct verify_mismatch m;
		verify_case_generate(ctx, i, &vc);
		ret = verify_case_run(ctx, &vc, &m);
		nr_cases++;
		nr_pages += vc.npages;
		if (ret < 0) {
			fprintf(stderr, "pfnbench verify: case %lu (seed %lu) could not run: %s\n", i, seed, m.what);
			status = 2;
			break;
		}
		nr_snap += vc.snapshot;
		nr_faulted += !vc.snapshot && ctx->rc[kc] == 0;
		nr_err += ctx->rc[kc] != 0;
		if (ret > 0) {
			report(ctx, &vc, &m, seed, out_dir, (unsigned)nr_bad);
			nr_bad++;
			status = 1;
		}
		if (!(nr_cases & 255) && now_s() - shown >= PROGRESS_S) {
			double t = now_s() - t0;

			shown = now_s();
			fprintf(stderr, "verify: %lu of %lu cases, %lu mismatches, %.0f s elapsed, ~%.0f s left\n",
				nr_cases, last - first, nr_bad, t, t * (double)(last - first - nr_cases) / (double)nr_cases);
		}
	}
	printf("verify: %lu snapshot cases, %lu with faults and rc=0, %lu with rc<0 (%s); backends:", nr_snap,
	       nr_faulted, nr_err, ctx->ops[kc]->name);
	for (unsigned k = 0; k < ctx->nr_backends; k++)
		if (!ctx->first_vma[k])
			printf(" %s", ctx->ops[k]->name);
	printf("\n");
	printf("verify: calls run (rc=0 of them):");
	for (unsigned k = 0; k < ctx->nr_backends; k++)
		printf("%s %s %lu (%lu)", k ? "," : "", ctx->name[k], ctx->nr_calls[k], ctx->nr_calls_ok[k]);
	printf("\n");
	for (const struct pfn_backend_ops *const *o = pfn_backends; *o; o++) {
		const char *why;

		if (!verify_backend_included(*o, &why))
			printf("verify: left out %s: %s\n", (*o)->name, why);
	}
	printf("verify: %lu cases, %lu pages, %lu mismatches, %.1f s\n", nr_cases, nr_pages, nr_bad, now_s() - t0);
	verify_ctx_destroy(ctx);
	return status;
}
