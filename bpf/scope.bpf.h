/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The scope: which processes are watched. proc_state holds one entry per
 * watched process, keyed by tgid: userspace puts the roots in (and the
 * processes the seeder found below them), a fork under a root watched with
 * children adds the child, an exec on a watched terminal adds the caller,
 * and the exit of the last thread takes the process out. Threads are not
 * processes: they share their process's entry.
 *
 * An entry carries the group leader's start time: a pid the kernel has
 * reused names another process, and the entry found under it is dropped.
 */
#ifndef TRACER_SCOPE_BPF_H
#define TRACER_SCOPE_BPF_H

#include "maps.bpf.h"
#include "compat.bpf.h"
#include "cgscope.bpf.h"
#include "usage.bpf.h"

/*
 * proc_bits spares a process out of scope the hash lookup. Bit tgid clear:
 * tgid has no entry. Set: it may have one, proc_state decides. Exact because:
 *
 * - Every insert sets the bit before the entry can be seen (proc_insert,
 *   and userspace's insert through its mapping). A lookup that finds the bit
 *   clear ran before the insert: the atomic or is a full barrier, and a new
 *   process runs its first program after its parent's fork program returned.
 * - A delete never clears it. The delete of a stale entry (proc_lookup) or
 *   userspace's (unwatch, drop_dead) can meet an insert at the same pid, and
 *   a clear after that insert would hide a live entry. A bit set without an
 *   entry only costs a hash lookup.
 * - The end of the process that holds the pid clears it, after its delete
 *   (scope_exit). Until that process is reaped its pid is not free, so no
 *   fork inserts at it; every thread is past the decrement of signal->live,
 *   so none can exec and insert itself (the terminal path). No program
 *   inserts at that pid before a fork reuses it, and the pid allocator's
 *   lock orders that fork's set after the clear.
 * - Only userspace can insert at the same time, for a process it saw alive.
 *   An entry it makes for one that has just ended can be left with its bit
 *   clear: it is stale, which the clear bit answers rightly, and the seeding
 *   drops it (drop_dead: the process is not in the next snapshot).
 *
 * A pid beyond the array (pid_max raised since start-up) has no bit: the
 * hash decides.
 */
static __always_inline __u64 *proc_bit_word(__u32 tgid)
{
	__u32 i = tgid / 64;

	return bpf_map_lookup_elem(&proc_bits, &i);
}

static __always_inline bool proc_maybe(__u32 tgid)
{
	__u64 *w = proc_bit_word(tgid);

	return !w || (*(volatile __u64 *)w & (1ull << (tgid % 64)));
}

static __always_inline void proc_bit_set(__u32 tgid)
{
	__u64 *w = proc_bit_word(tgid);

	if (w)
		__sync_fetch_and_or(w, 1ull << (tgid % 64));
}

/* Only for the exit that ends the process holding tgid: see above. */
static __always_inline void proc_bit_clear(__u32 tgid)
{
	__u64 *w = proc_bit_word(tgid);

	if (w)
		__sync_fetch_and_and(w, ~(1ull << (tgid % 64)));
}

/*
 * Takes tgid's entry out; true for the one caller whose delete removed it.
 * The result is an int, compared as one (compat.bpf.h: before 6.4 it is not
 * sign-extended).
 */
static __always_inline bool proc_delete(__u32 tgid)
{
	int err = bpf_map_delete_elem(&proc_state, &tgid);

	if (err)
		return false;
	/* The scope is empty: tracer --pid ends now, not at its next timer. */
	if (__sync_fetch_and_sub(&watched_now, 1) == 1)
		wake_reader();
	return true;
}

/*
 * The watched entry of t's process, or NULL. An entry whose start time is not
 * the process's belonged to an earlier process with the same pid: drop it.
 */
static __always_inline struct tracer_proc *proc_lookup(struct task_struct *t, __u32 tgid)
{
	struct tracer_proc *p;

	if (!proc_maybe(tgid))
		return NULL;
	p = bpf_map_lookup_elem(&proc_state, &tgid);
	if (!p)
		return NULL;
	if (p->start_time != leader_start_time(t)) {
		proc_delete(tgid);
		return NULL;
	}
	return p;
}

/* Whether t's process is in scope: always with --all, else when it has an entry. */
static __always_inline bool proc_watched(struct task_struct *t, __u32 tgid)
{
	return system_wide || proc_lookup(t, tgid);
}

/* Starts watching a process. An entry already there for that pid is stale. */
static __always_inline void proc_insert(__u32 tgid, __u64 start_time, __u32 flags, __u32 tty_dev)
{
	struct tracer_proc v = {
		.start_time = start_time,
		.flags = flags,
		.tty_dev = tty_dev,
	};
	int err;

	proc_bit_set(tgid);
	/* An int: before 6.4 the result is not sign-extended (compat.bpf.h). */
	err = bpf_map_update_elem(&proc_state, &tgid, &v, BPF_NOEXIST);
	if (err == -EEXIST) {
		bpf_map_update_elem(&proc_state, &tgid, &v, BPF_EXIST);
		return;
	}
	if (err) {
		stat_inc(insert_fail);
		return;
	}
	__sync_fetch_and_add(&watched_now, 1);
	__sync_fetch_and_add(&watched_total, 1);
}

