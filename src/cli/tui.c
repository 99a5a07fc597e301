// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The --tui screen (tui.h): curses taken and given back, the layout, the
 * rate-limited frame, Ctrl-Z.
 */
#define _GNU_SOURCE
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"
#include "tui_term.h"

#define FRAME_NS (1000000000ull / TUI_FPS)
#define EVENTS_FRAME_NS (1000000000ull / TUI_EVENTS_FPS)
#define COUNTS_FRAME_NS (1000000000ull / TUI_COUNTS_FPS)

void tui_say(struct tui *ui, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof(ui->message), fmt, ap);
	va_end(ap);
	ui->dirty = true;
}

/* The pane's rows for a terminal of rows lines: the top half, the list and status below. */
int tui_pane_rows(int rows)
{
	int list = (rows - 1) / 2;

	return rows - 1 - list;
}

static void free_windows(struct tui *ui)
{
	if (ui->pane_win)
		delwin(ui->pane_win);
	if (ui->list_win)
		delwin(ui->list_win);
	if (ui->status_win)
		delwin(ui->status_win);
	ui->pane_win = ui->list_win = ui->status_win = NULL;
}

void tui_layout(struct tui *ui)
{
	int rows = LINES, cols = COLS, pane_rows = 0;

	free_windows(ui);
	if (rows < 3)
		rows = 3;
	if (ui->pane) {
		pane_rows = tui_pane_rows(rows);
		ui->pane_win = newwin(pane_rows, cols, 0, 0);
		tui_term_resize(ui->pane, pane_rows, cols);
	}
	ui->list_win = newwin(rows - 1 - pane_rows, cols, pane_rows, 0);
	ui->status_win = newwin(1, cols, rows - 1, 0);
	ui->redraw_all = true;
	ui->dirty = true;
}

int tui_begin(struct tui *ui)
{
	/* Only the character type: numbers keep their '.' (the time column). */
	setlocale(LC_CTYPE, "");
	ui->screen = newterm(NULL, stdout, stdin);
	if (!ui->screen) {
		fprintf(stderr, "tracer: --tui: cannot use the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	ui->active = true;
	ui->tty_out = stdout;
	/* Raw: ^C, ^Z, ^S and ^\ are keys (for the list, or for the command's pane). */
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	/*
	 * No poll of the keyboard in each frame to cut it short: the keys are
	 * read at every tick, and each poll is a system call per frame.
	 */
	typeahead(-1);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_RED, -1);
	}
	curs_set(0);
	tui_layout(ui);
	return 0;
}

void tui_end(struct tui *ui)
{
	if (!ui->active)
		return;
	ui->active = false;
	free_windows(ui);
	endwin();
	delscreen(ui->screen);
	ui->screen = NULL;
	fflush(stdout);
}

void tui_suspend(struct tui *ui)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;

	def_prog_mode();
	endwin();
	fflush(stdout);
	/* Stopped as any job is; on fg the kill returns and the screen comes back. */
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, &old);
	kill(0, SIGTSTP);
	sigaction(SIGTSTP, &old, NULL);
	reset_prog_mode();
	ui->redraw_all = true;
	ui->dirty = true;
}

static void place_cursor(struct tui *ui)
{
	if (ui->pane && ui->pane_focus && ui->view == TUI_VIEW_LIST) {
		curs_set(1);
		return;
	}
	curs_set(0);
}

/*
 * What the view shows changes with an exec in the list's view only when it
 * lands on screen (or the list's first row was dropped); an exit only in the
 * other views (details, the tree, the breakpoints). Otherwise the status
 * line's counts alone are due.
 */
void tui_event_seen(struct tui *ui, bool exec_shown)
{
	bool shows;

	if (ui->view == TUI_VIEW_LIST)
		shows = (exec_shown && (ui->follow || ui->list_shows_end)) ||
			(ui->top != UINT64_MAX && ui->top < tui_list_first(ui->list));
	else
		shows = ui->view != TUI_VIEW_HELP;
	if (shows)
		ui->events_dirty = true;
	else
		ui->counts_dirty = true;
}

static void draw_view(struct tui *ui)
{
	switch (ui->view) {
	case TUI_VIEW_DETAILS:
		tui_draw_details(ui);
		break;
	case TUI_VIEW_HELP:
		tui_draw_help(ui);
		break;
	case TUI_VIEW_BREAKS:
		tui_draw_breaks(ui);
		break;
	case TUI_VIEW_TREE:
		tui_draw_tree(ui);
		break;
	default:
		tui_draw_list(ui);
	}
}

/* Only what changed is drawn again: the view, the status line, the pane. */
void tui_draw(struct tui *ui)
{
	bool view = ui->dirty || ui->events_dirty || ui->redraw_all;

	if (!ui->active)
		return;
	if (ui->redraw_all) {
		clearok(curscr, TRUE);
		ui->redraw_all = false;
		ui->pane_changed = true;
	}
	if (view)
		draw_view(ui);
	tui_draw_status(ui);
	if (view)
		wnoutrefresh(ui->list_win);
	wnoutrefresh(ui->status_win);
	/* The pane last: its cursor is the terminal's when it has the focus. */
	if (ui->pane_win) {
		if (ui->pane_changed || ui->pane_drawn_focus != ui->pane_focus) {
			werase(ui->pane_win);
			tui_term_draw(ui->pane, ui->pane_win, ui->pane_focus);
			ui->pane_changed = false;
			ui->pane_drawn_focus = ui->pane_focus;
		}
		wnoutrefresh(ui->pane_win);
	}
	place_cursor(ui);
	doupdate();
	ui->dirty = ui->events_dirty = ui->counts_dirty = false;
	ui->last_draw_ns = sink_now_ns();
}

int tui_wait_ms(const struct tui *ui)
{
	uint64_t now, due;

	if (!ui->active || (!ui->dirty && !ui->events_dirty && !ui->counts_dirty))
		return -1;
	now = sink_now_ns();
	due = ui->last_draw_ns + (ui->dirty	   ? FRAME_NS :
				  ui->events_dirty ? EVENTS_FRAME_NS :
						     COUNTS_FRAME_NS);
	return now >= due ? 0 : (int)((due - now + 999999) / 1000000);
}

/* The terminal went away (SIGHUP's other half): nothing more can be drawn or read. */
static bool terminal_gone(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

static void read_keys(struct tui *ui)
{
	wint_t ch;
	int r;

	while (!ui->quit && (r = get_wch(&ch)) != ERR) {
		if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
			tui_layout(ui);
			continue;
		}
		tui_key(ui, ch, r == KEY_CODE_YES);
	}
}

void tui_tick(struct tui *ui)
{
	int r;

	if (!ui->active)
		return;
	if (terminal_gone()) {
		ui->quit = true;
		tui_end(ui);
		return;
	}
	nodelay(stdscr, TRUE);
	read_keys(ui);
	if (ui->pane && !ui->pane_gone) {
		r = tui_term_read(ui->pane);
		if (r)
			ui->dirty = ui->pane_changed = true;
		if (r < 0)
			ui->pane_gone = true;
	}
	if (tui_wait_ms(ui) == 0)
		tui_draw(ui);
}
