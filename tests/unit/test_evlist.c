// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The --events list, and the lifecycle options of opts_parse(). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "capture.h"
#include "evlist.h"
#include "opts.h"

#define EXEC TRACER_EVENT_BIT(TRACER_EVENT_EXEC)
#define FORK TRACER_EVENT_BIT(TRACER_EVENT_FORK)
#define EXIT TRACER_EVENT_BIT(TRACER_EVENT_EXIT)
#define SIGNAL TRACER_EVENT_BIT(TRACER_EVENT_SIGNAL)

Test(evlist, names)
{
	static const struct {
		const char *list;
		uint32_t mask;
	} ok[] = {
		{ "exec", EXEC },
		{ "fork", FORK },
		{ "exit", EXIT },
		{ "signal", SIGNAL },
		{ "all", EXEC | FORK | EXIT | SIGNAL },
		{ "fork,exit", FORK | EXIT },
		{ "exit,fork,exit", FORK | EXIT },
		{ "signal,all", EXEC | FORK | EXIT | SIGNAL },
	};
	uint32_t m;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		m = 0xdead;
		cr_expect_eq(evlist_parse(ok[i].list, &m), 0, "%s", ok[i].list);
		cr_expect_eq(m, ok[i].mask, "%s: %#x", ok[i].list, m);
	}
}

Test(evlist, rejected)
{
	static const char *const bad[] = {
		"",    ",",	    "exec,", ",exec",  "exec,,fork", "EXEC", "execs",
		"exe", "fork exit", " exec", "exec\n", "signals",    "none",
	};
	uint32_t m = 0x1234;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(evlist_parse(bad[i], &m), -EINVAL, "'%s'", bad[i]);
	cr_expect_eq(evlist_parse(NULL, &m), -EINVAL);
	cr_expect_eq(m, 0x1234, "the mask is left alone on error");
}

Test(evlist, kernel_mask)
{
	cr_expect_eq(evlist_kernel_mask(EXEC, false, false), EXEC);
	cr_expect_eq(evlist_kernel_mask(FORK | SIGNAL, false, false), FORK | SIGNAL);
	/* the tree and the timeline need everything, whatever is printed */
	cr_expect_eq(evlist_kernel_mask(EXEC, true, false), EXEC | FORK | EXIT | SIGNAL);
	cr_expect_eq(evlist_kernel_mask(FORK, false, true), EXEC | FORK | EXIT | SIGNAL);
}

/* ---- the options ---- */

struct parsed {
	int ret;
	struct cli_opts opts;
	char err[512];
};

static void parse(struct parsed *p, int argc, char **argv)
{
	struct capture out, err;

	p->ret = opts_parse(argc, argv, &p->opts, cap_open(&out), cap_open(&err));
	free(cap_close(&out));
	snprintf(p->err, sizeof(p->err), "%s", cap_close(&err));
	free(err.buf);
}

#define PARSE(p, ...)                                                           \
	do {                                                                    \
		char *argv_[] = { "tracer", __VA_ARGS__, NULL };                \
		parse((p), (int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_); \
	} while (0)

Test(lifecycle_opts, defaults)
{
	struct parsed p;

	PARSE(&p, "--pid", "1");
	cr_assert_eq(p.ret, -1);
	cr_expect_eq(p.opts.events, EXEC);
	cr_expect_not(p.opts.tree);
	cr_expect_null(p.opts.timeline);
}

Test(lifecycle_opts, events_tree_timeline)
{
	struct parsed p;

	PARSE(&p, "--events", "fork,exit", "--tree", "--timeline", "t.json", "1");
	cr_assert_eq(p.ret, -1, "%s", p.err);
	cr_expect_eq(p.opts.events, FORK | EXIT);
	cr_expect(p.opts.tree);
	cr_expect_str_eq(p.opts.timeline, "t.json");

	/* repeated --events add up */
	PARSE(&p, "--events=signal", "--events", "exec", "-p", "1");
	cr_assert_eq(p.ret, -1, "%s", p.err);
	cr_expect_eq(p.opts.events, SIGNAL | EXEC);

	PARSE(&p, "--events", "all", "-p", "1");
	cr_expect_eq(p.opts.events, EXEC | FORK | EXIT | SIGNAL);
}

Test(lifecycle_opts, errors)
{
	struct parsed p;

	PARSE(&p, "--events", "forks", "1");
	cr_expect_eq(p.ret, 2);
	cr_expect_str_eq(p.err, "tracer: invalid --events 'forks' (comma-separated exec, fork, "
				"exit, signal, all)\n");
	PARSE(&p, "--events", "exec,\nfork", "1");
	cr_expect_eq(p.ret, 2);
	cr_expect_str_eq(p.err, "tracer: invalid --events 'exec,\\nfork' (comma-separated exec, "
				"fork, exit, signal, all)\n");
	PARSE(&p, "--timeline", "", "1");
	cr_expect_eq(p.ret, 2);
	cr_expect_str_eq(p.err, "tracer: invalid --timeline ''\n");
	PARSE(&p, "--tree=x", "1");
	cr_expect_eq(p.ret, 2);
	cr_expect_str_eq(p.err, "tracer: option '--tree' doesn't allow an argument (see --help)\n");
	PARSE(&p, "1", "--events");
	cr_expect_eq(p.ret, 2);
	cr_expect_str_eq(p.err, "tracer: option '--events' requires an argument (see --help)\n");
}
