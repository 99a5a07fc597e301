// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Exclusion lists: the copies of tracer_options.exclude_* a handle keeps. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include <tracer/tracer.h>
#include "exclude.h"
#include "wire.h"

static int append(char ***arr, size_t *n, const char *s, size_t len)
{
	char **tmp, *copy;

	copy = strndup(s, len);
	if (!copy)
		return -ENOMEM;
	tmp = realloc(*arr, (*n + 1) * sizeof(**arr));
	if (!tmp) {
		free(copy);
		return -ENOMEM;
	}
	*arr = tmp;
	(*arr)[(*n)++] = copy;
	return 0;
}

/* The files are opened and held while tracing: their number is bounded. */
static int add_file(struct exclude_list *l, char ***arr, size_t *n, const char *path)
{
	size_t len = strlen(path);

	if (!len)
		return -EINVAL;
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	if (l->n_paths + l->n_callers >= TRACER_EXCLUDE_FILES_MAX)
		return -E2BIG;
	return append(arr, n, path, len);
}

int exclude_add_path(struct exclude_list *l, const char *path)
{
	return add_file(l, &l->paths, &l->n_paths, path);
}

int exclude_add_caller(struct exclude_list *l, const char *path)
{
	return add_file(l, &l->callers, &l->n_callers, path);
}

int exclude_add_comm(struct exclude_list *l, const char *comm)
{
	size_t len = strlen(comm);

	if (!len)
		return -EINVAL;
	if (len > TRACER_COMM_LEN - 1)
		len = TRACER_COMM_LEN - 1;
	return append(&l->comms, &l->n_comms, comm, len);
}

void exclude_free(struct exclude_list *l)
{
	size_t i;

	for (i = 0; i < l->n_paths; i++)
		free(l->paths[i]);
	for (i = 0; i < l->n_callers; i++)
		free(l->callers[i]);
	for (i = 0; i < l->n_comms; i++)
		free(l->comms[i]);
	free(l->paths);
	free(l->callers);
	free(l->comms);
	memset(l, 0, sizeof(*l));
}
