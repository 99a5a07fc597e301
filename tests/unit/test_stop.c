// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * --stop-at outside the kernel: the options, the stop record's decoding, the
 * event's text and JSON lines, and --on-stop's {pid} substitution.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include <criterion/criterion.h>

#include "capture.h"
#include "decode.h"
#include "writer.h"
#include "onstop.h"
#include "opts.h"
#include "wire.h"

struct parsed {
	int ret;
	char err[512];
	struct cli_opts opts;
};

static struct parsed *parse(int argc, char **argv)
{
	struct parsed *p = calloc(1, sizeof(*p));
	FILE *out = fopen("/dev/null", "w");
	FILE *err = fmemopen(p->err, sizeof(p->err) - 1, "w");

	cr_assert(out && err);
	p->ret = opts_parse(argc, argv, &p->opts, out, err);
	fclose(out);
	fclose(err);
	return p;
}

#define PARSE(...)                                                  \
	({                                                          \
		char *argv_[] = { "tracer", __VA_ARGS__, NULL };    \
		parse(sizeof(argv_) / sizeof(argv_[0]) - 1, argv_); \
	})

Test(stop, options)
{
	struct parsed *p;
	struct tracer *t;

	p = PARSE("--stop-at", "cc1*", "--stop-at", "/usr/bin/[a-z]?", "--on-stop", "gdb -p {pid}",
		  "--", "make");
	cr_assert_eq(p->ret, -1, "%s", p->err);
	cr_assert_eq(p->opts.lib.n_stop_at, 2);
	cr_assert_str_eq(p->opts.stop_at[0], "cc1*");
	cr_assert_str_eq(p->opts.stop_at[1], "/usr/bin/[a-z]?");
	cr_assert_str_eq(p->opts.on_stop, "gdb -p {pid}");
	opts_free(&p->opts);
	free(p);

	/* A pattern's syntax is the library's to check, before anything starts. */
	p = PARSE("--stop-at", "[abc", "--", "make");
	cr_assert_eq(p->ret, -1, "%s", p->err);
	cr_assert_eq(tracer_create(&p->opts.lib, &t), -EINVAL);
	cr_assert_str_eq(tracer_last_error(NULL), "invalid stop pattern '[abc': unterminated '['");
	opts_free(&p->opts);
	free(p);

	p = PARSE("--stop-at", "", "--", "make");
	cr_assert_eq(p->ret, -1, "%s", p->err);
	cr_assert_eq(tracer_create(&p->opts.lib, &t), -EINVAL);
	cr_assert(strstr(tracer_last_error(NULL), ": empty"), "%s", tracer_last_error(NULL));
	opts_free(&p->opts);
	free(p);

	p = PARSE("--on-stop", "true", "--", "make");
	cr_assert_eq(p->ret, 2);
	cr_assert_str_eq(p->err, "tracer: --on-stop needs --stop-at\n");
	free(p);

	p = PARSE("--stop-at", "1", "--stop-at", "2", "--stop-at", "3", "--stop-at", "4",
		  "--stop-at", "5", "--stop-at", "6", "--stop-at", "7", "--stop-at", "8",
		  "--stop-at", "9", "--", "make");
	cr_assert_eq(p->ret, 2);
	cr_assert(strstr(p->err, "too many --stop-at patterns (at most 8)"), "%s", p->err);
	cr_assert_eq(strchr(p->err, '\n'), p->err + strlen(p->err) - 1, "one line: %s", p->err);
	free(p);
}

/* A stop record as the kernel writes it. */
static struct tracer_stop_rec *make_rec(const char *exe, const char *fn, const char *args,
					size_t args_len, __u32 args_total)
{
	struct tracer_stop_rec *r = calloc(1, sizeof(*r));

	r->hdr.type = TRACER_REC_STOP;
	r->hdr.ts = 5;
	r->pid = 42;
	r->tid = 42;
	r->ppid = 7;
	r->uid = 1000;
	r->euid = 0;
	r->pattern = 1;
	r->start_time = 11;
	r->start_boottime = 22;
	memcpy(r->comm, "parse", 5);
	r->exe_len = strlen(exe);
	memcpy(&r->data[TRACER_STOP_EXE_OFF], exe, r->exe_len);
	r->filename_len = strlen(fn);
	memcpy(&r->data[TRACER_STOP_FILENAME_OFF], fn, r->filename_len);
	r->args_size = args_len;
	r->args_total = args_total;
	memcpy(&r->data[TRACER_STOP_ARGS_OFF], args, args_len);
	return r;
}

