// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Code points drawn as nothing, or as a blank that is not ASCII's, in every
 * output: each one in a process's comm, filename and arguments must show as an
 * escape in the text, sh and tree lines and in the timeline, never as itself
 * (a "rm\u200b" would pass for "rm"); the JSON Lines decode back to the same
 * bytes.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "timeline.h"
#include "tree_fixture.h"
#include "writer.h"

static const struct invisible {
	const char *name;
	const char *utf8;
	const char *c_escape; /* as escape_c_quoted and JSON write it */
	const char *json_escape;
	const char *sh_escape; /* inside $'...' */
} invisible[] = {
	{ "U+200B zero width space", "\xe2\x80\x8b", "\\u200b", "\\u200b", "\\xe2\\x80\\x8b" },
	{ "U+2060 word joiner", "\xe2\x81\xa0", "\\u2060", "\\u2060", "\\xe2\\x81\\xa0" },
	{ "U+00AD soft hyphen", "\xc2\xad", "\\u00ad", "\\u00ad", "\\xc2\\xad" },
	{ "U+3164 hangul filler", "\xe3\x85\xa4", "\\u3164", "\\u3164", "\\xe3\\x85\\xa4" },
	{ "U+E0001 language tag", "\xf3\xa0\x80\x81", "\\U000e0001", "\\udb40\\udc01",
	  "\\xf3\\xa0\\x80\\x81" },
	{ "U+2003 em space", "\xe2\x80\x83", "\\u2003", "\\u2003", "\\xe2\\x80\\x83" },
	{ "U+00A0 no-break space", "\xc2\xa0", "\\u00a0", "\\u00a0", "\\xc2\\xa0" },
};

#define N_INVISIBLE (sizeof(invisible) / sizeof(invisible[0]))

/* The strings of one exec that carries the code point everywhere a process chooses bytes. */
struct hostile_exec {
	char comm[16], filename[64], arg0[64], arg1[64], cwd[64];
	struct tracer_bytes argv[2];
	struct tracer_event ev;
};

static void make_exec(struct hostile_exec *h, const struct invisible *c)
{
	snprintf(h->comm, sizeof(h->comm), "rm%s", c->utf8);
	snprintf(h->filename, sizeof(h->filename), "/bin/rm%s", c->utf8);
	snprintf(h->arg0, sizeof(h->arg0), "rm%s", c->utf8);
	snprintf(h->arg1, sizeof(h->arg1), "-rf%s/", c->utf8);
	snprintf(h->cwd, sizeof(h->cwd), "/home%s", c->utf8);
	h->argv[0] = comm_of(h->arg0);
	h->argv[1] = comm_of(h->arg1);
	h->ev = exec_ev(MS(1000), 10, 1, 0, h->argv, 2);
	h->ev.sz = sizeof(h->ev);
	h->ev.exec.total_argc = 2;
	h->ev.exec.comm = comm_of(h->comm);
	h->ev.exec.filename = comm_of(h->filename);
	h->ev.exec.cwd.path = comm_of(h->cwd);
}

typedef int (*writer)(FILE *out, const struct tracer_event *ev);

static char *capture(writer fn, const struct tracer_event *ev)
{
	struct capture c;

	cap_open(&c);
	cr_assert_eq(fn(c.f, ev), 0);
	return cap_close(&c);
}

static int write_text(FILE *out, const struct tracer_event *ev)
{
	return writer_write(&text_writer, out, NULL, 1.0, ev);
}

static int write_json(FILE *out, const struct tracer_event *ev)
{
	return writer_write(&json_writer, out, NULL, 1.0, ev);
}

static int write_sh(FILE *out, const struct tracer_event *ev)
{
	return writer_write(&sh_writer, out, NULL, 1.0, ev);
}

/* The exec's process in a tree: forked, exec'd, exited. */
static void build(struct tree *t, const struct tracer_event *ev)
{
	struct tracer_event fork = fork_ev(MS(900), 1, 10, ev->exec.comm.ptr);

	tree_init(t);
	fork.fork.comm = ev->exec.comm;
	add(t, fork);
	add(t, *ev);
	add(t, exit_ev(MS(1100), 10, 1, 0, MS(900) - 1000, MS(500), ev->exec.comm.ptr));
	cr_assert_eq(tree_finish(t, MS(2000)), 0);
}

static int write_tree(FILE *out, const struct tracer_event *ev)
{
	struct tree t;
	int ret;

	build(&t, ev);
	ret = tree_write(&t, out, false);
	tree_free(&t);
	return ret;
}

static int write_timeline(FILE *out, const struct tracer_event *ev)
{
	struct tree t;
	int ret;

	build(&t, ev);
	ret = timeline_write(&t, out, MS(500));
	tree_free(&t);
	return ret;
}

