// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Issue 12, finding 1: a command that tracer (root) runs as another user
 * must not be able to type into, or take, the terminal of the root shell
 * that ran tracer.
 *
 * Each test makes a real pseudo-terminal and, on it, what a shell does: a
 * session leader with the terminal as its controlling one runs a job in its
 * own process group, in the foreground. The job is tracer -u nobody -- the
 * attacker (tests/security/sec_tty_attacker.c), which pushes a command line
 * into /dev/tty with TIOCSTI and makes itself the foreground group with
 * tcsetpgrp. While the attacker waits, the test reads the terminal's
 * foreground group from the master side; after the job, it reads what the
 * shell would read next from the terminal's input queue. The control runs
 * the attacker without tracer, on the shared terminal, to show that both
 * attacks work here and are seen.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(terminal, .init = h_setup, .fini = h_teardown, .timeout = 90);

struct term_run {
	char out[65536]; /* everything written on the terminal */
	size_t out_len;
	int status; /* the job's exit code, 128+N after signal N, -1: not seen */
	pid_t job; /* the job's pid, its process group */
	pid_t fg_during; /* the terminal's foreground group while the attacker waited */
	struct termios before, after; /* the terminal's modes around the job */
	char queued[256]; /* what the shell would read next */
	ssize_t queued_len; /* -1: nothing */
};

/* The "shell": a session on the terminal, the job in its own foreground group. */
static void shell_main(const char *pts, char *const *argv)
{
	int fd, st;
	pid_t job;

	if (setsid() < 0)
		_exit(120);
	fd = open(pts, O_RDWR);
	if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 ||
	    dup2(fd, 2) < 0)
		_exit(121);
	if (fd > 2)
		close(fd);
	signal(SIGTTOU, SIG_IGN);
	job = fork();
	if (job == 0) {
		setpgid(0, 0);
		tcsetpgrp(0, getpid());
		signal(SIGTTOU, SIG_DFL);
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(job, job);
	tcsetpgrp(0, job);
	/* Job control: a stopped job is reported and continued in the foreground (fg). */
	for (;;) {
		if (job < 0 || waitpid(job, &st, WUNTRACED) != job)
			_exit(122);
		if (!WIFSTOPPED(st))
			break;
		tcsetpgrp(0, getpgrp());
		dprintf(1, "\nshell: job stopped\n");
		tcsetpgrp(0, job);
		kill(-job, SIGCONT);
	}
	/* Says the job's pid and status, as a shell's $? would, on the terminal. */
	dprintf(1, "\nshell: job %d status %d\n", (int)job,
		WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st));
	_exit(0);
}

