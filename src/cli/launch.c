// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Launch mode: tracer starts COMMAND and traces it from its first exec.
 *
 * Start-up, without a race: the child is forked before the BPF programs are
 * loaded. It takes the command's identity, finds COMMAND through PATH, says
 * so on the status pipe and blocks reading the go pipe. tracer loads and
 * attaches its programs, seeds the child's pid as a root, and only then
 * writes to the go pipe: the child's exec of COMMAND is the first event.
 * Both pipes are close-on-exec. On the status pipe, EOF after the go means
 * that the exec succeeded; a record says what failed and why. EOF on the go
 * pipe (tracer gave up, or died) makes the child exit without executing
 * anything.
 *
 * Identity: through sudo (SUDO_UID set, tracer running as root), the command
 * runs as the invoking user: SUDO_UID, SUDO_GID, that user's supplementary
 * groups, and HOME, USER and LOGNAME from its passwd entry. --user chooses
 * another user. Without either, the command runs as tracer does. The child
 * drops its privileges (setgroups, setresgid, setresuid, then checks that
 * they stuck) before it looks for COMMAND, so that the search and the exec
 * see what that user sees. tracer itself stays root.
 *
 * A terminal of its own: when the command runs as a user other than root and
 * one of tracer's standard descriptors is a terminal, the command runs on a
 * new pty in a session of its own, and tracer relays between the two
 * (ptyrelay.h): sharing root's terminal, the command could push input into
 * it (TIOCSTI) or take its foreground (tcsetpgrp) and read what root types
 * next. With no terminal on 0-2 but a controlling terminal, the command only
 * leaves it (a session of its own, no relay needed). Terminal signals then
 * reach the command through its pty (^C, ^\; not ^Z, see ptyrelay.h; a
 * command stopped otherwise suspends tracer with it, ptyrelay_stopped()); in
 * its own session without a pty, tracer forwards the terminal's SIGINT,
 * SIGQUIT and SIGHUP to it.
 *
 * Signals, otherwise: the command stays in tracer's process group, so it keeps the
 * terminal, and the terminal's signals reach both. While the command runs,
 * tracer ignores the signals that come from the terminal (si_code SI_KERNEL:
 * Ctrl-C, Ctrl-\, hangup): the command receives them itself, and tracer
 * exits when the command does. SIGINT, SIGTERM, SIGHUP and SIGQUIT sent with
 * kill() (si_code <= 0) are forwarded to the command, unless the sender is in
 * tracer's process group (kill(0, sig): the command got it too). Once the
 * command has exited (--follow-all), any of the four ends the tracing.
 * SIGTSTP, SIGTTIN, SIGTTOU and SIGCONT keep their default action: Ctrl-Z
 * stops tracer together with the command, so the shell sees the job stopped,
 * and fg continues both. The child gets back the dispositions and the signal
 * mask tracer started with before it executes COMMAND.
 *
 * A terminal given by the caller (--tui: the command's pane, tui_term.h):
 * the command runs in a session of its own with that terminal as its
 * controlling terminal and standard descriptors, owned by the command's user
 * as a login terminal is; no relay, tracer's terminal is the screen's. The
 * signals sent to tracer with kill() are forwarded as in a session of its
 * own; the terminal's signals are the pane's, typed there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "cmdpath.h"
#include "identity.h"
#include "launch.h"
#include "ptyrelay.h"

/* What the child reports on the status pipe. */
enum launch_stage {
	STAGE_READY = 1, /* waiting for the go */
	STAGE_IDENTITY, /* could not take the command's identity */
	STAGE_NOT_FOUND, /* COMMAND is not in PATH */
	STAGE_EXEC, /* the exec failed */
	STAGE_TERMINAL, /* could not take a terminal or session of its own */
};

struct launch_status {
	int32_t stage;
	int32_t err;
};

struct launch {
	pid_t pid;
	char **argv;
	bool follow_all;
	bool verbose;
	int status_fd; /* read end of the status pipe; -1 once closed */
	int go_fd; /* write end of the go pipe; -1 once closed */
	bool exited;
	int wstatus;
	int exec_err; /* errno of a failed exec, 0 if none */
	bool stop; /* a signal asked to stop after the command exited */
	bool interrupted; /* the terminal's SIGINT or SIGQUIT, not yet taken (launch_interrupted) */
	bool use_pty; /* the command runs on pty, relayed to tracer's terminal */
	bool own_session; /* no terminal on 0-2, but a controlling one: the command leaves it */
	int command_tty; /* the terminal given to launch_start(), or -1 */
	struct ptyrelay pty;
};

/* The signals tracer handles in launch mode, and those it had at start-up. */
static const int handled[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGPIPE };
static struct sigaction saved[sizeof(handled) / sizeof(handled[0])];

/* Per signal: sent by a process (its pid in sig_sender), or by the kernel. */
static volatile sig_atomic_t sig_by_process[NSIG];
static volatile sig_atomic_t sig_sender[NSIG];
static volatile sig_atomic_t sig_by_kernel[NSIG];
/*
 * A SIGCHLD since reap() last looked (set at first: look once in any case).
 * reap() clears it before its waitpid(): one that comes after is seen next time.
 */
static volatile sig_atomic_t child_changed = 1;

/*
 * Each handled signal writes a byte here (non-blocking, close-on-exec):
 * launch_finish() sleeps in poll() on the read end, so that a signal that
 * comes between its look at the flags and its sleep still wakes it, in
 * whichever thread the handler ran.
 */
static int wake_pipe[2] = { -1, -1 };

static void on_signal(int sig, siginfo_t *si, void *uctx)
{
	int saved_errno = errno;

	(void)uctx;
	if (sig == SIGCHLD) { /* SIGCHLD only wakes the main loop up, for reap() */
		child_changed = 1;
	} else {
		if (si->si_code <= 0) {
			sig_sender[sig] = si->si_pid;
			sig_by_process[sig] = 1;
		} else {
			sig_by_kernel[sig] = 1;
		}
	}
	if (wake_pipe[1] >= 0 && write(wake_pipe[1], "", 1) < 0) {
		/* Full: a wake-up is pending already. */
	}
	errno = saved_errno;
}

/* Sleeps until a handled signal has come since the last call. */
static void wait_for_signal(void)
{
	struct pollfd p = { .fd = wake_pipe[0], .events = POLLIN };
	char buf[64];

	if (poll(&p, 1, -1) < 0 && errno != EINTR)
		return;
	while (read(wake_pipe[0], buf, sizeof(buf)) > 0)
		;
}

static int install_signals(void)
{
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO };
	struct sigaction ign = { .sa_handler = SIG_IGN };
	size_t i;

	if (wake_pipe[0] < 0 && pipe2(wake_pipe, O_NONBLOCK | O_CLOEXEC))
		return -errno;
	/* No SA_RESTART: a signal interrupts the poll, so the loop sees it at once. */
	sigfillset(&sa.sa_mask);
	sigemptyset(&ign.sa_mask);
	for (i = 0; i < sizeof(handled) / sizeof(handled[0]); i++) {
		if (sigaction(handled[i], handled[i] == SIGPIPE ? &ign : &sa, &saved[i]))
			return -errno;
	}
	return 0;
}

