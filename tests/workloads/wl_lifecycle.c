// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Workloads for the lifecycle end-to-end tests. Each waits until a byte
 * arrives on fd 0 (so that tracer can attach first), then does its part and
 * writes what wait(2) said about each child to RESULTS, one line each:
 * "NAME PID STATUS" (STATUS as wait(2) status, decimal), plus "thread TID"
 * lines for the threads it created.
 *
 *   lc_workload codes RESULTS     children that end in every way a process can
 *   lc_workload threads RESULTS   threads, one of which forks a process
 *   lc_workload outside MARKER    a busy process tree that is not traced
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static FILE *results;

static void die(const char *what)
{
	fprintf(stderr, "lc_workload: %s: %s\n", what, strerror(errno));
	exit(100);
}

static void set_name(const char *name)
{
	prctl(PR_SET_NAME, name, 0, 0, 0);
}

static void wait_for_go(void)
{
	char c;

	while (read(0, &c, 1) < 0)
		if (errno != EINTR)
			die("read");
}

static void record(const char *name, pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	fprintf(results, "%s %d %d\n", name, (int)pid, status);
	fflush(results);
}

/* Forks a child named name that runs fn(arg); returns its pid. */
static pid_t spawn(const char *name, void (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
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
		die("pipe");
	victim_pid = spawn("lc-victim", victim, (void *)(long)ready[1]);
	if (read(ready[0], &c, 1) != 1)
		die("read ready");
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
	fprintf(results, "thread %ld\n", (long)gettid());
	fflush(results);
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
	fprintf(results, "thread %ld\n", (long)gettid());
	fprintf(results, "forker %ld\n", (long)gettid());
	fflush(results);
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
			die("pthread_create");
	if (pthread_create(&t[3], NULL, forking_thread, NULL))
		die("pthread_create");
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
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
			die("pipe");
		pid = spawn(marker, victim, (void *)(long)ready[1]);
		if (read(ready[0], &c, 1) != 1)
			die("read ready");
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		close(ready[0]);
		close(ready[1]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: lc_workload codes|threads RESULTS | outside MARKER\n");
		return 2;
	}
	if (strcmp(argv[1], "outside") == 0) {
		set_name(argv[2]);
		wait_for_go();
		return outside(argv[2]);
	}
	results = fopen(argv[2], "w");
	if (!results)
		die(argv[2]);
	set_name("lc-workload");
	wait_for_go();
	if (strcmp(argv[1], "codes") == 0)
		return codes();
	if (strcmp(argv[1], "threads") == 0)
		return threads();
	return 2;
}
