// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The COMMAND's pane under --tui (tui_term.h): a pty whose master tracer
 * reads, libvterm as the terminal the command writes to, curses to draw it.
 *
 * The master is non-blocking and close-on-exec: reading never stops the
 * caller (the ring buffer is drained between reads), and each call reads at
 * most TUI_TERM_READ_MAX bytes. What the emulator sends back (keys, answers
 * to queries such as DSR or DA) is written to the master; what the command
 * does not read yet waits in a small buffer, beyond which it is dropped (a
 * real terminal would block the typist instead).
 *
 * The pane is free for another program (gdb) when nothing holds the slave
 * any more (the master polls POLLHUP) and no session has it as its
 * controlling terminal: a process the command left behind with the slave
 * open could otherwise read what is typed to the next program. The slave
 * then goes back to root before the next program gets it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <curses.h>
#include <vterm.h>

#include "tui_term.h"

/* What one tui_term_read() takes at most: the caller's loop goes on to the ring buffer. */
#define TUI_TERM_READ_MAX (64 * 1024)
/* Keys and answers the command has not read yet. */
#define TUI_TERM_OUT_MAX 4096

struct tui_term {
	VTerm *vt;
	VTermScreen *screen;
	int master;
	int slave; /* the parent's copy, until the command has it */
	int rows, cols;
	pid_t command; /* what runs on the pty (tui_term_child_started) */
	pid_t spawned; /* what tui_term_spawn() started: tui_term reaps it */
	bool gone; /* every process holding the slave closed it (EIO) */
	bool hung_up; /* tui_term_hangup(): the master is closed */
	bool damaged; /* the screen changed since the last tui_term_read() */
	bool cursor_visible;
	size_t out_len;
	char out[TUI_TERM_OUT_MAX];
};

static void flush_output(struct tui_term *tt)
{
	size_t done = 0;
	ssize_t r;

	while (done < tt->out_len && tt->master >= 0) {
		r = write(tt->master, tt->out + done, tt->out_len - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break; /* EAGAIN: the command reads it later; EIO: nobody will */
		done += (size_t)r;
	}
	memmove(tt->out, tt->out + done, tt->out_len - done);
	tt->out_len -= done;
}

/* libvterm's output: keys encoded, answers to the command's queries. */
static void on_output(const char *s, size_t len, void *user)
{
	struct tui_term *tt = user;

	if (len > sizeof(tt->out) - tt->out_len)
		len = sizeof(tt->out) - tt->out_len;
	memcpy(tt->out + tt->out_len, s, len);
	tt->out_len += len;
	flush_output(tt);
}

static int on_damage(VTermRect rect, void *user)
{
	(void)rect;
	((struct tui_term *)user)->damaged = true;
	return 1;
}

static int on_moverect(VTermRect dest, VTermRect src, void *user)
{
	(void)dest;
	(void)src;
	((struct tui_term *)user)->damaged = true;
	return 1;
}

static int on_movecursor(VTermPos pos, VTermPos oldpos, int visible, void *user)
{
	(void)pos;
	(void)oldpos;
	(void)visible;
	((struct tui_term *)user)->damaged = true;
	return 1;
}

static int on_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	struct tui_term *tt = user;

	if (prop == VTERM_PROP_CURSORVISIBLE) {
		tt->cursor_visible = val->boolean;
		tt->damaged = true;
	}
	return 1;
}

static const VTermScreenCallbacks screen_callbacks = {
	.damage = on_damage,
	.moverect = on_moverect,
	.movecursor = on_movecursor,
	.settermprop = on_settermprop,
};

static void set_winsize(int fd, int rows, int cols)
{
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };

	if (fd >= 0)
		ioctl(fd, TIOCSWINSZ, &ws);
}

