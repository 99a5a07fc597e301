/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Which file ran and where, as the JSON writer puts it: exe_ino and exe_dev
 * always (null when unknown), and the namespaces, cgroup and container
 * only where they are not tracer's own (a process in tracer's namespaces
 * and cgroup is the common case: its line stays as it was).
 */
#ifndef TRACER_OUTPUT_IDENT_JSON_H
#define TRACER_OUTPUT_IDENT_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <tracer/tracer.h>

/* tracer's own namespaces and cgroup v2, read once from /proc/self (0 and "" when unreadable). */
struct ident_self {
	uint64_t mntns, pidns;
	char cgroup[4096]; /* the "0::" line of /proc/self/cgroup */
	size_t cgroup_len;
	int cgroup_known;
};

const struct ident_self *ident_self(void);

/* Whether ev carries these fields (a library that knows them sent it). */
static inline int ident_known(const struct tracer_event *ev)
{
	return TRACER_EVENT_HAS(ev, exec.cgroup);
}

/*
 * The members, each led by a comma: ,"exe_ino":N,"exe_dev":N then, where
 * they differ from self's, ,"mntns":N ,"pidns":N,"ns_pid":N and
 * ,"cgroup":"PATH" with ,"container":"ID" when the path names one. 0 or -1
 * (a write failed).
 */
int ident_json(FILE *out, const struct tracer_exec_event *e, const struct ident_self *self);

#endif /* TRACER_OUTPUT_IDENT_JSON_H */
