// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Which file ran, and where (issue 23 item 11, issue 27 item 6), through
 * libtracer in the running kernel (root needed): the executed file's inode
 * and device, the mount and pid namespaces and the pid there, the cgroup v2
 * id and path. Each test runs real processes in the namespace or cgroup it
 * names and compares the event with what stat(2) and /proc say of them.
 *
 * Run twice by ctest: as is (sched_prepare_exec on 6.10+) and with
 * TRACER_TEST_NO_PREPARE_EXEC (the path older kernels take).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <criterion/criterion.h>

#include "idtrace.h"
#include "../harness/kprobe.h"

TestSuite(exec_identity, .fini = id_teardown);

#define EXEC_EXIT (TRACER_EVENT_BIT(TRACER_EVENT_EXEC) | TRACER_EVENT_BIT(TRACER_EVENT_EXIT))

static struct id_trace tr;

/* Runs argv in a child set up by prep, traced with its descendants, to its end. */
static int run_traced(int (*prep)(void *), void *arg, char *const argv[])
{
	struct id_child c;
	int status;

	id_spawn(&c, prep, arg, argv);
	id_trace_start(&tr, &c.pid, 1, EXEC_EXIT, NULL);
	id_release(&c);
	status = id_reap(&c);
	id_trace_stop(&tr);
	return status;
}

static uint64_t own_ns(const char *kind)
{
	return id_ino(own_strf("/proc/self/ns/%s", kind));
}

Test(exec_identity, a_binary_by_inode_device_namespaces_and_cgroup)
{
	char *const argv[] = { "/bin/true", "id-binary", NULL };
	const char *root = id_cgroup_root(), *own = id_own_cgroup();
	const struct id_event *x;

	cr_assert_eq(run_traced(NULL, NULL, argv), 0);
	x = id_exec(&tr, "/bin/true", "id-binary");
	cr_assert_eq(x->exe_ino, id_ino("/bin/true"));
	cr_assert_eq(x->exe_dev, id_dev("/bin/true"), "exe_dev %#llx, stat says %#llx",
		     (unsigned long long)x->exe_dev, (unsigned long long)id_dev("/bin/true"));
	cr_assert_eq(x->mntns, own_ns("mnt"));
	cr_assert_eq(x->pidns, own_ns("pid"));
	cr_assert_eq(x->ns_pid, x->pid, "same pid namespace: the same pid");
	cr_assert_str_eq(x->cgroup, own);
	cr_assert_eq(x->cgroup_id, id_ino(own_strf("%s%s", root, own)));
}

Test(exec_identity, a_script_by_its_own_inode_not_its_interpreter)
{
	const char *dir = own_tmpdir("id"), *script = own_strf("%s/id-script", dir);
	char *const argv[] = { (char *)script, "id-script", NULL };
	const struct id_event *x;
	FILE *f = fopen(script, "w");

	cr_assert_not_null(f);
	fputs("#!/bin/sh\nexit 0\n", f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(script, 0755), 0);
	cr_assert_eq(run_traced(NULL, NULL, argv), 0);
	/* Before 6.10 without kprobes, argv[0] is unreadable: found by filename alone. */
	x = id_exec(&tr, script, NULL);
	cr_assert_str_eq(x->exe, script);
	cr_assert_neq(id_ino(script), id_ino("/bin/sh"));
	if (!kprobe_attaches("remove_arg_zero")) {
		/* Unknown, never the interpreter's. */
		fprintf(stderr, "note: no kprobes here: a script's inode is unknown\n");
		cr_assert_eq(x->exe_ino, 0);
		cr_assert_eq(x->exe_dev, 0);
		return;
	}
	cr_assert_eq(x->exe_ino, id_ino(script), "exe_ino %llu: the script is %llu, /bin/sh %llu",
		     (unsigned long long)x->exe_ino, (unsigned long long)id_ino(script),
		     (unsigned long long)id_ino("/bin/sh"));
	cr_assert_eq(x->exe_dev, id_dev(script));
}

