// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The --tui list's live filter (tui_filter.h): both forms of its text read
 * alike, every bad text refused with its reason and the filter in use kept,
 * the semantics of the command line's --uid (real or effective), --comm (cut
 * to 15 bytes, the new program's name), --match (the bus's own command line
 * and fnmatch) and --failed, each given must hold; the list's steps and its
 * search through it.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evcopy.h"
#include "filter.h"
#include "tui_filter.h"
#include "tui_list.h"

static struct tracer_bytes bytes(const char *s)
{
	return (struct tracer_bytes){ .ptr = s, .len = strlen(s) };
}

static struct tui_filter parsed(const char *text)
{
	struct tui_filter f;
	char err[256] = "";

	memset(&f, 0xa5, sizeof(f));
	cr_assert_eq(tui_filter_parse(text, &f, err, sizeof(err)), 0, "%s: %s", text, err);
	return f;
}

static const char *described(const struct tui_filter *f)
{
	static char buf[512];

	tui_filter_describe(f, buf, sizeof(buf));
	return buf;
}

/* An exec as the list keeps it, for what the filter reads. */
static struct tui_exec exec_as(uint32_t uid, uint32_t euid, const char *comm, const char *cmdline,
			       int32_t ret)
{
	struct tui_exec e = { .uid = uid, .euid = euid, .ret = ret, .cmdline = (char *)cmdline };

	snprintf(e.comm, sizeof(e.comm), "%s", comm);
	return e;
}

static bool passes(const struct tui_filter *f, uint32_t uid, uint32_t euid, const char *comm,
		   const char *cmdline, int32_t ret)
{
	struct tui_exec e = exec_as(uid, euid, comm, cmdline, ret);

	return tui_filter_pass(f, &e);
}

Test(tui_filter, both_forms_read_alike)
{
	const char *const texts[] = {
		"--uid 1000 --comm make --match 'gcc *' --failed",
		"uid=1000 comm=make match='gcc *' failed",
		"  --uid=1000\t--comm=make --match=\"gcc *\"   --failed ",
		"uid 1000 comm make match gcc\\ * --failed",
	};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct tui_filter f = parsed(texts[i]);

		cr_assert(f.failed, "%s", texts[i]);
		cr_assert_eq(f.n_uids, 1);
		cr_assert_eq(f.uids[0], 1000);
		cr_assert_eq(f.n_comms, 1);
		cr_assert_str_eq(f.comms[0], "make");
		cr_assert_eq(f.n_match, 1);
		cr_assert_str_eq(f.pool + f.match[0], "gcc *");
		cr_assert_str_eq(described(&f), "--uid 1000 --comm make --match 'gcc *' --failed",
				 "%s", texts[i]);
	}
}

Test(tui_filter, users_by_number_or_name_lists_and_repeats)
{
	struct tui_filter f = parsed("--uid root,1000 uid=65534");

	cr_assert_eq(f.n_uids, 3);
	cr_assert_eq(f.uids[0], 0);
	cr_assert_eq(f.uids[1], 1000);
	cr_assert_eq(f.uids[2], 65534);
	cr_assert_str_eq(described(&f), "--uid 0,1000,65534");
}

Test(tui_filter, empty_is_no_filter)
{
	struct tui_filter f = parsed("   ");

	cr_assert(tui_filter_none(&f));
	cr_assert_str_eq(described(&f), "");
	f = parsed("");
	cr_assert(tui_filter_none(&f));
	cr_assert_not(tui_filter_none(&(struct tui_filter){ .failed = true }));
}

