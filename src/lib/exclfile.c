// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Excluded files: opened, checked, and named as the kernel names them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "errmsg.h"
#include "exclfile.h"
#include "wire.h"

/* Whether the regular file behind fd (O_PATH) starts with "#!"; false when unreadable. */
static bool is_script(int fd)
{
	char proc[64], magic[2];
	ssize_t n;
	int rfd;

	/* Reopened through its descriptor: the same inode, whatever the path is now. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	rfd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (rfd < 0)
		return false;
	n = pread(rfd, magic, sizeof(magic), 0);
	close(rfd);
	return n == 2 && magic[0] == '#' && magic[1] == '!';
}

int exclfile_open(const char *path, const char **why)
{
	struct stat st;
	int fd, ret;

	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		*why = strerror(-ret);
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		*why = strerror(-ret);
		goto err_close;
	}
	ret = -EINVAL;
	if (!S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		goto err_close;
	}
	if (is_script(fd)) {
		*why = "a script: its processes run its interpreter; exclude the interpreter";
		goto err_close;
	}
	return fd;
err_close:
	close(fd);
	return ret;
}

/* Reads the identifier's records: ids[i] for fds[i], found[i] when reported. */
static int read_ids(int iter_fd, const int *fds, size_t n, struct tracer_file_id *ids, bool *found)
{
	struct tracer_fd_id_rec rec;
	size_t got = 0, i;
	ssize_t r;

	for (;;) {
		r = read(iter_fd, (char *)&rec + got, sizeof(rec) - got);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (r == 0)
			return 0;
		got += r;
		if (got < sizeof(rec))
			continue;
		got = 0;
		for (i = 0; i < n; i++) {
			if ((__u32)fds[i] == rec.fd) {
				ids[i] = rec.id;
				found[i] = true;
			}
		}
	}
}

/* The identifier, over this process's files only (the program skips others' anyway). */
static struct bpf_link *attach_identifier(struct bpf_program *iter)
{
	union bpf_iter_link_info linfo = { .task.pid = getpid() };
	LIBBPF_OPTS(bpf_iter_attach_opts, opts, .link_info = &linfo,
		    .link_info_len = sizeof(linfo));
	struct bpf_link *link;

	link = bpf_program__attach_iter(iter, &opts);
	/* Before 6.1 a task iterator cannot be limited to one process. */
	if (!link)
		link = bpf_program__attach_iter(iter, NULL);
	return link;
}

int exclfile_fill(struct bpf_program *iter, struct bpf_map *map, const int *fds,
		  const uint8_t *kinds, size_t n, char *err, size_t errlen)
{
	struct tracer_file_id *ids;
	struct bpf_link *link;
	bool *found;
	__u8 v;
	size_t i;
	int ret, iter_fd;

	ids = calloc(n, sizeof(*ids));
	found = calloc(n, sizeof(*found));
	if (!ids || !found) {
		ret = -ENOMEM;
		errmsg_set(err, errlen, "out of memory");
		goto out_free;
	}
	link = attach_identifier(iter);
	if (!link) {
		ret = -errno;
		errmsg_set(err, errlen, "cannot attach BPF program %s: %s", bpf_program__name(iter),
			   strerror(-ret));
		goto out_free;
	}
	iter_fd = bpf_iter_create(bpf_link__fd(link));
	if (iter_fd < 0) {
		ret = -errno;
		errmsg_set(err, errlen, "cannot read BPF iterator %s: %s", bpf_program__name(iter),
			   strerror(-ret));
		goto out_destroy;
	}
	ret = read_ids(iter_fd, fds, n, ids, found);
	close(iter_fd);
	if (ret) {
		errmsg_set(err, errlen, "cannot read BPF iterator %s: %s", bpf_program__name(iter),
			   strerror(-ret));
		goto out_destroy;
	}
	for (i = 0; i < n; i++) {
		if (!found[i]) {
			ret = -ENOENT;
			errmsg_set(err, errlen,
				   "the kernel did not report an excluded file's inode");
			goto out_destroy;
		}
		/* Two paths can name one file, as --exclude and as --exclude-caller. */
		if (bpf_map__lookup_elem(map, &ids[i], sizeof(ids[i]), &v, sizeof(v), 0))
			v = 0;
		v |= kinds[i];
		if (bpf_map__update_elem(map, &ids[i], sizeof(ids[i]), &v, sizeof(v), BPF_ANY)) {
			ret = -errno;
			errmsg_set(err, errlen, "cannot set up the exclusion filters: %s",
				   strerror(-ret));
			goto out_destroy;
		}
	}
	ret = 0;
out_destroy:
	bpf_link__destroy(link);
out_free:
	free(ids);
	free(found);
	return ret;
}
