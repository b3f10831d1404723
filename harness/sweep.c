/*
 * sweep.c - the measuring loop behind `pfnbench run`.
 *
 * A config expands into cases (workload x npages x batch x cache x array x
 * placement x threads x source); each case is run by every backend of the
 * config as one Google Benchmark each, named BACKEND/CASE.  Google
 * Benchmark runs the repetitions of all of them in a random interleaved
 * order (--benchmark_enable_random_interleaving), so both backends of a
 * case are measured side by side on the same address space (the same
 * seeded description, built afresh for each repetition).
 *
 * What one timed iteration is (sweep_bench_fn):
 *
 *   [untimed]  rebuild the address space if the last pass faulted (a
 *              workload that asks for faults changes it); stream a buffer
 *              of twice the last-level cache for cache = cold
 *   [timed]    `inner` passes over the range, each pass one call per batch:
 *              requests, hmm_range_fault(), the second array and the
 *              conversion pass where the backend has them, with dma = yes
 *              the DMA mapping of every host page (iommu.h), the free
 *   [untimed]  perf counters stop, the iteration time goes to Google
 *              Benchmark (manual time)
 *
 * For workloads that never fault, `inner` passes of the same range make one
 * iteration last at least SWEEP_MIN_PAGES_PER_ITER pages, so that reading
 * the clock is a small share of the time even at npages = 1; workloads that
 * fault run one pass per rebuild.  One untimed warm-up pass precedes the
 * loop.  The perf counters are enabled around the timed region only.
 *
 * The time of the null backend, which does no fault work, is this loop's
 * own cost per page: the report shows it next to the others.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "backend.h"
#include "costmodel.h"
#include "gbench_bridge.h"
#include "iommu.h"
#include "kernel_source.h"
#include "perf.h"
#include "placement.h"
#include "results.h"
#include "sweep.h"
#include "workloads.h"

#define SWEEP_MIN_PAGES_PER_ITER 4096UL
/* the skip reason of cases cut short by a signal (they get no row) */
#define SWEEP_INTERRUPTED "interrupted"
/* pages faulted per repetition of a case whose workload asks for faults */
#define SWEEP_FAULT_PAGES 16384UL
/* pfns of workloads stay below 2^28; the device range ends at 0x11000000 */
#define SWEEP_PFN_LIMIT (EMU_DEV_PFN_FIRST + EMU_DEV_PFN_NR)
/* rewrite results.csv at most this often (and always at the end) */
#define SWEEP_COMMIT_INTERVAL_NS 1000000000ULL

static bool backend_exists(const char *name)
{
	return pfn_backend_find(name) != NULL;
}

static bool backend_has_second_array(const char *name)
{
	const struct pfn_backend_ops *ops = pfn_backend_find(name);

	return ops && (ops->caps & PFN_CAP_SECOND_ARRAY);
}

const struct config_checks sweep_config_checks = {
	.backend_exists = backend_exists,
	.workload_exists = workload_exists,
	.backend_has_second_array = backend_has_second_array,
	.workload_kernel_declared = workload_kernel_declared,
};

struct sweep;

/* One case: everything but the backend. */
struct sweep_case {
	enum config_source source;
	const char *workload;
	unsigned long npages;
	unsigned long batch;          /* effective: <= npages */
	enum config_cache cache;
	enum config_array array;
	const char *placement;        /* spec as written */
	unsigned threads;
	bool may_fault;               /* its requests can fault (not a snapshot) */
	char key[RESULT_STR_LONG];    /* the "case" column */
};

/* One registered benchmark: a case run by one backend. */
struct sweep_bench {
	struct sweep *sw;
	const struct sweep_case *sc;
	const struct pfn_backend_ops *ops;
	char name[RESULT_STR_LONG];
	/* written by thread 0 of the benchmark function, read by the report */
	char placement_actual[RESULT_STR_LONG];
	char skip_reason[RESULT_STR_LONG];
	unsigned long pages_per_iter;
	bool skipped_recorded;
};

struct sweep {
	const struct sweep_config *cfg;
	const struct sweep_options *opt;
	struct topo *topo;
	size_t llc_bytes;
	struct sweep_case *cases;
	size_t nr_cases;
	struct sweep_bench *benches;
	size_t nr_benches;
	struct results_csv *csv;
	char dir[PATH_MAX];
	size_t nr_reports, nr_expected;
	size_t nr_finished;             /* reports that are results (not cut short) */
	uint64_t t_start_ns, t_last_commit_ns;
	time_t started;                 /* wall clock, for meta.json */
	int commit_error;
	json_t *skipped;
	json_t *counters;             /* availability, from the first open */
	json_t *kernel_source;        /* per workload: what the real kernel revealed */
	json_t *bandwidth;            /* meta.json "bandwidth" (costmodel.h), or NULL */
	char last_name[RESULT_STR_LONG];
	const char *kind;             /* meta.json "kind": "timing" or "callgrind" */
	char valgrind_version[64];    /* callgrind: `valgrind --version` */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Copy src into dst[len], truncating (the fields are for people to read). */
static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = src ? strnlen(src, len - 1) : 0;

	memcpy(dst, src ? src : "", n);
	dst[n] = 0;
}

/* ---- per-thread resources of one benchmark run ----------------------- */

struct bench_thread {
	struct placement_ctx *place;
	struct emu_mm *mm;
	struct pfn_backend *b;
	struct emu_iommu *io;         /* dma = yes: the DMA-map stage */
	struct kernel_source *ks;     /* source = kernel */
	struct perf_counters *pc;
	struct emu_page_desc *pages;
	unsigned long base, mm_npages;
	enum emu_req req;
	uint8_t *flush_buf;
	size_t flush_bytes;
};

static void bench_thread_free(struct bench_thread *t)
{
	pfn_backend_destroy(t->b);
	emu_iommu_destroy(t->io);
	kernel_source_destroy(t->ks);
	emu_mm_destroy(t->mm);
	placement_ctx_destroy(t->place);
	perf_counters_close(t->pc);
	free(t->pages);
	free(t->flush_buf);
}

