// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * libtracer end to end, as a program uses it: real processes in the running
 * kernel (root needed). Each test starts its own children, held on a pipe
 * until they are watched, and checks the exact events of its own pids, with
 * a child outside the scope as the negative control.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <criterion/criterion.h>
#include <tracer/tracer.h>
#include "print_check.h"

#define MAX_SEEN 64
#define ARGV_MAX 4096
#define DEADLINE_MS 10000

/* A copy of an event: what the callback receives does not outlive it. */
struct seen {
	enum tracer_event_type type;
	uint32_t pid; /* the signal's target for a signal */
	uint32_t ppid; /* the parent for a fork */
	int32_t ret; /* exec: ret; exit: wait status; signal: the signal */
	uint32_t argc;
	char argv[ARGV_MAX]; /* the arguments, each followed by '|' */
};

struct collector {
	struct seen ev[MAX_SEEN];
	size_t n;
	size_t lost;
};

static int collect(void *ctx, const struct tracer_event *ev)
{
	struct collector *c = ctx;
	struct seen *s;
	size_t off = 0;
	uint32_t i;

	if (ev->type == TRACER_EVENT_LOST) {
		c->lost += ev->lost.count;
		return 0;
	}
	cr_assert_lt(c->n, MAX_SEEN, "too many events");
	s = &c->ev[c->n++];
	s->type = ev->type;
	switch (ev->type) {
	case TRACER_EVENT_EXEC:
		s->pid = ev->exec.pid;
		s->ret = ev->exec.ret;
		s->argc = ev->exec.argc;
		for (i = 0; i < ev->exec.argc; i++) {
			const struct tracer_bytes *a = &ev->exec.argv[i];

			cr_assert_lt(off + a->len + 1, sizeof(s->argv));
			memcpy(s->argv + off, a->ptr, a->len);
			off += a->len;
			s->argv[off++] = '|';
		}
		s->argv[off] = '\0';
		break;
	case TRACER_EVENT_EXIT:
		s->pid = ev->exit.pid;
		s->ret = ev->exit.exit_code;
		break;
	case TRACER_EVENT_FORK:
		s->pid = ev->fork.pid;
		s->ppid = ev->fork.ppid;
		break;
	case TRACER_EVENT_SIGNAL:
		s->pid = ev->signal.target_pid;
		s->ppid = ev->signal.sender_pid;
		s->ret = ev->signal.sig;
		break;
	default:
		s->pid = 0;
		break;
	}
	return 0;
}

/* A child held before its exec: it runs argv once go_fd is written to. */
struct held {
	pid_t pid;
	int go_fd;
};

static struct held spawn_held(char *const argv[])
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
		execv(argv[0], argv);
		_exit(126);
	}
	close(go[0]);
	h.go_fd = go[1];
	return h;
}

static void release(struct held *h)
{
	cr_assert_eq(write(h->go_fd, "x", 1), 1);
	close(h->go_fd);
	h->go_fd = -1;
}

static int reap(struct held *h)
{
	int status;

	if (h->go_fd >= 0)
		close(h->go_fd);
	cr_assert_eq(waitpid(h->pid, &status, 0), h->pid);
	return status;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t count(const struct collector *c, enum tracer_event_type type, pid_t pid)
{
	size_t i, n = 0;

	for (i = 0; i < c->n; i++)
		if (c->ev[i].type == type && c->ev[i].pid == (uint32_t)pid)
			n++;
	return n;
}

static const struct seen *find(const struct collector *c, enum tracer_event_type type, pid_t pid)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->ev[i].type == type && c->ev[i].pid == (uint32_t)pid)
			return &c->ev[i];
	return NULL;
}

/* Polls until pid's exit event has come (the exit is the last event of a process). */
static void poll_until_exit(struct tracer *t, const struct collector *c, pid_t pid)
{
	uint64_t end = now_ms() + DEADLINE_MS;
	int ret;

	while (!count(c, TRACER_EVENT_EXIT, pid)) {
		cr_assert_lt(now_ms(), end, "no exit event for %d", (int)pid);
		ret = tracer_poll(t, 50);
		cr_assert(ret == 0 || ret == -EINTR, "tracer_poll: %s", tracer_strerror(ret));
	}
}

