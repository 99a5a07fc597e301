// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The breakpoints of --tui (src/cli/tui_breaks.h) over a real handle with
 * stop_at_dynamic: patterns added and removed while running stop the next
 * exec or no longer do; the stopped process is listed with its command line
 * and pattern, then continued, killed, let go at the end or forgotten at its
 * exit; gdb is offered where it can run (a private tmux server), else the
 * reason.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <criterion/criterion.h>
#include <tracer/tracer.h>
#include "held.h"
#include "tui_breaks.h"

struct run {
	struct tracer *t;
	struct tui_breaks *b;
	size_t stops; /* stop events seen */
};

static struct run run;
static char err[256];

static int feed(void *ctx, const struct tracer_event *ev)
{
	struct run *r = ctx;

	if (ev->type == TRACER_EVENT_STOP)
		r->stops++;
	if (r->b)
		tui_breaks_event(r->b, ev);
	return 0;
}

/* A handle on the test's process and its children, every event, the module over it. */
static void start(void)
{
	static uint32_t self;
	struct tracer_options o;
	int ret;

	self = (uint32_t)getpid();
	tracer_options_init(&o);
	o.pids = &self;
	o.n_pids = 1;
	o.events = TRACER_EVENTS_ALL;
	o.stop_at_dynamic = true;
	o.on_event = feed;
	o.ctx = &run;
	memset(&run, 0, sizeof(run));
	ret = tracer_create(&o, &run.t);
	cr_assert_eq(ret, 0, "tracer_create: %s", tracer_last_error(NULL));
	run.b = tui_breaks_new(run.t, NULL, 0);
	cr_assert_not_null(run.b);
	ret = tracer_start(run.t);
	cr_assert_eq(ret, 0, "tracer_start: %s", tracer_last_error(run.t));
}

static void finish(void)
{
	tui_breaks_free(run.b);
	run.b = NULL;
	tracer_destroy(run.t);
}

static char *argv_true[] = { "/bin/true", "tui breaks", "a'b", NULL };
#define CMDLINE_TRUE "/bin/true 'tui breaks' 'a'\\''b'"

/* The children stopped and not reaped yet: a failed test must not leave them frozen. */
static pid_t unreaped[TUI_BREAKS_HELD_MAX + 8];
static size_t n_unreaped;

/* Starts /bin/true (argv_true) in scope; returns its pid once it stopped or ended (status). */
static pid_t run_true(int *status)
{
	struct held h = held_exec(argv_true);

	held_release(&h);
	cr_assert_eq(waitpid(h.pid, status, WUNTRACED), h.pid);
	if (WIFSTOPPED(*status) && n_unreaped < sizeof(unreaped) / sizeof(unreaped[0]))
		unreaped[n_unreaped++] = h.pid;
	return h.pid;
}

static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_not_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	p = strrchr(buf, ')');
	cr_assert(p && p[1] == ' ');
	return p[2];
}

static size_t want_stopped;

static bool all_stops_seen(void *ctx)
{
	return ((struct run *)ctx)->stops >= want_stopped;
}

static bool n_stopped_is(void *ctx)
{
	return tui_breaks_n_stopped(((struct run *)ctx)->b) == want_stopped;
}

/* Polls the handle until the module holds n processes. */
static void poll_until_held(size_t n)
{
	want_stopped = n;
	held_poll_until(run.t, n_stopped_is, &run, "the list of stopped processes");
}

/* A run of /bin/true that the pattern stops: held, listed; its pid. */
static pid_t stopped_true(void)
{
	int status;
	pid_t pid = run_true(&status);

	cr_assert(WIFSTOPPED(status), "not stopped: status 0x%x", status);
	cr_assert_eq(proc_state(pid), 'T');
	poll_until_held(tui_breaks_n_stopped(run.b) + 1);
	return pid;
}

static int reap(pid_t pid)
{
	size_t i;
	int status;

	cr_assert_eq(waitpid(pid, &status, 0), pid);
	for (i = 0; i < n_unreaped; i++)
		if (unreaped[i] == pid)
			unreaped[i] = unreaped[--n_unreaped];
	return status;
}

/* tmux -S sock ARGS... (a private server); its standard output into out (may be NULL). */
static int tmux(const char *sock, const char *args, char *out, size_t outlen)
{
	char cmd[512];
	size_t n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "tmux -S %s -f /dev/null %s", sock, args);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	if (out) {
		n = fread(out, 1, outlen - 1, p);
		out[n] = '\0';
	}
	return pclose(p);
}

static char tmux_dir[] = "/tmp/tracer-tui-breaks-XXXXXX", tmux_sock[64];

/*
 * Whatever a test's end (a failed assertion ends its worker): its stopped
 * children (unreaped, so their pids are still theirs) and the private tmux
 * server go.
 */
static void leftovers(void)
{
	size_t i;

	for (i = 0; i < n_unreaped; i++) {
		kill(unreaped[i], SIGKILL);
		waitpid(unreaped[i], NULL, 0);
	}
	n_unreaped = 0;
	if (!tmux_sock[0])
		return;
	tmux(tmux_sock, "kill-server 2>/dev/null", NULL, 0);
	unlink(tmux_sock);
	rmdir(tmux_dir);
}