/* Evict the caches: write then read a buffer twice the LLC. */
static void cache_flush(struct bench_thread *t)
{
	volatile uint64_t sink = 0;

	for (size_t i = 0; i < t->flush_bytes; i += 64)
		t->flush_buf[i] = (uint8_t)i;
	for (size_t i = 0; i < t->flush_bytes; i += 64)
		sink += t->flush_buf[i];
	(void)sink;
}

static enum emu_req request_of(enum config_request r, enum emu_req workload_default)
{
	switch (r) {
	case CONFIG_REQUEST_NONE: return EMU_REQ_NONE;
	case CONFIG_REQUEST_READ: return EMU_REQ_READ;
	case CONFIG_REQUEST_WRITE: return EMU_REQ_WRITE;
	default: return workload_default;
	}
}

/*
 * What one case needs in memory: per thread, the page table (8 bytes a
 * page plus upper levels), the memmap touched (64 bytes a page, twice for
 * faults that allocate new frames), the HMM and driver arrays (8 bytes a
 * page of batch each), the data pool (64 MiB) when faults clear pages, and
 * for source = kernel the range itself.
 */
static uint64_t case_memory_bytes(const struct sweep_case *sc, const struct sweep_config *cfg)
{
	uint64_t pages = sc->npages < 512 ? 512 : sc->npages; /* thp rounds up */
	uint64_t b = pages * (8 + 64 * 2) + 2 * sc->batch * 8 + (8UL << 20);

	if (cfg->clear_data)
		b += 64UL << 20;
	if (sc->source == CONFIG_SOURCE_KERNEL)
		b += pages * PAGE_SIZE;
	return b * sc->threads;
}

/* Refuse a case the machine cannot hold (MemAvailable), with the numbers. */
static int case_memory_check(const struct sweep_case *sc, const struct sweep_config *cfg, char *why,
			     size_t whylen)
{
	uint64_t need = case_memory_bytes(sc, cfg), avail = 0;
	char line[256];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0; /* cannot tell: try */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %" SCNu64 " kB", &avail) == 1)
			break;
	fclose(f);
	avail *= 1024;
	if (avail && need > avail - avail / 10) {
		snprintf(why, whylen, "needs about %" PRIu64 " MiB of memory, the machine has %" PRIu64
			 " MiB available (lower npages or threads)", need >> 20, avail >> 20);
		return -ENOMEM;
	}
	return 0;
}

/* Set up what one thread needs; on failure fills why and returns -errno. */
static int bench_thread_setup(struct sweep_bench *sb, int thread_index, struct bench_thread *t, char *why,
			      size_t whylen)
{
	const struct sweep_case *sc = sb->sc;
	const struct sweep_config *cfg = sb->sw->cfg;
	struct placement_req req;
	struct workload_params wp = { .seed = cfg->seed, .migrated_share = cfg->migrated_share };
	struct emu_mm_params mp = { .pfn_limit = SWEEP_PFN_LIMIT, .clear_data = cfg->clear_data };
	struct pfn_backend_params bp;
	struct emu_build_error berr = { 0 };
	int ret, nodes, cpu_node;

	ret = case_memory_check(sc, cfg, why, whylen);
	if (ret)
		return ret;
	ret = placement_req_parse(sc->placement, &req, why, whylen);
	if (ret)
		return ret;
	ret = placement_check(sb->sw->topo, &req, why, whylen);
	if (ret)
		return ret;
	/* bind to one core of the requested node (any node: node 0), one per thread */
	cpu_node = req.cpu_node >= 0 ? req.cpu_node : 0;
	{
		int cpus[1024];
		nodes = topo_cpus_of_node(sb->sw->topo, cpu_node, cpus, 1024);
		if (nodes > 0) {
			ret = topo_bind_thread(sb->sw->topo, cpu_node, thread_index % nodes, why, whylen);
			if (ret && ret != -ENOTSUP)
				return ret;
		}
	}
	placement_set_thread_policy(&req);
	ret = placement_ctx_create(&req, 0, &t->place, why, whylen);
	if (ret)
		return ret;
	mp.mem = placement_ctx_ops(t->place);

	if (sc->source == CONFIG_SOURCE_KERNEL) {
		/* the process's own memory, shaped by system calls (kernel_source.h) */
		ret = emu_mm_create(&mp, &t->mm);
		if (ret) {
			snprintf(why, whylen, "cannot create the emulated mm: %s", strerror(-ret));
			return ret;
		}
		ret = kernel_source_create(sc->workload, sc->npages, &wp, t->mm, &t->req, &t->ks, why, whylen);
		if (ret)
			return ret;
		t->base = kernel_source_base(t->ks);
		t->mm_npages = kernel_source_npages(t->ks);
		t->req = request_of(cfg->request, t->req);
		goto backend;
	}
	ret = workload_generate(sc->workload, sc->npages, &wp, &t->base, &t->pages, &t->req);
	if (ret) {
		snprintf(why, whylen, "workload %s: cannot generate %lu pages: %s", sc->workload, sc->npages,
			 strerror(-ret));
		return ret;
	}
	t->mm_npages = workload_mm_npages(sc->workload, sc->npages);
	t->req = request_of(cfg->request, t->req);
	ret = emu_mm_create(&mp, &t->mm);
	if (ret) {
		snprintf(why, whylen, "cannot create the emulated mm: %s", strerror(-ret));
		return ret;
	}
	ret = emu_mm_populate(t->mm, t->base, t->pages, t->mm_npages, &berr);
	if (ret) {
		snprintf(why, whylen, "workload %s: page %lu: %s", sc->workload, berr.index,
			 berr.what ? berr.what : strerror(-ret));
		return ret;
	}
backend:
	bp = (struct pfn_backend_params){ .mm = t->mm, .max_npages = sc->batch,
					  .keep_array = sc->array == CONFIG_ARRAY_KEPT,
					  .source = t->ks ? kernel_source_walk(t->ks) : NULL };
	ret = pfn_backend_create(sb->ops, &bp, &t->b);
	if (ret) {
		snprintf(why, whylen, "cannot create backend %s: %s", sb->ops->name, strerror(-ret));
		return ret;
	}
	if (cfg->dma && (sb->ops->caps & PFN_CAP_FAULTS)) {
		ret = emu_iommu_create(mp.mem, sc->npages, &t->io);
		if (ret) {
			snprintf(why, whylen, "cannot create the IOMMU model: %s", strerror(-ret));
			return ret;
		}
	}
	if (cfg->counters) {
		ret = perf_counters_open(&t->pc, cfg->counters & PC_MASK_ALL);
		if (ret) {
			snprintf(why, whylen, "perf counters: %s", strerror(-ret));
			return ret;
		}
	}
	if (sc->cache == CONFIG_CACHE_COLD) {
		t->flush_bytes = 2 * (sb->sw->llc_bytes ? sb->sw->llc_bytes : (32UL << 20));
		t->flush_buf = malloc(t->flush_bytes);
		if (!t->flush_buf) {
			snprintf(why, whylen, "cannot allocate the %zu-byte cache flush buffer", t->flush_bytes);
			return -ENOMEM;
		}
	}
	return 0;
}

