/*
 * perf.c - perf_event_open counters of the calling thread (see perf.h).
 *
 * Layout: each available counter has one fd and belongs to one group; a
 * group is a leader fd that we enable, disable and read.  The counters,
 * their group (hardware or software) and which one is opened first come
 * from vocab.h's PFN_COUNTERS() list:
 *
 *   groups[0]: cycles* -> instructions, llc_misses, dtlb_misses, branch_misses
 *   groups[1]: page_faults* -> task_clock, context_switches       (* leader)
 *
 * The first hardware (software) counter that opens becomes its group's
 * leader.  Not task_clock: on Linux 6.18 (this VM), software members
 * of a group led by task-clock counted only during the first enable (a
 * page-faults member stayed at its first value across enable/disable
 * pairs); led by page-faults, every member accumulates.  Reset does not
 * use PERF_EVENT_IOC_RESET, which zeroes counts but not the enabled/running
 * times: it stores a baseline of counts and times that reads subtract, so
 * that "running == 0 since reset" still means "not measured".
 *
 * The cost of a bracket.  What enable and disable themselves count (the
 * tail of the enabling ioctl, the head of the disabling one, with their
 * kernel entry and exit) lands in every bracket: on this VM about 770 ns
 * of task clock per bracket, 5-9x the wall time of a one-page first-touch
 * pass.  perf_counters_exclude_bracket() runs an empty bracket while the
 * caller's counting is off: what it counts is kept out of the totals (added
 * to the baseline) and, once per bracket, subtracted from them as the
 * measured cost of a bracket (cost_value[]).
 *
 * Left out: sampling (perf_sampling_event() only probes which event perf
 * record can use), mmap'd self-monitoring reads (rdpmc), per-CPU events.
 */
#include "perf.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define REASON_LEN 96

struct perf_group {
	int leader_fd;
	unsigned nr;                     /* members, leader included */
	uint64_t base_enabled_ns;        /* at the last reset, plus the excluded brackets */
	uint64_t base_running_ns;
};

struct perf_counters {
	unsigned mask;                   /* requested counters */
	bool kernel_counted;             /* every available counter counts kernel mode */
	int nr_groups;
	struct perf_group groups[PC_NR];
	int fd[PC_NR];                   /* -1: unavailable */
	int group[PC_NR];                /* index into groups[] */
	uint64_t id[PC_NR];              /* PERF_EVENT_IOC_ID */
	uint64_t base_value[PC_NR];      /* raw count at the last reset, plus the excluded brackets */
	uint64_t cost_value[PC_NR];      /* what the excluded brackets counted, since the reset */
	uint64_t nr_excluded;            /* brackets excluded since the reset */
	char reason[PC_NR][REASON_LEN];  /* why fd[c] is -1 */
};

const char *perf_counter_name(enum pfn_counter c)
{
	if ((unsigned)c >= PC_NR)
		return NULL;
	return pfn_counter_info[c].name;
}

static bool is_hardware(enum pfn_counter c)
{
	return pfn_counter_info[c].group == PC_GROUP_HW;
}

/* The perf_event_attr type and config of each counter, from the list. */
#define COUNTER_EVENT(ID, name, label, alias, group, lead, figure, type, config) [PC_##ID] = { type, config },
static const struct {
	uint32_t type;
	uint64_t config;
} events[PC_NR] = { PFN_COUNTERS(COUNTER_EVENT) };
#undef COUNTER_EVENT

static void event_attr(enum pfn_counter c, struct perf_event_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = events[c].type;
	attr->config = events[c].config;
	attr->read_format = PERF_FORMAT_GROUP | PERF_FORMAT_ID | PERF_FORMAT_TOTAL_TIME_ENABLED |
			    PERF_FORMAT_TOTAL_TIME_RUNNING;
	attr->exclude_hv = 1;
}

/* perf_event_paranoid, or -100 when it cannot be read. */
static int read_paranoid(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int v = -100;
	if (!f)
		return v;
	if (fscanf(f, "%d", &v) != 1)
		v = -100;
	fclose(f);
	return v;
}

static void explain(char *buf, int err, bool hardware)
{
	const char *name = strerrorname_np(err);
	switch (err) {
	case ENOENT:
		snprintf(buf, REASON_LEN, "ENOENT: %s",
			 hardware ? "no hardware PMU (virtual machine?)" : "event not known to this kernel");
		break;
	case EOPNOTSUPP:
		snprintf(buf, REASON_LEN, "EOPNOTSUPP: %s",
			 hardware ? "event not supported by this PMU (virtual machine?)" : "event not supported");
		break;
	case EACCES:
	case EPERM:
		snprintf(buf, REASON_LEN, "%s: perf_event_paranoid=%d", name, read_paranoid());
		break;
	case ENODEV:
		snprintf(buf, REASON_LEN, "ENODEV: no such PMU");
		break;
	case EINVAL:
		snprintf(buf, REASON_LEN, "EINVAL: event not supported by this kernel");
		break;
	case ENOSYS:
		snprintf(buf, REASON_LEN, "ENOSYS: no perf_event_open (kernel config or seccomp)");
		break;
	case EBUSY:
		snprintf(buf, REASON_LEN, "EBUSY: PMU in use by someone else");
		break;
	case EMFILE:
	case ENFILE:
		snprintf(buf, REASON_LEN, "%s: out of file descriptors", name);
		break;
	default:
		snprintf(buf, REASON_LEN, "%s: %s", name ? name : "errno", strerror(err));
		break;
	}
}

