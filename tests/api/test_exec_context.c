// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The whole exec, exactly and in context (issue 11), through libtracer as a
 * program uses it, in the running kernel (root needed): complete argv with
 * its true count and size, cwd, exe and interpreter, fds 0-2, effective ids
 * and the environment with its redaction. Each test forks a child that sets
 * up its context (directory, fds, ids), waits on a pipe until it is watched,
 * then execs; the test compares every field of that exec with what it set
 * up. A second process outside the scope execs too: it must not be seen.
 *
 * Run twice by ctest: as is (sched_prepare_exec on 6.10+) and with
 * TRACER_TEST_NO_PREPARE_EXEC (the path older kernels take).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <criterion/criterion.h>
#include <tracer/tracer.h>

#include "exec_ctx.h"

TestSuite(exec_context, .fini = ctx_teardown);

static char *const plain_env[] = { "PATH=/usr/bin:/bin", NULL };

/* n arguments: argv[0] the program, then "arg-N-" padded with 'x' to size bytes each. */
static char **make_argv(const char *prog, size_t n, size_t size)
{
	char **argv = own(calloc(n + 1, sizeof(*argv)));
	size_t i;

	argv[0] = own(strdup(prog));
	for (i = 1; i < n; i++) {
		argv[i] = own(malloc(size + 1));
		memset(argv[i], 'x', size);
		memcpy(argv[i], "arg-", 4);
		argv[i][4] = (char)('0' + i % 10);
		argv[i][size] = '\0';
	}
	return argv;
}

static void check_whole_argv(size_t n, size_t size, unsigned int max_arg_bytes)
{
	static struct ctx_collector c;
	struct run_opts ro = { .max_arg_bytes = max_arg_bytes };
	char **argv = make_argv("/bin/true", n, size);
	uint32_t argc;
	struct buf want = joined(argv, &argc);

	run_exec(&c, "/bin/true", argv, plain_env, NULL, &ro);
	cr_assert_eq(c.ex.ret, 0);
	cr_assert_eq(c.ex.argc, n, "argc %u, want %zu", c.ex.argc, n);
	cr_assert_eq(c.ex.total_argc, n);
	cr_assert_eq(c.ex.total_argv_bytes, want.len);
	cr_assert_not(c.ex.argv_truncated);
	cr_assert_not(c.ex.argv_fault);
	assert_bufs_eq(&c.ex.argv, &want, "argv");
}

Test(exec_context, argv_189_arguments_whole_by_default)
{
	check_whole_argv(189, 12, 0);
}

Test(exec_context, argv_180k_whole_by_default)
{
	check_whole_argv(180, 1000, 0);
}

Test(exec_context, argv_1_5m_whole_with_2m_limit)
{
	check_whole_argv(16, 100000, 2u << 20);
}

Test(exec_context, argv_1_5m_cut_at_256k_with_exact_totals)
{
	static struct ctx_collector c;
	char **argv = make_argv("/bin/true", 16, 100000);
	uint32_t argc;
	struct buf want = joined(argv, &argc);
	/* The cut argument's prefix fits the limit with a NUL. */
	size_t keep = TRACER_MAX_ARG_BYTES_DEFAULT - 1, full = 0, i;

	run_exec(&c, "/bin/true", argv, plain_env, NULL, NULL);
	cr_assert_eq(c.ex.total_argc, 16);
	cr_assert_eq(c.ex.total_argv_bytes, want.len);
	cr_assert(c.ex.argv_truncated);
	cr_assert_not(c.ex.argv_fault);
	/* Whole arguments, then a prefix of the one cut (without its NUL). */
	for (i = 0; full + strlen(argv[i]) + 1 <= keep; i++)
		full += strlen(argv[i]) + 1;
	cr_assert_eq(c.ex.argc, i + 1);
	/* The copy adds a NUL after each argument, the cut one included. */
	cr_assert_eq(c.ex.argv.len, keep + 1);
	cr_assert(!memcmp(c.ex.argv.p, want.p, keep), "kept argv differs");
}