static int open_pty(struct tui_term *tt, char *err, size_t errlen)
{
	char name[64];
	int flags;

	tt->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tt->master < 0 || grantpt(tt->master) || unlockpt(tt->master) ||
	    ptsname_r(tt->master, name, sizeof(name))) {
		snprintf(err, errlen, "cannot open a pty for the command: %s", strerror(errno));
		return -1;
	}
	flags = fcntl(tt->master, F_GETFL);
	if (flags < 0 || fcntl(tt->master, F_SETFL, flags | O_NONBLOCK)) {
		snprintf(err, errlen, "cannot set up the command's pty: %s", strerror(errno));
		return -1;
	}
	tt->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tt->slave < 0) {
		snprintf(err, errlen, "cannot open the command's pty %s: %s", name,
			 strerror(errno));
		return -1;
	}
	set_winsize(tt->master, tt->rows, tt->cols);
	return 0;
}

static int clamp_size(int n)
{
	return n < 1 ? 1 : n > USHRT_MAX ? USHRT_MAX : n;
}

struct tui_term *tui_term_new(int rows, int cols, char *err, size_t errlen)
{
	struct tui_term *tt = calloc(1, sizeof(*tt));

	if (!tt) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	tt->rows = clamp_size(rows);
	tt->cols = clamp_size(cols);
	tt->master = -1;
	tt->slave = -1;
	tt->cursor_visible = true;
	if (open_pty(tt, err, errlen))
		goto out_free;
	tt->vt = vterm_new(tt->rows, tt->cols);
	if (!tt->vt) {
		snprintf(err, errlen, "out of memory");
		goto out_free;
	}
	vterm_set_utf8(tt->vt, 1);
	vterm_output_set_callback(tt->vt, on_output, tt);
	tt->screen = vterm_obtain_screen(tt->vt);
	vterm_screen_set_callbacks(tt->screen, &screen_callbacks, tt);
	/* One damage call per scroll, not one per cell: the pane is redrawn whole anyway. */
	vterm_screen_set_damage_merge(tt->screen, VTERM_DAMAGE_SCROLL);
	vterm_screen_enable_altscreen(tt->screen, 1);
	vterm_screen_reset(tt->screen, 1);
	return tt;

out_free:
	tui_term_free(tt);
	return NULL;
}

int tui_term_slave_fd(const struct tui_term *tt)
{
	return tt->slave;
}

void tui_term_child_started(struct tui_term *tt, pid_t pid)
{
	tt->command = pid;
	if (tt->slave >= 0) {
		close(tt->slave);
		tt->slave = -1;
	}
}

int tui_term_fd(const struct tui_term *tt)
{
	return tt->gone || tt->hung_up ? -1 : tt->master;
}

/* The program tui_term_spawn() started, once it has exited. */
static void reap_spawned(struct tui_term *tt)
{
	if (tt->spawned > 0 && waitpid(tt->spawned, NULL, WNOHANG) == tt->spawned)
		tt->spawned = 0;
}

int tui_term_read(struct tui_term *tt)
{
	char buf[4096];
	size_t total = 0;
	ssize_t r;

	if (tt->hung_up)
		return -1;
	/*
	 * A session took the pty (the command, forked on the slave): the
	 * parent's copy goes, else the end of the command would never show
	 * (tui_term_child_started() does it at once).
	 */
	if (tt->slave >= 0 && tcgetpgrp(tt->master) > 0) {
		close(tt->slave);
		tt->slave = -1;
	}
	flush_output(tt);
	while (!tt->gone && total < TUI_TERM_READ_MAX) {
		r = read(tt->master, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0) { /* EIO: no process holds the slave any more */
			tt->gone = true;
			reap_spawned(tt);
			break;
		}
		vterm_input_write(tt->vt, buf, (size_t)r);
		total += (size_t)r;
	}
	vterm_screen_flush_damage(tt->screen);
	if (tt->damaged) {
		tt->damaged = false;
		return 1;
	}
	return tt->gone ? -1 : 0;
}

/* A curses colour for libvterm's: the palette's index, or the nearest of 256 or 8. */
static short curses_colour(VTermScreen *screen, VTermColor col)
{
	unsigned r, g, b;

	if (VTERM_COLOR_IS_INDEXED(&col)) {
		if (col.indexed.idx < COLORS)
			return col.indexed.idx;
		if (col.indexed.idx < 16)
			return col.indexed.idx & 7;
		vterm_screen_convert_color_to_rgb(screen, &col);
	}
	r = col.rgb.red;
	g = col.rgb.green;
	b = col.rgb.blue;
	if (COLORS >= 256)
		return (short)(16 + 36 * ((r * 5 + 127) / 255) + 6 * ((g * 5 + 127) / 255) +
			       (b * 5 + 127) / 255);
	/* curses' 8 colours are the bits red 1, green 2, blue 4. */
	return (short)((r > 127 ? COLOR_RED : 0) | (g > 127 ? COLOR_GREEN : 0) |
		       (b > 127 ? COLOR_BLUE : 0));
}

