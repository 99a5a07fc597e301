// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* PATH lookups folded (fold.h): the walks held, at most FOLD_MAX_WALKS. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "evcopy.h"
#include "fold.h"

/* One process's failed lookups of one command, oldest first. */
struct walk {
	uint32_t pid;
	uint32_t n;
	struct tracer_event *ev[FOLD_MAX_LOOKUPS];
};

struct fold {
	fold_write_fn write;
	void *ctx;
	size_t n;
	struct walk walks[FOLD_MAX_WALKS];
};

struct fold *fold_new(fold_write_fn write, void *ctx)
{
	struct fold *f = calloc(1, sizeof(*f));

	if (f) {
		f->write = write;
		f->ctx = ctx;
	}
	return f;
}

static void walk_clear(struct walk *w)
{
	uint32_t i;

	for (i = 0; i < w->n; i++)
		free(w->ev[i]);
	w->n = 0;
}

void fold_free(struct fold *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++)
		walk_clear(&f->walks[i]);
	free(f);
}

/* Whether e's filename is some directory joined with argv[0], which has no '/'. */
static bool looked_up(const struct tracer_exec_event *e)
{
	const struct tracer_bytes *a0;

	if (!e->argv || !e->argc || e->argv_fault)
		return false;
	a0 = &e->argv[0];
	if (!a0->len || memchr(a0->ptr, '/', a0->len) || e->filename.len <= a0->len)
		return false;
	return e->filename.ptr[e->filename.len - a0->len - 1] == '/' &&
	       memcmp(e->filename.ptr + e->filename.len - a0->len, a0->ptr, a0->len) == 0;
}

static bool same_args(const struct tracer_exec_event *a, const struct tracer_exec_event *b)
{
	uint32_t i;

	if (a->argc != b->argc || a->argv_truncated != b->argv_truncated)
		return false;
	for (i = 0; i < a->argc; i++)
		if (a->argv[i].len != b->argv[i].len ||
		    memcmp(a->argv[i].ptr, b->argv[i].ptr, a->argv[i].len))
			return false;
	return true;
}

static struct walk *walk_of(struct fold *f, uint32_t pid)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->walks[i].pid == pid)
			return &f->walks[i];
	return NULL;
}

/* The walk written (one lookup as it is, more as "not found") and let go. */
static int walk_end(struct fold *f, struct walk *w)
{
	int ret = f->write(f->ctx, w->ev[w->n - 1], w->n - 1);

	walk_clear(w);
	*w = f->walks[--f->n];
	return ret;
}

/* A new walk begins with ev; written as it is when it cannot be held. */
static int walk_start(struct fold *f, const struct tracer_event *ev)
{
	struct walk *w;
	int ret;

	if (f->n == FOLD_MAX_WALKS) {
		ret = walk_end(f, &f->walks[0]);
		if (ret)
			return ret;
	}
	w = &f->walks[f->n];
	w->ev[0] = evcopy_new(ev);
	if (!w->ev[0])
		return f->write(f->ctx, ev, 0);
	w->pid = ev->exec.pid;
	w->n = 1;
	f->n++;
	return 0;
}

int fold_exec(struct fold *f, const struct tracer_event *ev)
{
	const struct tracer_exec_event *e = &ev->exec;
	struct walk *w = walk_of(f, e->pid);
	struct tracer_event *copy;
	uint32_t n;
	int ret;

	if (w && looked_up(e) && same_args(&w->ev[0]->exec, e)) {
		if (e->ret >= 0) {
			n = w->n;
			walk_clear(w);
			*w = f->walks[--f->n];
			return f->write(f->ctx, ev, n);
		}
		copy = w->n < FOLD_MAX_LOOKUPS ? evcopy_new(ev) : NULL;
		if (copy) {
			w->ev[w->n++] = copy;
			return 0;
		}
	}
	if (w) {
		ret = walk_end(f, w);
		if (ret)
			return ret;
	}
	if (e->ret < 0 && looked_up(e))
		return walk_start(f, ev);
	return f->write(f->ctx, ev, 0);
}

int fold_exit(struct fold *f, uint32_t pid)
{
	struct walk *w = walk_of(f, pid);

	return w ? walk_end(f, w) : 0;
}

int fold_expire(struct fold *f, uint64_t now_ns)
{
	size_t i = 0;
	int ret;

	while (i < f->n) {
		uint64_t ts = f->walks[i].ev[0]->ts_ns;

		if (ts > now_ns || now_ns - ts < FOLD_HOLD_NS) {
			i++;
			continue;
		}
		/* walks[i] is now the last walk, moved: look at i again. */
		ret = walk_end(f, &f->walks[i]);
		if (ret)
			return ret;
	}
	return 0;
}

int fold_flush(struct fold *f)
{
	int ret;

	while (f->n) {
		ret = walk_end(f, &f->walks[0]);
		if (ret)
			return ret;
	}
	return 0;
}
