// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The ring buffer, from the reader's side: waiting, decoding each record
 * (decode.c) into the buffers it needs, delivering it, and accounting for
 * the records the kernel could not write.
 *
 * Waking: the kernel wakes the reader at the first record after a drain
 * that took everything (rec_commit in bpf/maps.bpf.h); while records keep
 * coming (two drains within two batches), the reader drains on its own every
 * BATCH_NS and asks for no wake-up (reader_batching); after LONG_AFTER_NS of
 * that, every LONG_BATCH_NS, woken early only when a quarter of the ring
 * waits (rec_commit in bpf/maps.bpf.h). The first records
 * after a quiet while are delivered as they come: an exit alone does not
 * hold the exec that follows it for BATCH_NS (the first event after
 * start-up was 20 ms late so). Losses: every record carries its CPU's
 * cumulative loss count, so a loss is reported just before the first
 * record written after it; the per-CPU counters are read only for a CPU
 * that has sent nothing since.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "wire.h"
#include "glob.h" /* before the skeleton: its read-only data holds patterns */
#include "tracer.skel.h"
#include "core_impl.h"
#include "decode.h"
#include "sysinfo.h"

/* Records are delivered at most this often: one wake-up per batch under load. */
#define BATCH_NS (20 * 1000000ull)

/*
 * After this long of batches without a pause (a build, a storm), a batch
 * lasts LONG_BATCH_NS: each costs a wake-up and a write, about 110 us of
 * CPU in a virtual machine, which at 250 execs a second was most of the
 * reader's CPU (bench/results.md). Lines come at most 100 ms late then.
 */
#define LONG_AFTER_NS (1000 * 1000000ull)
#define LONG_BATCH_NS (100 * 1000000ull)

/*
 * While records keep coming, the loss counters are read at most this often:
 * a loss is reported by the next record from its CPU anyway, the counters
 * are only for a CPU that has sent nothing since (a map read per batch was
 * a third of the reader's syscalls).
 */
#define LOSS_CHECK_NS (250 * 1000000ull)

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

