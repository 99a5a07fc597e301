/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The summary of a run (--summary, --summary-json): one row per program, as
 * strace -c has one per system call, from the finished process tree
 * (tree.h), then the critical path and parallelism sections (critpath.h).
 * Pure: no kernel, no clock; the caller gives the start and the wall time.
 *
 * A program is the basename of the file given to exec, as the caller named
 * it (sh, not the dash that /bin/sh links to; the file executed when that
 * name could not be read), or of the file it tried, for an exec that failed
 * for good. Its row counts its successful execs, its
 * execs that failed for good (not a $PATH search that found it later: the
 * tree keeps those apart), the processes that ended running it with a
 * non-zero exit or killed by a signal (a process that forked without exec
 * runs its parent's program), and the wall time of its execs: each from the
 * exec to the process's next exec or its end (the end of the trace when it
 * still ran).
 */
#ifndef TRACER_SUMMARY_H
#define TRACER_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "tree.h"

struct summary_row {
	char *program; /* raw bytes, NUL-terminated (escaped only when written) */
	uint64_t execs, failed, nonzero_exits;
	uint64_t total_ns, longest_ns;
};

/* The rows, by total time, longest first (then by longest exec, then by name). */
struct summary {
	struct summary_row *rows;
	size_t n;
};

/* The run as a whole: when it started (wall clock) and how long it lasted. */
struct summary_run {
	uint64_t start_us; /* microseconds since the epoch */
	uint64_t wall_ns;
};

/* The rows of the finished tree t. Returns 0 or -ENOMEM. Free with summary_free(). */
int summary_compute(const struct tree *t, struct summary *s);
void summary_free(struct summary *s);

/*
 * The summary as text: a line with the start (RFC 3339 UTC) and the wall
 * time, the table (seconds with 3 decimals, numbers right-aligned, the
 * program last as one shell word), a total line, a blank line, then
 * critpath_write_text(). In colour when color. Returns 0, -1 when a write
 * failed, or -ENOMEM.
 */
int summary_write_text(FILE *out, const struct tree *t, const struct summary_run *run, bool color);

/*
 * The summary as one JSON object and a newline:
 * {"start":"...Z","wall_s":N,"programs":[{"program":"make","execs":N,"failed":N,
 * "nonzero_exits":N,"total_s":N,"longest_s":N},...] then critpath_write_json()'s
 * members, then "}". Returns 0, -1 when a write failed, or -ENOMEM.
 */
int summary_write_json(FILE *out, const struct tree *t, const struct summary_run *run);

#endif /* TRACER_SUMMARY_H */
