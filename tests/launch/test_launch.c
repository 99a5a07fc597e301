// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Launch mode end to end: tracer [OPTIONS] -- COMMAND, with real processes in
 * the running kernel (as root).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>

#include "harness.h"

#define NOBODY 65534

static void setup(void)
{
	h_setup();
	H_REQUIRE();
}

TestSuite(launch, .init = setup, .fini = h_teardown, .timeout = 60);

static struct h_run r;

/* Runs tracer to completion (timeout in seconds). */
static void run_tracer(const char *const *args, const struct h_run_opts *opts, double timeout)
{
	h_run_start(args, opts, &r);
	h_run_wait(&r, timeout);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* No "lost" record, and the summary says 0 lost. */
static void assert_nothing_lost(const struct h_json *ev)
{
	size_t i;

	for (i = 0; i < ev->n; i++)
		cr_assert_str_eq(h_json_str(ev->ev[i], "type"), "exec", "%s",
				 json_object_to_json_string(ev->ev[i]));
	cr_assert_not_null(strstr(r.err, " 0 lost, "), "stderr: %s", r.err);
}

Test(launch, first_event_is_the_command_exec)
{
	static const char *const sh_argv[] = { "/bin/sh", "-c", "/bin/true x" };
	static const char *const true_argv[] = { "/bin/true", "x" };
	const char *marker = "tracer-launch-control-5f3a9";
	const char *events = h_path("events.json");
	struct h_json ev;
	pid_t control;

	/* A process outside the scope keeps executing /bin/true during the whole run. */
	control = h_control_loop_start(marker);
	run_tracer(ARGS("--json", "-o", events, "--", "/bin/sh", "-c", "/bin/true x"), NULL, 30);
	h_control_loop_stop(control);

	cr_assert_eq(r.status, 0, "status %d, stderr: %s", r.status, r.err);
	h_json_load(&ev, events);
	cr_assert_eq(ev.n, 2, "%zu events: %s", ev.n, h_read_file(events, NULL));
	assert_nothing_lost(&ev);

	/* The child tracer started executes /bin/sh: it is the first event. */
	cr_assert_str_eq(h_json_str(ev.ev[0], "filename"), "/bin/sh");
	cr_assert(h_json_argv_is(ev.ev[0], 3, sh_argv));
	cr_assert_eq(h_json_int(ev.ev[0], "ppid"), r.pid);
	cr_assert_str_eq(h_json_str(ev.ev[0], "comm"), "tracer");
	cr_assert_eq(h_json_int(ev.ev[0], "ret"), 0);
	cr_assert_eq(h_json_int(ev.ev[0], "uid"), 0);

	/* Then sh executes /bin/true x, as its child. */
	cr_assert_str_eq(h_json_str(ev.ev[1], "filename"), "/bin/true");
	cr_assert(h_json_argv_is(ev.ev[1], 2, true_argv));
	cr_assert_eq(h_json_int(ev.ev[1], "ppid"), h_json_int(ev.ev[0], "pid"));
	cr_assert_str_eq(h_json_str(ev.ev[1], "comm"), "sh");
	cr_assert_eq(h_json_int(ev.ev[1], "ret"), 0);

	cr_assert_not(h_json_mention(&ev, marker), "the control process was traced");
	/* Nothing on stdout: the command printed nothing, the events are in the file. */
	cr_assert_str_eq(r.out, "");
	h_json_free(&ev);
	h_run_free(&r);
}

Test(launch, exit_status_is_the_commands)
{
	run_tracer(ARGS("-o", h_path("events"), "--", "/bin/sh", "-c", "exit 7"), NULL, 30);
	cr_assert_eq(r.status, 7, "stderr: %s", r.err);
	h_run_free(&r);

	run_tracer(ARGS("-o", h_path("events"), "--", "/bin/true"), NULL, 30);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	h_run_free(&r);

	/* Killed by SIGTERM: 128 + 15. */
	run_tracer(ARGS("-o", h_path("events"), "--", "/bin/sh", "-c", "kill -TERM $$"), NULL, 30);
	cr_assert_eq(r.status, 143, "stderr: %s", r.err);
	h_run_free(&r);
}

/* Every exec event of the file ran with uid and gid. */
static void assert_events_ran_as(const char *path, size_t expected, long long uid, long long gid)
{
	struct h_json ev;
	size_t i;

	h_json_load(&ev, path);
	cr_assert_eq(ev.n, expected, "%zu events: %s", ev.n, h_read_file(path, NULL));
	for (i = 0; i < ev.n; i++) {
		cr_assert_eq(h_json_int(ev.ev[i], "uid"), uid, "%s",
			     json_object_to_json_string(ev.ev[i]));
		cr_assert_eq(h_json_int(ev.ev[i], "gid"), gid, "%s",
			     json_object_to_json_string(ev.ev[i]));
		cr_assert_eq(h_json_int(ev.ev[i], "ret"), 0);
	}
	h_json_free(&ev);
}

static const struct passwd *nobody(void)
{
	const struct passwd *pw = getpwuid(NOBODY);

	if (!pw)
		cr_skip_test("no user with uid %d on this machine", NOBODY);
	return pw;
}

static const char *const id_script[] = {
	"--",
	"/bin/sh",
	"-c",
	"id -u; id -g; echo \"$HOME $USER $LOGNAME\"",
};

static void run_id(const char *user, const char *const *env)
{
	const char *args[12];
	struct h_run_opts opts = { .env = env };
	size_t n = 0, i;

	args[n++] = "--json";
	args[n++] = "-o";
	args[n++] = h_path("events.json");
	if (user) {
		args[n++] = "-u";
		args[n++] = user;
	}
	for (i = 0; i < sizeof(id_script) / sizeof(id_script[0]); i++)
		args[n++] = id_script[i];
	args[n] = NULL;
	run_tracer(args, &opts, 30);
}

Test(launch, runs_as_the_sudo_user)
{
	static const char *const env[] = { "SUDO_UID=65534", "SUDO_GID=65534", "SUDO_USER=nobody",
					   NULL };
	const struct passwd *pw = nobody();
	char want[512];

	run_id(NULL, env);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	snprintf(want, sizeof(want), "65534\n65534\n%s %s %s\n", pw->pw_dir, pw->pw_name,
		 pw->pw_name);
	cr_assert_str_eq(r.out, want);
	/* sh, id, id: all executed as nobody. */
	assert_events_ran_as(h_path("events.json"), 3, NOBODY, NOBODY);
	h_run_free(&r);
}

Test(launch, user_option)
{
	static const char *const sudo_env[] = { "SUDO_UID=65534", "SUDO_GID=65534", NULL };
	const struct passwd *pw = nobody();
	char want[512];

	snprintf(want, sizeof(want), "65534\n%u\n%s %s %s\n", (unsigned int)pw->pw_gid, pw->pw_dir,
		 pw->pw_name, pw->pw_name);

	/* By name and by uid. */
	run_id(pw->pw_name, NULL);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_assert_str_eq(r.out, want);
	assert_events_ran_as(h_path("events.json"), 3, NOBODY, pw->pw_gid);
	h_run_free(&r);

	run_id("65534", NULL);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_assert_str_eq(r.out, want);
	h_run_free(&r);

	/*
	 * -u root runs as root, even through sudo. The events file is written
	 * for the sudo user, who may not take over root's file: a new one.
	 */
	unlink(h_path("events.json"));
	run_id("root", sudo_env);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_assert_str_eq(r.out, "0\n0\n/root root root\n");
	assert_events_ran_as(h_path("events.json"), 3, 0, 0);
	h_run_free(&r);

	/* Without sudo nor -u, the command runs as tracer does: root (the file is nobody's). */
	unlink(h_path("events.json"));
	run_id(NULL, NULL);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_assert_str_eq(r.out, "0\n0\n/root root root\n");
	h_run_free(&r);

	run_tracer(ARGS("-u", "tracer-no-such-user-x", "--", "/bin/true"), NULL, 30);
	cr_assert_eq(r.status, 2);
	cr_assert_str_eq(r.err, "tracer: unknown user 'tracer-no-such-user-x'\n");
	h_run_free(&r);
}

Test(launch, stdin_and_stdout_belong_to_the_command)
{
	const struct h_run_opts in = { .stdin_data = "hi\n" };
	const char *events = h_path("events.json");
	struct h_json ev;

	/* printf 'hi\n' | tracer -o F -- cat: the events are in F, stdout holds hi. */
	run_tracer(ARGS("--json", "-o", events, "--", "cat"), &in, 30);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_assert_str_eq(r.out, "hi\n");
	h_json_load(&ev, events);
	cr_assert_eq(ev.n, 1);
	/* Found through PATH by tracer: a single exec of the resolved path. */
	cr_assert_str_eq(h_json_str(ev.ev[0], "filename"), "/usr/bin/cat");
	h_json_free(&ev);
	h_run_free(&r);

	/* Without -o, the events go to stderr: stdout still holds only hi. */
	run_tracer(ARGS("--format", "kv", "--", "cat"), &in, 30);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_assert_str_eq(r.out, "hi\n");
	cr_assert_not_null(strstr(r.err, " filename=\"/usr/bin/cat\" "), "stderr: %s", r.err);
	cr_assert_not_null(strstr(r.err, "tracer: 1 event, 0 lost, "), "stderr: %s", r.err);
	h_run_free(&r);
}

Test(launch, command_not_found)
{
	const char *events = h_path("events.json");

	run_tracer(ARGS("--json", "-o", events, "--", "tracer-no-such-command-x", "arg"), NULL, 30);
	cr_assert_eq(r.status, 127);
	cr_assert_str_eq(r.err, "tracer: tracer-no-such-command-x: command not found\n");
	/* Not executed at all: no event, and no file (nothing is created before the checks). */
	cr_assert_neq(access(events, F_OK), 0, "%s was created", events);
	h_run_free(&r);

	/* A path that does not exist: the exec is tried, and fails with ENOENT. */
	run_tracer(ARGS("--json", "-o", events, "--", "/nonexistent/tracer-x"), NULL, 30);
	cr_assert_eq(r.status, 127);
	cr_assert_not_null(strstr(r.err,
				  "tracer: /nonexistent/tracer-x: No such file or directory\n"),
			   "stderr: %s", r.err);
	h_run_free(&r);
}

Test(launch, command_not_executable)
{
	const char *events = h_path("events.json");
	const char *script = h_path("not-executable");
	const char *words[2] = { script, "a" };
	struct h_json ev;
	char msg[512];
	int fd;

	fd = open(script, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "#!/bin/sh\necho ran\n", 19), 19);
	close(fd);

	run_tracer(ARGS("--json", "-o", events, "--", script, "a"), NULL, 30);
	cr_assert_eq(r.status, 126);
	snprintf(msg, sizeof(msg), "tracer: %s: Permission denied\n", script);
	cr_assert_not_null(strstr(r.err, msg), "stderr: %s", r.err);
	cr_assert_str_eq(r.out, "");

	/* The failed exec is reported, as it happened. */
	h_json_load(&ev, events);
	cr_assert_eq(ev.n, 1, "%s", h_read_file(events, NULL));
	cr_assert_str_eq(h_json_str(ev.ev[0], "filename"), script);
	cr_assert(h_json_argv_is(ev.ev[0], 2, words));
	cr_assert_eq(h_json_int(ev.ev[0], "ret"), -EACCES);
	cr_assert_str_eq(h_json_str(ev.ev[0], "errno"), "EACCES");
	h_json_free(&ev);
	h_run_free(&r);

	/* A directory. */
	run_tracer(ARGS("-o", events, "--", "/"), NULL, 30);
	cr_assert_eq(r.status, 126);
	cr_assert_not_null(strstr(r.err, "tracer: /: Is a directory\n"), "stderr: %s", r.err);
	h_run_free(&r);
}

