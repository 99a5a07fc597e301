/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The HTTP API of service mode (--listen): GET /executions, /executions/PID,
 * /healthz, /metrics, served by libmicrohttpd's own thread from the store and
 * a snapshot of the counters that the event loop publishes. Never blocks the
 * event loop.
 */
#ifndef TRACER_SERVICE_H
#define TRACER_SERVICE_H

#include <stddef.h>
#include <stdint.h>
#include "store.h"

struct service;

/* What /metrics reports, published by the event loop. */
struct service_stats {
	uint64_t events; /* events delivered */
	uint64_t lost;
	uint64_t excluded;
	uint64_t watched_now;
	uint64_t watched_total;
	uint64_t proc_capacity;
	double start_unix_s; /* when ts was 0, in seconds since the Unix epoch */
};

/*
 * Loads libmicrohttpd (mhd.h), which service_start*() need: 0, or a negative
 * errno with a reason in err. Called first, before anything is created.
 */
int service_load(char *err, size_t errlen);
/*
 * Serves from store on listen_fd, a socket already listening (made by the
 * command line, before anything is started: --listen [ADDR:]PORT or
 * unix:PATH), which libmicrohttpd closes when the service stops. token: what
 * requests must carry (Authorization: Bearer TOKEN, token.h) but for
 * /healthz; NULL: no token. Returns 0 or a negative errno, with a reason in
 * err.
 */
int service_start_fd(struct store *store, int listen_fd, const char *token, struct service **out,
		     char *err, size_t errlen);
void service_set_stats(struct service *svc, const struct service_stats *st);
void service_stop(struct service *svc);

#endif /* TRACER_SERVICE_H */
