/*
 * cmd_encode.c - `pfnbench encode` and `pfnbench list`.
 *
 *   pfnbench encode --backend NAME [--request none|read|write] [--stage device|hmm] FILE
 *   pfnbench encode --walk 6.1|v5.8 [--request none|read|write] FILE
 *
 * builds the address space of a page file, runs one backend call over the
 * whole range (default request from --request, per-page @REQ from the file)
 * and prints rc=<n> and one %016lx word per page: the backend's output
 * words (--stage device; each backend's format is in docs/backends.md) or
 * what its walk wrote (--stage hmm; 0 for pages a large mapping covered
 * without a walk).  --walk runs one version's hmm_range_fault() over the
 * whole range with no driver (default_flags from --request, per-page
 * requests with pfn_flags_mask = REQ_FAULT | REQ_WRITE) and prints its
 * array: the words ./run.sh kcheck compares with the real kernel's.  A
 * non-zero rc is output, not a failure: exit 0.  A request the driver
 * cannot make (docs/backends.md), bad usage or a bad file: a message
 * (FILE:LINE for the file) and exit 2.
 *
 *   pfnbench list backends|workloads|keys [--markdown]|counters|stages|columns
 *
 * prints one NAME<TAB>description line per backend, workload, counter,
 * stage (the vocab.h lists) or results.csv column (results.h), and the
 * config key table (config_keys.c; with --markdown the README's table).
 *
 * Left out: timing (that is the benchmark's job) and batching: encode is
 * one call, however many pages.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "case.h"
#include "commands.h"
#include "config.h"
#include "msg.h"
#include "results.h"
#include "pagefile.h"
#include "workloads.h"

static const char encode_usage[] =
	"usage: pfnbench encode --backend NAME [--request none|read|write] [--stage device|hmm] FILE\n"
	"       pfnbench encode --walk 6.1|v5.8 [--request none|read|write] FILE\n";

static void list_backend_names(FILE *f)
{
	fprintf(f, "backends:");
	for (const struct pfn_backend_ops *const *b = pfn_backends; *b; b++)
		fprintf(f, " %s", (*b)->name);
	fprintf(f, "\n");
}

/* What the command line asked for. */
struct encode_args {
	const struct pfn_backend_ops *ops;
	int (*walk)(struct hmm_range *range);   /* --walk: a version's fixed-format walk */
	enum emu_req default_req;
	bool stage_hmm;
	const char *path;
};

/* Parse argv into *a.  0, 2 (bad usage: said on stderr), or -1 after --help. */
static int encode_parse_args(int argc, char **argv, struct encode_args *a)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "request", required_argument, NULL, 'r' },
		{ "stage", required_argument, NULL, 's' },
		{ "walk", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			a->ops = pfn_backend_find(optarg);
			if (!a->ops) {
				fprintf(stderr, "pfnbench encode: unknown backend '%s' (see pfnbench list backends)\n",
					optarg);
				list_backend_names(stderr);
				return 2;
			}
			break;
		case 'r':
			if (!strcmp(optarg, "none"))
				a->default_req = EMU_REQ_NONE;
			else if (!strcmp(optarg, "read"))
				a->default_req = EMU_REQ_READ;
			else if (!strcmp(optarg, "write"))
				a->default_req = EMU_REQ_WRITE;
			else {
				fprintf(stderr, "pfnbench encode: bad --request '%s' (use none, read or write)\n", optarg);
				return 2;
			}
			break;
		case 's':
			if (!strcmp(optarg, "device"))
				a->stage_hmm = false;
			else if (!strcmp(optarg, "hmm"))
				a->stage_hmm = true;
			else {
				fprintf(stderr, "pfnbench encode: bad --stage '%s' (use device or hmm)\n", optarg);
				return 2;
			}
			break;
		case 'w':
			if (!strcmp(optarg, "6.1"))
				a->walk = hmm_range_fault;
			else if (!strcmp(optarg, "v5.8"))
				a->walk = hmm_range_fault_v58;
			else {
				fprintf(stderr, "pfnbench encode: bad --walk '%s' (use 6.1 or v5.8: the fixed-format walks)\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			fputs(encode_usage, stdout);
			return -1;
		default:
			if (optopt)
				fprintf(stderr, "pfnbench encode: option -%c needs a value or is unknown\n%s", optopt,
					encode_usage);
			else
				fprintf(stderr, "pfnbench encode: bad option '%s'\n%s", argv[optind - 1], encode_usage);
			return 2;
		}
	}
	if (!a->ops == !a->walk) {
		fprintf(stderr, "pfnbench encode: give --backend NAME or --walk VERSION\n%s", encode_usage);
		return 2;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "pfnbench encode: give exactly one page file\n%s", encode_usage);
		return 2;
	}
	a->path = argv[optind];
	return 0;
}

