// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The on-stop sink (--stop-at): each process stopped at its exec is held by
 * a pidfd and handed to --on-stop (onstop.h); at the end, whatever is still
 * stopped is resumed, whatever happened before (close).
 */
#include <stdio.h>
#include <stdlib.h>

#include "onstop.h"
#include "sink.h"

struct onstop_sink {
	struct sink_ctx *ctx;
	struct onstop stops;
};

static int onstop_sink_open(struct sink_ctx *ctx, void **state)
{
	struct onstop_sink *s;

	/*
	 * Under --tui the view holds the stops (tui_breaks.h): each is
	 * continued once, there, and nothing is said on its screen (--on-stop
	 * is refused with --tui: its commands would share that terminal).
	 */
	if (!ctx->opts->lib.n_stop_at || ctx->opts->tui)
		return SINK_NOT_WANTED;
	s = sink_state_new(sizeof(*s));
	if (!s)
		return SINK_FAILED;
	s->ctx = ctx;
	onstop_init(&s->stops, ctx->opts->on_stop, ctx->opts->on_stop_max, ctx->opts->verbose > 0);
	*state = s;
	return 0;
}

/* Nothing stays frozen behind tracer (but what a debugger holds). */
static void onstop_sink_close(void *state)
{
	struct onstop_sink *s = state;

	onstop_resume_all(&s->stops, stderr);
	if (s->stops.not_run)
		fprintf(stderr, "tracer: %llu --on-stop commands not run: tracer ended first\n",
			(unsigned long long)s->stops.not_run);
	onstop_free(&s->stops);
	free(s);
}

static int onstop_sink_event(void *state, const struct tracer_event *ev)
{
	struct onstop_sink *s = state;

	if (ev->type != TRACER_EVENT_STOP)
		return 0;
	/* Stops found in the last drain are only resumed: no new --on-stop. */
	s->stops.ending = s->ctx->ending || s->ctx->interrupted;
	onstop_event(&s->stops, &ev->stop, stderr);
	/* After Ctrl-C nothing waits: the stop would hold the command's shell. */
	if (s->ctx->interrupted)
		onstop_resume_all(&s->stops, stderr);
	return 0;
}

static int onstop_sink_tick(void *state)
{
	struct onstop_sink *s = state;

	onstop_reap(&s->stops, stderr);
	if (s->ctx->interrupted && s->stops.n_procs)
		onstop_resume_all(&s->stops, stderr);
	else if (s->stops.n_procs)
		onstop_remind(&s->stops, sink_now_ns(), stderr);
	return 0;
}

/* Part of the run's summary: how many stops waited for a free --on-stop slot. */
static int onstop_sink_finish(void *state)
{
	struct onstop_sink *s = state;

	if (s->stops.queued)
		fprintf(stderr,
			"tracer: %llu --on-stop commands waited for a free slot (--on-stop-max %u)\n",
			(unsigned long long)s->stops.queued, s->stops.max_running);
	return 0;
}

const struct sink_ops onstop_sink = {
	.name = "on-stop",
	.open = onstop_sink_open,
	.event = onstop_sink_event,
	.tick = onstop_sink_tick,
	.finish = onstop_sink_finish,
	.close = onstop_sink_close,
};
