// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The readable exec line (execline.h). Colour wraps what escape.c wrote,
 * never the bytes of the event: an ESC in an argument is shown as $'\E...'
 * text with colour on as off.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "context.h"
#include "envdiff.h"
#include "escape.h"
#include "execline.h"
#include "num.h"
#include "parentctx.h"
#include "writer_int.h"

#define SGR_BOLD "\033[1m"
#define SGR_RED "\033[1;31m"
#define SGR_DIM "\033[2m"
#define SGR_OFF "\033[0m"

static int put(FILE *out, const char *s)
{
	return fputs(s, out) == EOF ? -1 : 0;
}

static int sgr(FILE *out, const struct execline_style *st, const char *code)
{
	return st->color ? put(out, code) : 0;
}

int execline_time(FILE *out, enum time_mode mode, double ts)
{
	if (mode == TIME_NONE)
		return 0;
	return writer_put_time(out, mode, ts) || fputc(' ', out) == EOF ? -1 : 0;
}

/* The command line: argv as shell words, else the filename (an exec without arguments). */
static int command_words(FILE *out, const struct tracer_exec_event *e)
{
	uint32_t argc = e->argv ? e->argc : 0, i;

	if (!argc)
		return escape_shell_command_word(out, e->filename.ptr, e->filename.len);
	for (i = 0; i < argc; i++) {
		if (i && fputc(' ', out) == EOF)
			return -1;
		if (i == 0 ? escape_shell_command_word(out, e->argv[i].ptr, e->argv[i].len) :
			     escape_shell_word(out, e->argv[i].ptr, e->argv[i].len))
			return -1;
	}
	return 0;
}

/* A path as one shell word, its flags after it: (cut), (deleted), (detached). */
static int path_word(FILE *out, const struct tracer_path *p)
{
	if (escape_shell_word(out, p->path.ptr, p->path.len))
		return -1;
	if ((p->flags & TRACER_PATH_CUT) && put(out, "(cut)"))
		return -1;
	if ((p->flags & TRACER_PATH_DELETED) && put(out, "(deleted)"))
		return -1;
	if ((p->flags & TRACER_PATH_DETACHED) && put(out, "(detached)"))
		return -1;
	return 0;
}

static bool same_as_stdout(const struct tracer_exec_event *e)
{
	const struct tracer_fd *a = &e->stdio[2], *b = &e->stdio[1];

	if (a->kind != b->kind || a->kind == TRACER_FD_UNKNOWN || a->kind == TRACER_FD_CLOSED)
		return false;
	if (a->kind == TRACER_FD_PIPE || a->kind == TRACER_FD_SOCKET)
		return a->ino == b->ino;
	return a->path.flags == b->path.flags && a->path.path.len == b->path.path.len &&
	       a->path.path.ptr && b->path.path.ptr &&
	       !memcmp(a->path.path.ptr, b->path.path.ptr, a->path.path.len);
}

/* One standard fd as a redirection: <&-, >/dev/null, 2>&1, >pipe:[7]. */
static int redirection(FILE *out, const struct tracer_exec_event *e, int i)
{
	const struct tracer_fd *fd = &e->stdio[i];
	char buf[96];

	if ((i == 2 && fputc('2', out) == EOF) || fputc(i ? '>' : '<', out) == EOF)
		return -1;
	if (fd->kind == TRACER_FD_CLOSED)
		return put(out, "&-");
	if (i == 2 && same_as_stdout(e))
		return put(out, "&1");
	switch (fd->kind) {
	case TRACER_FD_PATH:
		return path_word(out, &fd->path);
	case TRACER_FD_ANON:
		return put(out, "anon_inode:") ||
		       escape_shell_word(out, fd->path.path.ptr, fd->path.path.len);
	default:
		if (fd_link_name(fd, buf, sizeof(buf)))
			return put(out, "?");
		return put(out, buf);
	}
}

/* A line being written: the unusual items are dimmed together, the codes opened once. */
struct line {
	FILE *out;
	const struct execline_style *st;
	bool dim; /* SGR_DIM written, SGR_OFF owed */
};

/* Starts an unusual item: two spaces before the first, one between. */
static int item(struct line *l)
{
	if (!l->dim) {
		l->dim = true;
		if (put(l->out, " ") || sgr(l->out, l->st, SGR_DIM))
			return -1;
	}
	return put(l->out, " ");
}

static int end_items(struct line *l)
{
	return l->dim ? sgr(l->out, l->st, SGR_OFF) : 0;
}

/* The fds that differ from the parent's (none when the parent is unknown). */
static int fds_part(struct line *l, const struct tracer_exec_event *e, uint32_t shown)
{
	int i;

	for (i = 0; i < 3; i++) {
		if (!(shown & EXECLINE_SHOW_FD(i)))
			continue;
		if (item(l) || redirection(l->out, e, i))
			return -1;
	}
	return 0;
}

/*
 * The context that differs from the parent's; with the parent unknown, the
 * cwd (it says where the run is) and an euid that is not the uid.
 */
