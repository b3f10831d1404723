/*
 * sweep_perf.c - `pfnbench run --perf-record CASE`: a `perf record`
 * profile of one case, written next to the results of the run.
 *
 * After the sweep, the outer run starts
 *
 *   perf record -e EVENT -F FREQ --call-graph fp|dwarf -o DIR/perf.data -q
 *       -- THIS_EXECUTABLE run --config FILE --perf-inside CASE
 *          --perf-seconds S --out DIR
 *
 * The inside run (sweep_perf_inside()) sets the case up as the sweep does
 * (case.c), makes the untimed warm-up pass, then repeats what one timed
 * iteration of the sweep is (rebuild or cache flush untimed, then the
 * passes) until the passes have taken S seconds, or 10 S of wall time have
 * gone by (at first-touch npages 1 the rebuilds are most of the time).  No
 * Google Benchmark, no perf counters: nothing but the case.  It writes
 * DIR/perf-inside.txt (pages, calls, seconds of passes and of wall time).
 *
 * The outer run then writes, beside perf.data:
 *   perf-report.txt  `perf report --stdio --no-children`: self time by
 *                    symbol, the whole process
 *   perf-folded.txt  `perf script report stackcollapse`: one line per
 *                    distinct stack, "main;...;leaf COUNT" (flame graphs)
 *   perf-summary.txt how it was recorded (event, and why not cycles; call
 *                    graph; frame pointers), the share of samples inside
 *                    the passes (stacks through case_run_pass(): the timed
 *                    region), and the functions that take the passes' time
 *
 * The event: "cycles" where a PMU and perf_event_paranoid allow, else the
 * software clock "cpu-clock" (this VM has no PMU), with the reason
 * (perf_sampling_event()).  Stacks are walked by DWARF (`--call-graph
 * dwarf`, at 999 Hz: each sample copies 8 KiB of stack), which needs no
 * frame pointers (kernels/ keeps unwind tables, which leave its code as it
 * is), or by frame pointers in a build that keeps them
 * (PFNBENCH_FRAME_POINTERS, off by default: they move timings by up to
 * 12%, top CMakeLists.txt).
 *
 * The perf binary is $PFNBENCH_PERF, or `perf` on PATH (Debian: linux-perf).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msg.h"
#include "perf.h"
#include "sweep_priv.h"

extern char **environ;

#ifdef PFNBENCH_FRAME_POINTERS
#define CALL_GRAPH "fp"
#define SAMPLE_FREQ "4999"
#else
#define CALL_GRAPH "dwarf"
#define SAMPLE_FREQ "999"
#endif

/* the function whose stacks are the timed region */
#define TIMED_FRAME "case_run_pass"
/* functions listed in the summary */
#define SUMMARY_TOP 25

static const char *perf_binary(void)
{
	const char *p = getenv("PFNBENCH_PERF");

	return p && *p ? p : "perf";
}

/*
 * Run argv with stdout to out_path (NULL: inherited) and stderr to
 * err_path (NULL: inherited).  Returns the exit status, or -errno when it
 * could not be started (-ENOENT: no such program).
 */
static int run_prog(char *const argv[], const char *out_path, const char *err_path)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int ret, status;

	if (posix_spawn_file_actions_init(&fa))
		return -ENOMEM;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (out_path)
		posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (err_path)
		posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ret = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (ret)
		return -ret;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	/* posix_spawnp reports a missing program through the child's 127 */
	return WEXITSTATUS(status) == 127 ? -ENOENT : WEXITSTATUS(status);
}

int sweep_perf_check(const struct sweep_config *cfg, const char *case_name, char *event, size_t event_len,
		     char *why, size_t whylen)
{
	struct sweep_options opt = { 0 };
	struct sweep sw;
	char *argv[] = { (char *)perf_binary(), "version", NULL };
	int ret;

	sweep_init(&sw, cfg, &opt);
	ret = sweep_expand(&sw);
	if (!ret && !sweep_bench_by_name(&sw, case_name)) {
		snprintf(why, whylen, "%s: no case named '%s' (a case is BACKEND/WORKLOAD/npages:N/batch:B..., "
			 "as results.csv's name column)", cfg->path, case_name);
		ret = -ENOENT;
	} else if (ret) {
		snprintf(why, whylen, "cannot expand the sweep: %s", strerror(-ret));
	}
	sweep_free(&sw);
	if (ret)
		return ret;
	ret = run_prog(argv, "/dev/null", "/dev/null");
	if (ret) {
		snprintf(why, whylen, "cannot run `%s version` (%s): install Debian's linux-perf package "
			 "(./run.sh installs it) or set PFNBENCH_PERF", argv[0],
			 ret < 0 ? strerror(-ret) : "it failed");
		return ret < 0 ? ret : -ENOEXEC;
	}
	return perf_sampling_event(event, event_len, why, whylen);
}

