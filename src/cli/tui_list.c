// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The execs of the --tui list (tui_list.h): a ring that grows up to its
 * bound, and a direct-mapped index from pid to the seq of its last exec, so
 * that an exit finds its exec without a search (two live pids that share a
 * slot: the older loses its exit status, never gets another's).
 */
#include <stdlib.h>
#include <string.h>

#include "tui_filter.h"
#include "tui_list.h"
#include "tui_render.h"

#define PID_SLOTS (1u << 18)

struct tui_list {
	struct tui_exec *ring;
	size_t cap, head, n; /* ring[head] is the oldest of n */
	size_t max_execs, max_bytes, bytes;
	uint64_t next_seq, dropped;
	uint64_t *last_of_pid; /* seq + 1 of the pid slot's last exec; 0: none */
};

struct tui_list *tui_list_new(size_t max_execs, size_t max_bytes)
{
	struct tui_list *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->max_execs = max_execs ? max_execs : 1;
	l->max_bytes = max_bytes;
	l->last_of_pid = calloc(PID_SLOTS, sizeof(*l->last_of_pid));
	if (!l->last_of_pid) {
		free(l);
		return NULL;
	}
	return l;
}

static void exec_free(struct tui_exec *e)
{
	free(e->ev);
	free(e->env_diff);
	free(e->cmdline);
}

void tui_list_free(struct tui_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		exec_free(&l->ring[(l->head + i) % l->cap]);
	free(l->ring);
	free(l->last_of_pid);
	free(l);
}

static void drop_oldest(struct tui_list *l)
{
	struct tui_exec *e = &l->ring[l->head];

	l->bytes -= e->bytes;
	exec_free(e);
	l->head = (l->head + 1) % l->cap;
	l->n--;
	l->dropped++;
}

/* Room for one more: the ring doubles (in order) until max_execs. */
static int make_room(struct tui_list *l)
{
	struct tui_exec *ring;
	size_t cap, i;

	if (l->n < l->cap)
		return 0;
	if (l->cap >= l->max_execs) {
		drop_oldest(l);
		return 0;
	}
	cap = l->cap ? l->cap * 2 : 1024;
	if (cap > l->max_execs)
		cap = l->max_execs;
	ring = malloc(cap * sizeof(*ring));
	if (!ring)
		return -1;
	for (i = 0; i < l->n; i++)
		ring[i] = l->ring[(l->head + i) % l->cap];
	free(l->ring);
	l->ring = ring;
	l->cap = cap;
	l->head = 0;
	return 0;
}

int tui_list_add(struct tui_list *l, struct tui_exec *e)
{
	if (make_room(l)) {
		exec_free(e);
		return -1;
	}
	e->seq = l->next_seq++;
	l->ring[(l->head + l->n) % l->cap] = *e;
	l->n++;
	l->bytes += e->bytes;
	l->last_of_pid[e->pid % PID_SLOTS] = e->seq + 1;
	while (l->max_bytes && l->bytes > l->max_bytes && l->n > 1)
		drop_oldest(l);
	return 0;
}

uint64_t tui_list_first(const struct tui_list *l)
{
	return l->next_seq - l->n;
}

uint64_t tui_list_end(const struct tui_list *l)
{
	return l->next_seq;
}

uint64_t tui_list_dropped(const struct tui_list *l)
{
	return l->dropped;
}

const struct tui_exec *tui_list_get(const struct tui_list *l, uint64_t seq)
{
	uint64_t first = tui_list_first(l);

	if (seq < first || seq >= l->next_seq)
		return NULL;
	return &l->ring[(l->head + (seq - first)) % l->cap];
}

void tui_list_exit(struct tui_list *l, uint32_t pid, int32_t status, uint64_t ts_ns)
{
	uint64_t slot = l->last_of_pid[pid % PID_SLOTS];
	struct tui_exec *e;

	if (!slot)
		return;
	e = (struct tui_exec *)tui_list_get(l, slot - 1);
	if (!e || e->pid != pid || e->exited)
		return;
	e->exited = true;
	e->exit_status = status;
	e->end_ns = ts_ns;
}

bool tui_list_shown(const struct tui_exec *e, const struct tui_filter *f)
{
	/* The ring's own memory: the kept answer is a cache, not the exec's value. */
	struct tui_exec *kept = (struct tui_exec *)e;

	if (!f)
		return true;
	if (!f->gen)
		return tui_filter_pass(f, e);
	if (kept->shown_gen != f->gen) {
		kept->shown = tui_filter_pass(f, e);
		kept->shown_gen = f->gen;
	}
	return kept->shown;
}

uint64_t tui_list_step(const struct tui_list *l, uint64_t seq, int dir, const struct tui_filter *f,
		       const char *needle)
{
	uint64_t first = tui_list_first(l), s = seq;
	const struct tui_exec *e;

	for (;;) {
		if (dir > 0)
			s = s < first ? first : s + 1;
		else if (s <= first)
			return UINT64_MAX;
		else
			s = s > l->next_seq ? l->next_seq - 1 : s - 1;
		e = tui_list_get(l, s);
		if (!e)
			return UINT64_MAX;
		if (tui_list_shown(e, f) && (!needle || tui_exec_matches(e, needle)))
			return s;
	}
}