/* One pass over the range; returns the first call's error, or 0. */
/*
 * drv_node: when not NULL (the untimed warm-up pass), receives the node
 * where a per-call second array really landed (it is malloc'ed, so it is
 * placed by the thread's memory policy, not by the placement hooks).
 */
static int bench_pass(struct bench_thread *t, const struct sweep_case *sc, bool staged,
		      uint64_t stage_ns[PFN_STAGE_NR], unsigned long *faults, unsigned long *walks, int *drv_node)
{
	for (unsigned long off = 0; off < sc->npages; off += sc->batch) {
		struct pfn_call c = {
			.start = t->base + (off << PAGE_SHIFT),
			.npages = sc->npages - off < sc->batch ? sc->npages - off : sc->batch,
			.default_req = t->req,
		};
		int ret;

		/*
		 * The device words go to gp100_vmm_pgt_pfn() (dma = yes) before
		 * the driver frees its array, as in nouveau_svm_fault().
		 */
		if (staged) {
			ret = pfn_backend_range_fault_staged(t->b, &c, now_ns, stage_ns);
			if (!ret && t->io) {
				uint64_t t0 = now_ns();
				ret = emu_iommu_map_words(t->io, c.dev_words, c.npages, off);
				stage_ns[PFN_STAGE_DMA] += now_ns() - t0;
			}
			pfn_backend_call_done_staged(t->b, &c, now_ns, stage_ns);
		} else {
			ret = pfn_backend_range_fault(t->b, &c);
			if (!ret && t->io)
				ret = emu_iommu_map_words(t->io, c.dev_words, c.npages, off);
			if (!ret && drv_node && (t->b->ops->caps & PFN_CAP_SECOND_ARRAY) && t->b->call_array)
				placement_node_of_range(c.dev_words, c.npages * sizeof(uint64_t), drv_node);
			pfn_backend_call_done(t->b, &c);
		}
		if (ret)
			return ret;
		*faults += c.nr_faults;
		*walks += c.nr_walks;
	}
	return 0;
}

static int rebuild(struct bench_thread *t)
{
	if (t->ks)
		return kernel_source_reset(t->ks);
	return emu_mm_populate(t->mm, t->base, t->pages, t->mm_npages, NULL);
}

