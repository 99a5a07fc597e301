/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The event writers, one per output format, each a table of operations: one
 * per kind of event. Text (writer_text.c) and JSON Lines (writer_json.c)
 * write every event as exactly one line, whatever its bytes (every untrusted
 * byte string goes through escape.c); sh (writer_sh.c, over sh.c) writes
 * each exec as a bash command line that repeats it, and the rest as comments
 * or not at all.
 */
#ifndef TRACER_WRITER_H
#define TRACER_WRITER_H

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
 * ts is seconds since tracer started. Each returns 0, or -1 when the write
 * failed. A NULL operation: the format writes nothing for that kind.
 */
struct writer_ops {
	/*
	 * Every field ev has (TRACER_EVENT_HAS); the text environment column
	 * against what env remembers (NULL: the count only, see envdiff.h).
	 */
	int (*exec)(FILE *out, double ts, const struct tracer_event *ev, struct envdiff *env);
	int (*exit)(FILE *out, double ts, const struct tracer_exit_event *e);
	int (*fork)(FILE *out, double ts, const struct tracer_fork_event *e);
	int (*signal)(FILE *out, double ts, const struct tracer_signal_event *e);
	/* A process stopped at its exec (--stop-at); the text says what to do next. */
	int (*stop)(FILE *out, double ts, const struct tracer_stop_event *e);
	/* Records the kernel could not write, on one CPU. */
	int (*lost)(FILE *out, double ts, uint64_t count, uint32_t cpu);
};

extern const struct writer_ops text_writer;
extern const struct writer_ops json_writer;
extern const struct writer_ops sh_writer;

/*
 * ts as the writers write it ("%.6f"), in microseconds: what a reader of the
 * output compares with (the HTTP API's since). Rounded half up, as printf
 * rounds all but exact ties, which nanosecond timestamps do not make.
 */
static inline uint64_t writer_ts_us(double ts)
{
	return ts > 0 && ts < 1e12 ? (uint64_t)(ts * 1e6 + 0.5) : 0;
}

/* The writer of a format. */
const struct writer_ops *writer_of(enum format_kind kind);

/* Any event, by its kind's operation; an exit event makes env forget its process. */
int writer_write(const struct writer_ops *w, FILE *out, struct envdiff *env, double ts,
		 const struct tracer_event *ev);

/*
 * The exec as a library without the context fields and the filename's marks
 * would have sent it: e's fields up to argv_fault only.
 */
int format_exec_text(FILE *out, double ts, const struct tracer_exec_event *e);
int format_exec_json(FILE *out, double ts, const struct tracer_exec_event *e);

#endif /* TRACER_WRITER_H */
