/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Breakpoints under --tui: the --stop-at patterns, added and removed while
 * running (tracer_set_stop_at(), tracer_options.stop_at_dynamic), and the
 * processes they stopped at their exec, each held by a pidfd (a pid reused
 * later is never signalled): continue, kill, or debug one with gdb. Every
 * process still held when the view ends is continued.
 */
#ifndef TRACER_TUI_BREAKS_H
#define TRACER_TUI_BREAKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <tracer/tracer.h>

struct tui_term;
struct tui_breaks;

/* A process held at its exec. */
struct tui_stopped {
	pid_t pid;
	uint64_t ts_ns; /* the stop event's */
	char *cmdline; /* its arguments as shell words (escaped, printable) */
	char *pattern; /* the pattern that stopped it */
};

/*
 * Starts from the patterns the run began with (--stop-at). t must have been
 * created with stop_at_dynamic. NULL when out of memory.
 */
struct tui_breaks *tui_breaks_new(struct tracer *t, const char *const *patterns, size_t n);

/* Adds a pattern (the rules of --stop-at). 0, or -1 with a one-line reason in err. */
int tui_breaks_add(struct tui_breaks *b, const char *pattern, char *err, size_t errlen);
/* Removes pattern i. 0, or -1 with a reason in err. */
int tui_breaks_remove(struct tui_breaks *b, size_t i, char *err, size_t errlen);
size_t tui_breaks_count(const struct tui_breaks *b);
const char *tui_breaks_pattern(const struct tui_breaks *b, size_t i);

/* Every event: a stop event's process is held; an exit lets it go from the list. */
void tui_breaks_event(struct tui_breaks *b, const struct tracer_event *ev);

/*
 * At most this many are held: a flood of stops must not use up tracer's
 * descriptors (each is a pidfd) nor bury the list. A stop beyond it is
 * continued at once and counted (tui_breaks_n_dropped(), for the screen).
 */
#define TUI_BREAKS_HELD_MAX 64

size_t tui_breaks_n_stopped(const struct tui_breaks *b);
const struct tui_stopped *tui_breaks_stopped(const struct tui_breaks *b, size_t i);
/* The stops continued at once because TUI_BREAKS_HELD_MAX were held (or out of memory). */
uint64_t tui_breaks_n_dropped(const struct tui_breaks *b);

/* Stopped process i goes on (SIGCONT) or is killed (SIGKILL). 0, or -1 with a reason. */
int tui_breaks_continue(struct tui_breaks *b, size_t i, char *err, size_t errlen);
int tui_breaks_kill(struct tui_breaks *b, size_t i, char *err, size_t errlen);

/*
 * gdb attached to stopped process i: in the command's pane when it is free
 * (pane not NULL and tui_term_free_for_use()), else in a new tmux window
 * when tracer runs inside tmux. 0, or -1 with a reason in err (neither is
 * possible: the reason says what to do instead).
 */
int tui_breaks_debug(struct tui_breaks *b, size_t i, struct tui_term *pane, char *err,
		     size_t errlen);

/* Continues every process still held, and lets everything go. */
void tui_breaks_free(struct tui_breaks *b);

#endif /* TRACER_TUI_BREAKS_H */
