// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * A pty of its own for the command, and the relay between it and the
 * invoking terminal (see ptyrelay.h).
 *
 * The relay is a thread, so that tracer's main loop keeps polling the ring
 * buffer: it polls the invoking terminal's input, the master and a wake-up
 * pipe, and never waits for the child (tracer reaps it). The master is
 * non-blocking, so that input the command does not read never stops its
 * output from being relayed. The relay ends on EIO from the master (every
 * slave descriptor closed, the data read first) or, once the command has
 * exited, after a quiet interval.
 */
#define _GNU_SOURCE
#include <dirent.h>
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
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "ptyrelay.h"

/* How long a drained pty may stay quiet once the command has exited. */
#define PTYRELAY_QUIET_MS 100

/* The relay's wake-up pipe, for the SIGWINCH handler: one relay at a time. */
static volatile int winch_fd = -1;

static void on_winch(int sig)
{
	int saved = errno;
	char c = 'w';

	(void)sig;
	if (winch_fd >= 0 && write(winch_fd, &c, 1) < 0) {
		/* Full: a wake-up is already pending. */
	}
	errno = saved;
}

static int fail(int ret, char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s: %s", what, strerror(-ret));
	return ret;
}

int ptyrelay_open(struct ptyrelay *r, uid_t uid, char *err, size_t errlen)
{
	struct winsize ws;
	struct stat st;
	int fd, ret;

	memset(r, 0, sizeof(*r));
	r->tty_fd = r->in_fd = r->out_fd = r->master = r->slave = -1;
	r->wake[0] = r->wake[1] = -1;
	for (fd = 0; fd < 3; fd++) {
		if (!isatty(fd) || fstat(fd, &st))
			continue;
		if (r->tty_fd < 0) {
			r->tty_fd = fd;
			r->tty_rdev = st.st_rdev;
		}
		r->std_on_tty[fd] = st.st_rdev == r->tty_rdev;
	}
	if (r->tty_fd < 0)
		return 0;
	r->in_fd = r->std_on_tty[0] ? 0 : -1;
	/* The command's terminal output goes to the terminal, even with stdout redirected. */
	r->out_fd = r->std_on_tty[1] ? 1 : r->std_on_tty[2] ? 2 : 0;
	if (tcgetattr(r->tty_fd, &r->saved))
		return fail(-errno, err, errlen, "cannot read the terminal's modes");

	r->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (r->master < 0)
		return fail(-errno, err, errlen, "cannot open a pseudo-terminal");
	if (grantpt(r->master) || unlockpt(r->master)) {
		ret = fail(-errno, err, errlen, "cannot open a pseudo-terminal");
		goto err_close;
	}
	/* The slave of this master, not whatever has its name in /dev/pts by now. */
	r->slave = ioctl(r->master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (r->slave < 0) {
		ret = fail(-errno, err, errlen, "cannot open the pseudo-terminal's slave");
		goto err_close;
	}
	if (uid != 0 && (fchown(r->slave, uid, (gid_t)-1) || fchmod(r->slave, 0620))) {
		ret = fail(-errno, err, errlen, "cannot give the pseudo-terminal to the command");
		goto err_close;
	}
	if (tcsetattr(r->slave, TCSANOW, &r->saved)) {
		ret = fail(-errno, err, errlen, "cannot set the pseudo-terminal's modes");
		goto err_close;
	}
	if (ioctl(r->tty_fd, TIOCGWINSZ, &ws) == 0)
		ioctl(r->master, TIOCSWINSZ, &ws);
	if (pipe2(r->wake, O_CLOEXEC | O_NONBLOCK)) {
		ret = fail(-errno, err, errlen, "cannot open a pipe");
		goto err_close;
	}
	return 1;

err_close:
	if (r->slave >= 0)
		close(r->slave);
	close(r->master);
	r->master = r->slave = -1;
	return ret;
}

/* Whether fd is the invoking terminal, or /dev/tty opened while it was ours. */
static bool is_old_terminal(int fd, dev_t tty_rdev)
{
	struct stat st;

	if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return false;
	return st.st_rdev == tty_rdev || (major(st.st_rdev) == 5 && minor(st.st_rdev) == 0);
}

int ptyrelay_child(struct ptyrelay *r)
{
	struct dirent *de;
	DIR *dir;
	int fd;

	if (setsid() < 0 || ioctl(r->slave, TIOCSCTTY, 0))
		return -errno;
	for (fd = 0; fd < 3; fd++) {
		if (r->std_on_tty[fd] && dup2(r->slave, fd) < 0)
			return -errno;
	}
	close(r->master);
	close(r->wake[0]);
	close(r->wake[1]);
	if (r->slave > 2)
		close(r->slave);
	/* Close-on-exec is not enough: the child runs tracer's code until its exec. */
	dir = opendir("/proc/self/fd");
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		fd = atoi(de->d_name);
		if (fd > 2 && fd != dirfd(dir) && is_old_terminal(fd, r->tty_rdev))
			close(fd);
	}
	closedir(dir);
	return 0;
}