static struct tracer *start_events(struct collector *c, const uint32_t *pids, size_t n_pids,
				   uint64_t ringbuf_bytes, uint32_t events)
{
	struct tracer_options o;
	struct tracer *t;
	int ret;

	tracer_options_init(&o);
	o.pids = pids;
	o.n_pids = n_pids;
	o.events = events;
	if (ringbuf_bytes)
		o.ringbuf_bytes = ringbuf_bytes;
	o.on_event = collect;
	o.ctx = c;
	cr_assert_eq(tracer_create(&o, &t), 0);
	ret = tracer_start(t);
	cr_assert_eq(ret, 0, "tracer_start: %s: %s", tracer_strerror(ret), tracer_last_error(t));
	return t;
}

static struct tracer *start_tracer(struct collector *c, const uint32_t *pids, size_t n_pids,
				   uint64_t ringbuf_bytes)
{
	return start_events(c, pids, n_pids, ringbuf_bytes,
			    TRACER_EVENT_BIT(TRACER_EVENT_EXEC) |
				    TRACER_EVENT_BIT(TRACER_EVENT_EXIT));
}

static void assert_clean(struct tracer *t, const struct collector *c)
{
	struct tracer_stats st;

	cr_assert_eq(tracer_get_stats(t, &st), 0);
	cr_assert_eq(st.lost, 0);
	cr_assert_eq(c->lost, 0);
	cr_assert_eq(st.malformed, 0);
	cr_assert_eq(st.events, c->n, "stats say %llu events, %zu delivered",
		     (unsigned long long)st.events, c->n);
}

Test(api, watches_a_child_and_reports_its_exact_argv)
{
	static struct collector c;
	char *argv[] = { "/bin/true", "hello world", "", "-x", NULL };
	struct held h = spawn_held(argv);
	uint32_t pid = (uint32_t)h.pid;
	struct tracer *t = start_tracer(&c, &pid, 1, 0);
	struct tracer_stats st;
	const struct seen *e;

	cr_assert_eq(tracer_get_stats(t, &st), 0);
	cr_assert_eq(st.watched_now, 1);
	cr_assert_eq(tracer_watched_now(t), 1);
	cr_assert_eq(st.watched_total, 1);
	release(&h);
	poll_until_exit(t, &c, h.pid);
	cr_assert_eq(tracer_stop(t), 0);
	cr_assert_eq(tracer_stop(t), 0, "stop twice");

	cr_assert_eq(c.n, 2, "exactly one exec and one exit, got %zu events", c.n);
	e = &c.ev[0];
	cr_assert_eq(e->type, TRACER_EVENT_EXEC);
	cr_assert_eq(e->pid, (uint32_t)h.pid);
	cr_assert_eq(e->ret, 0);
	cr_assert_eq(e->argc, 4);
	cr_assert_str_eq(e->argv, "/bin/true|hello world||-x|");
	cr_assert_eq(c.ev[1].type, TRACER_EVENT_EXIT);
	assert_clean(t, &c);
	cr_assert_eq(tracer_get_stats(t, &st), 0);
	cr_assert_eq(st.watched_now, 0, "the exit dropped it");
	cr_assert_eq(tracer_watched_now(t), 0, "the exit dropped it");
	tracer_destroy(t);
	cr_assert_eq(WEXITSTATUS(reap(&h)), 0);
}

Test(api, start_twice_is_an_error_and_the_handle_still_works)
{
	static struct collector c;
	char *argv[] = { "/bin/true", "again", NULL };
	struct held h = spawn_held(argv);
	uint32_t pid = (uint32_t)h.pid;
	struct tracer *t = start_tracer(&c, &pid, 1, 0);

	cr_assert_eq(tracer_start(t), -EALREADY);
	cr_assert_str_eq(tracer_last_error(t), "already started");
	release(&h);
	poll_until_exit(t, &c, h.pid);
	cr_assert_eq(count(&c, TRACER_EVENT_EXEC, h.pid), 1);
	tracer_destroy(t);
	reap(&h);
}

