// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#define _GNU_SOURCE
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <criterion/criterion.h>
#include "held.h"

#define DEADLINE_MS 10000

static struct held held_spawn(int (*fn)(void *arg), void *arg, char *const argv[])
{
	struct held h;
	int go[2];
	char c;

	cr_assert_eq(pipe(go), 0);
	h.pid = fork();
	cr_assert_geq(h.pid, 0);
	if (h.pid == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		close(go[0]);
		if (fn)
			_exit(fn(arg));
		execv(argv[0], argv);
		_exit(126);
	}
	close(go[0]);
	h.go_fd = go[1];
	return h;
}

struct held held_fn(int (*fn)(void *arg), void *arg)
{
	return held_spawn(fn, arg, NULL);
}

struct held held_exec(char *const argv[])
{
	return held_spawn(NULL, NULL, argv);
}

void held_release(struct held *h)
{
	cr_assert_eq(write(h->go_fd, "x", 1), 1);
	close(h->go_fd);
	h->go_fd = -1;
}

int held_reap(struct held *h, struct rusage *ru)
{
	struct rusage own;
	int status;

	if (h->go_fd >= 0)
		close(h->go_fd);
	h->go_fd = -1;
	cr_assert_eq(wait4(h->pid, &status, 0, ru ? ru : &own), h->pid);
	return status;
}

struct tracer *held_start(const struct tracer_options *o)
{
	struct tracer *t;
	int ret;

	ret = tracer_create(o, &t);
	cr_assert_eq(ret, 0, "tracer_create: %s: %s", tracer_strerror(ret),
		     tracer_last_error(NULL));
	ret = tracer_start(t);
	cr_assert_eq(ret, 0, "tracer_start: %s: %s", tracer_strerror(ret), tracer_last_error(t));
	return t;
}

uint64_t held_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void held_poll_until(struct tracer *t, bool (*done)(void *ctx), void *ctx, const char *what)
{
	uint64_t end = held_now_ms() + DEADLINE_MS;
	int ret;

	while (!done(ctx)) {
		cr_assert_lt(held_now_ms(), end, "timed out waiting for %s", what);
		ret = tracer_poll(t, 50);
		cr_assert(ret == 0 || ret == -EINTR, "tracer_poll: %s", tracer_strerror(ret));
	}
}
