/*
 * fixedcost.h - the fixed costs of the real fault path that the emulator
 * leaves out, measured on this machine's kernel from user space, once per
 * sweep before any case, into meta.json's "fixed_costs".  The report's
 * headline adds them to the conversion share (report_costs.c).
 *
 * What is measured (each the median of FIXEDCOST_RUNS runs, in ns):
 *
 *   syscall_ns            a getppid() round trip: the floor of any entry
 *   ioctl_ns              ioctl() of an unknown command on a pipe (-ENOTTY):
 *                         entry, fd lookup and dispatch, the driver ioctl's
 *                         share of a call without its driver work
 *   mmap_lock_ns          mprotect() of one page to its own protection (it
 *                         takes mmap_lock and finds the VMA, then has
 *                         nothing to change) minus syscall_ns: a stand-in
 *                         for the mmap_read_lock()/unlock() and VMA lookup
 *                         per hmm_range_fault() call
 *   fault_ns_per_page     MADV_POPULATE_WRITE of 512 fresh 4 KiB anonymous
 *                         pages (MADV_NOHUGEPAGE), per page: the allocator,
 *                         memcg charge, zeroing, rmap, LRU and PTE of a real
 *                         fault (Linux 5.14+)
 *   pagemap_ns_per_call   pread() of one /proc/self/pagemap entry
 *   pagemap_ns_per_page   the extra per entry of a 512-entry pread
 *
 * Each is {"ns": N, "how": "..."}, or {"ns": null, "why": "..."} when this
 * kernel could not do it.  "new_pages_per_page" (fixedcost_record_case())
 * says, per emulated case, how many pages a pass allocated.  "left_out" lists what user space cannot reach
 * (interval notifier insert/remove, mmu_interval_read_begin/retry, the
 * GPU's PTE writes and TLB invalidate).
 */
#ifndef PFNBENCH_FIXEDCOST_H
#define PFNBENCH_FIXEDCOST_H

#include <jansson.h>

#define FIXEDCOST_RUNS 15

/* The keys of the measured costs, in the order above. */
#define FIXEDCOST_SYSCALL "syscall_ns"
#define FIXEDCOST_IOCTL "ioctl_ns"
#define FIXEDCOST_MMAP_LOCK "mmap_lock_ns"
#define FIXEDCOST_FAULT "fault_ns_per_page"
#define FIXEDCOST_PAGEMAP_CALL "pagemap_ns_per_call"
#define FIXEDCOST_PAGEMAP_PAGE "pagemap_ns_per_page"

/*
 * Measure (about 50 ms) into a new object *out: the costs above, "runs",
 * "statistic" ("median") and "left_out".  Returns 0, or -ENOMEM (*out NULL).
 */
int fixedcost_json(json_t **out);

/*
 * After a case ran on the emulated source: the pages its last pass
 * allocated (mm's stats since the last rebuild: fresh pages, copy-on-write
 * copies, swap-ins, migrations back), per page of the case, into
 * obj["new_pages_per_page"][name].  A fault that finds its page present
 * allocates nothing (faults_per_page counts it all the same); the report
 * charges fault_ns_per_page per new page.  0, -EINVAL (npages 0), -ENOMEM.
 */
struct emu_mm;
int fixedcost_record_case(json_t *obj, const char *name, const struct emu_mm *mm, unsigned long npages);

#endif
