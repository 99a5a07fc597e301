/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * --stop-at: a watched process whose exec matches one of the patterns is
 * stopped before it runs its first instruction, for a debugger to attach.
 *
 * At sched_process_exec the exec has passed its point of no return and the
 * new image is in place: the task is on its way back to user space, still in
 * the execve() syscall. A SIGSTOP sent now from the BPF program (the task is
 * current: bpf_send_signal() queues it directly, with the kernel's privilege)
 * is taken on that return, before the new program's entry point runs. The
 * decision is made here, in the kernel, never after the program has started.
 *
 * The subjects: the resolved path of the file the kernel executed (for a #!
 * script: its interpreter), the filename the kernel was given (bprm->filename:
 * a script's own path, as the caller named it) and the basename of each.
 * The patterns are compiled by userspace (src/lib/stopglob.c) into
 * stop_globs before load, and matched by common/glob.h, one step per
 * bpf_loop() iteration. With no pattern, stop_count is 0 and the verifier
 * drops all of this.
 *
 * With stop_at_dynamic (a debugger's breakpoints, changed while running),
 * the patterns are a struct tracer_stop_set in a one-element map that
 * stop_sets holds: userspace fills a new map for each change and swaps it
 * in. A program keeps the set it looked up for its whole run (the old map
 * is freed only after every program that may hold it has returned), so a
 * change never shows half done. It costs two lookups per exec in scope, made
 * after the scope check: an exec out of the scope makes none.
 */
#ifndef TRACER_STOP_BPF_H
#define TRACER_STOP_BPF_H

#include "maps.bpf.h"
#include "scope.bpf.h"
#include "path.bpf.h"
#include "glob.h"

/* include/uapi/asm-generic/signal.h */
#define SIGSTOP 19

/* Set by userspace before load. */
const volatile __u32 stop_count = 0;
const volatile struct tracer_glob stop_globs[TRACER_STOP_MAX] = {};
/* The patterns are in stop_sets instead (stop_at_dynamic). */
const volatile bool stop_dynamic = false;

/* Sizes, not types: reached only through pointers, the set's type would have no BTF. */
struct stop_set_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct tracer_stop_set));
};

/* Slot 0: the map holding the current set, swapped whole by userspace. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct stop_set_map);
} stop_sets SEC(".maps");

/* What the matcher's callbacks are given: the scratch first (stop_basename_step reads it so). */
struct stop_ctx {
	struct stop_scratch *ss;
	const struct tracer_stop_set *set; /* stop_dynamic: the set looked up */
};

/*
 * The tracing process, and when it loaded this (CLOCK_MONOTONIC ns, the
 * clock of task->start_time): what it forks from then on (--on-stop's
 * commands) is never stopped, nor anything those run.
 */
const volatile __u32 stop_spare_tgid = 0;
const volatile __u64 stop_spare_since_ns = 0;

/* How far up the parents the spare check looks: on-stop commands are shallow. */
#define STOP_SPARE_DEPTH 32

/* The subjects: the exe path, then the filename, each in its half of buf. */
#define STOP_FILENAME_BASE (TRACER_GLOB_BUF / 2)
#define STOP_SUBJECTS 4

/*
 * The matcher's state, in a map value like the other bpf_loop() states
 * (maps.bpf.h): the verifier does not follow its changing contents.
 */
struct stop_scratch {
	struct tracer_glob_state gs;
	__u32 pat; /* the pattern being tried */
	__u32 subject; /* which of the subjects */
	__u32 nsubjects;
	__u32 matched; /* 1: a match */
	__u32 base[STOP_SUBJECTS];
	__u32 len[STOP_SUBJECTS];
	__u32 scan; /* basename search: the length left of the cursor */
	__u32 pad;
	char buf[TRACER_GLOB_BUF];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stop_scratch);
} stop_scratch_map SEC(".maps");

/* bpf_loop() callback: moves ss->scan left until it sits just after a '/'. */
static long stop_basename_step(__u32 i, void *data)
{
	struct stop_scratch *ss = *(struct stop_scratch **)data;
	__u32 k = ss->subject, n = ss->scan;

	if (k >= STOP_SUBJECTS || n == 0)
		return 1;
	barrier_var(k);
	k &= STOP_SUBJECTS - 1;
	if (ss->buf[(ss->base[k] + n - 1) & (TRACER_GLOB_BUF - 1)] == '/')
		return 1;
	ss->scan = n - 1;
	return 0;
}

