// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The --tui views: the list, the details, the help, the breakpoints, the status line. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <wchar.h>

#include "names.h"
#include "tui.h"
#include "tui_breaks.h"

#define RED_PAIR 1
/* details: at most this many children named */
#define CHILDREN_SHOWN 32

void tui_put_clipped(WINDOW *w, int y, int x, const char *s, int width)
{
	mbstate_t st = { 0 };
	const char *p = s;
	int used = 0;

	if (width <= 0)
		return;
	while (*p && *p != '\n') {
		wchar_t wc;
		size_t n;
		int cw;

		/* Printable ASCII, most of every line: one column each. */
		if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f) {
			if (used + 1 > width)
				break;
			used++;
			p++;
			continue;
		}
		n = mbrtowc(&wc, p, MB_CUR_MAX, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			n = 1;
			cw = 1;
			memset(&st, 0, sizeof(st));
		} else {
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		if (used + cw > width)
			break;
		used += cw;
		p += n;
	}
	mvwaddnstr(w, y, x, s, (int)(p - s));
}

/* The top row's seq such that the cursor is on screen (tui.h: follow, top). */
static void place_top(struct tui *ui, int rows)
{
	uint64_t end = tui_list_end(ui->list), s, cand;
	const struct tui_exec *e;
	int i;

	if (ui->follow || !(e = tui_list_get(ui->list, ui->cursor)) ||
	    !tui_list_shown(e, &ui->filter)) {
		if (!ui->follow && tui_list_get(ui->list, ui->cursor))
			s = tui_list_step(ui->list, ui->cursor, -1, &ui->filter, NULL);
		else
			s = UINT64_MAX;
		if (s == UINT64_MAX)
			s = tui_list_step(ui->list, end, -1, &ui->filter, NULL);
		ui->cursor = s;
	}
	if (ui->cursor == UINT64_MAX) {
		ui->top = UINT64_MAX;
		return;
	}
	cand = ui->cursor;
	for (i = 1; i < rows; i++) {
		s = tui_list_step(ui->list, cand, -1, &ui->filter, NULL);
		if (s == UINT64_MAX)
			break;
		cand = s;
	}
	e = tui_list_get(ui->list, ui->top);
	if (ui->follow || ui->top == UINT64_MAX || !e || !tui_list_shown(e, &ui->filter) ||
	    ui->top < cand || ui->top > ui->cursor)
		ui->top = cand;
}

void tui_draw_list(struct tui *ui)
{
	int rows, cols, y;
	uint64_t s;

	werase(ui->list_win);
	getmaxyx(ui->list_win, rows, cols);
	place_top(ui, rows);
	ui->list_shows_end = true;
	if (ui->top == UINT64_MAX) {
		mvwaddstr(ui->list_win, 0, 0,
			  tui_filter_none(&ui->filter) ?
				  "(no exec yet)" :
				  "(no exec passes the filter yet: F changes it)");
		return;
	}
	for (y = 0, s = ui->top; y < rows && s != UINT64_MAX; y++) {
		const struct tui_exec *e = tui_list_get(ui->list, s);
		attr_t a = 0;

		if (e->ret)
			a |= COLOR_PAIR(RED_PAIR);
		if (s == ui->cursor && !ui->pane_focus)
			a |= A_REVERSE;
		else if (s == ui->cursor)
			a |= A_BOLD;
		wattrset(ui->list_win, a);
		if (a & A_REVERSE)
			mvwhline(ui->list_win, y, 0, ' ', cols);
		tui_put_clipped(ui->list_win, y, 0, tui_render_line(&ui->render, e), cols);
		wattrset(ui->list_win, 0);
		s = tui_list_step(ui->list, s, +1, &ui->filter, NULL);
	}
	/* Rows left over: the list's end is on screen, a new exec would show. */
	ui->list_shows_end = y < rows;
}

/* The lines of s ('\n'-separated) from row *y on, the first skip lines left out. */
static void put_lines(WINDOW *w, int *y, int *skip, const char *s)
{
	int rows, cols;

	getmaxyx(w, rows, cols);
	while (*s) {
		const char *nl = strchr(s, '\n');

		if (*skip > 0)
			(*skip)--;
		else if (*y < rows)
			tui_put_clipped(w, (*y)++, 0, s, cols);
		if (!nl)
			break;
		s = nl + 1;
	}
}

/* What the exit told: exit_code or signal, and lifetime; children seen so far. */
static void format_end(const struct tui *ui, const struct tui_exec *e, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");
	uint64_t s, end = tui_list_end(ui->list);
	int n = 0;

	if (!f) {
		buf[0] = '\0';
		return;
	}
	if (!e->exited)
		fprintf(f, "%-12s (running, or its exit not seen)\n", "exit_code");
	else if (WIFSIGNALED(e->exit_status))
		fprintf(f, "%-12s %d (%s)\n", "signal", WTERMSIG(e->exit_status),
			signal_name(WTERMSIG(e->exit_status)));
	else
		fprintf(f, "%-12s %d\n", "exit_code", WEXITSTATUS(e->exit_status));
	if (e->exited)
		fprintf(f, "%-12s %.6f s\n", "lifetime", (double)(e->end_ns - e->ts_ns) / 1e9);
	fprintf(f, "%-12s", "children");
	for (s = e->seq + 1; s < end && n < CHILDREN_SHOWN; s++) {
		const struct tui_exec *c = tui_list_get(ui->list, s);

		if (c && c->ppid == e->pid && c->pid != e->pid) {
			fprintf(f, " %u", c->pid);
			n++;
		}
	}
	fputs(n ? (n == CHILDREN_SHOWN ? " ...\n" : "\n") : " (none seen)\n", f);
	fclose(f);
}

