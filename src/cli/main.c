// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* tracer: the command-line front end. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tracer/tracer.h>
#include "cdbfile.h"
#include "envdiff.h"
#include "evlist.h"
#include "writer.h"
#include "launch.h"
#include "lifecycle.h"
#include "onstop.h"
#include "opts.h"
#include "outfile.h"
#include "sysinfo.h"
#include "unixlisten.h"
#ifdef TRACER_WITH_SERVICE
#include "service.h"
#include "store.h"
#include "token.h"
#endif

/*
 * The loop blocks until the kernel has records for it, a signal comes (the
 * command's SIGCHLD in launch mode) or the last watched process is gone (the
 * kernel wakes it then too). This timer only bounds what a signal arriving
 * just before the wait would delay, and refreshes the service's counters.
 */
#define POLL_INTERVAL_MS 1000

/* The output's buffer: what a drain writes, in one write() mostly. */
#define OUT_BUF_BYTES (64 * 1024)

struct app {
	FILE *out;
	enum format_kind format;
	struct envdiff *env; /* text with --env: the environments the changes are shown against */
	uint64_t start_ns;
	uint64_t events; /* events written */
	bool write_failed;
	int write_errno; /* errno of the failed write, kept before anything overwrites it */
	off_t out_start; /* where tracer's output begins in a regular file; -1: not one */
	bool launched; /* tracer runs a COMMAND, which goes on when tracing stops */
	uint32_t printed; /* event kinds printed (--events) */
	struct lifecycle *lc; /* --tree, --timeline; NULL without them */
	/* Service mode (--listen): the execs kept for the API */
	struct store *store;
	struct service *svc;
	char *listen_token; /* --listen-token-file, until the service has its copy */
	bool quiet;
	uint64_t store_failed;
	/* The files tracer writes, and who for (see outfile.h) */
	struct outfile_owner owner;
	int output_fd; /* --output-fd, taken over (close-on-exec); -1: none */
	struct outfile_tmp timeline; /* --timeline, renamed into place at the end */
	bool timeline_open;
	struct unixlisten unix_listen; /* --listen unix:PATH */
	struct onstop stops; /* --stop-at's stopped processes, --on-stop */
	struct cdbfile cdb; /* --compile-db */
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static double rel_seconds(const struct app *app, uint64_t ts_ns)
{
	return ts_ns > app->start_ns ? (double)(ts_ns - app->start_ns) / 1e9 : 0.0;
}

/* Where the output begins: a regular file's size when appended to, else its offset. */
static void note_out_start(struct app *app)
{
	int fd = fileno(app->out);
	struct stat st;
	int fl;

	app->out_start = -1;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode))
		return;
	fl = fcntl(fd, F_GETFL);
	app->out_start = lseek(fd, 0, fl >= 0 && (fl & O_APPEND) ? SEEK_END : SEEK_CUR);
}

/*
 * Cuts the output file back to the end of its last whole line: a full disk
 * can have taken the first part of a line. Read through a descriptor of its
 * own (the output's is write-only); nothing before out_start is touched.
 */
static void cut_to_last_line(struct app *app)
{
	char path[64], buf[4096];
	off_t pos, from;
	struct stat st;
	ssize_t n, i;
	int fd, rfd;

	fd = fileno(app->out);
	if (app->out_start < 0 || fd < 0 || fstat(fd, &st) || st.st_size <= app->out_start)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rfd = open(path, O_RDONLY | O_CLOEXEC);
	if (rfd < 0)
		return;
	for (pos = st.st_size; pos > app->out_start; pos = from) {
		from = pos - app->out_start > (off_t)sizeof(buf) ? pos - (off_t)sizeof(buf) :
								   app->out_start;
		n = pread(rfd, buf, (size_t)(pos - from), from);
		if (n != pos - from)
			goto out_close;
		for (i = n; i > 0 && buf[i - 1] != '\n'; i--)
			;
		if (i > 0) {
			pos = from + i;
			break;
		}
	}
	if (pos < st.st_size && ftruncate(fd, pos)) {
		/* The half line stays: nothing else to do about it. */
	}
out_close:
	close(rfd);
}

/*
 * Writing the events failed (a full disk, a closed pipe): tracing stops.
 * Said once, at once (a closed pipe, tracer | head, quietly); the output
 * ends with its last whole line: what the stream still holds is dropped,
 * a regular file is cut back. tracer exits non-zero at the end (finish()).
 */
