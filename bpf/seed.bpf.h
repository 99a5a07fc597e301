/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The seeder: userspace reads an iter/task link once at start-up to learn the
 * processes that already exist (pid, parent, terminal, start time), and
 * chooses among them the roots and descendants to put in proc_state. The
 * fork and exit programs are attached before it runs, so a process is either
 * listed here or seen forking.
 */
#ifndef TRACER_SEED_BPF_H
#define TRACER_SEED_BPF_H

#include "maps.bpf.h"

/* One record per live process (thread-group leader). */
static __always_inline int seed_task(struct seq_file *seq, struct task_struct *t)
{
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
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}

#endif /* TRACER_SEED_BPF_H */
