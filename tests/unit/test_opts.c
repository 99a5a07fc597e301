// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Command-line parsing: opts_parse(), parse_pid(), parse_size(). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "capture.h"
#include "opts.h"
#include "parse.h"

struct result {
	int ret;
	struct cli_opts opts;
	char *out;
	char *err;
	char **argv; /* a copy: opts.command points into it */
};

static struct result r;

static void teardown(void)
{
	opts_free(&r.opts);
	free(r.out);
	free(r.err);
	free(r.argv);
	r.out = NULL;
	r.err = NULL;
	r.argv = NULL;
}

TestSuite(opts, .fini = teardown);

/* Runs opts_parse() on argv (argv[0] included), output captured in r. */
static void run_argv(int argc, char **argv)
{
	struct capture out, err;

	teardown();
	r.argv = calloc((size_t)argc + 1, sizeof(*r.argv));
	cr_assert_not_null(r.argv);
	memcpy(r.argv, argv, (size_t)argc * sizeof(*argv));
	argv = r.argv;
	memset(&r.opts, 0xa5, sizeof(r.opts));
	r.ret = opts_parse(argc, argv, &r.opts, cap_open(&out), cap_open(&err));
	r.out = cap_close(&out);
	r.err = cap_close(&err);
}

#define RUN(...)                                                              \
	do {                                                                  \
		char *argv_[] = { "tracer", __VA_ARGS__, NULL };              \
		run_argv((int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_); \
	} while (0)

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A usage error: exit code 2, nothing on out, exactly msg (one line) on err. */
static void assert_usage_error(const char *msg)
{
	cr_assert_eq(r.ret, TRACER_EXIT_USAGE, "ret %d for '%s'", r.ret, msg);
	cr_assert_str_eq(r.err, msg);
	cr_assert_eq(count_lines(r.err), 1);
	cr_assert_str_eq(r.out, "");
}

/* One line, "tracer: " first, and " (see --help)" last. */
static void assert_getopt_error(const char *needle)
{
	cr_assert_eq(r.ret, TRACER_EXIT_USAGE);
	cr_assert_eq(count_lines(r.err), 1, "err: %s", r.err);
	cr_assert_eq(strncmp(r.err, "tracer: ", 8), 0, "err: %s", r.err);
	cr_assert_not_null(strstr(r.err, needle), "err: %s", r.err);
	cr_assert_not_null(strstr(r.err, " (see --help)\n"), "err: %s", r.err);
	cr_assert_str_eq(r.out, "");
}

static void assert_ok(void)
{
	cr_assert_eq(r.ret, -1, "ret %d, err: %s", r.ret, r.err);
	cr_assert_str_eq(r.err, "");
	cr_assert_str_eq(r.out, "");
}

Test(opts, defaults)
{
	RUN("1234");
	assert_ok();
	cr_assert_eq(r.opts.lib.n_pids, 1);
	cr_assert_eq(r.opts.lib.pids[0], 1234);
	cr_assert_eq(r.opts.lib.n_ttys, 0);
	cr_assert(r.opts.lib.watch_children);
	cr_assert_eq(r.opts.format, FORMAT_TEXT);
	cr_assert_null(r.opts.output);
	cr_assert_eq(r.opts.verbose, 0);
	cr_assert_eq(r.opts.lib.max_args, TRACER_MAX_ARGS_DEFAULT);
	cr_assert_eq(r.opts.lib.max_arg_bytes, TRACER_MAX_ARG_BYTES_DEFAULT);
	cr_assert_eq(r.opts.lib.ringbuf_bytes, 1u << 20);
	cr_assert_eq(r.opts.lib.max_procs, 0);
	cr_assert_null(r.opts.command);
	cr_assert_eq(r.opts.command_argc, 0);
	cr_assert_null(r.opts.user);
	cr_assert_not(r.opts.follow_all);
}

Test(opts, repeated_pid)
{
	RUN("--pid", "1", "-p", "2", "--pid=3", "-p4", "--pi", "5");
	assert_ok();
	cr_assert_eq(r.opts.lib.n_pids, 5);
	for (unsigned int i = 0; i < 5; i++)
		cr_assert_eq(r.opts.pids[i], i + 1);
}

Test(opts, positional_pids)
{
	RUN("10", "20", "-p", "30", "40", "50");
	assert_ok();
	cr_assert_eq(r.opts.lib.n_pids, 5);
	cr_assert_eq(r.opts.pids[0], 10);
	cr_assert_eq(r.opts.pids[1], 20);
	cr_assert_eq(r.opts.pids[2], 30);
	cr_assert_eq(r.opts.pids[3], 40);
	cr_assert_eq(r.opts.pids[4], 50);
	cr_assert_null(r.opts.command);
}

Test(opts, pid_limits)
{
	RUN("1", "4194304", "007");
	assert_ok();
	cr_assert_eq(r.opts.lib.n_pids, 3);
	cr_assert_eq(r.opts.pids[0], 1);
	cr_assert_eq(r.opts.pids[1], 4194304);
	cr_assert_eq(r.opts.pids[2], 7);
}

Test(opts, duplicate_pids_are_one_root)
{
	RUN("5", "5", "-p", "5", "--pid", "6", "6");
	assert_ok();
	cr_assert_eq(r.opts.lib.n_pids, 2);
	cr_assert_eq(r.opts.pids[0], 5);
	cr_assert_eq(r.opts.pids[1], 6);
}

static const char *const bad_pids[] = {
	"abc",
	"0",
	"-3",
	"12x",
	"+5",
	"99999999",
	"",
	" 5",
	"5 ",
	"4194305",
	"0x10",
	"1e3",
	"18446744073709551617",
	"-",
	"--5",
};

Test(opts, invalid_pid_option)
{
	for (size_t i = 0; i < sizeof(bad_pids) / sizeof(bad_pids[0]); i++) {
		char msg[128];

		RUN("--pid", (char *)bad_pids[i]);
		snprintf(msg, sizeof(msg), "tracer: invalid pid '%s'\n", bad_pids[i]);
		assert_usage_error(msg);

		RUN("1", "-p", (char *)bad_pids[i]);
		assert_usage_error(msg);
	}
}

Test(opts, invalid_pid_positional)
{
	/* A word that is not a number may be a forgotten "--" before a COMMAND. */
	RUN("xyz");
	assert_usage_error(
		"tracer: invalid pid 'xyz' (to run a command: tracer [OPTIONS] -- COMMAND)\n");
	RUN("-j", "make", "test");
	assert_usage_error(
		"tracer: invalid pid 'make' (to run a command: tracer [OPTIONS] -- COMMAND)\n");
	RUN("12", "12x");
	assert_usage_error("tracer: invalid pid '12x'\n");
	RUN("0");
	assert_usage_error("tracer: invalid pid '0'\n");
	RUN("+5");
	assert_usage_error(
		"tracer: invalid pid '+5' (to run a command: tracer [OPTIONS] -- COMMAND)\n");
	RUN("");
	assert_usage_error("tracer: invalid pid ''\n");
}

Test(opts, message_stays_one_line)
{
	RUN("--pid", "1\n2\t\x01");
	assert_usage_error("tracer: invalid pid '1\\n2\\t\\x01'\n");
}

Test(opts, first_error_wins)
{
	RUN("--pid", "abc", "--frob", "-p", "0");
	assert_usage_error("tracer: invalid pid 'abc'\n");
}

static void run_many_pids(int count)
{
	int argc = count + 1;
	char **argv = calloc((size_t)argc + 1, sizeof(*argv));

	cr_assert_not_null(argv);
	argv[0] = "tracer";
	for (int i = 1; i < argc; i++) {
		argv[i] = malloc(16);
		cr_assert_not_null(argv[i]);
		snprintf(argv[i], 16, "%d", 100 + i);
	}
	run_argv(argc, argv);
	for (int i = 1; i < argc; i++)
		free(argv[i]);
	free(argv);
}

Test(opts, max_pids)
{
	run_many_pids(TRACER_MAX_ROOTS);
	assert_ok();
	cr_assert_eq(r.opts.lib.n_pids, TRACER_MAX_ROOTS);
	cr_assert_eq(r.opts.pids[TRACER_MAX_ROOTS - 1], 100 + TRACER_MAX_ROOTS);
}

Test(opts, too_many_pids)
{
	run_many_pids(TRACER_MAX_ROOTS + 1);
	assert_usage_error("tracer: too many pids (max 1024)\n");
}

Test(opts, tty_twice)
{
	RUN("--tty", "pts/9", "-t", "/dev/tty1", "--tty=pts9", "-tttyS0");
	assert_ok();
	cr_assert_eq(r.opts.lib.n_pids, 0);
	cr_assert_eq(r.opts.lib.n_ttys, 4);
	/* Kept as the user spelled them. */
	cr_assert_str_eq(r.opts.ttys[0], "pts/9");
	cr_assert_str_eq(r.opts.ttys[1], "/dev/tty1");
	cr_assert_str_eq(r.opts.ttys[2], "pts9");
	cr_assert_str_eq(r.opts.ttys[3], "ttyS0");
}

Test(opts, tty_and_pids)
{
	RUN("--tty", "pts/1", "42");
	assert_ok();
	cr_assert_eq(r.opts.lib.n_ttys, 1);
	cr_assert_eq(r.opts.lib.n_pids, 1);
	cr_assert_eq(r.opts.pids[0], 42);
}

/* Whether a word names a terminal is the library's to say, in its words, before anything starts. */
Test(opts, invalid_tty)
{
	static const char *const bad[] = { "", "pts/9x", "/etc/passwd", "../tty1" };
	struct tracer *t;
	char want[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		RUN("--tty", (char *)bad[i]);
		assert_ok();
		cr_assert_eq(r.opts.lib.n_ttys, 1);
		cr_assert_str_eq(r.opts.lib.ttys[0], bad[i]);
		cr_assert_eq(tracer_create(&r.opts.lib, &t), -EINVAL, "%s", bad[i]);
		snprintf(want, sizeof(want), "invalid terminal name '%s'", bad[i]);
		cr_assert_str_eq(tracer_last_error(NULL), want);
	}
}

Test(opts, too_many_ttys)
{
	char *argv[2 * TRACER_MAX_TTYS + 4];
	int argc = 0;

	argv[argc++] = "tracer";
	for (int i = 0; i <= TRACER_MAX_TTYS; i++) {
		argv[argc++] = "-t";
		argv[argc++] = "pts/1";
	}
	argv[argc] = NULL;
	run_argv(argc, argv);
	assert_usage_error("tracer: too many ttys (max 64)\n");

	run_argv(argc - 2, argv);
	assert_ok();
	cr_assert_eq(r.opts.lib.n_ttys, TRACER_MAX_TTYS);
}

Test(opts, nothing_to_trace)
{
	char *argv[] = { "tracer", NULL };

	run_argv(1, argv);
	assert_usage_error(
		"tracer: nothing to trace: give --pid PID, --tty TTY, --all or -- COMMAND (see --help)\n");

	RUN("--json", "-v", "--no-watch-children");
	assert_usage_error(
		"tracer: nothing to trace: give --pid PID, --tty TTY, --all or -- COMMAND (see --help)\n");

	/* "--" with nothing after it is no COMMAND. */
	RUN("-j", "--");
	assert_usage_error(
		"tracer: nothing to trace: give --pid PID, --tty TTY, --all or -- COMMAND (see --help)\n");
}

Test(opts, help)
{
	RUN("--help");
	cr_assert_eq(r.ret, 0);
	cr_assert_str_eq(r.err, "");
	cr_assert_eq(strncmp(r.out, "Usage: tracer [OPTION...] [PID...]\n", 35), 0, "%s", r.out);
	cr_assert_not_null(strstr(r.out, "  or:  tracer [OPTION...] -- COMMAND [ARG...]\n"));
	/* Said once (issue 23, item 15): argp's "Usage:", no "USAGE:" block after it. */
	cr_assert_null(strstr(r.out + 1, "Usage:"), "%s", r.out);
	cr_assert_null(strstr(r.out, "USAGE"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "    tracer -- make test"));
	cr_assert_not_null(strstr(r.out, "    tracer -o execs.log -- ./install.sh\n"));
	cr_assert_not_null(strstr(r.out, "    tracer -u alice -- id\n"));
	cr_assert_not_null(strstr(r.out, "-u, --user=USER"));
	cr_assert_not_null(strstr(r.out, "--follow-all"));
	cr_assert_not_null(strstr(r.out, "EXAMPLES:\n"));
	cr_assert_not_null(strstr(r.out, "    tracer --pid 1234 --no-watch-children\n"));
	cr_assert_not_null(strstr(r.out, "--no-watch-children"));
	cr_assert_not_null(strstr(r.out, "--max-arg-bytes=SIZE"));
	cr_assert_not_null(strstr(r.out, "--ringbuf-size=SIZE"));
	cr_assert_not_null(strstr(r.out, "Exit status: 0"));
	cr_assert_not_null(strstr(r.out, "CAP_BPF"));
	/* No line is wrapped past 80 columns. */
	for (const char *p = r.out; *p;) {
		const char *nl = strchr(p, '\n');

		cr_assert_not_null(nl);
		cr_assert_leq(nl - p, 80, "long line: %.*s", (int)(nl - p), p);
		p = nl + 1;
	}
}

Test(opts, help_stops_parsing)
{
	/* No scope, bad values after it: --help still wins. */
	RUN("-h", "--pid", "abc");
	cr_assert_eq(r.ret, 0);
	cr_assert_str_eq(r.err, "");
	cr_assert_not_null(strstr(r.out, "EXAMPLES:"));

	RUN("5", "--help");
	cr_assert_eq(r.ret, 0);
	cr_assert_not_null(strstr(r.out, "EXAMPLES:"));
}

Test(opts, usage)
{
	RUN("--usage");
	cr_assert_eq(r.ret, 0);
	cr_assert_str_eq(r.err, "");
	cr_assert_eq(strncmp(r.out, "Usage: tracer ", 14), 0, "%s", r.out);
	cr_assert_not_null(strstr(r.out, "[--no-watch-children]"));
	cr_assert_null(strstr(r.out, "EXAMPLES"));
}

Test(opts, version)
{
	RUN("--version");
	cr_assert_eq(r.ret, 0);
	cr_assert_str_eq(r.out, "tracer " TRACER_VERSION "\n");
	cr_assert_str_eq(r.err, "");

	RUN("-V", "--frob");
	cr_assert_eq(r.ret, 0);
	cr_assert_str_eq(r.out, "tracer " TRACER_VERSION "\n");
	cr_assert_str_eq(r.err, "");
}

Test(opts, unknown_option)
{
	RUN("--frob");
	assert_usage_error("tracer: unrecognized option '--frob' (see --help)\n");
	RUN("5", "--frob=1");
	assert_usage_error("tracer: unrecognized option '--frob' (see --help)\n");
	RUN("-x");
	assert_usage_error("tracer: unrecognized option '-x' (see --help)\n");
	/* Bad letter last, first or in the middle of a group. */
	RUN("5", "-jx");
	assert_usage_error("tracer: unrecognized option '-x' (see --help)\n");
	RUN("-xj", "--frob");
	assert_usage_error("tracer: unrecognized option '-x' (see --help)\n");
	RUN("--json", "-vxj", "-y");
	assert_usage_error("tracer: unrecognized option '-x' (see --help)\n");
	/* "-x" is the argument of --output, -y is the bad one. */
	RUN("--pid", "5", "--output", "-x", "-yj");
	assert_usage_error("tracer: unrecognized option '-y' (see --help)\n");
	/* A negative pid as an argument looks like an option. */
	RUN("-3");
	assert_usage_error("tracer: unrecognized option '-3' (see --help)\n");
}

Test(opts, missing_argument)
{
	RUN("--pid");
	assert_usage_error("tracer: option '--pid' requires an argument (see --help)\n");
	RUN("5", "-p");
	assert_usage_error("tracer: option '-p' requires an argument (see --help)\n");
	RUN("5", "-jt");
	assert_usage_error("tracer: option '-t' requires an argument (see --help)\n");
	RUN("5", "--max-args");
	assert_usage_error("tracer: option '--max-args' requires an argument (see --help)\n");
	RUN("5", "--output");
	assert_usage_error("tracer: option '--output' requires an argument (see --help)\n");
}

Test(opts, other_getopt_errors)
{
	RUN("5", "--max");
	assert_getopt_error("'--max' is ambiguous");
	RUN("5", "--json=yes");
	assert_usage_error("tracer: option '--json' doesn't allow an argument (see --help)\n");
}

Test(opts, flags)
{
	RUN("-j", "-vvv", "--no-watch-children", "-o", "execs.jsonl", "1");
	assert_ok();
	cr_assert_eq(r.opts.format, FORMAT_JSON);
	cr_assert_eq(r.opts.verbose, 3);
	cr_assert_not(r.opts.lib.watch_children);
	cr_assert_str_eq(r.opts.output, "execs.jsonl");

	RUN("--json", "--verbose", "-v", "--output=x", "1");
	assert_ok();
	cr_assert_eq(r.opts.format, FORMAT_JSON);
	cr_assert_eq(r.opts.verbose, 2);
	cr_assert(r.opts.lib.watch_children);
	cr_assert_str_eq(r.opts.output, "x");

	RUN("-ofile", "1");
	assert_ok();
	cr_assert_str_eq(r.opts.output, "file");

	RUN("-o", "", "1");
	assert_usage_error("tracer: invalid --output ''\n");
}

Test(opts, max_args)
{
	RUN("1", "--max-args", "1");
	assert_ok();
	cr_assert_eq(r.opts.lib.max_args, 1);
	RUN("1", "--max-args=1048576");
	assert_ok();
	cr_assert_eq(r.opts.lib.max_args, TRACER_MAX_ARGS_LIMIT);

	RUN("1", "--max-args", "0");
	assert_usage_error("tracer: invalid --max-args '0' (1-1048576)\n");
	RUN("1", "--max-args", "1048577");
	assert_usage_error("tracer: invalid --max-args '1048577' (1-1048576)\n");
	RUN("1", "--max-args", "1K");
	assert_usage_error("tracer: invalid --max-args '1K' (1-1048576)\n");
	RUN("1", "--max-args", "-1");
	assert_usage_error("tracer: invalid --max-args '-1' (1-1048576)\n");
	RUN("1", "--max-args", "99999999999999999999999");
	assert_usage_error("tracer: invalid --max-args '99999999999999999999999' (1-1048576)\n");
}

Test(opts, max_arg_bytes)
{
	RUN("1", "--max-arg-bytes", "2M");
	assert_ok();
	cr_assert_eq(r.opts.lib.max_arg_bytes, 2097152);
	RUN("1", "--max-arg-bytes", "1");
	assert_ok();
	cr_assert_eq(r.opts.lib.max_arg_bytes, 1);
	RUN("1", "--max-arg-bytes", "4k");
	assert_ok();
	cr_assert_eq(r.opts.lib.max_arg_bytes, 4096);

	RUN("1", "--max-arg-bytes", "0");
	assert_usage_error("tracer: invalid --max-arg-bytes '0' (1-2097152)\n");
	RUN("1", "--max-arg-bytes", "2097153");
	assert_usage_error("tracer: invalid --max-arg-bytes '2097153' (1-2097152)\n");
	RUN("1", "--max-arg-bytes", "3M");
	assert_usage_error("tracer: invalid --max-arg-bytes '3M' (1-2097152)\n");
	RUN("1", "--max-arg-bytes", "12KB");
	assert_usage_error("tracer: invalid --max-arg-bytes '12KB' (1-2097152)\n");
}

Test(opts, ringbuf_size)
{
	static const struct {
		const char *arg;
		uint64_t bytes;
	} ok[] = {
		{ "4096", 4096 },	   { "4K", 4096 },
		{ "4097", 8192 },	   { "5000", 8192 },
		{ "64k", 65536 },	   { "16M", 16u << 20 },
		{ "17M", 32u << 20 },	   { "1G", 1u << 30 },
		{ "1g", 1u << 30 },	   { "1048576K", 1u << 30 },
		{ "536870913", 1u << 30 },
	};
	static const char *const bad[] = { "4095", "1K", "0",	 "2G",	 "1025M",
					   "junk", "",	 "16MB", "-16M", "1T" };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		RUN("1", "--ringbuf-size", (char *)ok[i].arg);
		assert_ok();
		cr_assert_eq(r.opts.lib.ringbuf_bytes, ok[i].bytes, "%s", ok[i].arg);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char msg[128];

		RUN("1", "--ringbuf-size", (char *)bad[i]);
		snprintf(msg, sizeof(msg), "tracer: invalid --ringbuf-size '%s' (4K-1G)\n", bad[i]);
		assert_usage_error(msg);
	}
}

