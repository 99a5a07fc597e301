// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Workloads for the lifecycle end-to-end tests (protocol: wl.h). Each waits
 * at its gate (so that tracer can attach first), then does its part and
 * reports what wait(2) said about each child, one line each:
 * "NAME PID STATUS" (STATUS as wait(2) status, decimal), plus "thread TID"
 * lines for the threads it created. "ready PID" says it has named itself.
 *
 *   wl_lifecycle codes     children that end in every way a process can
 *   wl_lifecycle threads   threads, one of which forks a process
 *   wl_lifecycle exitgroup processes whose threads all run when the process
 *                          ends with exit_group() ("eg PID STATUS" each)
 *   wl_lifecycle outside MARKER   a busy process tree that is not traced
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <linux/futex.h>
#include <sched.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wl.h"

static void set_name(const char *name)
{
	prctl(PR_SET_NAME, name, 0, 0, 0);
}

static void record(const char *name, pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		wl_die("waitpid");
	wl_report("%s %d %d", name, (int)pid, status);
}

/* Forks a child named name that runs fn(arg); returns its pid. */
static pid_t spawn(const char *name, void (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		wl_die("fork");
	if (pid == 0) {
		set_name(name);
		fn(arg);
		_exit(99);
	}
	return pid;
}

static void exit_with(void *code)
{
	_exit((int)(long)code);
}

/* Tells the parent it is ready (its name is set), then waits for a signal. */
static void victim(void *ready_fd)
{
	if (write((int)(long)ready_fd, "r", 1) != 1)
		_exit(98);
	for (;;)
		pause();
}

static void killer(void *victim_pid)
{
	if (kill((pid_t)(long)victim_pid, SIGTERM))
		_exit(97);
	_exit(0);
}

/* Read through a volatile pointer, so that the compiler cannot see it is NULL. */
static int *volatile nowhere;

/* A fault: the kernel sends SIGSEGV. With a core limit, a core is dumped. */
static void segv(void *core)
{
	struct rlimit rl;

	/* Up to the hard limit: raising it needs CAP_SYS_RESOURCE. */
	getrlimit(RLIMIT_CORE, &rl);
	rl.rlim_cur = core ? rl.rlim_max : 0;
	setrlimit(RLIMIT_CORE, &rl);
	*nowhere = 1;
	_exit(96);
}

static void *group_exit_thread(void *arg)
{
	(void)arg;
	syscall(SYS_exit_group, 7);
	return NULL;
}

/* A thread that is not the leader ends the whole process with exit_group(7). */
static void group_exit(void *arg)
{
	pthread_t t;

	(void)arg;
	if (pthread_create(&t, NULL, group_exit_thread, NULL))
		_exit(95);
	for (;;)
		pause();
}

static void *last_thread(void *arg)
{
	(void)arg;
	usleep(50000);
	syscall(SYS_exit, 5); /* this thread only */
	return NULL;
}

/*
 * The leader ends first with exit(2) of its thread alone; the last thread
 * ends later with its own code 5. wait(2) reports the last thread's code
 * (Linux 5.19 and later), or the leader's (before).
 */
static void leader_first(void *arg)
{
	pthread_t t;

	(void)arg;
	if (pthread_create(&t, NULL, last_thread, NULL))
		_exit(94);
	syscall(SYS_exit, 2);
}

static int codes(void)
{
	pid_t pid, victim_pid;
	int ready[2];
	char c;

	pid = spawn("lc-exit0", exit_with, (void *)0L);
	record("exit0", pid);
	pid = spawn("lc-exit3", exit_with, (void *)3L);
	record("exit3", pid);
	pid = spawn("lc-exit42", exit_with, (void *)42L);
	record("exit42", pid);

	if (pipe(ready))
		wl_die("pipe");
	victim_pid = spawn("lc-victim", victim, (void *)(long)ready[1]);
	if (read(ready[0], &c, 1) != 1)
		wl_die("read ready");
	pid = spawn("lc-killer", killer, (void *)(long)victim_pid);
	record("killer", pid);
	record("victim", victim_pid);

	pid = spawn("lc-segv", segv, NULL);
	record("segv", pid);
	pid = spawn("lc-core", segv, (void *)1L);
	record("core", pid);
	pid = spawn("lc-grpexit", group_exit, NULL);
	record("grpexit", pid);
	pid = spawn("lc-leader", leader_first, NULL);
	record("leader", pid);
	return 0;
}

static void *idle_thread(void *arg)
{
	wl_report("thread %ld", (long)gettid());
	usleep((useconds_t)(long)arg);
	return NULL;
}

static void child_with_thread(void *arg)
{
	pthread_t t;

	(void)arg;
	if (pthread_create(&t, NULL, idle_thread, (void *)10000L))
		_exit(93);
	pthread_join(t, NULL);
	exit(0);
}

static void *forking_thread(void *arg)
{
	pid_t pid;

	(void)arg;
	wl_report("thread %ld", (long)gettid());
	wl_report("forker %ld", (long)gettid());
	pid = spawn("lc-thrchild", child_with_thread, NULL);
	record("thrchild", pid);
	return NULL;
}

static int threads(void)
{
	pthread_t t[4];
	int i;

	for (i = 0; i < 3; i++)
		if (pthread_create(&t[i], NULL, idle_thread, (void *)20000L))
			wl_die("pthread_create");
	if (pthread_create(&t[3], NULL, forking_thread, NULL))
		wl_die("pthread_create");
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	return 0;
}

#define EG_PROCS 20
#define EG_THREADS 8
#define EG_LOCKS 2000

/* A robust futex the thread holds: the kernel releases it when the thread exits. */
struct eg_lock {
	struct robust_list link;
	unsigned int futex;
};

static pthread_barrier_t eg_started;

/*
 * Holds EG_LOCKS robust futexes, then waits until the process ends. Each
 * exiting thread releases them between its decrement of signal->live and
 * sched_process_exit (exit_mm, futex_exit_release): a window wide enough
 * that the threads of an exit_group are in it together.
 */
static void *locked_thread(void *arg)
{
	static __thread struct robust_list_head head;
	struct eg_lock *locks = calloc(EG_LOCKS, sizeof(*locks));
	unsigned int tid = (unsigned int)gettid();
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;
	int i;

	/* Spread over the CPUs, so that their exits run side by side. */
	if (cpus > 1) {
		CPU_ZERO(&set);
		CPU_SET((int)((long)arg % cpus), &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	if (!locks)
		_exit(91);
	for (i = 0; i < EG_LOCKS; i++) {
		locks[i].futex = tid;
		locks[i].link.next = i + 1 < EG_LOCKS ? &locks[i + 1].link : &head.list;
	}
	head.list.next = &locks[0].link;
	head.futex_offset = (long)offsetof(struct eg_lock, futex);
	head.list_op_pending = NULL;
	if (syscall(SYS_set_robust_list, &head, sizeof(head)))
		_exit(90);
	pthread_barrier_wait(&eg_started);
	for (;;)
		pause();
	return NULL;
}

/* Every thread started, then exit_group(0): they all exit at once. */
static void group_exit_all(void *arg)
{
	pthread_t t;
	int i;

	(void)arg;
	pthread_barrier_init(&eg_started, NULL, EG_THREADS + 1);
	for (i = 0; i < EG_THREADS; i++)
		if (pthread_create(&t, NULL, locked_thread, (void *)(long)i))
			_exit(92);
	pthread_barrier_wait(&eg_started);
	syscall(SYS_exit_group, 0);
}

static int exitgroup(void)
{
	int i;

	for (i = 0; i < EG_PROCS; i++)
		record("eg", spawn("lc-eg", group_exit_all, NULL));
	return 0;
}

static void outside_child(void *marker)
{
	execl("/bin/true", "true", (char *)marker, (char *)NULL);
	_exit(9);
}

/* Out of scope: forks, execs, kills, while the traced workload runs. */
static int outside(const char *marker)
{
	int ready[2], i;
	pid_t pid;
	char c;

	for (i = 0; i < 20; i++) {
		pid = spawn(marker, i % 2 ? outside_child : exit_with, (void *)marker);
		waitpid(pid, NULL, 0);
		if (pipe(ready))
			wl_die("pipe");
		pid = spawn(marker, victim, (void *)(long)ready[1]);
		if (read(ready[0], &c, 1) != 1)
			wl_die("read ready");
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		close(ready[0]);
		close(ready[1]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "outside") == 0) {
		set_name(argv[2]);
		wl_gate();
		return outside(argv[2]);
	}
	if (argc != 2) {
		fprintf(stderr, "usage: wl_lifecycle codes|threads|exitgroup | outside MARKER\n");
		return 2;
	}
	set_name("lc-workload");
	wl_report("ready %d", (int)getpid());
	wl_gate();
	if (strcmp(argv[1], "codes") == 0)
		return codes();
	if (strcmp(argv[1], "threads") == 0)
		return threads();
	if (strcmp(argv[1], "exitgroup") == 0)
		return exitgroup();
	return 2;
}
