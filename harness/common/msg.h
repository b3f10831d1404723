/*
 * msg.h - the one way harness code fills a caller's message buffer.
 *
 * Library functions return -errno and, where a person needs to know more,
 * fill a (buf, len) pair that the caller passed; only main() and the cmd_*
 * functions print.  msg_printf() is that fill, safe with a NULL buffer or a
 * zero length (the caller did not ask for a message).
 */
#ifndef PFNBENCH_MSG_H
#define PFNBENCH_MSG_H

#include <stdarg.h>
#include <stddef.h>

/*
 * The size of the message buffer a command passes down: a message may name
 * two paths of PATH_MAX bytes and still keep its reason.
 */
#define MSG_MAX 12288

/* printf into buf[len], truncating; nothing when buf is NULL or len is 0. */
void msg_printf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void msg_vprintf(char *buf, size_t len, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

#endif
