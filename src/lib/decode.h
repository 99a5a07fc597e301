/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Raw ring-buffer record to event, every length checked. */
#ifndef TRACER_DECODE_H
#define TRACER_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <tracer/tracer.h>

struct tracer_decode_limits {
	unsigned int max_args; /* at most this many arguments are shown */
	/* tracer's start (CLOCK_MONOTONIC ns): an exit's lifetime counts from it at the earliest */
	uint64_t epoch_ns;
};

/*
 * Decodes one record of size bytes. argv_buf (argv_cap entries) receives the
 * arguments; ev's pointers point into rec and argv_buf, valid while both are.
 * Returns 0, or -EINVAL for a malformed record (short, oversized, lengths that
 * do not add up, unknown type).
 */
int tracer_decode(const void *rec, size_t size, const struct tracer_decode_limits *lim,
		  struct tracer_bytes *argv_buf, size_t argv_cap, struct tracer_event *ev);

#endif /* TRACER_DECODE_H */
