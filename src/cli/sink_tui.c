// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * --tui as a sink of the bus (tui.h is the screen): every exec to the list,
 * every event to the breakpoints, the keyboard and the command's pane waited
 * for by the bus beside the events, a frame drawn at most TUI_FPS times a
 * second from the tick. When tracing is over, the screen stays until q (the
 * run can be looked at), unless a signal ended it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "envdiff.h"
#include "fold.h"
#include "parentctx.h"
#include "tui.h"
#include "tui_breaks.h"
#include "tui_term.h"

/* The signals that end the view; each also goes to whom handled it before. */
static const int ending_signals[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction chained[3];
static volatile sig_atomic_t ending_signal;
static bool signals_caught;

static void on_ending_signal(int sig, siginfo_t *info, void *uc)
{
	size_t i;

	ending_signal = sig;
	for (i = 0; i < 3; i++) {
		if (ending_signals[i] != sig)
			continue;
		if (chained[i].sa_flags & SA_SIGINFO)
			chained[i].sa_sigaction(sig, info, uc);
		else if (chained[i].sa_handler != SIG_DFL && chained[i].sa_handler != SIG_IGN)
			chained[i].sa_handler(sig);
	}
}

static void catch_ending_signals(void)
{
	struct sigaction sa = { .sa_sigaction = on_ending_signal, .sa_flags = SA_SIGINFO };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		sigaction(ending_signals[i], &sa, &chained[i]);
	signals_caught = true;
}

static void release_ending_signals(void)
{
	size_t i;

	if (!signals_caught)
		return;
	for (i = 0; i < 3; i++)
		sigaction(ending_signals[i], &chained[i], NULL);
	signals_caught = false;
}

/* The command's pane, sized as the layout will make it; without one, the list alone. */
static void open_pane(struct tui *ui)
{
	struct winsize ws = { 0 };
	char err[256];

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || ws.ws_row < 3 || ws.ws_col < 1)
		ws.ws_row = 24, ws.ws_col = 80;
	ui->pane = tui_term_new(tui_pane_rows(ws.ws_row), ws.ws_col, err, sizeof(err));
	if (!ui->pane) {
		tui_say(ui, "no pane for the command: %s", err);
		return;
	}
	ui->ctx->command_tty = tui_term_slave_fd(ui->pane);
	ui->pane_focus = true;
}

static void tui_close(void *state);

static int show_exec(void *state, const struct tracer_event *ev, uint32_t lookups);

static int tui_open(struct sink_ctx *ctx, void **state)
{
	const struct cli_opts *opts = ctx->opts;
	struct tui *ui;

	if (!opts->tui)
		return SINK_NOT_WANTED;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "tracer: --tui needs a terminal (standard input and output)\n");
		return SINK_USAGE;
	}
	ui = sink_state_new(sizeof(*ui));
	if (!ui)
		return SINK_FAILED;
	ui->ctx = ctx;
	ui->follow = true;
	ui->cursor = ui->top = UINT64_MAX;
	ui->render.time = opts->time;
	ui->render.start_ns = ctx->start_ns;
	ui->list = tui_list_new(TUI_LIST_MAX, TUI_LIST_BYTES);
	ui->render.parents = parentctx_new();
	if (!opts->show_lookups)
		ui->fold = fold_new(show_exec, ui);
	if (opts->lib.capture_env)
		ui->render.env = envdiff_new();
	ui->breaks = tui_breaks_new(ctx->t, opts->stop_at, opts->lib.n_stop_at);
	if (!ui->list || !ui->render.parents || !ui->breaks || (!opts->show_lookups && !ui->fold) ||
	    (opts->lib.capture_env && !ui->render.env)) {
		fprintf(stderr, "tracer: out of memory\n");
		tui_close(ui);
		return SINK_FAILED;
	}
	if (opts->command)
		open_pane(ui);
	*state = ui;
	return 0;
}

static int tui_start(void *state)
{
	struct tui *ui = state;

	catch_ending_signals();
	/* The COMMAND is forked and holds the pane's terminal: tracer lets its copy go. */
	if (ui->pane && ui->ctx->command_pid > 0)
		tui_term_child_started(ui->pane, ui->ctx->command_pid);
	return tui_begin(ui);
}

/* An exec onto the list, with the failed PATH lookups folded into it (fold.h). */
static int show_exec(void *state, const struct tracer_event *ev, uint32_t lookups)
{
	struct tui *ui = state;
	struct tui_exec x;

	if (tui_render_exec(&ui->render, ev, lookups, &x) || tui_list_add(ui->list, &x))
		tui_say(ui, "out of memory: an exec is not shown");
	if (ev->exec.ret)
		ui->failed++;
	tui_event_seen(ui, true);
	return 0;
}

