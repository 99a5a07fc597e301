// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Exclusion lists: --exclude, --exclude-comm, --exclude-from. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/types.h>

#include <criterion/criterion.h>

#include "exclude.h"
#include "opts.h"
#include "tracer.h"

Test(exclude, add)
{
	struct exclude_list l = {};
	char longpath[TRACER_EXCL_PATH_LEN + 1];

	cr_assert_eq(exclude_add_path(&l, "/usr/bin/true"), 0);
	cr_assert_eq(exclude_add_path(&l, ""), -EINVAL);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[TRACER_EXCL_PATH_LEN] = '\0';
	cr_assert_eq(exclude_add_path(&l, longpath), -ENAMETOOLONG);
	longpath[TRACER_EXCL_PATH_LEN - 1] = '\0'; /* 255 bytes: the longest */
	cr_assert_eq(exclude_add_path(&l, longpath), 0);
	cr_assert_eq(exclude_add_comm(&l, "a-very-long-command-name"), 0);
	cr_assert_eq(l.n_paths, 2);
	cr_assert_eq(l.n_comms, 1);
	cr_assert_str_eq(l.comms[0], "a-very-long-com"); /* 15 bytes, as comm */
	exclude_free(&l);
	cr_assert_eq(l.n_paths, 0);
}

Test(exclude, read)
{
	static const char text[] = "# comment\n"
				   "\n"
				   "  /usr/bin/true  \n"
				   "cron\r\n"
				   "\t# indented comment\n"
				   "/bin/sh";
	struct exclude_list l = {};
	size_t line;
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");

	cr_assert_not_null(f);
	cr_assert_eq(exclude_read(&l, f, &line), 0);
	fclose(f);
	cr_assert_eq(l.n_paths, 2);
	cr_assert_str_eq(l.paths[0], "/usr/bin/true");
	cr_assert_str_eq(l.paths[1], "/bin/sh");
	cr_assert_eq(l.n_comms, 1);
	cr_assert_str_eq(l.comms[0], "cron");
	exclude_free(&l);
}

Test(exclude, options)
{
	char *argv[] = { "tracer", "--all",	"--exclude",  "/bin/true", "--exclude-comm",
			 "cron",   "--exclude", "/bin/false", NULL };
	static struct tracer_opts opts;
	FILE *null = fopen("/dev/null", "w");

	cr_assert_eq(opts_parse(8, argv, &opts, null, null), -1);
	cr_assert_eq(opts.exclude.n_paths, 2);
	cr_assert_str_eq(opts.exclude.paths[1], "/bin/false");
	cr_assert_eq(opts.exclude.n_comms, 1);
	opts_free(&opts);

	char *bad[] = { "tracer", "--all", "--exclude", "", NULL };
	cr_assert_eq(opts_parse(4, bad, &opts, null, null), TRACER_EXIT_USAGE);
	opts_free(&opts);
	char *missing[] = { "tracer", "--all", "--exclude-from", "/nonexistent/x", NULL };
	cr_assert_eq(opts_parse(4, missing, &opts, null, null), TRACER_EXIT_USAGE);
	opts_free(&opts);
	fclose(null);
}
