// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * A pty of its own for the command (src/cli/ptyrelay.c), on real ptys, as
 * root. The test opens a pty pair whose slave plays the terminal of root's
 * shell: a "tracer" process is that terminal's session leader, with it on
 * descriptors 0, 1 and 2, and starts a command as nobody, either through the
 * relay or, as today's launch mode does, on the shared terminal (the positive
 * control: there the attacks must work, or the test proves nothing).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include "ptyrelay.h"

#define NOBODY 65534

/* What the "tracer" process saw once the command had exited. */
struct report {
	int ret; /* ptyrelay_open/run: 0, or a negative errno */
	int status; /* the command's wait status */
	int queued; /* FIONREAD on the invoking terminal: input nobody typed */
	int fg_kept; /* the invoking terminal's foreground group is still tracer's */
	uint64_t in_bytes, out_bytes;
};

enum mode {
	SHARED, /* today: the command on tracer's terminal */
	RELAY,
	RELAY_STDOUT_PIPE, /* tracer's standard output is stdout_pipe, not the terminal */
};

static int stdout_pipe[2] = { -1, -1 };

static int outer_master = -1, outer_slave = -1;
static dev_t outer_rdev;

static void open_outer(void)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	struct stat st;

	if (geteuid() != 0)
		cr_skip_test("needs root to run the command as another user");
	outer_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert_geq(outer_master, 0);
	cr_assert_eq(grantpt(outer_master), 0);
	cr_assert_eq(unlockpt(outer_master), 0);
	outer_slave = ioctl(outer_master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert_geq(outer_slave, 0);
	cr_assert_eq(ioctl(outer_master, TIOCSWINSZ, &ws), 0);
	cr_assert_eq(fstat(outer_slave, &st), 0);
	outer_rdev = st.st_rdev;
}

static void close_outer(void)
{
	if (outer_master >= 0)
		close(outer_master);
	if (outer_slave >= 0)
		close(outer_slave);
}

TestSuite(ptyrelay, .init = open_outer, .fini = close_outer, .timeout = 30);

static void become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		_exit(98);
}

/* The command's part: runs as nobody, never returns. */
typedef void (*scenario_fn)(void);

static void run_as_nobody(void *arg)
{
	become_nobody();
	((scenario_fn)arg)();
	_exit(0);
}

/* The "tracer" process: the invoking terminal's session leader. Never returns. */
static void tracer_main(enum mode mode, scenario_fn scenario, int report_fd)
{
	struct report rep = { 0 };
	struct ptyrelay r;
	char err[256] = "";
	pid_t child;

	if (setsid() < 0 || ioctl(outer_slave, TIOCSCTTY, 0) || dup2(outer_slave, 0) < 0 ||
	    dup2(outer_slave, 1) < 0 || dup2(outer_slave, 2) < 0)
		_exit(90);
	close(outer_slave);
	close(outer_master);
	/* One more descriptor of the terminal, inheritable, as a program may hold. */
	if (fcntl(0, F_DUPFD, 10) < 0)
		_exit(94);
	if (mode == RELAY_STDOUT_PIPE) {
		if (dup2(stdout_pipe[1], 1) < 0)
			_exit(95);
		close(stdout_pipe[0]);
		close(stdout_pipe[1]);
	}
	if (mode != SHARED) {
		rep.ret = ptyrelay_open(&r, NOBODY, err, sizeof(err));
		if (rep.ret != 1)
			_exit(91);
		child = ptyrelay_spawn(&r, run_as_nobody, (void *)scenario, err, sizeof(err));
		if (child < 0)
			_exit(92);
		rep.ret = ptyrelay_run(&r, child, &rep.status, err, sizeof(err));
		rep.in_bytes = r.in_bytes;
		rep.out_bytes = r.out_bytes;
	} else {
		/* Today's launch mode: the command shares tracer's terminal and session. */
		child = fork();
		if (child == 0)
			run_as_nobody((void *)scenario);
		while (waitpid(child, &rep.status, 0) < 0 && errno == EINTR) {
		}
	}
	ioctl(0, FIONREAD, &rep.queued);
	rep.fg_kept = tcgetpgrp(0) == getpgrp();
#ifdef __SANITIZE_ADDRESS__
	/* _exit() skips the leak check: the relay's resources are all released by now. */
	if (__lsan_do_recoverable_leak_check())
		_exit(95);
#endif
	if (write(report_fd, &rep, sizeof(rep)) != sizeof(rep))
		_exit(93);
	_exit(0);
}

static pid_t start_tracer(enum mode mode, scenario_fn scenario, int *report_fd)
{
	int p[2];
	pid_t pid;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(p[0]);
		tracer_main(mode, scenario, p[1]);
	}
	close(p[1]);
	*report_fd = p[0];
	return pid;
}

