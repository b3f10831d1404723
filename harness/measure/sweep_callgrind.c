/*
 * sweep_callgrind.c - the callgrind driver behind `pfnbench callgrind`:
 * exact instructions per page of the measured passes, for the CI gate.
 *
 * `pfnbench callgrind` makes a results directory and starts valgrind
 * --tool=callgrind --collect-atstart=no on this executable with --inside
 * DIR.  That run (count_inside()) sets every case up with every backend
 * (case.c), makes the untimed warm-up pass, then switches collection on
 * around each measured pass only (CALLGRIND_TOGGLE_COLLECT: not the setup,
 * the warm-up or the rebuilds) until the case has covered at least
 * SWEEP_MIN_PAGES_PER_ITER pages, dumps the counts under the case's name
 * and writes counted.tsv (pages, calls, bytes, faults, walks per case).
 * The outer run then reads the dumps and counted.tsv into results.csv
 * (callgrind_ir_per_page and the bytes per page) and meta.json.
 */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <valgrind/callgrind.h>

#include "msg.h"
#include "sweep_priv.h"

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
		const struct case_desc *sc = sb->sc;
		struct case_run t = { 0 };
		uint64_t stage_ns[PFN_STAGE_NR] = { 0 };
		unsigned long faults = 0, walks = 0, pages = 0, calls = 0;
		unsigned long target = sc->npages > SWEEP_MIN_PAGES_PER_ITER ? sc->npages : SWEEP_MIN_PAGES_PER_ITER;
		char why[RESULT_STR_LONG] = "";
		bool dirty;
		int ret = case_run_setup(&t, sc, sb->ops, &sw->env, 0, why, sizeof(why));

		if (!ret)
			ret = case_run_pass(&t, sc, false, stage_ns, &faults, &walks);
		if (ret) {
			if (!why[0])
				snprintf(why, sizeof(why), "backend %s returned %d (%s)", sb->ops->name, ret, strerror(-ret));
			fprintf(tsv, "%s\tskipped\t%s\n", sb->name, why);
			case_run_free(&t);
			continue;
		}
		dirty = faults > 0;
		faults = walks = 0;
		while (pages < target && !ret) {
			if (dirty && (ret = case_run_rebuild(&t)))
				break;
			CALLGRIND_TOGGLE_COLLECT;
			unsigned long before = faults;
			ret = case_run_pass(&t, sc, false, stage_ns, &faults, &walks);
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
		case_run_free(&t);
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
				msg_printf(name, sizeof(name), "%s", line + 31);
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

	msg_printf(buf, len, "unknown");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	while (fgetc(f) != EOF)
		;
	if (pclose(f) != 0 || !buf[0])
		msg_printf(buf, len, "unknown");
}

/* Start valgrind on this executable with --inside sw->dir and wait for it.  0 or -errno, err filled. */
static int count_under_valgrind(struct sweep *sw, char *err, size_t errlen)
{
	char self[PATH_MAX], outfile[PATH_MAX + 64];
	ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *argv[16];
	int argc = 0, status, ret;
	pid_t pid;

	if (l < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot find this executable: %s", strerror(-ret));
		return ret;
	}
	self[l] = 0;
	snprintf(outfile, sizeof(outfile), "--callgrind-out-file=%s/callgrind/out", sw->dir);
	argv[argc++] = "valgrind";
	argv[argc++] = "--tool=callgrind";
	argv[argc++] = "--collect-atstart=no";
	argv[argc++] = outfile;
	argv[argc++] = "-q";
	argv[argc++] = self;
	argv[argc++] = "callgrind";
	argv[argc++] = "--inside";
	argv[argc++] = sw->dir;
	argv[argc++] = "--config";
	argv[argc++] = (char *)sw->cfg->path;
	argv[argc] = NULL;
	valgrind_version(sw->valgrind_version, sizeof(sw->valgrind_version));
	fprintf(stderr, "pfnbench callgrind: %zu cases x %zu backends under valgrind -> %s\n", sw->nr_cases,
		sw->cfg->nr_backends, sw->dir);
	/* hwloc's x86 CPUID backend cannot run under valgrind: use the others */
	setenv("HWLOC_COMPONENTS", "-x86", 0);
	ret = posix_spawnp(&pid, "valgrind", NULL, NULL, argv, environ);
	if (ret) {
		snprintf(err, errlen, "cannot run valgrind: %s (install the valgrind package)", strerror(ret));
		return -ret;
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(err, errlen, "the run under valgrind failed (status %d); see its messages above", status);
		return -EIO;
	}
	return 0;
}

