// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Unit tests of tree.c: the process tree built from synthetic events, written exactly. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "tree_fixture.h"

static char *written(struct tree *t, bool color)
{
	struct capture c;

	cap_open(&c);
	cr_assert_eq(tree_write(t, c.f, color), 0);
	return cap_close(&c);
}

#define EXPECT_TREE(t, color, want)                                                 \
	do {                                                                        \
		char *got_ = written((t), (color));                                 \
		cr_expect_str_eq(got_, want, "\n got:\n%s\nwant:\n%s", got_, want); \
		free(got_);                                                         \
	} while (0)

Test(tree, small_build)
{
	struct tree t;

	build_tree(&t);
	EXPECT_TREE(&t, false,
		    "tracer: process tree: 6 processes, 4 failed\n"
		    "100 \"sh\" [exit 0, >2.500s]\n"
		    "`-- 101 make all [exit 2, 1.000s] FAILED\n"
		    "    |-- 102 cc -c a.c [exit 0, 300.001ms]\n"
		    "    |-- 103 \"make\" [exit 127, 30.001ms] FAILED\n"
		    "    |   `-- exec failed (EACCES): nosuch x\n"
		    "    |-- 104 sleep 10 [killed by SIGTERM from 101 \"make\", 110.001ms] FAILED\n"
		    "    `-- 105 ./crash [killed by SIGSEGV, core dumped, 50.001ms] FAILED\n");
	cr_expect_eq(tree_count_failed(&t), 4);
	tree_free(&t);
}

Test(tree, model)
{
	struct tree t;
	const struct tree_proc *p;

	build_tree(&t);
	cr_assert_eq(t.n, 6);
	cr_assert_eq(t.n_roots, 1);
	p = &t.procs[t.roots[0]];
	cr_expect_eq(p->pid, 100);
	cr_expect(p->started_before);
	cr_expect_eq(p->start_ns, MS(500));
	cr_expect_eq(p->end_ns, MS(3000));
	cr_expect_eq(p->n_children, 1);
	p = &t.procs[p->children[0]];
	cr_expect_eq(p->pid, 101);
	cr_expect_eq(p->depth, 1);
	cr_expect_eq(p->start_ns, MS(1000) - 1000);
	cr_expect_eq(p->n_children, 4);
	/* marks: its exec, SIGCHLD received */
	cr_expect_eq(p->n_marks, 2);
	cr_expect_eq(p->marks[0].kind, TREE_MARK_EXEC);
	cr_expect_eq(p->marks[1].kind, TREE_MARK_SIGNAL_IN);
	cr_expect_eq(p->marks[1].sig, SIGCHLD);
	/* depth-first order: parents before children, siblings by start */
	cr_assert_eq(t.procs[t.order[0]].pid, 100);
	cr_expect_eq(t.procs[t.order[1]].pid, 101);
	cr_expect_eq(t.procs[t.order[2]].pid, 102);
	cr_expect_eq(t.procs[t.order[5]].pid, 105);
	cr_expect_eq(t.procs[t.order[5]].root, t.roots[0]);
	tree_free(&t);
}

Test(tree, color_only_when_asked)
{
	struct tree t;
	char *s;

	build_tree(&t);
	s = written(&t, false);
	cr_expect_null(strchr(s, '\033'), "escape sequence without colour");
	free(s);
	s = written(&t, true);
	cr_expect_not_null(strstr(s, "\033[1;31m[exit 2, 1.000s] FAILED\033[0m\n"), "%s", s);
	cr_expect_not_null(strstr(s, "\033[2m    |-- \033[0m102 cc -c a.c [exit 0, 300.001ms]\n"),
			   "%s", s);
	cr_expect_not_null(strstr(s, "\033[1;31mexec failed (EACCES): nosuch x\033[0m\n"), "%s", s);
	free(s);
	tree_free(&t);
}

