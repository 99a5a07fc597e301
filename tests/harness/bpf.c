// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The BPF objects a process holds, read from /proc and the bpf() syscall. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>

#include "harness.h"
#include "internal.h"

static bool fdinfo_id(pid_t pid, const char *fd, const char *key, uint32_t *id)
{
	char path[600], buf[2048];
	const char *p;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid, fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return false;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strstr(buf, key);
	if (!p)
		return false;
	*id = (uint32_t)strtoul(p + strlen(key), NULL, 10);
	return true;
}

/* What fd_dir/fd (a /proc/PID/fd entry) points to, in target. */
static bool fd_link(const char *fd_dir, const char *fd, char *target, size_t len)
{
	char lpath[600];
	ssize_t n;

	snprintf(lpath, sizeof(lpath), "%s/%s", fd_dir, fd);
	n = readlink(lpath, target, len - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return true;
}

void h_bpf_ids_of(pid_t pid, struct h_bpf_ids *ids)
{
	char path[64], target[128];
	struct dirent *d;
	DIR *dir;

	memset(ids, 0, sizeof(*ids));
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	cr_assert(dir, "opendir %s: %s", path, strerror(errno));
	while ((d = readdir(dir))) {
		uint32_t id;

		if (d->d_name[0] == '.' || !fd_link(path, d->d_name, target, sizeof(target)))
			continue;
		if (strcmp(target, "anon_inode:bpf-prog") == 0 &&
		    fdinfo_id(pid, d->d_name, "prog_id:", &id) && ids->n_progs < 64)
			ids->progs[ids->n_progs++] = id;
		else if (strcmp(target, "anon_inode:bpf_link") == 0 &&
			 fdinfo_id(pid, d->d_name, "link_id:", &id) && ids->n_links < 64)
			ids->links[ids->n_links++] = id;
		else if (strcmp(target, "anon_inode:bpf-map") == 0 &&
			 fdinfo_id(pid, d->d_name, "map_id:", &id) && ids->n_maps < 64)
			ids->maps[ids->n_maps++] = id;
	}
	closedir(dir);
}

/* Whether the object whose descriptor fd was asked for exists (it may be unreachable to us). */
static bool object_exists(int fd)
{
	if (fd >= 0) {
		close(fd);
		return true;
	}
	return errno != ENOENT;
}

bool h_bpf_prog_exists(uint32_t id)
{
	return object_exists(bpf_prog_get_fd_by_id(id));
}

bool h_bpf_link_exists(uint32_t id)
{
	return object_exists(bpf_link_get_fd_by_id(id));
}

void h_bpf_prog_name(uint32_t id, char *name, size_t len)
{
	struct bpf_prog_info info;
	uint32_t ilen = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	name[0] = '\0';
	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &ilen) == 0)
		snprintf(name, len, "%s", info.name);
	close(fd);
}

void h_bpf_expect_released(const struct h_bpf_ids *ids)
{
	uint64_t dl = deadline_in(10000);
	int i;

	for (;;) {
		int left_p = 0, left_l = 0;
		uint32_t lp = 0, ll = 0;

		for (i = 0; i < ids->n_progs; i++) {
			if (h_bpf_prog_exists(ids->progs[i])) {
				left_p++;
				lp = ids->progs[i];
			}
		}
		for (i = 0; i < ids->n_links; i++) {
			if (h_bpf_link_exists(ids->links[i])) {
				left_l++;
				ll = ids->links[i];
			}
		}
		if (!left_p && !left_l)
			return;
		cr_assert(remaining_ms(dl),
			  "%d BPF programs (e.g. id %u) and %d links (e.g. id %u) still loaded "
			  "10 s after tracer ended",
			  left_p, lp, left_l, ll);
		usleep(5000);
	}
}

/* A descriptor of tracer's map called name (info filled), or -1 when it holds none. */
static int map_fd_named(pid_t tracer_pid, const char *name, struct bpf_map_info *info)
{
	struct h_bpf_ids ids;
	int i;

	h_bpf_ids_of(tracer_pid, &ids);
	for (i = 0; i < ids.n_maps; i++) {
		uint32_t ilen = sizeof(*info);
		int fd = bpf_map_get_fd_by_id(ids.maps[i]);

		if (fd < 0)
			continue;
		memset(info, 0, sizeof(*info));
		if (!bpf_obj_get_info_by_fd(fd, info, &ilen) && !strcmp(info->name, name))
			return fd;
		close(fd);
	}
	return -1;
}

static int proc_state_fd(pid_t tracer_pid, struct bpf_map_info *info)
{
	return map_fd_named(tracer_pid, "proc_state", info);
}

/* The word of tracer's proc_bits that holds pid's bit, mapped (bpf/scope.bpf.h). */
static uint64_t *proc_bits_word(pid_t tracer_pid, uint32_t pid, void **map, size_t *len)
{
	struct bpf_map_info info;
	int fd = map_fd_named(tracer_pid, "proc_bits", &info);

	cr_assert(fd >= 0, "tracer %d holds no map named proc_bits", tracer_pid);
	cr_assert_eq(info.value_size, sizeof(uint64_t), "proc_bits value size %u", info.value_size);
	cr_assert_lt(pid / 64, info.max_entries, "pid %u beyond proc_bits", pid);
	*len = (size_t)info.max_entries * sizeof(uint64_t);
	*map = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	cr_assert(*map != MAP_FAILED, "proc_bits: mmap: %s", strerror(errno));
	return (uint64_t *)*map + pid / 64;
}

