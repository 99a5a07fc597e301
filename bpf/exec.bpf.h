/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Exec: one record per execve/execveat of a watched process, successful or
 * not, with the filename and argv the caller passed.
 *
 * The kernel's path (fs/exec.c) and what tracer does on it:
 *   syscall entry          stage the caller's ids, comm, tty and user
 *                          pointers in task storage (exec_enter)
 *   remove_arg_zero()      an interpreter (#!, binfmt_misc) is about to
 *                          replace argv[0]: save it (before 6.10 only)
 *   sched_prepare_exec     point of no return, old image still mapped, every
 *                          argument faulted in: report from the caller's
 *                          memory (6.10 on; exec_prepare)
 *   sched_process_exec     the new image runs: report from its argument area
 *                          when nothing has yet (exec_from_image)
 *   syscall exit           a failed exec: report it from the caller's memory,
 *                          which is still its own (exec_exit)
 * The stage is freed when the exec is reported or has failed.
 */
#ifndef TRACER_EXEC_BPF_H
#define TRACER_EXEC_BPF_H

#include "maps.bpf.h"
#include "compat.bpf.h"
#include "scope.bpf.h"

/* Frees t's stage, and its saved argv[0] when arg0_state says there is one. */
static __always_inline void stage_drop(struct task_struct *t, __u32 arg0_state)
{
	if (arg0_state)
		bpf_task_storage_delete(&arg0s, t);
	bpf_task_storage_delete(&stages, t);
}

/* What only the caller knows, before the exec replaces its comm and maybe its ids. */
static __always_inline void stage_fill(struct exec_stage *st, struct task_struct *task, __u32 tid,
				       __u32 nr, __u64 filename, __u64 argv)
{
	__u64 ugid = bpf_get_current_uid_gid();

	st->filename = filename;
	st->argv = argv;
	st->tid = tid;
	st->syscall_nr = nr;
	st->uid = (__u32)ugid;
	st->gid = ugid >> 32;
	st->orig_argc = 0;
	st->arg0_len = 0;
	st->arg0_state = 0;
	st->reported = 0;
	bpf_get_current_comm(st->comm, sizeof(st->comm));
	st->tty[0] = 0;
	st->tty_dev = task_tty(task, st->tty);
}

/*
 * Whether the calling process is watched. A process on a watched terminal
 * that is not watched yet is from now on: it came to the terminal after
 * tracer started.
 */
static __always_inline bool exec_caller_watched(struct task_struct *task, __u32 tgid)
{
	__u32 tty_dev;

	if (proc_lookup(task, tgid))
		return true;
	if (!tty_scope)
		return false;
	tty_dev = task_tty(task, NULL);
	if (!tty_dev || !bpf_map_lookup_elem(&tty_set, &tty_dev))
		return false;
	proc_insert(tgid, leader_start_time(task),
		    TRACER_WATCH_SELF | (watch_children ? TRACER_WATCH_CHILDREN : 0), tty_dev);
	return true;
}

/* Syscall entry: is the caller in scope? If so, stage what only the entry knows. */
static __always_inline int exec_enter(__u32 nr, const char *filename, const char *const *argv)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid();
	struct exec_stage *st;

	if (!system_wide && !exec_caller_watched(task, id >> 32))
		return 0;
	if (!send_exec)
		return 0;
	st = bpf_task_storage_get(&stages, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!st) {
		stat_inc(stage_fail);
		return 0;
	}
	if (st->arg0_state)
		bpf_task_storage_delete(&arg0s, task);
	stage_fill(st, task, (__u32)id, nr, (__u64)filename, (__u64)argv);
	return 0;
}

/*
 * An interpreter is about to replace argv[0]: save it and the caller's argc.
 * Only the first call of an exec counts (a script's interpreter can be a
 * script).
 */