/* The page file's own requests, or NULL when every page takes the default.  -ENOMEM. */
static int page_requests(const struct pagefile *pf, uint8_t **out)
{
	*out = NULL;
	for (unsigned long i = 0; i < pf->npages; i++) {
		if (pf->pages[i].req == EMU_REQ_DEFAULT)
			continue;
		*out = malloc(pf->npages);
		if (!*out)
			return -ENOMEM;
		for (unsigned long k = 0; k < pf->npages; k++)
			(*out)[k] = pf->pages[k].req;
		break;
	}
	return 0;
}

/*
 * --walk: one hmm_range_fault() of that version over the whole file, as
 * kcheck's module calls it (kcheck/guest/kguest.c): without per-page
 * requests default_flags from --request and pfn_flags_mask 0; with them
 * default_flags 0, pfn_flags_mask = REQ_FAULT | REQ_WRITE and each entry
 * its page's request (a page without one: --request), this device's pages
 * reported.  Returns the walk's rc.
 */
static int encode_walk(const struct encode_args *a, struct case_run *t, const struct pagefile *pf,
		       const uint8_t *page_req, uint64_t *words)
{
	static const uint64_t req_bits[3] = {
		[EMU_REQ_NONE] = 0,
		[EMU_REQ_READ] = HMM_PFN_REQ_FAULT,
		[EMU_REQ_WRITE] = HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE,
	};
	struct hmm_range r = {
		.mm = t->mm,
		.start = pf->base,
		.end = pf->base + (pf->npages << PAGE_SHIFT),
		.hmm_pfns = words,
		.default_flags = page_req ? 0 : req_bits[a->default_req],
		.pfn_flags_mask = page_req ? HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE : 0,
		.dev_private_owner = emu_mm_owner(t->mm),
	};

	for (unsigned long i = 0; page_req && i < pf->npages; i++)
		words[i] = req_bits[page_req[i] == EMU_REQ_DEFAULT ? a->default_req : page_req[i] & 3];
	return a->walk(&r);
}

int cmd_encode(int argc, char **argv)
{
	struct encode_args a = { .default_req = EMU_REQ_NONE };
	struct emu_mm_params mp = { .pfn_limit = EMU_PFN_MAX, .clear_data = false };
	struct emu_build_error be = { 0, NULL };
	struct case_run t = { 0 };
	struct pagefile pf;
	uint8_t *page_req = NULL;
	uint64_t *words = NULL;
	char err[MSG_MAX];
	int ret, status = 2;

	ret = encode_parse_args(argc, argv, &a);
	if (ret)
		return ret < 0 ? 0 : ret;
	ret = pagefile_load(a.path, &pf, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "pfnbench encode: %s\n", err);
		return 2;
	}
	/* the page file's address space and the backend: the case runner's (case.h) */
	ret = case_run_space_pages(&t, &mp, pf.base, pf.pages, pf.npages, &be);
	if (ret && !t.mm) {
		fprintf(stderr, "pfnbench encode: cannot create the address space: %s\n", strerror(-ret));
		goto out;
	}
	if (ret) {
		pagefile_build_error(&pf, a.path, ret, &be, err, sizeof(err));
		fprintf(stderr, "pfnbench encode: %s\n", err);
		goto out;
	}
	if (page_requests(&pf, &page_req)) {
		fprintf(stderr, "pfnbench encode: out of memory\n");
		goto out;
	}
	words = calloc(pf.npages, sizeof(*words));
	if (!words) {
		fprintf(stderr, "pfnbench encode: out of memory\n");
		goto out;
	}
	if (a.walk) {
		ret = encode_walk(&a, &t, &pf, page_req, words);
	} else {
		struct pfn_call c = {
			.start = pf.base,
			.npages = pf.npages,
			.default_req = a.default_req,
			.page_req = page_req,
		};

		ret = case_run_backend(&t, a.ops, pf.npages);
		if (ret) {
			fprintf(stderr, "pfnbench encode: cannot create backend %s: %s\n", a.ops->name, strerror(-ret));
			goto out;
		}
		if (a.stage_hmm)
			c.hmm_out = words;
		else
			c.words_out = words;
		ret = pfn_backend_range_fault(t.b, &c);
		if (ret == -ENOTSUP) {
			fprintf(stderr, "pfnbench encode: %s cannot make this call: %s (docs/backends.md, \"Requests a "
				"driver can make\")\n", a.ops->name,
				page_req ? "it takes one request for the whole range, and the file asks per page"
					 : "it cannot mirror without faulting (give --request read or write)");
			goto out;
		}
	}
	/* on error the words are whatever the call left: only rc is part of the contract */
	printf("rc=%d\n", ret);
	for (unsigned long i = 0; i < pf.npages; i++)
		printf("%016lx\n", (unsigned long)words[i]);
	status = fflush(stdout) ? 2 : 0;
