// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Each process's last exec context, in an open-addressing table keyed by pid
 * (linear probing, deletion by shifting back: no tombstones).
 */
#include <stdlib.h>
#include <string.h>

#include "parentctx.h"

/*
 * At most twice the processes, so that probes stay short. The table starts
 * small and doubles when half full: a slot is 128 bytes, and a full table
 * (1 MiB) would be resident as soon as an exec storm's pids have been spread
 * over it, though few of them live at once.
 */
#define SLOTS_MAX (2 * PARENTCTX_MAX_PROCS)
#define SLOTS_MIN 64

struct parentctx {
	struct proc_context *slots;
	size_t cap; /* slots, a power of two */
	size_t n;
	size_t bytes; /* of the paths kept */
};

static size_t slot_of(const struct parentctx *p, uint32_t pid)
{
	return (size_t)(pid * 2654435761u) & (p->cap - 1);
}

struct parentctx *parentctx_new(void)
{
	struct parentctx *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->slots = calloc(SLOTS_MIN, sizeof(*p->slots));
	if (!p->slots) {
		free(p);
		return NULL;
	}
	p->cap = SLOTS_MIN;
	return p;
}

size_t parentctx_capacity(const struct parentctx *p)
{
	return p->cap;
}

static void path_free(struct parentctx *p, struct kept_path *k)
{
	if (k->s)
		p->bytes -= k->len;
	free(k->s);
	k->s = NULL;
}

static void context_free(struct parentctx *p, struct proc_context *c)
{
	int i;

	path_free(p, &c->cwd);
	for (i = 0; i < 3; i++)
		path_free(p, &c->stdio[i].path);
	memset(c, 0, sizeof(*c));
}

static void free_contexts(struct parentctx *p)
{
	size_t i;

	for (i = 0; i < p->cap; i++)
		if (p->slots[i].pid)
			context_free(p, &p->slots[i]);
	p->n = 0;
}

static void forget_all(struct parentctx *p)
{
	struct proc_context *small;

	free_contexts(p);
	/* Back to the first size; out of memory, the emptied table is kept. */
	small = p->cap > SLOTS_MIN ? calloc(SLOTS_MIN, sizeof(*small)) : NULL;
	if (small) {
		free(p->slots);
		p->slots = small;
		p->cap = SLOTS_MIN;
	}
}

void parentctx_free(struct parentctx *p)
{
	if (!p)
		return;
	free_contexts(p);
	free(p->slots);
	free(p);
}

static struct proc_context *find(const struct parentctx *p, uint32_t pid)
{
	size_t i = slot_of(p, pid);

	if (!pid)
		return NULL;
	while (p->slots[i].pid) {
		if (p->slots[i].pid == pid)
			return (struct proc_context *)&p->slots[i];
		i = (i + 1) & (p->cap - 1);
	}
	return NULL;
}

const struct proc_context *parentctx_of(const struct parentctx *p,
					const struct tracer_exec_event *e)
{
	const struct proc_context *c;

	if (!p)
		return NULL;
	c = find(p, e->pid);
	return c ? c : find(p, e->ppid);
}

/* Whether slot i's entry may move to the hole at h (its home is not between them). */
static bool may_fill(size_t h, size_t i, size_t home)
{
	return h <= i ? home <= h || home > i : home <= h && home > i;
}

void parentctx_forget(struct parentctx *p, uint32_t pid)
{
	struct proc_context *c = p ? find(p, pid) : NULL;
	size_t h, i;

	if (!c)
		return;
	context_free(p, c);
	p->n--;
	h = (size_t)(c - p->slots);
	for (i = (h + 1) & (p->cap - 1); p->slots[i].pid; i = (i + 1) & (p->cap - 1)) {
		if (!may_fill(h, i, slot_of(p, p->slots[i].pid)))
			continue;
		p->slots[h] = p->slots[i];
		memset(&p->slots[i], 0, sizeof(p->slots[i]));
		h = i;
	}
}

bool kept_path_eq(const struct kept_path *k, const struct tracer_path *p)
{
	if (!k->s || !p->path.ptr)
		return !k->s && !p->path.ptr;
	return k->flags == p->flags && k->len == p->path.len &&
	       memcmp(k->s, p->path.ptr, k->len) == 0;
}

bool kept_fd_eq(const struct kept_fd *k, const struct tracer_fd *fd)
{
	if (k->kind != fd->kind)
		return false;
	switch (fd->kind) {
	case TRACER_FD_PATH:
	case TRACER_FD_ANON:
		return kept_path_eq(&k->path, &fd->path);
	case TRACER_FD_PIPE:
	case TRACER_FD_SOCKET:
		return k->ino == fd->ino;
	default:
		return true;
	}
}

static int path_keep(struct parentctx *p, struct kept_path *k, const struct tracer_path *src)
{
	k->flags = src->flags;
	if (!src->path.ptr)
		return 0;
	k->s = malloc(src->path.len ? src->path.len : 1);
	if (!k->s)
		return -1;
	memcpy(k->s, src->path.ptr, src->path.len);
	k->len = (uint32_t)src->path.len;
	p->bytes += k->len;
	return 0;
}

/* Doubles the table, entries moved to their new homes; out of memory, -1. */
static int grow(struct parentctx *p)
{
	struct proc_context *old = p->slots;
	size_t old_cap = p->cap, i, j;

	p->slots = calloc(2 * old_cap, sizeof(*p->slots));
	if (!p->slots) {
		p->slots = old;
		return -1;
	}
	p->cap = 2 * old_cap;
	for (i = 0; i < old_cap; i++) {
		if (!old[i].pid)
			continue;
		for (j = slot_of(p, old[i].pid); p->slots[j].pid; j = (j + 1) & (p->cap - 1))
			;
		p->slots[j] = old[i];
	}
	free(old);
	return 0;
}

static struct proc_context *slot_for(struct parentctx *p, uint32_t pid)
{
	struct proc_context *c = find(p, pid);
	size_t i;

	if (c) {
		context_free(p, c);
		c->pid = pid;
		return c;
	}
	if (p->n >= PARENTCTX_MAX_PROCS || p->bytes >= PARENTCTX_MAX_BYTES)
		forget_all(p);
	/* Half full at most; a table that cannot grow forgets everything instead. */
	if (2 * (p->n + 1) > p->cap && (p->cap >= SLOTS_MAX || grow(p)))
		forget_all(p);
	for (i = slot_of(p, pid); p->slots[i].pid; i = (i + 1) & (p->cap - 1))
		;
	p->slots[i].pid = pid;
	p->n++;
	return &p->slots[i];
}

void parentctx_keep(struct parentctx *p, const struct tracer_exec_event *e)
{
	struct proc_context *c;
	int i;

	if (!p || !e->pid)
		return;
	c = slot_for(p, e->pid);
	c->uid = e->uid;
	c->euid = e->euid;
	if (path_keep(p, &c->cwd, &e->cwd))
		goto out_forget;
	for (i = 0; i < 3; i++) {
		c->stdio[i].kind = e->stdio[i].kind;
		c->stdio[i].ino = e->stdio[i].ino;
		if (path_keep(p, &c->stdio[i].path, &e->stdio[i].path))
			goto out_forget;
	}
	return;

out_forget:
	parentctx_forget(p, e->pid);
}
