// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Configure and attach. Before load, everything the verifier should see as
 * a constant: the filters and limits in read-only data (a disabled branch
 * is dropped, not skipped), the map sizes, and which programs load at all
 * (each exec path takes tens of milliseconds to verify: only the kernel's
 * own is loaded). After load, the maps userspace fills (the scope bitmap,
 * terminals, exclusions), then every program is attached. Detaching is
 * here too: its order decides which execs are reported while it happens.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "wire.h"
#include "glob.h" /* before the skeleton: its read-only data holds patterns */
#include "tracer.skel.h"
#include "core_impl.h"
#include "cgscope.h"
#include "errmsg.h"
#include "exclfile.h"
#include "stopglob.h"
#include "sysinfo.h"
#include "testhooks.h"

/*
 * The limits callers see (tracer.h) are the bounds the BPF programs are
 * built with (wire.h, glob.h): the kernel side cannot include the public
 * header, so the numbers stand in both, and are pinned here, where the
 * options become read-only data.
 */
_Static_assert(TRACER_MAX_ARGS_LIMIT == TRACER_ARGS_HARD_MAX, "max_args limit");
_Static_assert(TRACER_MAX_ARG_BYTES_LIMIT == TRACER_ARGBYTES_HARD_MAX, "max_arg_bytes limit");
_Static_assert(TRACER_STOP_PATTERNS_MAX == TRACER_STOP_MAX &&
		       TRACER_STOP_PATTERN_MAX == TRACER_GLOB_MAX,
	       "stop_at limits");

