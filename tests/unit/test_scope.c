// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* scope_select(): which running processes are in scope. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include <criterion/criterion.h>

#include "scope.h"
#include "wire.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PID_LIMIT 4194304u
#define BOTH (TRACER_WATCH_SELF | TRACER_WATCH_CHILDREN)

#define TTY_A TRACER_TTY_DEV(136, 9)
#define TTY_B TRACER_TTY_DEV(136, 10)
#define TTY_C TRACER_TTY_DEV(4, 1)

/* clang-format off */
/* start_time is derived from the pid so that copies can be checked. */
#define T(pid, ppid, tty) { (pid), (ppid), (tty), 1000000ull * (pid) + 7, 0 }
/* clang-format on */

static struct scope_member out[256];

static int select_tasks(const struct scope_task *tasks, size_t n, const uint32_t *pids,
			size_t n_pids, const uint32_t *ttys, size_t n_ttys, bool children,
			const uint32_t *already, size_t n_already)
{
	struct scope_spec spec = {
		.pids = pids,
		.n_pids = n_pids,
		.ttys = ttys,
		.n_ttys = n_ttys,
		.watch_children = children,
	};

	cr_assert_leq(n, ARRAY_SIZE(out));
	memset(out, 0xa5, sizeof(out));
	return scope_select(tasks, n, &spec, already, n_already, out);
}

/* The members are exactly want[] (snapshot order), with the right fields. */
static void assert_members(int got, const struct scope_task *tasks, size_t n, const uint32_t *want,
			   size_t n_want, uint32_t flags)
{
	cr_assert_eq(got, (int)n_want, "got %d members, want %zu", got, n_want);
	for (size_t i = 0; i < n_want; i++) {
		const struct scope_task *t = NULL;

		cr_assert_eq(out[i].pid, want[i], "member %zu: pid %u, want %u", i, out[i].pid,
			     want[i]);
		for (size_t j = 0; j < n; j++) {
			if (tasks[j].pid == want[i]) {
				t = &tasks[j];
				break;
			}
		}
		cr_assert_not_null(t);
		cr_assert_eq(out[i].start_time, t->start_time);
		cr_assert_eq(out[i].tty_dev, t->tty_dev);
		cr_assert_eq(out[i].flags, flags);
	}
}

#define EXPECT(got, tasks, flags, ...)                                                          \
	do {                                                                                    \
		const uint32_t want_[] = { __VA_ARGS__ };                                       \
		assert_members(got, tasks, ARRAY_SIZE(tasks), want_, ARRAY_SIZE(want_), flags); \
	} while (0)

/* clang-format off */
/* A small machine: init, kthreadd, two sessions and a chain of depth 5. */
static const struct scope_task machine[] = {
	T(1, 0, 0),		/* init */
	T(2, 0, 0),		/* kthreadd */
	T(3, 2, 0),		/* a kernel thread */
	T(100, 1, 0),		/* sshd */
	T(101, 100, TTY_A),	/* bash on pts/9 */
	T(102, 101, TTY_A),	/* make */
	T(103, 102, 0),		/* cc, detached from the tty */
	T(104, 103, 0),		/* cc1 */
	T(105, 104, 0),		/* as */
	T(200, 100, TTY_B),	/* bash on pts/10 */
	T(201, 200, TTY_B),	/* vim */
	T(300, 1, 0),		/* cron */
	T(301, 300, 0),
	T(302, 301, 0),
	T(303, 302, 0),
	T(304, 303, 0),
	T(305, 304, 0),		/* depth 5 below 300 */
	T(400, 1, TTY_C),	/* getty on tty1 */
};
/* clang-format on */

Test(scope, empty)
{
	const uint32_t roots[] = { 1 };
	struct scope_spec spec = { .pids = roots, .n_pids = 1, .watch_children = true };

	cr_assert_eq(scope_select(NULL, 0, &spec, NULL, 0, NULL), 0);
	cr_assert_eq(select_tasks(machine, ARRAY_SIZE(machine), NULL, 0, NULL, 0, true, NULL, 0),
		     0);
}

Test(scope, chain_of_depth_5)
{
	const uint32_t roots[] = { 300 };
	int n = select_tasks(machine, ARRAY_SIZE(machine), roots, 1, NULL, 0, true, NULL, 0);

	EXPECT(n, machine, BOTH, 300, 301, 302, 303, 304, 305);
}

