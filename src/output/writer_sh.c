// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The sh writer: execs as bash command lines (sh.c); what is not a command
 * as a comment (lost records, a process stopped and waiting for the user)
 * or not at all (fork, exit, signal).
 */
#include "sh.h"
#include "writer.h"

static int exec_line(FILE *out, double ts, const struct tracer_event *ev, struct envdiff *env)
{
	(void)ts;
	(void)env;
	return format_exec_sh(out, ev);
}

/* The text line, as a comment: bash must not run it, the user must see it. */
static int stop_comment(FILE *out, double ts, const struct tracer_stop_event *e)
{
	(void)ts;
	return fputs("# ", out) == EOF ? -1 : text_writer.stop(out, 0, e);
}

static int lost_comment(FILE *out, double ts, uint64_t count, uint32_t cpu)
{
	(void)ts;
	return format_lost_sh(out, count, cpu);
}

const struct writer_ops sh_writer = {
	.exec = exec_line,
	.stop = stop_comment,
	.lost = lost_comment,
};
