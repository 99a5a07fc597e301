// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * tracer: the command-line front end, in the order of libbpf-bootstrap's
 * recipe: parse the options, create the library's handle (which checks what
 * they name), open the sinks (every consumer of events, sink.h), start the
 * COMMAND, load and attach, deliver events until the end, finish.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <tracer/tracer.h>
#include "hangup.h"
#include "launch.h"
#include "opts.h"
#include "walltime.h"
#include "sink.h"

/*
 * The loop blocks until the kernel has records for it, a signal comes (the
 * command's SIGCHLD in launch mode) or the last watched process is gone (the
 * kernel wakes it then too). This timer only bounds what a signal arriving
 * just before the wait would delay, and paces the sinks' ticks (the
 * service's counters): they add no wake-up of their own.
 */
#define POLL_INTERVAL_MS 1000

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void print_summary(const struct sink_ctx *ctx, struct tracer *t)
{
	uint64_t n = ctx->events_written;
	struct tracer_stats st;

	tracer_get_stats(t, &st);
	fprintf(stderr, "tracer: %llu %s, %llu lost, %llu %s watched\n", (unsigned long long)n,
		plural(n, "event", "events"), (unsigned long long)st.lost,
		(unsigned long long)st.watched_total,
		plural(st.watched_total, "process", "processes"));
	if (st.insert_fail)
		fprintf(stderr,
			"tracer: %llu processes could not be watched: state map full "
			"(%llu entries, see --max-procs)\n",
			(unsigned long long)st.insert_fail, (unsigned long long)st.proc_capacity);
	if (st.stage_fail)
		fprintf(stderr,
			"tracer: %llu execs reported without their entry details "
			"(kernel memory allocation failed)\n",
			(unsigned long long)st.stage_fail);
	if (st.excluded)
		fprintf(stderr, "tracer: %llu execs excluded\n", (unsigned long long)st.excluded);
	if (st.malformed)
		fprintf(stderr, "tracer: %llu malformed records dropped\n",
			(unsigned long long)st.malformed);
}

/* The ready line says when ts 0 was: the start, as JSON's "time" writes it. */
static void print_ready(const struct cli_opts *opts, struct tracer *t)
{
	char start[WALLTIME_ISO_LEN];
	uint64_t watched;

	walltime_iso(start, writer_time_us(0));
	/* Under --tui a line on the terminal would land in the screen: said only elsewhere. */
	if (opts->tui && isatty(STDERR_FILENO))
		return;
	if (opts->lib.system_wide) {
		fprintf(stderr, "tracer: ready: watching all processes since %s\n", start);
	} else if (!opts->command || opts->verbose) {
		watched = tracer_watched_now(t);
		fprintf(stderr, "tracer: ready: watching %llu %s since %s\n",
			(unsigned long long)watched, plural(watched, "process", "processes"),
			start);
	}
}

/* tracer ends when what it watches has ended: watching itself, it would never end. */
static bool names_itself(const struct cli_opts *opts)
{
	uint32_t self = (uint32_t)getpid();
	size_t i;

	for (i = 0; i < opts->lib.n_pids; i++) {
		if (opts->pids[i] == self) {
			fprintf(stderr,
				"tracer: --pid %u is tracer itself: it would wait for its own end\n",
				self);
			return true;
		}
	}
	return false;
}

/*
 * The library's handle, its events to the bus, and whom the files are for:
 * everything the options name is checked here, before anything starts.
 * Returns -1, or the exit status.
 */
static int create_tracer(struct cli_opts *opts, struct bus *bus, struct sink_ctx *ctx,
			 struct tracer **t)
{
	char err[512];
	int ret;

	if (names_itself(opts))
		return TRACER_EXIT_USAGE;
	ctx->start_ns = sink_now_ns();
	/* The wall-clock time of the start, once: every event's "time" counts from it. */
	writer_set_start_us(walltime_of_mono(ctx->start_ns));
	opts->lib.epoch_ns = ctx->start_ns;
	opts->lib.on_event = bus_event;
	opts->lib.ctx = bus;
	ret = tracer_create(&opts->lib, t);
	if (ret) {
		fprintf(stderr, "tracer: %s\n",
			*tracer_last_error(NULL) ? tracer_last_error(NULL) : tracer_strerror(ret));
		return ret == -ENOMEM ? TRACER_EXIT_FAILURE : TRACER_EXIT_USAGE;
	}
	ctx->t = *t;
	if (outfile_owner_from_env(&ctx->owner, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return TRACER_EXIT_FAILURE;
	}
	return -1;
}

/*
 * A COMMAND is started now, held before its first exec, on ctx->command_tty
 * when a sink gave one (--tui: the command's pane); its pid goes into
 * ctx->command_pid. Returns -1, or the exit status.
 */
static int start_command(const struct cli_opts *opts, struct sink_ctx *ctx, struct launch **launch)
{
	int ret;

	if (!opts->command) {
		install_signals();
		if (hangup_reopens(opts))
			hangup_catch();
		return -1;
	}
	ret = launch_start(opts, ctx->command_tty, launch);
	if (ret)
		return ret;
	ctx->command_pid = (pid_t)launch_pid(*launch);
	return -1;
}

/*
 * Maps, programs and links are descriptors (about 45): a low soft limit
 * makes the load fail. The COMMAND, forked already, keeps the caller's.
 */
static void raise_nofile_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/*
 * Loads, attaches and watches the scope, then the COMMAND (still held:
 * nothing of it is missed); then the sinks begin (the scope exists: files
 * may be created or truncated). Returns -1, or the exit status.
 */
static int start_tracing(const struct cli_opts *opts, struct bus *bus, struct tracer *t,
			 struct launch *launch)
{
	int ret;

