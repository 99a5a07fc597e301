/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Wire format shared by the BPF programs and userspace: record layouts,
 * flags and limits. Fixed-width types only, no pointers. The BPF side gets
 * the types from vmlinux.h (included before this header); userspace from
 * <linux/types.h>. The assertions at the end pin every layout, so that a
 * change to one side that the other does not follow fails the build.
 */
#ifndef TRACER_COMMON_H
#define TRACER_COMMON_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define TRACER_COMM_LEN 16
#define TRACER_TTY_LEN 32
#define TRACER_FILENAME_MAX 4096
/* Key of the excluded-path map: a filename shorter than this, zero-padded. */
#define TRACER_EXCL_PATH_LEN 256

/* Argument capture limits: defaults, and the hard ceilings of the BPF buffers. */
#define TRACER_ARGS_DEFAULT 64
#define TRACER_ARGS_HARD_MAX 4096
#define TRACER_ARGBYTES_DEFAULT 32768
#define TRACER_ARGBYTES_HARD_MAX 49152
/* The failed-exec path copies strings in pieces of this size. */
#define TRACER_ARG_CHUNK 4096

/* x86_64 syscall numbers, as reported in syscall_id. */
#define TRACER_NR_EXECVE 59
#define TRACER_NR_EXECVEAT 322
/* The same calls through the 32-bit (int $0x80) entry, reported as the above. */
#define TRACER_NR_IA32_EXECVE 11
#define TRACER_NR_IA32_EXECVEAT 358

enum tracer_rec_type {
	TRACER_REC_EXEC = 1,
	TRACER_REC_EXIT = 2,
	TRACER_REC_FORK = 3,
	TRACER_REC_SIGNAL = 4,
};

/* proc_state flags; every entry has TRACER_WATCH_SELF (it is in scope). */
#define TRACER_WATCH_SELF (1u << 0)
#define TRACER_WATCH_CHILDREN (1u << 1)

/* exec record flags */
/* args[] holds the raw argument area of the new image (NUL-separated). */
#define TRACER_EXEC_ARGS_FROM_MM (1u << 0)
/* argv[0] was replaced by an interpreter (#! or binfmt_misc); arg0 sent first. */
#define TRACER_EXEC_HAS_ARG0 (1u << 1)
/* Some argument could not be read from the caller's memory. */
#define TRACER_EXEC_ARGS_FAULT (1u << 2)
/* The filename could not be read. */
#define TRACER_EXEC_FILENAME_FAULT (1u << 3)
/* The filename was longer than TRACER_FILENAME_MAX - 1 and was cut. */
#define TRACER_EXEC_FILENAME_CUT (1u << 4)
/* Exec seen without its syscall entry (compat syscall, stage allocation failure). */
#define TRACER_EXEC_NO_ENTRY (1u << 5)
/* The caller passed more than was read (argument count or byte limit reached). */
#define TRACER_EXEC_ARGS_CUT (1u << 6)

/*
 * Header common to every record. cpu_lost is the cumulative number of ring
 * buffer reservations that failed on this CPU when the record was written:
 * userspace reports the growth as "lost N events" just before the record.
 */
struct tracer_rec_hdr {
	__u32 type;
	__u32 cpu;
	__u64 ts; /* CLOCK_MONOTONIC ns, taken in the kernel */
	__u64 cpu_lost;
};

/*
 * An exec (successful or not). Followed in the record by data[]:
 *   filename (filename_len bytes, no NUL),
 *   then arg0 (arg0_len bytes, no NUL) when TRACER_EXEC_HAS_ARG0,
 *   then args_size bytes of NUL-terminated strings (the last one may be cut).
 * args_total is the size the caller's strings really have (for the
 * TRACER_EXEC_ARGS_FROM_MM case: arg_end - arg_start), so that
 * args_size < args_total means the bytes were cut. argc is the number of
 * strings the caller passed when known (0 when not), skip is how many leading
 * strings of args[] the kernel inserted (interpreter) and are not the caller's.
 */
