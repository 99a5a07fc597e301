// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The bus's filter stage (filter.h). */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

char *ev_command_line(const struct tracer_exec_event *e, char **buf, size_t *cap)
{
	uint32_t argc = e->argv ? e->argc : 0, i;
	size_t need = 1;
	char *p;

	if (!argc)
		need += e->filename.len;
	for (i = 0; i < argc; i++)
		need += e->argv[i].len + 1;
	if (need > *cap) {
		p = realloc(*buf, need);
		if (!p)
			return NULL;
		*buf = p;
		*cap = need;
	}
	p = *buf;
	if (!argc && e->filename.len)
		p = mempcpy(p, e->filename.ptr, e->filename.len);
	for (i = 0; i < argc; i++) {
		if (i)
			*p++ = ' ';
		p = mempcpy(p, e->argv[i].ptr, e->argv[i].len);
	}
	*p = '\0';
	/* An argument holding a NUL cannot be: the kernel's strings end there. */
	return *buf;
}

static bool matches(struct ev_filter *f, const struct tracer_exec_event *e)
{
	const char *line = ev_command_line(e, &f->line, &f->cap);
	size_t i;

	/* Out of memory: the exec is reported rather than lost unseen. */
	if (!line)
		return true;
	for (i = 0; i < f->n_match; i++)
		if (!fnmatch(f->match[i], line, 0))
			return true;
	return false;
}

bool ev_filter_pass(struct ev_filter *f, const struct tracer_event *ev)
{
	if (ev->type != TRACER_EVENT_EXEC || ev_filter_none(f))
		return true;
	if (f->failed_only && ev->exec.ret >= 0)
		return false;
	return !f->n_match || matches(f, &ev->exec);
}

void ev_filter_free(struct ev_filter *f)
{
	free(f->line);
	f->line = NULL;
	f->cap = 0;
}
