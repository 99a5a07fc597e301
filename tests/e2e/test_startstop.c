// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * End-to-end: start and stop. Usage errors, signals, detaching (no BPF
 * program or link left behind), tracefs not mounted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <mntent.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

TestSuite(startstop, .init = h_setup, .fini = h_teardown, .timeout = 180);

/*
 * Runs tracer on a workload blocked on its gate, returns once it is ready,
 * with the BPF programs and links it holds in *ids.
 */
static void start_on_blocked(struct h_tracer *t, struct h_proc *w, struct h_bpf_ids *ids,
			     const char *m)
{
	H_SPAWN(w, WL_EXEC, "gate", "exec", "3", "/bin/true", "true", m, "self");
	H_TRACER_RUN(t, "--json", "--pid", h_str("%d", w->pid));
	h_bpf_ids_of(t->pid, ids);
	cr_assert_geq(ids->n_progs, 3, "tracer holds %d BPF programs", ids->n_progs);
	cr_assert_geq(ids->n_links, 3, "tracer holds %d BPF links", ids->n_links);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Usage errors: exit 2, exactly one line on stderr starting "tracer: ",
 * nothing on stdout, and no BPF program of tracer left loaded.
 */
Test(startstop, usage_errors)
{
	const char *m = h_marker("usage");
	char names[64][32];
	uint32_t before[256], after[256];
	size_t n_names = 0, n_before, n_after, i;
	struct h_tracer t;
	struct h_proc w;
	struct h_bpf_ids ids;
	const char *dead;
	pid_t pid;
	int st;

	H_REQUIRE();
	/* The names of tracer's programs, from a good run. */
	start_on_blocked(&t, &w, &ids, m);
	for (i = 0; i < (size_t)ids.n_progs && n_names < 64; i++) {
		h_bpf_prog_name(ids.progs[i], names[n_names], sizeof(names[0]));
		if (names[n_names][0])
			n_names++;
	}
	cr_assert_geq(n_names, 3);
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);
	h_bpf_expect_released(&ids);
	n_before = h_bpf_progs_named(names, n_names, before, 256);
	qsort(before, n_before, sizeof(before[0]), cmp_u32);

	/* A pid that existed and is gone. */
	pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, &st, 0);
	cr_assert(kill(pid, 0) == -1 && errno == ESRCH);
	dead = h_str("%d", pid);

	const char *const *cases[] = {
		(const char *const[]){ "--pid", "abc", NULL },
		(const char *const[]){ "--pid", "0", NULL },
		(const char *const[]){ "--pid", "-3", NULL },
		(const char *const[]){ "--pid", "12x", NULL },
		(const char *const[]){ "--pid", "", NULL },
		(const char *const[]){ "--pid", "99999999999", NULL },
		(const char *const[]){ "--pid", dead, NULL },
		(const char *const[]){ dead, NULL },
		(const char *const[]){ "abc", NULL },
		(const char *const[]){ "--pid", NULL },
		(const char *const[]){ "--tty", "/dev/null", NULL },
		(const char *const[]){ "--tty", "pts/99999", NULL },
		(const char *const[]){ "--tty", "/nonexistent/e2e", NULL },
		(const char *const[]){ "--tty", NULL },
		(const char *const[]){ NULL },
		(const char *const[]){ "--json", NULL },
		(const char *const[]){ "--bogus", NULL },
		(const char *const[]){ "-Z", "--pid", "1", NULL },
		(const char *const[]){ "--max-args", "0", "--pid", "1", NULL },
		(const char *const[]){ "--max-arg-bytes", "x", "--pid", "1", NULL },
		(const char *const[]){ "--ringbuf-size", "1", "--pid", "1", NULL },
		(const char *const[]){ "--json=yes", "--pid", "1", NULL },
		/* lists parsed before the error are freed (LeakSanitizer in the ASan build) */
		(const char *const[]){ "--exclude", "/bin/true", "--exclude-comm", "cron", "--pid",
				       "abc", NULL },
	};
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *desc = "", *err, *nl;
		size_t j, len;

		for (j = 0; cases[i][j]; j++)
			desc = h_str("%s '%s'", desc, cases[i][j]);
		h_tracer_start(&t, 0, cases[i]);
		st = h_tracer_wait_exit(&t, 30000);
		cr_assert(st != -1, "tracer%s: still running after 30 s", desc);
		err = h_tracer_stderr(&t);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 2,
			  "tracer%s: status 0x%x, expected exit 2; stderr: %s", desc, st, err);
		nl = strchr(err, '\n');
		cr_expect(strncmp(err, "tracer: ", 8) == 0 && nl && nl[1] == '\0',
			  "tracer%s: stderr is not exactly one \"tracer: \" line: %s", desc,
			  h_show(err, strlen(err)));
		h_read_file(t.out_path, &len);
		cr_expect_eq(len, 0, "tracer%s: %zu bytes on stdout", desc, len);
	}

	/* Any new program with one of tracer's names must belong to some live process. */
	n_after = h_bpf_progs_named(names, n_names, after, 256);
	for (i = 0; i < n_after; i++) {
		if (bsearch(&after[i], before, n_before, sizeof(before[0]), cmp_u32))
			continue;
		cr_expect(h_bpf_prog_held(after[i]),
			  "BPF program %u (a tracer program) is loaded and held by no process",
			  after[i]);
	}
}