struct tracer_exec_rec {
	struct tracer_rec_hdr hdr;
	__u32 pid; /* tgid */
	__u32 tid; /* the thread that called exec */
	__u32 ppid; /* real parent's tgid */
	__u32 uid;
	__u32 gid;
	__s32 ret; /* 0 or -errno */
	__u32 syscall_nr;
	__u32 flags;
	__u32 argc;
	__u32 skip;
	__u32 filename_len;
	__u32 arg0_len;
	__u32 args_size;
	__u32 args_total;
	__u32 tty_dev; /* TRACER_TTY_DEV(major, minor); 0 when no controlling tty */
	__u32 pad;
	char comm[TRACER_COMM_LEN]; /* of the caller, before the exec */
	char tty[TRACER_TTY_LEN]; /* kernel tty name ("pts9"), empty when none */
	char data[];
};

/* A whole watched process has ended (its last thread exited). */
struct tracer_exit_rec {
	struct tracer_rec_hdr hdr;
	__u32 pid;
	__u32 ppid;
	__s32 exit_code; /* as wait(2) status */
	__u32 pad;
	__u64 start_time; /* task->start_time: CLOCK_MONOTONIC ns, like hdr.ts */
	char comm[TRACER_COMM_LEN];
};

/* A watched process created a process (not a thread). */
struct tracer_fork_rec {
	struct tracer_rec_hdr hdr;
	__u32 pid; /* the child's tgid */
	__u32 ppid; /* the forking process's tgid */
	__u32 parent_tid; /* the thread that forked */
	__u32 pad;
	__u64 start_time; /* the child's task->start_time (CLOCK_MONOTONIC ns) */
	char comm[TRACER_COMM_LEN]; /* the parent's, which the child inherits */
};

/* The kernel's verdict on a generated signal (enum trace_signal_result). */
enum tracer_signal_result {
	TRACER_SIG_DELIVERED = 0,
	TRACER_SIG_IGNORED = 1,
	TRACER_SIG_ALREADY_PENDING = 2,
	TRACER_SIG_OVERFLOW_FAIL = 3,
	TRACER_SIG_LOSE_INFO = 4,
};

/* signal record flags */
/* Sent to the whole process (kill), not to one thread (tgkill). */
#define TRACER_SIG_GROUP (1u << 0)
/* Generated by the kernel (fault, child exit, pipe, timer, terminal), not by kill(2) & co. */
#define TRACER_SIG_KERNEL (1u << 1)
/* The target thread has the signal blocked. */
#define TRACER_SIG_BLOCKED (1u << 2)
/* The target's process is watched. */
#define TRACER_SIG_TARGET_WATCHED (1u << 3)
/* The sender's process is watched (only looked at for signals from kill(2) & co.). */
#define TRACER_SIG_SENDER_WATCHED (1u << 4)

/*
 * A signal generated for a watched target, or sent by a watched process.
 * The sender is the task that was running when the kernel generated it (for
 * kernel-generated signals: the faulting task, the exiting child, the pipe
 * writer, or whatever the interrupt landed on).
 */
struct tracer_signal_rec {
	struct tracer_rec_hdr hdr;
	__s32 sig;
	__s32 code; /* si_code as the target will see it */
	__u32 result; /* enum tracer_signal_result */
	__u32 flags; /* TRACER_SIG_* */
	__u32 sender_pid;
	__u32 sender_tid;
	__u32 target_pid;
	__u32 target_tid;
	char sender_comm[TRACER_COMM_LEN];
	char target_comm[TRACER_COMM_LEN];
};

/* Value of the proc_state map, keyed by tgid. */
struct tracer_proc {
	__u64 start_time; /* group leader's task->start_time: tells a reused pid */
	__u32 flags; /* TRACER_WATCH_* */
	__u32 tty_dev;
};

