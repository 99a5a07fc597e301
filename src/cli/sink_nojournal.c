// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Built without libsystemd: --journal says so, nothing else changes. */
#include <stdio.h>

#include "sink.h"

static int nojournal_open(struct sink_ctx *ctx, void **state)
{
	(void)state;
	if (!ctx->opts->journal)
		return SINK_NOT_WANTED;
	fprintf(stderr,
		"tracer: --journal is not built in (libsystemd was missing at build time)\n");
	return SINK_USAGE;
}

static void nojournal_close(void *state)
{
	(void)state;
}

const struct sink_ops journal_sink = {
	.name = "journal",
	.open = nojournal_open,
	.close = nojournal_close,
};