/* ---- inside perf ----------------------------------------------------------- */

/* The sweep's timed iterations of one case until seconds of passes (or 10x in wall time). */
static int perf_loop(struct sweep *sw, struct sweep_bench *sb, double seconds, FILE *out)
{
	const struct case_desc *sc = sb->sc;
	struct case_run t = { 0 };
	uint64_t stage_ns[PFN_STAGE_NR] = { 0 }, timed = 0, start, now;
	unsigned long faults = 0, walks = 0, inner, iters = 0;
	char why[RESULT_STR_LONG] = "";
	bool dirty;
	int ret = case_run_setup(&t, sc, sb->ops, &sw->env, 0, why, sizeof(why));

	if (!ret)
		ret = case_run_pass(&t, sc, false, stage_ns, &faults, &walks);
	if (ret) {
		fprintf(stderr, "pfnbench run --perf-record: %s: %s\n", sb->name, why[0] ? why : strerror(-ret));
		case_run_free(&t);
		return ret;
	}
	dirty = faults > 0;
	inner = dirty ? 1 : (SWEEP_MIN_PAGES_PER_ITER + sc->npages - 1) / sc->npages;
	start = now = case_now_ns();
	while (!ret && timed < seconds * 1e9 && now - start < seconds * 10e9 && !(sw->opt->stop && *sw->opt->stop)) {
		unsigned long before = faults;
		uint64_t t0;

		if (dirty && (ret = case_run_rebuild(&t)))
			break;
		if (t.flush_buf)
			case_run_cache_flush(&t);
		t0 = case_now_ns();
		for (unsigned long k = 0; k < inner && !ret; k++)
			ret = case_run_pass(&t, sc, false, stage_ns, &faults, &walks);
		now = case_now_ns();
		timed += now - t0;
		dirty = faults > before;
		iters++;
	}
	fprintf(out, "case %s\npages %lu\ncalls %lu\npasses_seconds %.6f\nwall_seconds %.6f\nstatus %d\n", sb->name,
		iters * inner * sc->npages, iters * inner * ((sc->npages + sc->batch - 1) / sc->batch), timed * 1e-9,
		(now - start) * 1e-9, ret);
	case_run_free(&t);
	return ret;
}

int sweep_perf_inside(const struct sweep_config *cfg_in, const struct sweep_options *opt, const char *case_name,
		      double seconds, char *err, size_t errlen)
{
	struct sweep_config cfg = *cfg_in;
	struct sweep sw;
	struct sweep_bench *sb;
	char path[PATH_MAX + 32];
	FILE *out = NULL;
	int ret;

	cfg.counters = 0; /* nothing but the case */
	cfg.stages = false;
	sweep_init(&sw, &cfg, opt);
	ret = sweep_open_topology(&sw);
	if (!ret)
		ret = sweep_expand(&sw);
	if (ret) {
		snprintf(err, errlen, "cannot set up the sweep: %s", strerror(-ret));
		goto out;
	}
	sb = sweep_bench_by_name(&sw, case_name);
	snprintf(path, sizeof(path), "%s/perf-inside.txt", opt->out_parent);
	out = sb ? fopen(path, "w") : NULL;
	if (!out) {
		ret = sb ? -errno : -ENOENT;
		snprintf(err, errlen, "%s: %s", sb ? path : case_name, sb ? strerror(-ret) : "no such case");
		goto out;
	}
	ret = perf_loop(&sw, sb, seconds, out);
	if (fclose(out) && !ret)
		ret = -EIO;
	if (ret)
		snprintf(err, errlen, "%s: the case failed: %s", case_name, strerror(-ret));
out:
	sweep_free(&sw);
	return ret;
}

/* ---- the summary ----------------------------------------------------------- */

struct leaf {
	char name[128];
	double samples;
};

