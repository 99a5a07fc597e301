// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * End-to-end: the kinds of exec, and what is captured of them (threads,
 * execveat, the compat syscall, failures, fresh children, #! scripts, argv
 * rewritten later, truncation).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

TestSuite(exec, .init = h_setup, .fini = h_teardown, .timeout = 180);

/*
 * An exec from a non-leader thread: pid is the process (tgid), tid the
 * thread that called exec; the process stays watched after it, and so do its
 * new children (traps 1 and 2), and proc_state does not keep an entry for
 * the thread.
 */
Test(exec, non_leader_thread)
{
	const char *m = h_marker("thread");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	long long wpid, tid, child;
	long entries;
	const char *const reexec[] = { "wl_exec", "tag",    m,	   "tag",	   "from-thread",
				       "fork",	  "exec",   "3",   "/bin/true",	   "true",
				       m,	  "child",  "say", "reexec-ready", "1",
				       "gate",	  "exec",   "3",   "/bin/true",	   "true",
				       m,	  "stage3", NULL };
	const char *args[32];
	size_t n = 0, i;

	H_REQUIRE();
	args[n++] = WL_EXEC;
	args[n++] = "report-pid";
	args[n++] = "w";
	args[n++] = "gate";
	args[n++] = "thread-exec";
	args[n++] = "22";
	args[n++] = WL_EXEC;
	for (i = 0; reexec[i]; i++)
		args[n++] = reexec[i];
	args[n] = NULL;
	cr_assert_eq(i, 22);

	h_control_start(&c, m);
	h_spawn(&w, 0, NULL, NULL, args);
	wpid = h_report(&w, "w");
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%lld", wpid));
	h_control_run(&c);
	h_gate(&w);
	tid = h_report(&w, "tid");
	cr_assert_neq(tid, wpid, "the exec must come from a non-leader thread");
	h_report(&w, "reexec-ready");
	child = h_report(&w, "pid 0");
	/* Only the process itself is alive and watched now. */
	entries = h_proc_state_count(t.pid);
	cr_expect_leq(entries, 1, "proc_state holds %ld entries for 1 live watched process:%s",
		      entries, h_proc_state_dump(t.pid));
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	h_events_load(&evs, t.out_path);
	h_check_exec(h_one0(&evs, "wl_exec", m, "from-thread"),
		     &(struct h_expect){ .pid = wpid,
					 .tid = tid,
					 .ppid = getpid(),
					 .filename = WL_EXEC,
					 .argv = reexec,
					 .comm = "wl_exec" });
	h_check_exec(
		h_one0(&evs, "true", m, "child"),
		&(struct h_expect){ .pid = child,
				    .ppid = wpid,
				    .filename = "/bin/true",
				    .argv = (const char *const[]){ "true", m, "child", NULL } });
	h_check_exec(
		h_one0(&evs, "true", m, "stage3"),
		&(struct h_expect){ .pid = wpid,
				    .ppid = getpid(),
				    .filename = "/bin/true",
				    .argv = (const char *const[]){ "true", m, "stage3", NULL } });
	cr_expect_eq(evs.n_exec, 3, "%zu exec events, expected 3", evs.n_exec);
	h_control_absent(&c, &evs, t.out_path);
}

/*
 * The leader thread exits first (pthread_exit) and another thread goes on:
 * the process is still there and watched (its new child's exec is reported),
 * and the thread's own exec is reported with pid = the process, tid = the
 * thread. tracer exits once the whole process is gone.
 */
Test(exec, leader_exits_first)
{
	const char *m = h_marker("leader");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	long long tid;

	H_REQUIRE();
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "leader-exit", "gate", "fork", "exec", "3", "/bin/true", "true", m,
		"child", "exec", "3", "/bin/true", "true", m, "self");
	tid = h_report(&w, "tid");
	cr_assert(h_wait_proc_state(w.pid, 'Z', 10000), "the leader did not exit");
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%d", w.pid));
	h_control_run(&c);
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
				    .tid = tid,
				    .ppid = getpid(),
				    .filename = "/bin/true",
				    .argv = (const char *const[]){ "true", m, "self", NULL } });
	cr_expect_eq(evs.n_exec, 2, "%zu exec events, expected 2", evs.n_exec);
	h_control_absent(&c, &evs, t.out_path);
}

