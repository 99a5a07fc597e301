// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The exec's paths and environment at their limits (issue 11), in the running
 * kernel (root needed): a cwd and an executable deeper than PATH_MAX (cut:
 * the trailing components kept, exactly), a removed cwd and an unlinked
 * executable or output file (deleted), a lazily unmounted tree and a cwd
 * outside a chroot (detached), and an environment larger than the byte limit
 * (cut, still redacted). Each path is built by the test, so the bytes the
 * event must carry are known exactly. See exec_ctx.h for how a child is run.
 *
 * Run twice by ctest, as e2e_exec_context: on sched_prepare_exec, and with
 * TRACER_TEST_NO_PREPARE_EXEC on the path of kernels before 6.10.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <criterion/criterion.h>
#include <tracer/tracer.h>

#include "exec_ctx.h"

TestSuite(exec_paths, .fini = ctx_teardown);

/* The longest path the kernel side builds (README: Paths), without NUL. */
#define PATH_KEEP 4095

static char *const plain_env[] = { "PATH=/usr/bin:/bin", NULL };

/* A directory deep under a test directory, and its whole path. */
struct deep {
	int fd;
	const char *path;
};

/*
 * Directories one inside the other under base until the path is total bytes
 * long, components of comp bytes (the last one what is left), each made
 * with mkdirat() and entered with openat(): no call sees the whole path.
 */
static struct deep make_deep(const char *base, size_t total, size_t comp)
{
	struct buf path = { 0 };
	struct deep d;
	size_t rest, k, depth = 0;
	char name[256];
	int next;

	cr_assert(comp >= 1 && comp <= 254);
	buf_add(&path, base, strlen(base), false);
	cr_assert_gt(total, path.len + 1);
	rest = total - path.len;
	d.fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(d.fd, 0);
	while (rest) {
		k = rest - 1 > comp ? comp : rest - 1;
		/* Never leave one byte: a '/' with an empty name. */
		if (rest - (k + 1) == 1)
			k++;
		memset(name, 'a' + (int)(depth++ % 26), k);
		name[k] = '\0';
		cr_assert_eq(mkdirat(d.fd, name, 0755), 0, "mkdirat: %s", strerror(errno));
		next = openat(d.fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		cr_assert_geq(next, 0, "openat: %s", strerror(errno));
		close(d.fd);
		d.fd = next;
		buf_add(&path, "/", 1, false);
		buf_add(&path, name, k, false);
		rest -= k + 1;
	}
	cr_assert_eq(path.len, total);
	buf_own(&path);
	d.path = path.p;
	return d;
}

/* What is kept of an absolute path cut to max bytes: its trailing whole components. */
static const char *kept_end(const char *path, size_t max)
{
	size_t len = strlen(path), i;

	for (i = 0; i < len; i++)
		if (path[i] == '/' && len - i <= max)
			return path + i;
	cr_assert_fail("no component of %s fits %zu bytes", path, max);
	return NULL;
}

static void write_file_at(int dirfd, const char *name, const void *data, size_t len)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);

	cr_assert_geq(fd, 0, "openat %s: %s", name, strerror(errno));
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	cr_assert_eq(close(fd), 0);
}

/* A copy of /bin/true named name in dirfd (an ELF the kernel opens itself). */
static void copy_true_at(int dirfd, const char *name)
{
	int in = open("/bin/true", O_RDONLY | O_CLOEXEC), out;
	struct stat st;

	cr_assert_geq(in, 0);
	cr_assert_eq(fstat(in, &st), 0);
	out = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	cr_assert_geq(out, 0, "openat %s: %s", name, strerror(errno));
	cr_assert_eq(sendfile(out, in, NULL, (size_t)st.st_size), st.st_size);
	close(in);
	cr_assert_eq(close(out), 0);
}

static const char script_body[] = "#!/bin/sh\nexit 0\n";

static void assert_path(const struct buf *got, uint32_t got_flags, const char *want,
			uint32_t want_flags, const char *what)
{
	assert_buf_eq(got, want, strlen(want), what);
	cr_assert_eq(got_flags, want_flags, "%s: flags %#x, want %#x", what, got_flags, want_flags);
}

/* ---- cut ---- */

