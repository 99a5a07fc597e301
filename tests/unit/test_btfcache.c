// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The minimal-BTF cache (src/lib/btfcache.h) as an attacker or a crash would
 * leave it: a file made once is used after, and nothing else is: a damaged
 * file, a symbolic link or a FIFO planted where the file goes, a directory
 * that is a link or that others can write. Needs root (the cache is root's),
 * and the kernel's BTF; nothing is loaded into the kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/btf.h>

#include <criterion/criterion.h>

#include "wire.h"
#include "glob.h" /* before the skeleton: its read-only data holds patterns */
#include "tracer.skel.h"
#include "btfcache.h"

static char base[] = "/tmp/tracer-btfcache-XXXXXX";
static char *paths[32]; /* path_in()'s, freed at teardown */
static size_t n_paths;
static const void *obj;
static size_t obj_len;

static void setup(void)
{
	obj = tracer_bpf__elf_bytes(&obj_len);
	cr_assert_not_null(mkdtemp(base));
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", base);
	while (n_paths)
		free(paths[--n_paths]);
}

TestSuite(btfcache, .init = setup, .fini = teardown, .timeout = 60);

static void require(void)
{
	if (geteuid() != 0)
		cr_skip_test("the cache is root's: run as root");
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		cr_skip_test("no kernel BTF");
}

/* dir/name, kept until the test's teardown. */
static const char *path_in(const char *dir, const char *name)
{
	char *p;

	cr_assert_lt(n_paths, sizeof(paths) / sizeof(paths[0]));
	cr_assert_gt(asprintf(&p, "%s/%s", dir, name), 0);
	paths[n_paths++] = p;
	return p;
}

/* The cache file's path in dir. */
static const char *cache_file(const char *dir)
{
	char name[64];

	cr_assert_eq(btfcache_file_name(obj, obj_len, name, sizeof(name)), 0);
	return path_in(dir, name);
}

/* btfcache_prepare() with TRACER_BTF_CACHE=dir: where its BTF came from. */
static enum btfcache_source prepare_in(const char *dir, struct btfcache_load *ld)
{
	setenv("TRACER_BTF_CACHE", dir, 1);
	cr_assert_eq(btfcache_prepare(ld, obj, obj_len, false), 0);
	if (ld->source == BTFCACHE_KERNEL) {
		cr_assert_eq(ld->btf_fd, -1);
		cr_assert_str_eq(ld->btf_path, "");
	}
	return ld->source;
}

/* What the memory file handed to libbpf holds is a BTF with task_struct. */
static void expect_minimal_btf(const struct btfcache_load *ld)
{
	struct btf *btf;

	cr_assert_geq(ld->btf_fd, 0);
	btf = btf__parse(ld->btf_path, NULL);
	cr_assert(!libbpf_get_error(btf), "%s does not parse", ld->btf_path);
	cr_expect_gt(btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT), 0);
	cr_expect_lt(btf__type_cnt(btf), 2000, "not minimal: %u types", btf__type_cnt(btf));
	btf__free(btf);
}

static char *slurp(const char *path, size_t *len)
{
	static char buf[1 << 20];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf));
	close(fd);
	cr_assert_gt(n, 0);
	*len = n;
	return buf;
}

static const char *made_cache(void)
{
	const char *dir = path_in(base, "cache");
	struct btfcache_load ld;
	struct stat st;

	cr_assert_eq(prepare_in(dir, &ld), BTFCACHE_MADE, "%s", ld.why);
	expect_minimal_btf(&ld);
	btfcache_done(&ld);
	cr_assert_eq(lstat(cache_file(dir), &st), 0);
	cr_expect(S_ISREG(st.st_mode));
	cr_expect_eq(st.st_uid, 0);
	cr_expect_eq(st.st_mode & 022, 0);
	return dir;
}

Test(btfcache, made_once_then_read)
{
	struct btfcache_load ld;
	const char *dir;

	require();
	dir = made_cache();
	cr_expect_eq(prepare_in(dir, &ld), BTFCACHE_HIT, "%s", ld.why);
	expect_minimal_btf(&ld);
	btfcache_done(&ld);
	cr_expect_eq(ld.btf_fd, -1);
}

/* A damaged file is not used: a new one is made in its place. */
Test(btfcache, damaged_file_not_used)
{
	struct btfcache_load ld;
	const char *dir, *file;
	char *good, *data;
	size_t len, len2;
	int fd;

	require();
	dir = made_cache();
	file = cache_file(dir);
	data = slurp(file, &len);
	good = memcpy(malloc(len), data, len);
	/*
	 * A byte of the first attach target's id (the header's 41st: only the
	 * checksum can tell), then a cut file.
	 */
	fd = open(file, O_WRONLY);
	cr_assert_eq(pwrite(fd, good[40] == 1 ? "\x02" : "\x01", 1, 40), 1);
	close(fd);
	cr_expect_eq(prepare_in(dir, &ld), BTFCACHE_MADE, "%s", ld.why);
	btfcache_done(&ld);
	cr_expect_eq(truncate(file, len / 2), 0);
	cr_expect_eq(prepare_in(dir, &ld), BTFCACHE_MADE, "%s", ld.why);
	expect_minimal_btf(&ld);
	btfcache_done(&ld);
	/* What is there now is what was made the first time. */
	slurp(file, &len2);
	cr_expect_eq(len2, len);
	cr_expect_eq(memcmp(slurp(file, &len2), good, len), 0);
	free(good);
}

