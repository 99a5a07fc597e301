// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The service's store (see store.h): a ring of pointers to entries, each entry
 * one allocation that holds its JSON. Entries are numbered in the order they
 * were added (seq, from 1): the oldest present is next_seq - count, so a
 * cursor keeps a number, never a pointer, and finds at each step whether its
 * entry is still there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "store.h"

struct store_entry {
	struct store_entry *next_free; /* evicted, to be freed outside the lock */
	double ts;
	uint32_t pid;
	size_t len;
	size_t cost; /* bytes counted for it: the allocation and its ring slot */
	char json[];
};

struct store {
	pthread_mutex_t lock; /* guards everything below but the limits */
	size_t capacity;
	size_t budget;
	struct store_entry **ring; /* grown as needed up to capacity slots */
	size_t slots;
	size_t head; /* the oldest entry's slot */
	size_t count;
	uint64_t next_seq; /* the number the next entry gets */
	size_t bytes;
	uint64_t dropped;
	void (*step_hook)(void *arg);
	void *step_arg;
};

struct store_cursor {
	struct store *s;
	struct store_query q;
	uint64_t next; /* the next entry to look at; 0: none */
	uint64_t cur; /* the entry being written; 0: none */
	size_t off; /* how much of it is written */
	bool opened, comma, done;
};

/* Why one step under the lock ended. */
enum step_end {
	STEP_FULL,
	STEP_DONE,
	STEP_MORE,
	STEP_LOST
};

struct store *store_new(size_t capacity, size_t budget)
{
	struct store *s;

	if (!capacity || !budget)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->capacity = capacity;
	s->budget = budget;
	s->next_seq = 1;
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

void store_free(struct store *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->count; i++)
		free(s->ring[(s->head + i) % s->slots]);
	free(s->ring);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Entry seq, or NULL when it is not (or no longer) in the store. Under the lock. */
static struct store_entry *lookup(const struct store *s, uint64_t seq)
{
	uint64_t oldest = s->next_seq - s->count;

	if (seq < oldest || seq >= s->next_seq)
		return NULL;
	return s->ring[(s->head + (size_t)(seq - oldest)) % s->slots];
}

/* A ring twice as large (at most capacity), made outside the lock: NULL if not needed. */
static int grow_prepare(const struct store *s, struct store_entry ***ring, size_t *slots)
{
	*ring = NULL;
	/* Only the adding thread changes count and slots: reading them unlocked is safe. */
	if (s->count < s->slots || s->slots == s->capacity)
		return 0;
	*slots = s->slots ? s->slots * 2 : 64;
	if (*slots > s->capacity)
		*slots = s->capacity;
	*ring = malloc(*slots * sizeof(**ring));
	return *ring ? 0 : -ENOMEM;
}

/* Under the lock: the oldest entry out of the ring, onto *evicted. */
static void evict_oldest(struct store *s, struct store_entry **evicted)
{
	struct store_entry *e = s->ring[s->head];

	s->head = (s->head + 1) % s->slots;
	s->count--;
	s->bytes -= e->cost;
	e->next_free = *evicted;
	*evicted = e;
}

int store_add(struct store *s, double ts, uint32_t pid, const char *json, size_t len)
{
	struct store_entry *e, *evicted = NULL, **ring, **old_ring = NULL;
	size_t slots = 0, i;

	/* Made, and later freed, outside the lock. */
	e = malloc(sizeof(*e) + len + 1);
	if (!e)
		return -ENOMEM;
	e->ts = ts;
	e->pid = pid;
	e->len = len;
	memcpy(e->json, json, len);
	e->json[len] = '\0';
	e->cost = malloc_usable_size(e) + sizeof(*s->ring);
	if (e->cost > s->budget) {
		free(e);
		pthread_mutex_lock(&s->lock);
		s->dropped++;
		pthread_mutex_unlock(&s->lock);
		return -E2BIG;
	}
	if (grow_prepare(s, &ring, &slots)) {
		free(e);
		return -ENOMEM;
	}

	pthread_mutex_lock(&s->lock);
	while (s->count && (s->count >= s->capacity || s->bytes + e->cost > s->budget))
		evict_oldest(s, &evicted);
	if (ring && s->count == s->slots) {
		/* Still full: the larger ring, the entries in order from its start. */
		for (i = 0; i < s->count; i++)
			ring[i] = s->ring[(s->head + i) % s->slots];
		old_ring = s->ring;
		s->ring = ring;
		s->slots = slots;
		s->head = 0;
		ring = NULL;
	}
	s->ring[(s->head + s->count) % s->slots] = e;
	s->count++;
	s->next_seq++;
	s->bytes += e->cost;
	pthread_mutex_unlock(&s->lock);

	free(ring);
	free(old_ring);
	while (evicted) {
		e = evicted;
		evicted = e->next_free;
		free(e);
	}
	return 0;
}

static bool matches(const struct store_entry *e, const struct store_query *q)
{
	return e->ts > q->since && (!q->pid || e->pid == q->pid);
}

struct store_cursor *store_cursor_new(struct store *s, const struct store_query *q)
{
	struct store_cursor *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->s = s;
	c->q = *q;
	pthread_mutex_lock(&s->lock);
	c->next = s->next_seq - 1;
	pthread_mutex_unlock(&s->lock);
	return c;
}

/*
 * One step under the lock: goes on with the entry being written, then looks
 * at up to STORE_STEP entries, writing those that match while they fit in buf.
 * An entry is started only at the start of buf or when it fits whole: only an
 * entry larger than buf is ever split across calls.
 */
static enum step_end step(struct store_cursor *c, char *buf, size_t size, size_t *out)
{
	struct store *s = c->s;
	enum step_end end = STEP_FULL;
	struct store_entry *e;
	size_t n, looked = 0;

