// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * An exec through the 32-bit compat syscall (int $0x80, execve = 11) from a
 * 64-bit process: syscalls:sys_enter_execve does not see it. Linked without
 * PIE so that its static data has 32-bit addresses.
 *
 *   wl_compat MARKER
 *
 * After the gate, a child execs "/bin/true" with argv
 * { "compat-arg0", MARKER, "compat" } (reported as "pid 0 <pid>"). If the
 * compat syscall fails, the child reports "fail 0 <errno>".
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wl.h"

static char path[] = "/bin/true";
static char arg0[] = "compat-arg0";
static char marker[128];
static char tag[] = "compat";
static uint32_t argv32[4];

static uint32_t low(const void *p)
{
	uintptr_t v = (uintptr_t)p;

	if (v > UINT32_MAX) {
		fprintf(stderr, "wl_compat: %p is not a 32-bit address (built as PIE?)\n", p);
		_exit(3);
	}
	return (uint32_t)v;
}

int main(int argc, char **argv)
{
	pid_t pid;
	int st;

	if (argc != 2 || strlen(argv[1]) >= sizeof(marker))
		return 2;
	strcpy(marker, argv[1]);
	argv32[0] = low(arg0);
	argv32[1] = low(marker);
	argv32[2] = low(tag);
	argv32[3] = 0;
	wl_gate();
	pid = fork();
	if (pid < 0)
		wl_die("fork");
	if (pid == 0) {
		long ret = 11;

		__asm__ volatile("int $0x80"
				 : "+a"(ret)
				 : "b"(low(path)), "c"(low(argv32)), "d"(0)
				 : "memory");
		wl_report("fail 0 %ld", -ret);
		_exit(127);
	}
	wl_report("pid 0 %d", pid);
	if (waitpid(pid, &st, 0) != pid)
		wl_die("waitpid");
	wl_report("status 0 %d", st);
	return 0;
}