Test(exec_context, empty_argument_in_the_middle)
{
	static struct ctx_collector c;
	char *argv[] = { "/bin/true", "a", "", "b", "", NULL };

	run_exec(&c, "/bin/true", argv, plain_env, NULL, NULL);
	cr_assert_eq(c.ex.argc, 5);
	cr_assert_eq(c.ex.total_argc, 5);
	cr_assert_eq(c.ex.total_argv_bytes, 10 + 2 + 1 + 2 + 1);
	cr_assert_not(c.ex.argv_truncated);
	cr_assert_not(c.ex.argv_fault);
	assert_buf_eq(&c.ex.argv, "/bin/true\0a\0\0b\0", 16, "argv");
}

Test(exec_context, cwd_with_space_newline_and_0xff)
{
	static struct ctx_collector c;
	char *dir = own_tmpdir("ctx"), *sub;
	char *argv[] = { "/bin/true", NULL };
	struct child_setup cs = { .fds = { -2, -2, -2 } };

	sub = own_strf("%s/a b\nc\xff", dir);
	cr_assert_eq(mkdir(sub, 0755), 0);
	cs.dir = sub;
	run_exec(&c, "/bin/true", argv, plain_env, &cs, NULL);
	assert_buf_eq(&c.ex.cwd, sub, strlen(sub), "cwd");
	cr_assert_eq(c.ex.cwd_flags, 0);
	assert_buf_eq(&c.ex.exe, "/usr/bin/true", 13, "exe");
	cr_assert(c.ex.interp_none);
	cr_assert_eq(c.ex.euid, getuid());
}

Test(exec_context, exe_through_a_symlink_is_resolved)
{
	static struct ctx_collector c;
	char *dir = own_tmpdir("ctx"), *link;
	char *argv[] = { "link-to-true", NULL };

	link = own_strf("%s/link", dir);
	cr_assert_eq(symlink("/bin/true", link), 0);
	run_exec(&c, link, argv, plain_env, NULL, NULL);
	cr_assert_eq(c.ex.ret, 0);
	assert_buf_eq(&c.ex.exe, "/usr/bin/true", 13, "exe");
	cr_assert(c.ex.interp_none);
}

Test(exec_context, relative_exec_resolves_against_cwd)
{
	static struct ctx_collector c;
	char *dir = own_tmpdir("ctx"), *prog, *cmd, *want;
	char *argv[] = { "./prog", "x", NULL };
	struct child_setup cs = { .fds = { -2, -2, -2 } };

	prog = own_strf("%s/prog", dir);
	cmd = own_strf("cp /bin/true '%s'", prog);
	cr_assert_eq(system(cmd), 0);
	cs.dir = dir;
	run_exec(&c, "./prog", argv, plain_env, &cs, NULL);
	cr_assert_eq(c.ex.ret, 0);
	want = prog;
	assert_buf_eq(&c.ex.exe, want, strlen(want), "exe");
	assert_buf_eq(&c.ex.cwd, dir, strlen(dir), "cwd");
	assert_buf_eq(&c.ex.argv, "./prog\0x\0", 9, "argv");
}

Test(exec_context, script_reports_the_script_and_its_interpreter)
{
	static struct ctx_collector c;
	char *dir = own_tmpdir("ctx"), *script;
	char *argv[] = { "./script.sh", "one", "", NULL };
	static const char body[] = "#!/bin/sh\nexit 0\n";
	struct child_setup cs = { .fds = { -2, -2, -2 } };
	int fd;

	script = own_strf("%s/script.sh", dir);
	fd = open(script, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, body, sizeof(body) - 1), (ssize_t)sizeof(body) - 1);
	close(fd);
	cs.dir = dir;
	run_exec(&c, "./script.sh", argv, plain_env, &cs, NULL);
	cr_assert_eq(c.ex.ret, 0);
	assert_buf_eq(&c.ex.exe, script, strlen(script), "exe");
	cr_assert_not(c.ex.exe_none);
	assert_buf_eq(&c.ex.interp, "/usr/bin/dash", 13, "interpreter");
	if (!fallback_path()) {
		cr_assert_eq(c.ex.total_argc, 3);
		/* Without sched_prepare_exec argv[0] needs a kprobe this machine may lack. */
		assert_buf_eq(&c.ex.argv, "./script.sh\0one\0\0", 17, "argv");
		cr_assert_eq(c.ex.total_argv_bytes, 12 + 4 + 1);
	}
}

