/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The seeder: userspace reads an iter/task link to learn the processes that
 * already exist (pid, parent, terminal, start time). The fork and exit
 * programs are attached before it runs, so a process is either listed here
 * or seen forking.
 *
 * While the start-up seeding runs (seeding), the iterator also puts in
 * proc_state what is in scope by the rules of src/lib/scope.c: a root, a
 * process on a watched terminal, and with watch_children a child of a root
 * or of a watched process. Tasks come in pid order, so a parent is met
 * before its children, and a child a parent forks once it is watched is
 * the fork program's: one pass is enough where userspace, inserting after
 * the listing, needed a second one to find what its scope forked meanwhile.
 * What it cannot see, userspace finds in the listing and inserts (a child
 * listed before its parent, pids having wrapped), and the fork program
 * says when a fork may have escaped both (seed_wrapped).
 */
#ifndef TRACER_SEED_BPF_H
#define TRACER_SEED_BPF_H

#include "maps.bpf.h"
#include "scope.bpf.h"

/*
 * Whether the process of r (a live leader without an entry; parent is its
 * real parent) is in scope, as scope_select() decides. For
 * tracer_watch_pid() (TRACER_SEEDING_WATCH) only its root is: userspace
 * finds the root's descendants in the listing, and no other.
 */
static __always_inline bool seed_in_scope(struct tracer_task_rec *r, struct task_struct *parent)
{
	struct tracer_proc *pp;

	if (bpf_map_lookup_elem(&seed_roots, &r->pid))
		return true;
	if (seeding != TRACER_SEEDING_START)
		return false;
	if (tty_scope && r->tty_dev && bpf_map_lookup_elem(&tty_set, &r->tty_dev))
		return true;
	if (!watch_children)
		return false;
	/* A root's children are in even when the root is not listed (pid 1 on some kernels). */
	if (bpf_map_lookup_elem(&seed_roots, &r->ppid))
		return true;
	pp = proc_lookup(parent, r->ppid);
	return pp && (pp->flags & TRACER_WATCH_CHILDREN);
}

/*
 * Watches t, found in scope by the iterator: its record's flags. Its last
 * thread may have ended since the iterator saw it alive, before the entry
 * was there for the exit program to take out: the entry is then taken out
 * here. The atomic add of the insert and the one of the exit's decrement
 * of signal->live order the two, so one of them sees the other.
 */
static __always_inline __u32 seed_insert(struct task_struct *t, __u32 tgid, __u32 tty_dev)
{
	struct tracer_proc v = {
		.start_time = t->start_time,
		.flags = TRACER_WATCH_SELF | (watch_children ? TRACER_WATCH_CHILDREN : 0),
		.tty_dev = tty_dev,
	};
	struct tracer_proc *p;
	int err;

	proc_bit_set(tgid);
	/* An int: before 6.4 the result is not sign-extended (compat.bpf.h). */
	err = bpf_map_update_elem(&proc_state, &tgid, &v, BPF_NOEXIST);
	if (err)
		return TRACER_TASK_UNINSERTED; /* full: userspace tries, and says so */
	__sync_fetch_and_add(&watched_now, 1);
	__sync_fetch_and_add(&watched_total, 1);
	if (BPF_CORE_READ(t, signal, live.counter) > 0)
		return TRACER_TASK_WATCHED;
	p = bpf_map_lookup_elem(&proc_state, &tgid);
	if (p && p->start_time == v.start_time)
		proc_delete(tgid);
	return 0;
}

/* One record per live process (thread-group leader). */
static __always_inline int seed_task(struct seq_file *seq, struct task_struct *t)
{
	struct tracer_task_rec r = {};
	struct task_struct *parent;

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
	parent = BPF_CORE_READ(t, real_parent);
	r.ppid = BPF_CORE_READ(parent, tgid);
	r.tty_dev = task_tty(t, NULL);
	r.start_time = t->start_time;
	if (seeding && !system_wide) {
		if (proc_lookup(t, r.pid))
			r.flags = TRACER_TASK_WATCHED;
		else if (seed_in_scope(&r, parent))
			r.flags = seed_insert(t, r.pid, r.tty_dev);
	}
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}

#endif /* TRACER_SEED_BPF_H */
