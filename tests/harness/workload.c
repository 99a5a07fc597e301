// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Workloads: helper programs held at gates, their reports, the negative control. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "internal.h"

void h_spawn(struct h_proc *p, unsigned int flags, void (*pre)(void *), void *arg,
	     const char *const *argv)
{
	struct rlimit no_core;
	int gate[2], rep[2];
	pid_t pid;

	memset(p, 0, sizeof(*p));
	if (pipe2(gate, O_CLOEXEC) || pipe2(rep, O_CLOEXEC))
		cr_assert_fail("pipe: %s", strerror(errno));
	fcntl(rep[0], F_SETPIPE_SZ, 1 << 20);
	pid = fork();
	if (pid < 0)
		cr_assert_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		int g = fcntl(gate[0], F_DUPFD_CLOEXEC, 10);
		int r = fcntl(rep[1], F_DUPFD_CLOEXEC, 10);
		int devnull = open("/dev/null", O_RDONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		child_reset_signals();
		if (!(flags & H_NO_SETSID))
			setsid();
		/* A crash dumps no core unless the workload asks (the hard limit is kept). */
		getrlimit(RLIMIT_CORE, &no_core);
		no_core.rlim_cur = 0;
		setrlimit(RLIMIT_CORE, &no_core);
		dup2(devnull, 0);
		dup2(g, 3);
		dup2(r, 4);
		if (pre)
			pre(arg);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	track(pid);
	close(gate[0]);
	close(rep[1]);
	p->pid = pid;
	p->gate_fd = gate[1];
	p->rep_fd = rep[0];
	p->rep_cap = H_REP_CAP;
	p->rep = xmalloc(H_REP_CAP);
	p->rep[0] = '\0';
	fcntl(p->rep_fd, F_SETFL, O_NONBLOCK);
	p->pidfd = pidfd_open_(pid);
	if (p->pidfd < 0)
		cr_assert_fail("pidfd_open: %s", strerror(errno));
}

void h_gate(struct h_proc *p)
{
	cr_assert(p->gate_fd >= 0 && write(p->gate_fd, "g", 1) == 1, "cannot open gate of %d",
		  p->pid);
}

void h_gate_all(struct h_proc *p)
{
	if (p->gate_fd >= 0)
		close(p->gate_fd);
	p->gate_fd = -1;
}

static char *find_report(struct h_proc *p, const char *key)
{
	size_t kl = strlen(key);
	char *line = p->rep;

	while (line && *line) {
		char *nl = strchr(line, '\n');

		if (!nl)
			return NULL;
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ') {
			line[0] = '#'; /* taken */
			return line + kl + 1;
		}
		line = nl + 1;
	}
	return NULL;
}

long long h_report(struct h_proc *p, const char *key)
{
	uint64_t dl = deadline_in(H_REPORT_TIMEOUT);
	char *v;

	while (!(v = find_report(p, key))) {
		struct pollfd pfd = { .fd = p->rep_fd, .events = POLLIN };

		cr_assert(p->rep_fd >= 0, "no report \"%s\" from %d; got: %s", key, p->pid, p->rep);
		if (poll(&pfd, 1, remaining_ms(dl)) <= 0)
			cr_assert_fail("no report \"%s\" from %d within %d ms; got: %s", key,
				       p->pid, H_REPORT_TIMEOUT, p->rep);
		if (pump(p->rep_fd, &p->rep, &p->rep_len, &p->rep_cap, true) == 0) {
			close(p->rep_fd);
			p->rep_fd = -1;
		}
	}
	return strtoll(v, NULL, 10);
}

int h_proc_wait(struct h_proc *p, int timeout_ms)
{
	struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };
	int st;

	if (p->reaped)
		return p->status;
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return -1;
	if (waitpid(p->pid, &st, 0) != p->pid)
		cr_assert_fail("waitpid(%d): %s", p->pid, strerror(errno));
	untrack(p->pid);
	close(p->pidfd);
	p->reaped = true;
	p->status = st;
	if (p->gate_fd >= 0)
		close(p->gate_fd);
	p->gate_fd = -1;
	/* Keep what it reported readable. */
	if (p->rep_fd >= 0) {
		while (pump(p->rep_fd, &p->rep, &p->rep_len, &p->rep_cap, true) > 0)
			;
	}
	return st;
}

