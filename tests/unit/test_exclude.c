// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Exclusions: the library's lists, and the command line's options, checked
 * by tracer_create() (--exclude-from's format: test_exclfrom.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/types.h>

#include <criterion/criterion.h>

#include <tracer/tracer.h>

#include "capture.h"
#include "exclfile.h"
#include "exclude.h"
#include "opts.h"
#include "wire.h"

Test(exclude, add)
{
	struct exclude_list l = {};
	char longpath[PATH_MAX + 1];

	cr_assert_eq(exclude_add_path(&l, "/usr/bin/true"), 0);
	cr_assert_eq(exclude_add_path(&l, ""), -EINVAL);
	cr_assert_eq(exclude_add_caller(&l, ""), -EINVAL);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[PATH_MAX] = '\0';
	cr_assert_eq(exclude_add_path(&l, longpath), -ENAMETOOLONG);
	longpath[PATH_MAX - 1] = '\0'; /* PATH_MAX - 1 bytes: the longest */
	cr_assert_eq(exclude_add_path(&l, longpath), 0);
	cr_assert_eq(exclude_add_caller(&l, "/usr/sbin/cron"), 0);
	cr_assert_eq(exclude_add_comm(&l, "a-very-long-command-name"), 0);
	cr_assert_eq(l.n_paths, 2);
	cr_assert_eq(l.n_callers, 1);
	cr_assert_str_eq(l.callers[0], "/usr/sbin/cron");
	cr_assert_eq(l.n_comms, 1);
	cr_assert_str_eq(l.comms[0], "a-very-long-com"); /* 15 bytes, as comm */
	exclude_free(&l);
	cr_assert_eq(l.n_paths, 0);
	cr_assert_eq(l.n_callers, 0);
}

/* The files are held open while tracing: paths and callers together are bounded. */
Test(exclude, file_limit)
{
	struct exclude_list l = {};
	size_t i;

	for (i = 0; i < TRACER_EXCLUDE_FILES_MAX; i++)
		cr_assert_eq(i % 2 ? exclude_add_caller(&l, "/bin/sh") :
				     exclude_add_path(&l, "/bin/true"),
			     0);
	cr_assert_eq(exclude_add_path(&l, "/bin/true"), -E2BIG);
	cr_assert_eq(exclude_add_caller(&l, "/bin/sh"), -E2BIG);
	/* Names are not files: no bound. */
	cr_assert_eq(exclude_add_comm(&l, "cron"), 0);
	exclude_free(&l);
}

/*
 * What the command line does with argv before it starts anything: the
 * options parsed, then the library's handle created, which checks the
 * exclusions; its reason said as tracer says it. The exit status (-1: it
 * would go on), stderr in err (one line expected on error).
 */
static int parse(char **argv, struct cli_opts *opts, char **err)
{
	struct capture c;
	FILE *e = cap_open(&c);
	FILE *null = fopen("/dev/null", "w");
	struct tracer *t;
	int argc = 0, ret;

	while (argv[argc])
		argc++;
	memset(opts, 0, sizeof(*opts));
	ret = opts_parse(argc, argv, opts, null, e);
	if (ret == -1 && tracer_create(&opts->lib, &t)) {
		fprintf(e, "tracer: %s\n", tracer_last_error(NULL));
		ret = TRACER_EXIT_USAGE;
	} else if (ret == -1) {
		tracer_destroy(t);
	}
	*err = cap_close(&c);
	fclose(null);
	return ret;
}

static void assert_one_line(const char *err, const char *part)
{
	cr_assert(strstr(err, part), "no '%s' in: %s", part, err);
	cr_assert_eq(strchr(err, '\n'), err + strlen(err) - 1, "not one line: %s", err);
}

Test(exclude, options)
{
	char *argv[] = { "tracer",
			 "--all",
			 "--exclude",
			 "/bin/true",
			 "--exclude-comm",
			 "cron",
			 "--exclude-caller",
			 "/bin/sh",
			 "--exclude",
			 "/bin/false",
			 NULL };
	static struct cli_opts opts;
	char *err = NULL;

	cr_assert_eq(parse(argv, &opts, &err), -1, "%s", err);
	/* Plain lists, handed to the library as they are. */
	cr_assert_eq(opts.lib.n_exclude_paths, 2);
	cr_assert_str_eq(opts.lib.exclude_paths[1], "/bin/false");
	cr_assert_eq(opts.lib.n_exclude_callers, 1);
	cr_assert_str_eq(opts.lib.exclude_callers[0], "/bin/sh");
	cr_assert_eq(opts.lib.n_exclude_comms, 1);
	cr_assert_str_eq(opts.lib.exclude_comms[0], "cron");
	opts_free(&opts);
	free(err);

	char *bad[] = { "tracer", "--all", "--exclude", "", NULL };
	cr_assert_eq(parse(bad, &opts, &err), TRACER_EXIT_USAGE);
	assert_one_line(err, "tracer: invalid excluded file ''");
	opts_free(&opts);
	free(err);
	char *missing[] = { "tracer", "--all", "--exclude-from", "/nonexistent/x", NULL };
	cr_assert_eq(parse(missing, &opts, &err), TRACER_EXIT_USAGE);
	opts_free(&opts);
	free(err);
}

/* A file that is not there, or not a regular file, or a script: one line, exit 2. */
Test(exclude, bad_files)
{
	char dir[] = "/tmp/tracer-excl.XXXXXX", script[64], fifo[64];
	static struct cli_opts opts;
	char *err = NULL;
	int fd;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(script, sizeof(script), "%s/script", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	fd = open(script, O_WRONLY | O_CREAT | O_EXCL, 0755);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "#!/bin/sh\n", 10), 10);
	close(fd);
	cr_assert_eq(mkfifo(fifo, 0600), 0);

	char *missing[] = { "tracer", "--all", "--exclude-caller", "/nonexistent/cron", NULL };
	cr_assert_eq(parse(missing, &opts, &err), TRACER_EXIT_USAGE);
	assert_one_line(err, "cannot exclude '/nonexistent/cron': No such file or directory");
	opts_free(&opts);
	free(err);

	char *directory[] = { "tracer", "--all", "--exclude", dir, NULL };
	cr_assert_eq(parse(directory, &opts, &err), TRACER_EXIT_USAGE);
	assert_one_line(err, "not a regular file");
	opts_free(&opts);
	free(err);

	/* A FIFO: refused without blocking on it. */
	char *pipe[] = { "tracer", "--all", "--exclude-caller", fifo, NULL };
	cr_assert_eq(parse(pipe, &opts, &err), TRACER_EXIT_USAGE);
	assert_one_line(err, "not a regular file");
	opts_free(&opts);
	free(err);

	char *scr[] = { "tracer", "--all", "--exclude", script, NULL };
	cr_assert_eq(parse(scr, &opts, &err), TRACER_EXIT_USAGE);
	assert_one_line(err, "a script");
	opts_free(&opts);
	free(err);

	/* Through --exclude-from too. */
	char list[64];
	FILE *f;

	snprintf(list, sizeof(list), "%s/list", dir);
	f = fopen(list, "w");
	cr_assert_not_null(f);
	fprintf(f, "/bin/true\ncaller %s\n", fifo);
	fclose(f);
	char *from[] = { "tracer", "--all", "--exclude-from", list, NULL };
	cr_assert_eq(parse(from, &opts, &err), TRACER_EXIT_USAGE);
	assert_one_line(err, "not a regular file");
	opts_free(&opts);
	free(err);

	unlink(list);
	unlink(script);
	unlink(fifo);
	rmdir(dir);
}

