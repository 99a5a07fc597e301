// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The journal sink (--journal): each event as one structured entry of the
 * systemd journal (sd_journal_sendv), so that journalctl, journal-upload and
 * the log shippers that read the journal get tracer's events with their
 * fields, not a line to parse. doc/journal.md lists the fields.
 *
 * MESSAGE is the readable text line (journal_message(), the one place that
 * chooses it): journalctl shows it to a person, so it is escaped as the text
 * output is (escape.c). The other fields are binary-safe (sd_journal_sendv
 * sends a value with a newline in the binary form): paths as they are, and
 * TRACER_JSON the whole event as the JSON output writes it. TRACER_ARGV is
 * the arguments as one line of shell words that bash reads back as exactly
 * these bytes, not one field per argument: journald keeps an entry's fields
 * sorted by where their data is stored, so a repeated field loses its order
 * ("a b" "x" came back as "x" "a b").
 *
 * Sending blocks when journald is behind (its socket's queue is full): the
 * kernel's buffer then fills and the losses are counted as any others. A
 * failed send is said once and counted; the run goes on (journald may come
 * back) and the count is said at the end.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
/* No CODE_FILE, CODE_LINE, CODE_FUNC: where in tracer sent it says nothing of the event. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "escape.h"
#include "execline.h"
#include "names.h"
#include "sink.h"
#include "writer.h"

#ifndef TRACER_SYSTEMD_SONAME
#error "TRACER_SYSTEMD_SONAME: libsystemd's soname, set by src/cli/CMakeLists.txt"
#endif

/* Where sd_journal_sendv() sends: without it there is no journal to write to. */
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/* A growing buffer of "FIELD=value" strings, and where each begins. */
struct fields {
	char *buf;
	size_t len, cap;
	size_t *start; /* offset of each field in buf */
	size_t n, n_cap;
};

struct journal_sink {
	struct sink_ctx *ctx;
	uint32_t printed; /* event kinds sent (--events) */
	struct fields f;
	struct iovec *iov;
	size_t iov_cap;
	uint64_t failed; /* sends that failed */
	void *libsystemd; /* opened for --journal only (src/cli/CMakeLists.txt) */
	__typeof__(sd_journal_sendv) *sendv;
};

static int fields_reserve(struct fields *f, size_t more)
{
	size_t cap = f->cap ? f->cap : 4096;
	char *buf;

	while (cap - f->len < more)
		cap *= 2;
	if (cap == f->cap)
		return 0;
	buf = realloc(f->buf, cap);
	if (!buf)
		return -1;
	f->buf = buf;
	f->cap = cap;
	return 0;
}

/* One field: NAME=, then len bytes of value (any bytes). */
static int fields_add(struct fields *f, const char *name, const void *value, size_t len)
{
	size_t name_len = strlen(name);
	size_t *start;

	if (f->n == f->n_cap) {
		start = reallocarray(f->start, f->n_cap ? f->n_cap * 2 : 32, sizeof(*start));
		if (!start)
			return -1;
		f->start = start;
		f->n_cap = f->n_cap ? f->n_cap * 2 : 32;
	}
	if (fields_reserve(f, name_len + 1 + len))
		return -1;
	f->start[f->n++] = f->len;
	memcpy(f->buf + f->len, name, name_len);
	f->buf[f->len + name_len] = '=';
	if (len)
		memcpy(f->buf + f->len + name_len + 1, value, len);
	f->len += name_len + 1 + len;
	return 0;
}

static int fields_str(struct fields *f, const char *name, const char *value)
{
	return fields_add(f, name, value, strlen(value));
}

static int fields_u64(struct fields *f, const char *name, uint64_t value)
{
	char num[24];

	return fields_add(f, name, num,
			  (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)value));
}

/*
 * The event as writer w writes it, into the field name, without the line's
 * newline. The writers escape what they write: no byte of the traced
 * process's can end the line or move the cursor.
 */
static int fields_written(struct fields *f, const char *name, const struct writer_ops *w, double ts,
			  const struct tracer_event *ev)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int ret;

	if (!mem)
		return -1;
	ret = writer_write(w, mem, NULL, ts, ev);
	if (fclose(mem) || ret) {
		free(text);
		return -1;
	}
	while (len && text[len - 1] == '\n')
		len--;
	ret = fields_add(f, name, text, len);
	free(text);
	return ret;
}