Test(opts, max_procs)
{
	RUN("1", "--max-procs", "0");
	assert_ok();
	cr_assert_eq(r.opts.lib.max_procs, 0);
	RUN("1", "--max-procs", "100000");
	assert_ok();
	cr_assert_eq(r.opts.lib.max_procs, 100000);
	RUN("1", "--max-procs", "4194304");
	assert_ok();
	cr_assert_eq(r.opts.lib.max_procs, 4194304);

	RUN("1", "--max-procs", "4194305");
	assert_usage_error("tracer: invalid --max-procs '4194305' (0-4194304)\n");
	RUN("1", "--max-procs", "1K");
	assert_usage_error("tracer: invalid --max-procs '1K' (0-4194304)\n");
	RUN("1", "--max-procs", "");
	assert_usage_error("tracer: invalid --max-procs '' (0-4194304)\n");
}

Test(opts, parse_pid)
{
	uint32_t pid = 77;

	cr_assert_eq(parse_pid("1", &pid), 0);
	cr_assert_eq(pid, 1);
	cr_assert_eq(parse_pid("4194304", &pid), 0);
	cr_assert_eq(pid, 4194304);
	for (size_t i = 0; i < sizeof(bad_pids) / sizeof(bad_pids[0]); i++) {
		pid = 77;
		cr_assert_eq(parse_pid(bad_pids[i], &pid), -EINVAL, "%s", bad_pids[i]);
		cr_assert_eq(pid, 77, "%s", bad_pids[i]);
	}
	cr_assert_eq(parse_pid(NULL, &pid), -EINVAL);
}