Test(launch, no_watch_children)
{
	const char *events = h_path("events.json");
	struct h_json ev;

	run_tracer(ARGS("--json", "--no-watch-children", "-o", events, "--", "/bin/sh", "-c",
			"/bin/true x; /bin/true y"),
		   NULL, 30);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	h_json_load(&ev, events);
	cr_assert_eq(ev.n, 1, "%s", h_read_file(events, NULL));
	cr_assert_str_eq(h_json_str(ev.ev[0], "filename"), "/bin/sh");
	h_json_free(&ev);
	h_run_free(&r);
}

/* A daemon-like child outlives the command: "(sleep 2; echo late-MARK) & exit 5". */
static const char *const background[] = { "/bin/sh", "-c",
					  "(/bin/sleep 2; /bin/echo late-7c1e) & exit 5" };

Test(launch, stops_when_the_command_exits)
{
	const char *events = h_path("events.json");
	struct h_json ev;
	size_t i;
	pid_t sleeper = 0;
	/* Under emulation (h_slowdown()) the sleep and the bound grow alike. */
	int sleep_s = (int)(2 * h_slowdown());
	const char *cmd = h_str("(/bin/sleep %d; /bin/echo late-7c1e) & exit 5", sleep_s);

	run_tracer(ARGS("--json", "-o", events, "--", background[0], background[1], cmd), NULL, 30);
	cr_assert_eq(r.status, 5, "stderr: %s", r.err);
	/* Promptly: long before the background sleep is over. */
	cr_assert_lt(r.elapsed, 0.9 * sleep_s, "took %.2f s", r.elapsed);
	h_json_load(&ev, events);
	for (i = 0; i < ev.n; i++) {
		cr_assert_str_neq(h_json_str(ev.ev[i], "filename"), "/bin/echo");
		if (strcmp(h_json_str(ev.ev[i], "filename"), "/bin/sleep") == 0)
			sleeper = (pid_t)h_json_int(ev.ev[i], "ppid");
	}
	h_json_free(&ev);
	/* The subshell is not tracer's to stop: let it finish. */
	if (sleeper > 0)
		h_process_gone(sleeper, sleep_s + 3);
	h_run_free(&r);
}

