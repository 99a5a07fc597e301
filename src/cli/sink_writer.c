// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The writer sink: the events as text, JSON Lines or sh (writer.h) where they
 * are asked for: -o FILE, --output-fd N, standard error with a COMMAND (its
 * standard output is the command's), else standard output; -o FILE is
 * opened again on SIGHUP (hangup.h). Always open: with --quiet (or
 * --compile-db alone) it writes nothing but a stop, and counts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "envdiff.h"
#include "execline.h"
#include "fold.h"
#include "launch.h"
#include "parentctx.h"
#include "sink.h"
#include "writer.h"

/*
 * The output's buffer: what a drain writes, in one write() mostly. Given to
 * setvbuf(), which with NULL keeps glibc's own of st_blksize (4 KiB: a batch
 * of eight JSON lines took two writes). Static: standard output is flushed
 * at exit, after the sink is closed; only the pages used are resident.
 */
#define OUT_BUF_BYTES (128 * 1024)
static char out_buf[OUT_BUF_BYTES];

/*
 * Standard error shared with a COMMAND: lines must not be cut between two
 * writes (the command's messages would come between). What is buffered is
 * written once it reaches this, before an event's lines: lines of up to
 * OUT_BUF_BYTES - SHARED_FLUSH_BYTES (96 KiB) always fit whole, and a batch
 * takes one write or a few, not one a line (line buffering did).
 */
#define SHARED_FLUSH_BYTES (32 * 1024)

struct writer_sink {
	struct sink_ctx *ctx;
	const struct writer_ops *w;
	FILE *out; /* NULL until started */
	int output_fd; /* --output-fd, taken over (close-on-exec); -1: none */
	off_t out_start; /* where tracer's output begins in a regular file; -1: not one */
	bool quiet; /* no events written but stops */
	bool shared; /* standard error shared with the COMMAND: whole lines only (SHARED_FLUSH_BYTES) */
	uint32_t printed; /* event kinds printed (--events) */
	struct envdiff *env; /* text with --env: the environments the changes are shown against */
	/* The readable text (FORMAT_TEXT): its style, the contexts the lines are compared with */
	bool readable;
	struct execline_style style;
	struct parentctx *parents;
	struct fold *fold; /* PATH lookups folded: the readable text without --show-lookups */
};

/* Whether the file option names is the one --output-fd fd is open on (3>>F --compile-db F). */
static bool names_output_fd(const char *path, int fd, const char *option)
{
	if (!path || outfile_same_fd(path, fd) <= 0)
		return false;
	fprintf(stderr, "tracer: --output-fd %d and %s name the same file\n", fd, option);
	return true;
}

/*
 * --output-fd N: a descriptor the caller opened for writing. tracer takes it
 * over (close-on-exec, N closed), so that a COMMAND cannot write to it;
 * except 1 and 2: the COMMAND keeps its standard output and error.
 */
static int take_output_fd(struct writer_sink *s, int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0) {
		fprintf(stderr, "tracer: --output-fd %d: not an open descriptor\n", fd);
		return SINK_FAILED;
	}
	if ((fl & O_ACCMODE) == O_RDONLY) {
		fprintf(stderr, "tracer: --output-fd %d: not open for writing\n", fd);
		return SINK_FAILED;
	}
	if (names_output_fd(s->ctx->opts->timeline, fd, "--timeline") ||
	    names_output_fd(s->ctx->opts->compile_db, fd, "--compile-db") ||
	    names_output_fd(s->ctx->opts->summary_json, fd, "--summary-json"))
		return SINK_USAGE;
	s->output_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (s->output_fd < 0) {
		fprintf(stderr, "tracer: --output-fd %d: %s\n", fd, strerror(errno));
		return SINK_FAILED;
	}
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/*
 * The output file is checked (another user's symlink, file or FIFO is
 * refused, see outfile.h), not created: -o and --timeline must be different
 * files.
 */
static int check_output(struct writer_sink *s)
{
	const struct cli_opts *opts = s->ctx->opts;
	char err[512];
	int ret;

	if (opts->output && opts->timeline) {
		ret = outfile_same(opts->output, opts->timeline);
		if (ret > 0) {
			fprintf(stderr, "tracer: -o and --timeline name the same file\n");
			return SINK_USAGE;
		}
		if (ret) {
			fprintf(stderr, "tracer: %s: %s\n", opts->output, strerror(-ret));
			return SINK_FAILED;
		}
	}
	if (opts->output &&
	    outfile_check(opts->output, &s->ctx->owner, OUTFILE_ALLOW_SPECIAL, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return SINK_FAILED;
	}
	if (opts->output_fd)
		return take_output_fd(s, opts->output_fd);
	return 0;
}

static void writer_close(void *state)
{
	struct writer_sink *s = state;

	if (s->out && s->out != stdout)
		fclose(s->out);
	if (s->output_fd >= 0)
		close(s->output_fd);
	envdiff_free(s->env);
	parentctx_free(s->parents);
	fold_free(s->fold);
	free(s);
}

static int write_readable(void *state, const struct tracer_event *ev, uint32_t lookups);

static int writer_open(struct sink_ctx *ctx, void **state)
{
	const struct cli_opts *opts = ctx->opts;
	struct writer_sink *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		goto out_nomem;
	s->ctx = ctx;
	s->output_fd = -1;
	s->out_start = -1;
	s->w = writer_of(opts->format);
	s->printed = opts->events;
	/* With --compile-db, the events are written only where they are asked for. */
	s->quiet = opts->quiet || (opts->compile_db && !opts->output && !opts->output_fd);
	/* Under --tui the screen shows them: the terminal is not written to. */
	s->quiet = s->quiet || (opts->tui && !opts->output && !opts->output_fd);
	if (opts->lib.capture_env && (opts->format == FORMAT_TEXT || opts->format == FORMAT_KV)) {
		s->env = envdiff_new();
		if (!s->env)
			goto out_nomem;
	}
	s->readable = opts->format == FORMAT_TEXT;
	s->style.time = opts->time;
	if (s->readable) {
		s->parents = parentctx_new();
		if (!s->parents)
			goto out_nomem;
	}
	if (s->readable && !opts->show_lookups) {
		s->fold = fold_new(write_readable, s);
		if (!s->fold)
			goto out_nomem;
	}
	writer_set_text_time(opts->time);
	ret = check_output(s);
	if (ret) {
		writer_close(s);
		return ret;
	}
	*state = s;
	return 0;

out_nomem:
	fprintf(stderr, "tracer: out of memory\n");
	if (s)
		writer_close(s);
	return SINK_FAILED;
}

/* Where the output begins: a regular file's size when appended to, else its offset. */
static void note_out_start(struct writer_sink *s)
{
	int fd = fileno(s->out);
	struct stat st;
	int fl;

	s->out_start = -1;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode))
		return;
	fl = fcntl(fd, F_GETFL);
	s->out_start = lseek(fd, 0, fl >= 0 && (fl & O_APPEND) ? SEEK_END : SEEK_CUR);
}

