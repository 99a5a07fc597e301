// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * What the options are: the help text and argp's table of options (see
 * opts.c for how each is parsed).
 */
#include <argp.h>

#include <tracer/tracer.h>

#include "opts_int.h"

const char opts_doc[] =
	"Report every program executed inside a process tree or on a terminal: the processes "
	"given with --pid (or as PID arguments), the processes whose controlling terminal is a "
	"--tty, the COMMAND given after --, and, unless --no-watch-children, all their "
	"descendants, those already running and those started later. Each execve/execveat, "
	"successful or not, is printed with its arguments and context (cwd, executable, "
	"standard fds, effective ids and, with --env, environment), as text, as JSON Lines, "
	"or as bash command lines that run it again.\n"
	"\n"
	"EXAMPLES:\n"
	"    tracer --pid 1234     # every exec in process 1234 and its descendants\n"
	"    tracer 1234 5678      # several trees\n"
	"    tracer --tty pts/9    # every exec on terminal /dev/pts/9\n"
	"    tracer --all          # every exec on the machine, until Ctrl-C\n"
	"    tracer --all --listen 8080 --quiet   # HTTP API on 127.0.0.1:8080\n"
	"    tracer --pid 1234 --json -o execs.jsonl\n"
	"    tracer --format sh -- make   # each exec as a bash line that repeats it\n"
	"    tracer --format kv --time rel -- make   # every field as key=value\n"
	"    tracer --env --json -- ./configure   # with each exec's environment\n"
	"    tracer --pid 1234 --no-watch-children\n"
	"    tracer -- make test   # run make as the sudo user, events on stderr\n"
	"    tracer -o execs.log -- ./install.sh\n"
	"    tracer -u alice -- id\n"
	"    tracer --stop-at 'cc1*' -- make   # stop each cc1 at exec, for gdb -p PID\n"
	"    tracer --compile-db compile_commands.json -- make -j8   # for clangd\n"
	"    tracer --summary -- make -j8   # which programs took the time\n"
	"    tracer --failed -- make -j8   # only the execs that failed\n"
	"    tracer --all --uid alice --comm gcc   # only alice's execs of gcc\n"
	"    tracer --tui -- make   # make in a pane, its execs live below it\n"
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

const char opts_args_doc[] = "[PID...]\n-- COMMAND [ARG...]";

/* The help text spells these out. */
_Static_assert(TRACER_MAX_ARGS_LIMIT == 1048576 && TRACER_MAX_ARGS_DEFAULT == 0, "update --help");
_Static_assert(TRACER_MAX_ARG_BYTES_LIMIT == 2 << 20 && TRACER_MAX_ARG_BYTES_DEFAULT == 256 << 10,
	       "update --help");
_Static_assert(TRACER_PID_MAX == 4194304 && TRACER_RINGBUF_BYTES_DEFAULT == 1 << 20,
	       "update --help");
_Static_assert(TRACER_STOP_PATTERNS_MAX == 8 && TRACER_STOP_PATTERN_MAX == 255, "update --help");

