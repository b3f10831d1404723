/*
 * case.c - the case runner (case.h): set up one backend on one address
 * space, pass over it, rebuild it, free it.  What the passes cost is
 * measured by the drivers: sweep_gbench.c (time, perf counters) and
 * sweep_callgrind.c (instructions under callgrind).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "case.h"
#include "kernel_source.h"
#include "msg.h"
#include "perf.h"
#include "placement.h"
#include "workloads.h"

void case_keep_release(struct case_keep *k)
{
	emu_mm_destroy(k->mm);
	placement_ctx_destroy(k->place);
	free(k->pages);
	k->sc = NULL;
	k->mm = NULL;
	k->place = NULL;
	k->pages = NULL;
}

void case_run_free(struct case_run *t)
{
	pfn_backend_destroy(t->b);
	emu_iommu_destroy(t->io);
	kernel_source_destroy(t->ks);
	perf_counters_close(t->pc);
	free(t->flush_buf);
	if (t->from_keep) {
		/* the space goes back to keep (empty: setup took it or released it) */
		struct case_keep *k = t->keep;

		k->place = t->place;
		k->mm = t->mm;
		k->pages = t->pages;
		k->base = t->base;
		k->mm_npages = t->mm_npages;
		k->req = t->space_req;
		return;
	}
	emu_mm_destroy(t->mm);
	placement_ctx_destroy(t->place);
	if (t->own_pages)
		free(t->pages);
}

void case_run_cache_flush(struct case_run *t)
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
static uint64_t case_memory_bytes(const struct case_desc *sc, const struct sweep_config *cfg)
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
int case_memory_check(const struct case_desc *sc, const struct sweep_config *cfg, char *why, size_t whylen)
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
		msg_printf(why, whylen, "needs about %" PRIu64 " MiB of memory, the machine has %" PRIu64
			 " MiB available (lower npages or threads)", need >> 20, avail >> 20);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Bind to one core of the requested node (any node: node 0), one per
 * thread, and place memory (a new placement context unless kept).
 */
static int case_run_place(struct case_run *t, const struct case_desc *sc, const struct case_env *env,
			  int thread_index, bool kept, char *why, size_t whylen)
{
	struct placement_req req;
	int ret, nodes, cpu_node;
	int cpus[1024];

	ret = placement_req_parse(sc->placement, &req, why, whylen);
	if (ret)
		return ret;
	ret = placement_check(env->topo, &req, why, whylen);
	if (ret)
		return ret;
	cpu_node = req.cpu_node >= 0 ? req.cpu_node : 0;
	nodes = topo_cpus_of_node(env->topo, cpu_node, cpus, 1024);
	if (nodes > 0) {
		ret = topo_bind_thread(env->topo, cpu_node, thread_index % nodes, why, whylen);
		if (ret && ret != -ENOTSUP)
			return ret;
	}
	placement_set_thread_policy(&req);
	return kept ? 0 : placement_ctx_create(&req, 0, &t->place, why, whylen);
}

int case_run_space_pages(struct case_run *t, const struct emu_mm_params *mp, unsigned long base,
			 struct emu_page_desc *pages, unsigned long npages, struct emu_build_error *berr)
{
	int ret;

	t->base = base;
	t->pages = pages;
	t->mm_npages = npages;
	ret = emu_mm_create(mp, &t->mm);
	return ret ? ret : emu_mm_populate(t->mm, t->base, t->pages, t->mm_npages, berr);
}

/* The case's address space: the workload's description, or the real page table. */
static int case_run_space(struct case_run *t, const struct case_desc *sc, const struct emu_mm_params *mp,
			  const struct sweep_config *cfg, char *why, size_t whylen)
{
	struct workload_params wp = { .seed = cfg->seed, .migrated_share = cfg->migrated_share };
	struct emu_build_error berr = { 0 };
	struct emu_page_desc *pages;
	unsigned long base;
	int ret;

	if (sc->source == CONFIG_SOURCE_KERNEL) {
		/* the process's own memory, shaped by system calls (kernel_source.h) */
		ret = emu_mm_create(mp, &t->mm);
		if (ret) {
			msg_printf(why, whylen, "cannot create the emulated mm: %s", strerror(-ret));
			return ret;
		}
		ret = kernel_source_create(sc->workload, sc->npages, &wp, t->mm, &t->req, &t->ks, why, whylen);
		if (ret)
			return ret;
		t->base = kernel_source_base(t->ks);
		t->mm_npages = kernel_source_npages(t->ks);
		t->req = request_of(cfg->request, t->req);
		return 0;
	}
	ret = workload_generate(sc->workload, sc->npages, &wp, &base, &pages, &t->req);
	if (ret) {
		msg_printf(why, whylen, "workload %s: cannot generate %lu pages: %s", sc->workload, sc->npages,
			   strerror(-ret));
		return ret;
	}
	t->pages = pages;   /* ours from here, whatever fails next */
	t->own_pages = true;
	t->req = request_of(cfg->request, t->req);
	ret = case_run_space_pages(t, mp, base, pages, workload_mm_npages(sc->workload, sc->npages), &berr);
	if (ret && !t->mm)
		msg_printf(why, whylen, "cannot create the emulated mm: %s", strerror(-ret));
	else if (ret)
		msg_printf(why, whylen, "workload %s: page %lu: %s", sc->workload, berr.index,
			   berr.what ? berr.what : strerror(-ret));
	return ret;
}

