// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * End-to-end: what is in scope. Process trees that exist before tracer and
 * grow after it, --no-watch-children, terminals, pid reuse, daemons,
 * ptraced processes, the start-up race, and two tracers at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

TestSuite(scope, .init = h_setup, .fini = h_teardown, .timeout = 180);

/*
 * A tree that exists before tracer (root, child, grandchild): each of its
 * processes execs after tracer is ready, then it forks a new grandchild that
 * execs. All reported with the right pid and ppid; tracer exits by itself
 * when the tree is gone.
 */
Test(scope, preexisting_tree)
{
	const char *m = h_marker("tree");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	struct h_summary sum;
	long long r, cp, g, g2;
	const char *const *av;

	H_REQUIRE();
	h_control_start(&c, m);
	H_SPAWN(&w, WL_TREE, m);
	r = h_report(&w, "R");
	cp = h_report(&w, "C");
	g = h_report(&w, "G");
	cr_assert_eq(h_report(&w, "C-ppid"), r);
	cr_assert_eq(h_report(&w, "G-ppid"), cp);
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%lld", r));
	cr_expect(strstr(h_tracer_stderr(&t), "watching 3 process"),
		  "the ready line should count the 3 processes of the tree: %s",
		  h_tracer_stderr(&t));
	h_control_run(&c);
	h_gate_all(&w);
	g2 = h_report(&w, "G2");
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), &sum);

	h_events_load(&evs, t.out_path);
	av = (const char *const[]){ "wl_tree", "stage", m, "R", NULL };
	h_check_exec(h_one(&evs, m, "R"), &(struct h_expect){ .pid = r,
							      .ppid = getpid(),
							      .filename = WL_TREE,
							      .argv = av,
							      .comm = "wl_tree" });
	av = (const char *const[]){ "wl_tree", "stage", m, "C", NULL };
	h_check_exec(
		h_one(&evs, m, "C"),
		&(struct h_expect){
			.pid = cp, .ppid = r, .filename = WL_TREE, .argv = av, .comm = "wl_tree" });
	av = (const char *const[]){ "wl_tree", "stage", m, "G", NULL };
	h_check_exec(
		h_one(&evs, m, "G"),
		&(struct h_expect){
			.pid = g, .ppid = cp, .filename = WL_TREE, .argv = av, .comm = "wl_tree" });
	h_check_exec(h_one(&evs, m, "G2"),
		     &(struct h_expect){ .pid = g2,
					 .ppid = cp,
					 .filename = "/bin/true",
					 .argv = (const char *const[]){ "true", m, "G2", NULL },
					 .comm = "wl_tree" });
	cr_expect_eq(evs.n_exec, 4, "%zu exec events, expected 4", evs.n_exec);
	cr_expect_eq(evs.n_lost, 0);
	cr_expect_eq(sum.events, 4, "summary: %lld events, 4 printed", sum.events);
	cr_expect_eq(sum.lost, 0);
	cr_expect_eq(sum.watched, 4, "summary: %lld processes watched, expected 4", sum.watched);
	h_control_absent(&c, &evs, t.out_path);
}

/* --no-watch-children: the root's own exec only, not its children's (old or new). */
Test(scope, no_watch_children)
{
	const char *m = h_marker("nochildren");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	struct h_summary sum;
	long long r;
	const char *const *av;

	H_REQUIRE();
	h_control_start(&c, m);
	H_SPAWN(&w, WL_TREE, m);
	r = h_report(&w, "R");
	h_report(&w, "C");
	h_report(&w, "G");
	H_TRACER_RUN(&t, "--json", "--no-watch-children", "--pid", h_str("%lld", r));
	h_control_run(&c);
	h_gate_all(&w);
	h_report(&w, "G2");
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), &sum);

	h_events_load(&evs, t.out_path);
	av = (const char *const[]){ "wl_tree", "stage", m, "R", NULL };
	h_check_exec(
		h_one(&evs, m, "R"),
		&(struct h_expect){ .pid = r, .ppid = getpid(), .filename = WL_TREE, .argv = av });
	cr_expect_eq(h_count(&evs, m, "C"), 0, "the child's exec was reported");
	cr_expect_eq(h_count(&evs, m, "G"), 0, "the grandchild's exec was reported");
	cr_expect_eq(h_count(&evs, m, "G2"), 0, "the new grandchild's exec was reported");
	cr_expect_eq(evs.n_exec, 1, "%zu exec events, expected 1", evs.n_exec);
	cr_expect_eq(sum.watched, 1, "summary: %lld processes watched, expected 1", sum.watched);
	h_control_absent(&c, &evs, t.out_path);
}

