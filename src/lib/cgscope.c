// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The --cgroup directory. The kernel takes a descriptor of it into the
 * cgroup array map and checks there that it is a cgroup v2 one; it is
 * checked here first, so that tracer_create() can say what is wrong before
 * anything is loaded. On a 64-bit kernel a kernfs inode number is the node's
 * whole id, which is the cgroup's id.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include "cgscope.h"

/* include/uapi/linux/magic.h */
#define CGROUP_SUPER_MAGIC 0x27e0eb
#define CGROUP2_SUPER_MAGIC 0x63677270

int cgscope_open(const char *path, uint64_t *id, const char **why)
{
	struct statfs sfs;
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		*why = strerror(errno);
		return ret;
	}
	if (fstatfs(fd, &sfs) || fstat(fd, &st)) {
		ret = -errno;
		*why = strerror(errno);
		close(fd);
		return ret;
	}
	if (sfs.f_type != CGROUP2_SUPER_MAGIC) {
		*why = sfs.f_type == CGROUP_SUPER_MAGIC ?
			       "a cgroup v1 directory: a cgroup v2 one is needed (mount -t cgroup2)" :
			       "not a cgroup v2 directory (a directory of a cgroup2 file system)";
		close(fd);
		return -EINVAL;
	}
	*id = st.st_ino;
	return fd;
}
