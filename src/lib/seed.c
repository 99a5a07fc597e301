// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Seeding: the processes in scope that already run when the programs attach
 * (the roots, their descendants, the processes on the watched terminals)
 * are found in a snapshot of the kernel's task list and watched; so are,
 * later, a process given to tracer_watch_pid() and its descendants.
 *
 * The programs are attached before the first snapshot, so a fork of a
 * process already watched is followed by the kernel. While the seeding
 * runs, the iterator watches what it finds in scope itself, in pid order
 * (bpf/seed.bpf.h): a parent before its children, so that what a process
 * forks once the iterator has passed it is the fork program's, and one
 * pass usually finds everything. What the iterator could not decide (a
 * child listed before its parent: pids wrapped) is found here in the
 * snapshot and inserted; a process inserted so may fork before its insert,
 * as may one the fork program saw below its parent's pid (seed_wrapped):
 * then the seeding repeats, each pass taking a new snapshot, until a pass
 * finds nothing new.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "wire.h"
#include "glob.h" /* before the skeleton: its read-only data holds patterns */
#include "tracer.skel.h"
#include "core_impl.h"
#include "errmsg.h"
#include "scope.h"
#include "sysinfo.h"
#include "testhooks.h"

/* A seeding pass that finds nothing new ends the seeding. */
#define SEED_MAX_PASSES 16

