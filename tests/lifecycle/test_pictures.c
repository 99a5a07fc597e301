// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * --tree and --timeline on a known script (tree-demo.sh) in the running
 * kernel: the tree has exactly the expected shape (durations masked), the
 * timeline is valid trace-event JSON whose spans nest by parentage and last
 * as long as the exit events say.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

TestSuite(lifecycle_pictures, .init = h_setup, .fini = h_teardown, .timeout = 120);

/* The lines of the tree in tracer's stderr: from its header to the summary. */
static char *tree_of(const char *err)
{
	const char *start = strstr(err, "tracer: process tree:");
	const char *end;

	cr_assert_not_null(start, "no tree in: %s", err);
	end = strstr(start + 1, "\ntracer: ");
	cr_assert_not_null(end, "no summary after the tree: %s", err);
	return strndup(start, (size_t)(end - start) + 1);
}

/* Durations and usage ("1.234s, cpu 0.01s, rss 1.6M") replaced by "T". */
static char *mask_durations(const char *s)
{
	regex_t re;
	regmatch_t m;
	char *out = malloc(strlen(s) + 1), *o = out;

	cr_assert_not_null(out);
	/* Every process here exited: what it used follows its duration. */
	cr_assert_eq(regcomp(&re, ">?[0-9]+\\.[0-9]{3}m?s, cpu [0-9.]+s, rss [0-9.]+[KMG]\\]",
			     REG_EXTENDED),
		     0);
	while (regexec(&re, s, 1, &m, 0) == 0) {
		memcpy(o, s, (size_t)m.rm_so);
		o += m.rm_so;
		memcpy(o, "T]", 2);
		o += 2;
		s += m.rm_eo;
	}
	strcpy(o, s);
	regfree(&re);
	return out;
}

/* The complete event ("ph":"X") of track tid. */
static json_object *span_of(json_object *events, int64_t tid)
{
	json_object *found = NULL;
	size_t i, n = 0;

	for (i = 0; i < json_object_array_length(events); i++) {
		json_object *e = json_object_array_get_idx(events, i);

		if (strcmp(h_json_str(e, "ph"), "X") == 0 && h_json_int(e, "tid") == tid) {
			found = e;
			n++;
		}
	}
	cr_assert_eq(n, 1, "%zu spans for %lld", n, (long long)tid);
	return found;
}

static double num(json_object *o, const char *key)
{
	json_object *v = h_json_get(o, key);

	cr_assert(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int),
		  "\"%s\" is not a number", key);
	return json_object_get_double(v);
}

static size_t count_phase(json_object *events, const char *ph, const char *cat)
{
	size_t i, n = 0;

	for (i = 0; i < json_object_array_length(events); i++) {
		json_object *e = json_object_array_get_idx(events, i), *c;

		if (strcmp(h_json_str(e, "ph"), ph) != 0)
			continue;
		if (cat && (!json_object_object_get_ex(e, "cat", &c) ||
			    strcmp(json_object_get_string(c), cat) != 0))
			continue;
		n++;
	}
	return n;
}

static void check_timeline(const char *path, const struct h_json *ev, pid_t root)
{
	const char *text = h_read_file(path, NULL);
	enum json_tokener_error jerr;
	json_object *doc = json_tokener_parse_verbose(text, &jerr), *events, *root_span;
	size_t i, n_exits = 0;

	cr_assert_not_null(doc, "the timeline is not JSON (%s):\n%s", json_tokener_error_desc(jerr),
			   text);
	events = h_json_get(doc, "traceEvents");
	cr_assert(json_object_is_type(events, json_type_array));
	root_span = span_of(events, root);

	for (i = 0; i < ev->n; i++) {
		json_object *x = ev->ev[i], *span, *args;
		double lifetime_us, ts, dur;
		int64_t pid;

		if (strcmp(h_json_str(x, "type"), "exit") != 0)
			continue;
		n_exits++;
		pid = h_json_int(x, "pid");
		span = span_of(events, pid);
		args = h_json_get(span, "args");
		ts = num(span, "ts");
		dur = num(span, "dur");
		/* One trace process per tree: every track is in the root's */
		cr_expect_eq(h_json_int(span, "pid"), root);
		cr_expect_eq(h_json_int(args, "pid"), pid);
		cr_expect_str_eq(h_json_str(span, "cat"), "process");
		/* As long as the exit event says, and ending when it happened (µs, rounded) */
		lifetime_us = json_object_get_double(h_json_get(x, "lifetime")) * 1e6;
		cr_expect(fabs(dur - lifetime_us) <= 1.0, "pid %lld: dur %f, lifetime %f us",
			  (long long)pid, dur, lifetime_us);
		cr_expect(fabs(ts + dur - json_object_get_double(h_json_get(x, "ts")) * 1e6) <= 1.5,
			  "pid %lld: span ends at %f", (long long)pid, ts + dur);
		/* Nested in its parent's span, which outlives it */
		if (pid != root) {
			cr_expect_eq(h_json_int(args, "ppid"), root);
			cr_expect_eq(h_json_int(args, "depth"), 1);
			cr_expect_geq(ts, num(root_span, "ts"), "pid %lld", (long long)pid);
			cr_expect_leq(ts + dur, num(root_span, "ts") + num(root_span, "dur"),
				      "pid %lld", (long long)pid);
		}
	}
	cr_expect_eq(count_phase(events, "X", "process"), n_exits);
	cr_expect_geq(count_phase(events, "X", "critical_path"), 1);
	cr_expect_eq(count_phase(events, "i", "exec"), h_json_count(ev, "exec", NULL, 0));
	cr_expect_eq(count_phase(events, "i", "signal"), h_json_count(ev, "signal", NULL, 0));
	/* A name for the trace process, and for each track; the critical path's process and track */
	cr_expect_eq(count_phase(events, "M", NULL), 2 + 2 * n_exits + 3);
	json_object_put(doc);
}