static __always_inline int exec_save_arg0(struct linux_binprm *bprm)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct exec_stage *st;
	struct arg0_stash *stash;
	const char *arg0;
	long n;

	st = bpf_task_storage_get(&stages, task, 0, 0);
	if (!st || st->arg0_state)
		return 0;
	st->orig_argc = BPF_CORE_READ(bprm, argc);
	st->arg0_state = 2;
	stash = bpf_task_storage_get(&arg0s, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!stash)
		return 0;
	if (bpf_probe_read_user(&arg0, sizeof(arg0), (const void *)st->argv))
		return 0;
	n = bpf_probe_read_user_str(stash->buf, sizeof(stash->buf), arg0);
	if (n <= 0)
		return 0;
	st->arg0_len = n - 1;
	st->arg0_state = 1;
	return 0;
}

/*
 * Whether --exclude (the filename as it is reported, compared exactly) or
 * --exclude-comm (the caller's comm, as reported) drops this exec; counted.
 */
static __always_inline bool excluded(struct scratch *s, __u64 fn_len)
{
	if (exclude_comms && bpf_map_lookup_elem(&excl_comm, s->rec.comm))
		goto drop;
	if (exclude_paths && fn_len < TRACER_EXCL_PATH_LEN) {
		__builtin_memset(s->path_key, 0, sizeof(s->path_key));
		bpf_probe_read_kernel(s->path_key, fn_len & (TRACER_EXCL_PATH_LEN - 1),
				      s->filename);
		if (bpf_map_lookup_elem(&excl_path, s->path_key))
			goto drop;
	}
	return false;
drop:
	stat_inc(excluded);
	return true;
}

/*
 * Sends the assembled exec record: header, filename, arg0, arguments. Each
 * length is bounded again after every helper call: the verifier does not
 * carry a bound across the spill of a register.
 */
static __always_inline void emit_exec(struct scratch *s, __u64 fn_len, __u64 a0_len, __u64 args_len)
{
	struct bpf_dynptr d;
	__u64 size;

	if ((exclude_paths || exclude_comms) && excluded(s, fn_len))
		return;

	barrier_var(fn_len);
	if (fn_len > TRACER_FILENAME_MAX)
		fn_len = TRACER_FILENAME_MAX;
	barrier_var(a0_len);
	if (a0_len > ARG0_MAX)
		a0_len = ARG0_MAX;
	barrier_var(args_len);
	if (args_len > TRACER_ARGBYTES_HARD_MAX + TRACER_ARG_CHUNK)
		args_len = TRACER_ARGBYTES_HARD_MAX + TRACER_ARG_CHUNK;
	s->rec.filename_len = fn_len;
	s->rec.arg0_len = a0_len;
	s->rec.args_size = args_len;
	size = sizeof(s->rec) + fn_len + a0_len + args_len;
	if (bpf_ringbuf_reserve_dynptr(&events, size, 0, &d)) {
		stat_inc(lost);
		bpf_ringbuf_discard_dynptr(&d, 0);
		return;
	}
	fill_hdr(&s->rec.hdr, TRACER_REC_EXEC);
	bpf_dynptr_write(&d, 0, &s->rec, sizeof(s->rec), 0);
	fn_len = s->rec.filename_len;
	barrier_var(fn_len);
	if (fn_len > TRACER_FILENAME_MAX)
		return bpf_ringbuf_discard_dynptr(&d, 0);
	bpf_dynptr_write(&d, sizeof(s->rec), s->filename, fn_len, 0);
	a0_len = s->rec.arg0_len;
	barrier_var(a0_len);
	if (a0_len > ARG0_MAX)
		return bpf_ringbuf_discard_dynptr(&d, 0);
	bpf_dynptr_write(&d, sizeof(s->rec) + fn_len, s->arg0, a0_len, 0);
	args_len = s->rec.args_size;
	barrier_var(args_len);
	if (args_len > TRACER_ARGBYTES_HARD_MAX + TRACER_ARG_CHUNK)
		return bpf_ringbuf_discard_dynptr(&d, 0);
	bpf_dynptr_write(&d, sizeof(s->rec) + fn_len + a0_len, s->args, args_len, 0);
	bpf_ringbuf_submit_dynptr(&d, wakeup_flags());
}

