// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The exclusions' lists, and --exclude-from's file format (see exclfrom.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exclfrom.h"

int strlist_add(struct strlist *l, const char *s, size_t len)
{
	char **v, *copy = strndup(s, len);

	if (!copy)
		return -ENOMEM;
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v) {
		free(copy);
		return -ENOMEM;
	}
	l->v = v;
	l->v[l->n++] = copy;
	return 0;
}

static void strlist_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void exclusions_free(struct exclusions *x)
{
	strlist_free(&x->paths);
	strlist_free(&x->callers);
	strlist_free(&x->comms);
}

/* One entry, without the space around it: added to its list, or -EINVAL. */
static int add_entry(struct exclusions *x, const char *s, size_t len)
{
	size_t gap;

	if (memchr(s, '\0', len))
		return -EINVAL;
	if (*s == '/')
		return strlist_add(&x->paths, s, len);
	if (len > 6 && !strncmp(s, "caller", 6) && (s[6] == ' ' || s[6] == '\t')) {
		gap = 6 + strspn(s + 6, " \t");
		if (s[gap] != '/')
			return -EINVAL;
		return strlist_add(&x->callers, s + gap, len - gap);
	}
	return strlist_add(&x->comms, s, len);
}

int exclfrom_read(struct exclusions *x, FILE *f, size_t *line)
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
		ret = add_entry(x, s, (size_t)(end - s));
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
