// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Unit tests of sh.c: the exact lines, and the lines run by bash from another
 * directory, which must repeat the exec byte for byte (sh_recorder writes
 * down the argv, cwd and environment it got).
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "sh.h"

#define BYTES(s)                                 \
	{                                        \
		.ptr = (s), .len = sizeof(s) - 1 \
	}
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Bytes a hostile process could put anywhere. */
#define HOSTILE "a\nb'c\"d$e`f\\g\xff!h\x01i\x1b[31m\tj$(touch k)"

static struct tracer_event event(const char *filename, struct tracer_bytes *argv, uint32_t argc,
				 const char *cwd)
{
	struct tracer_event ev = {
		.sz = sizeof(ev),
		.type = TRACER_EVENT_EXEC,
		.exec = {
			.pid = 10,
			.ppid = 9,
			.syscall_nr = TRACER_SYSCALL_EXECVE,
			.comm = BYTES("sh"),
			.filename = { filename, strlen(filename) },
			.argc = argc,
			.argv = argv,
			.total_argc = argc,
			.cwd = { .path = { cwd, cwd ? strlen(cwd) : 0 } },
		},
	};

	return ev;
}

static char *sh_line(const struct tracer_event *ev)
{
	struct capture c;

	cap_open(&c);
	cr_assert_eq(format_exec_sh(c.f, ev), 0);
	return cap_close(&c);
}

/* One line: a single newline, at the end, and no other control byte. */
static void assert_one_line(const char *line)
{
	size_t len = strlen(line), i;

	cr_assert(len > 0 && line[len - 1] == '\n', "%s", line);
	for (i = 0; i + 1 < len; i++)
		cr_assert((unsigned char)line[i] >= 0x20 && line[i] != 0x7f,
			  "byte %zu of %s is 0x%02x", i, line, (unsigned char)line[i]);
}

Test(sh, plain_line)
{
	struct tracer_bytes argv[] = { BYTES("gcc"), BYTES("-c"), BYTES("x.c") };
	struct tracer_event ev = event("/usr/bin/gcc", argv, N(argv), "/src");
	char *line = sh_line(&ev);

	cr_assert_str_eq(line, "(cd -P -- /src || exit; exec -a gcc -- /usr/bin/gcc -c x.c)\n");
	free(line);
}

Test(sh, quoted_words)
{
	struct tracer_bytes argv[] = { BYTES("my prog"), BYTES("it's"), BYTES("a\nb"),
				       BYTES("$HOME"),	 BYTES("\xff"), BYTES("") };
	struct tracer_event ev = event("prog", argv, N(argv), "/a b");
	char *line = sh_line(&ev);

	/* A filename without a slash runs from the cwd, not from $PATH: ./prog. */
	cr_assert_str_eq(line, "(cd -P -- '/a b' || exit; exec -a 'my prog' -- ./prog 'it'\\''s' "
			       "$'a\\nb' '$HOME' $'\\xff' '')\n");
	free(line);
}

Test(sh, environment)
{
	struct tracer_bytes argv[] = { BYTES("env") };
	struct tracer_bytes env[] = { BYTES("A=1"), BYTES("B=x y"), BYTES("C=") };
	struct tracer_event ev = event("/usr/bin/env", argv, N(argv), "/");
	char *line;

	ev.exec.env_captured = true;
	ev.exec.env = env;
	ev.exec.envc = ev.exec.total_envc = N(env);
	line = sh_line(&ev);
	cr_assert_str_eq(line, "(cd -P -- / || exit; IFS=$' \\t\\n'; unset -v $(compgen -e); A=1 "
			       "B='x y' C='' exec -a env -- /usr/bin/env)\n");
	free(line);
}

