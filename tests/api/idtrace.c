// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The identity and cgroup tests' shared part (see idtrace.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <criterion/criterion.h>

#include "idtrace.h"

#define MAX_GROUPS 16

static char *groups[MAX_GROUPS]; /* made in this order: removed in the reverse one */
static size_t n_groups;
static char *cg_root;

void id_teardown(void)
{
	while (n_groups) {
		char *g = groups[--n_groups];

		if (rmdir(g) && errno != ENOENT)
			fprintf(stderr, "could not remove cgroup %s: %s\n", g, strerror(errno));
		free(g);
	}
	if (cg_root) {
		umount2(cg_root, MNT_DETACH);
		rmdir(cg_root);
		free(cg_root);
		cg_root = NULL;
	}
	owned_free();
}

static void copy_bytes(char *dst, const struct tracer_bytes *b)
{
	size_t n = b->len < ID_STR - 1 ? b->len : ID_STR - 1;

	if (b->ptr)
		memcpy(dst, b->ptr, n);
	dst[b->ptr ? n : 0] = '\0';
}

static void copy_exec(struct id_event *x, const struct tracer_event *ev)
{
	const struct tracer_exec_event *e = &ev->exec;

	cr_assert(TRACER_EVENT_HAS(ev, exec.cgroup));
	x->pid = e->pid;
	x->ppid = e->ppid;
	x->ret = e->ret;
	copy_bytes(x->filename, &e->filename);
	copy_bytes(x->exe, &e->exe.path);
	if (e->argc > 1)
		copy_bytes(x->arg1, &e->argv[1]);
	x->exe_ino = e->exe_ino;
	x->exe_dev = e->exe_dev;
	x->mntns = e->mntns;
	x->pidns = e->pidns;
	x->ns_pid = e->ns_pid;
	x->cgroup_id = e->cgroup_id;
	x->cgroup_none = e->cgroup.ptr == NULL;
	copy_bytes(x->cgroup, &e->cgroup);
}

static int collect(void *ctx, const struct tracer_event *ev)
{
	struct id_trace *tr = ctx;
	struct id_event *x;

	if (ev->type == TRACER_EVENT_LOST) {
		tr->lost += ev->lost.count;
		return 0;
	}
	cr_assert_lt(tr->n, ID_MAX_EVENTS, "more events than the test expects");
	x = &tr->ev[tr->n++];
	memset(x, 0, sizeof(*x));
	x->type = ev->type;
	switch (ev->type) {
	case TRACER_EVENT_EXEC:
		copy_exec(x, ev);
		break;
	case TRACER_EVENT_EXIT:
		x->pid = ev->exit.pid;
		break;
	case TRACER_EVENT_FORK:
		x->pid = ev->fork.pid;
		x->ppid = ev->fork.ppid;
		break;
	case TRACER_EVENT_SIGNAL:
		x->pid = ev->signal.target_pid;
		x->sig = ev->signal.sig;
		x->target_pid = ev->signal.target_pid;
		x->sender_pid = ev->signal.sender_pid;
		x->target_watched = ev->signal.target_watched;
		x->sender_watched = ev->signal.sender_watched;
		break;
	default:
		break;
	}
	return 0;
}

void id_spawn(struct id_child *c, int (*prep)(void *), void *arg, char *const argv[])
{
	char *const env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	int go[2], rc;
	char b;

	cr_assert_eq(pipe2(go, O_CLOEXEC), 0);
	c->pid = fork();
	cr_assert_geq(c->pid, 0);
	if (c->pid == 0) {
		close(go[1]);
		if (read(go[0], &b, 1) != 1)
			_exit(127);
		if (prep) {
			rc = prep(arg);
			if (rc)
				_exit(rc);
		}
		execve(argv[0], argv, env);
		_exit(126);
	}
	close(go[0]);
	c->go_fd = go[1];
}

void id_release(struct id_child *c)
{
	cr_assert_eq(write(c->go_fd, "x", 1), 1);
	close(c->go_fd);
	c->go_fd = -1;
}

int id_reap(struct id_child *c)
{
	int status;

	cr_assert_eq(waitpid(c->pid, &status, 0), c->pid);
	return status;
}

