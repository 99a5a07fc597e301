// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * A process tree that exists before tracer starts: root R, child C,
 * grandchild G. Each reports "<role> <pid>" and "<role>-ppid <ppid>", waits
 * for the gate, then execs this program again as "wl_tree stage MARKER
 * <role>". In that second stage C forks a new grandchild G2 that execs
 * "/bin/true MARKER G2" (C reports "G2 <pid>"); every process waits for its
 * children before it exits.
 *
 *   wl_tree MARKER
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wl.h"

extern char **environ;

static void reap_all(void)
{
	while (wait(NULL) > 0 || errno == EINTR)
		;
}

static void become(const char *self, const char *marker, const char *role)
{
	char *argv[] = { "wl_tree", "stage", (char *)marker, (char *)role, NULL };

	wl_report("%s %d", role, getpid());
	wl_report("%s-ppid %d", role, getppid());
	wl_gate();
	execve(self, argv, environ);
	wl_die("execve self");
}

int main(int argc, char **argv)
{
	char self[4096];
	ssize_t n;
	pid_t pid;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		wl_die("readlink");
	self[n] = '\0';

	if (argc == 2) {
		const char *marker = argv[1];

		pid = fork();
		if (pid < 0)
			wl_die("fork");
		if (pid == 0) {
			pid = fork();
			if (pid < 0)
				wl_die("fork");
			if (pid == 0)
				become(self, marker, "G");
			become(self, marker, "C");
		}
		become(self, marker, "R");
	}
	if (argc == 4 && !strcmp(argv[1], "stage")) {
		if (!strcmp(argv[3], "C")) {
			pid = fork();
			if (pid < 0)
				wl_die("fork");
			if (pid == 0) {
				execl("/bin/true", "true", argv[2], "G2", (char *)NULL);
				_exit(127);
			}
			wl_report("G2 %d", pid);
		}
		reap_all();
		return 0;
	}
	fprintf(stderr, "usage: wl_tree MARKER\n");
	return 2;
}