/* Raw for input; output processing stays, for tracer's own lines. */
static int make_raw(struct ptyrelay *r)
{
	struct termios t = r->saved;

	t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON |
				 IXOFF);
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	/* TCSADRAIN: input typed before is kept, to be relayed. */
	if (tcsetattr(r->tty_fd, TCSADRAIN, &t))
		return -errno;
	r->raw = true;
	return 0;
}

static void restore_modes(struct ptyrelay *r)
{
	if (!r->raw)
		return;
	tcsetattr(r->tty_fd, TCSADRAIN, &r->saved);
	r->raw = false;
}

static void copy_winsize(struct ptyrelay *r)
{
	struct winsize ws;

	if (ioctl(r->tty_fd, TIOCGWINSZ, &ws) == 0)
		ioctl(r->master, TIOCSWINSZ, &ws);
}

/* Writes all of buf to the terminal; false once the terminal is gone. */
static bool write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

int ptyrelay_signal(struct ptyrelay *r, int sig)
{
	pid_t pgrp;

	if (ioctl(r->master, TIOCGPGRP, &pgrp) || pgrp <= 0)
		return -ESRCH;
	return kill(-pgrp, sig) ? -errno : 0;
}

/*
 * The suspend character (^Z) typed for the command: the command leads a
 * session whose parent is in another one, so its process group is orphaned
 * and the kernel discards the SIGTSTP its terminal would send. The relay
 * stops the command's foreground group with SIGSTOP instead (tracer then
 * stops with it, see ptyrelay_stopped()), and drops the input as the line
 * discipline would. Returns the number of bytes of buf still to relay.
 */
static size_t take_suspend(struct ptyrelay *r, const char *buf, size_t len)
{
	struct termios t;

	if (tcgetattr(r->master, &t) || !(t.c_lflag & ISIG) || t.c_cc[VSUSP] == _POSIX_VDISABLE ||
	    !memchr(buf, t.c_cc[VSUSP], len))
		return len;
	ptyrelay_signal(r, SIGSTOP);
	return 0;
}

static void *relay(void *arg)
{
	struct ptyrelay *r = arg;
	char in_buf[4096], out_buf[4096], wake[64];
	size_t in_len = 0, in_off = 0;
	int in_fd = r->in_fd;
	bool out_ok = true;
	ssize_t n;

	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = r->master, .events = POLLIN | (in_len ? POLLOUT : 0) },
			{ .fd = r->wake[0], .events = POLLIN },
			{ .fd = in_len ? -1 : in_fd, .events = POLLIN },
		};
		bool exited = r->child_exited;
		int ready = poll(pfd, 3, exited ? PTYRELAY_QUIET_MS : -1);

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0 || (ready == 0 && exited))
			break;
		if (pfd[1].revents) {
			while (read(r->wake[0], wake, sizeof(wake)) > 0) {
			}
			copy_winsize(r);
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(r->master, out_buf, sizeof(out_buf));
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				break; /* EIO: no slave left, and all read */
			if (n == 0)
				break;
			if (n > 0) {
				r->out_bytes += (uint64_t)n;
				/* A gone terminal: keep draining, so that the command never blocks. */
				if (out_ok)
					out_ok = write_all(r->out_fd, out_buf, (size_t)n);
			}
		}
		if (in_len && (pfd[0].revents & POLLOUT)) {
			n = write(r->master, in_buf + in_off, in_len);
			if (n > 0) {
				in_off += (size_t)n;
				in_len -= (size_t)n;
			}
		}
		if (pfd[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(in_fd, in_buf, sizeof(in_buf));
			if (n > 0) {
				r->in_bytes += (uint64_t)n;
				in_off = 0;
				in_len = take_suspend(r, in_buf, (size_t)n);
			} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
				/* The terminal hung up: the command hears it as from its own. */
				in_fd = -1;
				ptyrelay_signal(r, SIGHUP);
				ptyrelay_signal(r, SIGCONT);
			}
		}
	}
	return NULL;
}

