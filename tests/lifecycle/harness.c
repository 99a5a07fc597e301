// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* End-to-end harness for the lifecycle tests. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define MAX_CHILDREN 16

static char tmpdir[64];
static pid_t children[MAX_CHILDREN]; /* not reaped yet */
static size_t n_children;
static pid_t groups[MAX_CHILDREN]; /* process groups of everything started */
static size_t n_groups;

void lc_require_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("the end-to-end tests load BPF programs: run them as root");
}

const char *lc_tmpdir(void)
{
	if (!tmpdir[0]) {
		strcpy(tmpdir, "/tmp/tracer-lc-XXXXXX");
		cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
	}
	return tmpdir;
}

const char *lc_path(int slot, const char *name)
{
	static char paths[8][256];

	cr_assert(slot >= 0 && slot < 8);
	snprintf(paths[slot], sizeof(paths[slot]), "%s/%s", lc_tmpdir(), name);
	return paths[slot];
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void lc_cleanup(void)
{
	size_t i;

	/* Each was started in a process group of its own, with everything it forked. */
	for (i = 0; i < n_groups; i++)
		kill(-groups[i], SIGKILL);
	for (i = 0; i < n_children; i++)
		waitpid(children[i], NULL, 0);
	n_children = 0;
	n_groups = 0;
	if (tmpdir[0])
		nftw(tmpdir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	tmpdir[0] = '\0';
}

static void remember(pid_t pid)
{
	cr_assert_lt(n_groups, MAX_CHILDREN);
	children[n_children++] = pid;
	groups[n_groups++] = pid;
}

/* Reaped: its pid may come back as someone else's. */
static void forget(pid_t pid)
{
	size_t i;

	for (i = 0; i < n_children; i++) {
		if (children[i] == pid) {
			children[i] = children[--n_children];
			return;
		}
	}
}

static pid_t spawn_with_stdin(char *const argv[], int in_fd, int err_fd)
{
	struct rlimit no_core;
	pid_t pid;

	/* A crash in a workload dumps no core unless it asks for one (it may: hard limit kept). */
	getrlimit(RLIMIT_CORE, &no_core);
	no_core.rlim_cur = 0;
	pid = fork();

	cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		/* A group of its own: cleanup kills what it leaves behind, if a test fails. */
		setpgid(0, 0);
		if (in_fd >= 0)
			dup2(in_fd, 0);
		if (err_fd >= 0)
			dup2(err_fd, 2);
		setrlimit(RLIMIT_CORE, &no_core);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	remember(pid);
	return pid;
}

pid_t lc_spawn_blocked(char *const argv[], int *release)
{
	int p[2];
	pid_t pid;

	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	pid = spawn_with_stdin(argv, p[0], -1);
	close(p[0]);
	*release = p[1];
	return pid;
}

pid_t lc_spawn(char *const argv[])
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pid_t pid;

	cr_assert_geq(null, 0);
	pid = spawn_with_stdin(argv, null, -1);
	close(null);
	return pid;
}

void lc_release(int fd)
{
	cr_assert_eq(write(fd, "g", 1), 1);
	close(fd);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void lc_wait_comm(pid_t pid, const char *comm)
{
	struct timespec pause = { 0, 2 * 1000 * 1000 };
	uint64_t deadline = now_ms() + 10000;
	char path[64], buf[32];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	/* Polling: no event tells another process that an exec is complete. */
	while (now_ms() < deadline) {
		FILE *f = fopen(path, "r");

		if (f) {
			bool same = fgets(buf, sizeof(buf), f) &&
				    strcspn(buf, "\n") == strlen(comm) &&
				    strncmp(buf, comm, strlen(comm)) == 0;

			fclose(f);
			if (same)
				return;
		}
		nanosleep(&pause, NULL);
	}
	cr_assert_fail("process %d never became %s", (int)pid, comm);
}

static int pidfd_of(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	cr_assert_geq(fd, 0, "pidfd_open: %s", strerror(errno));
	return fd;
}

int lc_wait(pid_t pid, int timeout_s)
{
	struct pollfd pfd = { .fd = pidfd_of(pid), .events = POLLIN };
	int status = 0, ret;

	ret = poll(&pfd, 1, timeout_s * 1000);
	close(pfd.fd);
	cr_assert_eq(ret, 1, "process %d did not end within %d s", (int)pid, timeout_s);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	forget(pid);
	return status;
}

/* Reads what is available on t->err_fd; returns false at end of file. */
static bool read_err(struct lc_tracer *t)
{
	char buf[4096];
	ssize_t n = read(t->err_fd, buf, sizeof(buf));

	if (n <= 0)
		return n < 0 && errno == EINTR;
	t->err = realloc(t->err, t->err_len + n + 1);
	cr_assert_not_null(t->err);
	memcpy(t->err + t->err_len, buf, n);
	t->err_len += n;
	t->err[t->err_len] = '\0';
	return true;
}

void lc_tracer_start(struct lc_tracer *t, const char *const args[])
{
	const char *bin = getenv("TRACER_BIN");
	char *argv[32];
	uint64_t deadline = now_ms() + 30000;
	int p[2];
	size_t i;

	cr_assert_not_null(bin, "TRACER_BIN is not set");
	memset(t, 0, sizeof(*t));
	argv[0] = (char *)bin;
	for (i = 0; args[i]; i++) {
		cr_assert_lt(i + 2, sizeof(argv) / sizeof(argv[0]));
		argv[i + 1] = (char *)args[i];
	}
	argv[i + 1] = NULL;
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	t->pid = spawn_with_stdin(argv, -1, p[1]);
	close(p[1]);
	t->err_fd = p[0];
	/* Its programs are attached and the scope is seeded once it says so. */
	while (!t->err || !strstr(t->err, "tracer: ready:")) {
		struct pollfd pfd = { .fd = t->err_fd, .events = POLLIN };
		int left = (int)(deadline - now_ms());

		cr_assert(left > 0 && poll(&pfd, 1, left) == 1, "tracer not ready: %s",
			  t->err ? t->err : "");
		cr_assert(read_err(t), "tracer ended before it was ready: %s",
			  t->err ? t->err : "");
	}
}

void lc_tracer_wait(struct lc_tracer *t, int timeout_s)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_s * 1000;

	for (;;) {
		struct pollfd pfd = { .fd = t->err_fd, .events = POLLIN };
		int left = (int)(deadline - now_ms());

		cr_assert(left > 0 && poll(&pfd, 1, left) == 1,
			  "tracer did not exit by itself within %d s: %s", timeout_s, t->err);
		if (!read_err(t))
			break;
	}
	t->status = lc_wait(t->pid, timeout_s);
}

void lc_tracer_free(struct lc_tracer *t)
{
	if (t->err_fd > 0)
		close(t->err_fd);
	free(t->err);
	memset(t, 0, sizeof(*t));
}

char *lc_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t size = 0, n;
	char chunk[8192];

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf = realloc(buf, size + n + 1);
		cr_assert_not_null(buf);
		memcpy(buf + size, chunk, n);
		size += n;
	}
	fclose(f);
	if (!buf)
		buf = calloc(1, 1);
	buf[size] = '\0';
	if (len)
		*len = size;
	return buf;
}

