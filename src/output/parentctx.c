// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Each process's last exec context, in an open-addressing table keyed by pid
 * (linear probing, deletion by shifting back: no tombstones).
 */
#include <stdlib.h>
#include <string.h>

#include "parentctx.h"

/* Twice the processes: probes stay short. */
#define SLOTS (2 * PARENTCTX_MAX_PROCS)

struct parentctx {
	struct proc_context slots[SLOTS];
	size_t n;
	size_t bytes; /* of the paths kept */
};

static size_t slot_of(uint32_t pid)
{
	return (size_t)((pid * 2654435761u) % SLOTS);
}

struct parentctx *parentctx_new(void)
{
	return calloc(1, sizeof(struct parentctx));
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

static void forget_all(struct parentctx *p)
{
	size_t i;

	for (i = 0; i < SLOTS; i++)
		if (p->slots[i].pid)
			context_free(p, &p->slots[i]);
	p->n = 0;
}

void parentctx_free(struct parentctx *p)
{
	if (!p)
		return;
	forget_all(p);
	free(p);
}

static struct proc_context *find(const struct parentctx *p, uint32_t pid)
{
	size_t i = slot_of(pid);

	if (!pid)
		return NULL;
	while (p->slots[i].pid) {
		if (p->slots[i].pid == pid)
			return (struct proc_context *)&p->slots[i];
		i = (i + 1) % SLOTS;
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
	for (i = (h + 1) % SLOTS; p->slots[i].pid; i = (i + 1) % SLOTS) {
		if (!may_fill(h, i, slot_of(p->slots[i].pid)))
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
	for (i = slot_of(pid); p->slots[i].pid; i = (i + 1) % SLOTS)
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
