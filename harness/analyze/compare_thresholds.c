/*
 * compare_thresholds.c - what `pfnbench compare` and `pfnbench ab` gate
 * and by how much: the built-in thresholds (the metrics are results.csv
 * columns, named from results.h's list, and the derived convert/direct
 * ratio) and the INI file that overrides them (configs/thresholds.conf).
 */
#include "compare.h"

#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "bounded_read.h"
#include "msg.h"
#include "results.h"

/* Messages quote names and values from the file: one line (report_data.h). */
#define seterr rdata_errorf

void cmp_thresholds_default(struct cmp_thresholds *t)
{
	/* the metrics, results.csv columns (results.h), and the derived ratio */
	static const struct {
		int col;		/* enum result_col, or -1: the ratio */
		int gated;
		double threshold_pct;
	} defaults[] = {
		{ RCOL_NS_PER_PAGE, 0, 5.0 },
		{ RCOL_COUNTER(PC_INSTRUCTIONS), 0, 2.0 },
		{ RCOL_CALLGRIND_IR_PER_PAGE, 1, 2.0 },
		{ RCOL_BYTES_ALLOC_PER_PAGE, 1, 0.0 },
		{ RCOL_BYTES_PERSISTENT_PER_PAGE, 1, 0.0 },
		{ -1, 1, 40.0 },
	};

	memset(t, 0, sizeof(*t));
	t->alpha = 0.05;
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		struct cmp_metric_conf *m = &t->metrics[t->nr_metrics++];

		snprintf(m->name, sizeof(m->name), "%s",
			 defaults[i].col < 0 ? CMP_RATIO_METRIC : result_columns[defaults[i].col].name);
		m->gated = defaults[i].gated;
		m->threshold_pct = defaults[i].threshold_pct;
		m->worse_if = CMP_WORSE_HIGHER;
	}
	snprintf(t->ab_metric, sizeof(t->ab_metric), "%s", result_columns[RCOL_COUNTER(PC_TASK_CLOCK)].name);
	t->ab_threshold_pct = 5.0;
	t->ab_alpha = 0.05;
	t->ab_rounds = 10;
	t->ab_min_ns_per_call = 6.0;
}

/* ---- thresholds file ---------------------------------------------- */

struct ini_ctx {
	struct cmp_thresholds *t;
	char why[256];		/* first error's reason */
};

static int parse_num(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !isfinite(v))
		return -EINVAL;
	*out = v;
	return 0;
}

/* [ab]: the A/B timing gate's settings. */
static int ab_key(struct ini_ctx *ic, const char *name, const char *value)
{
	struct cmp_thresholds *t = ic->t;
	double v;

	if (!strcmp(name, "metric")) {
		size_t l = strlen(value);

		if (l < 9 || l >= sizeof(t->ab_metric) || strcmp(value + l - 9, "_per_page"))
			snprintf(ic->why, sizeof(ic->why), "metric must be a results.csv column ending in _per_page "
				 "(%s, %s), not '%s'", result_columns[RCOL_COUNTER(PC_TASK_CLOCK)].name,
				 result_columns[RCOL_NS_PER_PAGE].name, value);
		else
			snprintf(t->ab_metric, sizeof(t->ab_metric), "%s", value);
	} else if (!strcmp(name, "threshold_pct")) {
		if (parse_num(value, &v) || v < 0)
			snprintf(ic->why, sizeof(ic->why), "threshold_pct must be a number >= 0, not '%s'", value);
		else
			t->ab_threshold_pct = v;
	} else if (!strcmp(name, "alpha")) {
		if (parse_num(value, &v) || v <= 0 || v >= 1)
			snprintf(ic->why, sizeof(ic->why), "alpha must be a number in (0, 1), not '%s'", value);
		else
			t->ab_alpha = v;
	} else if (!strcmp(name, "min_ns_per_call")) {
		if (parse_num(value, &v) || v < 0)
			snprintf(ic->why, sizeof(ic->why), "min_ns_per_call must be a number >= 0, not '%s'", value);
		else
			t->ab_min_ns_per_call = v;
	} else if (!strcmp(name, "rounds")) {
		if (parse_num(value, &v) || v < 2 || v > 1000 || v != floor(v))
			snprintf(ic->why, sizeof(ic->why), "rounds must be a whole number from 2 to 1000, not '%s'",
				 value);
		else
			t->ab_rounds = (unsigned)v;
	} else {
		snprintf(ic->why, sizeof(ic->why), "unknown key '%s' in [ab] (metric, threshold_pct, alpha, rounds, "
			 "min_ns_per_call)",
			 name);
	}
	return *ic->why ? 0 : 1;
}