Test(tree, running_and_lost_exits)
{
	struct tree t;

	tree_init(&t);
	add(&t, fork_ev(MS(10), 1000, 1001, "bash"));
	add(&t, exec_ev(MS(11), 1001, 1000, 0, sleep10, 2));
	/* 1001 forks again as a new process: the exit of the first was lost */
	add(&t, fork_ev(MS(20), 1000, 1001, "bash"));
	cr_assert_eq(tree_finish(&t, MS(1020)), 0);
	EXPECT_TREE(&t, false,
		    "tracer: process tree: 3 processes, 0 failed\n"
		    "1000 \"bash\" [running, >1.010s]\n"
		    "|-- 1001 sleep 10 [exit not seen, 10.001ms]\n"
		    "`-- 1001 \"bash\" [running, 1.000s]\n");
	tree_free(&t);
}

Test(tree, running_in_colour)
{
	struct tree t;
	char *s;

	tree_init(&t);
	add(&t, exec_ev(MS(10), 7, 1, 0, sleep10, 2));
	cr_assert_eq(tree_finish(&t, MS(20)), 0);
	s = written(&t, true);
	cr_expect_str_eq(s, "tracer: process tree: 1 process, 0 failed\n"
			    "7 sleep 10 \033[33m[running, >10.000ms]\033[0m\n");
	free(s);
	tree_free(&t);
}

Test(tree, pid_reused_after_exit)
{
	struct tree t;

	tree_init(&t);
	add(&t, fork_ev(MS(1), 50, 60, "sh"));
	add(&t, exit_ev(MS(2), 60, 50, 1 << 8, MS(1) - 1000, 0, "sh"));
	add(&t, fork_ev(MS(3), 50, 60, "sh"));
	add(&t, exit_ev(MS(4), 60, 50, 0, MS(3) - 1000, 0, "sh"));
	add(&t, exit_ev(MS(5), 50, 1, 0, MS(0), 0, "sh"));
	cr_assert_eq(tree_finish(&t, MS(6)), 0);
	EXPECT_TREE(&t, false,
		    "tracer: process tree: 3 processes, 1 failed\n"
		    "50 \"sh\" [exit 0, 5.000ms]\n"
		    "|-- 60 \"sh\" [exit 1, 1.001ms] FAILED\n"
		    "`-- 60 \"sh\" [exit 0, 1.001ms]\n");
	tree_free(&t);
}

/* Processes older than tracer: no fork seen, linked by their ppid. */
Test(tree, linked_by_ppid)
{
	struct tree t;

	tree_init(&t);
	/* the child is seen first, then its parent */
	add(&t, exec_ev(MS(10), 301, 300, 0, sleep10, 2));
	add(&t, exec_ev(MS(11), 302, 301, 0, crash, 1));
	add(&t, exit_ev(MS(12), 302, 301, 0, MS(11) - 1000, MS(5), "crash"));
	add(&t, exit_ev(MS(20), 301, 300, 0, MS(1), MS(5), "sleep"));
	add(&t, exit_ev(MS(30), 300, 1, 0, MS(1), MS(5), "sh"));
	/* a process whose parent never appears is a root */
	add(&t, exec_ev(MS(31), 999, 998, 0, make_all, 2));
	cr_assert_eq(tree_finish(&t, MS(40)), 0);
	EXPECT_TREE(&t, false,
		    "tracer: process tree: 4 processes, 0 failed\n"
		    "300 \"sh\" [exit 0, >25.000ms]\n"
		    "`-- 301 sleep 10 [exit 0, >15.000ms]\n"
		    "    `-- 302 ./crash [exit 0, 1.001ms]\n"
		    "999 make all [running, >9.000ms]\n");
	tree_free(&t);
}

Test(tree, ppid_cycle_is_broken)
{
	struct tree t;

	tree_init(&t);
	add(&t, exec_ev(MS(10), 500, 501, 0, sleep10, 2));
	add(&t, exec_ev(MS(10), 501, 500, 0, crash, 1));
	cr_assert_eq(tree_finish(&t, MS(20)), 0);
	cr_expect_eq(t.n_roots, 1);
	EXPECT_TREE(&t, false,
		    "tracer: process tree: 2 processes, 0 failed\n"
		    "501 ./crash [running, >10.000ms]\n"
		    "`-- 500 sleep 10 [running, >10.000ms]\n");
	tree_free(&t);
}

