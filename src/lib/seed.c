// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Start-up seeding: the processes in scope that already run when the
 * programs attach (the roots, their descendants, the processes on the
 * watched terminals) are found in a snapshot of the kernel's task list and
 * inserted into the scope map.
 *
 * The programs are attached before the first snapshot, so a fork of a
 * process already inserted is followed by the kernel. What is left is a
 * fork under a process not inserted yet: the child is missing from the
 * snapshot and its parent was not watched when it forked. So the seeding
 * repeats: each pass takes a new snapshot and inserts what is newly in
 * scope (the children of what the earlier passes inserted, too), until a
 * pass finds nothing new.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "core_impl.h"
#include "errmsg.h"
#include "scope.h"
#include "sysinfo.h"
#include "testhooks.h"

/* A start-up seeding pass that finds nothing new ends the seeding. */
#define SEED_MAX_PASSES 16

/* What the passes of one seeding share. */
struct seeding {
	struct scope_task *tasks; /* the last snapshot */
	size_t n_tasks;
	struct scope_member *members; /* what the last pass found new */
	struct watch_inserted *ins; /* every process this seeding made watched */
	uint32_t *already; /* their pids, for scope_select() */
	size_t n_ins, cap_ins;
};

static void mark_found_roots(const struct seeding *sd, const uint32_t *roots, size_t n_roots,
			     bool *found_roots)
{
	size_t i, j;

	for (i = 0; i < sd->n_tasks; i++)
		for (j = 0; j < n_roots; j++)
			if (sd->tasks[i].pid == roots[j])
				found_roots[j] = true;
}

/* Room for more entries in ins and already. */
static int seeding_reserve(struct seeding *sd, size_t more)
{
	struct watch_inserted *tmp_ins;
	uint32_t *tmp_al;
	size_t cap;

	if (sd->n_ins + more <= sd->cap_ins)
		return 0;
	cap = (sd->n_ins + more) * 2;
	tmp_ins = realloc(sd->ins, cap * sizeof(*sd->ins));
	if (tmp_ins)
		sd->ins = tmp_ins;
	tmp_al = realloc(sd->already, cap * sizeof(*sd->already));
	if (tmp_al)
		sd->already = tmp_al;
	if (!tmp_ins || !tmp_al)
		return -ENOMEM;
	sd->cap_ins = cap;
	return 0;
}

/* Watches the n members the last pass found. */
static int seeding_insert(struct tracer_core *core, struct seeding *sd, size_t n, char *err,
			  size_t errlen)
{
	const struct scope_member *m;
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		m = &sd->members[i];
		ret = watch_insert(core, m);
		if (ret == -E2BIG) {
			/* The state map is full: E2BIG's own text says nothing of it. */
			errmsg_set(
				err, errlen,
				"more than %llu processes in scope: raise --max-procs (max_procs)",
				(unsigned long long)core->proc_capacity);
			return ret;
		}
		if (ret < 0) {
			errmsg_set(err, errlen, "cannot watch process %u: %s (--max-procs?)",
				   m->pid, strerror(-ret));
			return ret;
		}
		/* Whether we or a fork inserted it, its children are covered. */
		sd->already[sd->n_ins] = m->pid;
		sd->ins[sd->n_ins].pid = m->pid;
		sd->ins[sd->n_ins].start_time = ret ? m->start_time : 0;
		sd->n_ins++;
	}
	return 0;
}

/* One pass: a snapshot, and what is newly in scope in it. Returns how many, or -errno. */
static int seeding_pass(struct tracer_core *core, struct seeding *sd, const struct scope_spec *spec,
			char *err, size_t errlen)
{
	int ret;

	free(sd->tasks);
	sd->tasks = NULL;
	ret = watch_snapshot(core, &sd->tasks, &sd->n_tasks);
	if (ret) {
		errmsg_set(err, errlen, "cannot list processes (iter/task): %s", strerror(-ret));
		return ret;
	}
	free(sd->members);
	sd->members = calloc(sd->n_tasks ? sd->n_tasks : 1, sizeof(*sd->members));
	if (!sd->members) {
		errmsg_set(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = scope_select(sd->tasks, sd->n_tasks, spec, sd->already, sd->n_ins, sd->members);
	if (ret < 0)
		errmsg_set(err, errlen, "out of memory");
	return ret;
}

/*
 * The task iterator does not list every live process on every kernel (pid 1
 * on 6.18 here): a root it missed but /proc shows alive is there all the
 * same. Its descendants are in scope by their parent's pid; the root itself
 * cannot be watched without the start time only the kernel's listing gives.
 */
static void check_unlisted_roots(struct tracer_core *core, const uint32_t *roots, size_t n_roots,
				 bool *found_roots)
{
	size_t i;

	for (i = 0; i < n_roots; i++) {
		if (found_roots[i] || sys_process_dead(roots[i]))
			continue;
		found_roots[i] = true;
		if (core->cfg->opts.verbose)
			fprintf(stderr,
				"tracer: process %u is not in the kernel's task listing: its descendants are watched, its own execs and forks are not\n",
				roots[i]);
	}
}

/* The passes, until one finds nothing new. 0 or -errno (with err). */
static int seeding_run(struct tracer_core *core, struct seeding *sd, const struct scope_spec *spec,
		       bool *found_roots, char *err, size_t errlen)
{
	int pass, n, ret;

	for (pass = 0; pass < SEED_MAX_PASSES; pass++) {
		n = seeding_pass(core, sd, spec, err, errlen);
		if (n < 0)
			return n;
		if (pass == 0 && found_roots)
			mark_found_roots(sd, spec->pids, spec->n_pids, found_roots);
		if (core->cfg->opts.verbose)
			fprintf(stderr,
				"tracer: seeding pass %d: %zu live processes, %d new in scope\n",
				pass + 1, sd->n_tasks, n);
		if (n == 0)
			break;
		if (pass == 0)
			testhook_seed_hold();
		ret = seeding_reserve(sd, n);
		if (ret) {
			errmsg_set(err, errlen, "out of memory");
			return ret;
		}
		ret = seeding_insert(core, sd, n, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

int tracer_core_seed(struct tracer_core *core, bool *found_roots, char *err, size_t errlen)
{
	const uint32_t *roots = core->cfg->pids;
	size_t n_roots = core->cfg->n_pids;
	struct scope_spec spec = {
		.pids = roots,
		.n_pids = n_roots,
		.ttys = core->cfg->tty_devs,
		.n_ttys = core->cfg->n_ttys,
		.watch_children = core->cfg->opts.watch_children,
	};
	uint64_t t0 = sys_now_ns();
	struct seeding sd = {};
	int ret;

	if (found_roots)
		memset(found_roots, 0, n_roots * sizeof(*found_roots));
	ret = seeding_run(core, &sd, &spec, found_roots, err, errlen);
	if (!ret) {
		watch_drop_dead(core, sd.ins, sd.n_ins, sd.tasks, sd.n_tasks);
		if (found_roots)
			check_unlisted_roots(core, roots, n_roots, found_roots);
		if (core->cfg->opts.verbose)
			fprintf(stderr, "tracer: start-up: seeding %.1f ms\n",
				(sys_now_ns() - t0) / 1e6);
	}
	free(sd.tasks);
	free(sd.members);
	free(sd.ins);
	free(sd.already);
	return ret;
}
