/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * --stop-at patterns: checked and compiled in userspace into the tokens the
 * kernel matches (common/glob.h, which also says the semantics). Pure.
 */
#ifndef TRACER_STOPGLOB_H
#define TRACER_STOPGLOB_H

#include <stdbool.h>
#include <stddef.h>

struct tracer_glob;

/*
 * Compiles pattern into g (may be NULL: only checks). Returns 0, or -EINVAL
 * with a short reason in *why ("empty", "longer than 255 bytes", "unterminated
 * '['", "ends with a backslash", "too many bracket expressions", "character
 * classes ([:name:]) are not supported").
 */
int glob_compile(const char *pattern, struct tracer_glob *g, const char **why);

/* Whether the compiled g matches the len bytes at s (len < 4096), as the kernel decides. */
bool glob_match(const struct tracer_glob *g, const char *s, size_t len);

#endif /* TRACER_STOPGLOB_H */