static int thresholds_ini_handler(void *user, const char *section, const char *name,
		       const char *value)
{
	struct ini_ctx *ic = user;
	struct cmp_thresholds *t = ic->t;
	struct cmp_metric_conf *m = NULL;
	double v;

	if (*ic->why)
		return 0;	/* keep the first reason */
	if (!strcmp(section, "ab"))
		return ab_key(ic, name, value);
	if (!strcmp(section, "compare")) {
		if (strcmp(name, "alpha")) {
			snprintf(ic->why, sizeof(ic->why),
				 "unknown key '%s' in [compare]", name);
			return 0;
		}
		if (parse_num(value, &v) || v <= 0 || v >= 1) {
			snprintf(ic->why, sizeof(ic->why),
				 "alpha must be a number in (0, 1), not '%s'",
				 value);
			return 0;
		}
		t->alpha = v;
		return 1;
	}
	for (size_t i = 0; i < t->nr_metrics; i++)
		if (!strcmp(t->metrics[i].name, section))
			m = &t->metrics[i];
	if (!m) {
		char names[CMP_MAX_METRICS * 64] = "";

		for (size_t i = 0; i < t->nr_metrics; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", i ? ", " : "",
				 t->metrics[i].name);
		msg_printf(ic->why, sizeof(ic->why), "unknown section [%s]: expected [compare], [ab] or a metric (%s)",
			   section, names);
		return 0;
	}
	if (!strcmp(name, "gate")) {
		if (!strcasecmp(value, "yes") || !strcmp(value, "1") ||
		    !strcasecmp(value, "true"))
			m->gated = 1;
		else if (!strcasecmp(value, "no") || !strcmp(value, "0") ||
			 !strcasecmp(value, "false"))
			m->gated = 0;
		else
			snprintf(ic->why, sizeof(ic->why),
				 "gate must be yes or no, not '%s'", value);
	} else if (!strcmp(name, "threshold_pct")) {
		if (parse_num(value, &v) || v < 0)
			snprintf(ic->why, sizeof(ic->why),
				 "threshold_pct must be a number >= 0, not '%s'",
				 value);
		else
			m->threshold_pct = v;
	} else if (!strcmp(name, "worse_if")) {
		if (!strcmp(value, "higher"))
			m->worse_if = CMP_WORSE_HIGHER;
		else if (!strcmp(value, "lower"))
			m->worse_if = CMP_WORSE_LOWER;
		else if (!strcmp(value, "either"))
			m->worse_if = CMP_WORSE_EITHER;
		else
			snprintf(ic->why, sizeof(ic->why),
				 "worse_if must be higher, lower or either, not '%s'",
				 value);
	} else {
		snprintf(ic->why, sizeof(ic->why),
			 "unknown key '%s' in [%s] (gate, threshold_pct, worse_if)",
			 name, section);
	}
	return *ic->why ? 0 : 1;
}

int cmp_thresholds_load(const char *path, struct cmp_thresholds *t,
			char *err, size_t err_len)
{
	static const struct br_limits lim = { .max_bytes = CMP_THRESHOLDS_MAX_BYTES, .head_bytes = 4096,
					      .head = br_head_text };
	struct ini_ctx ic = { .t = t };
	char why[512], *buf = NULL;
	size_t len = 0;
	int line, e;

	e = br_read(path, &lim, &buf, &len, why, sizeof(why));
	if (e == -EISDIR) {
		seterr(err, err_len, "%s: is a directory (give a thresholds "
		       "file, e.g. configs/thresholds.conf)", path);
		return e;
	}
	if (e == -EINVAL || e == -EFBIG) {
		/* "line N: ...", or too large: not a thresholds file */
		seterr(err, err_len, "%s:%s%s (the file must be text; is this a thresholds file?)", path,
		       !strncmp(why, "line ", 5) ? "" : " ", !strncmp(why, "line ", 5) ? why + 5 : why);
		return e;
	}
	if (e) {
		seterr(err, err_len, "%s: %s (%s)", path, strerror(-e),
		       e == -EIO ? "the read failed; check the path and the disk"
				 : "check the path and permissions");
		return e;
	}
	line = ini_parse_string(buf, thresholds_ini_handler, &ic);
	free(buf);
	if (line) {
		seterr(err, err_len, "%s:%d: %s", path, line,
		       *ic.why ? ic.why : "syntax error (expected 'key = "
		       "value' or '[section]')");
		return -EINVAL;
	}
	return 0;
}