static void sweep_bench_fn(struct gb_state *st, void *arg)
{
	struct sweep_bench *sb = arg;
	const struct sweep_case *sc = sb->sc;
	const struct sweep_config *cfg = sb->sw->cfg;
	struct bench_thread t = { 0 };
	char why[RESULT_STR_LONG] = "";
	uint64_t stage_ns[PFN_STAGE_NR] = { 0 };
	unsigned long faults = 0, walks = 0, calls_per_pass, inner;
	uint64_t iters = 0;
	double ctr_total[PC_NR] = { 0 };
	bool ctr_valid[PC_NR] = { 0 };
	bool dirty, counting = false, thread0 = gb_thread_index(st) == 0;
	int drv_node = PLACEMENT_NONE;
	int ret;

	if (sb->sw->opt->stop && *sb->sw->opt->stop) {
		gb_skip(st, SWEEP_INTERRUPTED " before this case started");
		return;
	}
	ret = bench_thread_setup(sb, gb_thread_index(st), &t, why, sizeof(why));
	if (ret) {
		if (thread0)
			copy_str(sb->skip_reason, sizeof(sb->skip_reason), why);
		gb_skip(st, why);
		goto out;
	}
	/*
	 * A pass that faulted changed the address space: it is rebuilt
	 * (untimed) before the next one, and such passes run one per
	 * iteration; passes that do not fault repeat `inner` times.
	 */
	calls_per_pass = (sc->npages + sc->batch - 1) / sc->batch;

	/* warm-up pass, untimed: fills caches and TLBs, checks the path works */
	ret = bench_pass(&t, sc, false, stage_ns, &faults, &walks, &drv_node);
	if (ret) {
		snprintf(why, sizeof(why), "backend %s returned %d (%s) on workload %s", sb->ops->name, ret,
			 strerror(-ret), sc->workload);
		if (thread0)
			copy_str(sb->skip_reason, sizeof(sb->skip_reason), why);
		gb_skip(st, why);
		goto out;
	}
	memset(stage_ns, 0, sizeof(stage_ns));
	dirty = faults > 0;
	/* a pass that did not fault leaves the space as it was: repeat it */
	inner = dirty ? 1 : (SWEEP_MIN_PAGES_PER_ITER + sc->npages - 1) / sc->npages;
	faults = walks = 0;
	if (t.pc)
		perf_counters_reset(t.pc);

	/*
	 * The counters run only while the clock does: they are stopped
	 * around untimed work (rebuild, cache flush), and otherwise left
	 * running from one iteration to the next, where only Google
	 * Benchmark's loop bookkeeping runs between two timed regions.
	 */
	while (gb_keep_running(st)) {
		uint64_t t0, t1;
		unsigned long faults_before = faults;

		if (sb->sw->opt->stop && *sb->sw->opt->stop) {
			gb_skip(st, SWEEP_INTERRUPTED " while this case ran");
			break;
		}

		if (dirty || t.flush_buf) {
			if (counting) {
				perf_counters_disable(t.pc);
				counting = false;
			}
			if (dirty && rebuild(&t)) {
				gb_skip(st, "rebuilding the address space failed");
				break;
			}
			if (t.flush_buf)
				cache_flush(&t);
		}
		if (t.pc && !counting) {
			perf_counters_enable(t.pc);
			counting = true;
		}
		t0 = now_ns();
		ret = 0;
		for (unsigned long k = 0; k < inner && !ret; k++)
			ret = bench_pass(&t, sc, cfg->stages, stage_ns, &faults, &walks, NULL);
		t1 = now_ns();
		if (ret) {
			snprintf(why, sizeof(why), "backend %s returned %d (%s)", sb->ops->name, ret, strerror(-ret));
			gb_skip(st, why);
			break;
		}
		gb_set_iteration_time(st, (double)(t1 - t0) * 1e-9);
		dirty = faults > faults_before;
		iters++;
	}
	if (t.pc) {
		double v[PC_NR];
		bool valid[PC_NR];

		if (counting)
			perf_counters_disable(t.pc);
		if (!perf_counters_read(t.pc, v, valid))
			for (int i = 0; i < PC_NR; i++) {
				ctr_total[i] = v[i];
				ctr_valid[i] = valid[i];
			}
	}
	if (iters) {
		double pages = (double)iters * inner * sc->npages;
		const struct pfn_backend_stats *bs = &t.b->stats;

		gb_counter(st, "pages_per_iter", (double)inner * sc->npages, GB_COUNTER_AVG_THREADS);
		gb_counter(st, "calls_per_iter", (double)inner * calls_per_pass, GB_COUNTER_AVG_THREADS);
		gb_counter(st, result_columns[RCOL_FAULTS_PER_PAGE].name, faults / pages, GB_COUNTER_AVG_THREADS);
		gb_counter(st, result_columns[RCOL_WALKS_PER_CALL].name, walks / ((double)iters * inner * calls_per_pass),
			   GB_COUNTER_AVG_THREADS);
		gb_counter(st, result_columns[RCOL_BYTES_ALLOC_PER_PAGE].name,
			   bs->pages ? (double)bs->bytes_allocated / bs->pages : 0, GB_COUNTER_AVG_THREADS);
		gb_counter(st, result_columns[RCOL_BYTES_PERSISTENT_PER_PAGE].name,
			   (double)bs->bytes_persistent / sc->batch, GB_COUNTER_AVG_THREADS);
		for (int i = 0; i < PC_NR; i++)
			if (ctr_valid[i])
				gb_counter(st, result_columns[RCOL_COUNTER(i)].name, ctr_total[i] / pages,
					   GB_COUNTER_AVG_THREADS);
		if (cfg->stages)
			for (int s = 0; s < PFN_STAGE_NR; s++)
				gb_counter(st, result_columns[RCOL_STAGE(s)].name, stage_ns[s] / pages,
					   GB_COUNTER_AVG_THREADS);
	}
	if (thread0) {
		int actual[EMU_MEM_NR_KINDS];

		sb->pages_per_iter = inner * sc->npages;
		if (placement_verify(t.place, actual) == 0) {
			if (actual[EMU_MEM_DRIVER_ARRAY] == PLACEMENT_NONE)
				actual[EMU_MEM_DRIVER_ARRAY] = drv_node; /* the per-call array */
			placement_format_actual(actual, sb->placement_actual, sizeof(sb->placement_actual));
		}
		else
			copy_str(sb->placement_actual, sizeof(sb->placement_actual), "?");
		if (t.ks && !json_object_get(sb->sw->kernel_source, sc->workload)) {
			json_t *o = json_object();
			if (o && kernel_source_describe(t.ks, o) == 0)
				json_object_set_new(sb->sw->kernel_source, sc->workload, o);
			else
				json_decref(o);
		}
		if (t.pc && !sb->sw->counters) {
			json_t *c = json_object();
			if (c && perf_counters_describe(t.pc, c) == 0)
				sb->sw->counters = c;
			else
				json_decref(c);
		}
	}
out:
	placement_reset_thread_policy();
	bench_thread_free(&t);
}

/* ---- results --------------------------------------------------------- */

static struct sweep_bench *bench_by_name(struct sweep *sw, const char *name)
{
	for (size_t i = 0; i < sw->nr_benches; i++)
		if (!strcmp(sw->benches[i].name, name))
			return &sw->benches[i];
	return NULL;
}

static bool counter_get(const struct gb_run_report *r, const char *name, double *out)
{
	for (size_t i = 0; i < r->nr_counters; i++)
		if (!strcmp(r->counter_names[i], name)) {
			*out = r->counter_values[i];
			return true;
		}
	return false;
}

/* The columns that describe the case (everything but the measurements). */
static void row_init(struct result_row *row, const struct sweep_bench *sb)
{
	const struct sweep_case *sc = sb->sc;

	memset(row, 0, sizeof(*row));
	copy_str(row->case_name, sizeof(row->case_name), sc->key);
	copy_str(row->name, sizeof(row->name), sb->name);
	copy_str(row->backend, sizeof(row->backend), sb->ops->name);
	copy_str(row->workload, sizeof(row->workload), sc->workload);
	copy_str(row->source, sizeof(row->source), config_source_name(sc->source));
	row->npages = sc->npages;
	row->batch = sc->batch;
	copy_str(row->cache, sizeof(row->cache), config_cache_name(sc->cache));
	row->clear_data = sb->sw->cfg->clear_data;
	copy_str(row->array, sizeof(row->array), config_array_name(sc->array));
	row->threads = sc->threads;
	copy_str(row->placement_req, sizeof(row->placement_req), sc->placement);
	copy_str(row->placement_actual, sizeof(row->placement_actual),
		 sb->placement_actual[0] ? sb->placement_actual : "?");
}

static void opt_from(const struct gb_run_report *r, const char *name, struct result_opt *o)
{
	o->valid = counter_get(r, name, &o->v);
}

static void commit(struct sweep *sw, bool force)
{
	uint64_t now = now_ns();
	int ret;

	if (!force && now - sw->t_last_commit_ns < SWEEP_COMMIT_INTERVAL_NS)
		return;
	ret = results_csv_commit(sw->csv, sw->dir);
	if (ret && !sw->commit_error)
		sw->commit_error = ret;
	sw->t_last_commit_ns = now;
}