/* pre-exec hook: make the pty slave (fd *arg) the controlling terminal. */
static void take_ctty(void *arg)
{
	int fd = *(int *)arg;

	if (ioctl(fd, TIOCSCTTY, 0))
		_exit(120);
}

static void tty_test(bool short_name)
{
	const char *m = h_marker("tty");
	int master, slave, omaster, oslave;
	char name[64], oname[64];
	const char *tty_arg, *kname;
	struct h_tracer t;
	struct h_proc a, b, o;
	struct h_control c;
	struct h_events evs;
	long long n;

	H_REQUIRE();
	cr_assert(openpty(&master, &slave, name, NULL, NULL) == 0, "openpty: %s", strerror(errno));
	cr_assert(openpty(&omaster, &oslave, oname, NULL, NULL) == 0, "openpty: %s",
		  strerror(errno));
	cr_assert(sscanf(name, "/dev/pts/%lld", &n) == 1, "pty name %s", name);
	fcntl(master, F_SETFD, FD_CLOEXEC);
	fcntl(slave, F_SETFD, FD_CLOEXEC);
	fcntl(omaster, F_SETFD, FD_CLOEXEC);
	fcntl(oslave, F_SETFD, FD_CLOEXEC);
	kname = h_str("pts%lld", n);
	tty_arg = short_name ? kname : name;

	h_control_start(&c, m);
	/* A: on the terminal before tracer starts; execs in a child, then itself. */
	h_spawn(&a, 0, take_ctty, &slave,
		(const char *const[]){ WL_EXEC, "report-pid", "a", "gate", "fork", "exec", "3",
				       "/bin/true", "true", m, "A-child", "exec", "3", "/bin/true",
				       "true", m, "A", NULL });
	/* B: no terminal before tracer starts; takes this one later, then execs. */
	H_SPAWN(&b, WL_EXEC, "report-pid", "b", "gate", "setctty", name, "exec", "3", "/bin/true",
		"true", m, "B");
	/* O: on another terminal. */
	h_spawn(&o, 0, take_ctty, &oslave,
		(const char *const[]){ WL_EXEC, "report-pid", "o", "gate", "exec", "3", "/bin/true",
				       "true", m, "other-tty", NULL });
	h_report(&a, "a");
	h_report(&b, "b");
	h_report(&o, "o");

	H_TRACER_RUN(&t, "--json", "--tty", tty_arg);
	h_control_run(&c);
	h_gate(&o);
	h_proc_done(&o);
	h_gate(&a);
	h_proc_done(&a);
	/* A's session is gone: the terminal is free for B. */
	h_gate(&b);
	cr_assert_eq(h_report(&b, "ctty"), 1);
	h_proc_done(&b);
	h_expect_clean_exit(&t, h_tracer_stop(&t, SIGINT), NULL);

	h_events_load(&evs, t.out_path);
	h_check_exec(
		h_one(&evs, m, "A-child"),
		&(struct h_expect){ .pid = h_report(&a, "pid 0"),
				    .ppid = a.pid,
				    .filename = "/bin/true",
				    .argv = (const char *const[]){ "true", m, "A-child", NULL },
				    .tty = kname });
	h_check_exec(h_one(&evs, m, "A"),
		     &(struct h_expect){ .pid = a.pid,
					 .ppid = getpid(),
					 .filename = "/bin/true",
					 .argv = (const char *const[]){ "true", m, "A", NULL },
					 .tty = kname });
	h_check_exec(h_one(&evs, m, "B"),
		     &(struct h_expect){ .pid = b.pid,
					 .ppid = getpid(),
					 .filename = "/bin/true",
					 .argv = (const char *const[]){ "true", m, "B", NULL },
					 .tty = kname });
	cr_expect_eq(h_count(&evs, m, "other-tty"), 0,
		     "a process on another terminal was reported");
	cr_expect_eq(evs.n_exec, 3, "%zu exec events, expected 3", evs.n_exec);
	h_control_absent(&c, &evs, t.out_path);
	close(master);
	close(slave);
	close(omaster);
	close(oslave);
}

/* --tty /dev/pts/N: processes on it before and after tracer starts (trap 12). */
Test(scope, tty_dev_path)
{
	tty_test(false);
}