Test(api, two_handles_each_see_exactly_their_own)
{
	static struct collector ca, cb;
	char *argv_a[] = { "/bin/true", "handle-a", NULL };
	char *argv_b[] = { "/bin/true", "handle-b", NULL };
	struct held a = spawn_held(argv_a), b = spawn_held(argv_b);
	uint32_t pid_a = (uint32_t)a.pid, pid_b = (uint32_t)b.pid;
	struct tracer *ta = start_tracer(&ca, &pid_a, 1, 0);
	struct tracer *tb = start_tracer(&cb, &pid_b, 1, 0);

	release(&a);
	release(&b);
	poll_until_exit(ta, &ca, a.pid);
	poll_until_exit(tb, &cb, b.pid);
	/* Both processes are gone: whatever either handle could see is buffered. */
	cr_assert_eq(tracer_stop(ta), 0);
	cr_assert_eq(tracer_stop(tb), 0);

	cr_assert_eq(ca.n, 2);
	cr_assert_eq(count(&ca, TRACER_EVENT_EXEC, a.pid), 1);
	cr_assert_str_eq(find(&ca, TRACER_EVENT_EXEC, a.pid)->argv, "/bin/true|handle-a|");
	cr_assert_eq(count(&ca, TRACER_EVENT_EXEC, b.pid), 0);
	cr_assert_eq(cb.n, 2);
	cr_assert_eq(count(&cb, TRACER_EVENT_EXEC, b.pid), 1);
	cr_assert_str_eq(find(&cb, TRACER_EVENT_EXEC, b.pid)->argv, "/bin/true|handle-b|");
	cr_assert_eq(count(&cb, TRACER_EVENT_EXEC, a.pid), 0);
	assert_clean(ta, &ca);
	assert_clean(tb, &cb);
	tracer_destroy(tb);
	tracer_destroy(ta);
	reap(&a);
	reap(&b);
}

Test(api, a_pid_added_while_running_has_its_later_execs_reported)
{
	static struct collector c;
	char *argv[] = { "/bin/true", "added", NULL };
	char *argv_other[] = { "/bin/true", "not-added", NULL };
	struct held h = spawn_held(argv), other = spawn_held(argv_other);
	struct tracer *t = start_tracer(&c, NULL, 0, 0); /* an empty scope to begin with */
	struct tracer_stats st;

	cr_assert_eq(tracer_get_stats(t, &st), 0);
	cr_assert_eq(st.watched_now, 0);
	cr_assert_eq(tracer_watch_pid(t, (uint32_t)h.pid), 0);
	cr_assert_eq(tracer_watch_pid(t, (uint32_t)h.pid), 0, "already watched is fine");
	cr_assert_eq(tracer_get_stats(t, &st), 0);
	cr_assert_eq(st.watched_now, 1);
	cr_assert_eq(st.watched_total, 1);
	cr_assert_eq(tracer_watch_pid(t, 99999999), -ESRCH);

	/* The negative control first: once reaped, its exec is in the buffer if anywhere. */
	release(&other);
	reap(&other);
	release(&h);
	poll_until_exit(t, &c, h.pid);
	cr_assert_eq(tracer_stop(t), 0);

	cr_assert_eq(c.n, 2);
	cr_assert_str_eq(find(&c, TRACER_EVENT_EXEC, h.pid)->argv, "/bin/true|added|");
	cr_assert_eq(count(&c, TRACER_EVENT_EXEC, other.pid), 0);
	assert_clean(t, &c);
	tracer_destroy(t);
	reap(&h);
}

