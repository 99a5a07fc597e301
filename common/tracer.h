/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Wire format shared by the BPF programs and userspace: record layouts,
 * flags and limits. Fixed-width types only, no pointers. Userspace includes
 * <linux/types.h> first; the BPF side gets the types from vmlinux.h.
 */
#ifndef TRACER_COMMON_H
#define TRACER_COMMON_H

#define TRACER_COMM_LEN 16
#define TRACER_TTY_LEN 32
#define TRACER_FILENAME_MAX 4096

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

enum tracer_rec_type {
	TRACER_REC_EXEC = 1,
	TRACER_REC_EXIT = 2,
};

/* proc_state flags */
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
	__u64 start_time; /* ns since boot */
	char comm[TRACER_COMM_LEN];
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
	__u64 events; /* records written */
};

/* The kernel's tty device number, split the way userspace compares it. */
#define TRACER_TTY_DEV(major, minor) (((__u32)(major) << 20) | ((__u32)(minor)&0xfffff))
#define TRACER_TTY_MAJOR(dev) ((dev) >> 20)
#define TRACER_TTY_MINOR(dev) ((dev)&0xfffff)

#endif /* TRACER_COMMON_H */