Test(opts, parse_size)
{
	static const struct {
		const char *s;
		uint64_t val;
	} ok[] = {
		{ "0", 0 },
		{ "1", 1 },
		{ "4096", 4096 },
		{ "4k", 4096 },
		{ "4K", 4096 },
		{ "16m", 16ull << 20 },
		{ "16M", 16ull << 20 },
		{ "1G", 1ull << 30 },
		{ "3g", 3ull << 30 },
		{ "0K", 0 },
		{ "18446744073709551615", UINT64_MAX },
		{ "17179869183G", 17179869183ull << 30 },
		{ "000000000000000000000000001", 1 },
	};
	static const struct {
		const char *s;
		int err;
	} bad[] = {
		{ "", -EINVAL },
		{ "K", -EINVAL },
		{ "12x", -EINVAL },
		{ "-1", -EINVAL },
		{ "+1", -EINVAL },
		{ " 1", -EINVAL },
		{ "1 ", -EINVAL },
		{ "1KB", -EINVAL },
		{ "1KK", -EINVAL },
		{ "1.5M", -EINVAL },
		{ "1T", -EINVAL },
		{ "0x10", -EINVAL },
		{ "18446744073709551616", -ERANGE },
		{ "17179869184G", -ERANGE },
		{ "18014398509481984K", -ERANGE },
		{ "99999999999999999999999999999", -ERANGE },
		{ "9999999999999999999999999999x", -EINVAL },
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		v = 12345;
		cr_assert_eq(parse_size(ok[i].s, &v), 0, "%s", ok[i].s);
		cr_assert_eq(v, ok[i].val, "%s", ok[i].s);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 12345;
		cr_assert_eq(parse_size(bad[i].s, &v), bad[i].err, "%s", bad[i].s);
		cr_assert_eq(v, 12345, "%s", bad[i].s);
	}
	cr_assert_eq(parse_size(NULL, &v), -EINVAL);
}

