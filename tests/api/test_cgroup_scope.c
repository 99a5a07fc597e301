// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * tracer_options.cgroup (issue 27 item 6): the scope narrowed in the kernel
 * to a cgroup v2 subtree, through libtracer in the running kernel (root
 * needed). The test mounts its own cgroup2 hierarchy, makes a group and a
 * group below it, puts some watched processes in them and leaves others
 * out, and checks exactly which events come: those of the processes inside
 * (the group or below it) at the time of the event, none of the others,
 * though every one of them is watched.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <criterion/criterion.h>

#include "idtrace.h"

TestSuite(cgroup_scope, .fini = id_teardown);

static struct id_trace tr;

struct cg_group {
	const char *dir;
};

static int enter_group(void *arg)
{
	const struct cg_group *g = arg;

	return id_cgroup_enter(g->dir, getpid()) ? 124 : 0;
}

/* The group and its inner group, under the test's own hierarchy. */
static void make_groups(struct cg_group *top, struct cg_group *inner)
{
	const char *rel = own_strf("tracer-scope-%d", (int)getpid());

	top->dir = id_cgroup_make(rel);
	inner->dir = id_cgroup_make(own_strf("%s/inner", rel));
}

Test(cgroup_scope, execs_forks_exits_of_the_subtree_only)
{
	struct cg_group top, inner;
	struct id_child in_top, in_inner, outside, mover;
	const struct id_event *x[4];
	pid_t pids[4];
	size_t i;

	make_groups(&top, &inner);
	{
		char *const a[] = { "/bin/true", "scope-top", NULL };
		char *const b[] = { "/bin/true", "scope-inner", NULL };
		char *const c[] = { "/bin/sh", "-c", "/bin/true scope-out", NULL };
		/*
		 * Outside at first, then moves itself into the group and forks one
		 * more (not its last command: sh would exec that one itself).
		 */
		char *const d[] = { "/bin/sh", "-c",
				    (char *)own_strf(
					    "/bin/true scope-before; echo $$ > %s/cgroup.procs "
					    "&& /bin/true scope-after; exit 0",
					    top.dir),
				    NULL };

		id_spawn(&in_top, enter_group, &top, a);
		id_spawn(&in_inner, enter_group, &inner, b);
		id_spawn(&outside, NULL, NULL, c);
		id_spawn(&mover, NULL, NULL, d);
	}
	pids[0] = in_top.pid;
	pids[1] = in_inner.pid;
	pids[2] = outside.pid;
	pids[3] = mover.pid;
	id_trace_start(&tr, pids, 4,
		       TRACER_EVENT_BIT(TRACER_EVENT_EXEC) | TRACER_EVENT_BIT(TRACER_EVENT_FORK) |
			       TRACER_EVENT_BIT(TRACER_EVENT_EXIT),
		       top.dir);
	id_release(&in_top);
	id_release(&in_inner);
	id_release(&outside);
	id_release(&mover);
	cr_assert_eq(id_reap(&in_top), 0);
	cr_assert_eq(id_reap(&in_inner), 0);
	cr_assert_eq(id_reap(&outside), 0);
	cr_assert_eq(id_reap(&mover), 0);
	id_trace_stop(&tr);

	/* Inside: the group and the group below it. */
	cr_assert_eq(id_execs_of(&tr, in_top.pid, x, 4), 1);
	cr_assert_str_eq(x[0]->arg1, "scope-top");
	cr_assert_eq(id_count(&tr, TRACER_EVENT_EXIT, in_top.pid), 1);
	cr_assert_eq(id_execs_of(&tr, in_inner.pid, x, 4), 1);
	cr_assert_str_eq(x[0]->arg1, "scope-inner");
	cr_assert_eq(id_count(&tr, TRACER_EVENT_EXIT, in_inner.pid), 1);

	/* Outside, though watched: nothing, nor of its child. */
	cr_assert_eq(id_execs_of(&tr, outside.pid, x, 4), 0);
	cr_assert_eq(id_count(&tr, TRACER_EVENT_EXIT, outside.pid), 0);
	cr_assert_eq(id_count(&tr, TRACER_EVENT_FORK, outside.pid), 0);
	for (i = 0; i < tr.n; i++)
		cr_assert(strcmp(tr.ev[i].arg1, "scope-out") &&
				  tr.ev[i].ppid != (uint32_t)outside.pid,
			  "an event of the process outside the group");

	/* The mover: its exec and its first child were outside; after the move, inside. */
	cr_assert_eq(id_execs_of(&tr, mover.pid, x, 4), 0, "sh's exec came before the move");
	for (i = 0; i < tr.n; i++)
		cr_assert(strcmp(tr.ev[i].arg1, "scope-before"), "scope-before ran outside");
	x[0] = id_exec(&tr, "/bin/true", "scope-after");
	cr_assert_eq(x[0]->ppid, (uint32_t)mover.pid);
	cr_assert_eq(id_count(&tr, TRACER_EVENT_FORK, x[0]->pid), 1, "the fork after the move");
	cr_assert_eq(id_count(&tr, TRACER_EVENT_EXIT, x[0]->pid), 1);
	cr_assert_eq(id_count(&tr, TRACER_EVENT_EXIT, mover.pid), 1, "the mover ended inside");
	/* Nothing else: 3 execs, 1 fork, 4 exits. */
	cr_assert_eq(tr.n, 8, "%zu events", tr.n);
}

