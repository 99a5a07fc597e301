/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Which file ran, and where: what only the kernel knows about an exec,
 * whatever the paths say.
 *
 *   exe_ino, exe_dev  the inode of the file exe names: bprm->file, or for an
 *                     interpreted exec (#!, binfmt_misc) the caller's file,
 *                     which the kernel closes before the exec is reported;
 *                     saved when the interpreter takes over (a kprobe on
 *                     remove_arg_zero; 0 where kprobes cannot attach)
 *   mntns, pidns      the inode numbers of the process's namespaces
 *   ns_pid            its pid in its own pid namespace
 *   cgroup_id, cgroup its cgroup v2 and that cgroup's path from the v2 root
 *
 * A path is what the process sees: a file bind-mounted over /usr/bin/passwd
 * is reported by that path, and only its inode tells it apart. The cgroup's
 * path is built from its kernfs nodes at the exec, while the task is in it
 * (a cgroup cannot be removed while it holds a task): a group removed before
 * userspace reads the record is named all the same.
 */
#ifndef TRACER_IDENT_BPF_H
#define TRACER_IDENT_BPF_H

#include "maps.bpf.h"
#include "compat.bpf.h"
#include "scope.bpf.h"
#include "exclude.bpf.h"

/*
 * The caller's own file of an interpreted exec, taken at its first
 * remove_arg_zero(), keyed by the exec's bprm: an entry left by an exec
 * that failed later is not taken for another's.
 */
struct script_id {
	__u64 bprm;
	struct tracer_file_id id;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct script_id);
} script_ids SEC(".maps");

/*
 * remove_arg_zero(): an interpreter is about to take over, bprm->file is
 * still the file the caller named. Only the first call of an exec counts: an
 * interpreter that is a script itself calls it again, once bprm->interp has
 * left bprm->filename.
 */
static __always_inline void script_id_save(struct linux_binprm *bprm)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct script_id *v;

	if (!send_exec || BPF_CORE_READ(bprm, interp) != BPF_CORE_READ(bprm, filename))
		return;
	if (!proc_watched(task, task->tgid))
		return;
	v = bpf_task_storage_get(&script_ids, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!v)
		return;
	v->bprm = (__u64)bprm;
	file_id(BPF_CORE_READ(bprm, file), &v->id);
}

/* The file exe names (see above); none for a failed exec (bprm NULL). */
static __always_inline void exe_identity(struct tracer_exec_rec *r, struct task_struct *task,
					 struct linux_binprm *bprm)
{
	struct tracer_file_id id = {};
	struct script_id *v;

	if (bprm && BPF_CORE_READ(bprm, interp) != BPF_CORE_READ(bprm, filename)) {
		v = bpf_task_storage_get(&script_ids, task, 0, 0);
		if (v) {
			if (v->bprm == (__u64)bprm)
				id = v->id;
			bpf_task_storage_delete(&script_ids, task);
		}
	} else if (bprm) {
		file_id(BPF_CORE_READ(bprm, file), &id);
	}
	r->exe_ino = id.ino;
	r->exe_dev = id.dev;
}

/*
 * The pid namespace the process is in and its pid there: its leader's pid
 * (at sched_prepare_exec the caller may be another thread, which de_thread()
 * has not made the leader yet), at the deepest level, which is the
 * namespace's own.
 */
static __always_inline void task_namespaces(struct tracer_exec_rec *r, struct task_struct *t)
{
	struct pid *pid = BPF_CORE_READ(t, group_leader, thread_pid);
	__u32 level = BPF_CORE_READ(pid, level);
	struct upid up = {};

	if (level > 32) /* MAX_PID_NS_LEVEL */
		level = 0;
	bpf_probe_read_kernel(&up, sizeof(up),
			      (void *)pid + bpf_core_field_offset(struct pid, numbers) +
				      level * sizeof(struct upid));
	r->ns_pid = up.nr;
	r->pidns = BPF_CORE_READ(up.ns, ns.inum);
	r->mntns = BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
}

/* bpf_loop() callback: one cgroup name prepended, one step up; the root has none. */
static long cgroup_walk_step(__u32 i, void *data)
{
	struct scratch *s = *(struct scratch **)data;
	struct cgroup_walk *w = &s->cw;
	struct kernfs_node *kn = (struct kernfs_node *)w->kn, *parent;
	__u32 len, pos;
	long n;

	parent = kernfs_parent(kn);
	if (!parent)
		goto done;
	n = bpf_probe_read_kernel_str(s->cgname, sizeof(s->cgname), BPF_CORE_READ(kn, name));
	if (n <= 1) {
		w->flags |= TRACER_PATHF_FAULT;
		goto done;
	}
	len = n - 1;
	pos = w->pos;
	if (pos > PATH_END || len + 1 >= pos) {
		w->flags |= TRACER_PATHF_CUT;
		goto done;
	}
	pos -= len + 1;
	if (pos >= PATH_END)
		goto done;
	barrier_var(pos);
	pos &= PATH_END - 1;
	s->slots[SLOT_CGROUP][pos] = '/';
	barrier_var(len);
	len &= CGROUP_NAME_MAX;
	bpf_probe_read_kernel(&s->slots[SLOT_CGROUP][pos + 1], len, s->cgname);
	w->pos = pos;
	w->kn = (__u64)parent;
	return 0;
done:
	w->done = 1;
	return 1;
}

/*
 * The path of the cgroup whose node is kn into the cgroup slot; fills pr and
 * returns where the path starts. A path that does not fit whole (over
 * TRACER_PATH_MAX bytes) is not sent: pr->len 0, unknown.
 */
static __always_inline __u32 cgroup_path(struct scratch *s, struct kernfs_node *kn,
					 struct tracer_path_rec *pr)
{
	struct cgroup_walk *w = &s->cw;
	__u32 pos;

	pr->len = 0;
	pr->flags = 0;
	if (!kn)
		return 0;
	w->kn = (__u64)kn;
	w->pos = PATH_END;
	w->flags = 0;
	w->done = 0;
	bpf_loop(TRACER_PATH_DEPTH, cgroup_walk_step, &s, 0);
	if (!w->done || w->flags)
		return 0;
	pos = w->pos;
	if (pos >= PATH_END) {
		/* The root cgroup. */
		pos = PATH_END - 1;
		s->slots[SLOT_CGROUP][PATH_END - 1] = '/';
	}
	pr->len = PATH_END - pos;
	return pos;
}

/* Everything above into the record and the cgroup slot (bprm NULL: a failed exec). */
static __always_inline void exec_identity(struct scratch *s, struct task_struct *task,
					  struct linux_binprm *bprm)
{
	struct tracer_exec_rec *r = &s->rec;
	struct kernfs_node *kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);

	exe_identity(r, task, bprm);
	task_namespaces(r, task);
	r->cgroup_id = BPF_CORE_READ(kn, id);
	s->path_pos[SLOT_CGROUP] = cgroup_path(s, kn, &r->cgroup);
	s->slot_of[SLOT_CGROUP] = SLOT_CGROUP;
}

#endif /* TRACER_IDENT_BPF_H */