Test(api, a_removed_pid_is_no_longer_reported)
{
	static struct collector c;
	char *argv_gone[] = { "/bin/true", "removed", NULL };
	char *argv_kept[] = { "/bin/true", "kept", NULL };
	struct held gone = spawn_held(argv_gone), kept = spawn_held(argv_kept);
	uint32_t pids[] = { (uint32_t)gone.pid, (uint32_t)kept.pid };
	struct tracer *t = start_tracer(&c, pids, 2, 0);
	struct tracer_stats st;

	cr_assert_eq(tracer_get_stats(t, &st), 0);
	cr_assert_eq(st.watched_now, 2);
	cr_assert_eq(tracer_unwatch_pid(t, (uint32_t)gone.pid), 0);
	cr_assert_eq(tracer_unwatch_pid(t, (uint32_t)gone.pid), -ENOENT);
	cr_assert_eq(tracer_get_stats(t, &st), 0);
	cr_assert_eq(st.watched_now, 1);
	cr_assert_eq(st.watched_total, 2);

	release(&gone);
	reap(&gone);
	release(&kept);
	poll_until_exit(t, &c, kept.pid);
	cr_assert_eq(tracer_stop(t), 0);

	cr_assert_eq(count(&c, TRACER_EVENT_EXEC, gone.pid), 0);
	cr_assert_eq(count(&c, TRACER_EVENT_EXIT, gone.pid), 0);
	cr_assert_eq(count(&c, TRACER_EVENT_EXEC, kept.pid), 1);
	cr_assert_eq(c.n, 2);
	cr_assert_eq(tracer_get_stats(t, &st), 0);
	cr_assert_eq(st.watched_now, 0, "the counter stays right after a removal");
	assert_clean(t, &c);
	tracer_destroy(t);
	reap(&kept);
}

Test(api, the_descriptor_works_in_a_poll_loop)
{
	static struct collector c;
	static char big[2048];
	char *argv[] = { "/bin/true", big, NULL };
	struct held h;
	uint32_t pid;
	struct tracer *t;
	struct pollfd pfd;
	uint64_t end;
	int fd, ret;

	/* A record larger than 1/16 of a 4 KiB buffer: the kernel wakes the reader for it. */
	memset(big, 'a', sizeof(big) - 1);
	h = spawn_held(argv);
	pid = (uint32_t)h.pid;
	t = start_tracer(&c, &pid, 1, 4096);
	fd = tracer_fd(t);
	cr_assert_geq(fd, 0);
	cr_assert_eq(tracer_fd(t), fd, "one descriptor per handle");

	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	cr_assert_eq(poll(&pfd, 1, 0), 0, "readable before anything happened");
	release(&h);
	end = now_ms() + DEADLINE_MS;
	while (!count(&c, TRACER_EVENT_EXEC, h.pid)) {
		cr_assert_lt(now_ms(), end, "the descriptor never became readable");
		ret = poll(&pfd, 1, 1000);
		if (ret < 0 && errno == EINTR)
			continue;
		cr_assert_geq(ret, 0);
		if (ret == 1) {
			cr_assert(pfd.revents & POLLIN);
			cr_assert_geq(tracer_consume(t), 0);
		}
	}
	cr_assert_eq(find(&c, TRACER_EVENT_EXEC, h.pid)->argc, 2);
	cr_assert_eq(strlen(find(&c, TRACER_EVENT_EXEC, h.pid)->argv),
		     2 + strlen("/bin/true") + sizeof(big) - 1);
	tracer_destroy(t);
	reap(&h);
}

/* A callback that asks to stop: the rest stays buffered for the next call. */
static int stop_after_one(void *ctx, const struct tracer_event *ev)
{
	collect(ctx, ev);
	return 1;
}

Test(api, a_callback_can_stop_the_delivery)
{
	static struct collector c;
	char *argv[] = { "/bin/true", "stop", NULL };
	struct held h = spawn_held(argv);
	uint32_t pid = (uint32_t)h.pid;
	struct tracer_options o;
	struct tracer *t;
	int ret;

	tracer_options_init(&o);
	o.pids = &pid;
	o.n_pids = 1;
	o.events = TRACER_EVENT_BIT(TRACER_EVENT_EXEC) | TRACER_EVENT_BIT(TRACER_EVENT_EXIT);
	o.on_event = stop_after_one;
	o.ctx = &c;
	cr_assert_eq(tracer_create(&o, &t), 0);
	cr_assert_eq(tracer_start(t), 0);
	release(&h);
	reap(&h); /* exec and exit are both written once it is reaped */
	ret = tracer_consume(t);
	cr_assert_eq(ret, 1);
	cr_assert_eq(c.n, 1);
	cr_assert_eq(c.ev[0].type, TRACER_EVENT_EXEC);
	ret = tracer_consume(t);
	cr_assert_eq(ret, 1);
	cr_assert_eq(c.n, 2);
	cr_assert_eq(c.ev[1].type, TRACER_EVENT_EXIT);
	cr_assert_eq(tracer_consume(t), 0);
	cr_assert_eq(c.n, 2);
	tracer_destroy(t);
}

