// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Events copied into one allocation (evcopy.h). One walk over the pointers
 * serves twice: first to measure, then to copy, so that the two can never
 * disagree on what is copied.
 */
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evcopy.h"

/* Where the copied bytes go: nothing is written while measuring (base NULL). */
struct arena {
	char *base;
	size_t used;
};

/* n bytes of src at the next multiple of align: the new place (NULL while measuring). */
static void *put(struct arena *a, const void *src, size_t n, size_t align)
{
	void *dst;

	a->used = (a->used + align - 1) & ~(align - 1);
	dst = a->base ? a->base + a->used : NULL;
	if (dst && n)
		memcpy(dst, src, n);
	a->used += n;
	return dst;
}

static void put_bytes(struct arena *a, struct tracer_bytes *b)
{
	if (b->ptr)
		b->ptr = put(a, b->ptr, b->len, 1);
}

static void put_string(struct arena *a, const char **s)
{
	if (*s)
		*s = put(a, *s, strlen(*s) + 1, 1);
}

/* An array of n byte strings and the strings themselves. */
static void put_list(struct arena *a, struct tracer_bytes **list, uint32_t n)
{
	struct tracer_bytes *src = *list, *dst;
	uint32_t i;

	if (!src)
		return;
	dst = put(a, src, (size_t)n * sizeof(*src), alignof(struct tracer_bytes));
	for (i = 0; i < n; i++) {
		struct tracer_bytes b = src[i];

		put_bytes(a, &b);
		if (dst)
			dst[i] = b;
	}
	*list = dst;
}

static void put_exec(struct arena *a, struct tracer_event *ev)
{
	struct tracer_exec_event *e = &ev->exec;
	int i;

	put_bytes(a, &e->comm);
	put_bytes(a, &e->filename);
	put_string(a, &e->tty);
	put_list(a, &e->argv, e->argc);
	if (!TRACER_EVENT_HAS(ev, exec.total_env_bytes))
		return;
	put_bytes(a, &e->cwd.path);
	put_bytes(a, &e->exe.path);
	put_bytes(a, &e->interpreter.path);
	for (i = 0; i < 3; i++)
		put_bytes(a, &e->stdio[i].path.path);
	put_list(a, &e->env, e->envc);
	if (TRACER_EVENT_HAS(ev, exec.cgroup))
		put_bytes(a, &e->cgroup);
}

/* Every pointer of ev (a copy of the caller's) moved into a. */
static void put_pointed(struct arena *a, struct tracer_event *ev)
{
	switch (ev->type) {
	case TRACER_EVENT_EXEC:
		put_exec(a, ev);
		break;
	case TRACER_EVENT_EXIT:
		put_bytes(a, &ev->exit.comm);
		break;
	case TRACER_EVENT_FORK:
		put_bytes(a, &ev->fork.comm);
		break;
	case TRACER_EVENT_SIGNAL:
		put_bytes(a, &ev->signal.sender_comm);
		put_bytes(a, &ev->signal.target_comm);
		break;
	case TRACER_EVENT_STOP:
		put_string(a, &ev->stop.pattern);
		put_bytes(a, &ev->stop.comm);
		put_bytes(a, &ev->stop.exe.path);
		put_bytes(a, &ev->stop.filename);
		put_list(a, &ev->stop.argv, ev->stop.argc);
		break;
	case TRACER_EVENT_LOST:
		break;
	}
}

/* The fields ev carries, the rest zero (an event of an older library stays one). */
static void head_of(const struct tracer_event *ev, struct tracer_event *head)
{
	size_t n = ev->sz < sizeof(*head) ? ev->sz : sizeof(*head);

	memset(head, 0, sizeof(*head));
	memcpy(head, ev, n);
}

struct tracer_event *evcopy_new(const struct tracer_event *ev)
{
	struct arena a = { .used = sizeof(struct tracer_event) };
	struct tracer_event head, *copy;

	head_of(ev, &head);
	put_pointed(&a, &head);
	copy = malloc(a.used);
	if (!copy)
		return NULL;
	head_of(ev, copy);
	a = (struct arena){ .base = (char *)copy, .used = sizeof(*copy) };
	put_pointed(&a, copy);
	return copy;
}
