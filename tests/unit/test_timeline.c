// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Unit tests of timeline.c: the Chrome trace of a synthetic tree, parsed back with json-c. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "timeline.h"
#include "tree_fixture.h"

static char *written(struct tree *t, uint64_t epoch)
{
	struct capture c;

	cap_open(&c);
	cr_assert_eq(timeline_write(t, c.f, epoch), 0);
	return cap_close(&c);
}

/* The whole document, which must be one JSON object. */
static json_object *parse(const char *s)
{
	enum json_tokener_error jerr;
	json_object *doc = json_tokener_parse_verbose(s, &jerr);

	cr_assert_not_null(doc, "invalid JSON (%s):\n%s", json_tokener_error_desc(jerr), s);
	cr_assert(json_object_is_type(doc, json_type_object));
	return doc;
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	cr_assert(json_object_object_get_ex(o, key, &v), "no key %s in %s", key,
		  json_object_to_json_string(o));
	return v;
}

static const char *get_str(json_object *o, const char *key)
{
	return json_object_get_string(get(o, key));
}

static int64_t get_int(json_object *o, const char *key)
{
	return json_object_get_int64(get(o, key));
}

static double get_double(json_object *o, const char *key)
{
	return json_object_get_double(get(o, key));
}

/* The n-th event (from 0) of phase ph with tid, or NULL. */
static json_object *find(json_object *events, const char *ph, int64_t tid, const char *name, int n)
{
	size_t i;

	for (i = 0; i < json_object_array_length(events); i++) {
		json_object *e = json_object_array_get_idx(events, i);

		if (strcmp(get_str(e, "ph"), ph) != 0 || get_int(e, "tid") != tid)
			continue;
		if (name && strcmp(get_str(e, "name"), name) != 0)
			continue;
		if (n-- == 0)
			return e;
	}
	return NULL;
}

Test(timeline, small_build)
{
	struct tree t;
	json_object *doc, *events, *e, *args;
	char *s;

	build_tree(&t);
	s = written(&t, MS(500));
	doc = parse(s);
	cr_expect_str_eq(get_str(doc, "displayTimeUnit"), "ms");
	events = get(doc, "traceEvents");
	cr_assert(json_object_is_type(events, json_type_array));

	/* one complete event per process, all in the root's trace process */
	e = find(events, "X", 101, NULL, 0);
	cr_assert_not_null(e);
	cr_expect_str_eq(get_str(e, "name"), "make all");
	cr_expect_eq(get_int(e, "pid"), 100);
	/* exactly: 1000 ms - 1 us since an epoch of 500 ms, for 1000.001 ms */
	cr_expect_str_eq(json_object_to_json_string(get(e, "ts")), "499999.000");
	cr_expect_eq(get_double(e, "ts"), 499999.0);
	cr_expect_eq(get_double(e, "dur"), 1000001.0);
	args = get(e, "args");
	cr_expect_eq(get_int(args, "pid"), 101);
	cr_expect_eq(get_int(args, "ppid"), 100);
	cr_expect_eq(get_int(args, "depth"), 1);
	cr_expect_str_eq(get_str(args, "status"), "exit 2");
	cr_expect_eq(get_int(args, "exit_code"), 2);
	cr_expect(json_object_is_type(get(args, "signal"), json_type_null));
	cr_expect(json_object_get_boolean(get(args, "failed")));
	cr_expect_not(json_object_get_boolean(get(args, "running")));

	e = find(events, "X", 104, NULL, 0);
	cr_assert_not_null(e);
	args = get(e, "args");
	cr_expect_str_eq(get_str(args, "status"), "killed by SIGTERM from 101 \"make\"");
	cr_expect_eq(get_int(args, "signal"), 15);
	cr_expect(json_object_is_type(get(args, "exit_code"), json_type_null));

	e = find(events, "X", 105, NULL, 0);
	cr_assert_not_null(e);
	cr_expect(json_object_get_boolean(get(get(e, "args"), "core_dumped")));

	/* the root began before tracer: its span starts at the epoch */
	e = find(events, "X", 100, NULL, 0);
	cr_assert_not_null(e);
	cr_expect_str_eq(get_str(e, "name"), "\"sh\"");
	cr_expect_eq(get_double(e, "ts"), 0.0);
	cr_expect_eq(get_double(e, "dur"), 2500000.0);
	cr_expect(json_object_get_boolean(get(get(e, "args"), "started_before")));

	/* names of the tracks */
	e = find(events, "M", 100, "process_name", 0);
	cr_assert_not_null(e);
	cr_expect_str_eq(get_str(get(e, "args"), "name"), "100 \"sh\"");
	e = find(events, "M", 102, "thread_name", 0);
	cr_assert_not_null(e);
	cr_expect_eq(get_int(e, "pid"), 100);
	cr_expect_str_eq(get_str(get(e, "args"), "name"), "102 cc -c a.c");
	e = find(events, "M", 105, "thread_sort_index", 0);
	cr_assert_not_null(e);
	cr_expect_eq(get_int(get(e, "args"), "sort_index"), 5);

	/* instants: execs (failed ones too) and signals, on the process's track */
	e = find(events, "i", 102, "exec failed", 0);
	cr_assert_not_null(e);
	cr_expect_str_eq(get_str(e, "s"), "t");
	cr_expect_eq(get_double(e, "ts"), 750000.0);
	cr_expect_str_eq(get_str(get(e, "args"), "errno"), "ENOENT");
	cr_expect_str_eq(get_str(get(e, "args"), "argv"), "cc -c a.c");
	e = find(events, "i", 102, "exec", 0);
	cr_assert_not_null(e);
	cr_expect(json_object_is_type(get(get(e, "args"), "errno"), json_type_null));
	e = find(events, "i", 104, "SIGTERM", 0);
	cr_assert_not_null(e);
	args = get(e, "args");
	cr_expect_eq(get_int(args, "sender_pid"), 101);
	cr_expect_str_eq(get_str(args, "sender_comm"), "\"make\"");
	cr_expect_str_eq(get_str(args, "origin"), "user");
	cr_expect_str_eq(get_str(args, "result"), "delivered");
	e = find(events, "i", 105, "SIGSEGV", 0);
	cr_assert_not_null(e);
	cr_expect_str_eq(get_str(get(e, "args"), "origin"), "kernel");

	json_object_put(doc);
	free(s);
	tree_free(&t);
}

