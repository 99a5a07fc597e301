// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Whether a kprobe attaches here (see kprobe.h). Its own file: the harness
 * links it, and the API tests, which do not link the harness, too.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/perf_event.h>

#include "kprobe.h"

bool kprobe_attaches(const char *func)
{
	struct perf_event_attr attr;
	unsigned int type;
	FILE *f;
	int fd;

	/*
	 * libbpf attaches a kprobe through the kprobe PMU, or without it through
	 * tracefs's kprobe_events, which this kernel then has to offer.
	 */
	f = fopen("/sys/bus/event_source/devices/kprobe/type", "r");
	if (!f)
		return access("/sys/kernel/tracing/kprobe_events", W_OK) == 0 ||
		       access("/sys/kernel/debug/tracing/kprobe_events", W_OK) == 0;
	if (fscanf(f, "%u", &type) != 1)
		type = 0;
	fclose(f);
	if (!type)
		return false;
	/* Created as libbpf does (any process, CPU 0); the function may be missing. */
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config1 = (uint64_t)(uintptr_t)func;
	fd = syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}
