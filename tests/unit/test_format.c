// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Unit tests of the text and JSON writers: exact lines, one line per event whatever the bytes. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "names.h"
#include "run_bash.h"
#include "writer.h"
#include "num.h"

#define LIT(s) (s), (sizeof(s) - 1)
#define BYTES(s)                                 \
	{                                        \
		.ptr = (s), .len = sizeof(s) - 1 \
	}

static char *exec_text(double ts, const struct tracer_exec_event *e)
{
	struct capture c;

	cap_open(&c);
	cr_assert_eq(format_exec_text(c.f, ts, e), 0);
	return cap_close(&c);
}

static char *exec_json(double ts, const struct tracer_exec_event *e)
{
	struct capture c;

	cap_open(&c);
	cr_assert_eq(format_exec_json(c.f, ts, e), 0);
	return cap_close(&c);
}

/* The line that the writer's operation op writes for e at ts: a string to free. */
#define LINE(writer, op, ts, e)                                         \
	({                                                              \
		struct capture c_;                                      \
		cr_assert_eq((writer).op(cap_open(&c_), (ts), (e)), 0); \
		cap_close(&c_);                                         \
	})

#define EXPECT_LINE(expr, want)                                                       \
	do {                                                                          \
		char *got_ = (expr);                                                  \
		cr_expect_str_eq(got_, want, "\n got: [%s]\nwant: [%s]", got_, want); \
		free(got_);                                                           \
	} while (0)

/* The event of the contract's example line; tests change what they need. */
static struct tracer_bytes ls_argv[] = { BYTES("ls"), BYTES("-l"), BYTES("a b") };

static struct tracer_exec_event example(void)
{
	struct tracer_exec_event e = {
		.pid = 1234,
		.tid = 1234,
		.ppid = 1200,
		.uid = 1000,
		.gid = 1000,
		.ret = 0,
		.syscall_nr = 59,
		.comm = BYTES("bash"),
		.filename = BYTES("/usr/bin/ls"),
		.tty = "pts9",
		.argc = 3,
		.argv = ls_argv,
	};

	return e;
}

/* Exactly one '\n', at the end. */
static void expect_one_line(const char *s)
{
	size_t len = strlen(s);

	cr_assert(len > 0 && s[len - 1] == '\n', "no final newline: [%s]", s);
	cr_assert_null(memchr(s, '\n', len - 1), "more than one line: [%s]", s);
	cr_assert_null(memchr(s, '\r', len), "carriage return in: [%s]", s);
}

/* ---- text exec lines ---- */

Test(exec_text, example)
{
	struct tracer_exec_event e = example();

	EXPECT_LINE(exec_text(0.123456, &e),
		    "[0.123456] pid=1234 tid=1234 uid=1000 gid=1000 syscall_id=59 comm=\"bash\" "
		    "filename=\"/usr/bin/ls\" ppid=1200 ret=0 tty=pts9 argv: ls -l 'a b'\n");
}

Test(exec_text, timestamp)
{
	struct tracer_exec_event e = example();

	e.argc = 0;
	EXPECT_LINE(exec_text(12345.0000004, &e),
		    "[12345.000000] pid=1234 tid=1234 uid=1000 gid=1000 syscall_id=59 "
		    "comm=\"bash\" filename=\"/usr/bin/ls\" ppid=1200 ret=0 tty=pts9 argv:\n");
}

Test(exec_text, failed_exec)
{
	struct tracer_exec_event e = example();

	e.ret = -ENOENT;
	e.syscall_nr = 322;
	e.argc = 1;
	EXPECT_LINE(exec_text(1.5, &e),
		    "[1.500000] pid=1234 tid=1234 uid=1000 gid=1000 syscall_id=322 comm=\"bash\" "
		    "filename=\"/usr/bin/ls\" ppid=1200 ret=-2 err=ENOENT tty=pts9 argv: ls\n");
	e.ret = -EACCES;
	EXPECT_LINE(exec_text(1.5, &e),
		    "[1.500000] pid=1234 tid=1234 uid=1000 gid=1000 syscall_id=322 comm=\"bash\" "
		    "filename=\"/usr/bin/ls\" ppid=1200 ret=-13 err=EACCES tty=pts9 argv: ls\n");
	/* unknown errno: no err= */
	e.ret = -4000;
	EXPECT_LINE(exec_text(1.5, &e),
		    "[1.500000] pid=1234 tid=1234 uid=1000 gid=1000 syscall_id=322 comm=\"bash\" "
		    "filename=\"/usr/bin/ls\" ppid=1200 ret=-4000 tty=pts9 argv: ls\n");
	e.ret = INT32_MIN;
	EXPECT_LINE(exec_text(1.5, &e),
		    "[1.500000] pid=1234 tid=1234 uid=1000 gid=1000 syscall_id=322 comm=\"bash\" "
		    "filename=\"/usr/bin/ls\" ppid=1200 ret=-2147483648 tty=pts9 argv: ls\n");
}

Test(exec_text, tty)
{
	struct tracer_exec_event e = example();
	const char *head = "[0.000000] pid=1234 tid=1234 uid=1000 gid=1000 syscall_id=59 "
			   "comm=\"bash\" filename=\"/usr/bin/ls\" ppid=1200 ret=0 tty=";
	char want[512];

	e.argc = 0;
	e.tty = NULL;
	snprintf(want, sizeof(want), "%s- argv:\n", head);
	EXPECT_LINE(exec_text(0, &e), want);
	e.tty = "pts/3";
	snprintf(want, sizeof(want), "%spts/3 argv:\n", head);
	EXPECT_LINE(exec_text(0, &e), want);
	e.tty = "ttyS0";
	snprintf(want, sizeof(want), "%sttyS0 argv:\n", head);
	EXPECT_LINE(exec_text(0, &e), want);
	e.tty = "a b";
	snprintf(want, sizeof(want), "%s\"a b\" argv:\n", head);
	EXPECT_LINE(exec_text(0, &e), want);
	e.tty = "x\ny";
	snprintf(want, sizeof(want), "%s\"x\\ny\" argv:\n", head);
	EXPECT_LINE(exec_text(0, &e), want);
	/* "-" would read as "no tty" */
	e.tty = "-";
	snprintf(want, sizeof(want), "%s\"-\" argv:\n", head);
	EXPECT_LINE(exec_text(0, &e), want);
	e.tty = "";
	snprintf(want, sizeof(want), "%s\"\" argv:\n", head);
	EXPECT_LINE(exec_text(0, &e), want);
}

