// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Ring-buffer record to event. The record comes from the kernel side but its
 * lengths are still checked against the record's real size before any byte
 * is read: nothing outside [rec, rec + size) is ever touched, and the fixed
 * part is copied out with memcpy so the record needs no particular alignment.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/types.h>

#include "wire.h"
#include "decode.h"
#include "redact.h"

/* The bytes [p, p + len) up to the first NUL, if any. */
static struct tracer_bytes cut_at_nul(const char *p, size_t len)
{
	const char *nul = memchr(p, '\0', len);
	struct tracer_bytes b = {
		.ptr = p,
		.len = nul ? (size_t)(nul - p) : len,
	};

	return b;
}

static int decode_exit(const unsigned char *rec, size_t size,
		       const struct tracer_decode_limits *lim, struct tracer_event *ev)
{
	uint64_t epoch = lim ? lim->epoch_ns : 0;
	struct tracer_exit_rec r;
	uint64_t from;

	if (size < sizeof(r))
		return -EINVAL;
	memcpy(&r, rec, sizeof(r));
	ev->exit.pid = r.pid;
	ev->exit.ppid = r.ppid;
	ev->exit.exit_code = r.exit_code;
	ev->exit.comm = cut_at_nul((const char *)rec + offsetof(struct tracer_exit_rec, comm),
				   TRACER_COMM_LEN);
	ev->exit.start_ns = r.start_time;
	ev->exit.started_before = r.start_time < epoch;
	from = r.start_time < epoch ? epoch : r.start_time;
	ev->exit.lifetime_ns = ev->ts_ns > from ? ev->ts_ns - from : 0;
	return 0;
}

static int decode_fork(const unsigned char *rec, size_t size, struct tracer_event *ev)
{
	struct tracer_fork_rec r;

	if (size < sizeof(r))
		return -EINVAL;
	memcpy(&r, rec, sizeof(r));
	ev->fork.pid = r.pid;
	ev->fork.ppid = r.ppid;
	ev->fork.parent_tid = r.parent_tid;
	ev->fork.start_ns = r.start_time;
	ev->fork.comm = cut_at_nul((const char *)rec + offsetof(struct tracer_fork_rec, comm),
				   TRACER_COMM_LEN);
	return 0;
}

static int decode_signal(const unsigned char *rec, size_t size, struct tracer_event *ev)
{
	struct tracer_signal_event *x = &ev->signal;
	struct tracer_signal_rec r;

	if (size < sizeof(r))
		return -EINVAL;
	memcpy(&r, rec, sizeof(r));
	x->sig = r.sig;
	x->code = r.code;
	x->result = r.result;
	x->group = (r.flags & TRACER_SIG_GROUP) != 0;
	x->kernel = (r.flags & TRACER_SIG_KERNEL) != 0;
	x->blocked = (r.flags & TRACER_SIG_BLOCKED) != 0;
	x->target_watched = (r.flags & TRACER_SIG_TARGET_WATCHED) != 0;
	x->sender_watched = (r.flags & TRACER_SIG_SENDER_WATCHED) != 0;
	x->sender_pid = r.sender_pid;
	x->sender_tid = r.sender_tid;
	x->target_pid = r.target_pid;
	x->target_tid = r.target_tid;
	x->sender_comm =
		cut_at_nul((const char *)rec + offsetof(struct tracer_signal_rec, sender_comm),
			   TRACER_COMM_LEN);
	x->target_comm =
		cut_at_nul((const char *)rec + offsetof(struct tracer_signal_rec, target_comm),
			   TRACER_COMM_LEN);
	return 0;
}

/* The longest path a record carries: exe can be cwd + '/' + a name. */
#define PATH_REC_MAX (2 * (TRACER_PATH_MAX + 1) + 1)

static uint32_t path_flags(uint32_t f)
{
	uint32_t out = 0;

	if (f & (TRACER_PATHF_CUT | TRACER_PATHF_FAULT))
		out |= TRACER_PATH_CUT;
	if (f & TRACER_PATHF_DELETED)
		out |= TRACER_PATH_DELETED;
	if (f & TRACER_PATHF_DETACHED)
		out |= TRACER_PATH_DETACHED;
	return out;
}

