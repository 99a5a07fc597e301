// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Output files that cannot be hijacked (see outfile.h for the rules).
 *
 * Every file is looked up as one name in one open directory. An existing
 * file is checked twice: by fstatat() before it is opened, so that another
 * user's FIFO or device is never opened at all (an open has effects: a FIFO's
 * reader sees EOF when tracer closes it), and by fstat() on the descriptor,
 * which must be the same inode, so that nothing swapped in between is
 * written. Only then is it truncated.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "outfile.h"
#include "parse.h"

/* Attempts when the name changes between the look-up and the open. */
#define OUTFILE_RACE_RETRIES 3

static int fail(int ret, char *err, size_t errlen, const char *path, const char *why)
{
	char p[256];

	snprintf(err, errlen, "%s: %s", printable(path, p, sizeof(p)), why);
	return ret;
}

static int fail_errno(int ret, char *err, size_t errlen, const char *path, const char *what)
{
	char p[256];

	snprintf(err, errlen, "%s: %s: %s", printable(path, p, sizeof(p)), what, strerror(-ret));
	return ret;
}

int outfile_owner_from_env(struct outfile_owner *owner, char *err, size_t errlen)
{
	const char *sudo_uid = getenv("SUDO_UID");
	const char *sudo_gid = getenv("SUDO_GID");
	struct passwd *pw;
	uint32_t uid, gid;
	char buf[64];

	owner->uid = geteuid();
	owner->gid = getegid();
	/* Anyone can set SUDO_UID: it means something only to a root tracer. */
	if (geteuid() != 0 || !sudo_uid)
		return 0;
	if (parse_id(sudo_uid, &uid)) {
		snprintf(err, errlen, "invalid SUDO_UID '%s'",
			 printable(sudo_uid, buf, sizeof(buf)));
		return -EINVAL;
	}
	pw = getpwuid(uid);
	if (!pw) {
		snprintf(err, errlen, "SUDO_UID %u: no such user", uid);
		return -EINVAL;
	}
	gid = pw->pw_gid;
	if (sudo_gid) {
		if (parse_id(sudo_gid, &gid)) {
			snprintf(err, errlen, "invalid SUDO_GID '%s'",
				 printable(sudo_gid, buf, sizeof(buf)));
			return -EINVAL;
		}
		if (!getgrgid(gid)) {
			snprintf(err, errlen, "SUDO_GID %u: no such group", gid);
			return -EINVAL;
		}
	}
	owner->uid = uid;
	owner->gid = gid;
	return 0;
}

/* /dev/stdout and /dev/stderr: the descriptor the invoker gave, or -1. */
static int std_stream(const char *path)
{
	if (!strcmp(path, "/dev/stdout"))
		return STDOUT_FILENO;
	if (!strcmp(path, "/dev/stderr"))
		return STDERR_FILENO;
	return -1;
}

/*
 * Opens the directory of path (O_PATH) and points *name at the last
 * component. Returns the directory's descriptor or a negative errno.
 */
static int open_dir(const char *path, const char **name, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	*name = slash ? slash + 1 : path;
	if (!**name || !strcmp(*name, ".") || !strcmp(*name, ".."))
		return fail(-EISDIR, err, errlen, path, "is a directory");
	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return fail(-ENOMEM, err, errlen, path, "out of memory");
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return fail_errno(-errno, err, errlen, path, "cannot open its directory");
	return fd;
}

static bool is_dev_null(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == 1 && minor(st->st_rdev) == 3;
}

/* Whether tracer may write to the existing file st describes. */
static int check_stat(const struct stat *st, const struct outfile_owner *owner, unsigned int flags,
		      const char *path, char *err, size_t errlen)
{
	char why[160];

	if (S_ISLNK(st->st_mode))
		return fail(-ELOOP, err, errlen, path,
			    "is a symbolic link; output files are never written through one");
	if (S_ISDIR(st->st_mode))
		return fail(-EISDIR, err, errlen, path, "is a directory");
	if (is_dev_null(st))
		return 0;
	if (!S_ISREG(st->st_mode) && !S_ISFIFO(st->st_mode) && !S_ISCHR(st->st_mode))
		return fail(-EINVAL, err, errlen, path, "is not a regular file");
	if (!S_ISREG(st->st_mode) && !(flags & OUTFILE_ALLOW_SPECIAL))
		return fail(-EINVAL, err, errlen, path,
			    S_ISFIFO(st->st_mode) ? "is a FIFO, not a regular file" :
						    "is a device, not a regular file");
	if (st->st_uid != owner->uid) {
		snprintf(
			why, sizeof(why),
			"belongs to uid %u, not to uid %u it is written for; remove it or choose another name",
			(unsigned int)st->st_uid, (unsigned int)owner->uid);
		return fail(-EPERM, err, errlen, path, why);
	}
	if (S_ISREG(st->st_mode) && st->st_nlink > 1) {
		snprintf(why, sizeof(why), "has %lu hard links; refusing to write to a shared file",
			 (unsigned long)st->st_nlink);
		return fail(-EMLINK, err, errlen, path, why);
	}
	return 0;
}