Test(sh, comments)
{
	struct tracer_bytes argv[] = { BYTES("x\n$(id)") };
	struct tracer_bytes env[] = { BYTES("A-B=1") };
	struct tracer_event ev = event("/nope\nrm -rf /", argv, N(argv), "/");
	char *line;

	ev.exec.ret = -2;
	line = sh_line(&ev);
	cr_assert_str_eq(line, "# failed: ENOENT: (cd -P -- / || exit; exec -a $'x\\n$(id)' -- "
			       "$'/nope\\nrm -rf /')\n");
	free(line);

	ev.exec.ret = 0;
	ev.exec.argv_truncated = true;
	line = sh_line(&ev);
	cr_assert(strncmp(line, "# argv truncated: (", 19) == 0, "%s", line);
	free(line);

	ev.exec.argv_truncated = false;
	ev.exec.cwd.flags = TRACER_PATH_DELETED;
	line = sh_line(&ev);
	cr_assert(strncmp(line, "# cwd deleted: (", 16) == 0, "%s", line);
	free(line);

	ev.exec.cwd.flags = 0;
	ev.exec.env_captured = true;
	ev.exec.env = env;
	ev.exec.envc = 1;
	line = sh_line(&ev);
	cr_assert(strncmp(line, "# environment entry not settable from bash: (", 45) == 0, "%s",
		  line);
	free(line);

	env[0] = (struct tracer_bytes)BYTES("API_TOKEN=" TRACER_REDACTED);
	line = sh_line(&ev);
	cr_assert(strncmp(line, "# environment redacted: (", 25) == 0, "%s", line);
	free(line);
	/* A URL's password, redacted whatever the variable's name. */
	env[0] = (struct tracer_bytes)BYTES("DATABASE_URL=postgres://alice:" TRACER_REDACTED
					    "@host/db");
	line = sh_line(&ev);
	cr_assert(strncmp(line, "# environment redacted: (", 25) == 0, "%s", line);
	free(line);
	env[0] = (struct tracer_bytes)BYTES("NOT_REDACTED=<redacte>d");
	line = sh_line(&ev);
	cr_assert(line[0] == '(', "%s", line);
	free(line);

	/* An event of a library without the context: no cwd to go to. */
	ev.sz = offsetof(struct tracer_event, exec.total_argc);
	line = sh_line(&ev);
	cr_assert_str_eq(line, "# cwd unknown: (exec -a $'x\\n$(id)' -- $'/nope\\nrm -rf /')\n");
	free(line);
}

/*
 * fexecve(): the filename is the kernel's /dev/fd/N, an fd bash does not
 * have; the same for a name of the caller's fds passed to execve. The line
 * runs the exe, or is a comment when the exe cannot be run.
 */
Test(sh, program_run_through_an_fd)
{
	struct tracer_bytes argv[] = { BYTES("x"), BYTES("a b") };
	struct tracer_event ev = event("/dev/fd/3", argv, N(argv), "/tmp");
	char *line;

	ev.exec.syscall_nr = TRACER_SYSCALL_EXECVEAT;
	ev.exec.exe = (struct tracer_path){ .path = BYTES("/usr/bin/true") };
	line = sh_line(&ev);
	cr_assert_str_eq(line, "(cd -P -- /tmp || exit; exec -a x -- /usr/bin/true 'a b')\n");
	free(line);

	ev.exec.syscall_nr = TRACER_SYSCALL_EXECVE;
	ev.exec.filename = (struct tracer_bytes)BYTES("/proc/self/fd/7");
	line = sh_line(&ev);
	cr_assert_str_eq(line, "(cd -P -- /tmp || exit; exec -a x -- /usr/bin/true 'a b')\n");
	free(line);

	/* An ordinary absolute name is run as given, not as the exe it resolved to. */
	ev.exec.filename = (struct tracer_bytes)BYTES("/bin/true");
	line = sh_line(&ev);
	cr_assert_str_eq(line, "(cd -P -- /tmp || exit; exec -a x -- /bin/true 'a b')\n");
	free(line);

	ev.exec.filename = (struct tracer_bytes)BYTES("/dev/fd/3");
	ev.exec.exe =
		(struct tracer_path){ .path = BYTES("/tmp/prog"), .flags = TRACER_PATH_DELETED };
	line = sh_line(&ev);
	cr_assert_str_eq(line,
			 "# exe deleted: (cd -P -- /tmp || exit; exec -a x -- /dev/fd/3 'a b')\n");
	free(line);

	ev.exec.exe =
		(struct tracer_path){ .path = BYTES("/sub/prog"), .flags = TRACER_PATH_DETACHED };
	line = sh_line(&ev);
	cr_assert(strncmp(line, "# exe not reachable: (", 22) == 0, "%s", line);
	free(line);

	/* A #! script run through an fd: the kernel names it by the fd too. */
	ev.exec.exe = (struct tracer_path){ .path = BYTES("/dev/fd/3") };
	line = sh_line(&ev);
	cr_assert(strncmp(line, "# exe unknown: (", 16) == 0, "%s", line);
	free(line);

	ev.exec.exe = (struct tracer_path){ .path = { NULL, 0 } };
	line = sh_line(&ev);
	cr_assert(strncmp(line, "# exe unknown: (", 16) == 0, "%s", line);
	free(line);
}