/* A path of len bytes at *p (none when 0); advances *p. */
static struct tracer_path take_path(const char **p, uint32_t len, uint32_t flags)
{
	struct tracer_path out = { { NULL, 0 }, 0 };

	if (len) {
		out.path.ptr = *p;
		out.path.len = len;
		out.flags = path_flags(flags);
		*p += len;
	}
	return out;
}

/* The wire's fd kinds are the public ones, number for number. */
_Static_assert(TRACER_FDK_UNKNOWN == TRACER_FD_UNKNOWN && TRACER_FDK_CLOSED == TRACER_FD_CLOSED &&
		       TRACER_FDK_PATH == TRACER_FD_PATH && TRACER_FDK_PIPE == TRACER_FD_PIPE &&
		       TRACER_FDK_SOCKET == TRACER_FD_SOCKET && TRACER_FDK_ANON == TRACER_FD_ANON,
	       "fd kinds");

static void take_fd(const char **p, const struct tracer_fd_rec *fr, struct tracer_fd *fd)
{
	memset(fd, 0, sizeof(*fd));
	fd->kind = fr->kind <= TRACER_FDK_ANON ? (enum tracer_fd_kind)fr->kind : TRACER_FD_UNKNOWN;
	fd->ino = fr->ino;
	fd->path = take_path(p, fr->len, fr->flags);
}

/*
 * The environment's entries into lim->env_buf, secret values redacted into
 * lim->redact_buf unless keep_secrets.
 */
static void decode_env(const struct tracer_exec_rec *r, const char *p,
		       const struct tracer_decode_limits *lim, struct tracer_exec_event *x)
{
	const char *end = p + r->env_size;
	size_t shown = 0, available = 0, used = 0;
	bool cut_last = false;

	x->env_captured = true;
	x->env = lim ? lim->env_buf : NULL;
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		struct tracer_bytes s = {
			.ptr = p,
			.len = nul ? (size_t)(nul - p) : (size_t)(end - p),
		};

		if (!nul)
			cut_last = true;
		available++;
		if (lim && lim->env_buf && shown < lim->env_cap) {
			if (!lim->keep_secrets && redact_is_secret(s.ptr, s.len)) {
				size_t n = lim->redact_buf ? redact_entry(s.ptr, s.len,
									  lim->redact_buf + used,
									  lim->redact_cap - used) :
							     0;

				if (n) {
					s.ptr = lim->redact_buf + used;
					s.len = n;
					used += n;
				} else {
					s.ptr = TRACER_REDACTED;
					s.len = sizeof(TRACER_REDACTED) - 1;
				}
			}
			lim->env_buf[shown++] = s;
		}
		p = nul ? nul + 1 : end;
	}
	x->envc = (uint32_t)shown;
	x->env_fault = (r->flags & TRACER_EXEC_ENV_FAULT) != 0;
	x->env_truncated = (r->flags & (TRACER_EXEC_ENV_CUT | TRACER_EXEC_ENV_FAULT)) ||
			   r->env_size < r->env_total || cut_last || available > shown;
	x->total_envc = r->envc > available ? r->envc : (uint32_t)available;
	x->total_env_bytes = r->env_total > r->env_size ? r->env_total : r->env_size;
}

