/*
 * sweep_rounds.c - the rounds of `pfnbench run` and their stopping rule.
 *
 * A round runs every backend of every case still running once: the cases
 * in a random order (reproducible from the seed and the round), the
 * backends of one case one after the other, those joined by declared
 * comparisons next to each other (sweep_rounds_order(); sweep_gbench.c
 * registers them so, and Google Benchmark runs them in that order), all
 * on the one address space the round built for the case (case.h's struct
 * case_keep).  So repetition r of a conversion backend and repetition r of
 * its declared counterpart ran next to each other on the same memory: the
 * report pairs them by r, and drift of the machine between rounds falls
 * on both sides of every pair.
 *
 * The stopping rule, checked between rounds for each case still running:
 *
 *   rounds < repetitions                      -> go on
 *   precision = none                          -> stop ("repetitions")
 *   no declared comparison with values        -> stop ("no comparison")
 *   every comparison's 95% CI half-width of
 *     the paired differences <= precision     -> stop ("precision reached")
 *   every comparison settled (below), one at
 *     least out of reach                      -> stop ("out of reach")
 *   max_time spent by the case                -> stop ("max_time")
 *   otherwise                                 -> go on
 *
 * A comparison settles when its half-width reaches the target, or when it
 * is out of reach (out_of_reach(): after SWEEP_REACH_MIN_ROUNDS rounds,
 * or twice `repetitions` when that is more, the rounds its spread says it
 * needs are more than SWEEP_REACH_FACTOR times those the case has had and
 * has left); a backend whose comparisons
 * have all settled sits out the case's later rounds, so that the rounds
 * of the comparisons still open get shorter (a backend in no comparison,
 * null, runs as long as the case).  A settled comparison's interval stays
 * as it was when it settled, even where its backends run on for another
 * comparison (nouveau v5.7 for v6.1 / v5.7 after v5.8 / v5.7 settled).
 *
 * The half-width is paired.h's (Hodges-Lehmann, signed-rank interval) of
 * ns_per_page_median (the median iteration of each repetition), the same
 * numbers the report pairs: a backend that sat out has fewer repetitions,
 * and the report pairs repetition r of two backends only where both ran.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "comparisons.h"
#include "paired.h"
#include "sweep_priv.h"

/* never more rounds than this, whatever the cap */
#define SWEEP_MAX_ROUNDS 100000u
/* out of reach: needs more than this many times the rounds left (out_of_reach()) */
#define SWEEP_REACH_FACTOR 4.0
/* ... judged after this many rounds at the least, and twice `repetitions` */
#define SWEEP_REACH_MIN_ROUNDS 12u

int sweep_rounds_init(struct sweep *sw)
{
	sw->crun = calloc(sw->nr_cases ? sw->nr_cases : 1, sizeof(*sw->crun));
	if (!sw->crun)
		return -ENOMEM;
	for (size_t i = 0; i < sw->nr_cases; i++) {
		sw->crun[i].reached = NAN;
		for (size_t k = 0; k < PFN_MAX_COMPARISONS; k++)
			sw->crun[i].half[k] = sw->crun[i].spread[k] = NAN;
	}
	return 0;
}

