/*
 * msg.c - msg_printf(): see msg.h.
 */
#include <stdio.h>

#include "msg.h"

void msg_vprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
	if (!buf || !len)
		return;
	vsnprintf(buf, len, fmt, ap);
}

void msg_printf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vprintf(buf, len, fmt, ap);
	va_end(ap);
}
