// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The service's store (see store.h): a ring of pointers to entries, each
 * entry a copy of one exec event. Entries are numbered in the order they were
 * added (seq, from 1): the oldest present is next_seq - count, so a cursor
 * keeps a number, never a pointer, and finds at each step whether its entry
 * is still there. An entry is written as JSON outside the lock, while its
 * readers count keeps it alive.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "evcopy.h"
#include "store.h"
#include "writer.h"

struct store_entry {
	struct store_entry *next_free; /* evicted, to be freed outside the lock */
	struct tracer_event *ev; /* the exec, with its strings (evcopy.h) */
	double ts; /* as the writer gets it */
	uint64_t ts_us; /* as the writer writes it, for since */
	uint32_t pid;
	size_t cost; /* bytes counted for it: its allocations and its ring slot */
	unsigned int readers; /* cursors writing it outside the lock; under the lock */
	bool evicted; /* out of the ring while read: its last reader frees it */
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
	uint64_t last_ts_us; /* the last entry's key (store_query); the adding thread's */
	size_t bytes;
	uint64_t dropped;
	void (*step_hook)(void *arg);
	void *step_arg;
};

/*
 * A window on what the writer writes: skip bytes left out, then at most max
 * bytes into buf (grown as needed), then one byte more (the object's
 * newline, or the sign that there is more), after which the writer is
 * stopped (a short write fails its stream).
 */
struct window {
	size_t skip;
	size_t max;
	char **buf;
	size_t *size;
	size_t got; /* bytes taken, the extra one included */
	bool more; /* the object goes on past the window */
	bool nomem;
};

struct store_cursor {
	struct store *s;
	struct store_query q;
	uint64_t next; /* the next entry to look at; 0: none */
	bool forward; /* oldest first (since), up to end (excluded) */
	uint64_t end; /* next_seq when the cursor was made */
	uint64_t cur; /* the entry being written; 0: none */
	bool begun; /* its comma (or first bytes) is written */
	/* A window on cur's JSON, written already: [off - len, off) of it, pos of it sent */
	char *held;
	size_t held_size; /* allocated */
	size_t len, pos, off;
	bool complete; /* the window reaches the end of the object */
	FILE *writer; /* the JSON writer's stream into the window, made once */
	struct window win;
	bool opened, comma, done;
};

/* Why one step of a scan under the lock ended. */
enum step_end {
	STEP_FOUND,
	STEP_DONE,
	STEP_MORE,
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

static void entry_free(struct store_entry *e)
{
	free(e->ev);
	free(e);
}

void store_free(struct store *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->count; i++)
		entry_free(s->ring[(s->head + i) % s->slots]);
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

/* Under the lock: the oldest entry out of the ring, onto *evicted unless a reader has it. */
static void evict_oldest(struct store *s, struct store_entry **evicted)
{
	struct store_entry *e = s->ring[s->head];

	s->head = (s->head + 1) % s->slots;
	s->count--;
	s->bytes -= e->cost;
	if (e->readers) {
		e->evicted = true;
		return;
	}
	e->next_free = *evicted;
	*evicted = e;
}

/* The entry for ev, made (and later freed) outside the lock; NULL: out of memory. */
static struct store_entry *entry_new(struct store *s, double ts, const struct tracer_event *ev)
{
	struct store_entry *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->ev = evcopy_new(ev);
	if (!e->ev) {
		free(e);
		return NULL;
	}
	e->ts = ts;
	e->ts_us = writer_ts_us(ts);
	e->pid = ev->exec.pid;
	e->cost = malloc_usable_size(e) + malloc_usable_size(e->ev) + sizeof(*s->ring);
	return e;
}

int store_add(struct store *s, double ts, const struct tracer_event *ev)
{
	struct store_entry *e, *evicted = NULL, **ring, **old_ring = NULL;
	size_t slots = 0, i;

	if (ev->type != TRACER_EVENT_EXEC)
		return -EINVAL;
	e = entry_new(s, ts, ev);
	if (!e)
		return -ENOMEM;
	if (e->cost > s->budget) {
		entry_free(e);
		pthread_mutex_lock(&s->lock);
		s->dropped++;
		pthread_mutex_unlock(&s->lock);
		return -E2BIG;
	}
	if (grow_prepare(s, &ring, &slots)) {
		entry_free(e);
		return -ENOMEM;
	}
	/* Keys unique and increasing in the order added (store_query). */
	if (e->ts_us <= s->last_ts_us) {
		e->ts_us = s->last_ts_us + 1;
		e->ts = (double)e->ts_us / 1e6;
	}
	s->last_ts_us = e->ts_us;

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
		entry_free(e);
	}
	return 0;
}