Test(exclude, too_many_files)
{
	char **argv = calloc(2 * TRACER_EXCLUDE_FILES_MAX + 8, sizeof(*argv));
	static struct cli_opts opts;
	char *err = NULL;
	size_t i, n = 0;

	argv[n++] = "tracer";
	argv[n++] = "--all";
	for (i = 0; i <= TRACER_EXCLUDE_FILES_MAX; i++) {
		argv[n++] = i % 2 ? "--exclude-caller" : "--exclude";
		argv[n++] = "/bin/true";
	}
	cr_assert_eq(parse(argv, &opts, &err), TRACER_EXIT_USAGE);
	assert_one_line(err, "too many excluded files");
	opts_free(&opts);
	free(err);
	free(argv);
}

/* Symlinks are followed: the file they name is the one excluded. */
Test(exclude, open_follows_symlinks)
{
	const char *why = NULL;
	struct stat a, b;
	int fd;

	fd = exclfile_open("/proc/self/exe", &why);
	cr_assert_geq(fd, 0, "%s", why);
	cr_assert_eq(fstat(fd, &a), 0);
	cr_assert_eq(stat("/proc/self/exe", &b), 0);
	cr_assert_eq(a.st_ino, b.st_ino);
	cr_assert(S_ISREG(a.st_mode));
	close(fd);
}
