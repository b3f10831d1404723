/*
 * report_header.c - the report's first section: what was measured and on
 * what (meta.json's machine, kernel, THP, clocksource, ASLR, compiler,
 * commit, timing), which counters were real and why the others were not
 * (checked against results.csv), the cases skipped and why, the rows left
 * out, and the command that reproduces the run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report_priv.h"

/* skipped cases listed one by one in the header */
#define REPORT_MAX_SKIPPED 40

static int cmp_skipped(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	const char *rx = json_string_value(json_object_get(x, "reason"));
	const char *ry = json_string_value(json_object_get(y, "reason"));
	const char *cx = json_string_value(json_object_get(x, "case"));
	const char *cy = json_string_value(json_object_get(y, "case"));
	int d = strcmp(rx ? rx : "", ry ? ry : "");

	return d ? d : strcmp(cx ? cx : "", cy ? cy : "");
}

/*
 * meta.json's "skipped" (missing hardware, memory, permissions), grouped by
 * reason, every case named, at most REPORT_MAX_SKIPPED of them.
 */
static void skipped_section(FILE *f, json_t *skipped)
{
	size_t n = json_array_size(skipped), shown = 0;
	json_t **v = calloc(n, sizeof(*v));
	const char *last = NULL;
	char line[1024];

	fprintf(f, "Skipped:   %zu case(s), by reason (meta.json \"skipped\"):\n", n);
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(skipped, i);
	qsort(v, n, sizeof(*v), cmp_skipped);
	for (size_t i = 0; i < n && shown < REPORT_MAX_SKIPPED; i++) {
		const char *reason = json_string_value(json_object_get(v[i], "reason"));
		const char *name = json_string_value(json_object_get(v[i], "case"));

		reason = or_unknown(reason);
		if (!last || strcmp(last, reason)) {
			fmt_to(line, sizeof(line), "%s:", reason);
			rdata_oneline(line);
			fprintf(f, "  ");
			wrap(f, line, 2, "    ");
			last = reason;
		}
		print_case(f, or_unknown(name));
		shown++;
	}
	if (n > shown)
		fprintf(f, "  ... and %zu more in meta.json\n", n - shown);
	free(v);
}

/* Machine, kernel, THP, compiler, commit, timing, run times. */
static void header_machine(struct report *r)
{
	const struct rmodel *m = r->m;
	FILE *f = r->out;
	json_t *complete = m->meta ? json_object_get(m->meta, "complete") : NULL;
	long cpus = rmodel_meta_int(m, "machine", "nr_cpus", -1);
	long nodes = rmodel_meta_int(m, "machine", "numa_nodes", -1);
	char line[1024], nc[32] = "?", nn[32] = "?";
	const char *s;

	if (cpus > 0)
		fmt_to(nc, sizeof(nc), "%ld", cpus);
	if (nodes > 0)
		fmt_to(nn, sizeof(nn), "%ld", nodes);
	fmt_to(line, sizeof(line), "%s, %s CPUs, %s NUMA node%s, host %s",
	       or_unknown(rmodel_meta_str(m, "machine", "cpu_model")), nc, nn, nodes == 1 ? "" : "s",
	       or_unknown(rmodel_meta_str(m, "machine", "hostname")));
	fprintf(f, "Machine:   ");
	wrap(f, line, 11, "           ");
	fprintf(f, "Kernel:    ");
	wrap(f, or_unknown(rmodel_meta_str(m, "machine", "kernel")), 11, "           ");
	/* randomize_va_space is the system's; the sweep itself may run without */
	if (m->meta && json_is_true(json_object_get(json_object_get(m->meta, "machine"), "aslr_process_disabled")))
		fmt_to(line, sizeof(line), "ASLR off");
	else
		fmt_to(line, sizeof(line), "ASLR %ld", rmodel_meta_int(m, "machine", "aslr", -1));
	fprintf(f, "THP:       enabled=%s defrag=%s; clocksource %s; %s\n",
		or_unknown(rmodel_meta_str(m, "machine", "thp_enabled")),
		or_unknown(rmodel_meta_str(m, "machine", "thp_defrag")),
		or_unknown(rmodel_meta_str(m, "machine", "clocksource")), line);
	s = rmodel_meta_str(m, "build", "flags");
	fmt_to(line, sizeof(line), "%s, %s%s%s%s", or_unknown(rmodel_meta_str(m, "build", "compiler")),
	       or_unknown(rmodel_meta_str(m, "build", "build_type")), s && *s ? ", flags " : "", s && *s ? s : "",
	       m->meta && json_is_true(json_object_get(json_object_get(m->meta, "build"), "sanitize"))
		       ? ", sanitizers ON"
		       : "");
	fprintf(f, "Compiler:  ");
	wrap(f, line, 11, "           ");
	s = rmodel_meta_str(m, "pfnbench", "git_commit");
	fprintf(f, "Commit:    %s%s\n", or_unknown(s),
		m->meta && json_is_true(json_object_get(json_object_get(m->meta, "pfnbench"), "git_dirty"))
			? " (dirty tree)"
			: "");
	if (m->meta && json_is_object(json_object_get(m->meta, "timing"))) {
		json_t *tv;
		const char *tk;

		line[0] = '\0';
		json_object_foreach(json_object_get(m->meta, "timing"), tk, tv) {
			if (json_is_string(tv))
				fmt_to(line + strlen(line), sizeof(line) - strlen(line), "%s%s", *line ? "; " : "",
				       json_string_value(tv));
			else if (json_is_integer(tv))
				fmt_to(line + strlen(line), sizeof(line) - strlen(line), "%s%s %lld", *line ? "; " : "",
				       tk, (long long)json_integer_value(tv));
		}
		if (*line) {
			fprintf(f, "Timing:    ");
			wrap(f, line, 11, "           ");
		}
	}
	fprintf(f, "Run:       %s .. %s", or_unknown(rmodel_meta_str(m, NULL, "started_utc")),
		or_unknown(rmodel_meta_str(m, NULL, "finished_utc")));
	if (json_is_false(complete))
		fprintf(f, ", INCOMPLETE (stopped at %s)", or_unknown(rmodel_meta_str(m, NULL, "stopped_at")));
	fprintf(f, "\n");
}

