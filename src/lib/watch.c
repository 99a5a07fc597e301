// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The scope map (proc_state) from user space. The BPF programs keep it
 * current through fork and exit; user space adds the processes that
 * already run (seed.c, tracer_watch_pid()) and removes one on request.
 *
 * An entry carries the process's start time, as the kernel compares it to
 * tell a reused pid: it comes from the kernel's own task listing (the
 * iter/task seeder), never from /proc. An insert sets the pid's bit in the
 * mapped proc_bits first (scope.bpf.h says why that order is exact), and
 * an entry inserted for a process that died meanwhile is dropped again: its
 * exit came before the entry, so no program would ever remove it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "wire.h"
#include "glob.h" /* before the skeleton: its read-only data holds patterns */
#include "tracer.skel.h"
#include "core_impl.h"
#include "scope.h"

/* Appends the task of one iterator record to *arr. */
static int snapshot_add(struct scope_task **arr, size_t *len, size_t *cap,
			const struct tracer_task_rec *rec)
{
	struct scope_task *tmp;

	if (*len == *cap) {
		tmp = realloc(*arr, (*cap ? *cap * 2 : 4096) * sizeof(**arr));
		if (!tmp)
			return -ENOMEM;
		*arr = tmp;
		*cap = *cap ? *cap * 2 : 4096;
	}
	(*arr)[*len].pid = rec->pid;
	(*arr)[*len].ppid = rec->ppid;
	(*arr)[*len].tty_dev = rec->tty_dev;
	(*arr)[*len].start_time = rec->start_time;
	(*arr)[*len].flags = rec->flags;
	(*len)++;
	return 0;
}

/*
 * Records read at once: one read() per record was 10,000 syscalls a pass
 * with 10,000 tasks; a larger batch than this raised the peak RSS.
 */
#define SNAPSHOT_BATCH 64

int watch_snapshot(struct tracer_core *core, struct scope_task **tasks, size_t *n)
{
	struct tracer_task_rec *buf;
	struct scope_task *arr = NULL;
	size_t cap = 0, len = 0, got = 0, i;
	ssize_t r;
	int fd, ret = 0;

	buf = malloc(SNAPSHOT_BATCH * sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	fd = bpf_iter_create(bpf_link__fd(core->skel->links.handle_iter_task));
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	for (;;) {
		r = read(fd, (char *)buf + got, SNAPSHOT_BATCH * sizeof(*buf) - got);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			ret = -errno;
			break;
		}
		if (r == 0)
			break;
		got += r;
		for (i = 0; !ret && (i + 1) * sizeof(*buf) <= got; i++)
			ret = snapshot_add(&arr, &len, &cap, &buf[i]);
		if (ret)
			break;
		/* A record cut by the read waits for its end. */
		memmove(buf, (char *)buf + i * sizeof(*buf), got - i * sizeof(*buf));
		got -= i * sizeof(*buf);
	}
	close(fd);
	free(buf);
	if (ret) {
		free(arr);
		return ret;
	}
	*tasks = arr;
	*n = len;
	return 0;
}

/* The counters the programs keep in .bss, changed from user space the same way. */
static void bss_add(__u64 *counter, int64_t delta)
{
	__atomic_fetch_add(counter, delta, __ATOMIC_SEQ_CST);
}

/* Before an entry for pid is inserted: see scope.bpf.h for why it is exact. */
static void proc_bit_set(struct tracer_core *core, uint32_t pid)
{
	if (pid / 64 < core->proc_bits_words)
		__atomic_fetch_or(&core->proc_bits[pid / 64], 1ull << (pid % 64), __ATOMIC_SEQ_CST);
}

int watch_insert(struct tracer_core *core, const struct scope_member *m)
{
	struct tracer_proc v = {
		.start_time = m->start_time,
		.flags = m->flags,
		.tty_dev = m->tty_dev,
	};

	proc_bit_set(core, m->pid);
	if (bpf_map__update_elem(core->skel->maps.proc_state, &m->pid, sizeof(m->pid), &v,
				 sizeof(v), BPF_NOEXIST)) {
		if (errno == EEXIST)
			return 0; /* a fork already made it watched */
		return -errno;
	}
	bss_add(&core->skel->bss->watched_now, 1);
	bss_add(&core->skel->bss->watched_total, 1);
	return 1;
}

static int cmp_task_pid(const void *a, const void *b)
{
	const struct scope_task *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

void watch_drop_dead(struct tracer_core *core, const struct watch_inserted *ins, size_t n_ins,
		     struct scope_task *tasks, size_t n_tasks)
{
	struct tracer_proc v;
	size_t i;

	qsort(tasks, n_tasks, sizeof(*tasks), cmp_task_pid);
	for (i = 0; i < n_ins; i++) {
		struct scope_task key = { .pid = ins[i].pid };
		struct scope_task *t = bsearch(&key, tasks, n_tasks, sizeof(*tasks), cmp_task_pid);

		if (t && t->start_time == ins[i].start_time)
			continue;
		if (bpf_map__lookup_elem(core->skel->maps.proc_state, &ins[i].pid,
					 sizeof(ins[i].pid), &v, sizeof(v), 0))
			continue;
		if (v.start_time != ins[i].start_time)
			continue;
		if (bpf_map__delete_elem(core->skel->maps.proc_state, &ins[i].pid,
					 sizeof(ins[i].pid), 0) == 0)
			bss_add(&core->skel->bss->watched_now, -1);
	}
}

int tracer_core_unwatch(struct tracer_core *core, uint32_t pid)
{
	if (bpf_map__delete_elem(core->skel->maps.proc_state, &pid, sizeof(pid), 0))
		return errno == ENOENT ? -ENOENT : -errno;
	bss_add(&core->skel->bss->watched_now, -1);
	return 0;
}
