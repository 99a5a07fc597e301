/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Which file a shell would execute for a command name. */
#ifndef TRACER_CMDPATH_H
#define TRACER_CMDPATH_H

#include <stdbool.h>
#include <stddef.h>

/* Searched when PATH is not set (what confstr(_CS_PATH) gives, plus /usr/local/bin). */
#define CMDPATH_DEFAULT "/usr/local/bin:/usr/bin:/bin"

/*
 * Finds the file a shell would execute for name: name itself when it holds a
 * '/'; otherwise the first regular file called name that the caller may
 * execute in the directories of path (colon-separated, an empty entry is the
 * current directory; NULL: CMDPATH_DEFAULT), or, when none is executable,
 * the first regular file called name (its exec then fails with EACCES, as in
 * a shell). Access is checked with the caller's effective ids. Returns 0
 * with the file in out, -ENOENT when there is none, -ENAMETOOLONG when name
 * does not fit in out.
 */
int cmdpath_resolve(const char *name, const char *path, char *out, size_t outlen);

/*
 * Whether the first bytes of a file that the kernel refused to execute
 * (ENOEXEC) look like a binary rather than a script without "#!": a NUL byte
 * before the end of the first line. Shells run only scripts with /bin/sh.
 */
bool cmdpath_looks_binary(const char *head, size_t len);

/* The shell's exit code for a command that could not be executed: 127 for ENOENT, else 126. */
int cmdpath_exit_code(int err);

#endif /* TRACER_CMDPATH_H */
