/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * What the identity and cgroup tests (test_exec_identity.c,
 * test_cgroup_scope.c) share: children held at a gate until tracer watches
 * them, a tracer scoped to them through libtracer, every event they caused
 * copied out, and a cgroup v2 hierarchy of the test's own.
 *
 * The events are complete once the children are reaped: each record is in
 * the ring buffer before its process's parent can reap it, and
 * tracer_stop() delivers what is buffered. No test sleeps to wait.
 */
#ifndef TRACER_TEST_IDTRACE_H
#define TRACER_TEST_IDTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <tracer/tracer.h>

#include "owned.h"

#define ID_MAX_EVENTS 256
#define ID_STR 512

/* One event, copied out of the callback. */
struct id_event {
	enum tracer_event_type type;
	uint32_t pid, ppid;
	int32_t ret;
	char filename[ID_STR];
	char exe[ID_STR];
	char arg1[ID_STR]; /* argv[1], "" when none */
	uint64_t exe_ino, exe_dev, mntns, pidns, cgroup_id;
	uint32_t ns_pid;
	char cgroup[ID_STR];
	bool cgroup_none;
	int sig;
	uint32_t sender_pid, target_pid;
	bool target_watched, sender_watched;
};

struct id_trace {
	struct tracer *t;
	struct id_event ev[ID_MAX_EVENTS];
	size_t n;
	uint64_t lost;
};

/* A child stopped before its program: prep() runs in it first (its non-zero result exits it). */
struct id_child {
	pid_t pid;
	int go_fd;
};

void id_spawn(struct id_child *c, int (*prep)(void *), void *arg, char *const argv[]);
/* Lets it exec; id_reap() waits for it and returns its wait status. */
void id_release(struct id_child *c);
int id_reap(struct id_child *c);

/*
 * Starts a tracer on the n pids (with their descendants), with the events
 * given and, when cgroup is not NULL, the scope narrowed to that cgroup.
 */
void id_trace_start(struct id_trace *tr, const pid_t *pids, size_t n, uint32_t events,
		    const char *cgroup);
/* Stops it: every event still buffered is delivered. Asserts none was lost. */
void id_trace_stop(struct id_trace *tr);

/* The exec events of pid, in order (at most max). */
size_t id_execs_of(const struct id_trace *tr, uint32_t pid, const struct id_event **out,
		   size_t max);
/* The one exec event whose filename is filename and argv[1] arg1 (NULL: any); fails otherwise. */
const struct id_event *id_exec(const struct id_trace *tr, const char *filename, const char *arg1);
/* How many events of type concern pid (a signal: its target or its sender). */
size_t id_count(const struct id_trace *tr, enum tracer_event_type type, uint32_t pid);

/* The inode number of a file (stat, symlinks followed) and its device. */
uint64_t id_ino(const char *path);
uint64_t id_dev(const char *path);

/*
 * A cgroup2 hierarchy mounted for the test (under /tmp), unmounted by
 * id_teardown() after the groups made with id_cgroup_make() are removed.
 * Skips the test when cgroup2 cannot be mounted.
 */
const char *id_cgroup_root(void);
/* Makes group rel ("a/b") under the root: its directory's path. */
const char *id_cgroup_make(const char *rel);
/* Moves process pid into the group whose directory is dir. */
int id_cgroup_enter(const char *dir, pid_t pid);
/* This process's cgroup v2 path, from /proc/self/cgroup ("0::PATH"). */
const char *id_own_cgroup(void);

/* The suites' .fini: the groups removed, then what the test owns (owned.h). */
void id_teardown(void);

#endif /* TRACER_TEST_IDTRACE_H */
