// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
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
