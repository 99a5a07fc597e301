/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Who a launched command runs as: the user who ran sudo, or --user. */
#ifndef TRACER_IDENTITY_H
#define TRACER_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct identity {
	bool change; /* false: the command runs with tracer's credentials and environment */
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* supplementary groups, gid included */
	int n_groups;
	char *name; /* USER and LOGNAME */
	char *home; /* HOME */
};

/*
 * Who the command runs as: user (a name or a uid) when not NULL; else, when
 * tracer runs as root through sudo, the invoking user (SUDO_UID, SUDO_GID and
 * that user's groups); else nobody else (change false: root when the invoker
 * was root). Returns 0, or the exit code to exit with and the reason in err:
 * TRACER_EXIT_USAGE for an unknown user, TRACER_EXIT_FAILURE otherwise.
 */
int identity_resolve(const char *user, struct identity *id, char *err, size_t errlen);

/*
 * Takes id for good (groups, gids, uids, then checks that they stuck and that
 * root cannot be taken back), and sets HOME, USER and LOGNAME. For the
 * child, before its exec. Returns 0 or a negative errno.
 */
int identity_become(const struct identity *id);

void identity_free(struct identity *id);

#endif /* TRACER_IDENTITY_H */
