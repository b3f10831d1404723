/*
 * bounded_read.c - whole-file reads with a size limit and a head check
 * (bounded_read.h).
 */
#include "bounded_read.h"
#include "msg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *br_size_words(size_t bytes, char *buf, size_t len)
{
	if (bytes >= (1UL << 20) && !(bytes & ((1UL << 20) - 1)))
		msg_printf(buf, len, "%zu MiB", bytes >> 20);
	else if (bytes >= 1024 && !(bytes & 1023))
		msg_printf(buf, len, "%zu KiB", bytes >> 10);
	else
		msg_printf(buf, len, "%zu bytes", bytes);
	return buf;
}

/* Read until buf holds want bytes or the file ends.  Bytes read, or -errno. */
static ssize_t read_upto(int fd, char *buf, size_t want)
{
	size_t n = 0;

	while (n < want) {
		ssize_t r = read(fd, buf + n, want - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	return (ssize_t)n;
}

/* Grow *buf to hold at least need + 1 bytes (never more than max + 2). */
static int grow(char **buf, size_t *cap, size_t need, size_t max)
{
	size_t c = *cap;
	char *p;

	if (need + 1 <= c)
		return 0;
	while (c < need + 1)
		c = c < 65536 ? 65536 : c * 2;
	if (c > max + 2)
		c = max + 2;
	p = realloc(*buf, c);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = c;
	return 0;
}

static int fail(int ret, char *why, size_t whylen)
{
	msg_printf(why, whylen, "%s", strerror(-ret));
	return ret;
}

int br_read(const char *path, const struct br_limits *lim, char **out, size_t *outlen, char *why, size_t whylen)
{
	size_t max = lim->max_bytes, head = lim->head_bytes, n = 0, cap = 0;
	struct stat st;
	char *buf = NULL, size[32];
	ssize_t r;
	int fd, ret = 0;

	*out = NULL;
	*outlen = 0;
	/* O_NONBLOCK: a FIFO without a writer must not hang the open */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return fail(-errno, why, whylen);
	if (fstat(fd, &st)) {
		ret = fail(-errno, why, whylen);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		msg_printf(why, whylen, "is a directory");
		ret = -EISDIR;
		goto out;
	}
	if (S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
		msg_printf(why, whylen, "larger than %s, the limit for this file", br_size_words(max, size, sizeof(size)));
		ret = -EFBIG;
		goto out;
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if (head > max)
		head = max;
	/* the head first, then the rest, one byte past the limit to see it */
	for (size_t want = head ? head : max + 1;; want = max + 1) {
		for (;;) {
			size_t step = want - n < 1048576 ? want - n : 1048576;

			if (!step)
				break;
			if (grow(&buf, &cap, n + step, max)) {
				ret = fail(-ENOMEM, why, whylen);
				goto out;
			}
			r = read_upto(fd, buf + n, step);
			if (r < 0) {
				ret = fail((int)r, why, whylen);
				goto out;
			}
			n += (size_t)r;
			if ((size_t)r < step)
				goto eof;
		}
		if (want > max)
			break;
		buf[n] = '\0';
		if (lim->head && (ret = lim->head(buf, n, false, why, whylen)))
			goto out;
		head = 0;
	}
	msg_printf(why, whylen, "larger than %s, the limit for this file", br_size_words(max, size, sizeof(size)));
	ret = -EFBIG;
	goto out;
eof:
	if (n > max) {
		msg_printf(why, whylen, "larger than %s, the limit for this file", br_size_words(max, size, sizeof(size)));
		ret = -EFBIG;
		goto out;
	}
	buf[n] = '\0';
	if (head && lim->head && (ret = lim->head(buf, n, true, why, whylen)))
		goto out;
	*out = buf;
	*outlen = n;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return ret;
}

int br_head_text(const char *buf, size_t len, bool eof, char *why, size_t whylen)
{
	const char *nl = memchr(buf, '\n', len);

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
			size_t line = 1, col = 1;

			for (size_t k = 0; k < i; k++, col++)
				if (buf[k] == '\n') {
					line++;
					col = 0;
				}
			msg_printf(why, whylen, "line %zu: control character 0x%02x at column %zu", line, c, col);
			return -EINVAL;
		}
	}
	if (!nl && !eof) {
		msg_printf(why, whylen, "line 1: longer than %zu bytes", len);
		return -EINVAL;
	}
	return 0;
}

int br_head_json_object(const char *buf, size_t len, bool eof, char *why, size_t whylen)
{
	int ret = br_head_text(buf, len, true, why, whylen);
	size_t i = 0;

	(void)eof;
	if (ret)
		return ret;
	while (i < len && strchr(" \t\r\n", buf[i]))
		i++;
	if (i < len && buf[i] != '{') {
		msg_printf(why, whylen, "line 1: expected a JSON object");
		return -EINVAL;
	}
	return 0;
}
