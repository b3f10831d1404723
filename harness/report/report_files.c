/*
 * report_files.c - every file `pfnbench report` writes, and gnuplot.
 *
 * Nothing is written through a link, nothing appears half-written under
 * its final name, and two reports of one directory at once do not share a
 * temporary file:
 *
 *   - the output directory (the results directory, or --out DIR) is
 *     opened once; plotdata/ inside it is opened without following a link
 *     (common/safe_write.h: sw_subdir());
 *   - the figures' data, gnuplot's output, its log and the text plot are
 *     made in a private directory OUTDIR/.report-XXXXXX (mkdtemp(): new,
 *     mode 0700, so nobody else can put a link in it); r->datadir names it
 *     while the figures are drawn;
 *   - gnuplot's PNG and SVG are checked before they take their final
 *     names: gnuplot exited 0, the PNG is a PNG whose chunks run to IEND
 *     at the end of the file, the SVG ends with </svg>; then each is
 *     renamed into OUTDIR (a rename replaces a link there, never follows
 *     it);
 *   - at the end the data, the log and the text plot are renamed into
 *     plotdata/, report.txt is written through safe_write.h, and the
 *     private directory is removed.
 *
 * The first file that cannot be written is remembered (r->io_err,
 * r->io_what), so that the error names it and says why ("no space left on
 * device").
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report_priv.h"
#include "safe_write.h"

extern char **environ;

/* Remember the first file that could not be written (in OUTDIR, or in OUTDIR/plotdata). */
static void io_fail(struct report *r, int err, bool plotdata, const char *name)
{
	if (r->io_err || !err)
		return;
	r->io_err = err < 0 ? err : -err;
	fmt_to(r->io_what, sizeof(r->io_what), "%s/%s%s", r->outdir, plotdata ? "plotdata/" : "", name);
}

int report_files_open(struct report *r, char *err, size_t err_len)
{
	const char *dir = r->o->out_dir ? r->o->out_dir : r->m->dir;
	int fd;

	r->outfd = r->datafd = r->workfd = -1;
	fmt_to(r->outdir, sizeof(r->outdir), "%s", dir);
	if (r->o->out_dir && mkdir(dir, 0755) && errno != EEXIST) {
		rdata_errorf(err, err_len, "%s: cannot create the output directory: %s", dir, sw_strerror(errno));
		return -errno;
	}
	fd = sw_dir_open(dir);
	if (fd < 0) {
		rdata_errorf(err, err_len, "%s: cannot open the output directory: %s", dir, sw_strerror(fd));
		return fd;
	}
	r->outfd = fd;
	/* can a file be made here?  A read-only results directory is said so at once */
	if (faccessat(fd, ".", W_OK, AT_EACCESS)) {
		int e = errno;

		rdata_errorf(err, err_len, "%s: cannot write the report there: %s%s", dir, sw_strerror(e),
			     r->o->out_dir ? "" : " (give --out DIR to write it to another directory)");
		return -e;
	}
	fmt_to(r->s->report_path, sizeof(r->s->report_path), "%s/report.txt", dir);
	return 0;
}

int report_files_workdir(struct report *r, char *err, size_t err_len)
{
	char path[sizeof(r->datadir)];
	int fd = sw_subdir(r->outfd, "plotdata");

	if (fd < 0) {
		rdata_errorf(err, err_len, "%s/plotdata: %s", r->outdir, sw_strerror(fd));
		return fd;
	}
	r->datafd = fd;
	fmt_to(path, sizeof(path), "%s/.report-XXXXXX", r->outdir);
	if (!mkdtemp(path)) {
		int e = errno;

		rdata_errorf(err, err_len, "%s: cannot make a directory to draw in: %s", r->outdir, sw_strerror(e));
		return -e;
	}
	fmt_to(r->datadir, sizeof(r->datadir), "%s", path);
	r->workfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (r->workfd < 0) {
		int e = errno;

		rmdir(path);
		r->datadir[0] = '\0';
		rdata_errorf(err, err_len, "%s: %s", path, sw_strerror(e));
		return -e;
	}
	return 0;
}

/* ---- the figures' data ---------------------------------------------------- */

