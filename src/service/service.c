// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The HTTP API over libmicrohttpd: its internal polling thread accepts and
 * serves every connection, so a slow client never touches the event loop.
 * Connections are limited in number, with room kept for healthy clients, and
 * time out: after 10 s idle (libmicrohttpd), and after 10 s whatever they do
 * (conndeadline.h). Answers from the store are streamed from a cursor
 * (store.h): a client that reads slowly holds no copy of them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>
#include <tracer/tracer.h>
#include "conndeadline.h"
#include "mhd.h"
#include "service.h"
#include "token.h"

#define MAX_CONNECTIONS 64
/* libmicrohttpd's own limit, above ours: connections just cut still count there a moment. */
#define MHD_CONNECTIONS (MAX_CONNECTIONS + 16)
#define CONNECTION_TIMEOUT_S 10
/* The whole connection, however busy (conndeadline.h): an answer from memory needs far less. */
#define CONNECTION_DEADLINE_S 10
#define MAX_URL_LEN 2048
#define CONNECTION_MEMORY (16 * 1024)
#define DEFAULT_LIMIT 500
/* What the cursor is asked for at most at a time; the connection's memory bounds it too. */
#define STREAM_BLOCK (8 * 1024)

struct service {
	struct MHD_Daemon *daemon;
	struct conn_deadlines *deadlines;
	struct store *store;
	char *token; /* --listen-token-file: what Authorization must carry; NULL: none */
	pthread_mutex_t lock; /* guards stats */
	struct service_stats stats;
	uint64_t requests; /* answered, under lock */
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status, const char *type,
			     char *body, size_t len, bool owned)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = mhd.create_response_from_buffer(len, body,
					    owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		if (owned)
			free(body);
		return MHD_NO;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	if (status == MHD_HTTP_UNAUTHORIZED)
		mhd.add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer realm=\"tracer\"");
	ret = mhd.queue_response(conn, status, r);
	mhd.destroy_response(r);
	return ret;
}

/* A fixed JSON error body: {"error":"..."}. msg holds nothing to escape. */
static enum MHD_Result reply_error(struct MHD_Connection *conn, unsigned int status,
				   const char *msg)
{
	char *body;
	int n = asprintf(&body, "{\"error\":\"%s\"}\n", msg);

	if (n < 0)
		return MHD_NO;
	return reply(conn, status, "application/json", body, (size_t)n, true);
}

/* Decimal digits only, 1..max. */
static int parse_count(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s || strlen(s) > 12)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v < 1 || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * since: seconds as "ts" is written, digits with at most 9 after the point
 * (no sign, exponent, hex, "inf"), into whole microseconds, exactly: no
 * rounding through a double may move it across a ts. Digits past the 6th
 * only make it larger within its microsecond ("ts > since" is unchanged).
 */
static int parse_since(const char *s, int64_t *us)
{
	uint64_t sec = 0, frac = 0;
	int digits = 0, i;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	for (i = 0; *s >= '0' && *s <= '9'; s++, i++) {
		if (i >= 10)
			return -EINVAL;
		sec = sec * 10 + (uint64_t)(*s - '0');
	}
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return -EINVAL;
		for (; *s >= '0' && *s <= '9'; s++, digits++) {
			if (digits >= 9)
				return -EINVAL;
			if (digits < 6)
				frac = frac * 10 + (uint64_t)(*s - '0');
		}
	}
	if (*s)
		return -EINVAL;
	for (i = digits < 6 ? digits : 6; i < 6; i++)
		frac *= 10;
	*us = (int64_t)(sec * 1000000 + frac);
	return 0;
}

/* The query's parameters against the ones a path takes (NULL-terminated). */
struct arg_check {
	const char *const *allowed;
	unsigned int seen; /* a bit per allowed name */
	const char *why; /* the first problem; NULL: none */
};

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	struct arg_check *c = cls;
	size_t i;

	(void)kind;
	for (i = 0; c->allowed[i] && strcmp(c->allowed[i], key); i++)
		;
	if (!c->allowed[i])
		c->why = "unknown query parameter";
	else if (!value)
		c->why = "a query parameter without a value";
	else if (c->seen & (1u << i))
		c->why = "a query parameter given twice";
	else
		c->seen |= 1u << i;
	return c->why ? MHD_NO : MHD_YES;
}

