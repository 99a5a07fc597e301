// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The environment's changes from exec to exec. Environments are compared as
 * lists sorted by name (a merge, O(n log n)), entries of the same name in
 * their order in the environment.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "envdiff.h"
#include "escape.h"

/*
 * The environment of one process's last successful exec (own), or the one
 * its last child started with (passed: what it hands on, as far as seen).
 */
struct env_snapshot {
	uint32_t pid;
	bool passed;
	uint64_t seq; /* when it was remembered: the smallest goes first */
	size_t bytes;
	uint32_t n;
	struct tracer_bytes *sorted; /* pointing into buf */
	char *buf;
};

struct envdiff {
	struct env_snapshot *snaps;
	size_t n, cap;
	size_t bytes; /* of the snapshots and first */
	uint64_t seq;
	struct env_snapshot first; /* the first environment shown whole, for the orphans */
	bool have_first;
};

struct envdiff *envdiff_new(void)
{
	return calloc(1, sizeof(struct envdiff));
}

static void snap_free(struct env_snapshot *s)
{
	free(s->sorted);
	free(s->buf);
}

void envdiff_free(struct envdiff *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++)
		snap_free(&d->snaps[i]);
	free(d->snaps);
	snap_free(&d->first);
	free(d);
}

static struct env_snapshot *find(struct envdiff *d, uint32_t pid, bool passed)
{
	size_t i;

	for (i = 0; d && i < d->n; i++)
		if (d->snaps[i].pid == pid && d->snaps[i].passed == passed)
			return &d->snaps[i];
	return NULL;
}

static void drop(struct envdiff *d, struct env_snapshot *s)
{
	d->bytes -= s->bytes;
	snap_free(s);
	*s = d->snaps[--d->n];
}

static void forget_one(struct envdiff *d, uint32_t pid, bool passed)
{
	struct env_snapshot *s = find(d, pid, passed);

	if (s)
		drop(d, s);
}

void envdiff_forget(struct envdiff *d, uint32_t pid)
{
	forget_one(d, pid, false);
	forget_one(d, pid, true);
}

static size_t name_len(const struct tracer_bytes *b)
{
	const char *eq = b->len ? memchr(b->ptr, '=', b->len) : NULL;

	return eq ? (size_t)(eq - b->ptr) : b->len;
}

static int cmp_names(const struct tracer_bytes *a, const struct tracer_bytes *b)
{
	size_t la = name_len(a), lb = name_len(b);
	int c = memcmp(a->ptr, b->ptr, la < lb ? la : lb);

	if (c)
		return c;
	return la < lb ? -1 : la > lb;
}

/* By name, then by position in the environment (entries lie in order in memory). */
static int cmp_entries(const void *x, const void *y)
{
	const struct tracer_bytes *a = x, *b = y;
	int c = cmp_names(a, b);

	if (c)
		return c;
	return a->ptr < b->ptr ? -1 : a->ptr > b->ptr;
}

