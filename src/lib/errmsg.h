/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* The library's one-line reasons for a failure. */
#ifndef TRACER_ERRMSG_H
#define TRACER_ERRMSG_H

#include <stddef.h>

/* What a refused load means, wherever the refusal is noticed. */
#define ERRMSG_EPERM "permission denied: run as root (CAP_BPF and CAP_PERFMON are needed)"

/* Writes a one-line reason into err (errlen bytes, always terminated); errno is kept. */
void errmsg_set(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Writes s between single quotes into buf (always terminated), its control
 * characters escaped (\n, \t, \xNN), so that a value the caller passed
 * cannot break the reason's single line. Returns buf.
 */
const char *errmsg_quote(char *buf, size_t size, const char *s);

#endif /* TRACER_ERRMSG_H */
