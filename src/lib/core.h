/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The tracing core, as the public API (api.c) uses it: open, seed, poll,
 * watch, stats, close. The only code that touches libbpf and the skeleton;
 * its files are listed in core_impl.h.
 */
#ifndef TRACER_CORE_H
#define TRACER_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tracer/tracer.h>

struct tracer_core;

struct tracer_core_config {
	bool system_wide; /* every process: no scope, no state map in use */
	const uint32_t *ttys; /* device numbers of watched terminals */
	size_t n_ttys;
	bool watch_children;
	unsigned int max_args; /* 0: no count limit */
	unsigned int max_arg_bytes;
	/* power of two; grown to hold at least four of the largest exec records */
	uint64_t ringbuf_bytes;
	bool capture_env; /* exec records carry the environment */
	bool keep_secrets; /* secret-looking values are not redacted */
	uint64_t max_procs; /* proc_state capacity; 0: from the machine */
	bool verbose;
	/*
	 * Which events the kernel sends (TRACER_EVENT_BIT of each type); 0 means
	 * exec and exit. Others cost nothing: they are not even sent.
	 */
	uint32_t events;
	/*
	 * Exclusion filters, in kernel hash maps sized from the lists: files
	 * (opened at open and held until close) and comms.
	 */
	char *const *exclude_paths;
	size_t n_exclude_paths;
	char *const *exclude_callers;
	size_t n_exclude_callers;
	char *const *exclude_comms;
	size_t n_exclude_comms;
	/* tracer's start (CLOCK_MONOTONIC ns): exit lifetimes count from it at the earliest */
	uint64_t epoch_ns;
	/* --stop-at glob patterns, valid (stopglob.h), at most TRACER_STOP_PATTERNS_MAX */
	char *const *stop_at;
	size_t n_stop_at;
};

struct tracer_core_callbacks {
	/* Each decoded event, in ring-buffer order. Non-zero return stops polling. */
	int (*on_event)(void *ctx, const struct tracer_event *ev);
	/* Records that could not be written on cpu, placed where they were noticed. */
	int (*on_lost)(void *ctx, uint64_t ts_ns, uint64_t count, uint32_t cpu);
	void *ctx;
};

/*
 * Opens, loads and attaches the BPF programs. On failure returns a negative
 * errno and writes a one-line reason into err.
 */
int tracer_core_open(const struct tracer_core_config *cfg, const struct tracer_core_callbacks *cb,
		     struct tracer_core **out, char *err, size_t errlen);

/*
 * Finds the processes in scope among those already running (roots, their
 * descendants, processes on the watched terminals) and watches them; repeats
 * until a pass finds nothing new, so that a fork during start-up is not
 * missed. found_roots (n_roots entries, may be NULL) tells which roots were
 * alive. Returns 0 or a negative errno.
 */
int tracer_core_seed(struct tracer_core *core, const uint32_t *roots, size_t n_roots,
		     bool *found_roots, char *err, size_t errlen);

/* Waits up to timeout_ms for events and delivers them. Returns 0, 1 when a callback
 * asked to stop, or a negative errno. */
int tracer_core_poll(struct tracer_core *core, int timeout_ms);

/* Detaches every program: nothing new is recorded, what is buffered stays. */
void tracer_core_detach(struct tracer_core *core);

/* Delivers everything buffered, and losses not yet reported. */
int tracer_core_drain(struct tracer_core *core);

/* The counters, as tracer_get_stats() gives them. */
void tracer_core_get_stats(struct tracer_core *core, struct tracer_stats *st);

/* The ring buffer's epoll descriptor: readable when the kernel has woken the reader. */
int tracer_core_fd(struct tracer_core *core);

/*
 * Watches pid (a process) and, with watch_children, its descendants, as the
 * seeding does. Returns 0 (also when already watched), -ESRCH, -ENOSPC, or a
 * negative errno.
 */
int tracer_core_watch(struct tracer_core *core, uint32_t pid);

/* Stops watching pid (not its descendants). Returns 0, -ENOENT, or a negative errno. */
int tracer_core_unwatch(struct tracer_core *core, uint32_t pid);

void tracer_core_close(struct tracer_core *core);

#endif /* TRACER_CORE_H */