/* In the child: the dispositions tracer started with (a handler becomes SIG_DFL at exec). */
static void restore_signals(const sigset_t *mask)
{
	size_t i;

	for (i = 0; i < sizeof(handled) / sizeof(handled[0]); i++)
		sigaction(handled[i], &saved[i], NULL);
	sigprocmask(SIG_SETMASK, mask, NULL);
}

/* Writes s on one line: control characters become '?'. */
static void put_name(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

static void print_command_error(const char *name, const char *what)
{
	fputs("tracer: ", stderr);
	put_name(stderr, name);
	fprintf(stderr, ": %s\n", what);
}

static void report(int fd, int stage, int err)
{
	struct launch_status st = { .stage = stage, .err = err };
	ssize_t r;

	do
		r = write(fd, &st, sizeof(st));
	while (r < 0 && errno == EINTR);
}

/*
 * A file the kernel would not execute (ENOEXEC) is run by /bin/sh, as shells
 * and execvp() do, unless it looks like a binary. Returns only on failure.
 */
static void exec_script(const char *path, char **argv)
{
	char head[256], **sh_argv;
	ssize_t len = -1;
	int fd, argc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		len = read(fd, head, sizeof(head));
		close(fd);
	}
	if (len < 0 || cmdpath_looks_binary(head, (size_t)len))
		return;
	while (argv[argc])
		argc++;
	sh_argv = calloc((size_t)argc + 2, sizeof(*sh_argv));
	if (!sh_argv)
		return;
	sh_argv[0] = "sh";
	sh_argv[1] = (char *)path;
	memcpy(&sh_argv[2], &argv[1], (size_t)argc * sizeof(*argv)); /* argv[1..argc] */
	execve("/bin/sh", sh_argv, environ);
	free(sh_argv);
}