TestSuite(tui_breaks, .fini = leftovers);

Test(tui_breaks, a_pattern_added_stops_continue_resumes_and_removed_stops_no_more)
{
	const struct tui_stopped *s;
	int status;
	pid_t pid;

	start();
	cr_assert_eq(tui_breaks_count(run.b), 0);
	pid = run_true(&status);
	cr_assert(WIFEXITED(status) && !WEXITSTATUS(status), "no pattern, yet status 0x%x", status);

	cr_assert_eq(tui_breaks_add(run.b, "*/true", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tui_breaks_count(run.b), 1);
	cr_assert_str_eq(tui_breaks_pattern(run.b, 0), "*/true");
	pid = stopped_true();
	s = tui_breaks_stopped(run.b, 0);
	cr_assert_not_null(s);
	cr_assert_eq(s->pid, pid);
	cr_assert_str_eq(s->cmdline, CMDLINE_TRUE);
	cr_assert_str_eq(s->pattern, "*/true");
	cr_assert_gt(s->ts_ns, 0);

	cr_assert_eq(tui_breaks_continue(run.b, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tui_breaks_n_stopped(run.b), 0);
	status = reap(pid);
	cr_assert(WIFEXITED(status) && !WEXITSTATUS(status), "continued, status 0x%x", status);

	cr_assert_eq(tui_breaks_remove(run.b, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tui_breaks_count(run.b), 0);
	pid = run_true(&status);
	cr_assert(WIFEXITED(status) && !WEXITSTATUS(status), "removed, yet status 0x%x", status);
	cr_assert_eq(tracer_stop(run.t), 0);
	cr_assert_eq(run.stops, 1, "%zu stop events, want 1", run.stops);
	cr_assert_eq(tui_breaks_n_stopped(run.b), 0);
	finish();
}

Test(tui_breaks, a_stop_names_its_pattern_from_the_set_it_matched_in)
{
	size_t i;
	int status;
	pid_t pid;

	start();
	cr_assert_eq(tui_breaks_add(run.b, "*/false", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tui_breaks_add(run.b, "tr?e", err, sizeof(err)), 0, "%s", err);
	pid = run_true(&status);
	cr_assert(WIFSTOPPED(status));
	/* Changed before the stop event is read: it still names "tr?e", index 1 of its set. */
	cr_assert_eq(tui_breaks_remove(run.b, 1, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tui_breaks_add(run.b, "other", err, sizeof(err)), 0, "%s", err);
	/* Ten sets more: the library names the last 8 sets' patterns, the view more. */
	for (i = 0; i < 5; i++) {
		cr_assert_eq(tui_breaks_add(run.b, "again", err, sizeof(err)), 0, "%s", err);
		cr_assert_eq(tui_breaks_remove(run.b, 2, err, sizeof(err)), 0, "%s", err);
	}
	poll_until_held(1);
	cr_assert_str_eq(tui_breaks_stopped(run.b, 0)->pattern, "tr?e");
	cr_assert_str_eq(tui_breaks_pattern(run.b, 1), "other");
	cr_assert_eq(tui_breaks_continue(run.b, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(WEXITSTATUS(reap(pid)), 0);
	finish();
}

Test(tui_breaks, kill_ends_the_stopped_process_by_sigkill)
{
	int status;
	pid_t pid;

	start();
	cr_assert_eq(tui_breaks_add(run.b, "true", err, sizeof(err)), 0, "%s", err);
	pid = stopped_true();
	cr_assert_eq(tui_breaks_kill(run.b, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tui_breaks_n_stopped(run.b), 0);
	status = reap(pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status 0x%x", status);
	finish();
}

Test(tui_breaks, free_continues_what_is_still_held)
{
	int status;
	pid_t pid;

	start();
	cr_assert_eq(tui_breaks_add(run.b, "*/true", err, sizeof(err)), 0, "%s", err);
	pid = stopped_true();
	finish();
	status = reap(pid);
	cr_assert(WIFEXITED(status) && !WEXITSTATUS(status), "status 0x%x", status);
}

Test(tui_breaks, a_process_that_ends_otherwise_leaves_the_list_at_its_exit)
{
	pid_t pid;

	start();
	cr_assert_eq(tui_breaks_add(run.b, "*/true", err, sizeof(err)), 0, "%s", err);
	pid = stopped_true();
	cr_assert_eq(kill(pid, SIGKILL), 0);
	reap(pid);
	poll_until_held(0);
	cr_assert_eq(tui_breaks_continue(run.b, 0, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "no stopped process 1");
	finish();
}

Test(tui_breaks, a_bad_pattern_is_refused_with_one_line_and_the_set_kept)
{
	static const char *const seven[] = { "1", "2", "3", "4", "5", "6", "7" };
	size_t i;
	pid_t pid;

	start();
	cr_assert_eq(tui_breaks_add(run.b, "[unterminated", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "invalid stop pattern '[unterminated': unterminated '['");
	cr_assert_eq(tui_breaks_count(run.b), 0);
	cr_assert_eq(tui_breaks_add(run.b, "", err, sizeof(err)), -1);
	cr_assert_neq(err[0], '\0');
	cr_assert_null(strchr(err, '\n'));
	cr_assert_eq(tui_breaks_add(run.b, "true", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tui_breaks_add(run.b, "true", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "'true' is already a stop pattern");
	for (i = 0; i < 7; i++)
		cr_assert_eq(tui_breaks_add(run.b, seven[i], err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tui_breaks_add(run.b, "9", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "too many stop patterns (9, at most 8)");
	cr_assert_eq(tui_breaks_remove(run.b, 8, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "no stop pattern 9");
	cr_assert_eq(tui_breaks_count(run.b), 8);
	/* The set the kernel has is still the eight: true stops. */
	pid = stopped_true();
	cr_assert_eq(tui_breaks_continue(run.b, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(WEXITSTATUS(reap(pid)), 0);
	finish();
}

Test(tui_breaks, debug_without_a_pane_nor_tmux_says_what_to_do)
{
	char want[256];
	pid_t pid;

	unsetenv("TMUX");
	start();
	cr_assert_eq(tui_breaks_add(run.b, "true", err, sizeof(err)), 0, "%s", err);
	pid = stopped_true();
	cr_assert_eq(tui_breaks_debug(run.b, 0, NULL, err, sizeof(err)), -1);
	snprintf(
		want, sizeof(want),
		"there is no command's pane and tracer is not inside tmux: run gdb -p %d in another terminal",
		(int)pid);
	cr_assert_str_eq(err, want);
	/* Still held, still stopped. */
	cr_assert_eq(tui_breaks_n_stopped(run.b), 1);
	cr_assert_eq(proc_state(pid), 'T');
	cr_assert_eq(tui_breaks_continue(run.b, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(WEXITSTATUS(reap(pid)), 0);
	finish();
}

Test(tui_breaks, debug_inside_tmux_opens_a_gdb_window)
{
	char *sock = tmux_dir, *path = tmux_sock, windows[1024], want[64];
	pid_t pid;

	if (system("command -v tmux >/dev/null 2>&1"))
		cr_skip_test("tmux is not installed");
	cr_assert_not_null(mkdtemp(sock));
	snprintf(path, sizeof(tmux_sock), "%s/sock", sock);
	cr_assert_eq(tmux(path, "new-session -d -s breaks -x 80 -y 24", NULL, 0), 0);
	/* The window stays when gdb is done, for list-windows to see it. */
	cr_assert_eq(tmux(path, "set-option -g remain-on-exit on", NULL, 0), 0);
	/* What a tmux client finds its server by: the socket's path first. */
	snprintf(windows, sizeof(windows), "%s,1,0", path);
	setenv("TMUX", windows, 1);

	start();
	cr_assert_eq(tui_breaks_add(run.b, "true", err, sizeof(err)), 0, "%s", err);
	pid = stopped_true();
	cr_assert_eq(tui_breaks_debug(run.b, 0, NULL, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tmux(path, "list-windows -F '#{window_name}:#{pane_start_command}'", windows,
			  sizeof(windows)),
		     0);
	snprintf(want, sizeof(want), "gdb %d:gdb -p %d\n", (int)pid, (int)pid);
	cr_assert_not_null(strstr(windows, want), "no '%s' in:\n%s", want, windows);
	/* The process stays listed: continue or kill it once gdb is done with it. */
	cr_assert_eq(tui_breaks_n_stopped(run.b), 1);

	tmux(path, "kill-server", NULL, 0);
	unsetenv("TMUX");
	cr_assert_eq(tui_breaks_kill(run.b, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert(WIFSIGNALED(reap(pid)));
	finish();
}

Test(tui_breaks, a_flood_of_stops_is_bounded_and_counted)
{
	pid_t pids[TUI_BREAKS_HELD_MAX + 3];
	size_t i, n = TUI_BREAKS_HELD_MAX + 3;
	int status;

	start();
	cr_assert_eq(tui_breaks_add(run.b, "true", err, sizeof(err)), 0, "%s", err);
	for (i = 0; i < n; i++)
		pids[i] = run_true(&status);
	poll_until_held(TUI_BREAKS_HELD_MAX);
	/* The last stops are read after the list filled: each goes on at once, counted. */
	want_stopped = n;
	held_poll_until(run.t, all_stops_seen, &run, "every stop event");
	cr_assert_eq(tui_breaks_n_stopped(run.b), TUI_BREAKS_HELD_MAX);
	cr_assert_eq(tui_breaks_n_dropped(run.b), 3);
	for (i = TUI_BREAKS_HELD_MAX; i < n; i++)
		cr_assert_eq(WEXITSTATUS(reap(pids[i])), 0);
	for (i = 0; i < TUI_BREAKS_HELD_MAX; i++)
		cr_assert_eq(proc_state(pids[i]), 'T');
	finish();
	for (i = 0; i < TUI_BREAKS_HELD_MAX; i++)
		cr_assert_eq(WEXITSTATUS(reap(pids[i])), 0);
}