/* The per-CPU counters into core->cpu_stats. 0 or -errno. */
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
	if (core->cfg->opts.max_args && nargs > core->cfg->opts.max_args + 1)
		nargs = core->cfg->opts.max_args + 1;
	if (grow((void **)&core->argv_buf, &core->argv_cap, nargs, sizeof(*core->argv_buf)))
		return -ENOMEM;
	if (!(r.flags & TRACER_EXEC_ENV))
		return 0;
	if (grow((void **)&core->env_buf, &core->env_cap, (size_t)r.env_size + 1,
		 sizeof(*core->env_buf)) ||
	    (!core->cfg->opts.keep_secrets &&
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

/* libbpf's callback for each record: decode, report a loss before it, deliver. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct tracer_core *core = ctx;
	struct tracer_decode_limits lim = {
		.max_args = core->cfg->opts.max_args,
		.epoch_ns = core->cfg->opts.epoch_ns,
		.keep_secrets = core->cfg->opts.keep_secrets,
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

int ring_open(struct tracer_core *core)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	int fd = bpf_map__fd(core->skel->maps.events);

	core->rb = ring_buffer__new(fd, on_record, core, NULL);
	if (!core->rb)
		return -errno;
	/* The edge-triggered epoll set tracer_core_poll() waits in. */
	core->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (core->epfd < 0 || epoll_ctl(core->epfd, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	return 0;
}

void ring_close(struct tracer_core *core)
{
	if (core->epfd >= 0)
		close(core->epfd);
	core->epfd = -1;
	ring_buffer__free(core->rb);
	core->rb = NULL;
}

/* How long the batch that began at the drain at time t lasts. */
static uint64_t batch_ns(const struct tracer_core *core, uint64_t t)
{
	if (core->batching && !core->fd_given && t >= core->batching_since_ns + LONG_AFTER_NS)
		return LONG_BATCH_NS;
	return BATCH_NS;
}

/*
 * Waits until the batch after the last drain that found records is over,
 * within timeout_ms (-1: no limit): records come in batches, not each with
 * a wake-up. The wait is on the ring's epoll set, which stays quiet (the
 * records ask for no wake-up) unless a quarter of the ring fills first.
 * Returns -EINTR when a signal came first.
 */
static int batch_wait(struct tracer_core *core, int timeout_ms)
{
	uint64_t now = sys_now_ns(), end, wait;
	struct epoll_event ev;

	end = core->last_drain_ns + batch_ns(core, core->last_drain_ns);
	if (!core->batching || now >= end)
		return 0;
	wait = (end - now + 999999) / 1000000;
	if (timeout_ms >= 0 && wait > (uint64_t)timeout_ms)
		wait = timeout_ms;
	return epoll_wait(core->epfd, &ev, 1, (int)wait) < 0 ? -errno : 0;
}

/* Delivers what is buffered: the number of records, or -ECANCELED, or -errno. */
static int consume(struct tracer_core *core)
{
	int ret = ring_buffer__consume(core->rb);
	uint64_t now;
	bool was;

	if (ret > 0) {
		now = sys_now_ns();
		was = core->batching;
		/* The drains on the timer come every batch and a little more. */
		core->batching =
			core->last_drain_ns &&
			now < core->last_drain_ns + 2 * batch_ns(core, core->last_drain_ns);
		if (core->batching && !was)
			core->batching_since_ns = now;
		core->last_drain_ns = now;
	}
	return ret;
}

/*
 * Nothing was buffered: waits for the kernel's wake-up. About to block,
 * the reader asks to be woken from now on; a record whose program read the
 * flag just before it changed asks for no wake-up, so the buffer is drained
 * once more now, and the wait lasts BATCH_NS at most whatever happens
 * (rec_commit in bpf/maps.bpf.h). The epoll set is edge-triggered: a
 * wake-up for records already taken does not keep it readable.
 */
static int wait_for_records(struct tracer_core *core, int timeout_ms)
{
	struct epoll_event ev;
	bool cleared = false;
	int wait_ms, ret = 0;

	if (core->skel->bss->reader_batching) {
		__atomic_store_n(&core->skel->bss->reader_batching, 0, __ATOMIC_SEQ_CST);
		cleared = true;
		ret = consume(core);
	}
	if (ret != 0)
		return ret;
	wait_ms = timeout_ms;
	if (cleared && (wait_ms < 0 || wait_ms > (int)(BATCH_NS / 1000000)))
		wait_ms = (int)(BATCH_NS / 1000000);
	ret = epoll_wait(core->epfd, &ev, 1, wait_ms);
	return ret >= 0 ? consume(core) : -errno;
}

/* What is buffered now, and within a batch of a drain, what comes until then. */
int tracer_core_poll(struct tracer_core *core, int timeout_ms)
{
	uint64_t now;
	int ret;

	if (deliver_pending(core))
		return 1;
	ret = batch_wait(core, timeout_ms);
	if (!ret)
		ret = consume(core);
	if (ret == 0)
		ret = wait_for_records(core, timeout_ms);
	/* Records keep coming: the next drain is at most a batch away, no wake-up needed. */
	if (ret > 0 && core->batching && !core->fd_given)
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

int tracer_core_fd(struct tracer_core *core)
{
	/* The caller polls this fd: every first record after a drain wakes it. */
	core->fd_given = true;
	__atomic_store_n(&core->skel->bss->reader_batching, 0, __ATOMIC_SEQ_CST);
	return ring_buffer__epoll_fd(core->rb);
}

void tracer_core_get_stats(struct tracer_core *core, struct tracer_stats *st)
{
	int cpu;

	memset(st, 0, sizeof(*st));
	if (read_cpu_stats(core) == 0) {
		for (cpu = 0; cpu < core->ncpus; cpu++) {
			st->lost += core->cpu_stats[cpu].lost;
			st->insert_fail += core->cpu_stats[cpu].insert_fail;
			st->stage_fail += core->cpu_stats[cpu].stage_fail;
			st->excluded += core->cpu_stats[cpu].excluded;
			st->filtered += core->cpu_stats[cpu].filtered;
		}
	}
	st->events = core->delivered;
	st->malformed = core->malformed;
	st->watched_now = tracer_core_watched_now(core);
	st->watched_total = __atomic_load_n(&core->skel->bss->watched_total, __ATOMIC_SEQ_CST);
	st->proc_capacity = core->proc_capacity;
}

uint64_t tracer_core_watched_now(struct tracer_core *core)
{
	return __atomic_load_n(&core->skel->bss->watched_now, __ATOMIC_SEQ_CST);
}
