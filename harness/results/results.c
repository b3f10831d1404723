/*
 * results.c - the results directory, atomic files, meta.json.
 *
 * results.csv itself (the column table, writer and reader) is in
 * results_csv.c.
 *
 * Left out on purpose: anything about how the numbers were measured; the
 * sweep's parts of meta.json.
 */
#include "results.h"
#include "build_info.h"
#include "safe_write.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gnu/libc-version.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef PFNBENCH_COMPILER
#define PFNBENCH_COMPILER "unknown"
#endif
#ifndef PFNBENCH_C_FLAGS
#define PFNBENCH_C_FLAGS "unknown"
#endif
#ifndef PFNBENCH_KERNELS_FLAGS
#define PFNBENCH_KERNELS_FLAGS "unknown"
#endif
#ifndef PFNBENCH_BUILD_TYPE
#define PFNBENCH_BUILD_TYPE "unknown"
#endif
#ifndef PFNBENCH_SANITIZE
#define PFNBENCH_SANITIZE 0
#endif

/* ---- directory ----------------------------------------------------------- */

/* mkdir -p: 0 or -errno. */
static int mkdir_parents(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (!len)
		return -ENOENT;
	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = c;
		if (!c)
			break;
	}
	struct stat sb;

	if (stat(path, &sb))
		return -errno;
	return S_ISDIR(sb.st_mode) ? 0 : -ENOTDIR;
}

/* The hostname up to the first dot, with anything but [A-Za-z0-9_-] as _. */
static void short_hostname(char *out, size_t len)
{
	char host[256] = "";

	if (gethostname(host, sizeof(host) - 1) || !host[0])
		strcpy(host, "unknown");
	host[strcspn(host, ".")] = '\0';
	for (char *p = host; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			*p = '_';
	snprintf(out, len, "%s", host[0] ? host : "unknown");
}

int results_dir_create_at(const char *parent, time_t when, char *out, size_t outlen)
{
	char stamp[32], host[64];
	struct tm tm;
	int rc;

	rc = mkdir_parents(parent);
	if (rc)
		return rc;
	if (!gmtime_r(&when, &tm) || !strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm))
		return -EINVAL;
	short_hostname(host, sizeof(host));
	for (int n = 1; n < 1000; n++) {
		int w = n == 1 ? snprintf(out, outlen, "%s/%s-%s", parent, stamp, host)
			       : snprintf(out, outlen, "%s/%s-%s-%d", parent, stamp, host, n);

		if (w < 0 || (size_t)w >= outlen)
			return -ENAMETOOLONG;
		if (!mkdir(out, 0755))
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int results_dir_create(const char *parent, char *out, size_t outlen)
{
	return results_dir_create_at(parent, time(NULL), out, outlen);
}

/* ---- atomic write -------------------------------------------------------- */

int results_write_atomic(const char *dir, const char *name, const void *buf, size_t len)
{
	/* a unique temporary name, created without following links (safe_write.h) */
	return sw_write_file(dir, name, buf, len);
}

/* ---- meta.json ----------------------------------------------------------- */

/* First line of a small file, trailing whitespace removed.  0 or -errno. */
static int read_line_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	n = strlen(buf);
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return 0;
}

static int set_new(json_t *obj, const char *key, json_t *v)
{
	if (!v)
		return -ENOMEM;
	return json_object_set_new(obj, key, v) ? -ENOMEM : 0;
}

static int set_str(json_t *obj, const char *key, const char *s)
{
	return set_new(obj, key, json_string(s ? s : "unavailable"));
}

/* An integer file (e.g. /proc/sys/...): the number, or null. */
static int set_int_file(json_t *obj, const char *key, const char *path)
{
	char buf[64], *end;
	long v;

	if (read_line_file(path, buf, sizeof(buf)))
		return set_new(obj, key, json_null());
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || *end)
		return set_new(obj, key, json_null());
	return set_new(obj, key, json_integer(v));
}

/* "always [madvise] never" -> "madvise"; "unavailable" without the file. */
static int set_bracketed(json_t *obj, const char *key, const char *path)
{
	char buf[256], *open, *close;

	if (read_line_file(path, buf, sizeof(buf)))
		return set_str(obj, key, NULL);
	open = strchr(buf, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!open || !close)
		return set_str(obj, key, buf);
	*close = '\0';
	return set_str(obj, key, open + 1);
}

/* A "Key:   N kB" line of /proc/meminfo in bytes, or -1. */
static long long meminfo_bytes(const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long long v = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtoll(line + klen + 1, NULL, 10) * 1024;
			break;
		}
	}
	fclose(f);
	return v;
}

static int set_bytes(json_t *obj, const char *key, long long v)
{
	return set_new(obj, key, v >= 0 ? json_integer(v) : json_null());
}

/* Size of cpu0's highest-level data or unified cache, or -1. */
static long long llc_bytes(void)
{
	long long best = -1;
	int best_level = 0;

	for (int i = 0; i < 16; i++) {
		char path[128], buf[64], *end;
		int level;
		long long size;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
		if (read_line_file(path, buf, sizeof(buf)))
			continue;
		if (!strcmp(buf, "Instruction"))
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
		if (read_line_file(path, buf, sizeof(buf)))
			continue;
		level = atoi(buf);
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		if (read_line_file(path, buf, sizeof(buf)))
			continue;
		size = strtoll(buf, &end, 10);
		if (*end == 'K')
			size *= 1024;
		else if (*end == 'M')
			size *= 1024 * 1024;
		if (level > best_level && size > 0) {
			best_level = level;
			best = size;
		}
	}
	return best;
}

