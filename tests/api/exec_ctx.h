/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * What the exec-context tests (test_exec_context.c, test_exec_paths.c)
 * share: a child that sets up its context (directory, fds, ids, mounts),
 * waits on a pipe until it is watched, then execs; a tracer scoped to it
 * through libtracer; the exec event copied out of the callback; and a second
 * child outside the scope that must not be seen.
 *
 * Everything a test allocates or creates through these helpers is freed or
 * removed by ctx_teardown(), the suites' .fini, so that the sanitizer build
 * runs them with leak detection.
 */
#ifndef TRACER_TEST_EXEC_CTX_H
#define TRACER_TEST_EXEC_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tracer/tracer.h>

#include "owned.h"

/* A byte string owned by the test. */
struct buf {
	char *p;
	size_t len;
};

/* What one exec event said, copied out of the callback. */
struct ctx_exec {
	bool seen;
	int32_t ret;
	uint32_t uid, gid, euid, egid;
	uint32_t argc, total_argc;
	uint64_t total_argv_bytes;
	bool argv_truncated, argv_fault;
	struct buf filename; /* as the event gave it */
	struct buf argv; /* each argument followed by a NUL */
	struct buf cwd, exe, interp;
	uint32_t cwd_flags, exe_flags, interp_flags;
	bool exe_none, interp_none;
	enum tracer_fd_kind fd_kind[3];
	struct buf fd_path[3];
	uint32_t fd_flags[3];
	uint64_t fd_ino[3];
	bool env_captured, env_truncated, env_fault;
	uint32_t envc, total_envc;
	uint64_t total_env_bytes;
	struct buf env; /* each entry followed by a NUL */
	struct buf all; /* every byte the event carried, for "nowhere in the event" checks */
};

struct ctx_collector {
	pid_t target, control;
	struct ctx_exec ex;
	size_t target_execs, control_execs, lost, exits;
};

/* How the child sets itself up before its exec (in the child: _exit on error). */
struct child_setup {
	const char *dir; /* chdir */
	int dir_fd; /* fchdir, when > 0 (after dir) */
	int fds[3]; /* dup2 onto 0, 1, 2; -1: close it; -2: leave it */
	bool cloexec1; /* mark fd 1 close-on-exec */
	bool as_nobody; /* setgid/setuid 65534 */
	/* Last, in the child: returns 0 or the child's exit code (it is not run then). */
	int (*prep)(void *arg);
	void *prep_arg;
	/* execveat(exec_fd, "", AT_EMPTY_PATH) instead of execve(path) */
	bool exec_by_fd;
	int exec_fd;
};

struct run_opts {
	unsigned int max_arg_bytes; /* 0: the default */
	bool capture_env, keep_secrets;
};

/*
 * Runs path with argv/envp in a watched child set up by cs, and a control
 * child outside the scope running /bin/true; fills c with the exec seen and
 * checks that it was the only one, with nothing lost.
 */
void run_exec(struct ctx_collector *c, const char *path, char *const argv[], char *const envp[],
	      const struct child_setup *cs, const struct run_opts *ro);

/*
 * Running with the test hook TRACER_TEST_NO_PREPARE_EXEC (the path of kernels
 * before 6.10), in a build that has the hooks (src/lib/testhooks.h).
 */
bool fallback_path(void);

void buf_add(struct buf *b, const char *p, size_t len, bool nul);
/* Hands b's bytes to the test: freed by ctx_teardown(). */
void buf_own(struct buf *b);
/* argv as the event must show it: each argument followed by a NUL; n the count. Owned. */
struct buf joined(char *const argv[], uint32_t *n);

/* The suites' .fini: frees what the test owns (owned.h), removes its directories. */
void ctx_teardown(void);

void assert_buf_eq(const struct buf *got, const char *want, size_t len, const char *what);
void assert_bufs_eq(const struct buf *got, const struct buf *want, const char *what);

#endif /* TRACER_TEST_EXEC_CTX_H */
