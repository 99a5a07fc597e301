// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * An exec as the --tui list keeps it (tui_render.h): nothing is written out
 * at the event, and what is written when it is drawn is what was written at
 * the event before (the strings below are main's before the change, made by
 * its tui_render_exec() from these events), also once the parents'
 * context has moved on: the line's context and the --env changes are
 * decided at the event.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "envdiff.h"
#include "parentctx.h"
#include "tui_list.h"
#include "tui_render.h"

#define BYTES(s)                                 \
	{                                        \
		.ptr = (s), .len = sizeof(s) - 1 \
	}
#define PATH(s)                                            \
	{                                                  \
		.path = { (s), sizeof(s) - 1 }, .flags = 0 \
	}

static struct tracer_bytes argv_make[] = { BYTES("make"), BYTES("-j2") };
static struct tracer_bytes argv_cc[] = { BYTES("cc"), BYTES("-c"), BYTES("a b.c") };
static struct tracer_bytes argv_missing[] = { BYTES("missing"), BYTES("$HOME") };
static struct tracer_bytes argv_true[] = { BYTES("true"), BYTES("walk") };
static struct tracer_bytes env_make[] = { BYTES("A=1"), BYTES("B=2") };
static struct tracer_bytes env_cc[] = { BYTES("A=1"), BYTES("C=3") };

static struct tracer_event exec_event(uint32_t pid, uint32_t ppid, struct tracer_bytes *argv,
				      uint32_t argc, const char *filename, const char *cwd,
				      int32_t ret)
{
	struct tracer_event ev = {
		.sz = sizeof(ev),
		.type = TRACER_EVENT_EXEC,
		.ts_ns = 1000000000ull + pid * 1000000ull,
		.exec = {
			.pid = pid,
			.tid = pid,
			.ppid = ppid,
			.uid = 1000,
			.gid = 1000,
			.ret = ret,
			.syscall_nr = TRACER_SYSCALL_EXECVE,
			.comm = BYTES("sh"),
			.filename = { filename, strlen(filename) },
			.argc = argc,
			.argv = argv,
			.total_argc = argc,
			.total_argv_bytes = 12,
			.cwd = { .path = { cwd, strlen(cwd) } },
			.exe = ret ? (struct tracer_path){ 0 } : (struct tracer_path){ .path = { filename, strlen(filename) } },
			.stdio = {
				{ .kind = TRACER_FD_PATH, .path = PATH("/dev/pts/3") },
				{ .kind = TRACER_FD_PATH, .path = PATH("/dev/pts/3") },
				{ .kind = TRACER_FD_PATH, .path = PATH("/dev/pts/3") },
			},
			.euid = 1000,
			.egid = 1000,
		},
	};

	return ev;
}

/* The run's execs, in order; with_env: their environments captured. */
static void run_events(struct tracer_event evs[4], bool with_env)
{
	evs[0] = exec_event(10, 1, argv_make, 2, "/usr/bin/make", "/src", 0);
	evs[1] = exec_event(20, 10, argv_cc, 3, "/usr/bin/cc", "/src", 0);
	evs[1].exec.stdio[1] = (struct tracer_fd){ .kind = TRACER_FD_PIPE, .ino = 4242 };
	evs[2] = exec_event(21, 10, argv_missing, 2, "/no/such/missing", "/src/sub", -2);
	evs[3] = exec_event(22, 10, argv_true, 2, "/bin/true", "/src", 0);
	if (with_env) {
		evs[0].exec.env_captured = evs[1].exec.env_captured = true;
		evs[0].exec.env = env_make;
		evs[1].exec.env = env_cc;
		evs[0].exec.envc = evs[1].exec.envc = 2;
		evs[0].exec.total_envc = evs[1].exec.total_envc = 2;
	}
}

/* What main's tui_render_exec() made at the event from these, before the text was made when drawn. */
static const char *const gold_line[2][4] = {
	{
		"0.010000 10      make -j2  cwd=/src",
		"0.020000 20      cc -c 'a b.c'  >pipe:[4242]",
		"0.021000 21      missing '$HOME'  failed: ENOENT  cwd=/src/sub",
		"0.022000 22      true walk  (after 2 failed PATH lookups)",
	},
	{
		"0.010000 10      make -j2  cwd=/src",
		"0.020000 20      cc -c 'a b.c'  >pipe:[4242]",
		"0.021000 21      missing '$HOME'  failed: ENOENT  cwd=/src/sub",
		"0.022000 22      true walk  (after 2 failed PATH lookups)",
	},
};

