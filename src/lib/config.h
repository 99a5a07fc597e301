/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The library's configuration, the one copy every part reads: the caller's
 * struct tracer_options as tracer_create() read and checked it (the first
 * sz bytes, defaults for the rest: the sized-struct ABI), its arrays copied,
 * and what tracer_start() resolves from them. The core keeps a pointer to
 * it and reads the options where they are: no option is copied field by
 * field on its way to the kernel.
 *
 * Defaults are tracer.h's (TRACER_OPTIONS_DEFAULTS); tracer_create()
 * settles the two that depend on the call: events (none of the kernel's
 * kinds: exec only) and epoch_ns (0: now).
 */
#ifndef TRACER_CONFIG_H
#define TRACER_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <tracer/tracer.h>
#include "exclude.h"

struct tracer_config {
	/* Checked; its array pointers are NULL: the copies below are the arrays. */
	struct tracer_options opts;
	uint32_t *pids; /* at start: thread ids resolved to processes, no duplicates */
	size_t n_pids;
	char **tty_names; /* as the caller wrote them */
	uint32_t *tty_devs; /* at start: their device numbers (TRACER_TTY_DEV) */
	size_t n_ttys;
	struct exclude_list excl; /* exclude_paths, exclude_callers, exclude_comms */
	char **stop_at; /* the stop_at patterns: tracer_set_stop_at()'s last, if any */
	size_t n_stop_at;
	char *cgroup; /* the cgroup option's directory, NULL when not given */
	uint32_t stop_generation; /* how many times they were set (24 bits) */
	uint32_t *uids; /* the uids filter */
	size_t n_uids;
	char **comms; /* the comms filter, cut to 15 bytes */
	size_t n_comms;
};

#endif /* TRACER_CONFIG_H */