/* A stream on fd, which it owns; NULL (fd closed) on failure. */
static FILE *stream_of(int fd)
{
	FILE *f = fdopen(fd, "w");

	if (!f)
		close(fd);
	return f;
}

/* Opened once the scope is known to exist: a wrong --pid leaves an existing file as it was. */
static int writer_start(void *state)
{
	struct writer_sink *s = state;
	const struct cli_opts *opts = s->ctx->opts;
	char err[512];
	int fd;

	if (opts->output) {
		fd = outfile_open(opts->output, &s->ctx->owner, OUTFILE_ALLOW_SPECIAL, err,
				  sizeof(err));
		if (fd < 0) {
			fprintf(stderr, "tracer: %s\n", err);
			return -1;
		}
		s->out = stream_of(fd);
	} else if (s->output_fd >= 0) {
		s->out = stream_of(s->output_fd);
		s->output_fd = -1;
	} else if (opts->command) {
		/* Standard output is the command's. */
		s->out = launch_open_stderr();
		s->shared = true;
	} else {
		s->out = stdout;
	}
	if (!s->out) {
		fprintf(stderr, "tracer: %s\n", strerror(errno));
		return -1;
	}
	/* A write per drain, not per line or per 4 KiB: the tick flushes after each one. */
	setvbuf(s->out, out_buf, _IOFBF, sizeof(out_buf));
	/* Colour for a terminal (--color): never in a file or a pipe unless always. */
	s->style.color = s->readable && opts_use_color(opts, fileno(s->out));
	note_out_start(s);
	return 0;
}

