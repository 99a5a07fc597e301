/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * --listen-token-file FILE: the bearer token that HTTP requests must carry
 * (Authorization: Bearer TOKEN), issue 12, finding 5. The file must be a
 * regular file of the user tracer works for (the sudo user, or root), not a
 * symbolic link, with one link and no access for the group or others: a token
 * others can read, or replace, protects nothing, and tracer says so rather
 * than start. A file refused says nothing of what it holds (issue 23.9).
 */
#ifndef TRACER_TOKEN_H
#define TRACER_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Visible ASCII characters, without spaces. */
#define TOKEN_MIN_LEN 16
#define TOKEN_MAX_LEN 4096

/*
 * Reads the token from path (one line; a final newline is not part of it)
 * into a malloc'ed string. owner: the user who must own the file.
 * Returns 0, or a negative errno with a one-line message naming path in err.
 */
int token_load(const char *path, uid_t owner, char **token, char *err, size_t errlen);

/*
 * Whether the value of an Authorization header carries token, in a time
 * that does not depend on where the two first differ.
 */
bool token_authorizes(const char *token, const char *authorization);

#endif /* TRACER_TOKEN_H */
