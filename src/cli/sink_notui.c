// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Built without ncursesw or libvterm: --tui says so, nothing else changes. */
#include <stdio.h>

#include "sink.h"

static int notui_open(struct sink_ctx *ctx, void **state)
{
	(void)state;
	if (!ctx->opts->tui)
		return SINK_NOT_WANTED;
	fprintf(stderr, "tracer: --tui: not built in (needs ncursesw and libvterm)\n");
	return SINK_USAGE;
}

static void notui_close(void *state)
{
	(void)state;
}

const struct sink_ops tui_sink = {
	.name = "tui",
	.open = notui_open,
	.close = notui_close,
};
