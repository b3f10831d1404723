/*
 * ab_sides.c - the two sides of `pfnbench ab` (ab.h): BASE and NEW as
 * binaries or git revisions built on the way (ab_side_resolve()), and the
 * child processes every round runs (fork/exec, so that the child can switch
 * address-space randomisation off before exec, as `setarch -R` does).
 */
#include "ab_priv.h"
#include "report_data.h"
#include "results.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define seterr rdata_errorf

/* ---- processes ----------------------------------------------------- */

/*
 * Run argv[0] (searched in PATH) with stdout to @out_path and stderr to
 * @log_path (NULL: /dev/null), in @cwd (NULL: here), ASLR off when
 * @no_aslr.  *@status is the exit status, or 128 + signal.  Returns 0 when
 * the process ran (whatever its status), -errno when it could not start.
 */
int ab_spawn(char *const argv[], const char *out_path, const char *log_path, const char *cwd, int no_aslr,
		 int *status)
{
	int pipefd[2], ws, e = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return -e;
	}
	if (pid == 0) {
		int o = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
		int l = open(log_path ? log_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);

		if (o < 0 || l < 0 || dup2(o, 1) < 0 || dup2(l, 2) < 0 || (cwd && chdir(cwd)))
			goto fail;
		if (no_aslr && personality(ADDR_NO_RANDOMIZE) < 0)
			goto fail;
		execvp(argv[0], argv);
fail:
		e = errno;
		if (write(pipefd[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pipefd[1]);
	/* the exec error, if any, arrives through the pipe (closed on exec) */
	if (read(pipefd[0], &e, sizeof(e)) != (ssize_t)sizeof(e))
		e = 0;
	close(pipefd[0]);
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (e)
		return -e;
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return 0;
}

/* snprintf for paths: -ENAMETOOLONG instead of a cut path. */
int ab_pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int ab_pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The first line of a file into @buf ("" when empty or unreadable). */
void ab_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* The last non-empty line of a file (a failed command's reason). */
void ab_last_line(const char *path, char *buf, size_t len)
{
	char line[1024];
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '\n' && len) {
			size_t l = strcspn(line, "\n");

			l = l < len - 1 ? l : len - 1;
			memcpy(buf, line, l);
			buf[l] = '\0';
		}
	fclose(f);
	rdata_oneline(buf);
}

void ab_say(const struct ab_options *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ab_say(const struct ab_options *o, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!o->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->progress(o->progress_ctx, line);
}

int ab_mkdir_p(const char *path)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* ---- BASE and NEW -------------------------------------------------- */

static int is_executable_file(const char *path)
{
	struct stat sb;

	return !stat(path, &sb) && S_ISREG(sb.st_mode) && !access(path, X_OK);
}

/* `git -C SRC rev-parse --verify --quiet SPEC^{commit}` into @sha. */
static int rev_parse(const char *src, const char *spec, char *sha, size_t len, const char *tmpdir)
{
	char rev[300], out[PATH_MAX];
	char *argv[] = { "git", "-C", (char *)src, "rev-parse", "--verify", "--quiet", rev, NULL };
	int status, ret;

	snprintf(rev, sizeof(rev), "%s^{commit}", spec);
	snprintf(out, sizeof(out), "%s/rev-parse.out", tmpdir);
	ret = ab_spawn(argv, out, NULL, NULL, 0, &status);
	if (ret)
		return ret;
	ab_first_line(out, sha, len);
	unlink(out);
	if (status || strlen(sha) != 40)
		return -ENOENT;
	return 0;
}

/* Run one build step, its output appended to @log; -EIO when it fails. */
static int build_step(char *const argv[], const char *log, const char *what, char *err, size_t err_len)
{
	char step_log[PATH_MAX + 8], last[512], cmd[1024];
	int status = 0, ret, fd;
	FILE *in, *out;

	snprintf(step_log, sizeof(step_log), "%s.step", log);
	ret = ab_spawn(argv, step_log, step_log, NULL, 0, &status);
	/* append the step's output to the build log (never through a link) */
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
	out = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (fd >= 0 && !out)
		close(fd);
	in = fopen(step_log, "re");
	if (out) {
		size_t n = 0;

		for (size_t i = 0; argv[i]; i++)
			n += (size_t)snprintf(cmd + n, n < sizeof(cmd) ? sizeof(cmd) - n : 0, "%s%s", i ? " " : "$ ",
					      argv[i]);
		fprintf(out, "%s\n", cmd);
		if (in) {
			char buf[4096];
			size_t k;

			while ((k = fread(buf, 1, sizeof(buf), in)) > 0)
				fwrite(buf, 1, k, out);
		}
		fclose(out);
	}
	if (in)
		fclose(in);
	if (ret) {
		unlink(step_log);
		seterr(err, err_len, "cannot run %s: %s (is it installed?)", argv[0], strerror(-ret));
		return ret;
	}
	ab_last_line(step_log, last, sizeof(last));
	unlink(step_log);
	if (status) {
		seterr(err, err_len, "%s failed (exit %d): %s; see %s", what, status, last, log);
		return -EIO;
	}
	return 0;
}

int ab_side_resolve(const struct ab_options *o, const char *spec, struct ab_side *side, char *err, size_t err_len)
{
	char dir[PATH_MAX], src[PATH_MAX + 8], bld[PATH_MAX + 8], log[PATH_MAX + 16], stamp[PATH_MAX + 32];
	char type[64], jobs[16];
	int ret;

	memset(side, 0, sizeof(*side));
	snprintf(side->spec, sizeof(side->spec), "%s", spec);
	if (strchr(spec, '/') && is_executable_file(spec)) {
		if (!realpath(spec, side->binary)) {
			ret = -errno;
			seterr(err, err_len, "%s: %s", spec, strerror(-ret));
			return ret;
		}
		return 0;
	}
	ret = ab_mkdir_p(o->build_root);
	if (ret) {
		seterr(err, err_len, "%s: cannot create the build root: %s", o->build_root, strerror(-ret));
		return ret;
	}
	ret = rev_parse(o->source_dir, spec, side->commit, sizeof(side->commit), o->build_root);
	if (ret == -ENOENT) {
		seterr(err, err_len, "'%s' is neither an executable file nor a revision of %s (a first commit has no "
		       "parent, a shallow clone lacks history: give --base REV or --base BINARY)", spec, o->source_dir);
		return ret;
	}
	if (ret) {
		seterr(err, err_len, "cannot run git in %s: %s (install git)", o->source_dir, strerror(-ret));
		return ret;
	}
	if (ab_pathf(dir, sizeof(dir), "%s/%s", o->build_root, side->commit) ||
	    ab_pathf(src, sizeof(src), "%s/src", dir) || ab_pathf(bld, sizeof(bld), "%s/build", dir) ||
	    ab_pathf(log, sizeof(log), "%s/build.log", dir) ||
	    ab_pathf(stamp, sizeof(stamp), "%s/build/.pfnbench-ab-built", dir) ||
	    ab_pathf(side->binary, sizeof(side->binary), "%s/pfnbench", bld)) {
		seterr(err, err_len, "%s: path too long", o->build_root);
		return -ENAMETOOLONG;
	}
	side->built = 1;
	if (!access(stamp, F_OK) && is_executable_file(side->binary)) {
		ab_say(o, "%s = %.12s: built before, in %s", spec, side->commit, bld);
		return 0;
	}
	ab_say(o, "%s = %.12s: building it in %s (log: %s)", spec, side->commit, bld, log);
	{
		/* a half-made tree from an interrupted build is removed first */
		char *rm[] = { "rm", "-rf", "--", dir, NULL };
		char *clone[] = { "git", "clone", "--quiet", "--shared", "--no-checkout", (char *)o->source_dir, src, NULL };
		char *checkout[] = { "git", "-C", src, "checkout", "--quiet", "--detach", side->commit, NULL };
		char *configure[] = { "cmake", "-S", src, "-B", bld, type, "-DPFNBENCH_WERROR=OFF", NULL };
		char *build[] = { "cmake", "--build", bld, "--target", "pfnbench", "-j", jobs, NULL };
		int status;

		snprintf(type, sizeof(type), "-DCMAKE_BUILD_TYPE=%s", o->build_type);
		snprintf(jobs, sizeof(jobs), "%d", o->jobs > 0 ? o->jobs : 2);
		if ((ret = ab_spawn(rm, NULL, NULL, NULL, 0, &status)) || (ret = ab_mkdir_p(dir))) {
			seterr(err, err_len, "%s: %s", dir, strerror(-ret));
			return ret;
		}
		if ((ret = build_step(clone, log, "git clone", err, err_len)) ||
		    (ret = build_step(checkout, log, "git checkout", err, err_len)) ||
		    (ret = build_step(configure, log, "cmake (configure)", err, err_len)) ||
		    (ret = build_step(build, log, "cmake --build", err, err_len)))
			return ret;
	}
	if (!is_executable_file(side->binary)) {
		seterr(err, err_len, "the build of %.12s made no %s; see %s", side->commit, side->binary, log);
		return -EIO;
	}
	{
		int fd = open(stamp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);

		if (fd >= 0)
			close(fd);
	}
	return 0;
}


/* ---- the config each side can run ------------------------------------------- */

/* Is name one of the first words of the lines of `BIN list backends` in path? */
static int side_knows(const char *path, const char *name)
{
	FILE *f = fopen(path, "re");
	char line[1024];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\t\n");

		found = n == strlen(name) && !strncmp(line, name, n);
	}
	fclose(f);
	return found;
}

/* Is c a separator of a config list (commas or blanks)? */
static int list_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t';
}

int ab_side_config(const char *bin, const char *dir, char side, const char *text, size_t text_len,
		   char *left_out, size_t left_len, char *err, size_t err_len)
{
	char list_path[PATH_MAX + 32], cfg_path[PATH_MAX + 32];
	char *argv[] = { (char *)bin, "list", "backends", NULL };
	char *out = NULL;
	size_t out_len = 0, kept = 0;
	FILE *mem;
	int status = 0, ret, in_sweep = 0, in_backends = 0;
	const char *p = text, *end = text + text_len;

	left_out[0] = '\0';
	if (ab_pathf(list_path, sizeof(list_path), "%s/runs/backends-%c.txt", dir, side) ||
	    ab_pathf(cfg_path, sizeof(cfg_path), "config-%c.conf", side))
		return -ENAMETOOLONG;
	ret = ab_spawn(argv, list_path, NULL, NULL, 0, &status);
	if (ret || status) {
		snprintf(err, err_len, "%s list backends: %s", bin, ret ? strerror(-ret) : "failed");
		return ret ? ret : -EINVAL;
	}
	mem = open_memstream(&out, &out_len);
	if (!mem)
		return -ENOMEM;
	/*
	 * every line as it is, but the [sweep] backends list (with its
	 * indented continuation lines) cut to what this side knows, on one line
	 */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		const char *q = p, *eq;

		if (in_backends && !(*p == ' ' || *p == '\t')) {
			fputc('\n', mem);	/* the list ended with the line before */
			in_backends = 0;
		}
		if (*p == '[')
			in_sweep = !strncmp(p, "[sweep]", 7);
		if (!in_backends && in_sweep && !strncmp(p, "backends", 8) && (p[8] == ' ' || p[8] == '=') &&
		    (eq = memchr(p, '=', n))) {
			fprintf(mem, "backends =");
			q = eq + 1;
			in_backends = 1;
		} else if (!in_backends) {
			fwrite(p, 1, n, mem);
			p += n;
			continue;
		}
		/* the names on this line of the list */
		while (q < p + n) {
			char name[128];
			size_t k = 0;

			while (q < p + n && (list_sep(*q) || *q == '\n' || *q == '\r'))
				q++;
			if (q >= p + n)
				break;
			while (q < p + n && !list_sep(*q) && *q != '\n' && *q != '\r' && k + 1 < sizeof(name))
				name[k++] = *q++;
			name[k] = '\0';
			if (side_knows(list_path, name)) {
				fprintf(mem, " %s", name);
				kept++;
			} else {
				snprintf(left_out + strlen(left_out), left_len - strlen(left_out), "%s%s",
					 *left_out ? " " : "", name);
			}
		}
		p += n;
	}
	if (in_backends)
		fputc('\n', mem);
	if (fclose(mem)) {
		free(out);
		return -ENOMEM;
	}
	if (!kept) {
		snprintf(err, err_len, "%s knows none of the config's backends (%s)", bin, left_out);
		free(out);
		return -EINVAL;
	}
	ret = results_write_atomic(dir, cfg_path, out, out_len);
	free(out);
	return ret;
}
