// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The tracing core: the only place that touches libbpf and the skeleton. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "wire.h"
#include "glob.h" /* before the skeleton: its read-only data holds patterns */
#include "tracer.skel.h"
#include "core.h"
#include "decode.h"
#include "errmsg.h"
#include "exclfile.h"
#include "scope.h"
#include "sysinfo.h"
#include "stopglob.h"

/* Records are delivered at most this often: one wake-up per batch under load. */
#define BATCH_NS (20 * 1000000ull)

/*
 * While records keep coming, the loss counters are read at most this often:
 * a loss is reported by the next record from its CPU anyway, the counters
 * are only for a CPU that has sent nothing since (a map read per batch was
 * a third of the reader's syscalls).
 */
#define LOSS_CHECK_NS (250 * 1000000ull)

/* A start-up seeding pass that finds nothing new ends the seeding. */
#define SEED_MAX_PASSES 16

struct seeded {
	uint32_t pid;
	uint64_t start_time;
};

struct tracer_core {
	struct tracer_bpf *skel;
	struct ring_buffer *rb;
	int epfd; /* the ring buffer's descriptor, edge-triggered */
	uint64_t last_drain_ns; /* when a drain last found records */
	bool fd_given; /* the library's user polls the ring buffer's fd itself */
	uint64_t last_loss_check_ns; /* when tracer_core_poll() last read the loss counters */
	struct tracer_core_config cfg;
	struct tracer_core_callbacks cb;
	int ncpus;
	uint64_t *reported_lost; /* per CPU: losses already reported */
	uint64_t delivered;
	uint64_t malformed;
	uint64_t proc_capacity;
	/* proc_bits, mapped: userspace sets a pid's bit before inserting it. */
	uint64_t *proc_bits;
	uint32_t proc_bits_words;
	struct tracer_bytes *argv_buf;
	size_t argv_cap;
	struct tracer_bytes *env_buf; /* capture_env */
	size_t env_cap;
	char *redact_buf;
	size_t redact_cap;
	struct tracer_cpu_stats *cpu_stats; /* ncpus entries, for reading the map */
	/*
	 * A record whose loss report the callback stopped at: libbpf has
	 * consumed it already, so it is kept here and delivered first next time.
	 */
	void *pending;
	size_t pending_len, pending_cap;
	bool detached;
	/* The excluded files, held open: their inodes cannot be freed and reused. */
	int *excl_fds;
	uint8_t *excl_kinds; /* TRACER_EXCL_* of each */
	size_t n_excl_fds;
};

/*
 * libbpf has one print callback for the whole process: it writes while at
 * least one verbose core exists. The only state shared between cores.
 */
static int verbose_cores;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (!__atomic_load_n(&verbose_cores, __ATOMIC_SEQ_CST))
		return 0;
	(void)level;
	return vfprintf(stderr, fmt, args);
}

/* The handles that hold libbpf's print callback, and the program's callback before. */
static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long print_holders;
static libbpf_print_fn_t print_before;

void tracer_core_print_hold(void)
{
	pthread_mutex_lock(&print_lock);
	if (print_holders++ == 0)
		print_before = libbpf_set_print(libbpf_print);
	pthread_mutex_unlock(&print_lock);
}

void tracer_core_print_release(void)
{
	libbpf_print_fn_t now;

	pthread_mutex_lock(&print_lock);
	if (print_holders && --print_holders == 0) {
		now = libbpf_set_print(print_before);
		/* Set by the program after ours: its own, to keep. */
		if (now != libbpf_print)
			libbpf_set_print(now);
	}
	pthread_mutex_unlock(&print_lock);
}

static int report_lost(struct tracer_core *core, uint32_t cpu, uint64_t upto, uint64_t ts)
{
	uint64_t count;

	if (cpu >= (uint32_t)core->ncpus || upto <= core->reported_lost[cpu])
		return 0;
	count = upto - core->reported_lost[cpu];
	core->reported_lost[cpu] = upto;
	if (core->cb.on_lost)
		return core->cb.on_lost(core->cb.ctx, ts, count, cpu);
	return 0;
}

static int read_cpu_stats(struct tracer_core *core)
{
	__u32 zero = 0;

	if (bpf_map__lookup_elem(core->skel->maps.stats, &zero, sizeof(zero), core->cpu_stats,
				 sizeof(*core->cpu_stats) * core->ncpus, 0))
		return -errno;
	return 0;
}