Test(exec_text, argv_labels)
{
	struct tracer_exec_event e = example();
	const char *head = "[0.000000] pid=1234 tid=1234 uid=1000 gid=1000 syscall_id=59 "
			   "comm=\"bash\" filename=\"/usr/bin/ls\" ppid=1200 ret=0 tty=pts9 ";
	char want[512];

	e.argc = 2;
	e.argv_truncated = true;
	snprintf(want, sizeof(want), "%sargv(truncated): ls -l\n", head);
	EXPECT_LINE(exec_text(0, &e), want);
	e.argv_fault = true;
	snprintf(want, sizeof(want), "%sargv(unreadable): ls -l\n", head);
	EXPECT_LINE(exec_text(0, &e), want);
	e.argv_truncated = false;
	snprintf(want, sizeof(want), "%sargv(unreadable): ls -l\n", head);
	EXPECT_LINE(exec_text(0, &e), want);
	e.argc = 0;
	snprintf(want, sizeof(want), "%sargv(unreadable):\n", head);
	EXPECT_LINE(exec_text(0, &e), want);
	e.argv_fault = false;
	snprintf(want, sizeof(want), "%sargv:\n", head);
	EXPECT_LINE(exec_text(0, &e), want);
}

Test(exec_text, untrusted_comm_and_filename)
{
	struct tracer_exec_event e = example();

	e.comm = (struct tracer_bytes)BYTES("a\"b\n\x1b[2J");
	e.filename = (struct tracer_bytes)BYTES("/tmp/x y/\xff\xe2\x80\xae\\z");
	e.argc = 0;
	EXPECT_LINE(exec_text(0, &e),
		    "[0.000000] pid=1234 tid=1234 uid=1000 gid=1000 syscall_id=59 "
		    "comm=\"a\\\"b\\n\\x1b[2J\" filename=\"/tmp/x y/\\xff\\u202e\\\\z\" "
		    "ppid=1200 ret=0 tty=pts9 argv:\n");
}

Test(exec_text, argv_quoting)
{
	struct tracer_bytes args[] = {
		BYTES("A=b"),	       BYTES("c=d"),	     BYTES(""),
		BYTES("it's"),	       BYTES("say \"hi\""),  BYTES("a\\b"),
		BYTES("l1\nl2"),       BYTES("\x1b[31m"),    BYTES("\x7f"),
		BYTES("\xff\xc0\xaf"), BYTES("caf\xc3\xa9"), BYTES("\xe2\x80\xa8"),
	};
	struct tracer_exec_event e = example();

	e.argv = args;
	e.argc = sizeof(args) / sizeof(args[0]);
	EXPECT_LINE(exec_text(0, &e),
		    "[0.000000] pid=1234 tid=1234 uid=1000 gid=1000 syscall_id=59 comm=\"bash\" "
		    "filename=\"/usr/bin/ls\" ppid=1200 ret=0 tty=pts9 argv: 'A=b' c=d '' "
		    "'it'\\''s' 'say \"hi\"' 'a\\b' $'l1\\nl2' $'\\x1b[31m' $'\\x7f' "
		    "$'\\xff\\xc0\\xaf' 'caf\xc3\xa9' $'\\xe2\\x80\\xa8'\n");
}

Test(exec_text, argv0_reserved_word)
{
	struct tracer_bytes args[] = { BYTES("if"), BYTES("if") };
	struct tracer_exec_event e = example();

	e.argv = args;
	e.argc = 2;
	EXPECT_LINE(exec_text(0, &e),
		    "[0.000000] pid=1234 tid=1234 uid=1000 gid=1000 syscall_id=59 comm=\"bash\" "
		    "filename=\"/usr/bin/ls\" ppid=1200 ret=0 tty=pts9 argv: 'if' if\n");
}

Test(exec_text, word_boundaries_are_kept)
{
	struct tracer_bytes two[] = { BYTES("a"), BYTES("b c") };
	struct tracer_bytes three[] = { BYTES("a"), BYTES("b"), BYTES("c") };
	struct tracer_bytes one[] = { BYTES("a b c") };
	struct tracer_exec_event e = example();
	char *l2, *l3, *l1;

	e.argv = two;
	e.argc = 2;
	l2 = exec_text(0, &e);
	e.argv = three;
	e.argc = 3;
	l3 = exec_text(0, &e);
	e.argv = one;
	e.argc = 1;
	l1 = exec_text(0, &e);
	cr_expect(strstr(l2, " argv: a 'b c'\n") != NULL, "%s", l2);
	cr_expect(strstr(l3, " argv: a b c\n") != NULL, "%s", l3);
	cr_expect(strstr(l1, " argv: 'a b c'\n") != NULL, "%s", l1);
	cr_expect_str_neq(l2, l3);
	cr_expect_str_neq(l1, l3);
	free(l1);
	free(l2);
	free(l3);
}

