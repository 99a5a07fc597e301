// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * End-to-end: load. Thousands of threads, exec bursts, a ring buffer too
 * small for them.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

TestSuite(load, .init = h_setup, .fini = h_teardown, .timeout = 240);

/*
 * Threads that come and go are not processes (traps 3 and 4): after 2000
 * threads were created and joined, proc_state holds no more entries than
 * there are live watched processes, a new process that gets a former
 * thread's id is not watched, and the process's execs are still reported.
 */
Test(load, threads_come_and_go)
{
	const char *m = h_marker("threads");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	long long tid;
	long entries;
	pid_t reused;

	H_REQUIRE();
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "report-pid", "w", "gate", "threads", "2000", "say", "threads-done",
		"1", "gate", "fork", "exec", "3", "/bin/true", "true", m, "child", "exec", "3",
		"/bin/true", "true", m, "self");
	/*
	 * The workload's own exec done first: started before it, tracer would
	 * report it (its argv holds the marker, "child" and "self" too).
	 */
	cr_assert_eq(h_report(&w, "w"), w.pid);
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%d", w.pid));
	h_control_run(&c);
	h_gate(&w);
	h_report(&w, "threads-done");
	tid = h_report(&w, "last-tid");
	entries = h_proc_state_count(t.pid);
	cr_expect_leq(entries, 1, "proc_state holds %ld entries with 1 live watched process:%s",
		      entries, h_proc_state_dump(t.pid));
	reused = h_fork_at_pid((pid_t)tid, (const char *const[]){ "/bin/true", "true", m,
								  "reused-thread-id", NULL });
	cr_assert_eq(reused, tid, "could not get the id %lld of a former thread", tid);
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	h_events_load(&evs, t.out_path);
	h_check_exec(
		h_one(&evs, m, "child"),
		&(struct h_expect){ .pid = h_report(&w, "pid 0"),
				    .ppid = w.pid,
				    .filename = "/bin/true",
				    .argv = (const char *const[]){ "true", m, "child", NULL } });
	h_check_exec(
		h_one(&evs, m, "self"),
		&(struct h_expect){ .pid = w.pid,
				    .ppid = getpid(),
				    .filename = "/bin/true",
				    .argv = (const char *const[]){ "true", m, "self", NULL } });
	cr_expect_eq(h_count(&evs, m, "reused-thread-id"), 0,
		     "a new process with a former thread's id was reported");
	cr_expect_eq(evs.n_exec, 2, "%zu exec events, expected 2", evs.n_exec);
	h_control_absent(&c, &evs, t.out_path);
}

/* Reads the burst's "i pid" log: pids[i]. */
static long long *read_burst_log(const char *path, long n)
{
	long long *pids = calloc((size_t)n, sizeof(*pids));
	char *data = h_read_file(path, NULL), *p = data;
	long i, got = 0;

	cr_assert(pids);
	while (*p) {
		long long pid;

		cr_assert(sscanf(p, "%ld %lld", &i, &pid) == 2 && i >= 0 && i < n,
			  "bad burst log line: %.40s", p);
		pids[i] = pid;
		got++;
		p = strchr(p, '\n');
		cr_assert(p);
		p++;
	}
	cr_assert_eq(got, n, "the burst log has %ld lines, expected %ld", got, n);
	return pids;
}

/*
 * Index of the burst exec an event is (argv "true MARKER i [pad]"), -1 when
 * it is not one.
 */
static long burst_index(const struct h_event *e, const char *m, long n)
{
	char *end;
	long i;

	if (e->lost || e->argc < 3 || !h_bytes_eqs(&e->argv[1], m))
		return -1;
	i = strtol(e->argv[2].ptr, &end, 10);
	if (end == e->argv[2].ptr || *end || i < 0 || i >= n)
		return -1;
	return i;
}

/*
 * 5000 fork+exec of /bin/true as fast as possible: each reported exactly
 * once, with its pid and argv, and nothing lost.
 */
Test(load, burst)
{
	const long n = 5000;
	const char *m = h_marker("burst");
	const char *log = h_path("burst.log");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	struct h_summary sum;
	long long *pids;
	unsigned int *seen;
	long i;
	size_t k;

	H_REQUIRE();
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "gate", "burst", h_str("%ld", n), "8", "0", log, m);
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%d", w.pid));
	h_control_run(&c);
	h_gate(&w);
	h_proc_done(&w);
	cr_assert_eq(h_report(&w, "burst-bad"), 0, "some execs of the burst failed");
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), &sum);

	pids = read_burst_log(log, n);
	seen = calloc((size_t)n, sizeof(*seen));
	cr_assert(seen);
	h_events_load(&evs, t.out_path);
	for (k = 0; k < evs.n; k++) {
		const struct h_event *e = &evs.ev[k];
		const char *idx;

		i = burst_index(e, m, n);
		cr_assert(i >= 0, "line %zu: not an exec of the burst", e->line_no);
		idx = h_str("%ld", i);
		seen[i]++;
		h_check_exec(e, &(struct h_expect){
					.pid = pids[i],
					.ppid = w.pid,
					.filename = "/bin/true",
					.argv = (const char *const[]){ "true", m, idx, NULL } });
	}
	for (i = 0; i < n; i++)
		cr_expect_eq(seen[i], 1, "exec %ld (pid %lld) reported %u times", i, pids[i],
			     seen[i]);
	cr_expect_eq(evs.n_lost, 0, "%zu lost markers", evs.n_lost);
	cr_expect_eq(sum.lost, 0, "summary: %lld lost", sum.lost);
	cr_expect_eq(sum.events, n, "summary: %lld events, %ld printed", sum.events, n);
	h_control_absent(&c, &evs, t.out_path);
	free(seen);
	free(pids);
}

