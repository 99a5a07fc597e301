/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Numbers and ids as the command line and the environment (SUDO_UID) give
 * them, and values made fit for a one-line message. Pure.
 */
#ifndef TRACER_PARSE_H
#define TRACER_PARSE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The decimal number in s[0..len): digits only (no sign, no space, no
 * suffix). Returns 0, -EINVAL for a malformed string, -ERANGE above max.
 */
int parse_dec(const char *s, size_t len, uint64_t max, uint64_t *val);
/* A pid: decimal digits only, 1..TRACER_PID_MAX. Returns 0 or -EINVAL. */
int parse_pid(const char *s, uint32_t *pid);
/* A size with optional K/M/G suffix (binary). Returns 0 or -EINVAL/-ERANGE. */
int parse_size(const char *s, uint64_t *val);
/* A uid or gid in decimal, below UINT32_MAX (-1 is no id). Returns 0 or -EINVAL. */
int parse_id(const char *s, uint32_t *id);

/* A copy of s for a one-line message, into buf (len bytes): control characters become '?'. */
const char *printable(const char *s, char *buf, size_t len);

#endif /* TRACER_PARSE_H */