Test(lifecycle_pictures, tree_and_timeline)
{
	const char *out = h_path("events.jsonl");
	const char *timeline = h_path("timeline.json");
	char *tree, *masked, want[2048];
	int64_t kids[5];
	struct h_tracer tr;
	struct h_json ev;
	struct h_proc script;
	size_t i, n = 0;
	pid_t sh;

	H_REQUIRE();
	H_SPAWN(&script, WL_TREE_DEMO);
	sh = script.pid;
	/* Said once it runs as tree-demo.sh: tracer attaches after that exec. */
	cr_assert_eq(h_report(&script, "ready"), sh);
	H_TRACER_RUN(&tr, "--json", "--events", "all", "--tree", "--timeline", timeline, "--pid",
		     h_str("%d", (int)sh), "-o", out);
	h_gate_all(&script);
	cr_assert_eq(h_proc_wait(&script, 60000), 0, "the script failed");
	cr_assert_neq(h_tracer_wait_exit(&tr, 30000), -1,
		      "tracer did not exit by itself within 30 s: %s", tr.err);
	cr_assert(WIFEXITED(tr.status) && WEXITSTATUS(tr.status) == 0, "tracer: %s", tr.err);
	h_json_load(&ev, out);

	/* The children, in the order they were forked */
	for (i = 0; i < ev.n; i++) {
		if (strcmp(h_json_str(ev.ev[i], "type"), "fork") != 0)
			continue;
		cr_assert_lt(n, 5, "%s", ev.text);
		cr_expect_eq(h_json_int(ev.ev[i], "ppid"), sh);
		kids[n++] = h_json_int(ev.ev[i], "pid");
	}
	cr_assert_eq(n, 5, "%s", ev.text);

	tree = tree_of(tr.err);
	masked = mask_durations(tree);
	snprintf(want, sizeof(want),
		 "tracer: process tree: 6 processes, 4 failed\n"
		 "%d \"tree-demo.sh\" [exit 0, T]\n"
		 "|-- %lld /bin/true [exit 0, T]\n"
		 "|-- %lld sh -c 'exit 3' [exit 3, T] FAILED\n"
		 "|-- %lld \"tree-demo.sh\" [exit 127, T] FAILED\n"
		 "|   `-- exec failed (ENOENT): /nonexistent-lc-dir/lc-command\n"
		 "|-- %lld sleep 10 [killed by SIGTERM from %d \"tree-demo.sh\", T] FAILED\n"
		 "`-- %lld sh -c 'kill -SEGV $$' [killed by SIGSEGV from %lld \"sh\", T] FAILED\n",
		 (int)sh, (long long)kids[0], (long long)kids[1], (long long)kids[2],
		 (long long)kids[3], (int)sh, (long long)kids[4], (long long)kids[4]);
	cr_expect_str_eq(masked, want, "\n got:\n%s\nwant:\n%s", masked, want);
	cr_expect_null(strchr(tree, '\033'), "colour on a pipe");
	/* The root began before tracer: its duration is a lower bound */
	cr_expect_not_null(strstr(tree, "[exit 0, >"), "%s", tree);

	check_timeline(timeline, &ev, sh);

	free(masked);
	free(tree);
	h_json_free(&ev);
}

/*
 * On a terminal the tree is in colour (the failed process in red), unless
 * NO_COLOR is set and not empty (https://no-color.org), whatever its value.
 */
static char *tree_on_a_terminal(const char *no_color)
{
	const char *env[] = { no_color, NULL };
	const struct h_run_opts opts = { .pty = true, .env = no_color ? env : NULL };
	struct h_run r;
	char *out;

	h_run_start((const char *const[]){ "--tree", "-o", h_path("events.txt"), "--", "/bin/sh",
					   "-c", "/bin/false; exit 0", NULL },
		    &opts, &r);
	h_run_wait(&r, 30 * h_slowdown());
	cr_assert_eq(r.status, 0, "terminal: %s", r.out);
	out = strdup(r.out);
	cr_assert_not_null(strstr(out, "tracer: process tree: 2 processes, 1 failed"), "%s", out);
	cr_assert_not_null(strstr(out, " /bin/false "), "%s", out);
	h_run_free(&r);
	return out;
}

Test(lifecycle_pictures, tree_colours_honour_no_color)
{
	char *out;

	H_REQUIRE();
	out = tree_on_a_terminal(NULL);
	cr_expect_not_null(strstr(out, "\033[1;31m"), "no colour on a terminal: %s", out);
	free(out);
	out = tree_on_a_terminal("NO_COLOR=");
	cr_expect_not_null(strstr(out, "\033[1;31m"), "NO_COLOR empty: no colour: %s", out);
	free(out);
	out = tree_on_a_terminal("NO_COLOR=1");
	cr_expect_null(strchr(out, '\033'), "NO_COLOR=1: colour: %s", out);
	free(out);
	out = tree_on_a_terminal("NO_COLOR=false");
	cr_expect_null(strchr(out, '\033'), "NO_COLOR=false: colour: %s", out);
	free(out);
}