/*
 * A ring buffer too small for a burst of execs with long argv: losses are
 * reported in the stream where they happen, and they add up (trap 13):
 * reported + lost == execs, and the summary's count is the markers' sum.
 * To be sure the buffer overflows, tracer is stopped (SIGSTOP) during the
 * first half of the burst and runs during the second half.
 */
Test(load, lost_events)
{
	const long n = 1000; /* per half */
	const char *m[2] = { h_marker("lost1"), h_marker("lost2") };
	const char *log[2] = { h_path("burst1.log"), h_path("burst2.log") };
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	struct h_summary sum;
	unsigned int *seen[2];
	size_t k, reported = 0, first_lost = (size_t)-1, exec_after = 0;
	long long *pids[2];
	long i;
	int h;

	H_REQUIRE();
	h_control_start(&c, m[0]);
	H_SPAWN(&w, WL_EXEC, "gate", "burst", h_str("%ld", n), "8", "1000", log[0], m[0], "say",
		"half", "1", "gate", "burst", h_str("%ld", n), "8", "1000", log[1], m[1]);
	H_TRACER_RUN(&t, "--json", "--ringbuf-size", "4096", "--pid", h_str("%d", w.pid));
	h_control_run(&c);
	cr_assert(kill(t.pid, SIGSTOP) == 0);
	cr_assert(h_wait_proc_state(t.pid, 'T', 10000), "tracer did not stop");
	h_gate(&w);
	h_report(&w, "half");
	cr_assert(kill(t.pid, SIGCONT) == 0);
	h_gate(&w);
	h_proc_done(&w);
	cr_assert_eq(h_report(&w, "burst-bad"), 0, "some execs of the burst failed");
	cr_assert_eq(h_report(&w, "burst-bad"), 0, "some execs of the burst failed");
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), &sum);

	for (h = 0; h < 2; h++) {
		pids[h] = read_burst_log(log[h], n);
		seen[h] = calloc((size_t)n, sizeof(*seen[h]));
		cr_assert(seen[h]);
	}
	h_events_load(&evs, t.out_path);
	for (k = 0; k < evs.n; k++) {
		const struct h_event *e = &evs.ev[k];

		if (e->lost) {
			if (first_lost == (size_t)-1)
				first_lost = k;
			continue;
		}
		if (first_lost != (size_t)-1)
			exec_after++;
		for (h = 0; h < 2; h++) {
			i = burst_index(e, m[h], n);
			if (i >= 0)
				break;
		}
		cr_assert(i >= 0, "line %zu: not an exec of the burst", e->line_no);
		cr_expect_eq(seen[h][i], 0, "exec %d.%ld reported twice", h, i);
		seen[h][i]++;
		reported++;
		cr_expect_eq(e->pid, pids[h][i], "line %zu: pid %lld, expected %lld", e->line_no,
			     e->pid, pids[h][i]);
		cr_expect_eq(e->argc, 4, "line %zu: %zu arguments", e->line_no, e->argc);
		cr_expect(!e->argv_truncated, "line %zu: argv_truncated", e->line_no);
	}
	cr_expect_gt(evs.n_lost, 0, "no lost marker with a 4 KiB ring buffer (%zu of %ld reported)",
		     reported, 2 * n);
	cr_expect_gt(exec_after, 0, "every loss was reported only after the last event");
	cr_expect_eq((long long)reported + evs.lost_sum, 2 * n,
		     "%zu execs reported + %lld lost (in %zu markers) != %ld execs done", reported,
		     evs.lost_sum, evs.n_lost, 2 * n);
	cr_expect_eq(sum.lost, evs.lost_sum, "summary: %lld lost, the markers say %lld", sum.lost,
		     evs.lost_sum);
	cr_expect_eq(sum.events, (long long)reported, "summary: %lld events, %zu printed",
		     sum.events, reported);
	h_control_absent(&c, &evs, t.out_path);
	for (h = 0; h < 2; h++) {
		free(seen[h]);
		free(pids[h]);
	}
}