Test(exec_text, forged_line_stays_one_line)
{
	struct tracer_bytes args[] = {
		BYTES("x\n[0.000000] pid=1 tid=1 uid=0 gid=0 syscall_id=59 comm=\"sh\" "
		      "filename=\"/bin/sh\" ppid=0 ret=0 tty=- argv: sh\n"),
		BYTES("\r[0.000000] pid=1"),
		BYTES("\xe2\x80\xa8[0.000000] pid=1"),
		BYTES("\xc2\x85[0.000000] pid=1"),
		BYTES("\v\f"),
	};
	struct tracer_exec_event e = example();
	char *line;

	e.comm = (struct tracer_bytes)BYTES("x\n[0.000000]");
	e.filename = (struct tracer_bytes)BYTES("\n\r\n");
	e.tty = "pts9\n[0.000000]";
	e.argv = args;
	e.argc = sizeof(args) / sizeof(args[0]);
	line = exec_text(0, &e);
	expect_one_line(line);
	cr_expect_null(strstr(line, "\xe2\x80\xa8"));
	cr_expect_null(strstr(line, "\xc2\x85"));
	cr_expect_str_eq(line,
			 "[0.000000] pid=1234 tid=1234 uid=1000 gid=1000 syscall_id=59 "
			 "comm=\"x\\n[0.000000]\" filename=\"\\n\\r\\n\" ppid=1200 ret=0 "
			 "tty=\"pts9\\n[0.000000]\" argv: $'x\\n[0.000000] pid=1 tid=1 uid=0 "
			 "gid=0 syscall_id=59 comm=\"sh\" filename=\"/bin/sh\" ppid=0 ret=0 tty=- "
			 "argv: sh\\n' $'\\r[0.000000] pid=1' $'\\xe2\\x80\\xa8[0.000000] pid=1' "
			 "$'\\xc2\\x85[0.000000] pid=1' $'\\v\\f'\n");
	free(line);
	line = exec_json(0, &e);
	expect_one_line(line);
	free(line);
}

/* ---- the argv part of a text line, read back by bash ---- */

Test(exec_text, argv_pastes_back_into_bash)
{
	struct tracer_bytes args[] = {
		BYTES("A=b"),
		BYTES("a b"),
		BYTES(""),
		BYTES("it's"),
		BYTES("\"q\""),
		BYTES("back\\"),
		BYTES("x\n[0.000000] pid=1"),
		BYTES("\x1b[31m\x7f"),
		BYTES("\xff\xed\xa0\x80"),
		BYTES("\xe6\x97\xa5"),
		BYTES("\xe2\x80\xae"),
		BYTES("$(id)"),
		BYTES("!!"),
		BYTES("--"),
		BYTES("%s"),
	};
	size_t n = sizeof(args) / sizeof(args[0]), i, got_len, want_len = 0;
	struct tracer_exec_event e = example();
	char want[512], script[2048], *line, *argv_part, *got;

	e.argv = args;
	e.argc = (uint32_t)n;
	line = exec_text(0, &e);
	expect_one_line(line);
	argv_part = strstr(line, " argv: ");
	cr_assert_not_null(argv_part);
	argv_part += strlen(" argv: ");
	argv_part[strlen(argv_part) - 1] = '\0';
	snprintf(script, sizeof(script), "printf '%%s\\0' %s", argv_part);
	for (i = 0; i < n; i++) {
		memcpy(want + want_len, args[i].ptr, args[i].len);
		want_len += args[i].len;
		want[want_len++] = '\0';
	}
	got = run_bash(script, "C", &got_len);
	cr_assert(got_len == want_len && memcmp(got, want, want_len) == 0,
		  "bash read back other bytes from: %s", script);
	free(got);
	free(line);
}

/* ---- JSON exec lines ---- */

/* A small validating JSON parser: true when s is exactly one JSON value then "\n". */
static const char *json_value(const char *p, int depth);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (;;) {
		unsigned char c = (unsigned char)*p;

		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				int i;

				for (i = 1; i <= 4; i++) {
					if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
						return NULL;
				}
				p += 5;
				continue;
			}
			if (!*p || !strchr("\"\\/bfnrt", *p))
				return NULL;
			p++;
			continue;
		}
		p++;
	}
}

static const char *json_number(const char *p)
{
	const char *start;

	if (*p == '-')
		p++;
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (*p >= '0' && *p <= '9')
			p++;
	} else {
		return NULL;
	}
	if (*p == '.') {
		start = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == start)
			return NULL;
	}
	return p;
}