/* NULL when the request's query holds only names of allowed, each once with a value. */
static const char *check_args(struct MHD_Connection *conn, const char *const *allowed)
{
	struct arg_check c = { .allowed = allowed };

	mhd.get_connection_values(conn, MHD_GET_ARGUMENT_KIND, check_arg, &c);
	return c.why;
}

static ssize_t read_cursor(void *cls, uint64_t pos, char *buf, size_t max)
{
	ssize_t n = store_cursor_read(cls, buf, max);

	(void)pos;
	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	/* An entry went while half sent: cut the answer off, the client sees it is incomplete. */
	if (n < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return n;
}

static void free_cursor(void *cls)
{
	store_cursor_free(cls);
}

/* The matching execs, streamed: no copy of them is made for the answer. */
static enum MHD_Result reply_query(struct service *svc, struct MHD_Connection *conn,
				   struct store_query *q)
{
	struct store_cursor *c = store_cursor_new(svc->store, q);
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (!c)
		return reply_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	r = mhd.create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, read_cursor, c,
					      free_cursor);
	if (!r) {
		store_cursor_free(c);
		return reply_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	ret = mhd.queue_response(conn, MHD_HTTP_OK, r);
	mhd.destroy_response(r);
	return ret;
}

static enum MHD_Result get_executions(struct service *svc, struct MHD_Connection *conn)
{
	static const char *const params[] = { "limit", "since", NULL };
	const char *limit = mhd.lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "limit");
	const char *since = mhd.lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "since");
	struct store_query q = { .limit = DEFAULT_LIMIT, .since_us = -1 };
	const char *why = check_args(conn, params);
	struct store_stats st;
	uint64_t v;

	if (why)
		return reply_error(conn, MHD_HTTP_BAD_REQUEST, why);
	store_get_stats(svc->store, &st);
	if (q.limit > st.capacity)
		q.limit = st.capacity;
	if (limit) {
		if (parse_count(limit, st.capacity, &v))
			return reply_error(conn, MHD_HTTP_BAD_REQUEST,
					   "limit must be a number from 1 to the store's capacity");
		q.limit = v;
	}
	if (since && parse_since(since, &q.since_us))
		return reply_error(
			conn, MHD_HTTP_BAD_REQUEST,
			"since must be a number of seconds since the start, as ts is written");
	return reply_query(svc, conn, &q);
}

static enum MHD_Result get_pid(struct service *svc, struct MHD_Connection *conn, const char *pid)
{
	static const char *const params[] = { NULL };
	struct store_query q = { .limit = SIZE_MAX, .since_us = -1 };
	const char *why = check_args(conn, params);
	uint64_t v;

	if (why)
		return reply_error(conn, MHD_HTTP_BAD_REQUEST, why);
	if (parse_count(pid, TRACER_PID_MAX, &v))
		return reply_error(conn, MHD_HTTP_BAD_REQUEST, "the pid must be a number");
	q.pid = (uint32_t)v;
	return reply_query(svc, conn, &q);
}

static enum MHD_Result get_metrics(struct service *svc, struct MHD_Connection *conn)
{
	struct service_stats st;
	struct store_stats ss;
	uint64_t requests;
	char *body;
	int n;

