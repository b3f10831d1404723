/*
 * fixedcost.c - the real fault path's fixed costs on this machine's
 * kernel (fixedcost.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "fixedcost.h"
#include "mm.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define FC_PAGE 4096UL
#define FC_FAULT_PAGES 512UL
#define FC_LOOP 2000	/* system calls per run */
#define FC_PM_LOOP 200	/* 512-entry preads per run */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* What one run measures: ns per operation, or < 0 (-errno) when it cannot. */
enum fc_what { FC_SYSCALL, FC_IOCTL, FC_MPROTECT, FC_FAULT, FC_PM_CALL, FC_PM_512 };

struct fc_ctx {
	int pipe_fd[2];
	int pagemap_fd;
	uint8_t *page;		/* one touched read/write page */
	uint8_t *present;	/* FC_FAULT_PAGES touched pages */
};

static double run_fault(void)
{
	size_t len = FC_FAULT_PAGES * FC_PAGE;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t t0, t1;
	int ret;

	if (p == MAP_FAILED)
		return -errno;
	(void)madvise(p, len, MADV_NOHUGEPAGE);
	t0 = now_ns();
	ret = madvise(p, len, MADV_POPULATE_WRITE);
	t1 = now_ns();
	ret = ret ? -errno : 0;
	munmap(p, len);
	return ret ? ret : (double)(t1 - t0) / FC_FAULT_PAGES;
}

static double run_one(struct fc_ctx *c, enum fc_what w)
{
	uint64_t buf[FC_FAULT_PAGES], t0;
	off_t off = (off_t)((uintptr_t)c->present / FC_PAGE * sizeof(uint64_t));
	int loops = w == FC_PM_512 ? FC_PM_LOOP : FC_LOOP;

	if (w == FC_FAULT)
		return run_fault();
	t0 = now_ns();
	for (int i = 0; i < loops; i++) {
		switch (w) {
		case FC_SYSCALL:
			syscall(SYS_getppid);
			break;
		case FC_IOCTL:
			(void)ioctl(c->pipe_fd[0], _IO('X', 0xfe), 0);
			break;
		case FC_MPROTECT:
			if (mprotect(c->page, FC_PAGE, PROT_READ | PROT_WRITE))
				return -errno;
			break;
		case FC_PM_CALL:
		case FC_PM_512:
			if (pread(c->pagemap_fd, buf, w == FC_PM_CALL ? 8 : sizeof(buf), off) < 0)
				return -errno;
			break;
		default:
			return -EINVAL;
		}
	}
	return (double)(now_ns() - t0) / loops;
}

/* The median of FIXEDCOST_RUNS runs, or the first -errno. */
static double measure(struct fc_ctx *c, enum fc_what w)
{
	double v[FIXEDCOST_RUNS];

	for (int r = 0; r < FIXEDCOST_RUNS; r++) {
		v[r] = run_one(c, w);
		if (v[r] < 0)
			return v[r];
	}
	return median(v, FIXEDCOST_RUNS);
}

static void put(json_t *o, const char *key, double ns, const char *how, const char *why)
{
	if (ns >= 0)
		json_object_set_new(o, key, json_pack("{s:f, s:s}", "ns", ns, "how", how));
	else
		json_object_set_new(o, key, json_pack("{s:n, s:s, s:s}", "ns", "why", why, "error",
						      strerror((int)-ns)));
}

static int ctx_open(struct fc_ctx *c)
{
	size_t len = FC_FAULT_PAGES * FC_PAGE;

	memset(c, 0, sizeof(*c));
	c->pipe_fd[0] = c->pipe_fd[1] = c->pagemap_fd = -1;
	if (pipe(c->pipe_fd))
		c->pipe_fd[0] = c->pipe_fd[1] = -1;
	c->pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	c->page = mmap(NULL, FC_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	c->present = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->page == MAP_FAILED || c->present == MAP_FAILED)
		return -ENOMEM;
	(void)madvise(c->present, len, MADV_NOHUGEPAGE);
	memset(c->page, 1, FC_PAGE);
	memset(c->present, 1, len);
	return 0;
}

