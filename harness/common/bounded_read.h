/*
 * bounded_read.h - every file pfnbench reads whole: with a size limit, and
 * with its head checked before the rest is read.
 *
 * A results.csv that is a link to /dev/zero, a FIFO that never ends or a
 * 40 GB file given by mistake must give a message at once, not grow the
 * process toward the OOM killer: br_read() reads at most max_bytes, and
 * hands the first head_bytes (or the whole file when it is shorter) to a
 * check of the format's head (a CSV header, a JSON object's '{', text)
 * before it reads further.
 *
 * Errors are -errno with a reason in why (without the path: the caller
 * names the file and says what to do):
 *   -EISDIR   "is a directory"
 *   -EFBIG    "larger than N MiB, the limit for this file"
 *   -EINVAL   the head check's own reason
 *   -ENOMEM, or the -errno of open() or read() with strerror() as reason
 */
#ifndef PFNBENCH_BOUNDED_READ_H
#define PFNBENCH_BOUNDED_READ_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Check the head of a file: buf[0..len) (NUL-terminated), eof when that is
 * the whole file.  0, or -EINVAL with a reason in why.
 */
typedef int (*br_head_fn)(const char *buf, size_t len, bool eof, char *why, size_t whylen);

struct br_limits {
	size_t max_bytes;     /* refuse larger files (-EFBIG) */
	size_t head_bytes;    /* how much the head check sees (0: no check) */
	br_head_fn head;      /* may be NULL */
};

/*
 * Read path into *buf (malloc'd, NUL-terminated; *len bytes without the
 * NUL).  0 or -errno as above; *buf is NULL on error.
 */
int br_read(const char *path, const struct br_limits *lim, char **buf, size_t *len, char *why, size_t whylen);

/*
 * Head checks for text formats, their reasons "line N: what" for the
 * caller to put after the path and before its own hint.  br_head_text:
 * no NUL or other control character but tab, CR and LF in the head
 * ("line N: control character 0xXX at column C"), and a first line that
 * ends within it unless the file does ("line 1: longer than N bytes").
 * br_head_json_object: br_head_text, then the first character that is not
 * blank is '{' ("line 1: expected a JSON object ...").
 */
int br_head_text(const char *buf, size_t len, bool eof, char *why, size_t whylen);
int br_head_json_object(const char *buf, size_t len, bool eof, char *why, size_t whylen);

/* "N MiB" or "N KiB" for messages, into buf. */
const char *br_size_words(size_t bytes, char *buf, size_t len);

#endif
