// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The attacker of issue 12, finding 6: takes another command name with
 * prctl(PR_SET_NAME), as any process may, then execs a program, hoping that
 * an exclusion by name hides the exec.
 *
 * usage: sec_rename_exec NAME PROGRAM [ARG...]
 */
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: sec_rename_exec NAME PROGRAM [ARG...]\n", stderr);
		return 2;
	}
	if (prctl(PR_SET_NAME, argv[1], 0, 0, 0)) {
		perror("prctl");
		return 1;
	}
	execv(argv[2], &argv[2]);
	perror(argv[2]);
	return 127;
}
