/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The --tui list's live filter (F): the filters of the command line, typed
 * while tracing runs, over the execs the list keeps. The same semantics as
 * --uid, --comm, --match and --failed (doc/options.md): uid the real or the
 * effective user after the exec, comm the new program's name cut to 15
 * bytes as the kernel cuts it, match fnmatch(3) without flags over the
 * arguments joined by single spaces; each given must hold (a repeated one:
 * any of its values). It narrows what the list shows; what the kernel sends
 * is what the command line's filters let through. Pure: no curses here.
 *
 * The text: --uid 1000 --comm make --match 'gcc *' --failed, or the short
 * form uid=1000 comm=make match='gcc *' failed (and --uid=1000), words as
 * a shell splits them ('...', "...", \). Empty: no filter.
 */
#ifndef TRACER_TUI_FILTER_H
#define TRACER_TUI_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tracer/tracer.h>

#include "tui_list.h"

/* Of each kind, at most this many values. */
#define TUI_FILTER_MAX 64
/* The typed text's bound (the prompt's): the patterns are kept in as much. */
#define TUI_FILTER_TEXT 512

/* A value copied is a filter still: the patterns are offsets into pool. */
struct tui_filter {
	/* Which filter this is (0: none said): the list keeps each exec's answer for it. */
	uint32_t gen;
	bool failed;
	size_t n_uids, n_comms, n_match;
	uint32_t uids[TUI_FILTER_MAX];
	char comms[TUI_FILTER_MAX][TUI_COMM_LEN];
	uint16_t match[TUI_FILTER_MAX];
	char pool[TUI_FILTER_TEXT];
	size_t pool_len;
};

/* Whether f lets every exec through. */
bool tui_filter_none(const struct tui_filter *f);

/*
 * Parses text into *out (a new gen). 0, or -1 with one line in err saying
 * why; *out is then untouched (the filter in use stays).
 */
int tui_filter_parse(const char *text, struct tui_filter *out, char *err, size_t errlen);

/* Whether e passes f. */
bool tui_filter_pass(const struct tui_filter *f, const struct tui_exec *e);

/* f: --failed switched (f), a new filter for the list's kept answers. */
void tui_filter_toggle_failed(struct tui_filter *f);

/* f in the long form, its words escaped as shell words ("" when none). */
void tui_filter_describe(const struct tui_filter *f, char *buf, size_t len);

/*
 * The name --comm matches for the exec e (tracer's bpf/filter.bpf.h): the
 * basename of its filename, but for fexecve() (execveat of /dev/fd/N) the
 * executed file's; cut to 15 bytes.
 */
void tui_filter_comm_of(const struct tracer_exec_event *e, char comm[TUI_COMM_LEN]);

#endif /* TRACER_TUI_FILTER_H */
