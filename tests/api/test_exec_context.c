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
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <criterion/criterion.h>
#include <tracer/tracer.h>

#define DEADLINE_MS 20000

/* A byte string owned by the test. */
struct buf {
	char *p;
	size_t len;
};

/* What one exec event said, copied out of the callback. */
struct ctx_exec {
	bool seen;
	int32_t ret;
	uint32_t uid, gid, euid, egid;
	uint32_t argc, total_argc;
	uint64_t total_argv_bytes;
	bool argv_truncated, argv_fault;
	struct buf argv; /* each argument followed by a NUL */
	struct buf cwd, exe, interp;
	uint32_t cwd_flags, exe_flags, interp_flags;
	bool exe_none, interp_none;
	enum tracer_fd_kind fd_kind[3];
	struct buf fd_path[3];
	uint64_t fd_ino[3];
	bool env_captured, env_truncated, env_fault;
	uint32_t envc, total_envc;
	uint64_t total_env_bytes;
	struct buf env; /* each entry followed by a NUL */
	struct buf all; /* every byte the event carried, for "nowhere in the event" checks */
};

struct ctx_collector {
	pid_t target, control;
	struct ctx_exec ex;
	size_t target_execs, control_execs, lost, exits;
};

static void buf_add(struct buf *b, const char *p, size_t len, bool nul)
{
	b->p = realloc(b->p, b->len + len + 2);
	cr_assert_not_null(b->p);
	if (len)
		memcpy(b->p + b->len, p, len);
	b->len += len;
	if (nul)
		b->p[b->len++] = '\0';
	b->p[b->len] = '\0';
}

static void take_path(struct ctx_exec *x, struct buf *b, bool *none, uint32_t *flags,
		      const struct tracer_path *p)
{
	if (none)
		*none = p->path.ptr == NULL;
	if (flags)
		*flags = p->flags;
	if (p->path.ptr) {
		buf_add(b, p->path.ptr, p->path.len, false);
		buf_add(&x->all, p->path.ptr, p->path.len, true);
	}
}

