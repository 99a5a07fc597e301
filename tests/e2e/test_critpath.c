// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * End-to-end, through the tracer binary: the critical path of a real
 * `make -j2` (issue 26.2, 26.4), where target a (1.5 s) must precede b (1 s)
 * and c (0.5 s) runs beside them. The path is a's recipe then b's, never c's,
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
