/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Signals: one record per signal generated (queued, ignored, or found already
 * pending) when its target's process is watched, or when a watched process
 * sent it with kill(2), tgkill(2), sigqueue(3) and the like.
 *
 * A kernel-generated signal has no sending process: whichever task was
 * running (the faulting task, an exiting child, or one an interrupt landed
 * on) is named with it but does not bring it into scope. Out of scope, a
 * signal costs the target's map lookup and, for one from a kill-like call,
 * the sender's.
 */
#ifndef TRACER_SIGNAL_BPF_H
#define TRACER_SIGNAL_BPF_H

#include "maps.bpf.h"
#include "compat.bpf.h"
#include "scope.bpf.h"

/* The si_code the target will see; TRACER_SIG_KERNEL into *flags unless a process sent it. */
static __always_inline int signal_code(struct kernel_siginfo *info, __u32 *flags)
{
	int code;

	if (info == SEND_SIG_NOINFO) {
		*flags |= TRACER_SIG_KERNEL;
		return SI_USER;
	}
	if (info == SEND_SIG_PRIV) {
		*flags |= TRACER_SIG_KERNEL;
		return SI_KERNEL;
	}
	code = BPF_CORE_READ(info, si_code);
	if (code != SI_USER && code != SI_QUEUE && code != SI_TKILL)
		*flags |= TRACER_SIG_KERNEL;
	return code;
}

static __always_inline int signal_generated(int sig, struct kernel_siginfo *info,
					    struct task_struct *task, int group, int result)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct tracer_signal_rec *r;
	__u32 flags = 0, ttgid = task->tgid;
	__u64 blocked;
	int code;

	if (!send_signal)
		return 0;
	if (proc_watched(task, ttgid) && cgroup_task_in_scope(task))
		flags |= TRACER_SIG_TARGET_WATCHED;
	code = signal_code(info, &flags);
	if (!(flags & TRACER_SIG_KERNEL) &&
	    proc_lookup(bpf_get_current_task_btf(), (__u32)(id >> 32)) && cgroup_current_in_scope())
		flags |= TRACER_SIG_SENDER_WATCHED;
	if (!(flags & (TRACER_SIG_TARGET_WATCHED | TRACER_SIG_SENDER_WATCHED)))
		return 0;

	if (group)
		flags |= TRACER_SIG_GROUP;
	blocked = task->blocked.sig[0];
	if (sig >= 1 && sig <= 64 && ((blocked >> (sig - 1)) & 1))
		flags |= TRACER_SIG_BLOCKED;

	r = rec_reserve(sizeof(*r), TRACER_REC_SIGNAL);
	if (!r)
		return 0;
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
	rec_submit(r);
	return 0;
}

#endif /* TRACER_SIGNAL_BPF_H */