static void stop_by_signal(int sig)
{
	const char *m = h_marker("signal");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_bpf_ids ids;
	struct h_events evs;
	int st;

	H_REQUIRE();
	h_control_start(&c, m);
	start_on_blocked(&t, &w, &ids, m);
	h_control_run(&c);
	st = h_tracer_stop(&t, sig);
	if (sig == SIGKILL) {
		cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status 0x%x", st);
	} else {
		h_expect_clean_exit(&t, st, NULL);
		h_events_load(&evs, t.out_path);
		cr_expect_eq(evs.n, 0, "%zu events", evs.n);
		h_control_absent(&c, &evs, t.out_path);
	}
	/* Nothing of tracer stays in the kernel (bounded wait for the release). */
	h_bpf_expect_released(&ids);
	h_gate(&w);
	h_proc_done(&w);
}

/* SIGINT: exit 0 with the summary; every program and link released. */
Test(startstop, sigint)
{
	stop_by_signal(SIGINT);
}

/* SIGTERM: the same. */
Test(startstop, sigterm)
{
	stop_by_signal(SIGTERM);
}

/* SIGKILL mid-run: every program and link released all the same. */
Test(startstop, sigkill)
{
	stop_by_signal(SIGKILL);
}

static bool tracefs_somewhere(void)
{
	return access("/sys/kernel/tracing/events/syscalls/sys_enter_execve", F_OK) == 0 ||
	       access("/sys/kernel/debug/tracing/events/syscalls/sys_enter_execve", F_OK) == 0;
}

/* How tracer is run by run_env(). */
enum env_case {
	ENV_NOT_ROOT,
	ENV_NO_BTF
};

/*
 * A copy of tracer that user nobody can execute wherever the checkout lives
 * (a home directory of mode 0750, a private CI directory): in a directory of
 * its own, mode 0755, removed by the caller.
 */
static const char *tracer_for_nobody(char *dir, size_t dirlen)
{
	const char *copy;
	size_t len;
	char *bin;
	int fd;

	snprintf(dir, dirlen, "/tmp/tracer-nobody-XXXXXX");
	cr_assert(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	cr_assert_eq(chmod(dir, 0755), 0, "chmod %s: %s", dir, strerror(errno));
	copy = h_str("%s/tracer", dir);
	bin = h_read_file(TRACER_BIN, &len);
	fd = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	cr_assert(fd >= 0, "open %s: %s", copy, strerror(errno));
	cr_assert_eq(write(fd, bin, len), (ssize_t)len, "write %s: %s", copy, strerror(errno));
	close(fd);
	return copy;
}

/*
 * Runs "tracer --pid <a live pid>" as nobody, or with /sys/kernel/btf hidden
 * under an empty tmpfs in a private mount namespace; returns its wait status
 * and its stderr.
 */
static int run_env(enum env_case which, const char **err)
{
	const char *err_path = h_path(which == ENV_NOT_ROOT ? "notroot.err" : "nobtf.err");
	const char *pid = h_str("%d", getpid());
	const char *bin = TRACER_BIN;
	char bin_dir[64] = "";
	size_t len;
	pid_t child;
	int st, fd;

	if (which == ENV_NOT_ROOT)
		bin = tracer_for_nobody(bin_dir, sizeof(bin_dir));
	child = fork();
	cr_assert(child >= 0);
	if (child == 0) {
		fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(120);
		if (which == ENV_NOT_ROOT) {
			if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
				_exit(121);
		} else {
			if (unshare(CLONE_NEWNS) ||
			    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
			    mount("none", "/sys/kernel/btf", "tmpfs", 0, NULL))
				_exit(122);
		}
		execl(bin, "tracer", "--pid", pid, (char *)NULL);
		_exit(123);
	}
	cr_assert(waitpid(child, &st, 0) == child);
	if (bin_dir[0]) {
		unlink(bin);
		rmdir(bin_dir);
	}
	cr_assert(!WIFEXITED(st) || WEXITSTATUS(st) < 120, "setting up the case failed: %d",
		  WEXITSTATUS(st));
	*err = h_read_file(err_path, &len);
	return st;
}

/*
 * Not root, and no kernel BTF: one line naming what is missing, exit 1, and
 * nothing loaded (tracer stops before it opens the BPF object).
 */
Test(startstop, environment_errors)
{
	const struct {
		enum env_case which;
		const char *needle;
	} cases[] = {
		{ ENV_NOT_ROOT, "root" },
		{ ENV_NO_BTF, "BTF" },
	};
	const char *err, *nl;
	size_t i;
	int st;

	H_REQUIRE();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		st = run_env(cases[i].which, &err);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 1,
			  "case %zu: status 0x%x, expected exit 1; stderr: %s", i, st, err);
		nl = strchr(err, '\n');
		cr_expect(strncmp(err, "tracer: ", 8) == 0 && nl && nl[1] == '\0',
			  "case %zu: stderr is not exactly one \"tracer: \" line: %s", i,
			  h_show(err, strlen(err)));
		cr_expect(strstr(err, cases[i].needle), "case %zu: \"%s\" not named in: %s", i,
			  cases[i].needle, err);
	}
}