static int sys_perf_event_open(struct perf_event_attr *attr, int group_fd)
{
	return (int)syscall(SYS_perf_event_open, attr, 0 /* this thread */, -1 /* any cpu */, group_fd,
			    PERF_FLAG_FD_CLOEXEC);
}

/*
 * Open c into the group of leader_fd (-1: as a new leader).  With kernel
 * mode first when allowed, then user mode only on EACCES/EPERM.  Returns
 * the fd or -errno; *user_only says which mode it got.
 */
static int open_one(enum pfn_counter c, int leader_fd, bool want_kernel, bool *user_only)
{
	struct perf_event_attr attr;
	event_attr(c, &attr);
	attr.disabled = leader_fd < 0; /* members follow their leader */
	attr.exclude_kernel = !want_kernel;
	int fd = sys_perf_event_open(&attr, leader_fd);
	if (fd < 0 && want_kernel && (errno == EACCES || errno == EPERM)) {
		attr.exclude_kernel = 1;
		fd = sys_perf_event_open(&attr, leader_fd);
	}
	if (fd < 0)
		return -errno;
	*user_only = attr.exclude_kernel;
	return fd;
}

/*
 * Open the requested counters of one group: its lead first (the first that
 * opens leads the group), then the others in the list's order.
 */
static void open_kind(struct perf_counters *pc, enum pfn_counter_group group, bool want_kernel, bool no_pmu)
{
	enum pfn_counter order[PC_NR];
	size_t n = 0;
	int g = -1;

	for (int lead = 1; lead >= 0; lead--)
		for (int c = 0; c < PC_NR; c++)
			if (pfn_counter_info[c].group == group && pfn_counter_info[c].lead == lead)
				order[n++] = (enum pfn_counter)c;
	for (size_t i = 0; i < n; i++) {
		enum pfn_counter c = order[i];
		bool user_only = false;
		int fd;
		if (!(pc->mask & PC_MASK(c)))
			continue;
		if (no_pmu && is_hardware(c)) {
			snprintf(pc->reason[c], REASON_LEN, "disabled by PFNBENCH_NO_PMU");
			continue;
		}
		fd = g >= 0 ? open_one(c, pc->groups[g].leader_fd, want_kernel, &user_only) : -ENOENT;
		if (fd < 0) {
			/* No group yet, or it would not take this event: lead a new one. */
			fd = open_one(c, -1, want_kernel, &user_only);
			if (fd < 0) {
				explain(pc->reason[c], -fd, is_hardware(c));
				continue;
			}
			g = pc->nr_groups++;
			pc->groups[g].leader_fd = fd;
		}
		if (ioctl(fd, PERF_EVENT_IOC_ID, &pc->id[c]) < 0) {
			explain(pc->reason[c], errno, is_hardware(c));
			if (pc->groups[g].leader_fd == fd) {
				pc->nr_groups--; /* it was the last one opened */
				g = -1;
			}
			close(fd);
			continue;
		}
		pc->fd[c] = fd;
		pc->group[c] = g;
		pc->groups[g].nr++;
		if (user_only)
			pc->kernel_counted = false;
	}
}

int perf_counters_open(struct perf_counters **out, unsigned mask)
{
	struct perf_counters *pc;
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (mask & ~PC_MASK_ALL)
		return -EINVAL;
	pc = calloc(1, sizeof(*pc));
	if (!pc)
		return -ENOMEM;
	pc->mask = mask;
	for (int c = 0; c < PC_NR; c++) {
		pc->fd[c] = -1;
		pc->group[c] = -1;
		if (!(mask & PC_MASK(c)))
			snprintf(pc->reason[c], REASON_LEN, "not requested");
	}
	/* Kernel mode needs paranoid <= 1, or CAP_PERFMON (root has it). */
	bool want_kernel = read_paranoid() <= 1 || geteuid() == 0;
	const char *no_pmu = getenv("PFNBENCH_NO_PMU");
	bool no_pmu_set = no_pmu && *no_pmu && strcmp(no_pmu, "0") != 0;
	pc->kernel_counted = want_kernel;
	open_kind(pc, PC_GROUP_HW, want_kernel, no_pmu_set);
	open_kind(pc, PC_GROUP_SW, want_kernel, false);
	*out = pc;
	return 0;
}

