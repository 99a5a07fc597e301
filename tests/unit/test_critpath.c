// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Unit tests of critpath.c: the critical path and parallelism of synthetic trees. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "critpath.h"
#include "tree_fixture.h"

/* The steps' pids, and that they tile the path exactly. */
static void expect_steps(const struct tree *t, const struct critpath *cp, const uint32_t *pids,
			 size_t n)
{
	size_t i;

	cr_assert_eq(cp->n, n, "%zu steps, not %zu", cp->n, n);
	for (i = 0; i < n; i++) {
		const struct critpath_step *s = &cp->steps[i];

		cr_expect_eq(t->procs[s->proc].pid, pids[i], "step %zu: pid %u, not %u", i,
			     t->procs[s->proc].pid, pids[i]);
		cr_expect_lt(s->start_ns, s->end_ns, "step %zu is empty", i);
		cr_expect_eq(s->start_ns, i ? cp->steps[i - 1].end_ns : cp->start_ns,
			     "step %zu does not start where the one before ended", i);
	}
	cr_expect_eq(cp->steps[n - 1].end_ns, cp->end_ns);
}

Test(critpath, make_j2_takes_a_then_b)
{
	static const uint32_t pids[] = { 10, 11, 10, 13, 10 };
	struct tree t;
	struct critpath cp;

	cp_make_j2_tree(&t);
	cr_assert_eq(critpath_compute(&t, &cp), 0);
	expect_steps(&t, &cp, pids, 5);
	cr_expect_eq(cp.start_ns, MS(0));
	cr_expect_eq(cp.end_ns, MS(2520));
	/* a's whole life, then b's */
	cr_expect_eq(cp.steps[1].start_ns, MS(10) - 1000);
	cr_expect_eq(cp.steps[1].end_ns, MS(1510));
	cr_expect_eq(cp.steps[3].start_ns, MS(1515) - 1000);
	cr_expect_eq(cp.steps[3].end_ns, MS(2515));
	critpath_free(&cp);
	cr_expect_null(cp.steps);
	tree_free(&t);
}

static char *text_of(struct tree *t, bool color)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	cr_assert_not_null(f);
	cr_assert_eq(critpath_write_text(f, t, color), 0);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

/* make runs sh -c, which runs two compilers in turn: each shell's own time is a step. */
Test(critpath, nested_shells)
{
	static const uint32_t pids[] = { 20, 21, 22, 21, 23, 21, 20 };
	struct tree t;
	struct critpath cp;
	struct tracer_event ev;
	char *buf;

	tree_init(&t);
	add(&t, exec_ev(MS(0), 20, 1, 0, make_all, 2));
	add(&t, fork_ev(MS(5), 20, 21, "make"));
	add(&t, exec_ev(MS(6), 21, 20, 0, cp_sh_c, 3));
	cp_child(&t, 21, 22, MS(10), MS(300), cc_a, 3, 280);
	/* a short-lived helper of make beside the shell: not on the path */
	cp_child(&t, 20, 24, MS(7), MS(9), cp_sleep1, 2, 1);
	cp_child(&t, 21, 23, MS(310), MS(500), cc_a, 3, 180);
	ev = cp_exit_cpu(MS(505), 21, 20, MS(5) - 1000, 2);
	ev.exit.comm = comm_of("sh");
	add(&t, ev);
	ev = cp_exit_cpu(MS(510), 20, 1, MS(0), 10);
	ev.exit.comm = comm_of("make");
	add(&t, ev);
	cr_assert_eq(tree_finish(&t, MS(600)), 0);
	cr_assert_eq(critpath_compute(&t, &cp), 0);
	expect_steps(&t, &cp, pids, 7);
	cr_expect_eq(cp.end_ns - cp.start_ns, MS(510));
	critpath_free(&cp);
	/* The shells' own time, under 1% of the path each, summed per program, the most first */
	buf = text_of(&t, false);
	cr_expect(strstr(buf, "\n     0.29 s  cc -c a.c\n"
			      "     0.01 s  sh -c 'cc -c a.c && cc -c b.c'\n"
			      "     0.19 s  cc -c a.c\n"
			      "     0.02 s  (4 shorter steps, in \"sh\" 0.01 s, \"make\" 0.01 s)\n"
			      "     0.51 s  total\n"),
		  "%s", buf);
	free(buf);
	tree_free(&t);
}