/* TRACER_ARGV: the arguments as shell words, in order, each exact (escape.h). */
static int fields_argv(struct fields *f, const struct tracer_exec_event *e)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	uint32_t i;
	int ret = 0;

	if (!mem)
		return -1;
	for (i = 0; i < e->argc && !ret; i++) {
		if (i && fputc(' ', mem) == EOF)
			ret = -1;
		else if (i == 0)
			ret = escape_shell_command_word(mem, e->argv[i].ptr, e->argv[i].len);
		else
			ret = escape_shell_word(mem, e->argv[i].ptr, e->argv[i].len);
	}
	if (fclose(mem) || ret) {
		free(text);
		return -1;
	}
	ret = fields_add(f, "TRACER_ARGV", text, len);
	free(text);
	return ret;
}

/*
 * MESSAGE: an exec as the readable line of the text output (execline.h),
 * without its time column (the journal has its own) and without colour;
 * the other events as the text output writes them.
 */
static int journal_message(struct fields *f, double ts, const struct tracer_event *ev)
{
	static const struct execline_style style = { .time = TIME_NONE, .color = false };
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int ret;

	if (ev->type != TRACER_EVENT_EXEC)
		return fields_written(f, "MESSAGE", &text_writer, ts, ev);
	mem = open_memstream(&text, &len);
	if (!mem)
		return -1;
	ret = execline_write(mem, &style, ts, ev, NULL, NULL, 0);
	if (fclose(mem) || ret < 0) {
		free(text);
		return -1;
	}
	while (len && text[len - 1] == '\n')
		len--;
	ret = fields_add(f, "MESSAGE", text, len);
	free(text);
	return ret;
}

/* The exec's own fields: who, where, what, with which arguments. */
static int exec_fields(struct fields *f, const struct tracer_event *ev)
{
	const struct tracer_exec_event *e = &ev->exec;
	const char *err = e->ret ? errno_name(-e->ret) : NULL;
	int ret = 0;

	ret |= fields_u64(f, "TRACER_PID", e->pid);
	ret |= fields_u64(f, "TRACER_PPID", e->ppid);
	ret |= fields_u64(f, "TRACER_UID", e->uid);
	ret |= fields_add(f, "TRACER_FILENAME", e->filename.ptr, e->filename.len);
	if (TRACER_EVENT_HAS(ev, exec.cwd) && e->cwd.path.len)
		ret |= fields_add(f, "TRACER_CWD", e->cwd.path.ptr, e->cwd.path.len);
	if (TRACER_EVENT_HAS(ev, exec.exe) && e->exe.path.len)
		ret |= fields_add(f, "TRACER_EXE", e->exe.path.ptr, e->exe.path.len);
	if (e->tty)
		ret |= fields_str(f, "TRACER_TTY", e->tty);
	if (e->ret)
		ret |= fields_str(f, "TRACER_ERRNO", err ? err : "unknown");
	ret |= fields_u64(f, "TRACER_ARGC", e->argc);
	ret |= fields_argv(f, e);
	return ret ? -1 : 0;
}

static const char *event_name(enum tracer_event_type type)
{
	switch (type) {
	case TRACER_EVENT_EXEC:
		return "exec";
	case TRACER_EVENT_EXIT:
		return "exit";
	case TRACER_EVENT_FORK:
		return "fork";
	case TRACER_EVENT_SIGNAL:
		return "signal";
	case TRACER_EVENT_LOST:
		return "lost";
	case TRACER_EVENT_STOP:
		return "stop";
	}
	return "unknown";
}

/* syslog's levels: a failed exec or lost events warn, a stop is a notice. */
static const char *event_priority(const struct tracer_event *ev)
{
	if ((ev->type == TRACER_EVENT_EXEC && ev->exec.ret) || ev->type == TRACER_EVENT_LOST)
		return "4";
	return ev->type == TRACER_EVENT_STOP ? "5" : "6";
}

/* The pid an event is about, 0 when none. */
static uint32_t event_pid(const struct tracer_event *ev)
{
	switch (ev->type) {
	case TRACER_EVENT_EXIT:
		return ev->exit.pid;
	case TRACER_EVENT_FORK:
		return ev->fork.pid;
	case TRACER_EVENT_SIGNAL:
		return ev->signal.target_pid;
	case TRACER_EVENT_STOP:
		return ev->stop.pid;
	default:
		return 0;
	}
}

