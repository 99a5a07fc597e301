// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Fork, exit and signal events of real processes in the running kernel:
 * exact codes, signals, senders and targets, parents and children; threads
 * are not processes; nothing from a process outside the scope.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define CORE_PATTERN "/proc/sys/kernel/core_pattern"

static char saved_core_pattern[512];

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	cr_assert_geq(fputs(s, f), 0);
	cr_assert_eq(fclose(f), 0, "%s", path);
}

/* Cores go into the test's directory for the time of the test. */
static void point_cores_to_tmpdir(void)
{
	const char *old = h_read_file(CORE_PATTERN, NULL);
	char pattern[512];

	snprintf(saved_core_pattern, sizeof(saved_core_pattern), "%s", old);
	snprintf(pattern, sizeof(pattern), "%s/core.%%p", h_dir());
	write_file(CORE_PATTERN, pattern);
}

/* A workload may dump core up to the hard limit, which it cannot raise. */
static bool core_possible(void)
{
	struct rlimit rl;

	return getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_max != 0;
}

static void fini(void)
{
	if (saved_core_pattern[0]) {
		write_file(CORE_PATTERN, saved_core_pattern);
		saved_core_pattern[0] = '\0';
	}
	h_teardown();
}

TestSuite(lifecycle_events, .init = h_setup, .fini = fini, .timeout = 120);

struct child {
	char name[32];
	int pid;
	int status;
};

/* What wait(2) said about each child, as the workload (ended) reported it. */
static size_t read_results(const struct h_proc *wl, struct child *out, size_t cap, int *threads,
			   size_t *n_threads, int *forker)
{
	char *text = strdup(wl->rep), *line, *save = NULL;
	size_t n = 0;

	cr_assert_not_null(text);
	*n_threads = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int tid;

		if (line[0] == '#') /* taken by h_report() */
			continue;
		if (sscanf(line, "thread %d", &tid) == 1) {
			threads[(*n_threads)++] = tid;
			continue;
		}
		if (sscanf(line, "forker %d", &tid) == 1) {
			*forker = tid;
			continue;
		}
		cr_assert_lt(n, cap);
		cr_assert_eq(sscanf(line, "%31s %d %d", out[n].name, &out[n].pid, &out[n].status),
			     3, "bad result line: %s", line);
		n++;
	}
	free(text);
	return n;
}

static const struct child *find_child(const struct child *c, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(c[i].name, name) == 0)
			return &c[i];
	cr_assert_fail("no child %s in the results", name);
	return NULL;
}

/* The exit event of pid says what wait(2) said. */
static void expect_exit_matches_wait(const struct h_json *ev, const struct child *c, int ppid)
{
	json_object *x = h_json_one(ev, "exit", "pid", c->pid);

	cr_expect_eq(h_json_int(x, "ppid"), ppid, "%s", c->name);
	if (WIFEXITED(c->status)) {
		cr_expect_eq(h_json_int(x, "exit_code"), WEXITSTATUS(c->status), "%s", c->name);
		cr_expect(h_json_is_null(x, "signal"), "%s", c->name);
	} else {
		cr_assert(WIFSIGNALED(c->status), "%s", c->name);
		cr_expect(h_json_is_null(x, "exit_code"), "%s", c->name);
		cr_expect_eq(h_json_int(x, "signal"), WTERMSIG(c->status), "%s", c->name);
		cr_expect_eq(json_object_get_boolean(h_json_get(x, "core_dumped")),
			     WCOREDUMP(c->status) != 0, "%s", c->name);
	}
	cr_expect_not(json_object_get_boolean(h_json_get(x, "started_before")), "%s", c->name);
	cr_expect(json_object_get_double(h_json_get(x, "lifetime")) > 0, "%s", c->name);
	cr_expect(json_object_get_double(h_json_get(x, "lifetime")) < 30, "%s", c->name);
}

/* The one signal event with these number, target and sender. */
static json_object *find_signal(const struct h_json *ev, int sig, int target, int sender)
{
	json_object *found = NULL;
	size_t i, n = 0;

	for (i = 0; i < ev->n; i++) {
		json_object *o = ev->ev[i];

		if (strcmp(h_json_str(o, "type"), "signal") != 0 ||
		    h_json_int(o, "signal") != sig || h_json_int(o, "target_pid") != target ||
		    h_json_int(o, "sender_pid") != sender)
			continue;
		found = o;
		n++;
	}
	cr_assert_eq(n, 1, "%zu signal %d events %d -> %d, want 1:\n%s", n, sig, sender, target,
		     ev->text);
	return found;
}

