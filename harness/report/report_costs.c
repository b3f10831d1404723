/*
 * report_costs.c - what the numbers stand on: the header's lines on the
 * kernels/ build flags and on how much of the emulator's page tables and
 * memmap was on 2 MiB pages (meta.json "build", "hugepages"), and the
 * headline's paragraph on what the conversion share counts: which costs
 * the emulator models, which were measured on this machine's kernel, which
 * are left out, and the share again with the measured fixed costs added
 * (meta.json "fixed_costs", harness/measure/fixedcost.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_priv.h"

/* ---- header ------------------------------------------------------------------ */

static const char *str_or(const char *s)
{
	return s ? s : "?";
}

/* "page tables 100.0% of 2.0 MiB" (mean per case run) for kind key of meta.json's hugepages. */
static void huge_kind_text(char *buf, size_t len, json_t *hp, const char *key, const char *label)
{
	json_t *o = json_object_get(hp, key);
	json_int_t checks = json_integer_value(json_object_get(hp, "checks"));
	double res = (double)json_integer_value(json_object_get(o, "resident_bytes"));
	double huge = (double)json_integer_value(json_object_get(o, "huge_bytes"));

	if (!json_is_object(o) || res <= 0)
		fmt_to(buf + strlen(buf), len - strlen(buf), "%s%s: none resident", *buf ? ", " : "", label);
	else
		fmt_to(buf + strlen(buf), len - strlen(buf), "%s%s %.1f%% of %.1f MiB", *buf ? ", " : "", label,
		       huge / res * 100, res / (double)(checks > 0 ? checks : 1) / (1 << 20));
}

/* "; lowest: memmap 50.0% in CASE" for a kind whose worst run is below its share. */
static void huge_kind_lowest(char *buf, size_t len, json_t *hp, const char *key, const char *label)
{
	json_t *o = json_object_get(hp, key), *low = json_object_get(o, "lowest_share");
	double res = (double)json_integer_value(json_object_get(o, "resident_bytes"));
	double huge = (double)json_integer_value(json_object_get(o, "huge_bytes"));

	if (res > 0 && json_is_number(low) && json_number_value(low) < huge / res - 1e-9)
		fmt_to(buf + strlen(buf), len - strlen(buf), "; lowest %s %.1f%% in %s", label,
		       json_number_value(low) * 100, str_or(json_string_value(json_object_get(o, "lowest_case"))));
}

void header_build_memory(struct report *r)
{
	json_t *hp = r->m->meta ? json_object_get(r->m->meta, "hugepages") : NULL;
	const char *kf = rmodel_meta_str(r->m, "build", "kernels_flags");
	char line[1024] = "";

	fprintf(r->out, "kernels/:  ");
	fmt_to(line, sizeof(line), "%s%s", kf ? kf : "flags not recorded (a run before meta.json had them)",
	       kf && strcmp(kf, "project flags") ? " (after the flags above)" : "");
	wrap(r->out, line, 11, "           ");
	line[0] = '\0';
	if (!json_is_object(hp)) {
		fmt_to(line, sizeof(line), "not checked (no \"hugepages\" in meta.json: callgrind, or a run "
		       "before the check)");
	} else {
		huge_kind_text(line, sizeof(line), hp, "pgtable", "page tables");
		huge_kind_text(line, sizeof(line), hp, "memmap", "memmap");
		fmt_to(line + strlen(line), sizeof(line) - strlen(line),
		       " on 2 MiB pages (mean of %lld case runs, %s", (long long)json_integer_value(json_object_get(hp,
		       "checks")), str_or(json_string_value(json_object_get(hp, "method"))));
		huge_kind_lowest(line, sizeof(line), hp, "pgtable", "page tables");
		huge_kind_lowest(line, sizeof(line), hp, "memmap", "memmap");
		fmt_to(line + strlen(line), sizeof(line) - strlen(line), ")");
	}
	fprintf(r->out, "Huge pgs:  ");
	wrap(r->out, line, 11, "           ");
}

/* ---- the headline's costs --------------------------------------------------- */

/* The measured fixed costs (fixedcost.h). */
struct fc {
	double ioctl, lock, fault, pm_call, pm_page;	/* ns, NAN when not measured */
	const char *kernel;
	json_t *left_out;
	json_t *new_pages;	/* "new_pages_per_page": per BACKEND/CASE */
};

