// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * End-to-end: the output. Hostile bytes in argv, comm and filename (JSON and
 * text), timestamps, a closed output pipe, the mode of the -o file, a full disk.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

TestSuite(output, .init = h_setup, .fini = h_teardown, .timeout = 180);

#define LONG_LEN 10000

static char long_arg[LONG_LEN + 1];

static const char fake_text_line[] = "x\n[0.000000] pid=1 tid=1 uid=0 gid=0 syscall_id=59 "
				     "comm=\"init\" filename=\"/bin/sh\" ppid=0 ret=0 tty=- "
				     "argv: sh -c reboot";
static const char fake_json_line[] = "x\n{\"type\":\"exec\",\"ts\":0.0,\"pid\":1,\"tid\":1,"
				     "\"argv\":[\"sh\"]}";
static const char hostile_comm[] = "co\nmm\x1b[2J\"'";

/* The hostile arguments, after argv[0], the marker and a tag. */
static const char *const hostile[] = {
	"new\nline",
	"cr\rreturn",
	"tab\there",
	"dq\"uote",
	"sq'uote",
	"back\\slash",
	"\\",
	"\\n",
	"\x1b[2J",
	"\x1b]0;title\x07",
	"del\x7f",
	"\xff",
	"\xc3",
	"\xed\xa0\x80",
	"\xc0\xaf",
	"caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80",
	"\xe2\x80\xae"
	"evil",
	"\xe2\x80\xa8",
	"\xef\xbb\xbf",
	"\xc2\x85\xc2\x9b",
	"",
	fake_text_line,
	fake_json_line,
	"$(touch /tmp/e2e-pwned)",
	"`id`",
	"a b",
	"*",
	"~",
	"!!",
	"%s%n",
	"-e",
	"--",
	" ",
	"\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x1f",
	long_arg,
	NULL,
};

static void fill_long_arg(void)
{
	size_t i;

	/* Every byte value but NUL, in an irregular order. */
	for (i = 0; i < LONG_LEN; i++)
		long_arg[i] = (char)(1 + (i * 7 + i / 255) % 255);
	long_arg[LONG_LEN] = '\0';
}

struct hostile_run {
	const char *m;
	const char *link;
	struct h_proc w;
	const char *argv[4][64];
};

/* The four execs, identified by their tag (argv[2]). */
static const char *const tags[4] = { "hostile", "via-link", "reserved", "esc-arg0" };

static void hostile_workload(struct hostile_run *r)
{
	const char *args[256];
	size_t n = 0, i, k;

	fill_long_arg();
	r->link = h_path("li\nnk\"'\x1b[1m\xff");
	cr_assert(symlink("/bin/true", r->link) == 0, "symlink: %s", strerror(errno));

	/* 0: every hostile argument */
	k = 0;
	r->argv[0][k++] = "true";
	r->argv[0][k++] = r->m;
	r->argv[0][k++] = tags[0];
	for (i = 0; hostile[i]; i++)
		r->argv[0][k++] = hostile[i];
	r->argv[0][k] = NULL;
	/* 1: through a symlink with a hostile name, from a process with a hostile comm */
	r->argv[1][0] = "x=1 y", r->argv[1][1] = r->m, r->argv[1][2] = tags[1];
	r->argv[1][3] = NULL;
	/* 2: argv[0] a shell keyword */
	r->argv[2][0] = "if", r->argv[2][1] = r->m, r->argv[2][2] = tags[2];
	r->argv[2][3] = NULL;
	/* 3: argv[0] an escape sequence */
	r->argv[3][0] = "\x1b[31mred\n", r->argv[3][1] = r->m, r->argv[3][2] = tags[3];
	r->argv[3][3] = NULL;

	args[n++] = WL_EXEC;
	args[n++] = "gate";
	for (k = 0; k < 4; k++) {
		size_t c = 0;

		while (r->argv[k][c])
			c++;
		if (k == 1) {
			args[n++] = "comm";
			args[n++] = hostile_comm;
		}
		args[n++] = "fork";
		args[n++] = "exec";
		args[n++] = h_str("%zu", c);
		args[n++] = k == 1 ? r->link : "/bin/true";
		for (i = 0; i < c; i++)
			args[n++] = r->argv[k][i];
	}
	args[n] = NULL;
	h_spawn(&r->w, 0, NULL, NULL, args);
}

