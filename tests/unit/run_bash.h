/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* The unit tests' bash: what a shell word or a line reads back as. */
#ifndef TRACER_TEST_RUN_BASH_H
#define TRACER_TEST_RUN_BASH_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Runs bash -c script with LC_ALL=locale and PATH=/nonexistent (a command
 * the script names cannot run: only builtins); returns its standard output,
 * *out_len bytes, to free. bash must exit 0.
 */
static inline char *run_bash(const char *script, const char *locale, size_t *out_len)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fds[2], status;
	pid_t pid;

	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		setenv("LC_ALL", locale, 1);
		setenv("PATH", "/nonexistent", 1);
		execl("/bin/bash", "bash", "--norc", "--noprofile", "-c", script, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			cap = cap * 2 + 4096;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
		n = read(fds[0], buf + len, cap - len);
		cr_assert(n >= 0);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fds[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "bash failed on: %s", script);
	*out_len = len;
	return buf;
}

#endif
