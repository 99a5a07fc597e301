// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * A cache file is a header (keys, the attach targets' ids, a checksum)
 * followed by the minimal BTF, named after its two keys: the kernel's (its
 * build id, release, version and BTF size) and the BPF object's (a hash of
 * its bytes). A miss makes one (btfmin.h), when the directory can take it: a
 * directory that refuses the new file (read-only, not root's) does not cost
 * a pass over the kernel's BTF at every start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "btfcache.h"
#include "btfmin.h"
#include "btfscan.h"
#include "btftargets.h"

#define KERNEL_BTF "/sys/kernel/btf/vmlinux"
#define CACHE_MAGIC "TRBTFC1"
#define CACHE_MAX (1024 * 1024) /* a minimal BTF is a few KB */

struct cache_header {
	char magic[8];
	uint64_t kernel_key;
	uint64_t object_key;
	uint32_t n_ids;
	uint32_t btf_len;
	uint64_t checksum; /* of the ids and the BTF */
	int32_t ids[BTFTARGETS_N];
};

static uint64_t fnv64(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

#define FNV_START 0xcbf29ce484222325ull

/*
 * The BPF object's key: FNV-1a over 64-bit words, then the bytes left. Byte
 * at a time, hashing the object's 450 KiB twice (the file's name and its
 * header) took 1.1 ms of every start on an idle machine; by words, 0.2 ms.
 */
static uint64_t object_key(const void *obj, size_t len)
{
	const unsigned char *p = obj;
	uint64_t h = FNV_START, w;

	for (; len >= sizeof(w); len -= sizeof(w), p += sizeof(w)) {
		memcpy(&w, p, sizeof(w));
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29; /* the high bits of each word reach the low ones */
	}
	return fnv64(h, p, len);
}

static uint64_t checksum(const struct cache_header *h, const void *btf)
{
	return fnv64(fnv64(FNV_START, h->ids, sizeof(h->ids)), btf, h->btf_len);
}

/* The kernel's build id (its ELF notes), release, version and BTF size, hashed. */
static uint64_t kernel_key(void)
{
	unsigned char notes[4096];
	struct utsname u;
	struct stat st;
	uint64_t h = FNV_START;
	ssize_t n = 0;
	int fd;

	fd = open("/sys/kernel/notes", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, notes, sizeof(notes));
		close(fd);
	}
	if (n > 0)
		h = fnv64(h, notes, n); /* the build id is one of these notes */
	if (!uname(&u)) {
		h = fnv64(h, u.release, strlen(u.release));
		h = fnv64(h, u.version, strlen(u.version));
	}
	if (!stat(KERNEL_BTF, &st))
		h = fnv64(h, &st.st_size, sizeof(st.st_size));
	return h;
}

int btfcache_file_name(const void *obj, size_t obj_len, char *name, size_t size)
{
	int n = snprintf(name, size, "%016llx-%016llx.btf", (unsigned long long)kernel_key(),
			 (unsigned long long)object_key(obj, obj_len));

	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

/* Root's, and no one else can change it (or, for a parent, sticky like /tmp). */
static bool safe_dir(int fd, bool last)
{
	struct stat st;

	if (fstat(fd, &st) || !S_ISDIR(st.st_mode) || st.st_uid != 0)
		return false;
	if (!(st.st_mode & (S_IWGRP | S_IWOTH)))
		return true;
	return !last && (st.st_mode & S_ISVTX);
}

/*
 * Opens the cache directory one component at a time, never following a
 * symbolic link, each checked by safe_dir(); the last one is made (0755)
 * when missing. -1 with errno, EPERM for an unsafe one.
 */
static int open_dir(const char *path)
{
	char buf[512], *comp, *save = NULL, *next;
	int fd, sub;

	if (path[0] != '/' || strlen(path) >= sizeof(buf)) {
		errno = EINVAL;
		return -1;
	}
	strcpy(buf, path);
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (comp = strtok_r(buf, "/", &save); fd >= 0 && comp; comp = next) {
		next = strtok_r(NULL, "/", &save);
		sub = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 && errno == ENOENT && !next && mkdirat(fd, comp, 0755) == 0)
			sub = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = sub;
		if (fd >= 0 && !safe_dir(fd, !next)) {
			close(fd);
			errno = EPERM;
			return -1;
		}
	}
	return fd;
}

static int write_all(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	ssize_t w;

	while (done < len) {
		w = write(fd, (const char *)buf + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -EIO;
		done += w;
	}
	return 0;
}

/*
 * The cache file's BTF: len bytes of fd from off, malloc'd, only when they
 * match the header's checksum and libbpf parses them; NULL otherwise.
 */
static void *read_btf(int fd, off_t off, size_t len, const struct cache_header *h)
{
	void *data = malloc(len);
	struct btf *btf;

	if (!data || btfscan_read_at(fd, data, len, off) || checksum(h, data) != h->checksum)
		goto out_free;
	btf = btf__new(data, len);
	if (libbpf_get_error(btf))
		goto out_free;
	btf__free(btf);
	return data;
out_free:
	free(data);
	return NULL;
}

/*
 * Reads and validates the cache file: its minimal BTF (malloc'd), and its
 * header into *want, whose keys it must have.
 */
static int cache_read(int dirfd, const char *name, struct cache_header *want, void **btf, char *why,
		      size_t whylen)
{
	struct cache_header h;
	struct stat st;
	int fd, ret = -EINVAL;

	/* O_NONBLOCK: a FIFO planted there does not hold the start. */
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, whylen, "%s",
			 errno == ENOENT ? "not cached yet" :
			 errno == ELOOP	 ? "the cache file is a symbolic link" :
					   strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) || st.st_size < (off_t)sizeof(h) ||
	    st.st_size > CACHE_MAX) {
		snprintf(why, whylen,
			 "the cache file is not root's own regular file of a sane size");
		goto out;
	}
	snprintf(why, whylen, "the cache file is damaged");
	if (btfscan_read_at(fd, &h, sizeof(h), 0) ||
	    memcmp(h.magic, want->magic, sizeof(h.magic)) || h.kernel_key != want->kernel_key ||
	    h.object_key != want->object_key || h.n_ids != BTFTARGETS_N ||
	    h.btf_len != st.st_size - sizeof(h))
		goto out;
	*btf = read_btf(fd, sizeof(h), h.btf_len, &h);
	if (!*btf)
		goto out;
	*want = h;
	ret = 0;
out:
	close(fd);
	return ret;
}