int attach_open_excluded(struct tracer_core *core, char *err, size_t errlen)
{
	const struct exclude_list *excl = &core->cfg->excl;
	size_t n = excl->n_paths + excl->n_callers, i;
	const char *path, *why;
	int fd;

	if (!n)
		return 0;
	core->excl_fds = calloc(n, sizeof(*core->excl_fds));
	core->excl_kinds = calloc(n, sizeof(*core->excl_kinds));
	if (!core->excl_fds || !core->excl_kinds) {
		errmsg_set(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		if (i < excl->n_paths) {
			path = excl->paths[i];
			core->excl_kinds[i] = TRACER_EXCL_EXEC;
		} else {
			path = excl->callers[i - excl->n_paths];
			core->excl_kinds[i] = TRACER_EXCL_CALLER;
		}
		fd = exclfile_open(path, &why);
		if (fd < 0) {
			errmsg_set(err, errlen, "cannot exclude %s: %s", path, why);
			return fd;
		}
		core->excl_fds[core->n_excl_fds++] = fd;
	}
	return 0;
}

int attach_open_cgroup(struct tracer_core *core, char *err, size_t errlen)
{
	const char *path = core->cfg->cgroup, *why;
	char q[128];
	int fd;

	if (!path)
		return 0;
	fd = cgscope_open(path, &core->cgroup_id, &why);
	if (fd < 0) {
		errmsg_set(err, errlen, "cannot narrow the scope to cgroup %s: %s",
			   errmsg_quote(q, sizeof(q), path), why);
		return fd;
	}
	core->cgroup_fd = fd;
	return 0;
}

/*
 * Which records the kernel sends (tracer_create() has settled events); the
 * signal program is not even loaded when unused.
 */
static void set_events(struct tracer_bpf *skel, uint32_t events)
{
	skel->rodata->send_exec = events & TRACER_EVENT_BIT(TRACER_EVENT_EXEC);
	skel->rodata->send_fork = events & TRACER_EVENT_BIT(TRACER_EVENT_FORK);
	skel->rodata->send_exit = events & TRACER_EVENT_BIT(TRACER_EVENT_EXIT);
	skel->rodata->send_signal = events & TRACER_EVENT_BIT(TRACER_EVENT_SIGNAL);
	bpf_program__set_autoload(skel->progs.handle_signal_generate, skel->rodata->send_signal);
}

/*
 * The default ring buffer (TRACER_RINGBUF_BYTES_DEFAULT) grows to hold at
 * least this many of the largest exec records the limits allow (argv and
 * environment at the byte limit, every path at its longest), so that one
 * 2 MiB argv does not leave the others no room: 1 MiB with the default
 * limits. The usual traffic needs far less (an exec of a short command line
 * is about 500 bytes; the reader drains at least every 20 ms: 2,600 execs a
 * second fill some 30 KB), and the ring is mapped into the reader twice (its
 * data pages follow themselves), so each doubling costs twice its size in
 * resident memory. A size the caller chose is kept: a record larger than it
 * is counted as lost. tracer.h tells callers the same rule.
 */
#define RINGBUF_LARGEST_RECORDS 3

static uint64_t ringbuf_size(const struct tracer_options *o)
{
	uint64_t largest = sizeof(struct tracer_exec_rec) + 2 * TRACER_FILENAME_MAX +
			   (uint64_t)o->max_arg_bytes * (o->capture_env ? 2 : 1) +
			   7 * 2 * (TRACER_PATH_MAX + 1);
	uint64_t size = o->ringbuf_bytes;

	if (size != TRACER_RINGBUF_BYTES_DEFAULT)
		return size;
	while (size < RINGBUF_LARGEST_RECORDS * largest && size < TRACER_RINGBUF_BYTES_MAX)
		size *= 2;
	return size;
}

/*
 * --stop-at: the patterns, compiled (checked by the library already), into
 * read-only data; with stop_at_dynamic into a map, after load
 * (tracer_core_set_stop_at).
 */
static void set_stop_patterns(struct tracer_bpf *skel, const struct tracer_config *cfg)
{
	struct tracer_glob g;
	struct timespec now;
	size_t i;

	skel->rodata->stop_count = 0;
	/*
	 * A debugger's breakpoints (stop_at_dynamic) stop what the tracing
	 * process itself starts: that may be the program under debug.
	 */
	skel->rodata->stop_dynamic = cfg->opts.stop_at_dynamic;
	if (cfg->opts.stop_at_dynamic)
		return;
	/* What this process forks from now on (--on-stop's commands) is never stopped. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	skel->rodata->stop_spare_tgid = (uint32_t)getpid();
	skel->rodata->stop_spare_since_ns =
		(uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
	for (i = 0; i < cfg->n_stop_at && i < TRACER_STOP_MAX; i++) {
		if (glob_compile(cfg->stop_at[i], &g, NULL))
			break;
		memcpy((void *)&skel->rodata->stop_globs[i], &g, sizeof(g));
		skel->rodata->stop_count = i + 1;
	}
}

/*
 * Whether the kernel has sched_prepare_exec (6.10). tracefs is mounted by
 * now and answers at once; a search of the kernel's BTF would parse all of
 * it, once more than the load does.
 */
static bool has_prepare_exec(void)
{
	int ret = sys_has_tracepoint("sched/sched_prepare_exec");

	if (ret < 0)
		ret = libbpf_find_vmlinux_btf_id("sched_prepare_exec", BPF_TRACE_RAW_TP) >= 0;
	return ret > 0;
}

/*
 * sched_prepare_exec (6.10) shows the caller's argv before an interpreter
 * rewrites it and reports every exec, 32-bit ones included; older kernels
 * fall back to sched_process_exec and a probe on remove_arg_zero. Only one
 * path is loaded: each report program takes tens of milliseconds to verify.
 * The tests force the fallback (testhooks.h).
 */
static void choose_exec_path(struct tracer_bpf *skel, const struct tracer_config *cfg)
{
	/*
	 * The probe on remove_arg_zero is loaded only where a kprobe can be
	 * attached: one program fewer to verify and JIT at each start there.
	 */
	bool kprobes = sys_has_kprobes();

	if (!kprobes && cfg->opts.verbose)
		fprintf(stderr, "tracer: no kprobes in this kernel: handle_remove_arg_zero not "
				"loaded; the inodes of scripts will be unknown, and before Linux "
				"6.10 their argv[0] unreadable\n");
	bpf_program__set_autoload(skel->progs.handle_remove_arg_zero, kprobes);
	if (has_prepare_exec() && !testhook_no_prepare_exec()) {
		/* Staged from the caller's registers: no program at the syscall entry. */
		skel->rodata->entry_stages = false;
		bpf_program__set_autoload(skel->progs.handle_sys_enter_execve, false);
		bpf_program__set_autoload(skel->progs.handle_sys_enter_execveat, false);
		/* Only for a #! script's own inode (bpf/ident.bpf.h), sent with exec records. */
		bpf_program__set_autoload(skel->progs.handle_remove_arg_zero,
					  kprobes && skel->rodata->send_exec);
		/* sched_process_exec then only stops (--stop-at): the new image is in place. */
		skel->rodata->image_reports = false;
		if (!cfg->n_stop_at && !cfg->opts.stop_at_dynamic)
			bpf_program__set_autoload(skel->progs.handle_sched_process_exec, false);
	} else {
		bpf_program__set_autoload(skel->progs.handle_sched_prepare_exec, false);
	}
}

void attach_configure(struct tracer_core *core)
{
	const struct tracer_config *cfg = core->cfg;
	const struct tracer_options *o = &cfg->opts;
	const struct exclude_list *excl = &cfg->excl;
	struct tracer_bpf *skel = core->skel;

	core->ringbuf_bytes = ringbuf_size(o);
	skel->rodata->capture_env = o->capture_env;

	skel->rodata->system_wide = o->system_wide;
	skel->rodata->tty_scope = cfg->n_ttys > 0;
	skel->rodata->watch_children = o->watch_children;
	skel->rodata->max_args = o->max_args;
	skel->rodata->max_arg_bytes = o->max_arg_bytes;
	set_events(skel, o->events);
	bpf_map__set_max_entries(skel->maps.proc_state, core->proc_capacity);
	bpf_map__set_max_entries(skel->maps.proc_bits, core->proc_bits_words);
	bpf_map__set_max_entries(skel->maps.events, core->ringbuf_bytes);
	bpf_map__set_max_entries(skel->maps.scratch_map, core->ncpus);
	bpf_map__set_max_entries(skel->maps.seed_roots, cfg->n_pids ? cfg->n_pids : 1);
	skel->rodata->exclude_execs = excl->n_paths > 0;
	skel->rodata->exclude_callers = excl->n_callers > 0;
	skel->rodata->exclude_comms = excl->n_comms > 0;
	if (excl->n_paths + excl->n_callers)
		bpf_map__set_max_entries(skel->maps.excl_file, excl->n_paths + excl->n_callers);
	else
		bpf_program__set_autoload(skel->progs.handle_iter_task_file, false);
	if (excl->n_comms)
		bpf_map__set_max_entries(skel->maps.excl_comm, excl->n_comms);
	skel->rodata->filter_uids = cfg->n_uids > 0;
	if (cfg->n_uids)
		bpf_map__set_max_entries(skel->maps.filter_uid, cfg->n_uids);
	skel->rodata->filter_comms = cfg->n_comms > 0;
	if (cfg->n_comms)
		bpf_map__set_max_entries(skel->maps.filter_comm, cfg->n_comms);
	set_stop_patterns(skel, cfg);
	choose_exec_path(skel, cfg);
	skel->rodata->cgroup_scope = core->cgroup_fd >= 0;
	skel->rodata->cgroup_scope_id = core->cgroup_id;
}

/*
 * Maps proc_bits: its bits are set with atomic operations, as the programs
 * set and clear others of the same word (an update of the element through
 * the syscall would write the whole word back).
 */
static int map_proc_bits(struct tracer_core *core, char *err, size_t errlen)
{
	void *p;
	int ret;

	if (core->cfg->opts.system_wide)
		return 0;
	p = mmap(NULL, core->proc_bits_words * sizeof(*core->proc_bits), PROT_READ | PROT_WRITE,
		 MAP_SHARED, bpf_map__fd(core->skel->maps.proc_bits), 0);
	if (p == MAP_FAILED) {
		ret = -errno;
		errmsg_set(err, errlen, "cannot map the scope bitmap: %s", strerror(-ret));
		return ret;
	}
	core->proc_bits = p;
	return 0;
}

static int fill_ttys(struct tracer_core *core, char *err, size_t errlen)
{
	const struct tracer_config *cfg = core->cfg;
	__u8 one = 1;
	size_t i;
	int ret;

	for (i = 0; i < cfg->n_ttys; i++) {
		if (bpf_map__update_elem(core->skel->maps.tty_set, &cfg->tty_devs[i],
					 sizeof(cfg->tty_devs[i]), &one, sizeof(one), BPF_ANY)) {
			ret = -errno;
			errmsg_set(err, errlen, "cannot set up terminal filter: %s",
				   strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* Zero-padded keys, as the BPF side builds them. */
static int fill_exclusions(struct tracer_core *core, char *err, size_t errlen)
{
	const struct exclude_list *excl = &core->cfg->excl;
	char comm[TRACER_COMM_LEN];
	__u8 one = 1;
	size_t i;
	int ret;

	if (core->n_excl_fds) {
		/* The kernel's names for the files, learnt from the kernel (exclfile.h). */
		ret = exclfile_fill(core->skel->progs.handle_iter_task_file,
				    core->skel->maps.excl_file, core->excl_fds, core->excl_kinds,
				    core->n_excl_fds, err, errlen);
		if (ret)
			return ret;
	}
	for (i = 0; i < excl->n_comms; i++) {
		memset(comm, 0, sizeof(comm));
		strncpy(comm, excl->comms[i], sizeof(comm) - 1);
		if (bpf_map__update_elem(core->skel->maps.excl_comm, comm, sizeof(comm), &one,
					 sizeof(one), BPF_ANY))
			goto fail;
	}
	return 0;
fail:
	ret = -errno;
	errmsg_set(err, errlen, "cannot set up the exclusion filters: %s", strerror(-ret));
	return ret;
}

/* The cgroup option's directory, which the map holds from now on. */
static int fill_cgroup(struct tracer_core *core, char *err, size_t errlen)
{
	__u32 zero = 0, fd = core->cgroup_fd;
	char q[128];
	int ret;

	if (core->cgroup_fd < 0)
		return 0;
	if (bpf_map__update_elem(core->skel->maps.cgroup_scope_map, &zero, sizeof(zero), &fd,
				 sizeof(fd), BPF_ANY)) {
		ret = -errno;
		errmsg_set(err, errlen, "cannot narrow the scope to cgroup %s: %s",
			   errmsg_quote(q, sizeof(q), core->cfg->cgroup), strerror(-ret));
		return ret;
	}
	close(core->cgroup_fd);
	core->cgroup_fd = -1;
	return 0;
}

/* The uids and comms filters; names zero-padded, as the BPF side builds them. */
static int fill_filters(struct tracer_core *core, char *err, size_t errlen)
{
	const struct tracer_config *cfg = core->cfg;
	char comm[TRACER_COMM_LEN];
	__u8 one = 1;
	size_t i;
	int ret;

	for (i = 0; i < cfg->n_uids; i++)
		if (bpf_map__update_elem(core->skel->maps.filter_uid, &cfg->uids[i],
					 sizeof(cfg->uids[i]), &one, sizeof(one), BPF_ANY))
			goto fail;
	for (i = 0; i < cfg->n_comms; i++) {
		memset(comm, 0, sizeof(comm));
		strncpy(comm, cfg->comms[i], sizeof(comm) - 1);
		if (bpf_map__update_elem(core->skel->maps.filter_comm, comm, sizeof(comm), &one,
					 sizeof(one), BPF_ANY))
			goto fail;
	}
	return 0;
fail:
	ret = -errno;
	errmsg_set(err, errlen, "cannot set up the exec filters: %s", strerror(-ret));
	return ret;
}

/*
 * A set of stop patterns in a map of its own, put in stop_sets' slot in one
 * update: the kernel frees the set it replaces once no program holds it.
 */
int tracer_core_set_stop_at(struct tracer_core *core, char *const *patterns, size_t n,
			    uint32_t generation, char *err, size_t errlen)
{
	struct tracer_stop_set *set;
	__u32 zero = 0;
	size_t i;
	int fd, ret = 0;

	set = calloc(1, sizeof(*set));
	if (!set) {
		errmsg_set(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < n && i < TRACER_STOP_MAX; i++)
		if (glob_compile(patterns[i], &set->globs[i], NULL))
			break;
	set->count = i;
	set->generation = generation & TRACER_STOP_GENERATION_MASK;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "stop_set", sizeof(zero), sizeof(*set), 1, NULL);
	if (fd < 0 || bpf_map_update_elem(fd, &zero, set, BPF_ANY) ||
	    bpf_map__update_elem(core->skel->maps.stop_sets, &zero, sizeof(zero), &fd, sizeof(fd),
				 BPF_ANY)) {
		ret = -errno;
		errmsg_set(err, errlen, "cannot set the stop patterns: %s", strerror(-ret));
	}
	if (fd >= 0)
		close(fd);
	free(set);
	return ret;
}

int attach_fill_maps(struct tracer_core *core, char *err, size_t errlen)
{
	const struct tracer_config *cfg = core->cfg;
	int ret = map_proc_bits(core, err, errlen);

	if (!ret)
		ret = fill_ttys(core, err, errlen);
	if (!ret)
		ret = fill_exclusions(core, err, errlen);
	if (!ret)
		ret = fill_cgroup(core, err, errlen);
	if (!ret)
		ret = fill_filters(core, err, errlen);
	if (!ret && cfg->opts.stop_at_dynamic)
		ret = tracer_core_set_stop_at(core, cfg->stop_at, cfg->n_stop_at,
					      cfg->stop_generation, err, errlen);
	return ret;
}

/*
 * The syscall exit of execveat(2) runs the same program as execve(2)'s: it
 * reads only the return value, which both tracepoints carry alike.
 */
static int attach_exit_execveat(struct tracer_core *core, char *err, size_t errlen)
{
	struct bpf_program *prog = core->skel->progs.handle_sys_exit_execve;
	int ret;

	if (!bpf_program__autoload(prog))
		return 0;
	core->exit_execveat_link =
		bpf_program__attach_tracepoint(prog, "syscalls", "sys_exit_execveat");
	if (core->exit_execveat_link)
		return 0;
	ret = errno ? -errno : -EINVAL;
	errmsg_set(err, errlen, "cannot attach BPF program %s to sys_exit_execveat: %s",
		   bpf_program__name(prog), strerror(-ret));
	return ret;
}

/* Attaches every program; the interpreter probe is optional (#! scripts' argv[0] and inode). */
int attach_all(struct tracer_core *core, char *err, size_t errlen)
{
	struct tracer_bpf *skel = core->skel;
	struct {
		struct bpf_program *prog;
		struct bpf_link **link;
		bool optional;
	} progs[] = {
		{ skel->progs.handle_sched_process_fork, &skel->links.handle_sched_process_fork,
		  false },
		{ skel->progs.handle_sched_process_exit, &skel->links.handle_sched_process_exit,
		  false },
		{ skel->progs.handle_sys_enter_execve, &skel->links.handle_sys_enter_execve,
		  false },
		{ skel->progs.handle_sys_enter_execveat, &skel->links.handle_sys_enter_execveat,
		  false },
		{ skel->progs.handle_sys_exit_execve, &skel->links.handle_sys_exit_execve, false },
		{ skel->progs.handle_remove_arg_zero, &skel->links.handle_remove_arg_zero, true },
		{ skel->progs.handle_sched_prepare_exec, &skel->links.handle_sched_prepare_exec,
		  true },
		{ skel->progs.handle_sched_process_exec, &skel->links.handle_sched_process_exec,
		  false },
		{ skel->progs.handle_signal_generate, &skel->links.handle_signal_generate, false },
		{ skel->progs.handle_iter_task, &skel->links.handle_iter_task, false },
	};
	size_t i;
	int ret;

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		if (!bpf_program__autoload(progs[i].prog))
			continue;
		*progs[i].link = bpf_program__attach(progs[i].prog);
		if (*progs[i].link)
			continue;
		ret = errno ? -errno : -EINVAL; /* before anything else can change errno */
		if (progs[i].optional) {
			if (core->cfg->opts.verbose)
				fprintf(stderr,
					"tracer: %s not attached (%s): the inodes of scripts will "
					"be unknown, and before Linux 6.10 their argv[0] "
					"unreadable\n",
					bpf_program__name(progs[i].prog), strerror(-ret));
			continue;
		}
		errmsg_set(err, errlen, "cannot attach BPF program %s: %s",
			   bpf_program__name(progs[i].prog), strerror(-ret));
		return ret;
	}
	return attach_exit_execveat(core, err, errlen);
}

void tracer_core_detach(struct tracer_core *core)
{
	if (core->detached)
		return;
	/*
	 * sched_process_exec first: it reports the execs that no syscall entry
	 * staged, with the new program's comm. Detached after the entry
	 * programs, it would report every exec of that window so; detached
	 * first, an exec is still reported exactly (sched_prepare_exec, syscall
	 * exit), or, once the entry programs are gone too, not at all.
	 */
	bpf_link__destroy(core->skel->links.handle_sched_process_exec);
	core->skel->links.handle_sched_process_exec = NULL;
	tracer_bpf__detach(core->skel);
	bpf_link__destroy(core->exit_execveat_link);
	core->exit_execveat_link = NULL;
	core->detached = true;
}