Test(scope, middle_of_chain)
{
	const uint32_t roots[] = { 303 };
	int n = select_tasks(machine, ARRAY_SIZE(machine), roots, 1, NULL, 0, true, NULL, 0);

	EXPECT(n, machine, BOTH, 303, 304, 305);
}

Test(scope, root_without_children)
{
	const uint32_t roots[] = { 305, 201, 3 };
	int n = select_tasks(machine, ARRAY_SIZE(machine), roots, 3, NULL, 0, true, NULL, 0);

	EXPECT(n, machine, BOTH, 3, 201, 305);
}

Test(scope, several_roots_overlapping)
{
	/* 101 is below 100: every task still comes out once. */
	const uint32_t roots[] = { 101, 100, 101, 104 };
	int n = select_tasks(machine, ARRAY_SIZE(machine), roots, 4, NULL, 0, true, NULL, 0);

	EXPECT(n, machine, BOTH, 100, 101, 102, 103, 104, 105, 200, 201);
}

Test(scope, init_is_everything_but_kernel_threads)
{
	const uint32_t roots[] = { 1 };
	int n = select_tasks(machine, ARRAY_SIZE(machine), roots, 1, NULL, 0, true, NULL, 0);

	EXPECT(n, machine, BOTH, 1, 100, 101, 102, 103, 104, 105, 200, 201, 300, 301, 302, 303, 304,
	       305, 400);
}

Test(scope, pid_0_is_nobody)
{
	const uint32_t roots[] = { 0 };
	const uint32_t already[] = { 0 };
	int n;

	n = select_tasks(machine, ARRAY_SIZE(machine), roots, 1, NULL, 0, true, NULL, 0);
	cr_assert_eq(n, 0);
	n = select_tasks(machine, ARRAY_SIZE(machine), NULL, 0, NULL, 0, true, already, 1);
	cr_assert_eq(n, 0);
}

Test(scope, no_watch_children)
{
	const uint32_t roots[] = { 300, 100 };
	const uint32_t ttys[] = { TTY_A };
	int n = select_tasks(machine, ARRAY_SIZE(machine), roots, 2, ttys, 1, false, NULL, 0);

	/* The roots and the tasks on the tty, none of their children. */
	EXPECT(n, machine, TRACER_WATCH_SELF, 100, 101, 102, 300);
}

Test(scope, tty_and_children)
{
	const uint32_t ttys[] = { TTY_A };
	int n = select_tasks(machine, ARRAY_SIZE(machine), NULL, 0, ttys, 1, true, NULL, 0);

	/* 103-105 have no tty but descend from the shell on it. */
	EXPECT(n, machine, BOTH, 101, 102, 103, 104, 105);
}

Test(scope, two_ttys_and_a_root)
{
	const uint32_t roots[] = { 303 };
	const uint32_t ttys[] = { TTY_C, TTY_B, TTY_B };
	int n = select_tasks(machine, ARRAY_SIZE(machine), roots, 1, ttys, 3, true, NULL, 0);

	EXPECT(n, machine, BOTH, 200, 201, 303, 304, 305, 400);
}

Test(scope, tty_0_matches_nothing)
{
	const uint32_t ttys[] = { 0 };
	int n = select_tasks(machine, ARRAY_SIZE(machine), NULL, 0, ttys, 1, true, NULL, 0);

	cr_assert_eq(n, 0);
}

Test(scope, unknown_tty)
{
	const uint32_t ttys[] = { TRACER_TTY_DEV(136, 77) };
	int n = select_tasks(machine, ARRAY_SIZE(machine), NULL, 0, ttys, 1, true, NULL, 0);

	cr_assert_eq(n, 0);
}

Test(scope, already_watched)
{
	/* 102 is watched already: only what appeared below it since. */
	const uint32_t already[] = { 102 };
	int n = select_tasks(machine, ARRAY_SIZE(machine), NULL, 0, NULL, 0, true, already, 1);

	EXPECT(n, machine, BOTH, 103, 104, 105);
}