/*
 * Every name that reaches the file through a descriptor or a process, however
 * it is spelled: the line runs the exe. Names that only look alike are run as
 * given.
 */
Test(sh, every_descriptor_path_runs_the_exe)
{
	static const struct {
		const char *filename, *cwd;
	} through[] = {
		{ "/dev/fd/3", "/tmp" },
		{ "/proc/self/fd/3", "/tmp" },
		{ "/proc/thread-self/fd/3", "/tmp" },
		{ "/proc/1234/fd/3", "/tmp" },
		{ "/proc/1234/task/1235/fd/3", "/tmp" },
		{ "/proc/self/task/1235/fd/3", "/tmp" },
		{ "//dev/fd/0", "/tmp" },
		{ "/dev//fd/0", "/tmp" },
		{ "/dev/./fd/0", "/tmp" },
		{ "/./dev/fd/0", "/tmp" },
		{ "///proc//self/./fd//3", "/tmp" },
		{ "/dev/stdin", "/tmp" },
		{ "/dev/stdout", "/tmp" },
		{ "/dev/stderr", "/tmp" },
		{ "/proc/self/exe", "/tmp" },
		{ "/proc/1/exe", "/tmp" },
		{ "/proc/1234/root/usr/bin/x", "/tmp" },
		{ "/proc/self/cwd/prog", "/tmp" },
		{ "/usr/../dev/fd/3", "/tmp" },
		{ "/dev/fd/../exe", "/tmp" },
		{ "/proc/self/fd/../../1/exe", "/tmp" },
		/* relative to a cwd that is a descriptor's directory */
		{ "3", "/dev/fd" },
		{ "./3", "/proc/1234/fd" },
		{ "fd/3", "/dev" },
		{ "self/fd/3", "/proc" },
		{ "stdin", "/dev" },
		{ "../fd/3", "/dev/fd" },
	};
	static const char *const as_given[] = {
		"/usr/lib/gcc/x86_64-linux-gnu/12/../../../../bin/ld",
		"/device/fd/3",
		"/devfd/3",
		"/procfs/1/fd/3",
		"/proc/sys/kernel/x",
		"/dev/fdx/3",
		"/dev/null",
		"/tmp/dev/fd/3",
		"/home/u/proc/self/exe",
	};
	struct tracer_bytes argv[] = { BYTES("x"), BYTES("a b") };
	struct tracer_event ev = event("/", argv, N(argv), "/tmp");
	char *line, *want;
	size_t i;

	ev.exec.exe = (struct tracer_path){ .path = BYTES("/usr/bin/true") };
	for (i = 0; i < N(through); i++) {
		ev.exec.filename =
			(struct tracer_bytes){ through[i].filename, strlen(through[i].filename) };
		ev.exec.cwd.path = (struct tracer_bytes){ through[i].cwd, strlen(through[i].cwd) };
		line = sh_line(&ev);
		cr_assert(asprintf(&want,
				   "(cd -P -- %s || exit; exec -a x -- /usr/bin/true 'a b')\n",
				   through[i].cwd) > 0);
		cr_expect_str_eq(line, want, "%s in %s: %s", through[i].filename, through[i].cwd,
				 line);
		free(want);
		free(line);
	}
	ev.exec.cwd.path = (struct tracer_bytes)BYTES("/tmp");
	for (i = 0; i < N(as_given); i++) {
		ev.exec.filename = (struct tracer_bytes){ as_given[i], strlen(as_given[i]) };
		line = sh_line(&ev);
		cr_assert(asprintf(&want, "(cd -P -- /tmp || exit; exec -a x -- %s 'a b')\n",
				   as_given[i]) > 0);
		cr_expect_str_eq(line, want, "%s", line);
		free(want);
		free(line);
	}
	/* The exe itself named through a process (a #! script run that way): unknown. */
	ev.exec.filename = (struct tracer_bytes)BYTES("/proc/1234/fd/3");
	ev.exec.exe = (struct tracer_path){ .path = BYTES("/proc/1234/fd/3") };
	line = sh_line(&ev);
	cr_expect(strncmp(line, "# exe unknown: (", 16) == 0, "%s", line);
	free(line);
}

