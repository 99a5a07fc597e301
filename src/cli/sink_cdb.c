// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The compilation database's sink (--compile-db): cdbfile.h, event by event. */
#include <stdio.h>
#include <stdlib.h>

#include "cdbfile.h"
#include "sink.h"

struct cdb_sink {
	struct sink_ctx *ctx;
	struct cdbfile cdb;
};

static int cdb_sink_open(struct sink_ctx *ctx, void **state)
{
	struct cdb_sink *s;
	int ret;

	if (!ctx->opts->compile_db)
		return SINK_NOT_WANTED;
	s = sink_state_new(sizeof(*s));
	if (!s)
		return SINK_FAILED;
	s->ctx = ctx;
	ret = cdbfile_open(&s->cdb, ctx->opts, &ctx->owner);
	if (ret >= 0) {
		free(s);
		return ret == TRACER_EXIT_USAGE ? SINK_USAGE : SINK_FAILED;
	}
	*state = s;
	return 0;
}

static void cdb_sink_close(void *state)
{
	struct cdb_sink *s = state;

	cdbfile_close(&s->cdb);
	free(s);
}

static int cdb_sink_event(void *state, const struct tracer_event *ev)
{
	struct cdb_sink *s = state;

	cdbfile_event(&s->cdb, ev);
	return 0;
}

static int cdb_sink_finish(void *state)
{
	struct cdb_sink *s = state;

	return cdbfile_commit(&s->cdb, &s->ctx->owner);
}

const struct sink_ops cdb_sink = {
	.name = "compile-db",
	.open = cdb_sink_open,
	.event = cdb_sink_event,
	.finish = cdb_sink_finish,
	.close = cdb_sink_close,
};