Test(exec_context, failed_exec_has_cwd_but_no_exe)
{
	static struct ctx_collector c;
	char *argv[] = { "/nonexistent/prog", "z", NULL };
	struct child_setup cs = { .dir = "/", .fds = { -2, -2, -2 } };

	run_exec(&c, "/nonexistent/prog", argv, plain_env, &cs, NULL);
	cr_assert_eq(c.ex.ret, -ENOENT);
	assert_buf_eq(&c.ex.argv, "/nonexistent/prog\0z\0", 20, "argv");
	cr_assert_eq(c.ex.total_argc, 2);
	assert_buf_eq(&c.ex.cwd, "/", 1, "cwd");
	cr_assert(c.ex.exe_none);
	cr_assert(c.ex.interp_none);
}

Test(exec_context, stdio_file_devnull_pipe)
{
	static struct ctx_collector c;
	char *dir = own_tmpdir("ctx"), *file;
	char *argv[] = { "/bin/true", NULL };
	struct child_setup cs = { 0 };
	struct stat st;
	int in, null, p[2];

	file = own_strf("%s/in put", dir);
	in = open(file, O_RDWR | O_CREAT, 0644);
	null = open("/dev/null", O_WRONLY);
	cr_assert_geq(in, 0);
	cr_assert_geq(null, 0);
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(fstat(p[1], &st), 0);
	cs.fds[0] = in;
	cs.fds[1] = null;
	cs.fds[2] = p[1];
	run_exec(&c, "/bin/true", argv, plain_env, &cs, NULL);
	cr_assert_eq(c.ex.fd_kind[0], TRACER_FD_PATH);
	assert_buf_eq(&c.ex.fd_path[0], file, strlen(file), "fd 0");
	cr_assert_eq(c.ex.fd_kind[1], TRACER_FD_PATH);
	assert_buf_eq(&c.ex.fd_path[1], "/dev/null", 9, "fd 1");
	cr_assert_eq(c.ex.fd_kind[2], TRACER_FD_PIPE);
	cr_assert_eq(c.ex.fd_ino[2], st.st_ino);
	cr_assert_eq(c.ex.fd_path[2].len, 0);
	close(in);
	close(null);
	close(p[0]);
	close(p[1]);
}

Test(exec_context, stdio_closed_and_close_on_exec)
{
	static struct ctx_collector c;
	char *argv[] = { "/bin/true", NULL };
	struct child_setup cs = { .fds = { -1, -2, -2 }, .cloexec1 = true };
	int null = open("/dev/null", O_WRONLY);

	cr_assert_geq(null, 0);
	cs.fds[1] = null;
	cs.fds[2] = null;
	run_exec(&c, "/bin/true", argv, plain_env, &cs, NULL);
	cr_assert_eq(c.ex.fd_kind[0], TRACER_FD_CLOSED);
	cr_assert_eq(c.ex.fd_kind[1], TRACER_FD_CLOSED,
		     "close-on-exec: the program does not get it");
	cr_assert_eq(c.ex.fd_kind[2], TRACER_FD_PATH);
	assert_buf_eq(&c.ex.fd_path[2], "/dev/null", 9, "fd 2");
	close(null);
}

