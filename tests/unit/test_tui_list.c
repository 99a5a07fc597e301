// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The --tui list's model (tui_list.h): its bounds (the oldest dropped and
 * counted, by count and by bytes), an exit finding its exec by pid (and not
 * another's), and the steps through it with a filter (failed only) and a
 * search.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "evcopy.h"
#include "tui_filter.h"
#include "tui_list.h"

/* An exec of cmd (its words the arguments) kept as the TUI keeps it: a copy of its event. */
static void add(struct tui_list *l, uint32_t pid, int32_t ret, const char *cmd)
{
	struct tui_exec e = { .pid = pid, .ppid = 1, .ret = ret };
	struct tracer_event ev = { .sz = sizeof(ev), .type = TRACER_EVENT_EXEC };
	struct tracer_bytes argv[8];
	char words[256], *w, *save = NULL;
	uint32_t argc = 0;

	snprintf(words, sizeof(words), "%s", cmd);
	for (w = strtok_r(words, " ", &save); w && argc < 8; w = strtok_r(NULL, " ", &save))
		argv[argc++] = (struct tracer_bytes){ .ptr = w, .len = strlen(w) };
	ev.exec.pid = pid;
	ev.exec.ppid = 1;
	ev.exec.ret = ret;
	ev.exec.argc = argc;
	ev.exec.argv = argv;
	ev.exec.filename = argv[0];
	e.ev = evcopy_new(&ev);
	cr_assert_not_null(e.ev);
	e.cmdline = strdup(cmd);
	e.bytes = 4 + 2 * strlen(cmd);
	cr_assert_eq(tui_list_add(l, &e), 0);
}

/* The arguments of the exec kept at seq, joined by spaces. */
static const char *args_of(const struct tui_list *l, uint64_t seq)
{
	static char buf[256];
	const struct tui_exec *e = tui_list_get(l, seq);
	size_t n = 0;
	uint32_t i;

	cr_assert_not_null(e);
	for (i = 0; i < e->ev->exec.argc; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%.*s", i ? " " : "",
				      (int)e->ev->exec.argv[i].len, e->ev->exec.argv[i].ptr);
	return buf;
}

Test(tui_list, keeps_the_last_n_and_counts_the_dropped)
{
	struct tui_list *l = tui_list_new(3000, 0);
	char cmd[32];
	uint32_t i;

	for (i = 0; i < 5000; i++) {
		snprintf(cmd, sizeof(cmd), "true %u", i);
		add(l, 100 + i, 0, cmd);
	}
	cr_assert_eq(tui_list_first(l), 2000);
	cr_assert_eq(tui_list_end(l), 5000);
	cr_assert_eq(tui_list_dropped(l), 2000);
	cr_assert_null(tui_list_get(l, 1999));
	cr_assert_str_eq(args_of(l, 2000), "true 2000");
	cr_assert_str_eq(args_of(l, 4999), "true 4999");
	cr_assert_eq(tui_list_get(l, 4999)->seq, 4999);
	tui_list_free(l);
}

Test(tui_list, keeps_within_its_bytes)
{
	struct tui_list *l = tui_list_new(100000, 1000);
	uint32_t i;

	/* Each is 4 + 2 * 10 bytes: 41 fit in 1000. */
	for (i = 0; i < 100; i++)
		add(l, 10 + i, 0, "0123456789");
	cr_assert_eq(tui_list_end(l) - tui_list_first(l), 41);
	cr_assert_eq(tui_list_dropped(l), 59);
	tui_list_free(l);
}

Test(tui_list, an_exit_finds_the_last_exec_of_its_pid)
{
	struct tui_list *l = tui_list_new(100, 0);

	add(l, 42, 0, "sh");
	add(l, 43, 0, "ls");
	add(l, 42, 0, "make"); /* sh execs make: the same process */
	/* Same slot of the index (pid + 2^18), another process: not taken for 42. */
	tui_list_exit(l, 42 + (1u << 18), 9, 1000);
	cr_assert_not(tui_list_get(l, 2)->exited);
	tui_list_exit(l, 42, 256, 2000);
	cr_assert(tui_list_get(l, 2)->exited);
	cr_assert_eq(tui_list_get(l, 2)->exit_status, 256);
	cr_assert_eq(tui_list_get(l, 2)->end_ns, 2000);
	cr_assert_not(tui_list_get(l, 0)->exited,
		      "the earlier exec of the pid is not the one that exited");
	cr_assert_not(tui_list_get(l, 1)->exited);
	tui_list_free(l);
}

Test(tui_list, steps_through_failed_only_and_matches)
{
	struct tui_list *l = tui_list_new(100, 0);
	const struct tui_filter failed = { .failed = true };

	add(l, 1, 0, "cc -c a.c");
	add(l, 2, -2, "ld-missing a.o");
	add(l, 3, 0, "cc -c b.c");
	add(l, 4, -13, "./noperm");
	add(l, 5, 0, "true");
	cr_assert_eq(tui_list_step(l, tui_list_end(l), -1, NULL, NULL), 4);
	cr_assert_eq(tui_list_step(l, tui_list_end(l), -1, &failed, NULL), 3);
	cr_assert_eq(tui_list_step(l, 3, -1, &failed, NULL), 1);
	cr_assert_eq(tui_list_step(l, 1, -1, &failed, NULL), UINT64_MAX);
	cr_assert_eq(tui_list_step(l, 0, +1, NULL, "cc -c"), 2);
	cr_assert_eq(tui_list_step(l, 2, +1, NULL, "cc -c"), UINT64_MAX);
	cr_assert_eq(tui_list_step(l, 4, -1, NULL, "a."), 1);
	/* From before the first (UINT64_MAX + 1 is 0): the first itself is a candidate. */
	cr_assert_eq(tui_list_step(l, UINT64_MAX, +1, NULL, "cc"), 0);
	tui_list_free(l);
}