static void check_cwd_of_length(size_t total, size_t comp)
{
	static struct ctx_collector c;
	char *argv[] = { "/bin/true", NULL };
	struct deep d = make_deep(own_tmpdir("ctx"), total, comp);
	struct child_setup cs = { .dir_fd = d.fd, .fds = { -2, -2, -2 } };
	bool cut = total > PATH_KEEP;

	run_exec(&c, "/bin/true", argv, plain_env, &cs, NULL);
	close(d.fd);
	cr_assert_eq(c.ex.ret, 0);
	assert_path(&c.ex.cwd, c.ex.cwd_flags, cut ? kept_end(d.path, PATH_KEEP) : d.path,
		    cut ? TRACER_PATH_CUT : 0, "cwd");
	assert_path(&c.ex.exe, c.ex.exe_flags, "/usr/bin/true", 0, "exe");
}

Test(exec_paths, cwd_of_4095_bytes_is_whole)
{
	check_cwd_of_length(PATH_KEEP, 200);
}

Test(exec_paths, cwd_of_4096_bytes_loses_its_first_component)
{
	check_cwd_of_length(PATH_KEEP + 1, 200);
}

Test(exec_paths, cwd_deeper_than_path_max_keeps_its_end)
{
	check_cwd_of_length(3 * PATH_KEEP, 250);
}

/* Short names: the walk is bounded by bytes, not by a count of components. */
Test(exec_paths, cwd_of_2000_components_is_whole)
{
	check_cwd_of_length(PATH_KEEP, 1);
}

Test(exec_paths, cwd_of_many_components_past_the_limit_is_cut)
{
	check_cwd_of_length(PATH_KEEP + 600, 1);
}

Test(exec_paths, exe_deeper_than_path_max_keeps_its_end)
{
	static struct ctx_collector c;
	char *argv[] = { "./prog", "deep", NULL };
	struct deep d = make_deep(own_tmpdir("ctx"), PATH_KEEP + 300, 120);
	struct child_setup cs = { .dir_fd = d.fd, .fds = { -2, -2, -2 } };
	const char *exe = own_strf("%s/prog", d.path);

	copy_true_at(d.fd, "prog");
	run_exec(&c, "./prog", argv, plain_env, &cs, NULL);
	close(d.fd);
	cr_assert_eq(c.ex.ret, 0);
	assert_path(&c.ex.exe, c.ex.exe_flags, kept_end(exe, PATH_KEEP), TRACER_PATH_CUT, "exe");
	assert_path(&c.ex.cwd, c.ex.cwd_flags, kept_end(d.path, PATH_KEEP), TRACER_PATH_CUT, "cwd");
	cr_assert(c.ex.interp_none);
	assert_buf_eq(&c.ex.argv, "./prog\0deep\0", 12, "argv");
}

/* A script's exe is its name made absolute against the cwd: a cut cwd makes it cut. */
Test(exec_paths, script_run_from_a_cut_cwd_is_cut)
{
	static struct ctx_collector c;
	char *argv[] = { "./s.sh", NULL };
	struct deep d = make_deep(own_tmpdir("ctx"), PATH_KEEP + 300, 120);
	struct child_setup cs = { .dir_fd = d.fd, .fds = { -2, -2, -2 } };
	const char *cwd = kept_end(d.path, PATH_KEEP);

	write_file_at(d.fd, "s.sh", script_body, sizeof(script_body) - 1);
	run_exec(&c, "./s.sh", argv, plain_env, &cs, NULL);
	close(d.fd);
	cr_assert_eq(c.ex.ret, 0);
	assert_path(&c.ex.cwd, c.ex.cwd_flags, cwd, TRACER_PATH_CUT, "cwd");
	assert_path(&c.ex.exe, c.ex.exe_flags, own_strf("%s/s.sh", cwd), TRACER_PATH_CUT, "exe");
	assert_path(&c.ex.interp, c.ex.interp_flags, "/usr/bin/dash", 0, "interpreter");
}

/* ---- deleted ---- */

static int remove_own_cwd(void *dir)
{
	return rmdir(dir) ? 100 : 0;
}

Test(exec_paths, removed_cwd_is_deleted)
{
	static struct ctx_collector c;
	char *argv[] = { "/bin/true", NULL };
	char *gone = own_strf("%s/gone dir", own_tmpdir("ctx"));
	struct child_setup cs = {
		.dir = gone,
		.fds = { -2, -2, -2 },
		.prep = remove_own_cwd,
		.prep_arg = gone,
	};

	cr_assert_eq(mkdir(gone, 0755), 0);
	run_exec(&c, "/bin/true", argv, plain_env, &cs, NULL);
	cr_assert_eq(c.ex.ret, 0);
	assert_path(&c.ex.cwd, c.ex.cwd_flags, gone, TRACER_PATH_DELETED, "cwd");
	assert_path(&c.ex.exe, c.ex.exe_flags, "/usr/bin/true", 0, "exe");
}