/* Add n samples to leaf name in (*v)[*nr] (grown as needed).  0 or -ENOMEM. */
static int leaf_add(struct leaf **v, size_t *nr, size_t *cap, const char *name, size_t len, double n)
{
	if (len >= sizeof((*v)->name))
		len = sizeof((*v)->name) - 1;
	for (size_t i = 0; i < *nr; i++)
		if (!strncmp((*v)[i].name, name, len) && !(*v)[i].name[len]) {
			(*v)[i].samples += n;
			return 0;
		}
	if (*nr == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		struct leaf *nv = realloc(*v, c * sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	memcpy((*v)[*nr].name, name, len);
	(*v)[*nr].name[len] = '\0';
	(*v)[(*nr)++].samples = n;
	return 0;
}

static int leaf_cmp(const void *a, const void *b)
{
	double x = ((const struct leaf *)a)->samples, y = ((const struct leaf *)b)->samples;

	return (x < y) - (x > y);
}

/* Is TIMED_FRAME one of the frames of a folded stack? */
static bool in_timed_region(const char *stack, size_t len)
{
	size_t n = strlen(TIMED_FRAME);

	for (const char *p = stack; p + n <= stack + len; p++)
		if (!strncmp(p, TIMED_FRAME, n) && (p == stack || p[-1] == ';') && (p[n] == ';' || p + n == stack + len))
			return true;
	return false;
}

/* From perf-folded.txt: all samples, those in the timed region, and their self time by function. */
static int fold_summary(const char *folded, FILE *out)
{
	FILE *f = fopen(folded, "r");
	struct leaf *v = NULL;
	size_t nr = 0, cap = 0, linecap = 0;
	double all = 0, timed = 0;
	char *line = NULL;
	int ret = 0;

	if (!f)
		return -errno;
	while (!ret && getline(&line, &linecap, f) > 0) {
		char *sp = strrchr(line, ' '), *leaf;
		double n;

		if (!sp)
			continue;
		n = strtod(sp + 1, NULL);
		all += n;
		if (!in_timed_region(line, (size_t)(sp - line)))
			continue;
		timed += n;
		*sp = '\0';
		leaf = strrchr(line, ';');
		leaf = leaf ? leaf + 1 : line;
		ret = leaf_add(&v, &nr, &cap, leaf, strlen(leaf), n);
	}
	free(line);
	fclose(f);
	if (ret)
		goto out;
	fprintf(out, "Samples: %.0f in all, %.0f (%.1f%%) inside the passes: stacks through\n"
		     "%s(), the timed region; the rest is setup, rebuilds and the warm-up.\n\n",
		all, timed, all > 0 ? 100 * timed / all : 0, TIMED_FRAME);
	if (timed <= 0) {
		fprintf(out, "No sample's stack reaches %s(): the stacks are broken (a build\n"
			     "without frame pointers?) or the passes took no time.\n", TIMED_FRAME);
		goto out;
	}
	qsort(v, nr, sizeof(*v), leaf_cmp);
	fprintf(out, "Inside the passes, self time by function (the leaf of each stack):\n\n"
		     "   share  samples  function\n");
	for (size_t i = 0; i < nr && i < SUMMARY_TOP; i++)
		fprintf(out, "  %5.1f%% %8.0f  %s\n", 100 * v[i].samples / timed, v[i].samples, v[i].name);
	if (nr > SUMMARY_TOP)
		fprintf(out, "  (%zu more functions; perf-folded.txt has every stack)\n", nr - SUMMARY_TOP);
out:
	free(v);
	return ret;
}

/* Copy perf-inside.txt's lines "key value" into the summary as sentences. */
static void inside_summary(const char *dir, FILE *out)
{
	char path[PATH_MAX + 32], key[64], val[64];  /* the values are numbers */
	double pages = 0, calls = 0, passes = 0, wall = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/perf-inside.txt", dir);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fscanf(f, "%63s %63s", key, val) == 2) {
		if (!strcmp(key, "pages"))
			pages = strtod(val, NULL);
		else if (!strcmp(key, "calls"))
			calls = strtod(val, NULL);
		else if (!strcmp(key, "passes_seconds"))
			passes = strtod(val, NULL);
		else if (!strcmp(key, "wall_seconds"))
			wall = strtod(val, NULL);
	}
	fclose(f);
	fprintf(out, "Recorded: %.3g s of passes (%.0f pages, %.0f calls; %.1f ns/page under\n"
		     "sampling) in %.3g s of the case's loop.\n",
		passes, pages, calls, pages > 0 ? passes * 1e9 / pages : 0, wall);
}

static int write_summary(const char *dir, const char *case_name, const char *event, const char *why,
			 const char *cmdline, bool folded)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 32];
	FILE *out;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/perf-summary.txt", dir);
	snprintf(tmp, sizeof(tmp), "%s/perf-summary.txt.tmp", dir);
	out = fopen(tmp, "w");
	if (!out)
		return -errno;
	fprintf(out, "perf profile of %s\n\n", case_name);
	fprintf(out, "Command:  %s\n", cmdline);
	fprintf(out, "Event:    %s%s%s\n", event, why[0] ? "; " : "", why);
	fprintf(out, "Stacks:   --call-graph %s (%s)\n", CALL_GRAPH,
#ifdef PFNBENCH_FRAME_POINTERS
		"this build keeps frame pointers (PFNBENCH_FRAME_POINTERS),\n"
		"          which move its timings: not the measuring build's code"
#else
		"this build has no frame pointers, as the kernel and the\n"
		"          measuring build: stacks from DWARF unwind tables"
#endif
	);
	fprintf(out, "Files:    perf.data, perf-report.txt (perf report --stdio),\n"
		     "          perf-folded.txt (perf script report stackcollapse),\n"
		     "          perf-inside.txt (what the recorded loop did)\n\n");
	inside_summary(dir, out);
	fputc('\n', out);
	if (folded) {
		snprintf(path, sizeof(path), "%s/perf-folded.txt", dir);
		ret = fold_summary(path, out);
		snprintf(path, sizeof(path), "%s/perf-summary.txt", dir);
	} else {
		fprintf(out, "No folded stacks: `perf script report stackcollapse` failed (a perf\n"
			     "without Python?); perf-report.txt has the flat profile.\n");
	}
	if (fclose(out) && !ret)
		ret = -EIO;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