Test(stop, decode)
{
	static const char args[] = "./parse\0--strict\0a b";
	struct tracer_stop_rec *r = make_rec("/src/parse", "./parse", args, sizeof(args), 0);
	struct tracer_bytes argv[8];
	struct tracer_event ev;

	r->args_total = sizeof(args);
	cr_assert_eq(tracer_decode(r, sizeof(*r), NULL, argv, 8, &ev), 0);
	cr_assert_eq(ev.type, TRACER_EVENT_STOP);
	cr_assert_eq(ev.stop.pid, 42);
	cr_assert_eq(ev.stop.pattern_index, 1);
	cr_assert_eq(ev.stop.pattern_generation, 0);
	cr_assert_eq(ev.stop.start_boottime_ns, 22);
	cr_assert_eq(ev.stop.exe.path.len, 10);
	cr_assert_eq(memcmp(ev.stop.exe.path.ptr, "/src/parse", 10), 0);
	cr_assert_eq(ev.stop.filename.len, 7);
	cr_assert_eq(ev.stop.comm.len, 5);
	cr_assert_eq(ev.stop.argc, 3);
	cr_assert_eq(ev.stop.argv[2].len, 3);
	cr_assert_not(ev.stop.argv_truncated);
	/* A pattern of a set given while running: its index and the set's generation. */
	r->pattern = TRACER_STOP_PATTERN(7, 0xabcdef);
	cr_assert_eq(tracer_decode(r, sizeof(*r), NULL, argv, 8, &ev), 0);
	cr_assert_eq(ev.stop.pattern_index, 7);
	cr_assert_eq(ev.stop.pattern_generation, 0xabcdef);
	r->pattern = 1;
	/* Cut by the kernel's 4096-byte limit: the last string has no NUL. */
	r->args_size = sizeof(args) - 1;
	r->args_total = 9000;
	cr_assert_eq(tracer_decode(r, sizeof(*r), NULL, argv, 8, &ev), 0);
	cr_assert(ev.stop.argv_truncated);
	/* More strings than room: truncated, never past the buffer. */
	r->args_size = sizeof(args);
	r->args_total = sizeof(args);
	cr_assert_eq(tracer_decode(r, sizeof(*r), NULL, argv, 2, &ev), 0);
	cr_assert_eq(ev.stop.argc, 2);
	cr_assert(ev.stop.argv_truncated);
	/* Malformed: short, or lengths beyond their places. */
	cr_assert_eq(tracer_decode(r, sizeof(*r) - 1, NULL, argv, 8, &ev), -EINVAL);
	r->exe_len = TRACER_PATH_MAX + 1;
	cr_assert_eq(tracer_decode(r, sizeof(*r), NULL, argv, 8, &ev), -EINVAL);
	r->exe_len = 1;
	r->args_size = TRACER_STOP_ARGS_MAX + 1;
	cr_assert_eq(tracer_decode(r, sizeof(*r), NULL, argv, 8, &ev), -EINVAL);
	free(r);
}

static char *format(bool json, const struct tracer_event *ev)
{
	struct capture c;

	cap_open(&c);
	cr_assert_eq(writer_write(json ? &json_writer : &text_writer, c.f, NULL, 1.5, ev), 0);
	return cap_close(&c);
}

Test(stop, format)
{
	static const char args[] = "./parse\0it's\0a\nb";
	struct tracer_stop_rec *r = make_rec("/src/parse", "./parse", args, sizeof(args), 0);
	struct tracer_bytes argv[8];
	struct tracer_event ev;
	char *line;

	r->args_total = sizeof(args);
	cr_assert_eq(tracer_decode(r, sizeof(*r), NULL, argv, 8, &ev), 0);
	ev.stop.pattern = "pa*";
	line = format(false, &ev);
	cr_assert_str_eq(
		line,
		"[1.500000] stop pid=42 ppid=7 uid=1000 comm=\"parse\" exe=\"/src/parse\" "
		"pattern=\"pa*\" argv: ./parse 'it'\\''s' $'a\\nb' -- stopped before its first "
		"instruction: gdb -p 42 (then: shell kill -CONT 42, continue), or kill -CONT 42 to "
		"let it run\n");
	free(line);
	line = format(true, &ev);
	cr_assert_str_eq(
		line,
		"{\"type\":\"stop\",\"ts\":1.500000,\"time\":\"1970-01-01T00:00:01.500000Z\",\"pid\":42,\"tid\":42,\"ppid\":7,"
		"\"uid\":1000,\"euid\":0,\"comm\":\"parse\",\"exe\":\"/src/parse\","
		"\"filename\":\"./parse\",\"pattern\":\"pa*\",\"argv\":[\"./parse\","
		"\"it's\",\"a\\nb\"],\"argv_truncated\":false,\"stopped\":true,"
		"\"errno\":null}\n");
	free(line);
	/* The kernel could not stop it: said, in both. */
	ev.stop.error = -EPERM;
	line = format(false, &ev);
	cr_assert(strstr(line, " -- NOT stopped: the kernel refused (EPERM)\n"), "%s", line);
	free(line);
	line = format(true, &ev);
	cr_assert(strstr(line, "\"stopped\":false,\"errno\":\"EPERM\"}\n"), "%s", line);
	free(line);
	free(r);
}

Test(stop, expand)
{
	char buf[64];

	cr_assert_eq(onstop_expand("gdb -p {pid}", 1234, buf, sizeof(buf)), 11);
	cr_assert_str_eq(buf, "gdb -p 1234");
	cr_assert_eq(onstop_expand("{pid}{pid} {pi} {pid", 7, buf, sizeof(buf)), 12);
	cr_assert_str_eq(buf, "77 {pi} {pid");
	cr_assert_eq(onstop_expand("kill -CONT {pid}", 4194304, buf, 12), -1);
	cr_assert_eq(onstop_expand("", 1, buf, sizeof(buf)), 0);
}
