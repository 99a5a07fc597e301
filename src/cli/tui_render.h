/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * An exec event as the --tui list keeps it (tui_list.h): the readable line,
 * the details (each field labelled by its JSON name), the --format sh line
 * and the search text, every byte the traced process chose escaped.
 */
#ifndef TRACER_TUI_RENDER_H
#define TRACER_TUI_RENDER_H

#include <stdint.h>
#include <tracer/tracer.h>

#include "tui_list.h"
#include "writer.h"

/* At most this many bytes of arguments in the details: longer ones are cut (as the tree's). */
#define TUI_DETAILS_ARGV_MAX 4096

struct parentctx;
struct envdiff;

struct tui_render {
	enum time_mode time; /* the list's time column */
	uint64_t start_ns; /* events' ts count from it */
	struct parentctx *parents; /* the readable line's context */
	struct envdiff *env; /* --env: the details' env diff; NULL: none */
};

/* Fills out from the exec ev. 0, or -1 when out of memory. */
/* lookups: the failed PATH lookups folded into ev (fold.h), as the text line says them. */
int tui_render_exec(struct tui_render *r, const struct tracer_event *ev, uint32_t lookups,
		    struct tui_exec *out);

/* A process exited: what is remembered of it goes. */
void tui_render_exit(struct tui_render *r, uint32_t pid);

#endif /* TRACER_TUI_RENDER_H */
