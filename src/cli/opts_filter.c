// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The options that narrow what is reported: --cgroup (the scope, in the
 * kernel), --uid and --comm (the library's exec filters, in the kernel),
 * --failed and --match (on the bus, filter.h). What the library checks (the
 * cgroup's directory, the command names) it says in its own words at
 * tracer_create(); the syntax is checked here.
 */
#define _GNU_SOURCE
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "opts_int.h"
#include "parse.h"

/* One user of --uid: a number, else a name of the user database. */
static error_t add_uid(struct parse_ctx *ctx, const char *word)
{
	struct tracer_options *lib = &ctx->opts->lib;
	struct passwd *pw;
	uint32_t uid;

	if (!*word)
		return usage_error(ctx, "invalid --uid: an empty user", NULL, "");
	if (parse_id(word, &uid)) {
		pw = getpwnam(word);
		if (!pw)
			return usage_error(ctx, "unknown user ", word, " in --uid");
		uid = pw->pw_uid;
	}
	if (lib->n_uids == TRACER_FILTER_MAX)
		return usage_error(ctx,
				   "too many users in --uid (at most " STR(TRACER_FILTER_MAX) ")",
				   NULL, "");
	ctx->opts->uids[lib->n_uids++] = uid;
	lib->uids = ctx->opts->uids;
	return 0;
}

/* --uid UID[,UID...]: each a number or a name. */
static error_t add_uids(struct parse_ctx *ctx, const char *arg)
{
	char *list = strdup(arg), *word, *rest;
	error_t err = 0;

	if (!list)
		return ENOMEM;
	rest = list;
	do {
		word = strsep(&rest, ",");
		err = add_uid(ctx, word);
	} while (!err && rest);
	free(list);
	return err;
}

static error_t add_comm(struct parse_ctx *ctx, const char *arg)
{
	struct tracer_options *lib = &ctx->opts->lib;

	if (!*arg)
		return usage_error(ctx, "invalid --comm: an empty name", NULL, "");
	if (lib->n_comms == TRACER_FILTER_MAX)
		return usage_error(ctx, "too many --comm (at most " STR(TRACER_FILTER_MAX) ")",
				   NULL, "");
	ctx->opts->comms[lib->n_comms++] = arg;
	lib->comms = ctx->opts->comms;
	return 0;
}

static error_t add_match(struct parse_ctx *ctx, const char *arg)
{
	struct cli_opts *opts = ctx->opts;

	if (!*arg)
		return usage_error(ctx, "invalid --match: an empty pattern", NULL, "");
	if (opts->n_match == TRACER_MAX_MATCH)
		return usage_error(ctx, "too many --match (at most " STR(TRACER_MAX_MATCH) ")",
				   NULL, "");
	opts->match[opts->n_match++] = arg;
	return 0;
}

error_t parse_filter_opt(struct parse_ctx *ctx, int key, char *arg)
{
	switch (key) {
	case OPT_CGROUP:
		if (!*arg)
			return usage_error(ctx, "invalid --cgroup: an empty path", NULL, "");
		ctx->opts->lib.cgroup = arg;
		return 0;
	case OPT_UID:
		return add_uids(ctx, arg);
	case OPT_COMM:
		return add_comm(ctx, arg);
	case OPT_FAILED:
		ctx->opts->failed_only = true;
		return 0;
	case OPT_MATCH:
		return add_match(ctx, arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}
