// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Output files that cannot be hijacked (src/cli/outfile.c), as root, with
 * nobody (uid 65534) planting links, files and FIFOs in a directory of its
 * own and in a sticky one, as a hostile local user would.
 *
 * Each attack test fails on what tracer did before, open(path, O_WRONLY |
 * O_CREAT | O_TRUNC, 0600): build with -DTEST_NAIVE_OPEN to see it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <criterion/criterion.h>

#include "outfile.h"

#define NOBODY 65534

#ifdef TEST_NAIVE_OPEN
/* The open tracer used before: every attack test must fail with it. */
static int naive_open(const char *path, const struct outfile_owner *owner, unsigned int flags,
		      char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	(void)owner;
	(void)flags;
	snprintf(err, errlen, "%s", fd < 0 ? strerror(errno) : "");
	return fd < 0 ? -errno : fd;
}
#define outfile_open naive_open
#define outfile_check naive_open
#endif

static char base[64]; /* root's, 0755 */
static char eve[96]; /* nobody's own directory */
static char sticky[96]; /* 01777, like /tmp */
static char victim[96]; /* a root file another user would like to overwrite */

static const char victim_text[] = "root's data\n";

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || fchmod(fd, mode) ||
	    close(fd))
		_exit(99);
}

static void setup(void)
{
	const char *env[] = { "SUDO_UID", "SUDO_GID", "SUDO_USER" };

	for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++)
		unsetenv(env[i]);
	if (geteuid() != 0)
		cr_skip_test("needs root to play another user");
	strcpy(base, "/tmp/test_outfile.XXXXXX");
	cr_assert_not_null(mkdtemp(base));
	cr_assert_eq(chmod(base, 0755), 0);
	snprintf(eve, sizeof(eve), "%s/eve", base);
	snprintf(sticky, sizeof(sticky), "%s/tmp", base);
	snprintf(victim, sizeof(victim), "%s/victim", base);
	cr_assert_eq(mkdir(eve, 0755), 0);
	cr_assert_eq(chown(eve, NOBODY, NOBODY), 0);
	cr_assert_eq(mkdir(sticky, 0777), 0);
	cr_assert_eq(chmod(sticky, 01777), 0);
	write_file(victim, victim_text, 0644);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static void teardown(void)
{
	if (base[0])
		nftw(base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(outfile, .init = setup, .fini = teardown, .timeout = 20);

/* Runs fn(arg) in a child as nobody (the attacker, or the sudo user). */
static void as_nobody(void (*fn)(const char *), const char *arg)
{
	int status;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(98);
		fn(arg);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "planting %s failed", arg);
}

static void plant_link_to_victim(const char *path)
{
	if (symlink(victim, path))
		_exit(97);
}

static void plant_open_file(const char *path)
{
	write_file(path, "eve's bait\n", 0666);
}

static void plant_fifo(const char *path)
{
	if (mkfifo(path, 0666) || chmod(path, 0666))
		_exit(96);
}

static char *slurp(const char *path)
{
	static char buf[256];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	cr_assert_geq(n, 0);
	buf[n] = '\0';
	return buf;
}

static void assert_victim_untouched(void)
{
	struct stat st;

	cr_assert_str_eq(slurp(victim), victim_text);
	cr_assert_eq(stat(victim, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0644);
	cr_assert_eq(st.st_uid, 0);
	cr_assert_eq(st.st_nlink, 1);
}

static const struct outfile_owner root_owner = { 0, 0 };
static const struct outfile_owner nobody_owner = { NOBODY, NOBODY };

/* Both calls refuse path with a message that names it and contains why. */
static void assert_refused(const char *path, const struct outfile_owner *owner, unsigned int flags,
			   int want, const char *why)
{
	char err[512] = "";
	int ret;

	ret = outfile_check(path, owner, flags, err, sizeof(err));
	cr_assert_eq(ret, want, "check %s: %d (%s)", path, ret, err);
	cr_assert(strstr(err, path) && strstr(err, why), "check: %s", err);
	cr_assert_eq(strchr(err, '\n'), NULL);
	err[0] = '\0';
	ret = outfile_open(path, owner, flags, err, sizeof(err));
	if (ret >= 0)
		close(ret);
	cr_assert_eq(ret, want, "open %s: %d (%s)", path, ret, err);
	cr_assert(strstr(err, path) && strstr(err, why), "open: %s", err);
}

Test(outfile, symlink_to_root_file_is_not_followed)
{
	const char *dirs[] = { eve, sticky };

	for (size_t i = 0; i < 2; i++) {
		char path[128];

		snprintf(path, sizeof(path), "%s/execs.log", dirs[i]);
		as_nobody(plant_link_to_victim, path);
		assert_refused(path, &root_owner, 0, -ELOOP, "is a symbolic link");
		assert_refused(path, &root_owner, OUTFILE_ALLOW_SPECIAL, -ELOOP,
			       "is a symbolic link");
		assert_refused(path, &nobody_owner, 0, -ELOOP, "is a symbolic link");
		assert_victim_untouched();
	}
}

static void plant_dangling_link(const char *path)
{
	char target[128];

	snprintf(target, sizeof(target), "%s/created-by-root", base);
	if (symlink(target, path))
		_exit(97);
}

Test(outfile, dangling_symlink_creates_nothing)
{
	char path[128], target[128];

	snprintf(path, sizeof(path), "%s/execs.log", sticky);
	snprintf(target, sizeof(target), "%s/created-by-root", base);
	as_nobody(plant_dangling_link, path);
	assert_refused(path, &root_owner, 0, -ELOOP, "is a symbolic link");
	cr_assert_eq(access(target, F_OK), -1, "created through the link");
}

Test(outfile, another_users_file_is_refused_and_kept)
{
	const char *dirs[] = { eve, sticky };

	for (size_t i = 0; i < 2; i++) {
		char path[128];
		struct stat st;

		snprintf(path, sizeof(path), "%s/execs.log", dirs[i]);
		as_nobody(plant_open_file, path);
		assert_refused(path, &root_owner, 0, -EPERM, "belongs to uid 65534");
		assert_refused(path, &root_owner, OUTFILE_APPEND | OUTFILE_ALLOW_SPECIAL, -EPERM,
			       "not to uid 0");
		/* Not truncated, not made root's, still readable by its owner. */
		cr_assert_str_eq(slurp(path), "eve's bait\n");
		cr_assert_eq(stat(path, &st), 0);
		cr_assert_eq(st.st_uid, NOBODY);
		cr_assert_eq(st.st_mode & 07777, 0666);
	}
}

Test(outfile, hard_link_to_root_file_is_refused)
{
	char path[128];

	/* Made by root here; a user can do it where fs.protected_hardlinks is 0. */
	snprintf(path, sizeof(path), "%s/execs.log", eve);
	cr_assert_eq(link(victim, path), 0);
	assert_refused(path, &root_owner, 0, -EMLINK, "has 2 hard links");
	cr_assert_eq(unlink(path), 0);
	assert_victim_untouched();
}

Test(outfile, fifos_never_block)
{
	char theirs[128], mine[128], err[512];
	struct stat st;
	int rd, fd;

	/* Another user's FIFO: refused before it is opened (a reader would see EOF). */
	snprintf(theirs, sizeof(theirs), "%s/execs.fifo", sticky);
	as_nobody(plant_fifo, theirs);
	assert_refused(theirs, &root_owner, OUTFILE_ALLOW_SPECIAL, -EPERM, "belongs to uid 65534");
	assert_refused(theirs, &root_owner, 0, -EINVAL, "is a FIFO, not a regular file");

	/* One's own FIFO, asked for: without a reader, an error at once. */
	snprintf(mine, sizeof(mine), "%s/mine.fifo", base);
	cr_assert_eq(mkfifo(mine, 0600), 0);
	assert_refused(mine, &root_owner, 0, -EINVAL, "is a FIFO");
	err[0] = '\0';
	cr_assert_eq(outfile_check(mine, &root_owner, OUTFILE_ALLOW_SPECIAL, err, sizeof(err)), 0,
		     "%s", err);
	fd = outfile_open(mine, &root_owner, OUTFILE_ALLOW_SPECIAL, err, sizeof(err));
	cr_assert_eq(fd, -ENXIO, "%d %s", fd, err);
	cr_assert(strstr(err, mine) && strstr(err, "is a FIFO with no reader"), "%s", err);

	/* With a reader: opened, blocking again, and the bytes arrive. */
	rd = open(mine, O_RDONLY | O_NONBLOCK);
	cr_assert_geq(rd, 0);
	fd = outfile_open(mine, &root_owner, OUTFILE_ALLOW_SPECIAL, err, sizeof(err));
	cr_assert_geq(fd, 0, "%s", err);
	cr_assert_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	cr_assert_eq(write(fd, "x", 1), 1);
	cr_assert_eq(read(rd, err, sizeof(err)), 1);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert(S_ISFIFO(st.st_mode));
	close(fd);
	close(rd);
}

Test(outfile, sudo_user_gets_a_new_file)
{
	struct outfile_owner owner;
	char path[128], err[256] = "";
	struct stat st;
	int fd;

	setenv("SUDO_UID", "65534", 1);
	setenv("SUDO_GID", "65534", 1);
	umask(0);
	cr_assert_eq(outfile_owner_from_env(&owner, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(owner.uid, NOBODY);
	cr_assert_eq(owner.gid, NOBODY);

	snprintf(path, sizeof(path), "%s/execs.log", base);
	cr_assert_eq(outfile_check(path, &owner, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(access(path, F_OK), -1, "the check created it");
	fd = outfile_open(path, &owner, 0, err, sizeof(err));
	cr_assert_geq(fd, 0, "%s", err);
	cr_assert_eq(fstat(fd, &st), 0);
	close(fd);
	cr_assert_eq(st.st_uid, NOBODY);
	cr_assert_eq(st.st_gid, NOBODY);
	cr_assert_eq(st.st_mode & 07777, 0600);
}

Test(outfile, own_file_reset_to_0600_and_truncated_only_on_open)
{
	char path[128], err[256] = "";
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/execs.log", eve);
	as_nobody(plant_open_file, path);

	cr_assert_eq(outfile_check(path, &nobody_owner, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(slurp(path), "eve's bait\n");
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0666, "the check changed the mode");

	fd = outfile_open(path, &nobody_owner, 0, err, sizeof(err));
	cr_assert_geq(fd, 0, "%s", err);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0600);
	cr_assert_eq(st.st_size, 0);
	cr_assert_eq(st.st_uid, NOBODY);
	cr_assert_eq(fcntl(fd, F_GETFL) & (O_NONBLOCK | O_APPEND | O_ACCMODE), O_WRONLY);
	cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	cr_assert_eq(write(fd, "new\n", 4), 4);
	close(fd);
	cr_assert_str_eq(slurp(path), "new\n");

	/* Appending keeps the content, and still takes the mode back. */
	cr_assert_eq(chmod(path, 0644), 0);
	fd = outfile_open(path, &nobody_owner, OUTFILE_APPEND, err, sizeof(err));
	cr_assert_geq(fd, 0, "%s", err);
	cr_assert_eq(fcntl(fd, F_GETFL) & (O_NONBLOCK | O_APPEND), O_APPEND);
	cr_assert_eq(write(fd, "more\n", 5), 5);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0600);
	close(fd);
	cr_assert_str_eq(slurp(path), "new\nmore\n");
}

#ifndef TEST_NAIVE_OPEN
Test(outfile, root_file_is_not_the_sudo_users)
{
	char err[256] = "";
	int fd;

	/* Written before, for root: a sudo user's run does not take it over. */
	assert_refused(victim, &nobody_owner, 0, -EPERM, "belongs to uid 0");
	assert_victim_untouched();
	/* Harmless root devices stay usable. */
	fd = outfile_open("/dev/null", &nobody_owner, 0, err, sizeof(err));
	cr_assert_geq(fd, 0, "%s", err);
	close(fd);
	assert_refused("/dev/zero", &nobody_owner, 0, -EINVAL, "is a device");
	assert_refused("/dev/zero", &nobody_owner, OUTFILE_ALLOW_SPECIAL, -EPERM,
		       "belongs to uid 0");
}

Test(outfile, stdout_is_the_given_descriptor)
{
	char err[256] = "";
	struct stat a, b;
	int fd;

	fd = outfile_open("/dev/stdout", &nobody_owner, OUTFILE_ALLOW_SPECIAL, err, sizeof(err));
	cr_assert_geq(fd, 3, "%s", err);
	cr_assert_eq(fstat(fd, &a), 0);
	cr_assert_eq(fstat(STDOUT_FILENO, &b), 0);
	cr_assert(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	close(fd);
	/* Not asked for: a symbolic link like any other. */
	assert_refused("/dev/stdout", &root_owner, 0, -ELOOP, "is a symbolic link");
}

Test(outfile, directories_and_missing_parents)
{
	char path[128], err[256] = "";

	assert_refused(base, &root_owner, 0, -EISDIR, "is a directory");
	snprintf(path, sizeof(path), "%s/", eve);
	assert_refused(path, &root_owner, 0, -EISDIR, "is a directory");
	snprintf(path, sizeof(path), "%s/no/such/execs.log", base);
	assert_refused(path, &root_owner, 0, -ENOENT, "cannot open its directory");
	/* Checked as the user it is for: nobody cannot create in a root 0755 directory? Root does. */
	snprintf(path, sizeof(path), "%s/new.log", base);
	cr_assert_eq(outfile_check(path, &nobody_owner, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(access(path, F_OK), -1);
}

static void owner_as_nobody(const char *arg)
{
	struct outfile_owner owner;
	char err[64];

	(void)arg;
	/* Not root: SUDO_UID is anyone's to set, and means nothing. */
	if (outfile_owner_from_env(&owner, err, sizeof(err)) || owner.uid != NOBODY ||
	    owner.gid != NOBODY)
		_exit(1);
}

Test(outfile, owner_from_env)
{
	static const struct {
		const char *uid, *gid, *why;
	} bad[] = {
		{ "abc", "0", "invalid SUDO_UID 'abc'" },
		{ "-1", "0", "invalid SUDO_UID" },
		{ "65534x", "0", "invalid SUDO_UID" },
		{ "", "0", "invalid SUDO_UID" },
		{ "3999999999", "0", "no such user" },
		{ "65534", "x", "invalid SUDO_GID 'x'" },
		{ "65534", "3999999999", "no such group" },
	};
	struct outfile_owner owner;
	char err[128];

	cr_assert_eq(outfile_owner_from_env(&owner, err, sizeof(err)), 0);
	cr_assert_eq(owner.uid, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("SUDO_UID", bad[i].uid, 1);
		setenv("SUDO_GID", bad[i].gid, 1);
		err[0] = '\0';
		cr_assert_eq(outfile_owner_from_env(&owner, err, sizeof(err)), -EINVAL, "%s/%s",
			     bad[i].uid, bad[i].gid);
		cr_assert(strstr(err, bad[i].why), "%s", err);
	}
	/* Without SUDO_GID: the user's primary group. */
	setenv("SUDO_UID", "65534", 1);
	unsetenv("SUDO_GID");
	cr_assert_eq(outfile_owner_from_env(&owner, err, sizeof(err)), 0);
	cr_assert_eq(owner.uid, NOBODY);
	cr_assert_eq(owner.gid, NOBODY);
	setenv("SUDO_UID", "0", 1);
	as_nobody(owner_as_nobody, "SUDO_UID=0 as nobody");
}

Test(outfile, same_file)
{
	char a[128], b[128], c[128], cwd[256];

	snprintf(a, sizeof(a), "%s/x", base);
	snprintf(b, sizeof(b), "%s/../x", eve);
	cr_assert_eq(outfile_same(a, a), 1);
	cr_assert_eq(outfile_same(a, b), 1, "%s %s", a, b);
	snprintf(c, sizeof(c), "%s/y", base);
	cr_assert_eq(outfile_same(a, c), 0);
	/* Hard links of one file are one output. */
	write_file(a, "", 0600);
	cr_assert_eq(link(a, c), 0);
	cr_assert_eq(outfile_same(a, c), 1);
	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	cr_assert_eq(chdir(base), 0);
	cr_assert_eq(outfile_same("x", a), 1);
	cr_assert_eq(outfile_same("./x", "x"), 1);
	cr_assert_eq(chdir(cwd), 0);
	cr_assert_lt(outfile_same("/no/such/dir/x", a), 0);
}

Test(outfile, tmp_then_commit)
{
	struct outfile_tmp tmp;
	char path[128], tmp_path[160], err[256] = "";
	struct stat st;

	snprintf(path, sizeof(path), "%s/compile_commands.json", base);
	cr_assert_eq(outfile_open_tmp(path, &nobody_owner, 0644, &tmp, err, sizeof(err)), 0, "%s",
		     err);
	snprintf(tmp_path, sizeof(tmp_path), "%s/%s", base, tmp.tmp_name);
	cr_assert_eq(stat(tmp_path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0600);
	cr_assert_eq(st.st_uid, NOBODY);
	cr_assert_eq(access(path, F_OK), -1, "in place before the commit");
	cr_assert_eq(write(tmp.fd, "[]\n", 3), 3);
	cr_assert_eq(outfile_commit(&tmp, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tmp.fd, -1);
	cr_assert_str_eq(slurp(path), "[]\n");
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0644);
	cr_assert_eq(st.st_uid, NOBODY);
	cr_assert_eq(st.st_gid, NOBODY);
	cr_assert_eq(access(tmp_path, F_OK), -1);

	/* Replaced whole: the old file is the owner's, a second run takes its place. */
	cr_assert_eq(outfile_open_tmp(path, &nobody_owner, 0640, &tmp, err, sizeof(err)), 0, "%s",
		     err);
	snprintf(tmp_path, sizeof(tmp_path), "%s/%s", base, tmp.tmp_name);
	outfile_abort(&tmp);
	cr_assert_eq(access(tmp_path, F_OK), -1);
	cr_assert_str_eq(slurp(path), "[]\n");

	/* Another user's name is not taken over, a link is refused as such. */
	cr_assert_eq(outfile_open_tmp(victim, &nobody_owner, 0644, &tmp, err, sizeof(err)), -EPERM);
	cr_assert(strstr(err, "belongs to uid 0"), "%s", err);
	snprintf(path, sizeof(path), "%s/db.json", sticky);
	as_nobody(plant_link_to_victim, path);
	cr_assert_eq(outfile_open_tmp(path, &root_owner, 0644, &tmp, err, sizeof(err)), -ELOOP);
	assert_victim_untouched();
}
#endif /* TEST_NAIVE_OPEN */
