// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Unit tests of the exec's context in the text and JSON lines (context.c)
 * and of the text format's environment changes (envdiff.c).
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "envdiff.h"
#include "writer.h"

#define BYTES(s)                                 \
	{                                        \
		.ptr = (s), .len = sizeof(s) - 1 \
	}
#define PATH(s, f)                                           \
	{                                                    \
		.path = { (s), sizeof(s) - 1 }, .flags = (f) \
	}
#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct tracer_bytes argv_ls[] = { BYTES("ls"), BYTES("-l") };

/* An exec with every context field set; tests change what they need. */
static struct tracer_event example(void)
{
	struct tracer_event ev = {
		.sz = sizeof(ev),
		.type = TRACER_EVENT_EXEC,
		.exec = {
			.pid = 20,
			.tid = 20,
			.ppid = 10,
			.uid = 1000,
			.gid = 1000,
			.syscall_nr = TRACER_SYSCALL_EXECVE,
			.comm = BYTES("sh"),
			.filename = BYTES("/bin/ls"),
			.argc = 2,
			.argv = argv_ls,
			.total_argc = 2,
			.total_argv_bytes = 6,
			.cwd = PATH("/home/u", 0),
			.exe = PATH("/usr/bin/ls", 0),
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

static char *write_as(enum format_kind kind, struct envdiff *env, const struct tracer_event *ev)
{
	struct capture c;

	cap_open(&c);
	cr_assert_eq(writer_of(kind)->exec(c.f, 1.5, ev, env), 0);
	return cap_close(&c);
}

/* The part of s after the first occurrence of from (the line's tail). */
static void expect_tail(char *s, const char *from, const char *want)
{
	const char *p = strstr(s, from);

	cr_expect_not_null(p, "no %s in [%s]", from, s);
	if (p)
		cr_expect_str_eq(p, want, "\n got: [%s]\nwant: [%s]", p, want);
	free(s);
}

/* Which file ran, unknown in these events (exe_ino 0): null, and no namespace. */
#define IDENT_UNKNOWN ",\"exe_ino\":null,\"exe_dev\":null"

#define TEXT_HEAD                                                               \
	"[1.500000] pid=20 tid=20 uid=1000 gid=1000 syscall_id=59 comm=\"sh\" " \
	"filename=\"/bin/ls\" ppid=10 ret=0 tty=-"

Test(context_json, every_field)
{
	struct tracer_event ev = example();

	expect_tail(write_as(FORMAT_JSON, NULL, &ev), ",\"tty\"",
		    ",\"tty\":null,\"argc\":2,\"argv_bytes\":6,\"cwd\":\"/home/u\","
		    "\"exe\":\"/usr/bin/ls\",\"interpreter\":null,\"stdin\":\"/dev/null\","
		    "\"stdout\":\"pipe:[4242]\",\"stderr\":\"pipe:[4242]\",\"euid\":1000,"
		    "\"egid\":1000" IDENT_UNKNOWN "}\n");
}

Test(context_json, flags_fds_and_bytes)
{
	struct tracer_event ev = example();

	ev.exec.cwd =
		(struct tracer_path)PATH("/a\n\"b\xff", TRACER_PATH_DELETED | TRACER_PATH_CUT);
	ev.exec.exe = (struct tracer_path){ 0 };
	ev.exec.interpreter = (struct tracer_path)PATH("/bin/sh", TRACER_PATH_DETACHED);
	ev.exec.stdio[0] = (struct tracer_fd){ .kind = TRACER_FD_CLOSED };
	ev.exec.stdio[1] = (struct tracer_fd){ .kind = TRACER_FD_SOCKET, .ino = 7 };
	ev.exec.stdio[2] =
		(struct tracer_fd){ .kind = TRACER_FD_ANON, .path = PATH("[eventfd]", 0) };
	ev.exec.euid = 0;
	expect_tail(write_as(FORMAT_JSON, NULL, &ev), ",\"cwd\"",
		    ",\"cwd\":\"/a\\n\\\"b\\udcff\",\"cwd_flags\":[\"cut\",\"deleted\"],"
		    "\"exe\":null,\"interpreter\":\"/bin/sh\",\"interpreter_flags\":[\"detached\"],"
		    "\"stdin\":null,\"stdout\":\"socket:[7]\",\"stderr\":\"anon_inode:[eventfd]\","
		    "\"euid\":0,\"egid\":1000" IDENT_UNKNOWN "}\n");
}

Test(context_json, environment)
{
	struct tracer_bytes env[] = { BYTES("A=1"), BYTES("B=\n\xff"), BYTES("TOKEN=<redacted>") };
	struct tracer_event ev = example();

	ev.exec.env_captured = true;
	ev.exec.env = env;
	ev.exec.envc = N(env);
	ev.exec.total_envc = 5;
	ev.exec.total_env_bytes = 900;
	ev.exec.env_truncated = true;
	expect_tail(write_as(FORMAT_JSON, NULL, &ev), ",\"env\"",
		    ",\"env\":[\"A=1\",\"B=\\n\\udcff\",\"TOKEN=<redacted>\"],\"envc\":5,"
		    "\"env_bytes\":900,\"env_truncated\":true,\"env_fault\":false" IDENT_UNKNOWN
		    "}\n");
}

Test(context_json, cut_argv_counts)
{
	struct tracer_event ev = example();

	ev.exec.argv_truncated = true;
	ev.exec.total_argc = 189;
	ev.exec.total_argv_bytes = 400000;
	expect_tail(write_as(FORMAT_JSON, NULL, &ev), ",\"argv_truncated\"",
		    ",\"argv_truncated\":true,\"argv_fault\":false,\"syscall\":\"execve\","
		    "\"syscall_id\":59,\"ret\":0,\"errno\":null,\"tty\":null,\"argc\":189,"
		    "\"argv_bytes\":400000,\"cwd\":\"/home/u\",\"exe\":\"/usr/bin/ls\","
		    "\"interpreter\":null,\"stdin\":\"/dev/null\",\"stdout\":\"pipe:[4242]\","
		    "\"stderr\":\"pipe:[4242]\",\"euid\":1000,\"egid\":1000" IDENT_UNKNOWN "}\n");
}

Test(context_json, older_library_no_fields)
{
	struct tracer_event ev = example();
	char *s;

	ev.sz = offsetof(struct tracer_event, exec.total_argc);
	s = write_as(FORMAT_JSON, NULL, &ev);
	cr_expect_null(strstr(s, "\"cwd\""), "%s", s);
	cr_expect_null(strstr(s, "\"argc\""), "%s", s);
	free(s);
	s = write_as(FORMAT_TEXT, NULL, &ev);
	cr_expect_null(strstr(s, "cwd="), "%s", s);
	free(s);
}

Test(context_text, every_field)
{
	struct tracer_event ev = example();

	expect_tail(write_as(FORMAT_TEXT, NULL, &ev), "[",
		    TEXT_HEAD " cwd=\"/home/u\" exe=\"/usr/bin/ls\" 0<\"/dev/null\" 1>pipe:[4242] "
			      "2>&1 argv: ls -l\n");
}

Test(context_text, ids_paths_fds)
{
	struct tracer_event ev = example();

	ev.exec.euid = 0;
	ev.exec.egid = 0;
	ev.exec.argv_truncated = true;
	ev.exec.total_argc = 189;
	ev.exec.total_argv_bytes = 400000;
	ev.exec.cwd = (struct tracer_path)PATH("/a\nb", TRACER_PATH_DELETED);
	ev.exec.exe = (struct tracer_path)PATH("/s/x.sh", 0);
	ev.exec.interpreter = (struct tracer_path)PATH("/usr/bin/bash", 0);
	ev.exec.stdio[0] = (struct tracer_fd){ .kind = TRACER_FD_CLOSED };
	ev.exec.stdio[1] =
		(struct tracer_fd){ .kind = TRACER_FD_PATH, .path = PATH("/tmp/log", 0) };
	ev.exec.stdio[2] =
		(struct tracer_fd){ .kind = TRACER_FD_ANON, .path = PATH("[eventfd]", 0) };
	expect_tail(write_as(FORMAT_TEXT, NULL, &ev), " argc=",
		    " argc=189 argv_bytes=400000 euid=0 egid=0 cwd=\"/a\\nb\"(deleted) "
		    "exe=\"/s/x.sh\" interp=\"/usr/bin/bash\" 0<&- 1>\"/tmp/log\" "
		    "2>anon_inode:\"[eventfd]\" argv(truncated): ls -l\n");
}

Test(context_text, unknown_fds_omitted)
{
	struct tracer_event ev = example();

	memset(ev.exec.stdio, 0, sizeof(ev.exec.stdio));
	expect_tail(write_as(FORMAT_TEXT, NULL, &ev),
		    " cwd=", " cwd=\"/home/u\" exe=\"/usr/bin/ls\" argv: ls -l\n");
}

/* ---- environment changes ---- */

static char *env_text(struct envdiff *d, uint32_t pid, uint32_t ppid, int32_t ret,
		      struct tracer_bytes *env, uint32_t n)
{
	struct tracer_event ev = example();
	char *s, *p;

	ev.exec.pid = pid;
	ev.exec.ppid = ppid;
	ev.exec.ret = ret;
	ev.exec.env_captured = true;
	ev.exec.env = env;
	ev.exec.envc = ev.exec.total_envc = n;
	memset(ev.exec.stdio, 0, sizeof(ev.exec.stdio));
	s = write_as(FORMAT_TEXT, d, &ev);
	/* Between exe and argv. */
	p = strstr(s, "exe=\"/usr/bin/ls\"");
	cr_assert_not_null(p);
	p += strlen("exe=\"/usr/bin/ls\"");
	memmove(s, p, strlen(p) + 1);
	*strstr(s, " argv") = '\0';
	return s;
}

#define EXPECT_ENV(expr, want)                                                        \
	do {                                                                          \
		char *got_ = (expr);                                                  \
		cr_expect_str_eq(got_, want, "\n got: [%s]\nwant: [%s]", got_, want); \
		free(got_);                                                           \
	} while (0)

Test(envdiff, against_parent_then_self)
{
	struct tracer_bytes parent[] = { BYTES("HOME=/root"), BYTES("PATH=/bin"), BYTES("OLD=1") };
	struct tracer_bytes child[] = { BYTES("PATH=/usr/bin:/bin"), BYTES("HOME=/root"),
					BYTES("NEW=a b"), BYTES("X=\n") };
	struct tracer_bytes again[] = { BYTES("PATH=/usr/bin:/bin"), BYTES("HOME=/root"),
					BYTES("NEW=a b"), BYTES("X=\n") };
	struct envdiff *d = envdiff_new();

	cr_assert_not_null(d);
	/* The first environment: whole, once. */
	EXPECT_ENV(env_text(d, 10, 1, 0, parent, N(parent)), " env: +HOME=/root +OLD=1 +PATH=/bin");
	EXPECT_ENV(env_text(d, 20, 10, 0, child, N(child)),
		   " env: +'NEW=a b' -OLD +PATH=/usr/bin:/bin +$'X=\\n'");
	/* The same process again (an exec chain): against its own last exec. */
	EXPECT_ENV(env_text(d, 20, 10, 0, again, N(again)), "");
	envdiff_free(d);
}

/*
 * The children of a shell all start with what it exports: the first child
 * shows the change against the shell's exec, the next ones compare with
 * what their sibling started with and show only what differs from it.
 */
Test(envdiff, children_do_not_repeat_the_same_change)
{
	struct tracer_bytes shell[] = { BYTES("HOME=/root"), BYTES("PATH=/bin") };
	struct tracer_bytes exported[] = { BYTES("HOME=/root"), BYTES("PATH=/bin"), BYTES("FOO=1"),
					   BYTES("SHLVL=2") };
	struct tracer_bytes other[] = { BYTES("HOME=/root"), BYTES("PATH=/bin"), BYTES("FOO=1"),
					BYTES("SHLVL=2"), BYTES("X=2") };
	struct envdiff *d = envdiff_new();

	free(env_text(d, 10, 1, 0, shell, N(shell)));
	EXPECT_ENV(env_text(d, 11, 10, 0, exported, N(exported)), " env: +FOO=1 +SHLVL=2");
	EXPECT_ENV(env_text(d, 12, 10, 0, exported, N(exported)), "");
	EXPECT_ENV(env_text(d, 13, 10, 0, other, N(other)), " env: +X=2");
	EXPECT_ENV(env_text(d, 14, 10, 0, exported, N(exported)), " env: -X");
	/* A grandchild compares with its own parent (13), not with the shell. */
	EXPECT_ENV(env_text(d, 20, 13, 0, other, N(other)), "");
	/* The shell runs another program: its children have not been seen yet. */
	EXPECT_ENV(env_text(d, 10, 1, 0, other, N(other)), " env: +FOO=1 +SHLVL=2 +X=2");
	EXPECT_ENV(env_text(d, 15, 10, 0, shell, N(shell)), " env: -FOO -SHLVL -X");
	envdiff_free(d);
}

/* A process whose parent's exec was not seen: against the first environment, not whole again. */
Test(envdiff, orphans_against_the_first_environment)
{
	struct tracer_bytes first[] = { BYTES("HOME=/root"), BYTES("PATH=/bin") };
	struct tracer_bytes later[] = { BYTES("HOME=/root"), BYTES("PATH=/usr/bin") };
	struct envdiff *d = envdiff_new();

	EXPECT_ENV(env_text(d, 10, 1, 0, first, N(first)), " env: +HOME=/root +PATH=/bin");
	EXPECT_ENV(env_text(d, 500, 400, 0, later, N(later)), " env: +PATH=/usr/bin");
	EXPECT_ENV(env_text(d, 600, 401, 0, first, N(first)), "");
	envdiff_free(d);
}

Test(envdiff, failed_exec_not_remembered)
{
	struct tracer_bytes parent[] = { BYTES("A=1") };
	struct tracer_bytes tried[] = { BYTES("A=2") };
	struct envdiff *d = envdiff_new();

	free(env_text(d, 10, 1, 0, parent, N(parent)));
	EXPECT_ENV(env_text(d, 20, 10, -2, tried, N(tried)), " env: +A=2");
	/* The failed attempt changed nothing: the next one compares with the parent. */
	EXPECT_ENV(env_text(d, 20, 10, -2, tried, N(tried)), " env: +A=2");
	EXPECT_ENV(env_text(d, 20, 10, 0, tried, N(tried)), " env: +A=2");
	envdiff_free(d);
}

Test(envdiff, forgotten_at_exit)
{
	struct tracer_bytes env[] = { BYTES("A=1") };
	struct tracer_event exit_ev = { .sz = sizeof(exit_ev), .type = TRACER_EVENT_EXIT };
	struct envdiff *d = envdiff_new();
	FILE *null = fopen("/dev/null", "w");

	struct tracer_bytes other[] = { BYTES("A=2") };

	free(env_text(d, 10, 1, 0, env, N(env)));
	free(env_text(d, 11, 1, 0, other, N(other)));
	exit_ev.exit.pid = 11;
	exit_ev.exit.comm = (struct tracer_bytes)BYTES("x");
	cr_assert_eq(writer_write(&text_writer, null, d, 0, &exit_ev), 0);
	/* 11 is gone: its child compares with the first environment. */
	EXPECT_ENV(env_text(d, 20, 11, 0, other, N(other)), " env: +A=2");
	fclose(null);
	envdiff_free(d);
}

Test(envdiff, truncated_shows_no_removals)
{
	struct tracer_bytes parent[] = { BYTES("A=1"), BYTES("B=2") };
	struct tracer_bytes cut[] = { BYTES("A=3") };
	struct tracer_event ev;
	struct envdiff *d = envdiff_new();
	char *s;

	free(env_text(d, 10, 1, 0, parent, N(parent)));
	ev = example();
	ev.exec.pid = 20;
	ev.exec.ppid = 10;
	ev.exec.env_captured = true;
	ev.exec.env_truncated = true;
	ev.exec.env = cut;
	ev.exec.envc = 1;
	ev.exec.total_envc = 2;
	s = write_as(FORMAT_TEXT, d, &ev);
	cr_expect_not_null(strstr(s, " env(truncated): +A=3 argv:"), "%s", s);
	free(s);
	envdiff_free(d);
}

Test(envdiff, bounded)
{
	struct tracer_bytes env[] = { BYTES("A=1") };
	struct envdiff *d = envdiff_new();
	uint32_t pid;

	struct tracer_bytes other[] = { BYTES("A=2") };

	/* More processes than remembered: the oldest go first. */
	free(env_text(d, 1, 0, 0, other, N(other)));
	for (pid = 2; pid <= 2 * ENVDIFF_MAX_PROCS + 10; pid++)
		free(env_text(d, pid, 0, 0, env, N(env)));
	/* 2 is forgotten: against the first environment, A=2. */
	EXPECT_ENV(env_text(d, 100000, 2, 0, env, N(env)), " env: +A=1");
	EXPECT_ENV(env_text(d, 100001, 2 * ENVDIFF_MAX_PROCS + 10, 0, env, N(env)), "");
	envdiff_free(d);
}

Test(envdiff, no_memory_given)
{
	struct tracer_bytes env[] = { BYTES("A=1") };

	EXPECT_ENV(env_text(NULL, 10, 1, 0, env, N(env)), " envc=1");
}