void h_proc_done(struct h_proc *p)
{
	int st = h_proc_wait(p, H_EXIT_TIMEOUT);

	cr_assert(st != -1, "workload %d did not finish within %d ms", p->pid, H_EXIT_TIMEOUT);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "workload %d ended with status 0x%x",
		  p->pid, st);
}

/* ---- Negative control ---- */

void h_control_start(struct h_control *c, const char *marker)
{
	int gate[2];
	pid_t pid;

	memset(c, 0, sizeof(*c));
	c->marker = marker;
	if (pipe2(gate, O_CLOEXEC))
		cr_assert_fail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		cr_assert_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		char b;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		child_reset_signals();
		setsid();
		while (read(gate[0], &b, 1) < 0 && errno == EINTR)
			;
		execl("/bin/true", "true", marker, "negative-control", (char *)NULL);
		_exit(127);
	}
	track(pid);
	close(gate[0]);
	c->p.pid = pid;
	c->p.gate_fd = gate[1];
	c->p.rep_fd = -1;
	c->p.pidfd = pidfd_open_(pid);
	if (c->p.pidfd < 0)
		cr_assert_fail("pidfd_open: %s", strerror(errno));
}

void h_control_run(struct h_control *c)
{
	struct pollfd pfd = { .fd = c->p.pidfd, .events = POLLIN };
	int st;

	h_gate(&c->p);
	cr_assert(poll(&pfd, 1, H_EXIT_TIMEOUT) == 1, "negative control did not finish");
	waitpid(c->p.pid, &st, 0);
	untrack(c->p.pid);
	close(c->p.pidfd);
	close(c->p.gate_fd);
	c->p.gate_fd = -1;
	c->p.reaped = true;
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "negative control failed: 0x%x", st);
}

void h_control_absent(const struct h_control *c, const struct h_events *evs, const char *raw_path)
{
	size_t i;

	cr_assert(c->p.reaped, "negative control was not run");
	if (evs) {
		for (i = 0; i < evs->n; i++) {
			const struct h_event *e = &evs->ev[i];

			if (e->lost)
				continue;
			cr_assert(e->pid != c->p.pid,
				  "line %zu: the out-of-scope control (pid %d) "
				  "was reported",
				  e->line_no, c->p.pid);
			cr_assert(!h_argv_has(e, "negative-control"),
				  "line %zu: an out-of-scope exec was reported", e->line_no);
		}
	}
	if (raw_path) {
		size_t len;
		char *data = h_read_file(raw_path, &len);

		cr_assert(!memmem(data, len, "negative-control", 16),
			  "the out-of-scope control's exec is in the output");
	}
}

pid_t h_fork_at_pid(pid_t target, const char *const *argv)
{
	int attempt;

	for (attempt = 0; attempt < 500; attempt++) {
		char buf[32];
		int fd, st, len;
		pid_t pid;

		if (kill(target, 0) == 0 || errno != ESRCH) {
			/* Taken, by a zombie or a live process: wait for it to be released. */
			usleep(2000);
			continue;
		}
		fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			cr_assert_fail("open ns_last_pid: %s", strerror(errno));
		len = snprintf(buf, sizeof(buf), "%d", target - 1);
		if (write(fd, buf, (size_t)len) != len)
			cr_assert_fail("write ns_last_pid: %s", strerror(errno));
		close(fd);
		pid = fork();
		if (pid < 0)
			cr_assert_fail("fork: %s", strerror(errno));
		if (pid == 0) {
			if (getpid() != target)
				_exit(99);
			child_reset_signals();
			setsid();
			execv(argv[0], (char *const *)argv);
			_exit(127);
		}
		waitpid(pid, &st, 0);
		if (pid != target)
			continue;
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			  "process at reused pid %d failed: 0x%x", target, st);
		return pid;
	}
	return -1;
}

bool h_wait_proc_state(pid_t pid, char c, int timeout_ms)
{
	uint64_t dl = deadline_in(timeout_ms);
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	do {
		char buf[512];
		char *rp;
		ssize_t n;
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return false;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			rp = strrchr(buf, ')');
			if (rp && rp[1] == ' ' && rp[2] == c)
				return true;
		}
		usleep(1000);
	} while (remaining_ms(dl));
	return false;
}