/* --tty ptsN: the same with the kernel's name of the terminal. */
Test(scope, tty_kernel_name)
{
	tty_test(true);
}

/*
 * Pid reuse (trap 5): a watched root that exits, and a watched child that
 * exits, come back as unrelated processes (same pid, started outside the
 * scope) that must not be reported; tracer keeps running for the other root.
 */
Test(scope, pid_reuse)
{
	const char *m = h_marker("reuse");
	struct h_tracer t;
	struct h_proc r1, r2;
	struct h_control c;
	struct h_events evs;
	struct h_summary sum;
	long long p1, p2, child;
	pid_t reused;

	H_REQUIRE();
	h_control_start(&c, m);
	H_SPAWN(&r1, WL_EXEC, "report-pid", "r", "gate", "exec", "3", "/bin/true", "true", m, "r1");
	H_SPAWN(&r2, WL_EXEC, "report-pid", "r", "gate", "fork", "exec", "3", "/bin/true", "true",
		m, "r2-child", "gate", "exec", "3", "/bin/true", "true", m, "r2-final");
	p1 = h_report(&r1, "r");
	p2 = h_report(&r2, "r");
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%lld", p1), "--pid", h_str("%lld", p2));
	h_control_run(&c);

	/* The first root execs and is gone: tracer goes on for the second. */
	h_gate(&r1);
	h_proc_done(&r1);
	reused = h_fork_at_pid((pid_t)p1, (const char *const[]){ "/bin/true", "true", m,
								 "reused-root-pid", NULL });
	cr_assert_eq(reused, p1, "could not get pid %lld again", p1);

	/* A watched child comes and goes; its pid is reused outside the scope. */
	h_gate(&r2);
	child = h_report(&r2, "pid 0");
	h_report(&r2, "status 0");
	reused = h_fork_at_pid((pid_t)child, (const char *const[]){ "/bin/true", "true", m,
								    "reused-child-pid", NULL });
	cr_assert_eq(reused, child, "could not get pid %lld again", child);

	cr_assert_eq(h_tracer_wait_exit(&t, 0), -1,
		     "tracer exited while the second root was still alive; stderr: %s",
		     h_tracer_stderr(&t));
	h_gate(&r2);
	h_proc_done(&r2);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), &sum);

	h_events_load(&evs, t.out_path);
	h_check_exec(h_one(&evs, m, "r1"),
		     &(struct h_expect){ .pid = p1,
					 .ppid = getpid(),
					 .filename = "/bin/true",
					 .argv = (const char *const[]){ "true", m, "r1", NULL } });
	h_check_exec(
		h_one(&evs, m, "r2-child"),
		&(struct h_expect){ .pid = child,
				    .ppid = p2,
				    .filename = "/bin/true",
				    .argv = (const char *const[]){ "true", m, "r2-child", NULL } });
	h_check_exec(
		h_one(&evs, m, "r2-final"),
		&(struct h_expect){ .pid = p2,
				    .ppid = getpid(),
				    .filename = "/bin/true",
				    .argv = (const char *const[]){ "true", m, "r2-final", NULL } });
	cr_expect_eq(h_count(&evs, m, "reused-root-pid"), 0,
		     "an unrelated process that reused a watched root's pid was reported");
	cr_expect_eq(h_count(&evs, m, "reused-child-pid"), 0,
		     "an unrelated process that reused a watched child's pid was reported");
	cr_expect_eq(evs.n_exec, 3, "%zu exec events, expected 3", evs.n_exec);
	cr_expect_eq(sum.watched, 3, "summary: %lld processes watched, expected 3", sum.watched);
	h_control_absent(&c, &evs, t.out_path);
}

/* A pid no process has now, some way ahead of the last one given out. */
static pid_t free_pid_ahead(void)
{
	long last = atol(h_read_file("/proc/sys/kernel/ns_last_pid", NULL));
	long max = atol(h_read_file("/proc/sys/kernel/pid_max", NULL));
	pid_t p;
	int i;

	for (i = 0; i < 1000; i++) {
		p = (pid_t)((last + 3000 + i) % max);
		if (p > 300 && kill(p, 0) != 0 && errno == ESRCH)
			return p;
	}
	cr_assert_fail("no free pid after %ld", last);
	return -1;
}

