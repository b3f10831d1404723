/*
 * report_figstyle.c - what the figures' scripts are told besides their
 * data: a line style per backend, the x tics at the npages measured, and
 * the marks of the drivers' windows.  Each helper appends gnuplot -e
 * assignments ("name='value'; ") to an expression (figure_draw()'s extra).
 *
 * Styles come from the backends' declarations (kernels/backend.h), never
 * their names: one hue per driver (ops->driver), a shade and a point type
 * per backend of that driver in the table's order, and the era as the
 * dashes: solid for era C (and null), dashed for era B, dotted for era A.
 * A conversion backend and its era-B counterpart are then one colour
 * family, solid against dashed, and the 13 backends stay apart.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report_priv.h"

#define SHADES 5

/* Hues, dark to light in an order where neighbours differ most. */
static const char *const hues[][SHADES] = {
	{ "#08306b", "#4292c6", "#2171b5", "#9ecae1", "#6baed6" }, /* blue */
	{ "#7f2704", "#fd8d3c", "#d94801", "#fdae6b", "#f16913" }, /* orange */
	{ "#a50f15", "#fb6a4a", "#de2d26", "#fcae91", "#ef3b2c" }, /* red */
	{ "#00441b", "#41ab5d", "#238b45", "#a1d99b", "#74c476" }, /* green */
	{ "#3f007d", "#9e9ac8", "#6a51a3", "#bcbddc", "#807dba" }, /* purple */
	{ "#67001f", "#df65b0", "#ce1256", "#d4b9da", "#e7298a" }, /* magenta */
	{ "#014636", "#67a9cf", "#02818a", "#a6bddb", "#3690c0" }, /* teal */
};
static const char *const greys[SHADES] = { "#000000", "#969696", "#525252", "#bdbdbd", "#737373" };
static const int points[SHADES] = { 7, 5, 9, 11, 13 };

/* Append printf output to buf.  0 or -ENAMETOOLONG. */
static int append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int append(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(buf + n, len > n ? len - n : 0, fmt, ap);
	va_end(ap);
	return w < 0 || (size_t)w >= len - n ? -ENAMETOOLONG : 0;
}

/* The first backend of the table with b's driver. */
static int first_of_driver(int b)
{
	int j = 0;

	while (strcmp(pfn_backends[j]->driver, pfn_backends[b]->driver))
		j++;
	return j;
}

void figure_backend_style(int b, char *colour, size_t len, int *dt, int *pt)
{
	const struct pfn_backend_ops *ops = pfn_backends[b];
	int first = first_of_driver(b), family = 0, member = 0;

	/* the driver's rank among the drivers, by first appearance, and b's rank among its backends */
	for (int i = 0; i < b; i++) {
		member += !strcmp(pfn_backends[i]->driver, ops->driver);
		family += i < first && first_of_driver(i) == i && strcmp(pfn_backends[i]->driver, "-");
	}
	fmt_to(colour, len, "%s",
	       !strcmp(ops->driver, "-") ? greys[member % SHADES]
					 : hues[family % (int)(sizeof(hues) / sizeof(hues[0]))][member % SHADES]);
	*dt = ops->era == PFN_ERA_B ? 2 : ops->era == PFN_ERA_A ? 3 : 1;
	*pt = points[member % SHADES];
}

int figure_styles(const int *bs, int n, char *expr, size_t len)
{
	int ret = append(expr, len, "colours='");

	for (int i = 0; i < n && !ret; i++) {
		char c[16];
		int dt, pt;

		figure_backend_style(bs[i], c, sizeof(c), &dt, &pt);
		ret = append(expr, len, "%s%s", i ? " " : "", c);
	}
	for (int k = 0; k < 2 && !ret; k++) {
		ret = append(expr, len, "'; %s='", k ? "pts" : "dts");
		for (int i = 0; i < n && !ret; i++) {
			char c[16];
			int dt, pt;

			figure_backend_style(bs[i], c, sizeof(c), &dt, &pt);
			ret = append(expr, len, "%s%d", i ? " " : "", k ? pt : dt);
		}
	}
	return ret ? ret : append(expr, len, "'; ");
}

int figure_xtics(const struct rmodel *m, const struct rgroup *g, char *expr, size_t len)
{
	long seen[FIGURE_MAX_XTICS];
	size_t n = 0;
	int ret = 0;

	for (size_t i = 0; i < (g ? g->nr_cases : m->nr_cases) && n <= FIGURE_MAX_XTICS; i++) {
		long np = m->cases[g ? g->cases[i] : i].npages;
		size_t k;

		for (k = 0; k < n && seen[k] != np; k++)
			;
		if (k == n && n < FIGURE_MAX_XTICS)
			seen[n] = np;
		n += k == n;
	}
	ret = append(expr, len, "xt='");
	for (size_t k = 0; k < n && n <= FIGURE_MAX_XTICS && !ret; k++)
		ret = append(expr, len, "%s%ld", k ? " " : "", seen[k]);
	return ret ? ret : append(expr, len, "'; ");
}

/* "nouveau-v5.6/v5.7/v5.8, promise-2018": names, a shared prefix said once. */
static void mark_label(const int *bs, int n, char *buf, size_t len)
{
	const char *prev = NULL;
	size_t prev_len = 0;

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		const char *name = pfn_backends[bs[i]]->name, *dash = strrchr(name, '-');
		size_t plen = dash ? (size_t)(dash - name) : strlen(name);

		if (prev && plen == prev_len && !strncmp(prev, name, plen) && dash)
			append(buf, len, "/%s", dash + 1);
		else
			append(buf, len, "%s%s", i ? ", " : "", name);
		prev = name;
		prev_len = plen;
	}
}

int figure_marks(const struct rmodel *m, const struct rgroup *g, char *expr, size_t len)
{
	long lo = -1, hi = -1;
	unsigned windows[RM_MAX_BACKENDS];
	int nw = 0, ret = 0;

	for (size_t i = 0; i < g->nr_cases; i++) {
		long np = m->cases[g->cases[i]].npages;

		lo = lo < 0 || np < lo ? np : lo;
		hi = np > hi ? np : hi;
	}
	/* the distinct windows of the backends that ran in this group */
	for (int b = 0; b < m->nr_be; b++) {
		unsigned w = pfn_backends[b]->window;
		int k, ran = 0;

		for (size_t i = 0; i < g->nr_cases && !ran; i++)
			ran = m->cases[g->cases[i]].nr[b] > 0;
		for (k = 0; k < nw && windows[k] != w; k++)
			;
		if (ran && w && (long)w >= lo && (long)w <= hi && k == nw)
			windows[nw++] = w;
	}
	for (int k = 0; k < nw && !ret; k++) {
		int bs[RM_MAX_BACKENDS], n = 0;
		char label[256];

		for (int b = 0; b < m->nr_be; b++)
			for (size_t i = 0; i < g->nr_cases; i++)
				if (m->cases[g->cases[i]].nr[b] && pfn_backends[b]->window == windows[k]) {
					bs[n++] = b;
					break;
				}
		mark_label(bs, n, label, sizeof(label));
		ret = append(expr, len, "markx%d=%u; ", k + 1, windows[k]);
		if (!ret) {
			char key[16], text[300];

			fmt_to(key, sizeof(key), "marklab%d", k + 1);
			fmt_to(text, sizeof(text), "%u: %s", windows[k], label);
			ret = figure_gp_set(expr, len, key, text);
		}
	}
	return ret ? ret : append(expr, len, "nmarks=%d; ", nw);
}