void perf_counters_close(struct perf_counters *pc)
{
	if (!pc)
		return;
	/* Members first, then leaders (closing a leader first is legal too). */
	for (int c = 0; c < PC_NR; c++)
		if (pc->fd[c] >= 0 && pc->groups[pc->group[c]].leader_fd != pc->fd[c])
			close(pc->fd[c]);
	for (int g = 0; g < pc->nr_groups; g++)
		close(pc->groups[g].leader_fd);
	free(pc);
}

bool perf_counter_available(const struct perf_counters *pc, enum pfn_counter c, const char **reason)
{
	if (!pc || (unsigned)c >= PC_NR) {
		if (reason)
			*reason = "no such counter";
		return false;
	}
	if (pc->fd[c] >= 0)
		return true;
	if (reason)
		*reason = pc->reason[c];
	return false;
}

bool perf_counters_kernel_counted(const struct perf_counters *pc)
{
	return pc && pc->nr_groups > 0 && pc->kernel_counted;
}

static int ioctl_groups(struct perf_counters *pc, unsigned long request)
{
	for (int g = 0; g < pc->nr_groups; g++)
		if (ioctl(pc->groups[g].leader_fd, request, PERF_IOC_FLAG_GROUP) < 0)
			return -errno;
	return 0;
}

int perf_counters_enable(struct perf_counters *pc)
{
	return ioctl_groups(pc, PERF_EVENT_IOC_ENABLE);
}

int perf_counters_disable(struct perf_counters *pc)
{
	return ioctl_groups(pc, PERF_EVENT_IOC_DISABLE);
}

/* One group read: nr, time_enabled, time_running, {value, id} x nr. */
struct group_read {
	uint64_t nr, time_enabled, time_running;
	struct {
		uint64_t value, id;
	} v[PC_NR];
};

/* Raw counts of group g into raw[] (by counter); returns 0 or -errno. */
static int read_group(const struct perf_counters *pc, int g, uint64_t raw[PC_NR], uint64_t *enabled,
		      uint64_t *running)
{
	struct group_read r;
	ssize_t n = read(pc->groups[g].leader_fd, &r, sizeof(r));
	if (n < 0)
		return -errno;
	if ((size_t)n < 3 * sizeof(uint64_t) || r.nr > PC_NR ||
	    (size_t)n < (3 + 2 * r.nr) * sizeof(uint64_t))
		return -EIO;
	*enabled = r.time_enabled;
	*running = r.time_running;
	for (uint64_t i = 0; i < r.nr; i++)
		for (int c = 0; c < PC_NR; c++)
			if (pc->fd[c] >= 0 && pc->group[c] == g && pc->id[c] == r.v[i].id)
				raw[c] = r.v[i].value;
	return 0;
}

int perf_counters_reset(struct perf_counters *pc)
{
	for (int g = 0; g < pc->nr_groups; g++) {
		uint64_t raw[PC_NR] = {0};
		uint64_t enabled, running;
		int ret = read_group(pc, g, raw, &enabled, &running);
		if (ret)
			return ret;
		pc->groups[g].base_enabled_ns = enabled;
		pc->groups[g].base_running_ns = running;
		for (int c = 0; c < PC_NR; c++)
			if (pc->fd[c] >= 0 && pc->group[c] == g) {
				pc->base_value[c] = raw[c];
				pc->cost_value[c] = 0;
			}
	}
	pc->nr_excluded = 0;
	return 0;
}

/* Raw counts and times of every group (by counter, by group).  0 or -errno. */
static int read_all(const struct perf_counters *pc, uint64_t raw[PC_NR], uint64_t enabled[PC_NR],
		    uint64_t running[PC_NR])
{
	for (int g = 0; g < pc->nr_groups; g++) {
		int ret = read_group(pc, g, raw, &enabled[g], &running[g]);

		if (ret)
			return ret;
	}
	return 0;
}

int perf_counters_exclude_bracket(struct perf_counters *pc, void (*inside)(void *), void *arg)
{
	uint64_t raw0[PC_NR] = { 0 }, raw1[PC_NR] = { 0 };
	uint64_t en0[PC_NR], run0[PC_NR], en1[PC_NR], run1[PC_NR];
	int ret = read_all(pc, raw0, en0, run0);

	if (ret)
		return ret;
	ret = perf_counters_enable(pc);
	if (inside)
		inside(arg);
	if (!ret)
		ret = perf_counters_disable(pc);
	if (!ret)
		ret = read_all(pc, raw1, en1, run1);
	if (ret)
		return ret;
	for (int g = 0; g < pc->nr_groups; g++) {
		pc->groups[g].base_enabled_ns += en1[g] - en0[g];
		pc->groups[g].base_running_ns += run1[g] - run0[g];
	}
	for (int c = 0; c < PC_NR; c++)
		if (pc->fd[c] >= 0) {
			pc->base_value[c] += raw1[c] - raw0[c];
			pc->cost_value[c] += raw1[c] - raw0[c];
		}
	pc->nr_excluded++;
	return 0;
}