/*
 * A watched process's child gets the pid of a stale entry (one an earlier
 * process with that pid left): the child's insert finds it (EEXIST) and
 * replaces it. Before 6.4 that result is not sign-extended; compared as a
 * long with -EEXIST it read as "map full", the child was not watched and its
 * exec was lost.
 */
Test(scope, child_at_stale_entry)
{
	const char *m = h_marker("stale");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	pid_t p = free_pid_ahead();
	long long child;
	int st;

	H_REQUIRE();
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "report-pid", "r", "gate", "fork-pid", h_str("%d", (int)p), "fork",
		"exec", "3", "/bin/true", "true", m, "stale-child", "gate");
	h_report(&w, "r");
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%d", (int)w.pid));
	h_proc_state_put_stale(t.pid, (uint32_t)p);
	h_control_run(&c);
	h_gate(&w);
	child = h_report(&w, "pid 0");
	cr_assert_eq(child, p, "the child got pid %lld, not %d", child, (int)p);
	cr_assert_eq(h_report(&w, "status 0"), 0);
	h_gate(&w);
	h_proc_done(&w);
	/*
	 * The stale entry was never counted as watched: tracer may have ended
	 * when the child did, or may count on (the count wrapped).
	 */
	st = h_tracer_wait_exit(&t, 0);
	if (st == -1)
		st = h_tracer_stop(&t, SIGINT);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "tracer: 0x%x, %s", st,
		  h_tracer_stderr(&t));
	cr_expect_null(strstr(h_tracer_stderr(&t), "could not be watched"),
		       "a process was not watched: %s", h_tracer_stderr(&t));

	h_events_load(&evs, t.out_path);
	h_check_exec(h_one(&evs, m, "stale-child"),
		     &(struct h_expect){
			     .pid = p,
			     .ppid = w.pid,
			     .filename = "/bin/true",
			     .argv = (const char *const[]){ "true", m, "stale-child", NULL } });
	cr_expect_eq(evs.n_exec, 1, "%zu exec events, expected 1", evs.n_exec);
	h_control_absent(&c, &evs, t.out_path);
}

/*
 * The scope's bitmap (bpf/scope.bpf.h) at a reused pid. A stale entry (what
 * a process that ended unseen leaves) has its bit set: an unrelated process
 * given that pid is not reported, and its exit drops the entry and clears
 * the bit. A watched process's child given the same pid afterwards is
 * watched (its bit is set again), and its exit clears the bit once more.
 * A second root keeps tracer going: the stale entry was never counted.
 */
Test(scope, bit_at_reused_pid)
{
	const char *m = h_marker("bit");
	struct h_tracer t;
	struct h_proc w, k;
	struct h_control c;
	struct h_events evs;
	pid_t p, reused;
	long long child;
	int st;

	H_REQUIRE();
	h_control_start(&c, m);
	p = free_pid_ahead();
	H_SPAWN(&w, WL_EXEC, "report-pid", "r", "gate", "fork-pid", h_str("%d", (int)p), "fork",
		"exec", "3", "/bin/true", "true", m, "watched-at-p", "gate");
	H_SPAWN(&k, WL_EXEC, "report-pid", "r", "gate");
	h_report(&w, "r");
	h_report(&k, "r");
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%d", (int)w.pid), "--pid",
		     h_str("%d", (int)k.pid));
	cr_assert(h_proc_bit(t.pid, (uint32_t)w.pid), "a seeded root's bit is clear");
	cr_assert(!h_proc_bit(t.pid, (uint32_t)p), "the free pid %d has its bit set", (int)p);

	h_proc_state_put_stale(t.pid, (uint32_t)p);
	reused = h_fork_at_pid(p, (const char *const[]){ "/bin/true", "true", m, "unwatched-at-p",
							 NULL });
	cr_assert_eq(reused, p, "could not get pid %d", (int)p);
	cr_expect(!h_proc_state_has(t.pid, (uint32_t)p),
		  "the stale entry outlived the process that reused its pid:%s",
		  h_proc_state_dump(t.pid));
	cr_expect(!h_proc_bit(t.pid, (uint32_t)p), "the bit of pid %d outlived its process",
		  (int)p);

	h_control_run(&c);
	h_gate(&w);
	child = h_report(&w, "pid 0");
	cr_assert_eq(child, p, "the child got pid %lld, not %d", child, (int)p);
	cr_assert_eq(h_report(&w, "status 0"), 0);
	cr_expect(!h_proc_state_has(t.pid, (uint32_t)p), "the watched child's entry outlived it");
	cr_expect(!h_proc_bit(t.pid, (uint32_t)p), "the watched child's bit outlived it");
	h_gate(&w);
	h_proc_done(&w);
	h_gate(&k);
	h_proc_done(&k);
	st = h_tracer_wait_exit(&t, 0);
	if (st == -1)
		st = h_tracer_stop(&t, SIGINT);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "tracer: 0x%x, %s", st,
		  h_tracer_stderr(&t));

	h_events_load(&evs, t.out_path);
	h_check_exec(h_one(&evs, m, "watched-at-p"),
		     &(struct h_expect){
			     .pid = p,
			     .ppid = w.pid,
			     .filename = "/bin/true",
			     .argv = (const char *const[]){ "true", m, "watched-at-p", NULL } });
	cr_expect_eq(h_count(&evs, m, "unwatched-at-p"), 0,
		     "a process that reused the pid of a stale entry was reported");
	cr_expect_eq(evs.n_exec, 1, "%zu exec events, expected 1", evs.n_exec);
	h_control_absent(&c, &evs, t.out_path);
}