static double fc_ns(json_t *fc, const char *key)
{
	json_t *v = json_object_get(json_object_get(fc, key), "ns");

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static const struct {
	const char *workload, *label;
} cw[] = { { "mirror", "mirror" }, { "first-touch", "1st-touch" }, { "thp", "thp" } };
#define NR_CW (sizeof(cw) / sizeof(cw[0]))

/* What the share counts: modelled, measured here, left out. */
static void costs_what(struct report *r, const struct fc *c)
{
	char text[3072], n1[16], n2[16], n3[16];
	size_t i;

	fmt_to(n1, sizeof(n1), isnan(c->pm_call) ? "?" : "%.0f", c->pm_call);
	fmt_to(n2, sizeof(n2), isnan(c->pm_page) ? "?" : "%.1f", c->pm_page);
	fmt_to(n3, sizeof(n3), isnan(c->fault) ? "?" : "%.0f", c->fault);
	fmt_to(text, sizeof(text),
	       "What the share counts. Modelled (emulated source): the walk of each driver's kernel version, "
	       "the faults' page-table and struct page work (with clear_data = yes the 4 KiB clear too), the "
	       "driver's per-call allocation and pass, and with dma = yes the DMA map and GPU PTE writes. "
	       "Measured on this machine's kernel (%s): on the kernel source the page table is this "
	       "process's own, read with pagemap (%s ns a call and %s ns a page here), and its faults are "
	       "real MADV_POPULATE faults (%s ns a fresh 4 KiB page here, with allocator, memcg charge, "
	       "zeroing, rmap and LRU). Left out of both sources:",
	       c->kernel ? c->kernel : "?", n1, n2, n3);
	for (i = 0; i < json_array_size(c->left_out); i++)
		fmt_to(text + strlen(text), sizeof(text) - strlen(text), "%s %s", i ? ";" : "",
		       str_or(json_string_value(json_array_get(c->left_out, i))));
	if (!i)
		fmt_to(text + strlen(text), sizeof(text) - strlen(text), " not recorded");
	fmt_to(text + strlen(text), sizeof(text) - strlen(text),
	       ". Left out of the emulated source also: the driver's entry and the mmap lock per call, and "
	       "the real fault's allocator, memcg charge, rmap and LRU.");
	wrap(r->out, text, 0, "");
	fprintf(r->out, "\n");
}

/*
 * The emulated share of backend b at batch without and with the fixed
 * costs: per call an ioctl, per hmm_range_fault() call (at most one per
 * window; no more than its walks) the mmap lock, per page a pass
 * allocated a real fault (*with NAN when the run did not record how many
 * pages it allocated); *npages the case's.  0, -ENODATA, -ENOMEM.
 */
static int costs_share(struct report *r, const struct fc *c, int b, size_t w, long batch, double *plain,
		       double *with, long *npages)
{
	const struct rpair *p = rmodel_pair(r->m, cw[w].workload);
	const struct rcase *rc = p ? rmodel_conv_case(r->m, p->grp[CONFIG_SOURCE_EMULATED], batch) : NULL;
	double v[PFN_STAGE_NR], sum, conv = 0, walks = INFINITY, calls, extra;
	unsigned window = pfn_backends[b]->window;
	char name[512];
	json_t *np;
	int ret;

	if (!rc)
		return -ENODATA;
	ret = rmodel_stage_medians(r->m, rc, b, v, &sum);
	if (ret)
		return ret;
	for (int k = 0; k < PFN_STAGE_NR; k++)
		if (pfn_stage_info[k].conversion && !isnan(v[k]))
			conv += v[k];
	fmt_to(name, sizeof(name), "%s/%s", rmodel_backend_name(r->m, b), rc->name);
	np = json_object_get(c->new_pages, name);
	if ((ret = rmodel_median(r->m, rc, b, RCOL_WALKS_PER_CALL, &walks)) == -ENODATA)
		walks = INFINITY;
	else if (ret)
		return ret;
	calls = window ? ceil((double)rc->batch / window) : 1;
	if (walks < calls)
		calls = walks; /* a large map covers more than its window (nouveau v5.9+ on a THP) */
	extra = c->ioctl / (double)rc->batch + c->lock * calls / (double)rc->batch;
	*npages = rc->npages;
	*plain = conv / sum * 100;
	*with = json_is_number(np) ? conv / (sum + extra + c->fault * json_number_value(np)) * 100 : NAN;
	return 0;
}

/* The points: each compared conversion backend at its window, the headline one at 512. */
static size_t costs_points(const struct rmodel *m, int *pb, long *pbatch)
{
	size_t n = 0;

	for (size_t k = 0; k < m->nr_comps; k++) {
		int b = m->comp_b[k][0], dup = 0;

		for (size_t i = 0; i < n; i++)
			dup |= pb[i] == b;
		if (dup)
			continue;
		pb[n] = b;
		pbatch[n++] = pfn_backends[b]->window ? (long)pfn_backends[b]->window : -1;
	}
	if (m->conv >= 0) {
		pb[n] = m->conv;
		pbatch[n++] = 512;
	}
	return n;
}

/* The table: per point and workload, the emulated share and the share with the fixed costs. */
static int costs_table(struct report *r, const struct fc *c, double *lo, double *hi)
{
	int pb[PFN_MAX_COMPARISONS + 1];
	long pbatch[PFN_MAX_COMPARISONS + 1];
	size_t n = costs_points(r->m, pb, pbatch), rows = 0;
	FILE *f = r->out;

	fprintf(f, "%-20s%6s", "emulated source", "batch");
	for (size_t w = 0; w < NR_CW; w++)
		fprintf(f, "  %-14s", cw[w].label);
	fprintf(f, "\n%-26s", "");
	for (size_t w = 0; w < NR_CW; w++)
		fprintf(f, "  %6s %7s", "share", "+fixed");
	fprintf(f, "\n");
	for (size_t i = 0; i < n; i++) {
		char cells[NR_CW][2][16];
		long shown = pbatch[i];

		for (size_t w = 0; w < NR_CW; w++) {
			double a = 0, b = 0;
			long np = 0;
			int ret = costs_share(r, c, pb[i], w, pbatch[i], &a, &b, &np);

			if (ret && ret != -ENODATA)
				return ret;
			fmt_to(cells[w][0], sizeof(cells[w][0]), ret ? "-" : "%.1f%%", a);
			fmt_to(cells[w][1], sizeof(cells[w][1]), ret || isnan(b) ? "-" : "%.1f%%", b);
			if (!ret && pbatch[i] < 0 && np > shown)
				shown = np;
			if (ret || isnan(b))
				continue;
			rows++;
			*lo = b < *lo ? b : *lo;
			*hi = b > *hi ? b : *hi;
		}
		/* a whole-call point shows its largest npages, as the share table above does */
		fprintf(f, "%-20.20s", rmodel_backend_name(r->m, pb[i]));
		if (shown < 0)
			fprintf(f, "%6s", "-");
		else
			fprintf(f, "%6ld", shown);
		for (size_t w = 0; w < NR_CW; w++)
			fprintf(f, "  %6s %7s", cells[w][0], cells[w][1]);
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
	return (int)rows;
}

int headline_costs(struct report *r)
{
	json_t *fcj = r->m->meta ? json_object_get(r->m->meta, "fixed_costs") : NULL;
	struct fc c = {
		.ioctl = fc_ns(fcj, "ioctl_ns"), .lock = fc_ns(fcj, "mmap_lock_ns"),
		.fault = fc_ns(fcj, "fault_ns_per_page"), .pm_call = fc_ns(fcj, "pagemap_ns_per_call"),
		.pm_page = fc_ns(fcj, "pagemap_ns_per_page"),
		.kernel = json_string_value(json_object_get(fcj, "kernel")), .left_out = json_object_get(fcj, "left_out"),
		.new_pages = json_object_get(fcj, "new_pages_per_page"),
	};
	double lo = INFINITY, hi = -INFINITY;
	char text[1024];
	int rows;

	if (!json_is_object(fcj)) {
		wrap(r->out, "This run did not measure the real path's fixed costs (no \"fixed_costs\" in meta.json), "
		     "so the share above is of the modelled path only: per call the driver's entry, the mmap lock, "
		     "the interval notifier and the GPU's PTE writes and TLB invalidate, and per fault the "
		     "allocator, memcg charge, rmap and LRU are left out.", 0, "");
		fprintf(r->out, "\n");
		return 0;
	}
	costs_what(r, &c);
	if (isnan(c.ioctl) || isnan(c.lock) || isnan(c.fault))
		return 0;
	fmt_to(text, sizeof(text),
	       "Adding the measured fixed costs to the emulated source (+fixed): an ioctl round trip (%.0f ns) "
	       "per call of batch pages, the mmap lock (%.0f ns, an mprotect() stand-in) per hmm_range_fault() "
	       "call of the driver's window, and a real fault (%.0f ns) per page the pass allocated (fresh, "
	       "copy-on-write, swap-in or migrated back), on top of the emulated fault's own page-table work "
	       "(counted twice, so +fixed is if anything low; - = no record of the allocations). The "
	       "kernel source already pays a system call and the mmap lock per call (its pagemap read) and "
	       "real faults: its share stays as in the table above.",
	       c.ioctl, c.lock, c.fault);
	wrap(r->out, text, 0, "");
	fprintf(r->out, "\n");
	rows = costs_table(r, &c, &lo, &hi);
	if (rows < 0)
		return rows;
	if (rows) {
		fmt_to(text, sizeof(text), "With the fixed costs the emulated conversion share is %.1f%% to %.1f%% "
		       "over these points.", lo, hi);
		wrap(r->out, text, 0, "");
		fprintf(r->out, "\n");
	}
	return 0;
}
