/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Which already-running processes are in scope, from a snapshot of the live tasks. */
#ifndef TRACER_SCOPE_H
#define TRACER_SCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct scope_task {
	uint32_t pid;
	uint32_t ppid;
	uint32_t tty_dev; /* 0: none */
	uint64_t start_time;
	uint32_t flags; /* TRACER_TASK_*: what the seeding's iterator did (bpf/seed.bpf.h) */
};

struct scope_spec {
	const uint32_t *pids; /* roots */
	size_t n_pids;
	const uint32_t *ttys; /* device numbers */
	size_t n_ttys;
	bool watch_children;
};

struct scope_member {
	uint32_t pid;
	uint64_t start_time;
	uint32_t tty_dev;
	uint32_t flags; /* TRACER_WATCH_SELF, | TRACER_WATCH_CHILDREN unless !watch_children */
};

/*
 * Picks the tasks of the snapshot that are in scope: the roots, the tasks
 * whose tty is one of the ttys, and (when watch_children) every descendant of
 * those, at any depth, by ppid. Cycles and unknown parents are tolerated.
 * Also members: tasks whose ppid is in already (pids already watched, for
 * the repeated passes that close the start-up race), when watch_children.
 * out must hold n entries. Returns the number of members written, or
 * -ENOMEM.
 */
int scope_select(const struct scope_task *tasks, size_t n, const struct scope_spec *spec,
		 const uint32_t *already, size_t n_already, struct scope_member *out);

#endif /* TRACER_SCOPE_H */
