// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include "sysinfo.h"

#define TRACEFS "/sys/kernel/tracing"
#define DEBUGFS_TRACING "/sys/kernel/debug/tracing"
#define EXECVE_TP "/events/syscalls/sys_enter_execve/id"

static int sys_read_u64(const char *path, uint64_t *val)
{
	unsigned long long v;
	FILE *f = fopen(path, "re");
	int n;

	if (!f)
		return -errno;
	n = fscanf(f, "%llu", &v);
	fclose(f);
	if (n != 1)
		return -EINVAL;
	*val = v;
	return 0;
}

uint64_t sys_pid_max(void)
{
	uint64_t pid_max = 32768;

	sys_read_u64("/proc/sys/kernel/pid_max", &pid_max);
	return pid_max;
}

uint64_t sys_max_procs(void)
{
	uint64_t pid_max = 32768, threads_max = UINT64_MAX;

	sys_read_u64("/proc/sys/kernel/pid_max", &pid_max);
	sys_read_u64("/proc/sys/kernel/threads-max", &threads_max);
	return pid_max < threads_max ? pid_max : threads_max;
}

int sys_pid_tgid(uint32_t pid, uint32_t *tgid)
{
	char path[64], line[256];
	FILE *f;
	int ret = -ESRCH;

	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/status", pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned int v;

		if (sscanf(line, "Tgid: %u", &v) == 1) {
			*tgid = v;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

int sys_pid_state(uint32_t pid)
{
	char path[64], buf[512], *paren;
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n > 0 ? n : 0] = '\0';
	/* "pid (comm) S ...": the comm can hold anything, ')' included. */
	paren = strrchr(buf, ')');
	if (!paren || paren[1] != ' ' || !paren[2])
		return -EINVAL;
	return (unsigned char)paren[2];
}

bool sys_process_dead(uint32_t pid)
{
	char path[64];
	struct dirent *d;
	bool dead = true;
	DIR *dir;
	int state;

	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/task", pid);
	dir = opendir(path);
	if (!dir)
		return true;
	/* A leader that has exited is a zombie while its other threads run on. */
	while (dead && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		state = sys_pid_state((uint32_t)strtoul(d->d_name, NULL, 10));
		dead = state < 0 || state == 'Z' || state == 'X';
	}
	closedir(dir);
	return dead;
}

int sys_check_btf(void)
{
	return access("/sys/kernel/btf/vmlinux", R_OK) ? -ENOENT : 0;
}

int sys_has_tracepoint(const char *event)
{
	char path[256];

	snprintf(path, sizeof(path), TRACEFS "/events/%s/id", event);
	if (access(path, F_OK) == 0)
		return 1;
	snprintf(path, sizeof(path), DEBUGFS_TRACING "/events/%s/id", event);
	if (access(path, F_OK) == 0)
		return 1;
	/* Where the syscall tracepoints are, all the kernel's are. */
	if (access(TRACEFS EXECVE_TP, F_OK) == 0 || access(DEBUGFS_TRACING EXECVE_TP, F_OK) == 0)
		return 0;
	return -ENOENT;
}

bool sys_has_kprobes(void)
{
	return access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0 ||
	       access(TRACEFS "/kprobe_events", F_OK) == 0 ||
	       access(DEBUGFS_TRACING "/kprobe_events", F_OK) == 0;
}

int sys_ensure_tracefs(char *err, size_t errlen)
{
	if (access(TRACEFS EXECVE_TP, R_OK) == 0 || access(DEBUGFS_TRACING EXECVE_TP, R_OK) == 0)
		return 0;
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL) && errno != EBUSY) {
		int saved = errno; /* before snprintf() and strerror() run */

		snprintf(err, errlen, "tracefs is not mounted at %s and could not be mounted: %s",
			 TRACEFS, strerror(saved));
		return -saved;
	}
	if (access(TRACEFS EXECVE_TP, R_OK)) {
		snprintf(err, errlen,
			 "the syscalls:sys_enter_execve tracepoint is missing from %s "
			 "(kernel without CONFIG_FTRACE_SYSCALLS?)",
			 TRACEFS);
		return -ENOENT;
	}
	return 0;
}

int sys_check_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	uint64_t eff;

	if (geteuid() == 0)
		return 0;
	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	eff = ((uint64_t)data[1].effective << 32) | data[0].effective;
	if ((eff & (1ULL << CAP_SYS_ADMIN)) ||
	    ((eff & (1ULL << CAP_BPF)) && (eff & (1ULL << CAP_PERFMON))))
		return 0;
	return -EPERM;
}

uint64_t sys_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}
