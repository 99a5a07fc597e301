// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The bench's floor (scripts/bench, storm configuration "floor"): a program
 * that does nothing at each hook tracer attaches with its default options.
 * What the kernel's bpf_stats count for these is what any program at these
 * hooks is charged on this machine (the timing around the call, the call),
 * in the same rounds as tracer's own rows. bench/floor.c picks the exec path
 * the way src/lib/attach.c does.
 *
 * None of them reads its context: vmlinux.h only for the types libbpf's
 * headers need.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

SEC("tp_btf/sched_process_fork")
int floor_fork(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_process_exit")
int floor_exit(void *ctx)
{
	return 0;
}

/* 6.10 and later: tracer reports the exec here and stages nothing at entry. */
SEC("tp_btf/sched_prepare_exec")
int floor_prepare_exec(void *ctx)
{
	return 0;
}

/* Before 6.10: the syscall entries stage, sched_process_exec reports. */
SEC("tp/syscalls/sys_enter_execve")
int floor_enter_execve(void *ctx)
{
	return 0;
}

SEC("tp/syscalls/sys_enter_execveat")
int floor_enter_execveat(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_process_exec")
int floor_process_exec(void *ctx)
{
	return 0;
}

/* Failed execs, on every kernel. */
SEC("tp/syscalls/sys_exit_execve")
int floor_exit_execve(void *ctx)
{
	return 0;
}

SEC("tp/syscalls/sys_exit_execveat")
int floor_exit_execveat(void *ctx)
{
	return 0;
}

/* A #! script's inode; optional in tracer too (a kernel without kprobes). */
SEC("kprobe/remove_arg_zero")
int floor_remove_arg_zero(void *ctx)
{
	return 0;
}