/*
 * Whether this machine has a 32-bit syscall entry at all: some hypervisors
 * (PVM guests) turn int $0x80 into a general protection fault even with
 * CONFIG_IA32_EMULATION. Probed in a child that calls getpid (20) that way.
 */
static bool int80_works(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		long ret = 20;

		__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
		_exit(ret == (long)getpid() ? 0 : 1);
	}
	cr_assert_gt(pid, 0, "fork: %s", strerror(errno));
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/*
 * An exec through the 32-bit compat syscall (int $0x80), which the
 * syscalls:sys_enter_execve tracepoint does not see: reported all the same,
 * with its argv, and the caller's comm where the kernel has
 * sched_prepare_exec (6.10). Before, nothing sees the exec before it
 * succeeds: sched_process_exec reports it with the new program's comm.
 */
Test(exec, compat_syscall)
{
	const char *m = h_marker("compat");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;

	H_REQUIRE();
	if (!int80_works())
		cr_skip_test("int $0x80 faults on this machine: no 32-bit syscall entry to test");
	h_control_start(&c, m);
	H_SPAWN(&w, WL_COMPAT, m);
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%d", w.pid));
	h_control_run(&c);
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	cr_assert_eq(h_report(&w, "status 0"), 0,
		     "the compat execve failed: kernel without IA32 emulation? reports: %s", w.rep);
	h_events_load(&evs, t.out_path);
	h_check_exec(h_one(&evs, m, "compat"),
		     &(struct h_expect){
			     .pid = h_report(&w, "pid 0"),
			     .ppid = w.pid,
			     .filename = "/bin/true",
			     .argv = (const char *const[]){ "compat-arg0", m, "compat", NULL },
			     .syscall_id = H_ANY,
			     .comm = h_has_prepare_exec() ? "wl_compat" : "true" });
	cr_expect_eq(evs.n_exec, 1, "%zu exec events, expected 1", evs.n_exec);
	h_control_absent(&c, &evs, t.out_path);
}

/*
 * execveat(2), which syscalls:sys_enter_execve does not see: on an O_PATH
 * file descriptor with AT_EMPTY_PATH, with a directory fd and a relative
 * name, and failing both ways.
 */
Test(exec, execveat)
{
	const char *m = h_marker("execveat");
	const char *noexec = h_path("not-executable");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	long long wpid, fd0, pid[4];
	int i;

	H_REQUIRE();
	h_write_file(noexec, "#!/bin/sh\n", 10, 0644);
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "report-pid", "w", "gate", "fork", "fexec", "3", "/bin/true", "T1", m,
		"empty-path", "fork", "execat", "/bin", "true", "3", "T2", m, "dir-relative",
		"fork", "execat", "/bin", "e2e-no-such-file", "3", "T3", m, "dir-enoent", "fork",
		"fexec", "3", noexec, "T4", m, "empty-eacces");
	wpid = h_report(&w, "w");
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%lld", wpid));
	h_control_run(&c);
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	fd0 = h_report(&w, "fd 0");
	for (i = 0; i < 4; i++)
		pid[i] = h_report(&w, h_str("pid %d", i));
	h_events_load(&evs, t.out_path);
	h_check_exec(
		h_one(&evs, m, "empty-path"),
		&(struct h_expect){ .pid = pid[0],
				    .ppid = wpid,
				    .filename = h_str("/dev/fd/%lld", fd0),
				    .argv = (const char *const[]){ "T1", m, "empty-path", NULL },
				    .syscall_id = 322 });
	h_check_exec(
		h_one(&evs, m, "dir-relative"),
		&(struct h_expect){ .pid = pid[1],
				    .ppid = wpid,
				    .filename = "true",
				    .argv = (const char *const[]){ "T2", m, "dir-relative", NULL },
				    .syscall_id = 322 });
	h_check_exec(
		h_one(&evs, m, "dir-enoent"),
		&(struct h_expect){ .pid = pid[2],
				    .ppid = wpid,
				    .filename = "e2e-no-such-file",
				    .argv = (const char *const[]){ "T3", m, "dir-enoent", NULL },
				    .syscall_id = 322,
				    .ret = -2,
				    .err = "ENOENT" });
	h_check_exec(
		h_one(&evs, m, "empty-eacces"),
		&(struct h_expect){ .pid = pid[3],
				    .ppid = wpid,
				    .argv = (const char *const[]){ "T4", m, "empty-eacces", NULL },
				    .syscall_id = 322,
				    .ret = -13,
				    .err = "EACCES" });
	cr_expect_eq(evs.n_exec, 4, "%zu exec events, expected 4", evs.n_exec);
	h_control_absent(&c, &evs, t.out_path);
}