/* A descriptor writing to the FIFO at path, once a reader has opened it (10 s at most). */
static int fifo_writer(const char *path)
{
	unsigned long long end = h_now_ns() + (unsigned long long)(10e9 * h_slowdown());
	int fd;

	while ((fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		cr_assert(errno == ENXIO && h_now_ns() < end, "%s: no reader: %s", path,
			  strerror(errno));
		usleep(10000);
	}
	return fd;
}

static void fifo_poke(int fd)
{
	cr_assert_eq(write(fd, "x", 1), 1, "FIFO: %s", strerror(errno));
	close(fd);
}

/*
 * A process forked under a root while the seeding runs (held after its
 * first snapshot, TRACER_TEST_SEED_HOLD): the iterator has watched the root
 * already, so the fork program watches the child. Its exec after ready is
 * reported, and so is that of a child the root forks after ready.
 */
Test(scope, fork_during_seeding)
{
	const char *m = h_marker("seedfork");
	const char *hold = h_path("hold"), *go = h_path("go");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	long long early, late;
	int fd;

	H_REQUIRE();
	H_REQUIRE_TEST_HOOK("TRACER_TEST_SEED_HOLD");
	cr_assert_eq(mkfifo(hold, 0600), 0, "mkfifo: %s", strerror(errno));
	cr_assert_eq(mkfifo(go, 0600), 0, "mkfifo: %s", strerror(errno));
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "report-pid", "r", "gate", "fork", "exec", "3", "/bin/sh", "sh", "-c",
		h_str("read x < '%s'; exec /bin/true %s early-child", go, m), "gate", "fork",
		"exec", "3", "/bin/true", "true", m, "late-child", "gate");
	h_report(&w, "r");
	setenv("TRACER_TEST_SEED_HOLD", hold, 1);
	H_TRACER_START(&t, 0, "--json", "--pid", h_str("%d", (int)w.pid));
	unsetenv("TRACER_TEST_SEED_HOLD");
	/* Open for reading by tracer: its first snapshot is taken, nothing inserted. */
	fd = fifo_writer(hold);
	h_gate(&w);
	early = h_report(&w, "pid 0");
	fifo_poke(fd);
	h_tracer_wait_ready(&t);
	h_control_run(&c);
	fifo_poke(fifo_writer(go));
	cr_assert_eq(h_report(&w, "status 0"), 0);
	h_gate(&w);
	late = h_report(&w, "pid 1");
	cr_assert_eq(h_report(&w, "status 1"), 0);
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	h_events_load(&evs, t.out_path);
	h_check_exec(h_one(&evs, m, "early-child"),
		     &(struct h_expect){ .pid = early,
					 .ppid = w.pid,
					 .filename = "/bin/true",
					 .argv = (const char *const[]){ "/bin/true", m,
									"early-child", NULL } });
	h_check_exec(h_one(&evs, m, "late-child"),
		     &(struct h_expect){
			     .pid = late,
			     .ppid = w.pid,
			     .filename = "/bin/true",
			     .argv = (const char *const[]){ "true", m, "late-child", NULL } });
	h_control_absent(&c, &evs, t.out_path);
}

