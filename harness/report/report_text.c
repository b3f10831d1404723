/*
 * report_text.c - how the report sets text: paragraphs wrapped at 78
 * columns, fixed-width cells, numbers with about five significant digits,
 * rules with titles, case names broken at '/', and the final fold that
 * keeps every line of report.txt within 80 columns.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report_priv.h"

/*
 * snprintf through a va_list: the same result, but without gcc's
 * -Wformat-truncation guesses about path lengths (truncation is checked
 * where it matters, by the return value).
 */
int fmt_to(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

void report_note(struct report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->s->nr_notes >= REPORT_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(r->s->notes[r->s->nr_notes++], sizeof(r->s->notes[0]), fmt, ap);
	va_end(ap);
}

void heading(FILE *f, const char *title)
{
	fprintf(f, "%s\n", title);
	for (size_t i = 0; i < strlen(title); i++)
		fputc('-', f);
	fputc('\n', f);
}

const char *or_unknown(const char *s)
{
	return s && *s ? s : "unknown";
}

/* Print @text as a paragraph wrapped at PARA columns, @indent on every line
 * after the first (the first line's prefix is already printed, @used long). */
void wrap(FILE *f, const char *text, size_t used, const char *indent)
{
	const char *p = text;
	size_t col = used;
	int fresh = 1;		/* no word on this line yet */

	for (;;) {
		size_t len;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " ");
		if (!fresh && col + 1 + len > PARA) {
			fprintf(f, "\n%s", indent);
			col = strlen(indent);
			fresh = 1;
		}
		if (!fresh) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)len, p);
		col += len;
		fresh = 0;
		p += len;
	}
	fputc('\n', f);
}

/* A value in a fixed-width column, "-" when unknown (report_priv.h). */
void cell(FILE *f, int width, const char *fmt, int known, double v)
{
	char buf[64];

	if (!known) {
		fprintf(f, "%*s", width, "-");
		return;
	}
	fmt_to(buf, sizeof(buf), fmt, v);
	/* wider than its column: one space still separates it from the last */
	fprintf(f, "%s%*s", strlen(buf) >= (size_t)width ? " " : "", width, buf);
}

/* A number with about 5 significant digits in at most 11 characters. */
void num(char *buf, size_t len, double v)
{
	double a = fabs(v);

	if (a == 0)
		fmt_to(buf, len, "0");
	else if (a >= 1e6 || a < 1e-3)
		fmt_to(buf, len, "%.3e", v);
	else if (a >= 1000)
		fmt_to(buf, len, "%.1f", v);
	else if (a >= 1)
		fmt_to(buf, len, "%.3f", v);
	else
		fmt_to(buf, len, "%.5f", v);
}

/*
 * Copy @in to @f so that no line exceeds WIDTH columns: a longer line is
 * broken at its last space before the limit (or hard, if none) and
 * continued with a 4-space indent.
 */
int fold_lines(const char *in, size_t len, FILE *f)
{
	size_t i = 0;

	while (i < len) {
		size_t e = i, start = i;
		int first = 1;

		while (e < len && in[e] != '\n')
			e++;
		/* trailing blanks and form feeds never help */
		size_t end = e;

		while (end > start && (in[end - 1] == ' ' || in[end - 1] == '\f'))
			end--;
		while (start < end && in[start] == '\f')
			start++;
		while (end - start > (size_t)(first ? WIDTH : WIDTH - 4)) {
			size_t lim = first ? WIDTH : WIDTH - 4, cut = lim;

			while (cut > 1 && in[start + cut] != ' ')
				cut--;
			if (cut <= 1)
				cut = lim;
			fprintf(f, "%s%.*s\n", first ? "" : "    ", (int)cut,
				in + start);
			start += cut;
			while (start < end && in[start] == ' ')
				start++;
			first = 0;
		}
		fprintf(f, "%s%.*s\n", first ? "" : "    ", (int)(end - start),
			in + start);
		i = e + 1;
	}
	return ferror(f) ? -EIO : 0;
}

/* "----- title -----" centred in @width columns after 2 spaces. */
void rule_title(FILE *f, const char *title, int width)
{
	int len = (int)strlen(title) + 2;
	int left = (width - 2 - len) / 2, right = width - 2 - len - left;

	fprintf(f, "  ");
	for (int i = 0; i < left; i++)
		fputc('-', f);
	fprintf(f, " %s ", title);
	for (int i = 0; i < right; i++)
		fputc('-', f);
}

/* Print a case name at column 4, broken after '/' or ',' to fit PARA. */
void print_case(FILE *f, const char *name)
{
	size_t col = 4;

	fprintf(f, "    ");
	while (*name) {
		size_t len = strcspn(name, "/,");

		if (name[len])
			len++;		/* keep the separator on this line */
		if (col > 6 && col + len > PARA) {
			fprintf(f, "\n      ");
			col = 6;
		}
		for (size_t i = 0; i < len; i++)
			fputc((unsigned char)name[i] < 0x20 ? '?' : name[i], f);
		col += len;
		name += len;
	}
	fputc('\n', f);
}

