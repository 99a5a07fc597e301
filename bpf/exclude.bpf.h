/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Exclusions: execs that are not reported, decided here and counted.
 *
 *   --exclude PATH         the exec runs that file: bprm->file, the file the
 *                          kernel loads (for a #! script, its interpreter)
 *   --exclude-caller PATH  the calling process runs that file, as root: its
 *                          mm->exe_file (/proc/PID/exe), read at syscall entry
 *   --exclude-comm NAME    the caller's comm, which any process can set
 *
 * Files are compared as the kernel names them, by the inode's number and its
 * superblock's device (struct tracer_file_id): a copy or another file of the
 * same name is another inode; a hard link, a symlink's target, or the file
 * renamed is the same one. Paths and names the process chooses play no part,
 * except for --exclude-comm.
 *
 * Only the exec record is dropped: the processes stay in scope, and the
 * execs of their children are reported unless they are excluded in turn (a
 * forked child still runs its parent's file, and has its comm, until it
 * execs).
 */
#ifndef TRACER_EXCLUDE_BPF_H
#define TRACER_EXCLUDE_BPF_H

#include "maps.bpf.h"

/* Set by userspace before load: which filters are in use. */
const volatile bool exclude_comms = false;
const volatile bool exclude_execs = false;
const volatile bool exclude_callers = false;

/* The excluded files, each with its TRACER_EXCL_* bits. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* resized to the list's length */
	__type(key, struct tracer_file_id);
	__type(value, __u8);
} excl_file SEC(".maps");

/* The excluded comms, zero-padded. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* resized to the list's length */
	__type(key, char[TRACER_COMM_LEN]);
	__type(value, __u8);
} excl_comm SEC(".maps");

static __always_inline void file_id(struct file *f, struct tracer_file_id *id)
{
	struct inode *inode = BPF_CORE_READ(f, f_inode);

	id->ino = BPF_CORE_READ(inode, i_ino);
	id->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	id->pad = 0;
}

/* The TRACER_EXCL_* bits of file f (NULL: none). */
static __always_inline __u8 file_excluded(struct file *f)
{
	struct tracer_file_id id;
	__u8 *kinds;

	if (!f)
		return 0;
	file_id(f, &id);
	kinds = bpf_map_lookup_elem(&excl_file, &id);
	return kinds ? *kinds : 0;
}

/*
 * Whether t, about to exec, is a root process that runs a file of
 * --exclude-caller. Asked at syscall entry: from sched_process_exec on,
 * exe_file is the new program's.
 *
 * Root's only (real uid 0 as the kernel knows it: root in a user namespace
 * that a user made is that user): a process of another user's can be made to
 * exec anything by that user, who
 * can run the excluded program with LD_PRELOAD or ptrace it; and pointing
 * exe_file at another file (prctl PR_SET_MM_EXE_FILE, for checkpoint and
 * restore) takes a capability an unprivileged user has only in a user
 * namespace of their own, where their uid is still theirs.
 */
static __always_inline __u32 caller_excluded(struct task_struct *t)
{
	if (!exclude_callers || BPF_CORE_READ(t, cred, uid.val) != 0)
		return 0;
	return (file_excluded(BPF_CORE_READ(t, mm, exe_file)) & TRACER_EXCL_CALLER) != 0;
}

/*
 * Whether this exec is dropped; counted. st is its stage (comm and the
 * caller's verdict, from the syscall entry), bprm NULL for a failed exec,
 * which runs no file.
 */
static __always_inline bool exec_excluded(struct exec_stage *st, struct linux_binprm *bprm)
{
	if (exclude_callers && st->caller_excluded)
		goto drop;
	if (exclude_comms && bpf_map_lookup_elem(&excl_comm, st->comm))
		goto drop;
	if (exclude_execs && bprm && (file_excluded(BPF_CORE_READ(bprm, file)) & TRACER_EXCL_EXEC))
		goto drop;
	return false;
drop:
	stat_inc(excluded);
	return true;
}

/*
 * One record per open file of the process that reads the iterator (the
 * iterator runs in its read()): userspace opens the files to exclude and
 * learns here how the kernel names them. Other processes' files are skipped,
 * whatever the link was created for.
 */
static __always_inline int excl_identify(struct seq_file *seq, struct task_struct *t, __u32 fd,
					 struct file *f)
{
	struct tracer_fd_id_rec r = {};

	if (!t || !f || t->tgid != bpf_get_current_pid_tgid() >> 32)
		return 0;
	r.fd = fd;
	file_id(f, &r.id);
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}

#endif /* TRACER_EXCLUDE_BPF_H */