/* Stops after limit exec events, or at every loss when limit is 0. */
struct stopper {
	struct collector c;
	size_t limit;
	size_t stops;
};

static int stop_on(void *ctx, const struct tracer_event *ev)
{
	struct stopper *s = ctx;

	collect(&s->c, ev);
	if (s->limit)
		return s->c.n >= s->limit;
	s->stops += ev->type == TRACER_EVENT_LOST;
	return ev->type == TRACER_EVENT_LOST;
}

/*
 * A loss is noticed on the next record of its CPU and delivered just before
 * it. A callback that stops there must still get that record, on the next
 * call (libbpf has already consumed it from the ring buffer).
 */
Test(api, a_callback_that_stops_on_a_loss_loses_no_record)
{
	static struct stopper s;
	/* 40 execs overflow a 4 KiB ring buffer; then 2 more, held until there is room. */
	static const char script[] = "i=0; while [ $i -lt 40 ]; do /bin/true; i=$((i+1)); done; "
				     "echo full; read x; /bin/true b2-1; /bin/true b2-2";
	const size_t total = 1 + 40 + 2;
	struct tracer_options o;
	struct tracer *t;
	cpu_set_t cpus;
	int go[2], out[2], status, cpu, ret, calls;
	uint32_t pid;
	pid_t child;
	char c;
	size_t i, execs = 0;
	bool b2[2] = { false, false };

	/* One CPU: the second burst's records must carry the first burst's losses. */
	cr_assert_eq(sched_getaffinity(0, sizeof(cpus), &cpus), 0);
	for (cpu = 0; !CPU_ISSET(cpu, &cpus); cpu++)
		;
	CPU_ZERO(&cpus);
	CPU_SET(cpu, &cpus);
	cr_assert_eq(sched_setaffinity(0, sizeof(cpus), &cpus), 0);

	cr_assert_eq(pipe(go), 0);
	cr_assert_eq(pipe(out), 0);
	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		dup2(go[0], 0);
		dup2(out[1], 1);
		close(go[1]);
		close(out[0]);
		if (read(0, &c, 1) != 1)
			_exit(127);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(126);
	}
	close(go[0]);
	close(out[1]);
	pid = (uint32_t)child;

	tracer_options_init(&o);
	o.pids = &pid;
	o.n_pids = 1;
	o.ringbuf_bytes = TRACER_RINGBUF_BYTES_MIN;
	o.on_event = stop_on;
	o.ctx = &s;
	cr_assert_eq(tracer_create(&o, &t), 0);
	ret = tracer_start(t);
	cr_assert_eq(ret, 0, "tracer_start: %s: %s", tracer_strerror(ret), tracer_last_error(t));

	/* The first burst, nothing read: the buffer fills and the rest is lost. */
	cr_assert_eq(write(go[1], "g", 1), 1);
	cr_assert_eq(read(out[0], &c, 1), 1, "the shell did not run its first burst");
	/* Room for the second burst, without reading the losses from the counters. */
	s.limit = 3;
	cr_assert_eq(tracer_consume(t), 1);
	cr_assert_eq(s.c.n, 3);
	cr_assert_eq(s.c.lost, 0, "lost reported before the records written before the loss");
	cr_assert_eq(write(go[1], "\n", 1), 1);
	cr_assert_eq(waitpid(child, &status, 0), child);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status 0x%x", status);

	/* Stop at every loss; each call picks up where the last one stopped. */
	s.limit = 0;
	for (calls = 0; (ret = tracer_consume(t)) == 1; calls++)
		cr_assert_lt(calls, 100);
	cr_assert_eq(ret, 0, "tracer_consume: %s", tracer_strerror(ret));
	cr_assert_gt(s.c.lost, 0, "a 4 KiB buffer did not overflow: nothing tested");
	cr_assert_gt(s.stops, 0);
	for (i = 0; i < s.c.n; i++) {
		cr_assert_eq(s.c.ev[i].type, TRACER_EVENT_EXEC);
		execs++;
		b2[0] |= strcmp(s.c.ev[i].argv, "/bin/true|b2-1|") == 0;
		b2[1] |= strcmp(s.c.ev[i].argv, "/bin/true|b2-2|") == 0;
	}
	cr_assert(b2[0] && b2[1], "an exec of the second burst is missing (b2-1 %d, b2-2 %d)",
		  b2[0], b2[1]);
	cr_assert_eq(execs + s.c.lost, total, "%zu execs delivered, %zu lost: expected %zu in all",
		     execs, s.c.lost, total);
	close(go[1]);
	close(out[0]);
	tracer_destroy(t);
}