Test(critpath, single_process)
{
	static const uint32_t pids[] = { 30 };
	struct tree t;
	struct critpath cp;

	tree_init(&t);
	add(&t, exec_ev(MS(100), 30, 1, 0, cp_sleep1, 2));
	add(&t, cp_exit_cpu(MS(1100), 30, 1, MS(100), 0));
	cr_assert_eq(tree_finish(&t, MS(1200)), 0);
	cr_assert_eq(critpath_compute(&t, &cp), 0);
	expect_steps(&t, &cp, pids, 1);
	cr_expect_eq(cp.start_ns, MS(100));
	cr_expect_eq(cp.end_ns, MS(1100));
	critpath_free(&cp);
	tree_free(&t);
}

/* The trace ended with both still running: they end at the trace's end. */
Test(critpath, still_running)
{
	static const uint32_t pids[] = { 40, 41 };
	struct tree t;
	struct critpath cp;

	tree_init(&t);
	add(&t, exec_ev(MS(0), 40, 1, 0, make_all, 2));
	add(&t, fork_ev(MS(10), 40, 41, "make"));
	add(&t, exec_ev(MS(11), 41, 40, 0, sleep10, 2));
	cr_assert_eq(tree_finish(&t, MS(700)), 0);
	cr_assert_eq(critpath_compute(&t, &cp), 0);
	expect_steps(&t, &cp, pids, 2);
	cr_expect_eq(cp.steps[1].end_ns, MS(700));
	critpath_free(&cp);
	tree_free(&t);
}

Test(critpath, empty_tree)
{
	struct tree t;
	struct critpath cp;
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	tree_init(&t);
	cr_assert_eq(tree_finish(&t, MS(10)), 0);
	cr_assert_eq(critpath_compute(&t, &cp), 0);
	cr_expect_eq(cp.n, 0);
	critpath_free(&cp);
	f = open_memstream(&buf, &size);
	cr_assert_not_null(f);
	cr_expect_eq(critpath_write_text(f, &t, false), 0);
	cr_assert_eq(fclose(f), 0);
	cr_expect(strstr(buf, "critical path: 0.00 s") == buf, "%s", buf);
	free(buf);
	tree_free(&t);
}

/*
 * A child that outlives its parent (a daemon left behind) did not hold the
 * parent back: the path is the parent's, through the child it waited for.
 */
Test(critpath, child_outlives_parent)
{
	static const uint32_t pids[] = { 50, 52, 50 };
	struct tree t;
	struct critpath cp;

	tree_init(&t);
	add(&t, exec_ev(MS(0), 50, 1, 0, make_all, 2));
	cp_child(&t, 50, 51, MS(10), MS(300), sleep10, 2, 0);
	cp_child(&t, 50, 52, MS(20), MS(80), cc_a, 3, 50);
	add(&t, cp_exit_cpu(MS(100), 50, 1, MS(0), 5));
	cr_assert_eq(tree_finish(&t, MS(400)), 0);
	cr_assert_eq(critpath_compute(&t, &cp), 0);
	expect_steps(&t, &cp, pids, 3);
	cr_expect_eq(cp.end_ns, MS(100));
	critpath_free(&cp);
	tree_free(&t);
}

/* Of several roots, the one that ended last. */
Test(critpath, root_that_ended_last)
{
	static const uint32_t pids[] = { 61 };
	struct tree t;
	struct critpath cp;

	tree_init(&t);
	add(&t, exec_ev(MS(0), 60, 1, 0, cp_sleep1, 2));
	add(&t, cp_exit_cpu(MS(1000), 60, 1, MS(0), 0));
	add(&t, exec_ev(MS(200), 61, 1, 0, cp_sleep15, 2));
	add(&t, cp_exit_cpu(MS(1200), 61, 1, MS(200), 0));
	cr_assert_eq(tree_finish(&t, MS(1300)), 0);
	cr_assert_eq(critpath_compute(&t, &cp), 0);
	expect_steps(&t, &cp, pids, 1);
	critpath_free(&cp);
	tree_free(&t);
}

