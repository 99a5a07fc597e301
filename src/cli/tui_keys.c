// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The --tui keys: one table for what they do and for the help (tui.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"
#include "tui.h"
#include "tui_breaks.h"
#include "tui_term.h"

#define CTRL(c) ((c)&0x1f)
#define KEY_ESC 27

const char *const tui_help_lines[] = {
	"q  quit (the command ends as closing its terminal would)",
	"Ctrl-C  quit, when the list has the focus",
	"Ctrl-S  focus: the command's pane or the list",
	"Up/Down  move in the list (k/j too)",
	"PgUp/PgDn  a page up or down",
	"Home/End  the first or the last exec (End follows new ones again)",
	"Enter  details of the selected exec",
	"Escape  back to the list",
	"/  search the command line, filename and cwd",
	"n/N  next or previous match",
	"f  failed execs only (toggle): --failed in the filter",
	"F  filter: --uid UID --comm NAME --match GLOB --failed (empty: none)",
	"t  tree of the processes (toggle); Space, Left, Right fold and unfold",
	"y  details: copy the sh line to the terminal's clipboard (OSC 52)",
	"w  details: write the sh line to a file",
	"b  breakpoints: a add, d delete; stopped: c continue, k kill, g gdb",
	"Ctrl-L  redraw",
	"Ctrl-Z  suspend (fg comes back)",
	"?  this help",
	NULL,
};

/* Following, the selection is the last exec shown, also when the list was not drawn since. */
static void sync_cursor(struct tui *ui)
{
	if (ui->follow)
		ui->cursor = tui_list_step(ui->list, tui_list_end(ui->list), -1, &ui->filter, NULL);
}

static void move_cursor(struct tui *ui, int dir, int times)
{
	uint64_t s = ui->cursor;
	int i;

	for (i = 0; i < times; i++) {
		uint64_t next = tui_list_step(ui->list, s, dir, &ui->filter, NULL);

		if (next == UINT64_MAX)
			break;
		s = next;
	}
	ui->cursor = s;
	/* Moving holds the list still; reaching the end by moving does not follow again: End does. */
	ui->follow = false;
}

static int list_rows(const struct tui *ui)
{
	int rows, cols;

	getmaxyx(ui->list_win, rows, cols);
	(void)cols;
	return rows > 1 ? rows - 1 : 1;
}

/* The next match of the search, from the cursor in dir, wrapping once. */
static void find(struct tui *ui, int dir)
{
	uint64_t s;

	if (!ui->search[0])
		return;
	s = tui_list_step(ui->list, ui->cursor, dir, &ui->filter, ui->search);
	if (s == UINT64_MAX)
		s = tui_list_step(ui->list,
				  dir > 0 ? tui_list_first(ui->list) - 1 : tui_list_end(ui->list),
				  dir, &ui->filter, ui->search);
	if (s == UINT64_MAX && dir > 0 && tui_list_first(ui->list) == 0) {
		const struct tui_exec *e = tui_list_get(ui->list, 0);

		if (e && tui_list_shown(e, &ui->filter) && tui_exec_matches(e, ui->search))
			s = 0;
	}
	if (s == UINT64_MAX) {
		tui_say(ui, "not found: %s", ui->search);
		return;
	}
	ui->cursor = s;
	ui->follow = false;
	ui->message[0] = '\0';
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* OSC 52: the terminal (or tmux) puts s in its clipboard. */
static void copy_osc52(struct tui *ui, const char *s)
{
	size_t n = strlen(s), i;
	FILE *f = ui->tty_out;

	fputs("\033]52;c;", f);
	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)s[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)(unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		fputc(b64[v >> 18 & 63], f);
		fputc(b64[v >> 12 & 63], f);
		fputc(i + 1 < n ? b64[v >> 6 & 63] : '=', f);
		fputc(i + 2 < n ? b64[v & 63] : '=', f);
	}
	fputs("\a", f);
	fflush(f);
	tui_say(ui, "sh line copied (OSC 52)");
}

static void write_sh(struct tui *ui, const char *path)
{
	const struct tui_exec *e = tui_list_get(ui->list, ui->cursor);
	char err[512];
	int fd;

	if (!e)
		return;
	fd = outfile_open(path, &ui->ctx->owner, 0, err, sizeof(err));
	if (fd < 0) {
		tui_say(ui, "%s", err);
		return;
	}
	if (dprintf(fd, "%s\n", tui_render_sh(&ui->render, e)) < 0)
		tui_say(ui, "%s: %s", path, strerror(errno));
	else
		tui_say(ui, "sh line written to %s", path);
	close(fd);
}

/* F's text: the filter in use becomes it, or stays when it is not one (said). */
static void set_filter(struct tui *ui, const char *text)
{
	char err[256], now[256];

	if (tui_filter_parse(text, &ui->filter, err, sizeof(err))) {
		tui_filter_describe(&ui->filter, now, sizeof(now));
		tui_say(ui, "bad filter: %s (kept: %s)", err, now[0] ? now : "none");
		return;
	}
	tui_say(ui, "%s", tui_filter_none(&ui->filter) ? "filter cleared" : "filter set");
}