static __always_inline void rec_common(struct tracer_exec_rec *r, struct task_struct *t,
				       struct exec_stage *st)
{
	r->pid = BPF_CORE_READ(t, tgid);
	r->ppid = BPF_CORE_READ(t, real_parent, tgid);
	r->tid = st->tid;
	r->uid = st->uid;
	r->gid = st->gid;
	r->syscall_nr = st->syscall_nr;
	r->tty_dev = st->tty_dev;
	r->pad = 0;
	__builtin_memcpy(r->comm, st->comm, sizeof(r->comm));
	__builtin_memcpy(r->tty, st->tty, sizeof(r->tty));
}

/*
 * An exec whose entry was not staged (a compat syscall before 6.10, or the
 * stage could not be made): what the entry would have learnt, from the new
 * image, whose comm and ids are still the caller's at sched_process_exec.
 */
static __always_inline void stage_from_image(struct exec_stage *e, struct task_struct *p,
					     pid_t old_pid)
{
	__u64 ugid = bpf_get_current_uid_gid();

	e->tid = old_pid;
	e->uid = (__u32)ugid;
	e->gid = ugid >> 32;
	e->syscall_nr = exec_syscall_nr(task_syscall(p));
	if (!e->syscall_nr)
		e->syscall_nr = TRACER_NR_EXECVE;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->tty_dev = task_tty(p, e->tty);
}

/*
 * Where an interpreter (#!, binfmt_misc) took argv[0], the argument area
 * holds its strings first, then the caller's argv[1..]: record how many
 * strings to skip, and the caller's argv[0] when it was saved. Returns its
 * length in s->arg0.
 */
static __always_inline __u32 image_arg0(struct scratch *s, struct exec_stage *e,
					struct task_struct *p, struct linux_binprm *bprm)
{
	struct tracer_exec_rec *r = &s->rec;
	struct arg0_stash *stash;
	__u32 new_argc = BPF_CORE_READ(bprm, argc);
	__u32 a0_len = 0;

	r->argc = new_argc;
	r->skip = 0;
	if (e->arg0_state) {
		r->argc = e->orig_argc;
		r->skip = new_argc + 1 > e->orig_argc ? new_argc + 1 - e->orig_argc : 0;
		r->flags |= TRACER_EXEC_HAS_ARG0;
		stash = bpf_task_storage_get(&arg0s, p, 0, 0);
		if (e->arg0_state == 1 && stash) {
			a0_len = e->arg0_len;
			if (a0_len > ARG0_MAX - 1)
				a0_len = ARG0_MAX - 1;
			bpf_probe_read_kernel(s->arg0, a0_len & (ARG0_MAX - 1), stash->buf);
		} else {
			r->flags |= TRACER_EXEC_ARGS_FAULT;
		}
	} else if (BPF_CORE_READ(bprm, interp) != BPF_CORE_READ(bprm, filename)) {
		/* An interpreter rewrote argv and the caller's argv[0] was not saved. */
		r->flags |= TRACER_EXEC_ARGS_FAULT;
	}
	return a0_len;
}

/* The new image's argument area (mm->arg_start..arg_end) into s->args; its used size. */
static __always_inline __u64 image_args(struct scratch *s, struct task_struct *p)
{
	unsigned long arg_start = BPF_CORE_READ(p, mm, arg_start);
	unsigned long arg_end = BPF_CORE_READ(p, mm, arg_end);
	__u32 total = arg_end > arg_start ? arg_end - arg_start : 0;
	__u64 n;

	s->rec.args_total = total;
	n = total < max_arg_bytes ? total : max_arg_bytes;
	barrier_var(n);
	if (n > TRACER_ARGBYTES_HARD_MAX)
		n = TRACER_ARGBYTES_HARD_MAX;
	if (n && bpf_probe_read_user(s->args, n, (const void *)arg_start)) {
		s->rec.flags |= TRACER_EXEC_ARGS_FAULT;
		n = 0;
	}
	return n;
}