Test(tui_filter, a_bad_text_says_why_and_keeps_the_filter)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "--uid nosuchuser-tf", "unknown user nosuchuser-tf in --uid" },
		{ "--uid", "--uid needs a value" },
		{ "--failed --match", "--match needs a value" },
		{ "uid=", "invalid --uid: an empty user" },
		{ "--uid 1,,2", "invalid --uid: an empty user" },
		{ "--uid 12x", "unknown user 12x in --uid" },
		{ "comm=", "invalid --comm: an empty name" },
		{ "--match ''", "invalid --match: an empty pattern" },
		{ "--pid 1", "unknown filter --pid: --uid, --comm, --match or --failed" },
		{ "uid=0 gcc", "unknown filter gcc: --uid, --comm, --match or --failed" },
		{ "match='gcc *", "a single quote is not closed" },
		{ "match=\"gcc *", "a double quote is not closed" },
		{ "failed=yes", "--failed takes no value" },
	};
	struct tui_filter f = parsed("--uid 1000 --failed"), kept = f;
	char err[256], text[700];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_assert_eq(tui_filter_parse(bad[i].text, &f, err, sizeof(err)), -1, "%s",
			     bad[i].text);
		cr_assert_str_eq(err, bad[i].why, "%s", bad[i].text);
		cr_assert_eq(memcmp(&f, &kept, sizeof(f)), 0, "%s changed the filter", bad[i].text);
	}
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	cr_assert_eq(tui_filter_parse(text, &f, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "the filter is too long (at most 511 bytes)");
	text[0] = '\0';
	for (i = 0; i <= TUI_FILTER_MAX; i++)
		strcat(text, "comm=c ");
	cr_assert_eq(tui_filter_parse(text, &f, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "too many --comm (at most 64)");
	cr_assert_eq(memcmp(&f, &kept, sizeof(f)), 0);
}

Test(tui_filter, uid_is_the_real_or_the_effective_one)
{
	struct tui_filter f = parsed("--uid 1000,1001");

	cr_assert(passes(&f, 1000, 1000, "sh", "sh", 0));
	cr_assert(passes(&f, 0, 1001, "sh", "sh", 0), "effective");
	cr_assert(passes(&f, 1001, 0, "su", "su", 0), "real");
	cr_assert_not(passes(&f, 0, 0, "sh", "sh", 0));
}

Test(tui_filter, comm_is_cut_to_15_bytes_as_the_kernel_cuts_it)
{
	struct tui_filter f = parsed("--comm a-very-long-program-name --comm cc1");

	cr_assert_str_eq(f.comms[0], "a-very-long-pro");
	cr_assert(passes(&f, 0, 0, "a-very-long-pro", "x", 0));
	cr_assert(passes(&f, 0, 0, "cc1", "x", 0), "either");
	cr_assert_not(passes(&f, 0, 0, "cc", "x", 0));
	cr_assert_not(passes(&f, 0, 0, "a-very-long", "x", 0));
}

Test(tui_filter, match_is_fnmatch_over_the_command_line)
{
	struct tui_filter f = parsed("--match 'gcc *' --match '*/cc1 *'");

	cr_assert(passes(&f, 0, 0, "gcc", "gcc -c a.c", 0));
	cr_assert(passes(&f, 0, 0, "cc1", "/usr/lib/gcc/x86_64/12/cc1 -quiet", 0));
	cr_assert_not(passes(&f, 0, 0, "cc", "cc gcc x", 0));
	cr_assert_not(passes(&f, 0, 0, "gcc", "gcc", 0), "'gcc *' needs an argument");
}

Test(tui_filter, each_given_must_hold)
{
	struct tui_filter f = parsed("uid=1000 comm=make match='make *' failed");

	cr_assert(passes(&f, 1000, 1000, "make", "make -j2", -2));
	cr_assert_not(passes(&f, 1000, 1000, "make", "make -j2", 0));
	cr_assert_not(passes(&f, 0, 0, "make", "make -j2", -2));
	cr_assert_not(passes(&f, 1000, 1000, "gmake", "make -j2", -2));
	cr_assert_not(passes(&f, 1000, 1000, "make", "make", -2));
}

/* The list's --match reads the same line as the bus's, built by the same code. */
Test(tui_filter, match_agrees_with_the_bus)
{
	const char *const globs[] = { "cc -O? *" };
	struct tracer_bytes cc[] = { bytes("cc"), bytes("-O2"), bytes("a b.c") };
	struct tracer_event ev = {
		.sz = sizeof(ev),
		.type = TRACER_EVENT_EXEC,
		.exec = { .argv = cc, .argc = 3, .filename = bytes("/bin/cc") },
	};
	struct ev_filter bus = { .match = globs, .n_match = 1 };
	struct tui_filter f = parsed("--match 'cc -O? *'");
	char *line = NULL;
	size_t cap = 0, argc;

	for (argc = 0; argc <= 3; argc++) {
		ev.exec.argc = (uint32_t)argc;
		cr_assert_not_null(ev_command_line(&ev.exec, &line, &cap));
		cr_assert_eq(passes(&f, 0, 0, "cc", line, 0), ev_filter_pass(&bus, &ev),
			     "argc %zu: %s", argc, line);
	}
	cr_assert_str_eq(line, "cc -O2 a b.c");
	ev.exec.argc = 0;
	ev_command_line(&ev.exec, &line, &cap);
	cr_assert_str_eq(line, "/bin/cc", "no argument: the filename");
	free(line);
	ev_filter_free(&bus);
}

Test(tui_filter, the_comm_of_an_exec)
{
	struct tracer_exec_event e = { .filename = bytes("/usr/bin/make") };
	char comm[TUI_COMM_LEN];

	tui_filter_comm_of(&e, comm);
	cr_assert_str_eq(comm, "make");
	e.filename = bytes("make");
	tui_filter_comm_of(&e, comm);
	cr_assert_str_eq(comm, "make");
	e.filename = bytes("/no/such/prog-with-a-long-name");
	e.ret = -2;
	tui_filter_comm_of(&e, comm);
	cr_assert_str_eq(comm, "prog-with-a-lon", "failed: the filename's basename, cut");
	/* fexecve(): the file's own name, as tracer's kernel filter takes it. */
	e.ret = 0;
	e.syscall_nr = TRACER_SYSCALL_EXECVEAT;
	e.filename = bytes("/dev/fd/3");
	e.exe.path = bytes("/usr/bin/true");
	tui_filter_comm_of(&e, comm);
	cr_assert_str_eq(comm, "true");
	e.ret = -2;
	tui_filter_comm_of(&e, comm);
	cr_assert_str_eq(comm, "3", "a failed fexecve(): the filename's basename");
	e.filename = (struct tracer_bytes){ 0 };
	tui_filter_comm_of(&e, comm);
	cr_assert_str_eq(comm, "", "unreadable");
}

Test(tui_filter, described_reads_back_the_same)
{
	const char *const texts[] = {
		"--match \"it's *\" --comm 'a b'",
		"match='$HOME/*' comm=\\\\x uid=7",
		"failed",
	};
	char again[512];
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct tui_filter f = parsed(texts[i]), g;

		snprintf(again, sizeof(again), "%s", described(&f));
		g = parsed(again);
		cr_assert_str_eq(described(&g), again, "%s", texts[i]);
		cr_assert_eq(g.n_match, f.n_match);
		cr_assert_eq(g.n_comms, f.n_comms);
		if (f.n_match)
			cr_assert_str_eq(g.pool + g.match[0], f.pool + f.match[0]);
		if (f.n_comms)
			cr_assert_str_eq(g.comms[0], f.comms[0]);
	}
}