FILE *dat_open(struct report *r, const char *name)
{
	char file[300];
	int fd;
	FILE *f;

	fmt_to(file, sizeof(file), "%s.dat", name);
	fmt_to(r->dat_name, sizeof(r->dat_name), "%s", file);
	fd = openat(r->workfd, file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		io_fail(r, errno, true, file);
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		io_fail(r, errno, true, file);
		close(fd);
	}
	return f;
}

int dat_close(struct report *r, FILE *f)
{
	int ret = 0;

	errno = 0;
	if (fflush(f) || ferror(f))
		ret = errno ? -errno : -EIO;
	if (fclose(f) && !ret)
		ret = errno ? -errno : -EIO;
	if (ret)
		io_fail(r, ret, true, r->dat_name);
	return ret;
}

/* ---- gnuplot ---------------------------------------------------------------- */

int figure_gnuplot(struct report *r, const char *script, const char *expr_in)
{
	const char *prog = r->o->gnuplot ? r->o->gnuplot : "gnuplot";
	char spath[4200], dir[4200], expr[16384] = "";
	char *argv[5];
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int ret, status, log;

	fmt_to(spath, sizeof(spath), "%s/%s", r->plots, script);
	if (access(spath, R_OK))
		return -ENOENT;
	/* where the scripts load their shared parts from (style.gp) */
	fmt_to(dir, sizeof(dir), "%s/", r->plots);
	if (figure_gp_set(expr, sizeof(expr), "dir", dir) || strlen(expr) + strlen(expr_in) >= sizeof(expr))
		return -ENAMETOOLONG;
	strcat(expr, expr_in);
	log = openat(r->workfd, "gnuplot.log", O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (log < 0)
		return -errno;
	dprintf(log, "== %s -e \"%s\" %s\n", prog, expr, spath);
	argv[0] = (char *)prog;
	argv[1] = (char *)"-e";
	argv[2] = (char *)expr;
	argv[3] = spath;
	argv[4] = NULL;
	if (posix_spawn_file_actions_init(&fa)) {
		close(log);
		return -ENOMEM;
	}
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, log, 1);
	posix_spawn_file_actions_adddup2(&fa, log, 2);
	ret = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(log);
	if (ret)
		return -ret;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (!WIFEXITED(status))
		return -EIO;
	if (WEXITSTATUS(status) == 127)
		return -ENOENT;	/* exec failed in the child */
	return WEXITSTATUS(status) ? -EIO : 0;
}

/* The whole file name in the work directory, at most max bytes; NULL when unreadable. */
static unsigned char *slurp(struct report *r, const char *file, size_t max, size_t *len)
{
	int fd = openat(r->workfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	unsigned char *buf = NULL;
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 && (size_t)st.st_size <= max &&
	    (buf = malloc((size_t)st.st_size))) {
		n = pread(fd, buf, (size_t)st.st_size, 0);
		if (n != st.st_size) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)st.st_size;
	}
	close(fd);
	return buf;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Is buf a whole PNG: the signature, then chunks that end with IEND at the end of the file? */
static bool png_complete(const unsigned char *buf, size_t len)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	size_t off = 8;

	if (len < 8 + 12 || memcmp(buf, sig, 8))
		return false;
	while (off + 12 <= len) {
		uint32_t n = be32(buf + off);

		if (n > len - off - 12)
			return false;
		if (!memcmp(buf + off + 4, "IEND", 4))
			return off + 12 + n == len;
		off += 12 + (size_t)n;
	}
	return false;
}

/* Does the SVG end with </svg> (and blanks)? */
static bool svg_complete(const unsigned char *buf, size_t len)
{
	while (len && strchr(" \t\r\n", buf[len - 1]))
		len--;
	return len >= 6 && !memcmp(buf + len - 6, "</svg>", 6);
}

/* Why gnuplot's NAME.EXT is not whole, or NULL when it is. */
static const char *output_problem(struct report *r, const char *file, bool png)
{
	size_t len = 0;
	unsigned char *buf = slurp(r, file, 256UL << 20, &len);
	const char *why = NULL;
	struct statvfs vfs;

	if (!buf || !(png ? png_complete(buf, len) : svg_complete(buf, len))) {
		/* a full disk cuts gnuplot's output short without an error */
		if (!fstatvfs(r->workfd, &vfs) && vfs.f_bavail == 0)
			why = "no space left on device";
		else
			why = !buf ? "missing or empty" : png ? "not a complete PNG" : "not a complete SVG";
	}
	free(buf);
	return why;
}

