// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * tracer's kernel side.
 *
 * Scope: proc_state holds every watched process, keyed by tgid. fork and exit
 * keep it current; the iter/task seeder lets userspace find the processes
 * that already exist. An exec, fork or exit outside the scope costs one map
 * lookup and no ring-buffer traffic; a signal outside it at most two.
 *
 * Records: each kind (exec, fork, exit, signal) is sent only when userspace
 * asked for it (send_* below, fixed before load, so the verifier drops the
 * code of the kinds not asked for). Scope is kept up to date either way.
 *
 * Exec: the syscall entry puts a small stage in task storage (it follows the
 * task across an exec from a non-leader thread, and is freed with it). A
 * successful exec is reported from sched_process_exec, with the arguments
 * read from the new image's argument area, which the kernel has just written
 * and which is always present: the argv is complete even when the caller's
 * strings were on pages not faulted in. A failed exec is reported at syscall
 * exit, with the arguments read from the caller's memory.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tracer.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define SIGNAL_GROUP_EXIT 0x00000004
/* si_code values (include/uapi/asm-generic/siginfo.h) */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE -1
#define SI_TKILL -6
#define ARG0_MAX 4096

/* Set by userspace before load. */
const volatile bool tty_scope = false;
/* Every process is in scope: no lookup, proc_state stays empty. */
const volatile bool system_wide = false;
/* Exclusion filters in use (the maps below hold the entries). */
const volatile bool exclude_paths = false;
const volatile bool exclude_comms = false;
const volatile bool watch_children = true;
const volatile __u32 max_args = TRACER_ARGS_DEFAULT;
const volatile __u32 max_arg_bytes = TRACER_ARGBYTES_DEFAULT;
/* Wake the reader only once this much is waiting; it also drains on a timer. */
const volatile __u64 wakeup_bytes = 64 * 1024;
/* Which records to send. */
const volatile bool send_exec = true;
const volatile bool send_fork = false;
const volatile bool send_exit = true;
const volatile bool send_signal = false;

/* Processes watched now, and ever. Userspace reads them through the mmapped bss. */
__u64 watched_now;
__u64 watched_total;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 32768); /* resized by userspace from pid_max */
	__type(key, __u32);
	__type(value, struct tracer_proc);
} proc_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u8);
} tty_set SEC(".maps");

/* Execs not reported: by filename (exactly as reported) and by the caller's comm. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* resized to the list's length */
	__type(key, char[TRACER_EXCL_PATH_LEN]);
	__type(value, __u8);
} excl_path SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* resized to the list's length */
	__type(key, char[TRACER_COMM_LEN]);
	__type(value, __u8);
} excl_comm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tracer_cpu_stats);
} stats SEC(".maps");

/* What the syscall entry learns, kept until the exec is reported. */
struct exec_stage {
	__u64 filename; /* user pointers of the caller */
	__u64 argv;
	__u32 tid;
	__u32 syscall_nr;
	__u32 uid;
	__u32 gid;
	__u32 tty_dev;
	__u32 orig_argc; /* caller's argc, when an interpreter replaced argv[0] */
	__u32 arg0_len;
	__u32 arg0_state; /* 0 none, 1 saved, 2 unreadable */
	__u32 reported; /* sched_prepare_exec has sent the record */
	__u32 pad;
	char comm[TRACER_COMM_LEN];
	char tty[TRACER_TTY_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct exec_stage);
} stages SEC(".maps");

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
 * Per-CPU scratch where a record is assembled. Too big for a per-CPU array
 * (32 KiB limit), so a plain array indexed by CPU, sized by userspace.
 */
struct scratch {
	struct tracer_exec_rec rec;
	char filename[TRACER_FILENAME_MAX];
	char arg0[ARG0_MAX];
	char args[TRACER_ARGBYTES_HARD_MAX + TRACER_ARG_CHUNK];
	char path_key[TRACER_EXCL_PATH_LEN];
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

static __always_inline struct scratch *get_scratch(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&scratch_map, &cpu);
}