Test(api, only_the_event_kinds_asked_for)
{
	static struct collector c;
	char *argv[] = { "/bin/sh", "-c", "/bin/true; exit 3", NULL };
	struct held h = spawn_held(argv);
	uint32_t pid = (uint32_t)h.pid;
	struct tracer *t = start_events(&c, &pid, 1, 0,
					TRACER_EVENT_BIT(TRACER_EVENT_FORK) |
						TRACER_EVENT_BIT(TRACER_EVENT_EXIT));
	const struct seen *fork_ev = NULL;
	size_t i;

	release(&h);
	poll_until_exit(t, &c, h.pid);
	cr_assert_eq(tracer_stop(t), 0);

	/* sh forks once for /bin/true; two exits; no exec, as none was asked for. */
	for (i = 0; i < c.n; i++) {
		cr_assert_neq(c.ev[i].type, TRACER_EVENT_EXEC);
		if (c.ev[i].type == TRACER_EVENT_FORK) {
			cr_assert_null(fork_ev, "one fork only");
			fork_ev = &c.ev[i];
		}
	}
	cr_assert_not_null(fork_ev);
	cr_assert_eq(fork_ev->ppid, (uint32_t)h.pid);
	cr_assert_eq(count(&c, TRACER_EVENT_EXIT, fork_ev->pid), 1);
	cr_assert_eq(c.n, 3);
	cr_assert(WIFEXITED(find(&c, TRACER_EVENT_EXIT, h.pid)->ret));
	cr_assert_eq(WEXITSTATUS(find(&c, TRACER_EVENT_EXIT, h.pid)->ret), 3);
	assert_clean(t, &c);
	tracer_destroy(t);
	cr_assert_eq(WEXITSTATUS(reap(&h)), 3);
}

/* events with none of the kernel's kinds (0, or TRACER_EVENT_LOST alone): exec only. */
static void check_exec_only(uint32_t events)
{
	static struct collector c;
	char *argv[] = { "/bin/sh", "-c", "/bin/true; exit 3", NULL };
	struct held h = spawn_held(argv);
	uint32_t pid = (uint32_t)h.pid;
	struct tracer *t;
	size_t i;

	memset(&c, 0, sizeof(c));
	t = start_events(&c, &pid, 1, 0, events);
	release(&h);
	cr_assert_eq(WEXITSTATUS(reap(&h)), 3);
	/* Every record of the tree is written by now: the stop drains them. */
	cr_assert_eq(tracer_stop(t), 0);
	for (i = 0; i < c.n; i++)
		cr_assert_eq(c.ev[i].type, TRACER_EVENT_EXEC, "events 0x%x: a %d event", events,
			     (int)c.ev[i].type);
	cr_assert_eq(c.n, 2, "events 0x%x: sh and true, got %zu events", events, c.n);
	cr_assert_eq(count(&c, TRACER_EVENT_EXEC, h.pid), 1);
	assert_clean(t, &c);
	tracer_destroy(t);
}

Test(api, none_of_the_kernels_kinds_means_exec_only)
{
	check_exec_only(0);
	check_exec_only(TRACER_EVENT_BIT(TRACER_EVENT_LOST));
}