/* Launch mode: tracer [OPTIONS] -- COMMAND [ARG...] */

static void assert_command(int argc, const char *const *words)
{
	cr_assert_not_null(r.opts.command);
	cr_assert_eq(r.opts.command_argc, argc);
	for (int i = 0; i < argc; i++)
		cr_assert_str_eq(r.opts.command[i], words[i], "word %d", i);
	cr_assert_null(r.opts.command[argc]);
}

Test(opts, command)
{
	static const char *const make[] = { "make", "test" };
	static const char *const sh[] = { "/bin/sh", "-c", "/bin/true x" };

	RUN("--", "make", "test");
	assert_ok();
	assert_command(2, make);
	cr_assert_eq(r.opts.lib.n_pids, 0);
	cr_assert_eq(r.opts.lib.n_ttys, 0);
	cr_assert_null(r.opts.user);
	cr_assert_not(r.opts.follow_all);

	RUN("--json", "-o", "F", "--", "/bin/sh", "-c", "/bin/true x");
	assert_ok();
	assert_command(3, sh);
	cr_assert_eq(r.opts.format, FORMAT_JSON);
	cr_assert_str_eq(r.opts.output, "F");
}

Test(opts, command_keeps_its_options)
{
	/* Nothing after "--" is tracer's: options, "--", pids, empty words. */
	static const char *const words[] = { "ls", "-l", "--pid", "5", "--", "-j", "" };
	static const char *const dash[] = { "-3" };
	static const char *const dashdash[] = { "--", "x" };
	static const char *const empty[] = { "" };

	RUN("--", "ls", "-l", "--pid", "5", "--", "-j", "");
	assert_ok();
	assert_command(7, words);
	cr_assert_eq(r.opts.lib.n_pids, 0);
	cr_assert_eq(r.opts.format, FORMAT_TEXT);

	RUN("--", "-3");
	assert_ok();
	assert_command(1, dash);
	cr_assert_eq(r.opts.lib.n_pids, 0);

	RUN("--", "--", "x");
	assert_ok();
	assert_command(2, dashdash);

	/* An empty COMMAND is the command's problem (not found), not a usage error. */
	RUN("--", "");
	assert_ok();
	assert_command(1, empty);
}

