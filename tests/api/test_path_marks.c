// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The path marks as tracer prints them (README: Paths), end to end: tracer
 * runs a shell that execs /bin/true three times, from a removed directory
 * (deleted), from one 25 levels of 200-byte names deep, over PATH_MAX (cut),
 * and from a lazily unmounted tmpfs, in a mount namespace of its own
 * (detached). The text line and the JSON record of each must carry the
 * path, exactly, and its mark; the exe, which is none of these, carries none.
 * test_exec_paths.c checks the same cases, and more, through libtracer.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"

static void setup(void)
{
	h_setup();
	H_REQUIRE();
}

TestSuite(path_marks, .init = setup, .fini = h_teardown, .timeout = 120);

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define DEPTH 25
#define NAME_LEN 200
#define PATH_KEEP 4095

/* $1 the test's directory, $2 a 200-byte name. */
static const char script[] =
	"set -e; cd \"$1\"; mkdir gone; cd gone; rmdir ../gone; /bin/true mark-deleted; "
	"cd \"$1\"; mkdir deep; cd deep; for i in $(seq 25); do mkdir \"$2\"; cd \"$2\"; done; "
	"/bin/true mark-cut; cd \"$1\"; mkdir mnt; "
	"unshare -m --propagation private /bin/sh -c 'mount -t tmpfs tracer-test \"$1\" && "
	"mkdir \"$1/sub\" && cd \"$1/sub\" && umount -l \"$1\" && exec /bin/true mark-detached' "
	"sh \"$1/mnt\"";

static char name[NAME_LEN + 1];

/* The deep directory's path, and what is kept of it: its trailing components. */
static const char *deep_kept(void)
{
	const char *full = h_path("deep");
	size_t len;
	int i;

	for (i = 0; i < DEPTH; i++)
		full = h_str("%s/%s", full, name);
	len = strlen(full);
	cr_assert_gt(len, PATH_KEEP);
	/* Whole components: the first '/' that leaves at most PATH_KEEP bytes. */
	for (i = 0; full[i]; i++)
		if (full[i] == '/' && len - (size_t)i <= PATH_KEEP)
			return full + i;
	cr_assert_fail("nothing kept");
	return NULL;
}

static void run_script(const char *format, const char *out)
{
	struct h_run r;

	h_run_start(ARGS("--format", format, "-o", out, "--", "/bin/bash", "-c", script, "bash",
			 h_dir(), name),
		    NULL, &r);
	h_run_wait(&r, 60 * h_slowdown());
	cr_assert_eq(r.status, 0, "status %d, stderr: %s", r.status, r.err);
	h_run_free(&r);
	/* The harness removes its directory with nftw(), which cannot go past PATH_MAX. */
	cr_assert_eq(system(h_str("rm -rf '%s' '%s'", h_path("deep"), h_path("mnt"))), 0);
}

static void fill_name(void)
{
	memset(name, 'n', NAME_LEN);
	name[NAME_LEN] = '\0';
}

/* The one line of out that holds marker. */
static const char *line_with(const char *out, const char *marker)
{
	const char *p = strstr(out, marker), *start, *end;

	cr_assert_not_null(p, "no %s in: %s", marker, out);
	cr_assert_null(strstr(p + 1, marker), "%s twice", marker);
	for (start = p; start > out && start[-1] != '\n'; start--)
		;
	end = strchr(p, '\n');
	cr_assert_not_null(end);
	return h_str("%.*s", (int)(end - start), start);
}

static void assert_holds(const char *line, const char *want)
{
	cr_assert_not_null(strstr(line, want), "%s not in: %s", want, line);
}

Test(path_marks, text)
{
	const char *out = h_path("events.txt"), *text, *l;

	fill_name();
	run_script("kv", out);
	text = h_read_file(out, NULL);
	/* The markers are in bash's own argv too: the lines of the execs of /bin/true. */
	l = line_with(text, "argv: /bin/true mark-deleted");
	assert_holds(l, h_str(" cwd=\"%s\"(deleted) exe=\"/usr/bin/true\" ", h_path("gone")));
	l = line_with(text, "argv: /bin/true mark-cut");
	assert_holds(l, h_str(" cwd=\"%s\"(cut) exe=\"/usr/bin/true\" ", deep_kept()));
	l = line_with(text, "argv: /bin/true mark-detached");
	assert_holds(l, " cwd=\"/sub\"(detached) exe=\"/usr/bin/true\" ");
}

/* The readable line: the cwd differs from bash's, and its marks follow it. */
Test(path_marks, readable)
{
	const char *out = h_path("events.txt"), *text, *l;

	fill_name();
	run_script("text", out);
	text = h_read_file(out, NULL);
	l = line_with(text, " /bin/true mark-deleted  cwd=");
	assert_holds(l, h_str("  cwd=%s(deleted)", h_path("gone")));
	l = line_with(text, " /bin/true mark-cut  cwd=");
	assert_holds(l, h_str("  cwd=%s(cut)", deep_kept()));
	l = line_with(text, " /bin/true mark-detached  cwd=");
	assert_holds(l, "  cwd=/sub(detached)");
}

static json_object *exec_with(const struct h_json *ev, const char *marker)
{
	json_object *found = NULL;
	size_t i;

	for (i = 0; i < ev->n; i++) {
		if (strcmp(h_json_str(ev->ev[i], "type"), "exec") ||
		    !h_json_argv_is(ev->ev[i], 2, (const char *const[]){ "/bin/true", marker }))
			continue;
		cr_assert_null(found, "%s twice", marker);
		found = ev->ev[i];
	}
	cr_assert_not_null(found, "no %s", marker);
	return found;
}

static void assert_path(json_object *o, const char *key, const char *want, const char *flag)
{
	json_object *flags;
	const char *fkey = h_str("%s_flags", key);

	cr_assert_str_eq(h_json_str(o, key), want);
	if (!flag) {
		cr_assert_not(json_object_object_get_ex(o, fkey, NULL), "%s: %s", fkey,
			      json_object_to_json_string(o));
		return;
	}
	flags = h_json_get(o, fkey);
	cr_assert_eq(json_object_array_length(flags), 1, "%s", json_object_to_json_string(flags));
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(flags, 0)), flag);
}

Test(path_marks, json)
{
	const char *out = h_path("events.json");
	struct h_json ev;
	json_object *o;

	fill_name();
	run_script("json", out);
	h_json_load(&ev, out);
	o = exec_with(&ev, "mark-deleted");
	assert_path(o, "cwd", h_path("gone"), "deleted");
	assert_path(o, "exe", "/usr/bin/true", NULL);
	o = exec_with(&ev, "mark-cut");
	assert_path(o, "cwd", deep_kept(), "cut");
	assert_path(o, "exe", "/usr/bin/true", NULL);
	o = exec_with(&ev, "mark-detached");
	assert_path(o, "cwd", "/sub", "detached");
	assert_path(o, "exe", "/usr/bin/true", NULL);
	h_json_free(&ev);
}
