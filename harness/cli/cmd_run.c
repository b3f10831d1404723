/*
 * cmd_run.c - `pfnbench run --config FILE [--out DIR] [--console]
 * [--perf-record CASE [--perf-seconds S]] [--benchmark_*...]`: check the
 * config completely, then run the sweep; with --perf-record, then profile
 * CASE with `perf record` into the same results directory (sweep_perf.c).
 *
 * Exit status: 0 done, 2 bad usage or bad config, or --perf-record cannot
 * run here (nothing run; the reason is printed), 1 the results or the
 * profile could not be written, 130 interrupted by SIGINT/SIGTERM (what
 * finished is written and meta.json says where it stopped).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "gbench_bridge.h"
#include "sweep.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: pfnbench run --config FILE [--out DIR] [--console] [--perf-record CASE "
			"[--perf-seconds S]]\n"
			"                    [--benchmark_FLAG=VALUE...]\n");
}

/* --perf-seconds: seconds of passes to record, 0 < S <= 3600. */
static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v > 0 && v <= 3600)) {
		fprintf(stderr, "pfnbench run: --perf-seconds '%s': seconds of passes to record, 0 < S <= 3600\n", s);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* Inside `perf record` (sweep_perf.c): the case's loop only.  Exit 0 or 1. */
static int run_perf_inside(const struct sweep_config *cfg, const char *config_path, const char *out,
			   const char *case_name, double seconds)
{
	struct sweep_options opt = { .config_path = config_path, .out_parent = out, .stop = &stop_requested };
	char err[1024];

	if (sweep_perf_inside(cfg, &opt, case_name, seconds, err, sizeof(err))) {
		fprintf(stderr, "pfnbench run --perf-inside: %s\n", err);
		return 1;
	}
	return 0;
}

/* --perf-record, before anything runs: the case exists, perf runs, an event can be sampled.  0 or -errno. */
static int perf_check(const struct sweep_config *cfg, const char *perf_case)
{
	char event[32], why[512];
	int ret = sweep_perf_check(cfg, perf_case, event, sizeof(event), why, sizeof(why));

	if (ret)
		fprintf(stderr, "pfnbench run --perf-record: %s\n", why);
	return ret;
}

/* --perf-record, after the sweep wrote dir.  Exit status 0 or 1. */
static int perf_record(const struct sweep_config *cfg, const char *perf_case, double seconds, const char *dir)
{
	char err[1024];

	if (sweep_perf_record(cfg, perf_case, seconds, dir, err, sizeof(err))) {
		fprintf(stderr, "pfnbench run --perf-record: %s\n", err);
		return 1;
	}
	fprintf(stderr, "pfnbench run: profile of %s in %s/perf-summary.txt\n", perf_case, dir);
	return 0;
}

int cmd_run(int argc, char **argv)
{
	const char *config_path = NULL, *out = "results", *perf_case = NULL, *perf_inside = NULL;
	double perf_seconds = 2;
	char **gb_argv = calloc((size_t)argc + 3, sizeof(char *));
	int gb_argc = 0, ret, status = 0;
	bool console = false;
	struct sweep_config cfg = { 0 };
	char err[1024], dir[4096] = "", cmdline[4096] = "pfnbench";
	struct sigaction sa = { 0 };

	if (!gb_argv)
		return 1;
	gb_argv[gb_argc++] = "pfnbench";
	/* the sweep orders the repetitions itself, in rounds (sweep_rounds.c) */
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(cmdline);
		snprintf(cmdline + l, sizeof(cmdline) - l, " %s", argv[i]);
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config_path = argv[++i];
		else if (!strncmp(argv[i], "--config=", 9))
			config_path = argv[i] + 9;
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strncmp(argv[i], "--out=", 6))
			out = argv[i] + 6;
		else if (!strcmp(argv[i], "--console"))
			console = true;
		else if (!strcmp(argv[i], "--perf-record") && i + 1 < argc)
			perf_case = argv[++i];
		else if (!strcmp(argv[i], "--perf-inside") && i + 1 < argc)
			perf_inside = argv[++i];
		else if (!strcmp(argv[i], "--perf-seconds") && i + 1 < argc) {
			if (parse_seconds(argv[++i], &perf_seconds)) {
				free(gb_argv);
				return 2;
			}
		}
		else if (!strncmp(argv[i], "--benchmark_", 12))
			gb_argv[gb_argc++] = argv[i];
		else {
			fprintf(stderr, "pfnbench run: unknown argument '%s'\n", argv[i]);
			usage();
			free(gb_argv);
			return 2;
		}
	}
	if (!config_path) {
		usage();
		free(gb_argv);
		return 2;
	}
	ret = gb_init(&gb_argc, gb_argv);
	if (ret) {
		fprintf(stderr, "pfnbench run: Google Benchmark does not accept:");
		for (int i = 1; i < gb_argc; i++)
			fprintf(stderr, " %s", gb_argv[i]);
		fprintf(stderr, "\n");
		free(gb_argv);
		return 2;
	}
	ret = config_load(config_path, &sweep_config_checks, &cfg, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s\n", err);
		free(gb_argv);
		return 2;
	}
	if (perf_inside) {
		status = run_perf_inside(&cfg, config_path, out, perf_inside, perf_seconds);
		config_free(&cfg);
		free(gb_argv);
		return status;
	}
	if (perf_case && perf_check(&cfg, perf_case)) {
		config_free(&cfg);
		free(gb_argv);
		return 2;
	}
	/*
	 * The first SIGINT/SIGTERM asks the sweep to stop after the current
	 * iteration and write what finished; SA_RESETHAND makes a second one
	 * kill at once (the files on disk stay whole: every write is renamed).
	 */
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	struct sweep_options opt = { .config_path = config_path, .out_parent = out, .command_line = cmdline,
				     .console = console, .stop = &stop_requested };
	ret = sweep_run(&cfg, &opt, dir, sizeof(dir), err, sizeof(err));
	if (dir[0] && ret != 0)
		printf("%s\n", dir); /* what was written is kept: say where */
	if (ret == -EINTR) {
		fprintf(stderr, "pfnbench run: interrupted; finished cases are in %s (meta.json: complete=false)\n", dir);
		status = 130;
	} else if (ret) {
		fprintf(stderr, "pfnbench run: %s\n", err);
		status = (dir[0] && ret != -ESRCH) ? 1 : 2;
	} else {
		status = perf_case ? perf_record(&cfg, perf_case, perf_seconds, dir) : 0;
		printf("%s\n", dir);
	}
	config_free(&cfg);
	free(gb_argv);
	return status;
}

