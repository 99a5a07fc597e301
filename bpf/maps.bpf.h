/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The state every program shares: the configuration userspace fixes before
 * load, the maps, and the helpers that count and send records.
 *
 * Configuration is const volatile read-only data: the verifier sees the
 * values userspace set and drops the branches they disable (send_fork false:
 * no fork record code at all).
 */
#ifndef TRACER_MAPS_BPF_H
#define TRACER_MAPS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "wire.h"

/* The caller's argv[0] is saved up to this size (interpreted execs only). */
#define ARG0_MAX 4096

/* Set by userspace before load. */
const volatile bool tty_scope = false;
/* Every process is in scope: no lookup, proc_state stays empty. */
const volatile bool system_wide = false;
const volatile bool watch_children = true;
/* Always set (the defaults are the public header's); max_args 0: no count limit. */
const volatile __u32 max_args = 0;
const volatile __u32 max_arg_bytes = 0;
/* Which records to send. */
const volatile bool send_exec = true;
/* sched_process_exec reports the exec (no sched_prepare_exec: before 6.10). */
const volatile bool image_reports = true;
/*
 * Before 6.10: the syscall entry stages each exec in task storage. From
 * 6.10 (false): no entry program; sched_prepare_exec and a failed exec's
 * syscall exit stage it from the caller's registers (exec.bpf.h).
 */
const volatile bool entry_stages = true;
const volatile bool send_fork = false;
const volatile bool send_exit = true;
const volatile bool send_signal = false;
/* Exec records carry the environment (capture_env). */
const volatile bool capture_env = false;

/* Processes watched now, and ever. Userspace reads them through the mmapped bss. */
__u64 watched_now;
/* 1 while the reader drains on its own timer: records need not wake it (rec_commit). */
__u32 reader_batching;
__u64 watched_total;
/*
 * TRACER_SEEDING_* while a seeding runs (src/lib/seed.c): the iterator puts
 * what it finds in scope into proc_state itself (seed.bpf.h). 0 otherwise.
 */
__u32 seeding;
/*
 * Set by a fork during the seeding whose child has a lower pid than its
 * unwatched parent (pids wrapped): the iterator may have passed the child
 * before the parent was watched, and the seeding looks once more.
 */
__u32 seed_wrapped;

/* The scope: every watched process, keyed by tgid (scope.bpf.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 32768); /* resized by userspace from pid_max */
	__type(key, __u32);
	__type(value, struct tracer_proc);
} proc_state SEC(".maps");

/*
 * The scope's first test (scope.bpf.h): bit tgid % 64 of word tgid / 64 is
 * set while tgid may have an entry in proc_state. Userspace sets bits too,
 * through its mapping of the array: an update of a whole word could undo a
 * program's change to another bit of it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 512); /* resized by userspace from pid_max */
	__type(key, __u32);
	__type(value, __u64);
} proc_bits SEC(".maps");

/* The roots (tracer_options.pids) by tgid, for the seeding's iterator (seed.bpf.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* resized by userspace to the number of roots */
	__type(key, __u32);
	__type(value, __u8);
} seed_roots SEC(".maps");

/* Watched terminals (TRACER_TTY_DEV), for --tty. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u8);
} tty_set SEC(".maps");

/* Every record of common/wire.h but the seeder's. */
#define RING_BYTES (16 << 20)
/* Past this much waiting, a record wakes even a batching reader (rec_commit). */
#define RING_WAKE_BYTES (RING_BYTES / 4)
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RING_BYTES);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tracer_cpu_stats);
} stats SEC(".maps");

/* What the syscall entry learns, kept until the exec is reported (exec.bpf.h). */
struct exec_stage {
	__u64 filename; /* user pointers of the caller */
	__u64 argv;
	__u64 envp;
	__u32 tid;
	__u32 syscall_nr;
	__u32 uid;
	__u32 gid;
	__u32 tty_dev;
	__u32 orig_argc; /* caller's argc, when an interpreter replaced argv[0] */
	__u32 arg0_len;
	__u32 arg0_state; /* 0 none, 1 saved, 2 unreadable */
	/*
	 * Never set since the exec is staged from registers from 6.10; kept
	 * with its checks because the 6.1 verifier's work on the fallback's
	 * programs changes chaotically with this struct's layout and their
	 * branches (without them handle_exec_failed goes past its limit).
	 */
	__u32 reported;
	__u32 caller_excluded; /* the caller runs a file of --exclude-caller (exclude.bpf.h) */
	__u32 compat; /* a 32-bit exec: argv and envp are arrays of 4-byte pointers */
	char comm[TRACER_COMM_LEN];
	char tty[TRACER_TTY_LEN];
};

