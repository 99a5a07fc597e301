// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The benchmark's workload and its little helpers (scripts/bench).
 *
 *   storm run RESULT WORKERS N NARGS CHAIN [LOG]
 *       Stops itself (SIGSTOP) so that a tool can attach, then each of
 *       WORKERS processes forks and execs N times: /bin/true with NARGS
 *       extra 100-byte arguments, or with CHAIN > 0 "storm chain CHAIN",
 *       which execs itself CHAIN times more before exiting. Writes
 *       "seconds execs" to RESULT, stops itself again (the tool's figures
 *       are read then), and exits once continued. With LOG, each worker
 *       writes "pid ns" lines: CLOCK_MONOTONIC just before the fork.
 *   storm chain K             execs itself K-1 more times, then exits
 *   storm stamp               copies standard input to standard output,
 *                             each line prefixed with CLOCK_MONOTONIC ns
 *   storm hold N              forks N children that pause, says "held" on
 *                             standard output, pauses; they die with it
 *   storm tick US MARKER      forks and execs "/bin/true MARKER" every US
 *                             microseconds, until killed
 *   storm ready-time READY MARKER CMD...
 *                             runs CMD with standard output and error on one
 *                             pipe; prints "R E H M": the milliseconds until a
 *                             line holding READY, and until a line holding
 *                             MARKER (the first event the tool reports, with a
 *                             ticker running); CMD's VmHWM (KiB) then, its
 *                             start-up peak; then stops CMD (SIGINT), waits for
 *                             it, and adds the largest peak RSS (KiB) of CMD
 *                             and every process it waited for (a helper it
 *                             ran at start-up counts)
 *   storm own-cost OUT CMD...
 *                             runs CMD and exits with its status; writes "C B N"
 *                             to OUT: CMD's own CPU in ms (user + system of its
 *                             process, its children not counted), and the run
 *                             time (ns) and run count summed over the BPF
 *                             programs it holds, read every OWN_COST_TICK_MS
 *                             while it runs (the last reading before it exits)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARG_BYTES 100

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static __attribute__((noreturn)) void die(const char *what)
{
	fprintf(stderr, "storm: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "storm: child %d failed: status %#x\n", (int)pid, status);
		exit(1);
	}
}

static void worker(const char *self, long n, int nargs, int chain, const char *log, int w)
{
	char **argv = calloc((size_t)nargs + 4, sizeof(*argv));
	char *arg = malloc(ARG_BYTES + 1), chain_s[16], path[4096];
	/*
	 * Strings on the stack, not in .rodata: a forked child has no page
	 * table entries yet for the file-backed mapping, and a tool that reads
	 * argv at sys_enter_execve without faulting (bpftrace's join) would
	 * read nothing and look cheaper than it is.
	 */
	char true_s[] = "true", storm_s[] = "storm", chain_word[] = "chain";
	FILE *lf = NULL;

	if (!argv || !arg)
		die("malloc");
	snprintf(path, sizeof(path), "%s", chain ? self : "/bin/true");
	memset(arg, 'a', ARG_BYTES);
	arg[ARG_BYTES] = '\0';
	snprintf(chain_s, sizeof(chain_s), "%d", chain);
	if (chain) {
		argv[0] = storm_s, argv[1] = chain_word, argv[2] = chain_s;
	} else {
		argv[0] = true_s;
		for (int i = 0; i < nargs; i++)
			argv[1 + i] = arg;
	}
	if (log) {
		char name[4096];

		snprintf(name, sizeof(name), "%s.%d", log, w);
		lf = fopen(name, "w");
		if (!lf)
			die(name);
	}
	for (long i = 0; i < n; i++) {
		uint64_t t0 = now_ns();
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execv(path, argv);
			_exit(127);
		}
		if (lf)
			fprintf(lf, "%d %llu\n", (int)pid, (unsigned long long)t0);
		reap(pid);
	}
	if (lf && fclose(lf))
		die("log");
	free(arg);
	free(argv);
}

