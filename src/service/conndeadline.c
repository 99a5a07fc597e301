// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Whole-connection deadlines for the HTTP API (see conndeadline.h). */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <sys/socket.h>

#include "conndeadline.h"
#include "mhd.h"

/* An answer from memory takes far less, unless the client does not read it. */
#define BUSY_GRACE_NS 1000000000u

struct conn_record {
	struct conn_record *prev, *next;
	int fd;
	uint64_t start_ns;
	bool cut; /* shut down once already */
	bool busy; /* a request has come whole and is being answered */
	uint64_t busy_ns; /* since when */
};

struct conn_deadlines {
	pthread_mutex_t lock; /* guards the list and stop */
	pthread_cond_t wake;
	pthread_t thread;
	bool stop;
	uint64_t deadline_ns;
	unsigned int cap;
	unsigned int live; /* connections recorded and not cut */
	struct conn_record head; /* a circular list, oldest first */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* libmicrohttpd sees the end of the connection and closes it. Under the lock. */
static void cut(struct conn_deadlines *d, struct conn_record *r)
{
	shutdown(r->fd, SHUT_RDWR);
	r->cut = true;
	d->live--;
}

/*
 * Over the cap: the oldest connection that is not being answered (a request
 * still coming, or an idle keep-alive), or that has been answered for longer
 * than BUSY_GRACE_NS (a slow reader), goes; else the newest one, r. Under the
 * lock.
 */
static void make_room(struct conn_deadlines *d, struct conn_record *r)
{
	uint64_t now = now_ns();
	struct conn_record *old;

	for (old = d->head.next; old != r; old = old->next) {
		if (!old->cut && (!old->busy || now - old->busy_ns > BUSY_GRACE_NS)) {
			cut(d, old);
			return;
		}
	}
	cut(d, r);
}

static void *sweep(void *arg)
{
	struct conn_deadlines *d = arg;
	struct conn_record *r;
	struct timespec until;

	pthread_mutex_lock(&d->lock);
	while (!d->stop) {
		uint64_t now = now_ns();

		for (r = d->head.next; r != &d->head; r = r->next) {
			if (!r->cut && now - r->start_ns > d->deadline_ns) {
				cut(d, r);
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&d->wake, &d->lock, &until);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

struct conn_deadlines *conn_deadlines_start(unsigned int seconds, unsigned int cap)
{
	struct conn_deadlines *d = calloc(1, sizeof(*d));
	pthread_condattr_t attr;

	if (!d)
		return NULL;
	d->deadline_ns = (uint64_t)seconds * 1000000000u;
	d->cap = cap;
	d->head.next = d->head.prev = &d->head;
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&d->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&d->thread, NULL, sweep, d)) {
		pthread_cond_destroy(&d->wake);
		pthread_mutex_destroy(&d->lock);
		free(d);
		return NULL;
	}
	return d;
}

void conn_deadlines_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
			   enum MHD_ConnectionNotificationCode code)
{
	struct conn_deadlines *d = cls;
	const union MHD_ConnectionInfo *info;
	struct conn_record *r;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		info = mhd.get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		r = info ? calloc(1, sizeof(*r)) : NULL;
		*socket_context = r;
		if (!r)
			return; /* out of memory: only the idle timeout for this one */
		r->fd = info->connect_fd;
		r->start_ns = now_ns();
		pthread_mutex_lock(&d->lock);
		r->next = &d->head;
		r->prev = d->head.prev;
		d->head.prev->next = r;
		d->head.prev = r;
		if (++d->live > d->cap)
			make_room(d, r);
		pthread_mutex_unlock(&d->lock);
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
		r = *socket_context;
		pthread_mutex_lock(&d->lock);
		r->prev->next = r->next;
		r->next->prev = r->prev;
		if (!r->cut)
			d->live--;
		pthread_mutex_unlock(&d->lock);
		free(r);
		*socket_context = NULL;
	}
}

static void set_busy(struct conn_deadlines *d, struct MHD_Connection *conn, bool busy)
{
	const union MHD_ConnectionInfo *info;
	struct conn_record *r;

	info = mhd.get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	r = info ? info->socket_context : NULL;
	if (!r)
		return;
	pthread_mutex_lock(&d->lock);
	r->busy = busy;
	r->busy_ns = now_ns();
	pthread_mutex_unlock(&d->lock);
}

void conn_deadlines_request(struct conn_deadlines *d, struct MHD_Connection *conn)
{
	set_busy(d, conn, true);
}

void conn_deadlines_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			      enum MHD_RequestTerminationCode toe)
{
	(void)req_cls;
	(void)toe;
	set_busy(cls, conn, false);
}

void conn_deadlines_stop(struct conn_deadlines *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->stop = true;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
}

void conn_deadlines_free(struct conn_deadlines *d)
{
	struct conn_record *r, *next;

	if (!d)
		return;
	for (r = d->head.next; r != &d->head; r = next) {
		next = r->next;
		free(r);
	}
	pthread_cond_destroy(&d->wake);
	pthread_mutex_destroy(&d->lock);
	free(d);
}
