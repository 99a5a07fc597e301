/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The COMMAND's terminal under --tui: a pseudo-terminal the command runs on
 * (its standard descriptors and controlling terminal), its screen kept by a
 * terminal emulator (libvterm) and drawn into a curses window, so that vim,
 * less, top and colours work inside the pane. Keys typed while the pane has
 * the focus go to the command, encoded as a terminal sends them.
 *
 * The screen (tui.c) owns the event loop: it polls tui_term_fd() beside the
 * library's descriptor and the keyboard, and calls tui_term_read() when it
 * is readable; it draws the pane at most ~30 times a second.
 */
#ifndef TRACER_TUI_TERM_H
#define TRACER_TUI_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <wchar.h>

struct tui_term;

/*
 * A pty of rows x cols for the command, before it is forked. NULL with a
 * one-line reason in err.
 */
struct tui_term *tui_term_new(int rows, int cols, char *err, size_t errlen);

/*
 * The slave side: what the COMMAND gets as its standard descriptors and
 * controlling terminal (launch.c, through sink_ctx.command_tty); -1 once the
 * child has it (tui_term_child_started()).
 */
int tui_term_slave_fd(const struct tui_term *tt);

/* The command is forked (pid): the parent lets its copy of the slave go. */
void tui_term_child_started(struct tui_term *tt, pid_t pid);

/*
 * The master, to poll for input (what the command wrote); -1 while there is
 * nothing to read (every process left the pty: tui_term_read() said -1; or
 * after tui_term_hangup()), until tui_term_spawn() runs another program.
 */
int tui_term_fd(const struct tui_term *tt);

/*
 * Reads what the command wrote and feeds the emulator, without blocking:
 * 1 the screen changed, 0 nothing new, -1 the other side is gone (every
 * process holding the pty closed it).
 */
int tui_term_read(struct tui_term *tt);

/*
 * Draws the emulated screen into win (a curses WINDOW *, its size the
 * pane's); with focus, the terminal's cursor is placed.
 */
void tui_term_draw(struct tui_term *tt, void *win, bool focus);

/* A key from curses' get_wch() (ch, and whether it was KEY_CODE_YES), sent to the command. */
void tui_term_key(struct tui_term *tt, wint_t ch, bool is_keycode);

/* The pane's new size: the emulator's and the pty's (the command gets SIGWINCH). */
void tui_term_resize(struct tui_term *tt, int rows, int cols);

/*
 * Whether the pane is free: the command (and whatever it left on the pty)
 * has ended, so another program may run there.
 */
bool tui_term_free_for_use(const struct tui_term *tt);

/*
 * Runs argv (gdb attached to a stopped process) on the pane's terminal, in a
 * session of its own, once the pane is free. 0, or -1 with a reason in err.
 */
int tui_term_spawn(struct tui_term *tt, char *const argv[], char *err, size_t errlen);

/*
 * Ends the command as closing its terminal would: the master is closed (the
 * kernel hangs up the pty: SIGHUP to its session). Drawing goes on with the
 * last screen.
 */
void tui_term_hangup(struct tui_term *tt);

void tui_term_free(struct tui_term *tt);

/*
 * For the tests: the text of the emulated screen's row (UTF-8, blanks at the
 * end dropped) into buf, NUL-terminated. Its length, or -1 for no such row.
 */
int tui_term_row_text(const struct tui_term *tt, int row, char *buf, size_t len);

#endif /* TRACER_TUI_TERM_H */
