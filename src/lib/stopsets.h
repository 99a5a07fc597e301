/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The stop patterns a handle has had (stop_at_dynamic): the current set and
 * the few before it, each with its generation, so that a stop event that
 * matched a pattern just before tracer_set_stop_at() replaced it still
 * names that pattern. Pure.
 */
#ifndef TRACER_STOPSETS_H
#define TRACER_STOPSETS_H

#include <stddef.h>
#include <stdint.h>

/* Sets kept besides the current one. */
#define STOP_SETS_KEPT 8

struct stop_set_copy {
	uint32_t generation;
	char **patterns;
	size_t n;
};

struct stop_sets {
	struct stop_set_copy past[STOP_SETS_KEPT]; /* the oldest first */
	size_t n_past;
};

/* Keeps a set that was replaced (taking its patterns), dropping the oldest kept. */
void stop_sets_keep(struct stop_sets *s, uint32_t generation, char **patterns, size_t n);

/* Pattern index of the kept set of that generation, or NULL. */
const char *stop_sets_find(const struct stop_sets *s, uint32_t generation, uint32_t index);

void stop_sets_free(struct stop_sets *s);

/* Frees n strings and their array. */
void stop_patterns_free(char **patterns, size_t n);

#endif /* TRACER_STOPSETS_H */