int case_run_backend(struct case_run *t, const struct pfn_backend_ops *ops, unsigned long max_npages)
{
	struct pfn_backend_params bp = { .mm = t->mm, .max_npages = max_npages, .iommu = t->io,
					 .iommu_base = t->base, .source = t->ks ? kernel_source_walk(t->ks) : NULL,
					 .range_start = t->base, .range_npages = t->mm_npages };

	return pfn_backend_create(ops, &bp, &t->b);
}

enum emu_req case_backend_request(const struct pfn_backend_ops *ops, enum emu_req req)
{
	/*
	 * A driver that always faults (amdgpu: REQ_FAULT | REQ_WRITE for a
	 * writable BO) mirrors a range with its own request; the results say
	 * which request each row made (column "request").
	 */
	if (req == EMU_REQ_NONE && (ops->caps & PFN_CAP_FAULTS) && !(ops->caps & PFN_CAP_SNAPSHOT))
		return EMU_REQ_WRITE;
	return req;
}

/* Move k's space into t (case_run_free() puts it back). */
static void case_keep_take(struct case_run *t, struct case_keep *k)
{
	t->place = k->place;
	t->mm = k->mm;
	t->pages = k->pages;
	t->own_pages = true;
	t->base = k->base;
	t->mm_npages = k->mm_npages;
	t->req = t->space_req = k->req;
	t->from_keep = true;
	k->place = NULL;
	k->mm = NULL;
	k->pages = NULL;
	k->reuses++;
}

int case_run_setup(struct case_run *t, const struct case_desc *sc, const struct pfn_backend_ops *ops,
		   const struct case_env *env, int thread_index, char *why, size_t whylen)
{
	const struct sweep_config *cfg = env->cfg;
	struct emu_mm_params mp = { .pfn_limit = CASE_PFN_LIMIT, .clear_data = cfg->clear_data };
	struct case_keep *k = sc->source == CONFIG_SOURCE_EMULATED ? t->keep : NULL;
	bool kept = k && k->sc == sc && k->mm;
	int ret;

	if (t->keep && !kept)
		case_keep_release(t->keep);   /* another case's, or a space this one does not keep */
	/* a kept space is already there: the check would count it twice */
	ret = kept ? 0 : case_memory_check(sc, cfg, why, whylen);
	if (!ret)
		ret = case_run_place(t, sc, env, thread_index, kept, why, whylen);
	if (ret)
		return ret;
	if (kept)
		case_keep_take(t, k);
	mp.mem = placement_ctx_ops(t->place);
	if (kept && emu_mm_changed(t->mm)) {
		/* as case_run_rebuild(), before any backend: the same layout */
		k->refills++;
		ret = emu_mm_populate(t->mm, t->base, t->pages, t->mm_npages, NULL);
		if (ret) {
			msg_printf(why, whylen, "cannot repopulate the kept address space: %s", strerror(-ret));
			t->from_keep = false;   /* freed, not kept */
			k->sc = NULL;
			return ret;
		}
	} else if (!kept) {
		ret = case_run_space(t, sc, &mp, cfg, why, whylen);
		if (ret)
			return ret;
		t->space_req = t->req;
		if (k) {
			t->from_keep = true;
			k->sc = sc;
			k->builds++;
		}
	}
	if (t->ks && !kernel_source_pfns_real(t->ks) && pfn_backend_reads_struct_page(ops)) {
		msg_printf(why, whylen, CASE_PFNS_HIDDEN ": %s reads struct page per entry, and every entry "
			   "would load pfn 0's one line (run as root to time it)", ops->name);
		return -EACCES;
	}
	t->req = case_backend_request(ops, t->req);
	if (cfg->dma && (ops->caps & PFN_CAP_FAULTS)) {
		/* the driver maps its words per window, before they go away (backend.h) */
		ret = emu_iommu_create(mp.mem, sc->npages, &t->io);
		if (ret) {
			msg_printf(why, whylen, "cannot create the IOMMU model: %s", strerror(-ret));
			return ret;
		}
	}
	ret = case_run_backend(t, ops, sc->batch);
	if (ret) {
		msg_printf(why, whylen, "cannot create backend %s: %s", ops->name, strerror(-ret));
		return ret;
	}
	if (cfg->counters) {
		ret = perf_counters_open(&t->pc, cfg->counters & PC_MASK_ALL);
		if (ret) {
			msg_printf(why, whylen, "perf counters: %s", strerror(-ret));
			return ret;
		}
	}
	if (sc->cache == CONFIG_CACHE_COLD) {
		t->flush_bytes = 2 * (env->llc_bytes ? env->llc_bytes : (32UL << 20));
		t->flush_buf = malloc(t->flush_bytes);
		if (!t->flush_buf) {
			msg_printf(why, whylen, "cannot allocate the %zu-byte cache flush buffer", t->flush_bytes);
			return -ENOMEM;
		}
	}
	return 0;
}

