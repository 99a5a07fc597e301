// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Exclusion lists: what --exclude, --exclude-caller, --exclude-comm and --exclude-from give. */
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

int exclude_read(struct exclude_list *l, FILE *f, size_t *line)
{
	char *buf = NULL, *s, *end;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;

	*line = 0;
	while ((n = getline(&buf, &cap, f)) >= 0) {
		(*line)++;
		s = buf;
		end = buf + n;
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		while (end > s &&
		       (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
			end--;
		*end = '\0';
		if (s == end || *s == '#')
			continue;
		if (memchr(s, '\0', end - s)) {
			ret = -EINVAL;
			break;
		}
		if (*s == '/')
			ret = exclude_add_path(l, s);
		else if (!strncmp(s, "caller", 6) && (s[6] == ' ' || s[6] == '\t'))
			ret = s[6 + strspn(s + 6, " \t")] == '/' ?
				      exclude_add_caller(l, s + 6 + strspn(s + 6, " \t")) :
				      -EINVAL;
		else
			ret = exclude_add_comm(l, s);
		if (ret)
			break;
	}
	if (!ret && ferror(f)) {
		*line = 0;
		ret = -EIO;
	}
	free(buf);
	return ret;
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