Test(critpath, text)
{
	static const char expected[] =
		"critical path: 2.52 s of 2.52 s wall\n"
		"     1.50 s  sleep 1.5\n"
		"     1.00 s  sleep 1\n"
		"     0.02 s  (3 shorter steps, in \"x\" 0.02 s)\n"
		"     2.52 s  total\n"
		"\n"
		"parallelism: 1.12 CPUs busy on average (2.83 s of CPU in 2.52 s wall)\n"
		"  serial time: 3.00 s (the leaf processes one after another)\n"
		"  longest by wall:\n"
		"       2.52 s  make -j2\n"
		"       1.50 s  sleep 1.5\n"
		"       1.00 s  sleep 1\n"
		"       0.50 s  sleep 0.5\n"
		"  most CPU:\n"
		"       1.40 s  sleep 1.5\n"
		"       0.90 s  sleep 1\n"
		"       0.50 s  sleep 0.5\n"
		"       0.03 s  make -j2\n"
		"\n";
	struct tree t;
	char *s;

	cp_make_j2_tree(&t);
	s = text_of(&t, false);
	cr_expect_str_eq(s, expected);
	free(s);
	s = text_of(&t, true);
	cr_expect(strstr(s, "\033[1mcritical path: 2.52 s"), "%s", s);
	cr_expect(strstr(s, "\033[1m   1.50 s\033[0m  sleep 1.5\n"), "%s", s);
	free(s);
	tree_free(&t);
}

/* A long command line is cut at its end, on a character boundary; a hostile one stays one line. */
Test(critpath, text_long_and_hostile_words)
{
	char word[200];
	struct tracer_bytes argv[2] = { BYTES("cc"), { .ptr = word, .len = sizeof(word) } };
	struct tracer_bytes evil[] = { BYTES("x"), BYTES("a\nfake line\033[2J") };
	struct tree t;
	char *s, *line, *end;
	size_t i;

	memset(word, 'w', sizeof(word));
	memcpy(word + 90, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8); /* é x4 across the cut */
	tree_init(&t);
	add(&t, exec_ev(MS(0), 70, 1, 0, make_all, 2));
	cp_child(&t, 70, 71, MS(10), MS(500), argv, 2, 10);
	cp_child(&t, 70, 72, MS(500), MS(990), evil, 2, 10);
	add(&t, cp_exit_cpu(MS(1000), 70, 1, MS(0), 1));
	cr_assert_eq(tree_finish(&t, MS(1000)), 0);
	s = text_of(&t, false);
	line = strstr(s, "  cc ");
	cr_assert_not_null(line, "%s", s);
	line += 2;
	end = strchr(line, '\n');
	cr_expect_leq(end - line, 100, "%s", line);
	cr_expect_geq(end - line, 95, "%s", line);
	cr_expect(strncmp(end - 3, "...", 3) == 0, "%s", line);
	/* what is left of the word is whole characters: no lead byte without its continuation */
	for (i = 0; line + i < end - 3; i++)
		if ((unsigned char)line[i] >= 0xc0)
			cr_expect(line + i + 1 < end - 3 &&
					  ((unsigned char)line[i + 1] & 0xc0) == 0x80,
				  "cut inside a character: %s", line);
	cr_expect(strstr(s, "  x $'a\\nfake line"), "%s", s);
	cr_expect_null(strstr(s, "\nfake line"));
	cr_expect_null(strchr(s, '\033'));
	free(s);
	tree_free(&t);
}

static json_object *json_of(struct tree *t)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	enum json_tokener_error jerr;
	json_object *doc;

	cr_assert_not_null(f);
	fputs("{\"before\":1", f);
	cr_assert_eq(critpath_write_json(f, t), 0);
	fputs("}", f);
	cr_assert_eq(fclose(f), 0);
	doc = json_tokener_parse_verbose(buf, &jerr);
	cr_assert_not_null(doc, "invalid JSON (%s):\n%s", json_tokener_error_desc(jerr), buf);
	free(buf);
	return doc;
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	cr_assert(json_object_object_get_ex(o, key, &v), "no key %s in %s", key,
		  json_object_to_json_string(o));
	return v;
}

static double num(json_object *o, const char *key)
{
	return json_object_get_double(get(o, key));
}

