/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Text and JSON Lines writers. Each event is exactly one line, whatever its bytes. */
#ifndef TRACER_FORMAT_H
#define TRACER_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <tracer/tracer.h>

/* ts is seconds since tracer started. Return 0, or -1 when the write failed. */
int format_exec_text(FILE *out, double ts, const struct tracer_exec_event *e);
int format_exec_json(FILE *out, double ts, const struct tracer_exec_event *e);
int format_exit_text(FILE *out, double ts, const struct tracer_exit_event *e);
int format_exit_json(FILE *out, double ts, const struct tracer_exit_event *e);
int format_fork_text(FILE *out, double ts, const struct tracer_fork_event *e);
int format_fork_json(FILE *out, double ts, const struct tracer_fork_event *e);
int format_signal_text(FILE *out, double ts, const struct tracer_signal_event *e);
int format_signal_json(FILE *out, double ts, const struct tracer_signal_event *e);
/* Any event, as text or JSON. */
int format_event(FILE *out, bool json, double ts, const struct tracer_event *ev);
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
