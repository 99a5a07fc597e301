// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The stop patterns a handle has had: stopsets.h. */
#include <stdlib.h>
#include <string.h>
#include "stopsets.h"

void stop_patterns_free(char **patterns, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(patterns[i]);
	free(patterns);
}

void stop_sets_keep(struct stop_sets *s, uint32_t generation, char **patterns, size_t n)
{
	if (s->n_past == STOP_SETS_KEPT) {
		stop_patterns_free(s->past[0].patterns, s->past[0].n);
		memmove(&s->past[0], &s->past[1], (STOP_SETS_KEPT - 1) * sizeof(s->past[0]));
		s->n_past--;
	}
	s->past[s->n_past++] = (struct stop_set_copy){ generation, patterns, n };
}

const char *stop_sets_find(const struct stop_sets *s, uint32_t generation, uint32_t index)
{
	size_t i;

	for (i = s->n_past; i-- > 0;)
		if (s->past[i].generation == generation)
			return index < s->past[i].n ? s->past[i].patterns[index] : NULL;
	return NULL;
}

void stop_sets_free(struct stop_sets *s)
{
	size_t i;

	for (i = 0; i < s->n_past; i++)
		stop_patterns_free(s->past[i].patterns, s->past[i].n);
	s->n_past = 0;
}