out:
	free(page_req);
	free(words);
	case_run_free(&t);
	pagefile_free(&pf);
	return status;
}

int cmd_list(int argc, char **argv)
{
	static const char usage[] = "usage: pfnbench list backends|workloads|keys [--markdown]|counters|stages|columns\n"
				    "  prints what pfnbench knows, one item a line, tab-separated fields\n";

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "keys") && !strcmp(argv[2], "--markdown"))
		return config_keys_print(stdout, true) ? 1 : 0;
	if (argc != 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "backends")) {
		/* tab-separated columns, a header first: what each backend declares */
		printf("name\tera\tdriver\tkernel\tcounterpart\twindow\tdescription\n");
		for (const struct pfn_backend_ops *const *b = pfn_backends; *b; b++)
			printf("%s\t%s\t%s\t%s\t%s\t%u\t%s%s\n", (*b)->name, pfn_era_name((*b)->era), (*b)->driver,
			       (*b)->kernel, (*b)->counterpart ? (*b)->counterpart : "-", (*b)->window,
			       (*b)->caps & PFN_CAP_HYPOTHETICAL ? "HYPOTHETICAL: " : "", (*b)->description);
		return 0;
	}
	if (!strcmp(argv[1], "workloads")) {
		for (const struct workload *w = workloads; w->name; w++)
			printf("%s\t%s\n", w->name, w->description);
		return 0;
	}
	if (!strcmp(argv[1], "keys"))
		return config_keys_print(stdout, false) ? 1 : 0;
	if (!strcmp(argv[1], "counters")) {
		for (int c = 0; c < PC_NR; c++)
			printf("%s\t%s, %s group, column %s\n", pfn_counter_info[c].name, pfn_counter_info[c].label,
			       pfn_counter_info[c].group == PC_GROUP_HW ? "hardware" : "software",
			       pfn_counter_info[c].column);
		return 0;
	}
	if (!strcmp(argv[1], "columns")) {
		static const char *const types[] = { "text", "whole number", "whole number", "0 or 1",
						      "number, empty when not measured" };

		for (int c = 0; c < RCOL_NR; c++)
			printf("%s\t%s\n", result_columns[c].name, types[result_columns[c].type]);
		return 0;
	}
	if (!strcmp(argv[1], "stages")) {
		for (int s = 0; s < PFN_STAGE_NR; s++)
			printf("%s\t%s, column %s%s\n", pfn_stage_info[s].name, pfn_stage_info[s].figure_label,
			       pfn_stage_info[s].column,
			       pfn_stage_info[s].conversion ? ", part of the conversion share" : "");
		return 0;
	}
	fprintf(stderr, "pfnbench list: unknown list '%s' (use backends, workloads, keys, counters, stages or columns)\n",
		argv[1]);
	return 2;
}