/* Losses that no record has carried yet, reported now. */
static int report_pending_losses(struct tracer_core *core)
{
	uint64_t ts = sys_now_ns();
	int cpu, ret;

	if (read_cpu_stats(core))
		return 0;
	for (cpu = 0; cpu < core->ncpus; cpu++) {
		ret = report_lost(core, cpu, core->cpu_stats[cpu].lost, ts);
		if (ret)
			return ret;
	}
	return 0;
}

/* Grows *buf to hold n entries of size each (never shrinks). */
static int grow(void **buf, size_t *cap, size_t n, size_t each)
{
	void *p;

	if (n <= *cap)
		return 0;
	p = realloc(*buf, n * each);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = n;
	return 0;
}

/*
 * Room for an exec record's strings: at most one argument per byte (and
 * arg0), and for a redacted environment entry, at most 3 times its bytes
 * (the shortest secret-looking entry, "KEY=", takes 5 bytes with its NUL,
 * its copy 14).
 */
static int make_room(struct tracer_core *core, const void *data, size_t size)
{
	struct tracer_exec_rec r;
	size_t nargs;

	if (size < sizeof(r))
		return 0;
	memcpy(&r, data, sizeof(r));
	if (r.hdr.type == TRACER_REC_STOP)
		return grow((void **)&core->argv_buf, &core->argv_cap, TRACER_STOP_ARGS_MAX + 1,
			    sizeof(*core->argv_buf));
	if (r.hdr.type != TRACER_REC_EXEC)
		return 0;
	nargs = (size_t)r.args_size + 2;
	if (core->cfg.max_args && nargs > core->cfg.max_args + 1)
		nargs = core->cfg.max_args + 1;
	if (grow((void **)&core->argv_buf, &core->argv_cap, nargs, sizeof(*core->argv_buf)))
		return -ENOMEM;
	if (!(r.flags & TRACER_EXEC_ENV))
		return 0;
	if (grow((void **)&core->env_buf, &core->env_cap, (size_t)r.env_size + 1,
		 sizeof(*core->env_buf)) ||
	    (!core->cfg.keep_secrets &&
	     grow((void **)&core->redact_buf, &core->redact_cap, 3 * (size_t)r.env_size + 16, 1)))
		return -ENOMEM;
	return 0;
}

static int keep_pending(struct tracer_core *core, const void *data, size_t size)
{
	void *tmp;

	if (size > core->pending_cap) {
		tmp = realloc(core->pending, size);
		if (!tmp)
			return -ENOMEM;
		core->pending = tmp;
		core->pending_cap = size;
	}
	memmove(core->pending, data, size);
	core->pending_len = size;
	return 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct tracer_core *core = ctx;
	struct tracer_decode_limits lim = {
		.max_args = core->cfg.max_args,
		.epoch_ns = core->cfg.epoch_ns,
		.keep_secrets = core->cfg.keep_secrets,
	};
	struct tracer_event ev;
	int ret;

	/* Out of memory: the record is decoded with what there is (argv cut, marked). */
	make_room(core, data, size);
	lim.env_buf = core->env_buf;
	lim.env_cap = core->env_cap;
	lim.redact_buf = core->redact_buf;
	lim.redact_cap = core->redact_cap;
	if (tracer_decode(data, size, &lim, core->argv_buf, core->argv_cap, &ev)) {
		core->malformed++;
		return 0;
	}
	ret = report_lost(core, ev.cpu, ev.cpu_lost, ev.ts_ns);
	if (ret)
		return keep_pending(core, data, size) ?: -ECANCELED;
	core->delivered++;
	if (core->cb.on_event && core->cb.on_event(core->cb.ctx, &ev))
		return -ECANCELED;
	return 0;
}

/* The record kept by keep_pending(), delivered: 1 if the callback stopped again. */
static int deliver_pending(struct tracer_core *core)
{
	size_t len = core->pending_len;

	if (!len)
		return 0;
	core->pending_len = 0;
	/* Its loss is reported already: only the record itself is left. */
	return on_record(core, core->pending, len) == -ECANCELED;
}

/* Which records the kernel sends; the signal program is not even attached when unused. */
static void set_events(struct tracer_bpf *skel, uint32_t events)
{
	if (!events)
		events = TRACER_EVENT_BIT(TRACER_EVENT_EXEC) | TRACER_EVENT_BIT(TRACER_EVENT_EXIT);
	skel->rodata->send_exec = events & TRACER_EVENT_BIT(TRACER_EVENT_EXEC);
	skel->rodata->send_fork = events & TRACER_EVENT_BIT(TRACER_EVENT_FORK);
	skel->rodata->send_exit = events & TRACER_EVENT_BIT(TRACER_EVENT_EXIT);
	skel->rodata->send_signal = events & TRACER_EVENT_BIT(TRACER_EVENT_SIGNAL);
	bpf_program__set_autoload(skel->progs.handle_signal_generate, skel->rodata->send_signal);
}