/* Subject k + 1 is the basename of subject k. */
static __always_inline void stop_add_basename(struct stop_scratch **ssp, __u32 k)
{
	struct stop_scratch *ss = *ssp;

	if (k >= STOP_SUBJECTS - 1)
		return;
	ss->subject = k;
	ss->scan = ss->len[k];
	bpf_loop(TRACER_PATH_MAX + 1, stop_basename_step, ssp, 0);
	ss->base[k + 1] = ss->base[k] + ss->scan;
	ss->len[k + 1] = ss->len[k] - ss->scan;
}

/* bpf_loop() callback: one step of pattern ss->pat against the subjects in turn. */
static long stop_match_step(__u32 i, void *data)
{
	struct stop_ctx *c = data;
	struct stop_scratch *ss = c->ss;
	const struct tracer_glob *g;
	__u32 p = ss->pat, k;
	int r;

	if (p >= TRACER_STOP_MAX)
		return 1;
	if (stop_dynamic) {
		if (!c->set)
			return 1;
		g = &c->set->globs[p];
	} else {
		g = (const struct tracer_glob *)&stop_globs[p];
	}
	r = tracer_glob_step(&ss->gs, g, ss->buf);
	if (r == TRACER_GLOB_MORE)
		return 0;
	if (r == TRACER_GLOB_MATCH) {
		ss->matched = 1;
		return 1;
	}
	k = ss->subject + 1;
	if (k >= ss->nsubjects || k >= STOP_SUBJECTS)
		return 1;
	ss->subject = k;
	barrier_var(k);
	k &= STOP_SUBJECTS - 1;
	tracer_glob_begin(&ss->gs, ss->base[k], ss->len[k]);
	return 0;
}

/* The index of the first of count patterns that matches a subject, or -1. */
static __always_inline int stop_match(struct stop_ctx *c, __u32 count)
{
	struct stop_scratch *ss = c->ss;
	__u32 p;

	for (p = 0; p < TRACER_STOP_MAX; p++) {
		if (p >= count)
			break;
		ss->pat = p;
		ss->subject = 0;
		ss->matched = 0;
		tracer_glob_begin(&ss->gs, ss->base[0], ss->len[0]);
		bpf_loop(STOP_SUBJECTS * TRACER_GLOB_STEPS, stop_match_step, c, 0);
		if (ss->matched)
			return p;
	}
	return -1;
}

/* The stop record: ids, the two paths from the scratch, the new image's arguments. */
static __always_inline void emit_stop(struct stop_scratch *ss, struct task_struct *p, __u32 pat,
				      long err, __u32 exe_flags)
{
	struct tracer_stop_rec *r = rec_reserve(sizeof(*r), TRACER_REC_STOP);
	unsigned long start, end;
	__u32 len;

	if (!r)
		return;
	r->pid = p->tgid;
	r->tid = p->pid;
	r->ppid = BPF_CORE_READ(p, real_parent, tgid);
	r->uid = BPF_CORE_READ(p, cred, uid.val);
	r->euid = BPF_CORE_READ(p, cred, euid.val);
	r->err = err;
	r->pattern = pat;
	r->start_time = BPF_CORE_READ(p, group_leader, start_time);
	r->start_boottime = BPF_CORE_READ(p, group_leader, start_boottime);
	bpf_get_current_comm(r->comm, sizeof(r->comm));

	len = ss->len[0];
	if (len > TRACER_PATH_MAX)
		len = 0;
	r->exe_len = len;
	r->exe_flags = exe_flags;
	bpf_probe_read_kernel(&r->data[TRACER_STOP_EXE_OFF], len & TRACER_PATH_MAX, ss->buf);
	len = ss->len[2];
	if (len > TRACER_PATH_MAX)
		len = 0;
	r->filename_len = len;
	bpf_probe_read_kernel(&r->data[TRACER_STOP_FILENAME_OFF], len & TRACER_PATH_MAX,
			      &ss->buf[STOP_FILENAME_BASE]);

	start = BPF_CORE_READ(p, mm, arg_start);
	end = BPF_CORE_READ(p, mm, arg_end);
	len = end > start ? end - start : 0;
	r->args_total = len;
	if (len > TRACER_STOP_ARGS_MAX)
		len = TRACER_STOP_ARGS_MAX;
	barrier_var(len);
	len &= 2 * TRACER_STOP_ARGS_MAX - 1;
	if (len > TRACER_STOP_ARGS_MAX ||
	    bpf_probe_read_user(&r->data[TRACER_STOP_ARGS_OFF], len, (const void *)start))
		len = 0;
	r->args_size = len;
	/* Whoever waits for the stop (a debugger) is told now, not at the next drain. */
	bpf_ringbuf_submit(r, BPF_RB_FORCE_WAKEUP);
}

