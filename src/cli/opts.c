// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Command-line options, parsed with glibc's argp.
 *
 * argp runs with ARGP_NO_EXIT (it never exits), ARGP_NO_ERRS (neither argp
 * nor getopt prints anything by itself) and ARGP_NO_HELP (--help, --usage and
 * --version are ours, so that they stop the parsing): every message is
 * written here, as a single "tracer: ..." line.
 */
#include <argp.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <tracer/tracer.h>

#include "evlist.h"
#include "exclfile.h"
#ifdef TRACER_WITH_SERVICE
#include "listen.h"
#endif
#include "opts.h"
#include "stopglob.h"
#include "ttyname.h"

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

/* Keys of the options that keep what tracer writes apart from the traced (issue 12). */
enum {
	OPT_OUTPUT_FD = 0x300,
	OPT_EXCLUDE_CALLER,
};

/* Keys of the stop-at-exec options (issue 16). */
enum {
	OPT_STOP_AT = 0x400,
	OPT_ON_STOP,
};

/* Keys of the compilation database's options (issue 15). */
enum {
	OPT_COMPILE_DB = 0x500,
	OPT_COMPILE_DB_COMPILER,
	OPT_COMPILE_DB_APPEND,
};

static const char doc[] =
	"Report every program executed inside a process tree or on a terminal: the processes "
	"given with --pid (or as PID arguments), the processes whose controlling terminal is a "
	"--tty, the COMMAND given after --, and, unless --no-watch-children, all their "
	"descendants, those already running and those started later. Each execve/execveat, "
	"successful or not, is printed with its arguments and context (cwd, executable, "
	"standard fds, effective ids and, with --env, environment), as text, as JSON Lines, "
	"or as bash command lines that run it again.\n"
	"\n"
	"USAGE: tracer [OPTIONS] [PID...]\n"
	"       tracer [OPTIONS] -- COMMAND [ARG...]\n"
	"\n"
	"EXAMPLES:\n"
	"    tracer --pid 1234     # every exec in process 1234 and its descendants\n"
	"    tracer 1234 5678      # several trees\n"
	"    tracer --tty pts/9    # every exec on terminal /dev/pts/9\n"
	"    tracer --all          # every exec on the machine, until Ctrl-C\n"
	"    tracer --all --listen 8080 --quiet   # HTTP API on 127.0.0.1:8080\n"
	"    tracer --pid 1234 --json -o execs.jsonl\n"
	"    tracer --format sh -- make   # each exec as a bash line that repeats it\n"
	"    tracer --env --json -- ./configure   # with each exec's environment\n"
	"    tracer --pid 1234 --no-watch-children\n"
	"    tracer -- make test   # run make as the sudo user, events on stderr\n"
	"    tracer -o execs.log -- ./install.sh\n"
	"    tracer -u alice -- id\n"
	"    tracer --stop-at 'cc1*' -- make   # stop each cc1 at exec, for gdb -p PID\n"
	"    tracer --compile-db compile_commands.json -- make -j8   # for clangd\n"
	"\v"
	"SIZE accepts a K, M or G suffix (powers of 1024).\n"
	"\n"
	"With a COMMAND, tracer starts it (as the user who ran sudo, unless --user), traces it "
	"from its first exec, writes the events to standard error unless --output, and exits "
	"with its exit status (128+N if signal N killed it; 127: not found, 126: cannot be "
	"executed). Ctrl-C reaches the COMMAND; tracer then drains its events and exits.\n"
	"\n"
	"Exit status: 0 on success, 1 on a runtime failure, 2 on a usage error.\n"
	"tracer needs root (CAP_BPF and CAP_PERFMON) to load its BPF programs.";

static const char args_doc[] = "[PID...]\n-- COMMAND [ARG...]";

/* The help text spells these out. */
_Static_assert(TRACER_MAX_ARGS_LIMIT == 1048576 && TRACER_MAX_ARGS_DEFAULT == 0, "update --help");
_Static_assert(TRACER_MAX_ARG_BYTES_LIMIT == 2 << 20 && TRACER_MAX_ARG_BYTES_DEFAULT == 256 << 10,
	       "update --help");