/* One record of the iter/task seeder: a live process (thread-group leader). */
struct tracer_task_rec {
	__u32 pid;
	__u32 ppid; /* real parent's tgid */
	__u32 tty_dev;
	__u32 pad;
	__u64 start_time;
	char comm[TRACER_COMM_LEN];
};

/* Per-CPU counters. */
struct tracer_cpu_stats {
	__u64 lost; /* ring buffer reservations that failed */
	__u64 insert_fail; /* proc_state inserts that failed (map full) */
	__u64 stage_fail; /* exec stages that could not be allocated */
	__u64 excluded; /* execs dropped by the exclusion filters */
};

/* The kernel's tty device number, split the way userspace compares it. */
#define TRACER_TTY_DEV(major, minor) (((__u32)(major) << 20) | ((__u32)(minor)&0xfffff))
#define TRACER_TTY_MAJOR(dev) ((dev) >> 20)
#define TRACER_TTY_MINOR(dev) ((dev)&0xfffff)

/*
 * The layouts both sides rely on: sizes, and the offsets of the fields that
 * follow a change of width (a field added, widened or reordered moves them).
 */
#define TRACER_ASSERT_LAYOUT(type, size) \
	_Static_assert(sizeof(type) == (size), "layout of " #type " changed")
#define TRACER_ASSERT_OFFSET(type, field, off) \
	_Static_assert(__builtin_offsetof(type, field) == (off), "offset of " #type "." #field)

TRACER_ASSERT_LAYOUT(struct tracer_rec_hdr, 24);
TRACER_ASSERT_OFFSET(struct tracer_rec_hdr, ts, 8);
TRACER_ASSERT_OFFSET(struct tracer_rec_hdr, cpu_lost, 16);

TRACER_ASSERT_LAYOUT(struct tracer_exec_rec, 136);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, pid, 24);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, ret, 44);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, filename_len, 64);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, tty_dev, 80);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, comm, 88);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, tty, 104);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, data, 136);

TRACER_ASSERT_LAYOUT(struct tracer_exit_rec, 64);
TRACER_ASSERT_OFFSET(struct tracer_exit_rec, exit_code, 32);
TRACER_ASSERT_OFFSET(struct tracer_exit_rec, start_time, 40);
TRACER_ASSERT_OFFSET(struct tracer_exit_rec, comm, 48);

TRACER_ASSERT_LAYOUT(struct tracer_fork_rec, 64);
TRACER_ASSERT_OFFSET(struct tracer_fork_rec, parent_tid, 32);
TRACER_ASSERT_OFFSET(struct tracer_fork_rec, start_time, 40);
TRACER_ASSERT_OFFSET(struct tracer_fork_rec, comm, 48);

TRACER_ASSERT_LAYOUT(struct tracer_signal_rec, 88);
TRACER_ASSERT_OFFSET(struct tracer_signal_rec, flags, 36);
TRACER_ASSERT_OFFSET(struct tracer_signal_rec, target_tid, 52);
TRACER_ASSERT_OFFSET(struct tracer_signal_rec, sender_comm, 56);
TRACER_ASSERT_OFFSET(struct tracer_signal_rec, target_comm, 72);

TRACER_ASSERT_LAYOUT(struct tracer_proc, 16);
TRACER_ASSERT_OFFSET(struct tracer_proc, flags, 8);
TRACER_ASSERT_OFFSET(struct tracer_proc, tty_dev, 12);

TRACER_ASSERT_LAYOUT(struct tracer_task_rec, 40);
TRACER_ASSERT_OFFSET(struct tracer_task_rec, start_time, 16);
TRACER_ASSERT_OFFSET(struct tracer_task_rec, comm, 24);

/* Read per CPU by userspace as an array of these. */
TRACER_ASSERT_LAYOUT(struct tracer_cpu_stats, 32);
TRACER_ASSERT_OFFSET(struct tracer_cpu_stats, excluded, 24);

#undef TRACER_ASSERT_OFFSET
#undef TRACER_ASSERT_LAYOUT

#endif /* TRACER_COMMON_H */