	store_get_stats(svc->store, &ss);
	pthread_mutex_lock(&svc->lock);
	st = svc->stats;
	requests = svc->requests;
	pthread_mutex_unlock(&svc->lock);
	n = asprintf(&body,
		     "# HELP tracer_events_total Events delivered by the kernel.\n"
		     "# TYPE tracer_events_total counter\n"
		     "tracer_events_total %llu\n"
		     "# HELP tracer_events_lost_total Records lost: the ring buffer was full.\n"
		     "# TYPE tracer_events_lost_total counter\n"
		     "tracer_events_lost_total %llu\n"
		     "# HELP tracer_events_excluded_total Execs dropped in the kernel by the "
		     "exclusion filters.\n"
		     "# TYPE tracer_events_excluded_total counter\n"
		     "tracer_events_excluded_total %llu\n"
		     "# HELP tracer_watched_processes Processes in the state map now (0 with "
		     "--all).\n"
		     "# TYPE tracer_watched_processes gauge\n"
		     "tracer_watched_processes %llu\n"
		     "# HELP tracer_watched_processes_total Processes watched since the start.\n"
		     "# TYPE tracer_watched_processes_total counter\n"
		     "tracer_watched_processes_total %llu\n"
		     "# HELP tracer_state_map_capacity Capacity of the process state map.\n"
		     "# TYPE tracer_state_map_capacity gauge\n"
		     "tracer_state_map_capacity %llu\n"
		     "# HELP tracer_store_events Exec events held for the API.\n"
		     "# TYPE tracer_store_events gauge\n"
		     "tracer_store_events %zu\n"
		     "# HELP tracer_store_capacity Exec events the store holds at most.\n"
		     "# TYPE tracer_store_capacity gauge\n"
		     "tracer_store_capacity %zu\n"
		     "# HELP tracer_store_bytes Bytes the execs held for the API take.\n"
		     "# TYPE tracer_store_bytes gauge\n"
		     "tracer_store_bytes %zu\n"
		     "# HELP tracer_store_bytes_budget Bytes the store holds at most "
		     "(--store-bytes).\n"
		     "# TYPE tracer_store_bytes_budget gauge\n"
		     "tracer_store_bytes_budget %zu\n"
		     "# HELP tracer_store_dropped_total Execs too large for the store's budget.\n"
		     "# TYPE tracer_store_dropped_total counter\n"
		     "tracer_store_dropped_total %llu\n"
		     "# HELP tracer_http_requests_total HTTP requests answered.\n"
		     "# TYPE tracer_http_requests_total counter\n"
		     "tracer_http_requests_total %llu\n"
		     "# HELP tracer_start_time_seconds When ts was 0: the run's start, in seconds "
		     "since the Unix epoch.\n"
		     "# TYPE tracer_start_time_seconds gauge\n"
		     "tracer_start_time_seconds %.6f\n",
		     (unsigned long long)st.events, (unsigned long long)st.lost,
		     (unsigned long long)st.excluded, (unsigned long long)st.watched_now,
		     (unsigned long long)st.watched_total, (unsigned long long)st.proc_capacity,
		     ss.entries, ss.capacity, ss.bytes, ss.budget, (unsigned long long)ss.dropped,
		     (unsigned long long)requests, st.start_unix_s);
	if (n < 0)
		return reply_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	return reply(conn, MHD_HTTP_OK, "text/plain; version=0.0.4", body, (size_t)n, true);
}

static enum MHD_Result add_arg_len(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	size_t *len = cls;

	(void)kind;
	*len += strlen(key) + (value ? strlen(value) + 1 : 0) + 1;
	return MHD_YES;
}

/* The URL as the client sent it, roughly: the path and its decoded query arguments. */
static size_t url_length(struct MHD_Connection *conn, const char *url)
{
	size_t len = strlen(url);

	mhd.get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg_len, &len);
	return len;
}

static enum MHD_Result route(struct service *svc, struct MHD_Connection *conn, const char *url,
			     const char *method)
{
	static const char prefix[] = "/executions/";
	static char ok[] = "{\"status\":\"ok\"}\n";
	bool known = !strcmp(url, "/executions") || !strcmp(url, "/healthz") ||
		     !strcmp(url, "/metrics") ||
		     (!strncmp(url, prefix, sizeof(prefix) - 1) &&
		      !strchr(url + sizeof(prefix) - 1, '/'));

	if (url_length(conn, url) > MAX_URL_LEN)
		return reply_error(conn, MHD_HTTP_URI_TOO_LONG, "URL too long");
	/* /healthz tells nothing but that tracer runs: monitors need no token. */
	if (svc->token && strcmp(url, "/healthz") &&
	    !token_authorizes(svc->token,
			      mhd.lookup_connection_value(conn, MHD_HEADER_KIND,
							  MHD_HTTP_HEADER_AUTHORIZATION)))
		return reply_error(conn, MHD_HTTP_UNAUTHORIZED,
				   "a valid Authorization: Bearer token is needed");
	if (!known)
		return reply_error(conn, MHD_HTTP_NOT_FOUND, "no such path");
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET is allowed");
	if (!strcmp(url, "/executions"))
		return get_executions(svc, conn);
	if (!strcmp(url, "/healthz"))
		return reply(conn, MHD_HTTP_OK, "application/json", ok, sizeof(ok) - 1, false);
	if (!strcmp(url, "/metrics")) {
		static const char *const none[] = { NULL };
		const char *why = check_args(conn, none);

		if (why)
			return reply_error(conn, MHD_HTTP_BAD_REQUEST, why);
		return get_metrics(svc, conn);
	}
	return get_pid(svc, conn, url + sizeof(prefix) - 1);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **req_cls)
{
	struct service *svc = cls;

	(void)version;
	(void)upload_data;
	/* A body is never wanted: answer at once, MHD discards the rest. */
	*upload_data_size = 0;
	*req_cls = NULL;
	conn_deadlines_request(svc->deadlines, conn);
	pthread_mutex_lock(&svc->lock);
	svc->requests++;
	pthread_mutex_unlock(&svc->lock);
	return route(svc, conn, url, method);
}

