/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * What vmlinux.h does not carry, and what differs between kernels: the one
 * place to look when tracer meets a kernel it was not tested on.
 *
 * vmlinux.h has the kernel's types but none of its macros: the constants
 * below are the kernel's, under the kernel's names, from the header named.
 *
 * Kernel versions (tracer needs 5.15: tp_btf, task storage, iter/task,
 * bpf_task_pt_regs; 6.1 for the ring-buffer dynptr):
 * - 6.10 added sched_prepare_exec, the exec's point of no return with the
 *   caller's memory still mapped. Before it, a successful exec is reported
 *   from sched_process_exec (the new image's argument area), and argv[0] of
 *   an interpreted exec is saved by a kprobe on remove_arg_zero. Userspace
 *   picks the path (src/lib/attach.c); both stay built and tested. With
 *   sched_prepare_exec no syscall entry program is loaded: the exec is
 *   staged from the caller's registers there (and at a failed exec's exit).
 * - Before 6.4, a map helper called from BPF returns an int that the verifier
 *   does not sign-extend (-EEXIST reads as 4294967279 in a long): every such
 *   result is held in an int.
 * - Recent kernels (6.18 here; not 6.12) pass group_dead to
 *   sched_process_exit; before, the exit that ends a process is guessed from
 *   signal->live (exit_ends_process).
 * - Before 6.10 the filename of a successful exec is read from bprm, where
 *   execveat(fd, name) with a relative name reads "/dev/fd/<fd>/<name>"
 *   (bprm_filename gives back the caller's name).
 * - An empty string read from user memory is 0 bytes long on 6.12, 1 (its
 *   NUL) elsewhere: both are an empty string, never a fault (strings.bpf.h,
 *   report_from_caller).
 * - 6.15 renamed kernfs_node's parent to __parent (RCU): kernfs_parent().
 * - The syscall number and arguments of an exec staged from its registers
 *   (6.10 on, and the 32-bit int $0x80 entry, which has no syscall
 *   tracepoint) are read from pt_regs: x86_64 only.
 */
#ifndef TRACER_COMPAT_BPF_H
#define TRACER_COMPAT_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <asm-generic/errno-base.h>
#include "wire.h"

/* include/linux/sched/signal.h */
#define SIGNAL_GROUP_EXIT 0x00000004

/* arch/x86/include/asm/page_types.h: signal->maxrss counts pages of this size */
#define PAGE_SHIFT 12

/* include/uapi/asm-generic/signal.h */
#define SIGKILL 9
#define SIGSEGV 11

/* include/uapi/asm-generic/siginfo.h */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE -1
#define SI_TKILL -6

/* include/linux/sched/signal.h: not pointers, the siginfo of in-kernel senders */
#define SEND_SIG_NOINFO ((struct kernel_siginfo *)0)
#define SEND_SIG_PRIV ((struct kernel_siginfo *)1)

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

/*
 * The raw number of the syscall t is in (orig_ax on x86_64: a compat int $0x80
 * call has its ia32 number there), or -1 when its registers cannot be found.
 */
static __always_inline __u64 task_syscall(struct task_struct *t)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);

	if (!regs)
		return -1;
	return BPF_CORE_READ(regs, orig_ax);
}

/* The trace event of sched_process_exit, where it has group_dead. */
struct trace_event_raw_sched_process_exit___group_dead {
	bool group_dead;
} __attribute__((preserve_access_index));

enum exit_last {
	EXIT_NOT_LAST,
	EXIT_LAST,
	EXIT_MAYBE_LAST,
};

/*
 * Whether the exiting thread p ends its process. Where sched_process_exit
 * carries group_dead (in its trace event too, which is what CO-RE can see),
 * it is true for exactly one thread: the one whose exit took signal->live to
 * 0. Before, only live can be read back, and it reads 0 for every thread of
 * an exit_group that reaches the tracepoint after the last one's decrement:
 * EXIT_MAYBE_LAST, which the caller must settle so as to report once.
 */
static __always_inline enum exit_last exit_ends_process(unsigned long long *ctx,
							struct task_struct *p)
{
	if (bpf_core_field_exists(struct trace_event_raw_sched_process_exit___group_dead,
				  group_dead))
		return ctx[1] ? EXIT_LAST : EXIT_NOT_LAST;
	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return EXIT_NOT_LAST;
	return EXIT_MAYBE_LAST;
}

/*
 * The filename the caller passed, read from bprm into buf (the
 * sched_process_exec path, where the caller's memory is gone); the length
 * with the NUL, or a negative errno; *cut when it did not fit. For execveat(fd, name, ...) with a
 * relative name the kernel names the file "/dev/fd/<fd>/<name>"
 * (bprm->fdpath): name is what the caller passed. With AT_EMPTY_PATH,
 * "/dev/fd/<fd>" is kept, as sched_prepare_exec reports it.
 */
static __always_inline long bprm_filename(char *buf, __u32 size, struct linux_binprm *bprm,
					  bool *cut)
{
	const char *fn = BPF_CORE_READ(bprm, filename);
	__u32 i, skip = 0;
	char next = 0;
	long n;

	n = bpf_probe_read_kernel_str(buf, size, fn);
	if (n > 10 && size >= 20 && fn == BPF_CORE_READ(bprm, fdpath)) {
		/* "/dev/fd/", the fd's digits, then '/' and the name */
		for (i = 8; i < 19; i++) {
			if (buf[i] == '/') {
				skip = i + 1;
				break;
			}
			if (!buf[i])
				break;
		}
		if (skip)
			n = bpf_probe_read_kernel_str(buf, size, fn + skip);
	}
	/* Filled to the last byte: cut if the string goes on. */
	if (n == size)
		bpf_probe_read_kernel(&next, 1, fn + skip + size - 1);
	*cut = next != 0;
	return n;
}

/* struct kernfs_node before 6.15, whose parent had no underscores. */
struct kernfs_node___pre615 {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

struct kernfs_node___615 {
	struct kernfs_node *__parent;
} __attribute__((preserve_access_index));

/* The parent of a kernfs node (a cgroup's directory), NULL for the root. */
static __always_inline struct kernfs_node *kernfs_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node___pre615, parent))
		return BPF_CORE_READ((struct kernfs_node___pre615 *)kn, parent);
	return BPF_CORE_READ((struct kernfs_node___615 *)kn, __parent);
}

#endif /* TRACER_COMPAT_BPF_H */
