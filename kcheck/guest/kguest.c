/*
 * kguest.c - the static program that runs inside the kcheck guest.
 *
 *   kguest MANIFEST OUT [--dmirror]
 *
 * MANIFEST has one line per check: `ID REQUEST PAGEFILE` (REQUEST is the
 * command line's default: none, read or write).  For each, kguest builds
 * the page file's address space in its own mm with real system calls,
 * checks through the pfn_kcheck module (kernels/kmod) that every page holds
 * the state the file names, asks the guest kernel's hmm_range_fault() for
 * the words, classifies each word's pfn, and writes one result line to OUT.
 * It models no kernel function itself: it is the other side of the
 * comparison with kernels/hmm.c (v5.9 mm/hmm.c), done by kcheck/compare.py.
 *
 * How each state is made (the order matters: a fork write-protects every
 * anonymous page that exists at that moment):
 *
 *   before the fork  ro: written; thp-ro: MADV_HUGEPAGE and written (a THP)
 *   fork             a child that shares them and waits (ro, thp-ro become
 *                    read-only, copy on write)
 *   after the fork   rw: written; zero: read (the shared zero page);
 *                    thp-rw: MADV_HUGEPAGE and written; swap: written, then
 *                    MADV_PAGEOUT to the zram swap; rovma: written, then
 *                    mprotect(PROT_READ); noread: mprotect(PROT_NONE);
 *                    novma: munmap; special: mmap of the module's VM_MIXEDMAP
 *                    kind; pfnmap: mmap of its VM_PFNMAP kind; with --dmirror
 *                    (lib/test_hmm loaded) dev: written and migrated to
 *                    /dev/hmm_dmirror0; dev-ro: written, mprotect(PROT_READ),
 *                    migrated, mprotect back; dev-other: migrated to
 *                    /dev/hmm_dmirror1.
 *
 * VMAs follow emu_mm_populate(): one per run of pages of the same VMA kind
 * (THP runs belong to the anonymous VMA; here MADV_HUGEPAGE splits them off
 * at 2 MiB boundaries, which changes no walk step).  The whole range is
 * first mapped with MAP_FIXED_NOREPLACE at the file's base (or the base
 * moved by a multiple of 512 GiB, which keeps every page-table boundary),
 * so nothing else is mapped inside it.
 *
 * Requests follow kernels/backend.c: without per-page requests,
 * default_flags = the default request and pfn_flags_mask = 0; with them,
 * default_flags = 0, pfn_flags_mask = VALID|WRITE and each entry holds its
 * page's request (or the default).
 *
 * Output, one line per check:
 *   R ID REQ rc=N busy=B base=0xADDR n=N FFc FFc ...
 * with per page FF = the word's bits 56-63 in hex and c its pfn's class:
 * o the page's own pfn (as set up; for device-private pages the device
 * pfn), z the zero page, n a new page (no pfn the case set up), x the pfn of
 * another page of the case, - no pfn (the low 56 bits are 0), ? a pfn on a
 * word without VALID.  A case whose state could not be built:
 *   S ID REQ reason
 * Times printed by kguest are guest times under TCG: not measurements.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kcheck_uapi.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

/* lib/test_hmm_uapi.h of v6.1 */
struct hmm_dmirror_cmd {
	uint64_t addr, ptr, npages, cpages, faults;
};
#define HMM_DMIRROR_MIGRATE_TO_DEV _IOWR('H', 0x02, struct hmm_dmirror_cmd)

#define PAGE 4096UL
#define PMD (2UL << 20)
#define PGDIR (512UL << 30)

enum st {
	NONE, RO, RW, ROVMA, ZERO, SWAP, THP_RO, THP_RW, DEV, DEV_RO, DEV_OTHER, SPECIAL, NOVMA, NOREAD, PFNMAP,
	NR_ST
};
static const char *const st_name[NR_ST] = { "none", "ro", "rw", "rovma", "zero", "swap", "thp-ro", "thp-rw",
					     "dev", "dev-ro", "dev-other", "special", "novma", "noread", "pfnmap" };
enum rq { RQ_NONE, RQ_READ, RQ_WRITE, RQ_DEFAULT };

struct pg {
	unsigned char st, req;
};

static int kc_fd = -1, dm_fd[2] = { -1, -1 };
static struct kc_info info;
static unsigned long anchor; /* a page in dmirror0's memory: the dev_private_owner */

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "kguest: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/* ---- page files (already validated on the host by pfnbench encode) ---- */

