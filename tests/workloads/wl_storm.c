// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The stress workload: wl_storm MARKER PHASES FORKS EXECS THREADS PAD
 *
 * PHASES times: waits for the gate (fd 3), then forks FORKS children that
 * _exit at once, forks EXECS children that exec "/bin/true MARKER P.I [PAD
 * bytes]", creates and joins THREADS threads (50 at a time), reaps
 * everything and reports "phase P" (fd 4). Then waits for the gate once
 * more and exits 0. Any failure exits 111 with a message.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wl.h"

#define ST_THREAD_BATCH 50

static void *thread_main(void *arg)
{
	return arg;
}

static void reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			wl_die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "workload: child %d: status %#x\n", (int)pid, status);
		_exit(111);
	}
}

static void forks(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			wl_die("fork");
		if (pid == 0)
			_exit(0);
		reap(pid);
	}
}

static void execs(const char *marker, int phase, long n, const char *pad)
{
	for (long i = 0; i < n; i++) {
		char idx[64];
		char *argv[] = { "true", (char *)marker, idx, (char *)pad, NULL };
		pid_t pid;

		snprintf(idx, sizeof(idx), "%d.%ld", phase, i);
		if (!pad[0])
			argv[3] = NULL;
		pid = fork();
		if (pid < 0)
			wl_die("fork");
		if (pid == 0) {
			execv("/bin/true", argv);
			_exit(112);
		}
		reap(pid);
	}
}

static void threads(long n)
{
	pthread_t t[ST_THREAD_BATCH];

	for (long done = 0; done < n;) {
		int k = n - done < ST_THREAD_BATCH ? (int)(n - done) : ST_THREAD_BATCH;

		for (int i = 0; i < k; i++) {
			errno = pthread_create(&t[i], NULL, thread_main, NULL);
			if (errno)
				wl_die("pthread_create");
		}
		for (int i = 0; i < k; i++)
			pthread_join(t[i], NULL);
		done += k;
	}
}

int main(int argc, char **argv)
{
	char *pad;
	long n_forks, n_execs, n_threads, pad_len;
	int phases;

	if (argc != 7) {
		fprintf(stderr, "usage: wl_storm MARKER PHASES FORKS EXECS THREADS PAD\n");
		return 2;
	}
	phases = atoi(argv[2]);
	n_forks = atol(argv[3]);
	n_execs = atol(argv[4]);
	n_threads = atol(argv[5]);
	pad_len = atol(argv[6]);
	pad = malloc((size_t)pad_len + 1);
	if (!pad)
		wl_die("malloc");
	memset(pad, 'x', (size_t)pad_len);
	pad[pad_len] = '\0';
	for (int p = 0; p < phases; p++) {
		wl_gate();
		forks(n_forks);
		execs(argv[1], p, n_execs, pad);
		threads(n_threads);
		wl_report("phase %d", p);
	}
	wl_gate();
	free(pad);
	return 0;
}