int figure_draw(struct report *r, const char *script, const char *name, const char *subtitle, const char *extra)
{
	char expr[8192] = "", path[4300], base[4300], file[320];
	int ret;

	fmt_to(path, sizeof(path), "%s/%s.dat", r->datadir, name);
	fmt_to(base, sizeof(base), "%s/%s", r->datadir, name);
	ret = figure_gp_set(expr, sizeof(expr), "datafile", path);
	if (!ret)
		ret = figure_gp_set(expr, sizeof(expr), "outbase", base);
	if (!ret)
		ret = figure_gp_set(expr, sizeof(expr), "subtitle", subtitle);
	if (ret)
		return ret;
	if (extra)
		strncat(expr, extra, sizeof(expr) - strlen(expr) - 1);
	ret = figure_gnuplot(r, script, expr);
	if (ret) {
		report_note(r, "%s: gnuplot %s (%s); see plotdata/gnuplot.log", name,
			    ret == -ENOENT ? "or script not found" : "failed", script);
		return ret;
	}
	/* both whole before either takes its final name */
	for (int k = 0; k < 2; k++) {
		const char *why;

		fmt_to(file, sizeof(file), "%s.%s", name, k ? "svg" : "png");
		why = output_problem(r, file, !k);
		if (why) {
			report_note(r, "%s: gnuplot's output is %s; not written (%s)", file, why, script);
			if (!strcmp(why, "no space left on device"))
				io_fail(r, ENOSPC, false, file);
			return -EIO;
		}
	}
	for (int k = 0; k < 2; k++) {
		fmt_to(file, sizeof(file), "%s.%s", name, k ? "svg" : "png");
		if (renameat(r->workfd, file, r->outfd, file)) {
			io_fail(r, errno, false, file);
			report_note(r, "%s: cannot be written: %s", file, sw_strerror(errno));
			return -EIO;
		}
	}
	r->s->nr_figures++;
	if (r->nr_figs < sizeof(r->figs) / sizeof(r->figs[0]))
		fmt_to(r->figs[r->nr_figs++], sizeof(r->figs[0]), "%s", name);
	return 0;
}

/* ---- report.txt and the end ------------------------------------------------- */

int report_files_text(struct report *r, const char *buf, size_t len, char *err, size_t err_len)
{
	struct sw_file sw;
	FILE *f;
	int ret = sw_create(&sw, r->outfd, "report.txt");

	if (!ret) {
		f = sw_stream(&sw);
		errno = 0;
		ret = f ? fold_lines(buf, len, f) : -errno;
		if (ret) {
			/* the write's own errno (ENOSPC, EFBIG), not fold_lines()'s -EIO */
			ret = errno ? -errno : ret;
			sw_abort(&sw);
		} else {
			ret = sw_commit(&sw);
		}
	}
	if (ret)
		rdata_errorf(err, err_len, "%s: cannot write: %s", r->s->report_path, sw_strerror(ret));
	return ret;
}

void report_files_close(struct report *r, bool keep)
{
	DIR *d;
	struct dirent *e;

	if (r->workfd >= 0) {
		/* what the figures were drawn from goes to plotdata/; the rest (a failed figure) goes */
		d = fdopendir(dup(r->workfd));
		while (d && (e = readdir(d))) {
			const char *dot = strrchr(e->d_name, '.');

			if (e->d_name[0] == '.')
				continue;
			if (keep && dot && (!strcmp(dot, ".dat") || !strcmp(dot, ".txt") || !strcmp(dot, ".log")) &&
			    !renameat(r->workfd, e->d_name, r->datafd, e->d_name))
				continue;
			unlinkat(r->workfd, e->d_name, 0);
		}
		if (d)
			closedir(d);
		close(r->workfd);
		rmdir(r->datadir);
		r->workfd = -1;
	}
	if (r->datafd >= 0)
		close(r->datafd);
	if (r->outfd >= 0)
		close(r->outfd);
	r->datafd = r->outfd = -1;
}

int report_files_error(const struct report *r, char *err, size_t err_len)
{
	if (!r->io_err)
		return 0;
	rdata_errorf(err, err_len, "%s: cannot write: %s", r->io_what, sw_strerror(r->io_err));
	return r->io_err;
}
