/*
 * hugepages.c - how much of the emulator's page tables and memmap is on
 * 2 MiB pages (hugepages.h): PAGEMAP_SCAN, or /proc/self/smaps.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hugepages.h"
#include "pagemap_uapi.h"

const char *const hugepages_kind_name[HUGEPAGES_NR] = { "pgtable", "memmap" };

#define HP_METHOD_SCAN "PAGEMAP_SCAN PAGE_IS_HUGE"
#define HP_METHOD_SMAPS "smaps AnonHugePages"
#define HP_VEC 64

struct hp_range {
	uintptr_t start, end;
	enum hugepages_kind kind;
};

struct hp_ranges {
	struct hp_range *r;
	size_t nr, cap;
};

static int ranges_add(struct hp_ranges *rs, const void *p, size_t len, enum hugepages_kind kind)
{
	if (!p || !len)
		return 0;
	if (rs->nr == rs->cap) {
		size_t cap = rs->cap ? 2 * rs->cap : 64;
		struct hp_range *n = realloc(rs->r, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		rs->r = n;
		rs->cap = cap;
	}
	rs->r[rs->nr++] = (struct hp_range){ (uintptr_t)p, (uintptr_t)p + len, kind };
	return 0;
}

/* Every page-table chunk and backed memmap section. */
static int ranges_of(const struct emu_mm *mm, const struct emu_iommu *io, struct hp_ranges *rs)
{
	const struct emu_memmap *mmap_ = &mm->memmap;
	int ret = 0;

	for (unsigned long i = 0; i < mm->nr_pt_chunks && !ret; i++)
		ret = ranges_add(rs, mm->pt_chunks[i], mm->pt_chunk_size, HUGEPAGES_PGTABLE);
	for (unsigned long i = 0; io && i < io->nr_chunks && !ret; i++)
		ret = ranges_add(rs, io->chunks[i], EMU_HUGE_SIZE, HUGEPAGES_PGTABLE);
	for (unsigned long k = 0; k < mmap_->nr_present && !ret; k++)
		ret = ranges_add(rs, mmap_->vmemmap + mmap_->present_secs[k] * PAGES_PER_SECTION,
				 PAGES_PER_SECTION * sizeof(struct page), HUGEPAGES_MEMMAP);
	return ret;
}

/* PAGEMAP_SCAN over one range.  0, or -errno of the ioctl (-EINVAL/-ENOTTY: no such ioctl). */
static int scan_range(int fd, const struct hp_range *r, struct hugepages_usage *u)
{
	struct page_region vec[HP_VEC];
	uint64_t start = r->start;

	while (start < r->end) {
		struct pm_scan_arg arg = {
			.size = sizeof(arg), .start = start, .end = r->end, .vec = (uintptr_t)vec, .vec_len = HP_VEC,
			.category_mask = PAGE_IS_PRESENT, .return_mask = PAGE_IS_PRESENT | PAGE_IS_HUGE,
		};
		long n = ioctl(fd, PAGEMAP_SCAN, &arg);

		if (n < 0)
			return -errno;
		for (long i = 0; i < n; i++) {
			uint64_t bytes = vec[i].end - vec[i].start;

			u->resident[r->kind] += bytes;
			if (vec[i].categories & PAGE_IS_HUGE)
				u->huge[r->kind] += bytes;
		}
		if (n < HP_VEC || arg.walk_end >= r->end || arg.walk_end <= start)
			break;
		start = arg.walk_end;
	}
	return 0;
}

/* Add a mapping's kB values to every kind whose ranges it overlaps, in proportion. */
static void smaps_vma(const struct hp_ranges *rs, uintptr_t vs, uintptr_t ve, uint64_t rss_kb, uint64_t huge_kb,
		      struct hugepages_usage *u)
{
	double len = (double)(ve - vs);

	if (ve <= vs)
		return;
	for (size_t i = 0; i < rs->nr; i++) {
		uintptr_t s = rs->r[i].start > vs ? rs->r[i].start : vs;
		uintptr_t e = rs->r[i].end < ve ? rs->r[i].end : ve;
		double share;

		if (e <= s)
			continue;
		share = (double)(e - s) / len;
		u->resident[rs->r[i].kind] += (uint64_t)((double)rss_kb * 1024 * share + 0.5);
		u->huge[rs->r[i].kind] += (uint64_t)((double)huge_kb * 1024 * share + 0.5);
	}
}