/*
 * In the child: the given terminal becomes its controlling terminal, in a
 * session of its own, and its standard descriptors. 0 or -errno.
 */
static int take_command_tty(int fd, uid_t uid)
{
	if (setsid() < 0 || ioctl(fd, TIOCSCTTY, 0) < 0)
		return -errno;
	/* The user's, as a login terminal (ptyrelay_open() does the same). */
	if (uid != 0 && (fchown(fd, uid, (gid_t)-1) || fchmod(fd, 0620)))
		return -errno;
	if (dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
	    dup2(fd, STDERR_FILENO) < 0)
		return -errno;
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/* The child: never returns. */
static void child_main(struct launch *l, const struct identity *id, int status_fd, int go_fd,
		       const sigset_t *mask)
{
	char path[PATH_MAX], go;
	struct stat st;
	ssize_t r;
	int err;

	restore_signals(mask);
	if (l->command_tty >= 0) {
		err = take_command_tty(l->command_tty, id->change ? id->uid : getuid());
		if (err) {
			report(status_fd, STAGE_TERMINAL, -err);
			_exit(TRACER_EXIT_FAILURE);
		}
	} else if (l->use_pty || l->own_session) {
		err = l->use_pty ? ptyrelay_child(&l->pty) : setsid() < 0 ? -errno : 0;
		if (err) {
			report(status_fd, STAGE_TERMINAL, -err);
			_exit(TRACER_EXIT_FAILURE);
		}
	}
	if (id->change) {
		err = identity_become(id);
		if (err) {
			report(status_fd, STAGE_IDENTITY, -err);
			_exit(TRACER_EXIT_FAILURE);
		}
	}
	err = cmdpath_resolve(l->argv[0], getenv("PATH"), path, sizeof(path));
	if (err) {
		report(status_fd, err == -ENOENT ? STAGE_NOT_FOUND : STAGE_EXEC, -err);
		_exit(cmdpath_exit_code(-err));
	}
	report(status_fd, STAGE_READY, 0);

	/* Held here until tracer watches this process. */
	do
		r = read(go_fd, &go, 1);
	while (r < 0 && errno == EINTR);
	if (r != 1)
		_exit(127);

	execve(path, l->argv, environ);
	err = errno;
	if (err == ENOEXEC)
		exec_script(path, l->argv);
	/* What a shell says about a directory. */
	if (err == EACCES && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		err = EISDIR;
	report(status_fd, STAGE_EXEC, err);
	_exit(cmdpath_exit_code(err));
}

/* The next report: stage 0 at EOF, -1 on an error (err: its errno). */
static struct launch_status read_status(int fd)
{
	struct launch_status st = { 0 };
	ssize_t r;

	do
		r = read(fd, &st, sizeof(st));
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return (struct launch_status){ .stage = -1, .err = errno };
	if (r != (ssize_t)sizeof(st))
		return (struct launch_status){ 0 };
	return st;
}

static pid_t wait_child(pid_t pid, int *wstatus)
{
	pid_t r;

	do
		r = waitpid(pid, wstatus, 0);
	while (r < 0 && errno == EINTR);
	return r;
}

static int exit_status(int wstatus)
{
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return WEXITSTATUS(wstatus);
}

static void free_launch(struct launch *l)
{
	if (l->use_pty)
		ptyrelay_finish(&l->pty);
	if (l->status_fd >= 0)
		close(l->status_fd);
	if (l->go_fd >= 0)
		close(l->go_fd);
	free(l);
}

/* The child's first report: ready, or why it gave up (it then exits). */
static int wait_ready(struct launch *l, const struct identity *id)
{
	struct launch_status st = read_status(l->status_fd);
	int wstatus;

	if (st.stage == STAGE_READY)
		return 0;
	wait_child(l->pid, &wstatus);
	if (st.stage <= 0) /* killed before it could say anything (Ctrl-C during start-up) */
		return exit_status(wstatus);
	switch (st.stage) {
	case STAGE_IDENTITY:
		fprintf(stderr, "tracer: cannot run the command as user %s (uid %u): %s\n",
			id->name, id->uid, strerror(st.err));
		return TRACER_EXIT_FAILURE;
	case STAGE_TERMINAL:
		fprintf(stderr, "tracer: cannot give the command a terminal of its own: %s\n",
			strerror(st.err));
		return TRACER_EXIT_FAILURE;
	case STAGE_NOT_FOUND:
		print_command_error(l->argv[0], "command not found");
		return 127;
	default:
		print_command_error(l->argv[0], strerror(st.err));
		return cmdpath_exit_code(st.err);
	}
}

/* Whether tracer has a controlling terminal. */
static bool has_ctty(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * A command that runs as another user than root gets a terminal of its own
 * (ptyrelay.h), or at least leaves tracer's session. Returns 0 or -1 (said).
 */
static int separate_terminal(struct launch *l, const struct identity *id)
{
	uid_t uid = id->change ? id->uid : getuid();
	char err[256];
	int ret;

	if (uid == 0)
		return 0;
	ret = ptyrelay_open(&l->pty, uid, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "tracer: %s\n", err);
		return -1;
	}
	l->use_pty = ret == 1;
	l->own_session = !l->use_pty && has_ctty();
	return 0;
}

/* The relay's thread takes no signal: they are the main loop's. */
static int start_relay(struct launch *l)
{
	sigset_t all, old;
	char err[256];
	int ret;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = ptyrelay_start(&l->pty, err, sizeof(err));
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		fprintf(stderr, "tracer: %s\n", err);
	return ret;
}

/*
 * Forks the child behind two pipes (its status, tracer's go) and waits until
 * it is ready. Returns 0, or -1 (said): the child, if any, is reaped.
 */
static int fork_held(struct launch *l, const struct identity *id)
{
	int status_pipe[2], go_pipe[2];
	sigset_t all, mask;

	if (install_signals() || pipe2(status_pipe, O_CLOEXEC)) {
		fprintf(stderr, "tracer: cannot start the command: %s\n", strerror(errno));
		return -1;
	}
	if (pipe2(go_pipe, O_CLOEXEC)) {
		fprintf(stderr, "tracer: cannot start the command: %s\n", strerror(errno));
		close(status_pipe[0]);
		close(status_pipe[1]);
		return -1;
	}
	fflush(NULL);

	/* Signals wait until the child has put back the dispositions it inherits. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &mask);
	l->pid = fork();
	if (l->pid == 0) {
		close(status_pipe[0]);
		close(go_pipe[1]);
		child_main(l, id, status_pipe[1], go_pipe[0], &mask);
	}
	sigprocmask(SIG_SETMASK, &mask, NULL);
	close(status_pipe[1]);
	close(go_pipe[0]);
	l->status_fd = status_pipe[0];
	l->go_fd = go_pipe[1];
	if (l->pid < 0) {
		fprintf(stderr, "tracer: cannot start the command: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int launch_start(const struct cli_opts *opts, int command_tty, struct launch **out)
{
	struct identity id;
	struct launch *l;
	char err[256];
	int ret;

	ret = identity_resolve(opts->user, &id, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "tracer: %s\n", err);
		return ret;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		fputs("tracer: out of memory\n", stderr);
		identity_free(&id);
		return TRACER_EXIT_FAILURE;
	}
	l->argv = opts->command;
	l->follow_all = opts->follow_all;
	l->verbose = opts->verbose > 0;
	l->status_fd = -1;
	l->go_fd = -1;
	l->command_tty = command_tty;
	/* A terminal of its own already: no relay, tracer's terminal is not the command's. */
	if ((command_tty < 0 && separate_terminal(l, &id)) || fork_held(l, &id)) {
		ret = TRACER_EXIT_FAILURE;
		goto out_free;
	}
	ret = wait_ready(l, &id);
	if (!ret && l->use_pty && start_relay(l)) {
		/* No go: the child exits without executing anything. */
		close(l->go_fd);
		l->go_fd = -1;
		wait_child(l->pid, &l->wstatus);
		ret = TRACER_EXIT_FAILURE;
	}
	if (ret)
		goto out_free;
	if (l->verbose)
		fprintf(stderr, "tracer: command ready as pid %d (uid %u)\n", (int)l->pid,
			id.change ? id.uid : getuid());
	identity_free(&id);
	*out = l;
	return 0;

out_free:
	identity_free(&id);
	free_launch(l);
	return ret;
}

bool launch_interrupted(struct launch *l)
{
	bool was = l->interrupted;

	l->interrupted = false;
	return was;
}

uint32_t launch_pid(const struct launch *l)
{
	return (uint32_t)l->pid;
}

/* Whether pid is in tracer's process group (which the command shares). */
static bool in_own_group(pid_t pid)
{
	return pid == getpid() || getpgid(pid) == getpgrp();
}

static void handle_signals(struct launch *l)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		int sig = sigs[i];

		if (sig_by_process[sig]) {
			pid_t sender = sig_sender[sig];

			sig_by_process[sig] = 0;
			if (l->exited)
				l->stop = true;
			else if (l->use_pty || l->own_session || l->command_tty >= 0 ||
				 !in_own_group(sender))
				kill(l->pid, sig);
		}
		if (sig_by_kernel[sig]) {
			sig_by_kernel[sig] = 0;
			if (!l->exited && (sig == SIGINT || sig == SIGQUIT))
				l->interrupted = true;
			if (l->exited)
				l->stop = true;
			else if (l->own_session)
				kill(l->pid,
				     sig); /* the terminal's signal, which it no longer gets */
		}
	}
}

