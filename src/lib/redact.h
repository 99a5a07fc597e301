/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Environment redaction: which entries hold a secret, and their redacted
 * form. The rule is the one the public header states at TRACER_REDACTED.
 */
#ifndef TRACER_REDACT_H
#define TRACER_REDACT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether the variable name[0, n) names a secret: one of its words is a
 * secret word, or ends with a long one (see TRACER_REDACTED). Words are
 * separated by any character but a letter or a digit, between a letter and
 * a digit, and where the case changes (apiKey, DBPassword).
 */
bool redact_name_is_secret(const char *name, size_t n);

/*
 * Whether the entry "NAME=value" (len bytes, not NUL-terminated) is to be
 * redacted: its NAME names a secret, or its value holds a URL whose user info
 * has a password ("postgres://alice:pw@host"). An entry without '=' has no
 * value: false.
 */
bool redact_is_secret(const char *entry, size_t len);

/*
 * Writes the redacted form of entry into out (cap bytes, no NUL):
 * "NAME=" TRACER_REDACTED when NAME names a secret, else the entry with the
 * password of each URL replaced ("postgres://alice:<redacted>@host"), which
 * is never longer than 3 * (len + 1) + 1 bytes ("PW=": 13). Returns the
 * length written, or 0 when it does not fit or entry has no '='.
 */
size_t redact_entry(const char *entry, size_t len, char *out, size_t cap);

#endif /* TRACER_REDACT_H */
