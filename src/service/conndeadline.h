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
 * The same records keep room for healthy clients (a reserve for /healthz):
 * beyond cap live connections, a new one ends the oldest connection that is
 * not being answered (its request still coming, slowly or not at all, or an
 * idle keep-alive) or has been answered for over a second (a client that does
 * not read), or else, when every connection is busy with a fresh answer, the
 * new one itself. A request that comes whole within moments (curl, a probe)
 * is served however many slow clients hold connections; libmicrohttpd's own
 * limit is set above cap, so that it never refuses a connection before this
 * does.
 *
 * Not covered: a client that opens connections faster than a healthy one
 * sends its request can still end that one; there is no limit per client
 * (over loopback every local user has the same address).
 */
#ifndef TRACER_CONNDEADLINE_H
#define TRACER_CONNDEADLINE_H

#include <microhttpd.h>

struct conn_deadlines;

/*
 * Starts the thread: connections end after seconds, and at most cap of them
 * live. NULL when out of memory or no thread could be started.
 */
struct conn_deadlines *conn_deadlines_start(unsigned int seconds, unsigned int cap);

/* The MHD_OPTION_NOTIFY_CONNECTION callback; cls is the struct conn_deadlines. */
void conn_deadlines_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
			   enum MHD_ConnectionNotificationCode code);

/* Notes that conn's request has come whole (from the request handler). */
void conn_deadlines_request(struct conn_deadlines *d, struct MHD_Connection *conn);

/* The MHD_OPTION_NOTIFY_COMPLETED callback: the answer is sent, or abandoned. */
void conn_deadlines_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			      enum MHD_RequestTerminationCode toe);

/* Stops the thread (before MHD_stop_daemon()). */
void conn_deadlines_stop(struct conn_deadlines *d);

/* Frees d and what is left of its records (after MHD_stop_daemon()). */
void conn_deadlines_free(struct conn_deadlines *d);

#endif /* TRACER_CONNDEADLINE_H */
