/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The workload protocol, shared by every program the kernel tests run
 * (started by the harness's h_spawn()): fd 3 is the gate (one byte per
 * opening, EOF opens them all), fd 4 takes "key value" report lines, which
 * the test reads with h_report().
 */
#ifndef TRACER_TEST_WL_H
#define TRACER_TEST_WL_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WL_GATE_FD 3
#define WL_REPORT_FD 4

/* Blocks until the test opens the gate (or goes away). */
static inline void wl_gate(void)
{
	char b;

	while (read(WL_GATE_FD, &b, 1) < 0 && errno == EINTR)
		;
}

/* Writes one report line (a single write, so lines from several processes do not mix). */
static inline __attribute__((format(printf, 1, 2))) void wl_report(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(WL_REPORT_FD, buf, (size_t)n) != n) {
		/* nobody listening: nothing to do */
	}
}

static inline __attribute__((noreturn)) void wl_die(const char *what)
{
	fprintf(stderr, "workload %d: %s: %s\n", (int)getpid(), what, strerror(errno));
	_exit(111);
}

#endif /* TRACER_TEST_WL_H */