bool h_proc_bit(pid_t tracer_pid, uint32_t pid)
{
	size_t len;
	void *map;
	uint64_t w = __atomic_load_n(proc_bits_word(tracer_pid, pid, &map, &len), __ATOMIC_SEQ_CST);

	munmap(map, len);
	return w & (1ull << (pid % 64));
}

bool h_proc_state_has(pid_t tracer_pid, uint32_t pid)
{
	struct bpf_map_info info;
	int fd = proc_state_fd(tracer_pid, &info);
	uint8_t v[64];
	bool has;

	cr_assert(fd >= 0, "tracer %d holds no map named proc_state", tracer_pid);
	cr_assert_leq(info.value_size, sizeof(v), "proc_state value size %u", info.value_size);
	has = bpf_map_lookup_elem(fd, &pid, v) == 0;
	close(fd);
	return has;
}

long h_proc_state_count(pid_t tracer_pid)
{
	struct bpf_map_info info;
	int fd = proc_state_fd(tracer_pid, &info);
	uint32_t key, next;
	void *prev = NULL;
	long n = 0;

	cr_assert(fd >= 0, "tracer %d holds no map named proc_state", tracer_pid);
	cr_assert_eq(info.key_size, sizeof(key), "proc_state key size %u", info.key_size);
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		n++;
		key = next;
		prev = &key;
		cr_assert(n < 10000000, "proc_state iteration does not end");
	}
	close(fd);
	return n;
}

void h_proc_state_put_stale(pid_t tracer_pid, uint32_t pid)
{
	/* struct tracer_proc (common/wire.h): a start time no process has. */
	struct {
		uint64_t start_time;
		uint32_t flags;
		uint32_t tty_dev;
	} v = { .start_time = 1, .flags = 3 };
	struct bpf_map_info info;
	int fd = proc_state_fd(tracer_pid, &info);

	size_t len;
	void *map;

	cr_assert(fd >= 0, "tracer %d holds no map named proc_state", tracer_pid);
	cr_assert_eq(info.value_size, sizeof(v), "proc_state value size %u", info.value_size);
	/* As tracer does: the bit first, then the entry (bpf/scope.bpf.h). */
	__atomic_fetch_or(proc_bits_word(tracer_pid, pid, &map, &len), 1ull << (pid % 64),
			  __ATOMIC_SEQ_CST);
	munmap(map, len);
	cr_assert_eq(bpf_map_update_elem(fd, &pid, &v, BPF_ANY), 0, "proc_state update: %s",
		     strerror(errno));
	close(fd);
}

const char *h_proc_state_dump(pid_t tracer_pid)
{
	struct bpf_map_info info;
	int fd = proc_state_fd(tracer_pid, &info);
	const char *out = "";
	uint32_t key, next;
	void *prev = NULL;
	int n = 0;

	if (fd < 0)
		return out;
	while (bpf_map_get_next_key(fd, prev, &next) == 0 && n++ < 50) {
		char path[64], buf[256] = "";
		ssize_t r;
		int sf;

		key = next;
		prev = &key;
		snprintf(path, sizeof(path), "/proc/%u/stat", key);
		sf = open(path, O_RDONLY | O_CLOEXEC);
		if (sf >= 0) {
			r = read(sf, buf, sizeof(buf) - 1);
			buf[r > 0 ? r : 0] = '\0';
			close(sf);
			*strchrnul(buf, '\n') = '\0';
		}
		out = h_str("%s [%u: %s]", out, key, sf >= 0 ? buf : "no such process");
	}
	close(fd);
	return out;
}

size_t h_bpf_progs_named(char names[][32], size_t n_names, uint32_t *ids, size_t max)
{
	uint32_t id = 0;
	size_t n = 0, i;

	while (bpf_prog_get_next_id(id, &id) == 0) {
		char name[32];

		h_bpf_prog_name(id, name, sizeof(name));
		for (i = 0; i < n_names; i++) {
			if (name[0] && strcmp(name, names[i]) == 0 && n < max) {
				ids[n++] = id;
				break;
			}
		}
	}
	return n;
}

bool h_bpf_prog_held(uint32_t id)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;
	bool held = false;

	if (!proc)
		return true;
	while (!held && (d = readdir(proc))) {
		char path[300], target[64];
		struct dirent *f;
		DIR *fds;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", d->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while (!held && (f = readdir(fds))) {
			uint32_t pid_id;

			if (f->d_name[0] == '.' ||
			    !fd_link(path, f->d_name, target, sizeof(target)))
				continue;
			if (strncmp(target, "anon_inode:bpf", 14) != 0)
				continue;
			if (fdinfo_id((pid_t)atoi(d->d_name), f->d_name, "prog_id:", &pid_id) &&
			    pid_id == id)
				held = true;
		}
		closedir(fds);
	}
	closedir(proc);
	return held;
}