Test(opts, command_with_scopes)
{
	static const char *const cmd[] = { "sleep", "1" };

	RUN("12", "-p", "34", "--tty", "pts/1", "--no-watch-children", "--", "sleep", "1");
	assert_ok();
	assert_command(2, cmd);
	cr_assert_eq(r.opts.lib.n_pids, 2);
	cr_assert_eq(r.opts.pids[0], 12);
	cr_assert_eq(r.opts.pids[1], 34);
	cr_assert_eq(r.opts.lib.n_ttys, 1);
	cr_assert_not(r.opts.lib.watch_children);
}

Test(opts, user)
{
	static const char *const id[] = { "id" };

	RUN("-u", "alice", "--", "id");
	assert_ok();
	assert_command(1, id);
	cr_assert_str_eq(r.opts.user, "alice");

	RUN("--user=65534", "--", "id");
	assert_ok();
	cr_assert_str_eq(r.opts.user, "65534");

	RUN("-uroot", "--user", "bob", "--", "id");
	assert_ok();
	cr_assert_str_eq(r.opts.user, "bob");

	RUN("-u", "", "--", "id");
	assert_usage_error("tracer: invalid --user ''\n");
	RUN("-u");
	assert_usage_error("tracer: option '-u' requires an argument (see --help)\n");
	RUN("-u", "alice", "5");
	assert_usage_error(
		"tracer: --user needs a COMMAND: tracer [OPTIONS] -- COMMAND [ARG...]\n");
	/* After "--", -u belongs to the command. */
	RUN("5", "--", "id", "-u");
	assert_ok();
	cr_assert_null(r.opts.user);
}

