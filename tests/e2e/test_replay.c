// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * --format sh in the real kernel: a workload execs sh_recorder with hostile
 * bytes in its argv (argv[0] not its path), cwd and environment; the line
 * tracer printed for that exec, run by bash from another directory, must
 * give sh_recorder the same argv, cwd and environment, byte for byte (the
 * environment's entries in any order: bash exports them in its own).
 *
 * Needs the library's context fields (cwd, environment): without them the
 * line is a "# cwd unknown:" comment, and the test fails.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

TestSuite(replay, .init = h_setup, .fini = h_teardown, .timeout = 180);

#define HOSTILE "a\nb'c\"d$e`f\\g\xff!h\x01i $(touch pwned) ); echo forged; ("

/*
 * The workload: waits for its gate, sends what sh_recorder writes to $1,
 * goes to $2, keeps only the environment it sets, and execs $5 as $3.
 */
static const char workload[] = "read -r -n 1 -u 3 _; exec 3>\"$1\"; cd -- \"$2\" || exit 1; "
			       "unset -v $(compgen -e); export HOSTILE=\"$4\" EMPTY= LC_X=y; "
			       "exec -a \"$3\" -- \"$5\" \"$4\" '' -a --";

/* The NUL-separated strings sh_recorder wrote, sorted from "env" on (buf: the test's pool). */
struct record {
	char *buf;
	size_t len;
	char **s;
	size_t n, env; /* strings, index of "env" */
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void record_load(struct record *r, const char *path)
{
	size_t off;

	r->buf = h_read_file(path, &r->len);
	cr_assert(r->len > 0, "%s: nothing recorded", path);
	r->s = calloc(r->len + 1, sizeof(*r->s));
	cr_assert_not_null(r->s);
	r->n = 0;
	r->env = 0;
	for (off = 0; off < r->len; off += strlen(r->buf + off) + 1) {
		if (!r->env && strcmp(r->buf + off, "env") == 0)
			r->env = r->n;
		r->s[r->n++] = r->buf + off;
	}
	cr_assert(r->env > 0);
	qsort(r->s + r->env + 1, r->n - r->env - 1, sizeof(*r->s), cmp_str);
}

Test(replay, bash_repeats_the_exec)
{
	const char *dir = h_path("d ir\n'$x`\xff");
	const char *orig = h_path("orig.rec"), *again = h_path("replay.rec");
	const char *argv0 = h_str("%s", h_marker("argv0 \n"));
	struct record a, b;
	struct h_tracer t;
	struct h_proc w;
	char *out, *line, *nl;
	size_t len, i;
	pid_t pid;
	int fd, status;

	H_REQUIRE();
	cr_assert_eq(mkdir(dir, 0700), 0);
	H_SPAWN(&w, "/bin/bash", "-c", workload, "wl", orig, dir, argv0, HOSTILE, SH_RECORDER);
	H_TRACER_RUN(&t, "--format", "sh", "--env", "--pid", h_str("%d", w.pid));
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	/* One line: the recorder's exec (cd, compgen and export are builtins). */
	out = h_read_file(t.out_path, &len);
	nl = memchr(out, '\n', len);
	cr_assert(nl && (size_t)(nl - out) + 1 == len, "not one line: %s", h_show(out, len));
	cr_assert(out[0] == '(', "not a command: %s", h_show(out, len));
	line = out;

	/* Run it from / with fd 3 on a new record. */
	fd = open(again, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		if (dup2(fd, 3) != 3 || chdir("/"))
			_exit(120);
		execl("/bin/bash", "bash", "-c", line, (char *)NULL);
		_exit(121);
	}
	close(fd);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);

	record_load(&a, orig);
	record_load(&b, again);
	cr_expect_eq(a.n, b.n, "%zu strings recorded, %zu replayed", a.n, b.n);
	for (i = 0; i < a.n && i < b.n; i++)
		cr_expect_str_eq(a.s[i], b.s[i], "string %zu: %s replayed as %s", i,
				 h_show(a.s[i], strlen(a.s[i])), h_show(b.s[i], strlen(b.s[i])));
	/* And what it was given is what the workload passed. */
	cr_expect_str_eq(a.s[1], argv0);
	cr_expect_str_eq(a.s[2], HOSTILE);
	cr_expect(access(h_path("pwned"), F_OK) != 0);
	free(a.s);
	free(b.s);
}
