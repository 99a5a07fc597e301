// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * A scripted workload: its arguments are a list of steps, run in order.
 *
 *   gate                      wait until the test opens the gate (fd 3)
 *   sleep MS                  sleep MS milliseconds
 *   time KEY                  report "KEY <CLOCK_MONOTONIC ns>"
 *   say KEY VALUE             report "KEY VALUE"
 *   report-pid KEY            report "KEY <pid>" and "KEY-ppid <ppid>"
 *   comm NAME                 prctl(PR_SET_NAME, NAME)
 *   tag WORD                  nothing (a label for argv)
 *   wait                      reap every child
 *   exit CODE                 exit with CODE
 *   child                     fork; the child reports "child <pid>" and runs the
 *                             rest; the parent waits for it and exits
 *   daemon                    double-fork with setsid(); the grandchild waits
 *                             until it is re-parented, reports "daemon <pid>"
 *                             and "daemon-ppid <ppid>" and runs the rest; the
 *                             original waits for the middle one and exits
 *   threads N                 create and join N threads (50 at a time); reports
 *                             "last-tid <tid>"
 *   thread-exec N PATH ARG... a new thread reports "tid <tid>" and execs PATH
 *                             with the N arguments ARG...
 *   setctty PATH              open the terminal PATH and make it the controlling tty
 *   leader-exit               the main thread starts a thread that reports
 *                             "tid <tid>" and runs the rest, then exits
 *                             (pthread_exit): the leader is gone, the process is not
 *   zombie                    fork a child that exits at once, leave it unreaped;
 *                             report "zombie <pid>" once it is a zombie
 *   burst N INFLIGHT PAD LOG MARKER
 *                             fork and exec "/bin/true MARKER i [PAD bytes]" N
 *                             times, INFLIGHT at a time; "i pid" lines go to LOG
 *   fork-pid PID              the next fork's child gets pid PID (root: through
 *                             ns_last_pid, retried while another process takes it)
 *   [fork] exec N PATH ARG... execve(PATH, ARG...) (N arguments)
 *   [fork] badexec N ARG...   execve() of a filename pointer that is not mapped
 *                             (EFAULT)
 *   [fork] fexec N PATH ARG...
 *                             execveat(open(PATH, O_PATH), "", ..., AT_EMPTY_PATH)
 *   [fork] execat DIR NAME N ARG...
 *                             execveat(open(DIR, O_PATH), NAME, ..., 0)
 *
 * The exec steps are numbered from 0 (IDX). A failed exec reports "fail IDX
 * <errno>" and, without fork, the script goes on. With fork, a child does the
 * exec: the parent reports "pid IDX <pid>", waits for it and reports
 * "status IDX <wait status>". fexec and execat report "fd IDX <fd>".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wl.h"

extern char **environ;

static char **args;
static int n_args, pos;
static int exec_idx;

static __attribute__((noreturn)) void usage(const char *why)
{
	fprintf(stderr, "wl_exec: bad script at argument %d: %s\n", pos, why);
	exit(2);
}

static const char *next(void)
{
	if (pos >= n_args)
		usage("missing argument");
	return args[pos++];
}

static long next_num(void)
{
	const char *s = next();
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end)
		usage("not a number");
	return v;
}