Test(opts, follow_all)
{
	static const char *const cmd[] = { "./daemon", "--follow-all" };

	RUN("--follow-all", "--", "./daemon", "--follow-all");
	assert_ok();
	cr_assert(r.opts.follow_all);
	assert_command(2, cmd);

	RUN("--follow-all", "5");
	assert_usage_error(
		"tracer: --follow-all needs a COMMAND: tracer [OPTIONS] -- COMMAND [ARG...]\n");
	RUN("--follow-all=yes", "--", "x");
	assert_usage_error(
		"tracer: option '--follow-all' doesn't allow an argument (see --help)\n");
}

Test(opts, command_errors_before_dashdash)
{
	/* Errors in tracer's own options are still reported with a COMMAND. */
	RUN("--frob", "--", "make");
	assert_usage_error("tracer: unrecognized option '--frob' (see --help)\n");
	RUN("--max-args", "0", "--", "make");
	assert_usage_error("tracer: invalid --max-args '0' (1-1048576)\n");
	RUN("make", "--", "test");
	assert_usage_error(
		"tracer: invalid pid 'make' (to run a command: tracer [OPTIONS] -- COMMAND)\n");
}

Test(opts, all)
{
	RUN("--all");
	assert_ok();
	cr_assert(r.opts.lib.system_wide);
	cr_assert_eq(r.opts.lib.n_pids, 0);

	RUN("--all", "--pid", "1");
	assert_usage_error(
		"tracer: --all traces every process: it takes no --pid, --tty or COMMAND\n");
	RUN("--all", "--", "true");
	assert_usage_error(
		"tracer: --all traces every process: it takes no --pid, --tty or COMMAND\n");
}

