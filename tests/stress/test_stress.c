// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Stress: storms of short-lived processes and threads in the watched tree,
 * two tracers at once, tracer killed mid-storm, a ring buffer far too small.
 * Bounded in time: each test is a few seconds to a few tens of seconds.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

TestSuite(stress, .init = h_setup, .fini = h_teardown, .timeout = 300);

/* Starts the storm workload (see wl_storm.c), waiting at its first gate. */
static void storm_spawn(struct h_proc *w, const char *m, int phases, long forks, long execs,
			long threads, long pad)
{
	H_SPAWN(w, WL_STORM, m, h_str("%d", phases), h_str("%ld", forks), h_str("%ld", execs),
		h_str("%ld", threads), h_str("%ld", pad));
}

/* Exec events of the storm with marker m, checked to be its own children's. */
static size_t storm_execs(const struct h_events *evs, const char *m, pid_t storm)
{
	size_t k, n = 0;

	for (k = 0; k < evs->n; k++) {
		const struct h_event *e = &evs->ev[k];

		if (e->lost || e->argc < 3 || !h_bytes_eqs(&e->argv[1], m))
			continue;
		cr_expect_eq(e->ppid, storm, "line %zu: ppid %lld, expected %d", e->line_no,
			     e->ppid, storm);
		cr_expect_eq(e->ret, 0, "line %zu: ret %lld", e->line_no, e->ret);
		n++;
	}
	return n;
}

/*
 * 100000 fork+_exit, 2000 fork+exec and 10000 threads in the watched tree:
 * proc_state is back to its starting size afterwards (traps 3 and 4), and
 * every exec is reported or counted as lost.
 */
Test(stress, storm_leaves_proc_state_as_it_was)
{
	const long forks = 100000, execs = 2000, threads = 10000;
	const char *m = h_marker("storm");
	struct h_tracer t;
	struct h_proc w;
	struct h_events evs;
	struct h_summary sum;
	long before, after;
	size_t seen;

	H_REQUIRE();
	storm_spawn(&w, m, 1, forks, execs, threads, 0);
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%d", w.pid));
	before = h_proc_state_count(t.pid);
	h_gate(&w);
	h_report(&w, "phase");
	after = h_proc_state_count(t.pid);
	cr_expect_eq(after, before, "proc_state: %ld entries before the storm, %ld after:%s",
		     before, after, h_proc_state_dump(t.pid));
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), &sum);

	h_events_load(&evs, t.out_path);
	seen = storm_execs(&evs, m, w.pid);
	cr_expect_eq((long long)seen + evs.lost_sum, execs,
		     "%zu execs reported + %lld lost != %ld done", seen, evs.lost_sum, execs);
	cr_expect_eq(evs.n_exec, seen, "%zu exec events, %zu of the storm", evs.n_exec, seen);
	cr_expect_eq(sum.lost, evs.lost_sum, "summary: %lld lost, markers %lld", sum.lost,
		     evs.lost_sum);
}

/* Two tracers with different scopes during two storms: each sees exactly its own. */
Test(stress, two_tracers_each_see_their_own)
{
	const long forks = 20000, execs = 1000, threads = 2000;
	const char *m[2] = { h_marker("two-a"), h_marker("two-b") };
	struct h_tracer t[2];
	struct h_proc w[2];
	struct h_events evs;
	struct h_summary sum;
	int i;

	H_REQUIRE();
	for (i = 0; i < 2; i++)
		storm_spawn(&w[i], m[i], 1, forks, execs, threads, 0);
	for (i = 0; i < 2; i++)
		H_TRACER_RUN(&t[i], "--json", "--pid", h_str("%d", w[i].pid));
	for (i = 0; i < 2; i++)
		h_gate_all(&w[i]);
	for (i = 0; i < 2; i++)
		h_proc_done(&w[i]);
	for (i = 0; i < 2; i++) {
		size_t own;

		h_expect_clean_exit(&t[i], h_tracer_wait_self_exit(&t[i]), &sum);
		h_events_load(&evs, t[i].out_path);
		own = storm_execs(&evs, m[i], w[i].pid);
		cr_expect_eq(own, execs, "tracer %d: %zu of its %ld execs", i, own, execs);
		cr_expect_eq(h_count(&evs, m[1 - i], NULL), 0, "tracer %d saw the other storm", i);
		cr_expect_eq(evs.n_exec, own, "tracer %d: %zu exec events, %zu its own", i,
			     evs.n_exec, own);
		cr_expect_eq(sum.lost, 0, "tracer %d: %lld lost", i, sum.lost);
	}
}

