// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The per-program summary (summary.h), from synthetic events. */
#include <json-c/json.h>
#include <stdlib.h>

#include "summary.h"
#include "tree_fixture.h"

/* An exec of file (resolved to exe when it succeeded), with an event as large as the struct. */
static struct tracer_event exec_as(uint64_t ts, uint32_t pid, uint32_t ppid, int32_t ret,
				   const char *file, const char *exe, struct tracer_bytes *argv,
				   uint32_t argc)
{
	struct tracer_event ev = exec_ev(ts, pid, ppid, ret, argv, argc);

	ev.sz = sizeof(ev);
	ev.exec.filename = comm_of(file);
	if (!ret)
		ev.exec.exe.path = comm_of(exe);
	return ev;
}

static struct tracer_event exec_file(uint64_t ts, uint32_t pid, uint32_t ppid, int32_t ret,
				     const char *file, struct tracer_bytes *argv, uint32_t argc)
{
	return exec_as(ts, pid, ppid, ret, file, file, argv, argc);
}

static struct tracer_bytes sum_sh[] = { BYTES("sh"), BYTES("-c"), BYTES("script") };
static struct tracer_bytes sum_cc[] = { BYTES("cc"), BYTES("x.c") };
static struct tracer_bytes sum_ld[] = { BYTES("ld"), BYTES("x.o") };
static struct tracer_bytes sum_sleep2[] = { BYTES("sleep"), BYTES("2") };
static struct tracer_bytes sum_sleep05[] = { BYTES("sleep"), BYTES("0.5") };

/*
 * A shell (exits 1) runs cc after a $PATH search, which execs ld; a missing
 * program (its forked shell exits 127); a sleep killed, a sleep that ends.
 */
static void run_tree(struct tree *t)
{
	uint64_t epoch = MS(500);

	tree_init(t);
	add(t, fork_ev(MS(1000), 10, 11, "bash"));
	/* Named by what it was run as: /bin/sh, not the dash it resolves to. */
	add(t, exec_as(MS(1000), 11, 10, 0, "/bin/sh", "/usr/bin/dash", sum_sh, 3));
	add(t, fork_ev(MS(1100), 11, 12, "sh"));
	add(t, exec_file(MS(1110), 12, 11, -ENOENT, "/usr/local/bin/cc", sum_cc, 2));
	add(t, exec_file(MS(1120), 12, 11, 0, "/usr/bin/cc", sum_cc, 2));
	add(t, exec_file(MS(1500), 12, 11, 0, "/usr/bin/ld", sum_ld, 2));
	add(t, exit_ev(MS(2500), 12, 11, 0, MS(1100), epoch, "ld"));
	add(t, fork_ev(MS(1200), 11, 13, "sh"));
	add(t, exec_file(MS(1210), 13, 11, -ENOENT, "/usr/bin/nosuch", nosuch, 2));
	add(t, exit_ev(MS(1220), 13, 11, 127 << 8, MS(1200), epoch, "sh"));
	add(t, fork_ev(MS(1300), 11, 14, "sh"));
	add(t, exec_file(MS(1300), 14, 11, 0, "/bin/sleep", sum_sleep2, 2));
	add(t, exit_ev(MS(3300), 14, 11, SIGTERM, MS(1300), epoch, "sleep"));
	add(t, fork_ev(MS(1400), 11, 15, "sh"));
	add(t, exec_file(MS(1400), 15, 11, 0, "/bin/sleep", sum_sleep05, 2));
	add(t, exit_ev(MS(1900), 15, 11, 0, MS(1400), epoch, "sleep"));
	add(t, exit_ev(MS(5000), 11, 10, 1 << 8, MS(1000), epoch, "sh"));
	cr_assert_eq(tree_finish(t, MS(6000)), 0);
}

