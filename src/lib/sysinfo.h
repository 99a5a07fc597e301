/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* What tracer needs to know about the machine before it loads anything. */
#ifndef TRACER_SYSINFO_H
#define TRACER_SYSINFO_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds: the clock of the kernel's event timestamps. */
uint64_t sys_now_ns(void);
/* /proc/sys/kernel/pid_max: pids are below it (it can be raised later). */
uint64_t sys_pid_max(void);
/* How many processes the machine can have at once: min(pid_max, threads-max). */
uint64_t sys_max_procs(void);
/* The process (thread-group id) that pid belongs to. -ESRCH when there is none. */
int sys_pid_tgid(uint32_t pid, uint32_t *tgid);
/* The state letter of /proc/PID/stat ('R', 'S', 'Z' for a zombie...), or -ESRCH. */
int sys_pid_state(uint32_t pid);
/* Whether every thread of process pid has exited (a zombie, or gone). */
bool sys_process_dead(uint32_t pid);
/* 0 when the kernel's BTF is present, else -ENOENT. */
int sys_check_btf(void);
/* Mounts tracefs at /sys/kernel/tracing when syscall tracepoints are not visible. */
int sys_ensure_tracefs(char *err, size_t errlen);
/*
 * Whether the kernel has the tracepoint "group/event": 1 or 0 as tracefs
 * lists it, -ENOENT when tracefs is not mounted. Much cheaper than a search
 * of the kernel's BTF.
 */
int sys_has_tracepoint(const char *event);

/*
 * Whether libbpf can attach a kprobe here at all: the kprobe PMU, or
 * tracefs's kprobe_events without it. Some kernels have neither.
 */
bool sys_has_kprobes(void);
/* 0 when this process may load tracing BPF programs (root or CAP_BPF+CAP_PERFMON). */
int sys_check_privileges(void);

#endif /* TRACER_SYSINFO_H */