/*
 * Whether p descends from a child the tracing process forked after it
 * loaded this: its --on-stop shell, or what that runs. Stopped, such a
 * process would start another --on-stop command, which would be stopped in
 * turn (under --all, or --tty on tracer's own terminal). A COMMAND tracer
 * runs was forked before the load: it and its descendants are stopped as
 * asked. Walked only for an exec that matched, so it costs no other exec.
 */
static __always_inline bool stop_spared(struct task_struct *p)
{
	struct task_struct *child = p, *parent;
	__u32 tgid;
	int i;

	if (!stop_spare_tgid)
		return false;
	for (i = 0; i < STOP_SPARE_DEPTH; i++) {
		parent = BPF_CORE_READ(child, real_parent);
		if (!parent)
			return false;
		tgid = BPF_CORE_READ(parent, tgid);
		if (tgid == stop_spare_tgid)
			return BPF_CORE_READ(child, group_leader, start_time) >=
			       stop_spare_since_ns;
		if (tgid <= 1)
			return false;
		child = parent;
	}
	return false;
}

/*
 * sched_process_exec: if the process is watched and its exec matches, stop
 * it and say so. p is current, with its new image.
 */
static __always_inline int stop_at_exec(struct task_struct *p, struct linux_binprm *bprm)
{
	struct tracer_path_rec pr = {};
	struct stop_ctx c = {};
	struct stop_scratch *ss;
	struct scratch *s;
	__u32 zero = 0, pos, len, count = stop_count, generation = 0;
	void *set_map;
	long n, err;
	int pat;

	if (!stop_dynamic && !count)
		return 0;
	/* The scope first: an exec out of it looks up no set. */
	if (!proc_watched(p, p->tgid) || !cgroup_current_in_scope())
		return 0;
	if (stop_dynamic) {
		set_map = bpf_map_lookup_elem(&stop_sets, &zero);
		if (!set_map)
			return 0;
		c.set = bpf_map_lookup_elem(set_map, &zero);
		if (!c.set)
			return 0;
		count = c.set->count;
		generation = c.set->generation;
		if (!count)
			return 0;
	}
	ss = bpf_map_lookup_elem(&stop_scratch_map, &zero);
	s = get_scratch();
	if (!ss || !s)
		return 0;
	c.ss = ss;

	/* The executed file, resolved, copied out of the path slot. */
	walk_set_root(s, BPF_CORE_READ(p, fs));
	pos = file_path(s, SLOT_EXE, BPF_CORE_READ(bprm, file), &pr);
	len = pr.len;
	if (len > TRACER_PATH_MAX || pos >= PATH_END)
		len = 0;
	barrier_var(pos);
	pos &= PATH_END - 1;
	barrier_var(len);
	len &= TRACER_PATH_MAX;
	if (bpf_probe_read_kernel(ss->buf, len, &s->slots[SLOT_EXE][pos]))
		len = 0;
	ss->base[0] = 0;
	ss->len[0] = len;
	stop_add_basename(&c.ss, 0);

	/* The filename as the kernel was given it. */
	n = bpf_probe_read_kernel_str(&ss->buf[STOP_FILENAME_BASE], TRACER_PATH_MAX + 1,
				      BPF_CORE_READ(bprm, filename));
	ss->base[2] = STOP_FILENAME_BASE;
	ss->len[2] = n > 0 ? n - 1 : 0;
	stop_add_basename(&c.ss, 2);
	ss->nsubjects = STOP_SUBJECTS;

	pat = stop_match(&c, count);
	if (pat < 0 || stop_spared(p))
		return 0;
	err = bpf_send_signal(SIGSTOP);
	emit_stop(ss, p, TRACER_STOP_PATTERN(pat, generation), err, pr.flags);
	return 0;
}

#endif /* TRACER_STOP_BPF_H */
