// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The exec-context tests' shared part (see exec_ctx.h): the watched child,
 * the tracer scoped to it, the exec event copied out, and what the test owns.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <criterion/criterion.h>

#include "exec_ctx.h"

#define DEADLINE_MS 20000
#define MAX_COLLECTORS 8

/* The collectors run_exec filled: their buffers are freed by ctx_teardown(). */
static struct ctx_collector *collectors[MAX_COLLECTORS];
static size_t n_collectors;

void buf_add(struct buf *b, const char *p, size_t len, bool nul)
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

void buf_own(struct buf *b)
{
	if (b->p)
		own(b->p);
}

static void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
}

static void ctx_exec_free(struct ctx_exec *x)
{
	int i;

	buf_free(&x->filename);
	buf_free(&x->argv);
	buf_free(&x->cwd);
	buf_free(&x->exe);
	buf_free(&x->interp);
	for (i = 0; i < 3; i++)
		buf_free(&x->fd_path[i]);
	buf_free(&x->env);
	buf_free(&x->all);
}

void ctx_teardown(void)
{
	while (n_collectors)
		ctx_exec_free(&collectors[--n_collectors]->ex);
	owned_free();
}

struct buf joined(char *const argv[], uint32_t *n)
{
	struct buf b = { 0 };

	for (*n = 0; argv[*n]; (*n)++)
		buf_add(&b, argv[*n], strlen(argv[*n]), true);
	buf_own(&b);
	return b;
}

void assert_buf_eq(const struct buf *got, const char *want, size_t len, const char *what)
{
	cr_assert_eq(got->len, len, "%s: %zu bytes, want %zu", what, got->len, len);
	cr_assert(!memcmp(got->p, want, len), "%s differs", what);
}

void assert_bufs_eq(const struct buf *got, const struct buf *want, const char *what)
{
	assert_buf_eq(got, want->p, want->len, what);
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
		take_path(x, &x->fd_path[i], NULL, &x->fd_flags[i], &e->stdio[i].path);
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
	buf_add(&x->filename, e->filename.ptr, e->filename.len, false);
	buf_add(&x->all, e->filename.ptr, e->filename.len, true);
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct held {
	pid_t pid;
	int go_fd;
};

static void setup_child(const struct child_setup *cs)
{
	int i, rc;

	if (!cs)
		return;
	if (cs->dir && chdir(cs->dir))
		_exit(120);
	if (cs->dir_fd > 0 && fchdir(cs->dir_fd))
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
	if (cs->prep) {
		rc = cs->prep(cs->prep_arg);
		if (rc)
			_exit(rc);
	}
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
		if (cs && cs->exec_by_fd)
			execveat(cs->exec_fd, "", argv, envp, AT_EMPTY_PATH);
		else
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

static void keep_collector(struct ctx_collector *c)
{
	size_t i;

	for (i = 0; i < n_collectors; i++)
		if (collectors[i] == c)
			return;
	cr_assert_lt(n_collectors, MAX_COLLECTORS);
	collectors[n_collectors++] = c;
}

void run_exec(struct ctx_collector *c, const char *path, char *const argv[], char *const envp[],
	      const struct child_setup *cs, const struct run_opts *ro)
{
	char *const control_argv[] = { "/bin/true", "control", NULL };
	struct tracer_options o;
	struct held h, ctl;
	struct tracer *t;
	uint32_t pid;
	uint64_t end;
	int ret, status;

	ctx_exec_free(&c->ex);
	memset(c, 0, sizeof(*c));
	keep_collector(c);
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
	cr_assert_eq(write(h.go_fd, "x", 1), 1, "the child did not wait (setup failed?)");
	close(h.go_fd);
	end = now_ms() + DEADLINE_MS;
	while (!c->exits) {
		cr_assert_lt(now_ms(), end, "no exit event for %d", (int)h.pid);
		ret = tracer_poll(t, 50);
		cr_assert(ret == 0 || ret == -EINTR, "tracer_poll: %s", tracer_strerror(ret));
	}
	status = reap(h.pid);
	tracer_destroy(t);
	/* 120-126: the child's own setup or exec failed (setup_child, spawn). */
	cr_assert(!WIFEXITED(status) || WEXITSTATUS(status) < 120 || WEXITSTATUS(status) > 126 ||
			  c->ex.seen,
		  "the child failed before its exec: exit %d", WEXITSTATUS(status));
	cr_assert(c->ex.seen, "the exec was not reported");
	cr_assert_eq(c->target_execs, 1, "one exec, got %zu", c->target_execs);
	cr_assert_eq(c->control_execs, 0, "an exec outside the scope was reported");
	cr_assert_eq(c->lost, 0);
}

bool fallback_path(void)
{
#ifdef TRACER_TEST_HOOKS
	return getenv("TRACER_TEST_NO_PREPARE_EXEC") != NULL;
#else
	return false; /* the library does not read it (src/lib/testhooks.h) */
#endif
}
