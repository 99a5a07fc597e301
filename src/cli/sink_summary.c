// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The summary at the end of a run (summary.h): --summary prints the table on
 * standard error (after --tree's picture: this sink comes after the
 * lifecycle's), --summary-json FILE writes it as JSON to a temporary file
 * renamed over FILE only when it is whole (outfile.h). Its own process
 * model, fed every process event whatever --events prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sink.h"
#include "summary.h"
#include "tree.h"
#include "writer.h"

struct summary_sink {
	struct sink_ctx *ctx;
	struct tree tree;
	bool incomplete; /* an event could not be added (out of memory) */
	struct outfile_tmp json; /* --summary-json, renamed into place at the end */
	bool json_open;
};

static void summary_sink_close(void *state)
{
	struct summary_sink *s = state;

	if (s->json_open)
		outfile_abort(&s->json);
	tree_free(&s->tree);
	free(s);
}

/* --summary-json is not a file another option writes. */
static int check_distinct(const struct cli_opts *opts)
{
	const char *names[] = { "-o", "--timeline", "--compile-db" };
	const char *others[] = { opts->output, opts->timeline, opts->compile_db };
	size_t i;
	int ret;

	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		if (!others[i])
			continue;
		ret = outfile_same(opts->summary_json, others[i]);
		if (ret > 0) {
			fprintf(stderr, "tracer: --summary-json and %s name the same file\n",
				names[i]);
			return SINK_USAGE;
		}
	}
	return 0;
}

/* The JSON's file is checked now, made at start. */
static int summary_sink_open(struct sink_ctx *ctx, void **state)
{
	const struct cli_opts *opts = ctx->opts;
	struct summary_sink *s;
	char err[512];
	int ret;

	if (!opts->summary && !opts->summary_json)
		return SINK_NOT_WANTED;
	if (opts->summary_json) {
		ret = check_distinct(opts);
		if (ret)
			return ret;
		if (outfile_check(opts->summary_json, &ctx->owner, 0, err, sizeof(err))) {
			fprintf(stderr, "tracer: %s\n", err);
			return SINK_FAILED;
		}
	}
	s = sink_state_new(sizeof(*s));
	if (!s)
		return SINK_FAILED;
	s->ctx = ctx;
	tree_init(&s->tree);
	*state = s;
	return 0;
}

static int summary_sink_start(void *state)
{
	struct summary_sink *s = state;
	const char *path = s->ctx->opts->summary_json;
	char err[512];

	if (!path)
		return 0;
	if (outfile_open_tmp(path, &s->ctx->owner, 0600, &s->json, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return -1;
	}
	s->json_open = true;
	return 0;
}

/* Every process event, whatever --events prints. */
static int summary_sink_event(void *state, const struct tracer_event *ev)
{
	struct summary_sink *s = state;

	if (ev->type == TRACER_EVENT_LOST || ev->type == TRACER_EVENT_STOP || s->incomplete)
		return 0;
	if (tree_add(&s->tree, ev))
		s->incomplete = true;
	return 0;
}

/* The JSON is written whole to the temporary file, then renamed over the name given. */
static int write_json(struct summary_sink *s, const struct summary_run *run)
{
	const char *path = s->ctx->opts->summary_json;
	char err[512];
	FILE *f;

	s->json_open = false;
	f = outfile_tmp_stream(&s->json);
	if (!f) {
		fprintf(stderr, "tracer: %s: %s\n", path, strerror(errno));
		outfile_abort(&s->json);
		return -1;
	}
	if (summary_write_json(f, &s->tree, run) | fclose(f)) {
		fprintf(stderr, "tracer: writing %s failed: %s\n", path, strerror(errno));
		outfile_abort(&s->json);
		return -1;
	}
	if (outfile_commit(&s->json, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return -1;
	}
	return 0;
}

static int summary_sink_finish(void *state)
{
	struct summary_sink *s = state;
	const struct cli_opts *opts = s->ctx->opts;
	uint64_t end_ns = sink_now_ns();
	struct summary_run run = {
		.start_us = writer_time_us(0),
		.wall_ns = end_ns > s->ctx->start_ns ? end_ns - s->ctx->start_ns : 0,
	};
	int ret = 0;

	if (tree_finish(&s->tree, end_ns)) {
		fprintf(stderr, "tracer: out of memory: no summary\n");
		return -1;
	}
	if (s->incomplete)
		fprintf(stderr, "tracer: out of memory: the summary misses events\n");
	if (opts->summary &&
	    (summary_write_text(stderr, &s->tree, &run, opts_use_color(opts, STDERR_FILENO)) ||
	     fflush(stderr))) {
		fprintf(stderr, "tracer: writing the summary failed: %s\n", strerror(errno));
		ret = -1;
	}
	if (s->json_open && write_json(s, &run))
		ret = -1;
	return ret;
}

/* Shaped as every sink is (sink.h): the table and open/close alike by design. */
const struct sink_ops summary_sink = {
	.name = "summary",
	.open = summary_sink_open,
	.start = summary_sink_start,
	.event = summary_sink_event,
	.finish = summary_sink_finish,
	.close = summary_sink_close,
};