/* A pair for the cell's colours, made on first use (ncurses' alloc_pair). */
static int cell_pair(VTermScreen *screen, const VTermScreenCell *cell, attr_t *attrs)
{
	int fg = -1, bg = -1, pair;

	if (!has_colors() || COLORS <= 0)
		return 0;
	if (!VTERM_COLOR_IS_DEFAULT_FG(&cell->fg)) {
		fg = curses_colour(screen, cell->fg);
		/* Bright colours on 8: bold, as the old terminals did. */
		if (COLORS < 16 && VTERM_COLOR_IS_INDEXED(&cell->fg) && cell->fg.indexed.idx >= 8 &&
		    cell->fg.indexed.idx < 16)
			*attrs |= A_BOLD;
	}
	if (!VTERM_COLOR_IS_DEFAULT_BG(&cell->bg))
		bg = curses_colour(screen, cell->bg);
	if (fg < 0 && bg < 0)
		return 0;
	pair = alloc_pair(fg, bg);
	/* The screen did not call use_default_colors(): white on black for the defaults. */
	if (pair < 0)
		pair = alloc_pair(fg < 0 ? COLOR_WHITE : fg, bg < 0 ? COLOR_BLACK : bg);
	return pair < 0 ? 0 : pair;
}

static void draw_cell(struct tui_term *tt, WINDOW *w, int row, int col, const VTermScreenCell *cell)
{
	wchar_t text[VTERM_MAX_CHARS_PER_CELL + 1];
	attr_t attrs = A_NORMAL;
	cchar_t cc;
	int i, pair;

	for (i = 0;
	     i < VTERM_MAX_CHARS_PER_CELL && cell->chars[i] && cell->chars[i] != (uint32_t)-1; i++)
		text[i] = (wchar_t)cell->chars[i];
	if (i == 0)
		text[i++] = L' ';
	text[i] = L'\0';
	if (cell->attrs.bold)
		attrs |= A_BOLD;
	if (cell->attrs.underline)
		attrs |= A_UNDERLINE;
	if (cell->attrs.reverse)
		attrs |= A_REVERSE;
	if (cell->attrs.italic)
		attrs |= A_ITALIC;
	if (cell->attrs.blink)
		attrs |= A_BLINK;
	pair = cell_pair(tt->screen, cell, &attrs);
	/* The pair through opts: ncurses' extended pairs, beyond a short. */
	if (setcchar(&cc, text, attrs, 0, &pair) == ERR)
		setcchar(&cc, L" ", attrs, 0, &pair);
	mvwadd_wch(w, row, col, &cc);
}

void tui_term_draw(struct tui_term *tt, void *win, bool focus)
{
	WINDOW *w = win;
	VTermScreenCell cell;
	VTermPos pos, cursor;
	int rows, cols;

	flush_output(tt);
	getmaxyx(w, rows, cols);
	werase(w);
	for (pos.row = 0; pos.row < rows && pos.row < tt->rows; pos.row++) {
		for (pos.col = 0; pos.col < cols && pos.col < tt->cols;) {
			if (!vterm_screen_get_cell(tt->screen, pos, &cell)) {
				pos.col++;
				continue;
			}
			/* A wide character takes two columns: only if both are in the window. */
			if (cell.width > 1 && pos.col + cell.width > cols)
				break;
			draw_cell(tt, w, pos.row, pos.col, &cell);
			pos.col += cell.width > 0 ? cell.width : 1;
		}
	}
	if (!focus)
		return;
	vterm_state_get_cursorpos(vterm_obtain_state(tt->vt), &cursor);
	curs_set(tt->cursor_visible && !tt->gone && !tt->hung_up ? 1 : 0);
	if (cursor.row < rows && cursor.col < cols)
		wmove(w, cursor.row, cursor.col);
}

