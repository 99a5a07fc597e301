/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Wire format shared by the BPF programs and userspace: record layouts,
 * flags and limits. Fixed-width types only, no pointers. The BPF side gets
 * the types from vmlinux.h (included before this header); userspace from
 * <linux/types.h>. The assertions at the end pin every layout, so that a
 * change to one side that the other does not follow fails the build.
 */
#ifndef TRACER_WIRE_H
#define TRACER_WIRE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define TRACER_COMM_LEN 16
#define TRACER_TTY_LEN 32
#define TRACER_FILENAME_MAX 4096
/* What an excluded file is excluded as (the bits of the excl_file map's value). */
#define TRACER_EXCL_EXEC 1u /* --exclude: execs that run it */
#define TRACER_EXCL_CALLER 2u /* --exclude-caller: execs made by a process running it */

/*
 * Argument capture bounds (max_args, max_arg_bytes in read-only data: the
 * public header's TRACER_MAX_ARGS_LIMIT and TRACER_MAX_ARG_BYTES_LIMIT,
 * pinned by src/lib/attach.c; the defaults are the public header's alone).
 * The byte limit applies to argv and, separately, to the environment. The
 * strings are copied into the record in pieces of TRACER_ARG_CHUNK bytes, so
 * the limit does not size any kernel buffer.
 */
#define TRACER_ARGS_HARD_MAX (1u << 20)
#define TRACER_ARGBYTES_HARD_MAX (2u << 20)
#define TRACER_ARG_CHUNK 4096
/*
 * Paths built in the kernel (cwd, exe, interpreter, stdio): at most this many
 * bytes, without NUL, and this many steps up (a component or a mount point).
 * A component takes at least 2 bytes ('/' and a name), so the byte limit is
 * reached first: a path is cut for its length only, unless it crosses more
 * than 2048 mount points (mounts stacked on one another).
 */
#define TRACER_PATH_MAX 4095
#define TRACER_PATH_DEPTH 4096

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
	TRACER_REC_STOP = 5,
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
/* env[] follows args[] (capture_env). */
#define TRACER_EXEC_ENV (1u << 7)
/* Some of the environment could not be read. */
#define TRACER_EXEC_ENV_FAULT (1u << 8)
/* The environment was longer than the byte limit and was cut. */
#define TRACER_EXEC_ENV_CUT (1u << 9)
/* args_total and argc are the caller's true argv size and count. */
#define TRACER_EXEC_TOTALS (1u << 10)

/* tracer_path_rec.flags: the public header's TRACER_PATH_* values. */
#define TRACER_PATHF_CUT (1u << 0)
#define TRACER_PATHF_DELETED (1u << 1)
#define TRACER_PATHF_DETACHED (1u << 2)
/* The path could not be read (a fault mid-walk). */
#define TRACER_PATHF_FAULT (1u << 3)

/* tracer_fd_rec.kind: the public header's enum tracer_fd_kind values. */
#define TRACER_FDK_UNKNOWN 0
#define TRACER_FDK_CLOSED 1
#define TRACER_FDK_PATH 2
#define TRACER_FDK_PIPE 3
#define TRACER_FDK_SOCKET 4
#define TRACER_FDK_ANON 5

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

/* A path built in the kernel; len 0 means none. */
struct tracer_path_rec {
	__u32 len;
	__u32 flags; /* TRACER_PATHF_* */
};

/* What a file descriptor referred to; path bytes follow in data[] (len). */
struct tracer_fd_rec {
	__u32 kind; /* TRACER_FDK_* */
	__u32 flags; /* TRACER_PATHF_* */
	__u32 len;
	__u32 pad;
	__u64 ino;
};

