// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * tracer's kernel side: the hooks, in the order an exec meets them. One
 * object, one skeleton; the logic lives in headers by concern:
 *   compat.bpf.h  what vmlinux.h lacks, what differs between kernels
 *   maps.bpf.h    configuration, maps, counters, sending records
 *   scope.bpf.h   which processes are watched; fork and exit
 *   usage.bpf.h   what a process used (CPU, memory, I/O), read at its exit
 *   exec.bpf.h    exec staging, the exec record and its context
 *   strings.bpf.h argv and environment, chunk by chunk into the record
 *   path.bpf.h    paths from dentries (cwd, exe, interpreter), fds 0-2
 *   signal.bpf.h  the signal record
 *   seed.bpf.h    the iter/task seeder
 *   stop.bpf.h    --stop-at: stop a matching exec before its first instruction
 *   exclude.bpf.h execs not reported: by file, by the caller's file, by comm
 *   ident.bpf.h   which file ran and where: its inode, namespaces, cgroup
 *   cgscope.bpf.h --cgroup: records only of processes in a cgroup v2 subtree
 *   filter.bpf.h  execs reported only for these uids, these program names
 *
 * Scope: proc_state holds every watched process, keyed by tgid. fork and exit
 * keep it current; the iter/task seeder lets userspace find the processes
 * that already exist. An exec, fork or exit outside the scope costs one map
 * lookup and no ring-buffer traffic; a signal outside it at most two.
 *
 * Records: each kind (exec, fork, exit, signal) is sent only when userspace
 * asked for it (send_*, fixed before load, so the verifier drops the code of
 * the kinds not asked for). Scope is kept up to date either way.
 *
 * Program names are handle_<hook>; userspace (src/lib/attach.c) attaches them by
 * these names through the skeleton.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "wire.h"
#include "compat.bpf.h"
#include "maps.bpf.h"
#include "scope.bpf.h"
#include "exec.bpf.h"
#include "signal.bpf.h"
#include "seed.bpf.h"
#include "stop.bpf.h"
#include "exclude.bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/*
 * execve(2) entry: the caller's memory, ids, comm and terminal are its own.
 * The argument strings may sit on pages not faulted in yet, and a tracepoint
 * cannot sleep: only the pointers are kept here.
 */
SEC("tp/syscalls/sys_enter_execve")
int handle_sys_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter(TRACER_NR_EXECVE, (const char *)ctx->args[0],
			  (const char *const *)ctx->args[1], (const char *const *)ctx->args[2]);
}

/* execveat(2) entry (fexecve, container runtimes): sys_enter_execve does not see it. */
SEC("tp/syscalls/sys_enter_execveat")
int handle_sys_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter(TRACER_NR_EXECVEAT, (const char *)ctx->args[1],
			  (const char *const *)ctx->args[2], (const char *const *)ctx->args[3]);
}

/*
 * An interpreter (load_script, load_misc_binary) is about to replace
 * argv[0], and bprm->file is still the caller's own file, which the kernel
 * closes before the exec is reported: its inode is saved here
 * (ident.bpf.h). Before 6.10 the caller's memory is still mapped and
 * copy_strings() has faulted its strings in: argv[0] is saved too. The
 * attach may fail (no kprobes): a script's inode is then reported as
 * unknown, and before 6.10 its argv[0] as unreadable.
 */
SEC("kprobe/remove_arg_zero")
int BPF_KPROBE(handle_remove_arg_zero, struct linux_binprm *bprm)
{
	script_id_save(bprm);
	if (!entry_stages)
		return 0;
	return exec_save_arg0(bprm);
}

/*
 * From 6.10: begin_new_exec() has passed the point of no return (a failure
 * from here kills the process), the caller's image is still mapped and every
 * argument was copied in: report the exec with the caller's exact argv,
 * before an interpreter's rewrite shows (a 32-bit one too, staged here).
 */
SEC("tracer.tp_btf/sched_prepare_exec")
int BPF_PROG(handle_sched_prepare_exec, struct task_struct *task, struct linux_binprm *bprm)
{
	return exec_prepare(task, bprm);
}

/*
 * exec_binprm(): the new image is loaded, the task runs it (with the
 * leader's pid after an exec from another thread, old_pid being the
 * caller's tid). Before 6.10: reports the exec from the new image's
 * argument area and frees the stage. With sched_prepare_exec it is loaded
 * only for --stop-at, and reports nothing (image_reports is false). Then
 * --stop-at: a matching process is sent SIGSTOP here, which it takes before
 * its first instruction.
 */
SEC("tracer.tp_btf/sched_process_exec")
int BPF_PROG(handle_sched_process_exec, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	if (image_reports)
		exec_from_image(p, old_pid, bprm);
	return stop_at_exec(p, bprm);
}

/*
 * A failed exec, whose caller is still in its old image: reported by this
 * one program, which both syscall exits call (loaded, never attached). Two
 * copies of the report would double the verifier's work at start-up.
 */
SEC("tp/syscalls/sys_exit_execve")
int handle_exec_failed(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit(ctx->ret);
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__array(values, int(struct trace_event_raw_sys_exit *));
} exec_failed_prog SEC(".maps") = {
	.values = { [0] = (void *)&handle_exec_failed },
};

/*
 * execve(2) and execveat(2) exit: a failure returns here with the caller's
 * image intact. One program, attached to both tracepoints (attach.c): a
 * second copy would be one more program to load and JIT at every start.
 */
SEC("tp/syscalls/sys_exit_execve")
int handle_sys_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit_pass(ctx, ctx->ret, &exec_failed_prog);
}

/*
 * copy_process() is done and the child is about to be woken: both tasks are
 * complete (tgid, start_time), the child has run no code yet. Fires for
 * threads too.
 */
SEC("tracer.tp_btf/sched_process_fork")
int BPF_PROG(handle_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	return scope_fork(parent, child);
}

/*
 * do_exit() of one thread: signal->live has already been decremented, the
 * exit codes are set. Newer kernels add group_dead (compat.bpf.h): ctx.
 */
SEC("tracer.tp_btf/sched_process_exit")
int BPF_PROG(handle_sched_process_exit, struct task_struct *p)
{
	return scope_exit(ctx, p);
}

/*
 * __send_signal_locked() has decided the signal's fate (result): queued,
 * ignored, already pending. Runs in the sender's context, or in whatever the
 * kernel was running when it generated the signal. Loaded only when signal
 * records are asked for.
 */
SEC("tracer.tp_btf/signal_generate")
int BPF_PROG(handle_signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	return signal_generated(sig, info, task, group, result);
}

/* Read once by userspace at start-up, after fork and exit are attached. */
SEC("tracer.iter/task")
int handle_iter_task(struct bpf_iter__task *ctx)
{
	return seed_task(ctx->meta->seq, ctx->task);
}

/*
 * Read once by userspace at start-up, when files are excluded: how the kernel
 * names the files it has opened (exclude.bpf.h).
 */
SEC("tracer.iter/task_file")
int handle_iter_task_file(struct bpf_iter__task_file *ctx)
{
	return excl_identify(ctx->meta->seq, ctx->task, ctx->fd, ctx->file);
}