Test(launch, follow_all_waits_for_every_descendant)
{
	const char *events = h_path("events.json");
	static const char *const late[] = { "/bin/echo", "late-7c1e" };
	struct h_json ev;
	size_t i;
	bool seen = false;

	run_tracer(ARGS("--json", "--follow-all", "-o", events, "--", background[0], background[1],
			background[2]),
		   NULL, 30);
	/* The command's status, not the last descendant's. */
	cr_assert_eq(r.status, 5, "stderr: %s", r.err);
	cr_assert_geq(r.elapsed, 2.0, "took %.2f s", r.elapsed);
	h_json_load(&ev, events);
	assert_nothing_lost(&ev);
	for (i = 0; i < ev.n; i++)
		seen |= h_json_argv_is(ev.ev[i], 2, late);
	cr_assert(seen, "no late echo in %s", h_read_file(events, NULL));
	cr_assert_str_eq(r.out, "late-7c1e\n");
	h_json_free(&ev);
	h_run_free(&r);
}

/* Starts tracer on "sh -c 'sleep 30; :'" and waits until the sleep runs; returns its pid. */
static pid_t start_sleeper(const struct h_run_opts *opts)
{
	struct json_object *sleep_ev;
	pid_t pid;

	h_run_start(ARGS("--json", "-o", h_path("events.json"), "--", "/bin/sh", "-c",
			 "/bin/sleep 30; :"),
		    opts, &r);
	sleep_ev = h_json_wait(h_path("events.json"), "/bin/sleep", 10000);
	cr_assert_not_null(sleep_ev, "no sleep event: %s",
			   h_read_file(h_path("events.json"), NULL));
	pid = (pid_t)h_json_int(sleep_ev, "pid");
	json_object_put(sleep_ev);
	return pid;
}

