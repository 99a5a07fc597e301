// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Unit tests of ident_json.c: the exec's identity as JSON members, against tracer's own. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture.h"
#include "ident_json.h"

#define ID "4f1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b6c7d8e9f"

static char *render(const struct tracer_exec_event *e, const struct ident_self *self)
{
	struct capture c;

	cap_open(&c);
	cr_assert_eq(ident_json(c.f, e, self), 0);
	return cap_close(&c);
}

static const struct ident_self me = {
	.mntns = 4026531841u,
	.pidns = 4026531836u,
	.cgroup = "/user.slice/user-1000.slice/session-2.scope",
	.cgroup_len = 43,
	.cgroup_known = 1,
};

static struct tracer_exec_event like_me(void)
{
	struct tracer_exec_event e;

	memset(&e, 0, sizeof(e));
	e.exe_ino = 1837502;
	e.exe_dev = 65024;
	e.mntns = me.mntns;
	e.pidns = me.pidns;
	e.ns_pid = 4242;
	e.pid = 4242;
	e.cgroup_id = 77;
	e.cgroup.ptr = me.cgroup;
	e.cgroup.len = me.cgroup_len;
	return e;
}

Test(ident_json, in_tracers_namespaces_and_cgroup_only_the_inode)
{
	struct tracer_exec_event e = like_me();
	char *s = render(&e, &me);

	cr_assert_str_eq(s, ",\"exe_ino\":1837502,\"exe_dev\":65024");
	free(s);
}

Test(ident_json, unknown_inode_is_null)
{
	struct tracer_exec_event e = like_me();
	char *s;

	e.exe_ino = 0;
	e.exe_dev = 65024; /* no inode: the device means nothing */
	s = render(&e, &me);
	cr_assert_str_eq(s, ",\"exe_ino\":null,\"exe_dev\":null");
	free(s);
}

Test(ident_json, another_mount_namespace)
{
	struct tracer_exec_event e = like_me();
	char *s;

	e.mntns = 4026532174u;
	s = render(&e, &me);
	cr_assert_str_eq(s, ",\"exe_ino\":1837502,\"exe_dev\":65024,\"mntns\":4026532174");
	free(s);
}

Test(ident_json, a_container_its_namespaces_cgroup_and_id)
{
	static const char cg[] = "/system.slice/docker-" ID ".scope";
	struct tracer_exec_event e = like_me();
	char *s;

	e.mntns = 4026532300u;
	e.pidns = 4026532301u;
	e.ns_pid = 1;
	e.cgroup.ptr = cg;
	e.cgroup.len = sizeof(cg) - 1;
	s = render(&e, &me);
	cr_assert_str_eq(s,
			 ",\"exe_ino\":1837502,\"exe_dev\":65024,\"mntns\":4026532300,"
			 "\"pidns\":4026532301,\"ns_pid\":1,\"cgroup\":\"/system.slice/docker-" ID
			 ".scope\",\"container\":\"" ID "\"");
	free(s);
}

Test(ident_json, a_cgroup_that_is_no_container)
{
	static const char cg[] = "/system.slice/cron.service";
	struct tracer_exec_event e = like_me();
	char *s;

	e.cgroup.ptr = cg;
	e.cgroup.len = sizeof(cg) - 1;
	s = render(&e, &me);
	cr_assert_str_eq(s, ",\"exe_ino\":1837502,\"exe_dev\":65024,"
			    "\"cgroup\":\"/system.slice/cron.service\"");
	free(s);
}

/* A cgroup's name is root's or a runtime's choice, any bytes mkdir takes: escaped. */
Test(ident_json, cgroup_bytes_are_escaped)
{
	static const char cg[] = "/a\"b\n\x1b[31m\xff";
	struct tracer_exec_event e = like_me();
	char *s;

	e.cgroup.ptr = cg;
	e.cgroup.len = sizeof(cg) - 1;
	s = render(&e, &me);
	cr_assert_str_eq(s, ",\"exe_ino\":1837502,\"exe_dev\":65024,"
			    "\"cgroup\":\"/a\\\"b\\n\\u001b[31m\\udcff\"");
	free(s);
}

/* A path the kernel could not read whole: no cgroup member; nor a prefix of tracer's. */
Test(ident_json, no_path_no_cgroup_and_a_prefix_is_not_tracers)
{
	struct tracer_exec_event e = like_me();
	char *s;

	e.cgroup.ptr = NULL;
	e.cgroup.len = 0;
	s = render(&e, &me);
	cr_assert_str_eq(s, ",\"exe_ino\":1837502,\"exe_dev\":65024");
	free(s);
	e.cgroup.ptr = me.cgroup;
	e.cgroup.len = 11; /* "/user.slice" */
	s = render(&e, &me);
	cr_assert_str_eq(s, ",\"exe_ino\":1837502,\"exe_dev\":65024,\"cgroup\":\"/user.slice\"");
	free(s);
}

/* tracer's own, from /proc/self: the test process's namespace inodes. */
Test(ident_json, self_is_this_process)
{
	const struct ident_self *self = ident_self();
	struct stat st;

	cr_assert_eq(stat("/proc/self/ns/mnt", &st), 0);
	cr_assert_eq(self->mntns, st.st_ino);
	cr_assert_eq(stat("/proc/self/ns/pid", &st), 0);
	cr_assert_eq(self->pidns, st.st_ino);
	cr_assert(self->cgroup_known);
	cr_assert_eq(self->cgroup[0], '/');
	cr_assert_eq(strlen(self->cgroup), self->cgroup_len);
}
