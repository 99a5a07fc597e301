/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* A decoded event, as the formatters and front ends see it. */
#ifndef TRACER_EVENT_H
#define TRACER_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tracer_event_type {
	TRACER_EVENT_EXEC = 1,
	TRACER_EVENT_EXIT = 2,
};

/* A byte string that may hold any byte but NUL (comm, filename, one argument). */
struct tracer_bytes {
	const char *ptr;
	size_t len;
};

struct tracer_exec_event {
	uint32_t pid, tid, ppid, uid, gid;
	int32_t ret; /* 0 or -errno */
	uint32_t syscall_nr; /* 59 execve, 322 execveat */
	struct tracer_bytes comm;
	struct tracer_bytes filename;
	const char *tty; /* kernel name ("pts9"), NULL when none */
	uint32_t argc; /* number of entries in argv[] */
	struct tracer_bytes *argv;
	bool argv_truncated; /* argv[] is not the caller's whole argument list */
	bool argv_fault; /* some argument could not be read from memory */
};

struct tracer_exit_event {
	uint32_t pid, ppid;
	int32_t exit_code; /* wait(2) status */
	struct tracer_bytes comm;
};

struct tracer_event {
	enum tracer_event_type type;
	uint64_t ts_ns; /* CLOCK_MONOTONIC, from the kernel */
	uint32_t cpu;
	uint64_t cpu_lost; /* cumulative ring-buffer losses on that CPU */
	union {
		struct tracer_exec_event exec;
		struct tracer_exit_event exit;
	};
};

#endif /* TRACER_EVENT_H */