static void add(struct tui_list *l, uint32_t uid, const char *cmd)
{
	struct tui_exec e = { .pid = 1, .uid = uid, .euid = uid };
	struct tracer_event ev = { .sz = sizeof(ev), .type = TRACER_EVENT_EXEC };
	struct tracer_bytes argv[8];
	char words[256], *w, *save = NULL;
	uint32_t argc = 0;

	/* Kept as the TUI keeps it: a copy of its event, its words the arguments. */
	snprintf(words, sizeof(words), "%s", cmd);
	for (w = strtok_r(words, " ", &save); w && argc < 8; w = strtok_r(NULL, " ", &save))
		argv[argc++] = (struct tracer_bytes){ .ptr = w, .len = strlen(w) };
	ev.exec.pid = 1;
	ev.exec.argc = argc;
	ev.exec.argv = argv;
	ev.exec.filename = argv[0];
	e.ev = evcopy_new(&ev);
	cr_assert_not_null(e.ev);
	e.cmdline = strdup(cmd);
	cr_assert_eq(tui_list_add(l, &e), 0);
}

/* The cursor's moves and the search go through what the filter shows only. */
Test(tui_filter, the_list_steps_and_searches_through_it)
{
	struct tui_list *l = tui_list_new(100, 0);
	struct tui_filter f = parsed("--uid 1000");

	add(l, 1000, "make all");
	add(l, 0, "make install");
	add(l, 1000, "cc -c a.c");
	add(l, 0, "cc -c b.c");
	cr_assert_eq(tui_list_step(l, tui_list_end(l), -1, &f, NULL), 2);
	cr_assert_eq(tui_list_step(l, 2, -1, &f, NULL), 0);
	cr_assert_eq(tui_list_step(l, 0, +1, &f, "make"), UINT64_MAX, "make install is root's");
	cr_assert_eq(tui_list_step(l, 0, +1, NULL, "make"), 1);
	cr_assert_eq(tui_list_step(l, 0, +1, &f, "cc"), 2);
	cr_assert(tui_list_shown(tui_list_get(l, 1), NULL));
	cr_assert_not(tui_list_shown(tui_list_get(l, 1), &f));
	/* The answers kept for one filter are not another's: f, then a new text. */
	tui_filter_toggle_failed(&f);
	cr_assert_eq(tui_list_step(l, tui_list_end(l), -1, &f, NULL), UINT64_MAX, "none failed");
	tui_filter_toggle_failed(&f);
	cr_assert_eq(tui_list_step(l, tui_list_end(l), -1, &f, NULL), 2);
	f = parsed("--uid 0");
	cr_assert_eq(tui_list_step(l, tui_list_end(l), -1, &f, NULL), 3);
	cr_assert_eq(tui_list_step(l, 3, -1, &f, NULL), 1);
	cr_assert_eq(tui_list_step(l, 1, -1, &f, NULL), UINT64_MAX);
	tui_list_free(l);
}