static void sweep_report(void *ctx, const struct gb_run_report *r)
{
	struct sweep *sw = ctx;
	struct sweep_bench *sb = bench_by_name(sw, r->function_name);
	struct result_row row;
	double secs;

	sw->nr_reports++;
	if (!sb)
		return;
	/* a case cut short by SIGINT/SIGTERM is not a result: no row */
	if (r->error_occurred && !strncmp(r->error_message, SWEEP_INTERRUPTED, strlen(SWEEP_INTERRUPTED)))
		return;
	sw->nr_finished++;
	row_init(&row, sb);
	row.repetition = (unsigned)r->repetition_index;
	if (r->error_occurred) {
		copy_str(row.status, sizeof(row.status), "skipped");
		copy_str(row.skip_reason, sizeof(row.skip_reason), r->error_message);
		if (!sb->skipped_recorded) {
			json_array_append_new(sw->skipped, json_pack("{s:s, s:s}", "case", sb->name, "reason",
								     r->error_message));
			sb->skipped_recorded = true;
		}
	} else {
		double pages_per_iter = 0, calls_per_iter = 0;

		copy_str(row.status, sizeof(row.status), "ok");
		counter_get(r, "pages_per_iter", &pages_per_iter);
		counter_get(r, "calls_per_iter", &calls_per_iter);
		row.iterations = (struct result_opt){ (double)r->iterations, true };
		/*
		 * With T threads Google Benchmark's time per iteration is the
		 * threads' mean time divided by T (iterations are summed over the
		 * threads), so these are aggregate: wall time per page of the
		 * machine's combined throughput, and combined pages per second.
		 */
		if (pages_per_iter > 0) {
			row.ns_per_page = (struct result_opt){ r->real_time_ns / pages_per_iter, true };
			row.pages_per_sec = (struct result_opt){
				r->real_time_ns > 0 ? pages_per_iter / (r->real_time_ns * 1e-9) : 0, r->real_time_ns > 0 };
		}
		if (calls_per_iter > 0)
			row.ns_per_call = (struct result_opt){ r->real_time_ns / calls_per_iter, true };
		/* every measurement the benchmark function handed over as a counter */
		for (int col = 0; col < RCOL_NR; col++)
			if (result_columns[col].flags & RESULT_FROM_GB)
				opt_from(r, result_columns[col].name, result_row_opt(&row, (enum result_col)col));
	}
	if (results_csv_append(sw->csv, &row) && !sw->commit_error)
		sw->commit_error = -ENOMEM;
	commit(sw, false);

	/* progress: case i of N, elapsed, estimated time left */
	if (strcmp(sw->last_name, sb->name) && r->repetition_index + 1 >= r->repetitions) {
		secs = (now_ns() - sw->t_start_ns) * 1e-9;
		copy_str(sw->last_name, sizeof(sw->last_name), sb->name);
		fprintf(stderr, "[%zu/%zu] %-60s %6.1fs elapsed, ~%.0fs left\n", sw->nr_reports, sw->nr_expected,
			sb->name, secs,
			sw->nr_reports ? secs * (double)(sw->nr_expected - sw->nr_reports) / sw->nr_reports : 0);
	}
}

/* ---- expansion ------------------------------------------------------- */

/*
 * Does a pass of this workload fault?  Decided by an untimed dry run of the
 * convert backend on the first min(npages, 4096) pages of the workload's
 * description (the generators are uniform over the range).
 */
static bool case_faults(const struct sweep_config *cfg, const char *workload, unsigned long npages)
{
	struct workload_params wp = { .seed = cfg->seed, .migrated_share = cfg->migrated_share };
	struct emu_mm_params mp = { .pfn_limit = SWEEP_PFN_LIMIT };
	struct emu_page_desc *pages = NULL;
	struct emu_mm *mm = NULL;
	struct pfn_backend *b = NULL;
	unsigned long base, n = npages < 4096 ? npages : 4096;
	enum emu_req req = EMU_REQ_NONE;
	bool faulted = true; /* when in doubt, rebuild */

	if (workload_generate(workload, n, &wp, &base, &pages, &req) || emu_mm_create(&mp, &mm))
		goto out;
	req = request_of(cfg->request, req);
	if (emu_mm_populate(mm, base, pages, workload_mm_npages(workload, n), NULL))
		goto out;
	{
		struct pfn_backend_params bp = { .mm = mm, .max_npages = n };
		struct pfn_call c = { .start = base, .npages = n, .default_req = req };

		if (pfn_backend_create(pfn_backend_find("convert"), &bp, &b))
			goto out;
		if (pfn_backend_range_fault(b, &c) == 0)
			faulted = c.nr_faults > 0;
		pfn_backend_call_done(b, &c);
	}
out:
	pfn_backend_destroy(b);
	emu_mm_destroy(mm);
	free(pages);
	return faulted;
}