static int check_std_stream(int fd, const char *path, char *err, size_t errlen)
{
	if (fcntl(fd, F_GETFD) < 0)
		return fail(-EBADF, err, errlen, path, "is not open");
	return 0;
}

/*
 * Whether a file can be created beside name: a probe is created and removed
 * at once. Permissions alone do not tell (root may write anywhere, yet
 * nothing can be created in /proc or on a read-only mount), and the check
 * must fail before anything is loaded, not at the first write.
 */
static int probe_create(int dir_fd, const char *name, const char *path, char *err, size_t errlen)
{
	char probe[64];
	uint32_t rnd;
	int fd, i;

	for (i = 0; i < 16; i++) {
		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			rnd = (uint32_t)rand();
		snprintf(probe, sizeof(probe), ".tracer-probe.%.16s.%08x", name, rnd);
		fd = openat(dir_fd, probe,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
		if (fd >= 0) {
			unlinkat(dir_fd, probe, 0);
			close(fd);
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	return fail_errno(-errno, err, errlen, path, "cannot create it");
}

int outfile_check(const char *path, const struct outfile_owner *owner, unsigned int flags,
		  char *err, size_t errlen)
{
	const char *name;
	struct stat st;
	int dir_fd, ret = 0;

	if ((flags & OUTFILE_ALLOW_SPECIAL) && std_stream(path) >= 0)
		return check_std_stream(std_stream(path), path, err, errlen);
	dir_fd = open_dir(path, &name, err, errlen);
	if (dir_fd < 0)
		return dir_fd;
	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		ret = check_stat(&st, owner, flags, path, err, errlen);
		/* Without OUTFILE_ALLOW_SPECIAL, a file is replaced by one made beside it. */
		if (!ret && !(flags & OUTFILE_ALLOW_SPECIAL) && S_ISREG(st.st_mode))
			ret = probe_create(dir_fd, name, path, err, errlen);
	} else if (errno != ENOENT)
		ret = fail_errno(-errno, err, errlen, path, "cannot look it up");
	else
		ret = probe_create(dir_fd, name, path, err, errlen);
	close(dir_fd);
	return ret;
}

/* Gives a file tracer created to the owner. */
static int give(int fd, const struct outfile_owner *owner)
{
	if (owner->uid == geteuid() && owner->gid == getegid())
		return 0;
	return fchown(fd, owner->uid, owner->gid) ? -errno : 0;
}

/* Creates name; -EEXIST when something appeared there since the look-up. */
static int create(int dir_fd, const char *name, const struct outfile_owner *owner, const char *path,
		  char *err, size_t errlen)
{
	int fd, ret;

	fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
		    0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return -EEXIST;
		return fail_errno(-errno, err, errlen, path, "cannot create it");
	}
	/* The umask may have been looser than 0600. */
	ret = fchmod(fd, 0600) ? -errno : give(fd, owner);
	if (ret) {
		unlinkat(dir_fd, name, 0);
		close(fd);
		return fail_errno(ret, err, errlen, path, "cannot give it to its owner");
	}
	return fd;
}

/*
 * Opens the existing file name that st describes, checks the descriptor, and
 * truncates it. -EAGAIN when the name changed since the look-up.
 */
static int open_existing(int dir_fd, const char *name, const struct stat *st,
			 const struct outfile_owner *owner, unsigned int flags, const char *path,
			 char *err, size_t errlen)
{
	struct stat now;
	int fd, ret;

	/* Non-blocking: a FIFO without a reader fails at once (ENXIO) instead of hanging. */
	fd = openat(dir_fd, name, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENOENT || ret == -ELOOP)
			return -EAGAIN;
		if (ret == -ENXIO && S_ISFIFO(st->st_mode))
			return fail(ret, err, errlen, path, "is a FIFO with no reader");
		return fail_errno(ret, err, errlen, path, "cannot open it");
	}
	if (fstat(fd, &now)) {
		ret = fail_errno(-errno, err, errlen, path, "cannot open it");
		goto out_close;
	}
	if (now.st_dev != st->st_dev || now.st_ino != st->st_ino) {
		ret = -EAGAIN;
		goto out_close;
	}
	ret = check_stat(&now, owner, flags, path, err, errlen);
	if (ret)
		goto out_close;
	if (S_ISREG(now.st_mode)) {
		if (fchmod(fd, 0600)) {
			ret = fail_errno(-errno, err, errlen, path, "cannot set its mode to 0600");
			goto out_close;
		}
		if (!(flags & OUTFILE_APPEND) && ftruncate(fd, 0)) {
			ret = fail_errno(-errno, err, errlen, path, "cannot truncate it");
			goto out_close;
		}
	}
	/* Blocking writes from now on. */
	if (fcntl(fd, F_SETFL, S_ISREG(now.st_mode) && (flags & OUTFILE_APPEND) ? O_APPEND : 0)) {
		ret = fail_errno(-errno, err, errlen, path, "cannot open it");
		goto out_close;
	}
	return fd;

out_close:
	close(fd);
	return ret;
}

