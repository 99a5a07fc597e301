// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* SIGHUP: reopen the output files, or leave it to whom it belongs (hangup.h). */
#include <signal.h>
#include <stddef.h>

#include "hangup.h"

static volatile sig_atomic_t hangup_seen;

static void on_hangup(int sig)
{
	(void)sig;
	hangup_seen = 1;
}

bool hangup_reopens(const struct cli_opts *opts)
{
	/* Under --tui, a SIGHUP is the terminal going away: the view ends (sink_tui.c). */
	return opts->output && !opts->command && !opts->tui;
}

void hangup_catch(void)
{
	struct sigaction sa = { .sa_handler = on_hangup };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
}

bool hangup_take(void)
{
	if (!hangup_seen)
		return false;
	hangup_seen = 0;
	return true;
}