void id_trace_start(struct id_trace *tr, const pid_t *pids, size_t n, uint32_t events,
		    const char *cgroup)
{
	uint32_t p[8];
	struct tracer_options o;
	size_t i;
	int ret;

	cr_assert_leq(n, 8);
	memset(tr, 0, sizeof(*tr));
	for (i = 0; i < n; i++)
		p[i] = (uint32_t)pids[i];
	tracer_options_init(&o);
	o.pids = p;
	o.n_pids = n;
	o.events = events;
	o.cgroup = cgroup;
	o.on_event = collect;
	o.ctx = tr;
	ret = tracer_create(&o, &tr->t);
	cr_assert_eq(ret, 0, "tracer_create: %s", tracer_last_error(NULL));
	ret = tracer_start(tr->t);
	cr_assert_eq(ret, 0, "tracer_start: %s: %s", tracer_strerror(ret),
		     tracer_last_error(tr->t));
}

void id_trace_stop(struct id_trace *tr)
{
	int ret = tracer_stop(tr->t);

	cr_assert_eq(ret, 0, "tracer_stop: %s", tracer_strerror(ret));
	tracer_destroy(tr->t);
	tr->t = NULL;
	cr_assert_eq(tr->lost, 0, "%llu records lost", (unsigned long long)tr->lost);
}

size_t id_execs_of(const struct id_trace *tr, uint32_t pid, const struct id_event **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < tr->n; i++)
		if (tr->ev[i].type == TRACER_EVENT_EXEC && tr->ev[i].pid == pid) {
			if (n < max)
				out[n] = &tr->ev[i];
			n++;
		}
	return n;
}

const struct id_event *id_exec(const struct id_trace *tr, const char *filename, const char *arg1)
{
	const struct id_event *found = NULL;
	size_t i, n = 0;

	for (i = 0; i < tr->n; i++) {
		const struct id_event *x = &tr->ev[i];

		if (x->type != TRACER_EVENT_EXEC || strcmp(x->filename, filename))
			continue;
		if (arg1 && strcmp(x->arg1, arg1))
			continue;
		found = x;
		n++;
	}
	cr_assert_eq(n, 1, "%zu exec events of %s %s, want 1", n, filename, arg1 ? arg1 : "");
	return found;
}

size_t id_count(const struct id_trace *tr, enum tracer_event_type type, uint32_t pid)
{
	size_t i, n = 0;

	for (i = 0; i < tr->n; i++) {
		const struct id_event *x = &tr->ev[i];

		if (x->type != type)
			continue;
		if (x->pid == pid || (type == TRACER_EVENT_SIGNAL && x->sender_pid == pid))
			n++;
	}
	return n;
}

uint64_t id_ino(const char *path)
{
	struct stat st;

	cr_assert_eq(stat(path, &st), 0, "stat %s: %s", path, strerror(errno));
	return st.st_ino;
}

uint64_t id_dev(const char *path)
{
	struct stat st;

	cr_assert_eq(stat(path, &st), 0, "stat %s: %s", path, strerror(errno));
	return st.st_dev;
}

const char *id_cgroup_root(void)
{
	char tmpl[] = "/tmp/tracer-cg2-XXXXXX";

	if (cg_root)
		return cg_root;
	cr_assert_not_null(mkdtemp(tmpl));
	if (mount("none", tmpl, "cgroup2", 0, NULL)) {
		int err = errno;

		rmdir(tmpl);
		id_teardown();
		cr_skip_test("cannot mount a cgroup2 hierarchy: %s", strerror(err));
	}
	cg_root = strdup(tmpl);
	cr_assert_not_null(cg_root);
	return cg_root;
}

const char *id_cgroup_make(const char *rel)
{
	char *dir;

	cr_assert_geq(asprintf(&dir, "%s/%s", id_cgroup_root(), rel), 0);
	cr_assert_eq(mkdir(dir, 0755), 0, "mkdir %s: %s", dir, strerror(errno));
	cr_assert_lt(n_groups, MAX_GROUPS);
	groups[n_groups++] = dir;
	return dir;
}

int id_cgroup_enter(const char *dir, pid_t pid)
{
	char path[4096], num[32];
	int fd, n, ok;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(num, sizeof(num), "%d\n", (int)pid);
	ok = write(fd, num, n) == n;
	close(fd);
	return ok ? 0 : -errno;
}

const char *id_own_cgroup(void)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[4096];
	const char *found = NULL;

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		found = own_strf("%s", line + 3);
	}
	fclose(f);
	cr_assert_not_null(found, "no cgroup v2 line in /proc/self/cgroup");
	return found;
}