/*
 * An exec (successful or not). Followed in the record by data[]:
 *   filename (filename_len bytes, no NUL),
 *   then arg0 (arg0_len bytes, no NUL) when TRACER_EXEC_HAS_ARG0,
 *   then args_size bytes of NUL-terminated strings (the last one may be cut),
 *   then env_size bytes of NUL-terminated strings when TRACER_EXEC_ENV,
 *   then the paths: cwd, exe, interp, stdio[0..2], cgroup (their len bytes
 *   each, no NUL).
 * args_total is the size the caller's strings really have (for the
 * TRACER_EXEC_ARGS_FROM_MM case: arg_end - arg_start), so that
 * args_size < args_total means the bytes were cut. argc is the number of
 * strings the caller passed when known (0 when not), skip is how many leading
 * strings of args[] the kernel inserted (interpreter) and are not the caller's.
 * env_total and envc are the environment's true size and count.
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
	__u32 euid; /* effective ids after the exec */
	__u32 egid;
	__u32 env_size;
	__u32 env_total;
	__u32 envc;
	__u32 pad2;
	struct tracer_path_rec cwd;
	struct tracer_path_rec exe;
	struct tracer_path_rec interp;
	struct tracer_fd_rec stdio[3];
	/* Which file ran, and where (bpf/ident.bpf.h). */
	__u64 exe_ino; /* the file exe names; 0 when unknown (a failed exec) */
	__u32 exe_dev; /* its super block's s_dev, the kernel's encoding (major << 20 | minor) */
	__u32 ns_pid; /* the process's pid in its own pid namespace */
	__u32 mntns; /* inode numbers of its mount and pid namespaces */
	__u32 pidns;
	__u64 cgroup_id; /* its cgroup v2 (kernfs node id, as bpf_get_current_cgroup_id()) */
	struct tracer_path_rec cgroup; /* that cgroup's path from the v2 root, after stdio */
	char data[];
};

/* exit record flags */
/* The usage fields were read (bpf/usage.bpf.h). */
#define TRACER_EXIT_HAS_USAGE (1u << 0)

/*
 * A whole watched process has ended (its last thread exited), with what the
 * thread group used, its threads that ended earlier included (TRACER_EXIT_HAS_USAGE).
 */
