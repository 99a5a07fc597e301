// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The exec filters (tracer_options.uids, .comms; issue 24.5), decided in the
 * kernel: each test runs execs that must be reported and execs that must
 * not, all of them watched, and checks the events and the count of the
 * filtered ones.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <criterion/criterion.h>
#include <tracer/tracer.h>
#include "held.h"

#define MAX_EXECS 16
#define NOBODY 65534

struct exec_seen {
	uint32_t pid;
	int32_t ret;
	char filename[256];
};

struct execs {
	struct exec_seen ev[MAX_EXECS];
	size_t n, lost;
};

static int collect_exec(void *ctx, const struct tracer_event *ev)
{
	struct execs *c = ctx;
	struct exec_seen *e;

	if (ev->type == TRACER_EVENT_LOST) {
		c->lost += ev->lost.count;
		return 0;
	}
	cr_assert_eq(ev->type, TRACER_EVENT_EXEC);
	cr_assert_lt(c->n, MAX_EXECS);
	e = &c->ev[c->n++];
	e->pid = ev->exec.pid;
	e->ret = ev->exec.ret;
	snprintf(e->filename, sizeof(e->filename), "%.*s", (int)ev->exec.filename.len,
		 ev->exec.filename.ptr);
	return 0;
}

/* The execs of pid, and the last one's event. */
static size_t execs_of(const struct execs *c, pid_t pid, const struct exec_seen **last)
{
	size_t i, n = 0;

	for (i = 0; i < c->n; i++) {
		if (c->ev[i].pid != (uint32_t)pid)
			continue;
		n++;
		if (last)
			*last = &c->ev[i];
	}
	return n;
}

/*
 * Runs the held children (each watched) to their end under a handle with
 * these filters; then every exec has been written, and the stop delivers
 * it. Returns the count of filtered execs.
 */
static uint64_t run_filtered(struct execs *c, struct held *h, size_t n, const uint32_t *uids,
			     size_t n_uids, const char *const *comms, size_t n_comms)
{
	uint32_t pids[8];
	struct tracer_stats st;
	struct tracer *t;
	size_t i;

	cr_assert_leq(n, 8);
	for (i = 0; i < n; i++)
		pids[i] = (uint32_t)h[i].pid;
	TRACER_OPTS(o, .pids = pids, .n_pids = n, .uids = uids, .n_uids = n_uids, .comms = comms,
		    .n_comms = n_comms, .on_event = collect_exec, .ctx = c);
	memset(c, 0, sizeof(*c));
	t = held_start(&o);
	for (i = 0; i < n; i++)
		held_release(&h[i]);
	for (i = 0; i < n; i++)
		held_reap(&h[i], NULL);
	cr_assert_eq(tracer_stop(t), 0);
	cr_assert_eq(tracer_get_stats(t, &st), 0);
	cr_assert_eq(st.lost + c->lost, 0);
	cr_assert_eq(st.excluded, 0);
	tracer_destroy(t);
	return st.filtered;
}

/* In the child: become nobody (real and effective), then exec argv. */
static int exec_as_nobody(void *arg)
{
	char *const *argv = arg;

	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return 2;
	execv(argv[0], argv);
	return 3;
}

Test(exec_filters, uids_keep_the_execs_of_those_users)
{
	static struct execs c;
	static char *argv_nobody[] = { "/bin/true", "as-nobody", NULL };
	char *argv_root[] = { "/bin/true", "as-root", NULL };
	const uint32_t uids[] = { 4242, NOBODY };
	struct held h[2] = { held_fn(exec_as_nobody, argv_nobody), held_exec(argv_root) };

	cr_assert_eq(run_filtered(&c, h, 2, uids, 2, NULL, 0), 1);
	cr_assert_eq(execs_of(&c, h[0].pid, NULL), 1, "nobody's exec was not reported");
	cr_assert_eq(execs_of(&c, h[1].pid, NULL), 0, "root's exec was reported");
	cr_assert_eq(c.n, 1);
}

Test(exec_filters, uids_match_the_effective_uid_after_a_setuid_exec)
{
	static struct execs c;
	char dir[] = "/tmp/tracer-filter-XXXXXX", setuid_true[64], cmd[320];
	const uint32_t uids[] = { NOBODY };
	struct held h[2];
	struct stat sb;

	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chmod(dir, 0755), 0);
	snprintf(setuid_true, sizeof(setuid_true), "%s/true", dir);
	snprintf(cmd, sizeof(cmd), "cp /bin/true %s && chown %d %s && chmod 4755 %s", setuid_true,
		 NOBODY, setuid_true, setuid_true);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(stat(setuid_true, &sb), 0);
	char *argv_setuid[] = { setuid_true, NULL };
	char *argv_root[] = { "/bin/true", "as-root", NULL };

	h[0] = held_exec(argv_setuid);
	h[1] = held_exec(argv_root);
	cr_assert_eq(run_filtered(&c, h, 2, uids, 1, NULL, 0), 1);
	unlink(setuid_true);
	rmdir(dir);
	cr_assert_eq(execs_of(&c, h[0].pid, NULL), 1,
		     "root running a program that is setuid nobody was not reported");
	cr_assert_eq(execs_of(&c, h[1].pid, NULL), 0);
}