static void assert_row(const struct summary_row *r, const char *program, uint64_t execs,
		       uint64_t failed, uint64_t nonzero, uint64_t total_ms, uint64_t longest_ms)
{
	cr_assert_str_eq(r->program, program);
	cr_expect_eq(r->execs, execs, "%s: execs %llu", program, (unsigned long long)r->execs);
	cr_expect_eq(r->failed, failed, "%s: failed %llu", program, (unsigned long long)r->failed);
	cr_expect_eq(r->nonzero_exits, nonzero, "%s: nonzero %llu", program,
		     (unsigned long long)r->nonzero_exits);
	cr_expect_eq(r->total_ns, MS(total_ms), "%s: total %llu", program,
		     (unsigned long long)r->total_ns);
	cr_expect_eq(r->longest_ns, MS(longest_ms), "%s: longest %llu", program,
		     (unsigned long long)r->longest_ns);
}

Test(summary, rows_counts_and_order)
{
	struct summary s;
	struct tree t;

	run_tree(&t);
	cr_assert_eq(summary_compute(&t, &s), 0);
	cr_assert_eq(s.n, 5);
	/* The forked shell that exited 127 ran sh's code: its exit counts for sh. */
	assert_row(&s.rows[0], "sh", 1, 0, 2, 4000, 4000);
	assert_row(&s.rows[1], "sleep", 2, 0, 1, 2500, 2000);
	assert_row(&s.rows[2], "ld", 1, 0, 0, 1000, 1000);
	/* cc until the same process's exec of ld; its $PATH search is not a failure. */
	assert_row(&s.rows[3], "cc", 1, 0, 0, 380, 380);
	assert_row(&s.rows[4], "nosuch", 0, 1, 0, 0, 0);
	summary_free(&s);
	tree_free(&t);
}