/*
 * Failed execs are reported, once each, with their error, and the process
 * is still watched afterwards (trap 6).
 */
Test(exec, failed)
{
	const char *m = h_marker("failed");
	const char *missing = h_str("/nonexistent/%s", m);
	const char *noexec = h_path("noexec");
	const char *garbage = h_path("garbage");
	const char *dir = h_dir();
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	long long wpid;

	H_REQUIRE();
	h_write_file(noexec, "#!/bin/sh\nexit 0\n", 17, 0644);
	h_write_file(garbage, "\x01\x02\x03\x04garbage", 11, 0755);
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "report-pid", "w", "gate", "exec", "3", missing, "a0", m, "enoent",
		"exec", "3", noexec, "a1", m, "eacces", "exec", "3", garbage, "a2", m, "enoexec",
		"exec", "3", dir, "a3", m, "dir", "exec", "3", "/bin/true", "true", m, "final");
	wpid = h_report(&w, "w");
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%lld", wpid));
	h_control_run(&c);
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	h_events_load(&evs, t.out_path);
	h_check_exec(h_one(&evs, m, "enoent"),
		     &(struct h_expect){ .pid = wpid,
					 .ppid = getpid(),
					 .filename = missing,
					 .argv = (const char *const[]){ "a0", m, "enoent", NULL },
					 .ret = -2,
					 .err = "ENOENT",
					 .comm = "wl_exec" });
	h_check_exec(h_one(&evs, m, "eacces"),
		     &(struct h_expect){ .pid = wpid,
					 .ppid = getpid(),
					 .filename = noexec,
					 .argv = (const char *const[]){ "a1", m, "eacces", NULL },
					 .ret = -13,
					 .err = "EACCES" });
	h_check_exec(h_one(&evs, m, "enoexec"),
		     &(struct h_expect){ .pid = wpid,
					 .ppid = getpid(),
					 .filename = garbage,
					 .argv = (const char *const[]){ "a2", m, "enoexec", NULL },
					 .ret = -8,
					 .err = "ENOEXEC" });
	h_check_exec(h_one(&evs, m, "dir"),
		     &(struct h_expect){ .pid = wpid,
					 .ppid = getpid(),
					 .filename = dir,
					 .argv = (const char *const[]){ "a3", m, "dir", NULL },
					 .ret = -13,
					 .err = "EACCES" });
	h_check_exec(h_one(&evs, m, "final"),
		     &(struct h_expect){ .pid = wpid,
					 .ppid = getpid(),
					 .filename = "/bin/true",
					 .argv = (const char *const[]){ "true", m, "final", NULL },
					 .comm = "wl_exec" });
	cr_expect_eq(evs.n_exec, 5, "%zu exec events, expected 5", evs.n_exec);
	h_control_absent(&c, &evs, t.out_path);
}

/*
 * An ELF file whose only segment lies above the user address space (2^56:
 * above it with 5-level paging too, which qemu's "max" CPU has): the kernel
 * accepts it, passes the point of no return, then cannot map it and kills
 * the process with SIGSEGV; execve's syscall exit sees the failure.
 */