Test(api, a_signal_to_a_watched_process)
{
	static struct collector c;
	char *argv[] = { "/bin/true", NULL };
	struct held h = spawn_held(argv); /* never released: it dies of the signal */
	uint32_t pid = (uint32_t)h.pid;
	struct tracer *t = start_events(&c, &pid, 1, 0,
					TRACER_EVENT_BIT(TRACER_EVENT_SIGNAL) |
						TRACER_EVENT_BIT(TRACER_EVENT_EXIT));
	const struct seen *sig;

	cr_assert_eq(kill(h.pid, SIGTERM), 0);
	poll_until_exit(t, &c, h.pid);
	cr_assert_eq(tracer_stop(t), 0);

	cr_assert_eq(count(&c, TRACER_EVENT_SIGNAL, h.pid), 1);
	sig = find(&c, TRACER_EVENT_SIGNAL, h.pid);
	cr_assert_eq(sig->ret, SIGTERM);
	cr_assert_eq(sig->ppid, (uint32_t)getpid(), "the sender is the test");
	cr_assert(WIFSIGNALED(find(&c, TRACER_EVENT_EXIT, h.pid)->ret));
	cr_assert_eq(WTERMSIG(find(&c, TRACER_EVENT_EXIT, h.pid)->ret), SIGTERM);
	cr_assert_eq(c.n, 2);
	assert_clean(t, &c);
	tracer_destroy(t);
	cr_assert(WIFSIGNALED(reap(&h)));
}

/* Execs of two processes among every process of the machine. */
struct two {
	pid_t a, b;
	size_t execs_a, execs_b;
};

static int collect_two(void *ctx, const struct tracer_event *ev)
{
	struct two *w = ctx;

	if (ev->type != TRACER_EVENT_EXEC)
		return 0;
	if (ev->exec.pid == (uint32_t)w->a)
		w->execs_a++;
	if (ev->exec.pid == (uint32_t)w->b)
		w->execs_b++;
	return 0;
}

Test(api, system_wide_sees_any_process_and_excludes_in_the_kernel)
{
	static const char *const excluded[] = { "/bin/false" };
	char *argv_a[] = { "/bin/true", "system-wide", NULL };
	char *argv_b[] = { "/bin/false", "excluded", NULL };
	struct held a = spawn_held(argv_a), b = spawn_held(argv_b);
	struct two w = { .a = a.pid, .b = b.pid };
	struct tracer_options o;
	struct tracer_stats st;
	struct tracer *t;
	uint64_t end;
	int ret;

	/* Neither child is named: system_wide has every process in scope. */
	tracer_options_init(&o);
	o.system_wide = true;
	o.exclude_paths = excluded;
	o.n_exclude_paths = 1;
	o.on_event = collect_two;
	o.ctx = &w;
	cr_assert_eq(tracer_create(&o, &t), 0);
	ret = tracer_start(t);
	cr_assert_eq(ret, 0, "tracer_start: %s: %s", tracer_strerror(ret), tracer_last_error(t));
	release(&a);
	release(&b);
	cr_assert_eq(WEXITSTATUS(reap(&a)), 0);
	cr_assert_eq(WEXITSTATUS(reap(&b)), 1);
	end = now_ms() + DEADLINE_MS;
	while (!w.execs_a) {
		cr_assert_lt(now_ms(), end, "no exec event for %d", (int)a.pid);
		tracer_poll(t, 50);
	}
	/* Both execs happened before the reaps: stopping delivers whatever is left. */
	cr_assert_eq(tracer_stop(t), 0);
	cr_assert_eq(w.execs_a, 1);
	cr_assert_eq(w.execs_b, 0, "the excluded exec was reported");
	cr_assert_eq(tracer_get_stats(t, &st), 0);
	cr_assert_geq(st.excluded, 1);
	cr_assert_eq(st.lost, 0);
	cr_assert_eq(st.watched_now, 0, "system-wide keeps no process table");
	tracer_destroy(t);
}

/* A copy of /bin/dash in a directory of its own: a file /bin/dash is not. */
static void copy_dash(char *dir, char *copy, size_t len)
{
	char cmd[256];

	cr_assert_not_null(mkdtemp(dir));
	snprintf(copy, len, "%s/dash-copy", dir);
	snprintf(cmd, sizeof(cmd), "cp /bin/dash '%s'", copy);
	cr_assert_eq(system(cmd), 0);
}