static __always_inline __u64 wakeup_flags(void)
{
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void count_lost(void)
{
	struct tracer_cpu_stats *cs = cpu_stats();

	if (cs)
		__sync_fetch_and_add(&cs->lost, 1);
}

static __always_inline void fill_hdr(struct tracer_rec_hdr *hdr, __u32 type)
{
	struct tracer_cpu_stats *cs = cpu_stats();

	hdr->type = type;
	hdr->cpu = bpf_get_smp_processor_id();
	hdr->ts = bpf_ktime_get_ns();
	hdr->cpu_lost = 0;
	if (cs) {
		hdr->cpu_lost = cs->lost;
		__sync_fetch_and_add(&cs->events, 1);
	}
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

/* The x86_64 number of an exec syscall, or 0 when nr is not one (ia32 numbers included). */
static __always_inline __u32 exec_syscall_nr(__u64 nr)
{
	switch (nr) {
	case TRACER_NR_EXECVE:
	case TRACER_NR_EXECVEAT:
		return nr;
	case TRACER_NR_IA32_EXECVE:
		return TRACER_NR_EXECVE;
	case TRACER_NR_IA32_EXECVEAT:
		return TRACER_NR_EXECVEAT;
	}
	return 0;
}

static __always_inline __u64 leader_start_time(struct task_struct *t)
{
	return BPF_CORE_READ(t, group_leader, start_time);
}

/*
 * The watched entry of t's process, or NULL. An entry whose start time is not
 * the process's belonged to an earlier process with the same pid: drop it.
 */
static __always_inline struct tracer_proc *proc_lookup(struct task_struct *t, __u32 tgid)
{
	struct tracer_proc *p = bpf_map_lookup_elem(&proc_state, &tgid);

	if (!p)
		return NULL;
	if (p->start_time != leader_start_time(t)) {
		if (bpf_map_delete_elem(&proc_state, &tgid) == 0)
			__sync_fetch_and_sub(&watched_now, 1);
		return NULL;
	}
	return p;
}

/* Starts watching a process. An entry already there for that pid is stale. */
static __always_inline void proc_insert(__u32 tgid, __u64 start_time, __u32 flags, __u32 tty_dev)
{
	struct tracer_proc v = {
		.start_time = start_time,
		.flags = flags,
		.tty_dev = tty_dev,
	};
	struct tracer_cpu_stats *cs;
	long err;

	err = bpf_map_update_elem(&proc_state, &tgid, &v, BPF_NOEXIST);
	if (err == -17 /* EEXIST */) {
		bpf_map_update_elem(&proc_state, &tgid, &v, BPF_EXIST);
		return;
	}
	if (err) {
		cs = cpu_stats();
		if (cs)
			__sync_fetch_and_add(&cs->insert_fail, 1);
		return;
	}
	__sync_fetch_and_add(&watched_now, 1);
	__sync_fetch_and_add(&watched_total, 1);
}

static __always_inline void drop_stage(struct task_struct *t, struct exec_stage *st)
{
	if (st->arg0_state)
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

/* Syscall entry: is the caller in scope? If so, stage what only the entry knows. */
static __always_inline int exec_enter(__u32 nr, const char *filename, const char *const *argv)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	struct tracer_cpu_stats *cs;
	struct exec_stage *st;
	struct tracer_proc *p;
	__u32 tty_dev;

	if (system_wide)
		goto staged;
	p = proc_lookup(task, tgid);
	if (!p) {
		if (!tty_scope)
			return 0;
		tty_dev = task_tty(task, NULL);
		if (!tty_dev || !bpf_map_lookup_elem(&tty_set, &tty_dev))
			return 0;
		/* On a watched terminal at the moment it executes: watched from now on. */
		proc_insert(tgid, leader_start_time(task),
			    TRACER_WATCH_SELF | (watch_children ? TRACER_WATCH_CHILDREN : 0),
			    tty_dev);
	} else if (!(p->flags & TRACER_WATCH_SELF)) {
		return 0;
	}
staged:
	if (!send_exec)
		return 0;

	st = bpf_task_storage_get(&stages, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!st) {
		cs = cpu_stats();
		if (cs)
			__sync_fetch_and_add(&cs->stage_fail, 1);
		return 0;
	}
	if (st->arg0_state)
		bpf_task_storage_delete(&arg0s, task);
	stage_fill(st, task, (__u32)id, nr, (__u64)filename, (__u64)argv);
	return 0;
}

SEC("tp/syscalls/sys_enter_execve")
int tp_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter(TRACER_NR_EXECVE, (const char *)ctx->args[0],
			  (const char *const *)ctx->args[1]);
}

SEC("tp/syscalls/sys_enter_execveat")
int tp_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter(TRACER_NR_EXECVEAT, (const char *)ctx->args[1],
			  (const char *const *)ctx->args[2]);
}