Test(opts, service)
{
	RUN("--all", "--listen", "9000", "--store", "50", "--quiet");
	assert_ok();
	cr_assert(r.opts.listen);
	cr_assert_eq(r.opts.listen_port, 9000);
	cr_assert_eq(r.opts.listen_addr, 0x7f000001);
	cr_assert_eq(r.opts.store_size, 50);
	cr_assert(r.opts.quiet);

	RUN("--all");
	assert_ok();
	cr_assert_not(r.opts.listen);
	cr_assert_eq(r.opts.store_size, TRACER_STORE_DEFAULT);

	RUN("--all", "--quiet");
	assert_usage_error("tracer: --quiet needs --listen, --journal or a --summary\n");
	/* Only the summary at the end, no events. */
	RUN("--all", "--summary", "--quiet");
	assert_ok();
	cr_assert(r.opts.summary);
	cr_assert(r.opts.quiet);
	cr_assert(r.opts.lib.events & TRACER_EVENT_BIT(TRACER_EVENT_EXIT));
	RUN("--all", "--summary-json", "s.json", "--quiet");
	assert_ok();
	cr_assert_str_eq(r.opts.summary_json, "s.json");
	cr_assert(r.opts.lib.events & TRACER_EVENT_BIT(TRACER_EVENT_FORK));
	RUN("--all", "--journal", "--quiet");
	assert_ok();
	cr_assert(r.opts.journal);
	cr_assert(r.opts.quiet);
	RUN("--all", "--listen", "99999");
	assert_usage_error("tracer: invalid --listen '99999' ([ADDR:]PORT, ADDR an IPv4 address, "
			   "PORT 1-65535)\n");
	RUN("--all", "--listen", "80", "--store", "0");
	assert_usage_error("tracer: invalid --store '0' (1-10000000)\n");

	/* Issue 12, findings 4 and 5: the store's budget in bytes, a token, a group. */
	RUN("--all", "--listen", "80");
	assert_ok();
	cr_assert_eq(r.opts.store_bytes, TRACER_STORE_BYTES_DEFAULT);
	cr_assert_eq(r.opts.store_bytes, 32u << 20);
	cr_assert_null(r.opts.listen_token_file);
	cr_assert_not(r.opts.listen_group_set);
	RUN("--all", "--listen", "80", "--store-bytes", "2G", "--listen-token-file", "/etc/tok");
	assert_ok();
	cr_assert_eq(r.opts.store_bytes, 2ull << 30);
	cr_assert_str_eq(r.opts.listen_token_file, "/etc/tok");
	RUN("--all", "--listen", "80", "--store-bytes", "1023K");
	assert_usage_error("tracer: invalid --store-bytes '1023K' (1M-64G)\n");
	RUN("--all", "--listen", "80", "--store-bytes", "65G");
	assert_usage_error("tracer: invalid --store-bytes '65G' (1M-64G)\n");
	RUN("--all", "--listen-token-file", "/etc/tok");
	assert_usage_error("tracer: --listen-token-file needs --listen\n");
	RUN("--all", "--listen", "unix:/run/t.sock", "--listen-group", "0");
	assert_ok();
	cr_assert(r.opts.listen_group_set);
	cr_assert_eq(r.opts.listen_group, 0);
	RUN("--all", "--listen", "unix:/run/t.sock", "--listen-group", "root");
	assert_ok();
	cr_assert_eq(r.opts.listen_group, 0);
	RUN("--all", "--listen", "80", "--listen-group", "0");
	assert_usage_error("tracer: --listen-group needs --listen unix:PATH\n");
	RUN("--all", "--listen", "unix:/run/t.sock", "--listen-group", "no-such-group-here");
	assert_usage_error("tracer: --listen-group: no such group: 'no-such-group-here'\n");
}