static int tui_event(void *state, const struct tracer_event *ev)
{
	struct tui *ui = state;

	tui_breaks_event(ui->breaks, ev);
	switch (ev->type) {
	case TRACER_EVENT_EXEC:
		/* The COMMAND's first exec: tracer's own child. */
		if (!ui->command_pid && ui->ctx->opts->command &&
		    ev->exec.ppid == (uint32_t)getpid())
			ui->command_pid = (pid_t)ev->exec.pid;
		if (ui->fold)
			fold_exec(ui->fold, ev);
		else
			show_exec(ui, ev, 0);
		break;
	case TRACER_EVENT_EXIT:
		if (ui->fold)
			fold_exit(ui->fold, ev->exit.pid);
		tui_list_exit(ui->list, ev->exit.pid, ev->exit.exit_code, ev->ts_ns);
		tui_render_exit(&ui->render, ev->exit.pid);
		break;
	default:
		break;
	}
	tui_event_seen(ui, false);
	return 0;
}

static int tui_wait_fds(void *state, struct pollfd *fds, int max, int *timeout_ms)
{
	struct tui *ui = state;
	int n = 0, wait = tui_wait_ms(ui);

	if (!ui->active)
		return 0;
	if (wait >= 0 && (*timeout_ms < 0 || wait < *timeout_ms))
		*timeout_ms = wait;
	if (n < max)
		fds[n++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	if (ui->pane && !ui->pane_gone && n < max)
		fds[n++] = (struct pollfd){ .fd = tui_term_fd(ui->pane), .events = POLLIN };
	return n;
}

/* q, Ctrl-C, a signal or the terminal gone: the command's terminal is closed. */
static bool quitting(struct tui *ui)
{
	if (ending_signal)
		ui->quit = true;
	if (ui->quit && ui->pane && !ui->pane_gone) {
		tui_term_hangup(ui->pane);
		ui->pane_gone = true;
	} else if (ui->quit && !ui->pane && ui->command_pid && !ui->ended) {
		/*
		 * No pane: the command shares tracer's terminal, which stays;
		 * it gets what the terminal's hangup would have sent. Not
		 * reaped yet, its pid cannot be another's.
		 */
		kill(ui->command_pid, SIGHUP);
		kill(ui->command_pid, SIGCONT);
		ui->command_pid = 0;
	}
	return ui->quit;
}

static int tui_tick_op(void *state)
{
	struct tui *ui = state;

	if (quitting(ui))
		return SINK_STOP;
	/* A command found nowhere: its walk is shown once it is over. */
	if (ui->fold)
		fold_expire(ui->fold, sink_now_ns());
	tui_tick(ui);
	return quitting(ui) ? SINK_STOP : 0;
}

/* Tracing is over: the last screen stays, keys still work, until q or a signal. */
static void hold_screen(struct tui *ui)
{
	struct pollfd fds[3];
	int n, timeout;

	ui->ended = true;
	/* Nothing there reads keys any more: they are the list's. */
	ui->pane_focus = false;
	tui_say(ui, "tracing is over: q quits");
	while (ui->active && !quitting(ui)) {
		timeout = -1;
		n = tui_wait_fds(ui, fds, 3, &timeout);
		if (poll(fds, n, timeout) < 0 && errno != EINTR)
			break;
		tui_tick(ui);
	}
}

static int tui_finish(void *state)
{
	struct tui *ui = state;

	if (ui->fold)
		fold_flush(ui->fold);
	if (ui->active && !quitting(ui)) {
		tui_draw(ui);
		hold_screen(ui);
	}
	tui_end(ui);
	return 0;
}

static void tui_close(void *state)
{
	struct tui *ui = state;

	tui_end(ui);
	release_ending_signals();
	tui_breaks_free(ui->breaks);
	if (ui->pane)
		tui_term_free(ui->pane);
	fold_free(ui->fold);
	tui_list_free(ui->list);
	tui_render_free(&ui->render);
	parentctx_free(ui->render.parents);
	envdiff_free(ui->render.env);
	free(ui);
}

const struct sink_ops tui_sink = {
	.name = "tui",
	.open = tui_open,
	.start = tui_start,
	.event = tui_event,
	.tick = tui_tick_op,
	.finish = tui_finish,
	.close = tui_close,
	.wait_fds = tui_wait_fds,
};