/* Each child's span lies within its parent's when the parent outlives it. */
Test(timeline, spans_nest)
{
	struct tree t;
	json_object *doc, *events;
	char *s;
	size_t i, j, n_spans = 0;

	build_tree(&t);
	s = written(&t, MS(500));
	doc = parse(s);
	events = get(doc, "traceEvents");
	for (i = 0; i < t.n; i++) {
		const struct tree_proc *p = &t.procs[i];
		json_object *c, *q;

		if (p->parent == TREE_NONE)
			continue;
		c = find(events, "X", p->pid, NULL, 0);
		q = find(events, "X", t.procs[p->parent].pid, NULL, 0);
		cr_assert(c && q);
		cr_expect_geq(get_double(c, "ts"), get_double(q, "ts"), "pid %u", p->pid);
		cr_expect_leq(get_double(c, "ts") + get_double(c, "dur"),
			      get_double(q, "ts") + get_double(q, "dur"), "pid %u", p->pid);
	}
	for (j = 0; j < json_object_array_length(events); j++)
		n_spans += strcmp(get_str(json_object_array_get_idx(events, j), "ph"), "X") == 0 &&
			   strcmp(get_str(json_object_array_get_idx(events, j), "cat"),
				  "process") == 0;
	cr_expect_eq(n_spans, t.n);
	json_object_put(doc);
	free(s);
	tree_free(&t);
}

