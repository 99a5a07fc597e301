// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * A compiler wrapper linked statically, as some toolchains ship theirs: an
 * LD_PRELOAD library (Bear's) is never loaded into it, so what it runs is
 * invisible to such tools. It runs /usr/bin/gcc (or CDB_REAL_CC) in a child
 * with its own arguments and exits with its status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *real = getenv("CDB_REAL_CC");
	int status;
	pid_t pid;

	(void)argc;
	if (!real)
		real = "/usr/bin/gcc";
	pid = fork();
	if (pid < 0) {
		perror("static_cc: fork");
		return 127;
	}
	if (pid == 0) {
		argv[0] = "gcc";
		execv(real, argv);
		perror("static_cc: exec");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 127;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