/* The next n arguments as a NULL-terminated argv (pointing into args). */
static char **next_argv(long n)
{
	char **v;
	long i;

	if (n < 0 || n > n_args - pos)
		usage("bad argument count");
	v = calloc((size_t)n + 1, sizeof(*v));
	if (!v)
		wl_die("calloc");
	for (i = 0; i < n; i++)
		v[i] = args[pos++];
	return v;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

enum exec_kind {
	EXEC,
	BADEXEC,
	FEXEC,
	EXECAT
};

struct exec_step {
	enum exec_kind kind;
	const char *path; /* EXEC, FEXEC: the file; EXECAT: the directory */
	const char *name; /* EXECAT */
	char **argv;
};

static void parse_exec(enum exec_kind kind, struct exec_step *s)
{
	s->kind = kind;
	if (kind == EXECAT) {
		s->path = next();
		s->name = next();
		s->argv = next_argv(next_num());
	} else if (kind == BADEXEC) {
		s->path = NULL;
		s->argv = next_argv(next_num());
	} else {
		long n = next_num();

		s->path = next();
		s->argv = next_argv(n);
	}
}

/* Runs the exec in this process; returns only if it failed. */
static void run_exec(const struct exec_step *s, int idx)
{
	int fd;

	switch (s->kind) {
	case EXEC:
		execve(s->path, s->argv, environ);
		break;
	case BADEXEC:
		/* The first page is never mapped. */
		syscall(SYS_execve, (const char *)16, s->argv, environ);
		break;
	case FEXEC:
		fd = open(s->path, O_PATH);
		if (fd < 0)
			wl_die("open O_PATH");
		wl_report("fd %d %d", idx, fd);
		syscall(SYS_execveat, fd, "", s->argv, environ, AT_EMPTY_PATH);
		break;
	case EXECAT:
		fd = open(s->path, O_PATH | O_DIRECTORY);
		if (fd < 0)
			wl_die("open dir");
		wl_report("fd %d %d", idx, fd);
		syscall(SYS_execveat, fd, s->name, s->argv, environ, 0);
		break;
	}
	wl_report("fail %d %d", idx, errno);
}

/* fork-pid: the pid the next fork's child is to have; 0 for any. */
static pid_t fork_pid;

/* fork(), the child at fork_pid when one was asked for. */
static pid_t fork_as_asked(void)
{
	pid_t want = fork_pid, pid;
	int attempt, fd, len, st;
	char buf[32];

	if (!want)
		return fork();
	fork_pid = 0;
	for (attempt = 0; attempt < 500; attempt++) {
		if (kill(want, 0) == 0 || errno != ESRCH) {
			sleep_ms(2); /* taken: wait for it to be released */
			continue;
		}
		fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			wl_die("open ns_last_pid");
		len = snprintf(buf, sizeof(buf), "%d", want - 1);
		if (write(fd, buf, (size_t)len) != len)
			wl_die("write ns_last_pid");
		close(fd);
		pid = fork();
		if (pid == 0 && getpid() != want)
			_exit(99);
		if (pid <= 0 || pid == want)
			return pid;
		waitpid(pid, &st, 0);
	}
	errno = EAGAIN;
	wl_die("fork-pid: the pid stays taken");
}

static void step_exec(enum exec_kind kind, bool do_fork)
{
	struct exec_step s;
	int idx = exec_idx++;
	pid_t pid;
	int st;

	parse_exec(kind, &s);
	if (!do_fork) {
		run_exec(&s, idx);
		free(s.argv);
		return;
	}
	pid = fork_as_asked();
	if (pid < 0)
		wl_die("fork");
	if (pid == 0) {
		run_exec(&s, idx);
		_exit(127);
	}
	wl_report("pid %d %d", idx, pid);
	if (waitpid(pid, &st, 0) != pid)
		wl_die("waitpid");
	wl_report("status %d %d", idx, st);
	free(s.argv);
}

static void *thread_noop(void *arg)
{
	*(pid_t *)arg = gettid();
	return NULL;
}

static void step_threads(long n)
{
	pthread_t th[50];
	pid_t tids[50];
	long done = 0;
	pid_t last = 0;

	while (done < n) {
		long k = n - done < 50 ? n - done : 50, i;

		for (i = 0; i < k; i++) {
			if (pthread_create(&th[i], NULL, thread_noop, &tids[i]))
				wl_die("pthread_create");
		}
		for (i = 0; i < k; i++) {
			pthread_join(th[i], NULL);
			last = tids[i];
		}
		done += k;
	}
	wl_report("last-tid %d", last);
}

static struct exec_step thread_step;

static void *thread_exec(void *arg)
{
	(void)arg;
	wl_report("tid %d", gettid());
	execve(thread_step.path, thread_step.argv, environ);
	wl_report("fail-thread %d", errno);
	_exit(127);
}

static void step_thread_exec(void)
{
	pthread_t th;

	parse_exec(EXEC, &thread_step);
	if (pthread_create(&th, NULL, thread_exec, NULL))
		wl_die("pthread_create");
	pthread_join(th, NULL); /* the exec ends this thread too */
	_exit(127);
}

static void step_burst(void)
{
	long n = next_num(), inflight = next_num(), padlen = next_num(), i, running = 0, bad = 0;
	const char *log = next();
	const char *marker = next();
	char idx[32], *pad = NULL;
	char *argv[5] = { "true", (char *)marker, idx, NULL, NULL };
	FILE *lf;
	int st;

	lf = fopen(log, "w");
	if (!lf)
		wl_die("fopen log");
	if (padlen > 0) {
		pad = malloc((size_t)padlen + 1);
		if (!pad)
			wl_die("malloc");
		memset(pad, 'p', (size_t)padlen);
		pad[padlen] = '\0';
		argv[3] = pad;
	}
	for (i = 0; i < n; i++) {
		pid_t pid;

		snprintf(idx, sizeof(idx), "%ld", i);
		pid = fork();
		if (pid < 0)
			wl_die("fork");
		if (pid == 0) {
			execve("/bin/true", argv, environ);
			_exit(127);
		}
		fprintf(lf, "%ld %d\n", i, pid);
		if (++running >= inflight) {
			if (wait(&st) < 0)
				wl_die("wait");
			running--;
			if (!WIFEXITED(st) || WEXITSTATUS(st))
				bad++;
		}
	}
	while (running > 0) {
		if (wait(&st) < 0)
			wl_die("wait");
		running--;
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	}
	if (fclose(lf))
		wl_die("fclose log");
	free(pad);
	wl_report("burst-bad %ld", bad);
}

static void step_child(void)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		wl_die("fork");
	if (pid == 0) {
		wl_report("child %d", getpid());
		return;
	}
	if (waitpid(pid, &st, 0) != pid)
		wl_die("waitpid");
	exit(WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1);
}

