/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Running tracer in launch mode from the end-to-end tests: spawn it with
 * chosen standard streams, environment or terminal, wait for it with a
 * deadline, read its events.
 */
#ifndef TRACER_TEST_HARNESS_H
#define TRACER_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <json-c/json.h>

struct spawn_opts {
	const char *stdin_data; /* written to a pipe on stdin; NULL: /dev/null */
	const char *const *env; /* NAME=VALUE set on top of a clean environment */
	bool pty; /* stdin, stdout and stderr on a new terminal, its controlling one */
};

struct run {
	pid_t pid; /* tracer, leader of its own process group */
	int master; /* pty mode: the terminal's master side, else -1 */
	char pts[32]; /* pty mode: the terminal's kernel name, "ptsN" */
	double start; /* seconds, monotonic */
	double elapsed; /* from spawn to exit */
	int status; /* exit code, or 128+N after signal N */
	bool signaled; /* tracer itself was killed by a signal */
	char *out; /* stdout (pty mode: everything written on the terminal) */
	char *err; /* stderr */
};

/* A fresh directory for the test's files; removed by test_cleanup(). */
const char *test_dir(void);
/* test_dir()/name, in one of 16 static buffers used in turn. */
const char *test_path(const char *name);
void test_cleanup(void);

/* The tracer binary (TRACER_BIN), and a check that the tests can load BPF (root). */
const char *tracer_bin(void);
void require_root(void);

/*
 * Starts tracer with args (NULL-terminated, tracer's own argv[0] not
 * included), in its own process group, cwd "/", PATH=/usr/bin:/bin and no
 * SUDO_* variables unless opts->env sets them.
 */
void tracer_spawn(const char *const *args, const struct spawn_opts *opts, struct run *r);
/* Waits for tracer's exit, fails the test after timeout seconds. Fills status, out, err. */
void tracer_wait(struct run *r, double timeout);
void run_free(struct run *r);

double now_s(void);
char *read_file(const char *path);

/* Every JSON line of path, in order (json objects, put with events_free()). */
struct json_object **read_events(const char *path, size_t *n);
void events_free(struct json_object **ev, size_t n);
/* Waits up to timeout seconds for an exec event whose argv[0] is argv0. */
struct json_object *wait_event(const char *path, const char *argv0, double timeout);

const char *ev_str(struct json_object *ev, const char *key);
long long ev_int(struct json_object *ev, const char *key);
/* Whether ev's argv is exactly the n strings words. */
bool ev_argv_is(struct json_object *ev, size_t n, const char *const *words);
/* Whether any argument of any event holds needle. */
bool events_mention(struct json_object **ev, size_t n, const char *needle);

/* A process tree outside tracer's scope that keeps executing /bin/true marker. */
pid_t control_start(const char *marker);
void control_stop(pid_t pid);

/* Whether pid is gone (or a zombie), waiting up to timeout seconds. */
bool process_gone(pid_t pid, double timeout);

#endif /* TRACER_TEST_HARNESS_H */
