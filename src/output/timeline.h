/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The processes of a trace as a timeline in the Chrome Trace Event format
 * (JSON), which Perfetto and chrome://tracing open. Pure.
 */
#ifndef TRACER_TIMELINE_H
#define TRACER_TIMELINE_H

#include <stdint.h>
#include <stdio.h>
#include "tree.h"

/*
 * Writes the finished tree t: each process tree is a trace "process" (pid:
 * the root's pid), each process in it a "thread" track (tid: its pid) in
 * depth-first order, holding one complete event ("ph":"X") from its start to
 * its exit, named by its command line, and instant events ("ph":"i") for its
 * execs and the signals it got. The critical path (critpath.h) is a trace
 * process of its own, pid 0, named "critical path": one slice per step.
 * Times are microseconds since epoch_ns.
 * Returns 0, or -1 when the write failed.
 */
int timeline_write(const struct tree *t, FILE *out, uint64_t epoch_ns);

#endif /* TRACER_TIMELINE_H */