static int load_pagefile(const char *path, unsigned long *base, struct pg **out, unsigned long *n, char *why,
			 size_t wl)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned long cap = 0, cnt = 0;
	struct pg *p = NULL;

	if (!f) {
		snprintf(why, wl, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	*base = 0x7f0000000000UL;
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *tok[4];
		int nt = 0;
		char *h = strchr(s, '#');
		if (h)
			*h = 0;
		for (char *t = strtok(s, " \t\r\n"); t && nt < 4; t = strtok(NULL, " \t\r\n"))
			tok[nt++] = t;
		if (!nt)
			continue;
		if (!strcmp(tok[0], "base")) {
			*base = strtoul(tok[1], NULL, 16);
			continue;
		}
		int s_ = -1;
		for (int k = 0; k < NR_ST; k++)
			if (!strcmp(tok[0], st_name[k]))
				s_ = k;
		if (s_ < 0) {
			snprintf(why, wl, "%s: unknown state %s", path, tok[0]);
			fclose(f);
			free(p);
			return -1;
		}
		unsigned char rq = RQ_DEFAULT;
		for (int k = 1; k < nt; k++) {
			if (!strcmp(tok[k], "@-"))
				rq = RQ_NONE;
			else if (!strcmp(tok[k], "@r"))
				rq = RQ_READ;
			else if (!strcmp(tok[k], "@w"))
				rq = RQ_WRITE;
		}
		if (cnt == cap) {
			cap = cap ? 2 * cap : 1024;
			p = realloc(p, cap * sizeof(*p));
			if (!p)
				die("out of memory");
		}
		p[cnt].st = (unsigned char)s_;
		p[cnt].req = rq;
		cnt++;
	}
	fclose(f);
	*out = p;
	*n = cnt;
	return 0;
}

static void inspect(unsigned long start, unsigned long n, struct kc_pte *out)
{
	struct kc_inspect a = { .start = start, .npages = n, .owner_addr = anchor, .out = (uintptr_t)out };
	if (ioctl(kc_fd, KC_IOC_INSPECT, &a))
		die("KC_IOC_INSPECT: %s", strerror(errno));
}

static int migrate(int dev, unsigned long addr, unsigned long n)
{
	/* dmirror_migrate_to_device() copies the migrated pages back to ptr */
	void *bounce = malloc(n * PAGE);
	struct hmm_dmirror_cmd c = { .addr = addr, .ptr = (uintptr_t)bounce, .npages = n };
	int ret = 0;

	if (!bounce)
		return -ENOMEM;
	if (ioctl(dm_fd[dev], HMM_DMIRROR_MIGRATE_TO_DEV, &c))
		ret = -errno;
	else if (c.cpages != n)
		ret = -EAGAIN;
	free(bounce);
	return ret;
}

static const char *kind_name(unsigned k)
{
	static const char *const n[] = { "novma", "pte_none", "present", "swap", "device-private", "other", "huge" };
	return k < 7 ? n[k] : "?";
}

