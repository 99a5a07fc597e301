// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* --listen-token-file: loading the token, checking a request's (see token.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

#include "token.h"

static int fail(int ret, char *err, size_t errlen, const char *path, const char *why)
{
	snprintf(err, errlen, "--listen-token-file %s: %s", path, why);
	return ret;
}

/*
 * The file as it was opened, under the rules of output files (outfile.h):
 * never through a symbolic link, one link only, the user's own (root's when
 * tracer runs as root without sudo), no access for others. Checked before a
 * byte is read: a file that fails says nothing about what it holds.
 */
static int check_file(int fd, const char *path, uid_t owner, char *err, size_t errlen)
{
	char why[160];
	struct stat st;

	if (fstat(fd, &st))
		return fail(-errno, err, errlen, path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(-EINVAL, err, errlen, path, "not a regular file");
	if (st.st_uid != owner) {
		snprintf(why, sizeof(why),
			 "belongs to uid %u, not to uid %u who runs tracer; refusing it",
			 (unsigned int)st.st_uid, (unsigned int)owner);
		return fail(-EPERM, err, errlen, path, why);
	}
	if (st.st_nlink > 1) {
		snprintf(why, sizeof(why), "has %lu hard links; refusing a shared file",
			 (unsigned long)st.st_nlink);
		return fail(-EMLINK, err, errlen, path, why);
	}
	if (st.st_mode & 077) {
		snprintf(why, sizeof(why),
			 "other users can read or change it (mode %04o); refusing it: chmod 600 it",
			 (unsigned int)(st.st_mode & 07777));
		return fail(-EPERM, err, errlen, path, why);
	}
	return 0;
}

/* One message for any content that is not a token: which rule failed is not said. */
static int not_a_token(char *err, size_t errlen, const char *path)
{
	return fail(-EINVAL, err, errlen, path,
		    "not a token: one line of 16 to 4096 visible ASCII characters, without spaces");
}

int token_load(const char *path, uid_t owner, char **token, char *err, size_t errlen)
{
	char buf[TOKEN_MAX_LEN + 3];
	size_t len = 0, i;
	ssize_t n;
	int fd, ret;

	*token = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0 && errno == ELOOP)
		return fail(-ELOOP, err, errlen, path,
			    "is a symbolic link; the token is never read through one");
	if (fd < 0)
		return fail(-errno, err, errlen, path, strerror(errno));
	ret = check_file(fd, path, owner, err, errlen);
	while (!ret && len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) != 0) {
		if (n < 0 && errno != EINTR)
			ret = fail(-errno, err, errlen, path, strerror(errno));
		else if (n > 0)
			len += (size_t)n;
	}
	close(fd);
	if (ret)
		return ret;
	if (len && buf[len - 1] == '\n')
		len--;
	if (len && buf[len - 1] == '\r')
		len--;
	if (len < TOKEN_MIN_LEN || len > TOKEN_MAX_LEN)
		return not_a_token(err, errlen, path);
	for (i = 0; i < len; i++)
		if (buf[i] < 0x21 || buf[i] > 0x7e)
			return not_a_token(err, errlen, path);
	*token = strndup(buf, len);
	if (!*token)
		return fail(-ENOMEM, err, errlen, path, "out of memory");
	return 0;
}

bool token_authorizes(const char *token, const char *authorization)
{
	static const char scheme[] = "Bearer ";
	size_t want = strlen(token), got, i;
	volatile unsigned char diff;

	if (!authorization || strncasecmp(authorization, scheme, sizeof(scheme) - 1))
		return false;
	authorization += sizeof(scheme) - 1;
	while (*authorization == ' ')
		authorization++;
	got = strlen(authorization);
	/* As many steps whatever was sent: a wrong length costs as much as a wrong byte. */
	diff = got != want;
	for (i = 0; i < want; i++)
		diff |= (unsigned char)token[i] ^
			(unsigned char)(got ? authorization[i < got ? i : 0] : 0);
	return diff == 0;
}
