// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * floor: attaches bench/floor.bpf.c's programs, which do nothing, to the
 * hooks tracer attaches with its default options (exec records, no
 * --stop-at, no signals), says "floor: ready: HOOK..." on standard error
 * and holds them until SIGINT or SIGTERM. scripts/bench's storm
 * configuration "floor" reads their BPF time as it reads tracer's: what the
 * hooks alone cost per fork+exec+exit, in the same rounds.
 *
 * The exec path is chosen as src/lib/attach.c chooses it: sched_prepare_exec
 * where the kernel has it (6.10), else the syscall entries and
 * sched_process_exec. The kprobe is optional, as in tracer.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "floor.skel.h"

static volatile sig_atomic_t done;

static void on_signal(int sig)
{
	(void)sig;
	done = 1;
}

/* libbpf's own messages only with FLOOR_VERBOSE set: a failed optional attach is not an error. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	return getenv("FLOOR_VERBOSE") ? vfprintf(stderr, fmt, args) : 0;
}

static bool has_prepare_exec(void)
{
	return libbpf_find_vmlinux_btf_id("sched_prepare_exec", BPF_TRACE_RAW_TP) >= 0;
}

static void choose_exec_path(struct floor_bpf *skel)
{
	bool prepare = has_prepare_exec();

	bpf_program__set_autoload(skel->progs.floor_prepare_exec, prepare);
	bpf_program__set_autoload(skel->progs.floor_enter_execve, !prepare);
	bpf_program__set_autoload(skel->progs.floor_enter_execveat, !prepare);
	bpf_program__set_autoload(skel->progs.floor_process_exec, !prepare);
}

/* The hook a program attaches to: its section name after the last '/'. */
static const char *hook_name(const struct bpf_program *prog)
{
	const char *sec = bpf_program__section_name(prog), *slash = strrchr(sec, '/');

	return slash ? slash + 1 : sec;
}

/* One per program of bench/floor.bpf.c, at most. */
#define MAX_LINKS 16

static struct bpf_link *links[MAX_LINKS];
static size_t n_links;

static int attach_loaded(struct floor_bpf *skel, char *hooks, size_t len)
{
	struct bpf_program *prog;
	size_t used = 0;

	bpf_object__for_each_program(prog, skel->obj) {
		struct bpf_link *link;

		if (!bpf_program__autoload(prog) || n_links == MAX_LINKS)
			continue;
		link = bpf_program__attach(prog);
		if (!link && prog == skel->progs.floor_remove_arg_zero) {
			fprintf(stderr,
				"floor: %s not attached (%s), as in tracer without kprobes\n",
				hook_name(prog), strerror(errno));
			continue;
		}
		if (!link) {
			fprintf(stderr, "floor: cannot attach %s: %s\n", hook_name(prog),
				strerror(errno));
			return -1;
		}
		links[n_links++] = link;
		used += (size_t)snprintf(hooks + used, len - used, " %s", hook_name(prog));
		if (used >= len)
			used = len - 1;
	}
	return 0;
}

int main(void)
{
	struct floor_bpf *skel;
	char hooks[512] = "";
	sigset_t stop, old;
	int ret = 1;

	libbpf_set_print(libbpf_print);
	skel = floor_bpf__open();
	if (!skel) {
		fprintf(stderr, "floor: cannot open the BPF object: %s\n", strerror(errno));
		return 1;
	}
	choose_exec_path(skel);
	if (floor_bpf__load(skel)) {
		fprintf(stderr, "floor: cannot load the BPF programs: %s\n", strerror(errno));
		goto out_destroy;
	}
	if (attach_loaded(skel, hooks, sizeof(hooks)))
		goto out_destroy;
	/* Blocked until sigsuspend(): a signal between the test and the wait is not lost. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, &old);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "floor: ready:%s\n", hooks);
	while (!done)
		sigsuspend(&old);
	ret = 0;
out_destroy:
	while (n_links)
		bpf_link__destroy(links[--n_links]);
	floor_bpf__destroy(skel);
	return ret;
}
