/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * --cgroup: the scope narrowed to the processes of one cgroup v2 subtree,
 * in the kernel, at each record: the exec (the caller), the fork (the
 * parent), the exit (the process), the signal (its target, or the process
 * that sent it). A process outside the subtree stays in proc_state, so that
 * its children are watched as before; only its records are not sent.
 *
 * The current task is tested by bpf_current_task_under_cgroup() against the
 * cgroup userspace put in cgroup_scope_map (a descriptor of its directory:
 * the kernel checks that it is a cgroup v2 one): the kernel compares one
 * ancestor pointer at the task's cgroup level, whatever the depth. A signal's
 * target is another task: its cgroup's ancestors are walked up to the root,
 * comparing their ids with cgroup_scope_id. Without --cgroup, cgroup_scope is
 * false and the verifier drops all of it.
 */
#ifndef TRACER_CGSCOPE_BPF_H
#define TRACER_CGSCOPE_BPF_H

#include "maps.bpf.h"
#include "compat.bpf.h"

/* Set by userspace before load. */
const volatile bool cgroup_scope = false;
const volatile __u64 cgroup_scope_id = 0;

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroup_scope_map SEC(".maps");

/* Whether the current task is in the --cgroup subtree (always true without --cgroup). */
static __always_inline bool cgroup_current_in_scope(void)
{
	if (!cgroup_scope)
		return true;
	return bpf_current_task_under_cgroup(&cgroup_scope_map, 0) == 1;
}

struct cgroup_under {
	struct kernfs_node *kn;
	bool in;
};

/* bpf_loop() callback: is the node the scope's? If not, one step up. */
static long cgroup_under_step(__u32 i, void *data)
{
	struct cgroup_under *u = data;
	struct kernfs_node *kn = u->kn;

	if (!kn)
		return 1;
	if (BPF_CORE_READ(kn, id) == cgroup_scope_id) {
		u->in = true;
		return 1;
	}
	u->kn = kernfs_parent(kn);
	return 0;
}

/* Whether task t is in the --cgroup subtree (always true without --cgroup). */
static __always_inline bool cgroup_task_in_scope(struct task_struct *t)
{
	struct cgroup_under u = {};

	if (!cgroup_scope)
		return true;
	u.kn = BPF_CORE_READ(t, cgroups, dfl_cgrp, kn);
	bpf_loop(TRACER_PATH_DEPTH, cgroup_under_step, &u, 0);
	return u.in;
}

#endif /* TRACER_CGSCOPE_BPF_H */
