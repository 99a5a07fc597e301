// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Which file a shell would execute for a command name. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cmdpath.h"

static int copy_path(char *out, size_t outlen, const char *dir, size_t dirlen, const char *name)
{
	int n = snprintf(out, outlen, "%.*s%s%s", (int)dirlen, dir, dirlen ? "/" : "", name);

	return n < 0 || (size_t)n >= outlen ? -ENAMETOOLONG : 0;
}

int cmdpath_resolve(const char *name, const char *path, char *out, size_t outlen)
{
	bool fallback = false;
	const char *dir, *end;
	char cand[4096];
	struct stat st;

	if (strchr(name, '/'))
		return copy_path(out, outlen, "", 0, name);
	/* No file has an empty name; a shell says "command not found". */
	if (!*name)
		return -ENOENT;
	if (!path)
		path = CMDPATH_DEFAULT;

	for (dir = path;; dir = end + 1) {
		size_t len;

		end = strchrnul(dir, ':');
		len = (size_t)(end - dir);
		/* An empty entry is the current directory. */
		if (copy_path(cand, sizeof(cand), len ? dir : ".", len ? len : 1, name) == 0 &&
		    stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			if (faccessat(AT_FDCWD, cand, X_OK, AT_EACCESS) == 0)
				return copy_path(out, outlen, "", 0, cand);
			/* Remembered: its exec fails with EACCES, as in a shell. */
			if (!fallback && copy_path(out, outlen, "", 0, cand) == 0)
				fallback = true;
		}
		if (!*end)
			break;
	}
	return fallback ? 0 : -ENOENT;
}

bool cmdpath_looks_binary(const char *head, size_t len)
{
	size_t i;

	for (i = 0; i < len && head[i] != '\n'; i++) {
		if (head[i] == '\0')
			return true;
	}
	return false;
}

int cmdpath_exit_code(int err)
{
	return err == ENOENT ? 127 : 126;
}
