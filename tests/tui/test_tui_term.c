// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The command's pane (src/cli/tui_term.c): real programs on its pty, the
 * emulated screen read back (tui_term_row_text) and drawn through ncurses
 * into a window whose cells are read back, keys encoded as a terminal sends
 * them, the size, the hangup, and the pane given to another program.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <curses.h>

#include "tui_term.h"

/* Generous: the machine may be loaded. */
#define WAIT_MS 20000

static struct tui_term *new_term(int rows, int cols)
{
	char err[256] = "";
	struct tui_term *tt = tui_term_new(rows, cols, err, sizeof(err));

	cr_assert_not_null(tt, "tui_term_new: %s", err);
	cr_assert_geq(tui_term_slave_fd(tt), 0);
	cr_assert_geq(tui_term_fd(tt), 0);
	return tt;
}

/* sh -c script on the pane's slave, in a session of its own, as launch.c runs the COMMAND. */
static pid_t fork_on_pane(struct tui_term *tt, const char *script)
{
	int slave = tui_term_slave_fd(tt);
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0 || dup2(slave, 0) < 0 ||
		    dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
			_exit(126);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static pid_t run_on_pane(struct tui_term *tt, const char *script)
{
	pid_t pid = fork_on_pane(tt, script);

	tui_term_child_started(tt, pid);
	cr_assert_eq(tui_term_slave_fd(tt), -1, "the parent's copy of the slave is closed");
	return pid;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The row where needle is on the emulated screen, or -1. */
static int find_text(struct tui_term *tt, int rows, const char *needle)
{
	char line[1024];
	int row;

	for (row = 0; row < rows; row++) {
		if (tui_term_row_text(tt, row, line, sizeof(line)) >= 0 && strstr(line, needle))
			return row;
	}
	return -1;
}

/* Reads the pane until needle shows (its row), or -1 when the command is gone or time is out. */
static int wait_text(struct tui_term *tt, int rows, const char *needle)
{
	long deadline = now_ms() + WAIT_MS;
	int row;

	while (now_ms() < deadline) {
		struct pollfd p = { .fd = tui_term_fd(tt), .events = POLLIN };

		row = find_text(tt, rows, needle);
		if (row >= 0)
			return row;
		if (p.fd < 0)
			return -1;
		poll(&p, 1, 100);
		if (tui_term_read(tt) < 0)
			return find_text(tt, rows, needle);
	}
	return -1;
}

/* Reads until every process left the pty (tui_term_read() says -1). */
static void wait_gone(struct tui_term *tt)
{
	long deadline = now_ms() + WAIT_MS;

	while (now_ms() < deadline) {
		struct pollfd p = { .fd = tui_term_fd(tt), .events = POLLIN };

		if (p.fd < 0 || tui_term_read(tt) < 0)
			return;
		poll(&p, 1, 100);
	}
	cr_assert_fail("the pty is still held after %d ms", WAIT_MS);
}

static void reap(pid_t pid, int *wstatus)
{
	cr_assert_eq(waitpid(pid, wstatus, 0), pid);
}

Test(tui_term, text_colours_cursor_and_size_as_the_command_wrote_them)
{
	struct tui_term *tt = new_term(24, 80);
	char line[256];
	pid_t pid;
	int status, row;

	pid = run_on_pane(
		tt, "printf '\\033[31mred\\033[0m plain\\n'; printf '\\033[5;10Hmoved\\n';"
		    " printf 'size '; stty size; printf 'wide \\342\\202\\254\\344\\275\\240x\\n'");
	cr_assert_geq(wait_text(tt, 24, "wide"), 0);
	wait_gone(tt);
	reap(pid, &status);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	cr_assert_geq(tui_term_row_text(tt, 0, line, sizeof(line)), 0);
	cr_assert_str_eq(line, "red plain");
	cr_assert_geq(tui_term_row_text(tt, 4, line, sizeof(line)), 0);
	cr_assert_str_eq(line, "         moved", "the cursor went to row 5, column 10");
	row = find_text(tt, 24, "size ");
	cr_assert_geq(row, 0);
	cr_assert_geq(tui_term_row_text(tt, row, line, sizeof(line)), 0);
	cr_assert_str_eq(line, "size 24 80", "stty size on the pty: the size tui_term_new() set");
	row = find_text(tt, 24, "wide");
	cr_assert_geq(tui_term_row_text(tt, row, line, sizeof(line)), 0);
	cr_assert_str_eq(line, "wide \u20ac\u4f60x");
	tui_term_free(tt);
}

/* An ncurses screen on /dev/null: only the window's cells are read back. */
static WINDOW *curses_window(int rows, int cols)
{
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr;

	cr_assert(out && in);
	scr = newterm("xterm-256color", out, in);
	cr_assert_not_null(scr, "newterm(xterm-256color)");
	set_term(scr);
	cr_assert(has_colors());
	start_color();
	cr_assert_geq(COLORS, 256);
	return newwin(rows, cols, 0, 0);
}

static void cell_at(WINDOW *w, int row, int col, wchar_t *wch, attr_t *attrs, int *fg, int *bg)
{
	wchar_t text[CCHARW_MAX + 1];
	short pair_short;
	int pair = 0;
	cchar_t cc;

	cr_assert_neq(mvwin_wch(w, row, col, &cc), ERR);
	cr_assert_neq(getcchar(&cc, text, attrs, &pair_short, &pair), ERR);
	*wch = text[0];
	cr_assert_neq(extended_pair_content(pair, fg, bg), ERR);
}

Test(tui_term, drawn_through_curses_with_colours_attributes_and_wide_characters)
{
	struct tui_term *tt = new_term(10, 40);
	int fg, bg, status;
	WINDOW *w;
	wchar_t wch;
	attr_t attrs;
	pid_t pid;

	pid = run_on_pane(tt, "printf '\\033[31mred\\033[0m plain\\n\\033[1;4;7;32;44mBUR\\033[0m"
			      "\\033[38;5;208mO\\033[0m\\n\\344\\275\\240z\\n'; printf done");
	cr_assert_geq(wait_text(tt, 10, "done"), 0);
	wait_gone(tt);
	reap(pid, &status);

	w = curses_window(10, 40);
	tui_term_draw(tt, w, true);
	cr_assert(getcury(w) == 3 && getcurx(w) == 4,
		  "with focus, the cursor is the terminal's: %d,%d", getcury(w), getcurx(w));
	cell_at(w, 0, 0, &wch, &attrs, &fg, &bg);
	cr_assert_eq(wch, L'r');
	cr_assert_eq(fg, COLOR_RED, "red: colour %d", fg);
	cell_at(w, 0, 4, &wch, &attrs, &fg, &bg);
	cr_assert_eq(wch, L'p');
	cr_assert_neq(fg, COLOR_RED, "\\e[0m ends the colour");
	cell_at(w, 1, 0, &wch, &attrs, &fg, &bg);
	cr_assert_eq(wch, L'B');
	cr_assert_eq(fg, COLOR_GREEN);
	cr_assert_eq(bg, COLOR_BLUE);
	cr_assert(attrs & A_BOLD, "bold");
	cr_assert(attrs & A_UNDERLINE, "underline");
	cr_assert(attrs & A_REVERSE, "reverse");
	cell_at(w, 1, 3, &wch, &attrs, &fg, &bg);
	cr_assert_eq(wch, L'O');
	cr_assert_eq(fg, 208, "the 256-colour palette's index: %d", fg);
	cr_assert_eq(attrs & (A_BOLD | A_UNDERLINE | A_REVERSE), 0);
	cell_at(w, 2, 0, &wch, &attrs, &fg, &bg);
	cr_assert_eq(wch, L'\u4f60', "a wide character");
	cell_at(w, 2, 2, &wch, &attrs, &fg, &bg);
	cr_assert_eq(wch, L'z', "after the wide character's two columns");
	delwin(w);
	endwin();
	tui_term_free(tt);
}

Test(tui_term, keys_reach_the_command_as_a_terminal_sends_them)
{
	struct tui_term *tt = new_term(24, 80);
	char line[256];
	pid_t pid;
	int status, row;

	/* Raw: every byte as sent; od shows them. */
	pid = run_on_pane(tt, "stty raw -echo; printf 'ready\\r\\n'; b=$(head -c 9 | od -An -tx1); "
			      "stty sane; echo \"got$b\"");
	cr_assert_geq(wait_text(tt, 24, "ready"), 0);
	tui_term_key(tt, KEY_UP, true);
	tui_term_key(tt, L'\u00e9', false);
	tui_term_key(tt, 0x01, false); /* Ctrl-A */
	tui_term_key(tt, '\n', false); /* curses' Enter: the terminal sends CR */
	tui_term_key(tt, KEY_BACKSPACE, true);
	tui_term_key(tt, KEY_RESIZE, true); /* not the command's: nothing sent */
	tui_term_key(tt, KEY_DC, true);
	row = wait_text(tt, 24, "got");
	cr_assert_geq(row, 0);
	cr_assert_geq(tui_term_row_text(tt, row, line, sizeof(line)), 0);
	cr_assert_str_eq(line, "got 1b 5b 41 c3 a9 01 0d 7f 1b",
			 "Up, UTF-8 e-acute, Ctrl-A, Enter, Backspace, then Delete begins: %s",
			 line);
	wait_gone(tt);
	reap(pid, &status);
	tui_term_free(tt);
}

Test(tui_term, ctrl_c_interrupts_the_command_and_resize_sends_sigwinch)
{
	struct tui_term *tt = new_term(24, 80);
	pid_t pid;
	int status;

	pid = run_on_pane(
		tt,
		"trap 'printf \"winch \"; stty size' WINCH; trap 'echo INTERRUPTED; exit 3' INT;"
		" echo ready; while :; do sleep 0.1; done");
	cr_assert_geq(wait_text(tt, 24, "ready"), 0);
	tui_term_resize(tt, 30, 100);
	cr_assert_geq(wait_text(tt, 30, "winch 30 100"), 0,
		      "SIGWINCH, and stty size reads the new size");
	tui_term_key(tt, 0x03, false); /* Ctrl-C */
	cr_assert_geq(wait_text(tt, 30, "INTERRUPTED"), 0, "SIGINT from the line discipline");
	wait_gone(tt);
	reap(pid, &status);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	tui_term_free(tt);
}

Test(tui_term, hangup_sends_sighup_to_the_command)
{
	struct tui_term *tt = new_term(24, 80);
	pid_t pid;
	int status;

	pid = run_on_pane(tt, "echo ready; while :; do sleep 1; done");
	cr_assert_geq(wait_text(tt, 24, "ready"), 0);
	tui_term_hangup(tt);
	cr_assert_eq(tui_term_fd(tt), -1);
	cr_assert_eq(tui_term_read(tt), -1);
	cr_assert_not(tui_term_free_for_use(tt));
	reap(pid, &status);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGHUP, "status %#x", status);
	/* The last screen stays, to be drawn. */
	cr_assert_geq(find_text(tt, 24, "ready"), 0);
	tui_term_free(tt);
}

Test(tui_term, another_program_runs_on_the_pane_once_it_is_free)
{
	struct tui_term *tt = new_term(24, 80);
	char err[256] = "",
	     *second[] = { "sh", "-c", "echo second; read x; echo \"got $x\"", NULL };
	pid_t pid;
	int status;

	cr_assert(tui_term_free_for_use(tt), "nothing ran on it yet");
	pid = run_on_pane(tt, "echo first; read x");
	cr_assert_geq(wait_text(tt, 24, "first"), 0);
	cr_assert_not(tui_term_free_for_use(tt), "the command runs");
	cr_assert_eq(tui_term_spawn(tt, second, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "the command's pane is busy");
	tui_term_key(tt, '\r', false);
	wait_gone(tt);
	reap(pid, &status);
	cr_assert(tui_term_free_for_use(tt));

	cr_assert_eq(tui_term_spawn(tt, second, err, sizeof(err)), 0, "%s", err);
	cr_assert_geq(tui_term_fd(tt), 0, "polled again");
	cr_assert_geq(wait_text(tt, 24, "second"), 0);
	cr_assert_lt(find_text(tt, 24, "first"), 0, "a clean screen for the new program");
	cr_assert_not(tui_term_free_for_use(tt));
	tui_term_key(tt, 'o', false);
	tui_term_key(tt, 'k', false);
	tui_term_key(tt, '\r', false);
	cr_assert_geq(wait_text(tt, 24, "got ok"), 0, "its keys reach it");
	wait_gone(tt);
	cr_assert(tui_term_free_for_use(tt));
	tui_term_free(tt);
}

Test(tui_term, a_process_left_holding_the_pty_keeps_the_pane_busy)
{
	struct tui_term *tt = new_term(24, 80);
	char line[256], *gdb[] = { "true", NULL }, err[256];
	pid_t pid, leftover;
	int status, row;

	/* A process of its own session keeps the slave: it could read what is typed next. */
	pid = run_on_pane(tt, "trap '' HUP; setsid sleep 60 & echo \"left $!\"");
	row = wait_text(tt, 24, "left ");
	cr_assert_geq(row, 0);
	reap(pid, &status);
	tui_term_row_text(tt, row, line, sizeof(line));
	leftover = (pid_t)atoi(line + 5);
	cr_assert_gt(leftover, 1);
	cr_assert_not(tui_term_free_for_use(tt), "the leftover holds the slave");
	cr_assert_eq(tui_term_spawn(tt, gdb, err, sizeof(err)), -1);
	kill(leftover, SIGKILL);
	wait_gone(tt);
	cr_assert(tui_term_free_for_use(tt));
	tui_term_free(tt);
}

Test(tui_term, the_end_of_the_command_shows_without_tui_term_child_started)
{
	struct tui_term *tt = new_term(24, 80);
	pid_t pid;
	int status;

	/* The parent's copy of the slave goes once the command's session has the pty. */
	pid = fork_on_pane(tt, "echo ready; read x; echo bye");
	cr_assert_geq(wait_text(tt, 24, "ready"), 0);
	cr_assert_eq(tui_term_slave_fd(tt), -1);
	tui_term_key(tt, '\r', false);
	wait_gone(tt);
	reap(pid, &status);
	cr_assert(tui_term_free_for_use(tt));
	tui_term_free(tt);
}
