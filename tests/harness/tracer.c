// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Running tracer as a long-lived child: start it, wait for its ready line,
 * wait for its exit, stop it, check its summary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "internal.h"

void h_tracer_start(struct h_tracer *t, unsigned int flags, const char *const *args)
{
	static int serial;
	const char *bin = TRACER_BIN;
	const char *argv[64];
	int errp[2], outp[2] = { -1, -1 };
	size_t n = 0;
	int out_fd;
	pid_t pid;

	memset(t, 0, sizeof(*t));
	t->out_fd = -1;
	t->err = xmalloc(H_ERR_CAP);
	t->err[0] = '\0';
	argv[n++] = bin;
	/*
	 * The tests parse the key=value line: asked for first, so that a
	 * --format or -j of the test's own comes later and wins.
	 */
	if (!(flags & H_READABLE)) {
		argv[n++] = "--format";
		argv[n++] = "kv";
	}
	for (size_t i = 0; args[i] && n < 63; i++)
		argv[n++] = args[i];
	argv[n] = NULL;

	if (pipe2(errp, O_CLOEXEC))
		cr_assert_fail("pipe: %s", strerror(errno));
	fcntl(errp[0], F_SETPIPE_SZ, 1 << 20);
	if (flags & H_OUT_PIPE) {
		if (pipe2(outp, O_CLOEXEC))
			cr_assert_fail("pipe: %s", strerror(errno));
		out_fd = outp[1];
	} else {
		snprintf(t->out_path, sizeof(t->out_path), "%s/tracer-stdout-%d", h_dir(),
			 serial++);
		out_fd = open(t->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (out_fd < 0)
			cr_assert_fail("open %s: %s", t->out_path, strerror(errno));
	}

	pid = fork();
	if (pid < 0)
		cr_assert_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		child_reset_signals();
		dup2(devnull, 0);
		dup2(out_fd, 1);
		dup2(errp[1], 2);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	track(pid);
	close(errp[1]);
	close(out_fd);
	t->pid = pid;
	t->err_fd = errp[0];
	t->out_fd = outp[0];
	fcntl(t->err_fd, F_SETFL, O_NONBLOCK);
	t->pidfd = pidfd_open_(pid);
	if (t->pidfd < 0)
		cr_assert_fail("pidfd_open: %s", strerror(errno));
}

static bool has_ready_line(const struct h_tracer *t)
{
	const char *p = t->err;

	while (p && *p) {
		const char *nl = strchr(p, '\n');

		if (!nl)
			return false;
		if (strncmp(p, "tracer: ready:", 14) == 0)
			return true;
		p = nl + 1;
	}
	return false;
}

const char *h_tracer_stderr(struct h_tracer *t)
{
	return t->err ? t->err : "";
}

static void reap_tracer(struct h_tracer *t)
{
	size_t cap = H_ERR_CAP;
	uint64_t dl = deadline_in(10000);
	int st;

	if (waitpid(t->pid, &st, 0) != t->pid)
		cr_assert_fail("waitpid(tracer): %s", strerror(errno));
	untrack(t->pid);
	t->reaped = true;
	t->status = st;
	close(t->pidfd);
	/* The write end of stderr belonged to tracer alone: read up to EOF. */
	for (;;) {
		struct pollfd pfd = { .fd = t->err_fd, .events = POLLIN };
		int r;

		if (poll(&pfd, 1, remaining_ms(dl)) <= 0)
			break;
		r = pump(t->err_fd, &t->err, &t->err_len, &cap, true);
		if (r == 0)
			break;
	}
	close(t->err_fd);
	t->err_fd = -1;
}

void h_tracer_wait_ready(struct h_tracer *t)
{
	uint64_t dl = deadline_in(H_READY_TIMEOUT);
	size_t cap = H_ERR_CAP;

	while (!has_ready_line(t)) {
		struct pollfd pfd[2] = {
			{ .fd = t->err_fd, .events = POLLIN },
			{ .fd = t->pidfd, .events = POLLIN },
		};
		int ms = remaining_ms(dl);

		if (ms == 0) {
			kill(t->pid, SIGKILL);
			reap_tracer(t);
			cr_assert_fail("tracer not ready after %d ms; stderr: %s", H_READY_TIMEOUT,
				       h_tracer_stderr(t));
		}
		if (poll(pfd, 2, ms) < 0 && errno != EINTR)
			cr_assert_fail("poll: %s", strerror(errno));
		if (pfd[0].revents && pump(t->err_fd, &t->err, &t->err_len, &cap, true) > 0)
			continue;
		if (pfd[1].revents || (pfd[0].revents & POLLHUP)) {
			if (has_ready_line(t))
				return;
			reap_tracer(t);
			cr_assert_fail(
				"tracer exited before it was ready (status 0x%x); stderr: %s",
				t->status, h_tracer_stderr(t));
		}
	}
}

int h_tracer_wait_exit(struct h_tracer *t, int timeout_ms)
{
	uint64_t dl = deadline_in(timeout_ms);
	size_t cap = H_ERR_CAP;

	if (t->reaped)
		return t->status;
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = t->pidfd, .events = POLLIN },
			{ .fd = t->err_fd, .events = POLLIN },
		};
		int r;

		r = poll(pfd, 2, remaining_ms(dl));
		if (r < 0 && errno != EINTR)
			cr_assert_fail("poll: %s", strerror(errno));
		if (r == 0)
			return -1;
		if (pfd[1].revents & POLLIN)
			pump(t->err_fd, &t->err, &t->err_len, &cap, true);
		if (pfd[0].revents) {
			reap_tracer(t);
			return t->status;
		}
		if (pfd[1].revents & (POLLHUP | POLLERR)) {
			/* stderr closed: only the exit is left to wait for. */
			struct pollfd p1 = { .fd = t->pidfd, .events = POLLIN };

			if (poll(&p1, 1, remaining_ms(dl)) <= 0)
				return -1;
			reap_tracer(t);
			return t->status;
		}
	}
}