static __always_inline void emit_fork(struct task_struct *parent, struct task_struct *child)
{
	struct tracer_fork_rec *r = rec_reserve(sizeof(*r), TRACER_REC_FORK);

	if (!r)
		return;
	r->pid = child->tgid;
	r->ppid = parent->tgid;
	r->parent_tid = parent->pid;
	r->pad = 0;
	r->start_time = child->start_time;
	bpf_get_current_comm(r->comm, sizeof(r->comm));
	rec_submit(r);
}

/*
 * A new process whose parent is watched with children is watched; the fork
 * of a watched process is reported. Threads are not processes.
 */
static __always_inline int scope_fork(struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	struct tracer_proc *ps;

	if (ctgid == ptgid)
		return 0;
	if (system_wide) {
		if (send_fork && cgroup_current_in_scope())
			emit_fork(parent, child);
		return 0;
	}
	ps = proc_lookup(parent, ptgid);
	if (!ps) {
		/* The seeding's iterator may be past the child's pid already (seed.bpf.h). */
		if (seeding && ctgid < ptgid)
			seed_wrapped = 1;
		return 0;
	}
	if (ps->flags & TRACER_WATCH_CHILDREN)
		proc_insert(ctgid, child->start_time, TRACER_WATCH_SELF | TRACER_WATCH_CHILDREN,
			    ps->tty_dev);
	if (send_fork && cgroup_current_in_scope())
		emit_fork(parent, child);
	return 0;
}

/*
 * Its status is the one wait(2) reports: the group exit code when the process
 * was ended as a whole (exit_group, a fatal signal, with 0x80 once a core was
 * dumped), else the leader's own exit code. Then what the process used
 * (usage.bpf.h).
 */
static __always_inline void emit_exit(struct task_struct *p, struct signal_struct *sig, __u32 tgid)
{
	struct task_struct *leader;
	struct tracer_exit_rec *r;

	r = rec_reserve(sizeof(*r), TRACER_REC_EXIT);
	if (!r)
		return;
	/*
	 * Most often p leads its process. Else the leader is read with a
	 * helper: a direct load of a pointer from p makes the verifier search
	 * the kernel's BTF at every start (doc/architecture.md).
	 */
	leader = p->pid == tgid ? p : BPF_CORE_READ(p, group_leader);
	r->pid = tgid;
	r->ppid = BPF_CORE_READ(p, real_parent, tgid);
	if (BPF_CORE_READ(sig, flags) & SIGNAL_GROUP_EXIT)
		r->exit_code = BPF_CORE_READ(sig, group_exit_code);
	else
		r->exit_code = BPF_CORE_READ(leader, exit_code);
	r->flags = 0;
	r->start_time = BPF_CORE_READ(leader, start_time);
	BPF_CORE_READ_STR_INTO(&r->comm, leader, comm);
	usage_read(r, p, sig);
	rec_submit(r);
}

/*
 * With --all, where the kernel cannot say which thread ended the process:
 * whether this one is the first to claim the report, on the leader (which
 * outlives its threads). A claim that cannot be made reports anyway.
 */
static __always_inline bool exit_claim(struct task_struct *p)
{
	__u64 *c = bpf_task_storage_get(&exit_claims, p->group_leader, 0,
					BPF_LOCAL_STORAGE_GET_F_CREATE);

	return !c || __sync_val_compare_and_swap(c, 0, 1) == 0;
}

/*
 * A process leaves the scope, and is reported, once: when its last thread is
 * gone (ctx: the tracepoint's arguments, see exit_ends_process). Before the
 * kernel says which thread that is, several threads of an exit_group can
 * take themselves for it: only the one whose delete removes the entry (with
 * --all, whose claim succeeds) reports.
 */
static __always_inline int scope_exit(unsigned long long *ctx, struct task_struct *p)
{
	enum exit_last last = exit_ends_process(ctx, p);
	struct signal_struct *sig = p->signal;
	struct tracer_proc *ps;
	bool stale, deleted;
	__u32 tgid;

	if (last == EXIT_NOT_LAST)
		return 0;
	tgid = p->tgid;
	if (system_wide) {
		if (send_exit && cgroup_current_in_scope() && (last == EXIT_LAST || exit_claim(p)))
			emit_exit(p, sig, tgid);
		return 0;
	}
	if (!proc_maybe(tgid))
		return 0;
	ps = bpf_map_lookup_elem(&proc_state, &tgid);
	if (!ps) {
		proc_bit_clear(tgid);
		return 0;
	}
	stale = ps->start_time != leader_start_time(p);
	deleted = proc_delete(tgid);
	proc_bit_clear(tgid);
	/* An entry of an earlier process with the same pid, or no exit events asked. */
	if (!deleted || stale || !send_exit || !cgroup_current_in_scope())
		return 0;
	emit_exit(p, sig, tgid);
	return 0;
}

#endif /* TRACER_SCOPE_BPF_H */