/*
 * A successful exec, in the new image: reported here when sched_prepare_exec
 * did not (kernels before 6.10, or an exec whose entry was not staged), with
 * the arguments from the new image's argument area, which the kernel has
 * just written and which is always present.
 */
static __always_inline int exec_from_image(struct task_struct *p, pid_t old_pid,
					   struct linux_binprm *bprm)
{
	struct exec_stage e = {}, *st;
	struct tracer_exec_rec *r;
	__u32 fn_len = 0, a0_len;
	struct scratch *s;
	__u64 n;
	long len;

	if (!send_exec || !proc_watched(p, p->tgid))
		return 0;
	st = bpf_task_storage_get(&stages, p, 0, 0);
	if (st && st->reported) {
		stage_drop(p, st->arg0_state);
		return 0;
	}
	s = get_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	r->flags = TRACER_EXEC_ARGS_FROM_MM;
	if (st) {
		e = *st;
	} else {
		stage_from_image(&e, p, old_pid);
		r->flags |= TRACER_EXEC_NO_ENTRY;
	}
	rec_common(r, p, &e);
	r->ret = 0;

	len = bpf_probe_read_kernel_str(s->filename, sizeof(s->filename),
					BPF_CORE_READ(bprm, filename));
	if (len > 0)
		fn_len = len - 1;
	else
		r->flags |= TRACER_EXEC_FILENAME_FAULT;
	a0_len = image_arg0(s, &e, p, bprm);
	n = image_args(s, p);
	emit_exec(s, fn_len, a0_len, n);
	if (st)
		stage_drop(p, e.arg0_state);
	return 0;
}

/* Reads the caller's argv string by string (failed execs: the old image is still there). */
struct argv_reader {
	const char *const *argv;
	struct scratch *s;
	__u32 off;
	__u32 count;
	__u32 flags;
};

/*
 * bpf_loop() callback: appends argv[i] to the arguments, TRACER_ARG_CHUNK
 * bytes at a time (a string can be longer than one read). 0 goes on, 1 stops.
 */
static long read_one_arg(__u32 i, void *data)
{
	struct argv_reader *rd = data;
	const char *arg;
	__u64 off, room, size;
	char next;
	__u32 k;
	long n;

	if (bpf_probe_read_user(&arg, sizeof(arg), &rd->argv[i])) {
		rd->flags |= TRACER_EXEC_ARGS_FAULT;
		return 1;
	}
	if (!arg)
		return 1;
	if (i >= max_args) {
		rd->flags |= TRACER_EXEC_ARGS_CUT;
		return 1;
	}
	for (k = 0; k < TRACER_ARGBYTES_HARD_MAX / (TRACER_ARG_CHUNK - 1) + 2; k++) {
		off = rd->off;
		if (off >= max_arg_bytes) {
			rd->flags |= TRACER_EXEC_ARGS_CUT;
			return 1;
		}
		room = max_arg_bytes - off;
		size = room < TRACER_ARG_CHUNK ? room : TRACER_ARG_CHUNK;
		barrier_var(off);
		if (off >= TRACER_ARGBYTES_HARD_MAX)
			return 1;
		barrier_var(size);
		if (size > TRACER_ARG_CHUNK || size == 0)
			return 1;
		n = bpf_probe_read_user_str(&rd->s->args[off], size, arg);
		if (n <= 0) {
			rd->flags |= TRACER_EXEC_ARGS_FAULT;
			return 1;
		}
		if (n < size) {
			/* The whole (rest of the) string, with its NUL. */
			rd->off = off + n;
			rd->count++;
			return 0;
		}
		/* Filled: size - 1 bytes and a NUL. Does the string go on? */
		if (bpf_probe_read_user(&next, 1, arg + size - 1)) {
			rd->flags |= TRACER_EXEC_ARGS_FAULT;
			return 1;
		}
		if (!next) {
			rd->off = off + n;
			rd->count++;
			return 0;
		}
		rd->off = off + size - 1; /* overwrite the NUL with what follows */
		arg += size - 1;
		if (size < TRACER_ARG_CHUNK) {
			/* Out of room mid-string. */
			rd->flags |= TRACER_EXEC_ARGS_CUT;
			return 1;
		}
	}
	rd->flags |= TRACER_EXEC_ARGS_CUT;
	return 1;
}