Test(exec_context, setuid_program_run_by_nobody)
{
	static struct ctx_collector c;
	char *dir = own_tmpdir("ctx"), *prog, *cmd;
	char *argv[] = { "suid-true", NULL };
	struct child_setup cs = { .fds = { -2, -2, -2 }, .as_nobody = true };

	prog = own_strf("%s/suid-true", dir);
	cmd = own_strf("cp /bin/true '%s' && chown 0:0 '%s' && chmod 4755 '%s'", prog, prog, prog);
	cr_assert_eq(system(cmd), 0);
	run_exec(&c, prog, argv, plain_env, &cs, NULL);
	cr_assert_eq(c.ex.ret, 0);
	cr_assert_eq(c.ex.uid, 65534);
	cr_assert_eq(c.ex.gid, 65534);
	cr_assert_eq(c.ex.euid, 0, "euid %u", c.ex.euid);
	cr_assert_eq(c.ex.egid, 65534);
	assert_buf_eq(&c.ex.exe, prog, strlen(prog), "exe");
}

static char *const hostile_env[] = {
	"PATH=/usr/bin:/bin",
	"NL=a\nb",
	"ESC=\x1b[31mred\xff",
	"EMPTY=",
	"noequals",
	"MY_API_TOKEN=hunter2-s3cr3t",
	"db_password=pw-0xdeadbeef",
	"DATABASE_URL=postgres://alice:pw-0xfeedface@db/x",
	NULL,
};

static struct buf env_joined(char *const env[], uint32_t *n, bool redact)
{
	struct buf b = { 0 };

	for (*n = 0; env[*n]; (*n)++) {
		const char *e = env[*n], *eq = strchr(e, '=');

		if (redact && eq && (strstr(e, "TOKEN") || strstr(e, "password"))) {
			buf_add(&b, e, (size_t)(eq - e) + 1, false);
			buf_add(&b, TRACER_REDACTED, strlen(TRACER_REDACTED), true);
		} else if (redact && !strncmp(e, "DATABASE_URL=", 13)) {
			/* Whatever the name, the password of a URL. */
			buf_add(&b, "DATABASE_URL=postgres://alice:", 30, false);
			buf_add(&b, TRACER_REDACTED "@db/x", strlen(TRACER_REDACTED "@db/x"), true);
		} else {
			buf_add(&b, e, strlen(e), true);
		}
	}
	buf_own(&b);
	return b;
}

static void check_env(bool keep_secrets)
{
	static struct ctx_collector c;
	struct run_opts ro = { .capture_env = true, .keep_secrets = keep_secrets };
	char *argv[] = { "/bin/true", NULL };
	uint32_t n;
	struct buf raw = env_joined(hostile_env, &n, false);
	struct buf want = env_joined(hostile_env, &n, !keep_secrets);

	run_exec(&c, "/bin/true", argv, hostile_env, NULL, &ro);
	cr_assert(c.ex.env_captured);
	cr_assert_not(c.ex.env_truncated);
	cr_assert_not(c.ex.env_fault);
	cr_assert_eq(c.ex.envc, n);
	cr_assert_eq(c.ex.total_envc, n);
	cr_assert_eq(c.ex.total_env_bytes, raw.len);
	assert_bufs_eq(&c.ex.env, &want, "env");
	if (!keep_secrets) {
		cr_assert_null(memmem(c.ex.all.p, c.ex.all.len, "hunter2", 7),
			       "a secret value reached the event");
		cr_assert_null(memmem(c.ex.all.p, c.ex.all.len, "deadbeef", 8),
			       "a secret value reached the event");
		cr_assert_null(memmem(c.ex.all.p, c.ex.all.len, "feedface", 8),
			       "a URL's password reached the event");
	}
}

Test(exec_context, env_exact_with_secrets_redacted)
{
	check_env(false);
}

Test(exec_context, env_exact_with_keep_secrets)
{
	check_env(true);
}

Test(exec_context, env_not_captured_by_default)
{
	static struct ctx_collector c;
	char *argv[] = { "/bin/true", NULL };

	run_exec(&c, "/bin/true", argv, hostile_env, NULL, NULL);
	cr_assert_not(c.ex.env_captured);
	cr_assert_eq(c.ex.envc, 0);
	cr_assert_null(memmem(c.ex.all.p, c.ex.all.len, "hunter2", 7));
}
