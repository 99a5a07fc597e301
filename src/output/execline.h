/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The readable exec line, the text format's default:
 *
 *	22:24:02.123456 4242   gcc -c -o a.o a.c  cwd=/src  >/dev/null
 *
 * the time (--time), the pid, the command line escaped as the key=value
 * line escapes it (escape.c: every hostile byte shown, never obeyed), then
 * only what is unusual: a failure, the cwd, redirections and uid/euid where
 * they differ from the parent's (parentctx.h), the interpreter of a script,
 * cut marks, and with --env the environment's changes (envdiff.h). The text
 * writer, the TUI's list and the journal's MESSAGE all write it through
 * execline_write().
 */
#ifndef TRACER_EXECLINE_H
#define TRACER_EXECLINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <tracer/tracer.h>

#include "writer.h"

struct envdiff;
struct parentctx;

struct execline_style {
	enum time_mode time; /* the first column */
	bool color; /* SGR escapes: the command bold, a failure red, the context dim */
};

/*
 * The pid column's width: pid_max is at most 4194304, and the command then
 * starts at the same column on every line.
 */
#define EXECLINE_PID_WIDTH 7

/*
 * Writes the exec ev (TRACER_EVENT_EXEC) as one line, its '\n' included.
 * ts: seconds since start (the walltime of writer_time_us()). ctx: the
 * processes' contexts to compare with (NULL: the cwd and fds are not shown,
 * as for a process whose parent is unknown, but the cwd); ctx is not
 * updated (execline_keep()). env: --env's column (NULL: none). lookups: the
 * failed PATH lookups folded into this line (0: none). Returns 0, or -1 when
 * the write failed.
 */
int execline_write(FILE *out, const struct execline_style *st, double ts,
		   const struct tracer_event *ev, const struct parentctx *ctx, struct envdiff *env,
		   uint32_t lookups);

/*
 * What of ev's context the line shows, as execline_write() finds it against
 * ctx: a copy of the event can then be written later, when ctx has moved
 * on, by execline_write_shown() (the --tui list writes only the lines it
 * draws).
 */
#define EXECLINE_SHOW_CWD (1u << 0)
#define EXECLINE_SHOW_UID (1u << 1)
#define EXECLINE_SHOW_EUID (1u << 2)
#define EXECLINE_SHOW_FD(i) (1u << (3 + (i))) /* stdin, stdout, stderr */
uint32_t execline_context(const struct parentctx *ctx, const struct tracer_event *ev);
/* execline_write() with the context's part decided already (execline_context()). */
int execline_write_shown(FILE *out, const struct execline_style *st, double ts,
			 const struct tracer_event *ev, uint32_t shown, struct envdiff *env,
			 uint32_t lookups);

/* After execline_write(): a successful exec's context is remembered in ctx. */
void execline_keep(struct parentctx *ctx, const struct tracer_event *ev);

/* The time column as st->time writes it, a space after it (nothing for TIME_NONE). */
int execline_time(FILE *out, enum time_mode mode, double ts);

#endif /* TRACER_EXECLINE_H */
