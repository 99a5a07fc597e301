// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* A tracer built without service mode (TRACER_SERVICE=OFF): --listen is refused. */
#include <stdio.h>

#include "sink.h"

static int no_service_open(struct sink_ctx *ctx, void **state)
{
	(void)state;
	if (!ctx->opts->listen)
		return SINK_NOT_WANTED;
	fprintf(stderr,
		"tracer: --listen: this tracer was built without service mode (TRACER_SERVICE=OFF)\n");
	return SINK_USAGE;
}

static void no_service_close(void *state)
{
	(void)state;
}

const struct sink_ops service_sink = {
	.name = "service",
	.open = no_service_open,
	.close = no_service_close,
};