/*
 * A symbolic link where the file goes, to a valid cache file elsewhere: not
 * followed, neither read nor written through.
 */
Test(btfcache, planted_symlink_refused)
{
	const char *dir, *file, *elsewhere = path_in(base, "elsewhere");
	struct btfcache_load ld;
	struct stat before, after, st;
	char *copy, *data;
	size_t len;
	int fd;

	require();
	dir = made_cache();
	file = cache_file(dir);
	data = slurp(file, &len);
	copy = memcpy(malloc(len), data, len);
	fd = open(elsewhere, O_WRONLY | O_CREAT | O_EXCL, 0644);
	cr_assert_eq(write(fd, copy, len), (ssize_t)len);
	close(fd);
	cr_assert_eq(unlink(file), 0);
	cr_assert_eq(symlink(elsewhere, file), 0);
	cr_assert_eq(stat(elsewhere, &before), 0);

	cr_expect_neq(prepare_in(dir, &ld), BTFCACHE_HIT, "a planted link was followed");
	btfcache_done(&ld);
	cr_assert_eq(stat(elsewhere, &after), 0);
	cr_expect_eq(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	cr_expect_eq(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
	cr_expect_eq(memcmp(slurp(elsewhere, &len), copy, len), 0);
	/* The link itself was replaced by a file of its own. */
	cr_assert_eq(lstat(file, &st), 0);
	cr_expect(S_ISREG(st.st_mode));
	free(copy);
}

/* A FIFO where the file goes does not hold the start (the suite's timeout). */
Test(btfcache, planted_fifo_refused)
{
	struct btfcache_load ld;
	const char *dir;

	require();
	dir = made_cache();
	cr_assert_eq(unlink(cache_file(dir)), 0);
	cr_assert_eq(mkfifo(cache_file(dir), 0600), 0);
	cr_expect_neq(prepare_in(dir, &ld), BTFCACHE_HIT);
	btfcache_done(&ld);
}

/* A cache directory that is a link, or that another user could write to: not used at all. */
Test(btfcache, unsafe_directory_refused)
{
	const char *real = path_in(base, "real"), *link = path_in(base, "link");
	const char *open_dir = path_in(base, "open"), *theirs = path_in(base, "theirs");
	struct btfcache_load ld;
	struct stat st;

	require();
	cr_assert_eq(mkdir(real, 0755), 0);
	cr_assert_eq(symlink(real, link), 0);
	cr_expect_eq(prepare_in(link, &ld), BTFCACHE_KERNEL);
	cr_expect_neq(strstr(ld.why, "cache directory"), NULL, "%s", ld.why);
	cr_expect_neq(lstat(cache_file(real), &st), 0, "written through a link");
	/* A link further up the path. */
	cr_expect_eq(prepare_in(path_in(link, "sub"), &ld), BTFCACHE_KERNEL);
	cr_expect_neq(lstat(path_in(real, "sub"), &st), 0);

	cr_assert_eq(mkdir(open_dir, 0755), 0);
	cr_assert_eq(chmod(open_dir, 0777), 0);
	cr_expect_eq(prepare_in(open_dir, &ld), BTFCACHE_KERNEL);
	cr_expect_neq(lstat(cache_file(open_dir), &st), 0);

	cr_assert_eq(mkdir(theirs, 0755), 0);
	cr_assert_eq(chown(theirs, 65534, 65534), 0);
	cr_expect_eq(prepare_in(theirs, &ld), BTFCACHE_KERNEL);
	cr_expect_neq(lstat(cache_file(theirs), &st), 0);
}

Test(btfcache, off)
{
	struct btfcache_load ld;

	require();
	cr_expect_eq(prepare_in("off", &ld), BTFCACHE_KERNEL);
	cr_expect_str_eq(ld.why, "TRACER_BTF_CACHE=off");
}

/* A load that failed with the cached BTF removes it: the next start makes it anew. */
Test(btfcache, rejected_file_removed)
{
	struct btfcache_load ld;
	const char *dir;
	struct stat st;

	require();
	dir = made_cache();
	btfcache_reject(obj, obj_len);
	cr_expect_neq(lstat(cache_file(dir), &st), 0);
	cr_expect_eq(prepare_in(dir, &ld), BTFCACHE_MADE, "%s", ld.why);
	btfcache_done(&ld);
}
