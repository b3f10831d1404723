/*
 * perf.h - perf_event_open counters around a timed region.
 *
 * The counters of vocab.h's PFN_COUNTERS() list, of the calling thread, in
 * two kinds of groups: the hardware group (led by cycles) and the software
 * group (led by page_faults); the list says which counter is in which.
 *
 * Each group is read in one read() (PERF_FORMAT_GROUP | PERF_FORMAT_ID with
 * TOTAL_TIME_ENABLED/RUNNING) and every value is scaled for multiplexing as
 * value * enabled / running.  A counter that could not be opened, or that
 * never ran, is reported as not valid - never as 0.  An event that opens
 * but cannot join its group gets a group of its own.
 *
 * Counts include kernel mode when perf_event_paranoid <= 1 or we are root
 * (root normally has CAP_PERFMON); if the kernel still says EACCES, the
 * event is reopened for user mode only and perf_counters_kernel_counted()
 * says false.  Only the calling thread is counted (no inherit): with several
 * benchmark threads each opens its own set.
 *
 * PFNBENCH_NO_PMU=1 in the environment makes every hardware counter
 * unavailable ("disabled by PFNBENCH_NO_PMU"), to exercise the fallback
 * path on machines that have a PMU.
 *
 * Left out on purpose: sampling (`perf record` does it for `pfnbench run
 * --perf-record`; perf_sampling_event() only picks its event), per-CPU
 * counting, raw PMU events, libpfm.
 */
#ifndef PFNBENCH_PERF_H
#define PFNBENCH_PERF_H

#include <stdbool.h>

#include <jansson.h>

#include "vocab.h"

/* The counters are vocab.h's PFN_COUNTERS() list: enum pfn_counter, PC_MASK(). */
#define PC_MASK_HW pfn_counter_group_mask(PC_GROUP_HW)
#define PC_MASK_SW pfn_counter_group_mask(PC_GROUP_SW)

struct perf_counters;

/* The counter's name (pfn_counter_info[c].name); NULL for bad values. */
const char *perf_counter_name(enum pfn_counter c);

/*
 * Open the counters whose bits are set in mask (PC_MASK(c); PC_MASK_ALL),
 * disabled and at zero.  A counter that cannot be opened is recorded as
 * unavailable with a reason; that is not an error.  Returns 0, -EINVAL
 * (NULL out, bits beyond PC_NR) or -ENOMEM; *out is NULL on error.
 */
int perf_counters_open(struct perf_counters **out, unsigned mask);
/* Closes every descriptor and frees pc; NULL is fine. */
void perf_counters_close(struct perf_counters *pc);

/*
 * Is counter c measured?  When it is not and reason is not NULL, *reason is
 * a sentence such as "ENOENT: no hardware PMU (virtual machine?)",
 * "EACCES: perf_event_paranoid=3", "not requested"; valid as long as pc.
 */
bool perf_counter_available(const struct perf_counters *pc, enum pfn_counter c, const char **reason);
/* Were kernel-mode events counted for every available counter? */
bool perf_counters_kernel_counted(const struct perf_counters *pc);

/*
 * Start / stop counting: one ioctl per group, so cheap enough to bracket
 * just the timed region.  Counts accumulate over enable/disable pairs until
 * perf_counters_reset().  Return 0 or -errno of the first failing ioctl.
 */
int perf_counters_enable(struct perf_counters *pc);
int perf_counters_disable(struct perf_counters *pc);
/*
 * Zero the counts and the enabled/running times (by taking a baseline that
 * later reads subtract).  Call it while disabled.  Returns 0 or -errno.
 */
int perf_counters_reset(struct perf_counters *pc);

/*
 * Measure what one bracket costs, to take it out of the counts: while
 * counting is off, enable, call inside(arg) (NULL: nothing), disable.  What
 * this empty bracket counted is not part of the totals, and it is
 * subtracted from them once more as the cost of one measured bracket.  Call
 * it once per enable/disable pair of the measurement, with inside() doing
 * what that bracket holds besides the measured work (the clock reads).
 * Returns 0 or -errno.
 */
int perf_counters_exclude_bracket(struct perf_counters *pc, void (*inside)(void *), void *arg);

/*
 * Counts since the last reset (or open), net of the excluded brackets,
 * scaled for multiplexing (never below 0).
 * valid[c] is false when c is unavailable or was never scheduled on the PMU
 * (running time 0); value[c] is then 0 and must not be used.  Returns 0 or
 * -errno of a failed read() (then every valid[] is false).
 */
int perf_counters_read(const struct perf_counters *pc, double value[PC_NR], bool valid[PC_NR]);

/*
 * Fill obj with what meta.json's "counters" holds:
 * {"instructions": {"available": false, "reason": "..."}, ...,
 *  "kernel_mode_counted": true}.  Available counters have only
 * "available": true.  Returns 0, -EINVAL or -ENOMEM.
 */
int perf_counters_describe(const struct perf_counters *pc, json_t *obj);

/*
 * The event `perf record` can sample in this process (pfnbench run
 * --perf-record): "cycles" where a hardware PMU and the privileges allow,
 * else the software clock "cpu-clock", which needs no PMU; ":u" appended
 * where only user mode may be sampled (perf_event_paranoid).  why gets the
 * reason for anything short of "cycles" ("" otherwise), e.g. "hardware
 * cycles cannot be sampled here (ENOENT: no hardware PMU (virtual
 * machine?)): the software clock cpu-clock instead".  Returns 0, or -errno
 * when not even cpu-clock can be sampled (why says why).  Honours
 * PFNBENCH_NO_PMU.
 */
int perf_sampling_event(char *event, size_t len, char *why, size_t whylen);

#endif
