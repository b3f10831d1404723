/*
 * main.c - pfnbench: the command table.  Only this file and the cmd_*
 * functions it calls choose exit codes.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "build_info.h"
#include "commands.h"

struct command {
	const char *name;
	const char *usage;
	int (*fn)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "list", "list backends|workloads|keys [--markdown]|counters|stages|columns", cmd_list },
	{ "encode", "encode --backend NAME [--request none|read|write] [--stage device|hmm] FILE", cmd_encode },
	{ "run", "run --config FILE [--out DIR] [--console] [--benchmark_FLAG=VALUE...]", cmd_run },
	{ "callgrind", "callgrind --config FILE [--out DIR]   (exact instructions per page, for the CI gate)", cmd_callgrind },
	{ "verify", "verify [--cases N] [--seed S] [--case K] [--out DIR] [--max-pfn P]", cmd_verify },
	{ "report", "report [--no-figures] [--out DIR] RESULTS_DIR", cmd_report },
	{ "compare", "compare BASE NEW [--thresholds FILE] [--all] [--allow-missing]", cmd_compare },
	{ "ab", "ab [--base REV|BINARY] [--new REV|BINARY] --config FILE [--rounds N] [--callgrind] ...\n"
		"                   (NEW against BASE alternated in one run: the timing gate)", cmd_ab },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: pfnbench COMMAND [ARGS]\n       pfnbench --version\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  pfnbench %s\n", commands[i].usage);
	fprintf(f, "\npfnbench COMMAND --help says more about each.\n");
}

int main(int argc, char **argv)
{
	/*
	 * A file size limit (ulimit -f) or a full quota must be an error with
	 * the file's name, not a silent death: with SIGXFSZ ignored, a write
	 * past the limit fails with EFBIG and the atomic writers keep the
	 * previous complete file.
	 */
	signal(SIGXFSZ, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("pfnbench %s (commit %s%s)\n", pfnbench_version, pfnbench_build_commit,
		       pfnbench_build_dirty > 0 ? ", dirty tree" : pfnbench_build_dirty < 0 ? ", dirty unknown" : "");
		return 0;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "pfnbench: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
