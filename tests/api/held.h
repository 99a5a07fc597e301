/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * What the library tests of exit usage, exec filters and live stop patterns
 * share: a child held on a pipe until the tracer watches it, then running a
 * function or an exec; a handle started on it; polling with a deadline.
 */
#ifndef TRACER_TEST_HELD_H
#define TRACER_TEST_HELD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <tracer/tracer.h>

/* A child that waits until released; go_fd is closed by release() and reap(). */
struct held {
	pid_t pid;
	int go_fd;
};

/* A child that runs fn(arg) once released and exits with its return value. */
struct held held_fn(int (*fn)(void *arg), void *arg);
/* A child that execs argv (argv[0] a path) once released. */
struct held held_exec(char *const argv[]);
void held_release(struct held *h);
/* Waits for the child; its wait status, and its resource use into ru (may be NULL). */
int held_reap(struct held *h, struct rusage *ru);

/* Creates and starts a handle with o (asserting both succeed). */
struct tracer *held_start(const struct tracer_options *o);

/* Polls t until done(ctx) says so, at most 10 s (asserting). */
void held_poll_until(struct tracer *t, bool (*done)(void *ctx), void *ctx, const char *what);

uint64_t held_now_ms(void);

#endif /* TRACER_TEST_HELD_H */