static void prompt_done(struct tui *ui)
{
	enum tui_prompt p = ui->prompt;
	char err[256];

	ui->input[ui->input_len] = '\0';
	ui->prompt = TUI_PROMPT_NONE;
	if (p == TUI_PROMPT_SEARCH) {
		snprintf(ui->search, sizeof(ui->search), "%s", ui->input);
		find(ui, +1);
	} else if (p == TUI_PROMPT_WRITE && ui->input_len) {
		write_sh(ui, ui->input);
	} else if (p == TUI_PROMPT_FILTER) {
		set_filter(ui, ui->input);
	} else if (p == TUI_PROMPT_BREAK && ui->input_len) {
		if (tui_breaks_add(ui->breaks, ui->input, err, sizeof(err)))
			tui_say(ui, "%s", err);
		else
			tui_say(ui, "breakpoint added: %s", ui->input);
	}
}

static void prompt_key(struct tui *ui, wint_t ch, bool is_keycode)
{
	char mb[MB_LEN_MAX];
	int n;

	if (!is_keycode && (ch == '\r' || ch == '\n')) {
		prompt_done(ui);
	} else if (!is_keycode && ch == KEY_ESC) {
		ui->prompt = TUI_PROMPT_NONE;
	} else if ((is_keycode && ch == KEY_BACKSPACE) || (!is_keycode && (ch == 127 || ch == 8))) {
		while (ui->input_len && (ui->input[--ui->input_len] & 0xc0) == 0x80)
			;
	} else if (!is_keycode && ch >= 0x20 && ch != 127) {
		n = wctomb(mb, (wchar_t)ch);
		if (n > 0 && ui->input_len + n < sizeof(ui->input) - 1) {
			memcpy(ui->input + ui->input_len, mb, n);
			ui->input_len += n;
		}
	}
	ui->dirty = true;
}

static void start_prompt(struct tui *ui, enum tui_prompt p)
{
	ui->prompt = p;
	ui->input_len = 0;
	ui->message[0] = '\0';
}

/* The breakpoints view's keys; false when k is not one of them. */
static bool breaks_key(struct tui *ui, wint_t k)
{
	size_t n = tui_breaks_count(ui->breaks);
	size_t all = n + tui_breaks_n_stopped(ui->breaks);
	char err[256] = "";
	int ret = 0;

	switch (k) {
	case 'a':
		start_prompt(ui, TUI_PROMPT_BREAK);
		return true;
	case 'd':
		if (ui->break_sel < n)
			ret = tui_breaks_remove(ui->breaks, ui->break_sel, err, sizeof(err));
		break;
	case 'c':
	case 'k':
	case 'g':
		if (ui->break_sel < n || ui->break_sel >= all) {
			tui_say(ui, "select a stopped process first");
			return true;
		}
		if (k == 'c')
			ret = tui_breaks_continue(ui->breaks, ui->break_sel - n, err, sizeof(err));
		else if (k == 'k')
			ret = tui_breaks_kill(ui->breaks, ui->break_sel - n, err, sizeof(err));
		else
			ret = tui_breaks_debug(ui->breaks, ui->break_sel - n, ui->pane, err,
					       sizeof(err));
		break;
	default:
		return false;
	}
	if (ret)
		tui_say(ui, "%s", err);
	return true;
}

/* Up, down, a page, the ends: in the list, the details or the breakpoints. */
static bool motion_key(struct tui *ui, wint_t k, bool kc)
{
	int page = list_rows(ui), dir = 0, times = 1;

	if ((kc && k == KEY_UP) || (!kc && k == 'k' && ui->view != TUI_VIEW_BREAKS))
		dir = -1;
	else if ((kc && k == KEY_DOWN) || (!kc && k == 'j'))
		dir = 1;
	else if (kc && (k == KEY_PPAGE || k == KEY_NPAGE))
		dir = k == KEY_PPAGE ? -1 : 1, times = page;
	else if (kc && (k == KEY_HOME || k == KEY_END))
		dir = k == KEY_HOME ? -1 : 1, times = 1 << 30;
	else
		return false;
	if (ui->view == TUI_VIEW_TREE) {
		tui_draw_tree(ui); /* its rows now */
		if (dir < 0)
			ui->tree_sel = ui->tree_sel > (size_t)times ? ui->tree_sel - times : 0;
		else
			ui->tree_sel = ui->tree_sel + times < ui->tree_rows ?
					       ui->tree_sel + times :
					       (ui->tree_rows ? ui->tree_rows - 1 : 0);
	} else if (ui->view == TUI_VIEW_DETAILS) {
		ui->details_scroll += dir * (times > page ? page * 1000 : times);
		if (ui->details_scroll < 0)
			ui->details_scroll = 0;
	} else if (ui->view == TUI_VIEW_BREAKS) {
		size_t all = tui_breaks_count(ui->breaks) + tui_breaks_n_stopped(ui->breaks);

		if (dir < 0)
			ui->break_sel = ui->break_sel > (size_t)times ? ui->break_sel - times : 0;
		else if (all)
			ui->break_sel = ui->break_sel + times < all ? ui->break_sel + times :
								      all - 1;
	} else if (kc && k == KEY_END) {
		ui->follow = true;
	} else if (kc && k == KEY_HOME) {
		ui->cursor = tui_list_step(ui->list, tui_list_first(ui->list) - 1, +1, &ui->filter,
					   NULL);
		if (tui_list_first(ui->list) == 0 && tui_list_get(ui->list, 0) &&
		    tui_list_shown(tui_list_get(ui->list, 0), &ui->filter))
			ui->cursor = 0;
		ui->follow = false;
	} else {
		move_cursor(ui, dir, times);
	}
	return true;
}