static void free_service(struct service *svc)
{
	conn_deadlines_free(svc->deadlines);
	pthread_mutex_destroy(&svc->lock);
	free(svc->token);
	free(svc);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Percent-decoding of the path and of query values, as libmicrohttpd's own,
 * but %00 is left as it is: decoded, the NUL would end the string there and
 * hide the rest ("/executions/1%00x" would be read as "/executions/1").
 * Left encoded, it is what no path or value accepts: 400 or 404.
 */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char *w = s;
	const char *r = s;
	int hi, lo;

	(void)cls;
	(void)conn;
	while (*r) {
		if (r[0] == '%' && (hi = hex_value(r[1])) >= 0 && (lo = hex_value(r[2])) >= 0 &&
		    (hi || lo)) {
			*w++ = (char)(hi * 16 + lo);
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* Serves on listen_fd, a listening socket. */
static struct service *start(struct store *store, int listen_fd, const char *token)
{
	struct MHD_OptionItem where[] = {
		{ MHD_OPTION_LISTEN_SOCKET, listen_fd, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	struct service *svc;

	svc = calloc(1, sizeof(*svc));
	if (!svc)
		return NULL;
	svc->store = store;
	pthread_mutex_init(&svc->lock, NULL);
	svc->token = token ? strdup(token) : NULL;
	svc->deadlines = conn_deadlines_start(CONNECTION_DEADLINE_S, MAX_CONNECTIONS);
	if (!svc->deadlines || (token && !svc->token)) {
		free_service(svc);
		return NULL;
	}
	/*
	 * One internal thread (epoll) serves every connection; requests larger
	 * than CONNECTION_MEMORY (an over-long URL) are refused by MHD with 414.
	 */
	svc->daemon = mhd.start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_LINUX_ONLY, 0, NULL, NULL,
		on_request, svc, MHD_OPTION_ARRAY, where, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned int)MHD_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned int)CONNECTION_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)CONNECTION_MEMORY, MHD_OPTION_NOTIFY_CONNECTION, conn_deadlines_notify,
		svc->deadlines, MHD_OPTION_NOTIFY_COMPLETED, conn_deadlines_completed,
		svc->deadlines, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
	if (!svc->daemon) {
		conn_deadlines_stop(svc->deadlines);
		free_service(svc);
		return NULL;
	}
	return svc;
}

int service_load(char *err, size_t errlen)
{
	return mhd_open(err, errlen) ? -ENOSYS : 0;
}

int service_start_fd(struct store *store, int listen_fd, const char *token, struct service **out,
		     char *err, size_t errlen)
{
	*out = NULL;
	if (service_load(err, errlen))
		return -ENOSYS;
	*out = start(store, listen_fd, token);
	if (!*out) {
		snprintf(err, errlen, "cannot serve the HTTP API on the listening socket");
		return -EINVAL;
	}
	return 0;
}

void service_set_stats(struct service *svc, const struct service_stats *st)
{
	pthread_mutex_lock(&svc->lock);
	svc->stats = *st;
	pthread_mutex_unlock(&svc->lock);
}

void service_stop(struct service *svc)
{
	if (!svc)
		return;
	conn_deadlines_stop(svc->deadlines);
	mhd.stop_daemon(svc->daemon);
	free_service(svc);
}
