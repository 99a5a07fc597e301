// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * --tree and --timeline keep only what they write: a command that runs 300
 * execs of 41 arguments of 6 KB (246 KB each, 74 MB in all) under a 16 MiB
 * ring buffer must leave tracer's peak resident set within 24 MiB of what a
 * run of /bin/true with the same ring takes (the ring's mapping is most of
 * it), and the timeline under 16 MiB. The tree and the timeline keep 4 KiB
 * of each exec's command line (TREE_CMDLINE_MAX).
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

TestSuite(lifecycle_bounds, .init = h_setup, .fini = h_teardown, .timeout = 600);

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

#define N_EXECS 300
#define N_ARGS 41
#define ARG_BYTES 6000

/* The 300 execs, each of /bin/true with 41 arguments of 6000 bytes. */
static const char workload[] = "a=$(printf '%06000d' 0); set --; "
			       "for j in $(seq 41); do set -- \"$@\" \"$a\"; done; "
			       "for i in $(seq 300); do /bin/true \"$@\"; done";

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (s = strstr(s, needle); s; s = strstr(s + 1, needle))
		n++;
	return n;
}

static off_t size_of(const char *path)
{
	struct stat st;

	cr_assert_eq(stat(path, &st), 0, "%s", path);
	return st.st_size;
}

Test(lifecycle_bounds, tree_and_timeline_keep_what_they_write)
{
	const char *timeline = h_path("timeline.json"), *out = h_path("events.txt");
	struct h_run base, big;
	const char *asan;
	char *tl;
	long grown_kb;

	H_REQUIRE();
	/*
	 * A sanitized tracer keeps what it frees in a 256 MB quarantine: a
	 * small one, as the service's memory tests use, keeps RSS meaningful.
	 */
	asan = getenv("ASAN_OPTIONS");
	cr_assert_eq(setenv("ASAN_OPTIONS",
			    h_str("%s%squarantine_size_mb=4", asan ? asan : "", asan ? ":" : ""),
			    1),
		     0);
	/* What the same ring takes with (almost) nothing to keep. */
	h_run_start(ARGS("--ringbuf-size", "16M", "--tree", "--timeline", h_path("base.json"), "-o",
			 h_path("base.txt"), "--", "/bin/true"),
		    NULL, &base);
	h_run_wait(&base, 60 * h_slowdown());
	cr_assert_eq(base.status, 0, "%s", base.err);

	h_run_start(ARGS("--ringbuf-size", "16M", "--tree", "--timeline", timeline, "-o", out, "--",
			 "/bin/bash", "-c", workload),
		    NULL, &big);
	h_run_wait(&big, 300 * h_slowdown());
	cr_assert_eq(big.status, 0, "%s", big.err);
	/* The execs really were traced whole: the text output has every argument. */
	cr_assert_gt(size_of(out), (off_t)N_EXECS * N_ARGS * ARG_BYTES, "%s", big.err);
	cr_assert_not_null(strstr(big.err, " 0 lost,"), "%s", big.err);
	tl = h_read_file(timeline, NULL);
	cr_assert_eq(count(tl, "\"argv\":\"/bin/true 000000"), N_EXECS,
		     "every exec in the timeline");

	grown_kb = big.maxrss_kb - base.maxrss_kb;
	cr_expect_leq(grown_kb, 24 * 1024,
		      "peak RSS %ld KiB, %ld KiB more than with nothing to keep", big.maxrss_kb,
		      grown_kb);
	cr_expect_lt(size_of(timeline), 16 << 20, "timeline: %lld bytes",
		     (long long)size_of(timeline));
	cr_log_info("peak RSS %ld KiB (base %ld KiB), timeline %lld bytes", big.maxrss_kb,
		    base.maxrss_kb, (long long)size_of(timeline));
	h_run_free(&base);
	h_run_free(&big);
}
