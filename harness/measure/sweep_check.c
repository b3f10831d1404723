/*
 * sweep_check.c - what this machine cannot give a case, found before
 * anything runs (sweep_check.h).
 */
#include <errno.h>
#include <regex.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "placement.h"
#include "sweep_check.h"

/* The CPUs of node that this process may run on (all of them on a synthetic topology). */
static int usable_cpus(const struct topo *t, int node)
{
	static int cpus[4096];
	int n = topo_cpus_of_node(t, node, cpus, sizeof(cpus) / sizeof(cpus[0])), usable = 0;
	cpu_set_t mask;

	if (n <= 0)
		return n;
	if (topo_is_synthetic(t) || sched_getaffinity(0, sizeof(mask), &mask))
		return n;
	for (int i = 0; i < n && i < (int)(sizeof(cpus) / sizeof(cpus[0])); i++)
		usable += cpus[i] >= 0 && cpus[i] < CPU_SETSIZE && CPU_ISSET(cpus[i], &mask);
	return usable;
}

/*
 * The nodes (in this topology and to libnuma), the CPUs that run the
 * threads (case_run_place() binds thread k to the k-th CPU of the cpu
 * node, node 0 for local), then the memory.  0, or -errno with why.
 */
static int check_case(const struct sweep *sw, const struct case_desc *sc, char *why, size_t whylen)
{
	struct placement_req req;
	struct placement_ctx *ctx = NULL;
	int ret, node, cpus;

	ret = placement_req_parse(sc->placement, &req, why, whylen);
	if (!ret)
		ret = placement_check(sw->topo, &req, why, whylen);
	if (!ret)
		ret = placement_ctx_create(&req, 0, &ctx, why, whylen);
	placement_ctx_destroy(ctx);
	if (ret)
		return ret;
	node = req.cpu_node >= 0 ? req.cpu_node : 0;
	cpus = usable_cpus(sw->topo, node);
	if (cpus == 0) {
		msg_printf(why, whylen, "node %d has no CPU this process may run on (give cpu= a node with CPUs)",
			   node);
		return -ENODEV;
	}
	if (cpus > 0 && sc->threads > (unsigned)cpus) {
		msg_printf(why, whylen, "threads:%u needs %u CPUs, node %d has %d this process may run on "
			   "(lower threads)", sc->threads, sc->threads, node, cpus);
		return -ENODEV;
	}
	return case_memory_check(sc, sw->cfg, why, whylen);
}

int sweep_check_cases(struct sweep *sw)
{
	sw->case_skip = calloc(sw->nr_cases + 1, sizeof(*sw->case_skip));
	if (!sw->case_skip)
		return -ENOMEM;
	for (size_t i = 0; i < sw->nr_cases; i++)
		if (check_case(sw, &sw->cases[i], sw->case_skip[i], sizeof(sw->case_skip[i])) &&
		    !sw->case_skip[i][0])
			msg_printf(sw->case_skip[i], sizeof(sw->case_skip[i]), "cannot run on this machine");
	return 0;
}

const char *sweep_case_skip(const struct sweep *sw, const struct case_desc *sc)
{
	size_t i = (size_t)(sc - sw->cases);

	return sw->case_skip && i < sw->nr_cases && sw->case_skip[i][0] ? sw->case_skip[i] : NULL;
}

void sweep_check_summary(const struct sweep *sw, const bool *matched, char *buf, size_t len)
{
	size_t used = 0;
	bool *done = calloc(sw->nr_cases + 1, sizeof(*done));

	msg_printf(buf, len, "%s", "");
	if (!done)
		return;
	/* each reason once, with its cases counted, in case order */
	for (size_t i = 0; i < sw->nr_cases && used + 1 < len; i++) {
		const char *why = sw->case_skip[i];
		size_t count = 0;

		if (done[i] || !why[0] || (matched && !matched[i]))
			continue;
		for (size_t k = i; k < sw->nr_cases; k++)
			if (!done[k] && (!matched || matched[k]) && !strcmp(sw->case_skip[k], why)) {
				done[k] = true;
				count++;
			}
		msg_printf(buf + used, len - used, "%s%s: %s", used ? "; " : "", sw->cases[i].key, why);
		if (count > 1) {
			used += strlen(buf + used);
			msg_printf(buf + used, len - used, " (and %zu more case%s)", count - 1, count > 2 ? "s" : "");
		}
		used += strlen(buf + used);
	}
	free(done);
}

size_t sweep_nr_can_run(const struct sweep *sw)
{
	size_t n = 0;

	for (size_t i = 0; i < sw->nr_cases; i++)
		n += !sw->case_skip[i][0];
	return n;
}

/*
 * --benchmark_filter checked before anything is created (Google Benchmark
 * applies it, a search in each name; a leading '-' selects the names it
 * does not match), and --benchmark_list_tests: the names printed.  0, or
 * -EINVAL (not a regular expression), -ESRCH (no name matches) with err.
 */
int sweep_filter(const struct sweep *sw, char *err, size_t errlen)
{
	const char *f = sw->opt->filter;
	bool negate = f && f[0] == '-';
	size_t matched = 0;
	regex_t re;
	int rc;

	if (f && *f && strcmp(f, "all") && strcmp(f, ".")) {
		rc = regcomp(&re, f + negate, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char why[256];

			regerror(rc, &re, why, sizeof(why));
			snprintf(err, errlen, "--benchmark_filter=%s: not a valid regular expression (%s)", f, why);
			return -EINVAL;
		}
	} else {
		f = NULL;
	}
	for (size_t i = 0; i < sw->nr_benches; i++) {
		const char *name = sw->benches[i].name;

		if (f && (regexec(&re, name, 0, NULL, 0) == 0) == negate)
			continue;
		matched++;
		if (sw->opt->list)
			printf("%s\n", name);
	}
	if (f)
		regfree(&re);
	if (!matched) {
		snprintf(err, errlen, "--benchmark_filter=%s: no case matches, nothing was run "
			 "(--benchmark_list_tests=true lists the names)", sw->opt->filter);
		return -ESRCH;
	}
	return 0;
}

/* A run whose every row was skipped measured nothing: -ENODATA, err with each reason once. */
int sweep_nothing_measured(const struct sweep *sw, char *err, size_t errlen)
{
	size_t used, n = json_array_size(sw->skipped);
	bool first = true;

	snprintf(err, errlen, "nothing was measured: every case was skipped:");
	for (size_t i = 0; i < n; i++) {
		const char *why = json_string_value(json_object_get(json_array_get(sw->skipped, i), "reason"));
		size_t count = 0;
		bool seen = false;

		if (!why)
			continue;
		for (size_t k = 0; k < n && !seen; k++) {
			const char *w = json_string_value(json_object_get(json_array_get(sw->skipped, k), "reason"));

			seen = k < i && w && !strcmp(w, why);
			count += k >= i && w && !strcmp(w, why);
		}
		if (seen)
			continue;
		used = strlen(err);
		snprintf(err + used, errlen - used, "%s %s (%zu case%s)", first ? "" : ";", why, count,
			 count > 1 ? "s" : "");
		first = false;
	}
	return -ENODATA;
}
