// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Command-line options, parsed with glibc's argp.
 *
 * argp runs with ARGP_NO_EXIT (it never exits), ARGP_NO_ERRS (neither argp
 * nor getopt prints anything by itself) and ARGP_NO_HELP (--help, --usage and
 * --version are ours, so that they stop the parsing): every message is
 * written here, as a single "tracer: ..." line. The options themselves and
 * the help text are in opts_table.c, the messages in opts_errors.c.
 */
#include <argp.h>
#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracer/tracer.h>

#include "evlist.h"
#include "listen.h"
#include "onstop.h"
#include "opts_int.h"
#include "outfile.h"
#include "parse.h"

static uint64_t round_up_pow2(uint64_t v)
{
	uint64_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

static error_t add_pid(struct parse_ctx *ctx, const char *arg)
{
	struct tracer_options *lib = &ctx->opts->lib;
	uint32_t pid;
	size_t i;

	if (parse_pid(arg, &pid))
		return usage_error(ctx, "invalid pid ", arg, "");
	/* The same pid given twice is one root. */
	for (i = 0; i < lib->n_pids; i++) {
		if (ctx->opts->pids[i] == pid)
			return 0;
	}
	if (lib->n_pids >= TRACER_MAX_ROOTS)
		return usage_error(ctx, "too many pids (max " STR(TRACER_MAX_ROOTS) ")", NULL, "");
	ctx->opts->pids[lib->n_pids++] = pid;
	return 0;
}

/* Whether it names a terminal is the library's to say (tracer_create(), tracer_start()). */
static error_t add_tty(struct parse_ctx *ctx, const char *arg)
{
	struct tracer_options *lib = &ctx->opts->lib;

	if (lib->n_ttys >= TRACER_MAX_TTYS)
		return usage_error(ctx, "too many ttys (max " STR(TRACER_MAX_TTYS) ")", NULL, "");
	ctx->opts->ttys[lib->n_ttys++] = arg;
	return 0;
}

/*
 * The first argument after "--": it and everything after it are the COMMAND,
 * passed on untouched (argp is told they are consumed).
 */
static error_t take_command(struct parse_ctx *ctx, struct argp_state *state)
{
	struct cli_opts *opts = ctx->opts;
	int first = state->next - 1;

	opts->command = &state->argv[first];
	opts->command_argc = state->argc - first;
	state->next = state->argc;
	return 0;
}

/* Options that need another, or exclude one. */
static error_t check_combinations(struct parse_ctx *ctx)
{
	const struct cli_opts *opts = ctx->opts;

	if (!opts->command && opts->user)
		return usage_error(ctx,
				   "--user needs a COMMAND: tracer [OPTIONS] -- COMMAND [ARG...]",
				   NULL, "");
	if (!opts->command && opts->follow_all)
		return usage_error(
			ctx, "--follow-all needs a COMMAND: tracer [OPTIONS] -- COMMAND [ARG...]",
			NULL, "");
	if (opts->quiet && !opts->listen && !opts->journal && !opts->summary && !opts->summary_json)
		return usage_error(ctx, "--quiet needs --listen, --journal or a --summary", NULL,
				   "");
	if (opts->on_stop && !opts->lib.n_stop_at)
		return usage_error(ctx, "--on-stop needs --stop-at", NULL, "");
	if (opts->on_stop_max && !opts->on_stop)
		return usage_error(ctx, "--on-stop-max needs --on-stop", NULL, "");
	if (opts->listen_token_file && !opts->listen)
		return usage_error(ctx, "--listen-token-file needs --listen", NULL, "");
	if (opts->listen_group_set && !opts->listen_unix)
		return usage_error(ctx, "--listen-group needs --listen unix:PATH", NULL, "");
	if (opts->lib.keep_secrets && !opts->lib.capture_env)
		return usage_error(ctx, "--no-redact needs --env", NULL, "");
	if (opts->output && opts->output_fd)
		return usage_error(ctx, "--output and --output-fd: give one of them", NULL, "");
	/* -o - is standard output, as --output-fd 1: never a file named "-". */
	if (opts->output && !strcmp(opts->output, "-")) {
		ctx->opts->output = NULL;
		ctx->opts->output_fd = STDOUT_FILENO;
	}
	if (!opts->compile_db && (opts->n_compile_db_compilers || opts->compile_db_append))
		return usage_error(ctx,
				   opts->compile_db_append ?
					   "--compile-db-append needs --compile-db" :
					   "--compile-db-compiler needs --compile-db",
				   NULL, "");
	return 0;
}

static error_t check_scope(struct parse_ctx *ctx)
{
	const struct cli_opts *opts = ctx->opts;
	const struct tracer_options *lib = &opts->lib;

	if (lib->system_wide && (lib->n_pids || lib->n_ttys || opts->command))
		return usage_error(
			ctx, "--all traces every process: it takes no --pid, --tty or COMMAND",
			NULL, "");
	if (!lib->n_pids && !lib->n_ttys && !opts->command && !lib->system_wide)
		return usage_error(
			ctx,
			"nothing to trace: give --pid PID, --tty TTY, --all or -- COMMAND (see --help)",
			NULL, "");
	return 0;
}

/*
 * The end of the command line: the kernel is asked for what is printed and
 * for what the sinks need, and the library's arrays point to their lists.
 */
static void finish_options(struct cli_opts *opts)
{
	struct tracer_options *lib = &opts->lib;
	const struct exclusions *x = &opts->exclude;

	if (!opts->events)
		opts->events = EVLIST_DEFAULT;
	/* The summary is built on the same process model as the tree. */
	lib->events = evlist_kernel_mask(opts->events,
					 opts->tree || opts->summary || opts->summary_json,
					 opts->timeline != NULL);
	/*
	 * The text's environment changes and the readable line's parent
	 * contexts: remembered until the process exits.
	 */
	if ((lib->capture_env && opts->format == FORMAT_KV) ||
	    (opts->format == FORMAT_TEXT && !opts->quiet))
		lib->events |= TRACER_EVENT_BIT(TRACER_EVENT_EXIT);
	if (!opts->time_set)
		opts->time = opts->format == FORMAT_TEXT ? TIME_WALL : TIME_REL;
	/* The compilation database follows the process tree: what a compile runs is its own. */
	if (opts->compile_db)
		lib->events |= TRACER_EVENT_BIT(TRACER_EVENT_FORK) |
			       TRACER_EVENT_BIT(TRACER_EVENT_EXIT);
	lib->verbose = opts->verbose > 0;
	tui_finish_options(opts);
	lib->exclude_paths = (const char *const *)x->paths.v;
	lib->n_exclude_paths = x->paths.n;
	lib->exclude_callers = (const char *const *)x->callers.v;
	lib->n_exclude_callers = x->callers.n;
	lib->exclude_comms = (const char *const *)x->comms.v;
	lib->n_exclude_comms = x->comms.n;
}

/* --exclude, --exclude-caller, --exclude-comm: the library checks them. */
static error_t add_exclusion(struct parse_ctx *ctx, int key, const char *arg)
{
	struct exclusions *x = &ctx->opts->exclude;
	struct strlist *l = key == OPT_EXCLUDE	      ? &x->paths :
			    key == OPT_EXCLUDE_CALLER ? &x->callers :
							&x->comms;

	if (strlist_add(l, arg, strlen(arg)))
		return usage_error(ctx, "out of memory", NULL, "");
	return 0;
}

static error_t read_exclusions(struct parse_ctx *ctx, const char *path)
{
	struct outfile_owner owner = { 0 };
	char where[96], err[8];
	const char *why;
	size_t line;

	/* Whom the file may belong to besides root: the sudo user's, as output files. */
	if (outfile_owner_from_env(&owner, err, sizeof(err)))
		owner.uid = 0;
	why = exclfrom_load(&ctx->opts->exclude, path, owner.uid, &line);
	if (!why)
		return 0;
	if (!strcmp(why, "out of memory"))
		return usage_error(ctx, "out of memory", NULL, "");
	if (line) {
		snprintf(where, sizeof(where), ", line %zu: %s", line, why);
		return usage_error(ctx, "invalid --exclude-from ", path, where);
	}
	snprintf(where, sizeof(where), ": %s", why);
	return usage_error(ctx, "cannot read --exclude-from ", path, where);
}

static error_t parse_limit(struct parse_ctx *ctx, const char *arg, bool size, uint64_t min,
			   uint64_t max, const char *what, const char *range, uint64_t *val)
{
	uint64_t v;
	int ret;

	ret = size ? parse_size(arg, &v) : parse_dec(arg, strlen(arg), UINT64_MAX, &v);
	if (ret || v < min || v > max)
		return usage_error(ctx, what, arg, range);
	*val = v;
	return 0;
}

/* --listen-group GROUP: a name, or a number. */
static error_t parse_group(struct parse_ctx *ctx, const char *arg)
{
	struct group *gr;
	uint64_t v;

	if (!parse_dec(arg, strlen(arg), UINT32_MAX - 1, &v)) {
		ctx->opts->listen_group = (uint32_t)v;
	} else {
		gr = *arg ? getgrnam(arg) : NULL;
		if (!gr)
			return usage_error(ctx, "--listen-group: no such group: ", arg, "");
		ctx->opts->listen_group = (uint32_t)gr->gr_gid;
	}
	ctx->opts->listen_group_set = true;
	return 0;
}

/* --listen [ADDR:]PORT or unix:PATH. */
static error_t parse_listen(struct parse_ctx *ctx, const char *arg)
{
	struct cli_opts *opts = ctx->opts;

	if (!strncmp(arg, "unix:", 5)) {
		if (!arg[5] || strlen(arg + 5) >= 108)
			return usage_error(ctx, "invalid --listen ", arg,
					   " (unix:PATH, PATH under 108 bytes)");
		opts->listen_unix = arg + 5;
	} else if (listen_parse(arg, &opts->listen_addr, &opts->listen_port)) {
		return usage_error(ctx, "invalid --listen ", arg,
				   " ([ADDR:]PORT, ADDR an IPv4 address, PORT 1-65535)");
	}
	opts->listen = true;
	return 0;
}

static void print_help(FILE *out, const struct argp *argp, unsigned int flags)
{
	static char name[] = "tracer";

	argp_help(argp, out, flags, name);
}

/* What to trace: pids, terminals, everything, and what not to. */
static error_t parse_scope_opt(struct parse_ctx *ctx, int key, char *arg)
{
	struct cli_opts *opts = ctx->opts;

	switch (key) {
	case 'p':
		return add_pid(ctx, arg);
	case 't':
		return add_tty(ctx, arg);
	case OPT_ALL:
		opts->lib.system_wide = true;
		return 0;
	case OPT_NO_WATCH_CHILDREN:
		opts->lib.watch_children = false;
		return 0;
	case OPT_EXCLUDE:
	case OPT_EXCLUDE_CALLER:
	case OPT_EXCLUDE_COMM:
		return add_exclusion(ctx, key, arg);
	case OPT_EXCLUDE_FROM:
		return read_exclusions(ctx, arg);
	case 'u':
		if (!*arg)
			return usage_error(ctx, "invalid --user ", arg, "");
		opts->user = arg;
		return 0;
	case OPT_FOLLOW_ALL:
		opts->follow_all = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* How much the kernel captures and keeps: the public header's limits. */
static error_t parse_limit_opt(struct parse_ctx *ctx, int key, char *arg)
{
	struct tracer_options *lib = &ctx->opts->lib;
	uint64_t v = 0;
	error_t err;

	switch (key) {
	case OPT_MAX_ARGS:
		err = parse_limit(ctx, arg, false, 1, TRACER_MAX_ARGS_LIMIT, "invalid --max-args ",
				  " (1-" STR(TRACER_MAX_ARGS_LIMIT) ")", &v);
		if (!err)
			lib->max_args = (unsigned int)v;
		return err;
	case OPT_MAX_ARG_BYTES:
		err = parse_limit(ctx, arg, true, 1, TRACER_MAX_ARG_BYTES_LIMIT,
				  "invalid --max-arg-bytes ", " (1-2097152)", &v);
		if (!err)
			lib->max_arg_bytes = (unsigned int)v;
		return err;
	case OPT_RINGBUF_SIZE:
		err = parse_limit(ctx, arg, true, TRACER_RINGBUF_BYTES_MIN,
				  TRACER_RINGBUF_BYTES_MAX, "invalid --ringbuf-size ", " (4K-1G)",
				  &v);
		if (!err)
			lib->ringbuf_bytes = round_up_pow2(v);
		return err;
	case OPT_MAX_PROCS:
		return parse_limit(ctx, arg, false, 0, TRACER_PID_MAX, "invalid --max-procs ",
				   " (0-" STR(TRACER_PID_MAX) ")", &lib->max_procs);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* --format and -j. */
static error_t parse_format(struct parse_ctx *ctx, int key, const char *arg)
{
	static const char *const names[] = {
		[FORMAT_TEXT] = "text",
		[FORMAT_JSON] = "json",
		[FORMAT_SH] = "sh",
		[FORMAT_KV] = "kv",
	};
	size_t i;

	if (key == 'j')
		arg = names[FORMAT_JSON];
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(arg, names[i])) {
			ctx->opts->format = (enum format_kind)i;
			return 0;
		}
	}
	return usage_error(ctx, "invalid --format ", arg, " (text, kv, json or sh)");
}

/* A FILE option: any path but an empty one. */
static error_t take_path(struct parse_ctx *ctx, const char *what, const char *arg,
			 const char **path)
{
	if (!*arg)
		return usage_error(ctx, what, arg, "");
	*path = arg;
	return 0;
}

/* What is written, where and how. */
static error_t parse_output_opt(struct parse_ctx *ctx, int key, char *arg)
{
	struct cli_opts *opts = ctx->opts;
	uint64_t v64;
	uint32_t v32;

	switch (key) {
	case 'j':
	case OPT_FORMAT:
		return parse_format(ctx, key, arg);
	case OPT_ENV:
		opts->lib.capture_env = true;
		return 0;
	case OPT_NO_REDACT:
		opts->lib.keep_secrets = true;
		return 0;
	case 'o':
		return take_path(ctx, "invalid --output ", arg, &opts->output);
	case OPT_OUTPUT_FD:
		if (parse_dec(arg, strlen(arg), INT32_MAX, &v64) || v64 == 0)
			return usage_error(ctx, "invalid --output-fd ", arg,
					   " (a descriptor number, 1 or more)");
		opts->output_fd = (int)v64;
		return 0;
	case 'v':
		opts->verbose++;
		return 0;
	case OPT_EVENTS:
		if (evlist_parse(arg, &v32))
			return usage_error(ctx, "invalid --events ", arg,
					   " (comma-separated exec, fork, exit, signal, all)");
		opts->events |= v32;
		return 0;
	case OPT_TREE:
		opts->tree = true;
		return 0;
	case OPT_TIMELINE:
		return take_path(ctx, "invalid --timeline ", arg, &opts->timeline);
	case OPT_SUMMARY:
		opts->summary = true;
		return 0;
	case OPT_SUMMARY_JSON:
		return take_path(ctx, "invalid --summary-json ", arg, &opts->summary_json);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* Service mode: the HTTP API and its store. */
static error_t parse_service_opt(struct parse_ctx *ctx, int key, char *arg)
{
	struct cli_opts *opts = ctx->opts;

	switch (key) {
	case OPT_LISTEN:
		return parse_listen(ctx, arg);
	case OPT_STORE:
		return parse_limit(ctx, arg, false, 1, TRACER_STORE_MAX, "invalid --store ",
				   " (1-" STR(TRACER_STORE_MAX) ")", &opts->store_size);
	case OPT_STORE_BYTES:
		return parse_limit(ctx, arg, true, TRACER_STORE_BYTES_MIN, TRACER_STORE_BYTES_MAX,
				   "invalid --store-bytes ", " (1M-64G)", &opts->store_bytes);
	case OPT_LISTEN_TOKEN_FILE:
		return take_path(ctx, "invalid --listen-token-file ", arg,
				 &opts->listen_token_file);
	case OPT_LISTEN_GROUP:
		return parse_group(ctx, arg);
	case 'q':
		opts->quiet = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* --stop-at, --on-stop: the library checks the patterns (tracer_create()). */
static error_t parse_stop_opt(struct parse_ctx *ctx, int key, char *arg)
{
	struct cli_opts *opts = ctx->opts;

	switch (key) {
	case OPT_STOP_AT:
		if (opts->lib.n_stop_at == TRACER_STOP_PATTERNS_MAX)
			return usage_error(ctx,
					   "too many --stop-at patterns (at most " STR(
						   TRACER_STOP_PATTERNS_MAX) "): ",
					   arg, "");
		opts->stop_at[opts->lib.n_stop_at++] = arg;
		return 0;
	case OPT_ON_STOP:
		if (!*arg)
			return usage_error(ctx, "invalid --on-stop ", arg, " (a shell command)");
		opts->on_stop = arg;
		return 0;
	case OPT_ON_STOP_MAX: {
		uint64_t v = 0;
		error_t err = parse_limit(ctx, arg, false, 1, ONSTOP_MAX_LIMIT,
					  "invalid --on-stop-max ",
					  " (1-" STR(ONSTOP_MAX_LIMIT) ")", &v);

		if (!err)
			opts->on_stop_max = (unsigned int)v;
		return err;
	}
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* The compilation database: --compile-db FILE and what goes with it. */
static error_t parse_compile_db_opt(struct parse_ctx *ctx, int key, char *arg)
{
	struct cli_opts *opts = ctx->opts;

	switch (key) {
	case OPT_COMPILE_DB:
		return take_path(ctx, "invalid --compile-db ", arg, &opts->compile_db);
	case OPT_COMPILE_DB_COMPILER:
		if (!*arg || strchr(arg, '/') || strlen(arg) >= 256)
			return usage_error(ctx, "invalid --compile-db-compiler ", arg,
					   " (a program name, without '/', under 256 bytes)");
		if (opts->n_compile_db_compilers >= TRACER_MAX_CDB_COMPILERS)
			return usage_error(ctx,
					   "too many --compile-db-compiler (max " STR(
						   TRACER_MAX_CDB_COMPILERS) ")",
					   NULL, "");
		opts->compile_db_compilers[opts->n_compile_db_compilers++] = arg;
		return 0;
	case OPT_COMPILE_DB_APPEND:
		opts->compile_db_append = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* A fleet's habits: the journal. */
static error_t parse_fleet_opt(struct parse_ctx *ctx, int key, char *arg)
{
	(void)arg;
	switch (key) {
	case OPT_JOURNAL:
		ctx->opts->journal = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* --help, --usage, --version: print, and exit 0. */
static error_t parse_info_opt(struct parse_ctx *ctx, int key, struct argp_state *state)
{
	switch (key) {
	case 'h':
		print_help(ctx->out, state->root_argp,
			   ARGP_HELP_SHORT_USAGE | ARGP_HELP_LONG | ARGP_HELP_DOC);
		break;
	case OPT_USAGE:
		print_help(ctx->out, state->root_argp, ARGP_HELP_USAGE);
		break;
	case 'V':
		fputs("tracer " TRACER_VERSION "\n", ctx->out);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	ctx->exit_code = TRACER_EXIT_OK;
	return ECANCELED;
}

/* The parsers by concern, each saying ARGP_ERR_UNKNOWN for the keys it does not know. */
static error_t (*const parsers[])(struct parse_ctx *ctx, int key, char *arg) = {
	parse_scope_opt,      parse_limit_opt, parse_output_opt, parse_service_opt, parse_stop_opt,
	parse_compile_db_opt, parse_fleet_opt, parse_face_opt,	 parse_filter_opt,  parse_tui_opt,
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct parse_ctx *ctx = state->input;
	error_t err = ARGP_ERR_UNKNOWN;
	size_t i;

	/* Options and arguments; the special keys start at ARGP_KEY_END. */
	if (key == ARGP_KEY_ARG || (key > 0 && key < ARGP_KEY_END))
		ctx->last_next = state->next;

	switch (key) {
	case ARGP_KEY_INIT:
		state->out_stream = ctx->out;
		state->err_stream = ctx->err;
		ctx->last_next = state->next > 1 ? state->next : 1;
		return 0;
	case ARGP_KEY_ARG:
		/* Everything after "--" is the COMMAND and its own arguments. */
		if (state->quoted && state->next > state->quoted)
			return take_command(ctx, state);
		if (*arg && (*arg < '0' || *arg > '9'))
			return usage_error(ctx, "invalid pid ", arg,
					   " (to run a command: tracer [OPTIONS] -- COMMAND)");
		return add_pid(ctx, arg);
	case ARGP_KEY_END:
		finish_options(ctx->opts);
		return check_combinations(ctx) ?: check_tui_combinations(ctx) ?: check_scope(ctx);
	case ARGP_KEY_ERROR:
		ctx->err_next = state->next;
		return 0;
	}
	for (i = 0; err == ARGP_ERR_UNKNOWN && i < sizeof(parsers) / sizeof(parsers[0]); i++)
		err = parsers[i](ctx, key, arg);
	if (err == ARGP_ERR_UNKNOWN)
		err = parse_info_opt(ctx, key, state);
	return err;
}

void opts_free(struct cli_opts *opts)
{
	exclusions_free(&opts->exclude);
}

int opts_parse(int argc, char **argv, struct cli_opts *opts, FILE *out, FILE *err)
{
	static const struct argp argp = {
		.options = opts_table,
		.parser = parse_opt,
		.args_doc = opts_args_doc,
		.doc = opts_doc,
	};
	struct parse_ctx ctx = {
		.opts = opts,
		.out = out,
		.err = err,
		.exit_code = -1,
		.last_next = 1,
		.err_next = 0,
	};
	error_t ret;

	memset(opts, 0, sizeof(*opts));
	tracer_options_init(&opts->lib);
	opts->lib.pids = opts->pids;
	opts->lib.ttys = opts->ttys;
	opts->lib.stop_at = opts->stop_at;
	opts->store_size = TRACER_STORE_DEFAULT;
	opts->store_bytes = TRACER_STORE_BYTES_DEFAULT;

	ret = argp_parse(&argp, argc, argv,
			 ARGP_IN_ORDER | ARGP_NO_EXIT | ARGP_NO_ERRS | ARGP_NO_HELP, NULL, &ctx);
	/* Exiting now (help, version, usage error): nothing parsed is used. */
	if (ctx.exit_code >= 0) {
		opts_free(opts);
		return ctx.exit_code;
	}
	if (ret) {
		explain_getopt_error(&ctx, argc, argv);
		opts_free(opts);
		return TRACER_EXIT_USAGE;
	}
	return -1;
}