static int cmd_run(int argc, char **argv)
{
	const char *result, *log;
	char pid_path[4096];
	int workers, nargs, chain;
	uint64_t t0, t1;
	long n;
	FILE *f;

	if (argc < 7)
		return 2;
	result = argv[2];
	workers = atoi(argv[3]);
	n = atol(argv[4]);
	nargs = atoi(argv[5]);
	chain = atoi(argv[6]);
	log = argc > 7 ? argv[7] : NULL;
	/* RESULT.pid says who to attach to (a launcher may have forked in between). */
	snprintf(pid_path, sizeof(pid_path), "%s.pid", result);
	f = fopen(pid_path, "w");
	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f))
		die(pid_path);
	raise(SIGSTOP);
	t0 = now_ns();
	for (int w = 0; w < workers; w++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			worker("/proc/self/exe", n, nargs, chain, log, w);
			_exit(0);
		}
	}
	for (int w = 0; w < workers; w++) {
		int status;

		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			die("worker");
	}
	t1 = now_ns();
	f = fopen(result, "w");
	if (!f)
		die(result);
	fprintf(f, "%.6f %ld\n", (double)(t1 - t0) / 1e9, workers * n * (chain ? chain : 1));
	if (fclose(f))
		die(result);
	raise(SIGSTOP);
	return 0;
}

static int cmd_chain(int argc, char **argv)
{
	char k[16], self[] = "/proc/self/exe", storm_s[] = "storm", chain_word[] = "chain";
	int left = argc > 2 ? atoi(argv[2]) - 1 : 0;

	if (left <= 0)
		return 0;
	snprintf(k, sizeof(k), "%d", left);
	/* Stack strings: see worker(). */
	execv(self, (char *[]){ storm_s, chain_word, k, NULL });
	die("exec");
}

static int cmd_stamp(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	while ((len = getline(&line, &cap, stdin)) > 0) {
		printf("%llu %.*s", (unsigned long long)now_ns(), (int)len, line);
		fflush(stdout);
	}
	free(line);
	return 0;
}

static int cmd_hold(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 0;

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			/* They end with the holder. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			pause();
			_exit(0);
		}
	}
	printf("held\n");
	fflush(stdout);
	pause();
	return 0;
}

static int cmd_tick(int argc, char **argv)
{
	useconds_t us = argc > 2 ? (useconds_t)atol(argv[2]) : 2000;
	/* Stack copies: see worker(). */
	char marker[256], path[] = "/bin/true", name[] = "true";

	snprintf(marker, sizeof(marker), "%s", argc > 3 ? argv[3] : "tick");
	for (;;) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execv(path, (char *[]){ name, marker, NULL });
			_exit(127);
		}
		reap(pid);
		usleep(us);
	}
}

/* VmHWM of process pid in KiB: its peak resident set so far; -1 if unknown. */
static long vm_hwm_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

/* Gives up on a tool that says nothing for that long. */
#define READY_TIMEOUT_MS 60000

static int cmd_ready_time(int argc, char **argv)
{
	const char *ready, *marker;
	double ready_ms = -1, event_ms = -1;
	char line[8192], buf[4096];
	size_t len = 0;
	int fds[2], status;
	struct rusage ru;
	long hwm_kb;
	uint64_t t0;
	pid_t pid;

	if (argc < 5 || pipe(fds))
		return 2;
	ready = argv[2];
	marker = argv[3];
	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[4], argv + 4);
		_exit(127);
	}
	close(fds[1]);
	while (ready_ms < 0 || event_ms < 0) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		ssize_t r;

		if (poll(&pfd, 1, READY_TIMEOUT_MS) <= 0) {
			fprintf(stderr, "storm: %s said nothing for %d ms\n", argv[4],
				READY_TIMEOUT_MS);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return 1;
		}
		r = read(fds[0], buf, sizeof(buf));
		if (r <= 0) {
			fprintf(stderr, "storm: %s ended before its first event: %.*s\n", argv[4],
				(int)len, line);
			waitpid(pid, &status, 0);
			return 1;
		}
		for (ssize_t i = 0; i < r; i++) {
			double ms;

			if (buf[i] != '\n') {
				if (len < sizeof(line) - 1)
					line[len++] = buf[i];
				continue;
			}
			line[len] = '\0';
			len = 0;
			ms = (double)(now_ns() - t0) / 1e6;
			if (ready_ms < 0 && strstr(line, ready))
				ready_ms = ms;
			/* A tool that prints no ready line is ready at its first event. */
			if (event_ms < 0 && strstr(line, marker)) {
				event_ms = ms;
				if (ready_ms < 0)
					ready_ms = ms;
			}
		}
	}
	hwm_kb = vm_hwm_kb(pid);
	kill(pid, SIGINT);
	while (read(fds[0], buf, sizeof(buf)) > 0)
		;
	waitpid(pid, &status, 0);
	getrusage(RUSAGE_CHILDREN, &ru);
	printf("%.3f %.3f %ld %ld\n", ready_ms, event_ms, hwm_kb, ru.ru_maxrss);
	return 0;
}

