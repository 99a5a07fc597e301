/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* libbpf's print callback seen from outside, as a program sees it. */
#ifndef TRACER_TEST_PRINT_CHECK_H
#define TRACER_TEST_PRINT_CHECK_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>

/* The callback libbpf has now (libbpf can only swap it). */
static inline libbpf_print_fn_t current_print(void)
{
	libbpf_print_fn_t cur = libbpf_set_print(NULL);

	libbpf_set_print(cur);
	return cur;
}

/*
 * Passes a message to fn as libbpf would, standard error sent to /dev/null
 * meanwhile: what fn returns, > 0 when it wrote the message.
 */
static inline int print_through(libbpf_print_fn_t fn, const char *fmt, ...)
{
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);
	va_list ap;
	int ret;

	cr_assert(saved >= 0 && null >= 0);
	fflush(stderr);
	dup2(null, STDERR_FILENO);
	va_start(ap, fmt);
	ret = fn(LIBBPF_WARN, fmt, ap);
	va_end(ap);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(null);
	return ret;
}

#endif /* TRACER_TEST_PRINT_CHECK_H */