int perf_counters_read(const struct perf_counters *pc, double value[PC_NR], bool valid[PC_NR])
{
	for (int c = 0; c < PC_NR; c++) {
		value[c] = 0;
		valid[c] = false;
	}
	for (int g = 0; g < pc->nr_groups; g++) {
		uint64_t raw[PC_NR] = {0};
		uint64_t enabled, running;
		int ret = read_group(pc, g, raw, &enabled, &running);
		if (ret) {
			for (int c = 0; c < PC_NR; c++)
				value[c] = 0, valid[c] = false;
			return ret;
		}
		enabled -= pc->groups[g].base_enabled_ns;
		running -= pc->groups[g].base_running_ns;
		for (int c = 0; c < PC_NR; c++) {
			if (pc->fd[c] < 0 || pc->group[c] != g || running == 0)
				continue;
			/* net of the measured cost of the brackets (may dip below 0 by noise) */
			double v = (double)(raw[c] - pc->base_value[c]) - (double)pc->cost_value[c];
			/* Multiplexed: the group counted running of enabled ns. */
			if (running != enabled)
				v = v * (double)enabled / (double)running;
			/*
			 * A clock that the subtraction took to 0 or below is not a
			 * measurement: an empty bracket that an interrupt stretched
			 * cost more than the brackets it stands for (seen once: task
			 * clock 0 at first-touch npages 16).  Not a false 0.
			 */
			if (v <= 0 && c == PC_TASK_CLOCK && pc->nr_excluded)
				continue;
			value[c] = v > 0 ? v : 0;
			valid[c] = true;
		}
	}
	return 0;
}

/* Can this thread sample type/config (user mode only with user_only)?  0 or -errno. */
static int try_sampling(uint32_t type, uint64_t config, bool user_only)
{
	struct perf_event_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config = config;
	attr.freq = 1;
	attr.sample_freq = 1000;
	attr.sample_type = PERF_SAMPLE_IP;
	attr.disabled = 1;
	attr.exclude_hv = 1;
	attr.exclude_kernel = user_only;
	fd = sys_perf_event_open(&attr, -1);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int perf_sampling_event(char *event, size_t len, char *why, size_t whylen)
{
	char reason[REASON_LEN] = "";
	const char *no_pmu = getenv("PFNBENCH_NO_PMU");
	int ret;

	why[0] = '\0';
	if (no_pmu && *no_pmu && strcmp(no_pmu, "0") != 0) {
		snprintf(reason, sizeof(reason), "disabled by PFNBENCH_NO_PMU");
	} else {
		for (int user = 0; user < 2; user++) {
			ret = try_sampling(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, user);
			if (!ret) {
				snprintf(event, len, "cycles%s", user ? ":u" : "");
				if (user)
					snprintf(why, whylen, "kernel mode not sampled: perf_event_paranoid=%d",
						 read_paranoid());
				return 0;
			}
			if (ret != -EACCES && ret != -EPERM)
				break;
		}
		explain(reason, -ret, true);
	}
	for (int user = 0; user < 2; user++) {
		ret = try_sampling(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, user);
		if (!ret) {
			snprintf(event, len, "cpu-clock%s", user ? ":u" : "");
			snprintf(why, whylen, "hardware cycles cannot be sampled here (%s): the software clock "
				 "cpu-clock instead%s", reason, user ? ", user mode only" : "");
			return 0;
		}
		if (ret != -EACCES && ret != -EPERM)
			break;
	}
	explain(reason, -ret, false);
	snprintf(why, whylen, "perf cannot sample this process, not even cpu-clock: %s", reason);
	return ret;
}

int perf_counters_describe(const struct perf_counters *pc, json_t *obj)
{
	if (!pc || !json_is_object(obj))
		return -EINVAL;
	for (int c = 0; c < PC_NR; c++) {
		const char *reason = NULL;
		bool avail = perf_counter_available(pc, c, &reason);
		json_t *o = avail ? json_pack("{s:b}", "available", 1)
				  : json_pack("{s:b, s:s}", "available", 0, "reason", reason);
		if (!o || json_object_set_new(obj, pfn_counter_info[c].name, o))
			return -ENOMEM;
	}
	if (json_object_set_new(obj, "kernel_mode_counted", json_boolean(perf_counters_kernel_counted(pc))))
		return -ENOMEM;
	return 0;
}