void launch_release(struct launch *l)
{
	char go = 1;

	/* A kill() that came during start-up reaches the command before it runs. */
	handle_signals(l);
	if (write(l->go_fd, &go, 1) != 1 && l->verbose)
		fprintf(stderr, "tracer: the command is gone before it was started\n");
	close(l->go_fd);
	l->go_fd = -1;
	/* From now on, only a failed exec writes to the status pipe. */
	fcntl(l->status_fd, F_SETFL, O_NONBLOCK);
}

/* A failed exec's report, or EOF once the exec succeeded. */
static void check_exec(struct launch *l)
{
	struct launch_status st;

	if (l->status_fd < 0)
		return;
	st = read_status(l->status_fd);
	if (st.stage == -1 && st.err == EAGAIN)
		return;
	if (st.stage == STAGE_EXEC)
		l->exec_err = st.err;
	close(l->status_fd);
	l->status_fd = -1;
}

/*
 * One waitpid() with flags (WNOHANG: never blocks, launch_finish() sleeps on
 * the wake pipe), when a SIGCHLD has come since the last one: not one
 * syscall per pass of the main loop.
 */
static void reap(struct launch *l, int flags)
{
	if (l->use_pty)
		flags |= WUNTRACED;
	if (l->exited || !child_changed)
		return;
	child_changed = 0;
	if (waitpid(l->pid, &l->wstatus, flags) != l->pid)
		return;
	if (WIFSTOPPED(l->wstatus)) {
		/* ^Z on its pty: tracer stops too, until fg. */
		ptyrelay_stopped(&l->pty, l->pid);
		return;
	}
	l->exited = true;
	/* Its last output relayed, the terminal's modes back, before tracer's summary. */
	if (l->use_pty) {
		ptyrelay_finish(&l->pty);
		l->use_pty = false;
	}
	if (l->verbose)
		fprintf(stderr, "tracer: the command exited with status %d\n",
			exit_status(l->wstatus));
}