static const char *const gold_details[2][4] = {
	{
		"pid          10\n"
		"ppid         1\n"
		"argv         make\n"
		"             -j2\n"
		"filename     /usr/bin/make\n"
		"cwd          /src\n"
		"exe          /usr/bin/make\n"
		"stdin        /dev/pts/3\n"
		"stdout       /dev/pts/3\n"
		"stderr       /dev/pts/3\n"
		"uid          1000\n"
		"euid         1000\n",
		"pid          20\n"
		"ppid         10\n"
		"argv         cc\n"
		"             -c\n"
		"             'a b.c'\n"
		"filename     /usr/bin/cc\n"
		"cwd          /src\n"
		"exe          /usr/bin/cc\n"
		"stdin        /dev/pts/3\n"
		"stdout       pipe:[4242]\n"
		"stderr       /dev/pts/3\n"
		"uid          1000\n"
		"euid         1000\n",
		"pid          21\n"
		"ppid         10\n"
		"ret          -2 (ENOENT)\n"
		"argv         missing\n"
		"             '$HOME'\n"
		"filename     /no/such/missing\n"
		"cwd          /src/sub\n"
		"stdin        /dev/pts/3\n"
		"stdout       /dev/pts/3\n"
		"stderr       /dev/pts/3\n"
		"uid          1000\n"
		"euid         1000\n",
		"pid          22\n"
		"ppid         10\n"
		"argv         true\n"
		"             walk\n"
		"filename     /bin/true\n"
		"cwd          /src\n"
		"exe          /bin/true\n"
		"stdin        /dev/pts/3\n"
		"stdout       /dev/pts/3\n"
		"stderr       /dev/pts/3\n"
		"uid          1000\n"
		"euid         1000\n",
	},
	{
		"pid          10\n"
		"ppid         1\n"
		"argv         make\n"
		"             -j2\n"
		"filename     /usr/bin/make\n"
		"cwd          /src\n"
		"exe          /usr/bin/make\n"
		"stdin        /dev/pts/3\n"
		"stdout       /dev/pts/3\n"
		"stderr       /dev/pts/3\n"
		"uid          1000\n"
		"euid         1000\n"
		"env           env: +A=1 +B=2\n",
		"pid          20\n"
		"ppid         10\n"
		"argv         cc\n"
		"             -c\n"
		"             'a b.c'\n"
		"filename     /usr/bin/cc\n"
		"cwd          /src\n"
		"exe          /usr/bin/cc\n"
		"stdin        /dev/pts/3\n"
		"stdout       pipe:[4242]\n"
		"stderr       /dev/pts/3\n"
		"uid          1000\n"
		"euid         1000\n"
		"env           env: -B +C=3\n",
		"pid          21\n"
		"ppid         10\n"
		"ret          -2 (ENOENT)\n"
		"argv         missing\n"
		"             '$HOME'\n"
		"filename     /no/such/missing\n"
		"cwd          /src/sub\n"
		"stdin        /dev/pts/3\n"
		"stdout       /dev/pts/3\n"
		"stderr       /dev/pts/3\n"
		"uid          1000\n"
		"euid         1000\n",
		"pid          22\n"
		"ppid         10\n"
		"argv         true\n"
		"             walk\n"
		"filename     /bin/true\n"
		"cwd          /src\n"
		"exe          /bin/true\n"
		"stdin        /dev/pts/3\n"
		"stdout       /dev/pts/3\n"
		"stderr       /dev/pts/3\n"
		"uid          1000\n"
		"euid         1000\n",
	},
};

static const char *const gold_sh[2][4] = {
	{
		"(cd -P -- /src || exit; exec -a make -- /usr/bin/make -j2)",
		"(cd -P -- /src || exit; exec -a cc -- /usr/bin/cc -c 'a b.c')",
		"# failed: ENOENT: (cd -P -- /src/sub || exit; exec -a missing -- /no/such/missing '$HOME')",
		"(cd -P -- /src || exit; exec -a true -- /bin/true walk)",
	},
	{
		"(cd -P -- /src || exit; IFS=$' \\t\\n'; unset -v $(compgen -e); A=1 B=2 exec -a make -- /usr/bin/make -j2)",
		"(cd -P -- /src || exit; IFS=$' \\t\\n'; unset -v $(compgen -e); A=1 C=3 exec -a cc -- /usr/bin/cc -c 'a b.c')",
		"# failed: ENOENT: (cd -P -- /src/sub || exit; exec -a missing -- /no/such/missing '$HOME')",
		"(cd -P -- /src || exit; exec -a true -- /bin/true walk)",
	},
};