/* How often own-cost reads the BPF programs' run time: the tail after the last reading is lost. */
#define OWN_COST_TICK_MS 100
#define MAX_PROGS 256

/*
 * Run time and count summed over the BPF programs pid holds descriptors to,
 * each counted once (a program may be behind several), from fdinfo; false
 * when pid is gone.
 */
static bool bpf_run_totals(pid_t pid, uint64_t *ns, uint64_t *cnt)
{
	unsigned int ids[MAX_PROGS];
	size_t n_ids = 0;
	char path[64], line[256];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo", (int)pid);
	dir = opendir(path);
	if (!dir)
		return false;
	*ns = *cnt = 0;
	while ((d = readdir(dir))) {
		unsigned long long run_ns = 0, run_cnt = 0;
		unsigned int id = 0;
		bool seen = false;
		char file[320];
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, d->d_name);
		f = fopen(file, "r");
		if (!f)
			continue;
		/* Only programs' fdinfo has run_time_ns: links name a prog_id too. */
		while (fgets(line, sizeof(line), f)) {
			sscanf(line, "prog_id: %u", &id);
			if (sscanf(line, "run_time_ns: %llu", &run_ns) == 1)
				seen = true;
			sscanf(line, "run_cnt: %llu", &run_cnt);
		}
		fclose(f);
		for (size_t i = 0; seen && i < n_ids; i++)
			seen = ids[i] != id;
		if (!seen || n_ids == MAX_PROGS)
			continue;
		ids[n_ids++] = id;
		*ns += run_ns;
		*cnt += run_cnt;
	}
	closedir(dir);
	return true;
}

/* utime + stime of pid's threads in ms, from /proc/PID/stat; -1 if unreadable. */
static long own_cpu_ms(pid_t pid)
{
	unsigned long long utime, stime;
	char path[64], buf[1024], *p;
	ssize_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	len = (ssize_t)fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len > 0 ? len : 0] = '\0';
	/* The fields after the command name, which may hold spaces: state is field 3. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
			 &stime) != 2)
		return -1;
	return (long)((utime + stime) * 1000 / (unsigned long long)sysconf(_SC_CLK_TCK));
}

/*
 * The command's own CPU is read once it is a zombie, before it is reaped
 * (waitid WNOWAIT): then its threads are done and its children's time is
 * still apart (cutime), which the rusage of a reaped child would include.
 */
static int cmd_own_cost(int argc, char **argv)
{
	uint64_t bpf_ns = 0, bpf_cnt = 0;
	struct pollfd exited;
	long cpu_ms;
	siginfo_t si;
	int status;
	pid_t pid;
	FILE *f;

	if (argc < 4)
		return 2;
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	/* Readable once it has exited: the build's wall time gets no tick added. */
	exited.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	exited.events = POLLIN;
	if (exited.fd < 0)
		die("pidfd_open");
	for (;;) {
		uint64_t ns, cnt;

		/* Its descriptors close as it exits: keep the last full reading. */
		if (bpf_run_totals(pid, &ns, &cnt) && ns >= bpf_ns)
			bpf_ns = ns, bpf_cnt = cnt;
		if (poll(&exited, 1, OWN_COST_TICK_MS) > 0)
			break;
	}
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT))
		die("waitid");
	cpu_ms = own_cpu_ms(pid);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	close(exited.fd);
	f = fopen(argv[2], "w");
	if (!f ||
	    fprintf(f, "%ld %llu %llu\n", cpu_ms, (unsigned long long)bpf_ns,
		    (unsigned long long)bpf_cnt) < 0 ||
	    fclose(f))
		die(argv[2]);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "run"))
		return cmd_run(argc, argv);
	if (!strcmp(cmd, "chain"))
		return cmd_chain(argc, argv);
	if (!strcmp(cmd, "stamp"))
		return cmd_stamp();
	if (!strcmp(cmd, "hold"))
		return cmd_hold(argc, argv);
	if (!strcmp(cmd, "tick"))
		return cmd_tick(argc, argv);
	if (!strcmp(cmd, "ready-time"))
		return cmd_ready_time(argc, argv);
	if (!strcmp(cmd, "own-cost"))
		return cmd_own_cost(argc, argv);
	fprintf(stderr, "usage: see bench/storm.c\n");
	return 2;
}
