// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "errmsg.h"

void errmsg_set(char *err, size_t errlen, const char *fmt, ...)
{
	int saved = errno; /* the caller returns -errno next: formatting can change it */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	errno = saved;
}

const char *errmsg_quote(char *buf, size_t size, const char *s)
{
	size_t n = 0;
	char esc[5];

	if (!size)
		return buf;
	/* Room is kept for the closing quote and the terminator. */
	if (size >= 3)
		buf[n++] = '\'';
	for (; s && *s && n + 2 < size; s++) {
		unsigned char c = (unsigned char)*s;
		size_t len;

		if (c == '\n')
			len = (size_t)snprintf(esc, sizeof(esc), "\\n");
		else if (c == '\t')
			len = (size_t)snprintf(esc, sizeof(esc), "\\t");
		else if (c < 0x20 || c == 0x7f)
			len = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", c);
		else
			len = (size_t)snprintf(esc, sizeof(esc), "%c", c);
		if (n + len + 2 > size)
			break;
		memcpy(buf + n, esc, len);
		n += len;
	}
	if (size >= 3)
		buf[n++] = '\'';
	buf[n] = '\0';
	return buf;
}