int h_tracer_stop(struct h_tracer *t, int sig)
{
	int st;

	if (t->reaped)
		cr_assert_fail("tracer already exited (status 0x%x) before signal %d; stderr: %s",
			       t->status, sig, h_tracer_stderr(t));
	kill(t->pid, sig);
	st = h_tracer_wait_exit(t, H_EXIT_TIMEOUT);
	if (st == -1) {
		kill(t->pid, SIGKILL);
		h_tracer_wait_exit(t, H_EXIT_TIMEOUT);
		cr_assert_fail("tracer did not exit within %d ms of signal %d; stderr: %s",
			       H_EXIT_TIMEOUT, sig, h_tracer_stderr(t));
	}
	return st;
}

/*
 * Parses "<N> <word>[s]" at *p: the plural 's' is accepted always, or only
 * when N != 1 (both ways of writing it).
 */
static bool count_word(const char **p, const char *word, long long *v)
{
	size_t wl = strlen(word);
	char *end;

	errno = 0;
	*v = strtoll(*p, &end, 10);
	if (end == *p || errno || *end != ' ' || strncmp(end + 1, word, wl) != 0)
		return false;
	*p = end + 1 + wl;
	if (strcmp(word, "lost") == 0)
		return true;
	if (strncmp(*p, "es", 2) == 0 && strcmp(word, "process") == 0)
		*p += 2;
	else if (**p == 's' && strcmp(word, "event") == 0)
		*p += 1;
	else if (*v != 1)
		return false;
	return true;
}

static bool parse_summary(const char *l, struct h_summary *s)
{
	if (strncmp(l, "tracer: ", 8) != 0)
		return false;
	l += 8;
	if (!count_word(&l, "event", &s->events) || strncmp(l, ", ", 2) != 0)
		return false;
	l += 2;
	if (!count_word(&l, "lost", &s->lost) || strncmp(l, ", ", 2) != 0)
		return false;
	l += 2;
	if (!count_word(&l, "process", &s->watched) || strcmp(l, " watched\n") != 0)
		return false;
	return true;
}

void h_expect_clean_exit(struct h_tracer *t, int status, struct h_summary *sum)
{
	const char *err = h_tracer_stderr(t);
	const char *nl1, *l2, *nl2;
	struct h_summary s = { 0 };

	cr_assert(status != -1, "tracer did not exit in time; stderr: %s", err);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "tracer exit status 0x%x (expected exit 0); stderr: %s", status, err);
	cr_assert(strncmp(err, "tracer: ready: watching ", 24) == 0,
		  "stderr does not start with the ready line: %s", err);
	nl1 = strchr(err, '\n');
	cr_assert(nl1, "stderr: %s", err);
	l2 = nl1 + 1;
	nl2 = strchr(l2, '\n');
	cr_assert(nl2 && nl2[1] == '\0',
		  "stderr must be exactly the ready line and the summary line: %s", err);
	cr_assert(parse_summary(l2, &s), "bad summary line: %s", h_show(l2, strlen(l2)));
	if (sum)
		*sum = s;
}

bool h_is_summary_line(const char *line)
{
	struct h_summary s;

	return parse_summary(line, &s);
}

int h_tracer_wait_self_exit(struct h_tracer *t)
{
	/* A hang guard: scaled like the others (under qemu's TCG, 6.1). */
	int ms = (int)(H_SELF_EXIT_TIMEOUT * h_slowdown());
	int st = h_tracer_wait_exit(t, ms);

	if (st == -1) {
		/* Recorded, then stopped the normal way so that the output can be checked too. */
		cr_expect_fail("tracer did not exit by itself within %d ms after the watched "
			       "processes ended; proc_state still holds:%s",
			       ms, h_proc_state_dump(t->pid));
		st = h_tracer_stop(t, SIGINT);
	}
	return st;
}