Test(cgroup_scope, signals_with_a_sender_or_target_inside)
{
	char *const sleeper[] = { "/bin/sleep", "30", NULL };
	struct id_child target_out, target_in, spare_out, by_in, by_out, by_out2;
	struct cg_group top, inner;
	pid_t pids[6];
	size_t i, n = 0;

	make_groups(&top, &inner);
	id_spawn(&target_out, NULL, NULL, sleeper);
	id_spawn(&target_in, enter_group, &inner, sleeper);
	id_spawn(&spare_out, NULL, NULL, sleeper);
	{
		char *const a[] = { "/bin/sh", "-c",
				    (char *)own_strf("kill -USR1 %d", (int)target_out.pid), NULL };
		char *const b[] = { "/bin/sh", "-c",
				    (char *)own_strf("kill -USR2 %d", (int)target_in.pid), NULL };
		char *const c[] = { "/bin/sh", "-c",
				    (char *)own_strf("kill -HUP %d", (int)spare_out.pid), NULL };

		id_spawn(&by_in, enter_group, &top, a);
		id_spawn(&by_out, NULL, NULL, b);
		id_spawn(&by_out2, NULL, NULL, c);
	}
	pids[0] = target_out.pid;
	pids[1] = target_in.pid;
	pids[2] = spare_out.pid;
	pids[3] = by_in.pid;
	pids[4] = by_out.pid;
	pids[5] = by_out2.pid;
	id_trace_start(&tr, pids, 6, TRACER_EVENT_BIT(TRACER_EVENT_SIGNAL), top.dir);
	id_release(&target_out);
	id_release(&target_in);
	id_release(&spare_out);
	id_release(&by_in);
	id_release(&by_out);
	id_release(&by_out2);
	cr_assert_eq(id_reap(&by_in), 0);
	cr_assert_eq(id_reap(&by_out), 0);
	cr_assert_eq(id_reap(&by_out2), 0);
	cr_assert_eq(WTERMSIG(id_reap(&target_out)), SIGUSR1);
	cr_assert_eq(WTERMSIG(id_reap(&target_in)), SIGUSR2);
	cr_assert_eq(WTERMSIG(id_reap(&spare_out)), SIGHUP);
	id_trace_stop(&tr);

	for (i = 0; i < tr.n; i++) {
		const struct id_event *s = &tr.ev[i];

		cr_assert_eq(s->type, TRACER_EVENT_SIGNAL);
		if (s->sig == SIGUSR1) {
			/* Sent from inside to a process outside. */
			cr_assert_eq(s->sender_pid, (uint32_t)by_in.pid);
			cr_assert_eq(s->target_pid, (uint32_t)target_out.pid);
			cr_assert(s->sender_watched);
			cr_assert_not(s->target_watched);
		} else if (s->sig == SIGUSR2) {
			/* Sent from outside to a process inside, below the group. */
			cr_assert_eq(s->sender_pid, (uint32_t)by_out.pid);
			cr_assert_eq(s->target_pid, (uint32_t)target_in.pid);
			cr_assert(s->target_watched);
			cr_assert_not(s->sender_watched);
		} else {
			cr_assert_fail("signal %d from %u to %u: both ends outside the group",
				       s->sig, s->sender_pid, s->target_pid);
		}
		n++;
	}
	cr_assert_eq(n, 2, "%zu signal events, want 2", n);
}
