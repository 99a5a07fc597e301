/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* What the text and JSON writers share (writer_text.c, writer_json.c). */
#ifndef TRACER_WRITER_INT_H
#define TRACER_WRITER_INT_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <tracer/tracer.h>

#include "names.h"

/* A number JSON accepts: inf and nan are not. */
static inline double finite_ts(double ts)
{
	return isfinite(ts) ? ts : 0.0;
}

/* errno name of a failed exec's return value, NULL when it succeeded or is unknown. */
static inline const char *ret_errno_name(int32_t ret)
{
	if (ret >= 0 || ret == INT32_MIN)
		return NULL;
	return errno_name(-ret);
}

/* Seconds, from nanoseconds, for printing with %.6f. */
static inline double ns_to_s(uint64_t ns)
{
	return (double)ns / 1e9;
}

/* The end of a line: 0, or -1 when the stream has failed. */
static inline int end_line(FILE *out)
{
	if (fputc('\n', out) == EOF || ferror(out))
		return -1;
	return 0;
}

/* Whether ev carries the context fields (total_argc to total_env_bytes): all or none. */
static inline bool has_context(const struct tracer_event *ev)
{
	return TRACER_EVENT_HAS(ev, exec.total_env_bytes);
}

/* Whether ev says if its filename is cut or unreadable. */
static inline bool has_filename_marks(const struct tracer_event *ev)
{
	return TRACER_EVENT_HAS(ev, exec.filename_fault);
}

/*
 * Whether the filename is marked unreadable or cut: only for an event whose
 * library knows these fields (marks).
 */
static inline bool filename_fault(const struct tracer_exec_event *e, bool marks)
{
	return marks && e->filename_fault;
}

static inline bool filename_truncated(const struct tracer_exec_event *e, bool marks)
{
	return marks && e->filename_truncated;
}

/* The stop event's pattern, "" when it has none. */
static inline const char *stop_pattern(const struct tracer_stop_event *e)
{
	return e->pattern ? e->pattern : "";
}

#endif /* TRACER_WRITER_INT_H */
