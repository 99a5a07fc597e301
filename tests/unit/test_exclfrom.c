// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* --exclude-from's file format, read by the command line (exclfrom.h). */
#include <errno.h>
#include <stdio.h>

#include <criterion/criterion.h>

#include "exclfrom.h"

static int read_text(const char *text, size_t len, struct exclusions *x, size_t *line)
{
	FILE *f = fmemopen((void *)text, len, "r");
	int ret;

	cr_assert_not_null(f);
	ret = exclfrom_read(x, f, line);
	fclose(f);
	return ret;
}

Test(exclfrom, entries)
{
	static const char text[] = "# comment\n"
				   "\n"
				   "  /usr/bin/true  \n"
				   "cron\r\n"
				   "\t# indented comment\n"
				   "caller\t /usr/sbin/cron\n"
				   "caller\n"
				   "/bin/sh";
	struct exclusions x = {};
	size_t line;

	cr_assert_eq(read_text(text, sizeof(text) - 1, &x, &line), 0);
	cr_assert_eq(line, 8);
	cr_assert_eq(x.paths.n, 2);
	cr_assert_str_eq(x.paths.v[0], "/usr/bin/true");
	cr_assert_str_eq(x.paths.v[1], "/bin/sh");
	cr_assert_eq(x.callers.n, 1);
	cr_assert_str_eq(x.callers.v[0], "/usr/sbin/cron");
	/* "caller" alone is a command name; the library cuts names as the kernel does. */
	cr_assert_eq(x.comms.n, 2);
	cr_assert_str_eq(x.comms.v[0], "cron");
	cr_assert_str_eq(x.comms.v[1], "caller");
	exclusions_free(&x);
	cr_assert_eq(x.paths.n + x.callers.n + x.comms.n, 0);
}

/* "caller" takes an absolute path: a name after it is an error, not a comm. */
Test(exclfrom, caller_needs_path)
{
	static const char text[] = "cron\ncaller cron\n";
	struct exclusions x = {};
	size_t line;

	cr_assert_eq(read_text(text, sizeof(text) - 1, &x, &line), -EINVAL);
	cr_assert_eq(line, 2);
	exclusions_free(&x);
}

/* A NUL byte in a line: not an entry (a name or path would be cut at it). */
Test(exclfrom, nul_byte)
{
	static const char text[] = "/bin/true\n/bin/\0false\n";
	struct exclusions x = {};
	size_t line;

	cr_assert_eq(read_text(text, sizeof(text) - 1, &x, &line), -EINVAL);
	cr_assert_eq(line, 2);
	exclusions_free(&x);
}