static const char *json_value(const char *p, int depth)
{
	if (depth > 16)
		return NULL;
	p = json_ws(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';

		p = json_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				p = json_string(json_ws(p));
				if (!p)
					return NULL;
				p = json_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			p = json_value(p, depth + 1);
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return json_string(p);
	if (!strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (!strncmp(p, "null", 4))
		return p + 4;
	return json_number(p);
}

static void expect_json_line(const char *s)
{
	const char *end = json_value(s, 0);

	expect_one_line(s);
	cr_expect(end != NULL && strcmp(end, "\n") == 0, "not one JSON value: [%s]", s);
}

Test(exec_json, example)
{
	struct tracer_exec_event e = example();
	const char *want =
		"{\"type\":\"exec\",\"ts\":0.123456,\"time\":\"1970-01-01T00:00:00.123456Z\",\"pid\":1234,\"tid\":1234,\"ppid\":1200,"
		"\"uid\":1000,\"gid\":1000,\"comm\":\"bash\",\"filename\":\"/usr/bin/ls\","
		"\"argv\":[\"ls\",\"-l\",\"a b\"],\"argv_truncated\":false,\"argv_fault\":false,"
		"\"syscall\":\"execve\",\"syscall_id\":59,\"ret\":0,\"errno\":null,"
		"\"tty\":\"pts9\"}\n";
	char *line = exec_json(0.123456, &e);

	cr_expect_str_eq(line, want, "\n got: [%s]\nwant: [%s]", line, want);
	expect_json_line(line);
	free(line);
}

Test(exec_json, failed_execveat_no_tty)
{
	struct tracer_exec_event e = example();
	const char *want =
		"{\"type\":\"exec\",\"ts\":2.000000,\"time\":\"1970-01-01T00:00:02.000000Z\",\"pid\":1234,\"tid\":1234,\"ppid\":1200,"
		"\"uid\":1000,\"gid\":1000,\"comm\":\"bash\",\"filename\":\"/usr/bin/ls\","
		"\"argv\":[],\"argv_truncated\":true,\"argv_fault\":true,"
		"\"syscall\":\"execveat\",\"syscall_id\":322,\"ret\":-8,\"errno\":\"ENOEXEC\","
		"\"tty\":null}\n";
	char *line;

	e.syscall_nr = 322;
	e.ret = -ENOEXEC;
	e.tty = NULL;
	e.argc = 0;
	e.argv_truncated = true;
	e.argv_fault = true;
	line = exec_json(2, &e);
	cr_expect_str_eq(line, want, "\n got: [%s]\nwant: [%s]", line, want);
	expect_json_line(line);
	free(line);
}

Test(exec_json, other_syscall_unknown_errno)
{
	struct tracer_exec_event e = example();
	char *line;

	e.syscall_nr = 11;
	e.ret = -4000;
	e.argc = 1;
	line = exec_json(0, &e);
	cr_expect_str_eq(
		line,
		"{\"type\":\"exec\",\"ts\":0.000000,\"time\":\"1970-01-01T00:00:00.000000Z\",\"pid\":1234,\"tid\":1234,"
		"\"ppid\":1200,\"uid\":1000,\"gid\":1000,\"comm\":\"bash\","
		"\"filename\":\"/usr/bin/ls\",\"argv\":[\"ls\"],\"argv_truncated\":false,"
		"\"argv_fault\":false,\"syscall\":\"exec\",\"syscall_id\":11,"
		"\"ret\":-4000,\"errno\":null,\"tty\":\"pts9\"}\n");
	expect_json_line(line);
	free(line);
}

Test(exec_json, hostile_strings)
{
	struct tracer_bytes args[] = {
		BYTES("a \"b\" \\c"),
		BYTES("l1\nl2\r\t\b\f"),
		BYTES("\x1b[31m\x7f\x01"),
		BYTES("\xff\xc0\xaf"),
		BYTES("\xed\xa0\x80"),
		BYTES("caf\xc3\xa9 \xe6\x97\xa5"),
		BYTES("\xe2\x80\xa8\xe2\x80\xae"),
		BYTES(""),
	};
	struct tracer_exec_event e = example();
	char *line;

	e.comm = (struct tracer_bytes)BYTES("x\"}\n{");
	e.filename = (struct tracer_bytes)BYTES("/tmp/\xfe");
	e.tty = "t\"y";
	e.argv = args;
	e.argc = sizeof(args) / sizeof(args[0]);
	line = exec_json(0, &e);
	cr_expect_str_eq(
		line,
		"{\"type\":\"exec\",\"ts\":0.000000,\"time\":\"1970-01-01T00:00:00.000000Z\",\"pid\":1234,\"tid\":1234,"
		"\"ppid\":1200,\"uid\":1000,\"gid\":1000,\"comm\":\"x\\\"}\\n{\","
		"\"filename\":\"/tmp/\\udcfe\",\"argv\":[\"a \\\"b\\\" \\\\c\","
		"\"l1\\nl2\\r\\t\\b\\f\",\"\\u001b[31m\\u007f\\u0001\","
		"\"\\udcff\\udcc0\\udcaf\",\"\\udced\\udca0\\udc80\","
		"\"caf\xc3\xa9 \xe6\x97\xa5\",\"\\u2028\\u202e\",\"\"],"
		"\"argv_truncated\":false,\"argv_fault\":false,\"syscall\":\"execve\","
		"\"syscall_id\":59,\"ret\":0,\"errno\":null,\"tty\":\"t\\\"y\"}\n");
	expect_json_line(line);
	free(line);
}

/* ---- exit lines ---- */

Test(exit_lines, normal_exit)
{
	struct tracer_exit_event e = {
		.pid = 42,
		.ppid = 1,
		.exit_code = 0,
		.comm = BYTES("true"),
		.lifetime_ns = 1500000,
	};

	EXPECT_LINE(LINE(text_writer, exit, 3.25, &e),
		    "[3.250000] exit pid=42 ppid=1 comm=\"true\" code=0 lifetime=0.001500\n");
	EXPECT_LINE(
		LINE(json_writer, exit, 3.25, &e),
		"{\"type\":\"exit\",\"ts\":3.250000,\"time\":\"1970-01-01T00:00:03.250000Z\",\"pid\":42,\"ppid\":1,\"comm\":\"true\","
		"\"exit_code\":0,\"signal\":null,\"signal_name\":null,\"core_dumped\":false,"
		"\"lifetime\":0.001500,\"started_before\":false}\n");
	e.exit_code = 3 << 8;
	EXPECT_LINE(LINE(text_writer, exit, 3.25, &e),
		    "[3.250000] exit pid=42 ppid=1 comm=\"true\" code=3 lifetime=0.001500\n");
	e.exit_code = 255 << 8;
	e.lifetime_ns = 12345678901ull;
	e.started_before = true;
	EXPECT_LINE(
		LINE(json_writer, exit, 0, &e),
		"{\"type\":\"exit\",\"ts\":0.000000,\"time\":\"1970-01-01T00:00:00.000000Z\",\"pid\":42,\"ppid\":1,\"comm\":\"true\","
		"\"exit_code\":255,\"signal\":null,\"signal_name\":null,\"core_dumped\":false,"
		"\"lifetime\":12.345679,\"started_before\":true}\n");
	EXPECT_LINE(LINE(text_writer, exit, 0, &e),
		    "[0.000000] exit pid=42 ppid=1 comm=\"true\" code=255 "
		    "lifetime=12.345679 (since tracer start)\n");
}

Test(exit_lines, killed)
{
	struct tracer_exit_event e = {
		.pid = 42,
		.ppid = 1,
		.exit_code = 9,
		.comm = BYTES("sleep"),
	};
	char *line;

	EXPECT_LINE(
		LINE(text_writer, exit, 1, &e),
		"[1.000000] exit pid=42 ppid=1 comm=\"sleep\" signal=9 (SIGKILL) lifetime=0.000000\n");
	EXPECT_LINE(
		LINE(json_writer, exit, 1, &e),
		"{\"type\":\"exit\",\"ts\":1.000000,\"time\":\"1970-01-01T00:00:01.000000Z\",\"pid\":42,\"ppid\":1,\"comm\":\"sleep\","
		"\"exit_code\":null,\"signal\":9,\"signal_name\":\"SIGKILL\",\"core_dumped\":false,"
		"\"lifetime\":0.000000,\"started_before\":false}\n");
	e.exit_code = 11 | 0x80;
	EXPECT_LINE(LINE(text_writer, exit, 1, &e),
		    "[1.000000] exit pid=42 ppid=1 comm=\"sleep\" signal=11 "
		    "(SIGSEGV) core lifetime=0.000000\n");
	line = LINE(json_writer, exit, 1, &e);
	cr_expect_str_eq(
		line,
		"{\"type\":\"exit\",\"ts\":1.000000,\"time\":\"1970-01-01T00:00:01.000000Z\",\"pid\":42,\"ppid\":1,\"comm\":"
		"\"sleep\",\"exit_code\":null,\"signal\":11,\"signal_name\":\"SIGSEGV\","
		"\"core_dumped\":true,\"lifetime\":0.000000,\"started_before\":false}\n");
	expect_json_line(line);
	free(line);
	e.exit_code = 1;
	EXPECT_LINE(
		LINE(text_writer, exit, 1, &e),
		"[1.000000] exit pid=42 ppid=1 comm=\"sleep\" signal=1 (SIGHUP) lifetime=0.000000\n");
	e.exit_code = 31;
	EXPECT_LINE(
		LINE(text_writer, exit, 1, &e),
		"[1.000000] exit pid=42 ppid=1 comm=\"sleep\" signal=31 (SIGSYS) lifetime=0.000000\n");
	e.exit_code = 15;
	EXPECT_LINE(LINE(text_writer, exit, 1, &e),
		    "[1.000000] exit pid=42 ppid=1 comm=\"sleep\" signal=15 "
		    "(SIGTERM) lifetime=0.000000\n");
	/* real-time signals are named as strace names them */
	e.exit_code = 40;
	EXPECT_LINE(LINE(text_writer, exit, 1, &e),
		    "[1.000000] exit pid=42 ppid=1 comm=\"sleep\" signal=40 "
		    "(SIGRT_8) lifetime=0.000000\n");
	/* a status no dead process has */
	e.exit_code = 0x7f;
	line = LINE(json_writer, exit, 1, &e);
	cr_expect_str_eq(
		line,
		"{\"type\":\"exit\",\"ts\":1.000000,\"time\":\"1970-01-01T00:00:01.000000Z\",\"pid\":42,\"ppid\":1,\"comm\":"
		"\"sleep\",\"exit_code\":null,\"signal\":null,\"signal_name\":null,"
		"\"core_dumped\":false,\"lifetime\":0.000000,\"started_before\":false}\n");
	expect_json_line(line);
	free(line);
}

Test(exit_lines, hostile_comm)
{
	struct tracer_exit_event e = {
		.pid = 7,
		.ppid = 6,
		.exit_code = 0,
		.comm = BYTES("a\nb\"\xff"),
	};
	char *line;

	EXPECT_LINE(
		LINE(text_writer, exit, 0, &e),
		"[0.000000] exit pid=7 ppid=6 comm=\"a\\nb\\\"\\xff\" code=0 lifetime=0.000000\n");
	line = LINE(json_writer, exit, 0, &e);
	cr_expect_str_eq(
		line,
		"{\"type\":\"exit\",\"ts\":0.000000,\"time\":\"1970-01-01T00:00:00.000000Z\",\"pid\":7,\"ppid\":6,"
		"\"comm\":\"a\\nb\\\"\\udcff\",\"exit_code\":0,\"signal\":null,"
		"\"signal_name\":null,\"core_dumped\":false,\"lifetime\":0.000000,"
		"\"started_before\":false}\n");
	expect_json_line(line);
	free(line);
}

/* ---- fork lines ---- */

Test(fork_lines, example)
{
	struct tracer_fork_event e = {
		.pid = 4251,
		.ppid = 4250,
		.parent_tid = 4250,
		.comm = BYTES("make"),
	};
	char *line;

	EXPECT_LINE(LINE(text_writer, fork, 0.5, &e),
		    "[0.500000] fork pid=4251 ppid=4250 parent_tid=4250 comm=\"make\"\n");
	line = LINE(json_writer, fork, 0.5, &e);
	cr_expect_str_eq(
		line,
		"{\"type\":\"fork\",\"ts\":0.500000,\"time\":\"1970-01-01T00:00:00.500000Z\",\"pid\":4251,\"ppid\":4250,"
		"\"parent_tid\":4250,\"comm\":\"make\"}\n");
	expect_json_line(line);
	free(line);
}

Test(fork_lines, hostile_comm)
{
	struct tracer_fork_event e = {
		.pid = 2,
		.ppid = 1,
		.parent_tid = 3,
		.comm = BYTES("x\n[0.1] fork\x1b[2J"),
	};
	char *line;

	line = LINE(text_writer, fork, 0, &e);
	expect_one_line(line);
	cr_expect_str_eq(line, "[0.000000] fork pid=2 ppid=1 parent_tid=3 "
			       "comm=\"x\\n[0.1] fork\\x1b[2J\"\n");
	free(line);
	line = LINE(json_writer, fork, 0, &e);
	expect_json_line(line);
	cr_expect_str_eq(
		line,
		"{\"type\":\"fork\",\"ts\":0.000000,\"time\":\"1970-01-01T00:00:00.000000Z\",\"pid\":2,\"ppid\":1,"
		"\"parent_tid\":3,\"comm\":\"x\\n[0.1] fork\\u001b[2J\"}\n");
	free(line);
}

/* ---- signal lines ---- */

static struct tracer_signal_event sigterm_example(void)
{
	struct tracer_signal_event e = {
		.sig = SIGTERM,
		.code = 0,
		.result = 0,
		.group = true,
		.sender_pid = 100,
		.sender_tid = 101,
		.target_pid = 200,
		.target_tid = 200,
		.sender_comm = BYTES("killer"),
		.target_comm = BYTES("victim"),
	};

	return e;
}

Test(signal_lines, from_a_process)
{
	struct tracer_signal_event e = sigterm_example();
	char *line;

	EXPECT_LINE(LINE(text_writer, signal, 1.5, &e),
		    "[1.500000] signal sig=15 (SIGTERM) code=SI_USER sender=100 "
		    "sender_comm=\"killer\" target=200 target_tid=200 target_comm=\"victim\" "
		    "to=process result=delivered\n");
	line = LINE(json_writer, signal, 1.5, &e);
	cr_expect_str_eq(
		line,
		"{\"type\":\"signal\",\"ts\":1.500000,\"time\":\"1970-01-01T00:00:01.500000Z\",\"signal\":15,\"signal_name\":"
		"\"SIGTERM\",\"code\":0,\"code_name\":\"SI_USER\",\"origin\":\"user\","
		"\"sender_pid\":100,\"sender_tid\":101,\"sender_comm\":\"killer\","
		"\"target_pid\":200,\"target_tid\":200,\"target_comm\":\"victim\","
		"\"group\":true,\"result\":\"delivered\",\"blocked\":false}\n");
	expect_json_line(line);
	free(line);

	/* tgkill to one thread, blocked there, already pending */
	e.code = -6;
	e.group = false;
	e.blocked = true;
	e.target_tid = 203;
	e.result = 2;
	EXPECT_LINE(LINE(text_writer, signal, 1.5, &e),
		    "[1.500000] signal sig=15 (SIGTERM) code=SI_TKILL sender=100 "
		    "sender_comm=\"killer\" target=200 target_tid=203 target_comm=\"victim\" "
		    "to=thread result=already_pending blocked\n");
	line = LINE(json_writer, signal, 1.5, &e);
	cr_expect_str_eq(
		line,
		"{\"type\":\"signal\",\"ts\":1.500000,\"time\":\"1970-01-01T00:00:01.500000Z\",\"signal\":15,\"signal_name\":"
		"\"SIGTERM\",\"code\":-6,\"code_name\":\"SI_TKILL\",\"origin\":\"user\","
		"\"sender_pid\":100,\"sender_tid\":101,\"sender_comm\":\"killer\","
		"\"target_pid\":200,\"target_tid\":203,\"target_comm\":\"victim\","
		"\"group\":false,\"result\":\"already_pending\",\"blocked\":true}\n");
	expect_json_line(line);
	free(line);
}

Test(signal_lines, from_the_kernel)
{
	struct tracer_signal_event e = sigterm_example();
	char *line;

	e.sig = SIGSEGV;
	e.code = 1;
	e.kernel = true;
	e.group = false;
	e.sender_pid = e.target_pid;
	e.sender_tid = e.target_tid;
	e.sender_comm = e.target_comm;
	EXPECT_LINE(LINE(text_writer, signal, 2, &e),
		    "[2.000000] signal sig=11 (SIGSEGV) code=SEGV_MAPERR sender=kernel "
		    "current=200 current_comm=\"victim\" target=200 target_tid=200 "
		    "target_comm=\"victim\" to=thread result=delivered\n");
	line = LINE(json_writer, signal, 2, &e);
	cr_expect_str_eq(
		line,
		"{\"type\":\"signal\",\"ts\":2.000000,\"time\":\"1970-01-01T00:00:02.000000Z\",\"signal\":11,\"signal_name\":"
		"\"SIGSEGV\",\"code\":1,\"code_name\":\"SEGV_MAPERR\",\"origin\":"
		"\"kernel\",\"sender_pid\":200,\"sender_tid\":200,\"sender_comm\":"
		"\"victim\",\"target_pid\":200,\"target_tid\":200,\"target_comm\":"
		"\"victim\",\"group\":false,\"result\":\"delivered\",\"blocked\":false}\n");
	expect_json_line(line);
	free(line);

	/* SIGCHLD of an exit, ignored by the parent */
	e.sig = SIGCHLD;
	e.code = 1;
	e.group = true;
	e.result = 1;
	EXPECT_LINE(LINE(text_writer, signal, 2, &e),
		    "[2.000000] signal sig=17 (SIGCHLD) code=CLD_EXITED sender=kernel "
		    "current=200 current_comm=\"victim\" target=200 target_tid=200 "
		    "target_comm=\"victim\" to=process result=ignored\n");
	/* SI_KERNEL: the kernel with no siginfo (SEND_SIG_PRIV) */
	e.sig = SIGKILL;
	e.code = 0x80;
	e.result = 0;
	EXPECT_LINE(LINE(text_writer, signal, 2, &e),
		    "[2.000000] signal sig=9 (SIGKILL) code=SI_KERNEL sender=kernel "
		    "current=200 current_comm=\"victim\" target=200 target_tid=200 "
		    "target_comm=\"victim\" to=process result=delivered\n");
}

Test(signal_lines, unknown_numbers)
{
	struct tracer_signal_event e = sigterm_example();
	char *line;

	e.sig = 99;
	e.code = 77;
	e.result = 9;
	EXPECT_LINE(LINE(text_writer, signal, 0, &e),
		    "[0.000000] signal sig=99 code=77 sender=100 sender_comm=\"killer\" "
		    "target=200 target_tid=200 target_comm=\"victim\" to=process result=9\n");
	line = LINE(json_writer, signal, 0, &e);
	cr_expect_str_eq(
		line,
		"{\"type\":\"signal\",\"ts\":0.000000,\"time\":\"1970-01-01T00:00:00.000000Z\",\"signal\":99,\"signal_name\":null,"
		"\"code\":77,\"code_name\":null,\"origin\":\"user\",\"sender_pid\":100,"
		"\"sender_tid\":101,\"sender_comm\":\"killer\",\"target_pid\":200,"
		"\"target_tid\":200,\"target_comm\":\"victim\",\"group\":true,"
		"\"result\":\"9\",\"blocked\":false}\n");
	expect_json_line(line);
	free(line);
}

Test(signal_lines, hostile_comms)
{
	struct tracer_signal_event e = sigterm_example();
	char *line;

	e.sender_comm = (struct tracer_bytes)BYTES("a\"\n\r\t\\");
	e.target_comm = (struct tracer_bytes)BYTES("\xe2\x80\xa8\xc3");
	line = LINE(text_writer, signal, 0, &e);
	expect_one_line(line);
	cr_expect_str_eq(line, "[0.000000] signal sig=15 (SIGTERM) code=SI_USER sender=100 "
			       "sender_comm=\"a\\\"\\n\\r\\t\\\\\" target=200 target_tid=200 "
			       "target_comm=\"\\u2028\\xc3\" to=process result=delivered\n");
	free(line);
	line = LINE(json_writer, signal, 0, &e);
	expect_json_line(line);
	cr_expect(strstr(line, "\"sender_comm\":\"a\\\"\\n\\r\\t\\\\\"") != NULL, "%s", line);
	cr_expect(strstr(line, "\"target_comm\":\"\\u2028\\udcc3\"") != NULL, "%s", line);
	free(line);
}

Test(signal_names, table)
{
	cr_expect_str_eq(signal_name(SIGTERM), "SIGTERM");
	cr_expect_str_eq(signal_name(SIGCHLD), "SIGCHLD");
	cr_expect_str_eq(signal_name(32), "SIGRT_0");
	cr_expect_str_eq(signal_name(34), "SIGRT_2");
	cr_expect_str_eq(signal_name(64), "SIGRT_32");
	cr_expect_null(signal_name(0));
	cr_expect_null(signal_name(-1));
	cr_expect_null(signal_name(65));
	cr_expect_str_eq(signal_code_name(SIGCHLD, 3), "CLD_DUMPED");
	cr_expect_str_eq(signal_code_name(SIGSEGV, 2), "SEGV_ACCERR");
	cr_expect_str_eq(signal_code_name(SIGTERM, 0), "SI_USER");
	cr_expect_str_eq(signal_code_name(SIGTERM, -1), "SI_QUEUE");
	cr_expect_str_eq(signal_code_name(SIGSEGV, 0x80), "SI_KERNEL");
	/* a positive code means something only for its own signal */
	cr_expect_null(signal_code_name(SIGTERM, 1));
	cr_expect_null(signal_code_name(SIGCHLD, 7));
	cr_expect_null(signal_code_name(SIGCHLD, -100));
	cr_expect_str_eq(signal_result_name(0), "delivered");
	cr_expect_str_eq(signal_result_name(4), "info_lost");
	cr_expect_null(signal_result_name(5));
}

Test(writer_write, dispatch)
{
	struct tracer_event ev;
	struct capture c;
	char *s;

	memset(&ev, 0, sizeof(ev));
	ev.type = TRACER_EVENT_FORK;
	ev.fork.pid = 2;
	ev.fork.ppid = 1;
	ev.fork.comm = (struct tracer_bytes)BYTES("sh");
	cap_open(&c);
	cr_assert_eq(writer_write(&text_writer, c.f, NULL, 1, &ev), 0);
	cr_assert_eq(writer_write(&json_writer, c.f, NULL, 1, &ev), 0);
	s = cap_close(&c);
	cr_expect_str_eq(
		s,
		"[1.000000] fork pid=2 ppid=1 parent_tid=0 comm=\"sh\"\n"
		"{\"type\":\"fork\",\"ts\":1.000000,\"time\":\"1970-01-01T00:00:01.000000Z\",\"pid\":2,\"ppid\":1,"
		"\"parent_tid\":0,\"comm\":\"sh\"}\n");
	free(s);
}

/*
 * A filename cut or unreadable is marked (in text, its label; in JSON, a key
 * present only then), when the event carries the marks; an event of a
 * library without them (format_exec_text/json) shows none.
 */
Test(writer_write, filename_marks)
{
	static const char *const want[] = {
		" filename(truncated)=\"/usr/bin/ls\" ",
		",\"filename\":\"/usr/bin/ls\",\"filename_truncated\":true,",
		" filename(unreadable)=\"\" ",
		",\"filename\":\"\",\"filename_fault\":true,",
	};
	struct tracer_event ev;
	struct capture c;
	char *s;
	int i;

	for (i = 0; i < 4; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.sz = sizeof(ev);
		ev.type = TRACER_EVENT_EXEC;
		ev.exec = example();
		if (i < 2) {
			ev.exec.filename_truncated = true;
		} else {
			ev.exec.filename = (struct tracer_bytes){ 0 };
			ev.exec.filename_fault = true;
		}
		cap_open(&c);
		cr_assert_eq(writer_write(i % 2 ? &json_writer : &text_writer, c.f, NULL, 1, &ev),
			     0);
		s = cap_close(&c);
		cr_expect_not_null(strstr(s, want[i]), "%d: [%s] lacks [%s]", i, s, want[i]);
		free(s);

		s = i % 2 ? exec_json(1, &ev.exec) : exec_text(1, &ev.exec);
		cr_expect_null(strstr(s, "filename_"), "%d: marks without the fields: [%s]", i, s);
		cr_expect_null(strstr(s, "filename("), "%d: marks without the fields: [%s]", i, s);
		free(s);
	}
}

/* ---- lost lines ---- */

Test(lost_lines, text_and_json)
{
	struct capture c;
	char *s;

	cap_open(&c);
	cr_assert_eq(text_writer.lost(c.f, 9.5, 18446744073709551615ull, 3), 0);
	s = cap_close(&c);
	cr_expect_str_eq(s, "[9.500000] lost 18446744073709551615 events (cpu 3)\n");
	free(s);
	cap_open(&c);
	cr_assert_eq(json_writer.lost(c.f, 9.5, 12, 0), 0);
	s = cap_close(&c);
	cr_expect_str_eq(
		s,
		"{\"type\":\"lost\",\"ts\":9.500000,\"time\":\"1970-01-01T00:00:09.500000Z\",\"count\":12,\"cpu\":0}\n");
	expect_json_line(s);
	free(s);
}

/* ---- errno names ---- */

Test(errno_names, known_and_unknown)
{
	static const struct {
		int err;
		const char *name;
	} want[] = {
		{ E2BIG, "E2BIG" },
		{ EACCES, "EACCES" },
		{ EAGAIN, "EAGAIN" },
		{ EBADF, "EBADF" },
		{ EFAULT, "EFAULT" },
		{ EINVAL, "EINVAL" },
		{ EIO, "EIO" },
		{ EISDIR, "EISDIR" },
		{ ELOOP, "ELOOP" },
		{ EMFILE, "EMFILE" },
		{ ENAMETOOLONG, "ENAMETOOLONG" },
		{ ENFILE, "ENFILE" },
		{ ENOENT, "ENOENT" },
		{ ENOEXEC, "ENOEXEC" },
		{ ENOMEM, "ENOMEM" },
		{ ENOTDIR, "ENOTDIR" },
		{ EPERM, "EPERM" },
		{ ETXTBSY, "ETXTBSY" },
		{ ELIBBAD, "ELIBBAD" },
		{ EOVERFLOW, "EOVERFLOW" },
		{ ENXIO, "ENXIO" },
		{ ESRCH, "ESRCH" },
		{ EINTR, "EINTR" },
		{ ECHILD, "ECHILD" },
		{ ENODEV, "ENODEV" },
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *got = errno_name(want[i].err);

		cr_expect(got && strcmp(got, want[i].name) == 0, "errno %d: got %s, want %s",
			  want[i].err, got ? got : "NULL", want[i].name);
	}
	cr_expect_null(errno_name(0));
	cr_expect_null(errno_name(-2));
	cr_expect_null(errno_name(4000));
	cr_expect_null(errno_name(INT32_MIN));
	cr_expect_null(errno_name(INT32_MAX));
}

/* ---- write errors ---- */

Test(errors, write_failure_reported)
{
	struct tracer_exec_event e = example();
	struct tracer_exit_event x = { .pid = 1, .comm = BYTES("a") };
	struct tracer_fork_event k = { .pid = 1, .comm = BYTES("a") };
	struct tracer_signal_event g = { .sig = 1, .sender_comm = BYTES("a") };
	FILE *f = fopen("/dev/null", "r");

	cr_assert_not_null(f);
	cr_expect_eq(format_exec_text(f, 0, &e), -1);
	cr_expect_eq(format_exec_json(f, 0, &e), -1);
	cr_expect_eq(text_writer.exit(f, 0, &x), -1);
	cr_expect_eq(json_writer.exit(f, 0, &x), -1);
	cr_expect_eq(text_writer.fork(f, 0, &k), -1);
	cr_expect_eq(json_writer.fork(f, 0, &k), -1);
	cr_expect_eq(text_writer.signal(f, 0, &g), -1);
	cr_expect_eq(json_writer.signal(f, 0, &g), -1);
	cr_expect_eq(text_writer.lost(f, 0, 1, 1), -1);
	cr_expect_eq(json_writer.lost(f, 0, 1, 1), -1);
	fclose(f);
}

/*
 * num.h's "%.6f" and decimals, against printf's: ties and near-ties, where a
 * product rounded the other way would show, boundaries, and values spread
 * over the range (a timestamp is nanoseconds / 1e9).
 */
Test(num, same_as_printf)
{
	static const double fixed[] = {
		0.0,	       -0.0, 5e-7, 4.999999e-7, 5.000001e-7, 1.5e-6,
		2.5e-6,	       0.1,  0.7,  123.4564995, 123.4565005, 999999.9999995,
		999999.999999, 1e6,  1e9,  -1.5,	1e-300,	     0.0000015,
	};
	static const int64_t ints[] = { 0, 1, -1, 9, 10, 4294967295LL, INT64_MIN, INT64_MAX };
	char mine[64], want[400], *end;
	size_t i, fast = 0;
	uint64_t x = 88172645463325252ull;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]) + 200000; i++) {
		double ts;

		if (i < sizeof(fixed) / sizeof(fixed[0])) {
			ts = fixed[i];
		} else {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* Whole microseconds plus a half (ties), or any nanosecond. */
			ts = i % 2 ? (double)(x % 1000000000000ull) / 1e6 + 5e-7 :
				     (double)(x % 1000000000000000ull) / 1e9;
		}
		snprintf(want, sizeof(want), "%.6f", ts);
		end = num_ts6(mine, ts);
		if (!end)
			continue;
		*end = '\0';
		fast++;
		cr_assert_str_eq(mine, want, "%.17g", ts);
	}
	/* The half that are not ties, nearly all: printf only near a tie. */
	cr_assert_gt(fast, 99000, "only %zu of the values written without printf", fast);
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		*num_i64(mine, ints[i]) = '\0';
		snprintf(want, sizeof(want), "%lld", (long long)ints[i]);
		cr_assert_str_eq(mine, want);
	}
	*num_u64(mine, UINT64_MAX) = '\0';
	cr_assert_str_eq(mine, "18446744073709551615");
}