static int cpu_model(char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "re");
	int rc = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *colon;

		if (strncmp(line, "model name", 10))
			continue;
		colon = strchr(line, ':');
		if (!colon)
			continue;
		colon++;
		while (*colon == ' ' || *colon == '\t')
			colon++;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		rc = 0;
		break;
	}
	fclose(f);
	return rc;
}

int meta_collect_machine(json_t *machine)
{
	char buf[512], host[256] = "";
	struct utsname un;
	long nr_cpus;
	int pers, rc = 0;

	if (!json_is_object(machine))
		return -EINVAL;
	rc |= set_str(machine, "hostname", gethostname(host, sizeof(host) - 1) ? NULL : host);
	rc |= set_str(machine, "cpu_model", cpu_model(buf, sizeof(buf)) ? NULL : buf);
	nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	rc |= set_new(machine, "nr_cpus", nr_cpus > 0 ? json_integer(nr_cpus) : json_null());
	rc |= set_bytes(machine, "mem_total_bytes", meminfo_bytes("MemTotal"));
	rc |= set_bytes(machine, "swap_total_bytes", meminfo_bytes("SwapTotal"));
	rc |= set_bytes(machine, "llc_bytes", llc_bytes());
	if (!uname(&un)) {
		snprintf(buf, sizeof(buf), "%s %s", un.release, un.version);
		rc |= set_str(machine, "kernel", buf);
	} else {
		rc |= set_str(machine, "kernel", NULL);
	}
	rc |= set_bracketed(machine, "thp_enabled", "/sys/kernel/mm/transparent_hugepage/enabled");
	rc |= set_bracketed(machine, "thp_defrag", "/sys/kernel/mm/transparent_hugepage/defrag");
	rc |= set_str(machine, "clocksource",
		      read_line_file("/sys/devices/system/clocksource/clocksource0/current_clocksource", buf,
				     sizeof(buf))
			      ? NULL
			      : buf);
	rc |= set_int_file(machine, "aslr", "/proc/sys/kernel/randomize_va_space");
	pers = personality(0xffffffff);
	rc |= set_new(machine, "aslr_process_disabled",
		      pers < 0 ? json_null() : json_boolean(pers & ADDR_NO_RANDOMIZE));
	rc |= set_int_file(machine, "perf_event_paranoid", "/proc/sys/kernel/perf_event_paranoid");
	return rc ? -ENOMEM : 0;
}

int meta_collect_build(json_t *build)
{
	char flags[1024];
	const char *p = PFNBENCH_C_FLAGS;
	size_t n;
	int rc = 0;

	if (!json_is_object(build))
		return -EINVAL;
	/* CMake joins CMAKE_C_FLAGS and the per-type flags with a space */
	while (*p == ' ')
		p++;
	snprintf(flags, sizeof(flags), "%s", p);
	n = strlen(flags);
	while (n && flags[n - 1] == ' ')
		flags[--n] = '\0';
	rc |= set_str(build, "compiler", PFNBENCH_COMPILER);
	rc |= set_str(build, "flags", flags);
	/* kernels/ adds the kernel's code generation after these (or nothing: "project flags") */
	rc |= set_str(build, "kernels_flags", PFNBENCH_KERNELS_FLAGS);
	rc |= set_str(build, "build_type", PFNBENCH_BUILD_TYPE);
	/* the C library's code runs inside the measured passes (malloc, memset) */
	snprintf(flags, sizeof(flags), "glibc %s", gnu_get_libc_version());
	rc |= set_str(build, "libc", flags);
	rc |= set_new(build, "sanitize", json_boolean(PFNBENCH_SANITIZE));
	return rc ? -ENOMEM : 0;
}

int meta_collect_pfnbench(json_t *pfnbench)
{
	int rc = 0;

	if (!json_is_object(pfnbench))
		return -EINVAL;
	/* fixed when the binary was built (build_info.h), not read from the tree now */
	rc |= set_str(pfnbench, "version", pfnbench_version);
	rc |= set_str(pfnbench, "git_commit", pfnbench_build_commit);
	rc |= set_new(pfnbench, "git_dirty",
		      pfnbench_build_dirty < 0 ? json_null() : json_boolean(pfnbench_build_dirty));
	return rc ? -ENOMEM : 0;
}

int meta_utc_timestamp(time_t when, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&when, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return -ENAMETOOLONG;
	return 0;
}

int meta_write(const char *dir, const json_t *meta)
{
	char *text = json_dumps(meta, JSON_INDENT(2));
	size_t len;
	int rc;

	if (!text)
		return -ENOMEM;
	len = strlen(text);
	/* end the file with a newline, as every text file */
	char *nl = realloc(text, len + 2);

	if (!nl) {
		free(text);
		return -ENOMEM;
	}
	text = nl;
	text[len++] = '\n';
	text[len] = '\0';
	rc = results_write_atomic(dir, "meta.json", text, len);
	free(text);
	return rc;
}
