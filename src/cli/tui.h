/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The --tui screen (curses): the command's pane on top (tui_term.h), the
 * exec list below it (tui_list.h) with a status line, and the views one key
 * away (details, help, breakpoints). The sink (sink_tui.c) feeds it events;
 * the bus waits for its keyboard and its pane beside the events, then its
 * tick reads the keys and draws, at most TUI_FPS frames a second: drawing
 * never holds up the reading of events.
 *
 * The terminal is always given back (tui_end()): on q, on a signal that ends
 * tracer, on SIGHUP (the terminal went away), on an error; Ctrl-Z gives it
 * back while tracer is stopped.
 */
#ifndef TRACER_TUI_H
#define TRACER_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <curses.h>
#include <tracer/tracer.h>

#include "sink.h"
#include "tui_filter.h"
#include "tui_list.h"
#include "tui_render.h"

#define TUI_FPS 30
/*
 * Frames a second when only events changed the view (a storm scrolling by):
 * keys and the command's pane keep TUI_FPS. Each frame costs more than
 * hundreds of execs (curses compares and copies the whole window).
 */
#define TUI_EVENTS_FPS 15
/* Frames a second when nothing but the status line's counts changed (a list held still). */
#define TUI_COUNTS_FPS 4

struct tui_term;
struct tui_breaks;

enum tui_view {
	TUI_VIEW_LIST,
	TUI_VIEW_DETAILS,
	TUI_VIEW_HELP,
	TUI_VIEW_BREAKS,
	TUI_VIEW_TREE,
};

/* The tree view: at most this many processes folded. */
#define TUI_MAX_FOLDED 256

/* What the bottom line is typing into, if anything. */
enum tui_prompt {
	TUI_PROMPT_NONE,
	TUI_PROMPT_SEARCH, /* / */
	TUI_PROMPT_WRITE, /* w: the file for the sh line */
	TUI_PROMPT_BREAK, /* a in the breakpoints: a pattern */
	TUI_PROMPT_FILTER, /* F: the list's filter */
};

struct tui {
	struct sink_ctx *ctx;
	struct tui_list *list;
	struct tui_render render;
	struct fold *fold; /* PATH lookups folded as in text (NULL: --show-lookups) */
	struct tui_term *pane; /* the COMMAND's terminal, or NULL */
	struct tui_breaks *breaks;
	FILE *tty_out; /* stdout, where OSC 52 goes */
	SCREEN *screen;
	bool active; /* curses owns the terminal */
	WINDOW *pane_win, *list_win, *status_win;
	enum tui_view view;
	bool pane_focus;
	bool follow; /* the list keeps to its last exec */
	uint64_t cursor; /* the selected exec's seq */
	uint64_t top; /* the seq on the list's first row */
	struct tui_filter filter; /* what the list and the tree show (F, f) */
	char search[512];
	enum tui_prompt prompt;
	char input[512];
	size_t input_len;
	char message[256]; /* the status line's last word (an error, a result) */
	int details_scroll;
	size_t break_sel; /* in the breakpoints view: patterns, then stopped processes */
	bool dirty; /* a key or the pane changed the screen: a frame within 1/TUI_FPS s */
	bool events_dirty; /* events changed the view: a frame within 1/TUI_EVENTS_FPS s */
	bool counts_dirty; /* only the status line's counts changed: a frame at a slower pace */
	bool redraw_all;
	bool list_shows_end; /* the list's last frame reached its end: a new exec would show */
	bool pane_changed; /* the command's screen changed since the pane was drawn */
	bool pane_drawn_focus; /* the focus when the pane was drawn (its cursor) */
	uint64_t last_draw_ns;
	bool quit;
	bool pane_gone;
	pid_t command_pid; /* the COMMAND (tracer's child, not reaped before the end), or 0 */
	uint64_t failed; /* execs that failed, dropped ones included */
	bool ended; /* tracing is over: the screen stays until q */
	/* The tree view (tui_tree.c): its rows at the last frame, the selected one */
	size_t tree_rows, tree_sel;
	uint32_t tree_sel_pid;
	uint64_t tree_sel_seq; /* the selected process's last exec */
	uint32_t folded[TUI_MAX_FOLDED];
	size_t n_folded;
};

/* curses on the terminal (stdin, stdout), the layout made. 0, or -1 (said). */
int tui_begin(struct tui *ui);
/* The terminal given back as it was (a second call does nothing). */
void tui_end(struct tui *ui);
/* Reads what is waiting (keys, the pane) without blocking; draws if due. */
void tui_tick(struct tui *ui);
/* Milliseconds until a frame is due (-1: none is waiting). */
int tui_wait_ms(const struct tui *ui);
/* Draws now. */
void tui_draw(struct tui *ui);
/* The pane's rows for a terminal of rows lines. */
int tui_pane_rows(int rows);
/* The windows are made again for the terminal's size. */
void tui_layout(struct tui *ui);
/* One key from get_wch() (tui_keys.c). */
void tui_key(struct tui *ui, wint_t ch, bool is_keycode);
/* Help's lines: "KEY  what it does" (tui_keys.c), NULL-terminated. */
extern const char *const tui_help_lines[];
/* Ctrl-Z: the terminal given back while stopped, the screen redrawn on fg. */
void tui_suspend(struct tui *ui);
/* An event came (exec_shown: an exec added to the list): a frame, or only the counts. */
void tui_event_seen(struct tui *ui, bool exec_shown);
/* Sets the status line's message. */
void tui_say(struct tui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The views (tui_views.c). */
void tui_draw_list(struct tui *ui);
void tui_draw_details(struct tui *ui);
void tui_draw_help(struct tui *ui);
void tui_draw_breaks(struct tui *ui);
void tui_draw_status(struct tui *ui);
void tui_draw_tree(struct tui *ui);
/* Folds (want 1), unfolds (0) or toggles (2) the subtree of pid in the tree view. */
void tui_tree_toggle(struct tui *ui, uint32_t pid, int want);
/* s, up to its end or a '\n', in at most width columns from (y, x): never wrapped. */
void tui_put_clipped(WINDOW *w, int y, int x, const char *s, int width);

#endif /* TRACER_TUI_H */