/* The run kept as the list keeps it; then every process of it exits. */
static void keep_run(struct tui_render *r, struct tui_list *l, bool with_env)
{
	struct tracer_event evs[4];
	struct tui_exec x;
	int i;

	run_events(evs, with_env);
	for (i = 0; i < 4; i++) {
		cr_assert_eq(tui_render_exec(r, &evs[i], i == 3 ? 2 : 0, &x), 0);
		cr_assert_eq(tui_list_add(l, &x), 0);
	}
	for (i = 0; i < 4; i++)
		tui_render_exit(r, evs[i].exec.pid);
}

static void render_new(struct tui_render *r, bool with_env)
{
	*r = (struct tui_render){ .time = TIME_REL, .start_ns = 1000000000ull };
	r->parents = parentctx_new();
	r->env = with_env ? envdiff_new() : NULL;
	cr_assert(r->parents && (!with_env || r->env));
}

static void render_free(struct tui_render *r)
{
	tui_render_free(r);
	parentctx_free(r->parents);
	envdiff_free(r->env);
}

Test(tui_render, the_text_drawn_is_the_text_made_at_the_event_before)
{
	int env, i;

	for (env = 0; env < 2; env++) {
		struct tui_list *l = tui_list_new(100, 0);
		struct tui_render r;

		render_new(&r, env);
		keep_run(&r, l, env);
		cr_assert_eq(r.n_made, 0, "text made at the events");
		/* The last first: each as it was, whatever came after it. */
		for (i = 3; i >= 0; i--) {
			const struct tui_exec *e = tui_list_get(l, (uint64_t)i);

			cr_assert_str_eq(tui_render_line(&r, e), gold_line[env][i]);
			cr_assert_str_eq(tui_render_details(&r, e), gold_details[env][i]);
			cr_assert_str_eq(tui_render_sh(&r, e), gold_sh[env][i]);
		}
		tui_list_free(l);
		render_free(&r);
	}
}

Test(tui_render, search_finds_the_command_line_filename_and_cwd_as_shown)
{
	static const struct {
		const char *needle;
		bool found[4];
	} cases[] = {
		{ "cc -c 'a b.c'", { false, true, false, false } },
		{ "-c a b", { false, false, false, false } }, /* shown quoted */
		{ "/usr/bin/", { true, true, false, false } },
		{ "/src/sub", { false, false, true, false } },
		{ "'$HOME'", { false, false, true, false } },
		{ "/src", { true, true, true, true } },
		{ "walk", { false, false, false, true } },
		{ "A=1", { false, false, false, false } }, /* the environment is not searched */
	};
	struct tui_list *l = tui_list_new(100, 0);
	struct tui_render r;
	size_t c;
	int i;

	render_new(&r, true);
	keep_run(&r, l, true);
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (i = 0; i < 4; i++)
			cr_assert_eq(tui_exec_matches(tui_list_get(l, (uint64_t)i),
						      cases[c].needle),
				     cases[c].found[i], "%s in exec %d", cases[c].needle, i);
	}
	tui_list_free(l);
	render_free(&r);
}

Test(tui_render, a_text_is_made_once_while_it_is_drawn)
{
	struct tui_list *l = tui_list_new(100, 0);
	struct tui_render r;

	render_new(&r, false);
	keep_run(&r, l, false);
	tui_render_line(&r, tui_list_get(l, 1));
	tui_render_line(&r, tui_list_get(l, 1));
	cr_assert_eq(r.n_made, 1);
	tui_render_details(&r, tui_list_get(l, 1));
	tui_render_details(&r, tui_list_get(l, 1));
	tui_render_sh(&r, tui_list_get(l, 1));
	cr_assert_eq(r.n_made, 3);
	/* Another exec's details: made, the first's made again when it comes back. */
	tui_render_details(&r, tui_list_get(l, 2));
	tui_render_details(&r, tui_list_get(l, 1));
	cr_assert_eq(r.n_made, 5);
	tui_list_free(l);
	render_free(&r);
}
