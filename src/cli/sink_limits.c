// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The limits sink: says when the kernel's state map is full (--max-procs),
 * at the time, not only in the final summary (issue 23.15). A process that
 * could not be watched has its execs missing from every output, and whoever
 * reads the output live must know that it is incomplete from then on. It
 * looks at the counters at most once a second (a tick, never a wake-up of
 * its own, nothing per event), and warns at most once every 10 s, with the
 * count so far.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sink.h"

#define LIMITS_CHECK_NS 1000000000ull
#define LIMITS_WARN_NS (10 * 1000000000ull)

struct limits_sink {
	struct sink_ctx *ctx;
	uint64_t next_check_ns;
	uint64_t next_warn_ns;
	uint64_t warned; /* insert failures said so far */
};

static int limits_sink_open(struct sink_ctx *ctx, void **state)
{
	struct limits_sink *s = sink_state_new(sizeof(*s));

	if (!s)
		return SINK_FAILED;
	s->ctx = ctx;
	*state = s;
	return 0;
}

static int limits_sink_tick(void *state)
{
	struct limits_sink *s = state;
	uint64_t now = sink_now_ns();
	struct tracer_stats st;

	if (now < s->next_check_ns || s->ctx->ending)
		return 0;
	s->next_check_ns = now + LIMITS_CHECK_NS;
	if (!s->ctx->t || tracer_get_stats(s->ctx->t, &st) || st.insert_fail <= s->warned ||
	    now < s->next_warn_ns)
		return 0;
	fprintf(stderr,
		"tracer: warning: %llu %s could not be watched so far: state map full "
		"(%llu entries, see --max-procs); their execs are missing\n",
		(unsigned long long)st.insert_fail, st.insert_fail == 1 ? "process" : "processes",
		(unsigned long long)st.proc_capacity);
	s->warned = st.insert_fail;
	s->next_warn_ns = now + LIMITS_WARN_NS;
	return 0;
}

static void limits_sink_close(void *state)
{
	free(state);
}

const struct sink_ops limits_sink = {
	.name = "limits",
	.open = limits_sink_open,
	.tick = limits_sink_tick,
	.close = limits_sink_close,
};
