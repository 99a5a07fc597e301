// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Terminal names as users type them: normalization to a /dev path, and
 * resolution to the device number the kernel reports for a controlling tty.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/types.h>

#include "wire.h"
#include "ttyname.h"

/* /dev/tty, /dev/console and /dev/ptmx: aliases, never a controlling tty. */
#define TTYAUX_MAJOR 5
/* /dev/tty0: the current virtual console, an alias of some /dev/ttyN. */
#define TTY_MAJOR 4

static bool all_digits(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

/*
 * A relative path below /dev: non-empty components separated by single
 * slashes, none of them "." or "..", no trailing slash.
 */
static bool valid_rel_path(const char *s)
{
	const char *p = s;

	if (*s == '\0')
		return false;
	for (;;) {
		const char *end = p + strcspn(p, "/");
		size_t len = (size_t)(end - p);

		if (len == 0)
			return false;
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (*end == '\0')
			return true;
		p = end + 1;
	}
}

/*
 * Names under /dev that start with "pts" must be a pseudo-terminal number:
 * "pts/N" (the device path) or "ptsN" (the kernel's tty name). Sets *num to
 * the digits, or returns false for anything else starting with "pts".
 */
static bool pts_number(const char *rel, const char **num, bool *is_pts)
{
	const char *p;

	*is_pts = strncmp(rel, "pts", 3) == 0;
	if (!*is_pts)
		return true;
	p = rel + 3;
	if (*p == '/')
		p++;
	if (!all_digits(p, strlen(p)))
		return false;
	*num = p;
	return true;
}

int tty_normalize(const char *name, char *path, size_t size)
{
	const char *rel, *num = NULL;
	bool is_pts;
	size_t len;

	if (size > 0)
		path[0] = '\0';
	if (!name || name[0] == '\0')
		return -EINVAL;

	if (name[0] == '/') {
		if (strncmp(name, "/dev/", 5) != 0)
			return -EINVAL;
		rel = name + 5;
	} else {
		rel = name;
	}
	if (!valid_rel_path(rel))
		return -EINVAL;
	if (!pts_number(rel, &num, &is_pts))
		return -EINVAL;
	/* "/dev/pts9" is a file name the user chose to write: keep it. */
	if (is_pts && name[0] == '/' && rel[3] != '/')
		num = NULL;

	if (num) {
		len = strlen("/dev/pts/") + strlen(num);
		if (len + 1 > size)
			return -ENAMETOOLONG;
		strcpy(path, "/dev/pts/");
		strcat(path, num);
	} else {
		len = strlen("/dev/") + strlen(rel);
		if (len + 1 > size)
			return -ENAMETOOLONG;
		strcpy(path, "/dev/");
		strcat(path, rel);
	}
	return 0;
}

static bool is_alias(unsigned int maj, unsigned int min)
{
	if (maj == TTYAUX_MAJOR && min <= 2)
		return true;
	return maj == TTY_MAJOR && min == 0;
}

static int check_terminal(const struct stat *st)
{
	if (!S_ISCHR(st->st_mode))
		return -ENOTTY;
	if (is_alias(major(st->st_rdev), minor(st->st_rdev)))
		return -ENOTTY;
	return 0;
}

int tty_resolve(const char *name, uint32_t *dev)
{
	char path[PATH_MAX];
	struct stat st;
	int fd, ret;

	ret = tty_normalize(name, path, sizeof(path));
	if (ret)
		return ret;

	if (stat(path, &st)) {
		if (errno == ENOENT || errno == ENOTDIR)
			return -ENOENT;
		return -errno;
	}
	ret = check_terminal(&st);
	if (ret)
		return ret;

	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	if (!isatty(fd)) {
		ret = -ENOTTY;
	} else if (fstat(fd, &st)) {
		ret = -errno;
	} else {
		/* Checked again on what was opened: the path may have changed. */
		ret = check_terminal(&st);
	}
	close(fd);
	if (ret)
		return ret;

	*dev = TRACER_TTY_DEV(major(st.st_rdev), minor(st.st_rdev));
	return 0;
}

bool tty_is_own_alias(const char *name)
{
	char path[PATH_MAX];

	return tty_normalize(name, path, sizeof(path)) == 0 && strcmp(path, "/dev/tty") == 0;
}

int tty_nr_path(uint32_t tty_nr, char *path, size_t size)
{
	unsigned int maj = (tty_nr >> 8) & 0xfff;
	unsigned int min = (tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00);

	if (!tty_nr)
		return -ENOTTY;
	/* include/uapi/linux/major.h: UNIX98_PTY_SLAVE_MAJOR, 8 majors; TTY_MAJOR. */
	if (maj >= 136 && maj < 144)
		snprintf(path, size, "/dev/pts/%u", (maj - 136) * 256 + min);
	else if (maj == TTY_MAJOR && min >= 1 && min < 64)
		snprintf(path, size, "/dev/tty%u", min);
	else if (maj == TTY_MAJOR && min >= 64)
		snprintf(path, size, "/dev/ttyS%u", min - 64);
	else
		snprintf(path, size, "device %u:%u", maj, min);
	return 0;
}

int tty_own_path(char *path, size_t size)
{
	char buf[512], *p;
	unsigned int tty_nr;
	size_t n;
	FILE *f;

	f = fopen("/proc/self/stat", "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "pid (comm) state ppid pgrp session tty_nr": comm may hold ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %u", &tty_nr) != 1)
		return -EINVAL;
	return tty_nr_path(tty_nr, path, size);
}