/*
 * A tree that exists before tracer is watched by the seeding's iterator in
 * one pass (bpf/seed.bpf.h), where inserting from userspace took a second
 * pass to find what the tree forked meanwhile: -v says so, and the tree's
 * execs are reported.
 */
Test(scope, seeded_in_one_pass)
{
	const char *m = h_marker("onepass");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	const char *err;
	long long r;
	int st;

	H_REQUIRE();
	h_control_start(&c, m);
	H_SPAWN(&w, WL_TREE, m);
	r = h_report(&w, "R");
	h_report(&w, "C");
	h_report(&w, "G");
	H_TRACER_RUN(&t, "-v", "--json", "--pid", h_str("%lld", r));
	err = h_tracer_stderr(&t);
	cr_expect(strstr(err, "tracer: seeding pass 1: ") &&
			  strstr(err, " 3 watched by the iterator, 0 more in scope\n"),
		  "the iterator should watch the tree of 3 itself: %s", err);
	cr_expect(!strstr(err, "seeding pass 2"), "one pass should be enough: %s", err);
	h_control_run(&c);
	h_gate_all(&w);
	h_report(&w, "G2");
	h_proc_done(&w);
	st = h_tracer_wait_self_exit(&t);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "tracer: status %d: %s", st,
		  h_tracer_stderr(&t));

	h_events_load(&evs, t.out_path);
	cr_expect_eq(evs.n_exec, 4, "%zu exec events, expected 4", evs.n_exec);
	cr_expect_eq(h_count(&evs, m, "G2"), 1, "the grandchild forked after ready");
	h_control_absent(&c, &evs, t.out_path);
}

/*
 * A daemon: double fork with setsid(), the middle process exits, the
 * grandchild is re-parented and then execs: still watched, reported with its
 * new parent; tracer exits once it is gone.
 */
Test(scope, daemonize)
{
	const char *m = h_marker("daemon");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	long long d, dppid;

	H_REQUIRE();
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "report-pid", "w", "gate", "daemon", "exec", "3", "/bin/true", "true",
		m, "daemon");
	h_report(&w, "w");
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%d", w.pid));
	h_control_run(&c);
	h_gate_all(&w);
	d = h_report(&w, "daemon");
	dppid = h_report(&w, "daemon-ppid");
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	h_events_load(&evs, t.out_path);
	h_check_exec(
		h_one(&evs, m, "daemon"),
		&(struct h_expect){ .pid = d,
				    .ppid = dppid,
				    .filename = "/bin/true",
				    .argv = (const char *const[]){ "true", m, "daemon", NULL } });
	cr_expect_eq(evs.n_exec, 1, "%zu exec events, expected 1", evs.n_exec);
	h_control_absent(&c, &evs, t.out_path);
}

/*
 * Lineage from real_parent (trap 9): a watched child being ptraced by the
 * test process execs; its ppid is its real parent, not the ptracer.
 */
Test(scope, ptraced_lineage)
{
	const char *m = h_marker("ptrace");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	long long child;
	int st = 0, i;
	pid_t r = 0;

	H_REQUIRE();
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "child", "gate", "exec", "3", "/bin/true", "true", m, "traced");
	child = h_report(&w, "child");
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%d", w.pid));
	h_control_run(&c);
	cr_assert(ptrace(PTRACE_SEIZE, (pid_t)child, 0, 0) == 0, "PTRACE_SEIZE: %s",
		  strerror(errno));
	h_gate(&w);
	/* As its ptracer, the test sees the exit first and must reap it for its parent. */
	for (i = 0; i < 30000 && r == 0; i++) {
		r = waitpid((pid_t)child, &st, __WALL | WNOHANG);
		if (r == 0)
			usleep(1000);
	}
	cr_assert_eq(r, child, "the ptraced child did not exit: %s", strerror(errno));
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "traced child status 0x%x", st);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	h_events_load(&evs, t.out_path);
	h_check_exec(
		h_one(&evs, m, "traced"),
		&(struct h_expect){ .pid = child,
				    .ppid = w.pid,
				    .filename = "/bin/true",
				    .argv = (const char *const[]){ "true", m, "traced", NULL } });
	cr_expect_eq(evs.n_exec, 1, "%zu exec events, expected 1", evs.n_exec);
	h_control_absent(&c, &evs, t.out_path);
}

struct chain_rec {
	long gen;
	long long pid;
	unsigned long long ts;
};

static int cmp_chain_gen(const void *a, const void *b)
{
	const struct chain_rec *x = a, *y = b;

	return x->gen < y->gen ? -1 : x->gen > y->gen;
}

