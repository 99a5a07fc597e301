// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Unit tests of what a person reads (issue 24): the readable exec line
 * (execline.c) against the parent's context (parentctx.c), the PATH
 * lookups folded (fold.c), the wall-clock time (walltime.c).
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "execline.h"
#include "fold.h"
#include "parentctx.h"
#include "walltime.h"
#include "writer.h"

#define BYTES(s)                                 \
	{                                        \
		.ptr = (s), .len = sizeof(s) - 1 \
	}
#define PATH(s, f)                                           \
	{                                                    \
		.path = { (s), sizeof(s) - 1 }, .flags = (f) \
	}

static void setup(void)
{
	/* The times below are 2026-12-06T22:24:02Z plus ts, in UTC. */
	setenv("TZ", "UTC", 1);
	writer_set_start_us(1796595842000000ull);
}

TestSuite(execline, .init = setup);
TestSuite(fold, .init = setup);
TestSuite(walltime, .init = setup);

static struct tracer_bytes argv_cc[] = { BYTES("cc"), BYTES("-c"), BYTES("a b.c") };

/* gcc found through PATH by make, in /src, its stdout the parent's pipe. */
static struct tracer_event example(void)
{
	struct tracer_event ev = {
		.sz = sizeof(ev),
		.type = TRACER_EVENT_EXEC,
		.ts_ns = 1000,
		.exec = {
			.pid = 20,
			.tid = 20,
			.ppid = 10,
			.uid = 1000,
			.gid = 1000,
			.syscall_nr = TRACER_SYSCALL_EXECVE,
			.comm = BYTES("make"),
			.filename = BYTES("/usr/bin/cc"),
			.argc = 3,
			.argv = argv_cc,
			.total_argc = 3,
			.total_argv_bytes = 12,
			.cwd = PATH("/src", 0),
			.exe = PATH("/usr/bin/gcc-12", 0),
			.stdio = {
				{ .kind = TRACER_FD_PATH, .path = PATH("/dev/null", 0) },
				{ .kind = TRACER_FD_PIPE, .ino = 4242 },
				{ .kind = TRACER_FD_PIPE, .ino = 4242 },
			},
			.euid = 1000,
			.egid = 1000,
		},
	};

	return ev;
}

/* The line ev makes, as a string to free. */
static char *line(const struct execline_style *st, double ts, const struct tracer_event *ev,
		  const struct parentctx *ctx, uint32_t lookups)
{
	struct capture c;

	cap_open(&c);
	cr_assert_eq(execline_write(c.f, st, ts, ev, ctx, NULL, lookups), 0);
	return cap_close(&c);
}

static const struct execline_style plain = { .time = TIME_NONE };

static void expect_line(const struct execline_style *st, double ts, const struct tracer_event *ev,
			const struct parentctx *ctx, uint32_t lookups, const char *want)
{
	char *s = line(st, ts, ev, ctx, lookups);

	cr_expect_str_eq(s, want);
	free(s);
}

Test(execline, parent_unknown_shows_the_cwd)
{
	struct tracer_event ev = example();

	expect_line(&plain, 0, &ev, NULL, 0, "20      cc -c 'a b.c'  cwd=/src\n");
}

/* Compared with the parent's last exec: only what differs. */
Test(execline, only_what_differs_from_the_parent)
{
	struct parentctx *ctx = parentctx_new();
	struct tracer_event parent = example(), ev = example();

	parent.exec.pid = 10;
	parent.exec.ppid = 1;
	execline_keep(ctx, &parent);
	expect_line(&plain, 0, &ev, ctx, 0, "20      cc -c 'a b.c'\n");

	ev.exec.cwd = (struct tracer_path)PATH("/src/sub dir", TRACER_PATH_DELETED);
	ev.exec.stdio[1] =
		(struct tracer_fd){ .kind = TRACER_FD_PATH, .path = PATH("/tmp/log", 0) };
	ev.exec.stdio[0] = (struct tracer_fd){ .kind = TRACER_FD_CLOSED };
	ev.exec.uid = 0;
	ev.exec.euid = 0;
	ev.exec.interpreter = (struct tracer_path)PATH("/bin/sh", 0);
	expect_line(&plain, 0, &ev, ctx, 0,
		    "20      cc -c 'a b.c'  cwd='/src/sub dir'(deleted) uid=0 euid=0 <&- >/tmp/log "
		    "interp=/bin/sh\n");

	/* stderr the same as stdout, which changed: 2>&1. */
	ev = example();
	ev.exec.stdio[1] = (struct tracer_fd){ .kind = TRACER_FD_PIPE, .ino = 7 };
	ev.exec.stdio[2] = (struct tracer_fd){ .kind = TRACER_FD_PIPE, .ino = 7 };
	expect_line(&plain, 0, &ev, ctx, 0, "20      cc -c 'a b.c'  >pipe:[7] 2>&1\n");

	/* After an exec of its own, a process is compared with it; a failure is not kept. */
	ev = example();
	ev.exec.cwd = (struct tracer_path)PATH("/elsewhere", 0);
	ev.exec.ret = -13;
	execline_keep(ctx, &ev);
	expect_line(&plain, 0, &ev, ctx, 0,
		    "20      cc -c 'a b.c'  failed: EACCES  cwd=/elsewhere\n");
	ev.exec.ret = 0;
	execline_keep(ctx, &ev);
	ev.exec.cwd = (struct tracer_path)PATH("/src", 0);
	expect_line(&plain, 0, &ev, ctx, 0, "20      cc -c 'a b.c'  cwd=/src\n");

	/* Forgotten at its exit: the parent again. */
	parentctx_forget(ctx, 20);
	expect_line(&plain, 0, &ev, ctx, 0, "20      cc -c 'a b.c'\n");
	parentctx_free(ctx);
}

