// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The exec's identity fields in JSON (ident_json.h). tracer's own values come
 * from /proc/self once: the inode numbers of its namespace files, which are
 * the namespaces' numbers the kernel reports, and its cgroup v2 path as
 * /proc/self/cgroup shows it, which is the path the kernel reports while
 * tracer is in the initial cgroup namespace (inside another, every process
 * whose path the namespace shortens shows a cgroup).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "container.h"
#include "escape.h"
#include "ident_json.h"
#include "num.h"

static struct ident_self self;
static pthread_once_t self_once = PTHREAD_ONCE_INIT;

static uint64_t ns_ino(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

static void read_self(void)
{
	char line[sizeof(self.cgroup) + 8];
	FILE *f;

	self.mntns = ns_ino("/proc/self/ns/mnt");
	self.pidns = ns_ino("/proc/self/ns/pid");
	f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		self.cgroup_len = strcspn(line + 3, "\n");
		if (self.cgroup_len >= sizeof(self.cgroup))
			break;
		memcpy(self.cgroup, line + 3, self.cgroup_len);
		self.cgroup[self.cgroup_len] = '\0';
		self.cgroup_known = 1;
		break;
	}
	fclose(f);
}

const struct ident_self *ident_self(void)
{
	pthread_once(&self_once, read_self);
	return &self;
}

/* ,"NAME":N, or ,"NAME":null for 0. */
static char *member_u64(char *p, const char *name, uint64_t v, int zero_is_null)
{
	*p++ = ',';
	*p++ = '"';
	p = stpcpy(p, name);
	*p++ = '"';
	*p++ = ':';
	return v || !zero_is_null ? num_u64(p, v) : stpcpy(p, "null");
}

static int cgroup_json(FILE *out, const struct tracer_exec_event *e)
{
	char id[CONTAINER_ID_MAX + 1];
	size_t n;

	if (fputs(",\"cgroup\":", out) == EOF ||
	    escape_json_string(out, e->cgroup.ptr, e->cgroup.len))
		return -1;
	n = container_id(e->cgroup.ptr, e->cgroup.len, id, sizeof(id));
	if (!n)
		return 0;
	return fputs(",\"container\":", out) == EOF || escape_json_string(out, id, n) ? -1 : 0;
}

int ident_json(FILE *out, const struct tracer_exec_event *e, const struct ident_self *self)
{
	char buf[5 * (NUM_MAX + 16)], *p = buf;
	size_t n;

	p = member_u64(p, "exe_ino", e->exe_ino, 1);
	p = member_u64(p, "exe_dev", e->exe_ino ? e->exe_dev : 0, 1);
	if (e->mntns && e->mntns != self->mntns)
		p = member_u64(p, "mntns", e->mntns, 0);
	if (e->pidns && e->pidns != self->pidns) {
		p = member_u64(p, "pidns", e->pidns, 0);
		p = member_u64(p, "ns_pid", e->ns_pid, 0);
	}
	n = (size_t)(p - buf);
	if (fwrite(buf, 1, n, out) != n)
		return -1;
	if (!e->cgroup.ptr || (self->cgroup_known && e->cgroup.len == self->cgroup_len &&
			       !memcmp(e->cgroup.ptr, self->cgroup, e->cgroup.len)))
		return 0;
	return cgroup_json(out, e);
}
