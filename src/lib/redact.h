/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Environment redaction: which variables look secret, and their redacted form. */
#ifndef TRACER_REDACT_H
#define TRACER_REDACT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether the entry "NAME=value" (len bytes, not NUL-terminated) names a
 * variable whose value is to be hidden: NAME contains, in any case, one of
 * the words listed at TRACER_REDACTED in the public header. An entry without
 * '=' has no value: false.
 */
bool redact_is_secret(const char *entry, size_t len);

/*
 * Writes "NAME=" TRACER_REDACTED (no NUL) for entry into out (cap bytes).
 * Returns the length written, or 0 when it does not fit.
 */
size_t redact_entry(const char *entry, size_t len, char *out, size_t cap);

#endif /* TRACER_REDACT_H */