static void expect_sigchld(const struct h_json *ev, const struct child *c, int parent,
			   const char *code)
{
	json_object *s = find_signal(ev, SIGCHLD, parent, c->pid);

	cr_expect_str_eq(h_json_str(s, "origin"), "kernel", "%s", c->name);
	cr_expect_str_eq(h_json_str(s, "code_name"), code, "%s", c->name);
	cr_expect_str_eq(h_json_str(s, "target_comm"), "lc-workload", "%s", c->name);
}

/* Started at its gate, once it has named itself (so that tracer attaches after that exec). */
static void start_workload(const char *mode, struct h_proc *wl)
{
	H_SPAWN(wl, WL_LIFECYCLE, mode);
	cr_assert_eq(h_report(wl, "ready"), wl->pid);
}

/* Starts tracer and waits for its ready line. */
static void start_tracer(struct h_tracer *tr, pid_t pid, const char *out)
{
	H_TRACER_RUN(tr, "--json", "--events", "all", "--pid", h_str("%d", (int)pid), "-o", out);
}

/* Waits until tracer exits by itself, as every watched process has ended. */
static void wait_tracer(struct h_tracer *tr, int timeout_ms)
{
	cr_assert_neq(h_tracer_wait_exit(tr, timeout_ms), -1,
		      "tracer did not exit by itself within %d ms: %s", timeout_ms, tr->err);
}

/*
 * Children that exit with 0, 3 and 42, one killed by SIGTERM from a sibling,
 * one killed by a fault (SIGSEGV, from the kernel), one that dumps core, one
 * ended by exit_group() from a thread that is not its leader, one whose
 * leader ends first; meanwhile a process tree outside the scope forks, execs
 * and kills with a marker in every name.
 */