/*
 * tracefs not mounted: tracer mounts it itself and works, failed execs
 * (which need the syscall tracepoints) included. Done in a private mount
 * namespace of the test process: the rest of the machine keeps its mounts,
 * and nothing has to be restored.
 */
Test(startstop, tracefs_not_mounted)
{
	const char *m = h_marker("tracefs");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	int tries;

	H_REQUIRE();
	cr_assert(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): %s", strerror(errno));
	cr_assert(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "mount private: %s",
		  strerror(errno));
	for (tries = 0; tries < 20 && tracefs_somewhere(); tries++) {
		FILE *mt = setmntent("/proc/self/mounts", "r");
		struct mntent *me;

		cr_assert(mt);
		while ((me = getmntent(mt))) {
			if (!strcmp(me->mnt_type, "tracefs") || !strcmp(me->mnt_type, "debugfs"))
				umount2(me->mnt_dir, MNT_DETACH);
		}
		endmntent(mt);
	}
	cr_assert(!tracefs_somewhere(), "could not unmount tracefs");

	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "gate", "fork", "exec", "3", "/bin/true", "true", m, "ok", "fork",
		"exec", "3", "/nonexistent/e2e-tracefs", "x", m, "fails");
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%d", w.pid));
	h_control_run(&c);
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	h_events_load(&evs, t.out_path);
	h_check_exec(h_one(&evs, m, "ok"),
		     &(struct h_expect){ .pid = h_report(&w, "pid 0"),
					 .ppid = w.pid,
					 .filename = "/bin/true",
					 .argv = (const char *const[]){ "true", m, "ok", NULL } });
	h_check_exec(h_one(&evs, m, "fails"),
		     &(struct h_expect){ .pid = h_report(&w, "pid 1"),
					 .ppid = w.pid,
					 .filename = "/nonexistent/e2e-tracefs",
					 .argv = (const char *const[]){ "x", m, "fails", NULL },
					 .ret = -2,
					 .err = "ENOENT" });
	cr_expect_eq(evs.n_exec, 2, "%zu exec events, expected 2", evs.n_exec);
	cr_expect(access("/sys/kernel/tracing/events/syscalls/sys_enter_execve", F_OK) == 0,
		  "tracefs is not mounted at /sys/kernel/tracing after tracer ran");
	h_control_absent(&c, &evs, t.out_path);
}

/* tracer started with args fails with exit status code and a stderr holding what. */
static void expect_refusal(const char *const *args, int code, const char *what)
{
	struct h_tracer t;
	int st;

	h_tracer_start(&t, 0, args);
	st = h_tracer_wait_exit(&t, 30000);
	cr_assert(st != -1, "tracer --%s: still running after 30 s", args[0]);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == code, "%s %s: status 0x%x; stderr: %s",
		  args[0], args[1], st, h_tracer_stderr(&t));
	cr_expect(strstr(h_tracer_stderr(&t), what), "%s %s: stderr without \"%s\": %s", args[0],
		  args[1], what, h_tracer_stderr(&t));
}

