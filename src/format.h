/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Text and JSON Lines writers. Each event is exactly one line, whatever its bytes. */
#ifndef TRACER_FORMAT_H
#define TRACER_FORMAT_H

#include <stdint.h>
#include <stdio.h>
#include "event.h"

/* ts is seconds since tracer started. Return 0, or -1 when the write failed. */
int format_exec_text(FILE *out, double ts, const struct tracer_exec_event *e);
int format_exec_json(FILE *out, double ts, const struct tracer_exec_event *e);
int format_exit_text(FILE *out, double ts, const struct tracer_exit_event *e);
int format_exit_json(FILE *out, double ts, const struct tracer_exit_event *e);
int format_lost_text(FILE *out, double ts, uint64_t count, uint32_t cpu);
int format_lost_json(FILE *out, double ts, uint64_t count, uint32_t cpu);

/* Name of an errno value ("ENOENT"), or NULL when unknown. */
const char *errno_name(int err);

#endif /* TRACER_FORMAT_H */