/* Does the pte match the page file's state?  NULL if it does. */
static const char *state_problem(int s, const struct kc_pte *p)
{
	const unsigned f = p->flags;
	switch (s) {
	case NONE: return p->kind == KC_NONE && (f & KC_F_VM_WRITE) ? NULL : "not pte_none in a writable VMA";
	case RO: return p->kind == KC_PRESENT && !(f & (KC_F_WRITE | KC_F_ZERO | KC_F_SPECIAL)) && (f & KC_F_VM_WRITE) ? NULL : "not a read-only present page in a writable VMA";
	case RW: return p->kind == KC_PRESENT && (f & KC_F_WRITE) && !(f & KC_F_SPECIAL) ? NULL : "not a writable present page";
	case ROVMA: return p->kind == KC_PRESENT && !(f & (KC_F_WRITE | KC_F_VM_WRITE | KC_F_ZERO)) && (f & KC_F_VM_READ) ? NULL : "not a present page in a read-only VMA";
	case ZERO: return p->kind == KC_PRESENT && (f & KC_F_ZERO) && !(f & KC_F_WRITE) ? NULL : "not the zero page";
	case SWAP: return p->kind == KC_SWAP ? NULL : "not swapped out";
	case THP_RO: return p->kind == KC_HUGE && !(f & KC_F_WRITE) && (f & KC_F_VM_WRITE) ? NULL : "not a read-only huge PMD";
	case THP_RW: return p->kind == KC_HUGE && (f & KC_F_WRITE) ? NULL : "not a writable huge PMD";
	case DEV: return p->kind == KC_DEVPRIV && (f & KC_F_WRITE) && (f & KC_F_OWNER) ? NULL : "not a writable device-private entry of this device";
	case DEV_RO: return p->kind == KC_DEVPRIV && !(f & KC_F_WRITE) && (f & KC_F_OWNER) ? NULL : "not a read-only device-private entry of this device";
	case DEV_OTHER: return p->kind == KC_DEVPRIV && !(f & KC_F_OWNER) ? NULL : "not another device's private entry";
	case SPECIAL: return p->kind == KC_PRESENT && (f & KC_F_SPECIAL) && (f & KC_F_VM_MIXED) ? NULL : "not a special pte in a VM_MIXEDMAP VMA";
	case NOVMA: return p->kind == KC_NOVMA ? NULL : "a VMA covers it";
	case NOREAD: return p->kind != KC_NOVMA && !(f & KC_F_VM_READ) ? NULL : "not in a VMA without read";
	case PFNMAP: return p->kind != KC_NOVMA && (f & KC_F_VM_PFNMAP) ? NULL : "not in a VM_PFNMAP VMA";
	}
	return "unknown state";
}

static unsigned long pick_base(unsigned long base, unsigned long len, char *why, size_t wl)
{
	for (int k = 0; k < 16; k++) {
		long d = (k & 1) ? -(long)((k + 1) / 2) : (long)(k / 2);
		unsigned long b = base + (unsigned long)d * PGDIR;
		if (b < (1UL << 32) || b + len > (1UL << 47) - PGDIR)
			continue;
		void *p = mmap((void *)b, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == (void *)b)
			return b;
		if (p != MAP_FAILED)
			munmap(p, len);
	}
	snprintf(why, wl, "no free address range at 0x%lx +- k*512GiB", base);
	return 0;
}

static unsigned long bits(int rq)
{
	return rq == RQ_READ ? info.hmm_pfn_valid : rq == RQ_WRITE ? info.hmm_pfn_valid | info.hmm_pfn_write : 0;
}