/* curses' key codes and the keys libvterm encodes as a terminal sends them. */
static const struct {
	int curses;
	VTermKey key;
	VTermModifier mod;
} special_keys[] = {
	{ KEY_UP, VTERM_KEY_UP, VTERM_MOD_NONE },
	{ KEY_DOWN, VTERM_KEY_DOWN, VTERM_MOD_NONE },
	{ KEY_LEFT, VTERM_KEY_LEFT, VTERM_MOD_NONE },
	{ KEY_RIGHT, VTERM_KEY_RIGHT, VTERM_MOD_NONE },
	{ KEY_SR, VTERM_KEY_UP, VTERM_MOD_SHIFT },
	{ KEY_SF, VTERM_KEY_DOWN, VTERM_MOD_SHIFT },
	{ KEY_SLEFT, VTERM_KEY_LEFT, VTERM_MOD_SHIFT },
	{ KEY_SRIGHT, VTERM_KEY_RIGHT, VTERM_MOD_SHIFT },
	{ KEY_HOME, VTERM_KEY_HOME, VTERM_MOD_NONE },
	{ KEY_END, VTERM_KEY_END, VTERM_MOD_NONE },
	{ KEY_SHOME, VTERM_KEY_HOME, VTERM_MOD_SHIFT },
	{ KEY_SEND, VTERM_KEY_END, VTERM_MOD_SHIFT },
	{ KEY_PPAGE, VTERM_KEY_PAGEUP, VTERM_MOD_NONE },
	{ KEY_NPAGE, VTERM_KEY_PAGEDOWN, VTERM_MOD_NONE },
	{ KEY_IC, VTERM_KEY_INS, VTERM_MOD_NONE },
	{ KEY_DC, VTERM_KEY_DEL, VTERM_MOD_NONE },
	{ KEY_BACKSPACE, VTERM_KEY_BACKSPACE, VTERM_MOD_NONE },
	{ KEY_ENTER, VTERM_KEY_ENTER, VTERM_MOD_NONE },
	{ KEY_BTAB, VTERM_KEY_TAB, VTERM_MOD_SHIFT },
};

void tui_term_key(struct tui_term *tt, wint_t ch, bool is_keycode)
{
	size_t i;

	if (tt->hung_up)
		return;
	if (is_keycode) {
		if (ch >= (wint_t)KEY_F(1) && ch <= (wint_t)KEY_F(63)) {
			vterm_keyboard_key(tt->vt, VTERM_KEY_FUNCTION((int)(ch - KEY_F0)),
					   VTERM_MOD_NONE);
			return;
		}
		for (i = 0; i < sizeof(special_keys) / sizeof(special_keys[0]); i++) {
			if ((wint_t)special_keys[i].curses == ch) {
				vterm_keyboard_key(tt->vt, special_keys[i].key,
						   special_keys[i].mod);
				return;
			}
		}
		return; /* KEY_RESIZE, the mouse: not the command's */
	}
	if (ch == '\r' || ch == '\n')
		vterm_keyboard_key(tt->vt, VTERM_KEY_ENTER, VTERM_MOD_NONE);
	else if (ch == '\t')
		vterm_keyboard_key(tt->vt, VTERM_KEY_TAB, VTERM_MOD_NONE);
	else if (ch == 0x1b)
		vterm_keyboard_key(tt->vt, VTERM_KEY_ESCAPE, VTERM_MOD_NONE);
	else if (ch == 0x7f)
		vterm_keyboard_key(tt->vt, VTERM_KEY_BACKSPACE, VTERM_MOD_NONE);
	else /* text, and the Ctrl-letters as their control characters */
		vterm_keyboard_unichar(tt->vt, (uint32_t)ch, VTERM_MOD_NONE);
}

void tui_term_resize(struct tui_term *tt, int rows, int cols)
{
	rows = clamp_size(rows);
	cols = clamp_size(cols);
	if (rows == tt->rows && cols == tt->cols)
		return;
	tt->rows = rows;
	tt->cols = cols;
	vterm_set_size(tt->vt, rows, cols);
	vterm_screen_flush_damage(tt->screen);
	/* The kernel sends SIGWINCH to the pty's foreground process group. */
	if (!tt->hung_up)
		set_winsize(tt->master, rows, cols);
	tt->damaged = true;
}

