// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Unit tests of the table of each process's last exec context (parentctx.c):
 * it starts small and grows with the processes it keeps (issue 28: the
 * readable line's table must not make the steady RSS), every entry found
 * after the growth and after deletions, and back to small when it forgets
 * everything at its limit.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "parentctx.h"

static struct tracer_exec_event exec_in(uint32_t pid, const char *cwd)
{
	struct tracer_exec_event e = { .pid = pid, .ppid = 1, .uid = pid % 7 };

	e.cwd.path.ptr = cwd;
	e.cwd.path.len = strlen(cwd);
	return e;
}

static void cwd_of_pid(uint32_t pid, char *buf, size_t len)
{
	snprintf(buf, len, "/home/u%u", pid);
}

/* Whether pid's context is found with the cwd it was kept with. */
static bool found_as_kept(const struct parentctx *p, uint32_t pid)
{
	char cwd[32];
	struct tracer_exec_event e;
	const struct proc_context *c;

	cwd_of_pid(pid, cwd, sizeof(cwd));
	e = exec_in(pid, cwd);
	e.ppid = 0;
	c = parentctx_of(p, &e);
	return c && c->pid == pid && c->uid == pid % 7 && kept_path_eq(&c->cwd, &e.cwd);
}

static void keep(struct parentctx *p, uint32_t pid)
{
	char cwd[32];
	struct tracer_exec_event e;

	cwd_of_pid(pid, cwd, sizeof(cwd));
	e = exec_in(pid, cwd);
	parentctx_keep(p, &e);
}

Test(parentctx, starts_small)
{
	struct parentctx *p = parentctx_new();

	cr_assert_not_null(p);
	cr_assert_leq(parentctx_capacity(p), 64);
	keep(p, 100);
	cr_assert(found_as_kept(p, 100));
	cr_assert_leq(parentctx_capacity(p), 64);
	parentctx_free(p);
}

Test(parentctx, grows_and_finds_everything)
{
	struct parentctx *p = parentctx_new();
	uint32_t pid;

	for (pid = 1000; pid < 3000; pid++)
		keep(p, pid);
	cr_assert_geq(parentctx_capacity(p), 4000, "capacity %zu", parentctx_capacity(p));
	cr_assert_leq(parentctx_capacity(p), 8192);
	for (pid = 1000; pid < 3000; pid++)
		cr_assert(found_as_kept(p, pid), "pid %u lost", pid);
	/* Deletions shift entries back across the larger table. */
	for (pid = 1000; pid < 3000; pid += 3)
		parentctx_forget(p, pid);
	for (pid = 1000; pid < 3000; pid++)
		cr_assert_eq(found_as_kept(p, pid), (pid - 1000) % 3 != 0, "pid %u", pid);
	parentctx_free(p);
}

Test(parentctx, few_live_processes_keep_it_small)
{
	struct parentctx *p = parentctx_new();
	uint32_t pid;

	/* An exec storm: many pids, a handful alive at once. */
	for (pid = 1000; pid < 21000; pid++) {
		keep(p, pid);
		if (pid >= 1004)
			parentctx_forget(p, pid - 4);
	}
	cr_assert_leq(parentctx_capacity(p), 64);
	for (pid = 20996; pid < 21000; pid++)
		cr_assert(found_as_kept(p, pid));
	parentctx_free(p);
}

Test(parentctx, small_again_after_forgetting_all)
{
	struct parentctx *p = parentctx_new();
	uint32_t pid;

	for (pid = 1; pid <= PARENTCTX_MAX_PROCS; pid++)
		keep(p, pid);
	cr_assert_eq(parentctx_capacity(p), 2 * PARENTCTX_MAX_PROCS);
	cr_assert(found_as_kept(p, PARENTCTX_MAX_PROCS));
	/* One more: past the limit, everything is forgotten at once. */
	keep(p, 100000);
	cr_assert(found_as_kept(p, 100000));
	cr_assert_not(found_as_kept(p, 1));
	cr_assert_leq(parentctx_capacity(p), 64);
	parentctx_free(p);
}
