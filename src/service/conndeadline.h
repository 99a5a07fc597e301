/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * A deadline for the whole of each HTTP connection (issue 12, finding 5).
 * libmicrohttpd's MHD_OPTION_CONNECTION_TIMEOUT counts idle time only: a
 * client that sends one header line every few seconds holds its connection,
 * and 64 such clients hold every connection the API accepts. Here every
 * connection is recorded when it is accepted (MHD_OPTION_NOTIFY_CONNECTION),
 * and a thread shuts down, once a second, the socket of every connection
 * older than the deadline, whatever it is doing: libmicrohttpd then sees the
 * connection end and closes it. The records are removed, under the same lock,
 * when libmicrohttpd reports a connection closed, which it does before it
 * closes the descriptor: a descriptor number is never shut down after it has
 * been reused.
 *
 * Not covered: a client that reconnects at once still takes a connection for
 * up to the deadline each time; there is no reserve per client.
 */
#ifndef TRACER_CONNDEADLINE_H
#define TRACER_CONNDEADLINE_H

#include <microhttpd.h>

struct conn_deadlines;

/* Starts the thread. NULL when out of memory or no thread could be started. */
struct conn_deadlines *conn_deadlines_start(unsigned int seconds);

/* The MHD_OPTION_NOTIFY_CONNECTION callback; cls is the struct conn_deadlines. */
void conn_deadlines_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
			   enum MHD_ConnectionNotificationCode code);

/* Stops the thread (before MHD_stop_daemon()). */
void conn_deadlines_stop(struct conn_deadlines *d);

/* Frees d and what is left of its records (after MHD_stop_daemon()). */
void conn_deadlines_free(struct conn_deadlines *d);

#endif /* TRACER_CONNDEADLINE_H */