static int run_case(FILE *out, const char *id, const char *reqs, const char *path, int dmirror)
{
	unsigned long base, n;
	struct pg *pg;
	char why[4096] = "";
	int defreq = !strcmp(reqs, "read") ? RQ_READ : !strcmp(reqs, "write") ? RQ_WRITE : RQ_NONE;

	if (load_pagefile(path, &base, &pg, &n, why, sizeof(why))) {
		fprintf(out, "S %s %s %s\n", id, reqs, why);
		return 1;
	}
	for (unsigned long i = 0; i < n; i++)
		if (!dmirror && (pg[i].st == DEV || pg[i].st == DEV_RO || pg[i].st == DEV_OTHER)) {
			fprintf(out, "S %s %s device-private states need lib/test_hmm (--full)\n", id, reqs);
			free(pg);
			return 1;
		}
	const unsigned long len = n * PAGE;
	unsigned long b = pick_base(base, len, why, sizeof(why));
	if (!b) {
		fprintf(out, "S %s %s %s\n", id, reqs, why);
		free(pg);
		return 1;
	}
	volatile char *va = (volatile char *)b;
	int pfd[2] = { -1, -1 };
	pid_t child = -1;
	int ret = 0;
	struct kc_pte *pt = calloc(n, sizeof(*pt));
	unsigned long *words = calloc(n, sizeof(*words));
	uint64_t *setup_pfn = calloc(n, sizeof(*setup_pfn));
	if (!pt || !words || !setup_pfn)
		die("out of memory");

	/* THP blocks: MADV_HUGEPAGE on each 2 MiB block of thp-* pages */
	for (unsigned long i = 0; i < n; i++)
		if ((pg[i].st == THP_RO || pg[i].st == THP_RW) && !((b + i * PAGE) & (PMD - 1)))
			if (madvise((void *)(b + i * PAGE), PMD, MADV_HUGEPAGE)) {
				snprintf(why, sizeof(why), "MADV_HUGEPAGE: %s", strerror(errno));
				goto setup_failed;
			}
	/* before the fork: what the child shares */
	int need_fork = 0;
	for (unsigned long i = 0; i < n; i++) {
		if (pg[i].st == RO || (pg[i].st == THP_RO && !((b + i * PAGE) & (PMD - 1)))) {
			va[i * PAGE] = (char)(i + 1);
			need_fork = 1;
		}
	}
	if (need_fork) {
		if (pipe(pfd))
			die("pipe: %s", strerror(errno));
		child = fork();
		if (child < 0)
			die("fork: %s", strerror(errno));
		if (child == 0) {
			char c;
			close(pfd[1]);
			while (read(pfd[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		close(pfd[0]);
	}
	/* after the fork, page by page */
	for (unsigned long i = 0; i < n; i++) {
		switch (pg[i].st) {
		case RW: case SWAP: case ROVMA: case DEV: case DEV_RO: case DEV_OTHER:
			va[i * PAGE] = (char)(i + 1);
			break;
		case THP_RW:
			if (!((b + i * PAGE) & (PMD - 1)))
				va[i * PAGE] = (char)(i + 1);
			break;
		case ZERO:
			(void)va[i * PAGE];
			break;
		}
	}
	/* then run by run */
	for (unsigned long i = 0, j; i < n; i = j) {
		int s = pg[i].st;
		for (j = i + 1; j < n && pg[j].st == s; j++)
			;
		void *a = (void *)(b + i * PAGE);
		size_t l = (j - i) * PAGE;
		int e = 0;
		switch (s) {
		case SWAP:
			for (int t = 0; t < 20; t++) {
				int ok = 1;
				if (madvise(a, l, MADV_PAGEOUT))
					e = errno;
				inspect((unsigned long)a, j - i, pt + i);
				for (unsigned long k = i; k < j; k++)
					ok &= pt[k].kind == KC_SWAP;
				if (ok || e)
					break;
			}
			break;
		case ROVMA:
			e = mprotect(a, l, PROT_READ) ? errno : 0;
			break;
		case NOREAD:
			e = mprotect(a, l, PROT_NONE) ? errno : 0;
			break;
		case NOVMA:
			e = munmap(a, l) ? errno : 0;
			break;
		case SPECIAL: case PFNMAP:
			if (mmap(a, l, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, kc_fd,
				 s == SPECIAL ? KC_MMAP_MIXEDMAP : KC_MMAP_PFNMAP) != a)
				e = errno;
			break;
		case DEV: case DEV_OTHER:
			e = -migrate(s == DEV ? 0 : 1, (unsigned long)a, j - i);
			break;
		case DEV_RO:
			if (mprotect(a, l, PROT_READ))
				e = errno;
			else if ((e = -migrate(0, (unsigned long)a, j - i)) == 0)
				e = mprotect(a, l, PROT_READ | PROT_WRITE) ? errno : 0;
			break;
		}
		if (e) {
			snprintf(why, sizeof(why), "page %lu (%s): setting up: %s", i, st_name[s], strerror(e));
			goto setup_failed;
		}
	}
	/* is every page in its state? */
	inspect(b, n, pt);
	for (unsigned long i = 0; i < n; i++) {
		const char *p = state_problem(pg[i].st, &pt[i]);
		if (p) {
			snprintf(why, sizeof(why), "page %lu (%s) is %s (flags 0x%x): %s", i, st_name[pg[i].st],
				 kind_name(pt[i].kind), pt[i].flags, p);
			goto setup_failed;
		}
		setup_pfn[i] = (pt[i].kind == KC_PRESENT || pt[i].kind == KC_HUGE || pt[i].kind == KC_DEVPRIV) &&
				       !(pt[i].flags & KC_F_ZERO) && pg[i].st != SPECIAL
			       ? pt[i].pfn
			       : 0;
	}

	/* the requests, as kernels/backend.c prepares them */
	int per_page = 0;
	for (unsigned long i = 0; i < n; i++)
		per_page |= pg[i].req != RQ_DEFAULT;
	struct kc_fault fa = { .start = b, .npages = n, .owner_addr = anchor, .words = (uintptr_t)words };
	if (per_page) {
		fa.pfn_flags_mask = info.hmm_pfn_valid | info.hmm_pfn_write;
		for (unsigned long i = 0; i < n; i++)
			words[i] = bits(pg[i].req == RQ_DEFAULT ? defreq : pg[i].req);
	} else {
		fa.default_flags = bits(defreq);
	}
	if (ioctl(kc_fd, KC_IOC_FAULT, &fa))
		die("KC_IOC_FAULT: %s", strerror(errno));

	/* classify */
	fprintf(out, "R %s %s rc=%lld busy=%llu base=0x%lx n=%lu", id, reqs, (long long)fa.rc,
		(unsigned long long)fa.nr_busy, b, n);
	const uint64_t pfn_mask = (1ULL << info.hmm_order_shift) - 1;
	for (unsigned long i = 0; i < n; i++) {
		uint64_t w = words[i], pfn = w & pfn_mask;
		char c;
		if (!(w & info.hmm_pfn_valid))
			c = pfn ? '?' : '-';
		else if (pfn && pfn == setup_pfn[i])
			c = 'o';
		else if (pfn == info.zero_pfn)
			c = 'z';
		else {
			c = 'n';
			for (unsigned long k = 0; k < n; k++)
				if (setup_pfn[k] == pfn)
					c = 'x';
		}
		fprintf(out, " %02x%c", (unsigned)(w >> 56), c);
	}
	fprintf(out, "\n");
	goto cleanup;

setup_failed:
	fprintf(out, "S %s %s setup: %s\n", id, reqs, why);
	ret = 1;
cleanup:
	if (child > 0) {
		close(pfd[1]);
		waitpid(child, NULL, 0);
	}
	munmap((void *)b, len);
	fflush(out);
	free(pt);
	free(words);
	free(setup_pfn);
	free(pg);
	return ret;
}

int main(int argc, char **argv)
{
	int dmirror = argc > 3 && !strcmp(argv[3], "--dmirror");
	if (argc < 3)
		die("usage: kguest MANIFEST OUT [--dmirror]");
	FILE *m = fopen(argv[1], "r");
	FILE *out = fopen(argv[2], "w");
	if (!m || !out)
		die("cannot open %s or %s: %s", argv[1], argv[2], strerror(errno));
	/* one CPU: the pages a fault just added sit in that CPU's LRU batch,
	 * which MADV_PAGEOUT drains */
	cpu_set_t cs;
	CPU_ZERO(&cs);
	CPU_SET(0, &cs);
	sched_setaffinity(0, sizeof(cs), &cs);
	kc_fd = open(KC_DEVICE, O_RDWR);
	if (kc_fd < 0)
		die("open %s: %s", KC_DEVICE, strerror(errno));
	if (ioctl(kc_fd, KC_IOC_INFO, &info))
		die("KC_IOC_INFO: %s", strerror(errno));
	fprintf(out, "I release=%s zero_pfn=0x%llx valid=0x%llx write=0x%llx error=0x%llx order_shift=%llu\n",
		info.release, (unsigned long long)info.zero_pfn, (unsigned long long)info.hmm_pfn_valid,
		(unsigned long long)info.hmm_pfn_write, (unsigned long long)info.hmm_pfn_error,
		(unsigned long long)info.hmm_order_shift);
	if (dmirror) {
		for (int d = 0; d < 2; d++) {
			char p[64];
			snprintf(p, sizeof(p), "/dev/hmm_dmirror%d", d);
			dm_fd[d] = open(p, O_RDWR);
			if (dm_fd[d] < 0)
				die("open %s: %s", p, strerror(errno));
		}
		/* the anchor: one page kept in dmirror0's memory, whose pgmap
		 * owner is the dev_private_owner of every call */
		char *a = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (a == MAP_FAILED)
			die("mmap: %s", strerror(errno));
		a[0] = 1;
		int e = migrate(0, (unsigned long)a, 1);
		if (e)
			die("migrating the anchor page to dmirror0: %s", strerror(-e));
		anchor = (unsigned long)a;
		struct kc_pte p;
		inspect(anchor, 1, &p);
		if (p.kind != KC_DEVPRIV || !(p.flags & KC_F_OWNER))
			die("the anchor page is %s, not in dmirror0's memory", kind_name(p.kind));
	}
	char line[4096], id[256], reqs[16], path[3800];
	unsigned long nr = 0, nr_skip = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (fgets(line, sizeof(line), m)) {
		if (sscanf(line, "%255s %15s %3799s", id, reqs, path) != 3)
			continue;
		nr_skip += run_case(out, id, reqs, path, dmirror);
		nr++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(out, "E cases=%lu not_built=%lu guest_seconds=%.1f (TCG guest time, not a measurement)\n", nr,
		nr_skip, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
	fclose(out);
	return 0;
}