/*
 * Reports an exec from the caller's own memory: a failed exec at syscall exit,
 * or a successful one at sched_prepare_exec, where the old image is still
 * mapped and copy_strings() has just faulted every argument in.
 */
static __always_inline void report_from_caller(struct task_struct *task, struct exec_stage *st,
					       long ret, struct linux_binprm *bprm)
{
	struct argv_reader rd = {};
	struct tracer_exec_rec *r;
	struct scratch *s;
	__u64 fn_len = 0;
	long len;

	s = get_scratch();
	if (!s)
		return;
	r = &s->rec;
	rec_common(r, task, st);
	r->ret = ret;
	r->flags = 0;
	r->skip = 0;

	len = bpf_probe_read_user_str(s->filename, sizeof(s->filename), (const void *)st->filename);
	if (len == 1 && bprm) /* execveat(fd, "", AT_EMPTY_PATH): the kernel's /dev/fd/N */
		len = bpf_probe_read_kernel_str(s->filename, sizeof(s->filename),
						BPF_CORE_READ(bprm, filename));
	if (len > 0)
		fn_len = len - 1;
	else
		r->flags |= TRACER_EXEC_FILENAME_FAULT;

	rd.argv = (const char *const *)st->argv;
	rd.s = s;
	if (st->argv)
		bpf_loop(max_args + 1, read_one_arg, &rd, 0);
	r->flags |= rd.flags;
	r->argc = rd.flags ? 0 : rd.count;
	r->args_total = rd.off;
	emit_exec(s, fn_len, 0, rd.off);
}

/* Syscall exit: a failed exec, whose caller is still in its old image. */
static __always_inline int exec_exit(long ret)
{
	struct task_struct *task;
	struct exec_stage *st;

	if (ret == 0)
		return 0;
	task = bpf_get_current_task_btf();
	st = bpf_task_storage_get(&stages, task, 0, 0);
	if (!st)
		return 0;
	/*
	 * Already reported at its point of no return: it failed after it (a
	 * fatal signal during the load), the old image is gone and the process
	 * is being killed. No second record, read from the half-built image.
	 */
	if (!st->reported)
		report_from_caller(task, st, ret, NULL);
	stage_drop(task, st->arg0_state);
	return 0;
}

/*
 * A 32-bit exec (int $0x80) passes no syscall tracepoint we attach to: stage
 * it here, while the caller's comm, ids and terminal are still its own, and
 * let sched_process_exec report it from the new image's argument area. Only
 * a compat syscall pays the scope lookup.
 */
static __always_inline int compat_stage(struct task_struct *task)
{
	__u64 nr = task_syscall(task);
	struct exec_stage *st;

	if (nr != TRACER_NR_IA32_EXECVE && nr != TRACER_NR_IA32_EXECVEAT)
		return 0;
	if (!proc_watched(task, task->tgid))
		return 0;
	st = bpf_task_storage_get(&stages, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!st)
		return 0;
	stage_fill(st, task, task->pid, exec_syscall_nr(nr), 0, 0);
	return 0;
}

/* The point of no return (6.10 on): report with the caller's exact argv. */
static __always_inline int exec_prepare(struct task_struct *task, struct linux_binprm *bprm)
{
	struct exec_stage *st = bpf_task_storage_get(&stages, task, 0, 0);

	if (!st)
		return compat_stage(task);
	if (st->reported)
		return 0;
	report_from_caller(task, st, 0, bprm);
	st->reported = 1;
	return 0;
}

#endif /* TRACER_EXEC_BPF_H */