Test(timeline, running_and_several_roots)
{
	struct tree t;
	struct tracer_event ev;
	json_object *doc, *events, *e;
	char *s;

	tree_init(&t);
	add(&t, exec_ev(MS(10), 7, 1, 0, sleep10, 2));
	add(&t, fork_ev(MS(20), 7, 8, "sleep"));
	add(&t, exec_ev(MS(30), 9, 1, 0, crash, 1));
	ev = signal_ev(MS(35), SIGUSR1, false, 9, "crash", 77, "other");
	ev.signal.target_watched = false; /* sent outside the tree */
	ev.signal.sender_watched = true;
	add(&t, ev);
	cr_assert_eq(tree_finish(&t, MS(40)), 0);
	s = written(&t, MS(0));
	doc = parse(s);
	events = get(doc, "traceEvents");
	e = find(events, "X", 8, NULL, 0);
	cr_assert_not_null(e);
	cr_expect_eq(get_int(e, "pid"), 7);
	cr_expect(json_object_get_boolean(get(get(e, "args"), "running")));
	cr_expect_str_eq(get_str(get(e, "args"), "status"), "running");
	cr_expect_eq(get_double(e, "ts") + get_double(e, "dur"), 40000.0);
	e = find(events, "X", 9, NULL, 0);
	cr_assert_not_null(e);
	cr_expect_eq(get_int(e, "pid"), 9, "a second root is a second trace process");
	cr_expect_not_null(find(events, "M", 9, "process_name", 0));
	e = find(events, "i", 9, "sent SIGUSR1", 0);
	cr_assert_not_null(e);
	cr_expect_eq(get_int(get(e, "args"), "target_pid"), 77);
	json_object_put(doc);
	free(s);
	tree_free(&t);
}

Test(timeline, hostile_names_stay_valid_json)
{
	static struct tracer_bytes evil[] = { BYTES("a\"b\\c\n"), BYTES("\xff\xfe"),
					      BYTES("\xe2\x80\xae") };
	struct tree t;
	json_object *doc, *e;
	char *s;

	tree_init(&t);
	add(&t, fork_ev(MS(1), 1, 2, "x\"\n\\"));
	add(&t, exec_ev(MS(2), 2, 1, 0, evil, 3));
	cr_assert_eq(tree_finish(&t, MS(3)), 0);
	s = written(&t, 0);
	doc = parse(s);
	e = find(get(doc, "traceEvents"), "X", 2, NULL, 0);
	cr_assert_not_null(e);
	/* the same words the tree shows */
	cr_expect_str_eq(get_str(e, "name"), "$'a\"b\\\\c\\n' $'\\xff\\xfe' $'\\xe2\\x80\\xae'");
	e = find(get(doc, "traceEvents"), "X", 1, NULL, 0);
	cr_assert_not_null(e);
	cr_expect_str_eq(get_str(e, "name"), "\"x\\\"\\n\\\\\"");
	json_object_put(doc);
	free(s);
	tree_free(&t);
}

Test(timeline, spans_carry_cwd_and_exe)
{
	static struct tracer_bytes argv[] = { BYTES("cc"), BYTES("-c") };
	struct tracer_event ok, failed;
	struct tree t;
	json_object *doc, *e, *args;
	char *s;

	tree_init(&t);
	add(&t, fork_ev(MS(1), 1, 2, "make"));
	failed = exec_ev(MS(2), 2, 1, -2, argv, 2);
	failed.sz = sizeof(failed);
	failed.exec.cwd.path = (struct tracer_bytes)BYTES("/src/a \"b\"");
	add(&t, failed);
	ok = exec_ev(MS(3), 2, 1, 0, argv, 2);
	ok.sz = sizeof(ok);
	ok.exec.cwd.path = (struct tracer_bytes)BYTES("/src/a \"b\"");
	ok.exec.exe.path = (struct tracer_bytes)BYTES("/usr/bin/gcc-12");
	add(&t, ok);
	cr_assert_eq(tree_finish(&t, MS(4)), 0);
	s = written(&t, 0);
	doc = parse(s);
	/* The span: the last successful exec's. */
	e = find(get(doc, "traceEvents"), "X", 2, NULL, 0);
	cr_assert_not_null(e);
	args = get(e, "args");
	cr_expect_str_eq(get_str(args, "cwd"), "/src/a \"b\"");
	cr_expect_str_eq(get_str(args, "exe"), "/usr/bin/gcc-12");
	/* Each exec's mark: its own; none for what the failed one did not open. */
	e = find(get(doc, "traceEvents"), "i", 2, "exec failed", 0);
	cr_assert_not_null(e);
	args = get(e, "args");
	cr_expect_str_eq(get_str(args, "cwd"), "/src/a \"b\"");
	cr_expect_not(json_object_object_get_ex(args, "exe", NULL));
	e = find(get(doc, "traceEvents"), "i", 2, "exec", 0);
	cr_assert_not_null(e);
	cr_expect_str_eq(get_str(get(e, "args"), "exe"), "/usr/bin/gcc-12");
	/* Events without the context fields have none. */
	e = find(get(doc, "traceEvents"), "X", 1, NULL, 0);
	cr_assert_not_null(e);
	cr_expect_not(json_object_object_get_ex(get(e, "args"), "cwd", NULL));
	json_object_put(doc);
	free(s);
	tree_free(&t);
}