/*
 * An interpreter (#! script, binfmt_misc) is about to replace argv[0]. The
 * caller's memory is still mapped and copy_strings() has faulted its strings
 * in: save argv[0] and the caller's argc. Only the first call of an exec counts.
 */
SEC("kprobe/remove_arg_zero")
int BPF_KPROBE(kp_remove_arg_zero, struct linux_binprm *bprm)
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
	struct tracer_cpu_stats *cs;

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
	cs = cpu_stats();
	if (cs)
		__sync_fetch_and_add(&cs->excluded, 1);
	return true;
}

/* Sends the assembled exec record: header, filename, arg0, arguments. */
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
		count_lost();
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
 * A successful exec, in the new image: reported here when sched_prepare_exec
 * did not (kernels before 6.10, or an exec whose entry was not staged), with
 * the arguments from the new image's argument area.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct exec_stage e = {}, *st;
	struct tracer_exec_rec *r;
	struct arg0_stash *stash;
	unsigned long arg_start, arg_end;
	struct tracer_proc *ps;
	__u32 tgid = p->tgid;
	__u32 fn_len = 0, a0_len = 0, total;
	__u32 new_argc;
	__u64 n;
	struct scratch *s;
	long len;

	if (!send_exec)
		return 0;
	if (!system_wide) {
		ps = proc_lookup(p, tgid);
		if (!ps || !(ps->flags & TRACER_WATCH_SELF))
			return 0;
	}
	st = bpf_task_storage_get(&stages, p, 0, 0);
	if (st && st->reported) {
		drop_stage(p, st);
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
		/* No entry seen (a compat syscall, or the stage could not be made). */
		__u64 ugid = bpf_get_current_uid_gid();
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(p);

		e.tid = old_pid;
		e.uid = (__u32)ugid;
		e.gid = ugid >> 32;
		e.syscall_nr = regs ? exec_syscall_nr(BPF_CORE_READ(regs, orig_ax)) : 0;
		if (!e.syscall_nr)
			e.syscall_nr = TRACER_NR_EXECVE;
		bpf_get_current_comm(e.comm, sizeof(e.comm));
		e.tty_dev = task_tty(p, e.tty);
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

	new_argc = BPF_CORE_READ(bprm, argc);
	r->argc = new_argc;
	r->skip = 0;
	if (e.arg0_state) {
		/* An interpreter took argv[0]: its strings lead, then the caller's argv[1..]. */
		r->argc = e.orig_argc;
		r->skip = new_argc + 1 > e.orig_argc ? new_argc + 1 - e.orig_argc : 0;
		r->flags |= TRACER_EXEC_HAS_ARG0;
		stash = bpf_task_storage_get(&arg0s, p, 0, 0);
		if (e.arg0_state == 1 && stash) {
			a0_len = e.arg0_len;
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

	arg_start = BPF_CORE_READ(p, mm, arg_start);
	arg_end = BPF_CORE_READ(p, mm, arg_end);
	total = arg_end > arg_start ? arg_end - arg_start : 0;
	r->args_total = total;
	n = total < max_arg_bytes ? total : max_arg_bytes;
	barrier_var(n);
	if (n > TRACER_ARGBYTES_HARD_MAX)
		n = TRACER_ARGBYTES_HARD_MAX;
	if (n && bpf_probe_read_user(s->args, n, (const void *)arg_start)) {
		r->flags |= TRACER_EXEC_ARGS_FAULT;
		n = 0;
	}
	emit_exec(s, fn_len, a0_len, n);
	if (st) {
		if (e.arg0_state)
			bpf_task_storage_delete(&arg0s, p);
		bpf_task_storage_delete(&stages, p);
	}
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

/* A failed exec: the caller is still in its old image. */
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
	drop_stage(task, st);
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
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	struct exec_stage *st;
	struct tracer_proc *ps;
	__u64 nr;

	if (!regs)
		return 0;
	nr = BPF_CORE_READ(regs, orig_ax);
	if (nr != TRACER_NR_IA32_EXECVE && nr != TRACER_NR_IA32_EXECVEAT)
		return 0;
	if (!system_wide) {
		ps = proc_lookup(task, task->tgid);
		if (!ps || !(ps->flags & TRACER_WATCH_SELF))
			return 0;
	}
	st = bpf_task_storage_get(&stages, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!st)
		return 0;
	stage_fill(st, task, task->pid, exec_syscall_nr(nr), 0, 0);
	return 0;
}

/*
 * The exec has passed its point of no return (kernels from 6.10): report it
 * with the caller's exact argv, before an interpreter rewrites it.
 */
SEC("tp_btf/sched_prepare_exec")
int BPF_PROG(on_prepare_exec, struct task_struct *task, struct linux_binprm *bprm)
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

SEC("tp/syscalls/sys_exit_execve")
int tp_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit(ctx->ret);
}

SEC("tp/syscalls/sys_exit_execveat")
int tp_exit_execveat(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit(ctx->ret);
}

static __always_inline void emit_fork(struct task_struct *parent, struct task_struct *child)
{
	struct tracer_fork_rec *r;

	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		count_lost();
		return;
	}
	fill_hdr(&r->hdr, TRACER_REC_FORK);
	r->pid = child->tgid;
	r->ppid = parent->tgid;
	r->parent_tid = parent->pid;
	r->pad = 0;
	r->start_time = child->start_time;
	bpf_get_current_comm(r->comm, sizeof(r->comm));
	bpf_ringbuf_submit(r, wakeup_flags());
}

