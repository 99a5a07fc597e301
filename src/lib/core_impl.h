/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The core's handle, shared by the files of the core and by nothing else:
 *   core.c    open (the recipe: configure, load, fill, attach), stats, close
 *   attach.c  what is fixed before load, the maps filled after it, attach, detach
 *   ring.c    the ring buffer: waiting, decoding, delivery, loss accounting
 *   watch.c   the scope map from user space: snapshot, insert, delete
 *   seed.c    the seeding: the processes already in scope, at start-up and
 *             for tracer_watch_pid()
 */
#ifndef TRACER_CORE_IMPL_H
#define TRACER_CORE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "core.h"

struct tracer_bpf;
struct ring_buffer;
struct tracer_cpu_stats;
struct scope_task;
struct scope_member;

struct tracer_core {
	struct tracer_bpf *skel;
	const struct tracer_config *cfg; /* the handle's (config.h): it outlives the core */
	uint64_t ringbuf_bytes; /* as sized (attach.c) */
	struct tracer_core_callbacks cb;
	int ncpus;
	uint64_t proc_capacity;
	/* handle_sys_exit_execve's second attachment, to sys_exit_execveat (attach.c) */
	struct bpf_link *exit_execveat_link;
	bool detached;

	/* ring.c */
	struct ring_buffer *rb;
	int epfd; /* the ring buffer's descriptor, edge-triggered */
	uint64_t last_drain_ns; /* when a drain last found records */
	bool batching; /* the last two drains found records close together (ring.c) */
	uint64_t batching_since_ns; /* the first drain of that run of batches */
	bool fd_given; /* the library's user polls the ring buffer's fd itself */
	uint64_t last_loss_check_ns; /* when tracer_core_poll() last read the loss counters */
	uint64_t *reported_lost; /* per CPU: losses already reported */
	uint64_t delivered;
	uint64_t malformed;
	struct tracer_bytes *argv_buf;
	size_t argv_cap;
	struct tracer_bytes *env_buf; /* capture_env */
	size_t env_cap;
	char *redact_buf;
	size_t redact_cap;
	/*
	 * A record whose loss report the callback stopped at: libbpf has
	 * consumed it already, so it is kept here and delivered first next time.
	 */
	void *pending;
	size_t pending_len, pending_cap;

	/* watch.c: proc_bits, mapped: userspace sets a pid's bit before inserting it. */
	uint64_t *proc_bits;
	uint32_t proc_bits_words;

	/* attach.c: the excluded files, held open: their inodes cannot be freed and reused. */
	int *excl_fds;
	uint8_t *excl_kinds; /* TRACER_EXCL_* of each */
	size_t n_excl_fds;
	/* attach.c: the cgroup option's directory, open from before load until the map holds it. */
	int cgroup_fd;
	uint64_t cgroup_id;

	struct tracer_cpu_stats *cpu_stats; /* ncpus entries, for reading the map */
};

/* attach.c */
/* Opens the excluded files: before anything is loaded, so a missing one costs nothing. */
int attach_open_excluded(struct tracer_core *core, char *err, size_t errlen);
/* Opens the cgroup option's directory (core->cgroup_fd, -1 without it) and learns its id. */
int attach_open_cgroup(struct tracer_core *core, char *err, size_t errlen);
/* Read-only data, map sizes, which programs load: all that is fixed before load. */
void attach_configure(struct tracer_core *core);
/* The maps userspace fills after load: the scope bitmap, terminals, exclusions. */
int attach_fill_maps(struct tracer_core *core, char *err, size_t errlen);
/* Attaches every program that loaded. */
int attach_all(struct tracer_core *core, char *err, size_t errlen);

/* ring.c: the ring buffer's reader and its epoll set. -errno on failure. */
int ring_open(struct tracer_core *core);
void ring_close(struct tracer_core *core);

/* watch.c */
/* A snapshot of the live processes, from the iter/task seeder. 0 or -errno. */
int watch_snapshot(struct tracer_core *core, struct scope_task **tasks, size_t *n);
/* Inserts m into the scope: 1 inserted, 0 already there (a fork was first), -errno. */
int watch_insert(struct tracer_core *core, const struct scope_member *m);

/* An entry this core inserted: its pid and the start time it was inserted with. */
struct watch_inserted {
	uint32_t pid;
	uint64_t start_time;
};

/*
 * Drops the entries of ins[] whose process died before its insert (it is
 * not in tasks[], sorted here, with that start time): the exit program
 * could not see them, and they would be counted as watched forever.
 */
void watch_drop_dead(struct tracer_core *core, const struct watch_inserted *ins, size_t n_ins,
		     struct scope_task *tasks, size_t n_tasks);

#endif /* TRACER_CORE_IMPL_H */