int outfile_open(const char *path, const struct outfile_owner *owner, unsigned int flags, char *err,
		 size_t errlen)
{
	const char *name;
	struct stat st;
	int dir_fd, fd = -EAGAIN, i;

	if ((flags & OUTFILE_ALLOW_SPECIAL) && std_stream(path) >= 0) {
		fd = check_std_stream(std_stream(path), path, err, errlen);
		if (fd)
			return fd;
		fd = fcntl(std_stream(path), F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? fail_errno(-errno, err, errlen, path, "cannot open it") : fd;
	}
	dir_fd = open_dir(path, &name, err, errlen);
	if (dir_fd < 0)
		return dir_fd;
	for (i = 0; i < OUTFILE_RACE_RETRIES && (fd == -EAGAIN || fd == -EEXIST); i++) {
		if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			fd = check_stat(&st, owner, flags, path, err, errlen);
			if (!fd)
				fd = open_existing(dir_fd, name, &st, owner, flags, path, err,
						   errlen);
		} else if (errno == ENOENT) {
			fd = create(dir_fd, name, owner, path, err, errlen);
		} else {
			fd = fail_errno(-errno, err, errlen, path, "cannot look it up");
		}
	}
	if (fd == -EAGAIN || fd == -EEXIST)
		fd = fail(-EAGAIN, err, errlen, path, "keeps changing while it is opened");
	close(dir_fd);
	return fd;
}

int outfile_same(const char *a, const char *b)
{
	const char *name_a, *name_b;
	struct stat dir_a, dir_b, st_a, st_b;
	int fd_a, fd_b, ret;
	char err[8];

	fd_a = open_dir(a, &name_a, err, sizeof(err));
	if (fd_a < 0)
		return fd_a;
	fd_b = open_dir(b, &name_b, err, sizeof(err));
	if (fd_b < 0) {
		close(fd_a);
		return fd_b;
	}
	if (fstat(fd_a, &dir_a) || fstat(fd_b, &dir_b)) {
		ret = -errno;
		goto out;
	}
	ret = dir_a.st_dev == dir_b.st_dev && dir_a.st_ino == dir_b.st_ino &&
	      !strcmp(name_a, name_b);
	/* Two names of one file (a hard link, or the same terminal) also collide. */
	if (!ret && !fstatat(fd_a, name_a, &st_a, 0) && !fstatat(fd_b, name_b, &st_b, 0))
		ret = st_a.st_dev == st_b.st_dev && st_a.st_ino == st_b.st_ino;
out:
	close(fd_a);
	close(fd_b);
	return ret;
}

int outfile_same_fd(const char *path, int fd)
{
	struct stat st_path, st_fd;

	if (fstat(fd, &st_fd))
		return -errno;
	/* Only a regular file is overwritten: a shared terminal or pipe is no loss. */
	if (!S_ISREG(st_fd.st_mode) || stat(path, &st_path))
		return 0;
	return st_path.st_dev == st_fd.st_dev && st_path.st_ino == st_fd.st_ino;
}

static void free_tmp(struct outfile_tmp *tmp)
{
	if (tmp->fd >= 0)
		close(tmp->fd);
	if (tmp->dir_fd >= 0)
		close(tmp->dir_fd);
	free(tmp->name);
	free(tmp->tmp_name);
	free(tmp->path);
	memset(tmp, 0, sizeof(*tmp));
	tmp->fd = -1;
	tmp->dir_fd = -1;
}

int outfile_open_tmp(const char *path, const struct outfile_owner *owner, mode_t mode,
		     struct outfile_tmp *tmp, char *err, size_t errlen)
{
	const char *name;
	struct stat st;
	uint32_t rnd;
	int ret, i;