Test(lifecycle_events, codes_signals_forks)
{
	const char *out = h_path("events.jsonl");
	char marker[16];
	struct child c[16];
	struct h_tracer tr;
	struct h_json ev;
	struct h_proc wl_proc, outside_proc;
	int threads[8], forker = 0;
	size_t n, n_threads, i;
	pid_t wl, outside;
	json_object *s;

	H_REQUIRE();
	point_cores_to_tmpdir();
	snprintf(marker, sizeof(marker), "lcout%d", (int)getpid() % 100000);
	H_SPAWN(&outside_proc, WL_LIFECYCLE, "outside", marker);
	outside = outside_proc.pid;
	start_workload("codes", &wl_proc);
	wl = wl_proc.pid;

	start_tracer(&tr, wl, out);
	h_gate_all(&outside_proc);
	h_gate_all(&wl_proc);
	cr_assert_eq(h_proc_wait(&wl_proc, 60000), 0, "the workload failed");
	cr_assert_eq(h_proc_wait(&outside_proc, 60000), 0, "the outside workload failed");
	wait_tracer(&tr, 30000);
	cr_assert(WIFEXITED(tr.status) && WEXITSTATUS(tr.status) == 0, "tracer: %s", tr.err);

	n = read_results(&wl_proc, c, 16, threads, &n_threads, &forker);
	cr_assert_eq(n, 9);
	h_json_load(&ev, out);

	/* The kernel's answers, and what each child was made to do */
	cr_expect_eq(find_child(c, n, "exit0")->status, 0);
	cr_expect_eq(find_child(c, n, "exit3")->status, 3 << 8);
	cr_expect_eq(find_child(c, n, "exit42")->status, 42 << 8);
	cr_expect_eq(find_child(c, n, "killer")->status, 0);
	cr_expect_eq(find_child(c, n, "victim")->status, SIGTERM);
	cr_expect_eq(find_child(c, n, "segv")->status, SIGSEGV);
	if (core_possible())
		cr_expect_eq(find_child(c, n, "core")->status, SIGSEGV | 0x80, "no core dumped?");
	else
		cr_log_warn("RLIMIT_CORE hard limit is 0: the core dump is not tested");
	cr_expect_eq(find_child(c, n, "grpexit")->status, 7 << 8);
	cr_expect(find_child(c, n, "leader")->status == 2 << 8 ||
		  find_child(c, n, "leader")->status == 5 << 8);

	/* One fork, one exit per child, with what wait(2) says; SIGCHLD for each */
	for (i = 0; i < n; i++) {
		json_object *f = h_json_one(&ev, "fork", "pid", c[i].pid);
		const char *code = "CLD_EXITED";

		cr_expect_eq(h_json_int(f, "ppid"), wl, "%s", c[i].name);
		cr_expect_eq(h_json_int(f, "parent_tid"), wl, "%s", c[i].name);
		cr_expect_str_eq(h_json_str(f, "comm"), "lc-workload", "%s", c[i].name);
		expect_exit_matches_wait(&ev, &c[i], wl);
		if (WIFSIGNALED(c[i].status))
			code = WCOREDUMP(c[i].status) ? "CLD_DUMPED" : "CLD_KILLED";
		expect_sigchld(&ev, &c[i], wl, code);
	}
	cr_expect_str_eq(
		h_json_str(h_json_one(&ev, "exit", "pid", find_child(c, n, "grpexit")->pid),
			   "comm"),
		"lc-grpexit");

	/* SIGTERM: from the killer, to the victim */
	s = find_signal(&ev, SIGTERM, find_child(c, n, "victim")->pid,
			find_child(c, n, "killer")->pid);
	cr_expect_str_eq(h_json_str(s, "sender_comm"), "lc-killer");
	cr_expect_str_eq(h_json_str(s, "target_comm"), "lc-victim");
	cr_expect_str_eq(h_json_str(s, "origin"), "user");
	cr_expect_str_eq(h_json_str(s, "code_name"), "SI_USER");
	cr_expect_str_eq(h_json_str(s, "result"), "delivered");
	cr_expect(json_object_get_boolean(h_json_get(s, "group")));
	cr_expect_not(json_object_get_boolean(h_json_get(s, "blocked")));

	/* SIGSEGV: from the kernel, at the faulting process */
	for (i = 0; i < 2; i++) {
		const struct child *k = find_child(c, n, i ? "core" : "segv");

		s = find_signal(&ev, SIGSEGV, k->pid, k->pid);
		cr_expect_str_eq(h_json_str(s, "origin"), "kernel");
		cr_expect_str_eq(h_json_str(s, "code_name"), "SEGV_MAPERR");
		cr_expect_str_eq(h_json_str(s, "target_comm"), i ? "lc-core" : "lc-segv");
		cr_expect_str_eq(h_json_str(s, "result"), "delivered");
		cr_expect_not(json_object_get_boolean(h_json_get(s, "group")));
	}

	/* The workload itself: older than tracer */
	s = h_json_one(&ev, "exit", "pid", wl);
	cr_expect_eq(h_json_int(s, "exit_code"), 0);
	cr_expect(json_object_get_boolean(h_json_get(s, "started_before")));

	/* Nothing else: no exec, only these processes, nothing outside the scope */
	cr_expect_eq(h_json_count(&ev, "exec", NULL, 0), 0);
	cr_expect_eq(h_json_count(&ev, "fork", NULL, 0), n);
	cr_expect_eq(h_json_count(&ev, "exit", NULL, 0), n + 1);
	cr_expect_eq(h_json_count(&ev, "lost", NULL, 0), 0);
	cr_expect_eq(h_json_count(&ev, "signal", NULL, 0), n + 3,
		     "SIGCHLDs, SIGTERM, 2 SIGSEGVs:\n%s", ev.text);
	cr_expect_null(strstr(ev.text, marker), "the outside process leaked in:\n%s", ev.text);
	cr_expect_eq(h_json_count(&ev, "fork", "ppid", outside), 0);
	cr_expect_eq(h_json_count(&ev, "signal", "sender_pid", outside), 0);
	cr_expect_eq(h_json_count(&ev, "signal", "target_pid", outside), 0);

	h_json_free(&ev);
}

/*
 * Threads, one of which forks a process that has a thread of its own: one
 * fork event (parent: the process, from the forking thread), two exit events
 * (the child, the workload), none for a thread.
 */