static int collect(void *ctx, const struct tracer_event *ev)
{
	struct ctx_collector *c = ctx;
	const struct tracer_exec_event *e = &ev->exec;
	struct ctx_exec *x = &c->ex;
	uint32_t i;

	if (ev->type == TRACER_EVENT_LOST) {
		c->lost += ev->lost.count;
		return 0;
	}
	if (ev->type == TRACER_EVENT_EXIT && ev->exit.pid == (uint32_t)c->target)
		c->exits++;
	if (ev->type != TRACER_EVENT_EXEC)
		return 0;
	if (e->pid == (uint32_t)c->control)
		c->control_execs++;
	if (e->pid != (uint32_t)c->target)
		return 0;
	if (c->target_execs++)
		return 0;
	cr_assert(TRACER_EVENT_HAS(ev, exec.total_env_bytes));
	x->seen = true;
	x->ret = e->ret;
	x->uid = e->uid;
	x->gid = e->gid;
	x->euid = e->euid;
	x->egid = e->egid;
	x->argc = e->argc;
	x->total_argc = e->total_argc;
	x->total_argv_bytes = e->total_argv_bytes;
	x->argv_truncated = e->argv_truncated;
	x->argv_fault = e->argv_fault;
	for (i = 0; i < e->argc; i++) {
		buf_add(&x->argv, e->argv[i].ptr, e->argv[i].len, true);
		buf_add(&x->all, e->argv[i].ptr, e->argv[i].len, true);
	}
	take_path(x, &x->cwd, NULL, &x->cwd_flags, &e->cwd);
	take_path(x, &x->exe, &x->exe_none, &x->exe_flags, &e->exe);
	take_path(x, &x->interp, &x->interp_none, &x->interp_flags, &e->interpreter);
	for (i = 0; i < 3; i++) {
		x->fd_kind[i] = e->stdio[i].kind;
		x->fd_ino[i] = e->stdio[i].ino;
		take_path(x, &x->fd_path[i], NULL, NULL, &e->stdio[i].path);
	}
	x->env_captured = e->env_captured;
	x->env_truncated = e->env_truncated;
	x->env_fault = e->env_fault;
	x->envc = e->envc;
	x->total_envc = e->total_envc;
	x->total_env_bytes = e->total_env_bytes;
	for (i = 0; i < e->envc; i++) {
		buf_add(&x->env, e->env[i].ptr, e->env[i].len, true);
		buf_add(&x->all, e->env[i].ptr, e->env[i].len, true);
	}
	buf_add(&x->all, e->filename.ptr, e->filename.len, true);
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* How the child sets itself up before its exec (in the child: _exit on error). */
struct child_setup {
	const char *dir; /* chdir */
	int fds[3]; /* dup2 onto 0, 1, 2; -1: close it; -2: leave it */
	bool cloexec1; /* mark fd 1 close-on-exec */
	bool as_nobody; /* setgid/setuid 65534 */
};

struct held {
	pid_t pid;
	int go_fd;
};

static void setup_child(const struct child_setup *cs)
{
	int i;

	if (!cs)
		return;
	if (cs->dir && chdir(cs->dir))
		_exit(120);
	for (i = 0; i < 3; i++) {
		if (cs->fds[i] == -1)
			close(i);
		else if (cs->fds[i] >= 0 && dup2(cs->fds[i], i) != i)
			_exit(121);
	}
	if (cs->cloexec1 && fcntl(1, F_SETFD, FD_CLOEXEC))
		_exit(122);
	if (cs->as_nobody && (setgroups(0, NULL) || setgid(65534) || setuid(65534)))
		_exit(123);
}

static struct held spawn(const char *path, char *const argv[], char *const envp[],
			 const struct child_setup *cs)
{
	struct held h;
	int go[2];
	char c;

	cr_assert_eq(pipe2(go, O_CLOEXEC), 0);
	h.pid = fork();
	cr_assert_geq(h.pid, 0);
	if (h.pid == 0) {
		close(go[1]);
		setup_child(cs);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execve(path, argv, envp);
		_exit(126);
	}
	close(go[0]);
	h.go_fd = go[1];
	return h;
}

static int reap(pid_t pid)
{
	int status;

	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return status;
}

struct run_opts {
	unsigned int max_arg_bytes; /* 0: the default */
	bool capture_env, keep_secrets;
};

/*
 * Runs path with argv/envp in a watched child set up by cs, and a control
 * child outside the scope running the same; fills c with the exec seen.
 */
static void run_exec(struct ctx_collector *c, const char *path, char *const argv[],
		     char *const envp[], const struct child_setup *cs, const struct run_opts *ro)
{
	char *const control_argv[] = { "/bin/true", "control", NULL };
	struct tracer_options o;
	struct held h, ctl;
	struct tracer *t;
	uint32_t pid;
	uint64_t end;
	int ret;

	memset(c, 0, sizeof(*c));
	h = spawn(path, argv, envp, cs);
	ctl = spawn("/bin/true", control_argv, envp, NULL);
	c->target = h.pid;
	c->control = ctl.pid;
	pid = (uint32_t)h.pid;
	tracer_options_init(&o);
	o.pids = &pid;
	o.n_pids = 1;
	o.events = TRACER_EVENT_BIT(TRACER_EVENT_EXEC) | TRACER_EVENT_BIT(TRACER_EVENT_EXIT);
	if (ro && ro->max_arg_bytes)
		o.max_arg_bytes = ro->max_arg_bytes;
	o.capture_env = ro && ro->capture_env;
	o.keep_secrets = ro && ro->keep_secrets;
	o.on_event = collect;
	o.ctx = c;
	cr_assert_eq(tracer_create(&o, &t), 0);
	ret = tracer_start(t);
	cr_assert_eq(ret, 0, "tracer_start: %s: %s", tracer_strerror(ret), tracer_last_error(t));

	cr_assert_eq(write(ctl.go_fd, "x", 1), 1);
	close(ctl.go_fd);
	cr_assert_eq(WEXITSTATUS(reap(ctl.pid)), 0);
	cr_assert_eq(write(h.go_fd, "x", 1), 1);
	close(h.go_fd);
	end = now_ms() + DEADLINE_MS;
	while (!c->exits) {
		cr_assert_lt(now_ms(), end, "no exit event for %d", (int)h.pid);
		ret = tracer_poll(t, 50);
		cr_assert(ret == 0 || ret == -EINTR, "tracer_poll: %s", tracer_strerror(ret));
	}
	reap(h.pid);
	tracer_destroy(t);
	cr_assert(c->ex.seen, "the exec was not reported");
	cr_assert_eq(c->target_execs, 1, "one exec, got %zu", c->target_execs);
	cr_assert_eq(c->control_execs, 0, "an exec outside the scope was reported");
	cr_assert_eq(c->lost, 0);
}

static bool fallback_path(void)
{
	return getenv("TRACER_TEST_NO_PREPARE_EXEC") != NULL;
}

/* argv as the event must show it: each argument followed by a NUL; and its size. */
static struct buf joined(char *const argv[], uint32_t *n)
{
	struct buf b = { 0 };

	for (*n = 0; argv[*n]; (*n)++)
		buf_add(&b, argv[*n], strlen(argv[*n]), true);
	return b;
}

static char *tmpdir_new(void)
{
	char *d = strdup("/tmp/tracer-ctx-XXXXXX");

	cr_assert_not_null(mkdtemp(d));
	cr_assert_eq(chmod(d, 0755), 0);
	return d;
}

static void rm_rf(const char *d)
{
	char cmd[PATH_MAX + 32];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	cr_assert_eq(system(cmd), 0);
}

static void assert_buf_eq(const struct buf *got, const char *want, size_t len, const char *what)
{
	cr_assert_eq(got->len, len, "%s: %zu bytes, want %zu", what, got->len, len);
	cr_assert(!memcmp(got->p, want, len), "%s differs", what);
}

static void assert_bufs_eq(const struct buf *got, const struct buf *want, const char *what)
{
	assert_buf_eq(got, want->p, want->len, what);
}

static char *const plain_env[] = { "PATH=/usr/bin:/bin", NULL };

/* n arguments: argv[0] the program, then "arg-N-" padded with 'x' to size bytes each. */
static char **make_argv(const char *prog, size_t n, size_t size)
{
	char **argv = calloc(n + 1, sizeof(*argv));
	size_t i;

	cr_assert_not_null(argv);
	argv[0] = strdup(prog);
	for (i = 1; i < n; i++) {
		argv[i] = malloc(size + 1);
		cr_assert_not_null(argv[i]);
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
	char *dir = tmpdir_new(), *sub;
	char *argv[] = { "/bin/true", NULL };
	struct child_setup cs = { .fds = { -2, -2, -2 } };

	cr_assert_gt(asprintf(&sub, "%s/a b\nc\xff", dir), 0);
	cr_assert_eq(mkdir(sub, 0755), 0);
	cs.dir = sub;
	run_exec(&c, "/bin/true", argv, plain_env, &cs, NULL);
	assert_buf_eq(&c.ex.cwd, sub, strlen(sub), "cwd");
	cr_assert_eq(c.ex.cwd_flags, 0);
	assert_buf_eq(&c.ex.exe, "/usr/bin/true", 13, "exe");
	cr_assert(c.ex.interp_none);
	cr_assert_eq(c.ex.euid, getuid());
	rm_rf(dir);
}

Test(exec_context, exe_through_a_symlink_is_resolved)
{
	static struct ctx_collector c;
	char *dir = tmpdir_new(), *link;
	char *argv[] = { "link-to-true", NULL };

	cr_assert_gt(asprintf(&link, "%s/link", dir), 0);
	cr_assert_eq(symlink("/bin/true", link), 0);
	run_exec(&c, link, argv, plain_env, NULL, NULL);
	cr_assert_eq(c.ex.ret, 0);
	assert_buf_eq(&c.ex.exe, "/usr/bin/true", 13, "exe");
	cr_assert(c.ex.interp_none);
	rm_rf(dir);
}

Test(exec_context, relative_exec_resolves_against_cwd)
{
	static struct ctx_collector c;
	char *dir = tmpdir_new(), *prog, *cmd, *want;
	char *argv[] = { "./prog", "x", NULL };
	struct child_setup cs = { .fds = { -2, -2, -2 } };

	cr_assert_gt(asprintf(&prog, "%s/prog", dir), 0);
	cr_assert_gt(asprintf(&cmd, "cp /bin/true '%s'", prog), 0);
	cr_assert_eq(system(cmd), 0);
	cs.dir = dir;
	run_exec(&c, "./prog", argv, plain_env, &cs, NULL);
	cr_assert_eq(c.ex.ret, 0);
	want = prog;
	assert_buf_eq(&c.ex.exe, want, strlen(want), "exe");
	assert_buf_eq(&c.ex.cwd, dir, strlen(dir), "cwd");
	assert_buf_eq(&c.ex.argv, "./prog\0x\0", 9, "argv");
	rm_rf(dir);
}

Test(exec_context, script_reports_the_script_and_its_interpreter)
{
	static struct ctx_collector c;
	char *dir = tmpdir_new(), *script;
	char *argv[] = { "./script.sh", "one", "", NULL };
	static const char body[] = "#!/bin/sh\nexit 0\n";
	struct child_setup cs = { .fds = { -2, -2, -2 } };
	int fd;

	cr_assert_gt(asprintf(&script, "%s/script.sh", dir), 0);
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
	rm_rf(dir);
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
	char *dir = tmpdir_new(), *file;
	char *argv[] = { "/bin/true", NULL };
	struct child_setup cs = { 0 };
	struct stat st;
	int in, null, p[2];

	cr_assert_gt(asprintf(&file, "%s/in put", dir), 0);
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
	rm_rf(dir);
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
	char *dir = tmpdir_new(), *prog, *cmd;
	char *argv[] = { "suid-true", NULL };
	struct child_setup cs = { .fds = { -2, -2, -2 }, .as_nobody = true };

	cr_assert_gt(asprintf(&prog, "%s/suid-true", dir), 0);
	cr_assert_gt(asprintf(&cmd, "cp /bin/true '%s' && chown 0:0 '%s' && chmod 4755 '%s'", prog,
			      prog, prog),
		     0);
	cr_assert_eq(system(cmd), 0);
	run_exec(&c, prog, argv, plain_env, &cs, NULL);
	cr_assert_eq(c.ex.ret, 0);
	cr_assert_eq(c.ex.uid, 65534);
	cr_assert_eq(c.ex.gid, 65534);
	cr_assert_eq(c.ex.euid, 0, "euid %u", c.ex.euid);
	cr_assert_eq(c.ex.egid, 65534);
	assert_buf_eq(&c.ex.exe, prog, strlen(prog), "exe");
	rm_rf(dir);
}

static char *const hostile_env[] = {
	"PATH=/usr/bin:/bin",
	"NL=a\nb",
	"ESC=\x1b[31mred\xff",
	"EMPTY=",
	"noequals",
	"MY_API_TOKEN=hunter2-s3cr3t",
	"db_password=pw-0xdeadbeef",
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
		} else {
			buf_add(&b, e, strlen(e), true);
		}
	}
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
