/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Sinks: every consumer of the events is one (the writer of text, JSON or sh,
 * the tree and the timeline, the compilation database, the service's store,
 * --on-stop), behind one small table of operations, and the bus calls each
 * in turn. A new consumer is a new sink in the table of sinks.c: main()
 * does not change.
 *
 * A run, as main() drives it:
 *	bus_open()    each sink opens from the options, or says it is not
 *	              wanted; nothing is loaded or started yet, no file created
 *	              (a sink checks its files, takes its descriptors, binds its
 *	              sockets): bad input stops the run here
 *	bus_start()   the scope exists (tracer_start() succeeded) and a COMMAND
 *	              is forked but held: files are created, threads started
 *	bus_event()   every event, in the order the kernel wrote them, to every
 *	              sink in the table's order (the library's callback)
 *	bus_tick()    after each wait for events (bus_poll()): at most once a
 *	              second when nothing happens, never on a timer of its own
 *	bus_reopen()  after a wait for events, when a SIGHUP asked for the
 *	              output files to be reopened (hangup.h)
 *	bus_finish()  tracing has stopped and the rest was delivered: the
 *	              pictures are drawn, the files put in place
 *	bus_close()   always, on every way out: everything let go
 *
 * Sinks share what the run knows through struct sink_ctx, which they get at
 * open and may keep.
 */
#ifndef TRACER_SINK_H
#define TRACER_SINK_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>
#include <tracer/tracer.h>
#include "filter.h"
#include "opts.h"
#include "outfile.h"

/*
 * What the run knows, shared by every sink. main() fills the settings before
 * bus_open(); the sinks fill the rest. Shared per-process knowledge (the
 * parent's cwd, uid and standard fds, so that a line shows only what
 * differs; the tree, for a summary) belongs here too, made once for all the
 * sinks that want it.
 */
struct sink_ctx {
	const struct cli_opts *opts;
	struct outfile_owner owner; /* who the files are written for */
	uint64_t start_ns; /* CLOCK_MONOTONIC at start: events' ts count from it */
	struct tracer *t; /* the library's handle (its counters), from bus_open() on */
	bool ending; /* tracing has stopped: what comes now is the last drain */
	/* Ctrl-C (or Ctrl-\) on the terminal while a COMMAND runs: nothing may stay stopped */
	bool interrupted;
	/* The events written (counted even with --quiet): the summary line, the exit status */
	uint64_t events_written;
	/*
	 * A terminal the COMMAND gets as its standard descriptors and controlling
	 * terminal instead of tracer's (--tui: the command's pane), or -1.
	 */
	int command_tty;
	/*
	 * The COMMAND's pid once it is forked (from bus_start() on), else 0: the
	 * sink that gave command_tty lets its copy go then (tui_term_child_started()).
	 */
	pid_t command_pid;
	bool write_failed; /* the output failed: said at once, the run ends */
	int write_errno;
};

/* CLOCK_MONOTONIC in ns, the clock of the events' ts_ns. */
static inline uint64_t sink_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A sink's state: size bytes, zeroed; NULL when out of memory (said on standard error). */
void *sink_state_new(size_t size);

/* Seconds since start for ev (0 for an event from before). */
double sink_ts(const struct sink_ctx *ctx, const struct tracer_event *ev);

/* sink_ops.open's answers besides 0 (opened). */
enum {
	SINK_NOT_WANTED = 1, /* its option is absent: nothing else is called */
	SINK_FAILED = -1, /* said on standard error: tracer exits 1 */
	SINK_USAGE = -2, /* said on standard error: a usage error, tracer exits 2 */
};

/* sink_ops.event's and tick's answer when tracing must end (the output failed). */
#define SINK_STOP 1

