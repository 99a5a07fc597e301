// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* What an API test owns until its teardown (see owned.h). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <criterion/criterion.h>

#include "owned.h"

#define MAX_OWNED 512
#define MAX_DIRS 8

static void *owned[MAX_OWNED];
static size_t n_owned;
static char *dirs[MAX_DIRS];
static size_t n_dirs;

void *own(void *p)
{
	cr_assert_not_null(p);
	cr_assert_lt(n_owned, MAX_OWNED, "raise MAX_OWNED");
	owned[n_owned++] = p;
	return p;
}

char *own_strf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	cr_assert_geq(n, 0);
	return own(s);
}

char *own_tmpdir(const char *name)
{
	char tmpl[64];
	char *d;

	snprintf(tmpl, sizeof(tmpl), "/tmp/tracer-%s-XXXXXX", name);
	cr_assert_not_null(mkdtemp(tmpl));
	cr_assert_eq(chmod(tmpl, 0755), 0);
	cr_assert_lt(n_dirs, MAX_DIRS);
	d = realpath(tmpl, NULL);
	cr_assert_not_null(d);
	dirs[n_dirs++] = d;
	return d;
}

void owned_free(void)
{
	char *cmd;

	while (n_dirs) {
		char *d = dirs[--n_dirs];

		/* GNU rm walks with openat: it removes trees deeper than PATH_MAX. */
		if (asprintf(&cmd, "rm -rf '%s'", d) >= 0) {
			if (system(cmd))
				fprintf(stderr, "could not remove %s\n", d);
			free(cmd);
		}
		free(d);
	}
	while (n_owned)
		free(owned[--n_owned]);
}
