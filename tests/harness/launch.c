// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Running tracer to completion, as a user's shell would: launch mode
 * (tracer -- COMMAND) with chosen standard streams, environment or terminal,
 * waited for with a deadline; and a busy process tree outside its scope.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "harness.h"
#include "internal.h"

extern char **environ;

/* The whole file (malloc'ed), "" when it cannot be read (not written yet, a process gone). */
static char *read_or_empty(const char *path)
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

static int open_pty(struct h_run *r, char *slave, size_t len)
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

void h_run_start(const char *const *args, const struct h_run_opts *opts, struct h_run *r)
{
	static const struct h_run_opts none;
	static int serial;
	const char *bin = TRACER_BIN;
	char **argv, **env, slave[64] = "";
	int in[2] = { -1, -1 }, out_fd, err_fd;
	size_t n = 0, i;

	if (!opts)
		opts = &none;
	memset(r, 0, sizeof(*r));
	r->master = -1;
	r->out_path = h_path(h_str("launch-stdout-%d", serial));
	r->err_path = h_path(h_str("launch-stderr-%d", serial++));
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
	out_fd = open(r->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	err_fd = open(r->err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert(out_fd >= 0 && err_fd >= 0);

	r->start = h_now_s();
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
	track(r->pid);
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
static void drain_master(struct h_run *r, char **acc, size_t *len)
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

void h_run_wait(struct h_run *r, double timeout)
{
	double deadline = r->start + timeout;
	char *tty_out = NULL;
	size_t tty_len = 0;
	struct rusage ru = { 0 };
	int wstatus;
	pid_t got;

	if (r->master >= 0)
		fcntl(r->master, F_SETFL, O_NONBLOCK);
	for (;;) {
		drain_master(r, &tty_out, &tty_len);
		got = wait4(r->pid, &wstatus, WNOHANG, &ru);
		if (got == r->pid) {
			untrack(r->pid);
			break;
		}
		cr_assert_eq(got, 0, "waitpid: %s", strerror(errno));
		if (h_now_s() > deadline) {
			kill(-r->pid, SIGKILL);
			waitpid(r->pid, &wstatus, 0);
			untrack(r->pid);
			cr_assert_fail("tracer did not exit within %.0f s", timeout);
		}
		usleep(5000);
	}
	r->elapsed = h_now_s() - r->start;
	r->maxrss_kb = ru.ru_maxrss;
	drain_master(r, &tty_out, &tty_len);
	r->signaled = WIFSIGNALED(wstatus);
	r->status = r->signaled ? 128 + WTERMSIG(wstatus) : WEXITSTATUS(wstatus);
	r->out = r->master >= 0 ? (tty_out ? tty_out : strdup("")) : read_or_empty(r->out_path);
	r->err = read_or_empty(r->err_path);
}

void h_run_free(struct h_run *r)
{
	if (r->master >= 0)
		close(r->master);
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
	r->master = -1;
}

pid_t h_control_loop_start(const char *marker)
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
	track(pid);
	return pid;
}

void h_control_loop_stop(pid_t pid)
{
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
	untrack(pid);
}

static bool gone_now(pid_t pid)
{
	char path[64], *stat, *paren;
	bool gone;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (access(path, F_OK) != 0)
		return true;
	stat = read_or_empty(path);
	paren = strrchr(stat, ')');
	gone = !paren || paren[1] == '\0' || paren[2] == 'Z' || paren[2] == 'X';
	free(stat);
	return gone;
}

bool h_process_gone(pid_t pid, double timeout)
{
	double deadline = h_now_s() + timeout;

	while (!gone_now(pid)) {
		if (h_now_s() > deadline)
			return false;
		usleep(10000);
	}
	return true;
}