/* A sink's operations: any but open and close may be NULL. */
struct sink_ops {
	const char *name;
	/*
	 * From the options in ctx: 0 with *state set, SINK_NOT_WANTED, or
	 * SINK_FAILED / SINK_USAGE with the reason said (and nothing left
	 * open). Nothing may be created or started yet.
	 */
	int (*open)(struct sink_ctx *ctx, void **state);
	/* The run begins: create the files, start the threads. 0, or -1 (said). */
	int (*start)(void *state);
	/* One event (strings valid until it returns). 0, or SINK_STOP. */
	int (*event)(void *state, const struct tracer_event *ev);
	/* After each wait for events. 0, or SINK_STOP. */
	int (*tick)(void *state);
	/* The run is over, every event delivered. 0, or -1 (said): tracer exits 1. */
	int (*finish)(void *state);
	/* Let everything go; called once, whatever happened before. */
	void (*close)(void *state);
	/*
	 * SIGHUP: the files written by name are opened again (a rotated log
	 * gets a new file), what was written before flushed to the old one.
	 * 0, or -1 (said: the sink keeps writing where it did).
	 */
	int (*reopen)(void *state);
	/*
	 * What the sink needs waited for beside the events (a terminal's
	 * keys): at most max descriptors in fds (fd and events set), and
	 * *timeout_ms lowered when something is due sooner (a frame to draw).
	 * Returns how many. Its tick follows the wait, whatever ended it.
	 */
	int (*wait_fds)(void *state, struct pollfd *fds, int max, int *timeout_ms);
};

#define BUS_MAX_SINKS 16

struct bus {
	struct sink_ctx *ctx;
	size_t n; /* the sinks opened, in the table's order */
	struct {
		const struct sink_ops *ops;
		void *state;
	} sinks[BUS_MAX_SINKS];
	bool finished;
	struct ev_filter filter; /* before every sink: --failed, --match */
};

/* The sinks (sink_*.c), and the sinks of a run, in order (sinks.c). */
extern const struct sink_ops summary_sink; /* --summary, --summary-json (sink_summary.c) */
extern const struct sink_ops writer_sink, lifecycle_sink, service_sink, onstop_sink, cdb_sink,
	limits_sink;
extern const struct sink_ops journal_sink; /* --journal (sink_journal.c) */
extern const struct sink_ops tui_sink; /* --tui (sink_tui.c) */
extern const struct sink_ops *const sink_table[];
extern const size_t sink_table_len;

/*
 * Opens each sink of table in order; the not wanted are left out. Returns
 * -1 when all went well, else the exit status (TRACER_EXIT_FAILURE or
 * TRACER_EXIT_USAGE), the sinks opened before closed again.
 */
int bus_open(struct bus *b, const struct sink_ops *const *table, size_t n, struct sink_ctx *ctx);
/* Starts every sink: 0, or -1 at the first that failed (said). */
int bus_start(struct bus *b);
/*
 * A tracer_event_fn: every sink gets ev, unless the filter stage keeps it
 * back; 1 (stop) when one of them said SINK_STOP.
 */
int bus_event(void *bus, const struct tracer_event *ev);
/* Every sink's tick: 1 (stop) when one said SINK_STOP. */
int bus_tick(struct bus *b);
/*
 * One turn of the event loop: waits up to timeout_ms for events and delivers
 * them (tracer_poll()), then every sink's tick, and its reopen after a
 * SIGHUP that asked for it (hangup.h). Returns what tracer_poll()
 * returned, or 1 when a sink asked to stop. When a sink has descriptors to
 * wait for besides the events (sink_ops.wait_fds: a terminal's keys), the
 * wait is one poll(2) on them and tracer_fd(), then tracer_consume(): the
 * ring is drained at once, and nothing wakes when nothing happens.
 */
int bus_poll(struct bus *b, struct tracer *t, int timeout_ms);
/* Every sink's reopen (a SIGHUP, hangup.h): 0, or -1 when one failed (said). */
int bus_reopen(struct bus *b);
/* Every sink's finish, once: 0, or -1 when one failed (each said why). */
int bus_finish(struct bus *b);
/* Closes every sink, the last opened first; a second call does nothing. */
void bus_close(struct bus *b);

#endif /* TRACER_SINK_H */
