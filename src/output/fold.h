/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * PATH lookups folded, for the readable text: execvp() and a shell walking
 * PATH make one failed exec per directory before the one that works. A
 * failed exec whose filename is a directory joined with argv[0] (argv[0]
 * without a '/') is held; the same process's next exec of the same
 * arguments joins it: a success is written as one line that counts the
 * failed lookups before it, a command found nowhere as one line that says so
 * once the walk is over (another exec, the exit, or FOLD_HOLD_NS). JSON, kv,
 * sh and the API keep every exec: only the text writer folds. Pure.
 */
#ifndef TRACER_FOLD_H
#define TRACER_FOLD_H

#include <stdint.h>
#include <tracer/tracer.h>

/* How long a failed lookup waits for the rest of its walk (by its ts_ns). */
#define FOLD_HOLD_NS 200000000ull
/* At most this many lookups in one walk, and walks held at once: past either, written as they are. */
#define FOLD_MAX_LOOKUPS 64
#define FOLD_MAX_WALKS 256

struct fold;

/*
 * Writes one exec: lookups is the number of failed lookups folded into it
 * (for a failed ev, the walk found nothing: ev is its last lookup). Returns
 * 0, or non-zero to stop (passed back).
 */
typedef int (*fold_write_fn)(void *ctx, const struct tracer_event *ev, uint32_t lookups);

struct fold *fold_new(fold_write_fn write, void *ctx);
void fold_free(struct fold *f);

/* An exec: held, or written (after what its process held, when it does not continue it). */
int fold_exec(struct fold *f, const struct tracer_event *ev);
/* Process pid exited: its walk is over. */
int fold_exit(struct fold *f, uint32_t pid);
/* The walks whose first lookup is older than FOLD_HOLD_NS at now_ns (CLOCK_MONOTONIC) are written. */
int fold_expire(struct fold *f, uint64_t now_ns);
/* Everything held is written (the end of the run). */
int fold_flush(struct fold *f);

#endif /* TRACER_FOLD_H */
