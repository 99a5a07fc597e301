// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The exclusions' lists, and --exclude-from's file format (see exclfrom.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

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

/* Whether tracer may read st's file: a regular file of root's or of owner's. */
static const char *refuse_file(const struct stat *st, uid_t owner)
{
	if (!S_ISREG(st->st_mode))
		return "not a regular file";
	if (st->st_uid != 0 && st->st_uid != owner)
		return "belongs to another user";
	if (st->st_size > EXCLFROM_MAX_BYTES)
		return "larger than 1 MiB";
	return NULL;
}

/* The whole of fd, at most EXCLFROM_MAX_BYTES, into *buf (malloc'd). */
static const char *read_all(int fd, char **buf, size_t *len)
{
	ssize_t n;

	*len = 0;
	*buf = malloc(EXCLFROM_MAX_BYTES + 1);
	if (!*buf)
		return "out of memory";
	/* One byte more than allowed: a file that grew since fstat() is refused too. */
	while (*len <= EXCLFROM_MAX_BYTES) {
		n = read(fd, *buf + *len, EXCLFROM_MAX_BYTES + 1 - *len);
		if (n == 0)
			return NULL;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return strerror(errno);
		*len += (size_t)n;
	}
	return "larger than 1 MiB";
}

const char *exclfrom_load(struct exclusions *x, const char *path, uid_t owner, size_t *line)
{
	const char *why;
	struct stat st;
	char *buf = NULL;
	size_t len;
	FILE *f;
	int fd, ret;

	*line = 0;
	/* Non-blocking: a FIFO is refused after fstat(), not waited on at the open. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return strerror(errno);
	why = fstat(fd, &st) ? strerror(errno) : refuse_file(&st, owner);
	if (!why)
		why = read_all(fd, &buf, &len);
	close(fd);
	if (why)
		goto out;
	f = fmemopen(buf, len ? len : 1, "r");
	if (!f) {
		why = strerror(errno);
		goto out;
	}
	ret = len ? exclfrom_read(x, f, line) : 0;
	fclose(f);
	if (ret == -ENOMEM)
		why = "out of memory";
	else if (ret)
		why = "invalid entry";
out:
	free(buf);
	return why;
}