Test(exec_identity, a_failed_exec_ran_no_file)
{
	char *const argv[] = { "/nonexistent/tracer-id-failed", "id-failed", NULL };
	const struct id_event *x;

	id_cgroup_root();
	cr_assert_eq(WEXITSTATUS(run_traced(NULL, NULL, argv)), 126);
	x = id_exec(&tr, "/nonexistent/tracer-id-failed", "id-failed");
	cr_assert_eq(x->ret, -ENOENT);
	cr_assert_eq(x->exe_ino, 0);
	cr_assert_eq(x->exe_dev, 0);
	cr_assert_eq(x->mntns, own_ns("mnt"));
	cr_assert_eq(x->pidns, own_ns("pid"));
	cr_assert_str_eq(x->cgroup, id_own_cgroup());
}

/* ---- A file bind-mounted over another, as an unprivileged user ---- */

struct as_user {
	uid_t uid;
	const char *dir;
};

static int become_user(void *arg)
{
	const struct as_user *u = arg;

	if (chdir(u->dir) || setgroups(0, NULL) || setresgid(u->uid, u->uid, u->uid) ||
	    setresuid(u->uid, u->uid, u->uid))
		return 125;
	return 0;
}

static int enter_dir(void *arg)
{
	const struct as_user *u = arg;

	return chdir(u->dir) ? 125 : 0;
}

/* A uid no account has: an unprivileged user of the test's own. */
static uid_t unused_uid(void)
{
	uid_t uid;

	for (uid = 61000 + getpid() % 1000; getpwuid(uid); uid++)
		;
	return uid;
}

/* Whether the user can make a user namespace with a mount namespace here. */
static bool user_namespaces_work(struct as_user *u)
{
	char *const argv[] = { "/usr/bin/unshare", "-Urm", "/bin/true", NULL };
	struct id_child c;
	int status;

	id_spawn(&c, become_user, u, argv);
	id_release(&c);
	status = id_reap(&c);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void copy_file(const char *from, const char *to, mode_t mode)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(chmod(to, mode), 0);
}

/* The one successful exec whose filename ends with suffix. */
static const struct id_event *ran(const char *suffix)
{
	const struct id_event *found = NULL;
	size_t i, n = 0, ls = strlen(suffix);

	for (i = 0; i < tr.n; i++) {
		const struct id_event *x = &tr.ev[i];
		size_t lf = strlen(x->filename);

		if (x->type == TRACER_EVENT_EXEC && !x->ret && lf >= ls &&
		    !strcmp(x->filename + lf - ls, suffix)) {
			found = x;
			n++;
		}
	}
	cr_assert_eq(n, 1, "%zu successful execs of *%s, want 1", n, suffix);
	return found;
}

/*
 * Issue 23 item 11, as reported: `unshare -Urm sh -c "mount --bind evil
 * /usr/bin/passwd && /usr/bin/passwd"` run by an unprivileged user. The
 * path is the one the process sees; the inode is evil's.
 */
Test(exec_identity, a_file_bind_mounted_over_passwd_is_told_apart)
{
	const char *script = "mount --bind evil /usr/bin/passwd && /usr/bin/passwd";
	struct as_user u = { .uid = unused_uid(), .dir = own_tmpdir("id") };
	char *const unprivileged[] = {
		"/usr/bin/unshare", "-Urm", "sh", "-c", (char *)script, NULL
	};
	char *const as_root[] = { "/usr/bin/unshare", "-m", "sh", "-c", (char *)script, NULL };
	const char *evil = own_strf("%s/evil", u.dir);
	const struct id_event *x, *sh, *outer;
	bool userns;

	copy_file("/bin/true", evil, 0755);
	cr_assert_neq(id_ino(evil), id_ino("/usr/bin/passwd"));
	userns = user_namespaces_work(&u);
	/*
	 * The kernel refuses a user namespace to a process in a chroot (as
	 * under scripts/vmtest) and where unprivileged ones are turned off.
	 */
	if (!userns)
		fprintf(stderr,
			"note: uid %u cannot make a user namespace here (a chroot, or a kernel "
			"that forbids it to users): the bind mount is made as root in a new mount "
			"namespace instead\n",
			(unsigned)u.uid);
	cr_assert_eq(run_traced(userns ? become_user : enter_dir, &u,
				userns ? unprivileged : as_root),
		     0);

	x = id_exec(&tr, "/usr/bin/passwd", NULL);
	cr_assert_eq(x->ret, 0);
	cr_assert_str_eq(x->exe, "/usr/bin/passwd", "the path as the process sees it");
	cr_assert_eq(x->exe_ino, id_ino(evil), "exe_ino %llu: evil is %llu, passwd %llu",
		     (unsigned long long)x->exe_ino, (unsigned long long)id_ino(evil),
		     (unsigned long long)id_ino("/usr/bin/passwd"));
	cr_assert_eq(x->exe_dev, id_dev(evil));
	/* The namespace the bind mount lives in is not tracer's, and says so. */
	outer = ran("/usr/bin/unshare");
	sh = ran("/sh");
	cr_assert_eq(outer->mntns, own_ns("mnt"));
	cr_assert_neq(x->mntns, own_ns("mnt"));
	cr_assert_eq(sh->mntns, x->mntns);
}