void lc_read_events(struct lc_events *e, const char *path)
{
	char *line, *save = NULL, *copy;

	memset(e, 0, sizeof(*e));
	e->text = lc_slurp(path, NULL);
	copy = strdup(e->text);
	cr_assert_not_null(copy);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_object *o = json_tokener_parse(line);

		cr_assert_not_null(o, "not JSON: %s", line);
		cr_assert(json_object_is_type(o, json_type_object), "not an object: %s", line);
		e->ev = realloc(e->ev, (e->n + 1) * sizeof(*e->ev));
		cr_assert_not_null(e->ev);
		e->ev[e->n++] = o;
	}
	free(copy);
}

void lc_free_events(struct lc_events *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		json_object_put(e->ev[i]);
	free(e->ev);
	free(e->text);
	memset(e, 0, sizeof(*e));
}

json_object *lc_get(json_object *o, const char *key)
{
	json_object *v = NULL;

	cr_assert(json_object_object_get_ex(o, key, &v), "no \"%s\" in %s", key,
		  json_object_to_json_string(o));
	return v;
}

int64_t lc_int(json_object *o, const char *key)
{
	json_object *v = lc_get(o, key);

	cr_assert(json_object_is_type(v, json_type_int), "\"%s\" is not an integer in %s", key,
		  json_object_to_json_string(o));
	return json_object_get_int64(v);
}

const char *lc_str(json_object *o, const char *key)
{
	json_object *v = lc_get(o, key);

	if (json_object_is_type(v, json_type_null))
		return NULL;
	cr_assert(json_object_is_type(v, json_type_string), "\"%s\" is not a string in %s", key,
		  json_object_to_json_string(o));
	return json_object_get_string(v);
}

bool lc_is_null(json_object *o, const char *key)
{
	return json_object_is_type(lc_get(o, key), json_type_null);
}

static bool matches(json_object *o, const char *type, const char *field, int64_t value)
{
	json_object *v;

	if (strcmp(lc_str(o, "type"), type) != 0)
		return false;
	if (!field)
		return true;
	return json_object_object_get_ex(o, field, &v) && json_object_is_type(v, json_type_int) &&
	       json_object_get_int64(v) == value;
}

size_t lc_count(const struct lc_events *e, const char *type, const char *field, int64_t value)
{
	size_t i, n = 0;

	for (i = 0; i < e->n; i++)
		n += matches(e->ev[i], type, field, value);
	return n;
}

json_object *lc_one(const struct lc_events *e, const char *type, const char *field, int64_t value)
{
	json_object *found = NULL;
	size_t i, n = 0;

	for (i = 0; i < e->n; i++) {
		if (matches(e->ev[i], type, field, value)) {
			found = e->ev[i];
			n++;
		}
	}
	cr_assert_eq(n, 1, "%zu %s events with %s=%lld, want 1:\n%s", n, type, field ? field : "-",
		     (long long)value, e->text);
	return found;
}
