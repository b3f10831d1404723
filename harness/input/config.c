/*
 * config.c - sweep configuration files, read with libinih.
 *
 * Two passes.  The first runs inih over the file text through a reader that
 * counts lines (Debian's libinih is built without INI_HANDLER_LINENO, so the
 * handler cannot be told the line; the reader is called once per line just
 * before the handler sees it) and records every key's raw value with its
 * line, catching unknown sections and keys, duplicates and long lines.  The
 * second pass parses the values in file order (config_parse.c), then parses
 * the default of every key not given (config_keys.c's table holds them as
 * text) and checks the combinations.  The syntax is documented in config.h,
 * every key in config_keys.c.  Left out on purpose: placement semantics
 * (placement.c), the backend and workload tables (config_checks).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "bounded_read.h"
#include "config_priv.h"
#include "msg.h"

#define CONFIG_MAX_FILE_BYTES (1 << 20)

int st_error(struct pstate *st, int line, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (st->rc)
		return st->rc;
	st->rc = -EINVAL;
	st->err_line = line;
	if (!st->err || !st->errlen)
		return st->rc;
	if (line > 0)
		n = snprintf(st->err, st->errlen, "%s:%d: ", st->path, line);
	else
		n = snprintf(st->err, st->errlen, "%s: ", st->path);
	if (n < 0 || (size_t)n >= st->errlen)
		return st->rc;
	va_start(ap, fmt);
	vsnprintf(st->err + n, st->errlen - n, fmt, ap);
	va_end(ap);
	/* quoted names and values from the file: one printable line */
	for (char *p = st->err + n; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return st->rc;
}

int st_nomem(struct pstate *st)
{
	if (!st->rc) {
		st->rc = -ENOMEM;
		if (st->err && st->errlen)
			snprintf(st->err, st->errlen, "%s: out of memory", st->path);
	}
	return st->rc;
}

/* ---- first pass: inih -------------------------------------------------- */

/* fgets-like over st->text; counts lines; flags long lines and NUL bytes. */
static char *config_reader(char *str, int num, void *stream)
{
	struct pstate *st = stream;
	const char *line, *nl;
	size_t linelen;

	if (st->pos >= st->len || num < 2)
		return NULL;
	line = st->text + st->pos;
	nl = memchr(line, '\n', st->len - st->pos);
	linelen = nl ? (size_t)(nl - line) + 1 : st->len - st->pos;
	st->pos += linelen;
	st->lineno++;
	st->line_indented = linelen && (line[0] == ' ' || line[0] == '\t');

	if (memchr(line, '\0', linelen)) {
		st_error(st, st->lineno, "NUL byte in the line (the file must be text)");
		strcpy(str, "\n");
		return str;
	}
	for (size_t i = 0; i < linelen; i++) {
		unsigned char ch = (unsigned char)line[i];

		if ((ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n') || ch == 0x7f) {
			st_error(st, st->lineno, "control character 0x%02x at column %zu (the file must be text; is this a config file?)",
				 ch, i + 1);
			strcpy(str, "\n");
			return str;
		}
	}
	if (linelen > (size_t)num - 1 || linelen - (nl ? 1 : 0) > CONFIG_MAX_LINE) {
		st_error(st, st->lineno, "line longer than %d characters (continue the list on an indented next line)",
			 CONFIG_MAX_LINE);
		strcpy(str, "\n");
		return str;
	}
	memcpy(str, line, linelen);
	str[linelen] = '\0';

	/* remember where [sweep] starts, for "missing key" messages */
	const char *p = str;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!st->sweep_line && !strncmp(p, "[sweep]", 7))
		st->sweep_line = st->lineno;
	return str;
}

static bool section_known(const char *section)
{
	for (size_t i = 0; i < config_nr_keys; i++)
		if (!strcmp(config_keys[i].section, section))
			return true;
	return false;
}

/* "name =" or "name=" at the start of s, where name is any known key. */
static bool looks_like_key(const char *s)
{
	for (size_t i = 0; i < config_nr_keys; i++) {
		size_t n = strlen(config_keys[i].name);

		if (!strncmp(s, config_keys[i].name, n)) {
			const char *p = s + n;

			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '=')
				return true;
		}
	}
	return false;
}