static bool matches(const struct store_entry *e, const struct store_query *q)
{
	return (q->since_us < 0 || e->ts_us > (uint64_t)q->since_us) &&
	       (!q->pid || e->pid == q->pid);
}

/*
 * The first entry with a key above since_us, or next_seq when there is none:
 * keys increase with seq, so a binary search. Under the lock.
 */
static uint64_t first_after(const struct store *s, uint64_t since_us)
{
	uint64_t lo = s->next_seq - s->count, hi = s->next_seq, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (lookup(s, mid)->ts_us > since_us)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

struct store_cursor *store_cursor_new(struct store *s, const struct store_query *q)
{
	struct store_cursor *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->s = s;
	c->q = *q;
	c->forward = q->since_us >= 0;
	pthread_mutex_lock(&s->lock);
	c->end = s->next_seq;
	c->next = c->forward ? first_after(s, (uint64_t)q->since_us) : s->next_seq - 1;
	pthread_mutex_unlock(&s->lock);
	return c;
}

/*
 * The entry the scan is at, or NULL at its end. Forward, entries evicted
 * before the scan reached them are stepped over (the oldest present is next).
 */
static struct store_entry *scan_at(struct store_cursor *c)
{
	const struct store *s = c->s;
	uint64_t oldest = s->next_seq - s->count;

	if (!c->q.limit)
		return NULL;
	if (!c->forward)
		return lookup(s, c->next);
	if (c->next < oldest)
		c->next = oldest;
	return c->next < c->end ? lookup(s, c->next) : NULL;
}

/* Entry seq held for writing outside the lock (unpin() lets go), or NULL when it is gone. */
static struct store_entry *pin(struct store *s, uint64_t seq)
{
	struct store_entry *e;

	pthread_mutex_lock(&s->lock);
	e = lookup(s, seq);
	if (e)
		e->readers++;
	pthread_mutex_unlock(&s->lock);
	return e;
}

static void unpin(struct store *s, struct store_entry *e)
{
	bool last;

	pthread_mutex_lock(&s->lock);
	last = --e->readers == 0 && e->evicted;
	pthread_mutex_unlock(&s->lock);
	if (last)
		entry_free(e);
}

static ssize_t window_write(void *cookie, const char *data, size_t n)
{
	struct window *w = cookie;
	size_t i = n < w->skip ? n : w->skip, take, want;
	char *grown;

	w->skip -= i;
	take = n - i;
	if (w->got + take > w->max + 1) {
		take = w->max + 1 - w->got;
		w->more = true;
	}
	want = w->got + take;
	if (want > *w->size) {
		want = want < *w->size * 2 ? *w->size * 2 : want;
		want = want < 4096 ? 4096 : want > w->max + 1 ? w->max + 1 : want;
		grown = realloc(*w->buf, want);
		if (!grown) {
			w->nomem = true;
			return 0;
		}
		*w->buf = grown;
		*w->size = want;
	}
	memcpy(*w->buf + w->got, data + i, take);
	w->got += take;
	return w->more ? 0 : (ssize_t)n;
}

/*
 * Bytes [off, off + STORE_HOLD) of e's JSON object into c's window, which
 * then reaches the object's end or not (c->complete). The object is written
 * from its start each time: only an object larger than the window costs
 * more than one writing. Returns 0, or -ENOMEM.
 */
static int render(struct store_cursor *c, const struct store_entry *e)
{
	static const cookie_io_functions_t io = { .write = window_write };
	int ret;

	if (!c->writer) {
		c->writer = fopencookie(&c->win, "w", io);
		if (!c->writer)
			return -ENOMEM;
		/* One thread at a time writes with it: no lock for each of its many calls. */
		__fsetlocking(c->writer, FSETLOCKING_BYCALLER);
	}
	c->win = (struct window){
		.skip = c->off, .max = STORE_HOLD, .buf = &c->held, .size = &c->held_size
	};
	clearerr(c->writer);
	ret = json_writer.exec(c->writer, e->ts, e->ev, NULL);
	ret |= fflush(c->writer);
	/* Stopped at the window's end: what the stream still holds is not wanted. */
	__fpurge(c->writer);
	c->pos = 0;
	c->complete = !c->win.more;
	if (c->win.nomem || (ret && !c->win.more) || !c->win.got)
		return -ENOMEM;
	/* The extra byte: the newline after a whole object, or the next window's first. */
	c->len = c->win.got - 1;
	c->off += c->len;
	return 0;
}

/* One step of the scan under the lock: at most STORE_STEP entries looked at. */
static enum step_end scan_step(struct store_cursor *c)
{
	struct store *s = c->s;
	enum step_end end = STEP_MORE;
	struct store_entry *e;
	size_t looked;
	uint64_t seq;

	pthread_mutex_lock(&s->lock);
	for (looked = 0; looked < STORE_STEP; looked++) {
		/* Backward, older entries than one evicted are gone too: the end. */
		e = scan_at(c);
		if (!e) {
			end = STEP_DONE;
			break;
		}
		seq = c->next;
		c->next = c->forward ? seq + 1 : seq - 1;
		if (matches(e, &c->q)) {
			c->cur = seq;
			c->off = c->len = c->pos = 0;
			c->begun = false;
			c->q.limit--;
			end = STEP_FOUND;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return end;
}

/* The next entry to write into c->cur: true, or false at the end of the answer. */
static bool find_next(struct store_cursor *c)
{
	enum step_end end;

	while ((end = scan_step(c)) == STEP_MORE)
		if (c->s->step_hook)
			c->s->step_hook(c->s->step_arg);
	return end == STEP_FOUND;
}

/* The next window of the current entry; 1 when the entry went before it was begun. */
static int hold_next(struct store_cursor *c)
{
	struct store_entry *e = pin(c->s, c->cur);
	int ret;

	if (!e)
		return c->begun ? -EPIPE : 1;
	if (c->s->step_hook)
		c->s->step_hook(c->s->step_arg);
	ret = render(c, e);
	unpin(c->s, e);
	return ret ? -EPIPE : 0;
}

/*
 * Writes what fits of the current entry at buf + *out. Returns 0 when it is
 * written whole, 1 when buf is full (or the entry is left for the next
 * piece, where it is begun), -EPIPE when it went while half written.
 */
static int write_current(struct store_cursor *c, char *buf, size_t size, size_t *out)
{
	size_t n;
	int ret;

	if (c->pos == c->len) {
		ret = hold_next(c);
		if (ret < 0)
			return ret;
		if (ret) {
			/*
			 * Gone before it was begun: so are the older ones (the
			 * end); forward, the scan goes on with the oldest left.
			 */
			c->cur = 0;
			if (!c->forward)
				c->next = 0;
			return 0;
		}
	}
	if (!c->begun) {
		/* Begun at the start of a piece, or when it fits whole. */
		if (*out && (!c->complete || c->len + c->comma > size - *out))
			return 1;
		if (c->comma)
			buf[(*out)++] = ',';
		c->begun = true;
	}
	n = c->len - c->pos < size - *out ? c->len - c->pos : size - *out;
	memcpy(buf + *out, c->held + c->pos, n);
	*out += n;
	c->pos += n;
	if (c->pos < c->len || !c->complete)
		return 1;
	c->cur = 0;
	c->comma = true;
	return 0;
}

ssize_t store_cursor_read(struct store_cursor *c, char *buf, size_t size)
{
	size_t out = 0;
	int ret;

	if (c->done)
		return 0;
	if (!size)
		return -EINVAL;
	if (!c->opened) {
		buf[out++] = '[';
		c->opened = true;
	}
	while (out < size) {
		if (!c->cur && !find_next(c)) {
			buf[out++] = ']';
			c->done = true;
			break;
		}
		ret = write_current(c, buf, size, &out);
		if (ret < 0)
			return ret;
		if (ret)
			break;
	}
	return (ssize_t)out;
}

void store_cursor_free(struct store_cursor *c)
{
	if (c && c->writer)
		fclose(c->writer);
	if (c)
		free(c->held);
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
