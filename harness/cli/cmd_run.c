/*
 * cmd_run.c - `pfnbench run --config FILE [--out DIR] [--console]
 * [--perf-record CASE [--perf-seconds S]] [--benchmark_*...]`: check the
 * config completely, then run the sweep; with --perf-record, then profile
 * CASE with `perf record` into the same results directory (sweep_perf.c).
 *
 * Exit status: 0 done, 2 bad usage or bad config, or --perf-record cannot
 * run here (nothing run; the reason is printed), 1 the results or the
 * profile could not be written, 130 interrupted by SIGINT, SIGTERM, SIGHUP
 * or SIGPIPE (what finished is written and meta.json says where it
 * stopped).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "benchmark_flags.h"
#include "commands.h"
#include "config.h"
#include "gbench_bridge.h"
#include "msg.h"
#include "sweep.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static const char run_usage[] =
	"usage: pfnbench run --config FILE [--out DIR] [--console] [--perf-record CASE [--perf-seconds S]]\n"
	"                    [--benchmark_FLAG=VALUE...]\n"
	"  runs the sweep of FILE into a new directory under DIR (default results/)\n"
	"  --console                       Google Benchmark's table on stderr\n"
	"  --benchmark_filter=REGEX        only the cases and backends whose name matches\n"
	"  --benchmark_list_tests=true     list those names; run nothing, create nothing\n"
	"  --benchmark_repetitions=N       instead of the config's repetitions\n"
	"  --benchmark_min_time=SECONDS    instead of the config's min_time\n"
	"  --perf-record CASE              then profile CASE (a name --benchmark_list_tests prints)\n"
	"                                  with perf record into the same directory\n"
	"  --perf-seconds S                seconds of passes to record (default 2)\n";

/* --benchmark_NAME=VALUE's value among argv (the last one given), or NULL. */
static const char *flag_value(int argc, char **argv, const char *name)
{
	const char *v = NULL;
	size_t n = strlen(name);

	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--benchmark_", 12) && !strncmp(argv[i] + 12, name, n) &&
		    (argv[i][12 + n] == '=' || !argv[i][12 + n]))
			v = argv[i][12 + n] == '=' ? argv[i] + 13 + n : "true";
	return v;
}

/* A flag's boolean value (checked by benchmark_flag_check()). */
static bool flag_true(const char *v)
{
	static const char *const yes[] = { "true", "yes", "on", "1", "t", "y" };

	for (size_t i = 0; v && i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!strcasecmp(v, yes[i]))
			return true;
	return false;
}

static void usage(void)
{
	fputs(run_usage, stderr);
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

/* What `pfnbench run` was asked. */
struct run_args {
	const char *config_path, *out, *perf_case, *perf_inside;
	double perf_seconds;
	bool console;
	char **gb_argv; /* what Google Benchmark is given */
	int gb_argc;
};

/* Parse argv into a.  -1 to go on, else the exit status (0 after --help). */
static int run_parse(struct run_args *a, int argc, char **argv)
{
	char err[MSG_MAX];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(run_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--config") && i + 1 < argc)
			a->config_path = argv[++i];
		else if (!strncmp(argv[i], "--config=", 9))
			a->config_path = argv[i] + 9;
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			a->out = argv[++i];
		else if (!strncmp(argv[i], "--out=", 6))
			a->out = argv[i] + 6;
		else if (!strcmp(argv[i], "--console"))
			a->console = true;
		else if (!strcmp(argv[i], "--perf-record") && i + 1 < argc)
			a->perf_case = argv[++i];
		else if (!strcmp(argv[i], "--perf-inside") && i + 1 < argc)
			a->perf_inside = argv[++i];
		else if (!strcmp(argv[i], "--perf-seconds") && i + 1 < argc) {
			if (parse_seconds(argv[++i], &a->perf_seconds))
				return 2;
		} else if (!strncmp(argv[i], "--benchmark_", 12)) {
			if (benchmark_flag_check(argv[i], err, sizeof(err))) {
				fprintf(stderr, "pfnbench run: %s\n", err);
				return 2;
			}
			/* repetitions, min_time and list_tests are pfnbench's (benchmark_flags.h) */
			if (!strncmp(argv[i] + 12, "filter", 6))
				a->gb_argv[a->gb_argc++] = argv[i];
		} else {
			fprintf(stderr, "pfnbench run: unknown argument '%s'\n", argv[i]);
			usage();
			return 2;
		}
	}
	if (!a->config_path) {
		usage();
		return 2;
	}
	return -1;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = { .out = "results", .perf_seconds = 2 };
	int ret, status = 0;
	struct sweep_config cfg = { 0 };
	char err[MSG_MAX], dir[4096] = "", cmdline[4096] = "pfnbench";
	struct sigaction sa = { 0 };

	a.gb_argv = calloc((size_t)argc + 3, sizeof(char *));
	if (!a.gb_argv)
		return 1;
	a.gb_argv[a.gb_argc++] = "pfnbench";
	/* the sweep orders the repetitions itself, in rounds (sweep_rounds.c) */
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(cmdline);
		snprintf(cmdline + l, sizeof(cmdline) - l, " %s", argv[i]);
	}
	status = run_parse(&a, argc, argv);
	if (status >= 0) {
		free(a.gb_argv);
		return status;
	}
	status = 0;
	const char *config_path = a.config_path, *out = a.out, *perf_case = a.perf_case;
	double perf_seconds = a.perf_seconds;
	char **gb_argv = a.gb_argv;
	int gb_argc = a.gb_argc;
	bool console = a.console;

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
	if (a.perf_inside) {
		status = run_perf_inside(&cfg, config_path, out, a.perf_inside, perf_seconds);
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
	 * SIGHUP (the terminal went away) and SIGPIPE (stderr's reader exited)
	 * stop it the same way instead of killing it with its rows unwritten.
	 */
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);

	struct sweep_options opt = { .config_path = config_path, .out_parent = out, .command_line = cmdline,
				     .console = console, .stop = &stop_requested,
				     .filter = flag_value(argc, argv, "filter"),
				     .list = flag_true(flag_value(argc, argv, "list_tests")),
				     .benchmark_flags = argv + 1, .nr_benchmark_flags = 0 };
	char **flags = calloc((size_t)argc + 1, sizeof(*flags));
	size_t nr_flags = 0;

	for (int i = 1; flags && i < argc; i++)
		if (!strncmp(argv[i], "--benchmark_", 12))
			flags[nr_flags++] = argv[i];
	opt.benchmark_flags = flags;
	opt.nr_benchmark_flags = nr_flags;
	/* they replace the config's values; meta.json's "config" records the ones used */
	if (flag_value(argc, argv, "repetitions"))
		cfg.repetitions = (unsigned)strtoul(flag_value(argc, argv, "repetitions"), NULL, 10);
	if (flag_value(argc, argv, "min_time"))
		cfg.min_time_s = strtod(flag_value(argc, argv, "min_time"), NULL);
	ret = sweep_run(&cfg, &opt, dir, sizeof(dir), err, sizeof(err));
	free(flags);
	if (opt.list && !ret) {
		config_free(&cfg);
		free(gb_argv);
		return 0;
	}
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
	char err[MSG_MAX], dir[4096] = "";
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: pfnbench callgrind --config FILE [--out DIR]\n"
			       "  exact instructions and bytes per page of every case under callgrind, into a\n"
			       "  new results directory under DIR (default results/), for the CI gate\n");
			return 0;
		} else if (!strcmp(argv[i], "--config") && i + 1 < argc)
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