/* One row of results.csv from a line of counted.tsv and the dumps' Ir. */
static int count_row(struct sweep *sw, char *line, json_t *ir)
{
	char *f[9] = { 0 };
	int nf = 0;
	struct sweep_bench *sb;
	struct result_row row;
	json_t *v;

	line[strcspn(line, "\n")] = 0;
	for (char *p = strtok(line, "\t"); p && nf < 9; p = strtok(NULL, "\t"))
		f[nf++] = p;
	sb = nf >= 2 ? sweep_bench_by_name(sw, f[0]) : NULL;
	if (!sb)
		return 0;
	sweep_row_init(&row, sb);
	if (strcmp(f[1], "ok") || nf < 8 || !(v = json_object_get(ir, f[0]))) {
		msg_printf(row.status, sizeof(row.status), RESULT_STATUS_SKIPPED);
		msg_printf(row.skip_reason, sizeof(row.skip_reason), "%s",
			   nf >= 3 ? f[2] : "no callgrind dump for this case");
		json_array_append_new(sw->skipped, json_pack("{s:s, s:s}", "case", sb->name, "reason",
							    row.skip_reason));
	} else {
		double pages = strtod(f[2], NULL);

		msg_printf(row.status, sizeof(row.status), RESULT_STATUS_OK);
		row.iterations = (struct result_opt){ 1, true };
		row.callgrind_ir_per_page = (struct result_opt){ json_real_value(v) / pages, true };
		row.bytes_alloc_per_page = (struct result_opt){ strtod(f[4], NULL), true };
		row.bytes_persistent_per_page = (struct result_opt){ strtod(f[5], NULL), true };
		row.faults_per_page = (struct result_opt){ strtod(f[6], NULL), true };
		row.walks_per_call = (struct result_opt){ strtod(f[7], NULL), true };
	}
	return results_csv_append(sw->csv, &row);
}

/* results.csv and meta.json from the dumps and counted.tsv.  0 or -errno, err filled. */
static int count_results(struct sweep *sw, char *err, size_t errlen)
{
	char path[PATH_MAX + 64], line[2048];
	json_t *ir = json_object();
	FILE *tsv = NULL;
	int ret = read_dumps(sw->dir, ir);

	if (ret) {
		snprintf(err, errlen, "%s/callgrind: no dumps: %s", sw->dir, strerror(-ret));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/counted.tsv", sw->dir);
	tsv = fopen(path, "r");
	ret = results_csv_create(&sw->csv);
	if (!tsv || ret) {
		ret = ret ? ret : -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		goto out;
	}
	while (!ret && fgets(line, sizeof(line), tsv))
		ret = count_row(sw, line, ir);
	if (ret)
		goto out;
	ret = results_csv_commit(sw->csv, sw->dir);
	if (!ret) {
		sw->counters = json_pack("{s:{s:b, s:s}}", "callgrind_ir", "available", 1, "how",
					 "valgrind --tool=callgrind --collect-atstart=no, collection toggled around "
					 "each pass (CALLGRIND_TOGGLE_COLLECT), one dump per case");
		ret = sweep_write_meta(sw, true, NULL);
	}
	if (ret)
		snprintf(err, errlen, "%s: cannot write results: %s", sw->dir, strerror(-ret));
out:
	if (tsv)
		fclose(tsv);
	json_decref(ir);
	return ret;
}

/* Inside valgrind: count every case into inside_dir/counted.tsv. */
static int count_inside_dir(struct sweep *sw, const char *inside_dir, char *err, size_t errlen)
{
	char path[PATH_MAX + 64];
	FILE *tsv;
	int ret;

	if (!RUNNING_ON_VALGRIND) {
		snprintf(err, errlen, "--inside is for the run under valgrind that `pfnbench callgrind` starts");
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "%s/counted.tsv", inside_dir);
	tsv = fopen(path, "w");
	if (!tsv) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = count_inside(sw, tsv);
	fclose(tsv);
	return ret;
}

int sweep_count(const struct sweep_config *cfg_in, const struct sweep_options *opt, const char *inside_dir,
		char *dir_out, size_t dir_len, char *err, size_t errlen)
{
	struct sweep_config cfg = *cfg_in;
	struct sweep sw;
	char path[PATH_MAX + 64];
	int ret;

	/* no perf counters, no stage clocks: only the passes are counted */
	cfg.counters = 0;
	cfg.stages = CONFIG_STAGES_NO;
	sweep_init(&sw, &cfg, opt);
	sw.kind = "callgrind";
	ret = sweep_open_topology(&sw);
	if (!ret)
		ret = sweep_expand(&sw);
	if (ret) {
		snprintf(err, errlen, "cannot set up the sweep: %s", strerror(-ret));
		goto out;
	}
	if (inside_dir) {
		ret = count_inside_dir(&sw, inside_dir, err, errlen);
		goto out;
	}

	/* outside: a results directory, valgrind on ourselves, then the rows */
	ret = sweep_open_results_dir(&sw, dir_out, dir_len, err, errlen);
	if (ret)
		goto out;
	snprintf(path, sizeof(path), "%s/callgrind", sw.dir);
	if (mkdir(path, 0755)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		goto out;
	}
	ret = count_under_valgrind(&sw, err, errlen);
	if (!ret)
		ret = count_results(&sw, err, errlen);
out:
	sweep_free(&sw);
	return ret;
}