static bool same_entry(const struct tracer_bytes *a, const struct tracer_bytes *b)
{
	return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

/* e's entries sorted, or NULL (out of memory, or none: *n 0). */
static struct tracer_bytes *sort_env(const struct tracer_exec_event *e, uint32_t *n)
{
	static const char empty[1];
	struct tracer_bytes *v;
	uint32_t i;

	*n = e->env ? e->envc : 0;
	if (!*n)
		return NULL;
	v = malloc(*n * sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < *n; i++) {
		v[i] = e->env[i];
		if (!v[i].ptr)
			v[i].ptr = empty;
	}
	qsort(v, *n, sizeof(*v), cmp_entries);
	return v;
}

/* " +ENTRY" or " -NAME", after " env:" for the first one. */
static int put_item(FILE *out, bool *labelled, char sign, const struct tracer_bytes *b, size_t len)
{
	if (!*labelled && fputs(" env:", out) == EOF)
		return -1;
	*labelled = true;
	if (fputc(' ', out) == EOF || fputc(sign, out) == EOF)
		return -1;
	return escape_shell_word(out, b->ptr, len);
}

static int write_diff(FILE *out, const struct env_snapshot *base, const struct tracer_bytes *v,
		      uint32_t n, bool whole)
{
	uint32_t i = 0, j = 0;
	bool labelled = !whole;
	int c;

	/* Nothing changed: nothing written, unless to say it is not whole. */
	if (!whole && fputs(" env(truncated):", out) == EOF)
		return -1;
	while (i < base->n || j < n) {
		if (i == base->n)
			c = 1;
		else if (j == n)
			c = -1;
		else
			c = cmp_names(&base->sorted[i], &v[j]);
		if (c < 0) {
			if (whole && put_item(out, &labelled, '-', &base->sorted[i],
					      name_len(&base->sorted[i])))
				return -1;
			i++;
		} else if (c > 0) {
			if (put_item(out, &labelled, '+', &v[j], v[j].len))
				return -1;
			j++;
		} else {
			if (!same_entry(&base->sorted[i], &v[j]) &&
			    put_item(out, &labelled, '+', &v[j], v[j].len))
				return -1;
			i++;
			j++;
		}
	}
	return 0;
}

/* Makes room for bytes more, the oldest snapshots going first. */
static void make_room(struct envdiff *d, size_t bytes)
{
	while (d->n && (d->n >= 2 * ENVDIFF_MAX_PROCS || d->bytes + bytes > ENVDIFF_MAX_BYTES)) {
		size_t i, old = 0;

		for (i = 1; i < d->n; i++)
			if (d->snaps[i].seq < d->snaps[old].seq)
				old = i;
		drop(d, &d->snaps[old]);
	}
}

/* A copy of v (n sorted entries) in s, its strings in one buffer. Returns 0 or -ENOMEM. */
static int snap_copy(struct env_snapshot *s, const struct tracer_bytes *v, uint32_t n)
{
	size_t off = 0;
	uint32_t i;

	s->n = n;
	s->bytes = 0;
	for (i = 0; i < n; i++)
		s->bytes += v[i].len;
	s->sorted = malloc((n ? n : 1) * sizeof(*s->sorted));
	s->buf = malloc(s->bytes ? s->bytes : 1);
	if (!s->sorted || !s->buf) {
		snap_free(s);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		memcpy(s->buf + off, v[i].ptr, v[i].len);
		s->sorted[i].ptr = s->buf + off;
		s->sorted[i].len = v[i].len;
		off += v[i].len;
	}
	return 0;
}

/* Remembers a copy of v (n sorted entries) as pid's own or passed environment. */
static void remember(struct envdiff *d, uint32_t pid, bool passed, const struct tracer_bytes *v,
		     uint32_t n)
{
	struct env_snapshot s = { .pid = pid, .passed = passed };
	size_t bytes = 0;
	uint32_t i;

	for (i = 0; i < n; i++)
		bytes += v[i].len;
	forget_one(d, pid, passed);
	if (bytes > ENVDIFF_MAX_BYTES)
		return;
	make_room(d, bytes);
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct env_snapshot *p = realloc(d->snaps, cap * sizeof(*p));

		if (!p)
			return;
		d->snaps = p;
		d->cap = cap;
	}
	if (snap_copy(&s, v, n))
		return;
	s.seq = ++d->seq;
	d->snaps[d->n++] = s;
	d->bytes += s.bytes;
}

/*
 * What e is compared with: its own process's last exec (an exec chain), else
 * what its parent's last child started with (its sibling: what the parent
 * hands on), else its parent's exec, else the first environment shown (a
 * process whose parent's exec was not seen). NULL: nothing yet.
 */
static const struct env_snapshot *base_of(struct envdiff *d, const struct tracer_exec_event *e,
					  bool *own)
{
	const struct env_snapshot *base = find(d, e->pid, false);

	*own = base != NULL;
	if (!base)
		base = find(d, e->ppid, true);
	if (!base)
		base = find(d, e->ppid, false);
	if (!base && d->have_first)
		base = &d->first;
	return base;
}

/* Remembers e's environment (v, n sorted entries) after a successful exec. */
static void remember_exec(struct envdiff *d, const struct tracer_exec_event *e,
			  const struct tracer_bytes *v, uint32_t n, bool own)
{
	remember(d, e->pid, false, v, n);
	/* A new program: what it hands on is not yet seen. */
	forget_one(d, e->pid, true);
	/* A first exec after a fork: the environment its parent handed on. */
	if (!own)
		remember(d, e->ppid, true, v, n);
	if (!d->have_first && snap_copy(&d->first, v, n) == 0) {
		d->have_first = true;
		d->bytes += d->first.bytes;
	}
}

int envdiff_write(struct envdiff *d, FILE *out, const struct tracer_exec_event *e)
{
	static const struct env_snapshot empty;
	bool whole = !e->env_truncated && !e->env_fault, own = false;
	const struct env_snapshot *base = NULL;
	struct tracer_bytes *v;
	uint32_t n;
	int ret;

	v = sort_env(e, &n);
	if (d)
		base = base_of(d, e, &own);
	if (!d || (n && !v))
		ret = fprintf(out, whole ? " envc=%" PRIu32 : " env(truncated) envc=%" PRIu32,
			      e->total_envc) < 0 ?
			      -1 :
			      0;
	else
		ret = write_diff(out, base ? base : &empty, v, n, whole);
	/* A failed exec changed nothing: the next attempt compares with the same. */
	if (d && e->ret == 0 && (v || !n))
		remember_exec(d, e, v, n, own);
	free(v);
	return ret;
}