/*
 * A new process whose parent is watched with children is watched; the fork
 * of a watched process is reported. Threads are not processes.
 */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	struct tracer_proc *ps;
	__u32 flags, tty_dev;

	if (ctgid == ptgid)
		return 0;
	if (system_wide) {
		if (send_fork)
			emit_fork(parent, child);
		return 0;
	}
	ps = proc_lookup(parent, ptgid);
	if (!ps)
		return 0;
	flags = ps->flags;
	tty_dev = ps->tty_dev;
	if (flags & TRACER_WATCH_CHILDREN)
		proc_insert(ctgid, child->start_time, TRACER_WATCH_SELF | TRACER_WATCH_CHILDREN,
			    tty_dev);
	if (send_fork && (flags & TRACER_WATCH_SELF))
		emit_fork(parent, child);
	return 0;
}

/*
 * A process leaves the scope only when its last thread is gone. Its status is
 * the one wait(2) reports: the group exit code when the process was ended as
 * a whole (exit_group, a fatal signal, with 0x80 once a core was dumped),
 * else the leader's own exit code.
 */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *p)
{
	struct task_struct *leader;
	struct tracer_exit_rec *r;
	struct signal_struct *sig;
	struct tracer_proc *ps;
	bool stale;
	__u32 tgid;

	sig = p->signal;
	if (BPF_CORE_READ(sig, live.counter) != 0)
		return 0;
	tgid = p->tgid;
	if (system_wide) {
		if (!send_exit)
			return 0;
		goto report;
	}
	ps = bpf_map_lookup_elem(&proc_state, &tgid);
	if (!ps)
		return 0;
	stale = ps->start_time != leader_start_time(p);
	if (bpf_map_delete_elem(&proc_state, &tgid) == 0)
		__sync_fetch_and_sub(&watched_now, 1);
	/* An entry of an earlier process with the same pid, or no exit events asked. */
	if (stale || !send_exit)
		return 0;
report:

	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		count_lost();
		return 0;
	}
	leader = p->group_leader;
	fill_hdr(&r->hdr, TRACER_REC_EXIT);
	r->pid = tgid;
	r->ppid = BPF_CORE_READ(p, real_parent, tgid);
	if (BPF_CORE_READ(sig, flags) & SIGNAL_GROUP_EXIT)
		r->exit_code = BPF_CORE_READ(sig, group_exit_code);
	else
		r->exit_code = BPF_CORE_READ(leader, exit_code);
	r->pad = 0;
	r->start_time = BPF_CORE_READ(leader, start_time);
	BPF_CORE_READ_STR_INTO(&r->comm, leader, comm);
	bpf_ringbuf_submit(r, wakeup_flags());
	return 0;
}