Test(sh, hostile_bytes_stay_one_line)
{
	struct tracer_bytes argv[] = { BYTES(HOSTILE), BYTES(HOSTILE), BYTES("\x7f\x80\xc0") };
	struct tracer_bytes env[] = { BYTES("V=" HOSTILE), BYTES("W=\n") };
	struct tracer_event ev = event("/bin/" HOSTILE, argv, N(argv), "/" HOSTILE);
	char *line;

	ev.exec.env_captured = true;
	ev.exec.env = env;
	ev.exec.envc = N(env);
	line = sh_line(&ev);
	assert_one_line(line);
	free(line);
	ev.exec.ret = -13;
	line = sh_line(&ev);
	assert_one_line(line);
	free(line);
}

/* ---- run by bash ---- */

struct recorded {
	char *buf;
	size_t len;
};

/*
 * Runs line with bash -c from / with fd 3 on a file (and stdin on in_fd
 * unless -1); what sh_recorder wrote there.
 */
static struct recorded run_line_stdin(const char *line, int in_fd, int *status)
{
	char path[] = "/tmp/test_sh_out.XXXXXX";
	struct recorded r = { 0 };
	int fd = mkstemp(path);
	struct stat st;
	pid_t pid;

	cr_assert(fd >= 0);
	unlink(path);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		if (dup2(fd, 3) != 3 || chdir("/"))
			_exit(120);
		if (in_fd >= 0 && dup2(in_fd, 0) != 0)
			_exit(120);
		execl("/bin/bash", "bash", "-c", line, (char *)NULL);
		_exit(121);
	}
	cr_assert_eq(waitpid(pid, status, 0), pid);
	cr_assert_eq(fstat(fd, &st), 0);
	r.len = (size_t)st.st_size;
	r.buf = malloc(r.len + 1);
	cr_assert_not_null(r.buf);
	cr_assert_eq(pread(fd, r.buf, r.len, 0), (ssize_t)r.len);
	close(fd);
	return r;
}

static struct recorded run_line(const char *line, int *status)
{
	return run_line_stdin(line, -1, status);
}