/* Data: one row per option, alike by design (duplicates pairs the rows). */
const struct argp_option opts_table[] = {
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
	  "Write the events as text (default: one line per event, an exec as time, pid, command "
	  "line and only what is unusual), kv (one line per event, every field as key=value), "
	  "json (JSON Lines: one object per line) or sh (one bash command line per exec that "
	  "repeats it: the same program, argv, cwd and, with --env, environment)",
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
	  "At the end, print the tree of the processes that ran, with their exit statuses, CPU "
	  "time and peak memory, on standard error",
	  2 },
	{ "timeline", OPT_TIMELINE, "FILE", 0,
	  "Write a timeline of the processes to FILE (Chrome trace-event JSON, for Perfetto)", 2 },
	/* The summary (issue 24.6, doc/summary.md) */
	{ "summary", OPT_SUMMARY, NULL, 0,
	  "At the end, print a table of the programs that ran (execs, failed execs, non-zero "
	  "exits, total and longest wall time, like strace -c), the critical path and how "
	  "parallel the run was, on standard error",
	  2 },
	{ "summary-json", OPT_SUMMARY_JSON, "FILE", 0,
	  "Write the summary to FILE as one JSON object, atomically at the end", 2 },
	{ "compile-db", OPT_COMPILE_DB, "FILE", 0,
	  "Write the compiles seen to FILE as a JSON compilation database (compile_commands.json, "
	  "for clangd), atomically at the end, merged into an existing FILE (its entries kept but "
	  "for the same directory, file and output; those whose source is gone dropped); the "
	  "events are then written only with -o or --output-fd",
	  2 },
	{ "compile-db-compiler", OPT_COMPILE_DB_COMPILER, "NAME", 0,
	  "With --compile-db, also take programs named NAME for compiler drivers (like gcc, "
	  "clang, cc; repeatable)",
	  2 },
	{ "compile-db-append", OPT_COMPILE_DB_APPEND, NULL, 0,
	  "Accepted and changes nothing: --compile-db merges into FILE anyway", 2 },
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
	{ "quiet", 'q', NULL, 0,
	  "Do not write the events (with --listen, --journal, --summary or --summary-json)", 2 },
	{ "journal", OPT_JOURNAL, NULL, 0,
	  "Also send each event to the systemd journal as one structured entry (MESSAGE: the "
	  "text line; TRACER_PID, TRACER_ARGV, TRACER_JSON... see doc/journal.md)",
	  2 },
	/* How the text reads (issue 24) */
	{ "time", OPT_TIME, "WHEN", 0,
	  "Text's time column: wall (the local time of day, the default for text), rel (seconds "
	  "since start, the default for kv), iso (RFC 3339 UTC, as JSON's \"time\") or none",
	  2 },
	{ "color", OPT_COLOR, "WHEN", 0,
	  "Colour the text and the --tree: auto (the default: on a terminal, unless NO_COLOR is "
	  "set), always or never",
	  2 },
	{ "show-lookups", OPT_SHOW_LOOKUPS, NULL, 0,
	  "In text, show each failed exec of a PATH walk (execvp, a shell) on its own line, not "
	  "folded into the line of the command found (JSON, kv and sh always show every exec)",
	  2 },
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
	{ "on-stop-max", OPT_ON_STOP_MAX, "N", 0,
	  "Run at most N --on-stop commands at once (default 8, 1-1024); the others wait their "
	  "turn, counted at the end. tracer's own --on-stop commands are never stopped",
	  5 },
	{ NULL, 0, NULL, 0, "What is reported (filters):", 6 },
	{ "cgroup", OPT_CGROUP, "PATH", 0,
	  "Report only the processes in the cgroup v2 directory PATH or below it (under a mounted "
	  "cgroup2 file system, e.g. /sys/fs/cgroup/system.slice), decided in the kernel at each "
	  "event; the processes outside stay watched",
	  6 },
	{ "uid", OPT_UID, "UID[,UID...]", 0,
	  "Report only the execs whose real or effective user (after the exec) is one of these "
	  "(numbers or names; repeatable), decided in the kernel",
	  6 },
	{ "comm", OPT_COMM, "NAME", 0,
	  "Report only the execs of programs named NAME (the new command name, cut to 15 bytes "
	  "as the kernel cuts it; repeatable), decided in the kernel",
	  6 },
	{ "failed", OPT_FAILED, NULL, 0, "Report only the execs that failed", 6 },
	{ "match", OPT_MATCH, "GLOB", 0,
	  "Report only the execs whose command line (the arguments joined by spaces) matches the "
	  "glob GLOB ('*' matches any text, '/' and spaces included; repeatable: any of them)",
	  6 },
	{ NULL, 0, NULL, 0, "Full-screen view:", 7 },
	{ "tui", OPT_TUI, NULL, 0,
	  "Show the run full-screen on the terminal: the COMMAND's own terminal in a pane, the "
	  "execs live in a list (details, search, a live filter, breakpoints; ? lists the keys); "
	  "the events are written only with -o or --output-fd",
	  7 },
	{ NULL, 0, NULL, 0, "Information:", -1 },
	{ "help", 'h', NULL, 0, "Print this help and exit", -1 },
	{ "usage", OPT_USAGE, NULL, 0, "Print a short usage message and exit", -1 },
	{ "version", 'V', NULL, 0, "Print the version and exit", -1 },
	{ 0 },
};
