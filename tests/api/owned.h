/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * What an API test owns until its teardown: strings and scratch directories,
 * shared by the exec-context and identity tests (exec_ctx.c, idtrace.c).
 */
#ifndef TRACER_TEST_OWNED_H
#define TRACER_TEST_OWNED_H

/* p (asserted non-NULL), freed by owned_free(). */
void *own(void *p);
/* A formatted string, freed by owned_free(). */
char *own_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A new directory /tmp/tracer-NAME-XXXXXX, 0755, by its real path (/tmp may
 * be a link, and the kernel reports real paths); removed by owned_free().
 */
char *own_tmpdir(const char *name);
/* Removes the directories (trees deeper than PATH_MAX too) and frees the strings. */
void owned_free(void);

#endif
