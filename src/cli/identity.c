// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Who a launched command runs as, and becoming that user. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "identity.h"
#include "opts.h"
#include "parse.h"

/* The user's supplementary groups, gid included, as initgroups() would set them. */
static int load_groups(struct identity *id)
{
	int n = 16;

	for (;;) {
		gid_t *groups = realloc(id->groups, (size_t)n * sizeof(*groups));
		int got = n;

		if (!groups)
			return -ENOMEM;
		id->groups = groups;
		if (getgrouplist(id->name, id->gid, groups, &got) >= 0) {
			id->n_groups = got;
			return 0;
		}
		n = got > n ? got : n * 2;
		if (n > 65536)
			return -E2BIG;
	}
}

int identity_resolve(const char *user, struct identity *id, char *err, size_t errlen)
{
	const char *sudo_uid = getenv("SUDO_UID");
	const char *sudo_gid = getenv("SUDO_GID");
	struct passwd *pw;
	uint32_t uid, gid;
	char buf[64];

	memset(id, 0, sizeof(*id));
	if (user) {
		pw = getpwnam(user);
		if (!pw && parse_id(user, &uid) == 0)
			pw = getpwuid(uid);
		if (!pw) {
			snprintf(err, errlen, "unknown user '%s'",
				 printable(user, buf, sizeof(buf)));
			return TRACER_EXIT_USAGE;
		}
		gid = pw->pw_gid;
	} else if (sudo_uid && getuid() == 0) {
		if (parse_id(sudo_uid, &uid)) {
			snprintf(err, errlen, "invalid SUDO_UID '%s' (use --user)",
				 printable(sudo_uid, buf, sizeof(buf)));
			return TRACER_EXIT_FAILURE;
		}
		/* Root ran sudo: the command runs as root, as tracer does. */
		if (uid == 0)
			return 0;
		pw = getpwuid(uid);
		if (!pw) {
			snprintf(err, errlen, "SUDO_UID %u: no such user (use --user)", uid);
			return TRACER_EXIT_FAILURE;
		}
		if (!sudo_gid || parse_id(sudo_gid, &gid))
			gid = pw->pw_gid;
	} else {
		return 0;
	}

	id->change = true;
	id->uid = pw->pw_uid;
	id->gid = gid;
	id->name = strdup(pw->pw_name);
	id->home = strdup(pw->pw_dir);
	if (!id->name || !id->home || load_groups(id)) {
		snprintf(err, errlen, "cannot list the groups of uid %u", (unsigned int)id->uid);
		identity_free(id);
		return TRACER_EXIT_FAILURE;
	}
	return 0;
}

int identity_become(const struct identity *id)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	if (setgroups((size_t)id->n_groups, id->groups) || setresgid(id->gid, id->gid, id->gid) ||
	    setresuid(id->uid, id->uid, id->uid))
		return -errno;
	/* Check that it stuck, and that root cannot be taken back. */
	if (getresuid(&ruid, &euid, &suid) || getresgid(&rgid, &egid, &sgid))
		return -errno;
	if (ruid != id->uid || euid != id->uid || suid != id->uid || rgid != id->gid ||
	    egid != id->gid || sgid != id->gid || getgroups(0, NULL) != id->n_groups)
		return -EPERM;
	if (id->uid != 0 && (setuid(0) == 0 || setgid(0) == 0))
		return -EPERM;
	if (setenv("HOME", id->home, 1) || setenv("USER", id->name, 1) ||
	    setenv("LOGNAME", id->name, 1))
		return -errno;
	return 0;
}

void identity_free(struct identity *id)
{
	free(id->groups);
	free(id->name);
	free(id->home);
	memset(id, 0, sizeof(*id));
}
