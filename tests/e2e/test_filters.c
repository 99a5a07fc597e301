// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * End-to-end, through the tracer binary: the filters of what is reported
 * (issue 24.5). --uid and --comm in the kernel, --failed and --match on the
 * bus before every sink. Each test runs execs that pass and execs that do
 * not, and checks exactly which are reported, in JSON and in the other
 * outputs (text, --tree).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <unistd.h>

#include "harness.h"

TestSuite(filters, .init = h_setup, .fini = h_teardown, .timeout = 180);

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Runs tracer (launch mode) to its end; asserts it exited 0. */
static void run_tracer(const char *const *args, struct h_run *r)
{
	h_run_start(args, NULL, r);
	h_run_wait(r, 60 * h_slowdown());
	cr_assert_eq(r->status, 0, "tracer exited %d: %s", r->status, r->err);
}

/* The last argument of every exec record, joined by spaces, in their order. */
static const char *exec_tags(const struct h_json *ev)
{
	char *buf = NULL;
	size_t size = 0, i;
	FILE *f = open_memstream(&buf, &size);
	const char *tags;

	cr_assert_not_null(f);
	for (i = 0; i < ev->n; i++) {
		json_object *argv;
		size_t n;

		if (strcmp(h_json_str(ev->ev[i], "type"), "exec"))
			continue;
		argv = h_json_get(ev->ev[i], "argv");
		n = json_object_array_length(argv);
		fprintf(f, "%s%s", ftell(f) ? " " : "",
			n ? json_object_get_string(json_object_array_get_idx(argv, n - 1)) : "-");
	}
	fclose(f);
	tags = h_str("%s", buf);
	free(buf);
	return tags;
}

/* The execs reported, as exec_tags() lists them, for a JSON run of script with filters. */
static const char *run_json(const char *const *filters, size_t n, const char *script,
			    struct h_json *ev)
{
	const char *args[32];
	const char *out = h_path(h_str("events-%d.json", rand()));
	struct h_run r;
	size_t k = 0, i;

	for (i = 0; i < n; i++)
		args[k++] = filters[i];
	args[k++] = "--json";
	args[k++] = "--events";
	args[k++] = "exec,exit";
	args[k++] = "-o";
	args[k++] = out;
	args[k++] = "--";
	args[k++] = "/bin/sh";
	args[k++] = "-c";
	args[k++] = script;
	args[k++] = "outer";
	args[k] = NULL;
	run_tracer(args, &r);
	h_run_free(&r);
	h_json_load(ev, out);
	return exec_tags(ev);
}

#define RUN_JSON(ev, script, ...)                      \
	run_json((const char *const[]){ __VA_ARGS__ }, \
		 sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *), script, ev)

/* Only the users named, by number or by name: the real or effective uid after the exec. */
Test(filters, uid)
{
	const char *script =
		"/bin/true as-root; "
		"setpriv --reuid 65534 --regid 65534 --clear-groups /bin/true as-65534; "
		"setpriv --reuid 1234 --regid 1234 --clear-groups /bin/true as-1234; "
		"setpriv --euid 4321 --egid 4321 --clear-groups /bin/true as-e4321; "
		"setpriv --reuid 999 --regid 999 --clear-groups /bin/true as-999";
	const char *name = NULL;
	struct h_json ev;

	H_REQUIRE();
	/* 65534 by its name, where the user database has one. */
	if (getpwuid(65534))
		name = h_str("%s,1234", getpwuid(65534)->pw_name);
	cr_expect_str_eq(RUN_JSON(&ev, script, "--uid", name ? name : "65534,1234", "--uid",
				  "4321"),
			 "as-65534 as-1234 as-e4321", "%s", ev.text);
	/* The exits of every process in scope, as before. */
	cr_expect_geq(h_json_count(&ev, "exit", NULL, 0), 6, "%s", ev.text);
	h_json_free(&ev);
}

Test(filters, uid_unknown_user)
{
	struct h_run r;

	H_REQUIRE();
	h_run_start(ARGS("--uid", "0,no-such-user-here", "--", "/bin/true"), NULL, &r);
	h_run_wait(&r, 30 * h_slowdown());
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect_str_eq(r.err, "tracer: unknown user 'no-such-user-here' in --uid\n");
	h_run_free(&r);
}