Test(tree, path_search_is_not_a_failure)
{
	struct tree t;

	tree_init(&t);
	add(&t, exec_ev(MS(1), 10, 1, -ENOENT, cc_a, 3));
	add(&t, exec_ev(MS(2), 10, 1, -ENOENT, cc_a, 3));
	add(&t, exec_ev(MS(3), 10, 1, 0, cc_a, 3));
	/* a different command that fails stays a failure, after the success too */
	add(&t, exec_ev(MS(4), 10, 1, -ENOEXEC, nosuch, 2));
	cr_assert_eq(tree_finish(&t, MS(5)), 0);
	EXPECT_TREE(&t, false,
		    "tracer: process tree: 1 process, 1 failed\n"
		    "10 cc -c a.c [running, >4.000ms] FAILED\n"
		    "`-- exec failed (ENOEXEC): nosuch x\n");
	tree_free(&t);
}

Test(tree, failures_and_children_in_time_order)
{
	struct tree t;

	tree_init(&t);
	add(&t, fork_ev(MS(1), 1, 2, "sh"));
	add(&t, exec_ev(MS(2), 2, 1, -ENOENT, nosuch, 2));
	add(&t, fork_ev(MS(3), 2, 3, "sh"));
	add(&t, exec_ev(MS(4), 2, 1, -E2BIG, crash, 1));
	cr_assert_eq(tree_finish(&t, MS(5)), 0);
	EXPECT_TREE(&t, false,
		    "tracer: process tree: 3 processes, 1 failed\n"
		    "1 \"sh\" [running, >4.001ms]\n"
		    "`-- 2 \"sh\" [running, 4.001ms] FAILED\n"
		    "    |-- exec failed (ENOENT): nosuch x\n"
		    "    |-- 3 \"sh\" [running, 2.001ms]\n"
		    "    `-- exec failed (E2BIG): ./crash\n");
	tree_free(&t);
}

/* Nothing a process controls can add a line or a terminal escape. */
Test(tree, hostile_names)
{
	static struct tracer_bytes evil[] = { BYTES("x\n200 fake [exit 0, 0.000s]"),
					      BYTES("\033[2J") };
	struct tree t;
	char *s, *p;
	int lines = 0;

	tree_init(&t);
	add(&t, fork_ev(MS(1), 1, 2, "a\nb\033"));
	add(&t, exec_ev(MS(2), 2, 1, 0, evil, 2));
	add(&t, exec_ev(MS(3), 2, 1, -ENOENT, evil, 2));
	cr_assert_eq(tree_finish(&t, MS(5)), 0);
	s = written(&t, false);
	for (p = s; *p; p++)
		lines += *p == '\n';
	cr_expect_eq(lines, 4, "%s", s);
	cr_expect_null(strchr(s, '\033'), "%s", s);
	cr_expect_str_eq(s, "tracer: process tree: 2 processes, 1 failed\n"
			    "1 \"a\\nb\\x1b\" [running, >4.001ms]\n"
			    "`-- 2 $'x\\n200 fake [exit 0, 0.000s]' $'\\x1b[2J' [running, 4.001ms] "
			    "FAILED\n"
			    "    `-- exec failed (ENOENT): $'x\\n200 fake [exit 0, 0.000s]' "
			    "$'\\x1b[2J'\n");
	free(s);
	tree_free(&t);
}

Test(tree, long_command_lines_are_cut_at_words)
{
	static struct tracer_bytes words[40];
	static char buf[40][8];
	struct tree t;
	const struct tree_proc *p;
	char *s;
	size_t i;

	for (i = 0; i < 40; i++) {
		snprintf(buf[i], sizeof(buf[i]), "word%02zu", i);
		words[i].ptr = buf[i];
		words[i].len = 6;
	}
	tree_init(&t);
	add(&t, exec_ev(MS(1), 2, 1, 0, words, 40));
	cr_assert_eq(tree_finish(&t, MS(2)), 0);
	p = &t.procs[0];
	cr_expect_eq(strlen(p->cmdline), 40 * 7 - 1, "the model keeps it whole");
	/* 23 words of 6 and their spaces: 160 bytes; a 24th would make 167 */
	cr_expect_eq(strlen(p->label), 23 * 7 - 1 + strlen(" ..."), "%s", p->label);
	s = written(&t, false);
	cr_expect_not_null(strstr(s, "word21 word22 ... [running"), "%s", s);
	free(s);
	tree_free(&t);
}