static int decode_exec(const unsigned char *rec, size_t size,
		       const struct tracer_decode_limits *lim, struct tracer_bytes *argv_buf,
		       size_t argv_cap, struct tracer_event *ev)
{
	struct tracer_exec_event *x = &ev->exec;
	struct tracer_exec_rec r;
	struct tracer_bytes arg0 = { 0 };
	const char *data, *tty, *p, *end;
	size_t max_shown, shown = 0, available = 0, nstr = 0;
	uint64_t skipped_bytes = 0, kept_bytes = 0;
	bool has_arg0, has_env, cut_last = false, skip_whole = true;
	uint64_t want;
	int i;

	if (size < sizeof(r))
		return -EINVAL;
	memcpy(&r, rec, sizeof(r));
	has_arg0 = (r.flags & TRACER_EXEC_HAS_ARG0) != 0;
	has_env = (r.flags & TRACER_EXEC_ENV) != 0;

	/* 32-bit lengths: their 64-bit sum cannot wrap. */
	if (r.filename_len > TRACER_FILENAME_MAX || (!has_env && r.env_size) ||
	    r.cwd.len > PATH_REC_MAX || r.exe.len > PATH_REC_MAX || r.interp.len > PATH_REC_MAX)
		return -EINVAL;
	want = (uint64_t)r.filename_len + (has_arg0 ? r.arg0_len : 0) + r.args_size + r.env_size +
	       r.cwd.len + r.exe.len + r.interp.len;
	for (i = 0; i < 3; i++) {
		if (r.stdio[i].len > PATH_REC_MAX)
			return -EINVAL;
		want += r.stdio[i].len;
	}
	if (want != (uint64_t)(size - sizeof(r)))
		return -EINVAL;

	x->pid = r.pid;
	x->tid = r.tid;
	x->ppid = r.ppid;
	x->uid = r.uid;
	x->gid = r.gid;
	x->euid = r.euid;
	x->egid = r.egid;
	x->ret = r.ret;
	x->syscall_nr = r.syscall_nr;
	x->comm = cut_at_nul((const char *)rec + offsetof(struct tracer_exec_rec, comm),
			     TRACER_COMM_LEN);
	/* A C string is needed: a name that fills the field without its NUL is not shown. */
	tty = (const char *)rec + offsetof(struct tracer_exec_rec, tty);
	x->tty = tty[0] && memchr(tty, '\0', TRACER_TTY_LEN) ? tty : NULL;

	data = (const char *)rec + sizeof(r);
	x->filename = cut_at_nul(data, r.filename_len);
	x->filename_truncated = (r.flags & TRACER_EXEC_FILENAME_CUT) != 0;
	x->filename_fault = (r.flags & TRACER_EXEC_FILENAME_FAULT) != 0;
	p = data + r.filename_len;
	if (has_arg0) {
		arg0 = cut_at_nul(p, r.arg0_len);
		p += r.arg0_len;
	}
	end = p + r.args_size;

	max_shown = argv_buf ? argv_cap : 0;
	if (lim && lim->max_args && lim->max_args < max_shown)
		max_shown = lim->max_args;

	if (has_arg0) {
		available++;
		kept_bytes += arg0.len + 1;
		if (shown < max_shown)
			argv_buf[shown++] = arg0;
	}
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		struct tracer_bytes s = {
			.ptr = p,
			.len = nul ? (size_t)(nul - p) : (size_t)(end - p),
		};

		if (!nul)
			cut_last = true;
		/* The first skip strings are the interpreter's, not the caller's. */
		if (nstr++ >= r.skip) {
			available++;
			kept_bytes += s.len + (nul != NULL);
			if (shown < max_shown)
				argv_buf[shown++] = s;
		} else {
			skipped_bytes += s.len + 1;
			if (!nul)
				skip_whole = false;
		}
		p = nul ? nul + 1 : end;
	}
	if (nstr < r.skip)
		skip_whole = false;

	x->argc = (uint32_t)shown;
	x->argv = argv_buf;
	x->argv_fault = (r.flags & TRACER_EXEC_ARGS_FAULT) != 0;
	x->argv_truncated = (r.flags & (TRACER_EXEC_ARGS_CUT | TRACER_EXEC_ARGS_FAULT)) ||
			    r.args_size < r.args_total || cut_last || available > shown ||
			    (r.argc != 0 && available < r.argc);

	/* The true count and size; what was read when they are not known. */
	x->total_argc = (uint32_t)available;
	x->total_argv_bytes = kept_bytes;
	if (r.flags & TRACER_EXEC_TOTALS) {
		if (r.argc > available)
			x->total_argc = r.argc;
		if (!(r.flags & TRACER_EXEC_ARGS_FROM_MM))
			x->total_argv_bytes = r.args_total;
		else if (skip_whole && r.args_total >= skipped_bytes)
			x->total_argv_bytes = r.args_total - skipped_bytes +
					      (has_arg0 ? (uint64_t)r.arg0_len + 1 : 0);
		if (x->total_argv_bytes < kept_bytes)
			x->total_argv_bytes = kept_bytes;
	}

	if (has_env)
		decode_env(&r, end, lim, x);
	p = end + r.env_size;
	x->cwd = take_path(&p, r.cwd.len, r.cwd.flags);
	x->exe = take_path(&p, r.exe.len, r.exe.flags);
	x->interpreter = take_path(&p, r.interp.len, r.interp.flags);
	for (i = 0; i < 3; i++)
		take_fd(&p, &r.stdio[i], &x->stdio[i]);
	return 0;
}