Test(execline, cut_marks_and_lookups)
{
	struct tracer_event ev = example();

	ev.exec.argv_truncated = true;
	ev.exec.argc = 2;
	ev.exec.total_argc = 300;
	expect_line(&plain, 0, &ev, NULL, 2,
		    "20      cc -c  (after 2 failed PATH lookups) cwd=/src [args cut: 2 of 300]\n");
	ev = example();
	ev.exec.ret = -2;
	expect_line(&plain, 0, &ev, NULL, 3,
		    "20      cc -c 'a b.c'  not found (4 PATH lookups, ENOENT)  cwd=/src\n");
}

Test(execline, time_column)
{
	struct execline_style st = { .time = TIME_REL };
	struct tracer_event ev = example();

	expect_line(&st, 1.5, &ev, NULL, 0, "1.500000 20      cc -c 'a b.c'  cwd=/src\n");
	st.time = TIME_WALL;
	expect_line(&st, 1.5, &ev, NULL, 0, "22:24:03.500000 20      cc -c 'a b.c'  cwd=/src\n");
	st.time = TIME_ISO;
	expect_line(&st, 1.5, &ev, NULL, 0,
		    "2026-12-06T22:24:03.500000Z 20      cc -c 'a b.c'  cwd=/src\n");
}

/* Colour around what escape.c wrote: an ESC in an argument stays text. */
Test(execline, color_keeps_escaping)
{
	static struct tracer_bytes hostile[] = { BYTES("echo"), BYTES("\033[2J\033]0;t\007") };
	const struct execline_style st = { .time = TIME_NONE, .color = true };
	struct tracer_event ev = example();
	char *s;

	ev.exec.argv = hostile;
	ev.exec.argc = 2;
	expect_line(&st, 0, &ev, NULL, 0,
		    "20      \033[1mecho $'\\x1b[2J\\x1b]0;t\\a'\033[0m \033[2m cwd=/src\033[0m\n");
	ev.exec.ret = -2;
	s = line(&st, 0, &ev, NULL, 0);
	cr_expect_not_null(strstr(s, "\033[1;31mecho $'"), "%s", s);
	cr_expect_not_null(strstr(s, "  \033[1;31mfailed: ENOENT\033[0m"), "%s", s);
	free(s);
}

/* ---- fold ---- */

struct written {
	char lines[16][128];
	int n;
};

static int record(void *ctx, const struct tracer_event *ev, uint32_t lookups)
{
	struct written *w = ctx;

	cr_assert_lt(w->n, 16);
	snprintf(w->lines[w->n++], sizeof(w->lines[0]), "%u %.*s ret=%d lookups=%u", ev->exec.pid,
		 (int)ev->exec.filename.len, ev->exec.filename.ptr, ev->exec.ret, lookups);
	return 0;
}

static struct tracer_event lookup(const char *filename, int ret, uint64_t ts_ns)
{
	struct tracer_event ev = example();

	ev.exec.filename = (struct tracer_bytes){ (char *)filename, strlen(filename) };
	ev.exec.ret = ret;
	ev.ts_ns = ts_ns;
	return ev;
}

Test(fold, found_after_failed_lookups)
{
	struct written w = { 0 };
	struct fold *f = fold_new(record, &w);
	struct tracer_event a = lookup("/usr/local/bin/cc", -2, 1),
			    b = lookup("/usr/sbin/cc", -2, 2), c = lookup("/usr/bin/cc", 0, 3);

	cr_assert_eq(fold_exec(f, &a), 0);
	cr_assert_eq(fold_exec(f, &b), 0);
	cr_expect_eq(w.n, 0, "held");
	cr_assert_eq(fold_exec(f, &c), 0);
	cr_assert_eq(w.n, 1);
	cr_expect_str_eq(w.lines[0], "20 /usr/bin/cc ret=0 lookups=2");
	cr_assert_eq(fold_flush(f), 0);
	cr_expect_eq(w.n, 1);
	fold_free(f);
}