_Static_assert(TRACER_PID_MAX == 4194304 && TRACER_RINGBUF_BYTES_DEFAULT == 1 << 20,
	       "update --help");
_Static_assert(TRACER_STOP_PATTERNS_MAX == 8 && TRACER_STOP_PATTERN_MAX == 255, "update --help");

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "What to trace:", 1 },
	{ "pid", 'p', "PID", 0, "Trace process PID and its descendants (repeatable)", 1 },
	{ "tty", 't', "TTY", 0,
	  "Trace the processes whose controlling terminal is TTY (pts/9, /dev/pts/9, tty1) and "
	  "their descendants (repeatable)",
	  1 },
	{ "all", OPT_ALL, NULL, 0,
	  "Trace every process of the machine (runs until SIGINT or SIGTERM)", 1 },
	{ "no-watch-children", OPT_NO_WATCH_CHILDREN, NULL, 0,
	  "Trace only the given processes and the processes on the terminals, not their "
	  "descendants",
	  1 },
	{ "exclude", OPT_EXCLUDE, "PATH", 0,
	  "Do not report execs that run the file PATH (compared by device and inode: a symlink or "
	  "hard link to it is the same file, a copy is not; repeatable)",
	  1 },
	{ "exclude-caller", OPT_EXCLUDE_CALLER, "PATH", 0,
	  "Do not report execs made by a root process that runs the file PATH (its "
	  "/proc/PID/exe, compared by device and inode; repeatable)",
	  1 },
	{ "exclude-comm", OPT_EXCLUDE_COMM, "NAME", 0,
	  "Do not report execs by a process whose command name (comm) is NAME (repeatable; any "
	  "process can take any name: a convenience, not a security boundary)",
	  1 },
	{ "exclude-from", OPT_EXCLUDE_FROM, "FILE", 0,
	  "Read exclusions from FILE, one per line: /path (as --exclude), caller /path (as "
	  "--exclude-caller), else a command name; # comments",
	  1 },
	{ NULL, 0, NULL, 0, "Output:", 2 },
	{ "format", OPT_FORMAT, "FORMAT", 0,
	  "Write the events as text (default: one line per event), json (JSON Lines: one object "
	  "per line) or sh (one bash command line per exec that repeats it: the same program, "
	  "argv, cwd and, with --env, environment)",
	  2 },
	{ "json", 'j', NULL, 0, "Same as --format json", 2 },
	{ "env", OPT_ENV, NULL, 0,
	  "Also capture each exec's environment (within --max-arg-bytes); the values of "
	  "variables whose names look secret (PASSWORD, TOKEN, ...) are replaced by <redacted>",
	  2 },
	{ "no-redact", OPT_NO_REDACT, NULL, 0,
	  "With --env, keep the values of the variables whose names look secret", 2 },
	{ "output", 'o', "FILE", 0, "Write the events to FILE instead of standard output", 2 },
	{ "output-fd", OPT_OUTPUT_FD, "N", 0,
	  "Write the events to descriptor N (1 or more, open for writing, inherited from the "
	  "caller; a COMMAND does not get it)",
	  2 },
	{ "verbose", 'v', NULL, 0, "Print more diagnostics (repeatable)", 2 },
	{ "events", OPT_EVENTS, "LIST", 0,
	  "Report these events: comma-separated exec, fork, exit, signal, or all (default exec)",
	  2 },
	{ "tree", OPT_TREE, NULL, 0,
	  "At the end, print the tree of the processes that ran, with their exit statuses, on "
	  "standard error",
	  2 },
	{ "timeline", OPT_TIMELINE, "FILE", 0,
	  "Write a timeline of the processes to FILE (Chrome trace-event JSON, for Perfetto)", 2 },
	{ "compile-db", OPT_COMPILE_DB, "FILE", 0,
	  "Write the compiles seen to FILE as a JSON compilation database (compile_commands.json, "
	  "for clangd), atomically at the end; the events are then written only with -o or "
	  "--output-fd",
	  2 },
	{ "compile-db-compiler", OPT_COMPILE_DB_COMPILER, "NAME", 0,
	  "With --compile-db, also take programs named NAME for compiler drivers (like gcc, "
	  "clang, cc; repeatable)",
	  2 },
	{ "compile-db-append", OPT_COMPILE_DB_APPEND, NULL, 0,
	  "With --compile-db, merge into FILE's entries: one for the same directory, file and "
	  "output is replaced",
	  2 },
	{ "listen", OPT_LISTEN, "[ADDR:]PORT|unix:PATH", 0,
	  "Serve the HTTP API (GET /executions, /executions/PID, /healthz, /metrics) on PORT of "
	  "ADDR (default 127.0.0.1), or on a Unix-domain socket PATH of mode 0600 (recommended: "
	  "only you can read it); tracer then runs until SIGINT or SIGTERM",
	  2 },
	{ "listen-token-file", OPT_LISTEN_TOKEN_FILE, "FILE", 0,
	  "Answer only requests that carry the token in FILE (Authorization: Bearer TOKEN; "
	  "/healthz excepted); FILE must be yours or root's, mode 0600 or stricter",
	  2 },
	{ "listen-group", OPT_LISTEN_GROUP, "GROUP", 0,
	  "With --listen unix:PATH, make the socket 0660 for GROUP: its members can read the API",
	  2 },
	{ "store", OPT_STORE, "N", 0, "Keep the last N execs for the HTTP API (default 10000)", 2 },
	{ "store-bytes", OPT_STORE_BYTES, "SIZE", 0,
	  "Keep at most SIZE bytes of execs for the HTTP API, the oldest going first (1M-64G, "
	  "default 32M)",
	  2 },
	{ "quiet", 'q', NULL, 0, "Do not write the events (with --listen)", 2 },
	{ NULL, 0, NULL, 0, "Limits:", 3 },
	{ "max-args", OPT_MAX_ARGS, "N", 0,
	  "Capture at most N arguments per exec (1-1048576, default: all)", 3 },
	{ "max-arg-bytes", OPT_MAX_ARG_BYTES, "SIZE", 0,
	  "Capture at most SIZE bytes of arguments per exec (1-2M, default 256K)", 3 },
	{ "ringbuf-size", OPT_RINGBUF_SIZE, "SIZE", 0,
	  "Size of the ring buffer (4K-1G, rounded up to a power of two; default 1M, more with --env or a larger --max-arg-bytes)",
	  3 },
	{ "max-procs", OPT_MAX_PROCS, "N", 0,
	  "Track at most N processes at a time (1-4194304; default or 0: sized from the machine)",
	  3 },
	{ NULL, 0, NULL, 0, "Running a COMMAND (after --):", 4 },
	{ "user", 'u', "USER", 0,
	  "Run COMMAND as USER (name or uid; default: the user who ran sudo, or root)", 4 },
	{ "follow-all", OPT_FOLLOW_ALL, NULL, 0,
	  "Keep tracing after COMMAND exits, until every process it started has gone", 4 },
	{ NULL, 0, NULL, 0, "Stopping a program at exec, for a debugger:", 5 },
	{ "stop-at", OPT_STOP_AT, "PATTERN", 0,
	  "Stop each traced process whose exec matches the glob PATTERN (its resolved path, the "
	  "name it was run by, or the basename of either) before its first instruction, and say "
	  "so (a stop event: gdb -p PID, kill -CONT PID). Repeatable, up to 8 patterns of at "
	  "most 255 bytes; when tracer ends, it resumes those still stopped and not held by a "
	  "debugger",
	  5 },
	{ "on-stop", OPT_ON_STOP, "CMD", 0,
	  "Run CMD with /bin/sh -c for each stop, {pid} replaced by the stopped pid (as root, "
	  "with tracer's standard input, output and error), e.g. --on-stop 'gdb -p {pid}'",
	  5 },
	{ NULL, 0, NULL, 0, "Information:", -1 },
	{ "help", 'h', NULL, 0, "Print this help and exit", -1 },
	{ "usage", OPT_USAGE, NULL, 0, "Print a short usage message and exit", -1 },
	{ "version", 'V', NULL, 0, "Print the version and exit", -1 },
	{ 0 },
};

