/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * An exec event as the --tui list keeps it (tui_list.h), and the text made
 * from it when it is drawn: the readable line, the details (each field
 * labelled by its JSON name), the --format sh line and the search text,
 * every byte the traced process chose escaped.
 *
 * At the event only what depends on the execs before it is decided (which
 * context the readable line shows, the --env changes) and the event copied:
 * a storm costs a copy per exec, and the text of an exec is written when it
 * is on screen, the last few lines, details and sh line kept for the next
 * frames. Pure: no curses here.
 */
#ifndef TRACER_TUI_RENDER_H
#define TRACER_TUI_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <tracer/tracer.h>

#include "tui_list.h"
#include "writer.h"

/* At most this many bytes of arguments in the details: longer ones are cut (as the tree's). */
#define TUI_DETAILS_ARGV_MAX 4096
/* Readable lines kept made, by seq: more than a screen's rows. */
#define TUI_RENDER_LINES 512

struct parentctx;
struct envdiff;

/* Text made lately, for the exec of seq (text NULL: none). */
struct tui_made {
	uint64_t seq;
	char *text;
};

struct tui_render {
	enum time_mode time; /* the list's time column */
	uint64_t start_ns; /* events' ts count from it */
	struct parentctx *parents; /* the readable line's context */
	struct envdiff *env; /* --env: the details' env diff; NULL: none */
	struct tui_made lines[TUI_RENDER_LINES]; /* at seq % TUI_RENDER_LINES */
	struct tui_made details, sh;
	uint64_t n_made; /* texts made so far: only what is drawn (a test counts them) */
};

/* Fills out from the exec ev. 0, or -1 when out of memory. */
/* lookups: the failed PATH lookups folded into ev (fold.h), as the text line says them. */
int tui_render_exec(struct tui_render *r, const struct tracer_event *ev, uint32_t lookups,
		    struct tui_exec *out);

/* A process exited: what is remembered of it goes. */
void tui_render_exit(struct tui_render *r, uint32_t pid);

/*
 * e's readable line (no '\n'), its details ("name  value" lines, the exit's
 * part aside: tui_views.c) and its --format sh line (no '\n'). Valid until
 * the next call for another exec; "(out of memory)" when it cannot be made.
 */
const char *tui_render_line(struct tui_render *r, const struct tui_exec *e);
const char *tui_render_details(struct tui_render *r, const struct tui_exec *e);
const char *tui_render_sh(struct tui_render *r, const struct tui_exec *e);

/* Whether / finds needle in e: its command line, filename or cwd, as shown (escaped). */
bool tui_exec_matches(const struct tui_exec *e, const char *needle);

/* The text made is freed (the rest belongs to the caller). */
void tui_render_free(struct tui_render *r);

#endif /* TRACER_TUI_RENDER_H */
