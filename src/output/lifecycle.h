/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The end-of-run pictures (--tree, --timeline) for the command line: collects
 * every event into the process tree, writes the tree and the timeline at the
 * end. Every function accepts a NULL lifecycle (neither option given).
 * What it keeps per exec is bounded (tree.h: TREE_CMDLINE_MAX bytes of
 * command line, the cwd and exe paths), whatever the size of the arguments.
 */
#ifndef TRACER_LIFECYCLE_H
#define TRACER_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <tracer/tracer.h>

struct lifecycle;

/* What to draw at the end of the run. */
struct lifecycle_config {
	bool tree; /* the process tree, on tree_out */
	/*
	 * Where to write the Chrome trace-event timeline, already opened by the
	 * caller (the command line checks who owns the file and what it is, see
	 * src/cli/outfile.h); NULL: none. The lifecycle owns it from
	 * lifecycle_open() on, even when that fails.
	 */
	FILE *timeline;
	const char *timeline_name; /* for messages */
};

/*
 * Sets up what cfg asks for: *out stays NULL without a tree and a timeline.
 * Returns 0, or a negative errno with a one-line reason in err.
 */
int lifecycle_open(const struct lifecycle_config *cfg, struct lifecycle **out, char *err,
		   size_t errlen);

/* Adds an event. Out of memory, the pictures are marked incomplete; tracing goes on. */
void lifecycle_add(struct lifecycle *lc, const struct tracer_event *ev);

/*
 * Ends the trace at end_ns (CLOCK_MONOTONIC; epoch_ns is when tracer
 * started): writes the tree on tree_out (in colour when color: the caller
 * weighs --color and NO_COLOR) and the timeline into its file. Returns 0, or -1 with a one-line reason in err.
 */
int lifecycle_finish(struct lifecycle *lc, uint64_t end_ns, uint64_t epoch_ns, FILE *tree_out,
		     bool color, char *err, size_t errlen);

void lifecycle_close(struct lifecycle *lc);

#endif /* TRACER_LIFECYCLE_H */