/* The expected bytes of argv as bash reads them back: each word and a NUL. */
static char *nul_joined(const char *const *argv, size_t *len)
{
	size_t n = 0, i;
	char *buf;

	for (i = 0; argv[i]; i++)
		n += strlen(argv[i]) + 1;
	buf = malloc(n + 1);
	cr_assert(buf);
	n = 0;
	for (i = 0; argv[i]; i++) {
		memcpy(buf + n, argv[i], strlen(argv[i]) + 1);
		n += strlen(argv[i]) + 1;
	}
	*len = n;
	return buf;
}

/*
 * JSON: every event is one valid line, and argv, comm and filename decode
 * back to the exact bytes (\udcNN being the byte NN) (trap 8).
 */
Test(output, hostile_json)
{
	struct hostile_run r = { .m = h_marker("hostile") };
	struct h_tracer t;
	struct h_control c;
	struct h_events evs;
	int k;

	H_REQUIRE();
	h_control_start(&c, r.m);
	hostile_workload(&r);
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%d", r.w.pid));
	h_control_run(&c);
	h_gate(&r.w);
	h_proc_done(&r.w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	h_events_load(&evs, t.out_path);
	cr_expect_eq(evs.n, 4, "%zu lines, expected 4", evs.n);
	for (k = 0; k < 4; k++) {
		h_check_exec(h_one(&evs, r.m, tags[k]),
			     &(struct h_expect){ .pid = h_report(&r.w, h_str("pid %d", k)),
						 .ppid = r.w.pid,
						 .filename = k == 1 ? r.link : "/bin/true",
						 .argv = r.argv[k],
						 .comm = k == 0 ? "wl_exec" : hostile_comm });
	}
	h_control_absent(&c, &evs, t.out_path);
}

/*
 * Text: exactly one line per exec whatever the bytes; the argv words, pasted
 * into bash, give back the exact bytes; comm and filename C-unquote to the
 * exact bytes (trap 8).
 */
Test(output, hostile_text)
{
	struct hostile_run r = { .m = h_marker("hostiletext") };
	struct h_tracer t;
	struct h_control c;
	char *data, *line;
	size_t len, lines = 0, i;
	bool seen[4] = { false };

	H_REQUIRE();
	h_control_start(&c, r.m);
	hostile_workload(&r);
	H_TRACER_RUN(&t, "--pid", h_str("%d", r.w.pid));
	h_control_run(&c);
	h_gate(&r.w);
	h_proc_done(&r.w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	data = h_read_file(t.out_path, &len);
	for (i = 0; i < len; i++)
		lines += data[i] == '\n';
	cr_assert_eq(lines, 4, "%zu lines for 4 execs: %s", lines, h_show(data, len));
	cr_assert(len && data[len - 1] == '\n');
	for (line = data; *line;) {
		char *nl = strchr(line, '\n');
		struct h_text tx;
		char *got, *want;
		size_t got_len, want_len;
		const char *lc[2] = { "C", "C.UTF-8" };
		int k, l;

		*nl = '\0';
		h_text_parse(line, &tx);
		cr_assert_str_eq(tx.label, "argv");
		h_shell_words(tx.words, "C", &got, &got_len);
		for (k = 0; k < 4; k++) {
			size_t tl = strlen(r.m) + 1 + strlen(tags[k]) + 1;
			char *key = malloc(tl);

			cr_assert(key);
			memcpy(key, r.m, strlen(r.m) + 1);
			memcpy(key + strlen(r.m) + 1, tags[k], strlen(tags[k]) + 1);
			if (memmem(got, got_len, key, tl)) {
				free(key);
				break;
			}
			free(key);
		}
		cr_assert(k < 4, "a line that is none of the execs: %s",
			  h_show(line, strlen(line)));
		cr_assert(!seen[k], "exec %s printed twice", tags[k]);
		seen[k] = true;
		want = nul_joined(r.argv[k], &want_len);
		for (l = 0; l < 2; l++) {
			if (l)
				h_shell_words(tx.words, lc[l], &got, &got_len);
			cr_expect(got_len == want_len && memcmp(got, want, want_len) == 0,
				  "exec %s: bash (LC_ALL=%s) reads back %s instead of %s", tags[k],
				  lc[l], h_show(got, got_len), h_show(want, want_len));
		}
		free(want);
		cr_expect_eq(tx.pid, h_report(&r.w, h_str("pid %d", k)));
		cr_expect_eq(tx.tid, tx.pid);
		cr_expect_eq(tx.ppid, r.w.pid);
		cr_expect_eq(tx.ret, 0);
		cr_expect_eq(tx.syscall_id, 59);
		cr_expect_str_eq(tx.tty, "-");
		cr_expect(h_bytes_eqs(&tx.filename, k == 1 ? r.link : "/bin/true"),
			  "exec %s: filename %s", tags[k],
			  h_show(tx.filename.ptr, tx.filename.len));
		cr_expect(h_bytes_eqs(&tx.comm, k == 0 ? "wl_exec" : hostile_comm),
			  "exec %s: comm %s", tags[k], h_show(tx.comm.ptr, tx.comm.len));
		line = nl + 1;
	}
	h_control_absent(&c, NULL, t.out_path);
}

/*
 * Timestamps are taken when the exec happens, not when it is printed
 * (trap 7): tracer is stopped (SIGSTOP) while the workload execs A, sleeps
 * 1 s and execs B; both are printed together after SIGCONT.
 */
Test(output, timestamps_at_event_time)
{
	const char *m = h_marker("ts");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	const struct h_event *a, *b;
	double dt, measured;

	H_REQUIRE();
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "gate", "time", "tA", "fork", "exec", "3", "/bin/true", "true", m, "A",
		"sleep", "1000", "time", "tB", "fork", "exec", "3", "/bin/true", "true", m, "B");
	H_TRACER_RUN(&t, "--json", "--pid", h_str("%d", w.pid));
	h_control_run(&c);
	cr_assert(kill(t.pid, SIGSTOP) == 0);
	cr_assert(h_wait_proc_state(t.pid, 'T', 10000), "tracer did not stop");
	h_gate(&w);
	h_proc_done(&w);
	cr_assert(kill(t.pid, SIGCONT) == 0);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	h_events_load(&evs, t.out_path);
	a = h_one(&evs, m, "A");
	b = h_one(&evs, m, "B");
	dt = b->ts - a->ts;
	measured = (double)(h_report(&w, "tB") - h_report(&w, "tA")) / 1e9;
	/* Under emulation a fork and exec can take a good part of a second. */
	cr_expect(dt >= 0.8 && dt <= 1 + 0.5 * h_slowdown(),
		  "ts(B) - ts(A) = %.6f s, expected about 1 s", dt);
	cr_expect(dt > measured - 0.1 && dt < measured + 0.1,
		  "ts(B) - ts(A) = %.6f s, the workload measured %.6f s", dt, measured);
	h_control_absent(&c, &evs, t.out_path);
}

/*
 * tracer | head -1: once the reader is gone, tracer stops promptly, with
 * status 0 and without an error message.
 */
Test(output, closed_pipe)
{
	const char *m = h_marker("pipe");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	char buf[4096];
	size_t got = 0;
	const char *err, *nl;
	int st;

	H_REQUIRE();
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "gate", "burst", "1000000", "4", "0", "/dev/null", m);
	H_TRACER_START(&t, H_OUT_PIPE, "--pid", h_str("%d", w.pid));
	h_tracer_wait_ready(&t);
	h_control_run(&c);
	h_gate(&w);
	/* head -1: read one line, then close. */
	while (!memchr(buf, '\n', got)) {
		struct pollfd pfd = { .fd = t.out_fd, .events = POLLIN };
		ssize_t r;

		cr_assert(poll(&pfd, 1, 30000) == 1, "no output from tracer");
		r = read(t.out_fd, buf + got, sizeof(buf) - got);
		cr_assert(r > 0, "tracer's output ended before the first line");
		got += (size_t)r;
		if (got == sizeof(buf))
			break;
	}
	cr_assert(memchr(buf, '\n', got), "no complete line");
	close(t.out_fd);
	st = h_tracer_wait_exit(&t, 10000);
	kill(w.pid, SIGKILL);
	h_proc_wait(&w, H_EXIT_TIMEOUT);
	cr_assert(st != -1, "tracer still running 10 s after its output pipe was closed");
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "tracer status 0x%x; stderr: %s", st,
		  h_tracer_stderr(&t));
	err = h_tracer_stderr(&t);
	cr_assert(strncmp(err, "tracer: ready:", 14) == 0, "stderr: %s", err);
	nl = strchr(err, '\n');
	cr_assert(nl);
	/* Nothing after the ready line but, at most, the summary. */
	cr_expect(nl[1] == '\0' || h_is_summary_line(nl + 1),
		  "tracer printed more than the ready line and the summary: %s", err);
	cr_expect(!memmem(buf, got, "negative-control", 16));
}

