// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * End-to-end, through the tracer binary: the critical path of a real
 * `make -j2` (issue 26.2-26.4), in the timeline and in --summary and
 * --summary-json, where target a (1.5 s) must precede b (1 s) and c (0.5 s)
 * runs beside them. The path is a's recipe then b's, never c's,
 * about 2.5 s long. The machine is shared and may be slow: the bounds are
 * lower bounds (sleep cannot end early) and generous upper ones.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

TestSuite(critpath, .init = h_setup, .fini = h_teardown, .timeout = 180);

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* make runs a recipe without a shell when it holds no shell syntax: the recipes are sleep. */
static const char makefile[] = "all: b c\n"
			       "a:\n\tsleep 1.5\n"
			       "b: a\n\tsleep 1\n"
			       "c:\n\tsleep 0.5\n"
			       ".PHONY: all a b c\n";

static void run_tracer(const char *const *args, struct h_run *r)
{
	h_run_start(args, NULL, r);
	h_run_wait(r, 120 * h_slowdown());
	cr_assert_eq(r->status, 0, "tracer exited %d: %s", r->status, r->err);
}

static double num(json_object *o, const char *key)
{
	return json_object_get_double(h_json_get(o, key));
}

/* Writes the Makefile; returns the directory to build in. */
static const char *make_project(void)
{
	h_write_file(h_path("Makefile"), makefile, sizeof(makefile) - 1, 0644);
	return h_dir();
}

Test(critpath, make_j2_timeline)
{
	const char *timeline = h_path("timeline.json");
	const char *dir = make_project();
	json_object *doc, *events;
	const char *work_steps[4]; /* the steps that are not make's */
	double start = -1, end = 0, a_dur = 0, b_dur = 0, bound = 2.5 + 10 * h_slowdown();
	size_t i, n_work = 0, n_steps = 0;
	struct h_run r;

	H_REQUIRE();
	run_tracer(ARGS("--events", "exit", "-o", "/dev/null", "--timeline", timeline, "--", "make",
			"-s", "-j2", "-C", dir),
		   &r);
	doc = json_object_from_file(timeline);
	cr_assert_not_null(doc, "%s", h_read_file(timeline, NULL));
	events = h_json_get(doc, "traceEvents");
	for (i = 0; i < json_object_array_length(events); i++) {
		json_object *e = json_object_array_get_idx(events, i), *cat;
		const char *name;
		double ts, dur;

		if (!json_object_object_get_ex(e, "cat", &cat) ||
		    strcmp(json_object_get_string(cat), "critical_path") != 0)
			continue;
		cr_expect_eq(h_json_int(e, "pid"), 0);
		name = h_json_str(e, "name");
		ts = num(e, "ts") / 1e6;
		dur = num(e, "dur") / 1e6;
		/* One step after the other, with no gap */
		if (n_steps++ == 0)
			start = ts;
		else
			cr_expect(ts > end - 1e-6 && ts < end + 1e-6, "step %s at %f, not %f", name,
				  ts, end);
		end = ts + dur;
		cr_expect(strcmp(name, "sleep 0.5") != 0, "c is on the critical path");
		/* The steps that are not make's own work (before, between, after its children) */
		if (strncmp(name, "make ", 5) != 0 && n_work < 4)
			work_steps[n_work++] = name;
		if (!strcmp(name, "sleep 1.5"))
			a_dur = dur;
		if (!strcmp(name, "sleep 1"))
			b_dur = dur;
	}
	cr_assert_eq(n_work, 2, "%zu steps not make's in %s", n_work, h_read_file(timeline, NULL));
	cr_expect_str_eq(work_steps[0], "sleep 1.5");
	cr_expect_str_eq(work_steps[1], "sleep 1");
	cr_expect_geq(a_dur, 1.5);
	cr_expect_lt(a_dur, 1.5 + 10 * h_slowdown());
	cr_expect_geq(b_dur, 1.0);
	cr_expect_geq(end - start, 2.5, "path of %f s", end - start);
	cr_expect_lt(end - start, bound, "path of %f s", end - start);
	json_object_put(doc);
	h_run_free(&r);
}

