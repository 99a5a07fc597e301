// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Which writer for which format, and which operation for which event. */
#include "envdiff.h"
#include "writer.h"

const struct writer_ops *writer_of(enum format_kind kind)
{
	switch (kind) {
	case FORMAT_JSON:
		return &json_writer;
	case FORMAT_SH:
		return &sh_writer;
	case FORMAT_TEXT:
	default:
		return &text_writer;
	}
}

int writer_write(const struct writer_ops *w, FILE *out, struct envdiff *env, double ts,
		 const struct tracer_event *ev)
{
	switch (ev->type) {
	case TRACER_EVENT_EXEC:
		return w->exec ? w->exec(out, ts, ev, env) : 0;
	case TRACER_EVENT_EXIT:
		envdiff_forget(env, ev->exit.pid);
		return w->exit ? w->exit(out, ts, &ev->exit) : 0;
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
