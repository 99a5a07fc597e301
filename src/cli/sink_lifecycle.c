// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The end-of-run pictures: --tree (on standard error) and --timeline FILE
 * (lifecycle.h). The timeline is written to a temporary file renamed over
 * FILE only when it is whole (outfile.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lifecycle.h"
#include "sink.h"

struct lifecycle_sink {
	struct sink_ctx *ctx;
	struct lifecycle *lc;
	struct outfile_tmp timeline; /* --timeline, renamed into place at the end */
	bool timeline_open;
};

static void lifecycle_sink_close(void *state)
{
	struct lifecycle_sink *s = state;

	if (s->timeline_open)
		outfile_abort(&s->timeline);
	lifecycle_close(s->lc);
	free(s);
}

/* The timeline's file is checked now, made at start. */
static int lifecycle_sink_open(struct sink_ctx *ctx, void **state)
{
	const struct cli_opts *opts = ctx->opts;
	struct lifecycle_sink *s;
	char err[512];

	if (!opts->tree && !opts->timeline)
		return SINK_NOT_WANTED;
	if (opts->timeline && outfile_check(opts->timeline, &ctx->owner, 0, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return SINK_FAILED;
	}
	s = sink_state_new(sizeof(*s));
	if (!s)
		return SINK_FAILED;
	s->ctx = ctx;
	*state = s;
	return 0;
}

static int lifecycle_sink_start(void *state)
{
	struct lifecycle_sink *s = state;
	const struct cli_opts *opts = s->ctx->opts;
	char err[512];
	FILE *tl = NULL;

	if (opts->timeline) {
		if (outfile_open_tmp(opts->timeline, &s->ctx->owner, 0600, &s->timeline, err,
				     sizeof(err))) {
			fprintf(stderr, "tracer: %s\n", err);
			return -1;
		}
		s->timeline_open = true;
		tl = outfile_tmp_stream(&s->timeline);
		if (!tl) {
			fprintf(stderr, "tracer: %s: %s\n", opts->timeline, strerror(errno));
			return -1;
		}
	}
	if (lifecycle_open(&(struct lifecycle_config){ .tree = opts->tree,
						       .timeline = tl,
						       .timeline_name = opts->timeline },
			   &s->lc, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return -1;
	}
	return 0;
}

/* Every process event, whatever --events prints. */
static int lifecycle_sink_event(void *state, const struct tracer_event *ev)
{
	struct lifecycle_sink *s = state;

	if (ev->type != TRACER_EVENT_LOST && ev->type != TRACER_EVENT_STOP)
		lifecycle_add(s->lc, ev);
	return 0;
}

/* The timeline replaces the file of that name only when it is whole. */
static int commit_timeline(struct lifecycle_sink *s, bool complete)
{
	char err[512];

	if (!s->timeline_open)
		return 0;
	s->timeline_open = false;
	if (!complete) {
		outfile_abort(&s->timeline);
		return 0;
	}
	if (outfile_commit(&s->timeline, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return -1;
	}
	return 0;
}

static int lifecycle_sink_finish(void *state)
{
	struct lifecycle_sink *s = state;
	char err[256];
	int ret = 0;

	if (lifecycle_finish(s->lc, sink_now_ns(), s->ctx->start_ns, stderr,
			     opts_use_color(s->ctx->opts, STDERR_FILENO), err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		ret = -1;
	}
	if (commit_timeline(s, !ret))
		ret = -1;
	return ret;
}

const struct sink_ops lifecycle_sink = {
	.name = "lifecycle",
	.open = lifecycle_sink_open,
	.start = lifecycle_sink_start,
	.event = lifecycle_sink_event,
	.finish = lifecycle_sink_finish,
	.close = lifecycle_sink_close,
};