static void write_doomed_elf(const char *path)
{
	unsigned char f[64 + 56] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	uint64_t vaddr = 1ull << 56;
	uint16_t h16[] = { 2 /* ET_EXEC */, 62 /* x86_64 */ };
	uint32_t one = 1, load = 1 /* PT_LOAD */, rx = 5;
	uint64_t entry = vaddr + sizeof(f), phoff = 64, size = sizeof(f), align = 4096;
	uint16_t sizes[] = { 64, 56, 1 }; /* e_ehsize, e_phentsize, e_phnum */

	memcpy(f + 16, h16, sizeof(h16));
	memcpy(f + 20, &one, 4);
	memcpy(f + 24, &entry, 8);
	memcpy(f + 32, &phoff, 8);
	memcpy(f + 52, sizes, sizeof(sizes));
	memcpy(f + 64, &load, 4);
	memcpy(f + 68, &rx, 4);
	memcpy(f + 80, &vaddr, 8); /* p_vaddr */
	memcpy(f + 88, &vaddr, 8); /* p_paddr */
	memcpy(f + 96, &size, 8); /* p_filesz */
	memcpy(f + 104, &size, 8); /* p_memsz */
	memcpy(f + 112, &align, 8);
	h_write_file(path, f, sizeof(f), 0755);
}

/*
 * An exec that fails past its point of no return is one exec: reported once,
 * as the kernel ran it as far as it could (sched_prepare_exec: ret 0; the
 * path before 6.10: the error at the syscall exit), never a second time from
 * the syscall exit of a process that is being killed. The process dies of
 * SIGSEGV; a later exec of its parent is reported as usual. (Before 6.10 the
 * caller's memory is gone by the syscall exit: the error is reported with an
 * unreadable argv.)
 */
static void doomed_run(bool fallback)
{
	const char *m = h_marker("doomed");
	const char *doomed = h_path("doomed");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	const struct h_event *e;
	long long wpid, pid, status;

	H_REQUIRE();
	if (fallback && h_has_prepare_exec())
		H_REQUIRE_TEST_HOOK("TRACER_TEST_NO_PREPARE_EXEC");
	write_doomed_elf(doomed);
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "report-pid", "w", "gate", "fork", "exec", "3", doomed, "d0", m,
		"doomed", "exec", "3", "/bin/true", "true", m, "after");
	wpid = h_report(&w, "w");
	/* Before 6.10 both runs take the fallback path. */
	if (!h_has_prepare_exec())
		fallback = true;
	else if (fallback)
		setenv("TRACER_TEST_NO_PREPARE_EXEC", "1", 1);
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%lld", wpid));
	unsetenv("TRACER_TEST_NO_PREPARE_EXEC");
	h_control_run(&c);
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	pid = h_report(&w, "pid 0");
	status = h_report(&w, "status 0");
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
		  "the doomed exec did not end in SIGSEGV: status %#llx", status);
	h_events_load(&evs, t.out_path);
	/* Exactly one exec event of that process. */
	e = h_by_pid(&evs, pid);
	if (fallback)
		/* Read from a caller whose memory is gone: the error, argv unreadable. */
		cr_expect(e->ret < 0, "the failure was not reported: ret %lld", e->ret);
	else
		h_check_exec(e, &(struct h_expect){
					.pid = pid,
					.ppid = wpid,
					.filename = doomed,
					.argv = (const char *const[]){ "d0", m, "doomed", NULL },
					.comm = "wl_exec" });
	h_check_exec(h_one(&evs, m, "after"),
		     &(struct h_expect){ .pid = wpid,
					 .ppid = getpid(),
					 .filename = "/bin/true",
					 .argv = (const char *const[]){ "true", m, "after", NULL },
					 .comm = "wl_exec" });
	h_control_absent(&c, &evs, t.out_path);
}

Test(exec, failed_past_point_of_no_return)
{
	doomed_run(false);
}

/* Before 6.10 (forced): nothing reports it as run; the syscall exit reports the error. */
Test(exec, failed_past_point_of_no_return_fallback)
{
	doomed_run(true);
}

/*
 * The path for kernels before 6.10, forced with TRACER_TEST_NO_PREPARE_EXEC:
 * a successful exec is reported from sched_process_exec with the argv of the
 * new image's argument area, exact, limits applied exactly. The caller's
 * argv[0] of a script is saved by a kprobe on remove_arg_zero; where kprobes
 * cannot be attached it is lost: the event is flagged, not shown as if it
 * were the caller's.
 */