struct parse_ctx {
	struct tracer_opts *opts;
	FILE *out;
	FILE *err;
	/* -1 while parsing goes on; the exit code once decided. */
	int exit_code;
	/* state->next when the last option or argument was delivered. */
	int last_next;
	/* state->next when argp gave up. */
	int err_next;
};

/*
 * Parses the decimal number in s[0..len): digits only (no sign, no space, no
 * suffix). Returns 0, -EINVAL for a malformed string, -ERANGE above max.
 */
static int parse_dec(const char *s, size_t len, uint64_t max, uint64_t *val)
{
	uint64_t v = 0;
	size_t i;

	if (!s || len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		unsigned int d = (unsigned int)(s[i] - '0');

		if (v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*val = v;
	return 0;
}

int parse_pid(const char *s, uint32_t *pid)
{
	uint64_t v;

	if (!s || parse_dec(s, strlen(s), TRACER_PID_MAX, &v) || v == 0)
		return -EINVAL;
	*pid = (uint32_t)v;
	return 0;
}

int parse_size(const char *s, uint64_t *val)
{
	unsigned int shift = 0;
	uint64_t v;
	size_t len;
	int ret;

	if (!s)
		return -EINVAL;
	len = strlen(s);
	if (len > 0) {
		switch (s[len - 1]) {
		case 'k':
		case 'K':
			shift = 10;
			break;
		case 'm':
		case 'M':
			shift = 20;
			break;
		case 'g':
		case 'G':
			shift = 30;
			break;
		}
		if (shift)
			len--;
	}
	ret = parse_dec(s, len, UINT64_MAX >> shift, &v);
	if (ret)
		return ret;
	*val = v << shift;
	return 0;
}

static uint64_t round_up_pow2(uint64_t v)
{
	uint64_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

/* Writes s between single quotes, control characters escaped: one line. */
static void put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('\'', f);
}

/*
 * Reports a usage error: "tracer: <pre>'<arg>'<post>" on one line (no quoted
 * part when arg is NULL).
 */
static error_t usage_error(struct parse_ctx *ctx, const char *pre, const char *arg,
			   const char *post)
{
	fputs("tracer: ", ctx->err);
	fputs(pre, ctx->err);
	if (arg)
		put_quoted(ctx->err, arg);
	fputs(post, ctx->err);
	fputc('\n', ctx->err);
	ctx->exit_code = TRACER_EXIT_USAGE;
	return EINVAL;
}

static error_t add_pid(struct parse_ctx *ctx, const char *arg)
{
	struct tracer_opts *opts = ctx->opts;
	uint32_t pid;
	size_t i;

	if (parse_pid(arg, &pid))
		return usage_error(ctx, "invalid pid ", arg, "");
	/* The same pid given twice is one root. */
	for (i = 0; i < opts->n_pids; i++) {
		if (opts->pids[i] == pid)
			return 0;
	}
	if (opts->n_pids >= TRACER_MAX_ROOTS)
		return usage_error(ctx, "too many pids (max " STR(TRACER_MAX_ROOTS) ")", NULL, "");
	opts->pids[opts->n_pids++] = pid;
	return 0;
}

static error_t add_tty(struct parse_ctx *ctx, const char *arg)
{
	struct tracer_opts *opts = ctx->opts;
	char path[PATH_MAX];
	int ret;

	/* Syntax only: whether it exists is found out later, by tty_resolve(). */
	ret = tty_normalize(arg, path, sizeof(path));
	if (ret == -EINVAL)
		return usage_error(ctx, "invalid tty ", arg, "");
	if (ret)
		return usage_error(ctx, "invalid tty ", arg, " (name too long)");
	if (opts->n_ttys >= TRACER_MAX_TTYS)
		return usage_error(ctx, "too many ttys (max " STR(TRACER_MAX_TTYS) ")", NULL, "");
	opts->ttys[opts->n_ttys++] = arg;
	return 0;
}

/*
 * The first argument after "--": it and everything after it are the COMMAND,
 * passed on untouched (argp is told they are consumed).
 */
static error_t take_command(struct parse_ctx *ctx, struct argp_state *state)
{
	struct tracer_opts *opts = ctx->opts;
	int first = state->next - 1;

	opts->command = &state->argv[first];
	opts->command_argc = state->argc - first;
	state->next = state->argc;
	return 0;
}

static error_t check_end(struct parse_ctx *ctx)
{
	struct tracer_opts *opts = ctx->opts;

	if (!opts->command) {
		if (opts->user)
			return usage_error(ctx,
					   "--user needs a COMMAND: tracer [OPTIONS] -- "
					   "COMMAND [ARG...]",
					   NULL, "");
		if (opts->follow_all)
			return usage_error(ctx,
					   "--follow-all needs a COMMAND: tracer [OPTIONS] -- "
					   "COMMAND [ARG...]",
					   NULL, "");
	}
	if (opts->quiet && !opts->listen)
		return usage_error(ctx, "--quiet needs --listen", NULL, "");
	if (opts->on_stop && !opts->n_stop_at)
		return usage_error(ctx, "--on-stop needs --stop-at", NULL, "");
	if (opts->listen_token_file && !opts->listen)
		return usage_error(ctx, "--listen-token-file needs --listen", NULL, "");
	if (opts->listen_group_set && !opts->listen_unix)
		return usage_error(ctx, "--listen-group needs --listen unix:PATH", NULL, "");
	if (opts->keep_secrets && !opts->capture_env)
		return usage_error(ctx, "--no-redact needs --env", NULL, "");
	if (opts->output && opts->output_fd)
		return usage_error(ctx, "--output and --output-fd: give one of them", NULL, "");
	if (!opts->compile_db && (opts->n_compile_db_compilers || opts->compile_db_append))
		return usage_error(ctx,
				   opts->compile_db_append ?
					   "--compile-db-append needs --compile-db" :
					   "--compile-db-compiler needs --compile-db",
				   NULL, "");
	if (opts->all && (opts->n_pids || opts->n_ttys || opts->command))
		return usage_error(ctx,
				   "--all traces every process: it takes no --pid, --tty or "
				   "COMMAND",
				   NULL, "");
	if (opts->n_pids == 0 && opts->n_ttys == 0 && !opts->command && !opts->all)
		return usage_error(ctx,
				   "nothing to trace: give --pid PID, --tty TTY, --all or -- "
				   "COMMAND (see --help)",
				   NULL, "");
	return 0;
}

/* Every excluded file exists and is of the right kind, before anything is loaded. */
static error_t check_excluded_files(struct parse_ctx *ctx)
{
	const struct exclude_list *l = &ctx->opts->exclude;
	const char *path, *why;
	char post[160];
	size_t i;
	int fd;

	for (i = 0; i < l->n_paths + l->n_callers; i++) {
		path = i < l->n_paths ? l->paths[i] : l->callers[i - l->n_paths];
		fd = exclfile_open(path, &why);
		if (fd < 0) {
			snprintf(post, sizeof(post), ": %s", why);
			return usage_error(ctx, "cannot exclude ", path, post);
		}
		close(fd);
	}
	return 0;
}

static error_t add_excluded_file(struct parse_ctx *ctx, int key, const char *arg)
{
	const char *what = key == OPT_EXCLUDE ? "invalid --exclude " : "invalid --exclude-caller ";
	struct exclude_list *l = &ctx->opts->exclude;
	int err;

	err = key == OPT_EXCLUDE ? exclude_add_path(l, arg) : exclude_add_caller(l, arg);
	if (err == -E2BIG)
		return usage_error(ctx,
				   "too many excluded files (--exclude and --exclude-caller "
				   "together: max " STR(TRACER_EXCLUDE_FILES_MAX) ")",
				   NULL, "");
	if (err == -ENAMETOOLONG)
		return usage_error(ctx, what, arg, ": path too long");
	if (err)
		return usage_error(ctx, what, arg, "");
	return 0;
}

static error_t read_exclusions(struct parse_ctx *ctx, const char *path)
{
	char where[64];
	size_t line;
	FILE *f;
	int ret;

	f = fopen(path, "re");
	if (!f)
		return usage_error(ctx, "cannot read --exclude-from ", path, "");
	ret = exclude_read(&ctx->opts->exclude, f, &line);
	fclose(f);
	if (!ret)
		return 0;
	snprintf(where, sizeof(where), ", line %zu: invalid entry", line);
	if (ret == -ENAMETOOLONG)
		snprintf(where, sizeof(where), ", line %zu: path too long", line);
	if (ret == -E2BIG)
		snprintf(where, sizeof(where), ", line %zu: too many excluded files (max %d)", line,
			 TRACER_EXCLUDE_FILES_MAX);
	return usage_error(ctx, "invalid --exclude-from ", path, line ? where : "");
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

static void print_help(FILE *out, const struct argp *argp, unsigned int flags)
{
	static char name[] = "tracer";

	argp_help(argp, out, flags, name);
}

/* What to trace: pids, terminals, everything, and what not to. */
static error_t parse_scope_opt(struct parse_ctx *ctx, int key, char *arg)
{
	struct tracer_opts *opts = ctx->opts;

	switch (key) {
	case 'p':
		return add_pid(ctx, arg);
	case 't':
		return add_tty(ctx, arg);
	case OPT_ALL:
		opts->all = true;
		return 0;
	case OPT_NO_WATCH_CHILDREN:
		opts->watch_children = false;
		return 0;
	case OPT_EXCLUDE:
	case OPT_EXCLUDE_CALLER:
		return add_excluded_file(ctx, key, arg);
	case OPT_EXCLUDE_COMM:
		if (exclude_add_comm(&opts->exclude, arg))
			return usage_error(ctx, "invalid --exclude-comm ", arg, "");
		return 0;
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

/* How much the kernel captures and keeps. */
static error_t parse_limit_opt(struct parse_ctx *ctx, int key, char *arg)
{
	struct tracer_opts *opts = ctx->opts;
	uint64_t v;
	error_t err;

	switch (key) {
	case OPT_MAX_ARGS:
		err = parse_limit(ctx, arg, false, 1, TRACER_MAX_ARGS_LIMIT, "invalid --max-args ",
				  " (1-1048576)", &v);
		if (!err)
			opts->max_args = (unsigned int)v;
		return err;
	case OPT_MAX_ARG_BYTES:
		err = parse_limit(ctx, arg, true, 1, TRACER_MAX_ARG_BYTES_LIMIT,
				  "invalid --max-arg-bytes ", " (1-2097152)", &v);
		if (!err)
			opts->max_arg_bytes = (unsigned int)v;
		return err;
	case OPT_RINGBUF_SIZE:
		err = parse_limit(ctx, arg, true, TRACER_RINGBUF_BYTES_MIN,
				  TRACER_RINGBUF_BYTES_MAX, "invalid --ringbuf-size ", " (4K-1G)",
				  &v);
		if (!err)
			opts->ringbuf_bytes = round_up_pow2(v);
		return err;
	case OPT_MAX_PROCS:
		return parse_limit(ctx, arg, false, 0, TRACER_PID_MAX, "invalid --max-procs ",
				   " (0-" STR(TRACER_PID_MAX) ")", &opts->max_procs);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* Where and how the events are written, and service mode. */
static error_t parse_output_opt(struct parse_ctx *ctx, int key, char *arg)
{
	struct tracer_opts *opts = ctx->opts;
	uint64_t v64;
	uint32_t v32;

	switch (key) {
	case 'j':
		opts->format = FORMAT_JSON;
		return 0;
	case OPT_FORMAT:
		if (strcmp(arg, "text") == 0)
			opts->format = FORMAT_TEXT;
		else if (strcmp(arg, "json") == 0)
			opts->format = FORMAT_JSON;
		else if (strcmp(arg, "sh") == 0)
			opts->format = FORMAT_SH;
		else
			return usage_error(ctx, "invalid --format ", arg, " (text, json or sh)");
		return 0;
	case OPT_ENV:
		opts->capture_env = true;
		return 0;
	case OPT_NO_REDACT:
		opts->keep_secrets = true;
		return 0;
	case 'o':
		if (!*arg)
			return usage_error(ctx, "invalid --output ", arg, "");
		opts->output = arg;
		return 0;
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
		if (!*arg)
			return usage_error(ctx, "invalid --timeline ", arg, "");
		opts->timeline = arg;
		return 0;
	case OPT_LISTEN:
#ifdef TRACER_WITH_SERVICE
		if (!strncmp(arg, "unix:", 5)) {
			if (!arg[5] || strlen(arg + 5) >= 108)
				return usage_error(ctx, "invalid --listen ", arg,
						   " (unix:PATH, PATH under 108 bytes)");
			opts->listen_unix = arg + 5;
			opts->listen = true;
			return 0;
		}
		if (listen_parse(arg, &opts->listen_addr, &opts->listen_port))
			return usage_error(ctx, "invalid --listen ", arg,
					   " ([ADDR:]PORT, ADDR an IPv4 address, PORT 1-65535)");
		opts->listen = true;
		return 0;
#else
		return usage_error(
			ctx,
			"--listen: this tracer was built without service mode (TRACER_SERVICE=OFF)",
			NULL, "");
#endif
	case OPT_STORE:
		return parse_limit(ctx, arg, false, 1, TRACER_STORE_MAX, "invalid --store ",
				   " (1-" STR(TRACER_STORE_MAX) ")", &opts->store_size);
	case OPT_STORE_BYTES:
		return parse_limit(ctx, arg, true, TRACER_STORE_BYTES_MIN, TRACER_STORE_BYTES_MAX,
				   "invalid --store-bytes ", " (1M-64G)", &opts->store_bytes);
	case OPT_LISTEN_TOKEN_FILE:
		if (!*arg)
			return usage_error(ctx, "invalid --listen-token-file ", arg, "");
		opts->listen_token_file = arg;
		return 0;
	case OPT_LISTEN_GROUP:
		return parse_group(ctx, arg);
	case 'q':
		opts->quiet = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* --stop-at, --on-stop: the patterns are checked here, before anything is attached. */
static error_t parse_stop_opt(struct parse_ctx *ctx, int key, char *arg)
{
	struct tracer_opts *opts = ctx->opts;
	const char *why = "";
	char post[160];

	switch (key) {
	case OPT_STOP_AT:
		if (opts->n_stop_at == TRACER_STOP_PATTERNS_MAX)
			return usage_error(ctx, "too many --stop-at patterns (at most 8): ", arg,
					   "");
		if (glob_compile(arg, NULL, &why)) {
			snprintf(post, sizeof(post), ": %s", why);
			return usage_error(ctx, "invalid --stop-at ", arg, post);
		}
		opts->stop_at[opts->n_stop_at++] = arg;
		return 0;
	case OPT_ON_STOP:
		if (!*arg)
			return usage_error(ctx, "invalid --on-stop ", arg, " (a shell command)");
		opts->on_stop = arg;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* The compilation database: --compile-db FILE and what goes with it. */
static error_t parse_compile_db_opt(struct parse_ctx *ctx, int key, char *arg)
{
	struct tracer_opts *opts = ctx->opts;

	switch (key) {
	case OPT_COMPILE_DB:
		if (!*arg)
			return usage_error(ctx, "invalid --compile-db ", arg, "");
		opts->compile_db = arg;
		return 0;
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

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct parse_ctx *ctx = state->input;
	error_t err;

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
		if (!ctx->opts->events)
			ctx->opts->events = EVLIST_DEFAULT;
		return check_end(ctx) ?: check_excluded_files(ctx);
	case ARGP_KEY_ERROR:
		ctx->err_next = state->next;
		return 0;
	}
	err = parse_scope_opt(ctx, key, arg);
	if (err == ARGP_ERR_UNKNOWN)
		err = parse_limit_opt(ctx, key, arg);
	if (err == ARGP_ERR_UNKNOWN)
		err = parse_output_opt(ctx, key, arg);
	if (err == ARGP_ERR_UNKNOWN)
		err = parse_stop_opt(ctx, key, arg);
	if (err == ARGP_ERR_UNKNOWN)
		err = parse_compile_db_opt(ctx, key, arg);
	if (err == ARGP_ERR_UNKNOWN)
		err = parse_info_opt(ctx, key, state);
	return err;
}

static const struct argp_option *find_short(int key)
{
	const struct argp_option *o;

	for (o = options; o->name || o->key || o->doc; o++) {
		if (o->key == key && o->key > 0 && o->key < 256 && !(o->flags & OPTION_DOC))
			return o;
	}
	return NULL;
}

/*
 * getopt rejected argv[i]: say why, the way getopt itself would have, on one
 * line. Returns false when nothing wrong is found in that word.
 */
static bool explain_word(struct parse_ctx *ctx, char **argv, int argc, int i)
{
	const char *w = argv[i];
	bool last = i == argc - 1;

	if (!w || w[0] != '-' || w[1] == '\0' || strcmp(w, "--") == 0)
		return false;

	if (w[1] == '-') {
		const char *name = w + 2;
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const struct argp_option *o, *found = NULL;
		int matches = 0;
		char buf[256];

		snprintf(buf, sizeof(buf), "--%.*s", (int)(len < 200 ? len : 200), name);
		for (o = options; o->name || o->key || o->doc; o++) {
			if (!o->name || strncmp(o->name, name, len) != 0)
				continue;
			if (strlen(o->name) == len) {
				found = o;
				matches = 1;
				break;
			}
			found = o;
			matches++;
		}
		if (matches == 0)
			usage_error(ctx, "unrecognized option ", buf, " (see --help)");
		else if (matches > 1)
			usage_error(ctx, "option ", buf, " is ambiguous (see --help)");
		else if (found->arg && !eq && last)
			usage_error(ctx, "option ", buf, " requires an argument (see --help)");
		else if (!found->arg && eq)
			usage_error(ctx, "option ", buf, " doesn't allow an argument (see --help)");
		else
			return false;
		return true;
	}

	for (w++; *w; w++) {
		const struct argp_option *o = find_short((unsigned char)*w);
		char buf[3] = { '-', *w, '\0' };

		if (!o) {
			usage_error(ctx, "unrecognized option ", buf, " (see --help)");
			return true;
		}
		if (o->arg) {
			if (w[1] || !last)
				return false;
			usage_error(ctx, "option ", buf, " requires an argument (see --help)");
			return true;
		}
	}
	return false;
}

/*
 * argp stopped on an error getopt found (ARGP_NO_ERRS keeps it quiet). The
 * word at fault is the one before state->next when getopt moved past it, or
 * the one at state->next when it stopped inside a group of short options
 * ("-jx"): in that case state->next did not move since the last option.
 */
static void explain_getopt_error(struct parse_ctx *ctx, int argc, char **argv)
{
	int next = ctx->err_next;
	int first = ctx->last_next < next ? next - 1 : next;
	int second = first == next ? next - 1 : next;

	if (first >= 1 && first < argc && explain_word(ctx, argv, argc, first))
		return;
	if (second >= 1 && second < argc && explain_word(ctx, argv, argc, second))
		return;
	usage_error(ctx, "invalid command line (see --help)", NULL, "");
}

void opts_free(struct tracer_opts *opts)
{
	exclude_free(&opts->exclude);
}

int opts_parse(int argc, char **argv, struct tracer_opts *opts, FILE *out, FILE *err)
{
	static const struct argp argp = {
		.options = options,
		.parser = parse_opt,
		.args_doc = args_doc,
		.doc = doc,
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
	opts->watch_children = true;
	opts->max_args = TRACER_MAX_ARGS_DEFAULT;
	opts->max_arg_bytes = TRACER_MAX_ARG_BYTES_DEFAULT;
	opts->ringbuf_bytes = TRACER_RINGBUF_BYTES_DEFAULT;
	opts->max_procs = 0;
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
