// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * --tui (issue 25): the option, what it needs of the kernel, and what it
 * excludes. The screen is the terminal: events go elsewhere only when a
 * file or descriptor is named for them.
 */
#include "opts_int.h"

error_t parse_tui_opt(struct parse_ctx *ctx, int key, char *arg)
{
	(void)arg;
	if (key != OPT_TUI)
		return ARGP_ERR_UNKNOWN;
	ctx->opts->tui = true;
	return 0;
}

void tui_finish_options(struct cli_opts *opts)
{
	if (!opts->tui)
		return;
	/* Exit status, duration and children in the details; breakpoints change while running. */
	opts->lib.events |= TRACER_EVENT_BIT(TRACER_EVENT_EXIT) |
			    TRACER_EVENT_BIT(TRACER_EVENT_FORK);
	opts->lib.stop_at_dynamic = true;
}

error_t check_tui_combinations(struct parse_ctx *ctx)
{
	const struct cli_opts *opts = ctx->opts;

	if (!opts->tui)
		return 0;
	if (opts->output_fd == 1)
		return usage_error(
			ctx,
			"--tui draws on standard output: the events cannot go there too (-o FILE)",
			NULL, "");
	if (opts->format != FORMAT_TEXT && !opts->output && !opts->output_fd)
		return usage_error(
			ctx,
			"--tui shows the events itself: --format needs -o FILE or --output-fd N",
			NULL, "");
	if (opts->on_stop)
		return usage_error(
			ctx,
			"--on-stop would share the terminal --tui draws on: use its breakpoints panel (b)",
			NULL, "");
	return 0;
}
