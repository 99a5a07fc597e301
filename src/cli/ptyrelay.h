/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * A terminal of its own for a command that runs as another user (sudo's
 * use_pty). Sharing the invoking terminal lets the command push input into it
 * (TIOCSTI: root's shell runs it after tracer exits) or make itself the
 * foreground process group (tcsetpgrp) and read what root types next. On its
 * own pseudo-terminal, in its own session, the command can do both only to
 * itself.
 *
 * The standard descriptors of tracer that are the invoking terminal become
 * the new pty's slave in the child; the others (pipes, files) are kept as
 * they are. tracer relays the terminal's input to the pty's master and the
 * master's output to the terminal, in a thread, and the terminal's window
 * size on SIGWINCH. The pty starts with the terminal's modes and size. While
 * the relay runs, the invoking terminal is in raw mode for input (output
 * processing stays on, so tracer's own lines on stderr still end well); its
 * modes are restored when the relay finishes, on every path through
 * ptyrelay_finish() or ptyrelay_run().
 *
 * Job control: ^C, ^\ and ^Z are plain bytes on the raw invoking terminal;
 * they reach the command's pty, whose line discipline signals the command's
 * foreground process group. The kernel discards the SIGTSTP of ^Z, though:
 * the command leads a session whose parent is in another one, so its process
 * group is orphaned (sudo keeps a monitor process in that session; not done
 * here yet). When the command stops (kill -STOP), ptyrelay_stopped() does
 * what sudo does: restores the terminal's modes, stops tracer itself with
 * SIGTSTP (the shell sees the job stopped), and on fg puts the terminal back
 * in raw mode and continues the command. After bg, tracer reading the
 * terminal in the background is stopped by SIGTTIN, as any background job.
 * When the invoking terminal hangs up, the relay stops reading it and sends
 * SIGHUP (and SIGCONT) to the foreground process group of the command's
 * terminal, as the kernel does for a terminal that hangs up; it keeps
 * draining the command's output.
 */
#ifndef TRACER_PTYRELAY_H
#define TRACER_PTYRELAY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>
#include <sys/types.h>

struct ptyrelay {
	int tty_fd; /* a standard descriptor on the invoking terminal */
	dev_t tty_rdev;
	bool std_on_tty[3]; /* which of 0, 1, 2 are the invoking terminal */
	int in_fd; /* 0 when standard input is the terminal, else -1 */
	int out_fd; /* where the command's terminal output goes */
	int master;
	int slave; /* -1 in the parent once the child has it */
	struct termios saved; /* the invoking terminal's modes */
	bool raw;
	bool thread_started;
	pthread_t thread;
	int wake[2]; /* SIGWINCH and ptyrelay_child_exited() wake the thread */
	volatile bool child_exited;
	uint64_t in_bytes; /* relayed from the invoking terminal to the command */
	uint64_t out_bytes; /* relayed from the command to the invoking terminal */
};

/*
 * Opens a new pty for a command that runs as uid (the slave is given to it,
 * mode 0620, when uid is not 0), with the modes and window size of the
 * invoking terminal: the first of tracer's descriptors 0, 1, 2 that is a
 * terminal. Returns 1 when r is set up, 0 when none of them is a terminal
 * (nothing to do: the command keeps tracer's descriptors), or a negative
 * errno with the reason in err.
 */
int ptyrelay_open(struct ptyrelay *r, uid_t uid, char *err, size_t errlen);

/*
 * In the forked child, before it drops its privileges: a new session with the
 * pty as its controlling terminal, the slave on the standard descriptors that
 * were the invoking terminal, every other descriptor of the invoking terminal
 * (and of /dev/tty) closed, the master closed. Returns 0 or a negative errno.
 */
int ptyrelay_child(struct ptyrelay *r);

/*
 * In the parent, once the child is forked: closes the slave, puts the
 * invoking terminal in raw mode when it is standard input, and starts relaying.
 * Returns 0 or a negative errno with the reason in err.
 */
int ptyrelay_start(struct ptyrelay *r, char *err, size_t errlen);

/*
 * The command has exited (tracer reaped it): the relay ends when the pty is
 * drained, at the latest after 100 ms without output (a background process
 * of the command may hold the slave open).
 */
void ptyrelay_child_exited(struct ptyrelay *r);

/* Sends sig to the foreground process group of the command's terminal. */
int ptyrelay_signal(struct ptyrelay *r, int sig);

/* The command stopped (waitpid WUNTRACED): suspends tracer, as described above. */
void ptyrelay_stopped(struct ptyrelay *r, pid_t child);

/* Waits for the relay to end, restores the invoking terminal, closes everything. */
void ptyrelay_finish(struct ptyrelay *r);

/*
 * Forks a child that calls ptyrelay_child() then child_fn(arg), which must
 * not return (it exits 127 if it does). Returns the child's pid, or a
 * negative errno with the reason in err. For callers with no fork of their
 * own; launch.c calls ptyrelay_child() in its child instead.
 */
pid_t ptyrelay_spawn(struct ptyrelay *r, void (*child_fn)(void *), void *arg, char *err,
		     size_t errlen);

/*
 * Relays until child exits: starts the relay, forwards SIGINT, SIGTERM,
 * SIGHUP and SIGQUIT sent to tracer to the command, suspends with it
 * (ptyrelay_stopped), then finishes. Returns 0 with the wait status in
 * *status, or a negative errno with the reason in err (the relay finished).
 */
int ptyrelay_run(struct ptyrelay *r, pid_t child, int *status, char *err, size_t errlen);

#endif /* TRACER_PTYRELAY_H */
