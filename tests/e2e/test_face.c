// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * End-to-end: what a person reads (issue 24). The readable default line
 * (the command early, only what is unusual after it), "time" in every JSON
 * event and --time in text, colour on a terminal (a pty) and nowhere else,
 * hostile bytes escaped with colour on.
 */
#define _GNU_SOURCE
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static void setup(void)
{
	h_setup();
	H_REQUIRE();
}

TestSuite(face, .init = setup, .fini = h_teardown, .timeout = 120);

static struct h_run r;

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Runs tracer to its end: its exit status must be status. */
static void run_tracer_status(const char *const *args, const struct h_run_opts *opts, int status)
{
	h_run_start(args, opts, &r);
	h_run_wait(&r, 60);
	cr_assert_eq(r.status, status, "status %d, stderr: %s", r.status, r.err);
}

static void run_tracer(const char *const *args, const struct h_run_opts *opts)
{
	run_tracer_status(args, opts, 0);
}

/* Whether s matches the extended regex re. */
static bool matches(const char *s, const char *re)
{
	regex_t rx;
	bool ok;

	cr_assert_eq(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0, "regex %s", re);
	ok = regexec(&rx, s, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

/*
 * The readable exec lines of text (the tracer: lines left out), each from
 * the command on: the time (when time_len) and the pid column checked and
 * cut. Returns how many, at most max.
 */
static size_t command_parts(char *text, size_t time_len, const char *time_re, char **parts,
			    size_t max)
{
	size_t n = 0;
	char *save, *line;

	for (line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		if (!strncmp(line, "tracer: ", 8) || !strncmp(line, "/bin/sh: ", 9) ||
		    !strncmp(line, "/usr/bin/env: ", 14))
			continue;
		cr_assert(n < max, "too many lines: %s", line);
		if (time_len) {
			char t[64];

			cr_assert_gt(strlen(line), time_len, "%s", line);
			snprintf(t, sizeof(t), "%.*s", (int)time_len, line);
			cr_assert(matches(t, time_re), "time '%s' in: %s", t, line);
			cr_assert_eq(line[time_len], ' ', "%s", line);
			line += time_len + 1;
		}
		/* The pid, right-padded to 7, then a space: the command at the same column. */
		cr_assert(matches(line, "^[0-9]+ +[^ ]"), "pid column: %s", line);
		cr_assert_eq(line[7], ' ', "%s", line);
		parts[n++] = line + 8;
	}
	return n;
}

/*
 * The default text: the command line early, then only what differs from
 * the parent: the cwd, the redirections, a failure.
 */
Test(face, readable_line)
{
	char *parts[16];
	size_t n;

	run_tracer(
		ARGS("--", "/bin/sh", "-c",
		     "cd /tmp; /bin/true a; /bin/true b >/dev/null; /nonexistent-face x 2>/dev/null; "
		     "exec /bin/echo 'two words' >/dev/null"),
		NULL);
	n = command_parts(r.err, 15, "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9][.][0-9]{6}$", parts, 16);
	cr_assert_eq(n, 5, "stderr: %s", r.err);
	/* Its parent (tracer) unknown: the cwd says where the run is. */
	cr_assert_str_eq(parts[0],
			 "/bin/sh -c 'cd /tmp; /bin/true a; /bin/true b >/dev/null; "
			 "/nonexistent-face x 2>/dev/null; exec /bin/echo '\\''two words'\\'' "
			 ">/dev/null'  cwd=/");
	cr_assert_str_eq(parts[1], "/bin/true a  cwd=/tmp");
	cr_assert_str_eq(parts[2], "/bin/true b  cwd=/tmp >/dev/null");
	/*
	 * Its stderr away: the shell's "not found" on the same pipe as
	 * tracer's lines could land inside one of them (seen under 6.1's VM).
	 */
	cr_assert_str_eq(parts[3], "/nonexistent-face x  failed: ENOENT  cwd=/tmp 2>/dev/null");
	/* The same process execs again: compared with its own last exec (sh, in /). */
	cr_assert_str_eq(parts[4], "/bin/echo 'two words'  cwd=/tmp >/dev/null");
	h_run_free(&r);

	/* The key=value line is one option away, as it was. */
	run_tracer(ARGS("--format", "kv", "--", "/bin/true", "kv"), NULL);
	cr_assert(matches(r.err, "^\\[[0-9]+[.][0-9]{6}\\] pid=[0-9]+ tid=[0-9]+ uid=0 gid=0 "
				 "syscall_id=59 comm=\"[^\"]*\" filename=\"/bin/true\" ppid=[0-9]+ "
				 "ret=0 tty=- cwd=\"/\" exe=\"/usr/bin/true\" 0<\"/dev/null\" "
				 "1>\"[^\"]*\" 2>\"[^\"]*\" argv: /bin/true kv\n"),
		  "stderr: %s", r.err);
	h_run_free(&r);
}

#define WALK_SCRIPT                                                                   \
	"PATH=/nonexistent-a:/nonexistent-b:/usr/bin:/bin; /usr/bin/env true found; " \
	"/usr/bin/env nosuch-face 2>/dev/null; exit 0"

/*
 * execvp walking PATH: its failed lookups folded into the line of the
 * command found, or into one "not found" line; every one with
 * --show-lookups, and always in JSON.
 */
Test(face, path_lookups_folded)
{
	const char *events = h_path("events.json"), *text;
	char *parts[16];
	struct h_json ev;
	size_t i, failed = 0;

	run_tracer(ARGS("--time", "none", "--", "/bin/sh", "-c", WALK_SCRIPT), NULL);
	text = h_str("%s", r.err);
	cr_assert_eq(command_parts(r.err, 0, NULL, parts, 16), 5, "stderr: %s", text);
	cr_assert_str_eq(parts[1], "/usr/bin/env true found");
	cr_assert_str_eq(parts[2], "true found  (after 2 failed PATH lookups)");
	/* env's complaint away: on tracer's pipe it could land inside a line. */
	cr_assert_str_eq(parts[3], "/usr/bin/env nosuch-face  2>/dev/null");
	cr_assert_str_eq(parts[4], "nosuch-face  not found (4 PATH lookups, ENOENT)");
	h_run_free(&r);

	run_tracer(ARGS("--time", "none", "--show-lookups", "--", "/bin/sh", "-c", WALK_SCRIPT),
		   NULL);
	text = h_str("%s", r.err);
	cr_assert_eq(command_parts(r.err, 0, NULL, parts, 16), 10, "stderr: %s", text);
	cr_assert_str_eq(parts[2], "true found  failed: ENOENT");
	cr_assert_str_eq(parts[3], "true found  failed: ENOENT");
	cr_assert_str_eq(parts[4], "true found");
	cr_assert_str_eq(parts[9], "nosuch-face  failed: ENOENT");
	h_run_free(&r);

	run_tracer(ARGS("--json", "-o", events, "--", "/bin/sh", "-c", WALK_SCRIPT), NULL);
	h_json_load(&ev, events);
	cr_assert_eq(ev.n, 10, "%s", ev.text);
	for (i = 0; i < ev.n; i++)
		failed += h_json_int(ev.ev[i], "ret") != 0;
	cr_expect_eq(failed, 6, "%s", ev.text);
	h_json_free(&ev);
	h_run_free(&r);
}

/* --time: rel, iso, none in text; the ready line says when the start was. */
Test(face, time_in_text)
{
	char *parts[4];

	run_tracer(ARGS("--time", "iso", "--", "/bin/true", "iso"), NULL);
	cr_assert_eq(command_parts(r.err, 27,
				   "^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6]"
				   "[0-9][.][0-9]{6}Z$",
				   parts, 4),
		     1, "stderr: %s", r.err);
	cr_assert_str_eq(parts[0], "/bin/true iso  cwd=/");
	h_run_free(&r);

	run_tracer(ARGS("--time", "rel", "--", "/bin/true", "rel"), NULL);
	/* Seconds since start: more than one under emulation (scripts/vmtest). */
	cr_assert(matches(r.err, "^[0-9]+[.][0-9]{6} [0-9]+ +/bin/true rel  cwd=/\n"), "stderr: %s",
		  r.err);
	h_run_free(&r);

	run_tracer(ARGS("--time", "none", "--", "/bin/true", "none"), NULL);
	cr_assert_eq(command_parts(r.err, 0, NULL, parts, 4), 1, "stderr: %s", r.err);
	cr_assert_str_eq(parts[0], "/bin/true none  cwd=/");
	h_run_free(&r);

	/* kv with --time iso: the same bracket, the wall-clock time in it. */
	run_tracer(ARGS("--format", "kv", "--time", "iso", "--", "/bin/true"), NULL);
	cr_assert(matches(r.err, "^\\[20[0-9-]{8}T[0-9:]{8}[.][0-9]{6}Z\\] pid="), "stderr: %s",
		  r.err);
	h_run_free(&r);

	run_tracer(ARGS("-v", "--", "/bin/true"), NULL);
	cr_assert(matches(r.err, "(^|\n)tracer: ready: watching 1 process since "
				 "20[0-9-]{8}T[0-9:]{8}[.][0-9]{6}Z\n"),
		  "stderr: %s", r.err);
	h_run_free(&r);
}

/* Seconds since the epoch of "2026-12-06T22:24:02.123456Z". */
static double iso_seconds(const char *s)
{
	struct tm tm = { 0 };
	const char *frac = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);

	cr_assert(frac && *frac == '.' && strlen(frac) == 8 && frac[7] == 'Z', "time %s", s);
	return (double)timegm(&tm) + atof(frac);
}

/* Every JSON event has "time": RFC 3339 UTC, the start's time plus its ts. */
Test(face, time_in_json)
{
	const char *events = h_path("events.json");
	double before = (double)time(NULL), start = 0;
	struct h_json ev;
	size_t i;

	run_tracer_status(ARGS("--json", "--events", "all", "-o", events, "--", "/bin/sh", "-c",
			       "/bin/true; /nonexistent-face"),
			  NULL, 127);
	h_json_load(&ev, events);
	cr_assert_geq(ev.n, 5, "%s", ev.text);
	for (i = 0; i < ev.n; i++) {
		const char *t = h_json_str(ev.ev[i], "time");
		double ts = json_object_get_double(h_json_get(ev.ev[i], "ts")), wall;

		cr_assert_not_null(t, "no time: %s", json_object_to_json_string(ev.ev[i]));
		cr_assert(matches(t, "^[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6]"
				     "[0-9][.][0-9]{6}Z$"),
			  "time %s", t);
		wall = iso_seconds(t);
		if (i == 0)
			start = wall - ts;
		/* One start for all: time - ts is the same, to the microsecond's rounding. */
		cr_assert_lt(fabs(wall - ts - start), 2e-6, "time %s ts %f start %f", t, ts, start);
		cr_assert(wall >= before - 1 && wall <= (double)time(NULL) + 1, "time %s", t);
	}
	h_json_free(&ev);
	h_run_free(&r);
}

/*
 * On a terminal (a pty): the command bold, a failure red, the context dim;
 * an argument holding escape sequences is still shown escaped, never
 * written raw. NO_COLOR and --color never turn it off; --tree follows.
 */
Test(face, color_on_a_terminal)
{
	const struct h_run_opts pty = { .pty = true };
	const char *no_color_env[] = { "NO_COLOR=1", NULL };
	const struct h_run_opts pty_no_color = { .pty = true, .env = no_color_env };

	run_tracer_status(
		ARGS("--tree", "--", "/bin/sh", "-c",
		     "/bin/true \"$(printf '\\033[2Jx\\033]0;t\\007')\"; /nonexistent-face"),
		&pty, 127);
	cr_assert_not_null(strstr(r.out, "\033[1m/bin/true $'\\x1b[2Jx\\x1b]0;t\\a'\033[0m"),
			   "terminal: %s", h_show(r.out, strlen(r.out)));
	cr_assert_not_null(strstr(r.out, "\033[1;31m/nonexistent-face\033[0m  \033[1;31mfailed: "
					 "ENOENT\033[0m"),
			   "terminal: %s", h_show(r.out, strlen(r.out)));
	cr_assert_not_null(strstr(r.out, "\033[2m cwd=/\033[0m"), "terminal: %s",
			   h_show(r.out, strlen(r.out)));
	/* The hostile bytes never raw: only tracer's own SGR codes hold an ESC. */
	cr_assert_null(strstr(r.out, "\033[2J"), "raw ESC: %s", h_show(r.out, strlen(r.out)));
	cr_assert_null(strstr(r.out, "\033]0;"), "raw ESC: %s", h_show(r.out, strlen(r.out)));
	h_run_free(&r);

	run_tracer(ARGS("--tree", "--", "/bin/true", "plain"), &pty_no_color);
	cr_assert_null(strchr(r.out, '\033'), "NO_COLOR: %s", h_show(r.out, strlen(r.out)));
	h_run_free(&r);

	run_tracer_status(ARGS("--color", "never", "--tree", "--", "/nonexistent-face"), &pty, 127);
	cr_assert_null(strchr(r.out, '\033'), "--color never: %s", h_show(r.out, strlen(r.out)));
	h_run_free(&r);

	/* always: over NO_COLOR, the tree too. */
	run_tracer_status(ARGS("--color", "always", "--tree", "--", "/nonexistent-face"),
			  &pty_no_color, 127);
	cr_assert_not_null(strstr(r.out, "\033[1;31m/nonexistent-face"), "%s",
			   h_show(r.out, strlen(r.out)));
	cr_assert_not_null(strstr(r.out, "\033[1;31mexec failed"), "tree: %s",
			   h_show(r.out, strlen(r.out)));
	h_run_free(&r);
}

/* Not a terminal: no escape codes, unless --color always. */
Test(face, no_color_in_files)
{
	const char *out = h_path("events.txt");
	char *text;

	run_tracer_status(ARGS("-o", out, "--", "/nonexistent-face"), NULL, 127);
	text = h_read_file(out, NULL);
	cr_assert_not_null(strstr(text, "/nonexistent-face  failed: ENOENT"), "%s", text);
	cr_assert_null(strchr(text, '\033'), "%s", h_show(text, strlen(text)));
	cr_assert_null(strchr(r.err, '\033'), "%s", h_show(r.err, strlen(r.err)));
	h_run_free(&r);

	run_tracer_status(ARGS("--color", "always", "-o", out, "--", "/nonexistent-face"), NULL,
			  127);
	text = h_read_file(out, NULL);
	cr_assert_not_null(strstr(text, "\033[1;31mfailed: ENOENT\033[0m"), "%s",
			   h_show(text, strlen(text)));
	h_run_free(&r);
}
