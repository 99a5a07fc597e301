/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Text and JSON Lines writers. Each event is exactly one line, whatever its bytes. */
#ifndef TRACER_FORMAT_H
#define TRACER_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <tracer/tracer.h>

struct envdiff;

enum format_kind {
	FORMAT_TEXT, /* one line per event */
	FORMAT_JSON, /* JSON Lines: one object per line */
	FORMAT_SH, /* one bash command line per exec that repeats it (sh.c) */
};

/*
 * ts is seconds since tracer started. Return 0, or -1 when the write failed.
 * format_exec_text() and format_exec_json() write e's fields up to
 * argv_fault only, as for an event of a library without the context fields
 * and the filename's marks;
 * format_exec_event() writes every field ev has (TRACER_EVENT_HAS), the text
 * environment column against what env remembers (NULL: the count only).
 */
int format_exec_event(FILE *out, enum format_kind kind, struct envdiff *env, double ts,
		      const struct tracer_event *ev);
int format_exec_text(FILE *out, double ts, const struct tracer_exec_event *e);
int format_exec_json(FILE *out, double ts, const struct tracer_exec_event *e);
int format_exit_text(FILE *out, double ts, const struct tracer_exit_event *e);
int format_exit_json(FILE *out, double ts, const struct tracer_exit_event *e);
int format_fork_text(FILE *out, double ts, const struct tracer_fork_event *e);
int format_fork_json(FILE *out, double ts, const struct tracer_fork_event *e);
int format_signal_text(FILE *out, double ts, const struct tracer_signal_event *e);
int format_signal_json(FILE *out, double ts, const struct tracer_signal_event *e);
/* A process stopped at its exec (--stop-at); the text says what to do next. */
int format_stop_text(FILE *out, double ts, const struct tracer_stop_event *e);
int format_stop_json(FILE *out, double ts, const struct tracer_stop_event *e);
/* Any event, as text or JSON (no environment memory). */
int format_event(FILE *out, bool json, double ts, const struct tracer_event *ev);
/*
 * Any event in the given format; an exit event makes env forget its process.
 * FORMAT_SH writes execs and, as comments, lost events; nothing for the others.
 */
int format_event_as(FILE *out, enum format_kind kind, struct envdiff *env, double ts,
		    const struct tracer_event *ev);
/*
 * The exec as one bash command line that repeats it (see sh.c): the same
 * program, argv (argv[0] too), cwd and, when captured, environment, in a
 * subshell; a comment ("# failed: ENOENT: ...") when it cannot be repeated
 * exactly (an event without the context fields: "# cwd unknown: ...").
 */
int format_exec_sh(FILE *out, const struct tracer_event *ev);
int format_lost_sh(FILE *out, uint64_t count, uint32_t cpu);
int format_lost_text(FILE *out, double ts, uint64_t count, uint32_t cpu);
int format_lost_json(FILE *out, double ts, uint64_t count, uint32_t cpu);

/* Name of an errno value ("ENOENT"), or NULL when unknown. */
const char *errno_name(int err);
/* Name of a signal ("SIGTERM", "SIGRT_2" for 34), or NULL when unknown. */
const char *signal_name(int sig);
/* Name of a signal's si_code ("SI_USER", "SEGV_MAPERR"), or NULL when unknown. */
const char *signal_code_name(int sig, int code);
/* The kernel's verdict on a signal ("delivered", "ignored"...), or NULL when unknown. */
const char *signal_result_name(uint32_t result);

#endif /* TRACER_FORMAT_H */
