/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Exclusion lists: the handle's copies of tracer_options.exclude_paths,
 * exclude_callers and exclude_comms. Pure: the files are opened and the
 * kernel side filled from these lists by the library (exclfile.h).
 */
#ifndef TRACER_EXCLUDE_H
#define TRACER_EXCLUDE_H

#include <stddef.h>
#include <stdio.h>

struct exclude_list {
	char **paths; /* --exclude: files whose execs are dropped */
	size_t n_paths;
	char **callers; /* --exclude-caller: files whose processes' execs are dropped */
	size_t n_callers;
	char **comms; /* command names, cut to 15 bytes as the kernel cuts comm */
	size_t n_comms;
};

/*
 * Adds a copy. Returns 0, -EINVAL (empty), -ENAMETOOLONG (a path of PATH_MAX
 * bytes or more), -E2BIG (more than TRACER_EXCLUDE_FILES_MAX paths and
 * callers together), -ENOMEM.
 */
int exclude_add_path(struct exclude_list *l, const char *path);
int exclude_add_caller(struct exclude_list *l, const char *path);
int exclude_add_comm(struct exclude_list *l, const char *comm);

void exclude_free(struct exclude_list *l);

#endif /* TRACER_EXCLUDE_H */