int case_run_pass(struct case_run *t, const struct case_desc *sc, bool staged, uint64_t stage_ns[PFN_STAGE_NR],
		  unsigned long *faults, unsigned long *walks)
{
	/*
	 * One struct for every call, its fields set one by one: a literal
	 * per call was zeroed with unaligned 16-byte stores that the
	 * backend's 8-byte loads of the same fields could not forward from
	 * (perf annotate: most of the null backend's time per call).
	 */
	struct pfn_call c = { .default_req = t->req };

	for (unsigned long off = 0; off < sc->npages; off += sc->batch) {
		c.start = t->base + (off << PAGE_SHIFT);
		c.npages = sc->npages - off < sc->batch ? sc->npages - off : sc->batch;
		/* windows, stages and the DMA map (dma = yes) are the backend's (backend.h) */
		int ret = staged ? pfn_backend_range_fault_staged(t->b, &c, case_now_ns, stage_ns)
				 : pfn_backend_range_fault(t->b, &c);

		if (ret)
			return ret;
		*faults += c.nr_faults;
		*walks += c.nr_walks;
	}
	return 0;
}

int case_run_rebuild(struct case_run *t)
{
	int ret = t->ks ? kernel_source_reset(t->ks) : emu_mm_populate(t->mm, t->base, t->pages, t->mm_npages, NULL);

	if (ret && t->from_keep) {
		/* a failed populate leaves the space cleared, and emu_mm_changed() false: not kept */
		t->from_keep = false;
		t->keep->sc = NULL;
	}
	/* the notifier callbacks of the teardown, untimed as the kernel runs them at munmap (backend.h) */
	if (!ret && t->b)
		pfn_backend_mmu_notify(t->b);
	return ret;
}

/* Does one 6.1 walk over the first pages with request req fault? */
static bool dry_run_faults(const struct sweep_config *cfg, const char *workload, unsigned long npages, bool write)
{
	struct workload_params wp = { .seed = cfg->seed, .migrated_share = cfg->migrated_share };
	struct emu_mm_params mp = { .pfn_limit = CASE_PFN_LIMIT };
	struct emu_page_desc *pages = NULL;
	struct emu_mm *mm = NULL;
	uint64_t *pfns = NULL;
	unsigned long base, n = npages < 4096 ? npages : 4096;
	enum emu_req req = EMU_REQ_NONE;
	bool faulted = true; /* when in doubt, rebuild */

	if (workload_generate(workload, n, &wp, &base, &pages, &req) || emu_mm_create(&mp, &mm))
		goto out;
	req = write ? EMU_REQ_WRITE : request_of(cfg->request, req);
	pfns = calloc(n, sizeof(*pfns));
	if (!pfns || emu_mm_populate(mm, base, pages, workload_mm_npages(workload, n), NULL))
		goto out;
	{
		struct hmm_range r = {
			.mm = mm, .start = base, .end = base + (n << PAGE_SHIFT), .hmm_pfns = pfns,
			.dev_private_owner = emu_mm_owner(mm),
			.default_flags = req == EMU_REQ_NONE ? 0 : req == EMU_REQ_READ ? HMM_PFN_REQ_FAULT
							: HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE,
		};

		if (hmm_range_fault(&r) == 0)
			faulted = r.nr_faults > 0;
	}
out:
	free(pfns);
	emu_mm_destroy(mm);
	free(pages);
	return faulted;
}

bool case_may_fault(const struct sweep_config *cfg, const char *workload, unsigned long npages,
		    bool own_write_request)
{
	return dry_run_faults(cfg, workload, npages, false) ||
	       (own_write_request && dry_run_faults(cfg, workload, npages, true));
}