Test(critpath, json)
{
	struct tree t;
	json_object *doc, *path, *steps, *step, *par, *top;

	cp_make_j2_tree(&t);
	doc = json_of(&t);
	path = get(doc, "critical_path");
	cr_expect_float_eq(num(path, "total_s"), 2.52, 1e-9);
	steps = get(path, "steps");
	cr_assert_eq(json_object_array_length(steps), 5);
	step = json_object_array_get_idx(steps, 1);
	cr_expect_eq(json_object_get_int(get(step, "pid")), 11);
	cr_expect_str_eq(json_object_get_string(get(step, "argv")), "sleep 1.5");
	cr_expect_float_eq(num(step, "start_s"), 0.009999, 1e-9);
	cr_expect_float_eq(num(step, "duration_s"), 1.500001, 1e-9);
	step = json_object_array_get_idx(steps, 3);
	cr_expect_str_eq(json_object_get_string(get(step, "argv")), "sleep 1");
	par = get(doc, "parallelism");
	cr_expect_float_eq(num(par, "cpu_s"), 2.83, 1e-9);
	cr_expect_float_eq(num(par, "wall_s"), 2.52, 1e-9);
	cr_expect_float_eq(num(par, "ratio"), 1.123, 1e-9);
	cr_expect_float_eq(num(par, "serial_s"), 3.000003, 1e-9);
	top = get(par, "top_wall");
	cr_assert_eq(json_object_array_length(top), 4);
	cr_expect_str_eq(json_object_get_string(get(json_object_array_get_idx(top, 0), "argv")),
			 "make -j2");
	top = get(par, "top_cpu");
	cr_assert_eq(json_object_array_length(top), 4);
	cr_expect_eq(json_object_get_int(get(json_object_array_get_idx(top, 0), "pid")), 11);
	cr_expect_float_eq(num(json_object_array_get_idx(top, 0), "cpu_s"), 1.4, 1e-9);
	json_object_put(doc);
	tree_free(&t);
}

/* Eleven processes: ten in each list, the longest first; one without usage has null CPU. */
Test(critpath, top_ten)
{
	struct tree t;
	json_object *doc, *top;
	uint32_t i;

	tree_init(&t);
	add(&t, exec_ev(MS(0), 80, 1, 0, make_all, 2));
	for (i = 1; i <= 11; i++)
		cp_child(&t, 80, 80 + i, MS(10 * i), MS(10 * i + 5 * i), cp_sleep1, 2, i);
	add(&t, fork_ev(MS(300), 80, 99, "nousage"));
	add(&t, exit_ev(MS(900), 99, 80, 0, MS(300) - 1000, 0, "nousage"));
	add(&t, cp_exit_cpu(MS(1000), 80, 1, MS(0), 0));
	cr_assert_eq(tree_finish(&t, MS(1000)), 0);
	doc = json_of(&t);
	top = get(get(doc, "parallelism"), "top_wall");
	cr_assert_eq(json_object_array_length(top), 10);
	cr_expect_eq(json_object_get_int(get(json_object_array_get_idx(top, 0), "pid")), 80);
	cr_expect_eq(json_object_get_int(get(json_object_array_get_idx(top, 1), "pid")), 99);
	cr_expect(json_object_is_type(get(json_object_array_get_idx(top, 1), "cpu_s"),
				      json_type_null));
	cr_expect_eq(json_object_get_int(get(json_object_array_get_idx(top, 2), "pid")), 91);
	cr_expect_eq(json_object_get_int(get(json_object_array_get_idx(top, 9), "pid")), 84);
	top = get(get(doc, "parallelism"), "top_cpu");
	cr_assert_eq(json_object_array_length(top), 10);
	cr_expect_eq(json_object_get_int(get(json_object_array_get_idx(top, 0), "pid")), 91);
	cr_expect_eq(json_object_get_int(get(json_object_array_get_idx(top, 9), "pid")), 82);
	json_object_put(doc);
	tree_free(&t);
}

Test(critpath, write_failure)
{
	struct tree t;
	FILE *f = fopen("/dev/null", "r");

	cr_assert_not_null(f);
	cp_make_j2_tree(&t);
	cr_expect_eq(critpath_write_text(f, &t, false), -1);
	cr_expect_eq(critpath_write_json(f, &t), -1);
	fclose(f);
	tree_free(&t);
}