/* Only the programs named: the new program's name, or a failed exec's basename. */
Test(filters, comm)
{
	const char *script = "/bin/true t1; /bin/echo e1 >/dev/null; "
			     "/nonexistent-dir/true t2 2>/dev/null; /nonexistent-dir/false f1 "
			     "2>/dev/null; /bin/sleep 0 s1; exit 0";
	struct h_json ev;
	json_object *failed;
	size_t i;

	H_REQUIRE();
	cr_expect_str_eq(RUN_JSON(&ev, script, "--comm", "true", "--comm", "sleep"), "t1 t2 s1",
			 "%s", ev.text);
	for (i = 0, failed = NULL; i < ev.n; i++)
		if (h_json_argv_holds(ev.ev[i], "t2"))
			failed = ev.ev[i];
	cr_assert_not_null(failed);
	cr_expect_str_eq(h_json_str(failed, "errno"), "ENOENT");
	h_json_free(&ev);
}

/* Only the execs that failed; the exits still come. */
Test(filters, failed)
{
	const char *script = "/bin/true ok1; /nonexistent-dir/x bad1 2>/dev/null; "
			     "/bin/false ok2; /nonexistent-dir/y bad2 2>/dev/null; exit 0";
	const char *tree_out = h_path("tree.txt");
	struct h_json ev;
	struct h_run r;
	size_t i, n = 0;

	H_REQUIRE();
	cr_expect_str_eq(RUN_JSON(&ev, script, "--failed"), "bad1 bad2", "%s", ev.text);
	for (i = 0; i < ev.n; i++) {
		if (strcmp(h_json_str(ev.ev[i], "type"), "exec"))
			continue;
		cr_expect_lt(h_json_int(ev.ev[i], "ret"), 0, "%s",
			     json_object_to_json_string(ev.ev[i]));
		n++;
	}
	cr_expect_eq(n, 2);
	/* sh and the four children it forked: their exits pass the filter. */
	cr_expect_eq(h_json_count(&ev, "exit", NULL, 0), 5, "%s", ev.text);
	h_json_free(&ev);

	/* The text output and the tree: the failed execs, no other. */
	run_tracer(ARGS("--failed", "--tree", "-o", tree_out, "--", "/bin/sh", "-c", script), &r);
	{
		const char *text = h_read_file(tree_out, NULL);

		cr_expect_not_null(strstr(text, "bad1"), "%s", text);
		cr_expect_null(strstr(text, "ok1"), "%s", text);
		cr_expect_null(strstr(text, "ok2"), "%s", text);
		cr_expect_not_null(strstr(r.err, "bad1"), "the tree: %s", r.err);
		cr_expect_null(strstr(r.err, "ok1"), "the tree: %s", r.err);
		cr_expect_null(strstr(r.err, "ok2"), "the tree: %s", r.err);
	}
	h_run_free(&r);
}

/* A glob over the command line, arguments joined by spaces; repeatable. */
Test(filters, match)
{
	const char *script = "/bin/true m-yes 'a b'; /bin/true m-no; /bin/echo m-echo >/dev/null; "
			     "/bin/true m-yes-too; exit 0";
	const char *text_out = h_path("text.txt");
	struct h_json ev;
	struct h_run r;
	const char *text;

	H_REQUIRE();
	cr_expect_str_eq(RUN_JSON(&ev, script, "--match", "/bin/true m-yes*", "--match",
				  "/bin/echo m-*"),
			 "a b m-echo m-yes-too", "%s", ev.text);
	h_json_free(&ev);
	/* '*' crosses spaces: the first exec's whole line. */
	cr_expect_str_eq(RUN_JSON(&ev, script, "--match", "/bin/true m-yes a b"), "a b", "%s",
			 ev.text);
	h_json_free(&ev);
	/* Nothing matches: not even the shell. */
	cr_expect_str_eq(RUN_JSON(&ev, script, "--match", "no such line"), "", "%s", ev.text);
	h_json_free(&ev);

	run_tracer(ARGS("--match", "/bin/true m-yes", "-o", text_out, "--", "/bin/sh", "-c",
			"/bin/true m-yes; /bin/true m-no"),
		   &r);
	text = h_read_file(text_out, NULL);
	cr_expect_not_null(strstr(text, "m-yes"), "%s", text);
	cr_expect_null(strstr(text, "m-no"), "not even the shell's line: %s", text);
	h_run_free(&r);
}

/* The filters together: an exec must pass each. */
Test(filters, together)
{
	const char *script = "/nonexistent-dir/true keep 2>/dev/null; "
			     "/nonexistent-dir/true drop 2>/dev/null; /bin/true keep; exit 0";
	struct h_json ev;

	H_REQUIRE();
	cr_expect_str_eq(RUN_JSON(&ev, script, "--failed", "--comm", "true", "--match", "* keep"),
			 "keep", "%s", ev.text);
	h_json_free(&ev);
}
