// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Which already-running processes are in scope.
 *
 * The snapshot is indexed by ppid (an array sorted by ppid, searched by
 * bisection), then a breadth-first walk goes down from the roots, the
 * terminal matches and the already watched pids. Each task is selected at
 * most once, so cycles in the ppid links cannot make the walk loop, and the
 * whole is O(n log n).
 *
 * pid 0 is never a root nor an already watched pid: it is the idle task,
 * the "parent" of init and kthreadd, so every process descends from it.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "scope.h"
#include "wire.h"

struct child_ref {
	uint32_t ppid;
	uint32_t idx; /* in the snapshot */
};

static int cmp_child(const void *a, const void *b)
{
	const struct child_ref *x = a, *y = b;

	if (x->ppid != y->ppid)
		return x->ppid < y->ppid ? -1 : 1;
	if (x->idx != y->idx)
		return x->idx < y->idx ? -1 : 1;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* A sorted set of the non-zero values of v[], without duplicates. */
struct u32_set {
	uint32_t *v;
	size_t n;
};

static int set_init(struct u32_set *set, const uint32_t *v, size_t n)
{
	size_t i, k = 0;

	set->v = NULL;
	set->n = 0;
	if (n == 0 || !v)
		return 0;
	set->v = malloc(n * sizeof(*set->v));
	if (!set->v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (v[i])
			set->v[k++] = v[i];
	}
	if (k > 1)
		qsort(set->v, k, sizeof(*set->v), cmp_u32);
	set->n = 0;
	for (i = 0; i < k; i++) {
		if (set->n == 0 || set->v[set->n - 1] != set->v[i])
			set->v[set->n++] = set->v[i];
	}
	return 0;
}

static bool set_has(const struct u32_set *set, uint32_t x)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->v[mid] < x)
			lo = mid + 1;
		else if (set->v[mid] > x)
			hi = mid;
		else
			return true;
	}
	return false;
}

/* Index of the first entry of c[] whose ppid is >= ppid. */
static size_t first_child(const struct child_ref *c, size_t n, uint32_t ppid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c[mid].ppid < ppid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Breadth first from the tail pids queued: every descendant in the snapshot
 * is selected. The queue has room for each task once more.
 */
static void select_descendants(const struct scope_task *tasks, size_t n,
			       const struct child_ref *children, uint32_t *queue, size_t tail,
			       bool *selected)
{
	size_t head = 0, j;
	uint32_t pid, idx;

	while (head < tail) {
		pid = queue[head++];
		for (j = first_child(children, n, pid); j < n && children[j].ppid == pid; j++) {
			idx = children[j].idx;
			if (selected[idx])
				continue;
			selected[idx] = true;
			queue[tail++] = tasks[idx].pid;
		}
	}
}

int scope_select(const struct scope_task *tasks, size_t n, const struct scope_spec *spec,
		 const uint32_t *already, size_t n_already, struct scope_member *out)
{
	struct u32_set roots = { 0 }, ttys = { 0 }, done = { 0 };
	struct child_ref *children = NULL;
	uint32_t *queue = NULL;
	bool *selected = NULL;
	size_t i, tail = 0, count = 0;
	uint32_t flags;
	int ret = -ENOMEM;

	if (n == 0)
		return 0;
	/* The count is returned as an int, indexes are kept in 32 bits. */
	if (n > INT_MAX || n > UINT32_MAX)
		return -ENOMEM;

	if (set_init(&roots, spec->pids, spec->n_pids) ||
	    set_init(&ttys, spec->ttys, spec->n_ttys) || set_init(&done, already, n_already))
		goto out;
	selected = calloc(n, sizeof(*selected));
	if (!selected)
		goto out;

	if (spec->watch_children) {
		/* Every task is queued at most once, plus the roots and the already watched. */
		queue = malloc((n + roots.n + done.n) * sizeof(*queue));
		children = malloc(n * sizeof(*children));
		if (!queue || !children)
			goto out;
		for (i = 0; i < n; i++) {
			children[i].ppid = tasks[i].ppid;
			children[i].idx = (uint32_t)i;
		}
		qsort(children, n, sizeof(*children), cmp_child);

		/* Their children are in even when they are not in the snapshot any more. */
		for (i = 0; i < roots.n; i++)
			queue[tail++] = roots.v[i];
		for (i = 0; i < done.n; i++)
			queue[tail++] = done.v[i];
	}

	for (i = 0; i < n; i++) {
		const struct scope_task *t = &tasks[i];

		if (set_has(&roots, t->pid) || (t->tty_dev && set_has(&ttys, t->tty_dev))) {
			selected[i] = true;
			if (queue)
				queue[tail++] = t->pid;
		}
	}

	if (queue)
		select_descendants(tasks, n, children, queue, tail, selected);

	flags = TRACER_WATCH_SELF | (spec->watch_children ? TRACER_WATCH_CHILDREN : 0);
	for (i = 0; i < n; i++) {
		if (!selected[i] || set_has(&done, tasks[i].pid))
			continue;
		out[count].pid = tasks[i].pid;
		out[count].start_time = tasks[i].start_time;
		out[count].tty_dev = tasks[i].tty_dev;
		out[count].flags = flags;
		count++;
	}
	ret = (int)count;
out:
	free(children);
	free(queue);
	free(selected);
	free(roots.v);
	free(ttys.v);
	free(done.v);
	return ret;
}