void tui_draw_details(struct tui *ui)
{
	const struct tui_exec *e = tui_list_get(ui->list, ui->cursor);
	int y = 0, skip = ui->details_scroll;
	char end[1024];

	werase(ui->list_win);
	if (!e) {
		mvwaddstr(ui->list_win, 0, 0, "(that exec is no longer kept)");
		return;
	}
	wattrset(ui->list_win, A_BOLD);
	put_lines(ui->list_win, &y, &skip,
		  "details (Escape: back, y: copy the sh line, w: write it to a file)\n");
	wattrset(ui->list_win, 0);
	put_lines(ui->list_win, &y, &skip, tui_render_details(&ui->render, e));
	format_end(ui, e, end, sizeof(end));
	put_lines(ui->list_win, &y, &skip, end);
	put_lines(ui->list_win, &y, &skip, "sh\n");
	put_lines(ui->list_win, &y, &skip, tui_render_sh(&ui->render, e));
}

void tui_draw_help(struct tui *ui)
{
	int y = 0, skip = 0;
	size_t i;

	werase(ui->list_win);
	for (i = 0; tui_help_lines[i]; i++) {
		put_lines(ui->list_win, &y, &skip, tui_help_lines[i]);
	}
}

void tui_draw_breaks(struct tui *ui)
{
	size_t n = tui_breaks_count(ui->breaks), m = tui_breaks_n_stopped(ui->breaks), i;
	int rows, cols, y = 0;
	char buf[512];

	werase(ui->list_win);
	getmaxyx(ui->list_win, rows, cols);
	wattrset(ui->list_win, A_BOLD);
	tui_put_clipped(ui->list_win, y++, 0,
			"breakpoints (a: add, d: delete; stopped: c continue, k kill, g gdb)",
			cols);
	wattrset(ui->list_win, 0);
	for (i = 0; i < n + m && y < rows; i++, y++) {
		if (i < n) {
			snprintf(buf, sizeof(buf), "pattern  %s",
				 tui_breaks_pattern(ui->breaks, i));
		} else {
			const struct tui_stopped *st = tui_breaks_stopped(ui->breaks, i - n);

			snprintf(buf, sizeof(buf), "stopped  %u  %s  (%s)", st->pid, st->cmdline,
				 st->pattern);
		}
		wattrset(ui->list_win, i == ui->break_sel ? A_REVERSE : 0);
		tui_put_clipped(ui->list_win, y, 0, buf, cols);
	}
	wattrset(ui->list_win, 0);
	if (!n && !m)
		tui_put_clipped(ui->list_win, y++, 0, "(no pattern: a adds one)", cols);
	if (tui_breaks_n_dropped(ui->breaks) && y < rows) {
		snprintf(buf, sizeof(buf), "%llu stops continued at once (%d held at most)",
			 (unsigned long long)tui_breaks_n_dropped(ui->breaks), TUI_BREAKS_HELD_MAX);
		tui_put_clipped(ui->list_win, y, 0, buf, cols);
	}
}

void tui_draw_status(struct tui *ui)
{
	struct tracer_stats st = { 0 };
	char buf[512], filter[256];
	int cols, len;

	getmaxyx(ui->status_win, len, cols);
	werase(ui->status_win);
	if (ui->ctx->t)
		tracer_get_stats(ui->ctx->t, &st);
	if (ui->prompt != TUI_PROMPT_NONE) {
		snprintf(buf, sizeof(buf), "%s%.*s",
			 ui->prompt == TUI_PROMPT_SEARCH ?
				 "/" :
			 ui->prompt == TUI_PROMPT_WRITE ?
				 "write the sh line to: " :
			 ui->prompt == TUI_PROMPT_FILTER ?
				 "filter (--uid --comm --match --failed): " :
				 "pattern: ",
			 (int)ui->input_len, ui->input);
		tui_put_clipped(ui->status_win, 0, 0, buf, cols);
		curs_set(1);
		return;
	}
	len = snprintf(buf, sizeof(buf),
		       "events %llu  execs %llu  failed %llu  lost %llu  stopped %zu  focus %s",
		       (unsigned long long)st.events, (unsigned long long)tui_list_end(ui->list),
		       (unsigned long long)ui->failed, (unsigned long long)st.lost,
		       tui_breaks_n_stopped(ui->breaks), ui->pane_focus ? "command" : "list");
	if (!tui_filter_none(&ui->filter) && len < (int)sizeof(buf)) {
		tui_filter_describe(&ui->filter, filter, sizeof(filter));
		len += snprintf(buf + len, sizeof(buf) - len, "  [filter: %s]", filter);
	}
	if (tui_list_dropped(ui->list) && len < (int)sizeof(buf))
		len += snprintf(buf + len, sizeof(buf) - len, "  (%llu oldest dropped)",
				(unsigned long long)tui_list_dropped(ui->list));
	if (ui->search[0] && len < (int)sizeof(buf))
		len += snprintf(buf + len, sizeof(buf) - len, "  /%s", ui->search);
	if (ui->message[0] && len < (int)sizeof(buf))
		len += snprintf(buf + len, sizeof(buf) - len, "  | %s", ui->message);
	if (len < (int)sizeof(buf))
		snprintf(buf + len, sizeof(buf) - len, "  ? help");
	wattrset(ui->status_win, A_REVERSE);
	mvwhline(ui->status_win, 0, 0, ' ', cols);
	tui_put_clipped(ui->status_win, 0, 0, buf, cols);
	wattrset(ui->status_win, 0);
}
