// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Breakpoints under --tui (tui_breaks.h). A stub until they land. */
#include <stdio.h>
#include <stdlib.h>

#include "tui_breaks.h"

struct tui_breaks {
	struct tracer *t;
};

struct tui_breaks *tui_breaks_new(struct tracer *t, const char *const *patterns, size_t n)
{
	struct tui_breaks *b = calloc(1, sizeof(*b));

	(void)patterns;
	(void)n;
	if (b)
		b->t = t;
	return b;
}

int tui_breaks_add(struct tui_breaks *b, const char *pattern, char *err, size_t errlen)
{
	(void)b;
	(void)pattern;
	snprintf(err, errlen, "breakpoints are not built in yet");
	return -1;
}

int tui_breaks_remove(struct tui_breaks *b, size_t i, char *err, size_t errlen)
{
	(void)b;
	(void)i;
	snprintf(err, errlen, "breakpoints are not built in yet");
	return -1;
}

size_t tui_breaks_count(const struct tui_breaks *b)
{
	(void)b;
	return 0;
}

const char *tui_breaks_pattern(const struct tui_breaks *b, size_t i)
{
	(void)b;
	(void)i;
	return NULL;
}

void tui_breaks_event(struct tui_breaks *b, const struct tracer_event *ev)
{
	(void)b;
	(void)ev;
}

size_t tui_breaks_n_stopped(const struct tui_breaks *b)
{
	(void)b;
	return 0;
}

const struct tui_stopped *tui_breaks_stopped(const struct tui_breaks *b, size_t i)
{
	(void)b;
	(void)i;
	return NULL;
}

int tui_breaks_continue(struct tui_breaks *b, size_t i, char *err, size_t errlen)
{
	(void)b;
	(void)i;
	snprintf(err, errlen, "breakpoints are not built in yet");
	return -1;
}

int tui_breaks_kill(struct tui_breaks *b, size_t i, char *err, size_t errlen)
{
	(void)b;
	(void)i;
	snprintf(err, errlen, "breakpoints are not built in yet");
	return -1;
}

int tui_breaks_debug(struct tui_breaks *b, size_t i, struct tui_term *pane, char *err,
		     size_t errlen)
{
	(void)b;
	(void)i;
	(void)pane;
	snprintf(err, errlen, "breakpoints are not built in yet");
	return -1;
}

void tui_breaks_free(struct tui_breaks *b)
{
	free(b);
}