/*
 * Cuts the output file back to the end of its last whole line: a full disk
 * can have taken the first part of a line. Read through a descriptor of its
 * own (the output's is write-only); nothing before out_start is touched.
 */
static void cut_to_last_line(struct writer_sink *s)
{
	char path[64], buf[4096];
	off_t pos, from;
	struct stat st;
	ssize_t n, i;
	int fd, rfd;

	fd = fileno(s->out);
	if (s->out_start < 0 || fd < 0 || fstat(fd, &st) || st.st_size <= s->out_start)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rfd = open(path, O_RDONLY | O_CLOEXEC);
	if (rfd < 0)
		return;
	for (pos = st.st_size; pos > s->out_start; pos = from) {
		from = pos - s->out_start > (off_t)sizeof(buf) ? pos - (off_t)sizeof(buf) :
								 s->out_start;
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
 * a regular file is cut back. tracer exits non-zero at the end.
 */
static int write_failure(struct writer_sink *s)
{
	struct sink_ctx *ctx = s->ctx;

	if (ctx->write_failed)
		return SINK_STOP;
	ctx->write_errno = errno;
	ctx->write_failed = true;
	__fpurge(s->out);
	cut_to_last_line(s);
	if (ctx->write_errno == EPIPE)
		return SINK_STOP;
	if (ctx->opts->command)
		fprintf(stderr,
			"tracer: writing events failed: %s: tracing stopped, the command goes on untraced\n",
			strerror(ctx->write_errno));
	else
		fprintf(stderr, "tracer: writing events failed: %s: tracing stopped\n",
			strerror(ctx->write_errno));
	return SINK_STOP;
}

/*
 * --stop-at: a process stopped at its exec. Always written (whatever
 * --events says, even with --quiet: someone must know it waits), at once.
 */
static int write_stop(struct writer_sink *s, const struct tracer_event *ev)
{
	if (s->ctx->write_failed)
		return 0;
	if (writer_write(s->w, s->out, NULL, sink_ts(s->ctx, ev), ev) || fflush(s->out))
		write_failure(s);
	else
		s->ctx->events_written++;
	/* The stopped process is held all the same (the on-stop sink). */
	return 0;
}

/* An exec as the readable line, with the failed PATH lookups folded into it. */
static int write_readable(void *state, const struct tracer_event *ev, uint32_t lookups)
{
	struct writer_sink *s = state;
	int ret;

	ret = execline_write(s->out, &s->style, sink_ts(s->ctx, ev), ev, s->parents, s->env,
			     lookups);
	execline_keep(s->parents, ev);
	return ret;
}

/* One event: an exec as the readable line in text (folded), else the format's writer. */
static int write_event(struct writer_sink *s, const struct tracer_event *ev)
{
	if (!s->readable || ev->type != TRACER_EVENT_EXEC)
		return writer_write(s->w, s->out, s->env, sink_ts(s->ctx, ev), ev);
	return s->fold ? fold_exec(s->fold, ev) : write_readable(s, ev, 0);
}

static int writer_event(void *state, const struct tracer_event *ev)
{
	struct writer_sink *s = state;
	bool printed = s->printed & TRACER_EVENT_BIT(ev->type);

	if (ev->type == TRACER_EVENT_STOP && !(s->quiet && s->ctx->opts->tui))
		return write_stop(s, ev);
	if (s->quiet) {
		s->ctx->events_written += printed && ev->type != TRACER_EVENT_LOST;
		return 0;
	}
	if (s->ctx->write_failed)
		return SINK_STOP;
	/* Before the event's lines (a PATH walk's held ones too): whole lines, see SHARED_FLUSH_BYTES. */
	if (s->shared && __fpending(s->out) >= SHARED_FLUSH_BYTES && fflush(s->out))
		return write_failure(s);
	/*
	 * Asked for even when not printed: an exited process's PATH walk is
	 * over, its context dropped.
	 */
	if (ev->type == TRACER_EVENT_EXIT) {
		if (s->fold && fold_exit(s->fold, ev->exit.pid))
			return write_failure(s);
		envdiff_forget(s->env, ev->exit.pid);
		parentctx_forget(s->parents, ev->exit.pid);
	}
	if (ev->type != TRACER_EVENT_LOST && !printed)
		return 0;
	if (write_event(s, ev))
		return write_failure(s);
	s->ctx->events_written += ev->type != TRACER_EVENT_LOST;
	return 0;
}

/* What a drain wrote goes out in one write. */
static int writer_flush(void *state)
{
	struct writer_sink *s = state;

	if (!s->out)
		return 0;
	/* A walk not over after FOLD_HOLD_NS is written as it is: a failure is not held longer. */
	if (!s->ctx->write_failed && s->fold && fold_expire(s->fold, sink_now_ns()))
		return write_failure(s);
	if (!s->ctx->write_failed && fflush(s->out))
		return write_failure(s);
	return s->ctx->write_failed ? SINK_STOP : 0;
}

/*
 * SIGHUP (hangup.h): -o FILE opened again by its name, under the same checks
 * as at start (outfile.h), now appended to: logrotate has renamed the old
 * file, and a SIGHUP without a rotation loses nothing. What the stream holds
 * goes to the old file first. When the new one cannot be opened, the events
 * keep going to the old one (said): a rotation must not end the tracing.
 */
static int writer_reopen(void *state)
{
	struct writer_sink *s = state;
	const char *path = s->ctx->opts->output;
	char err[512];
	FILE *out;
	int fd;

	if (!path || !s->out || s->ctx->write_failed)
		return 0;
	if (fflush(s->out)) {
		write_failure(s);
		return -1;
	}
	fd = outfile_open(path, &s->ctx->owner, OUTFILE_ALLOW_SPECIAL | OUTFILE_APPEND, err,
			  sizeof(err));
	out = fd >= 0 ? stream_of(fd) : NULL;
	if (!out) {
		fprintf(stderr, "tracer: reopening the output: %s: still writing to the old file\n",
			fd >= 0 ? strerror(errno) : err);
		return -1;
	}
	fclose(s->out);
	s->out = out;
	setvbuf(s->out, out_buf, _IOFBF, sizeof(out_buf));
	note_out_start(s);
	return 0;
}

static int writer_finish(void *state)
{
	struct writer_sink *s = state;

	/* The walks still held: their process did not exit while traced. */
	if (s->out && !s->ctx->write_failed && s->fold && fold_flush(s->fold))
		write_failure(s);
	writer_flush(state);
	/* A failure was said when it happened; the exit status is main()'s (write_failed). */
	return 0;
}

const struct sink_ops writer_sink = {
	.name = "writer",
	.open = writer_open,
	.start = writer_start,
	.event = writer_event,
	.tick = writer_flush,
	.finish = writer_finish,
	.close = writer_close,
	.reopen = writer_reopen,
};