/* -o FILE is created with mode 0600 whatever the umask; nothing goes to stdout. */
Test(output, output_file_mode)
{
	const char *m = h_marker("mode");
	const char *out = h_path("events.jsonl");
	struct h_tracer t;
	struct h_proc w;
	struct h_control c;
	struct h_events evs;
	struct stat st;
	size_t len;

	H_REQUIRE();
	umask(0);
	h_control_start(&c, m);
	H_SPAWN(&w, WL_EXEC, "gate", "exec", "3", "/bin/true", "true", m, "self");
	H_TRACER_RUN(&t, "--json", "-o", out, "--pid", h_str("%d", w.pid));
	h_control_run(&c);
	h_gate(&w);
	h_proc_done(&w);
	h_expect_clean_exit(&t, h_tracer_wait_self_exit(&t), NULL);

	cr_assert(stat(out, &st) == 0, "%s: %s", out, strerror(errno));
	cr_expect(S_ISREG(st.st_mode));
	cr_expect_eq(st.st_mode & 07777, 0600, "mode %o, expected 600", st.st_mode & 07777);
	h_read_file(t.out_path, &len);
	cr_expect_eq(len, 0, "%zu bytes on stdout with -o", len);
	h_events_load(&evs, out);
	h_check_exec(
		h_one(&evs, m, "self"),
		&(struct h_expect){ .pid = w.pid,
				    .ppid = getpid(),
				    .filename = "/bin/true",
				    .argv = (const char *const[]){ "true", m, "self", NULL } });
	h_control_absent(&c, &evs, out);
}

