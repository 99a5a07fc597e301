/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The unit tests' one capture helper: a FILE that writes into memory, for
 * the writers under test, and its text taken back as a string to free.
 */
#ifndef TRACER_TEST_CAPTURE_H
#define TRACER_TEST_CAPTURE_H

#include <criterion/criterion.h>
#include <stdio.h>

struct capture {
	FILE *f;
	char *buf;
	size_t size;
};

/* Opens c->f (asserted); what is written to it lands in c->buf. */
static inline FILE *cap_open(struct capture *c)
{
	c->buf = NULL;
	c->size = 0;
	c->f = open_memstream(&c->buf, &c->size);
	cr_assert_not_null(c->f);
	return c->f;
}

/* Closes c->f (asserted) and hands its text over, NUL-terminated, c->size
 * bytes long: the caller frees it. */
static inline char *cap_close(struct capture *c)
{
	cr_assert_eq(fclose(c->f), 0);
	c->f = NULL;
	return c->buf;
}

#endif