/*
 * Task storage belongs to the task_struct, which goes on through an exec from
 * a non-leader thread (de_thread() gives it the leader's pid), and is freed
 * with the task: no entry outlives its exec, whatever path the exec takes.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct exec_stage);
} stages SEC(".maps");

/*
 * On a process's leader: its exit has been reported. With --all, on kernels
 * whose sched_process_exit lacks group_dead, several threads can each take
 * themselves for the last one; the first to swap 0 for 1 reports.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} exit_claims SEC(".maps");

/* The caller's argv[0], saved only for interpreted execs (#!, binfmt_misc). */
struct arg0_stash {
	char buf[ARG0_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct arg0_stash);
} arg0s SEC(".maps");

/* The record's data[] is assembled in the separate buffers that follow it. */
#pragma clang diagnostic ignored "-Wgnu-variable-sized-type-not-at-end"

/*
 * Paths are prepended into slots of PATH_SLOT bytes and end at PATH_END;
 * a slot is twice that so that any (start, length) the verifier can bound
 * stays inside it.
 */
#define PATH_END 4096
#define PATH_SLOT (2 * PATH_END)

/* argv up to this size is read once (strings.bpf.h). */
#define STAGE_MAX 8192

enum path_slot {
	SLOT_CWD,
	SLOT_EXE,
	SLOT_INTERP,
	SLOT_FD0,
	SLOT_FD1,
	SLOT_FD2,
	SLOT_CGROUP,
	NSLOTS
};

/*
 * State of the bpf_loop() callbacks (strings.bpf.h, path.bpf.h). It lives in
 * the map, not on the stack: the verifier does not track a map value's
 * contents, so a callback's changing offsets do not make every iteration a
 * new state to verify.
 */
struct loop_state {
	__u64 vec; /* user pointer array */
	__u64 p; /* string being read */
	__u64 off; /* next byte of the record (copies); length (measures) */
	__u64 end;
	__u64 total;
	__u64 keep;
	__u64 limit;
	__u64 staged; /* bytes of whole strings in the stage */
	__u32 max_count;
	__u32 count;
	__u32 flags;
	__u32 str_done;
	__u32 stage_ok; /* every string measured so far is in the stage */
	__u32 ptr_size; /* of vec's entries: 8, or 4 for a 32-bit caller */
};

struct walk_state {
	__u64 dentry;
	__u64 mnt; /* struct mount * */
	__u64 root_dentry;
	__u64 root_mnt; /* struct vfsmount * */
	__u64 mnt_root; /* the root dentry of mnt */
	__u32 slot;
	__u32 pos;
	__u32 flags;
	__u32 done;
};

/* The walk up a cgroup's kernfs nodes (ident.bpf.h), as walk_state. */
struct cgroup_walk {
	__u64 kn; /* struct kernfs_node * */
	__u32 pos;
	__u32 flags;
	__u32 done;
	__u32 pad;
};

/* A cgroup's name: at most NAME_MAX bytes, as mkdir(2) made it. */
#define CGROUP_NAME_MAX 255

/*
 * Per-CPU scratch where a record is assembled. Too big for a per-CPU array
 * (32 KiB limit), so a plain array indexed by CPU, sized by userspace. The
 * argument and environment strings do not pass through it whole: they go to
 * the record chunk by chunk (strings.bpf.h).
 */
struct scratch {
	struct tracer_exec_rec rec;
	char filename[TRACER_FILENAME_MAX];
	char arg0[ARG0_MAX];
	char chunk[TRACER_ARG_CHUNK];
	/* A short argv, read once: the measuring pass leaves it here. */
	char stage[STAGE_MAX + TRACER_ARG_CHUNK];
	__u32 path_pos[NSLOTS]; /* where each slot's path starts */
	__u32 slot_of[NSLOTS]; /* the slot holding it (fds 1 and 2 can share fd 0's) */
	__u32 exe_slot_len; /* the exe slot's own length (exe_rel: without cwd and '/') */
	__u32 exe_rel; /* exe is cwd + '/' + the exe slot (a script run by a relative name) */
	struct loop_state ls;
	struct walk_state ws;
	struct cgroup_walk cw;
	char cgname[CGROUP_NAME_MAX + 1];
	char slots[NSLOTS][PATH_SLOT];
	struct exec_stage st; /* without entry_stages: the stage, from the caller's registers */
	__u32 base_scan; /* the comm filter's search for the filename's basename (filter.bpf.h) */
	__u64 stdio_files[3]; /* fds 0-2's struct file, NULL when closed (exec.bpf.h) */
	__u64 stdio_cloexec; /* their close-on-exec bits, when they count */
	__u32 args_staged; /* the exec's argv is in stage, read by the measuring pass */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* resized to the number of CPUs */
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

static __always_inline struct tracer_cpu_stats *cpu_stats(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&stats, &zero);
}

