/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Launch mode: tracer [OPTIONS] -- COMMAND [ARG...]. tracer starts COMMAND
 * itself, held before its first exec until it is watched, as the user who ran
 * sudo (or --user), and exits with its status.
 */
#ifndef TRACER_LAUNCH_H
#define TRACER_LAUNCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "opts.h"

struct launch;

/*
 * Sets up the signal handling of launch mode (instead of the default one),
 * then forks the child: it takes the command's identity, finds COMMAND
 * through PATH and waits. Returns 0 with *out set once the child is ready, or
 * the exit code to exit with, the reason printed (127: not found; 2: unknown
 * --user; 1: tracer failed). command_tty, unless -1, is the terminal the
 * command gets as its controlling terminal and standard descriptors, in a
 * session of its own (--tui's pane), instead of tracer's; the caller keeps
 * its own descriptor of it and closes it once the child is forked.
 */
int launch_start(const struct cli_opts *opts, int command_tty, struct launch **out);

/*
 * Whether the terminal's SIGINT or SIGQUIT came while the command runs (the
 * command got it too) since the last call: what tracer stopped must go on to
 * take it, else the command's shell waits for a stopped child forever.
 */
bool launch_interrupted(struct launch *l);

/* The child's pid, to be watched (tracer_watch_pid()) before launch_release(). */
uint32_t launch_pid(const struct launch *l);

/* Lets the child execute COMMAND. */
void launch_release(struct launch *l);

/*
 * Forwards the signals tracer received, reaps the command. True when the
 * tracing should end: the command has exited and, with --follow-all, nothing
 * is watched any more (watched_now 0) or tracer was told to stop.
 */
bool launch_done(struct launch *l, uint64_t watched_now);

/*
 * Waits for the command (forwarding signals) if it still runs, says why it
 * could not be executed if so, frees l. Returns the command's exit status:
 * its exit code, or 128+N when signal N killed it. Before launch_release()
 * (tracer failed), the child exits without executing anything.
 */
int launch_finish(struct launch *l);

/*
 * Standard error for the events, on a descriptor the command does not get;
 * shared with the command's own messages: the caller writes whole lines.
 */
FILE *launch_open_stderr(void);

#endif /* TRACER_LAUNCH_H */
