// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The public API (include/tracer/tracer.h): option checking, the handle's
 * states (created, started, stopped), errors. The kernel plumbing is the
 * core (core.h), which reads the configuration kept here (config.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>
#include <tracer/tracer.h>
#include "cgscope.h"
#include "wire.h"
#include "config.h"
#include "core.h"
#include "errmsg.h"
#include "exclfile.h"
#include "exclude.h"
#include "printhook.h"
#include "stopglob.h"
#include "stopsets.h"
#include "sysinfo.h"
#include "ttyname.h"

struct tracer {
	struct tracer_config cfg; /* the core reads it while it runs */
	struct tracer_core *core; /* NULL until started */
	struct stop_sets stop_sets; /* stop patterns replaced by tracer_set_stop_at() */
	char err[256];
};

#define set_err(t, ...) errmsg_set((t)->err, sizeof((t)->err), __VA_ARGS__)

/*
 * The caller's options as this library knows them: the first sz bytes, the
 * defaults for what an older caller does not have. A newer caller's fields
 * that this library does not know must be zero (unused).
 */
static int read_options(const struct tracer_options *o, struct tracer_options *known)
{
	const unsigned char *tail = (const unsigned char *)o;
	size_t i;

	if (o->sz < sizeof(o->sz))
		return -EINVAL;
	for (i = sizeof(*known); i < o->sz; i++)
		if (tail[i])
			return -EINVAL;
	tracer_options_init(known);
	memcpy(known, o, o->sz < sizeof(*known) ? o->sz : sizeof(*known));
	known->sz = sizeof(*known);
	return 0;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/*
 * tracer_create() has no handle to keep its reason in when it fails: each
 * thread has its own (tracer_last_error(NULL)).
 */
static __thread char create_err[256];

#define create_fail(ret, ...) (errmsg_set(create_err, sizeof(create_err), __VA_ARGS__), (ret))

/* The limits and the arrays' shapes; the scope is checked against the machine at start. */
static int check_limits(const struct tracer_options *o)
{
	const uint32_t known = TRACER_EVENTS_ALL | TRACER_EVENT_BIT(TRACER_EVENT_LOST);

	if (o->system_wide && (o->n_pids || o->n_ttys))
		return create_fail(-EINVAL,
				   "system_wide traces every process: pids and ttys must be empty");
	if ((o->n_pids && !o->pids) || (o->n_ttys && !o->ttys) || (o->n_stop_at && !o->stop_at) ||
	    (o->n_exclude_paths && !o->exclude_paths) ||
	    (o->n_exclude_comms && !o->exclude_comms) ||
	    (o->n_exclude_callers && !o->exclude_callers) || (o->n_uids && !o->uids) ||
	    (o->n_comms && !o->comms))
		return create_fail(-EINVAL, "an array of the options is NULL with a count above 0");
	if (o->events & ~known)
		return create_fail(-EINVAL, "events 0x%x: unknown event bits", o->events);
	if (o->max_args > TRACER_MAX_ARGS_LIMIT)
		return create_fail(-EINVAL, "max_args %u: out of range (0-%u)", o->max_args,
				   TRACER_MAX_ARGS_LIMIT);
	if (o->max_arg_bytes < 1 || o->max_arg_bytes > TRACER_MAX_ARG_BYTES_LIMIT)
		return create_fail(-EINVAL, "max_arg_bytes %u: out of range (1-%u)",
				   o->max_arg_bytes, TRACER_MAX_ARG_BYTES_LIMIT);
	if (!is_pow2(o->ringbuf_bytes) || o->ringbuf_bytes < TRACER_RINGBUF_BYTES_MIN ||
	    o->ringbuf_bytes > TRACER_RINGBUF_BYTES_MAX)
		return create_fail(-EINVAL, "ringbuf_bytes %llu: not a power of two in %llu-%llu",
				   (unsigned long long)o->ringbuf_bytes, TRACER_RINGBUF_BYTES_MIN,
				   TRACER_RINGBUF_BYTES_MAX);
	if (o->max_procs > TRACER_PID_MAX)
		return create_fail(-EINVAL, "max_procs %llu: out of range (0-%u)",
				   (unsigned long long)o->max_procs, TRACER_PID_MAX);
	if (o->n_stop_at > TRACER_STOP_PATTERNS_MAX)
		return create_fail(-EINVAL, "too many stop patterns (%zu, at most %d)",
				   o->n_stop_at, TRACER_STOP_PATTERNS_MAX);
	if (o->n_uids > TRACER_FILTER_MAX || o->n_comms > TRACER_FILTER_MAX)
		return create_fail(-EINVAL, "too many %s to filter on (%zu, at most %d)",
				   o->n_uids > TRACER_FILTER_MAX ? "uids" : "command names",
				   o->n_uids > TRACER_FILTER_MAX ? o->n_uids : o->n_comms,
				   TRACER_FILTER_MAX);
	return 0;
}

/* The first of n stop patterns that does not compile (*why says why), or n. */
static size_t bad_stop_pattern(const char *const *patterns, size_t n, const char **why)
{
	size_t i;

	for (i = 0; i < n; i++) {
		*why = "NULL";
		if (!patterns[i] || glob_compile(patterns[i], NULL, why))
			break;
	}
	return i;
}

/* What the caller named, by syntax: terminal names, stop patterns, command names. */
static int check_names(const struct tracer_options *o)
{
	char path[PATH_MAX], q[128];
	const char *why;
	size_t i;
	int ret;

	for (i = 0; i < o->n_ttys; i++) {
		if (!o->ttys[i])
			return create_fail(-EINVAL, "a terminal name is NULL");
		ret = tty_normalize(o->ttys[i], path, sizeof(path));
		if (ret)
			return create_fail(-EINVAL, "invalid terminal name %s%s",
					   errmsg_quote(q, sizeof(q), o->ttys[i]),
					   ret == -EINVAL ? "" : " (name too long)");
	}
	i = bad_stop_pattern(o->stop_at, o->n_stop_at, &why);
	if (i < o->n_stop_at)
		return create_fail(-EINVAL, "invalid stop pattern %s: %s",
				   errmsg_quote(q, sizeof(q), o->stop_at[i]), why);
	for (i = 0; i < o->n_comms; i++)
		if (!o->comms[i] || !o->comms[i][0])
			return create_fail(-EINVAL, "a command name to filter on is %s",
					   o->comms[i] ? "empty" : "NULL");
	return 0;
}
/* Thread ids to their processes, without duplicates; every one must exist. */
static int resolve_pids(struct tracer *t)
{
	size_t i, j, n = 0;
	uint32_t tgid;

	for (i = 0; i < t->cfg.n_pids; i++) {
		if (t->cfg.pids[i] == 0 || sys_pid_tgid(t->cfg.pids[i], &tgid)) {
			set_err(t, "no such process: %u", t->cfg.pids[i]);
			return -ESRCH;
		}
		if (sys_process_dead(tgid)) {
			set_err(t,
				"process %u is a zombie: it has exited, its parent has not reaped it yet",
				tgid);
			return -ESRCH;
		}
		if (tgid != t->cfg.pids[i] && t->cfg.opts.verbose)
			fprintf(stderr, "tracer: %u is a thread of process %u: watching %u\n",
				t->cfg.pids[i], tgid, tgid);
		for (j = 0; j < n; j++)
			if (t->cfg.pids[j] == tgid)
				break;
		if (j == n)
			t->cfg.pids[n++] = tgid;
	}
	t->cfg.n_pids = n;
	return 0;
}

static int resolve_ttys(struct tracer *t)
{
	char own[64];
	size_t i;
	int ret;

	for (i = 0; i < t->cfg.n_ttys; i++) {
		const char *name = t->cfg.tty_names[i];

		ret = tty_resolve(name, &t->cfg.tty_devs[i]);
		if (ret == -ENOENT)
			set_err(t, "no such terminal: %s", name);
		else if (ret == -ENOTTY && tty_is_own_alias(name) && tty_own_path(own, sizeof(own)))
			set_err(t,
				"%s stands for this process's own controlling terminal, and it has none: name the terminal to watch (e.g. /dev/pts/3)",
				name);
		else if (ret == -ENOTTY && tty_is_own_alias(name))
			set_err(t,
				"%s stands for this process's own controlling terminal: name it (%s)",
				name, own);
		else if (ret == -ENOTTY)
			set_err(t, "not a terminal: %s", name);
		else if (ret == -EINVAL)
			set_err(t, "invalid terminal name '%s'", name);
		else if (ret)
			set_err(t, "cannot use terminal %s: %s", name, strerror(-ret));
		if (ret)
			return ret == -EINVAL ? -ENOENT : ret;
	}
	return 0;
}

/* One exclusion added to t's lists, the reason said when it cannot be. */
static int add_exclusion(struct tracer *t, int kind, const char *value)
{
	static const char *const what[] = { "excluded file", "excluded caller",
					    "excluded command name" };
	char q[PATH_MAX + 16];
	const char *why;
	int ret, fd;

	if (!value)
		return create_fail(-EINVAL, "an %s is NULL", what[kind]);
	ret = kind == 0 ? exclude_add_path(&t->cfg.excl, value) :
	      kind == 1 ? exclude_add_caller(&t->cfg.excl, value) :
			  exclude_add_comm(&t->cfg.excl, value);
	if (ret == -E2BIG)
		return create_fail(
			ret,
			"too many excluded files (exclude_paths and exclude_callers together: at most %d)",
			TRACER_EXCLUDE_FILES_MAX);
	if (ret == -ENAMETOOLONG)
		return create_fail(ret, "invalid %s %s: path too long", what[kind],
				   errmsg_quote(q, 64, value));
	if (ret == -EINVAL)
		return create_fail(ret, "invalid %s %s", what[kind],
				   errmsg_quote(q, sizeof(q), value));
	if (ret)
		return create_fail(ret, "%s", strerror(-ret));
	if (kind == 2)
		return 0;
	/* The file is opened again at start; here, so that a wrong name stops nothing. */
	fd = exclfile_open(value, &why);
	if (fd < 0)
		return create_fail(fd, "cannot exclude %s: %s", errmsg_quote(q, sizeof(q), value),
				   why);
	close(fd);
	return 0;
}

static int copy_exclusions(struct tracer *t, const struct tracer_options *o)
{
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < o->n_exclude_paths; i++)
		ret = add_exclusion(t, 0, o->exclude_paths[i]);
	for (i = 0; !ret && i < o->n_exclude_callers; i++)
		ret = add_exclusion(t, 1, o->exclude_callers[i]);
	for (i = 0; !ret && i < o->n_exclude_comms; i++)
		ret = add_exclusion(t, 2, o->exclude_comms[i]);
	return ret;
}

/* A copy of n patterns into *out (NULL when n is 0). 0 or -ENOMEM. */
static int copy_patterns(const char *const *patterns, size_t n, char ***out)
{
	size_t i;

	*out = NULL;
	if (!n)
		return 0;
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		(*out)[i] = strdup(patterns[i]);
		if (!(*out)[i]) {
			stop_patterns_free(*out, i);
			*out = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

static int copy_stop_at(struct tracer *t, const struct tracer_options *o)
{
	int ret = copy_patterns(o->stop_at, o->n_stop_at, &t->cfg.stop_at);

	if (!ret)
		t->cfg.n_stop_at = o->n_stop_at;
	return ret;
}

/* The filters: the names cut to 15 bytes, as the kernel cuts comm. */
static int copy_filters(struct tracer *t, const struct tracer_options *o)
{
	if (o->n_uids) {
		t->cfg.uids = calloc(o->n_uids, sizeof(*t->cfg.uids));
		if (!t->cfg.uids)
			return -ENOMEM;
		memcpy(t->cfg.uids, o->uids, o->n_uids * sizeof(*t->cfg.uids));
		t->cfg.n_uids = o->n_uids;
	}
	if (!o->n_comms)
		return 0;
	t->cfg.comms = calloc(o->n_comms, sizeof(*t->cfg.comms));
	if (!t->cfg.comms)
		return -ENOMEM;
	for (t->cfg.n_comms = 0; t->cfg.n_comms < o->n_comms; t->cfg.n_comms++) {
		t->cfg.comms[t->cfg.n_comms] = strndup(o->comms[t->cfg.n_comms], 15);
		if (!t->cfg.comms[t->cfg.n_comms])
			return -ENOMEM;
	}
	return 0;
}

/* The cgroup option: a cgroup v2 directory now; opened again at start. */
static int copy_cgroup(struct tracer *t, const struct tracer_options *o)
{
	const char *why;
	char q[128];
	uint64_t id;
	int fd;

	if (!o->cgroup)
		return 0;
	fd = cgscope_open(o->cgroup, &id, &why);
	if (fd < 0)
		return create_fail(fd, "cannot narrow the scope to cgroup %s: %s",
				   errmsg_quote(q, sizeof(q), o->cgroup), why);
	close(fd);
	t->cfg.cgroup = strdup(o->cgroup);
	return t->cfg.cgroup ? 0 : -ENOMEM;
}

/* The handle's copies of what the caller's arrays hold; they need not outlive tracer_create(). */
static int copy_scope(struct tracer *t, const struct tracer_options *o)
{
	t->cfg.pids = calloc(o->n_pids ? o->n_pids : 1, sizeof(*t->cfg.pids));
	t->cfg.tty_names = calloc(o->n_ttys ? o->n_ttys : 1, sizeof(*t->cfg.tty_names));
	t->cfg.tty_devs = calloc(o->n_ttys ? o->n_ttys : 1, sizeof(*t->cfg.tty_devs));
	if (!t->cfg.pids || !t->cfg.tty_names || !t->cfg.tty_devs)
		return -ENOMEM;
	if (o->n_pids)
		memcpy(t->cfg.pids, o->pids, o->n_pids * sizeof(*t->cfg.pids));
	t->cfg.n_pids = o->n_pids;
	for (t->cfg.n_ttys = 0; t->cfg.n_ttys < o->n_ttys; t->cfg.n_ttys++) {
		t->cfg.tty_names[t->cfg.n_ttys] = strdup(o->ttys[t->cfg.n_ttys]);
		if (!t->cfg.tty_names[t->cfg.n_ttys])
			return -ENOMEM;
	}
	return 0;
}

int tracer_create(const struct tracer_options *caller, struct tracer **out)
{
	struct tracer_options opts, *o = &opts;
	struct tracer *t;
	int ret;

	create_err[0] = '\0';
	if (out)
		*out = NULL;
	if (!caller || !out)
		return create_fail(-EINVAL, "%s is NULL", caller ? "out" : "options");
	if (read_options(caller, o))
		return create_fail(
			-EINVAL,
			"options of an unknown size (sz %zu) or with unknown fields set: use tracer_options_init()",
			caller->sz);
	ret = check_limits(o);
	if (!ret)
		ret = check_names(o);
	if (ret)
		return ret;
	t = calloc(1, sizeof(*t));
	if (!t)
		return create_fail(-ENOMEM, "out of memory");
	printhook_hold(o->verbose); /* released by tracer_destroy() */
	t->cfg.opts = *o;
	ret = copy_scope(t, o);
	if (!ret)
		ret = copy_exclusions(t, o);
	if (!ret)
		ret = copy_stop_at(t, o);
	if (!ret)
		ret = copy_cgroup(t, o);
	if (!ret)
		ret = copy_filters(t, o);
	if (ret) {
		if (ret == -ENOMEM)
			errmsg_set(create_err, sizeof(create_err), "out of memory");
		tracer_destroy(t);
		return ret;
	}
	/* Pointers into the caller's memory are not kept: the copies above are. */
	t->cfg.opts.pids = NULL;
	t->cfg.opts.ttys = NULL;
	t->cfg.opts.exclude_paths = NULL;
	t->cfg.opts.exclude_comms = NULL;
	t->cfg.opts.stop_at = NULL;
	t->cfg.opts.exclude_callers = NULL;
	t->cfg.opts.cgroup = NULL;
	t->cfg.opts.uids = NULL;
	t->cfg.opts.comms = NULL;
	/* None of the kinds the kernel sends: exec only (tracer.h), decided here alone. */
	if (!(t->cfg.opts.events & TRACER_EVENTS_ALL))
		t->cfg.opts.events |= TRACER_EVENT_BIT(TRACER_EVENT_EXEC);
	if (!t->cfg.opts.epoch_ns)
		t->cfg.opts.epoch_ns = sys_now_ns();
	*out = t;
	return 0;
}

static int deliver_event(void *ctx, const struct tracer_event *ev)
{
	struct tracer *t = ctx;
	struct tracer_event stop;

	if (ev->type == TRACER_EVENT_STOP) {
		/* The pattern's text is the library's copy, from the set it matched in. */
		stop = *ev;
		if (ev->stop.pattern_generation == t->cfg.stop_generation)
			stop.stop.pattern = ev->stop.pattern_index < t->cfg.n_stop_at ?
						    t->cfg.stop_at[ev->stop.pattern_index] :
						    NULL;
		else
			stop.stop.pattern = stop_sets_find(
				&t->stop_sets, ev->stop.pattern_generation, ev->stop.pattern_index);
		if (!stop.stop.pattern)
			stop.stop.pattern = "";
		ev = &stop;
	}
	return t->cfg.opts.on_event ? t->cfg.opts.on_event(t->cfg.opts.ctx, ev) : 0;
}

static int deliver_lost(void *ctx, uint64_t ts_ns, uint64_t count, uint32_t cpu)
{
	struct tracer *t = ctx;
	struct tracer_event ev = {
		.sz = sizeof(ev),
		.type = TRACER_EVENT_LOST,
		.ts_ns = ts_ns,
		.cpu = cpu,
		.lost.count = count,
	};

	return deliver_event(t, &ev);
}

/* What loading needs, checked first so that the reason is plain. */
static int check_machine(struct tracer *t)
{
	int ret;

	if (sys_check_privileges()) {
		set_err(t, ERRMSG_EPERM);
		return -EPERM;
	}
	if (sys_check_btf()) {
		set_err(t, "kernel BTF not found at /sys/kernel/btf/vmlinux: a kernel built with "
			   "CONFIG_DEBUG_INFO_BTF is needed");
		return -ENOSYS;
	}
	ret = sys_ensure_tracefs(t->err, sizeof(t->err));
	return ret < 0 ? ret : ret ? -EIO : 0;
}

/*
 * The processes named must have been found alive by the seeding (one that
 * the task listing misses but /proc shows alive counts): all gone is an
 * error unless terminals are watched too.
 */
static int check_found(struct tracer *t, const bool *found)
{
	size_t i;

	for (i = 0; i < t->cfg.n_pids; i++)
		if (found[i])
			return 0;
	if (!t->cfg.n_pids || t->cfg.n_ttys)
		return 0;
	/* Every process named exited before it could be watched. */
	set_err(t, "no such process: %u", t->cfg.pids[0]);
	return -ESRCH;
}

int tracer_start(struct tracer *t)
{
	const struct tracer_core_callbacks cb = {
		.on_event = deliver_event,
		.on_lost = deliver_lost,
		.ctx = t,
	};
	bool *found;
	int ret;

	if (!t)
		return -EINVAL;
	if (t->core) {
		set_err(t, "already started");
		return -EALREADY;
	}
	t->err[0] = '\0';
	/* What the user named must exist before anything is loaded. */
	ret = resolve_pids(t);
	if (!ret)
		ret = resolve_ttys(t);
	if (!ret)
		ret = check_machine(t);
	if (ret)
		return ret;
	found = calloc(t->cfg.n_pids ? t->cfg.n_pids : 1, sizeof(*found));
	if (!found)
		return -ENOMEM;
	ret = tracer_core_open(&t->cfg, &cb, &t->core, t->err, sizeof(t->err));
	/* System-wide, nobody needs to be found: every process is in scope already. */
	if (!ret && !t->cfg.opts.system_wide)
		ret = tracer_core_seed(t->core, found, t->err, sizeof(t->err));
	if (!ret)
		ret = check_found(t, found);
	if (ret) {
		tracer_core_close(t->core);
		t->core = NULL;
	}
	free(found);
	return ret;
}

static int check_started(struct tracer *t)
{
	if (!t)
		return -EINVAL;
	if (!t->core) {
		set_err(t, "not started");
		return -EINVAL;
	}
	return 0;
}

int tracer_poll(struct tracer *t, int timeout_ms)
{
	int ret = check_started(t);

	return ret ? ret : tracer_core_poll(t->core, timeout_ms);
}

int tracer_fd(struct tracer *t)
{
	int ret = check_started(t);

	return ret ? ret : tracer_core_fd(t->core);
}

int tracer_consume(struct tracer *t)
{
	int ret = check_started(t);

	return ret ? ret : tracer_core_drain(t->core);
}

int tracer_watch_pid(struct tracer *t, uint32_t pid)
{
	uint32_t tgid;
	int ret = check_started(t);

	if (ret)
		return ret;
	if (pid == 0 || sys_pid_tgid(pid, &tgid)) {
		set_err(t, "no such process: %u", pid);
		return -ESRCH;
	}
	ret = tracer_core_watch(t->core, tgid);
	if (ret)
		set_err(t, "cannot watch process %u: %s", tgid, tracer_strerror(ret));
	return ret;
}

int tracer_unwatch_pid(struct tracer *t, uint32_t pid)
{
	int ret = check_started(t);
	uint32_t tgid;

	if (ret)
		return ret;
	/* A thread id names its process, as in tracer_watch_pid(), while there is one. */
	if (pid && sys_pid_tgid(pid, &tgid) == 0)
		pid = tgid;
	ret = tracer_core_unwatch(t->core, pid);
	if (ret)
		set_err(t, "cannot stop watching process %u: %s", pid, tracer_strerror(ret));
	return ret;
}

int tracer_set_stop_at(struct tracer *t, const char *const *patterns, size_t n)
{
	const char *why = NULL;
	uint32_t generation;
	char q[128], **copy;
	size_t bad;
	int ret;

	if (!t)
		return -EINVAL;
	t->err[0] = '\0';
	if (!t->cfg.opts.stop_at_dynamic) {
		set_err(t, "the stop patterns are fixed: set stop_at_dynamic to change them");
		return -EINVAL;
	}
	if (n > TRACER_STOP_PATTERNS_MAX || (n && !patterns)) {
		set_err(t,
			n && !patterns ? "the patterns are NULL with a count above 0" :
					 "too many stop patterns (%zu, at most %d)",
			n, TRACER_STOP_PATTERNS_MAX);
		return -EINVAL;
	}
	bad = bad_stop_pattern(patterns, n, &why);
	if (bad < n) {
		set_err(t, "invalid stop pattern %s: %s", errmsg_quote(q, sizeof(q), patterns[bad]),
			why);
		return -EINVAL;
	}
	if (copy_patterns(patterns, n, &copy)) {
		set_err(t, "out of memory");
		return -ENOMEM;
	}
	generation = (t->cfg.stop_generation + 1) & TRACER_STOP_GENERATION_MASK;
	if (t->core) {
		ret = tracer_core_set_stop_at(t->core, copy, n, generation, t->err, sizeof(t->err));
		if (ret) {
			stop_patterns_free(copy, n);
			return ret;
		}
	}
	stop_sets_keep(&t->stop_sets, t->cfg.stop_generation, t->cfg.stop_at, t->cfg.n_stop_at);
	t->cfg.stop_at = copy;
	t->cfg.n_stop_at = n;
	t->cfg.stop_generation = generation;
	return 0;
}

int tracer_stop(struct tracer *t)
{
	int ret = check_started(t);

	if (ret)
		return ret;
	tracer_core_detach(t->core);
	return tracer_core_drain(t->core);
}

int tracer_get_stats(struct tracer *t, struct tracer_stats *st)
{
	if (!t || !st)
		return -EINVAL;
	if (t->core)
		tracer_core_get_stats(t->core, st);
	else
		memset(st, 0, sizeof(*st));
	return 0;
}

uint64_t tracer_watched_now(struct tracer *t)
{
	return t && t->core ? tracer_core_watched_now(t->core) : 0;
}

void tracer_destroy(struct tracer *t)
{
	bool verbose;
	size_t i;

	if (!t)
		return;
	verbose = t->cfg.opts.verbose;
	tracer_core_close(t->core);
	for (i = 0; i < t->cfg.n_ttys; i++)
		free(t->cfg.tty_names[i]);
	free(t->cfg.tty_names);
	free(t->cfg.pids);
	free(t->cfg.tty_devs);
	exclude_free(&t->cfg.excl);
	stop_patterns_free(t->cfg.stop_at, t->cfg.n_stop_at);
	stop_sets_free(&t->stop_sets);
	free(t->cfg.uids);
	for (i = 0; i < t->cfg.n_comms; i++)
		free(t->cfg.comms[i]);
	free(t->cfg.comms);
	free(t->cfg.cgroup);
	free(t);
	printhook_release(verbose);
}

const char *tracer_strerror(int err)
{
	const char *s;

	if (err == INT_MIN)
		return "unknown error";
	if (err < 0)
		err = -err;
	switch (err) {
	case 0:
		return "success";
	case EALREADY:
		return "the tracer is already started";
	case EPERM:
		return ERRMSG_EPERM;
	case ESRCH:
		return "no such process";
	case ENOTTY:
		return "not a terminal";
	case ENOSPC:
		return "the table of watched processes is full";
	}
	s = strerrordesc_np(err);
	return s ? s : "unknown error";
}

const char *tracer_last_error(const struct tracer *t)
{
	return t ? t->err : create_err;
}

const char *tracer_version(void)
{
	return TRACER_VERSION;
}
