/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Why a run was slow, from its finished process tree (tree.h): the critical
 * path (the chain of processes that bounded the wall time) and how parallel
 * the run was. Pure: no kernel, no clock. The summary (--summary) writes
 * these sections after its per-program table; the timeline marks the path.
 *
 * The critical path, from a root: start at the root's end; take the child
 * that ended last; before that child started, the child that ended last
 * before it (what the parent waited for), and so on back to the root's start;
 * recurse into each child taken. The steps, in time order, are the parts of
 * each process's life that lie on the path (doc/critical-path.md says what it
 * cannot see: work inside one process, waits on what is not a process).
 */
#ifndef TRACER_CRITPATH_H
#define TRACER_CRITPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "tree.h"

/* One step: a process (index into the tree) and the part of its life on the path. */
struct critpath_step {
	size_t proc;
	uint64_t start_ns, end_ns;
};

struct critpath {
	struct critpath_step *steps; /* in time order, first step first */
	size_t n;
	uint64_t start_ns, end_ns; /* of the whole path */
};

/*
 * The critical path of the finished tree t (from the root that bounded the
 * run: the one that ended last). Returns 0 (cp->n is 0 for an empty tree) or
 * -ENOMEM. Free with critpath_free().
 */
int critpath_compute(const struct tree *t, struct critpath *cp);
void critpath_free(struct critpath *cp);

/*
 * The summary's sections on slowness, as text: the critical path (a header
 * line containing "critical path", one line per step with its command line
 * and duration "1.50 s", the total, a blank line), then how parallel the run
 * was (CPU / wall, serial time, the ten longest processes by wall and by
 * CPU). In colour when color. Returns 0, or -1 when a write failed.
 */
int critpath_write_text(FILE *out, const struct tree *t, bool color);

/*
 * The same as members of the summary's JSON object, each preceded by a
 * comma: ,"critical_path":{...},"parallelism":{...}. Returns 0 or -1.
 */
int critpath_write_json(FILE *out, const struct tree *t);

#endif /* TRACER_CRITPATH_H */