bool launch_done(struct launch *l, uint64_t watched_now)
{
	reap(l, WNOHANG);
	handle_signals(l);
	check_exec(l);
	if (!l->exited)
		return false;
	return !l->follow_all || l->stop || watched_now == 0;
}

int launch_finish(struct launch *l)
{
	int status;

	/* Never released (tracer failed first): the child exits without executing anything. */
	if (l->go_fd >= 0) {
		close(l->go_fd);
		l->go_fd = -1;
	}
	/*
	 * Forward what comes until the command exits. A signal after
	 * handle_signals() or a SIGCHLD after reap() has left a byte in the
	 * wake pipe: the poll returns at once.
	 */
	for (;;) {
		handle_signals(l);
		reap(l, WNOHANG);
		if (l->exited)
			break;
		wait_for_signal();
	}
	/* The child has exited: its report, if any, is in the pipe. */
	if (l->status_fd >= 0) {
		fcntl(l->status_fd, F_SETFL, 0);
		check_exec(l);
	}
	if (l->exec_err)
		print_command_error(l->argv[0], strerror(l->exec_err));
	status = exit_status(l->wstatus);
	free_launch(l);
	return status;
}

FILE *launch_open_stderr(void)
{
	FILE *f;
	int fd;

	fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return NULL;
	}
	return f;
}
