/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The processes --stop-at stopped: each held by a pidfd taken when its stop
 * event arrives (so that a pid reused later is never signalled), the
 * --on-stop command run for each, and, when tracer ends, SIGCONT for every
 * one still stopped that no debugger holds.
 *
 * --on-stop CMD runs as "/bin/sh -c CMD" with every "{pid}" replaced by the
 * stopped process's pid (and TRACER_STOP_PID set to it), as tracer's own user
 * (root) in tracer's working directory, with tracer's standard input, output
 * and error (an interactive gdb can use the terminal), default signal
 * dispositions and an empty signal mask. tracer does not wait for it: it
 * goes on reporting events, and reaps the command when it ends.
 *
 * At most max_running commands run at once (--on-stop-max, default 8): a
 * flood of matching execs must not start a flood of root shells. The other
 * stops wait in a queue, in order, each started when a slot frees (reaped at
 * a tick); a process gone meanwhile is skipped. The commands themselves are
 * never stopped (the kernel spares what tracer forks after loading, see
 * tracer_options.stop_at), so a command cannot feed the queue with itself.
 */
#ifndef TRACER_ONSTOP_H
#define TRACER_ONSTOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <tracer/tracer.h>

struct onstop_proc {
	pid_t pid;
	int pidfd;
	uint64_t held_ns; /* CLOCK_MONOTONIC when it was held */
	bool reminded; /* its "still stopped" line said */
};

/* How long a process stays stopped before tracer reminds what to do with it. */
#define ONSTOP_REMIND_NS (10 * 1000000000ull)

/* --on-stop-max: the default, and the most it may be. */
#define ONSTOP_MAX_DEFAULT 8
#define ONSTOP_MAX_LIMIT 1024

struct onstop {
	const char *cmd; /* --on-stop; NULL: none */
	unsigned int max_running; /* --on-stop-max */
	bool verbose;
	bool ending; /* tracer is ending: no more --on-stop commands */
	struct onstop_proc *procs;
	size_t n_procs, cap_procs;
	pid_t *running; /* --on-stop commands not reaped yet */
	size_t n_running, cap_running;
	pid_t *queue; /* stopped processes waiting for a slot, oldest first */
	size_t n_queue, cap_queue;
	uint64_t queued; /* stops that had to wait for a slot */
	uint64_t not_run; /* stops whose command never ran: tracer ended first */
};

/* max_running 0: ONSTOP_MAX_DEFAULT. */
void onstop_init(struct onstop *s, const char *cmd, unsigned int max_running, bool verbose);

/* A stop event: hold the process, run --on-stop. Messages (failures) go to err. */
void onstop_event(struct onstop *s, const struct tracer_stop_event *e, FILE *err);

/* Reaps the --on-stop commands that have ended (never blocks), starts queued ones. */
void onstop_reap(struct onstop *s, FILE *err);

/*
 * One line on err for each process held stopped (and by no debugger) for
 * ONSTOP_REMIND_NS at now_ns (CLOCK_MONOTONIC), once per process: a stop
 * nobody attends to is otherwise a silent hang.
 */
void onstop_remind(struct onstop *s, uint64_t now_ns, FILE *err);

/*
 * tracer ends: sends SIGCONT to every process held that is still stopped
 * ('T' in /proc/PID/stat) and not traced (TracerPid 0), says so on err, and
 * lets them all go. Returns how many were resumed.
 */
size_t onstop_resume_all(struct onstop *s, FILE *err);

void onstop_free(struct onstop *s);

/*
 * CMD with each "{pid}" replaced by pid, into buf (size bytes). Returns the
 * length, or -1 when it does not fit.
 */
int onstop_expand(const char *cmd, pid_t pid, char *buf, size_t size);

/*
 * The pieces the breakpoints of --tui hold their stops with (tui_breaks.c):
 * a pidfd for the process a stop event named (-ESRCH when its pid is
 * another process by now, or -errno); a signal through it (0 or -errno);
 * whether pid is stopped ('T') and traced by nobody (TracerPid 0).
 */
int onstop_pidfd_open(pid_t pid, uint64_t start_boottime_ns);
int onstop_pidfd_signal(int pidfd, int sig);
bool onstop_stopped_untraced(pid_t pid);

#endif /* TRACER_ONSTOP_H */