static int expand(struct sweep *sw)
{
	const struct sweep_config *cfg = sw->cfg;
	size_t max = cfg->nr_sources * cfg->nr_workloads * cfg->nr_npages * cfg->nr_batch * cfg->nr_caches *
		     cfg->nr_arrays * cfg->nr_placements * cfg->nr_threads;

	sw->cases = calloc(max ? max : 1, sizeof(*sw->cases));
	sw->benches = calloc(max * cfg->nr_backends + 1, sizeof(*sw->benches));
	if (!sw->cases || !sw->benches)
		return -ENOMEM;
	for (size_t so = 0; so < cfg->nr_sources; so++)
	for (size_t w = 0; w < cfg->nr_workloads; w++)
	for (size_t n = 0; n < cfg->nr_npages; n++)
	for (size_t ba = 0; ba < cfg->nr_batch; ba++)
	for (size_t ca = 0; ca < cfg->nr_caches; ca++)
	for (size_t ar = 0; ar < cfg->nr_arrays; ar++)
	for (size_t pl = 0; pl < cfg->nr_placements; pl++)
	for (size_t th = 0; th < cfg->nr_threads; th++) {
		struct sweep_case *sc = &sw->cases[sw->nr_cases];
		unsigned long batch = config_batch_effective(cfg->batch[ba], cfg->npages[n]);
		bool dup = false;
		int len;

		*sc = (struct sweep_case){
			.source = cfg->sources[so], .workload = cfg->workloads[w], .npages = cfg->npages[n],
			.batch = batch, .cache = cfg->caches[ca], .array = cfg->arrays[ar],
			.placement = cfg->placements[pl], .threads = cfg->threads[th],
		};
		len = snprintf(sc->key, sizeof(sc->key), "%s/npages:%lu/batch:%lu%s%s%s%s%s%s", sc->workload,
			       sc->npages, batch, sc->cache == CONFIG_CACHE_COLD ? "/cold" : "",
			       sc->array == CONFIG_ARRAY_KEPT ? "/array:kept" : "",
			       strcmp(sc->placement, "local") ? "/place:" : "",
			       strcmp(sc->placement, "local") ? sc->placement : "",
			       sc->source == CONFIG_SOURCE_KERNEL ? "/kernel" : "", "");
		if (len >= (int)sizeof(sc->key))
			return -ENAMETOOLONG;
		if (sc->threads > 1) {
			size_t l = strlen(sc->key);
			snprintf(sc->key + l, sizeof(sc->key) - l, "/threads:%u", sc->threads);
		}
		sc->may_fault = case_faults(cfg, sc->workload, sc->npages);
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

static int write_meta(struct sweep *sw, bool complete, const char *stopped_at)
{
	json_t *meta = json_object(), *o;
	char ts[32];
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
	json_object_set_new(meta, "timing", json_pack("{s:s, s:s, s:i}", "clock", "CLOCK_MONOTONIC, manual time per iteration",
						      "interleaving", "--benchmark_enable_random_interleaving=true",
						      "min_pages_per_iteration", (int)SWEEP_MIN_PAGES_PER_ITER));
	json_object_set_new(meta, "skipped", json_incref(sw->skipped));
	if (sw->kernel_source && json_object_size(sw->kernel_source))
		json_object_set_new(meta, "kernel_source", json_incref(sw->kernel_source));
	if (sw->bandwidth)
		json_object_set_new(meta, "bandwidth", json_incref(sw->bandwidth));
	ret = meta_write(sw->dir, meta);
	json_decref(meta);
	return ret;
}

/* A new results directory with a copy of the config; err says what failed. */
static int open_results_dir(struct sweep *sw, const struct sweep_options *opt, char *dir_out, size_t dir_len,
			    char *err, size_t errlen)
{
	int ret = results_dir_create(opt->out_parent, sw->dir, sizeof(sw->dir));

	if (ret) {
		snprintf(err, errlen, "%s: cannot create a results directory: %s", opt->out_parent, strerror(-ret));
		return ret;
	}
	copy_str(dir_out, dir_len, sw->dir);
	ret = results_write_atomic(sw->dir, "config.conf", sw->cfg->text, sw->cfg->text_len);
	if (ret)
		snprintf(err, errlen, "%s: cannot write config.conf: %s", sw->dir, strerror(-ret));
	return ret;
}

/* Free what sweep_run() and sweep_count() set up. */
static void sweep_free(struct sweep *sw)
{
	results_csv_destroy(sw->csv);
	json_decref(sw->skipped);
	json_decref(sw->counters);
	json_decref(sw->kernel_source);
	json_decref(sw->bandwidth);
	topo_close(sw->topo);
	free(sw->cases);
	free(sw->benches);
}

int sweep_run(const struct sweep_config *cfg, const struct sweep_options *opt, char *dir_out, size_t dir_len,
	      char *err, size_t errlen)
{
	struct sweep sw = { .cfg = cfg, .opt = opt };
	struct gb_options gbo = { .repetitions = (int)cfg->repetitions, .min_time_s = cfg->min_time_s,
				  .manual_time = true, .console_aggregates_only = true };
	char path[PATH_MAX + 32];
	int ret;

	sw.t_start_ns = now_ns();
	sw.started = time(NULL);
	sw.skipped = json_array();
	sw.kernel_source = json_object();
	ret = topo_open(&sw.topo);
	if (ret) {
		snprintf(err, errlen, "hwloc: cannot read the topology: %s", strerror(-ret));
		goto out;
	}
	sw.llc_bytes = topo_llc_bytes(sw.topo);
	ret = expand(&sw);
	if (ret) {
		snprintf(err, errlen, "%s: cannot expand the sweep: %s", cfg->path, strerror(-ret));
		goto out;
	}
	/* ---- begin cost model block (harness/costmodel.h) ----
	 * The streaming bandwidth for each npages's arrays, measured in this
	 * run before any case, for the report's floor under every curve.
	 * Not fatal: without it the report says the floor is unknown. */
	if (costmodel_bandwidth_json(cfg->npages, cfg->nr_npages, &sw.bandwidth))
		sw.bandwidth = NULL;
	/* ---- end cost model block ---- */
	ret = results_csv_create(&sw.csv);
	if (ret)
		goto out;
	ret = open_results_dir(&sw, opt, dir_out, dir_len, err, errlen);
	if (ret)
		goto out;
	ret = write_meta(&sw, false, "not started");
	if (ret) {
		snprintf(err, errlen, "%s: cannot write meta.json: %s", sw.dir, strerror(-ret));
		goto out;
	}
	for (size_t i = 0; i < sw.nr_benches; i++) {
		const struct sweep_case *sc = sw.benches[i].sc;

		gbo.threads = sc->threads > 1 ? (int)sc->threads : 0;
		/*
		 * Cases that fault rebuild the space (untimed) before every
		 * iteration: a fixed count of SWEEP_FAULT_PAGES pages per
		 * repetition instead of min_time, which would take ~10^5
		 * rebuilds at npages = 1.
		 */
		gbo.iterations = sc->may_fault ? (int64_t)((SWEEP_FAULT_PAGES + sc->npages - 1) / sc->npages) : 0;
		ret = gb_register(sw.benches[i].name, sweep_bench_fn, &sw.benches[i], &gbo);
		if (ret) {
			snprintf(err, errlen, "cannot register %s: %s", sw.benches[i].name, strerror(-ret));
			goto out;
		}
	}
	sw.nr_expected = sw.nr_benches * cfg->repetitions;
	fprintf(stderr, "pfnbench: %zu cases x %zu backends x %u repetitions -> %s\n", sw.nr_cases,
		cfg->nr_backends, cfg->repetitions, sw.dir);
	snprintf(path, sizeof(path), "%s/gbench.json", sw.dir);
	ret = gb_run(path, opt->console ? GB_RUN_CONSOLE : 0, sweep_report, &sw);
	gb_clear();
	commit(&sw, true);
	if (ret == -ENOENT && !sw.nr_reports) {
		snprintf(err, errlen, "no case matched --benchmark_filter: nothing was run");
		write_meta(&sw, false, "no case matched --benchmark_filter");
		ret = -ESRCH;
		goto out;
	}
	if (ret || sw.commit_error) {
		if (ret)
			snprintf(err, errlen, "%s/gbench.json: cannot write Google Benchmark's JSON: %s", sw.dir,
				 strerror(-ret));
		else
			snprintf(err, errlen, "%s/results.csv: cannot write: %s", sw.dir, strerror(-sw.commit_error));
		ret = ret ? ret : sw.commit_error;
		write_meta(&sw, false, "writing results failed");
		goto out;
	}
	if (opt->stop && *opt->stop) {
		char where[128];

		snprintf(where, sizeof(where), "interrupted after %zu of %zu case repetitions", sw.nr_finished,
			 sw.nr_expected);
		ret = write_meta(&sw, false, where);
		if (!ret)
			ret = -EINTR;
		goto out;
	}
	ret = write_meta(&sw, true, NULL);
	if (ret)
		snprintf(err, errlen, "%s: cannot write meta.json: %s", sw.dir, strerror(-ret));
out:
	sweep_free(&sw);
	return ret;
}

/* ---- exact instruction counts under callgrind ------------------------ */

#include <spawn.h>
#include <sys/wait.h>
#include <valgrind/callgrind.h>

extern char **environ;

/*
 * Inside valgrind (--collect-atstart=no): run every case once per backend
 * with collection switched on only around the passes themselves (not the
 * setup, the warm-up pass or the rebuilds), and dump the counts of each
 * case under its name.  counted.tsv says how many pages each dump covers.
 */
static int count_inside(struct sweep *sw, FILE *tsv)
{
	for (size_t i = 0; i < sw->nr_benches; i++) {
		struct sweep_bench *sb = &sw->benches[i];
		const struct sweep_case *sc = sb->sc;
		struct bench_thread t = { 0 };
		uint64_t stage_ns[PFN_STAGE_NR] = { 0 };
		unsigned long faults = 0, walks = 0, pages = 0, calls = 0;
		unsigned long target = sc->npages > SWEEP_MIN_PAGES_PER_ITER ? sc->npages : SWEEP_MIN_PAGES_PER_ITER;
		char why[RESULT_STR_LONG] = "";
		bool dirty;
		int ret = bench_thread_setup(sb, 0, &t, why, sizeof(why));

		if (!ret)
			ret = bench_pass(&t, sc, false, stage_ns, &faults, &walks, NULL);
		if (ret) {
			if (!why[0])
				snprintf(why, sizeof(why), "backend %s returned %d (%s)", sb->ops->name, ret, strerror(-ret));
			fprintf(tsv, "%s\tskipped\t%s\n", sb->name, why);
			bench_thread_free(&t);
			continue;
		}
		dirty = faults > 0;
		faults = walks = 0;
		while (pages < target && !ret) {
			if (dirty && (ret = rebuild(&t)))
				break;
			CALLGRIND_TOGGLE_COLLECT;
			unsigned long before = faults;
			ret = bench_pass(&t, sc, false, stage_ns, &faults, &walks, NULL);
			CALLGRIND_TOGGLE_COLLECT;
			dirty = faults > before;
			pages += sc->npages;
			calls += (sc->npages + sc->batch - 1) / sc->batch;
		}
		CALLGRIND_DUMP_STATS_AT(sb->name);
		if (ret)
			fprintf(tsv, "%s\tskipped\tbackend %s returned %d\n", sb->name, sb->ops->name, ret);
		else
			fprintf(tsv, "%s\tok\t%lu\t%lu\t%.9g\t%.9g\t%.9g\t%.9g\n", sb->name, pages, calls,
				t.b->stats.pages ? (double)t.b->stats.bytes_allocated / t.b->stats.pages : 0.0,
				(double)t.b->stats.bytes_persistent / sc->batch, (double)faults / pages,
				(double)walks / calls);
		bench_thread_free(&t);
	}
	return fflush(tsv) ? -errno : 0;
}

/* Ir of every dump in dir/callgrind/, by dump name; -errno. */
static int read_dumps(const char *dir, json_t *ir_by_name)
{
	char path[PATH_MAX + 64];

	for (unsigned n = 1;; n++) {
		char line[1024], name[RESULT_STR_LONG] = "";
		FILE *f;

		snprintf(path, sizeof(path), "%s/callgrind/out.%u", dir, n);
		f = fopen(path, "r");
		if (!f)
			return n > 1 ? 0 : -ENOENT;
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "desc: Trigger: Client Request: ", 31)) {
				copy_str(name, sizeof(name), line + 31);
				name[strcspn(name, "\n")] = 0;
			} else if (!strncmp(line, "summary: ", 9) && name[0]) {
				json_object_set_new(ir_by_name, name, json_real(strtod(line + 9, NULL)));
			}
		}
		fclose(f);
	}
}

