/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Command-line options (argp). Pure: parsing and the checks of syntax and
 * range of what the command line itself reads (numbers, sizes, the
 * combinations of options). What the library's options name (terminals,
 * stop patterns, excluded files) is checked by tracer_create(), which says
 * why in its own words.
 *
 * One configuration hop: what the library takes is parsed straight into
 * struct cli_opts.lib, a struct tracer_options, handed as it is to
 * tracer_create(); the rest is the command line's own.
 */
#ifndef TRACER_OPTS_H
#define TRACER_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <tracer/tracer.h>
#include "exclfrom.h"
#include "writer.h"

/* The command line's own limits (the library's are in its header). */
#define TRACER_MAX_ROOTS 1024
#define TRACER_MAX_TTYS 64
#define TRACER_MAX_CDB_COMPILERS 64
#define TRACER_STORE_DEFAULT 10000
#define TRACER_STORE_MAX 10000000
/* The store's budget in bytes (--store-bytes): the execs as kept. */
#define TRACER_STORE_BYTES_DEFAULT (32ull << 20)
#define TRACER_STORE_BYTES_MIN (1ull << 20)
#define TRACER_STORE_BYTES_MAX (64ull << 30)
/* --match: at most this many patterns. */
#define TRACER_MAX_MATCH 64

enum tracer_exit_code {
	TRACER_EXIT_OK = 0,
	TRACER_EXIT_FAILURE = 1,
	TRACER_EXIT_USAGE = 2,
};

/* --color: auto is a terminal and no NO_COLOR (https://no-color.org). */
enum color_mode {
	COLOR_AUTO,
	COLOR_ALWAYS,
	COLOR_NEVER,
};

struct cli_opts {
	/*
	 * The library's options: the scope (pids, ttys, all: system_wide), the
	 * limits, --env, --no-redact, --stop-at, the exclusions, the events
	 * the kernel must send (those printed and those the sinks need). Its
	 * arrays point into the fields below. on_event, ctx and epoch_ns are
	 * main()'s.
	 */
	struct tracer_options lib;
	uint32_t pids[TRACER_MAX_ROOTS]; /* lib.pids */
	const char *ttys[TRACER_MAX_TTYS]; /* lib.ttys, as the user spelled them */
	const char *stop_at[TRACER_STOP_PATTERNS_MAX]; /* lib.stop_at */
	struct exclusions exclude; /* lib.exclude_*: --exclude, -caller, -comm, -from */
	/* Service mode: --listen [ADDR:]PORT (HTTP API), --store N, --quiet */
	bool listen;
	uint32_t listen_addr; /* IPv4, host order; default 127.0.0.1 */
	uint16_t listen_port;
	const char *listen_unix; /* --listen unix:PATH: the socket's path; NULL: TCP */
	uint64_t store_size; /* default TRACER_STORE_DEFAULT */
	uint64_t store_bytes; /* --store-bytes: default TRACER_STORE_BYTES_DEFAULT */
	const char *listen_token_file; /* --listen-token-file: NULL: no token */
	bool listen_group_set; /* --listen-group: the socket 0660 for listen_group */
	uint32_t listen_group;
	bool quiet; /* no event output */
	enum format_kind format; /* --format, -j: default FORMAT_TEXT */
	const char *output; /* NULL: stdout */
	int output_fd; /* --output-fd N: events on inherited descriptor N (>= 1); 0: none */
	int verbose; /* how many -v (lib.verbose: at least one) */
	/* Launch mode: tracer [OPTIONS] -- COMMAND [ARG...] */
	char **command; /* NULL-terminated COMMAND and its arguments; NULL: none */
	int command_argc;
	const char *user; /* -u: run COMMAND as this user (name or uid); NULL: default */
	bool follow_all; /* trace until every descendant of COMMAND has gone */
	/* Process lifecycle (see evlist.h, tree.h, timeline.h) */
	uint32_t events; /* printed event kinds, TRACER_EVENT_BIT()s; default exec */
	bool tree; /* print the process tree at the end */
	const char *timeline; /* write a Chrome trace-event timeline there; NULL: none */
	/* The summary at the end (summary.h, sink_summary.c) */
	bool summary; /* --summary: the per-program table on standard error */
	const char *summary_json; /* --summary-json FILE: the summary as JSON there; NULL: none */
	const char *on_stop; /* --on-stop: shell command run for each stop; NULL: none */
	unsigned int on_stop_max; /* --on-stop-max: at most this many at once (0: the default) */
	/* Compilation database (see cdbfile.h) */
	const char *compile_db; /* --compile-db FILE; NULL: none */
	const char *compile_db_compilers[TRACER_MAX_CDB_COMPILERS]; /* --compile-db-compiler */
	size_t n_compile_db_compilers;
	bool compile_db_append; /* --compile-db-append */
	/* A fleet's habits (issue 27) */
	bool journal; /* --journal: each event as a structured journal entry */
	/* How the text reads (issue 24, opts_face.c) */
	enum time_mode time; /* --time: default wall for text, rel for kv */
	bool time_set; /* --time was given */
	enum color_mode color; /* --color: default auto */
	bool show_lookups; /* --show-lookups: text shows every failed PATH lookup */
	/*
	 * What is reported (see filter.h): --uid and --comm in the kernel
	 * (lib.uids, lib.comms point here), --failed and --match on the bus,
	 * before every sink. --cgroup is lib.cgroup.
	 */
	uint32_t uids[TRACER_FILTER_MAX];
	const char *comms[TRACER_FILTER_MAX];
	bool failed_only; /* --failed */
	bool tui; /* --tui: the full-screen view (tui.c) */
	const char *match[TRACER_MAX_MATCH]; /* --match GLOB */
	size_t n_match;
};

/* Whether to colour what goes to fd: --color, NO_COLOR and whether fd is a terminal. */
bool opts_use_color(const struct cli_opts *opts, int fd);

/*
 * Parses argv into opts (defaults first). Messages go to err (one line,
 * "tracer: ..."). Returns -1 when parsing succeeded and the program should go
 * on, or an exit code to exit with now: 0 after --help/--version (printed to
 * out), 2 for a usage error (including no scope and no COMMAND at all).
 */
int opts_parse(int argc, char **argv, struct cli_opts *opts, FILE *out, FILE *err);

/* Frees what opts_parse() allocated (the exclusion lists). */
void opts_free(struct cli_opts *opts);

#endif /* TRACER_OPTS_H */