/* How many generations the chain's log says exec'd at or after ready_ns. */
static size_t chain_after(const char *log, unsigned long long ready_ns)
{
	unsigned long long ts;
	char line[128];
	long long pid;
	size_t n = 0;
	long gen;
	FILE *f;

	f = fopen(log, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%ld %lld %llu", &gen, &pid, &ts) == 3 && ts >= ready_ns)
			n++;
	fclose(f);
	return n;
}

/*
 * The start-up race: a chain that forks a new generation about every
 * millisecond while tracer starts (each generation forks the next, then
 * execs a marker program that waits for its child). Every exec of a
 * descendant of the root that happens after tracer said it was ready is
 * reported, exactly once, with its parent; none is reported twice.
 */
Test(scope, startup_race)
{
	const char *m = h_marker("race");
	const char *log = h_path("chain.log");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	struct chain_rec *recs;
	size_t n_recs = 0, after = 0, i, len;
	unsigned long long ready_ns, end_ns;
	char *data, *p;

	H_REQUIRE();
	h_control_start(&c, m);
	H_SPAWN(&w, WL_CHAIN, m, log);
	h_report(&w, "root");
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%d", w.pid));
	ready_ns = h_now_ns();
	h_control_run(&c);
	/* Let it run until 50 generations have exec'd after ready (10 s at most). */
	end_ns = ready_ns + 10000000000ull;
	while (h_now_ns() < end_ns && chain_after(log, ready_ns) < 50)
		usleep(10000);
	h_gate_all(&w);
	h_report(&w, "end");
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	data = h_read_file(log, &len);
	recs = calloc(len / 8 + 1, sizeof(*recs));
	cr_assert(recs);
	for (p = data; *p;) {
		struct chain_rec *rc = &recs[n_recs];

		cr_assert(sscanf(p, "%ld %lld %llu", &rc->gen, &rc->pid, &rc->ts) == 3,
			  "bad log line: %.60s", p);
		n_recs++;
		p = strchr(p, '\n');
		cr_assert(p);
		p++;
	}
	/*
	 * Generation k forks k+1 before it logs, so on a loaded machine k+1 can
	 * log first: order the log by generation, which must have no gap.
	 */
	qsort(recs, n_recs, sizeof(*recs), cmp_chain_gen);
	for (i = 0; i < n_recs; i++)
		cr_assert_eq(recs[i].gen, (long)i + 1, "generation %zu missing from the log",
			     i + 1);
	h_events_load(&evs, t.out_path);
	for (i = 0; i < n_recs; i++) {
		const char *gen = h_str("%ld", recs[i].gen);
		size_t k = h_count(&evs, m, gen);

		if (recs[i].ts < ready_ns) {
			cr_expect_leq(k, 1, "generation %s reported %zu times", gen, k);
			continue;
		}
		after++;
		cr_expect_eq(k, 1,
			     "generation %s (pid %lld), exec'd %.3f ms after ready, reported %zu "
			     "times",
			     gen, recs[i].pid, (double)(recs[i].ts - ready_ns) / 1e6, k);
		if (k == 1)
			h_check_exec(h_one(&evs, m, gen),
				     &(struct h_expect){
					     .pid = recs[i].pid,
					     .ppid = i ? recs[i - 1].pid : w.pid,
					     .filename = WL_CHAIN,
					     .argv = (const char *const[]){ "wl_chain", "hold", m,
									    gen, NULL } });
	}
	cr_expect_geq(after, 50, "only %zu generations exec'd after ready", after);
	cr_expect_eq(evs.n_lost, 0);
	h_control_absent(&c, &evs, t.out_path);
	free(recs);
}

/*
 * A watched process that has a zombie child when tracer starts (it exited,
 * its parent has not reaped it yet): once the process is gone, nothing is
 * left watched and tracer exits by itself (trap 4).
 */
Test(scope, zombie_at_startup)
{
	const char *m = h_marker("zombie");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;

	H_REQUIRE();
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "zombie", "gate", "exec", "3", "/bin/true", "true", m, "self");
	h_report(&w, "zombie");
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%d", w.pid));
	h_control_run(&c);
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	h_events_load(&evs, t.out_path);
	h_check_exec(
		h_one(&evs, m, "self"),
		&(struct h_expect){ .pid = w.pid,
				    .ppid = getpid(),
				    .filename = "/bin/true",
				    .argv = (const char *const[]){ "true", m, "self", NULL } });
	cr_expect_eq(evs.n_exec, 1, "%zu exec events, expected 1", evs.n_exec);
	h_control_absent(&c, &evs, t.out_path);
}

