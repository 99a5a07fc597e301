/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The service's store: the last N exec events as formatted JSON objects, in a
 * ring of bounded size. Thread-safe: the event loop adds, the HTTP threads
 * query; the lock is held only to copy out.
 */
#ifndef TRACER_STORE_H
#define TRACER_STORE_H

#include <stddef.h>
#include <stdint.h>

struct store;

struct store *store_new(size_t capacity);
void store_free(struct store *s);

/* Adds a copy of json (len bytes, one object); the oldest entry goes when full. -ENOMEM. */
int store_add(struct store *s, double ts, uint32_t pid, const char *json, size_t len);

struct store_query {
	size_t limit; /* at most this many, newest first */
	double since; /* only ts > since (use a negative value for all) */
	uint32_t pid; /* only this process; 0 for any */
};

/*
 * The matching entries as a JSON array, newest first, in a malloc'ed,
 * NUL-terminated buffer (*len bytes, without the NUL). Returns 0 or -ENOMEM.
 */
int store_query(struct store *s, const struct store_query *q, char **body, size_t *len);

size_t store_size(struct store *s);
size_t store_capacity(const struct store *s);

#endif /* TRACER_STORE_H */