static int config_handler(void *user, const char *section, const char *name, const char *value)
{
	struct pstate *st = user;
	const struct config_key *k = NULL;
	int line = st->lineno;

	if (!*section) {
		st_error(st, line, "key '%s' before any section (put it under [sweep] or [workload])", name);
		return 0;
	}
	if (!section_known(section)) {
		st_error(st, line, "unknown section [%s] (sections are [sweep] and [workload])", section);
		return 0;
	}
	for (size_t i = 0; i < config_nr_keys; i++)
		if (!strcmp(config_keys[i].section, section) && !strcmp(config_keys[i].name, name))
			k = &config_keys[i];
	if (!k && !strcmp(section, "sweep") && !strcmp(name, "array")) {
		/* a key of older configs: say what became of it */
		st_error(st, line, "array: the key was removed (a driver's per-call allocation is its own: amdgpu "
			 "kvmalloc's per call, nouveau and dmirror use stack arrays; docs/backends.md): drop it");
		return 0;
	}
	if (!k) {
		st_error(st, line, "unknown key '%s' in [%s] (the keys are listed at the top of configs/default.conf)",
			 name, section);
		return 0;
	}
	for (size_t i = 0; i < st->nr_entries; i++) {
		struct config_entry *e = &st->entries[i];
		char *joined;

		if (e->key != k)
			continue;
		if (k != st->last_key || !st->line_indented) {
			st_error(st, line, "key '%s' given twice (first on line %d; keep one)", name, e->line);
			return 0;
		}
		/* an indented line continues the previous key (inih multi-line) */
		if (!config_key_is_list(k)) {
			st_error(st, line, "indented line continues '%s', which takes one value (remove the indentation or the line)",
				 name);
			return 0;
		}
		if (looks_like_key(value)) {
			st_error(st, line, "indented line '%s' continues '%s' (remove the indentation to start a new key)",
				 value, name);
			return 0;
		}
		if (asprintf(&joined, "%s %s", e->value, value) < 0) {
			st_nomem(st);
			return 0;
		}
		free(e->value);
		e->value = joined;
		return 1;
	}
	st->entries[st->nr_entries].key = k;
	st->entries[st->nr_entries].line = line;
	st->entries[st->nr_entries].value = strdup(value);
	if (!st->entries[st->nr_entries].value) {
		st_nomem(st);
		return 0;
	}
	st->nr_entries++;
	st->last_key = k;
	return 1;
}

/* ---- loading ----------------------------------------------------------- */

/*
 * The head of a config: text.  The first line of the first 64 KiB with a
 * NUL or another control character is reported as the parser would
 * ("LINE: ..."), before the rest of the file is read.
 */
static int config_head(const char *buf, size_t len, bool eof, char *why, size_t whylen)
{
	size_t lineno = 1;

	(void)eof;
	for (const char *line = buf; line < buf + len; lineno++) {
		const char *nl = memchr(line, '\n', (size_t)(buf + len - line));
		size_t linelen = nl ? (size_t)(nl - line) : (size_t)(buf + len - line);

		if (memchr(line, '\0', linelen)) {
			msg_printf(why, whylen, "%zu: NUL byte in the line (the file must be text)", lineno);
			return -EINVAL;
		}
		for (size_t i = 0; i < linelen; i++) {
			unsigned char ch = (unsigned char)line[i];

			if ((ch < 0x20 && ch != '\t' && ch != '\r') || ch == 0x7f) {
				msg_printf(why, whylen, "%zu: control character 0x%02x at column %zu (the file must be "
					   "text; is this a config file?)", lineno, ch, i + 1);
				return -EINVAL;
			}
		}
		line += linelen + 1;
	}
	return 0;
}

static int read_file(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
	static const struct br_limits lim = { .max_bytes = CONFIG_MAX_FILE_BYTES, .head_bytes = 65536,
					      .head = config_head };
	char why[512];
	int rc = br_read(path, &lim, text, len, why, sizeof(why));

	if (rc == -EISDIR)
		snprintf(err, errlen, "%s: is a directory (give a config file, e.g. configs/quick.conf)", path);
	else if (rc == -EINVAL)
		snprintf(err, errlen, "%s:%s", path, why);
	else if (rc == -EFBIG)
		snprintf(err, errlen, "%s: larger than 1 MiB (is this a config file?)", path);
	else if (rc)
		snprintf(err, errlen, "%s: cannot read: %s (check the path and permissions)", path, strerror(-rc));
	return rc;
}

/* The line key NAME was given on, 0 when it was not. */
static int line_of(const struct pstate *st, const char *name)
{
	for (size_t i = 0; i < st->nr_entries; i++)
		if (!strcmp(st->entries[i].key->name, name))
			return st->entries[i].line;
	return 0;
}

static int later(int a, int b)
{
	return a > b ? a : b;
}

static int check_combinations(struct pstate *st, struct sweep_config *cfg)
{
	const struct config_checks *ck = st->checks;

	if (cfg->stages && cfg->threads[cfg->nr_threads - 1] > 1)
		return st_error(st, later(line_of(st, "stages"), line_of(st, "threads")),
				"stages = %s needs threads = 1 (stage times are per worker; drop stages or the threads > 1)",
				config_stages_words[cfg->stages]);
	if (ck->workload_kernel_declared && cfg->sources[cfg->nr_sources - 1] == CONFIG_SOURCE_KERNEL)
		for (size_t i = 0; i < cfg->nr_workloads; i++)
			if (!ck->workload_kernel_declared(cfg->workloads[i]))
				return st_error(st, later(line_of(st, "source"), line_of(st, "workloads")),
						"workloads: '%s' has no real-kernel shape, so source = kernel cannot run it (drop it from workloads or kernel from source)",
						cfg->workloads[i]);
	if (config_nr_cases(cfg) > CONFIG_MAX_CASES)
		return st_error(st, st->sweep_line,
				"the sweep has more than %lu cases (shorten the npages, batch or placement lists)",
				CONFIG_MAX_CASES);
	return 0;
}

