// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * End-to-end: --summary and --summary-json (issue 24 item 6) on real runs.
 * A shell whose exec of a missing file fails (its child exits 127), whose ls
 * exits non-zero and whose sleep takes a second: the table's rows exactly,
 * the JSON's the same, and the /bin/true and /bin/sleep that a loop outside
 * the scope runs at the same time counted nowhere. With --pid, a process
 * older than tracer is named by its comm.
 */
#define _GNU_SOURCE
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static void setup(void)
{
	h_setup();
	H_REQUIRE();
}

TestSuite(summary, .init = setup, .fini = h_teardown, .timeout = 180);

struct row {
	char program[128];
	double total, longest;
	long long execs, failed, nonzero;
};

struct table {
	struct row rows[16];
	size_t n;
	struct row total;
	char start[64];
	double wall;
};

/* The summary in text (stderr): its first line, its rows and total line, checked as it goes. */
static void parse_table(const char *err, struct table *t)
{
	const char *p = strstr(err, "\nSummary: started ");
	char line[512];
	bool in_rows = false;

	memset(t, 0, sizeof(*t));
	if (!strncmp(err, "Summary: started ", 17))
		p = err;
	cr_assert_not_null(p, "no summary in: %s", err);
	if (*p == '\n')
		p++;
	cr_assert_eq(sscanf(p, "Summary: started %63[^,], wall time %lf s\n", t->start, &t->wall),
		     2, "%s", p);
	for (p = strchr(p, '\n') + 1; *p; p += strcspn(p, "\n") + 1) {
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
		if (!strncmp(line, "seconds  longest  execs  failed  nonzero  program", 48))
			continue;
		if (line[0] == '-') {
			if (in_rows)
				break;
			in_rows = true;
			continue;
		}
		cr_assert(in_rows, "before the rows: %s", line);
		cr_assert_lt(t->n, 16);
		cr_assert_eq(sscanf(line, "%lf %lf %lld %lld %lld %127s", &t->rows[t->n].total,
				    &t->rows[t->n].longest, &t->rows[t->n].execs,
				    &t->rows[t->n].failed, &t->rows[t->n].nonzero,
				    t->rows[t->n].program),
			     6, "row: %s", line);
		t->n++;
	}
	p += strcspn(p, "\n") + 1;
	cr_assert_eq(sscanf(p, "%lf %lf %lld %lld %lld total", &t->total.total, &t->total.longest,
			    &t->total.execs, &t->total.failed, &t->total.nonzero),
		     5, "total: %s", p);
}

static const struct row *find_row(const struct table *t, const char *program)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].program, program))
			return &t->rows[i];
	return NULL;
}

static void expect_row(const struct table *t, const char *program, long long execs,
		       long long failed, long long nonzero)
{
	const struct row *r = find_row(t, program);

	cr_assert_not_null(r, "no row for %s", program);
	cr_expect_eq(r->execs, execs, "%s: %lld execs, want %lld", program, r->execs, execs);
	cr_expect_eq(r->failed, failed, "%s: %lld failed, want %lld", program, r->failed, failed);
	cr_expect_eq(r->nonzero, nonzero, "%s: %lld non-zero exits, want %lld", program, r->nonzero,
		     nonzero);
}

static void expect_sorted(const struct table *t)
{
	size_t i;

	for (i = 1; i < t->n; i++)
		cr_expect_geq(t->rows[i - 1].total, t->rows[i].total, "not sorted at %s",
			      t->rows[i].program);
}

/* The JSON's rows are the table's, in its order, with the same figures. */
static void expect_json_matches(const char *path, const struct table *t)
{
	json_object *root = json_object_from_file(path), *programs, *p, *v;
	size_t i;

	cr_assert_not_null(root, "%s is not JSON: %s", path, h_read_file(path, NULL));
	cr_assert(json_object_object_get_ex(root, "start", &v));
	cr_expect_str_eq(json_object_get_string(v), t->start);
	cr_assert(json_object_object_get_ex(root, "wall_s", &v));
	cr_expect_lt(json_object_get_double(v) - t->wall, 0.0006);
	cr_assert(json_object_object_get_ex(root, "programs", &programs));
	cr_assert_eq(json_object_array_length(programs), t->n);
	for (i = 0; i < t->n; i++) {
		const struct row *r = &t->rows[i];

		p = json_object_array_get_idx(programs, i);
		cr_assert(json_object_object_get_ex(p, "program", &v));
		cr_expect_str_eq(json_object_get_string(v), r->program);
		cr_assert(json_object_object_get_ex(p, "execs", &v));
		cr_expect_eq(json_object_get_int64(v), r->execs, "%s", r->program);
		cr_assert(json_object_object_get_ex(p, "failed", &v));
		cr_expect_eq(json_object_get_int64(v), r->failed, "%s", r->program);
		cr_assert(json_object_object_get_ex(p, "nonzero_exits", &v));
		cr_expect_eq(json_object_get_int64(v), r->nonzero, "%s", r->program);
		cr_assert(json_object_object_get_ex(p, "total_s", &v));
		cr_expect_lt(json_object_get_double(v) - r->total, 0.0006, "%s", r->program);
		cr_assert(json_object_object_get_ex(p, "longest_s", &v));
		cr_expect_lt(json_object_get_double(v) - r->longest, 0.0006, "%s", r->program);
	}
	json_object_put(root);
}

