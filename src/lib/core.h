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

struct tracer_config;
struct tracer_core;

struct tracer_core_callbacks {
	/* Each decoded event, in ring-buffer order. Non-zero return stops polling. */
	int (*on_event)(void *ctx, const struct tracer_event *ev);
	/* Records that could not be written on cpu, placed where they were noticed. */
	int (*on_lost)(void *ctx, uint64_t ts_ns, uint64_t count, uint32_t cpu);
	void *ctx;
};

/*
 * Opens, loads and attaches the BPF programs as cfg says (config.h). cfg is
 * read where it is until tracer_core_close(): it must outlive the core. On
 * failure returns a negative errno and writes a one-line reason into err.
 */
int tracer_core_open(const struct tracer_config *cfg, const struct tracer_core_callbacks *cb,
		     struct tracer_core **out, char *err, size_t errlen);

/*
 * Finds the processes in scope among those already running (the roots,
 * cfg->pids, their descendants, processes on the watched terminals) and
 * watches them; repeats until a pass finds nothing new, so that a fork
 * during start-up is not missed. found_roots (cfg->n_pids entries, may be
 * NULL) tells which roots were alive. Returns 0 or a negative errno.
 */
int tracer_core_seed(struct tracer_core *core, bool *found_roots, char *err, size_t errlen);

/* Waits up to timeout_ms for events and delivers them. Returns 0, 1 when a callback
 * asked to stop, or a negative errno. */
int tracer_core_poll(struct tracer_core *core, int timeout_ms);

/* Detaches every program: nothing new is recorded, what is buffered stays. */
void tracer_core_detach(struct tracer_core *core);

/* Delivers everything buffered, and losses not yet reported. */
int tracer_core_drain(struct tracer_core *core);

/* The counters, as tracer_get_stats() gives them. */
void tracer_core_get_stats(struct tracer_core *core, struct tracer_stats *st);

/* tracer_stats.watched_now, without a system call. */
uint64_t tracer_core_watched_now(struct tracer_core *core);

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

/*
 * stop_at_dynamic: makes patterns (checked already) the kernel's stop
 * patterns, in one swap, as set number generation. 0 or a negative errno,
 * with a one-line reason in err.
 */
int tracer_core_set_stop_at(struct tracer_core *core, char *const *patterns, size_t n,
			    uint32_t generation, char *err, size_t errlen);

void tracer_core_close(struct tracer_core *core);

#endif /* TRACER_CORE_H */