Test(launch, sigint_to_the_process_group)
{
	pid_t sleeper = start_sleeper(NULL);

	/* What Ctrl-C does: SIGINT to the whole foreground process group. */
	cr_assert_eq(kill(-r.pid, SIGINT), 0);
	h_run_wait(&r, 10);
	/* tracer outlived the command, and exits with its status. */
	cr_assert_not(r.signaled, "tracer was killed by signal %d", r.status - 128);
	cr_assert_eq(r.status, 130, "stderr: %s", r.err);
	cr_assert_lt(r.elapsed, 10);
	/* tracer drained and said so, and nothing is left behind. */
	cr_assert_not_null(strstr(r.err, "tracer: 2 events, 0 lost, "), "stderr: %s", r.err);
	cr_assert(h_process_gone(sleeper, 2), "sleep %d still runs", (int)sleeper);
	h_run_free(&r);
}

Test(launch, ctrl_c_on_a_terminal)
{
	const struct h_run_opts opts = { .pty = true };
	struct h_json ev;
	pid_t sleeper;
	size_t i;

	sleeper = start_sleeper(&opts);
	/* The terminal's own Ctrl-C: the kernel signals the foreground process group. */
	cr_assert_eq(write(r.master, "\x03", 1), 1);
	h_run_wait(&r, 10);
	cr_assert_not(r.signaled, "tracer was killed by signal %d", r.status - 128);
	cr_assert_eq(r.status, 130, "terminal: %s", r.out);
	cr_assert(h_process_gone(sleeper, 2), "sleep %d still runs", (int)sleeper);
	cr_assert_not_null(strstr(r.out, "tracer: 2 events, 0 lost, "), "terminal: %s", r.out);
	/* The command kept the terminal: the events carry it. */
	h_json_load(&ev, h_path("events.json"));
	cr_assert_eq(ev.n, 2);
	for (i = 0; i < ev.n; i++)
		cr_assert_str_eq(h_json_str(ev.ev[i], "tty"), r.pts);
	h_json_free(&ev);
	h_run_free(&r);
}

