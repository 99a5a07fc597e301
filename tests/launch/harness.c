// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Running tracer in launch mode from the end-to-end tests. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>

#include "harness.h"

extern char **environ;

static char dir[64];

/* Process groups started by the test, killed by test_cleanup() if still there. */
static pid_t groups[16];
static size_t n_groups;

static void track_group(pid_t pgid)
{
	if (n_groups < sizeof(groups) / sizeof(groups[0]))
		groups[n_groups++] = pgid;
}

const char *test_dir(void)
{
	if (!dir[0]) {
		strcpy(dir, "/tmp/tracer-launch-XXXXXX");
		cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	}
	return dir;
}

const char *test_path(const char *name)
{
	static char bufs[16][256];
	static unsigned int slot;
	char *buf = bufs[slot++ % 16];

	snprintf(buf, sizeof(bufs[0]), "%s/%s", test_dir(), name);
	return buf;
}

/* Where tracer's stdout (which 1) or stderr (2) go: kept apart from test_path()'s slots. */
static const char *std_path(int which)
{
	static char bufs[3][256];

	snprintf(bufs[which], sizeof(bufs[0]), "%s/std%s", test_dir(), which == 1 ? "out" : "err");
	return bufs[which];
}

void test_cleanup(void)
{
	char cmd[128];

	/* A test that failed half-way leaves nothing running. */
	while (n_groups > 0) {
		pid_t pgid = groups[--n_groups];

		if (kill(-pgid, SIGKILL) == 0 || kill(pgid, SIGKILL) == 0)
			waitpid(pgid, NULL, WNOHANG);
	}

	if (!dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	dir[0] = '\0';
}

const char *tracer_bin(void)
{
	const char *bin = getenv("TRACER_BIN");

	cr_assert(bin && *bin, "TRACER_BIN is not set (run through ctest)");
	return bin;
}

void require_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("end-to-end tests load BPF programs: run them as root");
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *read_file(const char *path)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return strdup("");
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (!buf)
		return strdup("");
	buf[len] = '\0';
	return buf;
}

/* The environment of tracer: clean, then opts->env on top. */
static char **make_env(const char *const *extra)
{
	/* The sanitizers' options reach the tracer under test. */
	static const char *const keep[] = {
		"TERM=",	  "LANG=",	   "LC_ALL=", "ASAN_OPTIONS=",
		"UBSAN_OPTIONS=", "LSAN_OPTIONS=", NULL
	};
	size_t n = 0, cap = 64, i, j;
	char **env = calloc(cap, sizeof(*env));

	cr_assert_not_null(env);
	env[n++] = "PATH=/usr/bin:/bin";
	env[n++] = "HOME=/root";
	env[n++] = "USER=root";
	env[n++] = "LOGNAME=root";
	for (i = 0; environ[i] && n < cap - 16; i++) {
		for (j = 0; keep[j]; j++)
			if (strncmp(environ[i], keep[j], strlen(keep[j])) == 0)
				env[n++] = environ[i];
	}
	for (i = 0; extra && extra[i] && n < cap - 1; i++)
		env[n++] = (char *)extra[i];
	env[n] = NULL;
	return env;
}

static int open_pty(struct run *r, char *slave, size_t len)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	int n;

	cr_assert_geq(m, 0, "posix_openpt: %s", strerror(errno));
	cr_assert_eq(grantpt(m), 0);
	cr_assert_eq(unlockpt(m), 0);
	cr_assert_eq(ptsname_r(m, slave, len), 0);
	cr_assert_eq(sscanf(slave, "/dev/pts/%d", &n), 1, "%s", slave);
	snprintf(r->pts, sizeof(r->pts), "pts%d", n);
	return m;
}

