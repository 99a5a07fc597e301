/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Names of errno values and signals, for the writers. Pure. */
#ifndef TRACER_NAMES_H
#define TRACER_NAMES_H

#include <stdint.h>

/* Name of an errno value ("ENOENT"), or NULL when unknown. */
const char *errno_name(int err);
/* Name of a signal ("SIGTERM", "SIGRT_2" for 34), or NULL when unknown. */
const char *signal_name(int sig);
/* Name of a signal's si_code ("SI_USER", "SEGV_MAPERR"), or NULL when unknown. */
const char *signal_code_name(int sig, int code);
/* The kernel's verdict on a signal ("delivered", "ignored"...), or NULL when unknown. */
const char *signal_result_name(uint32_t result);

#endif /* TRACER_NAMES_H */