/* /proc/self/smaps: each mapping's Rss and AnonHugePages.  0 or -errno. */
static int smaps_measure(const struct hp_ranges *rs, struct hugepages_usage *u)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	char line[512];
	uintptr_t vs = 0, ve = 0;
	uint64_t rss = 0, huge = 0, v;
	int in_vma = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		uintptr_t a, b;

		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", &a, &b) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			if (in_vma)
				smaps_vma(rs, vs, ve, rss, huge, u);
			vs = a;
			ve = b;
			rss = huge = 0;
			in_vma = 1;
		} else if (sscanf(line, "Rss: %" SCNu64 " kB", &v) == 1) {
			rss = v;
		} else if (sscanf(line, "AnonHugePages: %" SCNu64 " kB", &v) == 1) {
			huge = v;
		}
	}
	if (in_vma)
		smaps_vma(rs, vs, ve, rss, huge, u);
	fclose(f);
	return 0;
}

int hugepages_measure(const struct emu_mm *mm, const struct emu_iommu *io, struct hugepages_usage *u)
{
	struct hp_ranges rs = { 0 };
	const char *force = getenv("PFNBENCH_HUGEPAGES_METHOD");
	int ret, fd = -1;

	memset(u, 0, sizeof(*u));
	if (!mm)
		return -EINVAL;
	ret = ranges_of(mm, io, &rs);
	if (ret)
		goto out;
	if (!force || strcmp(force, "smaps"))
		fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		u->method = HP_METHOD_SCAN;
		for (size_t i = 0; i < rs.nr && !ret; i++)
			ret = scan_range(fd, &rs.r[i], u);
		close(fd);
		if (!ret || (ret != -EINVAL && ret != -ENOTTY))
			goto out;
		memset(u, 0, sizeof(*u)); /* no PAGEMAP_SCAN (before Linux 6.7) */
	}
	u->method = HP_METHOD_SMAPS;
	ret = smaps_measure(&rs, u);
out:
	free(rs.r);
	return ret;
}

/* obj[key] as an integer, 0 when absent. */
static json_int_t jint(json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

int hugepages_tally(json_t *obj, const char *case_name, const struct hugepages_usage *u)
{
	int ret = 0;

	if (!json_object_get(obj, "advice"))
		ret |= json_object_set_new(obj, "advice",
					   json_string("MADV_HUGEPAGE on 2 MiB-aligned ranges (transparent huge "
						       "pages); hugetlb pages not used"));
	ret |= json_object_set_new(obj, "method", json_string(u->method ? u->method : "?"));
	ret |= json_object_set_new(obj, "checks", json_integer(jint(obj, "checks") + 1));
	for (int k = 0; k < HUGEPAGES_NR; k++) {
		json_t *o = json_object_get(obj, hugepages_kind_name[k]);
		json_int_t res, huge;
		double share = u->resident[k] ? (double)u->huge[k] / (double)u->resident[k] : 1.0;

		if (!o) {
			o = json_object();
			if (!o || json_object_set_new(obj, hugepages_kind_name[k], o))
				return -ENOMEM;
		}
		res = jint(o, "resident_bytes") + (json_int_t)u->resident[k];
		huge = jint(o, "huge_bytes") + (json_int_t)u->huge[k];
		ret |= json_object_set_new(o, "resident_bytes", json_integer(res));
		ret |= json_object_set_new(o, "huge_bytes", json_integer(huge));
		ret |= json_object_set_new(o, "huge_share", res ? json_real((double)huge / (double)res) : json_null());
		if (u->resident[k] && (!json_object_get(o, "lowest_share") ||
				       share < json_real_value(json_object_get(o, "lowest_share")))) {
			ret |= json_object_set_new(o, "lowest_share", json_real(share));
			ret |= json_object_set_new(o, "lowest_case", json_string(case_name ? case_name : "?"));
		}
	}
	return ret ? -ENOMEM : 0;
}
