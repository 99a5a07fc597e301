// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The options that narrow what is reported (opts_filter.c) and the bus's
 * filter stage (filter.c): what each option sets, what each refuses, which
 * events the stage lets through to the sinks.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "filter.h"
#include "opts.h"
#include "sink.h"

static struct cli_opts opts;
static char *out_buf, *err_buf;

static void teardown(void)
{
	opts_free(&opts);
	free(out_buf);
	free(err_buf);
	out_buf = err_buf = NULL;
}

TestSuite(filter, .fini = teardown);

static int parse(int argc, char **argv)
{
	struct capture out, err;
	int ret;

	ret = opts_parse(argc, argv, &opts, cap_open(&out), cap_open(&err));
	out_buf = cap_close(&out);
	err_buf = cap_close(&err);
	return ret;
}

#define PARSE(...)                                                                 \
	parse((int)(sizeof((char *[]){ "tracer", __VA_ARGS__ }) / sizeof(char *)), \
	      (char *[]){ "tracer", __VA_ARGS__, NULL })

Test(filter, options_set_the_library_and_the_stage)
{
	cr_assert_eq(PARSE("--uid", "0,1234", "--uid=root", "--comm", "gcc", "--comm", "cc1",
			   "--failed", "--match", "make *", "--match=*-O2*", "--cgroup",
			   "/sys/fs/cgroup/x", "-p", "1"),
		     -1, "%s", err_buf);
	cr_assert_eq(opts.lib.n_uids, 3);
	cr_assert_eq(opts.lib.uids[0], 0);
	cr_assert_eq(opts.lib.uids[1], 1234);
	cr_assert_eq(opts.lib.uids[2], 0);
	cr_assert_eq(opts.lib.n_comms, 2);
	cr_assert_str_eq(opts.lib.comms[0], "gcc");
	cr_assert_str_eq(opts.lib.comms[1], "cc1");
	cr_assert(opts.failed_only);
	cr_assert_eq(opts.n_match, 2);
	cr_assert_str_eq(opts.match[1], "*-O2*");
	cr_assert_str_eq(opts.lib.cgroup, "/sys/fs/cgroup/x");
}

Test(filter, no_option_no_filter)
{
	cr_assert_eq(PARSE("-p", "1"), -1);
	cr_assert_eq(opts.lib.n_uids, 0);
	cr_assert_eq(opts.lib.n_comms, 0);
	cr_assert_null(opts.lib.cgroup);
	cr_assert_not(opts.failed_only);
	cr_assert_eq(opts.n_match, 0);
}

Test(filter, bad_values_one_line_each)
{
	cr_assert_eq(PARSE("--uid", "0,,1", "-p", "1"), 2);
	cr_assert_str_eq(err_buf, "tracer: invalid --uid: an empty user\n");
	teardown();
	cr_assert_eq(PARSE("--uid", "no-such-user-x", "-p", "1"), 2);
	cr_assert_str_eq(err_buf, "tracer: unknown user 'no-such-user-x' in --uid\n");
	teardown();
	cr_assert_eq(PARSE("--uid", "4294967295", "-p", "1"), 2);
	cr_assert_str_eq(err_buf, "tracer: unknown user '4294967295' in --uid\n");
	teardown();
	cr_assert_eq(PARSE("--comm", "", "-p", "1"), 2);
	cr_assert_str_eq(err_buf, "tracer: invalid --comm: an empty name\n");
	teardown();
	cr_assert_eq(PARSE("--match", "", "-p", "1"), 2);
	cr_assert_str_eq(err_buf, "tracer: invalid --match: an empty pattern\n");
	teardown();
	cr_assert_eq(PARSE("--cgroup", "", "-p", "1"), 2);
	cr_assert_str_eq(err_buf, "tracer: invalid --cgroup: an empty path\n");
}

static struct tracer_bytes bytes(const char *s)
{
	return (struct tracer_bytes){ (char *)s, strlen(s) };
}

static struct tracer_event exec_of(struct tracer_bytes *argv, uint32_t argc, int32_t ret)
{
	return (struct tracer_event){
		.sz = sizeof(struct tracer_event),
		.type = TRACER_EVENT_EXEC,
		.exec = { .argv = argv, .argc = argc, .ret = ret, .filename = bytes("/bin/cc") },
	};
}

Test(filter, failed_and_match)
{
	struct tracer_bytes cc[] = { bytes("cc"), bytes("-O2"), bytes("a b.c") };
	const char *const globs[] = { "cc -O? *", "ld *" };
	struct ev_filter f = { .match = globs };
	struct tracer_event ok = exec_of(cc, 3, 0), bad = exec_of(cc, 3, -2),
			    none = exec_of(NULL, 0, -14), other = exec_of(cc, 1, 0);
	struct tracer_event exit_ev = { .sz = sizeof(exit_ev), .type = TRACER_EVENT_EXIT };

	cr_assert(ev_filter_none(&f));
	cr_assert(ev_filter_pass(&f, &ok));
	f.failed_only = true;
	cr_assert_not(ev_filter_pass(&f, &ok));
	cr_assert(ev_filter_pass(&f, &bad));
	cr_assert(ev_filter_pass(&f, &exit_ev), "only execs are filtered");
	f.failed_only = false;
	f.n_match = 2;
	/* "cc -O2 a b.c": '*' crosses the space inside an argument. */
	cr_assert(ev_filter_pass(&f, &ok));
	cr_assert_not(ev_filter_pass(&f, &other), "\"cc\" alone");
	/* No arguments read: the filename stands for the line. */
	{
		const char *const by_name[] = { "/bin/cc" };
		struct ev_filter g = { .match = by_name, .n_match = 1 };

		cr_assert(ev_filter_pass(&g, &none));
		ev_filter_free(&g);
	}
	f.failed_only = true;
	cr_assert_not(ev_filter_pass(&f, &ok), "both must hold");
	cr_assert(ev_filter_pass(&f, &bad));
	ev_filter_free(&f);
}
