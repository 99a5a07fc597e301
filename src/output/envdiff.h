/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The text format's environment column: what changed, "+NAME=value" for an
 * entry that is new or whose value changed, "-NAME" for one that went. The
 * first environment of the run is shown whole (every entry a "+"), then each
 * exec is compared with the closest environment already seen: its own
 * process's last exec (an exec chain: env FOO=1 prog), else the one its
 * parent's previous child started with (what the parent hands on, so that
 * the children of a shell or make do not all repeat the same changes), else
 * its parent's exec, else the first environment (a process whose parent's
 * exec was not seen). A process is forgotten when its exit is seen, or, the
 * oldest first, when more than ENVDIFF_MAX_PROCS processes or
 * ENVDIFF_MAX_BYTES bytes of environments are remembered.
 */
#ifndef TRACER_ENVDIFF_H
#define TRACER_ENVDIFF_H

#include <stdint.h>
#include <stdio.h>
#include <tracer/tracer.h>

#define ENVDIFF_MAX_PROCS 4096
#define ENVDIFF_MAX_BYTES (64u << 20)

struct envdiff;

struct envdiff *envdiff_new(void);
void envdiff_free(struct envdiff *d);

/*
 * Writes the environment part of e's text line: " env: +A=1 -B" (nothing when
 * nothing changed), " envc=N" when d is NULL; " env(truncated):" instead of
 * " env:" when e's environment is not whole (cut by the byte limit, or a part
 * unreadable), and then no "-NAME", which could be in the part missing. Then
 * remembers e's environment when the exec succeeded. Out of memory, the
 * environment is just not remembered. Returns 0, or -1 when the write failed.
 */
int envdiff_write(struct envdiff *d, FILE *out, const struct tracer_exec_event *e);

/* The process pid exited: its environment is no longer needed (d may be NULL). */
void envdiff_forget(struct envdiff *d, uint32_t pid);

#endif /* TRACER_ENVDIFF_H */
