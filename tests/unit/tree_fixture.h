/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Synthetic events for the tree and timeline unit tests. */
#ifndef TRACER_TREE_FIXTURE_H
#define TRACER_TREE_FIXTURE_H

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <linux/types.h>

#include "wire.h"
#include "tree.h"

#define MS(x) ((uint64_t)(x)*1000000ull)
#define BYTES(s)                                 \
	{                                        \
		.ptr = (s), .len = sizeof(s) - 1 \
	}

static inline struct tracer_bytes comm_of(const char *s)
{
	struct tracer_bytes b = { .ptr = s, .len = strlen(s) };

	return b;
}

static inline struct tracer_event fork_ev(uint64_t ts, uint32_t ppid, uint32_t pid,
					  const char *comm)
{
	struct tracer_event ev = { .type = TRACER_EVENT_FORK, .ts_ns = ts };

	ev.fork.pid = pid;
	ev.fork.ppid = ppid;
	ev.fork.parent_tid = ppid;
	ev.fork.start_ns = ts - 1000; /* the child's start is a little before the tracepoint */
	ev.fork.comm = comm_of(comm);
	return ev;
}

static inline struct tracer_event exec_ev(uint64_t ts, uint32_t pid, uint32_t ppid, int32_t ret,
					  struct tracer_bytes *argv, uint32_t argc)
{
	struct tracer_event ev = { .type = TRACER_EVENT_EXEC, .ts_ns = ts };

	ev.exec.pid = pid;
	ev.exec.tid = pid;
	ev.exec.ppid = ppid;
	ev.exec.ret = ret;
	ev.exec.comm = comm_of("caller");
	ev.exec.filename = comm_of("/bin/prog");
	ev.exec.argv = argv;
	ev.exec.argc = argc;
	return ev;
}

static inline struct tracer_event exit_ev(uint64_t ts, uint32_t pid, uint32_t ppid, int32_t status,
					  uint64_t start, uint64_t epoch, const char *comm)
{
	struct tracer_event ev = { .type = TRACER_EVENT_EXIT, .ts_ns = ts };

	ev.exit.pid = pid;
	ev.exit.ppid = ppid;
	ev.exit.exit_code = status;
	ev.exit.start_ns = start;
	ev.exit.started_before = start < epoch;
	ev.exit.lifetime_ns = ts - (start < epoch ? epoch : start);
	ev.exit.comm = comm_of(comm);
	return ev;
}

static inline struct tracer_event signal_ev(uint64_t ts, int sig, bool kernel, uint32_t sender,
					    const char *sender_comm, uint32_t target,
					    const char *target_comm)
{
	struct tracer_event ev = { .type = TRACER_EVENT_SIGNAL, .ts_ns = ts };

	ev.signal.sig = sig;
	ev.signal.kernel = kernel;
	ev.signal.code = kernel ? 1 : 0;
	ev.signal.group = true;
	ev.signal.sender_pid = sender;
	ev.signal.sender_tid = sender;
	ev.signal.sender_comm = comm_of(sender_comm);
	ev.signal.target_pid = target;
	ev.signal.target_tid = target;
	ev.signal.target_comm = comm_of(target_comm);
	ev.signal.target_watched = true;
	ev.signal.result = TRACER_SIG_DELIVERED;
	return ev;
}

static inline void add(struct tree *t, struct tracer_event ev)
{
	cr_assert_eq(tree_add(t, &ev), 0);
}

static struct tracer_bytes __attribute__((unused)) make_all[] = { BYTES("make"), BYTES("all") };
static struct tracer_bytes __attribute__((unused))
cc_a[] = { BYTES("cc"), BYTES("-c"), BYTES("a.c") };
static struct tracer_bytes __attribute__((unused)) nosuch[] = { BYTES("nosuch"), BYTES("x") };
static struct tracer_bytes __attribute__((unused)) sleep10[] = { BYTES("sleep"), BYTES("10") };
static struct tracer_bytes __attribute__((unused)) crash[] = { BYTES("./crash") };

/*
 * A small build: the root (older than tracer) runs make, which compiles
 * (after a $PATH search), runs a missing program, has a sleep killed, and a
 * program crash.
 */
