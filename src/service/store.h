/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The service's store: the latest exec events, kept as data (a copy of each
 * event, evcopy.h) and written as JSON (the JSON writer's objects, without
 * the newline) only when a reader asks, bounded in number and in bytes
 * (issue 12, finding 4). The bytes counted are what is really kept: each
 * entry's allocations as malloc sized them and its slot in the ring. The
 * oldest entries go to make room; an entry larger than the whole budget is
 * dropped and counted.
 *
 * One thread adds (the event loop); any number read, through cursors that
 * write the answer piece by piece into the caller's buffer (the HTTP
 * response's, streamed). The lock is held only for a bounded step: at most
 * STORE_STEP entries looked at (issue 13, defect 6); an entry is written as
 * JSON outside the lock, kept meanwhile by a count of its readers (an entry
 * evicted then is freed by its last reader). So a query of a large store
 * never stalls store_add for long, and a reader, however slow, holds at most
 * STORE_HOLD bytes of one entry's JSON: N slow readers cost N windows, never
 * a copy of the answer.
 */
#ifndef TRACER_STORE_H
#define TRACER_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <tracer/tracer.h>

/* Entries a cursor looks at, at most, each time it holds the lock. */
#define STORE_STEP 256
/*
 * The most of one entry's JSON a cursor holds between two pieces: an entry
 * is written once into that window, a larger one once per window.
 */
#define STORE_HOLD (256 * 1024)

struct store;

/* At most capacity entries and budget bytes (both at least 1). NULL: out of memory. */
struct store *store_new(size_t capacity, size_t budget);
void store_free(struct store *s);

/*
 * Adds a copy of the exec event ev, ts seconds after tracer's start (its
 * "ts" in JSON, made unique: see store_query); the oldest entries go while
 * the store is over its capacity or budget. Called from one thread only. Returns 0, -E2BIG (larger than the
 * budget: dropped), -EINVAL (not an exec) or -ENOMEM.
 */
int store_add(struct store *s, double ts, const struct tracer_event *ev);

/*
 * The key of an entry is its "ts" as written (%.6f), in microseconds, made
 * unique and increasing in the order the entries were added: an event whose
 * ts is not after the previous entry's is given the previous one's plus
 * 1 µs (events reach tracer in the kernel's order, whose timestamps, taken
 * on different CPUs, can tie or run a little backwards). So "ts > T" is
 * exactly "added after the entry written with ts T", and a reader that
 * passes the largest ts it has seen as the next since reads each entry
 * once, none skipped, none twice.
 */
struct store_query {
	size_t limit; /* at most this many */
	/*
	 * -1: the newest first. Else only ts > since_us (µs), the oldest of
	 * them first: a page forward from since.
	 */
	int64_t since_us;
	uint32_t pid; /* only this process; 0 for any */
};

/*
 * A reader of the entries that match q, as a JSON array (newest first, or
 * oldest first with since_us), among those in the store when the cursor is
 * made: entries added later are not part of it, entries evicted before the
 * cursor reaches them are left out. NULL: out of memory.
 */
struct store_cursor *store_cursor_new(struct store *s, const struct store_query *q);

/*
 * Writes the next bytes of the array into buf (at most size, size > 0). An
 * entry is begun at the start of buf or when it fits whole: only an entry
 * larger than buf is split across calls. Returns how many (> 0), 0 when the
 * array is complete, or -EPIPE when an entry larger than STORE_HOLD was
 * evicted while half written (or memory ran out): the array cannot be
 * completed (the HTTP response is cut off, which the client sees).
 */
ssize_t store_cursor_read(struct store_cursor *c, char *buf, size_t size);
void store_cursor_free(struct store_cursor *c);

struct store_stats {
	size_t entries;
	size_t capacity;
	size_t bytes; /* what the entries take now */
	size_t budget;
	uint64_t dropped; /* entries larger than the budget */
};

void store_get_stats(struct store *s, struct store_stats *st);

/*
 * For tests: fn(arg) is called each time a cursor has let go of the lock
 * between two steps of one store_cursor_read(), and when it holds an entry
 * to write it outside the lock. Set before any reader runs.
 */
void store_set_step_hook(struct store *s, void (*fn)(void *arg), void *arg);

#endif /* TRACER_STORE_H */
