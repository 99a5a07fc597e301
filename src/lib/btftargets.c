// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The handlers are registered with a placeholder program type (raw
 * tracepoint): libbpf decides whether to load the kernel's whole BTF from
 * the program types before any program is loaded, and a tracing program
 * makes it do so. Just before each load, the handler gives the program its
 * real type (tracing), attach type and target; libbpf reads the type after
 * the handler has run (libbpf 1.1's bpf_object_load_prog()). Attaching
 * then goes through libbpf's own calls for those kinds.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/btf.h>
#include "btfscan.h"
#include "btftargets.h"

#define TP_PREFIX "tracer.tp_btf/"
#define ITER_PREFIX "tracer.iter/"

enum target_kind {
	TARGET_TP,
	TARGET_ITER
};

static const struct {
	const char *section;
	const char *btf_name;
	uint32_t btf_kind;
} targets[BTFTARGETS_N] = {
	{ TP_PREFIX "sched_prepare_exec", "btf_trace_sched_prepare_exec", BTF_KIND_TYPEDEF },
	{ TP_PREFIX "sched_process_exec", "btf_trace_sched_process_exec", BTF_KIND_TYPEDEF },
	{ TP_PREFIX "sched_process_fork", "btf_trace_sched_process_fork", BTF_KIND_TYPEDEF },
	{ TP_PREFIX "sched_process_exit", "btf_trace_sched_process_exit", BTF_KIND_TYPEDEF },
	{ TP_PREFIX "signal_generate", "btf_trace_signal_generate", BTF_KIND_TYPEDEF },
	{ ITER_PREFIX "task", "bpf_iter_task", BTF_KIND_FUNC },
	{ ITER_PREFIX "task_file", "bpf_iter_task_file", BTF_KIND_FUNC },
};

/* The kernel's ids: the same for every object loaded while it runs. */
static pthread_mutex_t ids_lock = PTHREAD_MUTEX_INITIALIZER;
static int32_t target_ids[BTFTARGETS_N];

const char *btftargets_section(size_t i)
{
	return i < BTFTARGETS_N ? targets[i].section : NULL;
}

void btftargets_wants(struct btfscan_want want[BTFTARGETS_N])
{
	size_t i;

	for (i = 0; i < BTFTARGETS_N; i++) {
		want[i].name = targets[i].btf_name;
		want[i].kind = targets[i].btf_kind;
		want[i].id = 0;
	}
}

void btftargets_found(const struct btfscan_want want[BTFTARGETS_N], int32_t ids[BTFTARGETS_N])
{
	size_t i;

	for (i = 0; i < BTFTARGETS_N; i++)
		ids[i] = want[i].id;
}

int btftargets_scan(int fd, int32_t ids[BTFTARGETS_N])
{
	struct btfscan_want want[BTFTARGETS_N];
	size_t i;
	int ret;

	btftargets_wants(want);
	ret = btfscan_find(fd, want, BTFTARGETS_N);
	btftargets_found(want, ids);
	for (i = 0; ret && i < BTFTARGETS_N; i++)
		ids[i] = 0;
	return ret;
}

void btftargets_set(const int32_t ids[BTFTARGETS_N])
{
	pthread_mutex_lock(&ids_lock);
	memcpy(target_ids, ids, sizeof(target_ids));
	pthread_mutex_unlock(&ids_lock);
}

static int prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	const char *sec = bpf_program__section_name(prog);
	int32_t id = 0;
	size_t i;

	for (i = 0; i < BTFTARGETS_N; i++)
		if (!strcmp(sec, targets[i].section))
			break;
	if (i == BTFTARGETS_N)
		return -ESRCH; /* a section this file does not list */
	pthread_mutex_lock(&ids_lock);
	id = target_ids[i];
	pthread_mutex_unlock(&ids_lock);
	if (id <= 0)
		return -ENOENT; /* not in this kernel */
	bpf_program__set_type(prog, BPF_PROG_TYPE_TRACING);
	opts->expected_attach_type = cookie == TARGET_ITER ? BPF_TRACE_ITER : BPF_TRACE_RAW_TP;
	opts->attach_btf_id = id;
	opts->attach_btf_obj_fd = 0; /* vmlinux */
	opts->attach_prog_fd = 0;
	return 0;
}

static int attach_tp(const struct bpf_program *prog, long cookie, struct bpf_link **link)
{
	(void)cookie;
	*link = bpf_program__attach_trace(prog);
	return libbpf_get_error(*link);
}

static int attach_iter(const struct bpf_program *prog, long cookie, struct bpf_link **link)
{
	(void)cookie;
	*link = bpf_program__attach_iter(prog, NULL);
	return libbpf_get_error(*link);
}

static pthread_once_t register_once = PTHREAD_ONCE_INIT;
static int register_ret;

static void register_handlers(void)
{
	LIBBPF_OPTS(libbpf_prog_handler_opts, tp, .cookie = TARGET_TP,
		    .prog_prepare_load_fn = prepare_load, .prog_attach_fn = attach_tp);
	LIBBPF_OPTS(libbpf_prog_handler_opts, iter, .cookie = TARGET_ITER,
		    .prog_prepare_load_fn = prepare_load, .prog_attach_fn = attach_iter);
	int ret;

	/* Never unregistered: the open objects point at the handlers. */
	ret = libbpf_register_prog_handler("tracer.tp_btf+", BPF_PROG_TYPE_RAW_TRACEPOINT,
					   BPF_TRACE_RAW_TP, &tp);
	if (ret >= 0)
		ret = libbpf_register_prog_handler("tracer.iter+", BPF_PROG_TYPE_RAW_TRACEPOINT,
						   BPF_TRACE_ITER, &iter);
	register_ret = ret < 0 ? ret : 0;
}

int btftargets_register(void)
{
	pthread_once(&register_once, register_handlers);
	return register_ret;
}