static void write_failure(struct app *app)
{
	if (app->write_failed)
		return;
	app->write_errno = errno;
	app->write_failed = true;
	__fpurge(app->out);
	cut_to_last_line(app);
	if (app->write_errno == EPIPE)
		return;
	if (app->launched)
		fprintf(stderr,
			"tracer: writing events failed: %s: tracing stopped, the command goes on untraced\n",
			strerror(app->write_errno));
	else
		fprintf(stderr, "tracer: writing events failed: %s: tracing stopped\n",
			strerror(app->write_errno));
}

#ifdef TRACER_WITH_SERVICE
/* The exec, kept as data for the API. */
static void store_exec(struct app *app, const struct tracer_event *ev)
{
	if (store_add(app->store, rel_seconds(app, ev->ts_ns), ev))
		app->store_failed++;
}
#endif

/*
 * --stop-at: a process stopped at its exec. Always printed (whatever
 * --events says, even with --quiet: someone must know it waits), then held
 * and handed to --on-stop.
 */
static int on_stop_event(struct app *app, const struct tracer_event *ev)
{
	int ret = 0;

	if (!app->write_failed) {
		ret = writer_write(writer_of(app->format), app->out, NULL,
				   rel_seconds(app, ev->ts_ns), ev);
		if (ret || fflush(app->out))
			write_failure(app);
		else
			app->events++;
	}
	onstop_event(&app->stops, &ev->stop, stderr);
	return 0;
}

static int on_event(void *ctx, const struct tracer_event *ev)
{
	struct app *app = ctx;
	int ret;

#ifdef TRACER_WITH_SERVICE
	if (app->store && ev->type == TRACER_EVENT_EXEC)
		store_exec(app, ev);
#endif
	cdbfile_event(&app->cdb, ev);
	if (ev->type == TRACER_EVENT_STOP)
		return on_stop_event(app, ev);
	if (app->quiet) {
		if (ev->type != TRACER_EVENT_LOST) {
			lifecycle_add(app->lc, ev);
			if (app->printed & TRACER_EVENT_BIT(ev->type))
				app->events++;
		}
		return 0;
	}

	if (app->write_failed)
		return 1;
	if (ev->type == TRACER_EVENT_LOST) {
		ret = writer_write(writer_of(app->format), app->out, NULL,
				   rel_seconds(app, ev->ts_ns), ev);
	} else {
		lifecycle_add(app->lc, ev);
		/* Asked for even when not printed: an exited process's environment is dropped. */
		if (ev->type == TRACER_EVENT_EXIT)
			envdiff_forget(app->env, ev->exit.pid);
		if (!(app->printed & TRACER_EVENT_BIT(ev->type)))
			return 0;
		ret = writer_write(writer_of(app->format), app->out, app->env,
				   rel_seconds(app, ev->ts_ns), ev);
		if (!ret)
			app->events++;
	}
	if (ret)
		write_failure(app);
	return ret ? 1 : 0;
}

#ifdef TRACER_WITH_SERVICE
/* The counters /metrics shows, from the event loop's thread (the handle's). */
static void publish_stats(struct app *app, struct tracer *t)
{
	struct service_stats ss;
	struct tracer_stats st;

	if (!app->svc || tracer_get_stats(t, &st))
		return;
	ss.events = st.events;
	ss.lost = st.lost;
	ss.excluded = st.excluded;
	ss.watched_now = st.watched_now;
	ss.watched_total = st.watched_total;
	ss.proc_capacity = st.proc_capacity;
	service_set_stats(app->svc, &ss);
}

/* --listen unix:PATH: a socket only the invoking user (or --listen-group) can connect to. */
static int start_unix_service(struct app *app, const struct tracer_opts *opts, const char *token)
{
	gid_t group = opts->listen_group;
	char err[512];
	int ret, fd;

	ret = unixlisten_open(&app->unix_listen, opts->listen_unix, &app->owner,
			      opts->listen_group_set ? &group : NULL, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "tracer: %s\n", err);
		return ret;
	}
	/* libmicrohttpd closes its own copy. */
	fd = fcntl(app->unix_listen.fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0) {
		fprintf(stderr, "tracer: %s\n", strerror(errno));
		return -errno;
	}
	ret = service_start_fd(app->store, fd, token, &app->svc, err, sizeof(err));
	if (ret) {
		close(fd);
		fprintf(stderr, "tracer: %s\n", err);
	}
	return ret;
}