/* Every field of the entry for ev, in f. */
static int build_entry(struct journal_sink *s, const struct tracer_event *ev)
{
	struct fields *f = &s->f;
	double ts = sink_ts(s->ctx, ev);
	int ret = 0;

	f->len = 0;
	f->n = 0;
	ret |= journal_message(f, ts, ev);
	ret |= fields_str(f, "PRIORITY", event_priority(ev));
	ret |= fields_str(f, "SYSLOG_IDENTIFIER", "tracer");
	ret |= fields_str(f, "TRACER_EVENT", event_name(ev->type));
	if (ev->type == TRACER_EVENT_EXEC)
		ret |= exec_fields(f, ev);
	else if (event_pid(ev))
		ret |= fields_u64(f, "TRACER_PID", event_pid(ev));
	ret |= fields_written(f, "TRACER_JSON", &json_writer, ts, ev);
	return ret ? -1 : 0;
}

static int journal_send(struct journal_sink *s)
{
	struct fields *f = &s->f;
	struct iovec *iov;
	size_t i;

	if (f->n > s->iov_cap) {
		iov = reallocarray(s->iov, f->n, sizeof(*iov));
		if (!iov)
			return -ENOMEM;
		s->iov = iov;
		s->iov_cap = f->n;
	}
	for (i = 0; i < f->n; i++) {
		s->iov[i].iov_base = f->buf + f->start[i];
		s->iov[i].iov_len = (i + 1 < f->n ? f->start[i + 1] : f->len) - f->start[i];
	}
	return s->sendv(s->iov, (int)f->n);
}

static int journal_event(void *state, const struct tracer_event *ev)
{
	struct journal_sink *s = state;
	int ret;

	if (!(s->printed & TRACER_EVENT_BIT(ev->type)) && ev->type != TRACER_EVENT_LOST &&
	    ev->type != TRACER_EVENT_STOP)
		return 0;
	ret = build_entry(s, ev) ? -ENOMEM : journal_send(s);
	if (ret < 0 && !s->failed++)
		fprintf(stderr,
			"tracer: --journal: sending an event failed: %s (counted at the end)\n",
			strerror(-ret));
	return 0;
}

static int journal_finish(void *state)
{
	struct journal_sink *s = state;

	if (s->failed)
		fprintf(stderr, "tracer: --journal: %llu events could not be sent to the journal\n",
			(unsigned long long)s->failed);
	return 0;
}

static void journal_close(void *state)
{
	struct journal_sink *s = state;

	free(s->f.buf);
	free(s->f.start);
	free(s->iov);
	if (s->libsystemd)
		dlclose(s->libsystemd);
	free(s);
}

/* sd_journal_sendv() from libsystemd, opened now; -1 (said why) when it cannot be. */
static int open_libsystemd(struct journal_sink *s)
{
	const char *why;
	void *fn;

	s->libsystemd = dlopen(TRACER_SYSTEMD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!s->libsystemd) {
		why = dlerror();
		fprintf(stderr, "tracer: --journal needs %s, which cannot be loaded: %s\n",
			TRACER_SYSTEMD_SONAME, why ? why : "unknown error");
		return -1;
	}
	fn = dlsym(s->libsystemd, "sd_journal_sendv");
	if (!fn) {
		fprintf(stderr, "tracer: --journal: %s has no sd_journal_sendv\n",
			TRACER_SYSTEMD_SONAME);
		return -1;
	}
	/* A data pointer into a function pointer: through memcpy, which ISO C allows. */
	memcpy(&s->sendv, &fn, sizeof(fn));
	return 0;
}

/* No journald listening here: said before anything is loaded. */
static int journal_open(struct sink_ctx *ctx, void **state)
{
	struct journal_sink *s;
	struct stat st;

	if (!ctx->opts->journal)
		return SINK_NOT_WANTED;
	if (stat(JOURNAL_SOCKET, &st)) {
		fprintf(stderr, "tracer: --journal: no journal here: %s: %s\n", JOURNAL_SOCKET,
			strerror(errno));
		return SINK_FAILED;
	}
	if (!S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "tracer: --journal: no journal here: %s is not a socket\n",
			JOURNAL_SOCKET);
		return SINK_FAILED;
	}
	s = sink_state_new(sizeof(*s));
	if (!s)
		return SINK_FAILED;
	if (open_libsystemd(s)) {
		journal_close(s);
		return SINK_FAILED;
	}
	s->ctx = ctx;
	s->printed = ctx->opts->events;
	*state = s;
	return 0;
}

const struct sink_ops journal_sink = {
	.name = "journal",
	.open = journal_open,
	.event = journal_event,
	.finish = journal_finish,
	.close = journal_close,
};
