/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The context of an exec (true argv size, cwd, exe, interpreter, stdio,
 * effective ids, environment) as parts of the text and JSON lines.
 */
#ifndef TRACER_CONTEXT_H
#define TRACER_CONTEXT_H

#include <stdio.h>
#include <tracer/tracer.h>

struct envdiff;

/*
 * The text fields, each preceded by a space: " argc=N argv_bytes=N" when argv
 * was cut, " euid=N"/" egid=N" when they differ from uid/gid, cwd, exe,
 * interp, the standard fds as redirections ("0<\"/dev/null\" 1>pipe:[7] 2>&1"),
 * and the environment's changes through env (see envdiff.h). Returns 0 or -1.
 */
int text_context(FILE *out, const struct tracer_exec_event *e, struct envdiff *env);

/* The JSON members, each preceded by a comma. Returns 0 or -1. */
int json_context(FILE *out, const struct tracer_exec_event *e);

/* The readlink(2) form of an fd that is not a path: "pipe:[N]", "socket:[N]", "anon_inode:NAME". */
int fd_link_name(const struct tracer_fd *fd, char *buf, size_t size);

#endif /* TRACER_CONTEXT_H */
