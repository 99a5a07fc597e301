// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Stop patterns changed while running (stop_at_dynamic, tracer_set_stop_at();
 * issue 25's breakpoints): a pattern added while running stops the next
 * process that matches it, one removed stops nothing more, and each stop
 * event names the pattern of the set it matched in.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <criterion/criterion.h>
#include <tracer/tracer.h>
#include "held.h"

#define MAX_STOPS 8

struct stops {
	struct {
		uint32_t pid;
		uint32_t index, generation;
		int32_t error;
		char pattern[64];
	} ev[MAX_STOPS];
	size_t n;
};

static int collect_stop(void *ctx, const struct tracer_event *ev)
{
	struct stops *c = ctx;

	if (ev->type != TRACER_EVENT_STOP)
		return 0;
	cr_assert_lt(c->n, MAX_STOPS);
	cr_assert(TRACER_EVENT_HAS(ev, stop.pattern_generation));
	c->ev[c->n].pid = ev->stop.pid;
	c->ev[c->n].index = ev->stop.pattern_index;
	c->ev[c->n].generation = ev->stop.pattern_generation;
	c->ev[c->n].error = ev->stop.error;
	snprintf(c->ev[c->n].pattern, sizeof(c->ev[c->n].pattern), "%s", ev->stop.pattern);
	c->n++;
	return 0;
}

static bool a_stop(void *ctx)
{
	return ((struct stops *)ctx)->n > 0;
}

/* A handle on the test's own process and its children: every exec below is in scope. */
static struct tracer *start_dynamic(struct stops *c, const char *const *patterns, size_t n)
{
	static uint32_t self;
	struct tracer_options o;

	self = (uint32_t)getpid();
	tracer_options_init(&o);
	o.pids = &self;
	o.n_pids = 1;
	o.stop_at = patterns;
	o.n_stop_at = n;
	o.stop_at_dynamic = true;
	o.on_event = collect_stop;
	o.ctx = c;
	memset(c, 0, sizeof(*c));
	return held_start(&o);
}