/*
 * `valgrind --version` ("valgrind-3.19.0") into buf, "unknown" when it
 * cannot be run: the counts of one binary differ between valgrind versions,
 * so the baseline records it.
 */
static void valgrind_version(char *buf, size_t len)
{
	FILE *f = popen("valgrind --version 2>/dev/null", "re");

	copy_str(buf, len, "unknown");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	while (fgetc(f) != EOF)
		;
	if (pclose(f) != 0 || !buf[0])
		copy_str(buf, len, "unknown");
}

int sweep_count(const struct sweep_config *cfg_in, const struct sweep_options *opt, const char *inside_dir,
		char *dir_out, size_t dir_len, char *err, size_t errlen)
{
	struct sweep_config cfg = *cfg_in;
	struct sweep sw = { .cfg = &cfg, .opt = opt };
	char path[PATH_MAX + 64], self[PATH_MAX];
	json_t *ir = NULL;
	FILE *tsv = NULL;
	int ret;

	/* no perf counters, no stage clocks: only the passes are counted */
	sw.kind = "callgrind";
	cfg.counters = 0;
	cfg.stages = false;
	sw.t_start_ns = now_ns();
	sw.started = time(NULL);
	sw.skipped = json_array();
	ret = topo_open(&sw.topo);
	if (!ret)
		ret = expand(&sw);
	if (ret) {
		snprintf(err, errlen, "cannot set up the sweep: %s", strerror(-ret));
		goto out;
	}
	if (inside_dir) {
		if (!RUNNING_ON_VALGRIND) {
			snprintf(err, errlen, "--inside is for the run under valgrind that `pfnbench callgrind` starts");
			ret = -EINVAL;
			goto out;
		}
		snprintf(path, sizeof(path), "%s/counted.tsv", inside_dir);
		tsv = fopen(path, "w");
		if (!tsv) {
			ret = -errno;
			snprintf(err, errlen, "%s: %s", path, strerror(-ret));
			goto out;
		}
		ret = count_inside(&sw, tsv);
		goto out;
	}

	/* outside: a results directory, valgrind on ourselves, then the rows */
	ret = open_results_dir(&sw, opt, dir_out, dir_len, err, errlen);
	if (ret)
		goto out;
	snprintf(path, sizeof(path), "%s/callgrind", sw.dir);
	if (mkdir(path, 0755)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		goto out;
	}
	{
		ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
		char outfile[PATH_MAX + 64];
		char *argv[16];
		int argc = 0, status;
		pid_t pid;

		if (l < 0) {
			ret = -errno;
			snprintf(err, errlen, "cannot find this executable: %s", strerror(-ret));
			goto out;
		}
		self[l] = 0;
		snprintf(outfile, sizeof(outfile), "--callgrind-out-file=%s/callgrind/out", sw.dir);
		argv[argc++] = "valgrind";
		argv[argc++] = "--tool=callgrind";
		argv[argc++] = "--collect-atstart=no";
		argv[argc++] = outfile;
		argv[argc++] = "-q";
		argv[argc++] = self;
		argv[argc++] = "callgrind";
		argv[argc++] = "--inside";
		argv[argc++] = sw.dir;
		argv[argc++] = "--config";
		argv[argc++] = (char *)cfg.path;
		argv[argc] = NULL;
		valgrind_version(sw.valgrind_version, sizeof(sw.valgrind_version));
		fprintf(stderr, "pfnbench callgrind: %zu cases x %zu backends under valgrind -> %s\n", sw.nr_cases,
			cfg.nr_backends, sw.dir);
		/* hwloc's x86 CPUID backend cannot run under valgrind: use the others */
		setenv("HWLOC_COMPONENTS", "-x86", 0);
		ret = posix_spawnp(&pid, "valgrind", NULL, NULL, argv, environ);
		if (ret) {
			snprintf(err, errlen, "cannot run valgrind: %s (install the valgrind package)", strerror(ret));
			ret = -ret;
			goto out;
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			snprintf(err, errlen, "the run under valgrind failed (status %d); see its messages above", status);
			ret = -EIO;
			goto out;
		}
	}
	ir = json_object();
	ret = read_dumps(sw.dir, ir);
	if (ret) {
		snprintf(err, errlen, "%s/callgrind: no dumps: %s", sw.dir, strerror(-ret));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/counted.tsv", sw.dir);
	tsv = fopen(path, "r");
	ret = results_csv_create(&sw.csv);
	if (!tsv || ret) {
		ret = ret ? ret : -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		goto out;
	}
	{
		char line[2048];

		while (fgets(line, sizeof(line), tsv)) {
			char *f[9] = { 0 };
			int nf = 0;
			struct sweep_bench *sb;
			struct result_row row;
			json_t *v;

			line[strcspn(line, "\n")] = 0;
			for (char *p = strtok(line, "\t"); p && nf < 9; p = strtok(NULL, "\t"))
				f[nf++] = p;
			sb = nf >= 2 ? bench_by_name(&sw, f[0]) : NULL;
			if (!sb)
				continue;
			row_init(&row, sb);
			if (strcmp(f[1], "ok") || nf < 8 || !(v = json_object_get(ir, f[0]))) {
				copy_str(row.status, sizeof(row.status), "skipped");
				copy_str(row.skip_reason, sizeof(row.skip_reason),
					 nf >= 3 ? f[2] : "no callgrind dump for this case");
				json_array_append_new(sw.skipped, json_pack("{s:s, s:s}", "case", sb->name, "reason",
									    row.skip_reason));
			} else {
				double pages = strtod(f[2], NULL);

				copy_str(row.status, sizeof(row.status), "ok");
				row.iterations = (struct result_opt){ 1, true };
				row.callgrind_ir_per_page = (struct result_opt){ json_real_value(v) / pages, true };
				row.bytes_alloc_per_page = (struct result_opt){ strtod(f[4], NULL), true };
				row.bytes_persistent_per_page = (struct result_opt){ strtod(f[5], NULL), true };
				row.faults_per_page = (struct result_opt){ strtod(f[6], NULL), true };
				row.walks_per_call = (struct result_opt){ strtod(f[7], NULL), true };
			}
			ret = results_csv_append(sw.csv, &row);
			if (ret)
				goto out;
		}
	}
	ret = results_csv_commit(sw.csv, sw.dir);
	if (!ret) {
		sw.counters = json_pack("{s:{s:b, s:s}}", "callgrind_ir", "available", 1, "how",
					"valgrind --tool=callgrind --collect-atstart=no, collection toggled around "
					"each pass (CALLGRIND_TOGGLE_COLLECT), one dump per case");
		ret = write_meta(&sw, true, NULL);
	}
	if (ret)
		snprintf(err, errlen, "%s: cannot write results: %s", sw.dir, strerror(-ret));
out:
	if (tsv)
		fclose(tsv);
	json_decref(ir);
	sweep_free(&sw);
	return ret;
}