/* ---- outside perf ---------------------------------------------------------- */

/* Run a perf subcommand on dir/perf.data with stdout to dir/name (via .tmp).  0 or -errno/status. */
static int perf_to_file(const char *dir, const char *name, char *const *args)
{
	char data[PATH_MAX + 32], out[PATH_MAX + 32], tmp[PATH_MAX + 32], log[PATH_MAX + 32];
	char *argv[24];
	int argc = 0, ret;

	snprintf(data, sizeof(data), "%s/perf.data", dir);
	snprintf(out, sizeof(out), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, name);
	snprintf(log, sizeof(log), "%s/perf-errors.txt", dir);
	argv[argc++] = (char *)perf_binary();
	for (; *args && argc < 20; args++)
		argv[argc++] = *args;
	argv[argc++] = "-i";
	argv[argc++] = data;
	argv[argc] = NULL;
	ret = run_prog(argv, tmp, log);
	if (!ret && rename(tmp, out))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

int sweep_perf_record(const struct sweep_config *cfg, const char *case_name, double seconds, const char *dir,
		      char *err, size_t errlen)
{
	char self[PATH_MAX], event[32], why[256], data[PATH_MAX + 32], secs[32], cmdline[8192] = "";
	char *argv[32];
	int argc = 0, ret;
	ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *report[] = { "report", "--stdio", "--no-children", "--sort", "symbol,dso", "--percent-limit", "0.5",
			   "-g", "none", NULL };
	char *fold[] = { "script", "report", "stackcollapse", NULL };
	struct stat st;

	if (l < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot find this executable: %s", strerror(-ret));
		return ret;
	}
	self[l] = '\0';
	ret = sweep_perf_check(cfg, case_name, event, sizeof(event), why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "%s", why);
		return ret;
	}
	if (why[0])
		fprintf(stderr, "pfnbench run --perf-record: %s\n", why);
	snprintf(data, sizeof(data), "%s/perf.data", dir);
	snprintf(secs, sizeof(secs), "%g", seconds);
	argv[argc++] = (char *)perf_binary();
	argv[argc++] = "record";
	argv[argc++] = "-e";
	argv[argc++] = event;
	argv[argc++] = "-F";
	argv[argc++] = SAMPLE_FREQ;
	argv[argc++] = "--call-graph";
	argv[argc++] = CALL_GRAPH;
	argv[argc++] = "-q";
	argv[argc++] = "-o";
	argv[argc++] = data;
	argv[argc++] = "--";
	argv[argc++] = self;
	argv[argc++] = "run";
	argv[argc++] = "--config";
	argv[argc++] = (char *)cfg->path;
	argv[argc++] = "--perf-inside";
	argv[argc++] = (char *)case_name;
	argv[argc++] = "--perf-seconds";
	argv[argc++] = secs;
	argv[argc++] = "--out";
	argv[argc++] = (char *)dir;
	argv[argc] = NULL;
	for (int i = 0; i < argc; i++)
		snprintf(cmdline + strlen(cmdline), sizeof(cmdline) - strlen(cmdline), "%s%s", i ? " " : "", argv[i]);
	fprintf(stderr, "pfnbench run --perf-record: %s, %s s of passes -> %s\n", case_name, secs, data);
	ret = run_prog(argv, NULL, NULL);
	if (ret) {
		snprintf(err, errlen, "perf record failed (%s); its messages are above",
			 ret < 0 ? strerror(-ret) : "non-zero exit");
		return ret < 0 ? ret : -EIO;
	}
	ret = perf_to_file(dir, "perf-report.txt", report);
	if (ret) {
		snprintf(err, errlen, "%s: perf report failed; see %s/perf-errors.txt", data, dir);
		return ret < 0 ? ret : -EIO;
	}
	ret = write_summary(dir, case_name, event, why, cmdline, perf_to_file(dir, "perf-folded.txt", fold) == 0);
	if (ret)
		snprintf(err, errlen, "%s/perf-summary.txt: %s", dir, strerror(-ret));
	/* perf's complaints, kept only when there were some */
	snprintf(data, sizeof(data), "%s/perf-errors.txt", dir);
	if (!stat(data, &st) && st.st_size == 0)
		unlink(data);
	return ret;
}
