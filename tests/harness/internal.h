/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Shared by the harness's modules; the tests use harness.h only. */
#ifndef TRACER_TEST_HARNESS_INTERNAL_H
#define TRACER_TEST_HARNESS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define H_ERR_CAP (1 << 20)
#define H_REP_CAP (256 << 10)

/* p (malloc'ed) freed by h_teardown; fails the test when p is NULL. */
void *pool_add(void *p);
void *xmalloc(size_t n);

uint64_t deadline_in(int ms);
/* Milliseconds left until deadline, 0 once passed. */
int remaining_ms(uint64_t deadline);

/* A child of the test, killed with its process group and reaped by h_teardown. */
void track(pid_t pid);
/* Reaped by the test: its pid may come back as someone else's. */
void untrack(pid_t pid);
int pidfd_open_(pid_t pid);

/*
 * Reads what is available on fd into *buf: 1 if something was read, 0 on
 * EOF, -1 if nothing yet. A fixed buffer (*cap bytes, from the pool) keeps
 * what fits; otherwise it grows (realloc).
 */
int pump(int fd, char **buf, size_t *len, size_t *cap, bool fixed);

/* JSON's \uXXXX: 4 hex digits into *v (0), or -1. */
int hex4(const char *s, uint32_t *v);
/* Appends code point cp to out[*n] as UTF-8. */
void put_utf8(char *out, size_t *n, uint32_t cp);

/* In a child before exec: the signal dispositions and mask a shell would give. */
void child_reset_signals(void);

#endif /* TRACER_TEST_HARNESS_INTERNAL_H */