/* Every key the file did not give: its default, or an error when it is required. */
static int fill_defaults(struct pstate *st, struct sweep_config *cfg)
{
	for (size_t i = 0; i < config_nr_keys && !st->rc; i++) {
		const struct config_key *k = &config_keys[i];
		bool given = false;

		for (size_t j = 0; j < st->nr_entries; j++)
			given |= st->entries[j].key == k;
		if (given)
			continue;
		if (k->dflt)
			config_parse_value(st, k, cfg, k->dflt, 0);
		else
			st_error(st, st->sweep_line ? st->sweep_line : 1,
				 "[%s] has no '%s' (it is required; see configs/default.conf)", k->section, k->name);
	}
	return st->rc;
}

int config_load(const char *path, const struct config_checks *checks, struct sweep_config *cfg,
		char *err, size_t errlen)
{
	struct pstate st = { .path = path, .checks = checks, .err = err, .errlen = errlen };
	char dummy[1];
	int rc;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
		st.err = err;
		st.errlen = errlen;
	}
	memset(cfg, 0, sizeof(*cfg));
	err[0] = '\0';
	if (!path || !checks || !checks->backend_exists || !checks->workload_exists) {
		snprintf(err, errlen, "config_load: no path or no backend/workload checks");
		return -EINVAL;
	}
	cfg->path = strdup(path);
	if (!cfg->path) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	rc = read_file(path, &cfg->text, &cfg->text_len, err, errlen);
	if (rc)
		goto out_free;
	st.entries = calloc(config_nr_keys, sizeof(*st.entries));   /* at most one per key */
	if (!st.entries) {
		rc = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", path);
		goto out_free;
	}

	st.text = cfg->text;
	st.len = cfg->text_len;
	rc = ini_parse_stream(config_reader, &st, config_handler, &st);
	if (rc > 0 && (!st.rc || rc < st.err_line)) {
		st.rc = 0;  /* a syntax error inih found before our first error */
		st_error(&st, rc, "expected 'key = value' or '[section]' (check for a missing '=' or ']')");
	} else if (rc < 0 && !st.rc)
		st_nomem(&st);
	if (st.rc)
		goto out_entries;
	if (!st.nr_entries) {
		st_error(&st, 1, "no settings (a config needs a [sweep] section with backends, workloads and npages; see configs/quick.conf)");
		goto out_entries;
	}

	/* second pass: values in file order, then the defaults of the rest */
	for (size_t i = 0; i < st.nr_entries && !st.rc; i++)
		config_parse_value(&st, st.entries[i].key, cfg, st.entries[i].value, st.entries[i].line);
	if (!st.rc)
		fill_defaults(&st, cfg);
	if (!st.rc)
		check_combinations(&st, cfg);

out_entries:
	for (size_t i = 0; i < st.nr_entries; i++)
		free(st.entries[i].value);
	free(st.entries);
	rc = st.rc;
	if (!rc)
		return 0;
out_free:
	config_free(cfg);
	return rc;
}

void config_free(struct sweep_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->text);
	for (size_t i = 0; i < config_nr_keys; i++)
		config_value_free(&config_keys[i], cfg);
	memset(cfg, 0, sizeof(*cfg));
}

/* ---- derived values and JSON ------------------------------------------- */

size_t config_nr_cases(const struct sweep_config *cfg)
{
	size_t n = 1;

	/* every list but the counters is a dimension of the sweep */
	for (size_t i = 0; i < config_nr_keys; i++) {
		const struct config_key *k = &config_keys[i];
		size_t dim;

		if (!config_key_is_list(k) || k->type == CONFIG_T_COUNTERS)
			continue;
		dim = *(const size_t *)((const char *)cfg + k->nr_offset);
		if (dim && n > SIZE_MAX / dim)
			return SIZE_MAX;
		n *= dim;
	}
	return n;
}

unsigned long config_batch_effective(unsigned long batch, unsigned long npages)
{
	return batch == CONFIG_BATCH_WHOLE || batch > npages ? npages : batch;
}

static int json_set(json_t *obj, const char *key, json_t *v)
{
	return v && !json_object_set_new(obj, key, v) ? 0 : -ENOMEM;
}

int config_to_json(const struct sweep_config *cfg, json_t **out)
{
	json_t *o = json_object();
	int rc = 0;

	*out = NULL;
	if (!o)
		return -ENOMEM;
	rc |= json_set(o, "file", json_string(cfg->path ? cfg->path : ""));
	rc |= json_set(o, "text", json_stringn(cfg->text ? cfg->text : "", cfg->text_len));
	for (size_t i = 0; i < config_nr_keys; i++) {
		const struct config_key *k = &config_keys[i];

		rc |= json_set(o, k->json ? k->json : k->name, config_value_json(k, cfg));
	}
	rc |= json_set(o, "nr_cases", json_integer((json_int_t)config_nr_cases(cfg)));
	if (rc) {
		json_decref(o);
		return -ENOMEM;
	}
	*out = o;
	return 0;
}
