// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The command line's side of --compile-db: its options (opts_parse()) and
 * reading an existing database under the output-file rules (outfile_read()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "capture.h"
#include "opts.h"
#include "outfile.h"

static struct cli_opts opts;
static char *err_text;

/* opts_parse() on the NULL-terminated words after "tracer"; its result. */
static int parse(const char *const *words)
{
	static char *argv[32] = { "tracer" }; /* opts.command points into it */
	struct capture err;
	int argc = 1, ret;

	while (words[argc - 1]) {
		argv[argc] = (char *)words[argc - 1];
		argc++;
	}
	free(err_text);
	ret = opts_parse(argc, argv, &opts, stdout, cap_open(&err));
	err_text = cap_close(&err);
	return ret;
}

static void teardown(void)
{
	opts_free(&opts);
	free(err_text);
	err_text = NULL;
}

#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })

Test(cdbfile, options, .fini = teardown)
{
	cr_assert_eq(parse(WORDS("--compile-db", "cc.json", "--compile-db-compiler", "mycc",
				 "--compile-db-compiler=xcc", "--compile-db-append", "--", "make")),
		     -1, "%s", err_text);
	cr_assert_str_eq(opts.compile_db, "cc.json");
	cr_assert_eq(opts.n_compile_db_compilers, 2);
	cr_assert_str_eq(opts.compile_db_compilers[0], "mycc");
	cr_assert_str_eq(opts.compile_db_compilers[1], "xcc");
	cr_assert(opts.compile_db_append);
	cr_assert_str_eq(opts.command[0], "make");

	cr_assert_eq(parse(WORDS("--compile-db", "cc.json", "--pid", "1")), -1);
	cr_assert(!opts.compile_db_append);
	cr_assert_eq(opts.n_compile_db_compilers, 0);
}

Test(cdbfile, bad_options, .fini = teardown)
{
	const char *const *const bad[] = {
		WORDS("--compile-db-append", "--", "make"),
		WORDS("--compile-db-compiler", "gcc", "--", "make"),
		WORDS("--compile-db", "", "--", "make"),
		WORDS("--compile-db", "x.json", "--compile-db-compiler", "", "--", "make"),
		WORDS("--compile-db", "x.json", "--compile-db-compiler", "bin/cc", "--", "make"),
		WORDS("--compile-db", "--", "make"),
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(parse(bad[i]), TRACER_EXIT_USAGE, "case %zu", i);
		cr_expect(err_text && !strncmp(err_text, "tracer: ", 8) &&
				  strchr(err_text, '\n') == err_text + strlen(err_text) - 1,
			  "case %zu: one line: %s", i, err_text);
		opts_free(&opts);
	}
}

Test(cdbfile, read_existing)
{
	struct outfile_owner me = { geteuid(), getegid() };
	char dir[] = "/tmp/tracer-cdbfile.XXXXXX", path[128], link[128], err[512];
	size_t len;
	char *buf;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/db.json", dir);
	snprintf(link, sizeof(link), "%s/link.json", dir);
	cr_assert_eq(outfile_read(path, &me, &buf, &len, err, sizeof(err)), -ENOENT);
	f = fopen(path, "w");
	fputs("[]\n", f);
	fclose(f);
	cr_assert_eq(outfile_read(path, &me, &buf, &len, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(len, 3);
	cr_assert_str_eq(buf, "[]\n");
	free(buf);
	cr_assert_eq(symlink(path, link), 0);
	cr_assert_eq(outfile_read(link, &me, &buf, &len, err, sizeof(err)), -ELOOP);
	cr_assert(strstr(err, "symbolic link"), "%s", err);
	/* Another user's file is not read (nor written). */
	if (geteuid() == 0) {
		struct outfile_owner other = { 65534, 65534 };

		cr_assert_eq(outfile_read(path, &other, &buf, &len, err, sizeof(err)), -EPERM);
	}
	unlink(link);
	unlink(path);
	rmdir(dir);
}