/* ---- pid namespaces ---- */

Test(exec_identity, pid_namespace_and_the_pid_inside)
{
	char *const argv[] = { "/usr/bin/unshare",
			       "-p",
			       "-f",
			       "--mount-proc",
			       "/bin/sh",
			       "-c",
			       "/bin/true id-pidns-a; exec /bin/true id-pidns-b",
			       NULL };
	const struct id_event *outer, *sh, *a, *b;

	cr_assert_eq(run_traced(NULL, NULL, argv), 0);
	outer = id_exec(&tr, "/usr/bin/unshare", NULL);
	sh = id_exec(&tr, "/bin/sh", "-c");
	a = id_exec(&tr, "/bin/true", "id-pidns-a");
	b = id_exec(&tr, "/bin/true", "id-pidns-b");
	cr_assert_eq(outer->pidns, own_ns("pid"));
	cr_assert_eq(outer->ns_pid, outer->pid);
	cr_assert_neq(sh->pidns, own_ns("pid"));
	cr_assert_eq(a->pidns, sh->pidns);
	cr_assert_eq(b->pidns, sh->pidns);
	/* unshare -f forks the namespace's init, which runs sh; sh forks a, then becomes b. */
	cr_assert_eq(sh->ns_pid, 1);
	cr_assert_eq(a->ns_pid, 2);
	cr_assert_eq(b->ns_pid, 1);
	cr_assert_eq(b->pid, sh->pid);
	cr_assert_neq(sh->pid, 1);
}

/* ---- cgroup paths ---- */

struct cg_group {
	const char *dir;
};

static int enter_group(void *arg)
{
	const struct cg_group *g = arg;

	return id_cgroup_enter(g->dir, getpid()) ? 124 : 0;
}

static void check_group_path(bool remove_first)
{
	char *const argv[] = { "/bin/true", "id-cgroup", NULL };
	const char *rel = own_strf("tracer-id-%d", (int)getpid());
	const char *top = id_cgroup_make(rel);
	struct cg_group g = { .dir = id_cgroup_make(own_strf("%s/inner", rel)) };
	uint64_t ino = id_ino(g.dir);
	const struct id_event *x;
	struct id_child c;

	id_spawn(&c, enter_group, &g, argv);
	id_trace_start(&tr, &c.pid, 1, EXEC_EXIT, NULL);
	id_release(&c);
	cr_assert_eq(id_reap(&c), 0);
	if (remove_first) {
		/* Gone before the record is read: it was named in the kernel. */
		cr_assert_eq(rmdir(g.dir), 0, "rmdir %s: %s", g.dir, strerror(errno));
		cr_assert_eq(rmdir(top), 0);
	}
	id_trace_stop(&tr);
	x = id_exec(&tr, "/bin/true", "id-cgroup");
	cr_assert_str_eq(x->cgroup, own_strf("/%s/inner", rel));
	cr_assert_eq(x->cgroup_id, ino);
}

Test(exec_identity, cgroup_by_path_and_id)
{
	check_group_path(false);
}

Test(exec_identity, cgroup_removed_before_the_record_is_read)
{
	check_group_path(true);
}