#define SCRIPT "/nonexistent-dir/summary-missing; ls /nonexistent-summary-dir; sleep 1; exit 0"

Test(summary, command)
{
	const char *json = h_path("summary.json");
	pid_t loop = h_control_loop_start(h_marker("summary-outside"));
	const struct row *sleep;
	struct table t;
	struct h_run r;

	h_run_start((const char *const[]){ "--quiet", "--summary", "--summary-json", json, "--",
					   "sh", "-c", SCRIPT, NULL },
		    NULL, &r);
	h_run_wait(&r, 120);
	h_control_loop_stop(loop);
	cr_assert_eq(r.status, 0, "status %d, stderr: %s", r.status, r.err);
	parse_table(r.err, &t);
	/* sh's child that tried the missing file exited 127 running sh: a non-zero exit of sh. */
	expect_row(&t, "sh", 1, 0, 1);
	expect_row(&t, "ls", 1, 0, 1);
	expect_row(&t, "sleep", 1, 0, 0);
	expect_row(&t, "summary-missing", 0, 1, 0);
	cr_expect_eq(t.n, 4, "%zu rows: %s", t.n, r.err);
	cr_expect_null(find_row(&t, "true"), "the loop outside the scope counted: %s", r.err);
	sleep = find_row(&t, "sleep");
	cr_expect_geq(sleep->longest, 1.0, "%s", r.err);
	cr_expect_eq(sleep->total, sleep->longest);
	cr_expect_geq(find_row(&t, "sh")->total, 1.0, "%s", r.err);
	cr_expect_geq(t.wall, 1.0);
	expect_sorted(&t);
	cr_expect_eq(t.total.execs, 3);
	cr_expect_eq(t.total.failed, 1);
	cr_expect_eq(t.total.nonzero, 2);
	/* --quiet: no event lines before the summary (the critical path names commands after). */
	*strstr(r.err, "Summary: started ") = '\0';
	cr_expect_null(strstr(r.err, "sleep 1"), "%s", r.err);
	expect_json_matches(json, &t);
	h_run_free(&r);
}

/* --pid: a shell older than tracer, named by its comm; the events as JSON in a file. */
Test(summary, pid_scope)
{
	pid_t loop = h_control_loop_start(h_marker("summary-outside"));
	const char *out = h_path("events.json");
	struct h_tracer tr;
	struct table t;
	int gate[2], status;
	pid_t sh;

	cr_assert_eq(pipe(gate), 0);
	sh = fork();
	cr_assert_geq(sh, 0);
	if (sh == 0) {
		dup2(gate[0], 0);
		close(gate[0]);
		close(gate[1]);
		execl("/bin/sh", "sh", "-c",
		      "read x; sleep 0.3; ls /nonexistent-summary-dir 2>/dev/null; exit 4",
		      (char *)NULL);
		_exit(126);
	}
	close(gate[0]);
	H_TRACER_RUN(&tr, "--summary", "--format", "json", "-o", out, "--pid", h_str("%d", sh));
	cr_assert_eq(write(gate[1], "go\n", 3), 3);
	close(gate[1]);
	cr_assert_eq(waitpid(sh, &status, 0), sh);
	cr_expect_eq(WEXITSTATUS(status), 4);
	cr_assert_eq(h_tracer_wait_self_exit(&tr), 0, "%s", h_tracer_stderr(&tr));
	h_control_loop_stop(loop);
	parse_table(h_tracer_stderr(&tr), &t);
	expect_row(&t, "sh", 0, 0, 1);
	expect_row(&t, "sleep", 1, 0, 0);
	expect_row(&t, "ls", 1, 0, 1);
	cr_expect_eq(t.n, 3, "%zu rows: %s", t.n, h_tracer_stderr(&tr));
	cr_expect_geq(find_row(&t, "sleep")->longest, 0.3);
	cr_expect_null(find_row(&t, "true"));
	cr_expect_not_null(strstr(h_read_file(out, NULL), "\"argv\":[\"sleep\",\"0.3\"]"));
}

/* --color always: the first line bold, a non-zero count red; never: no escape at all. */
Test(summary, color)
{
	struct h_run r;

	h_run_start((const char *const[]){ "--quiet", "--summary", "--color", "always", "--", "sh",
					   "-c", "exit 3", NULL },
		    NULL, &r);
	h_run_wait(&r, 60);
	cr_assert_eq(r.status, 3, "status %d, stderr: %s", r.status, r.err);
	cr_expect_not_null(strstr(r.err, "\033[1mSummary: started "), "%s", r.err);
	cr_expect_not_null(strstr(r.err, "\033[1;31m1\033[0m  sh\n"), "%s", r.err);
	h_run_free(&r);
	h_run_start((const char *const[]){ "--quiet", "--summary", "--color", "never", "--", "sh",
					   "-c", "exit 3", NULL },
		    NULL, &r);
	h_run_wait(&r, 60);
	cr_assert_eq(r.status, 3, "status %d, stderr: %s", r.status, r.err);
	cr_expect_not_null(strstr(r.err, "Summary: started "), "%s", r.err);
	cr_expect_null(strchr(r.err, '\033'), "%s", r.err);
	h_run_free(&r);
}