/* --listen: the store and the HTTP server, started before anything is loaded. */
static int start_service(struct app *app, const struct tracer_opts *opts)
{
	const char *token = app->listen_token;
	char err[512];
	int ret;

	app->quiet = app->quiet || opts->quiet;
	ret = service_load(err, sizeof(err));
	if (ret) {
		fprintf(stderr, "tracer: %s\n", err);
		return ret;
	}
	app->store = store_new(opts->store_size, opts->store_bytes);
	if (!app->store) {
		fprintf(stderr, "tracer: out of memory\n");
		return -ENOMEM;
	}
	if (opts->listen_unix)
		return start_unix_service(app, opts, token);
	if (opts->listen_addr >> 24 != 127)
		fprintf(stderr,
			"tracer: warning: --listen on an address other than loopback: whoever can reach it reads every user's command lines; prefer unix:PATH\n");
	ret = service_start(app->store, opts->listen_addr, opts->listen_port, token, &app->svc, err,
			    sizeof(err));
	if (ret)
		fprintf(stderr, "tracer: %s\n", err);
	return ret;
}

/* --listen-token-file, read and checked with the other files, before anything is opened. */
static int load_token(struct app *app, const struct tracer_opts *opts)
{
	char err[512];

	if (!opts->listen_token_file || !token_load(opts->listen_token_file, app->owner.uid,
						    &app->listen_token, err, sizeof(err)))
		return 0;
	fprintf(stderr, "tracer: %s\n", err);
	return -1;
}

static void stop_service(struct app *app)
{
	service_stop(app->svc);
	free(app->listen_token);
	unixlisten_close(&app->unix_listen);
	store_free(app->store);
}
#else
static void publish_stats(struct app *app, struct tracer *t)
{
	(void)app;
	(void)t;
}

static int start_service(struct app *app, const struct tracer_opts *opts)
{
	(void)app;
	(void)opts;
	return -ENOTSUP;
}

static void stop_service(struct app *app)
{
	(void)app;
}

static int load_token(struct app *app, const struct tracer_opts *opts)
{
	(void)app;
	(void)opts;
	return 0;
}
#endif

static uint64_t watched_now(struct tracer *t)
{
	struct tracer_stats st;

	if (tracer_get_stats(t, &st))
		return 0;
	return st.watched_now;
}

/* What a failed start means for the exit status: a scope that does not exist is a usage error. */
static int start_failure(struct tracer *t, int err)
{
	const char *why = tracer_last_error(t);

	fprintf(stderr, "tracer: %s\n", why[0] ? why : tracer_strerror(err));
	if (err == -ESRCH || err == -ENOENT || err == -ENOTTY)
		return TRACER_EXIT_USAGE;
	return TRACER_EXIT_FAILURE;
}

/* A stream on fd, which it owns; NULL (fd closed) on failure. */
static FILE *stream_of(int fd)
{
	FILE *f = fdopen(fd, "w");

	if (!f)
		close(fd);
	return f;
}

/*
 * --output-fd N: a descriptor the caller opened for writing. tracer takes it
 * over (close-on-exec, N closed), so that a COMMAND cannot write to it.
 */
static int take_output_fd(struct app *app, int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0) {
		fprintf(stderr, "tracer: --output-fd %d: not an open descriptor\n", fd);
		return -EBADF;
	}
	if ((fl & O_ACCMODE) == O_RDONLY) {
		fprintf(stderr, "tracer: --output-fd %d: not open for writing\n", fd);
		return -EBADF;
	}
	app->output_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (app->output_fd < 0) {
		fprintf(stderr, "tracer: --output-fd %d: %s\n", fd, strerror(errno));
		return -errno;
	}
	close(fd);
	return 0;
}

/*
 * Before anything is opened, created, truncated or attached: the output
 * files are checked (another user's symlink, file or FIFO is refused, see
 * outfile.h) and -o and --timeline must be different files. Returns -1, or
 * the exit status.
 */