	memset(tmp, 0, sizeof(*tmp));
	tmp->fd = -1;
	tmp->dir_fd = open_dir(path, &name, err, errlen);
	if (tmp->dir_fd < 0)
		return tmp->dir_fd;
	tmp->mode = mode & 07777;
	/* rename() replaces the name, never writes through it; the owner rule still holds. */
	if (fstatat(tmp->dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		ret = check_stat(&st, owner, 0, path, err, errlen);
		if (ret == -EMLINK)
			ret = 0;
		/* check_stat() lets /dev/null through: renamed over, it would be a file. */
		if (!ret && !S_ISREG(st.st_mode))
			ret = fail(-EINVAL, err, errlen, path, "is not a regular file");
		if (ret)
			goto out_free;
	} else if (errno != ENOENT) {
		ret = fail_errno(-errno, err, errlen, path, "cannot look it up");
		goto out_free;
	}
	tmp->name = strdup(name);
	tmp->path = strdup(path);
	if (!tmp->name || !tmp->path) {
		ret = fail(-ENOMEM, err, errlen, path, "out of memory");
		goto out_free;
	}
	for (i = 0; i < 16; i++) {
		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			rnd = (uint32_t)rand();
		free(tmp->tmp_name);
		if (asprintf(&tmp->tmp_name, ".%s.%08x", name, rnd) < 0) {
			tmp->tmp_name = NULL;
			ret = fail(-ENOMEM, err, errlen, path, "out of memory");
			goto out_free;
		}
		ret = create(tmp->dir_fd, tmp->tmp_name, owner, path, err, errlen);
		if (ret != -EEXIST)
			break;
	}
	if (ret == -EEXIST)
		ret = fail(-EEXIST, err, errlen, path, "cannot create a temporary file beside it");
	if (ret < 0)
		goto out_free;
	tmp->fd = ret;
	return 0;

out_free:
	free_tmp(tmp);
	return ret;
}

FILE *outfile_tmp_stream(const struct outfile_tmp *tmp)
{
	int fd = dup(tmp->fd), saved;
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	if (!f && fd >= 0) {
		saved = errno;
		close(fd);
		errno = saved;
	}
	return f;
}

int outfile_commit(struct outfile_tmp *tmp, char *err, size_t errlen)
{
	int ret = 0;

	if (fchmod(tmp->fd, tmp->mode) || fsync(tmp->fd))
		ret = fail_errno(-errno, err, errlen, tmp->path, "cannot write it");
	else if (renameat(tmp->dir_fd, tmp->tmp_name, tmp->dir_fd, tmp->name))
		ret = fail_errno(-errno, err, errlen, tmp->path, "cannot put it in place");
	if (ret)
		unlinkat(tmp->dir_fd, tmp->tmp_name, 0);
	free_tmp(tmp);
	return ret;
}

void outfile_abort(struct outfile_tmp *tmp)
{
	if (tmp->dir_fd >= 0 && tmp->tmp_name)
		unlinkat(tmp->dir_fd, tmp->tmp_name, 0);
	free_tmp(tmp);
}

/* Reads fd to its end into a NUL-terminated buffer. */
static int read_all(int fd, char **buf, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *b = malloc(cap), *grown;
	ssize_t r;

	if (!b)
		return -ENOMEM;
	for (;;) {
		if (cap - n < 2) {
			grown = realloc(b, cap * 2);
			if (!grown) {
				free(b);
				return -ENOMEM;
			}
			b = grown;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			free(b);
			return (int)r;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int outfile_read(const char *path, const struct outfile_owner *owner, char **buf, size_t *len,
		 char *err, size_t errlen)
{
	struct stat st, now;
	const char *name;
	int dir_fd, fd, ret;

	dir_fd = open_dir(path, &name, err, errlen);
	if (dir_fd < 0)
		return dir_fd;
	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW)) {
		ret = errno == ENOENT ? -ENOENT :
					fail_errno(-errno, err, errlen, path, "cannot look it up");
		goto out_close_dir;
	}
	ret = check_stat(&st, owner, 0, path, err, errlen);
	if (ret)
		goto out_close_dir;
	/* Non-blocking: whatever was swapped in since the look-up must not hang the open. */
	fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = fail_errno(-errno, err, errlen, path, "cannot open it");
		goto out_close_dir;
	}
	if (fstat(fd, &now)) {
		ret = fail_errno(-errno, err, errlen, path, "cannot open it");
		goto out_close_fd;
	}
	if (now.st_dev != st.st_dev || now.st_ino != st.st_ino) {
		ret = fail(-EAGAIN, err, errlen, path, "changed while it was opened");
		goto out_close_fd;
	}
	ret = read_all(fd, buf, len);
	if (ret)
		fail_errno(ret, err, errlen, path, "cannot read it");
out_close_fd:
	close(fd);
out_close_dir:
	close(dir_fd);
	return ret;
}