struct tracer_exit_rec {
	struct tracer_rec_hdr hdr;
	__u32 pid;
	__u32 ppid;
	__s32 exit_code; /* as wait(2) status */
	__u32 flags; /* TRACER_EXIT_* */
	__u64 start_time; /* task->start_time: CLOCK_MONOTONIC ns, like hdr.ts */
	char comm[TRACER_COMM_LEN];
	/*
	 * CPU time: utime and stime as the ticks sampled them (ns), runtime as
	 * the scheduler measured it (ns, exact); userspace splits runtime in
	 * the ticks' proportion, as getrusage(2) does.
	 */
	__u64 utime;
	__u64 stime;
	__u64 runtime;
	__u64 maxrss_kib; /* peak resident set */
	__u64 rchar; /* bytes through read(2) and the like, as /proc/PID/io */
	__u64 wchar;
	__u64 nvcsw; /* voluntary context switches */
	__u64 nivcsw; /* involuntary ones */
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

/*
 * --stop-at: a watched process whose exec matched a pattern, stopped by the
 * BPF program before its first instruction (bpf/stop.bpf.h). A fixed-size
 * record: the paths and arguments sit at fixed places in data[], each with
 * its length (no NUL): the executed file's resolved path at
 * TRACER_STOP_EXE_OFF, the filename the kernel was given (bprm->filename: a
 * #! script's own path) at TRACER_STOP_FILENAME_OFF, and up to
 * TRACER_STOP_ARGS_MAX bytes of the new image's NUL-separated arguments at
 * TRACER_STOP_ARGS_OFF.
 */
#define TRACER_STOP_EXE_OFF 0
#define TRACER_STOP_FILENAME_OFF 4096
#define TRACER_STOP_ARGS_OFF 8192
#define TRACER_STOP_ARGS_MAX 4096
#define TRACER_STOP_DATA (TRACER_STOP_ARGS_OFF + TRACER_STOP_ARGS_MAX)
/*
 * tracer_stop_rec.pattern: the pattern's index in its set, and the set's
 * generation (struct tracer_stop_set, glob.h: patterns that change while
 * running; 0 for the read-only ones), which tells the set after a change.
 */
#define TRACER_STOP_INDEX(pattern) ((pattern)&0xffu)
#define TRACER_STOP_GENERATION(pattern) ((pattern) >> 8)
#define TRACER_STOP_PATTERN(index, generation) (((unsigned int)(generation) << 8) | ((index)&0xffu))
#define TRACER_STOP_GENERATION_MASK 0xffffffu

struct tracer_stop_rec {
	struct tracer_rec_hdr hdr;
	__u32 pid; /* tgid (the exec made the caller its leader) */
	__u32 tid;
	__u32 ppid; /* real parent's tgid */
	__u32 uid; /* real and effective ids after the exec */
	__u32 euid;
	__s32 err; /* 0: SIGSTOP sent; else bpf_send_signal()'s error, not stopped */
	__u32 pattern; /* the first pattern that matched: TRACER_STOP_INDEX, TRACER_STOP_GENERATION */
	__u32 exe_len;
	__u32 exe_flags; /* TRACER_PATHF_* */
	__u32 filename_len;
	__u32 args_size;
	__u32 args_total; /* the new image's whole argument area */
	__u64 start_time; /* group leader's task->start_time (CLOCK_MONOTONIC ns) */
	__u64 start_boottime; /* the same in CLOCK_BOOTTIME, as /proc/PID/stat counts it */
	char comm[TRACER_COMM_LEN]; /* the new program's */
	char data[TRACER_STOP_DATA];
};

/* Value of the proc_state map, keyed by tgid. */
struct tracer_proc {
	__u64 start_time; /* group leader's task->start_time: tells a reused pid */
	__u32 flags; /* TRACER_WATCH_* */
	__u32 tty_dev;
};

/*
 * tracer_task_rec flags (bpf/seed.bpf.h): the seeding's iterator has it
 * watched; it found it in scope but could not insert it (proc_state full).
 */
#define TRACER_TASK_WATCHED (1u << 0)
#define TRACER_TASK_UNINSERTED (1u << 1)

/*
 * What the iterator watches while it lists (the seeding variable): at start-up
 * the roots, the processes on the watched terminals and their descendants;
 * for tracer_watch_pid() its root and the root's descendants.
 */
#define TRACER_SEEDING_START 1
#define TRACER_SEEDING_WATCH 2

/* One record of the iter/task seeder: a live process (thread-group leader). */
struct tracer_task_rec {
	__u32 pid;
	__u32 ppid; /* real parent's tgid */
	__u32 tty_dev;
	__u32 flags; /* TRACER_TASK_* */
	__u64 start_time;
};

/*
 * A file as the kernel names it: its inode's number and its superblock's
 * s_dev, in the kernel's encoding (major << 20 | minor), which is neither
 * glibc's st_dev nor, on btrfs or overlayfs, even the same device. Key of
 * the excl_file map; userspace learns it from the kernel (tracer_fd_id_rec).
 */
struct tracer_file_id {
	__u64 ino;
	__u32 dev;
	__u32 pad;
};

/* One record of the iter/task_file identifier: an open file of tracer's own process. */
struct tracer_fd_id_rec {
	__u32 fd;
	__u32 pad;
	struct tracer_file_id id;
};

/* Per-CPU counters. */
struct tracer_cpu_stats {
	__u64 lost; /* ring buffer reservations that failed */
	__u64 insert_fail; /* proc_state inserts that failed (map full) */
	__u64 stage_fail; /* exec stages that could not be allocated */
	__u64 excluded; /* execs dropped by the exclusion filters */
	__u64 filtered; /* execs dropped by the uid and comm filters (bpf/filter.bpf.h) */
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

TRACER_ASSERT_LAYOUT(struct tracer_path_rec, 8);
TRACER_ASSERT_LAYOUT(struct tracer_fd_rec, 24);
TRACER_ASSERT_OFFSET(struct tracer_fd_rec, ino, 16);

TRACER_ASSERT_LAYOUT(struct tracer_exec_rec, 296);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, pid, 24);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, ret, 44);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, filename_len, 64);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, tty_dev, 80);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, comm, 88);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, tty, 104);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, euid, 136);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, env_size, 144);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, cwd, 160);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, stdio, 184);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, exe_ino, 256);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, mntns, 272);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, cgroup_id, 280);
TRACER_ASSERT_OFFSET(struct tracer_exec_rec, data, 296);