Test(lifecycle_events, threads_are_not_processes)
{
	const char *out = h_path("events.jsonl");
	struct child c[4];
	struct h_tracer tr;
	struct h_json ev;
	struct h_proc wl_proc;
	int threads[8], forker = 0;
	size_t n, n_threads, i;
	json_object *f;
	pid_t wl;

	H_REQUIRE();
	start_workload("threads", &wl_proc);
	wl = wl_proc.pid;
	start_tracer(&tr, wl, out);
	h_gate_all(&wl_proc);
	cr_assert_eq(h_proc_wait(&wl_proc, 60000), 0, "the workload failed");
	wait_tracer(&tr, 30000);
	cr_assert(WIFEXITED(tr.status) && WEXITSTATUS(tr.status) == 0, "tracer: %s", tr.err);

	n = read_results(&wl_proc, c, 4, threads, &n_threads, &forker);
	cr_assert_eq(n, 1);
	cr_assert_eq(n_threads, 5);
	cr_assert_neq(forker, 0);
	h_json_load(&ev, out);

	cr_expect_eq(h_json_count(&ev, "fork", NULL, 0), 1, "%s", ev.text);
	f = h_json_one(&ev, "fork", "pid", c[0].pid);
	cr_expect_eq(h_json_int(f, "ppid"), wl, "the parent is the process, not the thread");
	cr_expect_eq(h_json_int(f, "parent_tid"), forker, "the thread that forked");
	cr_expect_neq(forker, wl);

	cr_expect_eq(h_json_count(&ev, "exit", NULL, 0), 2, "%s", ev.text);
	expect_exit_matches_wait(&ev, &c[0], wl);
	cr_expect_eq(h_json_int(h_json_one(&ev, "exit", "pid", wl), "exit_code"), 0);
	for (i = 0; i < n_threads; i++) {
		cr_expect_eq(h_json_count(&ev, "fork", "pid", threads[i]), 0, "thread %d",
			     threads[i]);
		cr_expect_eq(h_json_count(&ev, "exit", "pid", threads[i]), 0, "thread %d",
			     threads[i]);
	}
	expect_sigchld(&ev, &c[0], wl, "CLD_EXITED");
	cr_expect_eq(h_json_count(&ev, "exec", NULL, 0), 0);
	cr_expect_eq(h_json_count(&ev, "lost", NULL, 0), 0);

	h_json_free(&ev);
}

/*
 * Processes whose threads are all running when the process ends with
 * exit_group(): the threads exit at once, and where the kernel does not say
 * which one ended the process (group_dead), several can each read
 * signal->live as 0. One exit record per process, in scope and with --all.
 */
static void exit_reported_once(bool all)
{
	const char *out = h_path("events.jsonl");
	struct child c[64];
	struct h_tracer tr;
	struct h_json ev;
	struct h_proc wl_proc;
	int threads[8], forker = 0;
	size_t n, n_threads, i;

	H_REQUIRE();
	start_workload("exitgroup", &wl_proc);
	if (all)
		H_TRACER_RUN(&tr, "--json", "--events", "exit", "--all", "-o", out);
	else
		start_tracer(&tr, wl_proc.pid, out);
	h_gate_all(&wl_proc);
	cr_assert_eq(h_proc_wait(&wl_proc, 60000), 0, "the workload failed");
	if (all)
		h_expect_clean_exit(&tr, h_tracer_stop(&tr, SIGINT), NULL);
	else
		wait_tracer(&tr, 30000);
	cr_assert(WIFEXITED(tr.status) && WEXITSTATUS(tr.status) == 0, "tracer: %s", tr.err);

	n = read_results(&wl_proc, c, 64, threads, &n_threads, &forker);
	cr_assert_gt(n, 0);
	h_json_load(&ev, out);
	for (i = 0; i < n; i++) {
		cr_assert_eq(c[i].status, 0, "process %d", c[i].pid);
		cr_expect_eq(h_json_count(&ev, "exit", "pid", c[i].pid), 1,
			     "%zu exit records for process %d (its threads all exited at once)",
			     h_json_count(&ev, "exit", "pid", c[i].pid), c[i].pid);
	}
	cr_expect_eq(h_json_count(&ev, "exit", "pid", wl_proc.pid), 1);
	cr_expect_eq(h_json_count(&ev, "lost", NULL, 0), 0);
	h_json_free(&ev);
}

Test(lifecycle_events, exit_group_reported_once)
{
	exit_reported_once(false);
}

Test(lifecycle_events, exit_group_reported_once_all)
{
	exit_reported_once(true);
}