void tracer_spawn(const char *const *args, const struct spawn_opts *opts, struct run *r)
{
	static const struct spawn_opts none;
	const char *bin = tracer_bin();
	char **argv, **env, slave[64] = "";
	int in[2] = { -1, -1 }, out_fd, err_fd;
	size_t n = 0, i;

	if (!opts)
		opts = &none;
	memset(r, 0, sizeof(*r));
	r->master = -1;
	while (args[n])
		n++;
	argv = calloc(n + 2, sizeof(*argv));
	cr_assert_not_null(argv);
	argv[0] = (char *)bin;
	for (i = 0; i < n; i++)
		argv[i + 1] = (char *)args[i];
	env = make_env(opts->env);

	if (opts->pty)
		r->master = open_pty(r, slave, sizeof(slave));
	else if (opts->stdin_data)
		cr_assert_eq(pipe2(in, O_CLOEXEC), 0);
	out_fd = open(std_path(1), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	err_fd = open(std_path(2), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert(out_fd >= 0 && err_fd >= 0);

	r->start = now_s();
	r->pid = fork();
	cr_assert_geq(r->pid, 0);
	if (r->pid == 0) {
		sigset_t none;
		int fd, sig;

		/* What a shell gives a foreground command, whatever the test runner had. */
		for (sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);

		if (opts->pty) {
			/* A new session whose controlling terminal is the pty: tracer is in the foreground. */
			setsid();
			fd = open(slave, O_RDWR);
			if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0)
				_exit(120);
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		} else {
			/* Its own process group: kill(-pid, sig) reaches tracer and its command only. */
			setpgid(0, 0);
			fd = opts->stdin_data ? in[0] : open("/dev/null", O_RDONLY);
			dup2(fd, 0);
			dup2(out_fd, 1);
			dup2(err_fd, 2);
		}
		if (chdir("/") < 0)
			_exit(121);
		execve(bin, argv, env);
		_exit(122);
	}
	if (!opts->pty)
		setpgid(r->pid, r->pid); /* also here: no race with a kill(-pid) */
	track_group(r->pid);
	close(out_fd);
	close(err_fd);
	if (opts->stdin_data) {
		size_t len = strlen(opts->stdin_data);

		close(in[0]);
		cr_assert_eq(write(in[1], opts->stdin_data, len), (ssize_t)len);
		close(in[1]);
	}
	free(argv);
	free(env);
}

/* Reads what the terminal shows, so that nothing blocks on a full pty. */
static void drain_master(struct run *r, char **acc, size_t *len)
{
	char buf[4096];
	ssize_t got;

	if (r->master < 0)
		return;
	for (;;) {
		got = read(r->master, buf, sizeof(buf));
		if (got <= 0)
			return;
		*acc = realloc(*acc, *len + (size_t)got + 1);
		cr_assert_not_null(*acc);
		memcpy(*acc + *len, buf, (size_t)got);
		*len += (size_t)got;
		(*acc)[*len] = '\0';
	}
}

void tracer_wait(struct run *r, double timeout)
{
	double deadline = r->start + timeout;
	char *tty_out = NULL;
	size_t tty_len = 0;
	int wstatus;
	pid_t got;

	if (r->master >= 0)
		fcntl(r->master, F_SETFL, O_NONBLOCK);
	for (;;) {
		drain_master(r, &tty_out, &tty_len);
		got = waitpid(r->pid, &wstatus, WNOHANG);
		if (got == r->pid)
			break;
		cr_assert_eq(got, 0, "waitpid: %s", strerror(errno));
		if (now_s() > deadline) {
			kill(-r->pid, SIGKILL);
			waitpid(r->pid, &wstatus, 0);
			cr_assert_fail("tracer did not exit within %.0f s", timeout);
		}
		usleep(5000);
	}
	r->elapsed = now_s() - r->start;
	drain_master(r, &tty_out, &tty_len);
	r->signaled = WIFSIGNALED(wstatus);
	r->status = r->signaled ? 128 + WTERMSIG(wstatus) : WEXITSTATUS(wstatus);
	r->out = r->master >= 0 ? (tty_out ? tty_out : strdup("")) : read_file(std_path(1));
	r->err = read_file(std_path(2));
}

void run_free(struct run *r)
{
	if (r->master >= 0)
		close(r->master);
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
	r->master = -1;
}

struct json_object **read_events(const char *path, size_t *n)
{
	struct json_object **ev = NULL;
	char *text = read_file(path), *line, *save = NULL;
	size_t cnt = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct json_object *o = json_tokener_parse(line);

		cr_assert_not_null(o, "not JSON: %s", line);
		ev = realloc(ev, (cnt + 1) * sizeof(*ev));
		cr_assert_not_null(ev);
		ev[cnt++] = o;
	}
	free(text);
	*n = cnt;
	return ev;
}

void events_free(struct json_object **ev, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		json_object_put(ev[i]);
	free(ev);
}

const char *ev_str(struct json_object *ev, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(ev, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

long long ev_int(struct json_object *ev, const char *key)
{
	struct json_object *v;

	cr_assert(json_object_object_get_ex(ev, key, &v), "no %s in %s", key,
		  json_object_to_json_string(ev));
	return (long long)json_object_get_int64(v);
}

static struct json_object *ev_argv(struct json_object *ev)
{
	struct json_object *v;

	if (!json_object_object_get_ex(ev, "argv", &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

bool ev_argv_is(struct json_object *ev, size_t n, const char *const *words)
{
	struct json_object *argv = ev_argv(ev);
	size_t i;

	if (!argv || json_object_array_length(argv) != n)
		return false;
	for (i = 0; i < n; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(argv, i));

		if (!s || strcmp(s, words[i]) != 0)
			return false;
	}
	return true;
}

bool events_mention(struct json_object **ev, size_t n, const char *needle)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		struct json_object *argv = ev_argv(ev[i]);

		for (j = 0; argv && j < json_object_array_length(argv); j++) {
			const char *s = json_object_get_string(json_object_array_get_idx(argv, j));

			if (s && strstr(s, needle))
				return true;
		}
	}
	return false;
}

struct json_object *wait_event(const char *path, const char *argv0, double timeout)
{
	double deadline = now_s() + timeout;

	/* Polling the file: tracer writes and flushes it every 20 ms at most. */
	do {
		struct json_object **ev, *found = NULL;
		size_t n, i;

		ev = read_events(path, &n);
		for (i = 0; i < n && !found; i++) {
			struct json_object *argv = ev_argv(ev[i]);

			if (argv && json_object_array_length(argv) > 0 &&
			    strcmp(json_object_get_string(json_object_array_get_idx(argv, 0)),
				   argv0) == 0)
				found = json_object_get(ev[i]);
		}
		events_free(ev, n);
		if (found)
			return found;
		usleep(10000);
	} while (now_s() < deadline);
	return NULL;
}

pid_t control_start(const char *marker)
{
	char script[256];
	pid_t pid;

	snprintf(script, sizeof(script), "while :; do /bin/true %s; /bin/sleep 0.01; done", marker);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		/* Gone with the test, even if the test dies. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	track_group(pid);
	return pid;
}

void control_stop(pid_t pid)
{
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static bool gone_now(pid_t pid)
{
	char path[64], *stat, *paren;
	bool gone;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (access(path, F_OK) != 0)
		return true;
	stat = read_file(path);
	paren = strrchr(stat, ')');
	gone = !paren || paren[1] == '\0' || paren[2] == 'Z' || paren[2] == 'X';
	free(stat);
	return gone;
}

bool process_gone(pid_t pid, double timeout)
{
	double deadline = now_s() + timeout;

	while (!gone_now(pid)) {
		if (now_s() > deadline)
			return false;
		usleep(10000);
	}
	return true;
}