int sweep_rounds_value(struct sweep_bench *sb, unsigned round, double v)
{
	if (round >= sb->nr_vals) {
		size_t n = round + 16;
		double *p = realloc(sb->vals, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		for (size_t i = sb->nr_vals; i < n; i++)
			p[i] = NAN;
		sb->vals = p;
		sb->nr_vals = n;
	}
	sb->vals[round] = v;
	return 0;
}

/* The bench of backend ops in case ci, or NULL. */
static struct sweep_bench *case_bench(struct sweep *sw, size_t ci, const struct pfn_backend_ops *ops)
{
	struct sweep_bench *b = sweep_case_benches(sw, ci);

	for (size_t i = 0; i < sw->cfg->nr_backends; i++)
		if (b[i].ops == ops)
			return &b[i];
	return NULL;
}

/*
 * The largest 95% CI half-width over case ci's comparisons into *reached
 * (NAN when one has too few pairs for an interval).  Returns how many
 * comparisons have values, or -ENOMEM.
 */
static int case_precision(struct sweep *sw, size_t ci, double *reached)
{
	struct pfn_comparison all[PFN_MAX_COMPARISONS];
	size_t nc = pfn_comparisons(all), rounds = sw->crun[ci].rounds;
	double *a = malloc((rounds + 1) * sizeof(*a));
	int have = 0;

	*reached = -INFINITY;
	if (!a)
		return -ENOMEM;
	for (size_t k = 0; k < nc; k++) {
		struct sweep_bench *c = case_bench(sw, ci, all[k].conv), *d = case_bench(sw, ci, all[k].direct);
		struct paired_hl hl;
		size_t n = 0;

		if (!c || !d)
			continue;
		if (sw->crun[ci].settled[k]) {
			/* as it was when it settled, though its backends may run on for another comparison */
			have++;
			if (sw->crun[ci].half[k] > *reached)
				*reached = sw->crun[ci].half[k];
			continue;
		}
		/* the differences alone: the ratio (paired_compare()) is the report's */
		for (size_t r = 0; r < rounds && r < c->nr_vals && r < d->nr_vals; r++)
			if (!isnan(c->vals[r]) && !isnan(d->vals[r]))
				a[n++] = c->vals[r] - d->vals[r];
		if (!n)
			continue;
		have++;
		if (paired_hl(a, n, &hl) || isnan(hl.half)) {
			*reached = NAN;
			continue;
		}
		sw->crun[ci].half[k] = hl.half;
		sw->crun[ci].spread[k] = paired_spread(a, n);
		if (!isnan(*reached) && hl.half > *reached)
			*reached = hl.half;
	}
	free(a);
	if (!have)
		*reached = NAN;
	return have;
}

/* Write the case's reached precision into each of its rows. */
static void case_rows(struct sweep *sw, size_t ci)
{
	const char *key = sw->cases[ci].key;
	double v = sw->crun[ci].reached;

	for (size_t i = 0; i < sw->csv->nr_rows; i++)
		if (!strcmp(sw->csv->rows[i].case_name, key))
			sw->csv->rows[i].precision_ns_per_page = (struct result_opt){ v, !isnan(v) };
}

static void case_stop(struct sweep *sw, size_t ci, const char *why)
{
	sw->crun[ci].done = true;
	sw->crun[ci].stopped = why;
	case_rows(sw, ci);
}

/*
 * Is comparison k of case ci out of reach: would an interval of +-target
 * need more than SWEEP_REACH_FACTOR times the rounds the case has had and
 * has left before max_time at its last round's pace?  The rounds it needs
 * are projected from the robust spread of its differences, (1.96 * spread
 * / target)^2 (paired.h); the factor allows for the case's rounds getting
 * faster as its other comparisons settle, and for a spread of few pairs
 * being large by luck.
 */
static bool out_of_reach(const struct sweep *sw, const struct sweep_case_run *cr, size_t k)
{
	double z = 1.96 * cr->spread[k] / sw->cfg->precision_ns;
	double left = cr->last_round_s > 0 ? (sw->cfg->max_time_s - cr->seconds) / cr->last_round_s : 0;

	/* not from the first few: round 0 (Google Benchmark's own count) and one stretched pair make two of six */
	if (cr->rounds < SWEEP_REACH_MIN_ROUNDS || cr->rounds < 2 * sw->cfg->repetitions)
		return false;
	return !isnan(z) && z * z > SWEEP_REACH_FACTOR * ((double)cr->rounds + (left > 0 ? left : 0));
}

/* Do both backends of comparison c run in case ci (one without values yet counts)? */
static bool comparison_runs(struct sweep *sw, size_t ci, const struct pfn_comparison *c)
{
	const struct sweep_bench *a = case_bench(sw, ci, c->conv), *b = case_bench(sw, ci, c->direct);

	return a && b && !a->dead && !b->dead;
}

/*
 * Settle case ci's comparisons that reached the target or are out of
 * reach, and let the backends whose comparisons all settled sit out the
 * later rounds (a backend in no comparison, null, runs as long as the
 * case).  Returns how many comparisons with values are still open.
 */
static size_t settle(struct sweep *sw, size_t ci)
{
	struct sweep_case_run *cr = &sw->crun[ci];
	struct sweep_bench *b = sweep_case_benches(sw, ci);
	struct pfn_comparison all[PFN_MAX_COMPARISONS];
	size_t nc = pfn_comparisons(all), open = 0;

	for (size_t k = 0; k < nc; k++) {
		if (cr->settled[k] || isnan(cr->half[k]))
			continue;
		if (cr->half[k] <= sw->cfg->precision_ns)
			cr->settled[k] = SWEEP_STOP_TARGET;
		else if (out_of_reach(sw, cr, k))
			cr->settled[k] = SWEEP_STOP_REACH;
		else
			open++;
	}
	for (size_t i = 0; i < sw->cfg->nr_backends; i++) {
		bool in_one = false, in_open = false;

		/* only comparisons whose two backends run here count (nouveau-v5.6 without v5.8 is in none) */
		for (size_t k = 0; k < nc; k++)
			if ((b[i].ops == all[k].conv || b[i].ops == all[k].direct) && comparison_runs(sw, ci, &all[k])) {
				in_one = true;
				in_open |= !cr->settled[k];
			}
		b[i].settled = in_one && !in_open;
	}
	return open;
}

size_t sweep_rounds_judge(struct sweep *sw)
{
	const struct sweep_config *cfg = sw->cfg;
	size_t going = 0;

	for (size_t ci = 0; ci < sw->nr_cases; ci++) {
		struct sweep_case_run *cr = &sw->crun[ci];
		int have;

		if (cr->done)
			continue;
		have = case_precision(sw, ci, &cr->reached);
		if (cr->rounds < cfg->repetitions) {
			going++;
			continue;
		}
		if (cfg->precision_ns <= 0)
			case_stop(sw, ci, SWEEP_STOP_REPETITIONS);
		else if (have == 0)
			case_stop(sw, ci, SWEEP_STOP_NO_PAIRS);
		else if (have > 0 && settle(sw, ci) == 0 && !isnan(cr->reached))
			/* each reached the target or is out of reach */
			case_stop(sw, ci, cr->reached <= cfg->precision_ns ? SWEEP_STOP_TARGET : SWEEP_STOP_REACH);
		else if (cr->seconds >= cfg->max_time_s || cr->rounds >= SWEEP_MAX_ROUNDS)
			case_stop(sw, ci, SWEEP_STOP_TIME);
		else
			going++;
	}
	return going;
}

double sweep_case_eta_s(unsigned rounds, unsigned min_rounds, double seconds, double last_round_s, double reached,
			double target, double max_time_s)
{
	double per_round, more;

	if (!rounds)
		return NAN;
	/* the last round: the first one also carries Google Benchmark's trial runs */
	per_round = rounds > 1 && last_round_s > 0 ? last_round_s : seconds / rounds;
	more = rounds < min_rounds ? min_rounds - rounds : 0;
	if (target > 0 && rounds + more >= min_rounds) {
		/*
		 * the interval shrinks as 1/sqrt(rounds): the rounds that bring
		 * reached down to target; not known yet (too few pairs): max_time
		 */
		double need = isnan(reached) ? ceil((max_time_s - seconds) / per_round)
					     : ceil((double)rounds * ((reached / target) * (reached / target) - 1));

		if (need > more)
			more = need;
		/* max_time stops it after the round that crosses it */
		if (more * per_round > max_time_s - seconds + per_round)
			more = ceil((max_time_s - seconds) / per_round);
		if (more < 0)
			more = 0;
	}
	return more * per_round;
}

double sweep_rounds_eta_s(const struct sweep *sw)
{
	const struct sweep_config *cfg = sw->cfg;
	double eta = 0;

	for (size_t ci = 0; ci < sw->nr_cases; ci++) {
		const struct sweep_case_run *cr = &sw->crun[ci];
		double e;

		if (cr->done)
			continue;
		e = sweep_case_eta_s(cr->rounds, cfg->repetitions, cr->seconds, cr->last_round_s, cr->reached,
				     cfg->precision_ns, cfg->max_time_s);
		if (!isnan(e))
			eta += e;
	}
	return eta;
}

void sweep_rounds_stop_all(struct sweep *sw, const char *why)
{
	for (size_t ci = 0; sw->crun && ci < sw->nr_cases; ci++)
		if (!sw->crun[ci].done) {
			case_precision(sw, ci, &sw->crun[ci].reached);
			case_stop(sw, ci, why);
		}
}

/* splitmix64: the round's order from the seed, the same on every run */
static uint64_t mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void sweep_rounds_shuffle(size_t *v, size_t n, uint64_t seed, unsigned round)
{
	uint64_t s = seed ^ ((uint64_t)round * 0x2545f4914f6cdd1dULL);

	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(mix(&s) % i);
		size_t t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* grp[k]: the lowest index of the backends that declared comparisons join to backend k. */
static void backend_groups(struct sweep *sw, size_t ci, size_t *grp)
{
	struct sweep_bench *b = sweep_case_benches(sw, ci);
	struct pfn_comparison all[PFN_MAX_COMPARISONS];
	size_t nc = pfn_comparisons(all), n = sw->cfg->nr_backends;

	for (size_t k = 0; k < n; k++)
		grp[k] = k;
	for (size_t c = 0; c < nc; c++) {
		size_t i = n, j = n, from, to;

		for (size_t k = 0; k < n; k++) {
			if (b[k].ops == all[c].conv)
				i = k;
			if (b[k].ops == all[c].direct)
				j = k;
		}
		if (i == n || j == n || grp[i] == grp[j])
			continue;
		from = grp[i] > grp[j] ? grp[i] : grp[j];
		to = grp[i] < grp[j] ? grp[i] : grp[j];
		for (size_t k = 0; k < n; k++)
			if (grp[k] == from)
				grp[k] = to;
	}
}

void sweep_rounds_order(struct sweep *sw, size_t ci, size_t *border)
{
	size_t n = sw->cfg->nr_backends, *grp = malloc(2 * (n + 1) * sizeof(*grp)), *rank;

	for (size_t k = 0; k < n; k++)
		border[k] = k;
	sweep_rounds_shuffle(border, n, sw->cfg->seed ^ ci, sw->round);
	if (!grp)
		return;   /* the draw alone: the pairs are still in one round */
	rank = grp + n + 1;
	backend_groups(sw, ci, grp);
	/* each group ranks where its first member drew; a stable sort by rank keeps the draw within */
	for (size_t i = 0; i < n; i++) {
		rank[i] = i;
		for (size_t j = 0; j < i; j++)
			if (grp[border[j]] == grp[border[i]]) {
				rank[i] = rank[j];
				break;
			}
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && rank[j - 1] > rank[j]; j--) {
			size_t t = rank[j];

			rank[j] = rank[j - 1];
			rank[j - 1] = t;
			t = border[j];
			border[j] = border[j - 1];
			border[j - 1] = t;
		}
	free(grp);
}

/* ---- gbench.json ----------------------------------------------------------- */

/* The registered name of a run: its "run_name" without the suffixes Google Benchmark adds. */
static const char *registered_name(struct sweep *sw, const char *run_name)
{
	static const char *const gb_suffixes[] = { "min_time:", "iterations:", "repeats:", "manual_time",
						   "real_time", "threads:" };

	for (size_t i = 0; i < sw->nr_benches; i++) {
		size_t l = strlen(sw->benches[i].name);

		if (strncmp(run_name, sw->benches[i].name, l))
			continue;
		if (run_name[l] == '\0')
			return sw->benches[i].name;
		if (run_name[l] != '/')
			continue;
		for (size_t k = 0; k < sizeof(gb_suffixes) / sizeof(gb_suffixes[0]); k++)
			if (!strncmp(run_name + l + 1, gb_suffixes[k], strlen(gb_suffixes[k])))
				return sw->benches[i].name;
	}
	return NULL;
}

int sweep_rounds_merge_json(struct sweep *sw, const char *path)
{
	json_error_t je;
	json_t *round = json_load_file(path, 0, &je), *runs, *all, *run;
	size_t i;

	unlink(path);
	if (!round)
		return -EIO;
	runs = json_incref(json_object_get(round, "benchmarks"));   /* the first round's is replaced */
	if (!sw->gbench) {
		sw->gbench = json_incref(round);
		all = json_array();
		json_object_set_new(sw->gbench, "benchmarks", all);
		sw->gbench_reps = json_object();
		if (!all || !sw->gbench_reps) {
			json_decref(runs);
			json_decref(round);
			return -ENOMEM;
		}
	} else {
		all = json_object_get(sw->gbench, "benchmarks");
	}
	json_array_foreach(runs, i, run) {
		const char *rn = json_string_value(json_object_get(run, "run_name"));
		const char *name = rn ? registered_name(sw, rn) : NULL;

		if (name) {
			/* one name for every round, so that compare.py sees the repetitions together */
			json_int_t reps = json_integer_value(json_object_get(sw->gbench_reps, name));

			json_object_set_new(run, "name", json_string(name));
			json_object_set_new(run, "run_name", json_string(name));
			json_object_set_new(run, "repetition_index", json_integer(reps));
			json_object_set_new(run, "round", json_integer(sw->round));
			json_object_set_new(sw->gbench_reps, name, json_integer(reps + 1));
		}
		json_array_append(all, run);
	}
	json_decref(runs);
	json_decref(round);
	return 0;
}

int sweep_rounds_write_json(struct sweep *sw)
{
	json_t *all = json_object_get(sw->gbench, "benchmarks"), *run;
	char *text;
	size_t i;
	int ret;

	if (!sw->gbench)
		return 0;
	/* each run's "repetitions": its bench's count so far */
	json_array_foreach(all, i, run) {
		json_t *n = json_object_get(sw->gbench_reps, json_string_value(json_object_get(run, "name")) ?: "");

		if (n)
			json_object_set(run, "repetitions", n);
	}
	text = json_dumps(sw->gbench, JSON_INDENT(2));
	if (!text)
		return -ENOMEM;
	ret = results_write_atomic(sw->dir, "gbench.json", text, strlen(text));
	free(text);
	return ret;
}

/* ---- meta.json -------------------------------------------------------------- */

json_t *sweep_rounds_json(const struct sweep *sw)
{
	const struct sweep_config *cfg = sw->cfg;
	json_t *o = json_object(), *cases = json_object();
	size_t met = 0, judged = 0;
	struct pfn_comparison all[PFN_MAX_COMPARISONS];
	size_t nc = pfn_comparisons(all);

	if (!o || !cases) {
		json_decref(o);
		json_decref(cases);
		return NULL;
	}
	json_object_set_new(o, "target_ns_per_page", cfg->precision_ns > 0 ? json_real(cfg->precision_ns) : json_null());
	json_object_set_new(o, "max_time_s", json_real(cfg->max_time_s));
	json_object_set_new(o, "min_repetitions", json_integer(cfg->repetitions));
	json_object_set_new(o, "metric", json_string("ns_per_page_median"));
	json_object_set_new(o, "interval", json_string("Hodges-Lehmann, Wilcoxon signed-rank 95%, half-width"));
	for (size_t ci = 0; sw->crun && ci < sw->nr_cases; ci++) {
		const struct sweep_case_run *cr = &sw->crun[ci];
		bool ok = cfg->precision_ns > 0 && !isnan(cr->reached) && cr->reached <= cfg->precision_ns;

		if (!cr->rounds)
			continue;
		if (cfg->precision_ns > 0 && !isnan(cr->reached)) {
			judged++;
			met += ok;
		}
		{
			json_t *per = json_object(), *settled = json_object();

			for (size_t k = 0; per && k < nc; k++) {
				char name[2 * RESULT_STR_SHORT + 2];

				if (isnan(cr->half[k]))
					continue;
				pfn_comparison_name(&all[k], name, sizeof(name));
				json_object_set_new(per, name, json_real(cr->half[k]));
				json_object_set_new(settled, name, json_string(cr->settled[k] ? cr->settled[k]
											: "open"));
			}
			json_object_set_new(cases, sw->cases[ci].key,
					    json_pack("{s:i, s:o, s:b, s:s, s:f, s:o}", "repetitions",
						      (json_int_t)cr->rounds, "reached_ns_per_page",
						      isnan(cr->reached) ? json_null() : json_real(cr->reached), "met", ok,
						      "stopped", cr->stopped ? cr->stopped : "running", "seconds",
						      cr->seconds, "comparisons", per ? per : json_object()));
			json_object_set_new(json_object_get(cases, sw->cases[ci].key), "settled",
					    settled ? settled : json_object());
		}
	}
	json_object_set_new(o, "cases_met", json_integer((json_int_t)met));
	json_object_set_new(o, "cases_with_interval", json_integer((json_int_t)judged));
	json_object_set_new(o, "rounds", json_integer(sw->round));
	/* case.h's struct case_keep: spaces built, and setups that took the case's kept one */
	json_object_set_new(o, "space_builds", json_integer((json_int_t)sw->keep.builds));
	json_object_set_new(o, "space_reuses", json_integer((json_int_t)sw->keep.reuses));
	json_object_set_new(o, "space_refills", json_integer((json_int_t)sw->keep.refills));
	/* the warm-up of cache = warm's repetitions (sweep_priv.h's sweep_warm_more()) */
	json_object_set_new(o, "warmup", json_pack("{s:I, s:I, s:I}", "repetitions", (json_int_t)sw->warm_reps,
						   "units", (json_int_t)sw->warm_units, "unsettled",
						   (json_int_t)sw->warm_capped));
	json_object_set_new(o, "cases", cases);
	return o;
}

void sweep_rounds_charge(struct sweep *sw, double round_s)
{
	double inside = 0;
	size_t ran = 0;

	/* before sweep_rounds_judge(): the cases not done are those that ran */
	for (size_t ci = 0; ci < sw->nr_cases; ci++)
		if (!sw->crun[ci].done) {
			inside += sw->crun[ci].seconds - sw->crun[ci].seconds_before;
			ran++;
		}
	for (size_t ci = 0; ci < sw->nr_cases; ci++) {
		struct sweep_case_run *cr = &sw->crun[ci];

		if (!cr->done && round_s > inside)
			cr->seconds += (round_s - inside) / (double)ran;
		if (!cr->done)
			cr->last_round_s = cr->seconds - cr->seconds_before;
		cr->seconds_before = cr->seconds;
	}
}
