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
	FORMAT_TEXT, /* one line per event: an exec as the readable line (execline.h) */
	FORMAT_JSON, /* JSON Lines: one object per line */
	FORMAT_SH, /* one bash command line per exec that repeats it (sh.c) */
	FORMAT_KV, /* one line per event, every field as key=value (text_writer) */
};

/* How a text line shows its time (--time). */
enum time_mode {
	TIME_REL, /* seconds since start: 1.234567 */
	TIME_WALL, /* the local time of day: 22:24:02.123456 */
	TIME_ISO, /* RFC 3339 UTC, as JSON's "time": 2026-12-06T22:24:02.123456Z */
	TIME_NONE, /* no time */
};

/*
 * The wall-clock time of ts 0 (tracer's start), in microseconds since the
 * epoch: JSON's "time" and --time wall/iso are that plus ts (walltime.h).
 * Set once, before the first event is written.
 */
void writer_set_start_us(uint64_t us);

/* The wall-clock time of ts, in microseconds since the epoch. */
uint64_t writer_time_us(double ts);

/* ts as mode writes it (nothing for TIME_NONE): 0, or -1 when the write failed. */
int writer_put_time(FILE *out, enum time_mode mode, double ts);

/* How text_writer's lines show their time ("[...]"): TIME_REL unless set. */
void writer_set_text_time(enum time_mode mode);

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