/* The results.csv column of meta.json's counter key (aliases of old runs too), or -1. */
static enum result_col counter_column(const struct rmodel *m, const char *key)
{
	char cname[128];
	int c;

	/* the column is KEY_per_page; the counter list knows older names */
	fmt_to(cname, sizeof(cname), "%s_per_page", key);
	for (int i = 0; i < RCOL_NR; i++)
		if (m->col[i] >= 0 && !strcmp(result_columns[i].name, cname))
			return (enum result_col)i;
	c = pfn_counter_find(key, true);
	return c >= 0 && m->col[RCOL_COUNTER(c)] >= 0 ? RCOL_COUNTER(c) : (enum result_col)-1;
}

/* The unavailable counters, grouped by reason, each reason once at its first counter. */
static void header_unavailable(struct report *r, json_t *counters)
{
	const char *k1;
	json_t *v1;
	size_t i1 = 0;
	char line[1024];

	json_object_foreach(counters, k1, v1) {
		const char *reason, *k2;
		char names[512] = "";
		json_t *v2;
		size_t i2 = 0, first = 1;

		i1++;
		if (!json_is_object(v1) || json_is_true(json_object_get(v1, "available")))
			continue;
		reason = json_string_value(json_object_get(v1, "reason"));
		if (!reason)
			reason = "no reason given";
		json_object_foreach(counters, k2, v2) {
			const char *r2;

			i2++;
			if (!json_is_object(v2) || json_is_true(json_object_get(v2, "available")))
				continue;
			r2 = json_string_value(json_object_get(v2, "reason"));
			if (strcmp(r2 ? r2 : "no reason given", reason))
				continue;
			if (i2 < i1) {
				first = 0;
				break;
			}
			fmt_to(names + strlen(names), sizeof(names) - strlen(names), "%s%s", *names ? ", " : "", k2);
		}
		if (!first)
			continue;
		fmt_to(line, sizeof(line), "unavailable: %s: %s", names, reason);
		fprintf(r->out, "           ");
		wrap(r->out, line, 11, "             ");
	}
}

/* Counters: what meta.json says was real, checked against results.csv, and the rest. */
static void header_counters(struct report *r)
{
	json_t *counters = r->m->meta ? json_object_get(r->m->meta, "counters") : NULL;
	char real[512] = "";
	const char *key;
	json_t *v;

	if (!json_is_object(counters)) {
		fprintf(r->out, "Counters:  unknown (no counters in meta.json)\n");
		return;
	}
	json_object_foreach(counters, key, v) {
		enum result_col col;

		if (!json_is_object(v) || !json_is_true(json_object_get(v, "available")))
			continue;	/* e.g. "kernel_mode_counted": true */
		col = counter_column(r->m, key);
		/* meta.json says measured: check results.csv agrees */
		fmt_to(real + strlen(real), sizeof(real) - strlen(real), "%s%s%s", *real ? ", " : "", key,
		       (int)col >= 0 && !rmodel_any_has(r->m, col) ? " (but no values in results.csv)" : "");
	}
	fprintf(r->out, "Counters:  real: ");
	wrap(r->out, *real ? real : "none", 17, "           ");
	header_unavailable(r, counters);
}

/* The command, broken with shell continuations so it still pastes. */
static void header_reproduce(struct report *r)
{
	const char *s = rmodel_meta_str(r->m, NULL, "command");
	FILE *f = r->out;
	size_t col = 4;

	fprintf(f, "\nReproduce:\n");
	if (!s) {
		fprintf(f, "  (no command in meta.json)\n");
		return;
	}
	fprintf(f, "  $ ");
	while (*s) {
		size_t len = strcspn(s, " ");

		if (col > 6 && col + len + 2 > PARA) {
			fprintf(f, " \\\n      ");
			col = 6;
		}
		fprintf(f, "%.*s", (int)len, s);
		col += len;
		s += len;
		while (*s == ' ')
			s++;
		if (*s) {
			fputc(' ', f);
			col++;
		}
	}
	fprintf(f, "\n");
}

int section_header(struct report *r, const struct rgroup *g)
{
	json_t *skipped = r->m->meta ? json_object_get(r->m->meta, "skipped") : NULL;

	(void)g;
	fprintf(r->out, "pfnbench report: HMM pfn handoff, convert vs direct\n");
	fprintf(r->out, "====================================================\n\n");
	if (!r->m->meta)
		fprintf(r->out, "meta.json: missing; machine, build and counters unknown\n");
	header_machine(r);
	header_build_memory(r);
	header_counters(r);
	if (json_is_array(skipped) && json_array_size(skipped))
		skipped_section(r->out, skipped);
	if (r->m->nr_skipped || r->m->nr_unknown_backend)
		fprintf(r->out, "Rows left out: %zu not ok, %zu unknown backend\n", r->m->nr_skipped,
			r->m->nr_unknown_backend);
	header_reproduce(r);
	fprintf(r->out, "\n");
	return 0;
}
