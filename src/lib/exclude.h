/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Exclusion lists (--exclude, --exclude-comm, --exclude-from). Pure: the
 * kernel side is filled from them by the library.
 */
#ifndef TRACER_EXCLUDE_H
#define TRACER_EXCLUDE_H

#include <stddef.h>
#include <stdio.h>

struct exclude_list {
	char **paths; /* exact filenames, shorter than TRACER_EXCL_PATH_LEN */
	size_t n_paths;
	char **comms; /* command names, cut to 15 bytes as the kernel cuts comm */
	size_t n_comms;
};

/* Adds a copy. Returns 0, -EINVAL (empty), -ENAMETOOLONG (path), -ENOMEM. */
int exclude_add_path(struct exclude_list *l, const char *path);
int exclude_add_comm(struct exclude_list *l, const char *comm);

/*
 * Reads one entry per line: a line starting with '/' is a path, any other a
 * command name; blank lines and lines starting with '#' are skipped, and so
 * is the space around an entry. Returns 0 or a negative errno, with the
 * number of the faulty line in *line (0 for a read error).
 */
int exclude_read(struct exclude_list *l, FILE *f, size_t *line);

void exclude_free(struct exclude_list *l);

#endif /* TRACER_EXCLUDE_H */