/* In the child: an exec that fails (ENOENT), then one of /bin/true. */
static int failed_then_true(void *arg)
{
	char *argv[] = { "true", NULL };

	(void)arg;
	execv("/nonexistent/dir/true", argv);
	execv("/bin/true", argv);
	return 3;
}

Test(exec_filters, comms_keep_the_programs_of_those_names)
{
	static struct execs c;
	char dir[] = "/tmp/tracer-filter-XXXXXX", link[64];
	const char *const comms[] = { "true" };
	const struct exec_seen *e;
	struct held h[3];

	cr_assert_not_null(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/mytrue", dir);
	cr_assert_eq(symlink("/bin/true", link), 0);
	char *argv_false[] = { "/bin/false", NULL };
	char *argv_link[] = { link, NULL };

	h[0] = held_fn(failed_then_true, NULL);
	h[1] = held_exec(argv_false);
	h[2] = held_exec(argv_link); /* named mytrue: the name it is run by */
	cr_assert_eq(run_filtered(&c, h, 3, NULL, 0, comms, 1), 2);
	unlink(link);
	rmdir(dir);
	cr_assert_eq(execs_of(&c, h[0].pid, &e), 2,
		     "the failed exec of .../true and the exec of /bin/true");
	cr_assert_eq(c.ev[0].ret, -ENOENT);
	cr_assert_str_eq(c.ev[0].filename, "/nonexistent/dir/true");
	cr_assert_eq(e->ret, 0);
	cr_assert_str_eq(e->filename, "/bin/true");
	cr_assert_eq(execs_of(&c, h[1].pid, NULL), 0, "/bin/false was reported");
	cr_assert_eq(execs_of(&c, h[2].pid, NULL), 0, "mytrue was reported");
}

/* In the child: fexecve() of /bin/true: the kernel names the file /dev/fd/N. */
static int fexecve_true(void *arg)
{
	char *argv[] = { "by-fd", NULL };
	char *envp[] = { NULL };
	int fd = open("/bin/true", O_RDONLY);

	(void)arg;
	if (fd < 0)
		return 2;
	fexecve(fd, argv, envp);
	return 3;
}

Test(exec_filters, comms_are_cut_as_the_kernel_cuts_them_and_fexecve_is_named_by_its_file)
{
	static struct execs c;
	char dir[] = "/tmp/tracer-filter-XXXXXX", link[96];
	/* Both 15 bytes once cut: "long-program-na". */
	const char *const comms[] = { "long-program-name-and-more", "true" };
	struct held h[3];

	cr_assert_not_null(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/long-program-name", dir);
	cr_assert_eq(symlink("/bin/true", link), 0);
	char *argv_link[] = { link, NULL };
	char *argv_false[] = { "/bin/false", NULL };

	h[0] = held_exec(argv_link);
	h[1] = held_fn(fexecve_true, NULL);
	h[2] = held_exec(argv_false);
	cr_assert_eq(run_filtered(&c, h, 3, NULL, 0, comms, 2), 1);
	unlink(link);
	rmdir(dir);
	cr_assert_eq(execs_of(&c, h[0].pid, NULL), 1, "long-program-name was not reported");
	cr_assert_eq(execs_of(&c, h[1].pid, NULL), 1, "fexecve of /bin/true was not reported");
	cr_assert_eq(execs_of(&c, h[2].pid, NULL), 0, "/bin/false was reported");
}

Test(exec_filters, uids_and_comms_must_both_match)
{
	static struct execs c;
	static char *argv_true[] = { "/bin/true", NULL };
	static char *argv_false[] = { "/bin/false", NULL };
	const uint32_t uids[] = { NOBODY };
	const char *const comms[] = { "true" };
	struct held h[3] = {
		held_fn(exec_as_nobody, argv_true),
		held_fn(exec_as_nobody, argv_false),
		held_exec(argv_true),
	};

	cr_assert_eq(run_filtered(&c, h, 3, uids, 1, comms, 1), 2);
	cr_assert_eq(execs_of(&c, h[0].pid, NULL), 1);
	cr_assert_eq(execs_of(&c, h[1].pid, NULL), 0, "nobody's /bin/false was reported");
	cr_assert_eq(execs_of(&c, h[2].pid, NULL), 0, "root's /bin/true was reported");
}
