/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * What a process used, read when its last thread ends (sched_process_exit)
 * into its exit record: CPU time, peak resident set, bytes read and
 * written, context switches.
 *
 * The kernel keeps a process's figures in two places (kernel/exit.c,
 * __exit_signal()): each thread's own in its task_struct, and the signal
 * struct's, to which a thread's are added when it is released (a thread
 * other than the leader as it exits, the leader when it is reaped), in the
 * same write section of sig->stats_lock that takes it off the group's list
 * (signal->thread_head). The group's total is the signal struct's plus
 * those of every thread still on the list, as thread_group_cputime() sums
 * them: threads that ended earlier are in the first; a leader that ended
 * first and waits as a zombie, and the threads of an exit_group still on
 * their way out, in the second. A sum that a release ran across (the
 * seqcount moved) is taken again.
 *
 * Most processes that end are single-threaded and reaped no child (a
 * compiler, /bin/true), and for them both places hold the same: the signal
 * struct's sums are still the zeros of its allocation, and only p's own
 * figures count (usage_read_alone). That path reads one of the signal
 * struct's lines that only the fork wrote, often from another CPU (the
 * sequence's), rather than four, and not the task's thread_node.
 *
 * The peak resident set is the signal struct's maxrss, in pages: do_exit()
 * folds the mm's high-water mark into it as the group dies, before the
 * tracepoint on every kernel (which comes after exit_mm() on 6.1 and 6.12,
 * and before it on 6.18: p->mm cannot be relied on), as exec_mmap() folds
 * the old image's at each exec. What the exit path spends after the
 * tracepoint is not counted: closing files, and on 6.18 tearing down the
 * address space (about 1 ms of system time per 10 MiB resident).
 *
 * rchar and wchar are the kernel's process I/O (/proc/PID/io), which
 * includes the children the process reaped (wait_task_zombie() adds theirs
 * to it); CPU time, maxrss and the context switches are its own.
 *
 * Every field read here has the same name and type on 6.1, 6.12 and 6.18;
 * rchar and wchar exist with CONFIG_TASK_XACCT only (0 without).
 */
#ifndef TRACER_USAGE_BPF_H
#define TRACER_USAGE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "wire.h"
#include "compat.bpf.h"

#ifdef TRACER_BPF_NO_USAGE
/*
 * scripts/bench's baseline only (CMake option TRACER_BPF_NO_USAGE): the exit
 * program without the usage read, whose cost is the difference. The usage
 * fields are left as the ring buffer had them, unflagged: writing them is part
 * of that cost.
 */
static __always_inline void usage_read(struct tracer_exit_rec *r, struct task_struct *p,
				       struct signal_struct *sig)
{
}
#else
/* Threads summed at most; a larger group's exit carries no usage. */
#define USAGE_THREADS_MAX (1u << 16)

/* The walk over the group's list, and the sums (bpf_loop() state). */
struct usage_walk {
	__u64 head; /* &sig->thread_head: where the list ends */
	__u64 node; /* the next thread's thread_node */
	__u64 self; /* the exiting thread: counted apart, through its trusted pointer */
	__u64 utime, stime, runtime, nvcsw, nivcsw, rchar, wchar;
	__u32 done; /* the walk came back to head */
	__u32 pad;
};

/* Another thread's figures, through probes: the program holds no reference to it. */
static __always_inline void usage_add_thread(struct usage_walk *w, struct task_struct *t)
{
	w->utime += BPF_CORE_READ(t, utime);
	w->stime += BPF_CORE_READ(t, stime);
	w->runtime += BPF_CORE_READ(t, se.sum_exec_runtime);
	w->nvcsw += BPF_CORE_READ(t, nvcsw);
	w->nivcsw += BPF_CORE_READ(t, nivcsw);
	if (bpf_core_field_exists(t->ioac.rchar)) {
		w->rchar += BPF_CORE_READ(t, ioac.rchar);
		w->wchar += BPF_CORE_READ(t, ioac.wchar);
	}
}

/*
 * bpf_loop() callback: one thread of the list. The list is RCU's, and the
 * program runs under rcu_read_lock(): a thread taken off meanwhile is not
 * freed, and its next still leads on.
 */
static long usage_step(__u32 i, void *ctx)
{
	struct usage_walk *w = ctx;
	__u64 next = 0, t;

	if (w->node == w->head) {
		w->done = 1;
		return 1;
	}
	t = w->node - bpf_core_field_offset(struct task_struct, thread_node);
	if (t != w->self)
		usage_add_thread(w, (struct task_struct *)t);
	if (bpf_probe_read_kernel(&next, sizeof(next), (void *)w->node) || !next)
		return 1;
	w->node = next;
	return 0;
}