Test(exec, fallback_without_prepare_exec)
{
	const char *m = h_marker("fallback");
	const char *missing = h_str("/nonexistent/%s", m);
	const char *script = h_path("fallback.sh");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	long long wpid, pid[3];

	H_REQUIRE();
	if (h_has_prepare_exec())
		H_REQUIRE_TEST_HOOK("TRACER_TEST_NO_PREPARE_EXEC");
	h_write_file(script, "#!/bin/sh\nexit 0\n", 17, 0755);
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "report-pid", "w", "gate", "fork", "exec", "3", "/bin/true", "true", m,
		"exact", "fork", "exec", "5", "/bin/true", "true", m, "x", "y", "cut", "fork",
		"exec", "3", script, "s0", m, "script", "exec", "3", missing, "a0", m, "enoent");
	wpid = h_report(&w, "w");
	setenv("TRACER_TEST_NO_PREPARE_EXEC", "1", 1);
	H_TRACER_RUN(&t, "--json", "--max-args", "3", "--pid", h_str("%lld", wpid));
	unsetenv("TRACER_TEST_NO_PREPARE_EXEC");
	h_control_run(&c);
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	pid[0] = h_report(&w, "pid 0");
	pid[1] = h_report(&w, "pid 1");
	pid[2] = h_report(&w, "pid 2");
	h_events_load(&evs, t.out_path);
	h_check_exec(h_by_pid(&evs, pid[0]),
		     &(struct h_expect){ .pid = pid[0],
					 .ppid = wpid,
					 .filename = "/bin/true",
					 .argv = (const char *const[]){ "true", m, "exact", NULL },
					 .comm = "wl_exec" });
	h_check_exec(h_by_pid(&evs, pid[1]),
		     &(struct h_expect){ .pid = pid[1],
					 .ppid = wpid,
					 .filename = "/bin/true",
					 .argv = (const char *const[]){ "true", m, "x", NULL },
					 .truncated = true,
					 .comm = "wl_exec" });
	if (kprobe_attaches("remove_arg_zero"))
		h_check_exec(h_by_pid(&evs, pid[2]),
			     &(struct h_expect){
				     .pid = pid[2],
				     .ppid = wpid,
				     .filename = script,
				     .argv = (const char *const[]){ "s0", m, "script", NULL },
				     .comm = "wl_exec",
				     .fault = H_FAULT_NO });
	else
		h_check_exec(h_by_pid(&evs, pid[2]), &(struct h_expect){ .pid = pid[2],
									 .ppid = wpid,
									 .filename = script,
									 .comm = "wl_exec",
									 .fault = H_FAULT_YES });
	h_check_exec(h_one(&evs, m, "enoent"),
		     &(struct h_expect){ .pid = wpid,
					 .ppid = getpid(),
					 .filename = missing,
					 .argv = (const char *const[]){ "a0", m, "enoent", NULL },
					 .ret = -2,
					 .err = "ENOENT",
					 .comm = "wl_exec" });
	cr_expect_eq(evs.n_exec, 4, "%zu exec events, expected 4", evs.n_exec);
	h_control_absent(&c, &evs, t.out_path);
}

/*
 * Arguments that a freshly forked child never touched (not present in its
 * memory when exec is called), as literals or (certainly not present) in a
 * shared mapping: complete and exact for a successful exec of a binary and
 * of a #! script (the caller's argv, not the interpreter's). A failed exec
 * is read at syscall exit, where pages cannot be faulted in: an argv the
 * kernel never touched is flagged unreadable and truncated, never wrong
 * (6.8 on: before, the kernel copied the strings before opening the file).
 */
