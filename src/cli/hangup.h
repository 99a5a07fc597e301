/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * SIGHUP, in one place: what it means depends on how tracer runs.
 *
 * - With -o FILE and no COMMAND (--all, --pid, --tty, the service), it asks
 *   for the output to be reopened: logrotate renames the file, then sends
 *   SIGHUP (postrotate), and the events after it go to a new FILE. The bus
 *   delivers it to the sinks (sink_ops.reopen) between two waits for events,
 *   so no event falls between the two files.
 * - With a COMMAND, it is the command's (launch.c forwards it or lets the
 *   terminal's hangup reach it): a build under tracer is not a log to rotate.
 * - Under --tui it is the terminal going away: hangup_reopens() says no,
 *   and the view's sink (sink_tui.c) ends the run, its pane hung up.
 * - Otherwise its default action stays: a hangup of the terminal ends tracer.
 */
#ifndef TRACER_HANGUP_H
#define TRACER_HANGUP_H

#include <stdbool.h>

#include "opts.h"

/* Whether SIGHUP reopens the output files for this run. */
bool hangup_reopens(const struct cli_opts *opts);

/*
 * Catches SIGHUP (without SA_RESTART: the wait for events returns at once)
 * and remembers it for hangup_take().
 */
void hangup_catch(void);

/* Whether a SIGHUP came since the last call (and forgets it). */
bool hangup_take(void);

#endif /* TRACER_HANGUP_H */