Test(fold, not_found_at_exit_or_next_exec)
{
	struct written w = { 0 };
	struct fold *f = fold_new(record, &w);
	struct tracer_event a = lookup("/bin/cc", -2, 1), b = lookup("/usr/bin/cc", -2, 2),
			    other = lookup("/bin/sh", 0, 3);
	static struct tracer_bytes argv_sh[] = { BYTES("/bin/sh") };

	cr_assert_eq(fold_exec(f, &a), 0);
	cr_assert_eq(fold_exec(f, &b), 0);
	cr_assert_eq(fold_exit(f, 20), 0);
	cr_assert_eq(w.n, 1);
	cr_expect_str_eq(w.lines[0], "20 /usr/bin/cc ret=-2 lookups=1");

	/* Another command: the walk is over first. */
	other.exec.argv = argv_sh;
	other.exec.argc = 1;
	cr_assert_eq(fold_exec(f, &a), 0);
	cr_assert_eq(fold_exec(f, &other), 0);
	cr_assert_eq(w.n, 3);
	cr_expect_str_eq(w.lines[1], "20 /bin/cc ret=-2 lookups=0");
	cr_expect_str_eq(w.lines[2], "20 /bin/sh ret=0 lookups=0");
	fold_free(f);
}

/* Not a lookup (a path in argv[0], another filename), another process: written at once. */
Test(fold, only_lookups_are_held)
{
	static struct tracer_bytes argv_abs[] = { BYTES("/usr/bin/cc") };
	struct written w = { 0 };
	struct fold *f = fold_new(record, &w);
	struct tracer_event a = lookup("/usr/bin/cc", -2, 1), b = lookup("/opt/other", -2, 1),
			    c = lookup("/bin/cc", -2, 1), d = lookup("/usr/bin/cc", 0, 2);

	a.exec.argv = argv_abs;
	a.exec.argc = 1;
	cr_assert_eq(fold_exec(f, &a), 0);
	cr_assert_eq(fold_exec(f, &b), 0);
	cr_expect_eq(w.n, 2);
	/* Process 21's walk does not join process 20's. */
	cr_assert_eq(fold_exec(f, &c), 0);
	d.exec.pid = 21;
	cr_assert_eq(fold_exec(f, &d), 0);
	cr_assert_eq(w.n, 3);
	cr_expect_str_eq(w.lines[2], "21 /usr/bin/cc ret=0 lookups=0");
	cr_assert_eq(fold_flush(f), 0);
	cr_expect_str_eq(w.lines[3], "20 /bin/cc ret=-2 lookups=0");
	fold_free(f);
}

/* A walk is not held past FOLD_HOLD_NS. */
Test(fold, held_for_a_short_time_only)
{
	struct written w = { 0 };
	struct fold *f = fold_new(record, &w);
	struct tracer_event a = lookup("/bin/cc", -2, 1000);

	cr_assert_eq(fold_exec(f, &a), 0);
	cr_assert_eq(fold_expire(f, 1000 + FOLD_HOLD_NS - 1), 0);
	cr_expect_eq(w.n, 0);
	cr_assert_eq(fold_expire(f, 1000 + FOLD_HOLD_NS), 0);
	cr_expect_eq(w.n, 1);
	fold_free(f);
}

/* ---- walltime ---- */

Test(walltime, formats)
{
	char buf[WALLTIME_ISO_LEN];

	walltime_iso(buf, 1796595842123456ull);
	cr_expect_str_eq(buf, "2026-12-06T22:24:02.123456Z");
	walltime_clock(buf, 1796595842000001ull);
	cr_expect_str_eq(buf, "22:24:02.000001");
	walltime_iso(buf, 0);
	cr_expect_str_eq(buf, "1970-01-01T00:00:00.000000Z");
	/* JSON's "time" is the start plus ts. */
	cr_expect_eq(writer_time_us(1.25), 1796595843250000ull);
}

/* The offset is taken against the clocks themselves: now is now, to a few ms. */
Test(walltime, of_now)
{
	struct timespec mono, real;
	uint64_t us, real_us;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	us = walltime_of_mono((uint64_t)mono.tv_sec * 1000000000u + (uint64_t)mono.tv_nsec);
	real_us = (uint64_t)real.tv_sec * 1000000u + (uint64_t)real.tv_nsec / 1000;
	cr_expect(us + 5000 > real_us && us < real_us + 5000, "%lu vs %lu", (unsigned long)us,
		  (unsigned long)real_us);
}