Test(exec, fresh_child_arguments)
{
	const char *m = h_marker("fresh");
	const char *script = h_path("script.sh");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	long long wpid, pid[5];
	int i;

	H_REQUIRE();
	h_write_file(script, "#!/bin/sh -e\nexit 0\n", 20, 0755);
	h_control_start(&c, m);
	H_SPAWN(&w, WL_FRESH, m, script);
	wpid = w.pid;
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%lld", wpid));
	h_control_run(&c);
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	for (i = 0; i < 5; i++)
		pid[i] = h_report(&w, h_str("pid %d", i));
	h_events_load(&evs, t.out_path);
	h_check_exec(
		h_by_pid(&evs, pid[0]),
		&(struct h_expect){
			.pid = pid[0],
			.ppid = wpid,
			.filename = "/bin/true",
			.argv = (const char *const[]){ "fresh-arg0-literal",
						       "fresh literal one, on a page of its own",
						       "inline literal two", m, NULL },
			.comm = "wl_fresh" });
	h_check_exec(h_by_pid(&evs, pid[1]),
		     &(struct h_expect){ .pid = pid[1],
					 .ppid = wpid,
					 .filename = script,
					 .argv = (const char *const[]){ "fresh-script-arg0",
									"inline script literal", m,
									NULL },
					 .comm = "wl_fresh" });
	h_check_exec(h_by_pid(&evs, pid[2]),
		     &(struct h_expect){ .pid = pid[2],
					 .ppid = wpid,
					 .filename = "/nonexistent/e2e-fresh-literal-path",
					 .argv = (const char *const[]){ "fresh-failed-arg0",
									"inline failed literal", m,
									NULL },
					 .ret = -2,
					 .err = "ENOENT",
					 .comm = "wl_fresh",
					 /* depends on the kernel's fault-around */
					 .fault = H_FAULT_MAYBE });
	h_check_exec(h_by_pid(&evs, pid[3]),
		     &(struct h_expect){
			     .pid = pid[3],
			     .ppid = wpid,
			     .filename = "/nonexistent/e2e-fresh-mapped-path",
			     .argv = (const char *const[]){ "mapped-arg0", "mapped string one", m,
							    "mapped", NULL },
			     .ret = -2,
			     .err = "ENOENT",
			     .comm = "wl_fresh",
			     /*
			      * Never mapped in the child: unreadable, and said so.
			      * Before 6.8 the kernel copied the strings (faulting
			      * them in) before it opened the file: they are there.
			      */
			     .fault = h_kernel_at_least(6, 8) ? H_FAULT_YES : H_FAULT_NO });
	h_check_exec(h_by_pid(&evs, pid[4]),
		     &(struct h_expect){ .pid = pid[4],
					 .ppid = wpid,
					 .filename = "/bin/true",
					 .argv = (const char *const[]){ "mapped-arg0",
									"mapped string one", m,
									"mapped", NULL },
					 .comm = "wl_fresh" });
	cr_expect_eq(evs.n_exec, 5, "%zu exec events, expected 5 (one per exec)", evs.n_exec);
	h_control_absent(&c, &evs, t.out_path);
}

/* A program that overwrites its argv at once: tracer shows what was passed (trap 10). */
Test(exec, argv_rewritten_after_exec)
{
	const char *m = h_marker("rewrite");
	const char *secret = h_str("%s-original-argument", m);
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	long long wpid, pid[1];

	H_REQUIRE();
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "report-pid", "w", "gate", "fork", "exec", "3", WL_REWRITE,
		"wl_rewrite", secret, m);
	wpid = h_report(&w, "w");
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%lld", wpid));
	h_control_run(&c);
	h_gate(&w);
	cr_assert_eq(h_report(&w, "rewritten"), 1, "the helper could not rewrite its argv");
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	pid[0] = h_report(&w, "pid 0");
	h_events_load(&evs, t.out_path);
	h_check_exec(h_by_pid(&evs, pid[0]),
		     &(struct h_expect){
			     .pid = pid[0],
			     .ppid = wpid,
			     .filename = WL_REWRITE,
			     .argv = (const char *const[]){ "wl_rewrite", secret, m, NULL } });
	cr_expect_eq(evs.n_exec, 1, "%zu exec events, expected 1", evs.n_exec);
	h_control_absent(&c, &evs, t.out_path);
}

/* The captured argv of a cut exec: a prefix of the real one within the limits. */
static void check_prefix(const struct h_event *e, const char *const *full, size_t max_args,
			 size_t max_bytes)
{
	size_t i, total = 0, n = 0;

	while (full[n])
		n++;
	cr_expect(e->argc >= 1 && e->argc <= n && e->argc <= max_args,
		  "line %zu: %zu arguments captured of %zu (max %zu)", e->line_no, e->argc, n,
		  max_args);
	for (i = 0; i < e->argc && i < n; i++) {
		size_t len = strlen(full[i]);

		total += e->argv[i].len + 1;
		if (i + 1 < e->argc)
			cr_expect(h_bytes_eqs(&e->argv[i], full[i]), "line %zu: argv[%zu] differs",
				  e->line_no, i);
		else
			cr_expect(e->argv[i].len <= len &&
					  memcmp(e->argv[i].ptr, full[i], e->argv[i].len) == 0,
				  "line %zu: argv[%zu] is not a prefix of the argument", e->line_no,
				  i);
	}
	cr_expect_leq(total, max_bytes, "line %zu: %zu bytes captured, limit %zu", e->line_no,
		      total, max_bytes);
}

