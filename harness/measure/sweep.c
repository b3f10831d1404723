/*
 * sweep.c - `pfnbench run` and `pfnbench callgrind`: what both share.
 *
 * A config expands into cases (workload x npages x batch x cache x
 * placement x threads x source, case.h's struct case_desc); each case is
 * run by every backend of the config as one benchmark named BACKEND/CASE.
 * This file expands the config, opens the results directory and writes
 * meta.json; the case runner (case.c) sets a case up and passes over it;
 * the Google Benchmark driver (sweep_gbench.c) times the passes and the
 * callgrind driver (sweep_callgrind.c) counts their instructions.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "backend.h"
#include "msg.h"
#include "placement.h"
#include "results.h"
#include "sweep_priv.h"
#include "workloads.h"

static bool backend_exists(const char *name)
{
	return pfn_backend_find(name) != NULL;
}

const struct config_checks sweep_config_checks = {
	.backend_exists = backend_exists,
	.workload_exists = workload_exists,
	.workload_kernel_declared = workload_kernel_declared,
};

void sweep_init(struct sweep *sw, const struct sweep_config *cfg, const struct sweep_options *opt)
{
	memset(sw, 0, sizeof(*sw));
	sw->cfg = cfg;
	sw->opt = opt;
	sw->t_start_ns = case_now_ns();
	sw->started = time(NULL);
	sw->skipped = json_array();
	sw->hugepages = json_object();
	sw->tail = (struct results_tail)RESULTS_TAIL_INIT;
}

int sweep_open_topology(struct sweep *sw)
{
	int ret = topo_open(&sw->topo);

	if (ret)
		return ret;
	sw->llc_bytes = topo_llc_bytes(sw->topo);
	sw->env = (struct case_env){ .cfg = sw->cfg, .topo = sw->topo, .llc_bytes = sw->llc_bytes };
	return 0;
}

struct sweep_bench *sweep_bench_by_name(struct sweep *sw, const char *name)
{
	for (size_t i = 0; i < sw->nr_benches; i++)
		if (!strcmp(sw->benches[i].name, name))
			return &sw->benches[i];
	return NULL;
}

void sweep_row_init(struct result_row *row, const struct sweep_bench *sb)
{
	const struct case_desc *sc = sb->sc;

	memset(row, 0, sizeof(*row));
	msg_printf(row->case_name, sizeof(row->case_name), "%s", sc->key);
	msg_printf(row->name, sizeof(row->name), "%s", sb->name);
	msg_printf(row->backend, sizeof(row->backend), "%s", sb->ops->name);
	msg_printf(row->workload, sizeof(row->workload), "%s", sc->workload);
	msg_printf(row->source, sizeof(row->source), "%s", config_source_name(sc->source));
	row->npages = sc->npages;
	row->batch = sc->batch;
	msg_printf(row->cache, sizeof(row->cache), "%s", config_cache_name(sc->cache));
	row->clear_data = sb->sw->cfg->clear_data;
	row->threads = sc->threads;
	{
		/* the request this backend's driver made: the workload's, the config's, or its own */
		static const char *const words[] = { "none", "read", "write" };
		const struct workload *wl = workload_find(sc->workload);
		enum config_request cr = sb->sw->cfg->request;
		enum emu_req r = cr == CONFIG_REQUEST_NONE	? EMU_REQ_NONE
				 : cr == CONFIG_REQUEST_READ	? EMU_REQ_READ
				 : cr == CONFIG_REQUEST_WRITE	? EMU_REQ_WRITE
				 : wl				? wl->request
								: EMU_REQ_NONE;

		r = case_backend_request(sb->ops, r);
		msg_printf(row->request, sizeof(row->request), "%s", (unsigned)r < 3 ? words[r] : "?");
	}
	msg_printf(row->placement_req, sizeof(row->placement_req), "%s", sc->placement);
	msg_printf(row->placement_actual, sizeof(row->placement_actual), "%s",
		   sb->placement_actual[0] ? sb->placement_actual : "?");
}