/* Sends sig to pid from a process group of its own (not a kill(0) in tracer's group). */
static void kill_from_elsewhere(pid_t pid, int sig)
{
	pid_t k = fork();
	int st;

	cr_assert(k >= 0, "fork: %s", strerror(errno));
	if (k == 0) {
		setpgid(0, 0);
		_exit(kill(pid, sig) ? 1 : 0);
	}
	cr_assert(waitpid(k, &st, 0) == k && WIFEXITED(st) && WEXITSTATUS(st) == 0, "kill %d: 0x%x",
		  (int)pid, st);
}

static size_t count_str(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

/*
 * The disk fills (-o on a 16 KiB tmpfs) while tracer runs a command: tracer
 * says so once, at once, on stderr, stops tracing and leaves the output
 * ending with a whole line; the command goes on, untraced, to its end.
 * tracer then waits for it and still forwards a SIGTERM to it, and exits
 * non-zero.
 */
Test(output, disk_full)
{
	const char *m = h_marker("full");
	const char *dir = h_path("small-fs");
	const char *out = h_str("%s/events.jsonl", dir);
	const char *done = h_path("command-done");
	const char *err, *text;
	struct h_tracer t;
	struct h_events evs;
	size_t len;
	int st, i;

	H_REQUIRE();
	cr_assert(mkdir(dir, 0700) == 0, "mkdir %s: %s", dir, strerror(errno));
	if (mount("tmpfs", dir, "tmpfs", 0, "size=16k,mode=0700"))
		cr_skip_test("cannot mount a tmpfs: %s", strerror(errno));
	H_TRACER_START(&t, 0, "--json", "-o", out, "--", "/bin/sh", "-c",
		       h_str("i=0; while [ $i -lt 300 ]; do /bin/true %s $i; i=$((i+1)); done; "
			     ": >%s; exec sleep 1000",
			     m, done));
	for (i = 0; access(done, F_OK) && i < H_EXIT_TIMEOUT / 10; i++)
		usleep(10000);
	cr_assert(access(done, F_OK) == 0, "the command did not get to its end; tracer: %s",
		  h_tracer_stderr(&t));
	cr_assert_eq(h_tracer_wait_exit(&t, 0), -1,
		     "tracer ended before the command; status 0x%x, stderr: %s", t.status,
		     h_tracer_stderr(&t));
	kill_from_elsewhere(t.pid, SIGTERM);
	st = h_tracer_wait_exit(&t, H_EXIT_TIMEOUT);
	cr_assert(st != -1, "tracer did not forward SIGTERM to its command");
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 1, "tracer status 0x%x", st);
	err = h_tracer_stderr(&t);
	cr_expect_eq(count_str(err, "tracer: writing events failed: No space left on device"), 1,
		     "not said once: %s", err);
	cr_expect_eq(count_str(err, "tracer: "), 1, "more than that message: %s", err);

	text = h_read_file(out, &len);
	cr_assert(len > 0 && len <= 16384, "%zu bytes of output", len);
	cr_expect_eq(text[len - 1], '\n', "the output ends in the middle of a line");
	h_events_load(&evs, out);
	cr_expect(evs.n_exec > 0 && evs.n_exec < 300, "%zu exec events", evs.n_exec);
	umount2(dir, MNT_DETACH);
}
