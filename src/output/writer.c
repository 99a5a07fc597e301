// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Which writer for which format, and which operation for which event. */
#include <stddef.h>
#include <string.h>

#include "envdiff.h"
#include <math.h>

#include "num.h"
#include "walltime.h"
#include "writer.h"

static uint64_t start_us;

void writer_set_start_us(uint64_t us)
{
	start_us = us;
}

uint64_t writer_time_us(double ts)
{
	return start_us + writer_ts_us(ts);
}

int writer_put_time(FILE *out, enum time_mode mode, double ts)
{
	char buf[WALLTIME_ISO_LEN];

	switch (mode) {
	case TIME_NONE:
		return 0;
	case TIME_WALL:
		walltime_clock(buf, writer_time_us(ts));
		break;
	case TIME_ISO:
		walltime_iso(buf, writer_time_us(ts));
		break;
	case TIME_REL:
	default:
		return num_put_ts(out, isfinite(ts) ? ts : 0.0);
	}
	return fputs(buf, out) == EOF ? -1 : 0;
}

const struct writer_ops *writer_of(enum format_kind kind)
{
	switch (kind) {
	case FORMAT_JSON:
		return &json_writer;
	case FORMAT_SH:
		return &sh_writer;
	case FORMAT_KV:
	case FORMAT_TEXT:
	default:
		return &text_writer;
	}
}

/*
 * The exit event with usage_valid false when the library that sent it did
 * not know the usage fields: only the fields it knew are read.
 */
static const struct tracer_exit_event *exit_known(const struct tracer_event *ev,
						  struct tracer_exit_event *copy)
{
	if (TRACER_EVENT_HAS(ev, exit.usage_valid))
		return &ev->exit;
	memset(copy, 0, sizeof(*copy));
	memcpy(copy, &ev->exit, offsetof(struct tracer_exit_event, utime_ns));
	return copy;
}

int writer_write(const struct writer_ops *w, FILE *out, struct envdiff *env, double ts,
		 const struct tracer_event *ev)
{
	struct tracer_exit_event exit_copy;

	switch (ev->type) {
	case TRACER_EVENT_EXEC:
		return w->exec ? w->exec(out, ts, ev, env) : 0;
	case TRACER_EVENT_EXIT:
		envdiff_forget(env, ev->exit.pid);
		return w->exit ? w->exit(out, ts, exit_known(ev, &exit_copy)) : 0;
	case TRACER_EVENT_FORK:
		return w->fork ? w->fork(out, ts, &ev->fork) : 0;
	case TRACER_EVENT_SIGNAL:
		return w->signal ? w->signal(out, ts, &ev->signal) : 0;
	case TRACER_EVENT_STOP:
		return w->stop ? w->stop(out, ts, &ev->stop) : 0;
	case TRACER_EVENT_LOST:
		return w->lost ? w->lost(out, ts, ev->lost.count, ev->cpu) : 0;
	}
	return 0;
}