TRACER_ASSERT_LAYOUT(struct tracer_exit_rec, 128);
TRACER_ASSERT_OFFSET(struct tracer_exit_rec, exit_code, 32);
TRACER_ASSERT_OFFSET(struct tracer_exit_rec, start_time, 40);
TRACER_ASSERT_OFFSET(struct tracer_exit_rec, comm, 48);
TRACER_ASSERT_OFFSET(struct tracer_exit_rec, utime, 64);
TRACER_ASSERT_OFFSET(struct tracer_exit_rec, nivcsw, 120);

TRACER_ASSERT_LAYOUT(struct tracer_fork_rec, 64);
TRACER_ASSERT_OFFSET(struct tracer_fork_rec, parent_tid, 32);
TRACER_ASSERT_OFFSET(struct tracer_fork_rec, start_time, 40);
TRACER_ASSERT_OFFSET(struct tracer_fork_rec, comm, 48);

TRACER_ASSERT_LAYOUT(struct tracer_signal_rec, 88);
TRACER_ASSERT_OFFSET(struct tracer_signal_rec, flags, 36);
TRACER_ASSERT_OFFSET(struct tracer_signal_rec, target_tid, 52);
TRACER_ASSERT_OFFSET(struct tracer_signal_rec, sender_comm, 56);
TRACER_ASSERT_OFFSET(struct tracer_signal_rec, target_comm, 72);

TRACER_ASSERT_LAYOUT(struct tracer_stop_rec, 104 + TRACER_STOP_DATA);
TRACER_ASSERT_OFFSET(struct tracer_stop_rec, err, 44);
TRACER_ASSERT_OFFSET(struct tracer_stop_rec, start_time, 72);
TRACER_ASSERT_OFFSET(struct tracer_stop_rec, comm, 88);
TRACER_ASSERT_OFFSET(struct tracer_stop_rec, data, 104);

TRACER_ASSERT_LAYOUT(struct tracer_proc, 16);
TRACER_ASSERT_OFFSET(struct tracer_proc, flags, 8);
TRACER_ASSERT_OFFSET(struct tracer_proc, tty_dev, 12);

TRACER_ASSERT_LAYOUT(struct tracer_task_rec, 24);
TRACER_ASSERT_OFFSET(struct tracer_task_rec, start_time, 16);

TRACER_ASSERT_LAYOUT(struct tracer_file_id, 16);
TRACER_ASSERT_OFFSET(struct tracer_file_id, dev, 8);
TRACER_ASSERT_LAYOUT(struct tracer_fd_id_rec, 24);
TRACER_ASSERT_OFFSET(struct tracer_fd_id_rec, id, 8);

/* Read per CPU by userspace as an array of these. */
TRACER_ASSERT_LAYOUT(struct tracer_cpu_stats, 40);
TRACER_ASSERT_OFFSET(struct tracer_cpu_stats, excluded, 24);
TRACER_ASSERT_OFFSET(struct tracer_cpu_stats, filtered, 32);

#undef TRACER_ASSERT_OFFSET
#undef TRACER_ASSERT_LAYOUT

#endif /* TRACER_WIRE_H */