/*
 * A stop record: fixed size, its strings at fixed places. The pattern's text
 * is the library's to fill in (pattern_index).
 */
static int decode_stop(const unsigned char *rec, size_t size, struct tracer_bytes *argv_buf,
		       size_t argv_cap, struct tracer_event *ev)
{
	struct tracer_stop_event *x = &ev->stop;
	const char *data = (const char *)rec + offsetof(struct tracer_stop_rec, data);
	const char *p, *end, *nul;
	struct tracer_stop_rec r;
	size_t n = 0;

	if (size < sizeof(r))
		return -EINVAL;
	memcpy(&r, rec, offsetof(struct tracer_stop_rec, data));
	if (r.exe_len > TRACER_PATH_MAX || r.filename_len > TRACER_PATH_MAX ||
	    r.args_size > TRACER_STOP_ARGS_MAX)
		return -EINVAL;
	x->pid = r.pid;
	x->tid = r.tid;
	x->ppid = r.ppid;
	x->uid = r.uid;
	x->euid = r.euid;
	x->error = r.err;
	x->pattern_index = r.pattern;
	x->comm = cut_at_nul((const char *)rec + offsetof(struct tracer_stop_rec, comm),
			     TRACER_COMM_LEN);
	p = data + TRACER_STOP_EXE_OFF;
	x->exe = take_path(&p, r.exe_len, r.exe_flags);
	x->filename.ptr = data + TRACER_STOP_FILENAME_OFF;
	x->filename.len = r.filename_len;
	x->start_ns = r.start_time;
	x->start_boottime_ns = r.start_boottime;
	p = data + TRACER_STOP_ARGS_OFF;
	end = p + r.args_size;
	x->argv_truncated = r.args_size < r.args_total;
	while (p < end) {
		nul = memchr(p, '\0', (size_t)(end - p));
		if (!nul)
			x->argv_truncated = true;
		if (n < argv_cap) {
			argv_buf[n].ptr = p;
			argv_buf[n].len = nul ? (size_t)(nul - p) : (size_t)(end - p);
			n++;
		} else {
			x->argv_truncated = true;
		}
		p = nul ? nul + 1 : end;
	}
	x->argc = (uint32_t)n;
	x->argv = argv_buf;
	return 0;
}

int tracer_decode(const void *rec, size_t size, const struct tracer_decode_limits *lim,
		  struct tracer_bytes *argv_buf, size_t argv_cap, struct tracer_event *ev)
{
	struct tracer_rec_hdr hdr;

	memset(ev, 0, sizeof(*ev));
	ev->sz = sizeof(*ev);
	if (!rec || size < sizeof(hdr))
		return -EINVAL;
	memcpy(&hdr, rec, sizeof(hdr));
	ev->ts_ns = hdr.ts;
	ev->cpu = hdr.cpu;
	ev->cpu_lost = hdr.cpu_lost;
	switch (hdr.type) {
	case TRACER_REC_EXEC:
		ev->type = TRACER_EVENT_EXEC;
		return decode_exec(rec, size, lim, argv_buf, argv_cap, ev);
	case TRACER_REC_EXIT:
		ev->type = TRACER_EVENT_EXIT;
		return decode_exit(rec, size, lim, ev);
	case TRACER_REC_FORK:
		ev->type = TRACER_EVENT_FORK;
		return decode_fork(rec, size, ev);
	case TRACER_REC_SIGNAL:
		ev->type = TRACER_EVENT_SIGNAL;
		return decode_signal(rec, size, ev);
	case TRACER_REC_STOP:
		ev->type = TRACER_EVENT_STOP;
		return decode_stop(rec, size, argv_buf, argv_cap, ev);
	default:
		return -EINVAL;
	}
}