static int check_outputs(struct app *app, const struct tracer_opts *opts)
{
	char err[512];
	int ret;

	app->output_fd = -1;
	if (outfile_owner_from_env(&app->owner, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return TRACER_EXIT_FAILURE;
	}
	if (opts->output && opts->timeline) {
		ret = outfile_same(opts->output, opts->timeline);
		if (ret) {
			if (ret > 0)
				fprintf(stderr, "tracer: -o and --timeline name the same file\n");
			else
				fprintf(stderr, "tracer: %s: %s\n", opts->output, strerror(-ret));
			return ret > 0 ? TRACER_EXIT_USAGE : TRACER_EXIT_FAILURE;
		}
	}
	if (opts->output &&
	    outfile_check(opts->output, &app->owner, OUTFILE_ALLOW_SPECIAL, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return TRACER_EXIT_FAILURE;
	}
	if (opts->timeline && outfile_check(opts->timeline, &app->owner, 0, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return TRACER_EXIT_FAILURE;
	}
	if (opts->output_fd && take_output_fd(app, opts->output_fd))
		return TRACER_EXIT_FAILURE;
	if (load_token(app, opts))
		return TRACER_EXIT_FAILURE;
	return cdbfile_open(&app->cdb, opts, &app->owner);
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

static void print_summary(const struct app *app, struct tracer *t)
{
	struct tracer_stats st;

	tracer_get_stats(t, &st);
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
	if (st.excluded)
		fprintf(stderr, "tracer: %llu execs excluded\n", (unsigned long long)st.excluded);
	if (st.malformed)
		fprintf(stderr, "tracer: %llu malformed records dropped\n",
			(unsigned long long)st.malformed);
}

/*
 * Where the events go: --output, --output-fd, standard error with a COMMAND,
 * else standard output. And the --timeline file. Opened once the scope is
 * known to exist: a wrong --pid leaves an existing file as it was.
 */
static int open_outputs(struct app *app, const struct tracer_opts *opts)
{
	bool batched = true;
	char err[512];
	FILE *tl = NULL;
	int fd;

	if (opts->output) {
		fd = outfile_open(opts->output, &app->owner, OUTFILE_ALLOW_SPECIAL, err,
				  sizeof(err));
		if (fd < 0) {
			fprintf(stderr, "tracer: %s\n", err);
			return -1;
		}
		app->out = stream_of(fd);
	} else if (app->output_fd >= 0) {
		app->out = stream_of(app->output_fd);
		app->output_fd = -1;
	} else if (opts->command) {
		/* Standard output is the command's. */
		app->out = launch_open_stderr();
		batched = false;
	} else {
		app->out = stdout;
	}
	if (!app->out) {
		app->out = stdout;
		fprintf(stderr, "tracer: %s\n", strerror(errno));
		return -1;
	}
	/*
	 * A write per drain, not per line or per 4 KiB: run() flushes after
	 * each one. Standard error, a COMMAND's, stays line-buffered.
	 */
	if (batched)
		setvbuf(app->out, NULL, _IOFBF, OUT_BUF_BYTES);
	note_out_start(app);
	app->launched = opts->command != NULL;
	if (opts->timeline) {
		if (outfile_open_tmp(opts->timeline, &app->owner, 0600, &app->timeline, err,
				     sizeof(err))) {
			fprintf(stderr, "tracer: %s\n", err);
			return -1;
		}
		app->timeline_open = true;
		fd = dup(app->timeline.fd);
		tl = fd < 0 ? NULL : stream_of(fd);
		if (!tl) {
			fprintf(stderr, "tracer: %s: %s\n", opts->timeline, strerror(errno));
			return -1;
		}
	}
	if (lifecycle_open(&(struct lifecycle_config){ .tree = opts->tree,
						       .timeline = tl,
						       .timeline_name = opts->timeline },
			   &app->lc, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return -1;
	}
	return 0;
}

/* The timeline replaces the file of that name only when it is whole. */
static int close_timeline(struct app *app, bool complete)
{
	char err[512];

	if (!app->timeline_open)
		return 0;
	app->timeline_open = false;
	if (!complete) {
		outfile_abort(&app->timeline);
		return 0;
	}
	if (outfile_commit(&app->timeline, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return -1;
	}
	return 0;
}

/* The library's options from the command line's; roots holds the pids and the COMMAND's. */
static void library_options(const struct tracer_opts *opts, struct app *app, uint32_t *roots,
			    const struct launch *launch, struct tracer_options *topts)
{
	memcpy(roots, opts->pids, opts->n_pids * sizeof(*roots));
	tracer_options_init(topts);
	topts->pids = roots;
	topts->n_pids = opts->n_pids;
	if (launch)
		roots[topts->n_pids++] = launch_pid(launch);
	topts->ttys = (const char *const *)opts->ttys;
	topts->n_ttys = opts->n_ttys;
	topts->watch_children = opts->watch_children;
	topts->system_wide = opts->all;
	topts->exclude_paths = (const char *const *)opts->exclude.paths;
	topts->n_exclude_paths = opts->exclude.n_paths;
	topts->exclude_comms = (const char *const *)opts->exclude.comms;
	topts->n_exclude_comms = opts->exclude.n_comms;
	topts->exclude_callers = (const char *const *)opts->exclude.callers;
	topts->n_exclude_callers = opts->exclude.n_callers;
	topts->max_args = opts->max_args;
	topts->max_arg_bytes = opts->max_arg_bytes;
	topts->ringbuf_bytes = opts->ringbuf_bytes;
	topts->max_procs = opts->max_procs;
	topts->verbose = opts->verbose > 0;
	topts->events = evlist_kernel_mask(opts->events, opts->tree, opts->timeline != NULL);
	/* The text format's environment changes: remembered until the process exits. */
	if (app->env)
		topts->events |= TRACER_EVENT_BIT(TRACER_EVENT_EXIT);
	/* The compilation database follows the process tree: what a compile runs is its own. */
	if (opts->compile_db)
		topts->events |= TRACER_EVENT_BIT(TRACER_EVENT_FORK) |
				 TRACER_EVENT_BIT(TRACER_EVENT_EXIT);
	topts->capture_env = opts->capture_env;
	topts->keep_secrets = opts->keep_secrets;
	topts->epoch_ns = app->start_ns;
	topts->on_event = on_event;
	topts->ctx = app;
	topts->stop_at = opts->stop_at;
	topts->n_stop_at = opts->n_stop_at;
}

static void print_ready(const struct tracer_opts *opts, const struct launch *launch,
			uint64_t watched)
{
	if (opts->all)
		fprintf(stderr, "tracer: ready: watching all processes\n");
	else if (!launch || opts->verbose)
		fprintf(stderr, "tracer: ready: watching %llu %s\n", (unsigned long long)watched,
			plural(watched, "process", "processes"));
}

/*
 * Main loop: with only pids, it ends when the last watched process is gone;
 * with a COMMAND, when launch_done() says so. Returns what tracer_poll() last did.
 */
static int run(struct app *app, struct tracer *t, const struct tracer_opts *opts,
	       struct launch *launch)
{
	int ret = 0;

	while (!stop_signal) {
		if (launch) {
			/*
			 * Counting the watched processes reads a map: only once
			 * the command has exited (done as if none were left).
			 */
			if (launch_done(launch, 0) && launch_done(launch, watched_now(t)))
				break;
		} else if (!opts->n_ttys && !opts->all && !opts->listen && watched_now(t) == 0) {
			break;
		}
		ret = tracer_poll(t, POLL_INTERVAL_MS);
		if (ret)
			break;
		publish_stats(app, t);
		onstop_reap(&app->stops);
		if (fflush(app->out)) {
			write_failure(app);
			break;
		}
	}
	return ret;
}

/* After the loop: drain, draw the pictures, report; the exit status. */
static int finish(struct app *app, struct tracer *t, int ret)
{
	bool lifecycle_failed = false;
	char err[256];

	/* Detach, then deliver what is still buffered; stops found now are only resumed. */
	app->stops.ending = true;
	tracer_stop(t);
	if (fflush(app->out))
		write_failure(app);
	if (lifecycle_finish(app->lc, sys_now_ns(), app->start_ns, stderr, isatty(STDERR_FILENO),
			     err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		lifecycle_failed = true;
	}
	if (close_timeline(app, !lifecycle_failed))
		lifecycle_failed = true;
	if (cdbfile_commit(&app->cdb, &app->owner))
		lifecycle_failed = true;
	if (ret < 0) {
		fprintf(stderr, "tracer: reading events failed: %s\n", tracer_strerror(ret));
		return TRACER_EXIT_FAILURE;
	}
	/* Said when it happened (write_failure()). */
	if (app->write_failed && app->write_errno != EPIPE)
		return TRACER_EXIT_FAILURE;
	/* A closed pipe (tracer | head) ends quietly. */
	if (!app->write_failed)
		print_summary(app, t);
	return lifecycle_failed ? TRACER_EXIT_FAILURE : TRACER_EXIT_OK;
}

/* Creates and starts the library's handle; the exit status on failure, else -1. */
static int start_tracer(struct app *app, const struct tracer_opts *opts, struct launch *launch,
			struct tracer **t)
{
	uint32_t roots[TRACER_MAX_ROOTS + 1]; /* + 1: the launched COMMAND */
	struct tracer_options topts;
	int ret;

	library_options(opts, app, roots, launch, &topts);
	/* After the COMMAND's fork: its child must not inherit the HTTP thread's locks. */
	if (opts->listen && start_service(app, opts))
		return TRACER_EXIT_FAILURE;
	ret = tracer_create(&topts, t);
	if (ret) {
		fprintf(stderr, "tracer: %s\n", tracer_strerror(ret));
		return TRACER_EXIT_FAILURE;
	}
	/* Load, attach, and watch the processes in scope (the COMMAND too). */
	ret = tracer_start(*t);
	if (ret)
		return start_failure(*t, ret);
	print_ready(opts, launch, watched_now(*t));
	return -1;
}

/* tracer ends when what it watches has ended: watching itself, it would never end. */
static bool names_itself(const struct tracer_opts *opts)
{
	uint32_t self = (uint32_t)getpid();
	size_t i;

	for (i = 0; i < opts->n_pids; i++) {
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

int main(int argc, char **argv)
{
	static struct tracer_opts opts;
	struct launch *launch = NULL;
	struct app app = {
		.out = stdout, .output_fd = -1, .out_start = -1, .unix_listen = { .fd = -1 }
	};
	struct tracer *t = NULL;
	int ret;

	ret = opts_parse(argc, argv, &opts, stdout, stderr);
	if (ret >= 0)
		return ret;
	if (names_itself(&opts)) {
		opts_free(&opts);
		return TRACER_EXIT_USAGE;
	}

	app.format = opts.format;
	app.printed = opts.events;
	onstop_init(&app.stops, opts.on_stop, opts.verbose > 0);
	/* With --compile-db, the events are written only where they are asked for. */
	app.quiet = opts.compile_db && !opts.output && !opts.output_fd;
	if (opts.capture_env && opts.format == FORMAT_TEXT) {
		app.env = envdiff_new();
		if (!app.env) {
			fprintf(stderr, "tracer: out of memory\n");
			opts_free(&opts);
			return TRACER_EXIT_FAILURE;
		}
	}
	ret = check_outputs(&app, &opts);
	if (ret >= 0)
		goto out_close_output;
	app.start_ns = sys_now_ns();
	if (opts.command) {
		/* Started now, held before its first exec until it is watched. */
		ret = launch_start(&opts, &launch);
		if (ret)
			goto out_close_output;
	} else {
		install_signals();
	}

	raise_nofile_limit();
	ret = start_tracer(&app, &opts, launch, &t);
	if (ret >= 0)
		goto out_close_tracer;
	/* The scope exists: now the files may be created or truncated. */
	if (open_outputs(&app, &opts)) {
		ret = TRACER_EXIT_FAILURE;
		goto out_close_tracer;
	}
	if (launch)
		launch_release(launch);
	ret = finish(&app, t, run(&app, t, &opts, launch));
out_close_tracer:
	/* Nothing stays frozen behind tracer (but what a debugger holds). */
	onstop_resume_all(&app.stops, stderr);
	tracer_destroy(t);
	if (launch) {
		/* tracer's own failure first, else the command's status. */
		if (ret == TRACER_EXIT_OK)
			ret = launch_finish(launch);
		else
			launch_finish(launch);
	}
out_close_output:
	close_timeline(&app, false);
	stop_service(&app);
	lifecycle_close(app.lc);
	if (app.out != stdout)
		fclose(app.out);
	envdiff_free(app.env);
	onstop_free(&app.stops);
	cdbfile_close(&app.cdb);
	if (app.output_fd >= 0)
		close(app.output_fd);
	opts_free(&opts);
	return ret;
}