Test(api, exclude_callers_by_file)
{
	char dir[] = "/tmp/tracer-api-excl.XXXXXX", copy[64];
	const char *callers[1] = { copy };
	struct tracer_options o;
	struct tracer_stats st;
	struct tracer *t;
	uint64_t end;
	int ret;

	copy_dash(dir, copy, sizeof(copy));
	/* Each shell execs /bin/true in place: two execs per pid. */
	char *argv_a[] = { copy, "-c", "exec /bin/true excluded-caller", NULL };
	char *argv_b[] = { "/bin/dash", "-c", "exec /bin/true not-excluded", NULL };
	struct held a = spawn_held(argv_a), b = spawn_held(argv_b);
	struct two w = { .a = a.pid, .b = b.pid };
	uint32_t pids[2] = { (uint32_t)a.pid, (uint32_t)b.pid };

	tracer_options_init(&o);
	o.pids = pids;
	o.n_pids = 2;
	o.exclude_callers = callers;
	o.n_exclude_callers = 1;
	o.on_event = collect_two;
	o.ctx = &w;
	cr_assert_eq(tracer_create(&o, &t), 0);
	ret = tracer_start(t);
	cr_assert_eq(ret, 0, "tracer_start: %s: %s", tracer_strerror(ret), tracer_last_error(t));
	release(&a);
	release(&b);
	cr_assert_eq(WEXITSTATUS(reap(&a)), 0);
	cr_assert_eq(WEXITSTATUS(reap(&b)), 0);
	end = now_ms() + DEADLINE_MS;
	while (w.execs_b < 2) {
		cr_assert_lt(now_ms(), end, "execs of %d: %zu, want 2", (int)b.pid, w.execs_b);
		tracer_poll(t, 50);
	}
	cr_assert_eq(tracer_stop(t), 0);
	/* The copy's own exec is its parent's; the copy's exec of /bin/true is dropped. */
	cr_assert_eq(w.execs_a, 1);
	cr_assert_eq(w.execs_b, 2);
	cr_assert_eq(tracer_get_stats(t, &st), 0);
	cr_assert_eq(st.excluded, 1);
	tracer_destroy(t);
	unlink(copy);
	rmdir(dir);
}

/*
 * A file that is not there fails the creation, naming it; one removed
 * between creation and start fails the start, naming it too.
 */
Test(api, exclude_missing_file)
{
	static const char *const missing[] = { "/nonexistent/tracer-excluded" };
	char path[] = "/tmp/tracer-excluded-XXXXXX";
	const char *const gone[] = { path };
	struct tracer_options o;
	struct tracer *t;
	int fd;

	tracer_options_init(&o);
	o.system_wide = true;
	o.exclude_paths = missing;
	o.n_exclude_paths = 1;
	cr_assert_eq(tracer_create(&o, &t), -ENOENT);
	cr_assert(strstr(tracer_last_error(NULL), "/nonexistent/tracer-excluded"), "%s",
		  tracer_last_error(NULL));

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	o.exclude_paths = gone;
	cr_assert_eq(tracer_create(&o, &t), 0);
	unlink(path);
	cr_assert_eq(tracer_start(t), -ENOENT);
	cr_assert(strstr(tracer_last_error(t), path), "%s", tracer_last_error(t));
	tracer_destroy(t);
}

/*
 * A verbose handle that was started and destroyed leaves libbpf's messages
 * dropped again for the quiet handle still there (its start and its end
 * each count once).
 */
Test(api, libbpf_quiet_again_after_a_verbose_handle_ran)
{
	uint32_t self = (uint32_t)getpid();
	TRACER_OPTS(o, .pids = &self, .n_pids = 1, .verbose = true);
	struct tracer *quiet, *loud;
	int saved, null, ret;

	quiet = start_tracer(&(struct collector){ 0 }, &self, 1, 0);
	cr_assert_eq(tracer_create(&o, &loud), 0);
	/* Its load and attach messages are not what is checked. */
	saved = dup(STDERR_FILENO);
	null = open("/dev/null", O_WRONLY);
	cr_assert(saved >= 0 && null >= 0);
	dup2(null, STDERR_FILENO);
	ret = tracer_start(loud);
	cr_assert_gt(print_through(current_print(), "%s\n", "written"), 0);
	tracer_destroy(loud);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(null);
	cr_assert_eq(ret, 0, "tracer_start: %s", tracer_strerror(ret));
	cr_assert_eq(print_through(current_print(), "%s\n", "dropped"), 0,
		     "libbpf's messages still written after the verbose handle is gone");
	tracer_destroy(quiet);
}
