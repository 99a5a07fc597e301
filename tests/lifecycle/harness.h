/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * End-to-end harness: workloads started blocked on a pipe or a fifo, tracer
 * started on them and waited for ("tracer: ready:"), its JSON Lines read back.
 */
#ifndef TRACER_LC_HARNESS_H
#define TRACER_LC_HARNESS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Skips the test when not root (tracer loads BPF programs). */
void lc_require_root(void);

/* A fresh directory under /tmp, removed by lc_cleanup(). */
const char *lc_tmpdir(void);
/* tmpdir/name, in a static buffer of its own per call site's slot (0..7). */
const char *lc_path(int slot, const char *name);
/* Kills what is still running of what the harness started, removes the directory. */
void lc_cleanup(void);

/*
 * Starts argv (argv[0] a path) with stdin the read end of a pipe; *release
 * gets the write end: lc_release() lets the workload go.
 */
pid_t lc_spawn_blocked(char *const argv[], int *release);
/* Starts argv with stdin from /dev/null and RLIMIT_CORE 0. */
pid_t lc_spawn(char *const argv[]);
void lc_release(int fd);

/*
 * Waits until /proc/PID/comm is comm (the program has executed and named
 * itself), so that tracer attaches after that exec, not during it.
 */
void lc_wait_comm(pid_t pid, const char *comm);

/* Waits for a child of ours to end; returns its wait status. Fails the test after timeout_s. */
int lc_wait(pid_t pid, int timeout_s);

struct lc_tracer {
	pid_t pid;
	int err_fd;
	char *err; /* everything it wrote on stderr */
	size_t err_len;
	int status; /* wait status */
};

/* Starts $TRACER_BIN with args (NULL-terminated) and waits for its ready line. */
void lc_tracer_start(struct lc_tracer *t, const char *const args[]);
/* Waits until it exits by itself, collecting its stderr. */
void lc_tracer_wait(struct lc_tracer *t, int timeout_s);
void lc_tracer_free(struct lc_tracer *t);

/* The JSON objects of a JSON Lines file: every line must parse. */
struct lc_events {
	json_object **ev;
	size_t n;
	char *text; /* the whole file */
};

void lc_read_events(struct lc_events *e, const char *path);
void lc_free_events(struct lc_events *e);

/* The events of a type, with an integer field equal to value (field NULL: all of the type). */
size_t lc_count(const struct lc_events *e, const char *type, const char *field, int64_t value);
/* The one such event: the test fails unless there is exactly one. */
json_object *lc_one(const struct lc_events *e, const char *type, const char *field, int64_t value);

json_object *lc_get(json_object *o, const char *key);
int64_t lc_int(json_object *o, const char *key);
const char *lc_str(json_object *o, const char *key); /* NULL for JSON null */
bool lc_is_null(json_object *o, const char *key);

/* The whole file, NUL-terminated (the test fails when it cannot be read). */
char *lc_slurp(const char *path, size_t *len);

#endif /* TRACER_LC_HARNESS_H */