Test(scope, already_watched_are_not_output)
{
	/* Second pass: roots, tty and some descendants were seen by the first one. */
	const uint32_t roots[] = { 300 };
	const uint32_t ttys[] = { TTY_A };
	const uint32_t already[] = { 300, 301, 101, 102, 103 };
	int n = select_tasks(machine, ARRAY_SIZE(machine), roots, 1, ttys, 1, true, already, 5);

	EXPECT(n, machine, BOTH, 104, 105, 302, 303, 304, 305);
}

Test(scope, already_not_in_snapshot)
{
	/* 500 is watched and has exited: its children are still its. */
	/* clang-format off */
	const struct scope_task tasks[] = {
		T(1, 0, 0), T(501, 500, 0), T(502, 501, 0), T(600, 1, 0),
	};
	/* clang-format on */
	const uint32_t already[] = { 500 };
	int n = select_tasks(tasks, ARRAY_SIZE(tasks), NULL, 0, NULL, 0, true, already, 1);

	EXPECT(n, tasks, BOTH, 501, 502);
}

Test(scope, already_without_watch_children)
{
	const uint32_t roots[] = { 300 };
	const uint32_t already[] = { 300, 102 };
	int n = select_tasks(machine, ARRAY_SIZE(machine), roots, 1, NULL, 0, false, already, 2);

	cr_assert_eq(n, 0);
}

Test(scope, missing_root)
{
	const uint32_t roots[] = { 999, 305 };
	int n = select_tasks(machine, ARRAY_SIZE(machine), roots, 2, NULL, 0, true, NULL, 0);

	EXPECT(n, machine, BOTH, 305);
}

Test(scope, missing_root_with_stale_children)
{
	/* The snapshot missed 700 but its child still names it as parent. */
	const struct scope_task tasks[] = {
		T(1, 0, 0),
		T(701, 700, 0),
		T(702, 701, 0),
		T(703, 1, 0),
	};
	const uint32_t roots[] = { 700 };
	int n;

	n = select_tasks(tasks, ARRAY_SIZE(tasks), roots, 1, NULL, 0, true, NULL, 0);
	EXPECT(n, tasks, BOTH, 701, 702);
	n = select_tasks(tasks, ARRAY_SIZE(tasks), roots, 1, NULL, 0, false, NULL, 0);
	cr_assert_eq(n, 0);
}

Test(scope, cycles)
{
	/* clang-format off */
	const struct scope_task tasks[] = {
		T(10, 11, 0), /* 10 and 11: parents of each other */
		T(11, 10, 0),
		T(12, 11, 0), /* hangs off the cycle */
		T(20, 20, 0), /* its own parent */
		T(21, 20, 0),
		T(30, 32, 0), /* a longer loop */
		T(31, 30, 0),
		T(32, 31, 0),
		T(40, 40, TTY_A),
	};
	/* clang-format on */
	const uint32_t r10[] = { 10 }, r12[] = { 12 }, r20[] = { 20 }, r31[] = { 31 };
	const uint32_t ttys[] = { TTY_A };
	int n;

	n = select_tasks(tasks, ARRAY_SIZE(tasks), r10, 1, NULL, 0, true, NULL, 0);
	EXPECT(n, tasks, BOTH, 10, 11, 12);
	n = select_tasks(tasks, ARRAY_SIZE(tasks), r12, 1, NULL, 0, true, NULL, 0);
	EXPECT(n, tasks, BOTH, 12);
	n = select_tasks(tasks, ARRAY_SIZE(tasks), r20, 1, NULL, 0, true, NULL, 0);
	EXPECT(n, tasks, BOTH, 20, 21);
	n = select_tasks(tasks, ARRAY_SIZE(tasks), r31, 1, NULL, 0, true, NULL, 0);
	EXPECT(n, tasks, BOTH, 30, 31, 32);
	n = select_tasks(tasks, ARRAY_SIZE(tasks), NULL, 0, ttys, 1, true, NULL, 0);
	EXPECT(n, tasks, BOTH, 40);
	n = select_tasks(tasks, ARRAY_SIZE(tasks), NULL, 0, NULL, 0, true, r31, 1);
	EXPECT(n, tasks, BOTH, 30, 32);
}

/*
 * Reference implementation, by definition: mark the seeds, then sweep the
 * whole snapshot until no task gets added (a task is in when it is a seed or
 * its parent's pid is a root, an already watched pid or a member).
 */
