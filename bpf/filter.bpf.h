/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Filters: only the execs a person asked for are sent (tracer_options.uids,
 * .comms), decided here before the ring buffer and counted (filtered).
 *
 *   uids   the real or the effective uid after the exec is one of them
 *   comms  the new program's name is one of them: the comm the kernel gives
 *          it (the basename of the filename it was run by, cut to 15
 *          bytes), but for fexecve() the file's own name on every kernel
 *          (as 6.14 and later name it; before, the fd's number); for a
 *          failed exec, the basename of the filename it was given
 *
 * Both set: both must match. Unlike the exclusions (exclude.bpf.h), which
 * drop what is noise, these keep what is looked for; the processes stay in
 * scope either way, and their fork, exit and signal records are sent.
 */
#ifndef TRACER_FILTER_BPF_H
#define TRACER_FILTER_BPF_H

#include "maps.bpf.h"

/* Set by userspace before load: which filters are in use. */
const volatile bool filter_uids = false;
const volatile bool filter_comms = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* resized to the list's length */
	__type(key, __u32);
	__type(value, __u8);
} filter_uid SEC(".maps");

/*
 * The names, zero-padded. The same declaration as exclude.bpf.h's excl_comm,
 * on purpose: two sets that userspace sizes and fills apart (--comm keeps,
 * --exclude-comm drops), each looked up only when its option is given.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* resized to the list's length */
	__type(key, char[TRACER_COMM_LEN]);
	__type(value, __u8);
} filter_comm SEC(".maps");

/*
 * bpf_loop() callback: moves s->base_scan left until it sits just after a
 * '/' of s->filename. The cursor lives in the map value, not on the stack:
 * the verifier does not follow it (maps.bpf.h, struct loop_state).
 */
static long base_step(__u32 i, void *data)
{
	struct scratch *s = *(struct scratch **)data;
	__u32 n = s->base_scan;

	if (n == 0 || n > TRACER_FILENAME_MAX)
		return 1;
	if (s->filename[(n - 1) & (TRACER_FILENAME_MAX - 1)] == '/')
		return 1;
	s->base_scan = n - 1;
	return 0;
}

/* The basename of s->filename (len bytes), cut to 15 bytes, into the zeroed comm. */
static __always_inline void filename_comm(struct scratch *s, __u64 len, char *comm)
{
	__u32 n, pos;

	s->base_scan = len;
	bpf_loop(TRACER_FILENAME_MAX, base_step, &s, 0);
	pos = s->base_scan;
	n = len - pos;
	if (n > TRACER_COMM_LEN - 1)
		n = TRACER_COMM_LEN - 1;
	barrier_var(n);
	n &= TRACER_COMM_LEN - 1;
	bpf_probe_read_kernel(comm, n, &s->filename[pos & (TRACER_FILENAME_MAX - 1)]);
}

/*
 * Read-only at load: with no filter the verifier drops the call and what
 * leads to it. It must: on 6.1 the call alone took handle_exec_failed past
 * the verifier's million instructions.
 */
static __always_inline bool filters_on(void)
{
	return filter_uids || filter_comms;
}

/* Where the new program's comm comes from. */
enum comm_from {
	COMM_CURRENT, /* sched_process_exec: the kernel has set it */
	COMM_FILENAME, /* the basename of the filename in the scratch */
	COMM_FILE, /* execveat(fd, "", AT_EMPTY_PATH): the file's own name (6.14 on) */
};

/*
 * execveat(fd, "", AT_EMPTY_PATH): the kernel named the file "/dev/fd/<fd>"
 * (bprm->fdpath), which the scratch's filename holds. Decided here, not by
 * the callers: a variable carried through them doubled the verifier's states
 * of the report past 6.1's limit.
 */
static __always_inline bool exec_by_fd_alone(struct scratch *s, struct linux_binprm *bprm)
{
	static const char prefix[] = "/dev/fd/";
	int i;

	if (!bprm || BPF_CORE_READ(bprm, filename) != BPF_CORE_READ(bprm, fdpath))
		return false;
	for (i = 0; i < (int)sizeof(prefix) - 1; i++)
		if (s->filename[i] != prefix[i])
			return false;
	return true;
}

/*
 * Whether the exec whose record is in s (ids set, filename fn_len bytes) is
 * filtered out; counted. bprm: the exec's (COMM_FILE only). A function of its
 * own, not inlined: the verifier's states of the report that follows are
 * then the same whichever way the name was found (inlined, its paths and
 * stack bytes multiply them past the limit).
 */
static __noinline bool exec_filtered(struct scratch *s, __u64 fn_len, enum comm_from from,
				     struct linux_binprm *bprm)
{
	struct tracer_exec_rec *r = &s->rec;
	char comm[TRACER_COMM_LEN] = {};

	if (filter_uids && !bpf_map_lookup_elem(&filter_uid, &r->uid) &&
	    !bpf_map_lookup_elem(&filter_uid, &r->euid))
		goto drop;
	if (!filter_comms)
		return false;
	if (exec_by_fd_alone(s, bprm))
		from = COMM_FILE;
	if (from == COMM_CURRENT)
		bpf_get_current_comm(comm, sizeof(comm));
	else if (from == COMM_FILE && bprm)
		bpf_probe_read_kernel_str(comm, sizeof(comm),
					  BPF_CORE_READ(bprm, file, f_path.dentry, d_name.name));
	else
		filename_comm(s, fn_len, comm);
	if (bpf_map_lookup_elem(&filter_comm, comm))
		return false;
drop:
	stat_inc(filtered);
	return true;
}

#endif /* TRACER_FILTER_BPF_H */