static void drain(int master, struct term_run *tr, int timeout_ms)
{
	struct pollfd pfd = { .fd = master, .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return;
	n = read(master, tr->out + tr->out_len, sizeof(tr->out) - 1 - tr->out_len);
	if (n > 0) {
		tr->out_len += (size_t)n;
		tr->out[tr->out_len] = '\0';
	}
}

/* Runs argv as the foreground job of a shell on a new terminal; argv's last two are set here. */
static void run_on_terminal(char **argv, size_t argc, struct term_run *tr)
{
	char dir_tmpl[] = "/tmp/tracer-sec-tty.XXXXXX";
	const char *dir, *go, *line, *p;
	int master, keep, st;
	double deadline;
	pid_t shell;
	char *pts;

	memset(tr, 0, sizeof(*tr));
	tr->status = -1;
	tr->queued_len = -1;
	/* A directory the attacker (nobody) can look into, for its gate. */
	dir = mkdtemp(dir_tmpl);
	cr_assert_not_null(dir);
	dir = h_str("%s", dir);
	cr_assert_eq(chmod(dir, 0755), 0);
	go = h_str("%s/go", dir);
	line = h_str("id > %s/x\n", dir);
	argv[argc] = (char *)dir;
	argv[argc + 1] = (char *)line;
	argv[argc + 2] = NULL;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
	pts = ptsname(master);
	cr_assert_not_null(pts);
	pts = (char *)h_str("%s", pts);
	/* The test's own handle on the terminal: its input queue outlives the session. */
	keep = open(pts, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	cr_assert(keep >= 0);
	cr_assert_eq(tcgetattr(keep, &tr->before), 0);

	shell = fork();
	cr_assert(shell >= 0);
	if (shell == 0)
		shell_main(pts, argv);

	deadline = h_now_s() + 60;
	while (h_now_s() < deadline) {
		drain(master, tr, 20);
		if (!tr->fg_during && strstr(tr->out, "attacker ")) {
			/* The attacker holds the terminal now, if it could take it. */
			cr_assert_eq(ioctl(master, TIOCGPGRP, &tr->fg_during), 0);
			h_write_file(go, "", 0, 0644);
		}
		if (waitpid(shell, &st, WNOHANG) == shell)
			break;
	}
	cr_assert(h_now_s() < deadline, "the job did not end; terminal: %s",
		  h_show(tr->out, tr->out_len));
	drain(master, tr, 100);
	/* The last line the shell wrote: "shell: job PID status N". */
	for (p = strstr(tr->out, "shell: job "); p && (p[11] < '0' || p[11] > '9');
	     p = strstr(p + 1, "shell: job "))
		;
	cr_assert_not_null(p, "no job status; terminal: %s", h_show(tr->out, tr->out_len));
	cr_assert_eq(sscanf(p, "shell: job %d status %d", &tr->job, &tr->status), 2);
	cr_assert_eq(tcgetattr(keep, &tr->after), 0);
	tr->queued_len = read(keep, tr->queued, sizeof(tr->queued) - 1);
	if (tr->queued_len >= 0)
		tr->queued[tr->queued_len] = '\0';
	close(keep);
	close(master);
	unlink(go);
	rmdir(dir);
}

static bool legacy_tiocsti(void)
{
	char *s = h_read_file("/proc/sys/dev/tty/legacy_tiocsti", NULL);

	return s && s[0] == '1';
}

/*
 * A copy of the attacker that user nobody can execute wherever the checkout
 * lives (CI's private clone, a 0750 home directory): in a 0755 directory of
 * its own, which remove_attacker() removes.
 */
static char *attacker_for_nobody(void)
{
	char dir_tmpl[] = "/tmp/tracer-sec-bin.XXXXXX";
	const char *dir, *copy;
	size_t len;
	char *bin;
	int fd;

	dir = mkdtemp(dir_tmpl);
	cr_assert_not_null(dir, "mkdtemp: %s", strerror(errno));
	cr_assert_eq(chmod(dir, 0755), 0, "chmod %s: %s", dir, strerror(errno));
	copy = h_str("%s/sec_tty_attacker", dir);
	bin = h_read_file(h_bin("SEC_TTY_ATTACKER"), &len);
	fd = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	cr_assert(fd >= 0, "open %s: %s", copy, strerror(errno));
	cr_assert_eq(write(fd, bin, len), (ssize_t)len, "write %s: %s", copy, strerror(errno));
	close(fd);
	return (char *)copy;
}

static void remove_attacker(const char *copy)
{
	char *dir = strdup(copy);

	cr_assert_not_null(dir);
	unlink(copy);
	*strrchr(dir, '/') = '\0';
	rmdir(dir);
	free(dir);
}

Test(terminal, command_cannot_use_the_invoking_terminal)
{
	const char *events = h_path("events.log");
	char *argv[12] = { (char *)TRACER_BIN, "-u", "nobody", "--format", "kv", "-o",
			   (char *)events,     "--", NULL };
	struct term_run tr;

	H_REQUIRE();
	argv[8] = attacker_for_nobody();
	run_on_terminal(argv, 9, &tr);
	remove_attacker(argv[8]);
	cr_assert_not_null(strstr(tr.out, "attacker injected="), "the attacker did not run: %s",
			   h_show(tr.out, tr.out_len));
	/* tracer's exit status is the command's. */
	cr_assert_eq(tr.status, 42, "status %d; terminal: %s", tr.status,
		     h_show(tr.out, tr.out_len));
	/* The job kept the foreground of the invoking terminal. */
	cr_assert_eq(tr.fg_during, tr.job,
		     "foreground group %d while the command ran, not the job %d", (int)tr.fg_during,
		     (int)tr.job);
	/* Nothing was pushed into the invoking terminal's input for the shell to run. */
	cr_assert_eq(tr.queued_len, -1, "the shell would read: %s",
		     tr.queued_len > 0 ? h_show(tr.queued, (size_t)tr.queued_len) : "(EOF)");
	cr_assert_eq(errno, EAGAIN);
	/* The relay's raw mode is gone: the terminal's modes are as before. */
	cr_assert(tr.before.c_iflag == tr.after.c_iflag && tr.before.c_oflag == tr.after.c_oflag &&
			  tr.before.c_lflag == tr.after.c_lflag &&
			  !memcmp(tr.before.c_cc, tr.after.c_cc, sizeof(tr.before.c_cc)),
		  "the terminal's modes were not restored");
	/* The command ran as nobody and was traced (the kv line names every uid). */
	cr_assert_not_null(strstr(h_read_file(events, NULL), "uid=65534"));
}

/* The control: the same attacker on the shared terminal, without tracer. */
Test(terminal, control_attack_on_a_shared_terminal)
{
	char *argv[16] = { "/usr/bin/setpriv",
			   "--reuid=65534",
			   "--regid=65534",
			   "--clear-groups",
			   "--",
			   "/bin/sh",
			   "-c",
			   "\"$0\" \"$@\"; exit $?",
			   NULL };
	struct term_run tr;

	H_REQUIRE();
	argv[8] = attacker_for_nobody();
	run_on_terminal(argv, 9, &tr);
	remove_attacker(argv[8]);
	cr_assert_eq(tr.status, 42, "status %d; terminal: %s", tr.status,
		     h_show(tr.out, tr.out_len));
	cr_assert_neq(tr.fg_during, tr.job, "the attacker could not take the terminal: %s",
		      h_show(tr.out, tr.out_len));
	if (!legacy_tiocsti())
		cr_skip_test("dev.tty.legacy_tiocsti is 0: TIOCSTI is refused to users anyway");
	cr_assert_gt(tr.queued_len, 0, "nothing injected: %s", h_show(tr.out, tr.out_len));
	cr_assert_not_null(strstr(tr.queued, "id > "), "queued: %s",
			   h_show(tr.queued, (size_t)tr.queued_len));
}
