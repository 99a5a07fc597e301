// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The service's sink (--listen): every exec into the store (store.h), served
 * by the HTTP API (service.h). Built with TRACER_SERVICE only; without it,
 * sink_noservice.c refuses --listen.
 *
 * The socket is bound at open, before anything is started (a port in use is
 * said before anything is loaded); the HTTP threads start at start, after
 * the COMMAND's fork (its child must not inherit their locks).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listen.h"
#include "service.h"
#include "sink.h"
#include "store.h"
#include "token.h"
#include "unixlisten.h"

struct store_sink {
	struct sink_ctx *ctx;
	struct store *store;
	struct service *svc;
	char *token; /* --listen-token-file's, until the service has its copy */
	struct unixlisten unix_listen; /* --listen unix:PATH */
	int tcp_fd; /* --listen [ADDR:]PORT, until the service takes it; -1: none */
	double start_unix_s; /* the wall clock when ts was 0 (/metrics) */
};

/* The wall clock at ctx->start_ns: now, less the monotonic time since. */
static double start_wall_clock(const struct sink_ctx *ctx)
{
	struct timespec wall;
	uint64_t since = sink_now_ns() - ctx->start_ns;

	clock_gettime(CLOCK_REALTIME, &wall);
	return (double)wall.tv_sec + (double)wall.tv_nsec / 1e9 - (double)since / 1e9;
}

static void store_sink_close(void *state)
{
	struct store_sink *s = state;

	service_stop(s->svc);
	free(s->token);
	unixlisten_close(&s->unix_listen);
	if (s->tcp_fd >= 0)
		close(s->tcp_fd);
	store_free(s->store);
	free(s);
}

/* --listen unix:PATH: a socket only the invoking user (or --listen-group) can connect to. */
static int bind_socket(struct store_sink *s, char *err, size_t errlen)
{
	const struct cli_opts *opts = s->ctx->opts;
	gid_t group = opts->listen_group;

	if (opts->listen_unix)
		return unixlisten_open(&s->unix_listen, opts->listen_unix, &s->ctx->owner,
				       opts->listen_group_set ? &group : NULL, err, errlen);
	if (opts->listen_addr >> 24 != 127)
		fprintf(stderr,
			"tracer: warning: --listen on an address other than loopback: whoever can reach it reads every user's command lines; prefer unix:PATH\n");
	s->tcp_fd = listen_tcp(opts->listen_addr, opts->listen_port, err, errlen);
	return s->tcp_fd < 0 ? s->tcp_fd : 0;
}

/* The token, libmicrohttpd, the store and the socket, before anything is started. */
static int store_sink_open(struct sink_ctx *ctx, void **state)
{
	const struct cli_opts *opts = ctx->opts;
	struct store_sink *s;
	char err[512];

	if (!opts->listen)
		return SINK_NOT_WANTED;
	s = sink_state_new(sizeof(*s));
	if (!s)
		return SINK_FAILED;
	s->ctx = ctx;
	s->tcp_fd = -1;
	s->start_unix_s = start_wall_clock(ctx);
	s->unix_listen.fd = -1;
	err[0] = '\0';
	if ((opts->listen_token_file &&
	     token_load(opts->listen_token_file, ctx->owner.uid, &s->token, err, sizeof(err))) ||
	    service_load(err, sizeof(err)))
		goto err_close;
	s->store = store_new(opts->store_size, opts->store_bytes);
	if (!s->store) {
		snprintf(err, sizeof(err), "out of memory");
		goto err_close;
	}
	if (bind_socket(s, err, sizeof(err)))
		goto err_close;
	*state = s;
	return 0;

err_close:
	fprintf(stderr, "tracer: %s\n", err);
	store_sink_close(s);
	return SINK_FAILED;
}

static int store_sink_tick(void *state);

/* The HTTP threads: libmicrohttpd closes the descriptor it is given. */
static int store_sink_start(void *state)
{
	struct store_sink *s = state;
	char err[512];
	int fd, ret;

	if (s->tcp_fd >= 0) {
		fd = s->tcp_fd;
		s->tcp_fd = -1;
	} else {
		fd = fcntl(s->unix_listen.fd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0) {
			fprintf(stderr, "tracer: %s\n", strerror(errno));
			return -1;
		}
	}
	ret = service_start_fd(s->store, fd, s->token, &s->svc, err, sizeof(err));
	if (ret) {
		close(fd);
		fprintf(stderr, "tracer: %s\n", err);
		return -1;
	}
	free(s->token);
	s->token = NULL;
	/* /metrics has the start time from the first request on. */
	store_sink_tick(s);
	return 0;
}

static int store_sink_event(void *state, const struct tracer_event *ev)
{
	struct store_sink *s = state;

	/* Full or out of memory: the API misses this exec, the output does not. */
	if (ev->type == TRACER_EVENT_EXEC)
		store_add(s->store, sink_ts(s->ctx, ev), ev);
	return 0;
}

/* The counters /metrics shows, from the event loop's thread (the handle's). */
static int store_sink_tick(void *state)
{
	struct store_sink *s = state;
	struct service_stats ss;
	struct tracer_stats st;

	if (!s->svc || tracer_get_stats(s->ctx->t, &st))
		return 0;
	ss.events = st.events;
	ss.lost = st.lost;
	ss.excluded = st.excluded;
	ss.watched_now = st.watched_now;
	ss.watched_total = st.watched_total;
	ss.proc_capacity = st.proc_capacity;
	ss.start_unix_s = s->start_unix_s;
	service_set_stats(s->svc, &ss);
	return 0;
}

const struct sink_ops service_sink = {
	.name = "service",
	.open = store_sink_open,
	.start = store_sink_start,
	.event = store_sink_event,
	.tick = store_sink_tick,
	.close = store_sink_close,
};