static void expect_hidden(const char *out, const struct invisible *c, const char *what)
{
	cr_expect_null(strstr(out, c->utf8), "%s: %s written as itself: %s", what, c->name, out);
}

static void expect_shown(const char *out, const char *escape, const struct invisible *c,
			 const char *what)
{
	cr_expect_not_null(strstr(out, escape), "%s: %s not written as %s: %s", what, c->name,
			   escape, out);
}

Test(invisible, text)
{
	size_t i;

	for (i = 0; i < N_INVISIBLE; i++) {
		struct hostile_exec h;
		char *out;

		make_exec(&h, &invisible[i]);
		out = capture(write_text, &h.ev);
		expect_hidden(out, &invisible[i], "text");
		expect_shown(out, invisible[i].c_escape, &invisible[i], "text comm/filename");
		expect_shown(out, invisible[i].sh_escape, &invisible[i], "text argv");
		free(out);
	}
}

Test(invisible, sh)
{
	size_t i;

	for (i = 0; i < N_INVISIBLE; i++) {
		struct hostile_exec h;
		char *out;

		make_exec(&h, &invisible[i]);
		out = capture(write_sh, &h.ev);
		expect_hidden(out, &invisible[i], "sh");
		expect_shown(out, invisible[i].sh_escape, &invisible[i], "sh");
		free(out);
	}
}

Test(invisible, tree)
{
	size_t i;

	for (i = 0; i < N_INVISIBLE; i++) {
		struct hostile_exec h;
		char *out;

		make_exec(&h, &invisible[i]);
		out = capture(write_tree, &h.ev);
		expect_hidden(out, &invisible[i], "tree");
		expect_shown(out, invisible[i].sh_escape, &invisible[i], "tree");
		free(out);
	}
}

/* The exec mark's argv, decoded. */
static const char *timeline_argv(json_object *doc)
{
	json_object *events, *e, *v;
	size_t i;

	cr_assert(json_object_object_get_ex(doc, "traceEvents", &events));
	for (i = 0; i < json_object_array_length(events); i++) {
		e = json_object_array_get_idx(events, i);
		if (json_object_object_get_ex(e, "cat", &v) &&
		    strcmp(json_object_get_string(v), "exec") == 0 &&
		    json_object_object_get_ex(e, "args", &v) &&
		    json_object_object_get_ex(v, "argv", &v))
			return json_object_get_string(v);
	}
	cr_assert_fail("no exec in the timeline");
	return NULL;
}

/*
 * The timeline's labels (process names, argv) as a person sees them in
 * Perfetto, decoded, show the escape. Its cwd and exe are data, as in the
 * JSON Lines: \u-escaped in the file, the same bytes once decoded.
 */
Test(invisible, timeline)
{
	size_t i;

	for (i = 0; i < N_INVISIBLE; i++) {
		struct hostile_exec h;
		json_object *doc;
		const char *argv;
		char *out;

		make_exec(&h, &invisible[i]);
		out = capture(write_timeline, &h.ev);
		expect_hidden(out, &invisible[i], "timeline");
		doc = json_tokener_parse(out);
		cr_assert_not_null(doc, "timeline: not JSON: %s", out);
		argv = timeline_argv(doc);
		expect_hidden(argv, &invisible[i], "timeline argv, decoded");
		expect_shown(argv, invisible[i].sh_escape, &invisible[i], "timeline argv, decoded");
		json_object_put(doc);
		free(out);
	}
}

/*
 * JSON Lines: valid UTF-8 with the code point \u-escaped, and a decoder reads
 * back exactly the process's bytes.
 */
Test(invisible, json)
{
	size_t i;

	for (i = 0; i < N_INVISIBLE; i++) {
		struct hostile_exec h;
		json_object *doc, *v;
		char *out;

		make_exec(&h, &invisible[i]);
		out = capture(write_json, &h.ev);
		expect_hidden(out, &invisible[i], "json");
		expect_shown(out, invisible[i].json_escape, &invisible[i], "json");
		doc = json_tokener_parse(out);
		cr_assert_not_null(doc, "json: not JSON: %s", out);
		cr_assert(json_object_object_get_ex(doc, "filename", &v));
		cr_expect_str_eq(json_object_get_string(v), h.filename, "json: %s",
				 invisible[i].name);
		cr_assert(json_object_object_get_ex(doc, "argv", &v));
		cr_expect_str_eq(json_object_get_string(json_object_array_get_idx(v, 1)), h.arg1,
				 "json: %s", invisible[i].name);
		cr_assert(json_object_object_get_ex(doc, "comm", &v));
		cr_expect_str_eq(json_object_get_string(v), h.comm, "json: %s", invisible[i].name);
		json_object_put(doc);
		free(out);
	}
}