int sweep_expand(struct sweep *sw)
{
	const struct sweep_config *cfg = sw->cfg;
	size_t max = cfg->nr_sources * cfg->nr_workloads * cfg->nr_npages * cfg->nr_batch * cfg->nr_caches *
		     cfg->nr_placements * cfg->nr_threads;

	bool own_write = false;

	/* a listed driver that cannot take a snapshot makes its own write request */
	for (size_t b = 0; b < cfg->nr_backends; b++) {
		const struct pfn_backend_ops *ops = pfn_backend_find(cfg->backends[b]);

		own_write |= ops && case_backend_request(ops, EMU_REQ_NONE) != EMU_REQ_NONE;
	}
	sw->cases = calloc(max ? max : 1, sizeof(*sw->cases));
	sw->benches = calloc(max * cfg->nr_backends + 1, sizeof(*sw->benches));
	if (!sw->cases || !sw->benches)
		return -ENOMEM;
	for (size_t so = 0; so < cfg->nr_sources; so++)
	for (size_t w = 0; w < cfg->nr_workloads; w++)
	for (size_t n = 0; n < cfg->nr_npages; n++)
	for (size_t ba = 0; ba < cfg->nr_batch; ba++)
	for (size_t ca = 0; ca < cfg->nr_caches; ca++)
	for (size_t pl = 0; pl < cfg->nr_placements; pl++)
	for (size_t th = 0; th < cfg->nr_threads; th++) {
		struct case_desc *sc = &sw->cases[sw->nr_cases];
		unsigned long batch = config_batch_effective(cfg->batch[ba], cfg->npages[n]);
		char variant[RESULT_STR_LONG];
		bool dup = false;
		int len;

		*sc = (struct case_desc){
			.source = cfg->sources[so], .workload = cfg->workloads[w], .npages = cfg->npages[n],
			.batch = batch, .cache = cfg->caches[ca],
			.placement = cfg->placements[pl], .threads = cfg->threads[th],
		};
		if (results_case_variant(variant, sizeof(variant), config_cache_name(sc->cache),
					 sc->placement, config_source_name(sc->source),
					 sc->threads))
			return -ENAMETOOLONG;
		len = snprintf(sc->key, sizeof(sc->key), "%s/npages:%lu/batch:%lu%s%s", sc->workload, sc->npages,
			       batch, *variant ? "/" : "", variant);
		if (len >= (int)sizeof(sc->key))
			return -ENAMETOOLONG;
		sc->may_fault = case_may_fault(cfg, sc->workload, sc->npages, own_write);
		/* a clamped batch can make two cases the same: keep one */
		for (size_t i = 0; i < sw->nr_cases && !dup; i++)
			dup = !strcmp(sw->cases[i].key, sc->key);
		if (dup)
			continue;
		sw->nr_cases++;
		for (size_t b = 0; b < cfg->nr_backends; b++) {
			struct sweep_bench *sb = &sw->benches[sw->nr_benches++];

			sb->sw = sw;
			sb->sc = sc;
			sb->ops = pfn_backend_find(cfg->backends[b]);
			if (snprintf(sb->name, sizeof(sb->name), "%s/%s", sb->ops->name, sc->key) >=
			    (int)sizeof(sb->name))
				return -ENAMETOOLONG;
		}
	}
	return 0;
}

