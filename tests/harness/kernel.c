// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * What the running kernel offers, and how fast it runs, for tests whose
 * exact expectation depends on it (scripts/vmtest runs them on 6.1 and 6.12).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "harness.h"

bool h_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma, mi;

	cr_assert(uname(&u) == 0);
	cr_assert(sscanf(u.release, "%d.%d", &ma, &mi) == 2, "kernel release %s", u.release);
	return ma > major || (ma == major && mi >= minor);
}

bool h_has_prepare_exec(void)
{
	/* The test tracer itself uses (src/lib/attach.c). */
	return libbpf_find_vmlinux_btf_id("sched_prepare_exec", BPF_TRACE_RAW_TP) >= 0;
}

/* How much slower than H_FORK_REFERENCE_NS a fork, _exit and wait is on this machine. */
static double fork_slowdown(void)
{
	const int n = 200;
	struct timespec a, b;
	double per_fork, f;
	pid_t pid;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0 || waitpid(pid, NULL, 0) != pid)
			return 1.0;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	per_fork = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / n;
	f = per_fork / H_FORK_REFERENCE_NS;
	return f < 1.0 ? 1.0 : f > H_FORK_SLOWDOWN_MAX ? H_FORK_SLOWDOWN_MAX : f;
}

double h_slowdown(void)
{
	static double factor;
	const char *v;

	if (factor == 0.0) {
		v = getenv("TRACER_VMTEST");
		factor = (v && strcmp(v, "1") == 0 ? H_VMTEST_SLOWDOWN : 1.0) * fork_slowdown();
	}
	return factor;
}
