/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* What the option parser's files share (opts.c, opts_table.c, opts_errors.c). */
#ifndef TRACER_OPTS_INT_H
#define TRACER_OPTS_INT_H

#include <argp.h>
#include <stdio.h>

#include "opts.h"

#ifndef TRACER_VERSION
#error "TRACER_VERSION must be defined"
#endif

#define STR_(x) #x
#define STR(x) STR_(x)

/* Keys of the long-only options. */
enum {
	OPT_NO_WATCH_CHILDREN = 256,
	OPT_MAX_ARGS,
	OPT_MAX_ARG_BYTES,
	OPT_RINGBUF_SIZE,
	OPT_MAX_PROCS,
	OPT_FOLLOW_ALL,
	OPT_USAGE,
	OPT_ALL,
	OPT_EXCLUDE,
	OPT_EXCLUDE_COMM,
	OPT_EXCLUDE_FROM,
	OPT_LISTEN,
	OPT_STORE,
	OPT_STORE_BYTES,
	OPT_LISTEN_TOKEN_FILE,
	OPT_LISTEN_GROUP,
	OPT_QUIET,
	OPT_FORMAT,
	OPT_ENV,
	OPT_NO_REDACT,
};

/* Keys of the lifecycle options. */
enum {
	OPT_EVENTS = 0x200,
	OPT_TREE,
	OPT_TIMELINE,
};

/* Keys of the summary's options (issue 24.6). */
enum {
	OPT_SUMMARY = 0x2460,
	OPT_SUMMARY_JSON,
};

/* Keys of the options that keep what tracer writes apart from the traced (issue 12). */
enum {
	OPT_OUTPUT_FD = 0x300,
	OPT_EXCLUDE_CALLER,
};

/* Keys of the stop-at-exec options (issue 16). */
enum {
	OPT_STOP_AT = 0x400,
	OPT_ON_STOP,
	OPT_ON_STOP_MAX,
};

/* Keys of the compilation database's options (issue 15). */
enum {
	OPT_COMPILE_DB = 0x500,
	OPT_COMPILE_DB_COMPILER,
	OPT_COMPILE_DB_APPEND,
};

/* Keys of the options for a fleet's habits (issue 27). */
enum {
	OPT_JOURNAL = 0x2700,
};

/* Keys of how the text reads (issue 24, opts_face.c). */
enum {
	OPT_TIME = 0x700,
	OPT_COLOR,
	OPT_SHOW_LOOKUPS,
};

/* Keys of the options that narrow what is reported (issues 24.5, 27.6; opts_filter.c). */
enum {
	OPT_CGROUP = 0x900,
	OPT_UID,
	OPT_COMM,
	OPT_FAILED,
	OPT_MATCH,
};

/* Keys of the full-screen view's options (issue 25, opts_tui.c). */
enum {
	OPT_TUI = 0x2500,
};

struct parse_ctx {
	struct cli_opts *opts;
	FILE *out;
	FILE *err;
	/* -1 while parsing goes on; the exit code once decided. */
	int exit_code;
	/* state->next when the last option or argument was delivered. */
	int last_next;
	/* state->next when argp gave up. */
	int err_next;
};

/* --cgroup, --uid, --comm, --failed, --match (opts_filter.c); ARGP_ERR_UNKNOWN for other keys. */
error_t parse_filter_opt(struct parse_ctx *ctx, int key, char *arg);

/* The options' table and help text (opts_table.c). */
extern const struct argp_option opts_table[];
extern const char opts_doc[];
extern const char opts_args_doc[];

/* --tui: ARGP_ERR_UNKNOWN for any other key (opts_tui.c). */
error_t parse_tui_opt(struct parse_ctx *ctx, int key, char *arg);
/* What --tui needs of the other options, and what it excludes (opts_tui.c). */
void tui_finish_options(struct cli_opts *opts);
error_t check_tui_combinations(struct parse_ctx *ctx);

/* --time, --color, --show-lookups: ARGP_ERR_UNKNOWN for any other key (opts_face.c). */
error_t parse_face_opt(struct parse_ctx *ctx, int key, char *arg);

/*
 * Reports a usage error: "tracer: <pre>'<arg>'<post>" on one line (no quoted
 * part when arg is NULL), control characters of arg escaped. Returns EINVAL.
 */
error_t usage_error(struct parse_ctx *ctx, const char *pre, const char *arg, const char *post);

/*
 * argp stopped on an error getopt found (ARGP_NO_ERRS keeps it quiet): says
 * which, on one line, the way getopt itself would have.
 */
void explain_getopt_error(struct parse_ctx *ctx, int argc, char **argv);

#endif /* TRACER_OPTS_INT_H */
