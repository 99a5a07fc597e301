/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* The --events list: which kinds of events are printed. Pure. */
#ifndef TRACER_EVLIST_H
#define TRACER_EVLIST_H

#include <stdbool.h>
#include <stdint.h>
#include <tracer/tracer.h>

/* What is printed without --events. */
#define EVLIST_DEFAULT TRACER_EVENT_BIT(TRACER_EVENT_EXEC)

/*
 * Parses a comma-separated list of exec, fork, exit, signal and all into a
 * mask of TRACER_EVENT_BIT()s. Returns 0, or -EINVAL for an empty list, an
 * empty item or an unknown name.
 */
int evlist_parse(const char *list, uint32_t *mask);

/*
 * The events the kernel must send: those printed, plus what the end-of-run
 * tree (exec, fork, exit, signal: who killed whom) and the timeline need.
 */
uint32_t evlist_kernel_mask(uint32_t printed, bool tree, bool timeline);

#endif /* TRACER_EVLIST_H */