/*
 * A signal generated (queued, ignored, or found already pending), reported
 * when its target's process is watched, or when a watched process sent it
 * with kill(2), tgkill(2), sigqueue(3) and the like. A kernel-generated
 * signal has no sending process: whichever task was running (the faulting
 * task, an exiting child, or one an interrupt landed on) is named with it
 * but does not bring it into scope. Out of scope, this costs the target's
 * map lookup and, for a signal from a kill-like call, the sender's.
 */
SEC("tp_btf/signal_generate")
int BPF_PROG(on_signal, int sig, struct kernel_siginfo *info, struct task_struct *task, int group,
	     int result)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct tracer_signal_rec *r;
	__u32 flags = 0, ttgid = task->tgid;
	__u64 blocked;
	int code;

	if (!send_signal)
		return 0;
	if (system_wide || proc_lookup(task, ttgid))
		flags |= TRACER_SIG_TARGET_WATCHED;
	/* SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1) are not pointers: in-kernel senders. */
	if ((unsigned long)info == 0) {
		code = SI_USER;
		flags |= TRACER_SIG_KERNEL;
	} else if ((unsigned long)info == 1) {
		code = SI_KERNEL;
		flags |= TRACER_SIG_KERNEL;
	} else {
		code = BPF_CORE_READ(info, si_code);
		if (code != SI_USER && code != SI_QUEUE && code != SI_TKILL)
			flags |= TRACER_SIG_KERNEL;
	}
	if (!(flags & TRACER_SIG_KERNEL) &&
	    proc_lookup(bpf_get_current_task_btf(), (__u32)(id >> 32)))
		flags |= TRACER_SIG_SENDER_WATCHED;
	if (!(flags & (TRACER_SIG_TARGET_WATCHED | TRACER_SIG_SENDER_WATCHED)))
		return 0;

	if (group)
		flags |= TRACER_SIG_GROUP;
	blocked = task->blocked.sig[0];
	if (sig >= 1 && sig <= 64 && ((blocked >> (sig - 1)) & 1))
		flags |= TRACER_SIG_BLOCKED;

	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		count_lost();
		return 0;
	}
	fill_hdr(&r->hdr, TRACER_REC_SIGNAL);
	r->sig = sig;
	r->code = code;
	r->result = result;
	r->flags = flags;
	r->sender_pid = id >> 32;
	r->sender_tid = (__u32)id;
	r->target_pid = ttgid;
	r->target_tid = task->pid;
	bpf_get_current_comm(r->sender_comm, sizeof(r->sender_comm));
	bpf_probe_read_kernel_str(r->target_comm, sizeof(r->target_comm), task->comm);
	bpf_ringbuf_submit(r, wakeup_flags());
	return 0;
}

/* Seeder: one record per live process (thread-group leader). */
SEC("iter/task")
int seed_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	struct tracer_task_rec r = {};

	if (!t || t->pid != t->tgid)
		return 0;
	/*
	 * A zombie whose last thread has exited was already seen leaving by the
	 * exit program (or before it was attached), and its children have been
	 * re-parented: it is not a live process and has no descendants here.
	 */
	if (BPF_CORE_READ(t, signal, live.counter) == 0)
		return 0;
	r.pid = t->tgid;
	r.ppid = BPF_CORE_READ(t, real_parent, tgid);
	r.tty_dev = task_tty(t, NULL);
	r.start_time = t->start_time;
	BPF_CORE_READ_STR_INTO(&r.comm, t, comm);
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}
