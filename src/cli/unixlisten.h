/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * --listen unix:PATH: the HTTP API on a Unix-domain socket that only the
 * user tracer works for can connect to (issue 12, finding 5). Over TCP, any
 * local user reaches 127.0.0.1 and reads every user's command lines; a
 * socket file of mode 0600 lets the kernel decide.
 *
 * The socket file is created as the owner (setfsuid/setfsgid around bind(),
 * with umask 0177): under sudo it is the sudo user's, created with that
 * user's permissions in the directory, never given away afterwards by a
 * chown that a swapped name could redirect. An existing name is replaced
 * only when it is a socket of the owner's that nobody listens on (a stale one
 * from an earlier run); a symbolic link, a regular file, anything else, or
 * another user's socket is refused.
 *
 * With a group (--listen-group), the socket is created 0660 and that group's
 * from the start (setfsgid), so that its members can connect too.
 */
#ifndef TRACER_UNIXLISTEN_H
#define TRACER_UNIXLISTEN_H

#include <stddef.h>
#include <sys/types.h>

#include "outfile.h"

struct unixlisten {
	int fd; /* the listening socket, close-on-exec */
	char *path;
	dev_t dev; /* the socket file, to remove only that one at the end */
	ino_t ino;
};

/*
 * Creates, binds and listens on path for owner, mode 0600, or 0660 for *group
 * when group is not NULL. Returns 0, or a negative errno with a one-line
 * message naming the path in err.
 */
int unixlisten_open(struct unixlisten *u, const char *path, const struct outfile_owner *owner,
		    const gid_t *group, char *err, size_t errlen);

/* Removes the socket file if it is still the one created, closes the socket. */
void unixlisten_close(struct unixlisten *u);

#endif /* TRACER_UNIXLISTEN_H */