Test(launch, sigterm_to_tracer_is_forwarded)
{
	struct json_object *ev;

	h_run_start(ARGS("--json", "-o", h_path("events.json"), "--", "/bin/sleep", "30"), NULL,
		    &r);
	ev = h_json_wait(h_path("events.json"), "/bin/sleep", 10000);
	cr_assert_not_null(ev);
	json_object_put(ev);
	/* Sent to tracer alone: passed on to the command, which dies of it. */
	cr_assert_eq(kill(r.pid, SIGTERM), 0);
	h_run_wait(&r, 10);
	cr_assert_not(r.signaled, "tracer was killed by signal %d", r.status - 128);
	cr_assert_eq(r.status, 143, "stderr: %s", r.err);
	h_run_free(&r);
}

Test(launch, adds_up_with_pid)
{
	static const char *const cmd[] = { "/bin/sleep", "1" };
	const char *events = h_path("events.json");
	const char *mark_in = "tracer-launch-pid-91d2", *mark_out = "tracer-launch-control-91d2";
	struct h_json ev;
	pid_t tree, control;
	char pid[16];
	size_t i;
	bool cmd_seen = false, tree_seen = false;

	/* Two trees alike; the first is given with --pid, the other is not. */
	tree = h_control_loop_start(mark_in);
	control = h_control_loop_start(mark_out);
	snprintf(pid, sizeof(pid), "%d", (int)tree);
	run_tracer(ARGS("--json", "-o", events, "--pid", pid, "--", "/bin/sleep", "1"), NULL, 30);
	h_control_loop_stop(tree);
	h_control_loop_stop(control);

	/* It stops with the command, although the --pid tree still runs. */
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	h_json_load(&ev, events);
	assert_nothing_lost(&ev);
	for (i = 0; i < ev.n; i++) {
		if (h_json_argv_is(ev.ev[i], 2, cmd) && h_json_int(ev.ev[i], "ppid") == r.pid)
			cmd_seen = true;
		if (h_json_int(ev.ev[i], "ppid") == tree && h_json_argv_holds(ev.ev[i], mark_in))
			tree_seen = true;
	}
	cr_assert(cmd_seen, "no command exec in %s", h_read_file(events, NULL));
	cr_assert(tree_seen, "no exec of the --pid tree in %s", h_read_file(events, NULL));
	cr_assert_not(h_json_mention(&ev, mark_out), "the control process was traced");
	h_json_free(&ev);
	h_run_free(&r);
}
