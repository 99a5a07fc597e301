// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * A chain of processes that never stops forking, started before tracer:
 * the root forks generation 1 and waits for the gate to close; every
 * generation k sleeps about 1 ms, forks generation k+1, logs "k pid ns"
 * (CLOCK_MONOTONIC just before the exec) to LOG and execs
 * "wl_chain hold MARKER k", which waits for its child before it exits, so
 * that every generation stays a descendant of the root in the process tree
 * (an orphan re-parented to init before tracer starts cannot be known to
 * descend from the root). When the gate is closed (EOF on fd 3), the
 * current tip reports "end k" and exits, and the chain unwinds.
 *
 *   wl_chain MARKER LOG
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wl.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int stopped(void)
{
	struct pollfd pfd = { .fd = WL_GATE_FD, .events = POLLIN };

	return poll(&pfd, 1, 0) > 0;
}

int main(int argc, char **argv)
{
	const struct timespec ms = { .tv_sec = 0, .tv_nsec = 1000000 };
	char gen[32], line[128], self[4096];
	long k = 0;
	ssize_t n;
	int log;
	pid_t pid;

	if (argc == 4 && !strcmp(argv[1], "hold")) {
		while (wait(NULL) > 0 || errno == EINTR)
			;
		return 0;
	}
	if (argc != 3)
		return 2;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		wl_die("readlink");
	self[n] = '\0';
	log = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644);
	if (log < 0)
		wl_die("open log");
	wl_report("root %d", getpid());

	pid = fork();
	if (pid < 0)
		wl_die("fork");
	if (pid > 0) {
		wl_gate(); /* EOF: stop */
		while (wait(NULL) > 0 || errno == EINTR)
			;
		return 0;
	}
	for (;;) {
		k++;
		nanosleep(&ms, NULL);
		if (stopped()) {
			wl_report("end %ld", k);
			return 0;
		}
		pid = fork();
		if (pid < 0)
			wl_die("fork");
		if (pid == 0)
			continue;
		snprintf(gen, sizeof(gen), "%ld", k);
		n = snprintf(line, sizeof(line), "%ld %d %llu\n", k, getpid(),
			     (unsigned long long)now_ns());
		if (write(log, line, (size_t)n) != n)
			wl_die("write log");
		execl(self, "wl_chain", "hold", argv[1], gen, (char *)NULL);
		wl_die("execl");
	}
}