	raise_nofile_limit();
	ret = tracer_start(t);
	if (ret) {
		fprintf(stderr, "tracer: %s\n",
			*tracer_last_error(t) ? tracer_last_error(t) : tracer_strerror(ret));
		/* A scope that does not exist is a usage error. */
		if (ret == -ESRCH || ret == -ENOENT || ret == -ENOTTY)
			return TRACER_EXIT_USAGE;
		return TRACER_EXIT_FAILURE;
	}
	if (launch && tracer_watch_pid(t, launch_pid(launch))) {
		fprintf(stderr, "tracer: %s\n", tracer_last_error(t));
		return TRACER_EXIT_FAILURE;
	}
	if (bus_start(bus))
		return TRACER_EXIT_FAILURE;
	print_ready(opts, t);
	return -1;
}

/*
 * The event loop: with only pids, it ends when the last watched process is
 * gone; with a COMMAND, when launch_done() says so. Returns what bus_poll()
 * last did.
 */
static int run(struct bus *bus, struct tracer *t, const struct cli_opts *opts,
	       struct launch *launch)
{
	bool open_ended = opts->lib.n_ttys || opts->lib.system_wide || opts->listen;
	int ret = 0;

	while (!stop_signal) {
		if (launch) {
			/* Once the command has exited (done as if none were left), what is left. */
			if (launch_done(launch, 0) && launch_done(launch, tracer_watched_now(t)))
				break;
			/* Ctrl-C: the processes stopped at exec go on now, to take it (sink_onstop.c). */
			if (launch_interrupted(launch)) {
				bus->ctx->interrupted = true;
				if (bus_tick(bus))
					break;
			}
		} else if (!open_ended && tracer_watched_now(t) == 0) {
			break;
		}
		ret = bus_poll(bus, t, POLL_INTERVAL_MS);
		if (ret)
			break;
	}
	return ret;
}

/* Tracing stops: the rest is delivered, the sinks finish, the run is reported. */
static int finish(struct bus *bus, struct sink_ctx *ctx, struct tracer *t, int ret)
{
	int sinks;

	/* Detach, then deliver what is still buffered; stops found now are only resumed. */
	ctx->ending = true;
	tracer_stop(t);
	sinks = bus_finish(bus);
	if (ret < 0) {
		fprintf(stderr, "tracer: reading events failed: %s\n", tracer_strerror(ret));
		return TRACER_EXIT_FAILURE;
	}
	/* Said when it happened; a closed pipe (tracer | head) ends quietly, without a summary. */
	if (ctx->write_failed && ctx->write_errno != EPIPE)
		return TRACER_EXIT_FAILURE;
	if (!ctx->write_failed)
		print_summary(ctx, t);
	return sinks ? TRACER_EXIT_FAILURE : TRACER_EXIT_OK;
}

int main(int argc, char **argv)
{
	static struct cli_opts opts;
	struct sink_ctx ctx = { .opts = &opts, .command_tty = -1 };
	struct launch *launch = NULL;
	struct tracer *t = NULL;
	struct bus bus = { 0 };
	int ret;

	/* Parse the command line, straight into the library's options. */
	ret = opts_parse(argc, argv, &opts, stdout, stderr);
	if (ret >= 0)
		return ret;
	/* Create the handle: the library checks what the options name. */
	ret = create_tracer(&opts, &bus, &ctx, &t);
	if (ret >= 0)
		goto out_destroy;
	/* Open the sinks: their files checked, none created yet. */
	ret = bus_open(&bus, sink_table, sink_table_len, &ctx);
	if (ret >= 0)
		goto out_destroy;
	/* Start the COMMAND, held before its first exec. */
	ret = start_command(&opts, &ctx, &launch);
	if (ret >= 0)
		goto out_close;
	/* Load and attach, watch the scope and the COMMAND; the sinks begin. */
	ret = start_tracing(&opts, &bus, t, launch);
	if (ret >= 0)
		goto out_close;
	if (launch)
		launch_release(launch);
	/* Deliver the events until the end; finish. */
	ret = finish(&bus, &ctx, t, run(&bus, t, &opts, launch));
out_close:
	/* Whatever happened: nothing stays frozen, every file is closed or put in place. */
	bus_close(&bus);
out_destroy:
	tracer_destroy(t);
	/* tracer's own failure first, else the command's status. */
	if (launch && ret == TRACER_EXIT_OK)
		ret = launch_finish(launch);
	else if (launch)
		launch_finish(launch);
	opts_free(&opts);
	return ret;
}