static void ctx_close(struct fc_ctx *c)
{
	if (c->pipe_fd[0] >= 0) {
		close(c->pipe_fd[0]);
		close(c->pipe_fd[1]);
	}
	if (c->pagemap_fd >= 0)
		close(c->pagemap_fd);
	if (c->page && c->page != MAP_FAILED)
		munmap(c->page, FC_PAGE);
	if (c->present && c->present != MAP_FAILED)
		munmap(c->present, FC_FAULT_PAGES * FC_PAGE);
}

static json_t *left_out(void)
{
	return json_pack("[s,s,s,s]",
			 "mmu_interval_notifier_insert()/remove() per call (nouveau v5.8+ per fault batch): "
			 "not reachable from user space",
			 "mmu_interval_read_begin()/read_retry(): a sequence count read per call, not reachable",
			 "the GPU's PTE writes (modelled with dma = yes) and its TLB invalidate per call: no GPU",
			 "nouveau enters from the GPU fault interrupt and its work item, not an ioctl: not measured");
}

int fixedcost_json(json_t **out)
{
	struct fc_ctx c;
	struct utsname u;
	json_t *o = json_object();
	double sys, ioc, mpr, flt, pm1, pm512;

	*out = NULL;
	if (!o)
		return -ENOMEM;
	if (ctx_open(&c)) {
		ctx_close(&c);
		json_decref(o);
		return -ENOMEM;
	}
	sys = measure(&c, FC_SYSCALL);
	ioc = c.pipe_fd[0] >= 0 ? measure(&c, FC_IOCTL) : -EBADF;
	mpr = measure(&c, FC_MPROTECT);
	flt = measure(&c, FC_FAULT);
	pm1 = c.pagemap_fd >= 0 ? measure(&c, FC_PM_CALL) : -EACCES;
	pm512 = c.pagemap_fd >= 0 ? measure(&c, FC_PM_512) : -EACCES;
	ctx_close(&c);

	json_object_set_new(o, "kernel", json_string(uname(&u) ? "unknown" : u.release));
	json_object_set_new(o, "runs", json_integer(FIXEDCOST_RUNS));
	json_object_set_new(o, "statistic", json_string("median"));
	put(o, FIXEDCOST_SYSCALL, sys, "getppid() round trip", "getppid failed");
	put(o, FIXEDCOST_IOCTL, ioc, "ioctl() of an unknown command on a pipe (-ENOTTY): entry, fd lookup, dispatch",
	    "no pipe");
	put(o, FIXEDCOST_MMAP_LOCK, mpr >= 0 && sys >= 0 ? (mpr > sys ? mpr - sys : 0) : mpr,
	    "mprotect() of one page to its own protection (mmap_lock, VMA lookup, nothing to change) minus "
	    "syscall_ns",
	    "mprotect failed");
	put(o, FIXEDCOST_FAULT, flt,
	    "MADV_POPULATE_WRITE of 512 fresh 4 KiB anonymous pages (MADV_NOHUGEPAGE), per page: allocator, "
	    "memcg charge, zeroing, rmap, LRU, PTE",
	    "MADV_POPULATE_WRITE needs Linux 5.14");
	put(o, FIXEDCOST_PAGEMAP_CALL, pm1, "pread() of one /proc/self/pagemap entry", "/proc/self/pagemap unreadable");
	put(o, FIXEDCOST_PAGEMAP_PAGE, pm1 >= 0 && pm512 >= 0 ? (pm512 > pm1 ? (pm512 - pm1) / 511 : 0) : pm512,
	    "pread() of 512 pagemap entries minus one entry's, per extra entry", "/proc/self/pagemap unreadable");
	json_object_set_new(o, "left_out", left_out());
	*out = o;
	return 0;
}

int fixedcost_record_case(json_t *obj, const char *name, const struct emu_mm *mm, unsigned long npages)
{
	json_t *o = json_object_get(obj, "new_pages_per_page");

	if (!npages || !mm || !name)
		return -EINVAL;
	if (!o) {
		o = json_object();
		if (!o || json_object_set_new(obj, "new_pages_per_page", o))
			return -ENOMEM;
	}
	return json_object_set_new(o, name, json_real((double)mm->stats.pages_allocated / (double)npages)) ? -ENOMEM
														: 0;
}
