// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The --events list. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "evlist.h"

static const struct {
	const char *name;
	uint32_t mask;
} names[] = {
	{ "exec", TRACER_EVENT_BIT(TRACER_EVENT_EXEC) },
	{ "fork", TRACER_EVENT_BIT(TRACER_EVENT_FORK) },
	{ "exit", TRACER_EVENT_BIT(TRACER_EVENT_EXIT) },
	{ "signal", TRACER_EVENT_BIT(TRACER_EVENT_SIGNAL) },
	{ "all", TRACER_EVENTS_ALL },
};

static int lookup(const char *s, size_t len, uint32_t *mask)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].name) == len && memcmp(names[i].name, s, len) == 0) {
			*mask |= names[i].mask;
			return 0;
		}
	}
	return -EINVAL;
}

int evlist_parse(const char *list, uint32_t *mask)
{
	uint32_t m = 0;
	const char *p, *comma;

	if (!list || !*list)
		return -EINVAL;
	for (p = list;; p = comma + 1) {
		comma = strchr(p, ',');
		if (lookup(p, comma ? (size_t)(comma - p) : strlen(p), &m))
			return -EINVAL;
		if (!comma)
			break;
	}
	*mask = m;
	return 0;
}

uint32_t evlist_kernel_mask(uint32_t printed, bool tree, bool timeline)
{
	if (tree || timeline)
		printed |= TRACER_EVENTS_ALL;
	return printed;
}
