/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Exec: one record per execve/execveat of a watched process, successful or
 * not, with the filename and argv the caller passed.
 *
 * The kernel's path (fs/exec.c) and what tracer does on it:
 *   syscall entry          before 6.10: stage the caller's ids, comm, tty
 *                          and user pointers in task storage (exec_enter)
 *   remove_arg_zero()      an interpreter (#!, binfmt_misc) is about to
 *                          replace argv[0]: save it (before 6.10 only)
 *   sched_prepare_exec     point of no return, old image still mapped, every
 *                          argument faulted in: stage from the caller's
 *                          registers and report from its memory (6.10 on;
 *                          exec_prepare)
 *   sched_process_exec     the new image runs: report from its argument area
 *                          (before 6.10 only; exec_from_image)
 *   syscall exit           a failed exec: report it from the caller's memory,
 *                          which is still its own (exec_exit)
 * From 6.10 an exec outside the scope costs one lookup, in one program (a
 * successful exec's syscall exit returns at once); nothing is allocated.
 * Before 6.10 the stage is freed when the exec is reported or has failed.
 */
#ifndef TRACER_EXEC_BPF_H
#define TRACER_EXEC_BPF_H

#include "maps.bpf.h"
#include "compat.bpf.h"
#include "scope.bpf.h"
#include "strings.bpf.h"
#include "path.bpf.h"
#include "exclude.bpf.h"
#include "ident.bpf.h"
#include "cgscope.bpf.h"
#include "filter.bpf.h"

/* Frees t's stage, and its saved argv[0] when arg0_state says there is one. */
static __always_inline void stage_drop(struct task_struct *t, __u32 arg0_state)
{
	if (arg0_state)
		bpf_task_storage_delete(&arg0s, t);
	bpf_task_storage_delete(&stages, t);
}

/* What only the caller knows, before the exec replaces its comm and maybe its ids. */
static __always_inline void stage_fill(struct exec_stage *st, struct task_struct *task, __u32 tid,
				       __u32 nr, __u64 filename, __u64 argv, __u64 envp)
{
	__u64 ugid = bpf_get_current_uid_gid();

	st->filename = filename;
	st->argv = argv;
	st->envp = envp;
	st->tid = tid;
	st->syscall_nr = nr;
	st->uid = (__u32)ugid;
	st->gid = ugid >> 32;
	st->orig_argc = 0;
	st->arg0_len = 0;
	st->arg0_state = 0;
	st->reported = 0;
	st->compat = 0;
	bpf_get_current_comm(st->comm, sizeof(st->comm));
	st->tty[0] = 0;
	st->tty_dev = task_tty(task, st->tty);
	st->caller_excluded = caller_excluded(task);
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
static __always_inline int exec_enter(__u32 nr, const char *filename, const char *const *argv,
				      const char *const *envp)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid();
	struct exec_stage *st;

	if (!system_wide && !exec_caller_watched(task, id >> 32))
		return 0;
	if (!send_exec || !cgroup_current_in_scope())
		return 0;
	st = bpf_task_storage_get(&stages, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!st) {
		stat_inc(stage_fail);
		return 0;
	}
	if (st->arg0_state)
		bpf_task_storage_delete(&arg0s, task);
	stage_fill(st, task, (__u32)id, nr, (__u64)filename, (__u64)argv, (__u64)envp);
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

/* Where the strings of the record come from: user vectors or the new image's area. */
struct exec_src {
	const char *const *argv;
	const char *const *envp;
	__u32 ptr_size; /* of argv's and envp's entries */
	unsigned long args_area;
	unsigned long env_area;
	__u64 args_keep;
	__u64 env_keep;
};

/* Writes path slot k (length len) at off; returns the offset after it. */
static __always_inline __u64 write_slot(struct bpf_dynptr *d, __u64 off, struct scratch *s, __u32 k,
					__u64 len)
{
	__u32 pos;

	if (k >= NSLOTS)
		return off;
	pos = s->path_pos[k];
	k = s->slot_of[k];
	if (k >= NSLOTS)
		return off;
	if (pos >= PATH_END)
		return off;
	/* Opaque to the compiler, so that the mask stays and bounds the register used. */
	barrier_var(pos);
	pos &= PATH_END - 1;
	if (len > PATH_END)
		return off;
	barrier_var(len);
	len &= 2 * PATH_END - 1;
	bpf_dynptr_write(d, off, &s->slots[k][pos], len, 0);
	return off + len;
}

/* The sum of the path lengths, each bounded as the writes bound them. */
static __always_inline __u64 paths_size(struct scratch *s)
{
	struct tracer_exec_rec *r = &s->rec;
	__u64 n = 0;
	int i;

	if (r->cwd.len > PATH_END)
		r->cwd.len = 0;
	if (r->interp.len > PATH_END)
		r->interp.len = 0;
	if (s->exe_slot_len > PATH_END)
		s->exe_slot_len = 0;
	r->exe.len = s->exe_slot_len;
	if (s->exe_rel && r->exe.len)
		r->exe.len += r->cwd.len + (r->cwd.len > 1);
	n = r->cwd.len + r->exe.len + r->interp.len;
	for (i = 0; i < 3; i++) {
		if (r->stdio[i].len > PATH_END)
			r->stdio[i].len = 0;
		n += r->stdio[i].len;
	}
	if (r->cgroup.len > PATH_END)
		r->cgroup.len = 0;
	return n + r->cgroup.len;
}

/*
 * Sends the assembled exec record: header, filename, arg0, arguments,
 * environment, paths. The record is reserved with its exact size (a record
 * the ring buffer has no room for is counted as lost); the fixed part is
 * written last, with the flags the copies set. Each length is bounded again
 * after every helper call: the verifier does not carry a bound across the
 * spill of a register. The lengths of the filename and arg0 come in the
 * record (filename_len, arg0_len), not as arguments: callers whose paths
 * differ only in them then reach the gathering of the context in one state
 * the verifier checks once, not once per path.
 */
static __always_inline void emit_exec(struct scratch *s, struct exec_src *src)
{
	struct tracer_exec_rec *r = &s->rec;
	struct bpf_dynptr d;
	__u64 size, off, fn_len, a0_len, args_len, env_len;
	int i;

	fn_len = r->filename_len;
	barrier_var(fn_len);
	if (fn_len > TRACER_FILENAME_MAX)
		fn_len = TRACER_FILENAME_MAX;
	a0_len = r->arg0_len;
	barrier_var(a0_len);
	if (a0_len > ARG0_MAX)
		a0_len = ARG0_MAX;
	args_len = src->args_keep;
	if (args_len > TRACER_ARGBYTES_HARD_MAX)
		args_len = TRACER_ARGBYTES_HARD_MAX;
	env_len = src->env_keep;
	if (env_len > TRACER_ARGBYTES_HARD_MAX)
		env_len = TRACER_ARGBYTES_HARD_MAX;
	r->filename_len = fn_len;
	r->arg0_len = a0_len;
	r->args_size = args_len;
	r->env_size = env_len;
	size = sizeof(*r) + fn_len + a0_len + args_len + env_len + paths_size(s);
	if (bpf_ringbuf_reserve_dynptr(&events, size, 0, &d)) {
		stat_inc(lost);
		bpf_ringbuf_discard_dynptr(&d, 0);
		return;
	}
	off = sizeof(*r);
	fn_len = r->filename_len;
	barrier_var(fn_len);
	if (fn_len > TRACER_FILENAME_MAX)
		return bpf_ringbuf_discard_dynptr(&d, 0);
	bpf_dynptr_write(&d, off, s->filename, fn_len, 0);
	off += fn_len;
	a0_len = r->arg0_len;
	barrier_var(a0_len);
	if (a0_len > ARG0_MAX)
		return bpf_ringbuf_discard_dynptr(&d, 0);
	bpf_dynptr_write(&d, off, s->arg0, a0_len, 0);
	off += a0_len;

	args_len = r->args_size;
	if (strings_copy(s, &d, (__u64)src->argv, src->ptr_size, src->args_area, off, args_len,
			 s->args_staged))
		r->flags |= TRACER_EXEC_ARGS_FAULT;
	off += args_len;
	env_len = r->env_size;
	if (strings_copy(s, &d, (__u64)src->envp, src->ptr_size, src->env_area, off, env_len,
			 false))
		r->flags |= TRACER_EXEC_ENV_FAULT;
	off += env_len;

	off = write_slot(&d, off, s, SLOT_CWD, r->cwd.len);
	if (s->exe_rel && s->exe_slot_len) {
		off = write_slot(&d, off, s, SLOT_CWD, r->cwd.len);
		if (r->cwd.len > 1) {
			bpf_dynptr_write(&d, off, "/", 1, 0);
			off++;
		}
	}
	off = write_slot(&d, off, s, SLOT_EXE, s->exe_slot_len);
	off = write_slot(&d, off, s, SLOT_INTERP, r->interp.len);
	for (i = 0; i < 3; i++)
		off = write_slot(&d, off, s, SLOT_FD0 + i, r->stdio[i].len);
	off = write_slot(&d, off, s, SLOT_CGROUP, r->cgroup.len);

	fill_hdr(&r->hdr, TRACER_REC_EXEC);
	bpf_dynptr_write(&d, 0, r, sizeof(*r), 0);
	rec_commit(NULL, &d);
}

/*
 * The executed file's path as bprm->filename names it, made absolute
 * against the cwd: a script, whose file the kernel has already swapped for
 * its interpreter's (its symlinks are not resolved). A leading "./" is dropped.
 */
static __always_inline void exe_from_name(struct scratch *s, struct linux_binprm *bprm)
{
	char *slot = s->slots[SLOT_EXE];
	__u32 pos = 0;
	long n;
	int i;

	n = bpf_probe_read_kernel_str(slot, PATH_END, BPF_CORE_READ(bprm, filename));
	if (n <= 1)
		return;
	n--;
	for (i = 0; i < 4; i++) {
		if (n - pos > 2 && slot[pos & (PATH_END - 1)] == '.' &&
		    slot[(pos + 1) & (PATH_END - 1)] == '/')
			pos += 2;
	}
	s->path_pos[SLOT_EXE] = pos;
	s->exe_slot_len = n - pos;
	s->exe_rel = slot[0] != '/';
}

/*
 * Where it ran and what ran: the cwd, the executed file and its interpreter
 * (bprm, NULL for a failed exec), and fds 0-2 (cloexec: report those the new
 * program will not have as closed). The pointers read from task and bprm
 * are read with helpers, not loaded: the verifier searches the kernel's
 * whole BTF four times for each such load it walks (walk_set_root()), which
 * cost more at every start than the helpers cost an exec.
 */
static __always_inline void gather_context(struct scratch *s, struct task_struct *task,
					   struct linux_binprm *bprm, bool cloexec)
{
	struct fs_struct *fs = BPF_CORE_READ(task, fs);
	struct tracer_exec_rec *r = &s->rec;
	struct fdtable *fdt;
	struct file *file;

	walk_set_root(s, fs);
	s->path_pos[SLOT_CWD] = build_path(s, SLOT_CWD, BPF_CORE_READ(fs, pwd.mnt),
					   BPF_CORE_READ(fs, pwd.dentry), &r->cwd);
	s->exe_slot_len = 0;
	s->exe_rel = 0;
	r->exe.flags = 0;
	r->interp.len = 0;
	r->interp.flags = 0;
	file = bprm ? BPF_CORE_READ(bprm, file) : NULL;
	if (file) {
		if (bprm->interp != bprm->filename) {
			s->path_pos[SLOT_INTERP] = file_path(s, SLOT_INTERP, file, &r->interp);
			exe_from_name(s, bprm);
			/* Made absolute against the cwd: cut, deleted or detached as it is. */
			if (s->exe_rel)
				r->exe.flags = r->cwd.flags;
		} else {
			s->path_pos[SLOT_EXE] = file_path(s, SLOT_EXE, file, &r->exe);
			s->exe_slot_len = r->exe.len;
		}
	}
	s->slot_of[SLOT_CWD] = SLOT_CWD;
	s->slot_of[SLOT_EXE] = SLOT_EXE;
	s->slot_of[SLOT_INTERP] = SLOT_INTERP;

	__builtin_memset(s->stdio_files, 0, sizeof(s->stdio_files));
	s->stdio_cloexec = 0;
	fdt = BPF_CORE_READ(task, files, fdt);
	if (BPF_CORE_READ(fdt, max_fds) >= 3)
		bpf_probe_read_kernel(s->stdio_files, sizeof(s->stdio_files),
				      BPF_CORE_READ(fdt, fd));
	if (cloexec)
		bpf_probe_read_kernel(&s->stdio_cloexec, sizeof(s->stdio_cloexec),
				      BPF_CORE_READ(fdt, close_on_exec));
	bpf_loop(3, stdio_one, &s, 0);
	exec_identity(s, task, bprm);
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
		/*
		 * An interpreter rewrote argv and the caller's argv[0] was not
		 * saved: neither it nor the caller's count and size are known.
		 */
		r->flags |= TRACER_EXEC_ARGS_FAULT;
		r->flags &= ~TRACER_EXEC_TOTALS;
	}
	return a0_len;
}

/* Effective ids of a task's current credentials. */
static __always_inline void task_eids(struct tracer_exec_rec *r, struct task_struct *t)
{
	r->euid = BPF_CORE_READ(t, cred, euid.val);
	r->egid = BPF_CORE_READ(t, cred, egid.val);
}

/*
 * A successful exec, in the new image: reported here when sched_prepare_exec
 * did not (kernels before 6.10, or an exec whose entry was not staged), with
 * the arguments and environment from the new image's areas
 * (mm->arg_start..arg_end, env_start..env_end), which the kernel has just
 * written and which are always present. The credentials are committed and
 * close-on-exec fds closed by now.
 */
static __always_inline int exec_from_image(struct task_struct *p, pid_t old_pid,
					   struct linux_binprm *bprm)
{
	struct exec_stage e = {}, *st;
	struct exec_src src = {};
	struct tracer_exec_rec *r;
	unsigned long start, end;
	__u32 fn_len = 0;
	struct scratch *s;
	__u64 total;
	bool cut;
	long len;

	if (!send_exec || !proc_watched(p, p->tgid))
		return 0;
	st = bpf_task_storage_get(&stages, p, 0, 0);
	if (!cgroup_current_in_scope() || (st && st->reported)) {
		if (st)
			stage_drop(p, st->arg0_state);
		return 0;
	}
	s = get_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	r->flags = TRACER_EXEC_ARGS_FROM_MM | TRACER_EXEC_TOTALS;
	s->args_staged = 0;
	if (st) {
		e = *st;
	} else {
		stage_from_image(&e, p, old_pid);
		r->flags |= TRACER_EXEC_NO_ENTRY;
	}
	rec_common(r, p, &e);
	r->ret = 0;
	task_eids(r, p);

	len = bprm_filename(s->filename, sizeof(s->filename), bprm, &cut);
	if (len > 0)
		fn_len = len - 1;
	else
		r->flags |= TRACER_EXEC_FILENAME_FAULT;
	if (cut)
		r->flags |= TRACER_EXEC_FILENAME_CUT;
	/* The kernel's comm but for fexecve(), named by its file as from 6.14 (filter.bpf.h). */
	if (exec_excluded(&e, bprm) ||
	    (filters_on() && exec_filtered(s, fn_len, COMM_CURRENT, bprm)))
		goto out;
	r->filename_len = fn_len;
	r->arg0_len = image_arg0(s, &e, p, bprm);

	start = BPF_CORE_READ(p, mm, arg_start);
	end = BPF_CORE_READ(p, mm, arg_end);
	total = end > start ? end - start : 0;
	r->args_total = total;
	src.args_area = start;
	/* Cut, the last string kept fits the limit with the NUL it lacks, as above. */
	src.args_keep = total <= max_arg_bytes ? total : max_arg_bytes - 1;
	if (src.args_keep < total)
		r->flags |= TRACER_EXEC_ARGS_CUT;
	r->env_total = 0;
	r->envc = 0;
	r->pad2 = 0;
	if (capture_env) {
		start = BPF_CORE_READ(p, mm, env_start);
		end = BPF_CORE_READ(p, mm, env_end);
		total = end > start ? end - start : 0;
		r->flags |= TRACER_EXEC_ENV;
		r->env_total = total;
		r->envc = BPF_CORE_READ(bprm, envc);
		src.env_area = start;
		src.env_keep = total <= max_arg_bytes ? total : max_arg_bytes - 1;
		if (src.env_keep < total)
			r->flags |= TRACER_EXEC_ENV_CUT;
	}
	gather_context(s, p, bprm, false);
	emit_exec(s, &src);
out:
	if (st)
		stage_drop(p, e.arg0_state);
	return 0;
}

/* Whether the caller's string has a byte other than NUL at p. */
static __always_inline bool filename_goes_on(__u64 p)
{
	char c = 0;

	bpf_probe_read_user(&c, 1, (const void *)p);
	return c != 0;
}

/*
 * Reports an exec from the caller's own memory: a failed exec at syscall exit,
 * or a successful one at sched_prepare_exec (bprm set), where the old image is
 * still mapped and copy_strings() has just faulted every string in. There the
 * new credentials are computed (bprm->cred) but not yet committed, and the
 * fd table is the caller's, close-on-exec fds still open.
 */
static __always_inline void report_from_caller(struct task_struct *task, struct exec_stage *st,
					       long ret, struct linux_binprm *bprm)
{
	struct vec_measure am = {}, em = {};
	struct exec_src src = {};
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
	if (bprm) {
		r->euid = BPF_CORE_READ(bprm, cred, euid.val);
		r->egid = BPF_CORE_READ(bprm, cred, egid.val);
	} else {
		task_eids(r, task);
	}

	len = bpf_probe_read_user_str(s->filename, sizeof(s->filename), (const void *)st->filename);
	/* 6.12 reads an empty string as 0 bytes, not 1 (compat.bpf.h). */
	if (len == 0) {
		s->filename[0] = '\0';
		len = 1;
	}
	if (len == 1 && bprm) /* execveat(fd, "", AT_EMPTY_PATH): the kernel's /dev/fd/N */
		len = bpf_probe_read_kernel_str(s->filename, sizeof(s->filename),
						BPF_CORE_READ(bprm, filename));
	if (len > 0)
		fn_len = len - 1;
	else
		r->flags |= TRACER_EXEC_FILENAME_FAULT;
	/* Filled to the last byte: cut if the caller's string goes on (a failed exec). */
	if (len == sizeof(s->filename) && filename_goes_on(st->filename + len - 1))
		r->flags |= TRACER_EXEC_FILENAME_CUT;
	if (exec_excluded(st, bprm) ||
	    (filters_on() && exec_filtered(s, fn_len, COMM_FILENAME, bprm)))
		return;

	r->filename_len = fn_len;
	r->arg0_len = 0;
	src.ptr_size = st->compat ? 4 : 8;
	vec_measure(s, &am, st->argv, src.ptr_size, max_arg_bytes, max_args, true);
	r->flags |= am.flags;
	if (!(am.flags & TRACER_EXEC_ARGS_FAULT))
		r->flags |= TRACER_EXEC_TOTALS;
	r->argc = am.count;
	r->args_total = am.total;
	src.argv = (const char *const *)st->argv;
	src.args_keep = am.keep;
	/* In the scratch, not the stack: both values then reach one state of what follows. */
	s->args_staged = am.staged;
	r->env_total = 0;
	r->envc = 0;
	r->pad2 = 0;
	if (capture_env) {
		vec_measure(s, &em, st->envp, src.ptr_size, max_arg_bytes, 0, false);
		r->flags |= TRACER_EXEC_ENV;
		if (em.flags & TRACER_EXEC_ARGS_FAULT)
			r->flags |= TRACER_EXEC_ENV_FAULT;
		if (em.flags & TRACER_EXEC_ARGS_CUT)
			r->flags |= TRACER_EXEC_ENV_CUT;
		r->envc = em.count;
		r->env_total = em.total;
		src.envp = (const char *const *)st->envp;
		src.env_keep = em.keep;
	}
	gather_context(s, task, bprm, bprm != NULL);
	emit_exec(s, &src);
}

/*
 * Stages an exec from the caller's saved registers, which hold the syscall's
 * arguments from its entry to its exit (x86_64: di, si, dx, r10; a 32-bit
 * int $0x80 call: bx, cx, dx, si, with its ia32 number in orig_ax). At
 * sched_prepare_exec and at the exit of a failed exec everything else
 * stage_fill() reads (comm, ids, terminal, mm) is still the caller's too.
 * False when the task is in no exec syscall (a kernel_execve() of a kernel
 * thread or a usermode helper).
 */
static __always_inline bool stage_from_regs(struct exec_stage *st, struct task_struct *task)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	__u64 nr, fn, argv, envp;

	if (!regs)
		return false;
	nr = regs->orig_ax;
	switch (nr) {
	case TRACER_NR_EXECVE:
		fn = regs->di;
		argv = regs->si;
		envp = regs->dx;
		break;
	case TRACER_NR_EXECVEAT:
		fn = regs->si;
		argv = regs->dx;
		envp = regs->r10;
		break;
	case TRACER_NR_IA32_EXECVE:
		fn = (__u32)regs->bx;
		argv = (__u32)regs->cx;
		envp = (__u32)regs->dx;
		break;
	case TRACER_NR_IA32_EXECVEAT:
		fn = (__u32)regs->cx;
		argv = (__u32)regs->dx;
		envp = (__u32)regs->si;
		break;
	default:
		return false;
	}
	stage_fill(st, task, task->pid, exec_syscall_nr(nr), fn, argv, envp);
	st->compat = nr == TRACER_NR_IA32_EXECVE || nr == TRACER_NR_IA32_EXECVEAT;
	return true;
}

/*
 * A failed exec that sched_prepare_exec has already reported as run: it
 * failed past the point of no return, and the kernel kills the process
 * with the fatal signal it has (a SIGKILL pending) or with a SIGSEGV it
 * forces on the task (pending, unblocked, its action reset to the
 * default). An exec that fails before that point while one of those is
 * pending is taken for one too: its process dies of it on its way back,
 * before its next instruction.
 */
static __always_inline bool exec_doomed(struct task_struct *task)
{
	__u64 pending = task->pending.signal.sig[0] & ~task->blocked.sig[0];

	if (pending & (1ull << (SIGKILL - 1)))
		return true;
	return (pending & (1ull << (SIGSEGV - 1))) &&
	       !BPF_CORE_READ(task, sighand, action[SIGSEGV - 1].sa.sa_handler);
}

/* Syscall exit: a failed exec, whose caller is still in its old image. */
static __always_inline int exec_exit(long ret)
{
	struct task_struct *task;
	struct exec_stage *st;
	struct scratch *s;

	if (ret == 0)
		return 0;
	task = bpf_get_current_task_btf();
	if (!entry_stages) {
		if (!system_wide && !exec_caller_watched(task, task->tgid))
			return 0;
		if (!cgroup_current_in_scope() || exec_doomed(task))
			return 0;
		s = get_scratch();
		if (!s || !stage_from_regs(&s->st, task))
			return 0;
		report_from_caller(task, &s->st, ret, NULL);
		return 0;
	}
	st = bpf_task_storage_get(&stages, task, 0, 0);
	if (!st)
		return 0;
	if (!st->reported)
		report_from_caller(task, st, ret, NULL);
	stage_drop(task, st->arg0_state);
	return 0;
}

/*
 * Syscall exit of any exec: only a failure goes on (of a staged caller, when
 * the entry stages), to the one program that reports it (exec_exit, through
 * the prog array).
 */
static __always_inline int exec_exit_pass(void *ctx, long ret, void *prog_array)
{
	if (ret == 0 || !send_exec)
		return 0;
	if (entry_stages && !bpf_task_storage_get(&stages, bpf_get_current_task_btf(), 0, 0))
		return 0;
	bpf_tail_call(ctx, prog_array, 0);
	return 0;
}

/*
 * The point of no return (6.10 on): report with the caller's exact argv,
 * staged from its registers (no syscall entry program is loaded with this
 * path; a 32-bit exec, which passes no syscall tracepoint, is staged the
 * same way). sched_process_exec reports nothing with this path; a failure
 * from here kills the process, and its syscall exit knows it (exec_doomed).
 */
static __always_inline int exec_prepare(struct task_struct *task, struct linux_binprm *bprm)
{
	struct scratch *s;

	if (!send_exec)
		return 0;
	if (!system_wide && !exec_caller_watched(task, task->tgid))
		return 0;
	if (!cgroup_current_in_scope())
		return 0;
	s = get_scratch();
	if (!s || !stage_from_regs(&s->st, task))
		return 0;
	report_from_caller(task, &s->st, 0, bprm);
	return 0;
}

#endif /* TRACER_EXEC_BPF_H */