/* Attaches every program; the interpreter probe is optional (argv[0] of #! scripts). */
static int attach_all(struct tracer_core *core, char *err, size_t errlen)
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
		{ skel->progs.handle_sys_exit_execveat, &skel->links.handle_sys_exit_execveat,
		  false },
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
			if (core->cfg.verbose)
				fprintf(stderr,
					"tracer: %s not attached (%s): argv[0] of "
					"scripts will be reported as unreadable\n",
					bpf_program__name(progs[i].prog), strerror(-ret));
			continue;
		}
		errmsg_set(err, errlen, "cannot attach BPF program %s: %s",
			   bpf_program__name(progs[i].prog), strerror(-ret));
		return ret;
	}
	return 0;
}

/*
 * Opens the excluded files, held until close, before anything is loaded: a
 * missing one fails the start with nothing done.
 */
static int open_excluded_files(struct tracer_core *core, char *err, size_t errlen)
{
	const struct tracer_core_config *cfg = &core->cfg;
	size_t n = cfg->n_exclude_paths + cfg->n_exclude_callers, i;
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
		if (i < cfg->n_exclude_paths) {
			path = cfg->exclude_paths[i];
			core->excl_kinds[i] = TRACER_EXCL_EXEC;
		} else {
			path = cfg->exclude_callers[i - cfg->n_exclude_paths];
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

/* Zero-padded keys, as the BPF side builds them. */
static int fill_exclusions(struct tracer_core *core, char *err, size_t errlen)
{
	const struct tracer_core_config *cfg = &core->cfg;
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
	for (i = 0; i < cfg->n_exclude_comms; i++) {
		memset(comm, 0, sizeof(comm));
		strncpy(comm, cfg->exclude_comms[i], sizeof(comm) - 1);
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

static void core_free(struct tracer_core *core)
{
	size_t i;

	for (i = 0; i < core->n_excl_fds; i++)
		close(core->excl_fds[i]);
	free(core->excl_fds);
	free(core->excl_kinds);
	if (core->cfg.verbose)
		__atomic_fetch_sub(&verbose_cores, 1, __ATOMIC_SEQ_CST);
	free(core->argv_buf);
	free(core->env_buf);
	free(core->redact_buf);
	free(core->cpu_stats);
	free(core->reported_lost);
	if (core->proc_bits)
		munmap(core->proc_bits, core->proc_bits_words * sizeof(*core->proc_bits));
	free(core);
}

/* The handle and its per-CPU and per-record buffers; nothing of the kernel yet. */
static int core_alloc(const struct tracer_core_config *cfg, const struct tracer_core_callbacks *cb,
		      struct tracer_core **out, char *err, size_t errlen)
{
	struct tracer_core *core;

	core = calloc(1, sizeof(*core));
	if (!core) {
		errmsg_set(err, errlen, "out of memory");
		return -ENOMEM;
	}
	core->cfg = *cfg;
	core->cb = *cb;
	core->epfd = -1;
	if (cfg->verbose)
		__atomic_fetch_add(&verbose_cores, 1, __ATOMIC_SEQ_CST);
	core->ncpus = libbpf_num_possible_cpus();
	if (core->ncpus <= 0) {
		errmsg_set(err, errlen, "cannot count CPUs");
		core_free(core);
		return -EINVAL;
	}
	core->reported_lost = calloc(core->ncpus, sizeof(*core->reported_lost));
	core->cpu_stats = calloc(core->ncpus, sizeof(*core->cpu_stats));
	core->argv_cap = 256;
	core->argv_buf = calloc(core->argv_cap, sizeof(*core->argv_buf));
	if (!core->reported_lost || !core->cpu_stats || !core->argv_buf) {
		errmsg_set(err, errlen, "out of memory");
		core_free(core);
		return -ENOMEM;
	}
	core->proc_capacity = cfg->max_procs ? cfg->max_procs : sys_max_procs();
	/* A bit for every pid below pid_max; one raised later has none, and is looked up. */
	core->proc_bits_words = (sys_pid_max() + 63) / 64;
	if (core->proc_bits_words > TRACER_PID_MAX / 64)
		core->proc_bits_words = TRACER_PID_MAX / 64;
	if (cfg->system_wide) {
		core->proc_capacity = 1; /* the state map is not used */
		core->proc_bits_words = 1;
	}
	*out = core;
	return 0;
}

/*
 * The default ring buffer grows to hold at least three of the largest exec
 * records the limits allow (argv and environment at the byte limit, every
 * path at its longest), so that one 2 MiB argv does not leave the others no
 * room: 1 MiB with the default limits. The usual traffic needs far less (an
 * exec of a short command line is about 500 bytes; the reader drains at
 * least every 20 ms: 2,600 execs a second fill some 30 KB), and the ring is
 * mapped into the reader twice (its data pages follow themselves), so each
 * doubling costs twice its size in resident memory. A size the caller chose
 * is kept: a record larger than it is counted as lost.
 */
static uint64_t ringbuf_size(const struct tracer_core_config *cfg)
{
	uint64_t largest = sizeof(struct tracer_exec_rec) + 2 * TRACER_FILENAME_MAX +
			   (uint64_t)cfg->max_arg_bytes * (cfg->capture_env ? 2 : 1) +
			   7 * 2 * (TRACER_PATH_MAX + 1);
	uint64_t size = cfg->ringbuf_bytes;

	if (size != TRACER_RINGBUF_BYTES_DEFAULT)
		return size;
	while (size < 3 * largest && size < TRACER_RINGBUF_BYTES_MAX)
		size *= 2;
	return size;
}

/* --stop-at: the patterns, compiled (checked by the library already), into read-only data. */
static void set_stop_patterns(struct tracer_bpf *skel, const struct tracer_core_config *cfg)
{
	struct tracer_glob g;
	size_t i;

	skel->rodata->stop_count = 0;
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

/* Filters and sizes, fixed before load. */
static void configure(struct tracer_core *core)
{
	struct tracer_core_config *cfg = &core->cfg;
	struct tracer_bpf *skel = core->skel;

	cfg->ringbuf_bytes = ringbuf_size(cfg);
	skel->rodata->capture_env = cfg->capture_env;

	skel->rodata->system_wide = cfg->system_wide;
	skel->rodata->tty_scope = cfg->n_ttys > 0;
	skel->rodata->watch_children = cfg->watch_children;
	skel->rodata->max_args = cfg->max_args;
	skel->rodata->max_arg_bytes = cfg->max_arg_bytes;
	set_events(skel, cfg->events);
	bpf_map__set_max_entries(skel->maps.proc_state, core->proc_capacity);
	bpf_map__set_max_entries(skel->maps.proc_bits, core->proc_bits_words);
	bpf_map__set_max_entries(skel->maps.events, cfg->ringbuf_bytes);
	bpf_map__set_max_entries(skel->maps.scratch_map, core->ncpus);
	skel->rodata->exclude_execs = cfg->n_exclude_paths > 0;
	skel->rodata->exclude_callers = cfg->n_exclude_callers > 0;
	skel->rodata->exclude_comms = cfg->n_exclude_comms > 0;
	if (cfg->n_exclude_paths + cfg->n_exclude_callers)
		bpf_map__set_max_entries(skel->maps.excl_file,
					 cfg->n_exclude_paths + cfg->n_exclude_callers);
	else
		bpf_program__set_autoload(skel->progs.handle_iter_task_file, false);
	if (cfg->n_exclude_comms)
		bpf_map__set_max_entries(skel->maps.excl_comm, cfg->n_exclude_comms);
	set_stop_patterns(skel, cfg);
	/*
	 * sched_prepare_exec (6.10) shows the caller's argv before an interpreter
	 * rewrites it and reports every exec, 32-bit ones included; older
	 * kernels fall back to sched_process_exec and a probe on remove_arg_zero.
	 * Only one path is loaded: each report program takes tens of
	 * milliseconds to verify. The tests force the fallback with
	 * TRACER_TEST_NO_PREPARE_EXEC.
	 */
	if (has_prepare_exec() && !getenv("TRACER_TEST_NO_PREPARE_EXEC")) {
		/* Staged from the caller's registers: no program at the syscall entry. */
		skel->rodata->entry_stages = false;
		bpf_program__set_autoload(skel->progs.handle_sys_enter_execve, false);
		bpf_program__set_autoload(skel->progs.handle_sys_enter_execveat, false);
		bpf_program__set_autoload(skel->progs.handle_remove_arg_zero, false);
		/* sched_process_exec then only stops (--stop-at): the new image is in place. */
		skel->rodata->image_reports = false;
		if (!cfg->n_stop_at)
			bpf_program__set_autoload(skel->progs.handle_sched_process_exec, false);
	} else {
		bpf_program__set_autoload(skel->progs.handle_sched_prepare_exec, false);
	}
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

	if (core->cfg.system_wide)
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

/* Before an entry for pid is inserted: see scope.bpf.h for why it is exact. */
static void proc_bit_set(struct tracer_core *core, uint32_t pid)
{
	if (pid / 64 < core->proc_bits_words)
		__atomic_fetch_or(&core->proc_bits[pid / 64], 1ull << (pid % 64), __ATOMIC_SEQ_CST);
}

static int fill_ttys(struct tracer_core *core, char *err, size_t errlen)
{
	const struct tracer_core_config *cfg = &core->cfg;
	__u8 one = 1;
	size_t i;
	int ret;

	for (i = 0; i < cfg->n_ttys; i++) {
		if (bpf_map__update_elem(core->skel->maps.tty_set, &cfg->ttys[i],
					 sizeof(cfg->ttys[i]), &one, sizeof(one), BPF_ANY)) {
			ret = -errno;
			errmsg_set(err, errlen, "cannot set up terminal filter: %s",
				   strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* The edge-triggered epoll set tracer_core_poll() waits in. -1 with errno on failure. */
static int watch_ring(struct tracer_core *core)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };

	core->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (core->epfd < 0)
		return -1;
	return epoll_ctl(core->epfd, EPOLL_CTL_ADD, bpf_map__fd(core->skel->maps.events), &ev);
}

int tracer_core_open(const struct tracer_core_config *cfg, const struct tracer_core_callbacks *cb,
		     struct tracer_core **out, char *err, size_t errlen)
{
	uint64_t t0 = sys_now_ns(), t_open, t_load;
	struct tracer_core *core;
	int ret;

	ret = core_alloc(cfg, cb, &core, err, errlen);
	if (ret)
		return ret;
	ret = open_excluded_files(core, err, errlen);
	if (ret)
		goto err_free;

	/* Open BPF application */
	core->skel = tracer_bpf__open();
	if (!core->skel) {
		ret = -errno;
		errmsg_set(err, errlen, "cannot open the BPF object: %s", strerror(errno));
		goto err_free;
	}
	configure(core);
	t_open = sys_now_ns();

	/* Load & verify BPF programs */
	ret = tracer_bpf__load(core->skel);
	t_load = sys_now_ns();
	if (ret) {
		if (ret == -EPERM)
			errmsg_set(err, errlen, ERRMSG_EPERM);
		else
			errmsg_set(err, errlen,
				   "cannot load BPF programs: %s (-v shows the verifier's log)",
				   strerror(-ret));
		goto err_destroy;
	}
	ret = map_proc_bits(core, err, errlen);
	if (!ret)
		ret = fill_ttys(core, err, errlen);
	if (!ret)
		ret = fill_exclusions(core, err, errlen);
	if (ret)
		goto err_destroy;

	/* Set up ring buffer polling */
	core->rb = ring_buffer__new(bpf_map__fd(core->skel->maps.events), on_record, core, NULL);
	if (!core->rb || watch_ring(core)) {
		ret = -errno;
		errmsg_set(err, errlen, "cannot set up the ring buffer: %s", strerror(errno));
		goto err_destroy;
	}

	/* Attach tracepoints: from here on, forks of watched processes are followed */
	ret = attach_all(core, err, errlen);
	if (ret)
		goto err_destroy;

	if (cfg->verbose) {
		fprintf(stderr,
			"tracer: attached; state map for %llu processes, %llu-byte ring buffer, %d CPUs\n",
			(unsigned long long)core->proc_capacity,
			(unsigned long long)core->cfg.ringbuf_bytes, core->ncpus);
		fprintf(stderr,
			"tracer: start-up: open %.1f ms, load and verify %.1f ms, attach %.1f ms\n",
			(t_open - t0) / 1e6, (t_load - t_open) / 1e6,
			(sys_now_ns() - t_load) / 1e6);
	}
	*out = core;
	return 0;

err_destroy:
	if (core->epfd >= 0)
		close(core->epfd);
	ring_buffer__free(core->rb);
	tracer_bpf__destroy(core->skel);
err_free:
	core_free(core);
	return ret;
}

/* A snapshot of the live processes, from the iter/task seeder. */
static int snapshot(struct tracer_core *core, struct scope_task **tasks, size_t *n)
{
	struct tracer_task_rec rec;
	struct scope_task *arr = NULL, *tmp;
	size_t cap = 0, len = 0, got = 0;
	ssize_t r;
	int fd, ret = 0;

	fd = bpf_iter_create(bpf_link__fd(core->skel->links.handle_iter_task));
	if (fd < 0)
		return -errno;
	for (;;) {
		r = read(fd, (char *)&rec + got, sizeof(rec) - got);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			ret = -errno;
			break;
		}
		if (r == 0)
			break;
		got += r;
		if (got < sizeof(rec))
			continue;
		got = 0;
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			tmp = realloc(arr, cap * sizeof(*arr));
			if (!tmp) {
				ret = -ENOMEM;
				break;
			}
			arr = tmp;
		}
		arr[len].pid = rec.pid;
		arr[len].ppid = rec.ppid;
		arr[len].tty_dev = rec.tty_dev;
		arr[len].start_time = rec.start_time;
		len++;
	}
	close(fd);
	if (ret) {
		free(arr);
		return ret;
	}
	*tasks = arr;
	*n = len;
	return 0;
}

static void bss_add(__u64 *counter, int64_t delta)
{
	__atomic_fetch_add(counter, delta, __ATOMIC_SEQ_CST);
}

static int insert_member(struct tracer_core *core, const struct scope_member *m)
{
	struct tracer_proc v = {
		.start_time = m->start_time,
		.flags = m->flags,
		.tty_dev = m->tty_dev,
	};

	proc_bit_set(core, m->pid);
	if (bpf_map__update_elem(core->skel->maps.proc_state, &m->pid, sizeof(m->pid), &v,
				 sizeof(v), BPF_NOEXIST)) {
		if (errno == EEXIST)
			return 0; /* a fork already made it watched */
		return -errno;
	}
	bss_add(&core->skel->bss->watched_now, 1);
	bss_add(&core->skel->bss->watched_total, 1);
	return 1;
}

static int cmp_task_pid(const void *a, const void *b)
{
	const struct scope_task *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/*
 * Entries this seeding inserted for processes that died before the insert
 * (the exit program could not see them): drop them, or they would be counted
 * as watched forever.
 */
static void drop_dead(struct tracer_core *core, const struct seeded *ins, size_t n_ins,
		      struct scope_task *tasks, size_t n_tasks)
{
	struct tracer_proc v;
	size_t i;

	qsort(tasks, n_tasks, sizeof(*tasks), cmp_task_pid);
	for (i = 0; i < n_ins; i++) {
		struct scope_task key = { .pid = ins[i].pid };
		struct scope_task *t = bsearch(&key, tasks, n_tasks, sizeof(*tasks), cmp_task_pid);

		if (t && t->start_time == ins[i].start_time)
			continue;
		if (bpf_map__lookup_elem(core->skel->maps.proc_state, &ins[i].pid,
					 sizeof(ins[i].pid), &v, sizeof(v), 0))
			continue;
		if (v.start_time != ins[i].start_time)
			continue;
		if (bpf_map__delete_elem(core->skel->maps.proc_state, &ins[i].pid,
					 sizeof(ins[i].pid), 0) == 0)
			bss_add(&core->skel->bss->watched_now, -1);
	}
}

/* What the passes of one seeding share. */
struct seeding {
	struct scope_task *tasks; /* the last snapshot */
	size_t n_tasks;
	struct scope_member *members; /* what the last pass found new */
	struct seeded *ins; /* every process this seeding made watched */
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
	struct seeded *tmp_ins;
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
		ret = insert_member(core, m);
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
	ret = snapshot(core, &sd->tasks, &sd->n_tasks);
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
		if (core->cfg.verbose)
			fprintf(stderr,
				"tracer: process %u is not in the kernel's task listing: its descendants are watched, its own execs and forks are not\n",
				roots[i]);
	}
}

/*
 * Tests stop the seeding here, between its first snapshot and its inserts,
 * to fork under a root that is not watched yet: TRACER_TEST_SEED_HOLD names
 * a FIFO the seeding waits to read a byte from (tests/e2e/test_scope.c).
 */
static void test_seed_hold(void)
{
	const char *path = getenv("TRACER_TEST_SEED_HOLD");
	char c;
	int fd;

	if (!path)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
	close(fd);
}

int tracer_core_seed(struct tracer_core *core, const uint32_t *roots, size_t n_roots,
		     bool *found_roots, char *err, size_t errlen)
{
	struct scope_spec spec = {
		.pids = roots,
		.n_pids = n_roots,
		.ttys = core->cfg.ttys,
		.n_ttys = core->cfg.n_ttys,
		.watch_children = core->cfg.watch_children,
	};
	uint64_t t0 = sys_now_ns();
	struct seeding sd = {};
	int pass, n, ret = 0;

	if (found_roots)
		memset(found_roots, 0, n_roots * sizeof(*found_roots));
	for (pass = 0; pass < SEED_MAX_PASSES; pass++) {
		n = seeding_pass(core, &sd, &spec, err, errlen);
		if (n < 0) {
			ret = n;
			goto out;
		}
		if (pass == 0 && found_roots)
			mark_found_roots(&sd, roots, n_roots, found_roots);
		if (core->cfg.verbose)
			fprintf(stderr,
				"tracer: seeding pass %d: %zu live processes, %d new in scope\n",
				pass + 1, sd.n_tasks, n);
		if (n == 0)
			break;
		if (pass == 0)
			test_seed_hold();
		ret = seeding_reserve(&sd, n);
		if (ret) {
			errmsg_set(err, errlen, "out of memory");
			goto out;
		}
		ret = seeding_insert(core, &sd, n, err, errlen);
		if (ret)
			goto out;
	}
	drop_dead(core, sd.ins, sd.n_ins, sd.tasks, sd.n_tasks);
	if (found_roots)
		check_unlisted_roots(core, roots, n_roots, found_roots);
	if (core->cfg.verbose)
		fprintf(stderr, "tracer: start-up: seeding %.1f ms\n", (sys_now_ns() - t0) / 1e6);
out:
	free(sd.tasks);
	free(sd.members);
	free(sd.ins);
	free(sd.already);
	return ret;
}

/*
 * Sleeps until BATCH_NS after the last drain that found records, within
 * timeout_ms (-1: no limit): records come in batches, not each with a
 * wake-up. Returns -EINTR when a signal came first.
 */
static int batch_wait(struct tracer_core *core, int timeout_ms)
{
	uint64_t now = sys_now_ns(), wait;
	struct timespec ts;

	if (!core->last_drain_ns || now >= core->last_drain_ns + BATCH_NS)
		return 0;
	wait = core->last_drain_ns + BATCH_NS - now;
	if (timeout_ms >= 0 && wait > (uint64_t)timeout_ms * 1000000)
		wait = (uint64_t)timeout_ms * 1000000;
	ts.tv_sec = wait / 1000000000;
	ts.tv_nsec = wait % 1000000000;
	return nanosleep(&ts, NULL) ? -errno : 0;
}

/* Delivers what is buffered: the number of records, or -ECANCELED, or -errno. */
static int consume(struct tracer_core *core)
{
	int ret = ring_buffer__consume(core->rb);

	if (ret > 0)
		core->last_drain_ns = sys_now_ns();
	return ret;
}

/*
 * The kernel wakes the reader at the first record after it has drained
 * everything (maps.bpf.h): the wait blocks for as long as nothing comes,
 * and what comes within BATCH_NS of a drain waits for the next one. The
 * epoll set is edge-triggered: a wake-up for records already taken does
 * not keep it readable.
 */
int tracer_core_poll(struct tracer_core *core, int timeout_ms)
{
	struct epoll_event ev;
	bool cleared = false;
	uint64_t now;
	int wait_ms;
	int ret;

	if (deliver_pending(core))
		return 1;
	ret = batch_wait(core, timeout_ms);
	if (!ret)
		ret = consume(core);
	if (ret == 0 && core->skel->bss->reader_batching) {
		/*
		 * About to block: from now on a record must wake the reader.
		 * One whose program read the flag just before it changed asks
		 * for no wake-up: drain once more now, and again within
		 * BATCH_NS whatever happens (rec_commit in bpf/maps.bpf.h).
		 */
		__atomic_store_n(&core->skel->bss->reader_batching, 0, __ATOMIC_SEQ_CST);
		cleared = true;
		ret = consume(core);
	}
	if (ret == 0) {
		wait_ms = timeout_ms;
		if (cleared && (wait_ms < 0 || wait_ms > (int)(BATCH_NS / 1000000)))
			wait_ms = (int)(BATCH_NS / 1000000);
		ret = epoll_wait(core->epfd, &ev, 1, wait_ms);
		if (ret >= 0)
			ret = consume(core);
		else
			ret = -errno;
	}
	/* Records came: the next drain is at most BATCH_NS away, no wake-up needed. */
	if (ret > 0 && !core->fd_given)
		__atomic_store_n(&core->skel->bss->reader_batching, 1, __ATOMIC_RELAXED);
	if (ret == -ECANCELED)
		return 1;
	if (ret < 0 && ret != -EINTR)
		return ret;
	/* Records came: the counters can wait (LOSS_CHECK_NS), a quiet poll reads them. */
	now = sys_now_ns();
	if (ret > 0 && now < core->last_loss_check_ns + LOSS_CHECK_NS)
		return 0;
	core->last_loss_check_ns = now;
	return report_pending_losses(core) ? 1 : 0;
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
	core->detached = true;
}

int tracer_core_drain(struct tracer_core *core)
{
	int ret;

	if (deliver_pending(core))
		return 1;
	ret = ring_buffer__consume(core->rb);

	if (ret == -ECANCELED)
		return 1;
	if (ret < 0)
		return ret;
	return report_pending_losses(core) ? 1 : 0;
}

static uint64_t tracer_core_watched_now(struct tracer_core *core)
{
	return __atomic_load_n(&core->skel->bss->watched_now, __ATOMIC_SEQ_CST);
}

void tracer_core_get_stats(struct tracer_core *core, struct tracer_core_stats *st)
{
	int cpu;

	memset(st, 0, sizeof(*st));
	if (read_cpu_stats(core) == 0) {
		for (cpu = 0; cpu < core->ncpus; cpu++) {
			st->lost += core->cpu_stats[cpu].lost;
			st->insert_fail += core->cpu_stats[cpu].insert_fail;
			st->stage_fail += core->cpu_stats[cpu].stage_fail;
			st->excluded += core->cpu_stats[cpu].excluded;
		}
	}
	st->events = core->delivered;
	st->malformed = core->malformed;
	st->watched_now = tracer_core_watched_now(core);
	st->watched_total = __atomic_load_n(&core->skel->bss->watched_total, __ATOMIC_SEQ_CST);
	st->proc_capacity = core->proc_capacity;
}

int tracer_core_fd(struct tracer_core *core)
{
	/* The caller polls this fd: every first record after a drain wakes it. */
	core->fd_given = true;
	__atomic_store_n(&core->skel->bss->reader_batching, 0, __ATOMIC_SEQ_CST);
	return ring_buffer__epoll_fd(core->rb);
}

static struct scope_task *find_task(struct scope_task *tasks, size_t n, uint32_t pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tasks[i].pid == pid)
			return &tasks[i];
	return NULL;
}

int tracer_core_watch(struct tracer_core *core, uint32_t pid)
{
	struct scope_spec spec = {
		.pids = &pid,
		.n_pids = 1,
		.watch_children = core->cfg.watch_children,
	};
	struct scope_task *tasks = NULL;
	struct scope_member *members = NULL;
	struct seeded *ins = NULL;
	size_t n_tasks = 0, n_ins = 0;
	int i, n, ret;

	/* The snapshot gives task->start_time exactly, as the kernel compares it. */
	ret = snapshot(core, &tasks, &n_tasks);
	if (ret)
		return ret;
	if (!find_task(tasks, n_tasks, pid)) {
		ret = -ESRCH;
		goto out;
	}
	members = calloc(n_tasks, sizeof(*members));
	ins = calloc(n_tasks, sizeof(*ins));
	if (!members || !ins) {
		ret = -ENOMEM;
		goto out;
	}
	n = scope_select(tasks, n_tasks, &spec, NULL, 0, members);
	if (n < 0) {
		ret = n;
		goto out;
	}
	for (i = 0; i < n; i++) {
		ret = insert_member(core, &members[i]);
		if (ret < 0) {
			/* A full hash map refuses with E2BIG. */
			if (ret == -E2BIG)
				ret = -ENOSPC;
			goto out;
		}
		if (ret > 0) {
			ins[n_ins].pid = members[i].pid;
			ins[n_ins].start_time = members[i].start_time;
			n_ins++;
		}
	}
	/* Those that died before their insert: the exit program could not drop them. */
	free(tasks);
	tasks = NULL;
	ret = snapshot(core, &tasks, &n_tasks);
	if (ret == 0)
		drop_dead(core, ins, n_ins, tasks, n_tasks);
	ret = 0;
out:
	free(tasks);
	free(members);
	free(ins);
	return ret;
}

int tracer_core_unwatch(struct tracer_core *core, uint32_t pid)
{
	if (bpf_map__delete_elem(core->skel->maps.proc_state, &pid, sizeof(pid), 0))
		return errno == ENOENT ? -ENOENT : -errno;
	bss_add(&core->skel->bss->watched_now, -1);
	return 0;
}

void tracer_core_close(struct tracer_core *core)
{
	if (!core)
		return;
	if (core->cfg.verbose)
		__atomic_fetch_sub(&verbose_cores, 1, __ATOMIC_SEQ_CST);
	close(core->epfd);
	ring_buffer__free(core->rb);
	tracer_bpf__destroy(core->skel);
	free(core->pending);
	core_free(core);
}