	pthread_mutex_lock(&s->lock);
	while (*out < size) {
		if (c->cur) {
			e = lookup(s, c->cur);
			if (!e) {
				end = STEP_LOST;
				break;
			}
			n = e->len - c->off;
			if (n > size - *out)
				n = size - *out;
			memcpy(buf + *out, e->json + c->off, n);
			c->off += n;
			*out += n;
			if (c->off == e->len)
				c->cur = 0;
			continue;
		}
		/* Older entries than one evicted are gone too: the end. */
		e = c->q.limit ? lookup(s, c->next) : NULL;
		if (!e) {
			buf[(*out)++] = ']';
			c->done = true;
			end = STEP_DONE;
			break;
		}
		if (looked++ == STORE_STEP) {
			end = STEP_MORE;
			break;
		}
		if (!matches(e, &c->q)) {
			c->next--;
			continue;
		}
		if (*out && e->len + c->comma > size - *out)
			break;
		if (c->comma)
			buf[(*out)++] = ',';
		c->comma = true;
		c->cur = c->next--;
		c->off = 0;
		c->q.limit--;
	}
	pthread_mutex_unlock(&s->lock);
	return end;
}

ssize_t store_cursor_read(struct store_cursor *c, char *buf, size_t size)
{
	size_t out = 0;
	enum step_end end;

	if (c->done)
		return 0;
	if (!size)
		return -EINVAL;
	if (!c->opened) {
		buf[out++] = '[';
		c->opened = true;
	}
	while ((end = step(c, buf, size, &out)) == STEP_MORE)
		if (c->s->step_hook)
			c->s->step_hook(c->s->step_arg);
	if (end == STEP_LOST)
		return -EPIPE;
	return (ssize_t)out;
}

void store_cursor_free(struct store_cursor *c)
{
	free(c);
}

void store_get_stats(struct store *s, struct store_stats *st)
{
	pthread_mutex_lock(&s->lock);
	st->entries = s->count;
	st->bytes = s->bytes;
	st->dropped = s->dropped;
	pthread_mutex_unlock(&s->lock);
	st->capacity = s->capacity;
	st->budget = s->budget;
}

void store_set_step_hook(struct store *s, void (*fn)(void *arg), void *arg)
{
	s->step_hook = fn;
	s->step_arg = arg;
}
