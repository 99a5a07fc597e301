// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Finding a command the way a shell does: cmdpath_resolve() and friends. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "cmdpath.h"

static char dir[] = "/tmp/tracer-cmdpath-XXXXXX";
static char out[PATH_MAX];

static void make_file(const char *rel, mode_t mode)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	close(fd);
	cr_assert_eq(chmod(path, mode), 0);
}

static void make_dir(const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	cr_assert_eq(mkdir(path, 0755), 0, "%s: %s", path, strerror(errno));
}

/* A tree: a/ (prog 0755, other 0644), b/ (prog 0755, other 0755, sub/), c/ (only 0644). */
static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	make_dir("a");
	make_dir("b");
	make_dir("c");
	make_dir("b/sub");
	make_dir("a/sub");
	make_file("a/prog", 0755);
	make_file("a/other", 0644);
	make_file("b/prog", 0755);
	make_file("b/other", 0755);
	make_file("c/noexec", 0644);
	make_file("b/sub/x", 0755);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(cmdpath, .init = setup, .fini = teardown);

static char *path_of(const char *dirs)
{
	static char buf[4 * PATH_MAX];
	size_t len = 0;
	const char *p = dirs;

	/* "a:b" -> "<dir>/a:<dir>/b"; an empty entry stays empty. */
	buf[0] = '\0';
	while (*p || p == dirs) {
		const char *end = strchrnul(p, ':');

		if (end > p)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s/%.*s", dir,
						(int)(end - p), p);
		if (!*end)
			break;
		buf[len++] = ':';
		buf[len] = '\0';
		p = end + 1;
	}
	return buf;
}

static void assert_resolves(const char *name, const char *dirs, const char *want_rel)
{
	char want[PATH_MAX];

	snprintf(want, sizeof(want), "%s/%s", dir, want_rel);
	cr_assert_eq(cmdpath_resolve(name, path_of(dirs), out, sizeof(out)), 0, "%s in %s", name,
		     dirs);
	cr_assert_str_eq(out, want);
}

Test(cmdpath, first_executable_in_path_order)
{
	assert_resolves("prog", "a:b", "a/prog");
	assert_resolves("prog", "b:a", "b/prog");
	assert_resolves("prog", "c:b:a", "b/prog");
}

Test(cmdpath, skips_files_that_are_not_executable)
{
	/* a/other is 0644, b/other 0755: b/other wins although a comes first. */
	assert_resolves("other", "a:b", "b/other");
}

Test(cmdpath, falls_back_to_a_file_that_is_not_executable)
{
	/* Only a 0644 file: chosen, so that the exec fails with EACCES (126), as in bash. */
	assert_resolves("noexec", "a:c", "c/noexec");
}

Test(cmdpath, skips_directories)
{
	/* a/sub is a directory; b/sub too: nothing to run. */
	cr_assert_eq(cmdpath_resolve("sub", path_of("a:b"), out, sizeof(out)), -ENOENT);
}

Test(cmdpath, not_found)
{
	cr_assert_eq(cmdpath_resolve("nosuch", path_of("a:b:c"), out, sizeof(out)), -ENOENT);
	cr_assert_eq(cmdpath_resolve("", path_of("a:b"), out, sizeof(out)), -ENOENT);
	cr_assert_eq(cmdpath_resolve("prog", "", out, sizeof(out)), -ENOENT);
}

Test(cmdpath, names_with_a_slash_are_not_searched)
{
	cr_assert_eq(cmdpath_resolve("./prog", path_of("a"), out, sizeof(out)), 0);
	cr_assert_str_eq(out, "./prog");
	cr_assert_eq(cmdpath_resolve("/no/such/file", path_of("a"), out, sizeof(out)), 0);
	cr_assert_str_eq(out, "/no/such/file");
	cr_assert_eq(cmdpath_resolve("sub/x", path_of("b"), out, sizeof(out)), 0);
	cr_assert_str_eq(out, "sub/x");
}

Test(cmdpath, empty_entry_is_the_current_directory)
{
	char cwd[PATH_MAX], sub[PATH_MAX];

	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	snprintf(sub, sizeof(sub), "%s/a", dir);
	cr_assert_eq(chdir(sub), 0);
	cr_assert_eq(cmdpath_resolve("prog", ":/nonexistent", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "./prog");
	cr_assert_eq(cmdpath_resolve("prog", "/nonexistent:", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "./prog");
	cr_assert_eq(cmdpath_resolve("prog", "/nonexistent::/x", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "./prog");
	cr_assert_eq(chdir(cwd), 0);
}

Test(cmdpath, default_path)
{
	/* sh is in /bin or /usr/bin on every system this runs on. */
	cr_assert_eq(cmdpath_resolve("sh", NULL, out, sizeof(out)), 0);
	cr_assert(strcmp(out, "/usr/bin/sh") == 0 || strcmp(out, "/bin/sh") == 0, "%s", out);
}

Test(cmdpath, too_long)
{
	char small[8];

	cr_assert_eq(cmdpath_resolve("./a-long-name", NULL, small, sizeof(small)), -ENAMETOOLONG);
	/* A directory whose candidate does not fit is skipped, not an error. */
	cr_assert_eq(cmdpath_resolve("prog", path_of("a"), small, sizeof(small)), -ENAMETOOLONG);
}

Test(cmdpath, looks_binary)
{
	cr_assert(cmdpath_looks_binary("\x7f"
				       "ELF\x02\x01\x01\0\0",
				       9));
	cr_assert(cmdpath_looks_binary("ab\0cd\n", 6));
	cr_assert_not(cmdpath_looks_binary("echo hi\n\0\0", 10));
	cr_assert_not(cmdpath_looks_binary("echo hi", 7));
	cr_assert_not(cmdpath_looks_binary("", 0));
}

Test(cmdpath, exit_code)
{
	cr_assert_eq(cmdpath_exit_code(ENOENT), 127);
	cr_assert_eq(cmdpath_exit_code(EACCES), 126);
	cr_assert_eq(cmdpath_exit_code(ENOEXEC), 126);
	cr_assert_eq(cmdpath_exit_code(EISDIR), 126);
}