/* The next NUL-terminated string of r from *off. */
static const char *next(const struct recorded *r, size_t *off)
{
	const char *s = r->buf + *off;

	cr_assert(*off < r->len);
	*off += strlen(s) + 1;
	return s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void assert_env_equal(const char **got, size_t n_got, struct tracer_bytes *want,
			     size_t n_want)
{
	char **w = calloc(n_want + 1, sizeof(*w));
	size_t i;

	cr_assert_eq(n_got, n_want);
	for (i = 0; i < n_want; i++)
		w[i] = strndup(want[i].ptr, want[i].len);
	qsort(w, n_want, sizeof(*w), cmp_str);
	qsort(got, n_got, sizeof(*got), cmp_str);
	for (i = 0; i < n_want; i++) {
		cr_assert_str_eq(got[i], w[i]);
		free(w[i]);
	}
	free(w);
}

/* A directory whose name holds a space, a newline, a quote, $ and byte 0xff. */
static char *hostile_dir(char *base)
{
	char *dir;

	cr_assert_not_null(mkdtemp(base));
	cr_assert(asprintf(&dir, "%s/d ir\n'$x`\xff", base) > 0);
	cr_assert_eq(mkdir(dir, 0700), 0);
	return dir;
}

Test(sh, bash_repeats_the_exec)
{
	char base[] = "/tmp/test_sh.XXXXXX";
	char *dir = hostile_dir(base);
	struct tracer_bytes argv[] = { BYTES("argv0 is not the path"),
				       BYTES(HOSTILE),
				       BYTES(""),
				       BYTES("); echo forged; ("),
				       BYTES("\xff\xfe"),
				       BYTES("--"),
				       BYTES("-a") };
	struct tracer_bytes env[] = { BYTES("HOSTILE=" HOSTILE),
				      BYTES("EMPTY="),
				      BYTES("PATH=/nowhere"),
				      BYTES("_=/x"),
				      BYTES("SHLVL=7"),
				      BYTES("PWD=/elsewhere"),
				      BYTES("IFS=x") };
	struct tracer_event ev = event(SH_RECORDER, argv, N(argv), dir);
	const char *got_env[16];
	struct recorded r;
	size_t off = 0, i, n = 0;
	char *line;
	int status;

	ev.exec.env_captured = true;
	ev.exec.env = env;
	ev.exec.envc = ev.exec.total_envc = N(env);
	line = sh_line(&ev);
	assert_one_line(line);
	r = run_line(line, &status);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d: %s", status, line);
	cr_assert_str_eq(next(&r, &off), "argv");
	for (i = 0; i < N(argv); i++)
		cr_assert_str_eq(next(&r, &off), argv[i].ptr, "argv[%zu] of %s", i, line);
	cr_assert_str_eq(next(&r, &off), "cwd");
	cr_assert_str_eq(next(&r, &off), dir);
	cr_assert_str_eq(next(&r, &off), "env");
	while (off < r.len && n < N(got_env))
		got_env[n++] = next(&r, &off);
	/* The same entries; bash passes them in its own order. */
	assert_env_equal(got_env, n, env, N(env));
	free(r.buf);
	free(line);
	rmdir(dir);
	rmdir(base);
	free(dir);
}

Test(sh, bash_keeps_the_current_environment_without_env)
{
	struct tracer_bytes argv[] = { BYTES("rec") };
	struct tracer_event ev = event(SH_RECORDER, argv, N(argv), "/tmp");
	struct recorded r;
	size_t off = 0;
	bool seen = false;
	char *line;
	int status;

	cr_assert_eq(setenv("TEST_SH_MARK", "kept", 1), 0);
	line = sh_line(&ev);
	r = run_line(line, &status);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	while (off < r.len)
		if (strcmp(next(&r, &off), "TEST_SH_MARK=kept") == 0)
			seen = true;
	cr_assert(seen);
	free(r.buf);
	free(line);
}

/*
 * The attack: a traced program runs a harmless file through a descriptor
 * name; root pastes the line later, when that name (its own stdin, or a
 * descriptor of another process) holds an attacker's script. The line must
 * run the file that ran, never the script.
 */
Test(sh, bash_never_runs_what_a_descriptor_holds_later)
{
	char dir[] = "/tmp/test_sh_fd.XXXXXX", script[64], marker[64], proc_fd[64];
	const char *names[] = { "/dev/stdin", "//dev/fd/0", "/dev/./fd/0", proc_fd };
	struct tracer_bytes argv[] = { BYTES("rec") };
	struct tracer_event ev = event("/", argv, N(argv), "/tmp");
	struct recorded r;
	size_t i, off;
	char *line;
	int fd, status;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(script, sizeof(script), "%s/evil", dir);
	snprintf(marker, sizeof(marker), "%s/pwned", dir);
	f = fopen(script, "w");
	cr_assert_not_null(f);
	fprintf(f, "#!/bin/sh\ntouch %s\n", marker);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(script, 0755), 0);
	/* The attacker's script behind a descriptor of another process: this one's. */
	fd = open(script, O_RDONLY);
	cr_assert(fd > 3);
	snprintf(proc_fd, sizeof(proc_fd), "/proc/%d/fd/%d", (int)getpid(), fd);
	ev.exec.exe = (struct tracer_path){ .path = { SH_RECORDER, strlen(SH_RECORDER) } };
	for (i = 0; i < N(names); i++) {
		ev.exec.filename = (struct tracer_bytes){ names[i], strlen(names[i]) };
		line = sh_line(&ev);
		r = run_line_stdin(line, fd, &status);
		cr_expect(access(marker, F_OK) != 0, "%s ran the attacker's script: %s", names[i],
			  line);
		unlink(marker);
		off = 0;
		cr_expect(r.len > 0 && strcmp(next(&r, &off), "argv") == 0,
			  "%s did not run the file that ran: %s", names[i], line);
		free(r.buf);
		free(line);
	}
	close(fd);
	unlink(script);
	rmdir(dir);
}