/*
 * A filename longer than tracer reads (4095 bytes; the exec fails with
 * ENAMETOOLONG) is marked cut and shown up to the limit; a filename pointer
 * that cannot be read (EFAULT) is marked unreadable, shown empty. A filename
 * that fits exactly is not marked.
 */
Test(exec, filename_cut_and_unreadable)
{
	const char *m = h_marker("fname");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	const struct h_event *e;
	char *lng = malloc(5001), *fits = malloc(4096);
	long long wpid;

	H_REQUIRE();
	cr_assert(lng && fits);
	memset(lng, 'x', 5000);
	lng[0] = '/';
	lng[5000] = '\0';
	memset(fits, 'y', 4095);
	fits[0] = '/';
	fits[4095] = '\0';
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "report-pid", "w", "gate", "fork", "exec", "3", lng, "T1", m,
		"long-name", "fork", "exec", "3", fits, "T2", m, "fits", "fork", "badexec", "3",
		"T3", m, "bad-pointer");
	wpid = h_report(&w, "w");
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%lld", wpid));
	h_control_run(&c);
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	h_events_load(&evs, t.out_path);
	e = h_one(&evs, m, "long-name");
	cr_expect_eq(e->ret, -36, "ret %lld", e->ret);
	cr_expect_eq(e->filename.len, 4095, "filename of %zu bytes", e->filename.len);
	cr_expect(e->filename.len == 4095 && !memcmp(e->filename.ptr, lng, 4095));
	cr_expect(e->filename_truncated, "a cut filename is not marked");
	cr_expect_not(e->filename_fault);
	e = h_one(&evs, m, "fits");
	cr_expect_eq(e->ret, -36, "ret %lld", e->ret);
	cr_expect(e->filename.len == 4095 && !memcmp(e->filename.ptr, fits, 4095));
	cr_expect_not(e->filename_truncated, "a filename that fits is marked cut");
	e = h_one(&evs, m, "bad-pointer");
	cr_expect_eq(e->ret, -14, "ret %lld", e->ret);
	cr_expect_eq(e->filename.len, 0);
	cr_expect(e->filename_fault, "an unreadable filename is not marked");
	cr_expect_not(e->filename_truncated);
	cr_expect_eq(evs.n_exec, 3, "%zu exec events, expected 3", evs.n_exec);
	h_control_absent(&c, &evs, t.out_path);
	free(lng);
	free(fits);
}

/* One exec of the truncation test: argv is "xxxxxxxxx", its marker, then tail. */
struct trunc_case {
	const char *tail[4]; /* NULL-ended */
	int kept; /* how much of tail the event has, whole; CUT_PREFIX: a prefix of it */
	bool truncated;
};

#define CUT_PREFIX (-1)

/*
 * --max-args 3 --max-arg-bytes 100: cut argv is flagged, an argv exactly at
 * a limit is not (trap 11); the same for successful and failed execs.
 */
