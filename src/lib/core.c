// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The tracing core's lifecycle, in libbpf-bootstrap's order: allocate,
 * open the BPF object, fix what must be fixed before load (attach.c),
 * load and verify, fill the maps, set up the ring buffer (ring.c), attach;
 * one cleanup path. Then the counters, and close. The core is the only
 * code that touches libbpf and the skeleton; the files it is made of are
 * listed in core_impl.h.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "wire.h"
#include "glob.h" /* before the skeleton: its read-only data holds patterns */
#include "tracer.skel.h"
#include "btfcache.h"
#include "core_impl.h"
#include "errmsg.h"
#include "sysinfo.h"
#include "verstats.h"

static void core_free(struct tracer_core *core)
{
	size_t i;

	for (i = 0; i < core->n_excl_fds; i++)
		close(core->excl_fds[i]);
	if (core->cgroup_fd >= 0)
		close(core->cgroup_fd);
	free(core->excl_fds);
	free(core->excl_kinds);
	free(core->argv_buf);
	free(core->env_buf);
	free(core->redact_buf);
	free(core->pending);
	free(core->cpu_stats);
	free(core->reported_lost);
	if (core->proc_bits)
		munmap(core->proc_bits, core->proc_bits_words * sizeof(*core->proc_bits));
	free(core);
}

/* The handle and its per-CPU and per-record buffers; nothing of the kernel yet. */
static int core_alloc(const struct tracer_config *cfg, const struct tracer_core_callbacks *cb,
		      struct tracer_core **out, char *err, size_t errlen)
{
	struct tracer_core *core;

	core = calloc(1, sizeof(*core));
	if (!core) {
		errmsg_set(err, errlen, "out of memory");
		return -ENOMEM;
	}
	core->cfg = cfg;
	core->cb = *cb;
	core->epfd = -1;
	core->cgroup_fd = -1;
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
	core->proc_capacity = cfg->opts.max_procs ? cfg->opts.max_procs : sys_max_procs();
	/* A bit for every pid below pid_max; one raised later has none, and is looked up. */
	core->proc_bits_words = (sys_pid_max() + 63) / 64;
	if (core->proc_bits_words > TRACER_PID_MAX / 64)
		core->proc_bits_words = TRACER_PID_MAX / 64;
	if (cfg->opts.system_wide) {
		core->proc_capacity = 1; /* the state map is not used */
		core->proc_bits_words = 1;
	}
	*out = core;
	return 0;
}

static void report_startup(const struct tracer_core *core, uint64_t t0, uint64_t t_open,
			   uint64_t t_load)
{
	fprintf(stderr,
		"tracer: attached; state map for %llu processes, %llu-byte ring buffer, %d CPUs\n",
		(unsigned long long)core->proc_capacity, (unsigned long long)core->ringbuf_bytes,
		core->ncpus);
	fprintf(stderr, "tracer: start-up: open %.1f ms, load and verify %.1f ms, attach %.1f ms\n",
		(t_open - t0) / 1e6, (t_load - t_open) / 1e6, (sys_now_ns() - t_load) / 1e6);
}

static const char *btf_source(const struct btfcache_load *btf)
{
	switch (btf->source) {
	case BTFCACHE_HIT:
		return "minimal, from the cache";
	case BTFCACHE_MADE:
		return "minimal, made now";
	default:
		return "the kernel's whole BTF";
	}
}

/*
 * The BPF object embedded in the binary (some 450 KiB of its read-only data)
 * is read whole by the open and the load, and libbpf keeps copies of what it
 * needs after them. Its pages are clean and file-backed: dropping them from
 * this process's page tables lowers only its resident memory (a page touched
 * again comes back from the page cache). So does handing back the heap that
 * the ELF and BTF parsing freed.
 */
static void release_loading_memory(const void *obj, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = ((uintptr_t)obj + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)obj + len) & ~(page - 1);

	if (end > start)
		madvise((void *)start, end - start, MADV_DONTNEED);
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

/*
 * Opens the skeleton, fixes what must be fixed before load (attach.c) and
 * loads it, with the minimal kernel BTF when there is one (btfcache.h); a
 * load that fails with it is tried once more with the kernel's whole BTF.
 */
