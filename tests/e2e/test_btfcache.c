// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * End-to-end: a start with the minimal kernel BTF (src/lib/btfcache.h),
 * made then read from the cache, reports the same events as a start with
 * the kernel's whole BTF: every kind of event, every program loaded
 * (execs that succeed, fail and run a script; forks, exits, a signal).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

TestSuite(btfcache, .init = h_setup, .fini = h_teardown, .timeout = 180);

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Fields that differ from one run to the next whatever the BTF (what an exit used, too). */
static const char *const varying[] = { "ts",	     "time",	   "pid",	 "tid",
				       "ppid",	     "parent_tid", "sender_pid", "sender_tid",
				       "target_pid", "target_tid", "lifetime",	 "stdout",
				       "stderr",     "utime_ns",   "stime_ns",	 "maxrss_kib",
				       "rchar",	     "wchar",	   "nvcsw",	 "nivcsw" };

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * -v's line for prog: the verifier's instruction count (above zero) and its
 * time, from the kernel's BPF_LOG_STATS (src/lib/verstats.h).
 */
static void expect_verifier_stats(const char *err, const char *prog)
{
	const char *line = strstr(err, h_str("tracer: verifier: %s: ", prog));
	char *end;
	long insns;
	double ms;

	cr_assert_neq(line, NULL, "no verifier figures for %s: %s", prog, err);
	line = strchr(line + strlen("tracer: verifier: "), ' ') + 1;
	insns = strtol(line, &end, 10);
	cr_expect_gt(insns, 0, "no instruction count for %s: %s", prog, err);
	cr_assert_eq(strncmp(end, " insns processed, ", 18), 0, "%s", err);
	ms = strtod(end + 18, &end);
	cr_expect(ms >= 0 && !strncmp(end, " ms\n", 4), "no verification time for %s: %s", prog,
		  err);
}

/* The events of one run, each without its varying fields, sorted. */
static char **run_once(const char *cache, const char *expect_btf, size_t *n)
{
	const char *events = h_path(h_str("events-%s.json", expect_btf));
	const char *script = h_path("script.sh");
	const char *env[] = { h_str("TRACER_BTF_CACHE=%s", cache), NULL };
	const char *sh = h_str("%s a; /nonexistent-btfcache b 2>/dev/null; %s c; "
			       "trap '' USR1; kill -USR1 $$; exit 3",
			       "/bin/true", script);
	struct h_run_opts opts = { .env = env };
	struct h_json ev;
	struct h_run r;
	char **lines;
	size_t i, k;

	h_write_file(script, "#!/bin/sh\nexit 0\n", 17, 0755);
	h_run_start(ARGS("-v", "--events", "exec,fork,exit,signal", "--json", "-o", events, "--",
			 "/bin/sh", "-c", sh),
		    &opts, &r);
	h_run_wait(&r, 120);
	cr_assert_eq(r.status, 3, "tracer exited %d: %s", r.status, r.err);
	cr_assert_neq(strstr(r.err, h_str("tracer: kernel BTF: %s", expect_btf)), NULL,
		      "expected the %s BTF: %s", expect_btf, r.err);
	expect_verifier_stats(r.err, "handle_sched_process_fork");
	expect_verifier_stats(r.err, "handle_exec_failed");
	h_json_load(&ev, events);
	cr_assert_geq(ev.n, 12, "too few events: %s", h_read_file(events, NULL));
	lines = calloc(ev.n, sizeof(*lines));
	for (i = 0; i < ev.n; i++) {
		for (k = 0; k < sizeof(varying) / sizeof(varying[0]); k++)
			json_object_object_del(ev.ev[i], varying[k]);
		/* Whether the shell blocks SIGCHLD at that moment is a race of its own. */
		if (!strcmp(h_json_str(ev.ev[i], "type"), "signal") &&
		    h_json_int(ev.ev[i], "signal") == 17)
			json_object_object_del(ev.ev[i], "blocked");
		lines[i] = strdup(json_object_to_json_string(ev.ev[i]));
	}
	qsort(lines, ev.n, sizeof(*lines), cmp_str);
	*n = ev.n;
	h_json_free(&ev);
	h_run_free(&r);
	return lines;
}

static void expect_same(char **a, size_t na, char **b, size_t nb, const char *what)
{
	size_t i;

	cr_assert_eq(na, nb, "%s: %zu events against %zu", what, nb, na);
	for (i = 0; i < na; i++)
		cr_expect_str_eq(a[i], b[i], "%s: event %zu differs:\n%s\n%s", what, i, a[i], b[i]);
}

static void free_lines(char **lines, size_t n)
{
	while (n)
		free(lines[--n]);
	free(lines);
}

Test(btfcache, cached_start_same_events)
{
	const char *cache = h_path("cache");
	char **whole, **made, **cached;
	size_t n_whole, n_made, n_cached;
	struct stat st;

	H_REQUIRE();
	whole = run_once("off", "the kernel's whole BTF", &n_whole);
	made = run_once(cache, "minimal, made now", &n_made);
	cr_assert_eq(stat(cache, &st), 0, "no cache directory made");
	cached = run_once(cache, "minimal, from the cache", &n_cached);
	expect_same(whole, n_whole, made, n_made, "minimal BTF, made now");
	expect_same(whole, n_whole, cached, n_cached, "minimal BTF, from the cache");
	cr_expect_neq(strstr(whole[0], "\"type\""), NULL);
	free_lines(whole, n_whole);
	free_lines(made, n_made);
	free_lines(cached, n_cached);
}