int sweep_write_meta(struct sweep *sw, bool complete, const char *stopped_at)
{
	json_t *meta = json_object(), *o;
	char ts[32], warmup[320];
	char *summary;
	int ret;

	if (!meta)
		return -ENOMEM;
	o = json_object();
	meta_collect_pfnbench(o);
	json_object_set_new(meta, "pfnbench", o);
	/* compare refuses to judge results of different kinds against each other */
	json_object_set_new(meta, "kind", json_string(sw->kind ? sw->kind : "timing"));
	json_object_set_new(meta, "command", json_string(sw->opt->command_line ? sw->opt->command_line : ""));
	json_object_set_new(meta, "complete", json_boolean(complete));
	json_object_set_new(meta, "stopped_at", stopped_at ? json_string(stopped_at) : json_null());
	meta_utc_timestamp(sw->started, ts, sizeof(ts));
	json_object_set_new(meta, "started_utc", json_string(ts));
	meta_utc_timestamp(time(NULL), ts, sizeof(ts));
	json_object_set_new(meta, "finished_utc", complete ? json_string(ts) : json_null());
	o = json_object();
	meta_collect_machine(o);
	json_object_set_new(o, "numa_nodes", json_integer(topo_nr_nodes(sw->topo)));
	summary = topo_summary(sw->topo);
	json_object_set_new(o, "hwloc_summary", json_string(summary ? summary : "?"));
	free(summary);
	json_object_set_new(o, "llc_bytes", json_integer((json_int_t)sw->llc_bytes));
	json_object_set_new(meta, "machine", o);
	o = json_object();
	meta_collect_build(o);
	if (sw->valgrind_version[0])
		json_object_set_new(o, "valgrind", json_string(sw->valgrind_version));
	json_object_set_new(meta, "build", o);
	json_object_set_new(meta, "counters", sw->counters ? json_incref(sw->counters) : json_object());
	if (config_to_json(sw->cfg, &o) == 0)
		json_object_set_new(meta, "config", o);
	o = json_pack("{s:s, s:s, s:i}", "clock", "CLOCK_MONOTONIC, manual time per iteration", "interleaving",
		      "rounds: every case once per round in a random order, the backends of a case one after the "
		      "other in a random order, those a comparison joins next to each other, on the round's one "
		      "address space of the case (one thread); with precision, a backend whose comparisons "
		      "settled sits out",
		      "min_pages_per_iteration", (int)SWEEP_MIN_PAGES_PER_ITER);
	if (o && sw->crun) {
		/* the Google Benchmark driver's (sweep_gbench.c), not callgrind's */
		snprintf(warmup, sizeof(warmup),
			 "cache = warm: untimed units, each one iteration's passes (where passes fault, one pass "
			 "after a rebuild), until the last %d took within %.0f%% of each other (the first pass "
			 "counts where a unit is one pass), %d units at most, or until %.0f ms have gone",
			 SWEEP_WARM_SETTLE, 100 * SWEEP_WARM_TOL, SWEEP_WARM_MAX_UNITS, SWEEP_WARM_MAX_NS / 1e6);
		json_object_set_new(o, "warmup", json_string(warmup));
	}
	json_object_set_new(meta, "timing", o);
	if (sw->crun)
		json_object_set_new(meta, "precision", sweep_rounds_json(sw));
	if (sw->progress)
		json_object_set(meta, "progress", sw->progress);
	o = json_array();
	for (size_t i = 0; o && i < sw->opt->nr_benchmark_flags; i++)
		json_array_append_new(o, json_string(sw->opt->benchmark_flags[i]));
	json_object_set_new(meta, "benchmark_flags", o ? o : json_null());
	json_object_set_new(meta, "skipped", json_incref(sw->skipped));
	if (sw->kernel_source && json_object_size(sw->kernel_source))
		json_object_set_new(meta, "kernel_source", json_incref(sw->kernel_source));
	if (sw->bandwidth)
		json_object_set_new(meta, "bandwidth", json_incref(sw->bandwidth));
	if (sw->hugepages && json_object_size(sw->hugepages))
		json_object_set_new(meta, "hugepages", json_incref(sw->hugepages));
	if (sw->fixed_costs)
		json_object_set_new(meta, "fixed_costs", json_incref(sw->fixed_costs));
	ret = meta_write(sw->dir, meta);
	json_decref(meta);
	return ret;
}

int sweep_open_results_dir(struct sweep *sw, char *dir_out, size_t dir_len, char *err, size_t errlen)
{
	const struct sweep_options *opt = sw->opt;
	int ret = results_dir_create(opt->out_parent, sw->dir, sizeof(sw->dir));

	if (ret) {
		snprintf(err, errlen, "%s: cannot create a results directory: %s", opt->out_parent, strerror(-ret));
		return ret;
	}
	msg_printf(dir_out, dir_len, "%s", sw->dir);
	ret = results_write_atomic(sw->dir, "config.conf", sw->cfg->text, sw->cfg->text_len);
	if (ret)
		snprintf(err, errlen, "%s: cannot write config.conf: %s", sw->dir, strerror(-ret));
	return ret;
}

/* Free what sweep_run() and sweep_count() set up. */
void sweep_free(struct sweep *sw)
{
	case_keep_release(&sw->keep);
	results_tail_close(&sw->tail);
	results_csv_destroy(sw->csv);
	free(sw->case_skip);
	json_decref(sw->progress);
	json_decref(sw->skipped);
	json_decref(sw->counters);
	json_decref(sw->kernel_source);
	json_decref(sw->bandwidth);
	json_decref(sw->hugepages);
	json_decref(sw->fixed_costs);
	topo_close(sw->topo);
	json_decref(sw->gbench);
	json_decref(sw->gbench_reps);
	free(sw->crun);
	for (size_t i = 0; sw->benches && i < sw->nr_benches; i++)
		free(sw->benches[i].vals);
	free(sw->cases);
	free(sw->benches);
}

