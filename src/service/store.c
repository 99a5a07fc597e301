// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The service's store: a ring of the last N exec events, as JSON objects. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "store.h"

struct store_entry {
	double ts;
	uint32_t pid;
	size_t len;
	char *json;
};

struct store {
	pthread_mutex_t lock;
	size_t capacity;
	size_t count; /* entries in use */
	size_t next; /* where the next one goes */
	struct store_entry *ring;
};

struct store *store_new(size_t capacity)
{
	struct store *s;

	if (!capacity)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->ring = calloc(capacity, sizeof(*s->ring));
	if (!s->ring) {
		free(s);
		return NULL;
	}
	s->capacity = capacity;
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

void store_free(struct store *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->capacity; i++)
		free(s->ring[i].json);
	free(s->ring);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int store_add(struct store *s, double ts, uint32_t pid, const char *json, size_t len)
{
	struct store_entry *e;
	char *copy, *old;

	/* Copied outside the lock; the old string is freed outside it too. */
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, json, len);
	copy[len] = '\0';
	pthread_mutex_lock(&s->lock);
	e = &s->ring[s->next];
	old = e->json;
	e->json = copy;
	e->len = len;
	e->ts = ts;
	e->pid = pid;
	s->next = (s->next + 1) % s->capacity;
	if (s->count < s->capacity)
		s->count++;
	pthread_mutex_unlock(&s->lock);
	free(old);
	return 0;
}

static bool matches(const struct store_entry *e, const struct store_query *q)
{
	return e->ts > q->since && (!q->pid || e->pid == q->pid);
}

/* The i-th newest entry (0: the newest). */
static struct store_entry *newest(struct store *s, size_t i)
{
	return &s->ring[(s->next + s->capacity - 1 - i) % s->capacity];
}

int store_query(struct store *s, const struct store_query *q, char **body, size_t *len)
{
	size_t i, n = 0, size = 2, off = 0;
	struct store_entry *e;
	char *buf;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->count && n < q->limit; i++) {
		e = newest(s, i);
		if (!matches(e, q))
			continue;
		size += e->len + 1;
		n++;
	}
	buf = malloc(size + 1);
	if (!buf) {
		pthread_mutex_unlock(&s->lock);
		return -ENOMEM;
	}
	buf[off++] = '[';
	for (i = 0, n = 0; i < s->count && n < q->limit; i++) {
		e = newest(s, i);
		if (!matches(e, q))
			continue;
		if (n++)
			buf[off++] = ',';
		memcpy(buf + off, e->json, e->len);
		off += e->len;
	}
	pthread_mutex_unlock(&s->lock);
	buf[off++] = ']';
	buf[off] = '\0';
	*body = buf;
	*len = off;
	return 0;
}

size_t store_size(struct store *s)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = s->count;
	pthread_mutex_unlock(&s->lock);
	return n;
}

size_t store_capacity(const struct store *s)
{
	return s->capacity;
}