/* Writes the file under a new name, then renames it into place. */
static int cache_write(int dirfd, int tmpfd, const char *tmp, const char *name,
		       const struct cache_header *h, const void *btf)
{
	int ret = write_all(tmpfd, h, sizeof(*h));

	if (!ret)
		ret = write_all(tmpfd, btf, h->btf_len);
	if (!ret && fsync(tmpfd))
		ret = -errno;
	if (!ret && renameat(dirfd, tmp, dirfd, name))
		ret = -errno;
	return ret;
}

/* A memory file holding len bytes (sealed: it can no longer change): its fd, above 4, or -errno. */
static int memfile(const void *data, size_t len, bool seal)
{
	int fd = memfd_create("tracer-btf", MFD_CLOEXEC | MFD_ALLOW_SEALING), high;

	if (fd >= 0 && fd < 5) {
		high = fcntl(fd, F_DUPFD_CLOEXEC, 5);
		close(fd);
		fd = high;
	}
	if (fd < 0)
		return -errno;
	if ((data && write_all(fd, data, len)) ||
	    (seal &&
	     fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL))) {
		close(fd);
		return -EIO;
	}
	return fd;
}

/*
 * The minimal BTF for the object and the attach targets' ids, made here
 * from the kernel's BTF in the same passes (btfmin.h): no child process,
 * and a small fraction of the kernel BTF's size in memory.
 */
static int make_min_btf(const void *obj, size_t obj_len, struct cache_header *h, void **btf,
			char *why, size_t whylen)
{
	int fd = open(KERNEL_BTF, O_RDONLY | O_CLOEXEC), ret;
	struct btfscan_want want[BTFTARGETS_N];
	uint32_t *len = &h->btf_len;
	struct btf *parsed;

	if (fd < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot read " KERNEL_BTF ": %s", strerror(errno));
		return ret;
	}
	btftargets_wants(want);
	ret = btfmin_make(obj, obj_len, fd, want, BTFTARGETS_N, btf, len, why, whylen);
	close(fd);
	if (ret)
		return ret;
	btftargets_found(want, h->ids);
	parsed = *len <= CACHE_MAX - sizeof(struct cache_header) ? btf__new(*btf, *len) : NULL;
	if (libbpf_get_error(parsed) || !parsed) {
		snprintf(why, whylen, "the minimal BTF made does not parse, or is too large");
		free(*btf);
		*btf = NULL;
		return -EINVAL;
	}
	btf__free(parsed);
	return 0;
}