/* The tree view's keys: fold, unfold, details; false when k is not one of them. */
static bool tree_key(struct tui *ui, wint_t k, bool kc)
{
	/* The rows as they are now (moves since the last frame): which process is selected. */
	tui_draw_tree(ui);
	if (kc && (k == KEY_LEFT || k == KEY_RIGHT))
		tui_tree_toggle(ui, ui->tree_sel_pid, k == KEY_LEFT);
	else if (!kc && k == ' ')
		tui_tree_toggle(ui, ui->tree_sel_pid, 2);
	else if ((kc && k == KEY_ENTER) || (!kc && (k == '\r' || k == '\n'))) {
		if (!tui_list_get(ui->list, ui->tree_sel_seq))
			return true;
		ui->cursor = ui->tree_sel_seq;
		ui->follow = false;
		ui->view = TUI_VIEW_DETAILS;
		ui->details_scroll = 0;
	} else {
		return false;
	}
	return true;
}

static void list_key(struct tui *ui, wint_t k, bool kc)
{
	if (ui->view == TUI_VIEW_LIST)
		sync_cursor(ui);
	if (motion_key(ui, k, kc))
		return;
	if (ui->view == TUI_VIEW_TREE && tree_key(ui, k, kc))
		return;
	if (kc && k == KEY_ENTER)
		k = '\r', kc = false;
	if (kc)
		return;
	if (ui->view == TUI_VIEW_BREAKS && breaks_key(ui, k))
		return;
	sync_cursor(ui);
	switch (k) {
	case '\r':
	case '\n':
		if (ui->view == TUI_VIEW_LIST && tui_list_get(ui->list, ui->cursor)) {
			ui->view = TUI_VIEW_DETAILS;
			ui->details_scroll = 0;
			ui->follow = false;
		}
		break;
	case '/':
		start_prompt(ui, TUI_PROMPT_SEARCH);
		break;
	case 'n':
	case 'N':
		ui->view = TUI_VIEW_LIST;
		find(ui, k == 'n' ? +1 : -1);
		break;
	case 'f':
		tui_filter_toggle_failed(&ui->filter);
		break;
	case 'F':
		start_prompt(ui, TUI_PROMPT_FILTER);
		break;
	case 'b':
		ui->view = ui->view == TUI_VIEW_BREAKS ? TUI_VIEW_LIST : TUI_VIEW_BREAKS;
		break;
	case 't':
		ui->view = ui->view == TUI_VIEW_TREE ? TUI_VIEW_LIST : TUI_VIEW_TREE;
		break;
	case 'y':
	case 'w':
		if (ui->view != TUI_VIEW_DETAILS || !tui_list_get(ui->list, ui->cursor))
			tui_say(ui, "y and w act on an exec's details (Enter)");
		else if (k == 'y')
			copy_osc52(ui,
				   tui_render_sh(&ui->render, tui_list_get(ui->list, ui->cursor)));
		else
			start_prompt(ui, TUI_PROMPT_WRITE);
		break;
	}
}

void tui_key(struct tui *ui, wint_t k, bool kc)
{
	ui->dirty = true;
	if (ui->prompt != TUI_PROMPT_NONE) {
		prompt_key(ui, k, kc);
		return;
	}
	if (!kc && k == CTRL('s') && ui->pane) {
		ui->pane_focus = !ui->pane_focus;
		return;
	}
	if (ui->pane_focus) {
		tui_term_key(ui->pane, k, kc);
		return;
	}
	if (kc) {
		list_key(ui, k, kc);
		return;
	}
	switch (k) {
	case 'q':
	case CTRL('c'):
		ui->quit = true;
		return;
	case CTRL('l'):
		ui->redraw_all = true;
		return;
	case CTRL('z'):
		tui_suspend(ui);
		return;
	case '?':
		ui->view = ui->view == TUI_VIEW_HELP ? TUI_VIEW_LIST : TUI_VIEW_HELP;
		return;
	case KEY_ESC:
		ui->view = TUI_VIEW_LIST;
		ui->message[0] = '\0';
		return;
	}
	list_key(ui, k, kc);
}