static void step_daemon(void)
{
	pid_t mid = fork();
	int st;

	if (mid < 0)
		wl_die("fork");
	if (mid == 0) {
		pid_t self = getpid(), d;

		if (setsid() < 0)
			wl_die("setsid");
		d = fork();
		if (d < 0)
			wl_die("fork");
		if (d > 0)
			_exit(0);
		while (getppid() == self)
			sleep_ms(1);
		wl_report("daemon %d", getpid());
		wl_report("daemon-ppid %d", getppid());
		return;
	}
	if (waitpid(mid, &st, 0) != mid)
		wl_die("waitpid");
	exit(WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1);
}

static void *run_script(void *arg);

static void step_leader_exit(void)
{
	pthread_t th;

	if (pthread_create(&th, NULL, run_script, NULL))
		wl_die("pthread_create");
	pthread_exit(NULL);
}

static void *run_script(void *arg)
{
	(void)arg;
	if (gettid() != getpid())
		wl_report("tid %d", gettid());
	while (pos < n_args) {
		const char *op = next();

		if (!strcmp(op, "gate")) {
			wl_gate();
		} else if (!strcmp(op, "sleep")) {
			sleep_ms(next_num());
		} else if (!strcmp(op, "time")) {
			const char *key = next();

			wl_report("%s %llu", key, (unsigned long long)now_ns());
		} else if (!strcmp(op, "say")) {
			const char *key = next();
			const char *val = next();

			wl_report("%s %s", key, val);
		} else if (!strcmp(op, "report-pid")) {
			const char *key = next();

			wl_report("%s %d", key, getpid());
			wl_report("%s-ppid %d", key, getppid());
		} else if (!strcmp(op, "comm")) {
			if (prctl(PR_SET_NAME, next()))
				wl_die("PR_SET_NAME");
		} else if (!strcmp(op, "tag")) {
			next();
		} else if (!strcmp(op, "wait")) {
			while (wait(NULL) > 0 || errno == EINTR)
				;
		} else if (!strcmp(op, "exit")) {
			exit((int)next_num());
		} else if (!strcmp(op, "child")) {
			step_child();
		} else if (!strcmp(op, "daemon")) {
			step_daemon();
		} else if (!strcmp(op, "threads")) {
			step_threads(next_num());
		} else if (!strcmp(op, "thread-exec")) {
			step_thread_exec();
		} else if (!strcmp(op, "setctty")) {
			int fd = open(next(), O_RDWR);

			if (fd < 0 || ioctl(fd, TIOCSCTTY, 0))
				wl_die("setctty");
			wl_report("ctty 1");
		} else if (!strcmp(op, "leader-exit")) {
			step_leader_exit();
		} else if (!strcmp(op, "zombie")) {
			siginfo_t si;
			pid_t pid = fork();

			if (pid < 0)
				wl_die("fork");
			if (pid == 0)
				_exit(0);
			if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT))
				wl_die("waitid");
			wl_report("zombie %d", pid);
		} else if (!strcmp(op, "fork-pid")) {
			fork_pid = (pid_t)next_num();
		} else if (!strcmp(op, "burst")) {
			step_burst();
		} else if (!strcmp(op, "fork")) {
			const char *kind = next();

			if (!strcmp(kind, "exec"))
				step_exec(EXEC, true);
			else if (!strcmp(kind, "fexec"))
				step_exec(FEXEC, true);
			else if (!strcmp(kind, "execat"))
				step_exec(EXECAT, true);
			else if (!strcmp(kind, "badexec"))
				step_exec(BADEXEC, true);
			else
				usage("fork what?");
		} else if (!strcmp(op, "exec")) {
			step_exec(EXEC, false);
		} else if (!strcmp(op, "fexec")) {
			step_exec(FEXEC, false);
		} else if (!strcmp(op, "execat")) {
			step_exec(EXECAT, false);
		} else if (!strcmp(op, "badexec")) {
			step_exec(BADEXEC, false);
		} else {
			usage("unknown step");
		}
	}
	exit(0);
}

int main(int argc, char **argv)
{
	args = argv;
	n_args = argc;
	pos = 1;
	run_script(NULL);
	return 0;
}