static char *text_of(const struct tree *t, bool json, bool color)
{
	struct summary_run run = { .start_us = 1796597042123456ull, .wall_ns = MS(5500) };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	cr_assert_eq(json ? summary_write_json(f, t, &run) : summary_write_text(f, t, &run, color),
		     0);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

Test(summary, text_table)
{
	const char *want = "Summary: started 2026-12-06T22:44:02.123456Z, wall time 5.500 s\n"
			   "seconds  longest  execs  failed  nonzero  program\n"
			   "-------  -------  -----  ------  -------  -------\n"
			   "  4.000    4.000      1       0        2  sh\n"
			   "  2.500    2.000      2       0        1  sleep\n"
			   "  1.000    1.000      1       0        0  ld\n"
			   "  0.380    0.380      1       0        0  cc\n"
			   "  0.000    0.000      0       1        0  nosuch\n"
			   "-------  -------  -----  ------  -------  -------\n"
			   "  7.880    4.000      5       1        3  total\n"
			   "\n";
	struct tree t;
	char *text;

	run_tree(&t);
	text = text_of(&t, false, false);
	/* The critical path's sections follow (critpath.c): the table is what comes first. */
	cr_assert_eq(strncmp(text, want, strlen(want)), 0, "got:\n%s", text);
	free(text);
	text = text_of(&t, false, true);
	cr_assert_not_null(strstr(text, "\033[1;31m2\033[0m  sh\n"), "got:\n%s", text);
	free(text);
	tree_free(&t);
}

static json_object *member(json_object *o, const char *key)
{
	json_object *v = NULL;

	cr_assert(json_object_object_get_ex(o, key, &v), "no %s", key);
	return v;
}

Test(summary, json_object)
{
	json_object *root, *programs, *sleep;
	struct tree t;
	char *text;

	run_tree(&t);
	text = text_of(&t, true, false);
	cr_assert_eq(text[strlen(text) - 1], '\n');
	root = json_tokener_parse(text);
	cr_assert_not_null(root, "not JSON: %s", text);
	cr_expect_str_eq(json_object_get_string(member(root, "start")),
			 "2026-12-06T22:44:02.123456Z");
	cr_expect_float_eq(json_object_get_double(member(root, "wall_s")), 5.5, 1e-9);
	programs = member(root, "programs");
	cr_assert_eq(json_object_array_length(programs), 5);
	cr_expect_str_eq(
		json_object_get_string(member(json_object_array_get_idx(programs, 0), "program")),
		"sh");
	sleep = json_object_array_get_idx(programs, 1);
	cr_expect_str_eq(json_object_get_string(member(sleep, "program")), "sleep");
	cr_expect_eq(json_object_get_int64(member(sleep, "execs")), 2);
	cr_expect_eq(json_object_get_int64(member(sleep, "failed")), 0);
	cr_expect_eq(json_object_get_int64(member(sleep, "nonzero_exits")), 1);
	cr_expect_float_eq(json_object_get_double(member(sleep, "total_s")), 2.5, 1e-9);
	cr_expect_float_eq(json_object_get_double(member(sleep, "longest_s")), 2.0, 1e-9);
	cr_expect_eq(
		json_object_get_int64(member(json_object_array_get_idx(programs, 4), "failed")), 1);
	json_object_put(root);
	free(text);
	tree_free(&t);
}

static struct tracer_bytes sum_evil[] = { BYTES("x") };

/* A traced program names itself to forge a row and colour the terminal. */
Test(summary, names_escaped)
{
	const char *evil = "/tmp/x\n  9.000    9.000      9       0        0  fake\033[2J";
	json_object *root;
	struct tree t;
	char *text;

	tree_init(&t);
	add(&t, exec_file(MS(1000), 20, 1, 0, evil, sum_evil, 1));
	add(&t, exec_file(MS(1100), 20, 1, -ENOENT, "/bin/a\tb", sum_evil, 1));
	add(&t, exit_ev(MS(2000), 20, 1, 0, MS(900), MS(500), "x"));
	cr_assert_eq(tree_finish(&t, MS(3000)), 0);
	text = text_of(&t, false, false);
	cr_expect_null(strchr(text, '\033'), "got:\n%s", text);
	cr_expect_null(strstr(text, "\n  9.000"), "got:\n%s", text);
	cr_expect_not_null(strstr(text, "  $'a\\tb'\n"), "got:\n%s", text);
	cr_expect_not_null(strstr(text, "$'x\\n  9.000"), "got:\n%s", text);
	free(text);
	text = text_of(&t, true, false);
	cr_expect_null(strchr(text, '\033'));
	root = json_tokener_parse(text);
	cr_assert_not_null(root, "not JSON: %s", text);
	cr_expect_str_eq(
		json_object_get_string(
			member(json_object_array_get_idx(member(root, "programs"), 0), "program")),
		strrchr(evil, '/') + 1);
	json_object_put(root);
	free(text);
	tree_free(&t);
}

Test(summary, empty_run)
{
	const char *want = "Summary: started 2026-12-06T22:44:02.123456Z, wall time 5.500 s\n"
			   "seconds  longest  execs  failed  nonzero  program\n"
			   "-------  -------  -----  ------  -------  -------\n"
			   "-------  -------  -----  ------  -------  -------\n"
			   "  0.000    0.000      0       0        0  total\n"
			   "\n";
	struct summary s;
	json_object *root;
	struct tree t;
	char *text;

	tree_init(&t);
	cr_assert_eq(tree_finish(&t, MS(3000)), 0);
	cr_assert_eq(summary_compute(&t, &s), 0);
	cr_expect_eq(s.n, 0);
	summary_free(&s);
	text = text_of(&t, false, false);
	cr_expect_eq(strncmp(text, want, strlen(want)), 0, "got:\n%s", text);
	free(text);
	text = text_of(&t, true, false);
	root = json_tokener_parse(text);
	cr_assert_not_null(root, "not JSON: %s", text);
	cr_expect_eq(json_object_array_length(member(root, "programs")), 0);
	json_object_put(root);
	free(text);
	tree_free(&t);
}

/* A process seen only at its exit (older than tracer, no exec seen): its comm names it. */
Test(summary, exit_without_exec)
{
	struct summary s;
	struct tree t;

	tree_init(&t);
	add(&t, exit_ev(MS(2000), 30, 1, 2 << 8, MS(100), MS(500), "daemon"));
	cr_assert_eq(tree_finish(&t, MS(3000)), 0);
	cr_assert_eq(summary_compute(&t, &s), 0);
	cr_assert_eq(s.n, 1);
	assert_row(&s.rows[0], "daemon", 0, 0, 1, 0, 0);
	summary_free(&s);
	tree_free(&t);
}
