// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The COMMAND launched on the command's pane (launch_start() with a
 * terminal, as --tui does): in a session of its own with the pane's pty as
 * its controlling terminal and standard descriptors, held until released,
 * as the user it would run as, its exit status passed through. No BPF: the
 * launch alone, as main.c drives it.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "launch.h"
#include "tui_term.h"

#define WAIT_MS 20000

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads the pane until every process left it; the rows' text joined by newlines into out. */
static void read_until_gone(struct tui_term *tt, int rows, char *out, size_t len)
{
	long deadline = now_ms() + WAIT_MS;
	size_t used = 0;
	char line[512];
	int row;

	while (now_ms() < deadline) {
		struct pollfd p = { .fd = tui_term_fd(tt), .events = POLLIN };

		if (p.fd < 0 || tui_term_read(tt) < 0)
			break;
		poll(&p, 1, 100);
	}
	cr_assert_lt(tui_term_fd(tt), 0, "the command left the pane within %d ms", WAIT_MS);
	out[0] = '\0';
	for (row = 0; row < rows; row++) {
		tui_term_row_text(tt, row, line, sizeof(line));
		used += (size_t)snprintf(out + used, len - used, "%s\n", line);
		cr_assert_lt(used, len);
	}
}

/* Launches script on a new pane as main.c does; its exit status. */
static int launch_on_pane(struct tui_term *tt, const char *script, char *slave_name, size_t len)
{
	static char *argv[] = { "sh", "-c", NULL, NULL };
	static struct cli_opts opts;
	struct launch *l = NULL;

	argv[2] = (char *)script;
	opts.command = argv;
	cr_assert_eq(ttyname_r(tui_term_slave_fd(tt), slave_name, len), 0);
	cr_assert_eq(launch_start(&opts, tui_term_slave_fd(tt), &l), 0);
	tui_term_child_started(tt, (pid_t)launch_pid(l));
	launch_release(l);
	return launch_finish(l);
}

Test(tui_launch, the_command_runs_on_the_pane_in_a_session_of_its_own)
{
	char err[256], screen[8192], name[64], expect[512];
	struct tui_term *tt = tui_term_new(24, 100, err, sizeof(err));
	int status;

	cr_assert_not_null(tt, "%s", err);
	unsetenv("SUDO_UID");
	/* $$ is the command: its session (field 6 of stat) is its own pid. */
	status = launch_on_pane(
		tt,
		"echo \"tty $(tty) fds\" $(readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2);"
		" set -- $(cat /proc/$$/stat); echo \"pid $1 sid $6 tpgid $8\"; exit 7",
		name, sizeof(name));
	cr_assert_eq(status, 7, "the command's exit status: %d", status);
	read_until_gone(tt, 24, screen, sizeof(screen));
	snprintf(expect, sizeof(expect), "tty %s fds %s %s %s\n", name, name, name, name);
	cr_assert(strstr(screen, expect), "0, 1 and 2 are the pane's %s:\n%s", name, screen);
	cr_assert(strstr(screen, "pid "), "%s", screen);
	{
		int pid = 0, sid = -1, tpgid = -1;

		cr_assert_eq(sscanf(strstr(screen, "pid "), "pid %d sid %d tpgid %d", &pid, &sid,
				    &tpgid),
			     3, "%s", screen);
		cr_assert_eq(sid, pid, "a session of its own");
		cr_assert_eq(tpgid, pid, "the pane is its controlling terminal, it the foreground");
		cr_assert_neq(sid, getsid(0));
	}
	tui_term_free(tt);
}

Test(tui_launch, under_sudo_the_command_and_its_terminal_are_the_users)
{
	char err[256], screen[8192], name[64];
	struct tui_term *tt;
	struct passwd *pw = getpwnam("nobody");
	struct stat st;
	int status;

	if (geteuid() != 0 || !pw)
		cr_skip_test("needs root and the user nobody");
	tt = tui_term_new(24, 100, err, sizeof(err));
	cr_assert_not_null(tt, "%s", err);
	snprintf(err, sizeof(err), "%u", (unsigned)pw->pw_uid);
	setenv("SUDO_UID", err, 1);
	snprintf(err, sizeof(err), "%u", (unsigned)pw->pw_gid);
	setenv("SUDO_GID", err, 1);
	status = launch_on_pane(tt, "echo \"uid $(id -u) tty-owner $(stat -c %u $(tty))\"", name,
				sizeof(name));
	cr_assert_eq(status, 0);
	read_until_gone(tt, 24, screen, sizeof(screen));
	snprintf(err, sizeof(err), "uid %u tty-owner %u\n", (unsigned)pw->pw_uid,
		 (unsigned)pw->pw_uid);
	cr_assert(strstr(screen, err), "expected \"%s\" on:\n%s", err, screen);

	/* Free again: gdb as root gets it back first, the user can no longer open it. */
	cr_assert(tui_term_free_for_use(tt));
	{
		char *prog[] = { "true", NULL };

		cr_assert_eq(tui_term_spawn(tt, prog, err, sizeof(err)), 0, "%s", err);
	}
	cr_assert_eq(stat(name, &st), 0);
	cr_assert_eq(st.st_uid, 0, "the pty is root's again before another program runs");
	cr_assert_eq(st.st_mode & 0777, 0620);
	tui_term_free(tt);
}

Test(tui_launch, a_signal_sent_to_tracer_is_forwarded_to_the_command_in_its_session)
{
	static char *argv[] = { "sh", "-c",
				"trap 'echo got-term; exit 5' TERM; echo ready;"
				" i=0; while [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done; exit 9",
				NULL };
	static struct cli_opts opts;
	char err[256], screen[8192];
	struct tui_term *tt = tui_term_new(24, 80, err, sizeof(err));
	long deadline = now_ms() + WAIT_MS;
	struct launch *l = NULL;
	int status;

	cr_assert_not_null(tt, "%s", err);
	unsetenv("SUDO_UID");
	opts.command = argv;
	cr_assert_eq(launch_start(&opts, tui_term_slave_fd(tt), &l), 0);
	tui_term_child_started(tt, (pid_t)launch_pid(l));
	launch_release(l);
	while (now_ms() < deadline) {
		char line[256];
		struct pollfd p = { .fd = tui_term_fd(tt), .events = POLLIN };

		poll(&p, 1, 100);
		tui_term_read(tt);
		if (tui_term_row_text(tt, 0, line, sizeof(line)) >= 0 && !strcmp(line, "ready"))
			break;
	}
	/* As kill(1) from tracer's own process group would: the command is not in it. */
	kill(getpid(), SIGTERM);
	status = launch_finish(l);
	read_until_gone(tt, 24, screen, sizeof(screen));
	cr_assert_eq(status, 5, "the command took SIGTERM: status %d\n%s", status, screen);
	cr_assert(strstr(screen, "got-term"), "%s", screen);
	tui_term_free(tt);
}