static struct report finish_tracer(pid_t pid, int report_fd)
{
	struct report rep;
	int status;

	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "tracer process: status %#x",
		  status);
	cr_assert_eq(read(report_fd, &rep, sizeof(rep)), (ssize_t)sizeof(rep));
	close(report_fd);
	return rep;
}

/* The invoking terminal's output, read from the test's master until marker shows. */
static char screen[16384];
static size_t screen_len;

static bool wait_for(const char *marker, int timeout_ms)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd pfd = { .fd = outer_master, .events = POLLIN };
		ssize_t n;
		long ms;

		if (strstr(screen, marker))
			return true;
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (ms >= timeout_ms || poll(&pfd, 1, (int)(timeout_ms - ms)) <= 0)
			return strstr(screen, marker) != NULL;
		n = read(outer_master, screen + screen_len, sizeof(screen) - 1 - screen_len);
		if (n <= 0)
			return strstr(screen, marker) != NULL;
		screen_len += (size_t)n;
		screen[screen_len] = '\0';
	}
}

static bool legacy_tiocsti(void)
{
	FILE *f = fopen("/proc/sys/dev/tty/legacy_tiocsti", "r");
	int v = 1; /* before 6.2 there is no switch: TIOCSTI always works */

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 1;
		fclose(f);
	}
	return v == 1;
}

/*
 * The attack of issue 12: push a command into the terminal for root's shell to
 * run, take the terminal's foreground to read what root types next, and look
 * for a descriptor of root's terminal.
 */
static void attack(void)
{
	static const char cmd[] = "echo pwned\n";
	int fd = open("/dev/tty", O_RDWR), sti = 1, pgrp, leaked = 0;
	struct stat st;

	if (fd < 0)
		_exit(80);
	for (size_t i = 0; i < sizeof(cmd) - 1; i++)
		sti &= ioctl(fd, TIOCSTI, &cmd[i]) == 0;
	signal(SIGTTOU, SIG_IGN);
	setpgid(0, 0); /* fails, harmlessly, for a session leader */
	pgrp = tcsetpgrp(fd, getpgrp()) == 0;
	for (int i = 0; i < 256; i++)
		leaked += i != fd && fstat(i, &st) == 0 && S_ISCHR(st.st_mode) &&
			  st.st_rdev == outer_rdev;
	printf("ATTACK sti=%d pgrp=%d leaked=%d END\n", sti, pgrp, leaked);
	fflush(stdout);
	_exit(0);
}

Test(ptyrelay, shared_terminal_is_attackable)
{
	struct report rep;
	char queued[64] = "";
	int fd;
	pid_t pid;

	/* The positive control: today's launch mode loses on every count. */
	pid = start_tracer(SHARED, attack, &fd);
	cr_assert(wait_for(" END", 10000), "no report from the command: %s", screen);
	rep = finish_tracer(pid, fd);
	cr_assert(WIFEXITED(rep.status) && WEXITSTATUS(rep.status) == 0);
	cr_assert_eq(rep.fg_kept, 0, "tcsetpgrp did not take root's terminal");
	cr_assert(strstr(screen, "leaked=4"), "%s", screen); /* 0, 1, 2 and 10 */
	if (legacy_tiocsti()) {
		cr_assert(strstr(screen, "sti=1"), "%s", screen);
		cr_assert_gt(rep.queued, 0);
		cr_assert_gt(read(outer_slave, queued, sizeof(queued) - 1), 0);
		cr_assert_str_eq(queued, "echo pwned\n", "root's shell would read: %s", queued);
	}
}

/* Field by field: tcgetattr() leaves the struct's padding as it was. */
static bool same_modes(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag && a->c_cflag == b->c_cflag &&
	       a->c_lflag == b->c_lflag && !memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc)) &&
	       cfgetispeed(a) == cfgetispeed(b) && cfgetospeed(a) == cfgetospeed(b);
}

Test(ptyrelay, command_cannot_reach_the_invoking_terminal)
{
	struct termios before, after;
	struct report rep;
	int fd, queued = -1;
	pid_t pid;

	cr_assert_eq(tcgetattr(outer_slave, &before), 0);
	pid = start_tracer(RELAY, attack, &fd);
	cr_assert(wait_for(" END", 10000), "no report from the command: %s", screen);
	rep = finish_tracer(pid, fd);
	cr_assert_eq(rep.ret, 0);
	cr_assert(WIFEXITED(rep.status) && WEXITSTATUS(rep.status) == 0, "%#x", rep.status);
	/* The attacks "work", on the command's own terminal. */
	if (legacy_tiocsti())
		cr_assert(strstr(screen, "sti=1"), "%s", screen);
	cr_assert(strstr(screen, "pgrp=1"), "%s", screen);
	cr_assert(strstr(screen, "leaked=0"), "the command holds root's terminal: %s", screen);
	/* Nothing reached root's terminal: no input queued, none relayed, foreground kept. */
	cr_assert_eq(rep.queued, 0);
	cr_assert_eq(rep.in_bytes, 0);
	cr_assert_eq(rep.fg_kept, 1, "the command took root's terminal's foreground");
	cr_assert_eq(ioctl(outer_slave, FIONREAD, &queued), 0);
	cr_assert_eq(queued, 0);
	cr_assert_gt(rep.out_bytes, 0);
	cr_assert_eq(tcgetattr(outer_slave, &after), 0);
	cr_assert(same_modes(&before, &after), "modes not restored");
}

