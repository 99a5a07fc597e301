// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* How the text reads: --time, --color, --show-lookups (issue 24). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opts_int.h"

/* The index of arg in names (n of them), or -1. */
static int name_index(const char *const *names, int n, const char *arg)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(arg, names[i]))
			return i;
	return -1;
}

error_t parse_face_opt(struct parse_ctx *ctx, int key, char *arg)
{
	static const char *const times[] = {
		[TIME_REL] = "rel",
		[TIME_WALL] = "wall",
		[TIME_ISO] = "iso",
		[TIME_NONE] = "none",
	};
	static const char *const colors[] = {
		[COLOR_AUTO] = "auto",
		[COLOR_ALWAYS] = "always",
		[COLOR_NEVER] = "never",
	};
	int i;

	switch (key) {
	case OPT_TIME:
		i = name_index(times, 4, arg);
		if (i < 0)
			return usage_error(ctx, "invalid --time ", arg,
					   " (rel, wall, iso or none)");
		ctx->opts->time = (enum time_mode)i;
		ctx->opts->time_set = true;
		return 0;
	case OPT_COLOR:
		i = name_index(colors, 3, arg);
		if (i < 0)
			return usage_error(ctx, "invalid --color ", arg,
					   " (auto, always or never)");
		ctx->opts->color = (enum color_mode)i;
		return 0;
	case OPT_SHOW_LOOKUPS:
		ctx->opts->show_lookups = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* https://no-color.org: NO_COLOR set and not empty turns auto's colour off. */
bool opts_use_color(const struct cli_opts *opts, int fd)
{
	const char *no_color = getenv("NO_COLOR");

	switch (opts->color) {
	case COLOR_ALWAYS:
		return true;
	case COLOR_NEVER:
		return false;
	case COLOR_AUTO:
	default:
		return !(no_color && *no_color) && fd >= 0 && isatty(fd);
	}
}