/* A copy of /bin/true opened, then unlinked: the fd the child executes. */
static int unlinked_true(const char *prog)
{
	int fd;

	cr_assert_eq(system(own_strf("cp /bin/true '%s'", prog)), 0);
	fd = open(prog, O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(unlink(prog), 0);
	return fd;
}

Test(exec_paths, unlinked_exe_run_by_fd_is_deleted)
{
	static struct ctx_collector c;
	char *argv[] = { "gone", "-x", NULL };
	char *prog = own_strf("%s/prog", own_tmpdir("ctx"));
	struct child_setup cs = { .fds = { -2, -2, -2 }, .exec_by_fd = true };
	const char *fdname;

	cs.exec_fd = unlinked_true(prog);
	run_exec(&c, NULL, argv, plain_env, &cs, NULL);
	cr_assert_eq(c.ex.ret, 0);
	assert_path(&c.ex.exe, c.ex.exe_flags, prog, TRACER_PATH_DELETED, "exe");
	cr_assert(c.ex.interp_none);
	assert_buf_eq(&c.ex.argv, "gone\0-x\0", 8, "argv");
	/* The kernel's name for it, which --format sh must not run (sh.c). */
	fdname = own_strf("/dev/fd/%d", cs.exec_fd);
	assert_buf_eq(&c.ex.filename, fdname, strlen(fdname), "filename");
	close(cs.exec_fd);
}

Test(exec_paths, unlinked_exe_run_through_proc_fd_is_deleted)
{
	static struct ctx_collector c;
	char *argv[] = { "gone", NULL };
	char *prog = own_strf("%s/prog", own_tmpdir("ctx"));
	int fd = unlinked_true(prog);
	char *via = own_strf("/proc/self/fd/%d", fd);

	run_exec(&c, via, argv, plain_env, NULL, NULL);
	close(fd);
	cr_assert_eq(c.ex.ret, 0);
	assert_path(&c.ex.exe, c.ex.exe_flags, prog, TRACER_PATH_DELETED, "exe");
}

Test(exec_paths, unlinked_output_file_is_deleted)
{
	static struct ctx_collector c;
	char *argv[] = { "/bin/true", NULL };
	char *log = own_strf("%s/out.log", own_tmpdir("ctx"));
	struct child_setup cs = { .fds = { -2, -2, -2 } };
	int fd = open(log, O_WRONLY | O_CREAT, 0644);

	cr_assert_geq(fd, 0);
	cr_assert_eq(unlink(log), 0);
	cs.fds[1] = fd;
	run_exec(&c, "/bin/true", argv, plain_env, &cs, NULL);
	close(fd);
	cr_assert_eq(c.ex.fd_kind[1], TRACER_FD_PATH);
	assert_path(&c.ex.fd_path[1], c.ex.fd_flags[1], log, TRACER_PATH_DELETED, "stdout");
}

/*
 * A memfd is a file with no directory at all: the kernel names it
 * "/memfd:NAME (deleted)" (readlink of /proc/PID/exe); tracer gives the name
 * without the suffix, flagged deleted. Running one is how a program executes
 * code that is on no disk.
 */
static int memfd_with_true(const char *name)
{
	int in = open("/bin/true", O_RDONLY | O_CLOEXEC), fd = memfd_create(name, 0);
	struct stat st;

	cr_assert_geq(in, 0);
	cr_assert_geq(fd, 0);
	cr_assert_eq(fstat(in, &st), 0);
	cr_assert_eq(sendfile(fd, in, NULL, (size_t)st.st_size), st.st_size);
	close(in);
	return fd;
}

Test(exec_paths, memfd_exe_is_named_and_deleted)
{
	static struct ctx_collector c;
	char *argv[] = { "in-memory", NULL };
	struct child_setup cs = { .fds = { -2, -2, -2 }, .exec_by_fd = true };

	cs.exec_fd = memfd_with_true("tracer test");
	run_exec(&c, NULL, argv, plain_env, &cs, NULL);
	close(cs.exec_fd);
	cr_assert_eq(c.ex.ret, 0);
	assert_path(&c.ex.exe, c.ex.exe_flags, "/memfd:tracer test", TRACER_PATH_DELETED, "exe");
}

Test(exec_paths, memfd_output_is_named_and_deleted)
{
	static struct ctx_collector c;
	char *argv[] = { "/bin/true", NULL };
	struct child_setup cs = { .fds = { -2, -2, -2 } };
	int fd = memfd_create("out", 0);

	cr_assert_geq(fd, 0);
	cs.fds[1] = fd;
	run_exec(&c, "/bin/true", argv, plain_env, &cs, NULL);
	close(fd);
	cr_assert_eq(c.ex.fd_kind[1], TRACER_FD_PATH);
	assert_path(&c.ex.fd_path[1], c.ex.fd_flags[1], "/memfd:out", TRACER_PATH_DELETED,
		    "stdout");
}

/* ---- detached ---- */

/*
 * In a mount namespace of its own (nothing propagates back), a tmpfs on
 * dir, holding sub/ with a copy of true and a script; the child enters sub/
 * and lazily unmounts the tmpfs: its cwd is on a tree no longer attached.
 */
static int detach_own_cwd(void *dir)
{
	char *sub;
	int fd;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 100;
	if (mount("tracer-test", dir, "tmpfs", 0, "mode=0755"))
		return 101;
	if (asprintf(&sub, "%s/sub", (char *)dir) < 0)
		return 102;
	if (mkdir(sub, 0755) || chdir(sub))
		return 103;
	free(sub);
	fd = open("s.sh", O_WRONLY | O_CREAT | O_EXCL, 0755);
	if (fd < 0 || write(fd, script_body, sizeof(script_body) - 1) < 0 || close(fd))
		return 104;
	if (system("cp /bin/true prog"))
		return 105;
	if (umount2(dir, MNT_DETACH))
		return 106;
	return 0;
}

static void check_detached(const char *path, char *const argv[], const char *exe,
			   uint32_t exe_flags)
{
	static struct ctx_collector c;
	char *dir = own_strf("%s/mnt", own_tmpdir("ctx"));
	struct child_setup cs = {
		.fds = { -2, -2, -2 },
		.prep = detach_own_cwd,
		.prep_arg = dir,
	};

	cr_assert_eq(mkdir(dir, 0755), 0);
	run_exec(&c, path, argv, plain_env, &cs, NULL);
	cr_assert_eq(c.ex.ret, 0);
	assert_path(&c.ex.cwd, c.ex.cwd_flags, "/sub", TRACER_PATH_DETACHED, "cwd");
	assert_path(&c.ex.exe, c.ex.exe_flags, exe, exe_flags, "exe");
}

Test(exec_paths, cwd_on_a_lazily_unmounted_tree_is_detached)
{
	char *argv[] = { "/bin/true", NULL };

	check_detached("/bin/true", argv, "/usr/bin/true", 0);
}

Test(exec_paths, exe_on_a_lazily_unmounted_tree_is_detached)
{
	char *argv[] = { "./prog", NULL };

	check_detached("./prog", argv, "/sub/prog", TRACER_PATH_DETACHED);
}

Test(exec_paths, script_run_from_a_detached_cwd_is_detached)
{
	char *argv[] = { "./s.sh", NULL };

	check_detached("./s.sh", argv, "/sub/s.sh", TRACER_PATH_DETACHED);
}

/*
 * chroot() does not move the cwd. Inside the new root a path is what the
 * process sees (a container's paths are its own); a cwd left outside it
 * cannot be named from the root and is given from the top of the mount tree.
 */
struct chroot_args {
	const char *root, *cwd;
};

static int enter_chroot(void *arg)
{
	const struct chroot_args *a = arg;

	if (chdir(a->cwd) || chroot(a->root))
		return 100;
	return 0;
}

static void check_chroot(const char *root, const char *cwd, const char *want, uint32_t flags)
{
	static struct ctx_collector c;
	/* Nothing to run in the new root: a failed exec carries the cwd too. */
	char *argv[] = { "/nonexistent", NULL };
	struct chroot_args a = { .root = root, .cwd = cwd };
	struct child_setup cs = { .fds = { -2, -2, -2 }, .prep = enter_chroot, .prep_arg = &a };

	run_exec(&c, "/nonexistent", argv, plain_env, &cs, NULL);
	cr_assert_eq(c.ex.ret, -ENOENT);
	assert_path(&c.ex.cwd, c.ex.cwd_flags, want, flags, "cwd");
	cr_assert(c.ex.exe_none);
}

Test(exec_paths, cwd_inside_a_chroot_is_seen_from_it)
{
	char *root = own_tmpdir("ctx"), *in = own_strf("%s/in side", root);

	cr_assert_eq(mkdir(in, 0755), 0);
	check_chroot(root, in, "/in side", 0);
}

Test(exec_paths, cwd_outside_a_chroot_is_detached)
{
	char *dir = own_tmpdir("ctx"), *root = own_strf("%s/root", dir);

	cr_assert_eq(mkdir(root, 0755), 0);
	check_chroot(root, dir, dir, TRACER_PATH_DETACHED);
}

/* ---- the environment at its byte limit ---- */

#define ENV_LIMIT 8192

/*
 * Entries before the cut: a secret, then filler; the cut falls inside the
 * value of a second secret; one entry after it is not read.
 */
static char **big_env(size_t *before_cut)
{
	char **env = own(calloc(16, sizeof(*env)));
	size_t n = 0, used = 0, i;

	env[n++] = "PATH=/usr/bin:/bin";
	env[n++] = "MY_API_TOKEN=tok-hunter2";
	for (i = 0; i < 6; i++) {
		env[n] = own_strf("FILLER_%zu=%0999zu", i, i);
		n++;
	}
	for (i = 0; i < n; i++)
		used += strlen(env[i]) + 1;
	*before_cut = used;
	env[n] = own(malloc(3000 + 1));
	memset(env[n], 'v', 3000);
	memcpy(env[n], "SESSION_PW=sess-", 16);
	env[n][3000] = '\0';
	n++;
	env[n++] = "AFTER_THE_CUT=1";
	env[n] = NULL;
	return env;
}

static void check_env_cut(bool keep_secrets)
{
	static struct ctx_collector c;
	struct run_opts ro = {
		.max_arg_bytes = ENV_LIMIT,
		.capture_env = true,
		.keep_secrets = keep_secrets,
	};
	char *argv[] = { "/bin/true", NULL };
	size_t before, i;
	char **env = big_env(&before);
	uint32_t n;
	struct buf raw = joined(env, &n), want = { 0 };

	/* The cut is inside SESSION_PW's value: its name and '=' are kept. */
	cr_assert(before + strlen("SESSION_PW=sess-") < ENV_LIMIT - 1);
	cr_assert(before + strlen(env[n - 2]) + 1 > ENV_LIMIT - 1);
	for (i = 0; i < n - 2; i++) {
		if (!keep_secrets && !strncmp(env[i], "MY_API_TOKEN=", 13))
			buf_add(&want, own_strf("MY_API_TOKEN=%s", TRACER_REDACTED),
				strlen("MY_API_TOKEN=") + strlen(TRACER_REDACTED), true);
		else
			buf_add(&want, env[i], strlen(env[i]), true);
	}
	/* Kept: the limit's bytes but one, the cut entry without its NUL. */
	if (keep_secrets)
		buf_add(&want, env[n - 2], ENV_LIMIT - 1 - before, true);
	else
		buf_add(&want, own_strf("SESSION_PW=%s", TRACER_REDACTED),
			strlen("SESSION_PW=") + strlen(TRACER_REDACTED), true);
	buf_own(&want);

	run_exec(&c, "/bin/true", argv, env, NULL, &ro);
	cr_assert_eq(c.ex.ret, 0);
	cr_assert(c.ex.env_captured);
	cr_assert(c.ex.env_truncated);
	cr_assert_not(c.ex.env_fault);
	cr_assert_eq(c.ex.envc, n - 1, "envc %u", c.ex.envc);
	cr_assert_eq(c.ex.total_envc, n);
	cr_assert_eq(c.ex.total_env_bytes, raw.len);
	assert_bufs_eq(&c.ex.env, &want, "env");
	cr_assert_null(memmem(c.ex.all.p, c.ex.all.len, "AFTER_THE_CUT", 13));
	if (!keep_secrets) {
		cr_assert_null(memmem(c.ex.all.p, c.ex.all.len, "hunter2", 7),
			       "a secret value reached the event");
		cr_assert_null(memmem(c.ex.all.p, c.ex.all.len, "sess-", 5),
			       "the cut secret's value reached the event");
	}
}

Test(exec_paths, env_cut_at_its_limit_is_exact_and_redacted)
{
	check_env_cut(false);
}

Test(exec_paths, env_cut_at_its_limit_is_exact_with_keep_secrets)
{
	check_env_cut(true);
}