/*
 * --pid 1: init's whole tree, which this test is part of. The kernel's task
 * iterator does not list pid 1 on every kernel (not on this machine's 6.18):
 * the root is checked directly, not only in that listing.
 */
Test(scope, pid_1)
{
	const char *m = h_marker("init");
	struct h_tracer t;
	struct h_proc w;
	struct h_events evs;
	long long pid;

	H_REQUIRE();
	H_SPAWN(&w, WL_EXEC, "gate", "fork", "exec", "3", "/bin/true", "true", m, "in-init-tree");
	H_TRACER_RUN(&t, "--json", "--pid", "1");
	h_gate(&w);
	h_proc_done(&w);
	pid = h_report(&w, "pid 0");
	/* Every process descends from init: tracer only ends when told to. */
	cr_assert(WIFEXITED(h_tracer_stop(&t, SIGINT)), "stderr: %s", h_tracer_stderr(&t));
	h_events_load(&evs, t.out_path);
	h_check_exec(h_one(&evs, m, "in-init-tree"),
		     &(struct h_expect){
			     .pid = pid,
			     .ppid = w.pid,
			     .filename = "/bin/true",
			     .argv = (const char *const[]){ "true", m, "in-init-tree", NULL },
			     .comm = "wl_exec" });
}

/* Two tracers with different scopes at once: each sees exactly its own. */
Test(scope, two_instances)
{
	const char *m = h_marker("two");
	struct h_tracer t1, t2;
	struct h_proc w1, w2;
	struct h_control c;
	struct h_events e1, e2;

	H_REQUIRE();
	h_control_start(&c, m);
	H_SPAWN(&w1, WL_EXEC, "gate", "fork", "exec", "3", "/bin/true", "true", m, "one", "exec",
		"3", "/bin/true", "true", m, "one-self");
	H_SPAWN(&w2, WL_EXEC, "gate", "fork", "exec", "3", "/bin/true", "true", m, "two", "exec",
		"3", "/bin/true", "true", m, "two-self");
	H_TRACER_RUN(&t1, "--json", "--pid", h_str("%d", w1.pid));
	H_TRACER_RUN(&t2, "--json", "--pid", h_str("%d", w2.pid));
	h_control_run(&c);
	h_gate(&w1);
	h_gate(&w2);
	h_proc_done(&w1);
	h_proc_done(&w2);
	h_expect_clean_exit(&t1, h_tracer_wait_self_exit(&t1), NULL);
	h_expect_clean_exit(&t2, h_tracer_wait_self_exit(&t2), NULL);

	h_events_load(&e1, t1.out_path);
	h_events_load(&e2, t2.out_path);
	h_check_exec(h_one(&e1, m, "one"),
		     &(struct h_expect){ .pid = h_report(&w1, "pid 0"),
					 .ppid = w1.pid,
					 .filename = "/bin/true",
					 .argv = (const char *const[]){ "true", m, "one", NULL } });
	h_check_exec(
		h_one(&e1, m, "one-self"),
		&(struct h_expect){ .pid = w1.pid,
				    .ppid = getpid(),
				    .filename = "/bin/true",
				    .argv = (const char *const[]){ "true", m, "one-self", NULL } });
	h_check_exec(h_one(&e2, m, "two"),
		     &(struct h_expect){ .pid = h_report(&w2, "pid 0"),
					 .ppid = w2.pid,
					 .filename = "/bin/true",
					 .argv = (const char *const[]){ "true", m, "two", NULL } });
	h_check_exec(
		h_one(&e2, m, "two-self"),
		&(struct h_expect){ .pid = w2.pid,
				    .ppid = getpid(),
				    .filename = "/bin/true",
				    .argv = (const char *const[]){ "true", m, "two-self", NULL } });
	cr_expect_eq(e1.n_exec, 2, "first tracer: %zu exec events, expected 2", e1.n_exec);
	cr_expect_eq(e2.n_exec, 2, "second tracer: %zu exec events, expected 2", e2.n_exec);
	h_control_absent(&c, &e1, t1.out_path);
	h_control_absent(&c, &e2, t2.out_path);
}