/*
 * `pfnbench callgrind --config FILE [--out DIR]`: exact instruction counts
 * per page under callgrind, for the CI gate (see sweep_count()).  Exit 0,
 * 2 bad usage or config, 1 the count failed.
 */
int cmd_callgrind(int argc, char **argv)
{
	const char *config_path = NULL, *out = "results", *inside = NULL;
	struct sweep_config cfg = { 0 };
	char err[1024], dir[4096] = "";
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config_path = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--inside") && i + 1 < argc)
			inside = argv[++i];
		else {
			fprintf(stderr, "pfnbench callgrind: unknown argument '%s'\n"
					"usage: pfnbench callgrind --config FILE [--out DIR]\n", argv[i]);
			return 2;
		}
	}
	if (!config_path) {
		fprintf(stderr, "usage: pfnbench callgrind --config FILE [--out DIR]\n");
		return 2;
	}
	ret = config_load(config_path, &sweep_config_checks, &cfg, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	struct sweep_options opt = { .config_path = config_path, .out_parent = out, .command_line = NULL };
	char cmdline[4096] = "pfnbench";
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(cmdline);
		snprintf(cmdline + l, sizeof(cmdline) - l, " %s", argv[i]);
	}
	opt.command_line = cmdline;
	ret = sweep_count(&cfg, &opt, inside, dir, sizeof(dir), err, sizeof(err));
	config_free(&cfg);
	if (ret) {
		fprintf(stderr, "pfnbench callgrind: %s\n", err);
		return 1;
	}
	if (!inside)
		printf("%s\n", dir);
	return 0;
}
