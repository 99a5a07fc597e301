// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* --listen-token-file: which files are refused, and which headers carry the token. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "token.h"

#define TOKEN "0123456789abcdef-XYZ"

Test(token, authorizes)
{
	cr_assert(token_authorizes(TOKEN, "Bearer " TOKEN));
	cr_assert(token_authorizes(TOKEN, "bearer " TOKEN));
	cr_assert(token_authorizes(TOKEN, "BEARER   " TOKEN));
	cr_assert_not(token_authorizes(TOKEN, NULL));
	cr_assert_not(token_authorizes(TOKEN, ""));
	cr_assert_not(token_authorizes(TOKEN, TOKEN));
	cr_assert_not(token_authorizes(TOKEN, "Basic " TOKEN));
	cr_assert_not(token_authorizes(TOKEN, "Bearer"));
	cr_assert_not(token_authorizes(TOKEN, "Bearer "));
	cr_assert_not(token_authorizes(TOKEN, "Bearer " TOKEN "x"));
	cr_assert_not(token_authorizes(TOKEN, "Bearer 0123456789abcdef-XY"));
	cr_assert_not(token_authorizes(TOKEN, "Bearer 0123456789abcdef-XYz"));
	cr_assert_not(token_authorizes(TOKEN, "Bearer x123456789abcdef-XYZ"));
}

/* A file with this content and mode in a fresh directory; its path in path. */
static void make(char *dir, char *path, size_t len, const char *content, mode_t mode)
{
	FILE *f;

	snprintf(path, len, "%s/token", dir);
	unlink(path);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(content, f);
	fclose(f);
	cr_assert_eq(chmod(path, mode), 0);
}

Test(token, load)
{
	char dir[] = "/tmp/tracer-token.XXXXXX", path[64], err[256], *tok;
	char long_token[TOKEN_MAX_LEN + 3];

	cr_assert_not_null(mkdtemp(dir));
	make(dir, path, sizeof(path), TOKEN "\n", 0600);
	cr_assert_eq(token_load(path, getuid(), &tok, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(tok, TOKEN);
	free(tok);
	make(dir, path, sizeof(path), TOKEN "\r\n", 0400);
	cr_assert_eq(token_load(path, getuid(), &tok, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(tok, TOKEN);
	free(tok);

	/* Others may read it, or the group: refused, and the message says what to do. */
	make(dir, path, sizeof(path), TOKEN "\n", 0640);
	cr_assert_eq(token_load(path, getuid(), &tok, err, sizeof(err)), -EPERM);
	cr_assert_null(tok);
	cr_assert(strstr(err, "mode 0640") && strstr(err, "chmod 600"), "%s", err);
	make(dir, path, sizeof(path), TOKEN "\n", 0602);
	cr_assert_eq(token_load(path, getuid(), &tok, err, sizeof(err)), -EPERM);

	/* Too short, two lines, spaces, a directory, nothing there. */
	make(dir, path, sizeof(path), "short\n", 0600);
	cr_assert_eq(token_load(path, getuid(), &tok, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "16 to 4096"), "%s", err);
	make(dir, path, sizeof(path), TOKEN "\n" TOKEN "\n", 0600);
	cr_assert_eq(token_load(path, getuid(), &tok, err, sizeof(err)), -EINVAL);
	make(dir, path, sizeof(path), "0123456789 abcdef\n", 0600);
	cr_assert_eq(token_load(path, getuid(), &tok, err, sizeof(err)), -EINVAL);
	memset(long_token, 'a', TOKEN_MAX_LEN + 1);
	long_token[TOKEN_MAX_LEN + 1] = '\0';
	make(dir, path, sizeof(path), long_token, 0600);
	cr_assert_eq(token_load(path, getuid(), &tok, err, sizeof(err)), -EINVAL);
	long_token[TOKEN_MAX_LEN] = '\0';
	make(dir, path, sizeof(path), long_token, 0600);
	cr_assert_eq(token_load(path, getuid(), &tok, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(strlen(tok), TOKEN_MAX_LEN);
	free(tok);
	cr_assert_eq(token_load(dir, getuid(), &tok, err, sizeof(err)), -EINVAL);
	unlink(path);
	cr_assert_eq(token_load(path, getuid(), &tok, err, sizeof(err)), -ENOENT);
	cr_assert(strstr(err, path), "%s", err);
	rmdir(dir);
}

/*
 * Issue 23.9: a token file is checked as output files are, before a byte is
 * read: no symbolic link, no second link, the user's own; and what is not a
 * token gets one message whatever it holds (a root-only file named under
 * sudo must not tell its shape).
 */
Test(token, refuses_links_and_says_nothing_of_contents)
{
	char dir[] = "/tmp/tracer-token.XXXXXX", path[64], other[80], err[256], err2[256], *tok;

	cr_assert_not_null(mkdtemp(dir));
	make(dir, path, sizeof(path), TOKEN "\n", 0600);
	snprintf(other, sizeof(other), "%s/link", dir);
	cr_assert_eq(symlink(path, other), 0);
	cr_assert_eq(token_load(other, getuid(), &tok, err, sizeof(err)), -ELOOP);
	cr_assert(strstr(err, "symbolic link"), "%s", err);
	unlink(other);
	cr_assert_eq(link(path, other), 0);
	cr_assert_eq(token_load(path, getuid(), &tok, err, sizeof(err)), -EMLINK);
	cr_assert(strstr(err, "hard links"), "%s", err);
	unlink(other);
	/* Another owner, root's included when tracer works for someone else. */
	cr_assert_eq(token_load(path, getuid() + 1, &tok, err, sizeof(err)), -EPERM);
	cr_assert(strstr(err, "belongs to uid"), "%s", err);
	cr_assert_null(tok);

	make(dir, path, sizeof(path), "short\n", 0600);
	cr_assert_eq(token_load(path, getuid(), &tok, err, sizeof(err)), -EINVAL);
	make(dir, path, sizeof(path),
	     "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n", 0600);
	cr_assert_eq(token_load(path, getuid(), &tok, err2, sizeof(err2)), -EINVAL);
	cr_assert_str_eq(err, err2);
	unlink(path);
	rmdir(dir);
}
