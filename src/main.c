// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* tracer: the command-line front end. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>
#include "tracer.h"
#include "core.h"
#include "evlist.h"
#include "format.h"
#include "launch.h"
#include "lifecycle.h"
#include "opts.h"
#include "sysinfo.h"
#include "ttyname.h"

/* How often the reader drains the ring buffer when the kernel does not wake it. */
#define POLL_INTERVAL_MS 20

struct app {
	FILE *out;
	bool json;
	uint64_t start_ns;
	uint64_t events; /* events written */
	bool write_failed;
	uint32_t printed; /* event kinds printed (--events) */
	struct lifecycle *lc; /* --tree, --timeline; NULL without them */
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static double rel_seconds(const struct app *app, uint64_t ts_ns)
{
	return ts_ns > app->start_ns ? (double)(ts_ns - app->start_ns) / 1e9 : 0.0;
}

static int on_event(void *ctx, const struct tracer_event *ev)
{
	struct app *app = ctx;
	double ts = rel_seconds(app, ev->ts_ns);
	int ret;

	lifecycle_add(app->lc, ev);
	if (!(app->printed & TRACER_EVENT_BIT(ev->type)))
		return 0;
	ret = format_event(app->out, app->json, ts, ev);
	if (ret)
		app->write_failed = true;
	else
		app->events++;
	return ret ? 1 : 0;
}

static int on_lost(void *ctx, uint64_t ts_ns, uint64_t count, uint32_t cpu)
{
	struct app *app = ctx;
	double ts = rel_seconds(app, ts_ns);
	int ret;

	if (app->json)
		ret = format_lost_json(app->out, ts, count, cpu);
	else
		ret = format_lost_text(app->out, ts, count, cpu);
	if (ret)
		app->write_failed = true;
	return ret ? 1 : 0;
}

/* Terminal names to device numbers; a usage error names the bad one. */
static int resolve_ttys(const struct tracer_opts *opts, uint32_t *devs)
{
	size_t i;
	int ret;

	for (i = 0; i < opts->n_ttys; i++) {
		ret = tty_resolve(opts->ttys[i], &devs[i]);
		if (ret == 0)
			continue;
		if (ret == -ENOENT)
			fprintf(stderr, "tracer: no such terminal: %s\n", opts->ttys[i]);
		else if (ret == -ENOTTY)
			fprintf(stderr, "tracer: not a terminal: %s\n", opts->ttys[i]);
		else if (ret == -EINVAL)
			fprintf(stderr, "tracer: invalid terminal name '%s'\n", opts->ttys[i]);
		else
			fprintf(stderr, "tracer: cannot use terminal %s: %s\n", opts->ttys[i],
				strerror(-ret));
		return -1;
	}
	return 0;
}

/* Pids to their processes (a thread id names its process); a missing one is a usage error. */
static int resolve_pids(struct tracer_opts *opts, int verbose)
{
	size_t i, j, n = 0;
	uint32_t tgid;

	for (i = 0; i < opts->n_pids; i++) {
		if (sys_pid_tgid(opts->pids[i], &tgid)) {
			fprintf(stderr, "tracer: no such process: %u\n", opts->pids[i]);
			return -1;
		}
		if (tgid != opts->pids[i] && verbose)
			fprintf(stderr, "tracer: %u is a thread of process %u: watching %u\n",
				opts->pids[i], tgid, tgid);
		for (j = 0; j < n; j++)
			if (opts->pids[j] == tgid)
				break;
		if (j == n)
			opts->pids[n++] = tgid;
	}
	opts->n_pids = n;
	return 0;
}

static FILE *open_output(const char *path)
{
	FILE *f;
	int fd;

	/* Arguments can hold secrets: the file is the user's alone. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
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

static void print_summary(const struct app *app, struct tracer_core *core)
{
	struct tracer_core_stats st;

	tracer_core_get_stats(core, &st);
	fprintf(stderr, "tracer: %llu %s, %llu lost, %llu %s watched\n",
		(unsigned long long)app->events, plural(app->events, "event", "events"),
		(unsigned long long)st.lost, (unsigned long long)st.watched_total,
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
	if (st.malformed)
		fprintf(stderr, "tracer: %llu malformed records dropped\n",
			(unsigned long long)st.malformed);
}

int main(int argc, char **argv)
{
	static struct tracer_opts opts;
	uint32_t tty_devs[TRACER_MAX_TTYS];
	uint32_t roots[TRACER_MAX_ROOTS + 1]; /* + 1: the launched COMMAND */
	bool found_roots[TRACER_MAX_ROOTS + 1];
	struct launch *launch = NULL;
	size_t n_roots;
	struct tracer_core_config cfg = {};
	struct tracer_core_callbacks cb = {};
	struct app app = {};
	struct tracer_core *core = NULL;
	char err[256] = "";
	bool any_root = false, lifecycle_failed = false;
	uint64_t watched;
	size_t i;
	int ret;

	ret = opts_parse(argc, argv, &opts, stdout, stderr);
	if (ret >= 0)
		return ret;

	/* Everything the user named must exist before anything is attached. */
	if (resolve_ttys(&opts, tty_devs) || resolve_pids(&opts, opts.verbose))
		return TRACER_EXIT_USAGE;

	if (sys_check_privileges()) {
		fprintf(stderr, "tracer: permission denied: run as root (CAP_BPF and CAP_PERFMON "
				"are needed)\n");
		return TRACER_EXIT_FAILURE;
	}
	if (sys_check_btf()) {
		fprintf(stderr, "tracer: kernel BTF not found at /sys/kernel/btf/vmlinux: a kernel "
				"built with CONFIG_DEBUG_INFO_BTF is needed\n");
		return TRACER_EXIT_FAILURE;
	}
	if (sys_ensure_tracefs(err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return TRACER_EXIT_FAILURE;
	}

	app.json = opts.json;
	app.printed = opts.events;
	app.out = stdout;
	if (opts.output) {
		app.out = open_output(opts.output);
		if (!app.out) {
			fprintf(stderr, "tracer: cannot open %s: %s\n", opts.output,
				strerror(errno));
			return TRACER_EXIT_FAILURE;
		}
	} else if (opts.command) {
		/* Standard output is the command's. */
		app.out = launch_open_stderr();
		if (!app.out) {
			fprintf(stderr, "tracer: %s\n", strerror(errno));
			return TRACER_EXIT_FAILURE;
		}
	}
	if (lifecycle_open(&opts, &app.lc, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		ret = TRACER_EXIT_FAILURE;
		goto out_close_output;
	}
	app.start_ns = now_ns();
	if (opts.command) {
		/* Started now, held before its first exec until it is watched. */
		ret = launch_start(&opts, &launch);
		if (ret)
			goto out_close_output;
	} else {
		install_signals();
	}

	cfg.ttys = tty_devs;
	cfg.n_ttys = opts.n_ttys;
	cfg.watch_children = opts.watch_children;
	cfg.max_args = opts.max_args;
	cfg.max_arg_bytes = opts.max_arg_bytes;
	cfg.ringbuf_bytes = opts.ringbuf_bytes;
	cfg.max_procs = opts.max_procs;
	cfg.verbose = opts.verbose > 0;
	cfg.events = evlist_kernel_mask(opts.events, opts.tree, opts.timeline != NULL);
	cfg.epoch_ns = app.start_ns;
	cb.on_event = on_event;
	cb.on_lost = on_lost;
	cb.ctx = &app;

	ret = tracer_core_open(&cfg, &cb, &core, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "tracer: %s\n", err);
		ret = TRACER_EXIT_FAILURE;
		goto out_close_core;
	}
	memcpy(roots, opts.pids, opts.n_pids * sizeof(*roots));
	n_roots = opts.n_pids;
	if (launch)
		roots[n_roots++] = launch_pid(launch);
	ret = tracer_core_seed(core, roots, n_roots, found_roots, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "tracer: %s\n", err);
		ret = TRACER_EXIT_FAILURE;
		goto out_close_core;
	}
	for (i = 0; i < n_roots; i++)
		any_root |= found_roots[i];
	if (opts.n_pids && !opts.n_ttys && !any_root) {
		/* Every process named exited while tracer was starting. */
		fprintf(stderr, "tracer: no such process: %u\n", opts.pids[0]);
		ret = TRACER_EXIT_USAGE;
		goto out_close_core;
	}
	watched = tracer_core_watched_now(core);
	if (!launch || opts.verbose)
		fprintf(stderr, "tracer: ready: watching %llu %s\n", (unsigned long long)watched,
			plural(watched, "process", "processes"));
	if (launch)
		launch_release(launch);

	/*
	 * Main loop: with only pids, it ends when the last watched process is
	 * gone; with a COMMAND, when launch_done() says so.
	 */
	ret = 0;
	while (!stop_signal) {
		ret = tracer_core_poll(core, POLL_INTERVAL_MS);
		if (ret)
			break;
		if (fflush(app.out)) {
			app.write_failed = true;
			break;
		}
		if (launch) {
			if (launch_done(launch, tracer_core_watched_now(core)))
				break;
		} else if (!opts.n_ttys && tracer_core_watched_now(core) == 0) {
			break;
		}
	}

	/* Detach, then deliver what is still buffered */
	tracer_core_detach(core);
	if (!app.write_failed && ret >= 0)
		tracer_core_drain(core);
	if (fflush(app.out))
		app.write_failed = true;
	if (lifecycle_finish(app.lc, now_ns(), app.start_ns, stderr, isatty(STDERR_FILENO), err,
			     sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		lifecycle_failed = true;
	}
	if (ret < 0) {
		fprintf(stderr, "tracer: reading events failed: %s\n", strerror(-ret));
		ret = TRACER_EXIT_FAILURE;
	} else if (app.write_failed && errno != EPIPE) {
		fprintf(stderr, "tracer: writing events failed: %s\n", strerror(errno));
		ret = TRACER_EXIT_FAILURE;
	} else {
		/* A closed pipe (tracer | head) ends quietly. */
		if (!app.write_failed)
			print_summary(&app, core);
		ret = lifecycle_failed ? TRACER_EXIT_FAILURE : TRACER_EXIT_OK;
	}
out_close_core:
	tracer_core_close(core);
	if (launch) {
		/* tracer's own failure first, else the command's status. */
		if (ret == TRACER_EXIT_OK)
			ret = launch_finish(launch);
		else
			launch_finish(launch);
	}
out_close_output:
	lifecycle_close(app.lc);
	if (app.out != stdout)
		fclose(app.out);
	return ret;
}