int ptyrelay_start(struct ptyrelay *r, char *err, size_t errlen)
{
	struct sigaction sa = { .sa_handler = on_winch, .sa_flags = SA_RESTART };
	int ret;

	if (r->slave >= 0) {
		close(r->slave);
		r->slave = -1;
	}
	fcntl(r->master, F_SETFL, O_NONBLOCK);
	if (r->in_fd >= 0) {
		ret = make_raw(r);
		if (ret)
			return fail(ret, err, errlen, "cannot set the terminal's modes");
	}
	winch_fd = r->wake[1];
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	/* A resize before the handler was there. */
	copy_winsize(r);
	ret = pthread_create(&r->thread, NULL, relay, r);
	if (ret) {
		restore_modes(r);
		return fail(-ret, err, errlen, "cannot start relaying the terminal");
	}
	r->thread_started = true;
	return 0;
}

void ptyrelay_child_exited(struct ptyrelay *r)
{
	char c = 'x';

	r->child_exited = true;
	if (write(r->wake[1], &c, 1) < 0) {
		/* Full: the thread is awake anyway. */
	}
}

void ptyrelay_stopped(struct ptyrelay *r, pid_t child)
{
	bool was_raw = r->raw;

	restore_modes(r);
	/* Stops every thread of tracer, the relay's too, until fg or bg. */
	kill(getpid(), SIGTSTP);
	if (was_raw && tcgetpgrp(r->tty_fd) == getpgrp())
		make_raw(r);
	copy_winsize(r);
	/* The group the relay stopped, and the command itself. */
	ptyrelay_signal(r, SIGCONT);
	kill(child, SIGCONT);
}

void ptyrelay_finish(struct ptyrelay *r)
{
	if (r->thread_started) {
		if (!r->child_exited)
			ptyrelay_child_exited(r);
		pthread_join(r->thread, NULL);
		r->thread_started = false;
	}
	restore_modes(r);
	if (winch_fd == r->wake[1]) {
		signal(SIGWINCH, SIG_DFL);
		winch_fd = -1;
	}
	if (r->slave >= 0)
		close(r->slave);
	if (r->master >= 0)
		close(r->master);
	if (r->wake[0] >= 0)
		close(r->wake[0]);
	if (r->wake[1] >= 0)
		close(r->wake[1]);
	r->slave = r->master = r->wake[0] = r->wake[1] = -1;
}

pid_t ptyrelay_spawn(struct ptyrelay *r, void (*child_fn)(void *), void *arg, char *err,
		     size_t errlen)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return fail(-errno, err, errlen, "cannot start the command");
	if (pid == 0) {
		if (ptyrelay_child(r))
			_exit(126);
		child_fn(arg);
		_exit(127);
	}
	return pid;
}

int ptyrelay_run(struct ptyrelay *r, pid_t child, int *status, char *err, size_t errlen)
{
	static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	sigset_t set, old;
	siginfo_t si;
	size_t i;
	int ret;
	pid_t w;

	/* Blocked before the thread starts, so that it inherits the mask and only sigwaitinfo sees them. */
	sigemptyset(&set);
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	sigaddset(&set, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	ret = ptyrelay_start(r, err, errlen);
	if (ret)
		goto out_finish;
	for (;;) {
		w = waitpid(child, status, WNOHANG | WUNTRACED);
		if (w < 0 && errno != EINTR) {
			ret = fail(-errno, err, errlen, "cannot wait for the command");
			break;
		}
		if (w == child && WIFSTOPPED(*status)) {
			ptyrelay_stopped(r, child);
			continue;
		}
		if (w == child)
			break;
		if (sigwaitinfo(&set, &si) < 0 || si.si_signo == SIGCHLD)
			continue;
		kill(child, si.si_signo);
	}
	ptyrelay_child_exited(r);
out_finish:
	ptyrelay_finish(r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}