static volatile sig_atomic_t resized;

static void on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

/* Echoes a line, reports its window size before and after a resize, then reads until ^C. */
static void interactive(void)
{
	struct sigaction sa = { .sa_handler = on_winch };
	struct winsize ws;
	char line[128];
	sigset_t block, none;

	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	ioctl(0, TIOCGWINSZ, &ws);
	printf("READY %dx%d\n", ws.ws_row, ws.ws_col);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		_exit(81);
	printf("GOT <%.*s>\n", (int)strcspn(line, "\n"), line);
	fflush(stdout);
	sigemptyset(&none);
	while (!resized)
		sigsuspend(&none);
	ioctl(0, TIOCGWINSZ, &ws);
	printf("SIZE %dx%d\n", ws.ws_row, ws.ws_col);
	fflush(stdout);
	for (;;) {
		if (read(0, line, sizeof(line)) <= 0)
			_exit(82);
	}
}

Test(ptyrelay, relays_input_output_size_and_ctrl_c)
{
	struct winsize ws = { .ws_row = 40, .ws_col = 132 };
	struct termios before, during, after;
	struct report rep;
	int fd;
	pid_t pid;

	cr_assert_eq(tcgetattr(outer_slave, &before), 0);
	cr_assert(before.c_lflag & ICANON);
	pid = start_tracer(RELAY, interactive, &fd);
	cr_assert(wait_for("READY 24x80", 10000), "%s", screen);
	cr_assert_eq(tcgetattr(outer_slave, &during), 0);
	cr_assert_eq(during.c_lflag & (ICANON | ECHO | ISIG), 0, "invoking terminal not raw");
	cr_assert(during.c_oflag & OPOST);

	cr_assert_eq(write(outer_master, "hello\n", 6), 6);
	cr_assert(wait_for("GOT <hello>", 10000), "%s", screen);
	cr_assert_eq(ioctl(outer_master, TIOCSWINSZ, &ws), 0);
	cr_assert(wait_for("SIZE 40x132", 10000), "%s", screen);
	/* ^C: a byte on root's raw terminal, SIGINT from the command's own. */
	cr_assert_eq(write(outer_master, "\003", 1), 1);
	rep = finish_tracer(pid, fd);
	cr_assert_eq(rep.ret, 0);
	cr_assert(WIFSIGNALED(rep.status) && WTERMSIG(rep.status) == SIGINT, "status %#x",
		  rep.status);
	cr_assert_eq(rep.in_bytes, 7);
	cr_assert_eq(tcgetattr(outer_slave, &after), 0);
	cr_assert(same_modes(&before, &after), "modes not restored");
}

Test(ptyrelay, no_terminal_nothing_to_do)
{
	int status;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct ptyrelay r;
		char err[128];
		int null = open("/dev/null", O_RDWR);

		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(2);
		_exit(ptyrelay_open(&r, NOBODY, err, sizeof(err)) == 0 ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void two_streams(void)
{
	fputs("on stdout\n", stdout);
	fflush(stdout);
	fputs("on stderr\n", stderr);
	_exit(isatty(1) ? 1 : 0);
}

Test(ptyrelay, only_the_terminal_is_replaced)
{
	struct report rep;
	char out[64] = "";
	int fd;
	pid_t pid;

	cr_assert_eq(pipe(stdout_pipe), 0);
	pid = start_tracer(RELAY_STDOUT_PIPE, two_streams, &fd);
	close(stdout_pipe[1]);
	cr_assert(wait_for("on stderr", 10000), "%s", screen);
	rep = finish_tracer(pid, fd);
	cr_assert(WIFEXITED(rep.status) && WEXITSTATUS(rep.status) == 0, "stdout was a terminal");
	/* The pipe, as given: no terminal's line endings in it. */
	cr_assert_eq(read(stdout_pipe[0], out, sizeof(out) - 1), 10);
	cr_assert_str_eq(out, "on stdout\n");
	cr_assert_null(strstr(screen, "on stdout"), "%s", screen);
	close(stdout_pipe[0]);
}
