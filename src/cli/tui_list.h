/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The execs the --tui list shows, in the order they came: each kept as a
 * compact copy of its event (evcopy.h) and the little that depends on what
 * came before it (tui_render.h), so that a storm of execs costs a copy each
 * and only what is drawn is ever written out as text. Memory is bounded: the
 * last TUI_LIST_MAX execs and TUI_LIST_BYTES bytes of them, the oldest
 * dropped first (counted: the status line says so). Pure: no curses here.
 */
#ifndef TRACER_TUI_LIST_H
#define TRACER_TUI_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TUI_LIST_MAX 100000
#define TUI_LIST_BYTES (64u << 20)
/* A comm: 15 bytes and a NUL, as the kernel keeps it. */
#define TUI_COMM_LEN 16

struct tui_filter;

struct tracer_event;

struct tui_exec {
	uint64_t seq; /* the nth exec seen (from 0) */
	uint64_t ts_ns;
	uint32_t pid, ppid;
	int32_t ret; /* the exec's: 0 or -errno */
	bool exited;
	int32_t exit_status; /* a wait(2) status, once exited */
	uint64_t end_ns; /* the exit's ts_ns */
	uint32_t uid, euid; /* after the exec */
	char comm[TUI_COMM_LEN]; /* the name --comm matches (tui_filter.h) */
	size_t bytes; /* of what is kept below */
	struct tracer_event *ev; /* the exec event, copied (evcopy.h; owned) */
	uint32_t lookups; /* failed PATH lookups folded into it (fold.h) */
	uint32_t line_context; /* what context its readable line shows (execline_context()) */
	char *env_diff; /* --env: the details' environment changes (owned), else NULL */
	char *cmdline; /* the arguments joined by single spaces, unescaped: what --match matches */
	/* The filter's answer for it, kept: a frame steps through the whole list. */
	uint32_t shown_gen; /* the filter's gen it is for; 0: none yet */
	bool shown;
};

struct tui_list;

struct tui_list *tui_list_new(size_t max_execs, size_t max_bytes);
void tui_list_free(struct tui_list *l);

/*
 * Takes e (ev and env_diff malloc'ed, owned by the list from now on; e->seq
 * is set). Returns 0, or -1 (out of memory: e's memory freed, nothing kept).
 */
int tui_list_add(struct tui_list *l, struct tui_exec *e);

/* A process exited: its last exec kept (if any) learns its status. */
void tui_list_exit(struct tui_list *l, uint32_t pid, int32_t status, uint64_t ts_ns);

/* The seqs kept: [first, end). */
uint64_t tui_list_first(const struct tui_list *l);
uint64_t tui_list_end(const struct tui_list *l);
/* How many were dropped (the oldest) to stay within the bounds. */
uint64_t tui_list_dropped(const struct tui_list *l);

/* The exec of seq, or NULL when it is not kept. */
const struct tui_exec *tui_list_get(const struct tui_list *l, uint64_t seq);

/* What the list shows: what passes the filter (tui_filter.h); NULL: all. */
bool tui_list_shown(const struct tui_exec *e, const struct tui_filter *f);

/*
 * The next exec shown (passing f) from seq in direction dir (+1, -1), seq
 * itself excluded; with needle, only those whose search text contains it
 * (tui_exec_matches()). Returns its seq, or UINT64_MAX when there is none.
 */
uint64_t tui_list_step(const struct tui_list *l, uint64_t seq, int dir, const struct tui_filter *f,
		       const char *needle);

#endif /* TRACER_TUI_LIST_H */
