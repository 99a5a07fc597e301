// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The --tui list under a storm (issue 28: at most 10 % of one CPU at 1,000
 * execs a second): an exec costs a copy at the event, and only the rows on
 * screen are ever written out as text, once each (tui_render.h). Drawn
 * through ncurses into a window on /dev/null whose rows are read back.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <curses.h>

#include "parentctx.h"
#include "tui.h"

#define ROWS 20
#define EXECS 5000

static struct tracer_bytes argv_true[2] = { { "true", 4 } };

/* /bin/true N, the nth exec of a storm, by its own process. */
static void add_exec(struct tui *ui, uint32_t n)
{
	static char number[16];
	struct tracer_event ev = { .sz = sizeof(ev), .type = TRACER_EVENT_EXEC };
	struct tui_exec x;

	snprintf(number, sizeof(number), "%u", n);
	argv_true[1] = (struct tracer_bytes){ number, strlen(number) };
	ev.ts_ns = 1000000000ull + n * 1000ull;
	ev.exec.pid = 1000 + n;
	ev.exec.ppid = 999;
	ev.exec.filename = (struct tracer_bytes){ "/bin/true", 9 };
	ev.exec.argc = 2;
	ev.exec.argv = argv_true;
	cr_assert_eq(tui_render_exec(&ui->render, &ev, 0, &x), 0);
	cr_assert_eq(tui_list_add(ui->list, &x), 0);
}

static void row_text(struct tui *ui, int y, char *buf, int len)
{
	cr_assert_neq(mvwinnstr(ui->list_win, y, 0, buf, len - 1), ERR);
}

Test(tui_draw, a_storm_writes_only_the_rows_on_screen_once)
{
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	struct tui ui = { .follow = true, .cursor = UINT64_MAX, .top = UINT64_MAX };
	char text[128], want[32];
	SCREEN *scr;
	uint32_t i;

	cr_assert(out && in);
	scr = newterm("xterm-256color", out, in);
	cr_assert_not_null(scr, "newterm(xterm-256color)");
	set_term(scr);
	ui.list_win = newwin(ROWS, 100, 0, 0);
	ui.list = tui_list_new(TUI_LIST_MAX, TUI_LIST_BYTES);
	ui.render.time = TIME_REL;
	ui.render.start_ns = 1000000000ull;
	ui.render.parents = parentctx_new();
	cr_assert(ui.list_win && ui.list && ui.render.parents);

	for (i = 0; i < EXECS; i++)
		add_exec(&ui, i);
	cr_assert_eq(ui.render.n_made, 0, "%llu lines written at the events, none drawn",
		     (unsigned long long)ui.render.n_made);

	tui_draw_list(&ui);
	cr_assert_eq(ui.render.n_made, ROWS, "%llu lines written for %d rows",
		     (unsigned long long)ui.render.n_made, ROWS);
	row_text(&ui, 0, text, sizeof(text));
	snprintf(want, sizeof(want), " true %u", EXECS - ROWS);
	cr_assert(strstr(text, want), "the first row: %s", text);
	row_text(&ui, ROWS - 1, text, sizeof(text));
	snprintf(want, sizeof(want), " true %u", EXECS - 1);
	cr_assert(strstr(text, want), "the last row: %s", text);

	/* The next frames: the rows kept on screen are not written again. */
	tui_draw_list(&ui);
	cr_assert_eq(ui.render.n_made, ROWS);
	for (i = EXECS; i < EXECS + 5; i++)
		add_exec(&ui, i);
	tui_draw_list(&ui);
	cr_assert_eq(ui.render.n_made, ROWS + 5, "%llu lines written after 5 more execs",
		     (unsigned long long)ui.render.n_made);
	row_text(&ui, ROWS - 1, text, sizeof(text));
	snprintf(want, sizeof(want), " true %u", EXECS + 4);
	cr_assert(strstr(text, want), "the last row: %s", text);

	tui_list_free(ui.list);
	tui_render_free(&ui.render);
	parentctx_free(ui.render.parents);
	delwin(ui.list_win);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
}