/* D=1 D=2: bash exports the last assignment only, and the line says so. */
Test(sh, repeated_names_said_in_the_line)
{
	struct tracer_bytes argv[] = { BYTES("rec") };
	struct tracer_bytes env[] = { BYTES("D=1"), BYTES("A=x"), BYTES("D=2"),
				      BYTES("E=1"), BYTES("E=2"), BYTES("D=3") };
	struct tracer_event ev = event(SH_RECORDER, argv, N(argv), "/tmp");
	struct recorded r;
	size_t off = 0;
	const char *s;
	char *line;
	bool d = false;
	int status;

	ev.exec.env_captured = true;
	ev.exec.env = env;
	ev.exec.envc = ev.exec.total_envc = N(env);
	line = sh_line(&ev);
	assert_one_line(line);
	cr_assert_not_null(strstr(line, ") # environment: D, E repeated, only the last value of "
					"each passed\n"),
			   "%s", line);
	r = run_line(line, &status);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", line);
	while (off < r.len) {
		s = next(&r, &off);
		cr_expect(strcmp(s, "D=1") != 0 && strcmp(s, "D=2") != 0, "%s passed", s);
		d |= strcmp(s, "D=3") == 0;
	}
	cr_expect(d, "D=3 not passed");
	free(r.buf);
	free(line);

	env[2] = (struct tracer_bytes)BYTES("F=2");
	env[4] = (struct tracer_bytes)BYTES("G=2");
	line = sh_line(&ev);
	cr_assert_not_null(strstr(line,
				  ") # environment: D repeated, only its last value passed\n"),
			   "%s", line);
	free(line);
}

Test(sh, bash_runs_nothing_for_a_comment)
{
	struct tracer_bytes argv[] = { BYTES("rec\n" SH_RECORDER "\n") };
	struct tracer_event ev = event(SH_RECORDER, argv, N(argv), "/tmp");
	struct recorded r;
	char *line;
	int status;

	ev.exec.ret = -8;
	line = sh_line(&ev);
	r = run_line(line, &status);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_eq(r.len, 0, "%s ran", line);
	free(r.buf);
	free(line);
}