/* Refusals that say what is wrong, not an errno's text (issue 13). */
Test(startstop, clear_messages)
{
	const char *m = h_marker("msg");
	const char *err_path = h_path("self-stderr");
	struct h_proc z, tree;
	long long zpid, root;
	pid_t pid;
	int st, fd, i;

	H_REQUIRE();
	H_SPAWN(&z, WL_EXEC, "zombie", "gate");
	zpid = h_report(&z, "zombie");
	expect_refusal((const char *const[]){ "--pid", h_str("%lld", zpid), NULL }, 2,
		       "is a zombie");
	h_gate(&z);
	h_proc_done(&z);

	expect_refusal((const char *const[]){ "--tty", "/dev/tty", NULL }, 2,
		       "own controlling terminal");

	/* Three processes in scope, room for two. */
	H_SPAWN(&tree, WL_TREE, m);
	root = h_report(&tree, "R");
	h_report(&tree, "G");
	expect_refusal((const char *const[]){ "--max-procs", "2", "--pid", h_str("%lld", root),
					      NULL },
		       1, "raise --max-procs");
	h_gate_all(&tree);
	h_report(&tree, "G2");
	h_proc_done(&tree);

	/* Its own pid, which only tracer itself can know: it would never end. */
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execl(TRACER_BIN, "tracer", "--pid", h_str("%d", getpid()), (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 300 && waitpid(pid, &st, WNOHANG) == 0; i++)
		usleep(100000);
	if (i == 300) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		cr_assert_fail("tracer --pid <itself> still running after 30 s");
	}
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 2, "tracer --pid <itself>: status 0x%x", st);
	cr_expect(strstr(h_read_file(err_path, NULL), "is tracer itself"), "stderr: %s",
		  h_read_file(err_path, NULL));
}

/* A soft descriptor limit below what tracer needs is raised up to the hard one. */
Test(startstop, low_soft_nofile_limit)
{
	struct rlimit before, low;
	struct h_tracer t;
	struct h_proc w;

	H_REQUIRE();
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &before), 0);
	if (before.rlim_max < 256)
		cr_skip_test("hard RLIMIT_NOFILE %llu: nothing to raise to",
			     (unsigned long long)before.rlim_max);
	H_SPAWN(&w, WL_EXEC, "gate", "exec", "2", "/bin/true", "true", "nofile");
	/* Inherited by tracer only: restored as soon as it is started. */
	low = before;
	low.rlim_cur = 32;
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	H_TRACER_START(&t, 0, "--json", "--pid", h_str("%d", w.pid));
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &before), 0);
	h_tracer_wait_ready(&t);
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);
}

/*
 * Execs made while tracer shuts down are reported exactly or not at all:
 * never with the new program's comm, which is what sched_process_exec
 * reports for an exec no syscall entry staged (the entry programs detached
 * first). Several stops in the middle of an exec storm.
 */
Test(startstop, execs_during_shutdown)
{
	const char *m = h_marker("shutdown");
	struct h_tracer t;
	struct h_proc w;
	struct h_events evs;
	size_t i, round, seen = 0;

	H_REQUIRE();
	for (round = 0; round < 4; round++) {
		/* Started once tracer is ready: an exec racing the start-up is another matter. */
		H_SPAWN(&w, WL_EXEC, "gate", "burst", "1000000", "2", "0", h_path("burst-log"), m);
		H_TRACER_RUN(&t, "--json", "--pid", h_str("%d", w.pid));
		h_gate(&w);
		usleep(300000);
		cr_assert(WIFEXITED(h_tracer_stop(&t, SIGINT)), "stderr: %s", h_tracer_stderr(&t));
		kill(w.pid, SIGKILL);
		h_events_load(&evs, t.out_path);
		for (i = 0; i < evs.n; i++) {
			if (evs.ev[i].lost)
				continue;
			seen++;
			cr_expect(h_bytes_eqs(&evs.ev[i].comm, "wl_exec"),
				  "round %zu, line %zu: comm \"%s\", expected the caller's", round,
				  evs.ev[i].line_no,
				  h_show(evs.ev[i].comm.ptr, evs.ev[i].comm.len));
		}
	}
	cr_assert_gt(seen, 0, "no exec reported: nothing tested");
}