Test(opts, format)
{
	RUN("1");
	assert_ok();
	cr_assert_eq(r.opts.format, FORMAT_TEXT);
	cr_assert_not(r.opts.lib.capture_env);
	cr_assert_not(r.opts.lib.keep_secrets);

	RUN("--format", "sh", "--", "make");
	assert_ok();
	cr_assert_eq(r.opts.format, FORMAT_SH);
	RUN("--format=json", "1");
	assert_ok();
	cr_assert_eq(r.opts.format, FORMAT_JSON);
	/* The last one given wins, -j included. */
	RUN("-j", "--format", "text", "1");
	assert_ok();
	cr_assert_eq(r.opts.format, FORMAT_TEXT);
	RUN("--format", "sh", "-j", "1");
	assert_ok();
	cr_assert_eq(r.opts.format, FORMAT_JSON);

	RUN("--format", "xml", "1");
	assert_usage_error("tracer: invalid --format 'xml' (text, kv, json or sh)\n");
	RUN("--format", "", "1");
	assert_usage_error("tracer: invalid --format '' (text, kv, json or sh)\n");
	RUN("--format", "JSON", "1");
	assert_usage_error("tracer: invalid --format 'JSON' (text, kv, json or sh)\n");
	RUN("1", "--format");
	assert_usage_error("tracer: option '--format' requires an argument (see --help)\n");
	RUN("--format", "kv", "1");
	assert_ok();
	cr_assert_eq(r.opts.format, FORMAT_KV);
}

/* --time: wall by default for the readable text, rel for kv (today's line, byte for byte). */
Test(opts, time)
{
	RUN("1");
	assert_ok();
	cr_assert_eq(r.opts.time, TIME_WALL);
	cr_assert(r.opts.lib.events & TRACER_EVENT_BIT(TRACER_EVENT_EXIT),
		  "the readable line's parent contexts are forgotten at exit");
	RUN("--format", "kv", "1");
	assert_ok();
	cr_assert_eq(r.opts.time, TIME_REL);
	cr_assert_not(r.opts.lib.events & TRACER_EVENT_BIT(TRACER_EVENT_EXIT));
	RUN("--time", "iso", "--format", "kv", "1");
	assert_ok();
	cr_assert_eq(r.opts.time, TIME_ISO);
	RUN("--time=none", "1");
	assert_ok();
	cr_assert_eq(r.opts.time, TIME_NONE);
	RUN("--time", "rel", "1");
	assert_ok();
	cr_assert_eq(r.opts.time, TIME_REL);
	RUN("--time", "utc", "1");
	assert_usage_error("tracer: invalid --time 'utc' (rel, wall, iso or none)\n");
}

Test(opts, color)
{
	RUN("1");
	assert_ok();
	cr_assert_eq(r.opts.color, COLOR_AUTO);
	RUN("--color", "always", "1");
	assert_ok();
	cr_assert_eq(r.opts.color, COLOR_ALWAYS);
	cr_assert(opts_use_color(&r.opts, -1), "always: even on no terminal");
	RUN("--color=never", "1");
	assert_ok();
	cr_assert_not(opts_use_color(&r.opts, -1));
	RUN("--color", "yes", "1");
	assert_usage_error("tracer: invalid --color 'yes' (auto, always or never)\n");
}

Test(opts, env_and_redaction)
{
	RUN("--env", "1");
	assert_ok();
	cr_assert(r.opts.lib.capture_env);
	cr_assert_not(r.opts.lib.keep_secrets);

	RUN("--env", "--no-redact", "--format", "sh", "--", "env");
	assert_ok();
	cr_assert(r.opts.lib.capture_env);
	cr_assert(r.opts.lib.keep_secrets);

	RUN("--no-redact", "1");
	assert_usage_error("tracer: --no-redact needs --env\n");
	RUN("--env=1", "1");
	assert_usage_error("tracer: option '--env' doesn't allow an argument (see --help)\n");
}

Test(opts, help_shows_formats_and_env)
{
	RUN("--help");
	cr_assert_eq(r.ret, TRACER_EXIT_OK);
	cr_assert_not_null(strstr(r.out, "--format=FORMAT"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "tracer --format sh -- make"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "tracer --env --json"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "--no-redact"), "%s", r.out);
}

/* Issue 12: --output-fd and --listen unix:PATH. */
Test(opts, output_fd_and_unix_listen)
{
	RUN("--output-fd", "3", "--", "make");
	assert_ok();
	cr_assert_eq(r.opts.output_fd, 3);
	cr_assert_null(r.opts.output);

	RUN("1");
	assert_ok();
	cr_assert_eq(r.opts.output_fd, 0);

	RUN("--output-fd", "0", "1");
	assert_usage_error("tracer: invalid --output-fd '0' (a descriptor number, 1 or more)\n");
	RUN("--output-fd", "3x", "1");
	assert_usage_error("tracer: invalid --output-fd '3x' (a descriptor number, 1 or more)\n");
	RUN("--output-fd", "3", "-o", "f", "1");
	assert_usage_error("tracer: --output and --output-fd: give one of them\n");

	RUN("--all", "--listen", "unix:/run/tracer.sock");
	assert_ok();
	cr_assert(r.opts.listen);
	cr_assert_str_eq(r.opts.listen_unix, "/run/tracer.sock");
	RUN("--all", "--listen", "9000");
	assert_ok();
	cr_assert_null(r.opts.listen_unix);
	RUN("--all", "--listen", "unix:");
	assert_usage_error("tracer: invalid --listen 'unix:' (unix:PATH, PATH under 108 bytes)\n");
}
