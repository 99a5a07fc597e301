// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The bus: the sinks of a run, each called in turn (see sink.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "hangup.h"
#include "sink.h"

void *sink_state_new(size_t size)
{
	void *state = calloc(1, size);

	if (!state)
		fprintf(stderr, "tracer: out of memory\n");
	return state;
}

double sink_ts(const struct sink_ctx *ctx, const struct tracer_event *ev)
{
	return ev->ts_ns > ctx->start_ns ? (double)(ev->ts_ns - ctx->start_ns) / 1e9 : 0.0;
}

int bus_open(struct bus *b, const struct sink_ops *const *table, size_t n, struct sink_ctx *ctx)
{
	void *state;
	size_t i;
	int ret;

	b->ctx = ctx;
	b->n = 0;
	b->finished = false;
	b->filter = (struct ev_filter){ 0 };
	if (ctx->opts) {
		b->filter.failed_only = ctx->opts->failed_only;
		b->filter.match = ctx->opts->match;
		b->filter.n_match = ctx->opts->n_match;
	}
	for (i = 0; i < n; i++) {
		if (b->n == BUS_MAX_SINKS) {
			fprintf(stderr, "tracer: more than %d sinks\n", BUS_MAX_SINKS);
			ret = SINK_FAILED;
			break;
		}
		state = NULL;
		ret = table[i]->open(ctx, &state);
		if (ret == SINK_NOT_WANTED)
			continue;
		if (ret)
			break;
		b->sinks[b->n].ops = table[i];
		b->sinks[b->n++].state = state;
	}
	if (i == n)
		return -1;
	bus_close(b);
	return ret == SINK_USAGE ? TRACER_EXIT_USAGE : TRACER_EXIT_FAILURE;
}

int bus_start(struct bus *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		if (b->sinks[i].ops->start && b->sinks[i].ops->start(b->sinks[i].state))
			return -1;
	}
	return 0;
}

int bus_event(void *bus, const struct tracer_event *ev)
{
	struct bus *b = bus;
	int stop = 0;
	size_t i;

	if (!ev_filter_pass(&b->filter, ev))
		return 0;
	/* Each sink gets the event, also after one has asked to stop. */
	for (i = 0; i < b->n; i++) {
		if (b->sinks[i].ops->event && b->sinks[i].ops->event(b->sinks[i].state, ev))
			stop = 1;
	}
	return stop;
}

int bus_tick(struct bus *b)
{
	int stop = 0;
	size_t i;

	for (i = 0; i < b->n; i++) {
		if (b->sinks[i].ops->tick && b->sinks[i].ops->tick(b->sinks[i].state))
			stop = 1;
	}
	return stop;
}

int bus_reopen(struct bus *b)
{
	int ret = 0;
	size_t i;

	for (i = 0; i < b->n; i++) {
		if (b->sinks[i].ops->reopen && b->sinks[i].ops->reopen(b->sinks[i].state))
			ret = -1;
	}
	return ret;
}

/* BUS_WAIT_FDS - 1 descriptors of the sinks at most, beside tracer_fd(). */
#define BUS_WAIT_FDS 8
/*
 * How long records wait to be drained together when nothing else woke the
 * loop: as long as the library's own batches (BATCH_NS in src/lib/ring.c),
 * which the default ring buffer holds under a storm. Each wake-up costs
 * more than the records it drains: under --tui at 200 execs a second, 5 ms
 * made a wake-up or two per exec.
 */
#define BUS_BATCH_MS 20

/* The sinks' descriptors from fds[1] on; their count, 0 for none. */
static int sinks_wait_fds(struct bus *b, struct pollfd *fds, int *timeout_ms)
{
	int n = 1;
	size_t i;

	for (i = 0; i < b->n; i++) {
		if (b->sinks[i].ops->wait_fds)
			n += b->sinks[i].ops->wait_fds(b->sinks[i].state, fds + n, BUS_WAIT_FDS - n,
						       timeout_ms);
	}
	return n - 1;
}

/* Whether one of the sinks' descriptors is ready. */
static bool sinks_ready(const struct pollfd *fds, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (fds[i].revents)
			return true;
	return false;
}

/* One wait on the events and the sinks' descriptors, then every event delivered. */
static int wait_with_fds(struct tracer *t, struct pollfd *fds, int n, int timeout_ms)
{
	fds[0] = (struct pollfd){ .fd = tracer_fd(t), .events = POLLIN };
	if (fds[0].fd < 0)
		return fds[0].fd;
	if (poll(fds, n, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	/*
	 * Records and nothing else: the next few milliseconds' records are
	 * taken in the same drain (one wake-up for many, as tracer_poll()
	 * batches), until a sink's own time if sooner (a frame: then drawn
	 * with them); a key or the pane still ends the wait at once.
	 */
	if (timeout_ms < 0 || timeout_ms > BUS_BATCH_MS)
		timeout_ms = BUS_BATCH_MS;
	if ((fds[0].revents & POLLIN) && !sinks_ready(fds + 1, n - 1) &&
	    poll(fds + 1, n - 1, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	return tracer_consume(t);
}

int bus_poll(struct bus *b, struct tracer *t, int timeout_ms)
{
	struct pollfd fds[BUS_WAIT_FDS];
	int n, ret;

	n = sinks_wait_fds(b, fds, &timeout_ms);
	ret = n ? wait_with_fds(t, fds, n + 1, timeout_ms) : tracer_poll(t, timeout_ms);
	if (ret)
		return ret;
	/* After the tick's flush: every event delivered so far is in the old file. */
	ret = bus_tick(b);
	if (hangup_take())
		bus_reopen(b);
	return ret;
}

int bus_finish(struct bus *b)
{
	int ret = 0;
	size_t i;

	if (b->finished)
		return 0;
	b->finished = true;
	for (i = 0; i < b->n; i++) {
		if (b->sinks[i].ops->finish && b->sinks[i].ops->finish(b->sinks[i].state))
			ret = -1;
	}
	return ret;
}

void bus_close(struct bus *b)
{
	while (b->n) {
		b->n--;
		b->sinks[b->n].ops->close(b->sinks[b->n].state);
	}
	ev_filter_free(&b->filter);
}