static size_t naive_select(const struct scope_task *tasks, size_t n, const struct scope_spec *spec,
			   const uint32_t *already, size_t n_already, struct scope_member *res)
{
	uint8_t *is_root = calloc(PID_LIMIT + 1, 1);
	uint8_t *is_done = calloc(PID_LIMIT + 1, 1);
	uint8_t *expand = calloc(PID_LIMIT + 1, 1);
	bool *in = calloc(n, sizeof(*in));
	bool changed;
	size_t count = 0;

	cr_assert(is_root && is_done && expand && in);
	for (size_t i = 0; i < spec->n_pids; i++)
		is_root[spec->pids[i]] = 1;
	for (size_t i = 0; i < n_already; i++)
		is_done[already[i]] = 1;
	is_root[0] = 0;
	is_done[0] = 0;

	for (size_t i = 0; i < n; i++) {
		bool tty = false;

		for (size_t j = 0; j < spec->n_ttys; j++)
			tty |= tasks[i].tty_dev && tasks[i].tty_dev == spec->ttys[j];
		in[i] = is_root[tasks[i].pid] || tty;
	}
	if (spec->watch_children) {
		for (uint32_t pid = 1; pid <= PID_LIMIT; pid++)
			expand[pid] = is_root[pid] || is_done[pid];
		for (size_t i = 0; i < n; i++) {
			if (in[i])
				expand[tasks[i].pid] = 1;
		}
		do {
			changed = false;
			for (size_t i = 0; i < n; i++) {
				if (!in[i] && expand[tasks[i].ppid]) {
					in[i] = true;
					expand[tasks[i].pid] = 1;
					changed = true;
				}
			}
		} while (changed);
	}
	for (size_t i = 0; i < n; i++) {
		if (!in[i] || is_done[tasks[i].pid])
			continue;
		res[count].pid = tasks[i].pid;
		res[count].start_time = tasks[i].start_time;
		res[count].tty_dev = tasks[i].tty_dev;
		res[count].flags = TRACER_WATCH_SELF |
				   (spec->watch_children ? TRACER_WATCH_CHILDREN : 0);
		count++;
	}
	free(is_root);
	free(is_done);
	free(expand);
	free(in);
	return count;
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static uint32_t rnd_below(uint64_t n)
{
	return (uint32_t)(rnd() % n);
}

#define BIG_N 100000
#define BIG_TTYS 8

/* A random pid not used by the snapshot. */
static uint32_t unused_pid(const uint8_t *used)
{
	uint32_t pid;

	do
		pid = 1 + rnd_below(PID_LIMIT);
	while (used[pid]);
	return pid;
}

static void random_case(uint64_t seed, bool children)
{
	struct scope_task *tasks = calloc(BIG_N, sizeof(*tasks));
	struct scope_member *got = calloc(BIG_N, sizeof(*got));
	struct scope_member *want = calloc(BIG_N, sizeof(*want));
	uint8_t *used = calloc(PID_LIMIT + 1, 1);
	uint32_t ttys[3], devs[BIG_TTYS], roots[50], already[600], ghosts[50];
	size_t n_roots = 0, n_already = 0, n_want;
	struct scope_spec spec;
	int n_got;

	cr_assert(tasks && got && want && used);
	rng_state = seed;
	for (size_t i = 0; i < BIG_TTYS; i++)
		devs[i] = TRACER_TTY_DEV(136, i + 1);
	/* Parents that have exited before the snapshot: pids no task has. */
	for (size_t i = 0; i < ARRAY_SIZE(ghosts); i++) {
		ghosts[i] = unused_pid(used);
		used[ghosts[i]] = 1;
	}

	/* Pids: distinct, random. Parents: mostly an earlier task (a forest). */
	for (size_t i = 0; i < BIG_N; i++) {
		struct scope_task *t = &tasks[i];
		uint32_t dice = rnd_below(100);

		t->pid = unused_pid(used);
		used[t->pid] = 1;
		if (i == 0 || dice < 2)
			t->ppid = 0;
		else if (dice < 5)
			t->ppid = ghosts[rnd_below(ARRAY_SIZE(ghosts))];
		else if (dice < 6)
			t->ppid = t->pid; /* its own parent */
		else
			t->ppid = tasks[rnd_below(i)].pid;
		t->tty_dev = rnd_below(100) < 97 ? 0 : devs[rnd_below(BIG_TTYS)];
		t->start_time = rnd();
	}
	/* A few loops: a task made the parent of its ancestor. */
	for (size_t k = 0; k < 50; k++) {
		size_t a = 1 + rnd_below(BIG_N - 1), b = rnd_below(a);

		tasks[b].ppid = tasks[a].pid;
	}
	/* Snapshot order is not creation order. */
	for (size_t i = BIG_N - 1; i > 0; i--) {
		size_t j = rnd_below(i + 1);
		struct scope_task tmp = tasks[i];

		tasks[i] = tasks[j];
		tasks[j] = tmp;
	}

	for (size_t i = 0; i < 30; i++)
		roots[n_roots++] = tasks[rnd_below(BIG_N)].pid;
	for (size_t i = 0; i < 5; i++)
		roots[n_roots++] = unused_pid(used);
	for (size_t i = 0; i < 5; i++)
		roots[n_roots++] = ghosts[i];
	roots[n_roots++] = 0;
	roots[n_roots++] = roots[0];
	for (size_t i = 0; i < 500; i++)
		already[n_already++] = tasks[rnd_below(BIG_N)].pid;
	for (size_t i = 0; i < 79; i++)
		already[n_already++] = unused_pid(used);
	for (size_t i = 0; i < 20; i++)
		already[n_already++] = ghosts[ARRAY_SIZE(ghosts) - 1 - i];
	already[n_already++] = 0;
	ttys[0] = devs[rnd_below(BIG_TTYS)];
	ttys[1] = devs[rnd_below(BIG_TTYS)];
	ttys[2] = 0;

	spec = (struct scope_spec){
		.pids = roots,
		.n_pids = n_roots,
		.ttys = ttys,
		.n_ttys = 3,
		.watch_children = children,
	};
	n_got = scope_select(tasks, BIG_N, &spec, already, n_already, got);
	n_want = naive_select(tasks, BIG_N, &spec, already, n_already, want);

	cr_assert_eq(n_got, (int)n_want, "seed %llu: %d members, want %zu",
		     (unsigned long long)seed, n_got, n_want);
	/* Not a trivial case: a good part of the snapshot is in. */
	cr_assert_geq(n_want, children ? 1000 : 30, "seed %llu: only %zu", (unsigned long long)seed,
		      n_want);
	for (size_t i = 0; i < n_want; i++) {
		cr_assert_eq(got[i].pid, want[i].pid, "seed %llu, member %zu",
			     (unsigned long long)seed, i);
		cr_assert_eq(got[i].start_time, want[i].start_time);
		cr_assert_eq(got[i].tty_dev, want[i].tty_dev);
		cr_assert_eq(got[i].flags, want[i].flags);
	}

	free(tasks);
	free(got);
	free(want);
	free(used);
}

Test(scope, random_100000_against_reference)
{
	for (uint64_t seed = 1; seed <= 4; seed++) {
		random_case(seed * 0x9e3779b97f4a7c15ull, true);
		random_case(seed * 0x9e3779b97f4a7c15ull, false);
	}
}

/* Deep and wide shapes, listed children first: fast and complete. */
Test(scope, long_chain_and_wide_star)
{
	const size_t n = 200000;
	struct scope_task *tasks = calloc(n, sizeof(*tasks));
	struct scope_member *res = calloc(n, sizeof(*res));
	const uint32_t root[] = { 1 };
	struct scope_spec spec = { .pids = root, .n_pids = 1, .watch_children = true };

	cr_assert(tasks && res);
	/* One chain 1 <- 2 <- ... <- n, newest first. */
	for (size_t i = 0; i < n; i++) {
		tasks[i].pid = (uint32_t)(n - i);
		tasks[i].ppid = (uint32_t)(n - i - 1);
	}
	cr_assert_eq(scope_select(tasks, n, &spec, NULL, 0, res), (int)n);
	cr_assert_eq(res[0].pid, n);
	cr_assert_eq(res[n - 1].pid, 1);

	/* Everyone a child of 1. */
	for (size_t i = 0; i < n; i++) {
		tasks[i].pid = (uint32_t)(i + 1);
		tasks[i].ppid = i ? 1 : 0;
	}
	cr_assert_eq(scope_select(tasks, n, &spec, NULL, 0, res), (int)n);

	free(tasks);
	free(res);
}