static int context_part(struct line *l, const struct tracer_exec_event *e, uint32_t shown)
{
	FILE *out = l->out;

	if ((shown & EXECLINE_SHOW_CWD) && (item(l) || put(out, "cwd=") || path_word(out, &e->cwd)))
		return -1;
	if ((shown & EXECLINE_SHOW_UID) && (item(l) || fprintf(out, "uid=%" PRIu32, e->uid) < 0))
		return -1;
	if ((shown & EXECLINE_SHOW_EUID) && (item(l) || fprintf(out, "euid=%" PRIu32, e->euid) < 0))
		return -1;
	if (fds_part(l, e, shown))
		return -1;
	if (e->interpreter.path.ptr &&
	    (item(l) || put(out, "interp=") || path_word(out, &e->interpreter)))
		return -1;
	return 0;
}

uint32_t execline_context(const struct parentctx *ctx, const struct tracer_event *ev)
{
	const struct tracer_exec_event *e = &ev->exec;
	const struct proc_context *parent;
	uint32_t shown = 0;
	int i;

	if (!has_context(ev))
		return 0;
	parent = parentctx_of(ctx, e);
	if (e->cwd.path.ptr && (!parent || !kept_path_eq(&parent->cwd, &e->cwd)))
		shown |= EXECLINE_SHOW_CWD;
	if (parent && parent->uid != e->uid)
		shown |= EXECLINE_SHOW_UID;
	if (parent ? parent->euid != e->euid : e->euid != e->uid)
		shown |= EXECLINE_SHOW_EUID;
	for (i = 0; parent && i < 3; i++) {
		if (e->stdio[i].kind != TRACER_FD_UNKNOWN &&
		    !kept_fd_eq(&parent->stdio[i], &e->stdio[i]))
			shown |= EXECLINE_SHOW_FD(i);
	}
	return shown;
}

static int cut_marks(struct line *l, const struct tracer_exec_event *e, bool ctx, bool marks)
{
	uint32_t argc = e->argv ? e->argc : 0;

	if (e->argv_fault && (item(l) || put(l->out, "[args unreadable]")))
		return -1;
	if (e->argv_truncated && item(l))
		return -1;
	if (e->argv_truncated && (ctx ? fprintf(l->out, "[args cut: %" PRIu32 " of %" PRIu32 "]",
						argc, e->total_argc) < 0 :
					put(l->out, "[args cut]")))
		return -1;
	if (filename_fault(e, marks) && (item(l) || put(l->out, "[filename unreadable]")))
		return -1;
	if (filename_truncated(e, marks) && (item(l) || put(l->out, "[filename cut]")))
		return -1;
	return 0;
}

/* A failure in red; a found command's failed PATH lookups, dimmed with the context. */
static int failure_part(struct line *l, const struct tracer_exec_event *e, uint32_t lookups)
{
	const char *err = ret_errno_name(e->ret);
	FILE *out = l->out;

	if (e->ret >= 0)
		return lookups && (item(l) ||
				   fprintf(out, "(after %" PRIu32 " failed PATH %s)", lookups,
					   lookups == 1 ? "lookup" : "lookups") < 0) ?
			       -1 :
			       0;
	if (put(out, "  ") || sgr(out, l->st, SGR_RED))
		return -1;
	if (lookups) {
		if (fprintf(out, "not found (%" PRIu32 " PATH lookups, %s)", lookups + 1,
			    err ? err : "failed") < 0)
			return -1;
	} else if (err ? fprintf(out, "failed: %s", err) < 0 :
			 fprintf(out, "failed: %" PRId32, e->ret) < 0) {
		return -1;
	}
	return sgr(out, l->st, SGR_OFF);
}

int execline_write(FILE *out, const struct execline_style *st, double ts,
		   const struct tracer_event *ev, const struct parentctx *ctx, struct envdiff *env,
		   uint32_t lookups)
{
	return execline_write_shown(out, st, ts, ev, execline_context(ctx, ev), env, lookups);
}

int execline_write_shown(FILE *out, const struct execline_style *st, double ts,
			 const struct tracer_event *ev, uint32_t shown, struct envdiff *env,
			 uint32_t lookups)
{
	const struct tracer_exec_event *e = &ev->exec;
	struct line l = { .out = out, .st = st };
	bool has_ctx = has_context(ev);
	char buf[NUM_MAX + 8], *p;
	int pad;

	if (st->time != TIME_NONE &&
	    (sgr(out, st, SGR_DIM) || execline_time(out, st->time, ts) || sgr(out, st, SGR_OFF)))
		return -1;
	p = num_u64(buf, e->pid);
	for (pad = EXECLINE_PID_WIDTH - (int)(p - buf); pad > 0; pad--)
		*p++ = ' ';
	*p++ = ' ';
	if (num_flush(out, buf, p))
		return -1;
	if (sgr(out, st, e->ret < 0 ? SGR_RED : SGR_BOLD) || command_words(out, e) ||
	    sgr(out, st, SGR_OFF))
		return -1;
	if (failure_part(&l, e, lookups))
		return -1;
	if (has_ctx && context_part(&l, e, shown))
		return -1;
	if (cut_marks(&l, e, has_ctx, has_filename_marks(ev)))
		return -1;
	/* envdiff writes " env: ..." with its own leading space. */
	if (has_ctx && env && e->env_captured &&
	    ((!l.dim && sgr(out, st, SGR_DIM)) || envdiff_write(env, out, e)))
		return -1;
	l.dim = l.dim || (has_ctx && env && e->env_captured);
	if (end_items(&l))
		return -1;
	return end_line(out);
}

void execline_keep(struct parentctx *ctx, const struct tracer_event *ev)
{
	if (ev->exec.ret >= 0 && has_context(ev))
		parentctx_keep(ctx, &ev->exec);
}