/* What the passes of one seeding share. */
struct seeding {
	struct scope_task *tasks; /* the last snapshot */
	size_t n_tasks;
	struct scope_member *members; /* what the last pass found new */
	struct watch_inserted *ins; /* every process this seeding made watched */
	uint32_t *already; /* their pids, for scope_select(); then the iterator's */
	size_t n_ins, cap_ins;
	size_t n_watched; /* in the last snapshot, watched by the iterator */
	uint32_t mode; /* TRACER_SEEDING_* */
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

/* Whether a process the iterator watched counts as already watched for scope_select(). */
static bool seeding_takes(const struct seeding *sd, const struct scope_spec *spec,
			  const struct scope_task *t)
{
	size_t i;

	if (!(t->flags & TRACER_TASK_WATCHED))
		return false;
	if (sd->mode == TRACER_SEEDING_START)
		return true;
	/* tracer_watch_pid(): the root's descendants only, not every watched process's. */
	for (i = 0; i < spec->n_pids; i++)
		if (spec->pids[i] == t->pid)
			return true;
	return false;
}

/*
 * Appends the pids the iterator has watched in the last snapshot to
 * already, past its n_ins entries: scope_select() takes them as watched,
 * for this pass only. Says whether the iterator may have left one out:
 * it found one in scope it could not insert, or listed a child before its
 * parent (it decides by the parent's entry, as it goes); for
 * tracer_watch_pid(), it watches the root alone.
 */
static int seeding_add_watched(struct seeding *sd, const struct scope_spec *spec, bool *left_out)
{
	const struct scope_task *t;
	size_t i, k = 0;
	int ret;

	*left_out = sd->mode != TRACER_SEEDING_START;
	for (i = 0; i < sd->n_tasks; i++) {
		t = &sd->tasks[i];
		k += seeding_takes(sd, spec, t);
		if ((t->flags & TRACER_TASK_UNINSERTED) || t->ppid > t->pid)
			*left_out = true;
	}
	ret = seeding_reserve(sd, k);
	if (ret)
		return ret;
	for (i = 0; i < sd->n_tasks; i++)
		if (seeding_takes(sd, spec, &sd->tasks[i]))
			sd->already[sd->n_ins + sd->n_watched++] = sd->tasks[i].pid;
	return 0;
}

/* One pass: a snapshot, and what is newly in scope in it. Returns how many, or -errno. */
static int seeding_pass(struct tracer_core *core, struct seeding *sd, const struct scope_spec *spec,
			char *err, size_t errlen)
{
	bool left_out;
	int ret;

	free(sd->tasks);
	sd->tasks = NULL;
	sd->n_watched = 0;
	__atomic_store_n(&core->skel->bss->seed_wrapped, 0, __ATOMIC_SEQ_CST);
	ret = watch_snapshot(core, &sd->tasks, &sd->n_tasks);
	if (ret) {
		errmsg_set(err, errlen, "cannot list processes (iter/task): %s", strerror(-ret));
		return ret;
	}
	free(sd->members);
	sd->members = calloc(sd->n_tasks ? sd->n_tasks : 1, sizeof(*sd->members));
	if (!sd->members || seeding_add_watched(sd, spec, &left_out)) {
		errmsg_set(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* Parents listed first and all inserted: the iterator watched every process in scope. */
	if (!left_out)
		return 0;
	ret = scope_select(sd->tasks, sd->n_tasks, spec, sd->already, sd->n_ins + sd->n_watched,
			   sd->members);
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
	bool start = sd->mode == TRACER_SEEDING_START, wrapped;
	int pass, n, ret;

	for (pass = 0; pass < SEED_MAX_PASSES; pass++) {
		n = seeding_pass(core, sd, spec, err, errlen);
		if (n < 0)
			return n;
		wrapped = __atomic_load_n(&core->skel->bss->seed_wrapped, __ATOMIC_SEQ_CST);
		if (pass == 0 && found_roots)
			mark_found_roots(sd, spec->pids, spec->n_pids, found_roots);
		/* tracer_watch_pid() of a process not listed watches nothing. */
		if (pass == 0 && !start && found_roots && !found_roots[0])
			return 0;
		if (start && core->cfg->opts.verbose)
			fprintf(stderr,
				"tracer: seeding pass %d: %zu live processes, %zu watched by the "
				"iterator, %d more in scope%s\n",
				pass + 1, sd->n_tasks, sd->n_watched, n,
				wrapped ? ", a fork below its parent's pid" : "");
		if (pass == 0 && start)
			testhook_seed_hold();
		if (n == 0 && !wrapped)
			break;
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

/* Puts the roots in seed_roots, for the iterator (add), or takes them out. 0 or -errno. */
static int seeding_roots(struct tracer_core *core, const uint32_t *pids, size_t n, bool add)
{
	__u8 one = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!add)
			bpf_map__delete_elem(core->skel->maps.seed_roots, &pids[i], sizeof(pids[i]),
					     0);
		else if (bpf_map__update_elem(core->skel->maps.seed_roots, &pids[i],
					      sizeof(pids[i]), &one, sizeof(one), BPF_ANY))
			return -errno;
	}
	return 0;
}

/*
 * Watches what is in spec's scope among the live processes, the iterator
 * in mode (TRACER_SEEDING_*). The roots are in seed_roots only meanwhile:
 * a later seeding cannot take a pid reused since for one of them.
 */
static int seed_scope(struct tracer_core *core, const struct scope_spec *spec, uint32_t mode,
		      bool *found_roots, char *err, size_t errlen)
{
	struct seeding sd = { .mode = mode };
	int ret;

	ret = seeding_roots(core, spec->pids, spec->n_pids, true);
	if (ret) {
		errmsg_set(err, errlen, "cannot set up the seeding: %s", strerror(-ret));
	} else {
		__atomic_store_n(&core->skel->bss->seeding, mode, __ATOMIC_SEQ_CST);
		ret = seeding_run(core, &sd, spec, found_roots, err, errlen);
		__atomic_store_n(&core->skel->bss->seeding, 0, __ATOMIC_SEQ_CST);
	}
	seeding_roots(core, spec->pids, spec->n_pids, false);
	if (!ret)
		watch_drop_dead(core, sd.ins, sd.n_ins, sd.tasks, sd.n_tasks);
	free(sd.tasks);
	free(sd.members);
	free(sd.ins);
	free(sd.already);
	return ret;
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
	int ret;

	if (found_roots)
		memset(found_roots, 0, n_roots * sizeof(*found_roots));
	/* Nothing named: nothing already running can be in scope (a COMMAND is watched alone). */
	if (!n_roots && !core->cfg->n_ttys)
		return 0;
	ret = seed_scope(core, &spec, TRACER_SEEDING_START, found_roots, err, errlen);
	if (!ret) {
		if (found_roots)
			check_unlisted_roots(core, roots, n_roots, found_roots);
		if (core->cfg->opts.verbose)
			fprintf(stderr, "tracer: start-up: seeding %.1f ms\n",
				(sys_now_ns() - t0) / 1e6);
	}
	return ret;
}

int tracer_core_watch(struct tracer_core *core, uint32_t pid)
{
	struct scope_spec spec = {
		.pids = &pid,
		.n_pids = 1,
		.watch_children = core->cfg->opts.watch_children,
	};
	bool found = false;
	char err[256];
	int ret;

	/* The listing gives task->start_time exactly, as the kernel compares it. */
	ret = seed_scope(core, &spec, TRACER_SEEDING_WATCH, &found, err, sizeof(err));
	if (ret == -E2BIG)
		return -ENOSPC; /* a full hash map refuses with E2BIG */
	if (!ret && !found)
		return -ESRCH;
	return ret;
}