static int open_and_load(struct tracer_core *core, uint64_t *t_open, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	bool stats = core->cfg->opts.verbose, whole = false;
	struct verstats *vs = NULL;
	struct btfcache_load btf;
	size_t obj_len;
	const void *obj = tracer_bpf__elf_bytes(&obj_len);
	int ret;

	for (;;) {
		ret = btfcache_prepare(&btf, obj, obj_len, whole);
		if (ret) {
			errmsg_set(err, errlen, "cannot read the kernel's BTF: %s", strerror(-ret));
			return ret;
		}
		opts.btf_custom_path = btf.btf_fd >= 0 ? btf.btf_path : NULL;
		core->skel = tracer_bpf__open_opts(&opts);
		if (!core->skel) {
			ret = -errno;
			btfcache_done(&btf);
			errmsg_set(err, errlen, "cannot open the BPF object: %s", strerror(-ret));
			return ret;
		}
		attach_configure(core);
		if (stats)
			vs = verstats_request(core->skel->obj);
		*t_open = sys_now_ns();
		ret = tracer_bpf__load(core->skel);
		btfcache_done(&btf);
		if (!ret)
			verstats_print(vs, core->skel->obj);
		verstats_free(vs);
		vs = NULL;
		if (!ret || ret == -EPERM)
			break;
		tracer_bpf__destroy(core->skel);
		core->skel = NULL;
		if (stats) {
			/* Once more without them, for libbpf to print the verifier's log. */
			stats = false;
			continue;
		}
		if (btf.source == BTFCACHE_KERNEL)
			break;
		if (btf.source == BTFCACHE_HIT)
			btfcache_reject(obj, obj_len);
		whole = true;
	}
	if (!ret)
		release_loading_memory(obj, obj_len);
	if (core->cfg->opts.verbose)
		fprintf(stderr, "tracer: kernel BTF: %s%s%s\n", btf_source(&btf),
			btf.source == BTFCACHE_KERNEL ? ": " : "",
			btf.source == BTFCACHE_KERNEL ? btf.why : "");
	if (ret == -EPERM)
		errmsg_set(err, errlen, ERRMSG_EPERM);
	else if (ret)
		errmsg_set(err, errlen,
			   "cannot load BPF programs: %s (-v shows the verifier's log)",
			   strerror(-ret));
	return ret;
}

int tracer_core_open(const struct tracer_config *cfg, const struct tracer_core_callbacks *cb,
		     struct tracer_core **out, char *err, size_t errlen)
{
	uint64_t t0 = sys_now_ns(), t_open, t_load;
	struct tracer_core *core;
	int ret;

	ret = core_alloc(cfg, cb, &core, err, errlen);
	if (ret)
		return ret;
	ret = attach_open_excluded(core, err, errlen);
	if (!ret)
		ret = attach_open_cgroup(core, err, errlen);
	if (ret)
		goto err_free;

	/* Open, load & verify BPF programs */
	ret = open_and_load(core, &t_open, err, errlen);
	t_load = sys_now_ns();
	if (ret)
		goto err_destroy;
	ret = attach_fill_maps(core, err, errlen);
	if (ret)
		goto err_destroy;

	/* Set up ring buffer polling */
	ret = ring_open(core);
	if (ret) {
		errmsg_set(err, errlen, "cannot set up the ring buffer: %s", strerror(-ret));
		goto err_destroy;
	}

	/* Attach tracepoints: from here on, forks of watched processes are followed */
	ret = attach_all(core, err, errlen);
	if (ret)
		goto err_destroy;

	if (cfg->opts.verbose)
		report_startup(core, t0, t_open, t_load);
	*out = core;
	return 0;

err_destroy:
	ring_close(core);
	bpf_link__destroy(core->exit_execveat_link);
	tracer_bpf__destroy(core->skel);
err_free:
	core_free(core);
	return ret;
}

void tracer_core_close(struct tracer_core *core)
{
	if (!core)
		return;
	ring_close(core);
	bpf_link__destroy(core->exit_execveat_link);
	tracer_bpf__destroy(core->skel);
	core_free(core);
}