/* The attach targets from the kernel's BTF, scanned. */
static int scan_ids(int32_t ids[BTFTARGETS_N])
{
	int fd = open(KERNEL_BTF, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = btftargets_scan(fd, ids);
	close(fd);
	return ret;
}

/*
 * A miss: the new file is created first (a directory that refuses it costs
 * no pass over the kernel's BTF), then the minimal BTF is made and renamed into place.
 */
static int cache_make(struct btfcache_load *ld, int dirfd, const char *name, struct cache_header *h,
		      const void *obj, size_t obj_len, void **btf)
{
	static unsigned int made; /* two handles of one process making it at once */
	char tmp[96];
	int fd, ret;

	snprintf(tmp, sizeof(tmp), ".%s.%d.%u", name, (int)getpid(),
		 __atomic_fetch_add(&made, 1, __ATOMIC_RELAXED));
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(ld->why, sizeof(ld->why), "cannot write in the cache directory: %s",
			 strerror(errno));
		return -errno;
	}
	ret = make_min_btf(obj, obj_len, h, btf, ld->why, sizeof(ld->why));
	if (!ret) {
		h->checksum = checksum(h, *btf);
		/* Not cached is still used: the next start makes it again. */
		if (cache_write(dirfd, fd, tmp, name, h, *btf))
			unlinkat(dirfd, tmp, 0);
	} else {
		unlinkat(dirfd, tmp, 0);
	}
	close(fd);
	return ret;
}

/* Looks in the cache, makes on a miss: 0 with the minimal BTF and the ids in h. */
static int cache_lookup(struct btfcache_load *ld, const char *dir, struct cache_header *h,
			const void *obj, size_t obj_len, void **btf)
{
	char name[64];
	int dirfd, ret;

	dirfd = open_dir(dir);
	if (dirfd < 0) {
		snprintf(ld->why, sizeof(ld->why), "cache directory %s: %s", dir,
			 errno == EPERM ? "not root's own, or writable by others" :
					  strerror(errno));
		return -errno;
	}
	ret = btfcache_file_name(obj, obj_len, name, sizeof(name));
	if (!ret)
		ret = cache_read(dirfd, name, h, btf, ld->why, sizeof(ld->why));
	if (!ret) {
		ld->source = BTFCACHE_HIT;
	} else if (geteuid() == 0) {
		ret = cache_make(ld, dirfd, name, h, obj, obj_len, btf);
		if (!ret)
			ld->source = BTFCACHE_MADE;
	}
	close(dirfd);
	return ret;
}

int btfcache_prepare(struct btfcache_load *ld, const void *obj, size_t obj_len, bool whole)
{
	const char *dir = getenv("TRACER_BTF_CACHE");
	struct cache_header h = { .magic = CACHE_MAGIC, .n_ids = BTFTARGETS_N };
	void *btf = NULL;
	int ret;

	memset(ld, 0, sizeof(*ld));
	ld->btf_fd = -1;
	ld->source = BTFCACHE_KERNEL;
	ret = btftargets_register();
	if (ret)
		return ret;
	if (!dir || !*dir)
		dir = BTFCACHE_DIR_DEFAULT;
	if (whole || !strcmp(dir, "off")) {
		snprintf(ld->why, sizeof(ld->why), "%s",
			 whole ? "the minimal one failed" : "TRACER_BTF_CACHE=off");
		ret = -1;
	} else {
		h.kernel_key = kernel_key();
		h.object_key = object_key(obj, obj_len);
		ret = cache_lookup(ld, dir, &h, obj, obj_len, &btf);
	}
	if (!ret) {
		ld->btf_fd = memfile(btf, h.btf_len, true);
		snprintf(ld->btf_path, sizeof(ld->btf_path), "/proc/self/fd/%d", ld->btf_fd);
		/* libbpf opens it by that name: /proc must show it. */
		if (ld->btf_fd < 0 || access(ld->btf_path, R_OK)) {
			snprintf(ld->why, sizeof(ld->why), "no /proc/self/fd to hand it to libbpf");
			btfcache_done(ld);
			ret = -1;
		}
	}
	free(btf);
	if (ret) {
		ld->source = BTFCACHE_KERNEL;
		ret = scan_ids(h.ids);
		if (ret)
			return ret;
	}
	btftargets_set(h.ids);
	return 0;
}

void btfcache_done(struct btfcache_load *ld)
{
	if (ld->btf_fd >= 0)
		close(ld->btf_fd);
	ld->btf_fd = -1;
	ld->btf_path[0] = '\0';
}

void btfcache_reject(const void *obj, size_t obj_len)
{
	const char *dir = getenv("TRACER_BTF_CACHE");
	char name[64];
	int dirfd;

	if (!dir || !*dir)
		dir = BTFCACHE_DIR_DEFAULT;
	if (!strcmp(dir, "off") || btfcache_file_name(obj, obj_len, name, sizeof(name)))
		return;
	dirfd = open_dir(dir);
	if (dirfd < 0)
		return;
	unlinkat(dirfd, name, 0);
	close(dirfd);
}
