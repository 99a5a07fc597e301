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

#include "tracer.h"
#include "decode.h"

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

static int decode_exec(const unsigned char *rec, size_t size,
		       const struct tracer_decode_limits *lim, struct tracer_bytes *argv_buf,
		       size_t argv_cap, struct tracer_event *ev)
{
	struct tracer_exec_event *x = &ev->exec;
	struct tracer_exec_rec r;
	struct tracer_bytes arg0 = { 0 };
	const char *data, *tty, *p, *end;
	size_t max_shown, shown = 0, available = 0, nstr = 0;
	bool has_arg0, cut_last = false;
	uint64_t want;

	if (size < sizeof(r))
		return -EINVAL;
	memcpy(&r, rec, sizeof(r));
	has_arg0 = (r.flags & TRACER_EXEC_HAS_ARG0) != 0;

	/* Three 32-bit lengths: their 64-bit sum cannot wrap. */
	want = (uint64_t)r.filename_len + (has_arg0 ? r.arg0_len : 0) + r.args_size;
	if (r.filename_len > TRACER_FILENAME_MAX || want != (uint64_t)(size - sizeof(r)))
		return -EINVAL;

	x->pid = r.pid;
	x->tid = r.tid;
	x->ppid = r.ppid;
	x->uid = r.uid;
	x->gid = r.gid;
	x->ret = r.ret;
	x->syscall_nr = r.syscall_nr;
	x->comm = cut_at_nul((const char *)rec + offsetof(struct tracer_exec_rec, comm),
			     TRACER_COMM_LEN);
	/* A C string is needed: a name that fills the field without its NUL is not shown. */
	tty = (const char *)rec + offsetof(struct tracer_exec_rec, tty);
	x->tty = tty[0] && memchr(tty, '\0', TRACER_TTY_LEN) ? tty : NULL;

	data = (const char *)rec + sizeof(r);
	x->filename = cut_at_nul(data, r.filename_len);
	p = data + r.filename_len;
	if (has_arg0) {
		arg0 = cut_at_nul(p, r.arg0_len);
		p += r.arg0_len;
	}
	end = p + r.args_size;

	max_shown = argv_buf ? argv_cap : 0;
	if (lim && lim->max_args < max_shown)
		max_shown = lim->max_args;

	if (has_arg0) {
		available++;
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
			if (shown < max_shown)
				argv_buf[shown++] = s;
		}
		p = nul ? nul + 1 : end;
	}

	x->argc = (uint32_t)shown;
	x->argv = argv_buf;
	x->argv_fault = (r.flags & TRACER_EXEC_ARGS_FAULT) != 0;
	x->argv_truncated = (r.flags & (TRACER_EXEC_ARGS_CUT | TRACER_EXEC_ARGS_FAULT)) ||
			    r.args_size < r.args_total || cut_last || available > shown ||
			    (r.argc != 0 && available < r.argc);
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
	default:
		return -EINVAL;
	}
}