/* Runs argv in a child and waits for it to end or stop: true when it stopped (then it is ended). */
static bool run_stops(char *const argv[], pid_t *pid)
{
	struct held h = held_exec(argv);
	int status;

	*pid = h.pid;
	held_release(&h);
	cr_assert_eq(waitpid(h.pid, &status, WUNTRACED), h.pid);
	if (!WIFSTOPPED(status)) {
		cr_assert(WIFEXITED(status), "status 0x%x", status);
		return false;
	}
	cr_assert_eq(WSTOPSIG(status), SIGSTOP);
	cr_assert_eq(kill(h.pid, SIGCONT), 0);
	cr_assert_eq(waitpid(h.pid, &status, 0), h.pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status 0x%x", status);
	return true;
}

static char *argv_true[] = { "/bin/true", "dynamic", NULL };

Test(stop_dynamic, a_pattern_added_while_running_stops_and_removed_does_not)
{
	static struct stops c;
	static const char *const pattern[] = { "tr?e" };
	struct tracer *t = start_dynamic(&c, NULL, 0);
	pid_t before, during, after;

	cr_assert_not(run_stops(argv_true, &before), "stopped with no pattern");
	cr_assert_eq(tracer_set_stop_at(t, pattern, 1), 0, "%s", tracer_last_error(t));
	cr_assert(run_stops(argv_true, &during), "not stopped by the pattern added");
	cr_assert_eq(tracer_set_stop_at(t, NULL, 0), 0, "%s", tracer_last_error(t));
	cr_assert_not(run_stops(argv_true, &after), "stopped by the pattern removed");
	cr_assert_eq(tracer_stop(t), 0);

	cr_assert_eq(c.n, 1, "%zu stop events, want 1", c.n);
	cr_assert_eq(c.ev[0].pid, (uint32_t)during);
	cr_assert_eq(c.ev[0].error, 0);
	cr_assert_eq(c.ev[0].index, 0);
	cr_assert_eq(c.ev[0].generation, 1);
	cr_assert_str_eq(c.ev[0].pattern, "tr?e");
	tracer_destroy(t);
}

Test(stop_dynamic, a_stop_names_its_pattern_after_the_set_changed)
{
	static struct stops c;
	static const char *const first[] = { "*/false", "*/true" };
	static const char *const second[] = { "nothing-matches" };
	struct tracer *t = start_dynamic(&c, first, 2);
	struct held h = held_exec(argv_true);
	int status;

	held_release(&h);
	cr_assert_eq(waitpid(h.pid, &status, WUNTRACED), h.pid);
	cr_assert(WIFSTOPPED(status), "not stopped by the patterns given at start");
	/* Replaced before the stop event is read: it still names the first set's pattern. */
	cr_assert_eq(tracer_set_stop_at(t, second, 1), 0, "%s", tracer_last_error(t));
	held_poll_until(t, a_stop, &c, "the stop event");
	cr_assert_eq(c.ev[0].pid, (uint32_t)h.pid);
	cr_assert_eq(c.ev[0].generation, 0);
	cr_assert_eq(c.ev[0].index, 1);
	cr_assert_str_eq(c.ev[0].pattern, "*/true");
	cr_assert_eq(kill(h.pid, SIGCONT), 0);
	cr_assert_eq(WEXITSTATUS(held_reap(&h, NULL)), 0);
	tracer_destroy(t);
}

Test(stop_dynamic, patterns_set_before_start_are_the_ones_used)
{
	static struct stops c;
	static const char *const given[] = { "false" };
	static const char *const set[] = { "true" };
	struct tracer_options o;
	struct tracer *t;
	pid_t pid;
	uint32_t self = (uint32_t)getpid();
	int ret;

	tracer_options_init(&o);
	o.pids = &self;
	o.n_pids = 1;
	o.stop_at = given;
	o.n_stop_at = 1;
	o.stop_at_dynamic = true;
	o.on_event = collect_stop;
	o.ctx = &c;
	cr_assert_eq(tracer_create(&o, &t), 0);
	cr_assert_eq(tracer_set_stop_at(t, set, 1), 0, "%s", tracer_last_error(t));
	ret = tracer_start(t);
	cr_assert_eq(ret, 0, "tracer_start: %s", tracer_last_error(t));
	cr_assert(run_stops(argv_true, &pid));
	cr_assert_eq(tracer_stop(t), 0);
	cr_assert_eq(c.n, 1);
	cr_assert_str_eq(c.ev[0].pattern, "true");
	cr_assert_eq(c.ev[0].generation, 1);
	tracer_destroy(t);
}

Test(stop_dynamic, refused_without_the_option_or_with_a_bad_pattern)
{
	static struct stops c;
	static const char *const fixed[] = { "true" };
	static const char *const bad[] = { "ok", "[unterminated" };
	static const char *const nine[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9" };
	uint32_t self = (uint32_t)getpid();
	TRACER_OPTS(o, .pids = &self, .n_pids = 1, .stop_at = fixed, .n_stop_at = 1);
	struct tracer *t;
	pid_t pid;

	cr_assert_eq(tracer_set_stop_at(NULL, fixed, 1), -EINVAL);
	cr_assert_eq(tracer_create(&o, &t), 0);
	cr_assert_eq(tracer_set_stop_at(t, fixed, 1), -EINVAL);
	cr_assert_str_eq(tracer_last_error(t),
			 "the stop patterns are fixed: set stop_at_dynamic to change them");
	tracer_destroy(t);

	/* A refused set leaves the running one as it was. */
	t = start_dynamic(&c, fixed, 1);
	cr_assert_eq(tracer_set_stop_at(t, bad, 2), -EINVAL);
	cr_assert_str_eq(tracer_last_error(t),
			 "invalid stop pattern '[unterminated': unterminated '['");
	cr_assert_eq(tracer_set_stop_at(t, nine, 9), -EINVAL);
	cr_assert_str_eq(tracer_last_error(t), "too many stop patterns (9, at most 8)");
	cr_assert_eq(tracer_set_stop_at(t, NULL, 1), -EINVAL);
	cr_assert(run_stops(argv_true, &pid), "the patterns given at start were lost");
	cr_assert_eq(tracer_stop(t), 0);
	cr_assert_eq(c.n, 1);
	cr_assert_str_eq(c.ev[0].pattern, "true");
	tracer_destroy(t);
}