bool tui_term_free_for_use(const struct tui_term *tt)
{
	struct pollfd p = { .fd = tt->master, .events = POLLIN };

	if (tt->hung_up || tt->master < 0)
		return false;
	/* Some session still has it as its terminal. */
	if (tcgetpgrp(tt->master) > 0)
		return false;
	/* Only the parent's copy of the slave: nobody else can have it. */
	if (tt->slave >= 0)
		return true;
	return tt->gone || (poll(&p, 1, 0) == 1 && (p.revents & POLLHUP));
}

/* In the child of tui_term_spawn(): never returns. */
static void spawned_child(int fd, char *const argv[])
{
	sigset_t none;
	int sig;

	/* Signals as a new program expects them, whatever the screen had set. */
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (setsid() < 0)
		_exit(127);
	if (ioctl(fd, TIOCSCTTY, 0) < 0)
		_exit(127);
	if (dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
	    dup2(fd, STDERR_FILENO) < 0)
		_exit(127);
	if (fd > STDERR_FILENO)
		close(fd);
	execvp(argv[0], argv);
	dprintf(STDERR_FILENO, "tracer: cannot run %s: %s\r\n", argv[0], strerror(errno));
	_exit(127);
}

int tui_term_spawn(struct tui_term *tt, char *const argv[], char *err, size_t errlen)
{
	char name[64];
	int fd;

	if (!argv || !argv[0]) {
		snprintf(err, errlen, "nothing to run in the command's pane");
		return -1;
	}
	if (!tui_term_free_for_use(tt)) {
		snprintf(err, errlen, "the command's pane is busy");
		return -1;
	}
	/*
	 * The command may have run as the sudo user, who owned the slave: it
	 * is root's again, so that user cannot open it to read what is typed next.
	 */
	if (ptsname_r(tt->master, name, sizeof(name)) ||
	    (fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "cannot open the command's pty: %s", strerror(errno));
		return -1;
	}
	if (fchown(fd, 0, (gid_t)-1) || fchmod(fd, 0620)) {
		snprintf(err, errlen, "cannot take back the command's pty: %s", strerror(errno));
		close(fd);
		return -1;
	}
	reap_spawned(tt);
	tt->spawned = fork();
	if (tt->spawned == 0)
		spawned_child(fd, argv);
	/* The child holds the slave now: the master sees no hangup in between. */
	close(fd);
	if (tt->spawned < 0) {
		snprintf(err, errlen, "cannot start %s: %s", argv[0], strerror(errno));
		tt->spawned = 0;
		return -1;
	}
	if (tt->slave >= 0) {
		close(tt->slave);
		tt->slave = -1;
	}
	tt->gone = false;
	vterm_screen_reset(tt->screen, 1);
	tt->damaged = true;
	return 0;
}

void tui_term_hangup(struct tui_term *tt)
{
	if (tt->hung_up)
		return;
	tt->hung_up = true;
	if (tt->slave >= 0) {
		close(tt->slave);
		tt->slave = -1;
	}
	/* The last close of the master hangs the slave up: SIGHUP to its session. */
	if (tt->master >= 0) {
		close(tt->master);
		tt->master = -1;
	}
}

void tui_term_free(struct tui_term *tt)
{
	if (!tt)
		return;
	tui_term_hangup(tt);
	reap_spawned(tt);
	if (tt->vt)
		vterm_free(tt->vt);
	free(tt);
}

int tui_term_row_text(const struct tui_term *tt, int row, char *buf, size_t len)
{
	VTermRect rect = {
		.start_row = row, .end_row = row + 1, .start_col = 0, .end_col = tt->cols
	};
	size_t n;

	if (row < 0 || row >= tt->rows || len == 0)
		return -1;
	n = vterm_screen_get_text(tt->screen, buf, len - 1, rect);
	if (n > len - 1)
		n = len - 1;
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return (int)n;
}