/* Adds one to this CPU's counter field of struct tracer_cpu_stats. */
#define stat_inc(field)                                        \
	({                                                     \
		struct tracer_cpu_stats *__cs = cpu_stats();   \
                                                               \
		if (__cs)                                      \
			__sync_fetch_and_add(&__cs->field, 1); \
	})

static __always_inline struct scratch *get_scratch(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&scratch_map, &cpu);
}

/*
 * Wakes the reader without a record (reserved, then discarded): the last
 * watched process is gone, which no record may say.
 */
static __always_inline void wake_reader(void)
{
	void *r = bpf_ringbuf_reserve(&events, 8, 0);

	if (r)
		bpf_ringbuf_discard(r, BPF_RB_FORCE_WAKEUP);
}

/*
 * How a record is committed. The ring buffer's own rule wakes the reader at
 * the first record after it has drained everything; in a virtual machine
 * that wake-up (an irq_work, a self-IPI) costs tens of microseconds, about
 * a third of an exec's whole report. While the reader drains on its own
 * timer (reader_batching, 1, set by src/lib/ring.c after a drain that found
 * records) no wake-up is asked for: the flag is BPF_RB_NO_WAKEUP itself, so
 * the commit has no branch for the verifier to follow on every path (6.1
 * counts each). Before it blocks the reader clears the flag, drains, and
 * looks once more 20 ms later: a record whose program read the flag just
 * before it was cleared is committed by then.
 */
static __always_inline void rec_commit(void *rec, struct bpf_dynptr *d)
{
	/*
	 * 1 when more than a quarter of the ring waits: a batching reader is
	 * then woken at once (BPF_RB_NO_WAKEUP << 1 is BPF_RB_FORCE_WAKEUP), not
	 * left to its timer while the ring fills. Shifts, not a branch.
	 */
	__u64 over = (RING_WAKE_BYTES - bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA)) >> 63;
	__u64 flags = (reader_batching & BPF_RB_NO_WAKEUP) << over;

	if (d)
		bpf_ringbuf_submit_dynptr(d, flags);
	else
		bpf_ringbuf_submit(rec, flags);
}

/*
 * Stamps a record: its type, this CPU, the time, and how many reservations
 * have failed on this CPU so far (userspace reports the growth as lost).
 */
static __always_inline void fill_hdr(struct tracer_rec_hdr *hdr, __u32 type)
{
	struct tracer_cpu_stats *cs = cpu_stats();

	hdr->type = type;
	hdr->cpu = bpf_get_smp_processor_id();
	hdr->ts = bpf_ktime_get_ns();
	hdr->cpu_lost = cs ? cs->lost : 0;
}

/*
 * A fixed-size record of the given type, stamped, or NULL (counted as lost)
 * when the ring buffer is full. Sent with rec_submit().
 */
static __always_inline void *rec_reserve(__u64 size, __u32 type)
{
	struct tracer_rec_hdr *hdr = bpf_ringbuf_reserve(&events, size, 0);

	if (!hdr) {
		stat_inc(lost);
		return NULL;
	}
	fill_hdr(hdr, type);
	return hdr;
}

static __always_inline void rec_submit(void *rec)
{
	rec_commit(rec, NULL);
}

/* Controlling terminal of t as TRACER_TTY_DEV, 0 when none; its name into name. */
static __always_inline __u32 task_tty(struct task_struct *t, char *name)
{
	struct tty_struct *tty = BPF_CORE_READ(t, signal, tty);
	int major, minor;

	if (!tty)
		return 0;
	major = BPF_CORE_READ(tty, driver, major);
	minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
	if (name)
		bpf_probe_read_kernel_str(name, TRACER_TTY_LEN, &tty->name);
	return TRACER_TTY_DEV(major, minor);
}

/* Tells a process from an earlier one with the same pid. */
static __always_inline __u64 leader_start_time(struct task_struct *t)
{
	return BPF_CORE_READ(t, group_leader, start_time);
}

#endif /* TRACER_MAPS_BPF_H */