/* The line of the --summary text that holds what, after from; fails the test if none. */
static const char *line_after(const char *from, const char *what, const char *all)
{
	const char *at = strstr(from, what);

	cr_assert_not_null(at, "no \"%s\" in:\n%s", what, all);
	while (at > all && at[-1] != '\n')
		at--;
	return at;
}

/*
 * The same run with --summary and --summary-json: the text's critical path
 * (a header, a step per line "  1.52 s  sleep 1.5", the total, a blank line)
 * and parallelism; the JSON's critical_path and parallelism.
 */
Test(critpath, make_j2_summary)
{
	const char *json = h_path("summary.json");
	const char *dir = make_project();
	const char *header, *a, *b, *total, *c;
	json_object *doc, *path, *steps, *par, *top;
	double a_s, b_s, total_s;
	size_t i, n_work = 0;
	const char *work[4];
	struct h_run r;

	H_REQUIRE();
	run_tracer(ARGS("--quiet", "--summary", "--summary-json", json, "--", "make", "-s", "-j2",
			"-C", dir),
		   &r);
	header = line_after(r.err, "critical path: ", r.err);
	a = line_after(header, " s  sleep 1.5\n", r.err);
	b = line_after(header, " s  sleep 1\n", r.err);
	total = line_after(header, " s  total\n", r.err);
	cr_expect(a < b && b < total, "a, b, total out of order:\n%s", r.err);
	c = strstr(header, "sleep 0.5");
	cr_expect(!c || c > total, "c is on the critical path:\n%s", r.err);
	cr_assert_eq(sscanf(a, " %lf s  sleep", &a_s), 1, "%s", a);
	cr_assert_eq(sscanf(b, " %lf s  sleep", &b_s), 1, "%s", b);
	cr_assert_eq(sscanf(total, " %lf s  total", &total_s), 1, "%s", total);
	cr_expect_geq(a_s, 1.5, "%s", a);
	cr_expect_geq(b_s, 1.0, "%s", b);
	cr_expect_geq(total_s, 2.5, "%s", total);
	cr_expect_lt(total_s, 2.5 + 10 * h_slowdown(), "%s", total);
	cr_expect(strncmp(strchr(total, '\n'), "\n\nparallelism: ", 15) == 0, "%s", r.err);

	doc = json_object_from_file(json);
	cr_assert_not_null(doc, "%s", h_read_file(json, NULL));
	path = h_json_get(doc, "critical_path");
	cr_expect_geq(num(path, "total_s"), 2.5);
	steps = h_json_get(path, "steps");
	for (i = 0; i < json_object_array_length(steps); i++) {
		const char *argv = h_json_str(json_object_array_get_idx(steps, i), "argv");

		if (strncmp(argv, "make ", 5) != 0 && n_work < 4)
			work[n_work++] = argv;
	}
	cr_assert_eq(n_work, 2, "%s", json_object_to_json_string(path));
	cr_expect_str_eq(work[0], "sleep 1.5");
	cr_expect_str_eq(work[1], "sleep 1");
	par = h_json_get(doc, "parallelism");
	/* the three sleeps are the leaves */
	cr_expect_geq(num(par, "serial_s"), 3.0);
	cr_expect_geq(num(par, "wall_s"), 2.5);
	cr_expect_geq(num(par, "cpu_s"), 0.0);
	cr_expect_float_eq(num(par, "ratio"), num(par, "cpu_s") / num(par, "wall_s"), 1e-3);
	top = h_json_get(par, "top_wall");
	cr_assert_eq(json_object_array_length(top), 4);
	cr_expect(strncmp(h_json_str(json_object_array_get_idx(top, 0), "argv"), "make ", 5) == 0);
	cr_expect_str_eq(h_json_str(json_object_array_get_idx(top, 1), "argv"), "sleep 1.5");
	cr_expect_eq(json_object_array_length(h_json_get(par, "top_cpu")), 4);
	json_object_put(doc);
	h_run_free(&r);
}
