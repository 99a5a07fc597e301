// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The stop pattern sets a handle keeps after tracer_set_stop_at() replaced them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include "stopsets.h"

/* A set of one pattern, "p<generation>", as the library copies them. */
static char **one(uint32_t generation)
{
	char **p = calloc(1, sizeof(*p));

	cr_assert_not_null(p);
	p[0] = malloc(16);
	cr_assert_not_null(p[0]);
	snprintf(p[0], 16, "p%u", generation);
	return p;
}

Test(stopsets, finds_a_kept_set_by_generation_and_index)
{
	struct stop_sets s = { 0 };

	stop_sets_keep(&s, 0, one(0), 1);
	stop_sets_keep(&s, 1, NULL, 0);
	cr_assert_str_eq(stop_sets_find(&s, 0, 0), "p0");
	cr_assert_null(stop_sets_find(&s, 0, 1), "past the set's end");
	cr_assert_null(stop_sets_find(&s, 1, 0), "an empty set");
	cr_assert_null(stop_sets_find(&s, 2, 0), "a set never kept");
	stop_sets_free(&s);
	cr_assert_eq(s.n_past, 0);
}

Test(stopsets, keeps_the_last_few_and_drops_the_oldest)
{
	struct stop_sets s = { 0 };
	uint32_t g;

	for (g = 0; g < STOP_SETS_KEPT + 3; g++)
		stop_sets_keep(&s, g, one(g), 1);
	cr_assert_eq(s.n_past, STOP_SETS_KEPT);
	cr_assert_null(stop_sets_find(&s, 2, 0));
	cr_assert_str_eq(stop_sets_find(&s, 3, 0), "p3");
	cr_assert_str_eq(stop_sets_find(&s, STOP_SETS_KEPT + 2, 0), "p10");
	stop_sets_free(&s);
}