/*
 * sh -c SCRIPT: the script is what ran. It is kept, cut at its end, not
 * dropped for being longer than the label ("/bin/sh -c ...").
 */
Test(tree, the_script_of_sh_c_is_kept)
{
	static char script[400];
	struct tracer_bytes argv[4] = { BYTES("/bin/sh"), BYTES("-c"), { script, 0 }, BYTES("sh") };
	struct tracer_event ev;
	struct tree t;
	char *s;

	argv[2].len =
		(size_t)snprintf(script, sizeof(script),
				 "cd /build/CMakeFiles/CMakeScratch/TryCompile-x && /usr/bin/cc "
				 "-DCHECK_FUNCTION_EXISTS=pthread_create -o CMakeFiles/x.dir/"
				 "CheckFunctionExists.c.o -c /usr/share/cmake-3.25/Modules/"
				 "CheckFunctionExists.c && echo \"it's fine\"");
	tree_init(&t);
	ev = exec_ev(MS(1), 2, 1, -ENOENT, argv, 4);
	ev.exec.filename = (struct tracer_bytes)BYTES("/nonexistent/sh");
	add(&t, ev);
	ev = exec_ev(MS(2), 2, 1, 0, argv, 4);
	argv[1] = (struct tracer_bytes)BYTES("-ec");
	add(&t, ev);
	cr_assert_eq(tree_finish(&t, MS(3)), 0);
	s = written(&t, false);
	cr_expect_not_null(strstr(s,
				  "2 /bin/sh -ec 'cd /build/CMakeFiles/CMakeScratch/TryCompile-x "
				  "&& /usr/bin/cc -DCHECK_FUNCTION_EXISTS=pthread_create"),
			   "%s", s);
	cr_expect_not_null(strstr(s, "'... [running"), "cut at its end, marked: %s", s);
	cr_expect_leq(strlen(t.procs[0].label), TREE_LABEL_MAX, "%s", t.procs[0].label);
	/* The model keeps it whole: it is shorter than TREE_CMDLINE_MAX. */
	cr_expect_not_null(strstr(t.procs[0].cmdline, "it'\\''s fine\"' sh"), "%s",
			   t.procs[0].cmdline);
	free(s);
	tree_free(&t);
}

/* A failed exec's line: its script too. */
Test(tree, the_script_of_a_failed_sh_c_is_kept)
{
	static char script[300];
	struct tracer_bytes argv[3] = { BYTES("sh"), BYTES("-c"), { script, 0 } };
	struct tree t;
	char *s;

	memset(script, 'y', sizeof(script));
	memcpy(script, "make -C /build/subdir all ", 26);
	argv[2].len = sizeof(script);
	tree_init(&t);
	add(&t, exec_ev(MS(1), 2, 1, -ENOENT, argv, 3));
	cr_assert_eq(tree_finish(&t, MS(3)), 0);
	s = written(&t, false);
	cr_expect_not_null(strstr(s, "exec failed (ENOENT): sh -c 'make -C /build/subdir all yyy"),
			   "%s", s);
	cr_expect_not_null(strstr(s, "yyy'...\n"), "%s", s);
	free(s);
	tree_free(&t);
}

