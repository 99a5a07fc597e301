/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* --format sh: each exec as a bash command line that repeats it (see sh.c). */
#ifndef TRACER_SH_H
#define TRACER_SH_H

#include <stdint.h>
#include <stdio.h>
#include <tracer/tracer.h>

/*
 * The exec as one bash command line that repeats it: the same program, argv
 * (argv[0] too), cwd and, when captured, environment, in a subshell; a
 * comment ("# failed: ENOENT: ...") when it cannot be repeated exactly (an
 * event without the context fields: "# cwd unknown: ..."). 0, or -1 when the
 * write failed.
 */
int format_exec_sh(FILE *out, const struct tracer_event *ev);
/* Lost records, as a comment. */
int format_lost_sh(FILE *out, uint64_t count, uint32_t cpu);

#endif /* TRACER_SH_H */