static inline void build_tree(struct tree *t)
{
	uint64_t epoch = MS(500);

	tree_init(t);
	add(t, fork_ev(MS(1000), 100, 101, "sh"));
	add(t, exec_ev(MS(1100), 101, 100, 0, make_all, 2));
	add(t, fork_ev(MS(1200), 101, 102, "make"));
	add(t, exec_ev(MS(1250), 102, 101, -ENOENT, cc_a, 3));
	add(t, exec_ev(MS(1260), 102, 101, 0, cc_a, 3));
	add(t, signal_ev(MS(1499), SIGCHLD, true, 102, "cc", 101, "make"));
	add(t, exit_ev(MS(1500), 102, 101, 0, MS(1200) - 1000, epoch, "cc"));
	add(t, fork_ev(MS(1600), 101, 103, "make"));
	add(t, exec_ev(MS(1610), 103, 101, -ENOENT, nosuch, 2));
	add(t, exec_ev(MS(1620), 103, 101, -EACCES, nosuch, 2));
	add(t, exit_ev(MS(1630), 103, 101, 127 << 8, MS(1600) - 1000, epoch, "make"));
	add(t, fork_ev(MS(1700), 101, 104, "make"));
	add(t, exec_ev(MS(1710), 104, 101, 0, sleep10, 2));
	add(t, signal_ev(MS(1800), SIGTERM, false, 101, "make", 104, "sleep"));
	add(t, exit_ev(MS(1810), 104, 101, SIGTERM, MS(1700) - 1000, epoch, "sleep"));
	add(t, fork_ev(MS(1900), 101, 105, "make"));
	add(t, exec_ev(MS(1901), 105, 101, 0, crash, 1));
	add(t, signal_ev(MS(1940), SIGSEGV, true, 105, "crash", 105, "crash"));
	add(t, exit_ev(MS(1950), 105, 101, SIGSEGV | 0x80, MS(1900) - 1000, epoch, "crash"));
	add(t, exit_ev(MS(2000), 101, 100, 2 << 8, MS(1000) - 1000, epoch, "make"));
	add(t, exit_ev(MS(3000), 100, 1, 0, MS(10), epoch, "sh"));
	cr_assert_eq(tree_finish(t, MS(4000)), 0);
}

/* For the critical path (test_critpath, test_timeline). */
static struct tracer_bytes __attribute__((unused)) cp_make_j2[] = { BYTES("make"), BYTES("-j2") };
static struct tracer_bytes __attribute__((unused)) cp_sleep15[] = { BYTES("sleep"), BYTES("1.5") };
static struct tracer_bytes __attribute__((unused)) cp_sleep1[] = { BYTES("sleep"), BYTES("1") };
static struct tracer_bytes __attribute__((unused)) cp_sleep05[] = { BYTES("sleep"), BYTES("0.5") };
static struct tracer_bytes __attribute__((unused))
cp_sh_c[] = { BYTES("sh"), BYTES("-c"), BYTES("cc -c a.c && cc -c b.c") };

/* An exit with its CPU time, as tracer reads it from the kernel. */
static inline struct tracer_event cp_exit_cpu(uint64_t ts, uint32_t pid, uint32_t ppid,
					      uint64_t start, uint64_t cpu_ms)
{
	struct tracer_event ev = exit_ev(ts, pid, ppid, 0, start, 0, "x");

	ev.sz = sizeof(ev);
	ev.exit.usage_valid = true;
	ev.exit.utime_ns = MS(cpu_ms) * 3 / 4;
	ev.exit.stime_ns = MS(cpu_ms) / 4;
	return ev;
}

/* A child forked at ts, exec'ing argv, exiting at end having used cpu_ms. */
static inline void cp_child(struct tree *t, uint32_t ppid, uint32_t pid, uint64_t ts, uint64_t end,
			    struct tracer_bytes *argv, uint32_t argc, uint64_t cpu_ms)
{
	add(t, fork_ev(ts, ppid, pid, "x"));
	add(t, exec_ev(ts + MS(1), pid, ppid, 0, argv, argc));
	add(t, cp_exit_cpu(end, pid, ppid, ts - 1000, cpu_ms));
}

/*
 * make -j2 where a (1.5 s) must precede b (1 s), and c (0.5 s) runs beside a:
 * make 10, a 11, c 12, b 13.
 */
static inline void cp_make_j2_tree(struct tree *t)
{
	tree_init(t);
	add(t, exec_ev(MS(0), 10, 1, 0, cp_make_j2, 2));
	cp_child(t, 10, 11, MS(10), MS(1510), cp_sleep15, 2, 1400);
	cp_child(t, 10, 12, MS(20), MS(520), cp_sleep05, 2, 500);
	cp_child(t, 10, 13, MS(1515), MS(2515), cp_sleep1, 2, 900);
	add(t, cp_exit_cpu(MS(2520), 10, 1, MS(0), 30));
	cr_assert_eq(tree_finish(t, MS(3000)), 0);
}

#endif /* TRACER_TREE_FIXTURE_H */