Test(exec, truncation)
{
	const char *path[2] = { "/bin/true", "/nonexistent/e2e-truncation" };
	const char *tag = h_marker("trunc");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	const char *args[160];
	char b200[201], b62[63], b63[64];
	const char *mk[2][7];
	size_t n = 0;
	long long wpid;
	int k, i, j;

	/* argv[0] is "xxxxxxxxx" (10 bytes with its NUL), a marker 27. */
	const struct trunc_case cases[7] = {
		{ { "a3", "a4", "a5" }, 1, true }, /* five arguments -> 3, cut */
		{ { "a3", "a4" }, 1, true }, /* four arguments -> 3, cut */
		{ { "a3" }, 1, false }, /* exactly three arguments, not cut */
		{ { b200 }, CUT_PREFIX, true }, /* a 200-byte argument: cut */
		{ { b62 }, 1, false }, /* 10 + 27 + 63 = 100 bytes with the NULs: not cut */
		{ { b63 }, CUT_PREFIX, true }, /* 101 bytes: cut */
		{ { NULL }, 0, false }, /* two arguments, 37 bytes */
	};

	H_REQUIRE();
	memset(b200, 'b', 200);
	b200[200] = '\0';
	memset(b62, 'c', 62);
	b62[62] = '\0';
	memset(b63, 'd', 63);
	b63[63] = '\0';
	args[n++] = WL_EXEC;
	args[n++] = "report-pid";
	args[n++] = "w";
	args[n++] = "gate";
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 7; i++) {
			/* A marker per exec, 26 characters: with its NUL, 27 bytes. */
			mk[k][i] = h_str("%.19s-%d-%d-%s", tag + 4, k, i, "xx");
			cr_assert_eq(strlen(mk[k][i]), 26);
			for (j = 0; cases[i].tail[j]; j++)
				;
			args[n++] = "fork", args[n++] = "exec", args[n++] = h_str("%d", 2 + j);
			args[n++] = path[k], args[n++] = "xxxxxxxxx", args[n++] = mk[k][i];
			for (j = 0; cases[i].tail[j]; j++)
				args[n++] = cases[i].tail[j];
		}
	}
	args[n] = NULL;
	cr_assert_lt(n, sizeof(args) / sizeof(args[0]));

	h_control_start(&c, tag);
	h_spawn(&w, 0, NULL, NULL, args);
	wpid = h_report(&w, "w");
	H_TRACER_RUN(&t, "--json", "--max-args", "3", "--max-arg-bytes", "100", "--pid",
		     h_str("%lld", wpid));
	h_control_run(&c);
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	h_events_load(&evs, t.out_path);
	cr_expect_eq(evs.n_exec, 14, "%zu exec events, expected 14", evs.n_exec);
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 7; i++) {
			const struct trunc_case *tc = &cases[i];
			const char *full[6] = { "xxxxxxxxx", mk[k][i] };
			const char *want[6] = { "xxxxxxxxx", mk[k][i] };
			const struct h_event *e = h_one(&evs, mk[k][i], NULL);

			for (j = 0; tc->tail[j]; j++)
				full[2 + j] = tc->tail[j];
			for (j = 0; j < tc->kept; j++)
				want[2 + j] = tc->tail[j];
			h_check_exec(e, &(struct h_expect){
						.pid = h_report(&w, h_str("pid %d", 7 * k + i)),
						.ppid = wpid,
						.filename = path[k],
						.argv = tc->kept == CUT_PREFIX ? NULL : want,
						.ret = k ? -2 : 0,
						.err = k ? "ENOENT" : NULL,
						.truncated = tc->truncated });
			if (tc->kept == CUT_PREFIX)
				check_prefix(e, full, 3, 100);
		}
	}
	h_control_absent(&c, &evs, t.out_path);
}

/*
 * The programs loaded are those this kernel can run: one program for the
 * exits of execve and execveat (attached to both), and the probe on
 * remove_arg_zero only where a kprobe can be attached. Each program loaded
 * costs every start its verification and JIT.
 */
Test(exec, programs_loaded)
{
	const char *const args[] = { "-v", "--", "/bin/true", NULL };
	struct h_run r;

	H_REQUIRE();
	h_run_start(args, NULL, &r);
	h_run_wait(&r, 120);
	cr_assert_eq(r.status, 0, "tracer exited %d: %s", r.status, r.err);
	cr_expect_neq(strstr(r.err, "tracer: verifier: handle_sys_exit_execve: "), NULL, "%s",
		      r.err);
	cr_expect_eq(strstr(r.err, "handle_sys_exit_execveat"), NULL, "%s", r.err);
	if (kprobe_attaches("remove_arg_zero"))
		cr_expect_neq(strstr(r.err, "tracer: verifier: handle_remove_arg_zero: "), NULL,
			      "%s", r.err);
	else
		cr_expect_eq(strstr(r.err, "tracer: verifier: handle_remove_arg_zero: "), NULL,
			     "loaded where no kprobe can be attached: %s", r.err);
	h_run_free(&r);
}