/*
 * make -j2 where a (1.5 s) precedes b (1 s) and c (0.5 s) runs beside a: the
 * critical path is a process of its own, pid 0, one slice per step (make's own
 * time, a, make, b, make), and each span carries its CPU time.
 */
Test(timeline, critical_path_track_and_cpu)
{
	static const int64_t pids[] = { 10, 11, 10, 13, 10 };
	struct tree t;
	json_object *doc, *events, *e, *args;
	char *s;
	size_t i, n = 0;
	double end = 0;

	cp_make_j2_tree(&t);
	s = written(&t, 0);
	doc = parse(s);
	events = get(doc, "traceEvents");
	e = find(events, "M", 0, "process_name", 0);
	cr_assert_not_null(e);
	cr_expect_eq(get_int(e, "pid"), 0);
	cr_expect_str_eq(get_str(get(e, "args"), "name"), "critical path");
	e = find(events, "M", 0, "process_sort_index", 0);
	cr_assert_not_null(e);
	cr_expect_eq(get_int(get(e, "args"), "sort_index"), -1);
	cr_expect_not_null(find(events, "M", 0, "thread_name", 0));
	for (i = 0; i < json_object_array_length(events); i++) {
		json_object *cat;

		e = json_object_array_get_idx(events, i);
		if (!json_object_object_get_ex(e, "cat", &cat) ||
		    strcmp(json_object_get_string(cat), "critical_path") != 0)
			continue;
		cr_assert_lt(n, 5);
		cr_expect_str_eq(get_str(e, "ph"), "X");
		cr_expect_eq(get_int(e, "pid"), 0);
		cr_expect_eq(get_int(e, "tid"), 0);
		args = get(e, "args");
		cr_expect_eq(get_int(args, "pid"), pids[n], "step %zu", n);
		cr_expect_eq(get_int(args, "step"), (int64_t)n + 1);
		/* the slices follow one another */
		cr_expect_float_eq(get_double(e, "ts"), end, 1e-6, "step %zu", n);
		end = get_double(e, "ts") + get_double(e, "dur");
		if (n == 1) {
			cr_expect_str_eq(get_str(e, "name"), "sleep 1.5");
			cr_expect_float_eq(get_double(e, "ts"), 9999.0, 1e-6);
			cr_expect_float_eq(get_double(e, "dur"), 1500001.0, 1e-6);
		}
		if (n == 3)
			cr_expect_str_eq(get_str(e, "name"), "sleep 1");
		n++;
	}
	cr_expect_eq(n, 5);
	cr_expect_float_eq(end, 2520000.0, 1e-6);
	/* CPU per span: user + system, in seconds */
	e = find(events, "X", 11, NULL, 0);
	cr_assert_not_null(e);
	args = get(e, "args");
	cr_expect_str_eq(json_object_to_json_string(get(args, "cpu_s")), "1.400000");
	cr_expect_eq(get_int(args, "utime_ns") + get_int(args, "stime_ns"), 1400000000);
	json_object_put(doc);
	free(s);
	tree_free(&t);
}

Test(timeline, empty)
{
	struct tree t;
	json_object *doc;
	char *s;

	tree_init(&t);
	cr_assert_eq(tree_finish(&t, 0), 0);
	s = written(&t, 0);
	doc = parse(s);
	cr_expect_eq(json_object_array_length(get(doc, "traceEvents")), 0);
	json_object_put(doc);
	free(s);
	tree_free(&t);
}

Test(timeline, write_failure)
{
	struct tree t;
	FILE *f = fopen("/dev/null", "r");

	cr_assert_not_null(f);
	build_tree(&t);
	cr_expect_eq(timeline_write(&t, f, 0), -1);
	fclose(f);
	tree_free(&t);
}