/* What is kept of one exec: TREE_CMDLINE_MAX bytes, whatever its arguments. */
Test(tree, command_lines_kept_within_bounds)
{
	static char big[64 * 1024];
	static struct tracer_bytes argv[41];
	struct tree t;
	size_t i, j;

	memset(big, 'x', sizeof(big));
	for (i = 0; i < 41; i++)
		argv[i] = (struct tracer_bytes){ big, 6000 };
	argv[0] = (struct tracer_bytes)BYTES("/bin/true");
	tree_init(&t);
	for (i = 0; i < 50; i++)
		add(&t, exec_ev(MS(i + 1), (uint32_t)(i + 2), 1, i % 2 ? -ENOENT : 0, argv, 41));
	/* An argument escaped four times over, then one larger than everything. */
	memset(big, '\001', 8192);
	argv[1] = (struct tracer_bytes){ big, 8192 };
	add(&t, exec_ev(MS(100), 100, 1, 0, argv, 2));
	argv[1] = (struct tracer_bytes){ big, sizeof(big) };
	add(&t, exec_ev(MS(101), 101, 1, 0, argv, 2));
	cr_assert_eq(tree_finish(&t, MS(200)), 0);
	for (i = 0; i < t.n; i++) {
		for (j = 0; j < t.procs[i].n_marks; j++) {
			const struct tree_mark *m = &t.procs[i].marks[j];

			cr_assert_leq(strlen(m->text), TREE_CMDLINE_MAX + 4, "%zu",
				      strlen(m->text));
			cr_assert_leq(strlen(m->label), TREE_LABEL_MAX + 4, "%s", m->label);
		}
	}
	cr_expect_not_null(strstr(t.procs[0].label, "/bin/true xxxxxxx"), "%s", t.procs[0].label);
	cr_expect_geq(strlen(t.procs[0].label), TREE_LABEL_MAX - 4, "%s", t.procs[0].label);
	cr_expect_not_null(strstr(t.procs[50].label, "/bin/true $'\\x01\\x01"), "%s",
			   t.procs[50].label);
	cr_expect_geq(strlen(t.procs[50].cmdline), TREE_CMDLINE_MAX - 8, "%zu",
		      strlen(t.procs[50].cmdline));
	tree_free(&t);
}

Test(tree, argv_truncated_and_empty)
{
	struct tree t;
	struct tracer_event ev;
	char *s;

	tree_init(&t);
	ev = exec_ev(MS(1), 2, 1, 0, sleep10, 2);
	ev.exec.argv_truncated = true;
	add(&t, ev);
	ev = exec_ev(MS(1), 3, 1, 0, NULL, 0);
	add(&t, ev);
	cr_assert_eq(tree_finish(&t, MS(2)), 0);
	s = written(&t, false);
	cr_expect_str_eq(s, "tracer: process tree: 2 processes, 0 failed\n"
			    "2 sleep 10 ... [running, >1.000ms]\n"
			    "3 \"/bin/prog\" [running, >1.000ms]\n");
	free(s);
	tree_free(&t);
}

/* A chain deeper than any stack would like: written without recursion. */
Test(tree, deep_chain)
{
	const uint32_t n = 20000;
	struct tree t;
	char *s, *p;
	uint32_t i, lines = 0;

	tree_init(&t);
	for (i = 1; i < n; i++)
		add(&t, fork_ev(MS(i), i, i + 1, "sh"));
	cr_assert_eq(tree_finish(&t, MS(n)), 0);
	cr_expect_eq(t.n, n);
	cr_expect_eq(t.procs[t.order[n - 1]].depth, n - 1);
	s = written(&t, false);
	for (p = s; *p; p++)
		lines += *p == '\n';
	cr_expect_eq(lines, n + 1);
	free(s);
	tree_free(&t);
}

Test(tree, empty)
{
	struct tree t;

	tree_init(&t);
	cr_assert_eq(tree_finish(&t, MS(1)), 0);
	EXPECT_TREE(&t, false, "tracer: process tree: 0 processes, 0 failed\n");
	tree_free(&t);
	tree_free(&t); /* freeing twice is harmless */
}

Test(tree, signal_outside_the_tree)
{
	struct tree t;
	struct tracer_event ev;

	tree_init(&t);
	add(&t, exec_ev(MS(1), 2, 1, 0, sleep10, 2));
	ev = signal_ev(MS(2), SIGUSR1, false, 2, "sleep", 77, "other");
	ev.signal.target_watched = false;
	ev.signal.sender_watched = true;
	add(&t, ev);
	/* neither end watched: ignored */
	ev.signal.sender_watched = false;
	add(&t, ev);
	cr_assert_eq(tree_finish(&t, MS(3)), 0);
	cr_assert_eq(t.n, 1);
	cr_assert_eq(t.procs[0].n_marks, 2);
	cr_expect_eq(t.procs[0].marks[1].kind, TREE_MARK_SIGNAL_OUT);
	cr_expect_eq(t.procs[0].marks[1].peer_pid, 77);
	cr_expect_str_eq(t.procs[0].marks[1].text, "\"other\"");
	tree_free(&t);
}
