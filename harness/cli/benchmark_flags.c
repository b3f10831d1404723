/*
 * benchmark_flags.c - which --benchmark_* flags `pfnbench run` honours
 * (benchmark_flags.h).  The names are Google Benchmark 1.7.1's.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "benchmark_flags.h"
#include "msg.h"

enum flag_type { FLAG_STRING, FLAG_BOOL, FLAG_COUNT, FLAG_SECONDS };

static const struct {
	const char *name;    /* after --benchmark_ */
	enum flag_type type;
	const char *refused; /* NULL: honoured; else why not, and what to do */
} flags[] = {
	{ "filter", FLAG_STRING, NULL },
	{ "enable_random_interleaving", FLAG_BOOL, "the sweep orders every round itself (the cases shuffled, the "
						    "backends of a case next to each other: sweep_rounds.c)" },
	{ "list_tests", FLAG_BOOL, NULL },
	{ "repetitions", FLAG_COUNT, NULL },
	{ "min_time", FLAG_SECONDS, NULL },
	{ "min_warmup_time", 0, "pfnbench warms up every repetition itself, untimed (cache = warm: until its passes settle)" },
	{ "out", 0, "pfnbench writes gbench.json into the results directory itself (give --out DIR)" },
	{ "out_format", 0, "pfnbench writes gbench.json (JSON) into the results directory" },
	{ "format", 0, "results.csv and gbench.json are the machine-readable output; --console shows "
		       "Google Benchmark's table" },
	{ "color", 0, "--console prints Google Benchmark's table as it is" },
	{ "counters_tabular", 0, "--console prints Google Benchmark's table as it is" },
	{ "report_aggregates_only", 0, "results.csv keeps every repetition" },
	{ "display_aggregates_only", 0, "results.csv keeps every repetition" },
	{ "perf_counters", 0, "pfnbench reads its own perf counters (config key counters)" },
	{ "context", 0, "meta.json records the machine, the build and the command line" },
	{ "time_unit", 0, "results are in ns per page and per call" },
};

/* The flag's name: arg after "--benchmark_" up to '='. */
static size_t name_len(const char *arg)
{
	return strcspn(arg, "=");
}

/* Is v (NULL: no "=VALUE") a value of type t?  Then NULL, else what it must be. */
static const char *bad_value(enum flag_type t, const char *v)
{
	static const char *const bools[] = { "true", "false", "yes", "no", "on", "off", "1", "0",
					     "t", "f", "y", "n" };
	char *end;

	switch (t) {
	case FLAG_STRING:
		return v ? NULL : "a regular expression (--benchmark_filter=REGEX)";
	case FLAG_BOOL:
		if (!v)
			return NULL;
		for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
			if (!strcasecmp(v, bools[i]))
				return NULL;
		return "true or false";
	case FLAG_COUNT: {
		long n;

		if (!v || !isdigit((unsigned char)*v))
			return "a whole number from 1 to 1000000";
		errno = 0;
		n = strtol(v, &end, 10);
		return errno || *end || n < 1 || n > 1000000 ? "a whole number from 1 to 1000000" : NULL;
	}
	case FLAG_SECONDS: {
		double d;

		if (!v || !*v || isspace((unsigned char)*v))
			return "a number of seconds above 0 and at most 3600 (e.g. 0.05)";
		errno = 0;
		d = strtod(v, &end);
		return errno || *end || !(d > 0 && d <= 3600) ? "a number of seconds above 0 and at most 3600 (e.g. 0.05)" : NULL;
	}
	}
	return NULL;
}

int benchmark_flag_check(const char *arg, char *err, size_t errlen)
{
	const char *name = arg + strlen("--benchmark_");
	size_t n = name_len(name);
	const char *value = name[n] == '=' ? name + n + 1 : NULL, *want;

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (strlen(flags[i].name) != n || strncmp(flags[i].name, name, n))
			continue;
		if (flags[i].refused) {
			msg_printf(err, errlen, "--benchmark_%.*s: not supported: %s", (int)n, name, flags[i].refused);
			return -EINVAL;
		}
		want = bad_value(flags[i].type, value);
		if (want) {
			msg_printf(err, errlen, "--benchmark_%.*s: '%s' is not %s", (int)n, name, value ? value : "",
				   want);
			return -EINVAL;
		}
		return 0;
	}
	msg_printf(err, errlen, "--benchmark_%.*s: not a Google Benchmark flag pfnbench knows (the ones it takes: "
		   "--benchmark_filter, --benchmark_repetitions, --benchmark_min_time, --benchmark_list_tests)",
		   (int)n, name);
	return -EINVAL;
}

bool benchmark_flag_given(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "--benchmark_", 12))
			continue;
		a += 12;
		if (name_len(a) == n && !strncmp(a, name, n))
			return true;
	}
	return false;
}
