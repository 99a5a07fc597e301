/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Command-line options (argp). Pure: parsing and syntax checks only. */
#ifndef TRACER_OPTS_H
#define TRACER_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <tracer/tracer.h>
#include "exclude.h"
#include "writer.h"

#define TRACER_MAX_ROOTS 1024
#define TRACER_MAX_TTYS 64
#define TRACER_MAX_CDB_COMPILERS 64
#define TRACER_STORE_DEFAULT 10000
#define TRACER_STORE_MAX 10000000
/* The store's budget in bytes (--store-bytes): JSON as kept, escapes included. */
#define TRACER_STORE_BYTES_DEFAULT (32ull << 20)
#define TRACER_STORE_BYTES_MIN (1ull << 20)
#define TRACER_STORE_BYTES_MAX (64ull << 30)

enum tracer_exit_code {
	TRACER_EXIT_OK = 0,
	TRACER_EXIT_FAILURE = 1,
	TRACER_EXIT_USAGE = 2,
};

struct tracer_opts {
	uint32_t pids[TRACER_MAX_ROOTS];
	size_t n_pids;
	const char *ttys[TRACER_MAX_TTYS]; /* as the user spelled them */
	size_t n_ttys;
	bool watch_children; /* default true */
	bool all; /* --all: every process of the machine */
	struct exclude_list exclude; /* --exclude, --exclude-caller, --exclude-comm, --exclude-from */
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
	bool capture_env; /* --env */
	bool keep_secrets; /* --no-redact */
	const char *output; /* NULL: stdout */
	int output_fd; /* --output-fd N: events on inherited descriptor N (>= 1); 0: none */
	int verbose;
	unsigned int max_args; /* default TRACER_MAX_ARGS_DEFAULT, 1..TRACER_MAX_ARGS_LIMIT */
	unsigned int max_arg_bytes; /* TRACER_MAX_ARG_BYTES_DEFAULT, 1.._LIMIT */
	uint64_t ringbuf_bytes; /* default: sized from the limits; power of two >= 4096 (rounded up) */
	uint64_t max_procs; /* 0: from kernel.pid_max / threads-max */
	/* Launch mode: tracer [OPTIONS] -- COMMAND [ARG...] */
	char **command; /* NULL-terminated COMMAND and its arguments; NULL: none */
	int command_argc;
	const char *user; /* -u: run COMMAND as this user (name or uid); NULL: default */
	bool follow_all; /* trace until every descendant of COMMAND has gone */
	/* Process lifecycle (see evlist.h, tree.h, timeline.h) */
	uint32_t events; /* printed event kinds, TRACER_EVENT_BIT()s; default exec */
	bool tree; /* print the process tree at the end */
	const char *timeline; /* write a Chrome trace-event timeline there; NULL: none */
	/* Stop at exec (--stop-at, --on-stop; see onstop.h) */
	const char *stop_at[TRACER_STOP_PATTERNS_MAX]; /* valid glob patterns */
	size_t n_stop_at;
	const char *on_stop; /* shell command run for each stop, {pid} replaced; NULL: none */
	/* Compilation database (see cdbfile.h) */
	const char *compile_db; /* --compile-db FILE; NULL: none */
	const char *compile_db_compilers[TRACER_MAX_CDB_COMPILERS]; /* --compile-db-compiler */
	size_t n_compile_db_compilers;
	bool compile_db_append; /* --compile-db-append */
};

/* Parses a pid: decimal digits only, 1..4194304. Returns 0 or -EINVAL. */
int parse_pid(const char *s, uint32_t *pid);
/* Parses a size with optional K/M/G suffix (binary). Returns 0 or -EINVAL/-ERANGE. */
int parse_size(const char *s, uint64_t *val);

/*
 * Parses argv into opts (defaults first). Messages go to err (one line,
 * "tracer: ..."). Returns -1 when parsing succeeded and the program should go
 * on, or an exit code to exit with now: 0 after --help/--version (printed to
 * out), 2 for a usage error (including no scope and no COMMAND at all).
 */
int opts_parse(int argc, char **argv, struct tracer_opts *opts, FILE *out, FILE *err);

/* Frees what opts_parse() allocated (the exclusion lists). */
void opts_free(struct tracer_opts *opts);

#endif /* TRACER_OPTS_H */