/* tracer killed with SIGKILL in the middle of a storm: no program and no link stays. */
Test(stress, sigkill_mid_storm_leaves_nothing_attached)
{
	const char *m = h_marker("kill");
	struct h_tracer t;
	struct h_proc w;
	struct h_bpf_ids ids;
	int st;

	H_REQUIRE();
	storm_spawn(&w, m, 1, 10000, 1000, 2000, 0);
	H_TRACER_RUN(&t, "--json", "--events", "exec,exit,fork", "--pid", h_str("%d", w.pid));
	h_bpf_ids_of(t.pid, &ids);
	cr_assert_gt(ids.n_progs, 0, "tracer holds no BPF program");
	h_gate(&w);
	/* The storm must be under way when the kill lands: sleeping is the only way to say "mid". */
	nanosleep(&(struct timespec){ .tv_nsec = 300 * 1000000L }, NULL);
	st = h_tracer_stop(&t, SIGKILL);
	cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status 0x%x", st);
	h_bpf_expect_released(&ids);
	h_gate_all(&w);
	h_proc_done(&w);
}

/*
 * A 4 KiB ring buffer and execs with 1000-byte arguments, tracer stopped
 * during the first phase: losses are counted, the markers sit in the stream
 * before execs that came later, and reported + lost adds up to the execs
 * done, with the summary agreeing (trap 13).
 */
Test(stress, tiny_ringbuf_losses_add_up)
{
	const long execs = 1500;
	const char *m = h_marker("tiny");
	struct h_tracer t;
	struct h_proc w;
	struct h_events evs;
	struct h_summary sum;
	size_t k, seen, first_lost = (size_t)-1, after_lost = 0;

	H_REQUIRE();
	storm_spawn(&w, m, 2, 2000, execs, 200, 1000);
	H_TRACER_RUN(&t, "--json", "--ringbuf-size", "4096", "--pid", h_str("%d", w.pid));
	cr_assert(kill(t.pid, SIGSTOP) == 0);
	cr_assert(h_wait_proc_state(t.pid, 'T', 10000), "tracer did not stop");
	h_gate(&w);
	h_report(&w, "phase");
	cr_assert(kill(t.pid, SIGCONT) == 0);
	h_gate_all(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), &sum);

	h_events_load(&evs, t.out_path);
	seen = storm_execs(&evs, m, w.pid);
	for (k = 0; k < evs.n; k++) {
		if (evs.ev[k].lost && first_lost == (size_t)-1)
			first_lost = k;
		else if (!evs.ev[k].lost && first_lost != (size_t)-1)
			after_lost++;
	}
	cr_expect_gt(evs.n_lost, 0, "no lost marker with a 4 KiB buffer (%zu reported)", seen);
	cr_expect_gt(after_lost, 0, "the losses were reported only after the last exec");
	cr_expect_eq((long long)seen + evs.lost_sum, 2 * execs,
		     "%zu reported + %lld lost (%zu markers) != %ld execs", seen, evs.lost_sum,
		     evs.n_lost, 2 * execs);
	cr_expect_eq(sum.lost, evs.lost_sum, "summary: %lld lost, markers %lld", sum.lost,
		     evs.lost_sum);
	cr_expect_eq(sum.events, (long long)seen, "summary: %lld events, %zu printed", sum.events,
		     seen);
}
