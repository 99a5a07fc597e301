// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* A listening Unix-domain socket for the HTTP API (see unixlisten.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "unixlisten.h"

#define UNIXLISTEN_BACKLOG 64

static int fail(int ret, char *err, size_t errlen, const char *path, const char *why)
{
	snprintf(err, errlen, "--listen unix:%s: %s", path, why);
	return ret;
}

/* Whether something accepts connections on the socket at addr. */
static bool in_use(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool used;

	if (fd < 0)
		return true;
	used = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0 ||
	       errno != ECONNREFUSED;
	close(fd);
	return used;
}

/* A stale socket of the owner's is removed; anything else at path is refused. */
static int clear_path(const struct sockaddr_un *addr, const char *path,
		      const struct outfile_owner *owner, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st)) {
		if (errno == ENOENT)
			return 0;
		return fail(-errno, err, errlen, path, strerror(errno));
	}
	if (S_ISLNK(st.st_mode))
		return fail(-ELOOP, err, errlen, path, "is a symbolic link; refusing to follow it");
	if (!S_ISSOCK(st.st_mode))
		return fail(-EEXIST, err, errlen, path,
			    "exists and is not a socket; refusing to replace it");
	if (st.st_uid != owner->uid)
		return fail(-EPERM, err, errlen, path,
			    "a socket of another user; refusing to replace it");
	if (in_use(addr))
		return fail(-EADDRINUSE, err, errlen, path, "in use by another server");
	if (unlink(path) && errno != ENOENT)
		return fail(-errno, err, errlen, path, strerror(errno));
	return 0;
}

int unixlisten_open(struct unixlisten *u, const char *path, const struct outfile_owner *owner,
		    const gid_t *group, char *err, size_t errlen)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	uid_t old_fsuid;
	gid_t old_fsgid;
	mode_t old_umask;
	struct stat st;
	bool bound = false;
	int ret, saved;

	u->fd = -1;
	u->path = NULL;
	if (!*path || strlen(path) >= sizeof(addr.sun_path))
		return fail(-ENAMETOOLONG, err, errlen, path, "empty, or 108 bytes or more");
	memcpy(addr.sun_path, path, strlen(path) + 1);

	/* As the owner: their permissions in the directory, the file theirs from the start. */
	old_fsgid = (gid_t)setfsgid(group ? *group : owner->gid);
	old_fsuid = (uid_t)setfsuid(owner->uid);
	old_umask = umask(group ? 0117 : 0177);
	ret = clear_path(&addr, path, owner, err, errlen);
	if (ret)
		goto out_restore;
	u->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (u->fd >= 0 && !bind(u->fd, (struct sockaddr *)&addr, sizeof(addr)))
		bound = true;
	if (!bound || lstat(path, &st) || listen(u->fd, UNIXLISTEN_BACKLOG)) {
		saved = errno;
		ret = fail(-saved, err, errlen, path, strerror(saved));
		goto out_restore;
	}
	u->dev = st.st_dev;
	u->ino = st.st_ino;
	if (group && st.st_gid != *group) {
		/* A set-group-ID directory imposes its own: the socket is not what was asked. */
		ret = fail(
			-EPERM, err, errlen, path,
			"the directory gives its files its own group (set-group-ID); choose another directory for --listen-group");
		goto out_restore;
	}
	u->path = strdup(path);
	if (!u->path)
		ret = fail(-ENOMEM, err, errlen, path, "out of memory");
out_restore:
	umask(old_umask);
	setfsuid(old_fsuid);
	setfsgid(old_fsgid);
	if (ret && u->fd >= 0) {
		if (bound)
			unlink(path);
		close(u->fd);
		u->fd = -1;
	}
	return ret;
}

void unixlisten_close(struct unixlisten *u)
{
	struct stat st;

	if (u->path && !lstat(u->path, &st) && S_ISSOCK(st.st_mode) && st.st_dev == u->dev &&
	    st.st_ino == u->ino)
		unlink(u->path);
	free(u->path);
	u->path = NULL;
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
}
