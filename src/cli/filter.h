/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The bus's filter stage: which execs reach the sinks (all of them: text,
 * JSON, sh, the tree, the timeline, the store, the compilation database),
 * for the filters the kernel does not apply. --failed keeps only the execs
 * that failed; --match GLOB only those whose command line (the arguments
 * joined by single spaces) one of the patterns matches, as fnmatch(3)
 * without flags ('*' also matches '/' and spaces). Both given: both must
 * hold. Only exec events are filtered: a process's fork, exit, signal and
 * stop events pass, as with the kernel's --uid and --comm.
 */
#ifndef TRACER_FILTER_H
#define TRACER_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <tracer/tracer.h>

struct ev_filter {
	bool failed_only;
	const char *const *match;
	size_t n_match;
	char *line; /* the command line being matched, grown as needed */
	size_t cap;
};

/* Whether the filter lets everything through (no option set). */
static inline bool ev_filter_none(const struct ev_filter *f)
{
	return !f->failed_only && !f->n_match;
}

/*
 * The command line --match matches: the arguments joined by single spaces,
 * or the filename when there are none (unreadable), into *buf (grown with
 * realloc, *cap its size). *buf, or NULL when out of memory.
 */
char *ev_command_line(const struct tracer_exec_event *e, char **buf, size_t *cap);

/* Whether ev reaches the sinks. */
bool ev_filter_pass(struct ev_filter *f, const struct tracer_event *ev);

void ev_filter_free(struct ev_filter *f);

#endif /* TRACER_FILTER_H */
