// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The COMMAND's pane under --tui (tui_term.h). A stub until the emulator lands. */
#include <stdio.h>

#include "tui_term.h"

struct tui_term *tui_term_new(int rows, int cols, char *err, size_t errlen)
{
	(void)rows;
	(void)cols;
	snprintf(err, errlen, "the command's pane is not built in yet");
	return NULL;
}

int tui_term_slave_fd(const struct tui_term *tt)
{
	(void)tt;
	return -1;
}

void tui_term_child_started(struct tui_term *tt, pid_t pid)
{
	(void)tt;
	(void)pid;
}

int tui_term_fd(const struct tui_term *tt)
{
	(void)tt;
	return -1;
}

int tui_term_read(struct tui_term *tt)
{
	(void)tt;
	return -1;
}

void tui_term_draw(struct tui_term *tt, void *win, bool focus)
{
	(void)tt;
	(void)win;
	(void)focus;
}

void tui_term_key(struct tui_term *tt, wint_t ch, bool is_keycode)
{
	(void)tt;
	(void)ch;
	(void)is_keycode;
}

void tui_term_resize(struct tui_term *tt, int rows, int cols)
{
	(void)tt;
	(void)rows;
	(void)cols;
}

bool tui_term_free_for_use(const struct tui_term *tt)
{
	(void)tt;
	return false;
}

int tui_term_spawn(struct tui_term *tt, char *const argv[], char *err, size_t errlen)
{
	(void)tt;
	(void)argv;
	snprintf(err, errlen, "the command's pane is not built in yet");
	return -1;
}

void tui_term_hangup(struct tui_term *tt)
{
	(void)tt;
}

void tui_term_free(struct tui_term *tt)
{
	(void)tt;
}