/* The group's sums into w: the signal struct's, p's, and the other threads still listed. */
static __always_inline void usage_sum(struct usage_walk *w, struct task_struct *p,
				      struct signal_struct *sig)
{
	w->head = (__u64)&sig->thread_head;
	w->node = (__u64)sig->thread_head.next;
	w->self = (__u64)p;
	w->utime = sig->utime + p->utime;
	w->stime = sig->stime + p->stime;
	w->runtime = sig->sum_sched_runtime + p->se.sum_exec_runtime;
	w->nvcsw = sig->nvcsw + p->nvcsw;
	w->nivcsw = sig->nivcsw + p->nivcsw;
	w->rchar = 0;
	w->wchar = 0;
	if (bpf_core_field_exists(p->ioac.rchar)) {
		w->rchar = sig->ioac.rchar + p->ioac.rchar;
		w->wchar = sig->ioac.wchar + p->ioac.wchar;
	}
	w->done = 0;
	/*
	 * p alone on the list (a single-threaded process): no walk. Its next is
	 * read with a helper: a direct load of a pointer from p makes the
	 * verifier search the kernel's BTF at every start (doc/architecture.md).
	 */
	if (w->node == (__u64)&p->thread_node &&
	    (__u64)BPF_CORE_READ(p, thread_node.next) == w->head)
		w->done = 1;
	else
		bpf_loop(USAGE_THREADS_MAX, usage_step, w, 0);
}

static __always_inline __u32 stats_seq(struct signal_struct *sig)
{
	return *(volatile __u32 *)&sig->stats_lock.seqcount.seqcount.sequence;
}

/*
 * The usage of a process whose only thread ever is p and that reaped no
 * child, or false. Everything added to the signal struct's sums (a thread's
 * release, __exit_signal(); a child's reaping, wait_task_zombie()) is added
 * in a write section of stats_lock: while its sequence is 0, they are the
 * zeros copy_signal() allocated. nr_threads is read first: a release that
 * had taken a thread off the list by then had moved the sequence before
 * (one write section; x86 orders loads), and p, the last thread, starts
 * none. A sequence that wrapped to 0 after 2^31 reaps is taken for none.
 */
static __always_inline bool usage_read_alone(struct tracer_exit_rec *r, struct task_struct *p,
					     struct signal_struct *sig)
{
	if (*(volatile int *)&sig->nr_threads != 1)
		return false;
	barrier();
	if (stats_seq(sig) != 0)
		return false;
	r->utime = p->utime;
	r->stime = p->stime;
	r->runtime = p->se.sum_exec_runtime;
	r->maxrss_kib = (__u64)sig->maxrss << (PAGE_SHIFT - 10);
	r->rchar = 0;
	r->wchar = 0;
	if (bpf_core_field_exists(p->ioac.rchar)) {
		r->rchar = p->ioac.rchar;
		r->wchar = p->ioac.wchar;
	}
	r->nvcsw = p->nvcsw;
	r->nivcsw = p->nivcsw;
	r->flags |= TRACER_EXIT_HAS_USAGE;
	return true;
}

/*
 * Fills r's usage fields and sets TRACER_EXIT_HAS_USAGE; zeros without it when
 * the group had more threads than the walk takes. p: the exiting thread.
 */
static __always_inline void usage_read(struct tracer_exit_rec *r, struct task_struct *p,
				       struct signal_struct *sig)
{
	struct usage_walk w;
	__u32 seq;
	int attempt;

	if (usage_read_alone(r, p, sig))
		return;
	for (attempt = 0; attempt < 2; attempt++) {
		seq = stats_seq(sig);
		barrier();
		usage_sum(&w, p, sig);
		barrier();
		/* Even and unchanged: no release ran across the sum. A second race is let be. */
		if (!(seq & 1) && seq == stats_seq(sig))
			break;
	}
	if (!w.done)
		__builtin_memset(&w, 0, sizeof(w));
	r->utime = w.utime;
	r->stime = w.stime;
	r->runtime = w.runtime;
	r->maxrss_kib = w.done ? (__u64)sig->maxrss << (PAGE_SHIFT - 10) : 0;
	r->rchar = w.rchar;
	r->wchar = w.wchar;
	r->nvcsw = w.nvcsw;
	r->nivcsw = w.nivcsw;
	if (w.done)
		r->flags |= TRACER_EXIT_HAS_USAGE;
}
#endif /* TRACER_BPF_NO_USAGE */

#endif /* TRACER_USAGE_BPF_H */
