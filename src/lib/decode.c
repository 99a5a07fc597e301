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
#include <sys/sysmacros.h>
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

/* A comm field of the record at off: at most TRACER_COMM_LEN bytes, up to its NUL. */
static struct tracer_bytes rec_comm(const unsigned char *rec, size_t off)
{
	return cut_at_nul((const char *)rec + off, TRACER_COMM_LEN);
}

/* The fixed part of a record (fixed_len bytes) copied out: 0, or -EINVAL when it is shorter. */
static int copy_fixed(void *fixed, size_t fixed_len, const unsigned char *rec, size_t size)
{
	if (size < fixed_len)
		return -EINVAL;
	memcpy(fixed, rec, fixed_len);
	return 0;
}

/*
 * CPU time as getrusage(2) and wait4(2) give it (cputime_adjust() in
 * kernel/sched/cputime.c): the scheduler's exact runtime, split between
 * user and system time in the proportion the ticks sampled them.
 */
static void split_cputime(uint64_t utime, uint64_t stime, uint64_t runtime, uint64_t *user,
			  uint64_t *system)
{
	*user = runtime;
	*system = 0;
	if (stime == 0)
		return;
	if (utime == 0) {
		*user = 0;
		*system = runtime;
		return;
	}
	*system =
		(uint64_t)((unsigned __int128)stime * runtime / ((unsigned __int128)stime + utime));
	*user = runtime - *system;
}

static void decode_usage(const struct tracer_exit_rec *r, struct tracer_exit_event *x)
{
	x->usage_valid = (r->flags & TRACER_EXIT_HAS_USAGE) != 0;
	if (!x->usage_valid)
		return;
	split_cputime(r->utime, r->stime, r->runtime, &x->utime_ns, &x->stime_ns);
	x->maxrss_kib = r->maxrss_kib;
	x->rchar = r->rchar;
	x->wchar = r->wchar;
	x->nvcsw = r->nvcsw;
	x->nivcsw = r->nivcsw;
}

static int decode_exit(const unsigned char *rec, size_t size,
		       const struct tracer_decode_limits *lim, struct tracer_event *ev)
{
	uint64_t epoch = lim ? lim->epoch_ns : 0;
	struct tracer_exit_rec r;
	uint64_t from;

	if (copy_fixed(&r, sizeof(r), rec, size))
		return -EINVAL;
	ev->exit.pid = r.pid;
	ev->exit.ppid = r.ppid;
	ev->exit.exit_code = r.exit_code;
	ev->exit.comm = rec_comm(rec, offsetof(struct tracer_exit_rec, comm));
	ev->exit.start_ns = r.start_time;
	ev->exit.started_before = r.start_time < epoch;
	from = r.start_time < epoch ? epoch : r.start_time;
	ev->exit.lifetime_ns = ev->ts_ns > from ? ev->ts_ns - from : 0;
	decode_usage(&r, &ev->exit);
	return 0;
}

static int decode_fork(const unsigned char *rec, size_t size, struct tracer_event *ev)
{
	struct tracer_fork_rec r;

	if (copy_fixed(&r, sizeof(r), rec, size))
		return -EINVAL;
	ev->fork.pid = r.pid;
	ev->fork.ppid = r.ppid;
	ev->fork.parent_tid = r.parent_tid;
	ev->fork.start_ns = r.start_time;
	ev->fork.comm = rec_comm(rec, offsetof(struct tracer_fork_rec, comm));
	return 0;
}

static int decode_signal(const unsigned char *rec, size_t size, struct tracer_event *ev)
{
	struct tracer_signal_event *x = &ev->signal;
	struct tracer_signal_rec r;

	if (copy_fixed(&r, sizeof(r), rec, size))
		return -EINVAL;
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
	x->sender_comm = rec_comm(rec, offsetof(struct tracer_signal_rec, sender_comm));
	x->target_comm = rec_comm(rec, offsetof(struct tracer_signal_rec, target_comm));
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

/* The wire's numbers are the public ones, number for number: decoding copies them. */
_Static_assert(TRACER_SYSCALL_EXECVE == TRACER_NR_EXECVE &&
		       TRACER_SYSCALL_EXECVEAT == TRACER_NR_EXECVEAT,
	       "syscall numbers");
_Static_assert((int)TRACER_SIGNAL_DELIVERED == (int)TRACER_SIG_DELIVERED &&
		       (int)TRACER_SIGNAL_IGNORED == (int)TRACER_SIG_IGNORED &&
		       (int)TRACER_SIGNAL_ALREADY_PENDING == (int)TRACER_SIG_ALREADY_PENDING &&
		       (int)TRACER_SIGNAL_QUEUE_FULL == (int)TRACER_SIG_OVERFLOW_FAIL &&
		       (int)TRACER_SIGNAL_INFO_LOST == (int)TRACER_SIG_LOSE_INFO,
	       "signal verdicts");
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

/*
 * The lengths the record announces, each within its bound, against its
 * real size. 32-bit lengths: their 64-bit sum cannot wrap.
 */
static bool exec_lengths_add_up(const struct tracer_exec_rec *r, size_t size)
{
	bool has_arg0 = (r->flags & TRACER_EXEC_HAS_ARG0) != 0;
	bool has_env = (r->flags & TRACER_EXEC_ENV) != 0;
	uint64_t want;
	int i;

	if (r->filename_len > TRACER_FILENAME_MAX || (!has_env && r->env_size) ||
	    r->cwd.len > PATH_REC_MAX || r->exe.len > PATH_REC_MAX ||
	    r->interp.len > PATH_REC_MAX || r->cgroup.len > TRACER_PATH_MAX)
		return false;
	want = (uint64_t)r->filename_len + (has_arg0 ? r->arg0_len : 0) + r->args_size +
	       r->env_size + r->cwd.len + r->exe.len + r->interp.len + r->cgroup.len;
	for (i = 0; i < 3; i++) {
		if (r->stdio[i].len > PATH_REC_MAX)
			return false;
		want += r->stdio[i].len;
	}
	return want == (uint64_t)(size - sizeof(*r));
}

/* What the walk over the argument strings found. */
struct argv_walk {
	size_t shown; /* into argv_buf */
	size_t available; /* the caller's strings in the record */
	size_t nstr; /* every string, the interpreter's too */
	uint64_t kept_bytes; /* the caller's, each with its NUL */
	uint64_t skipped_bytes; /* the interpreter's */
	bool cut_last; /* the last string has no NUL: cut */
	bool skip_whole; /* every string of the interpreter's is there, whole */
};

/*
 * The true count and size of the caller's argv when the record carries
 * them (TRACER_EXEC_TOTALS); what was read when it does not. From the new
 * image's area, the size counts the interpreter's strings: they are taken
 * off, and the caller's own argv[0] (arg0) put back.
 */
static void argv_totals(const struct tracer_exec_rec *r, const struct argv_walk *w,
			struct tracer_exec_event *x)
{
	bool has_arg0 = (r->flags & TRACER_EXEC_HAS_ARG0) != 0;

	x->total_argc = (uint32_t)w->available;
	x->total_argv_bytes = w->kept_bytes;
	if (!(r->flags & TRACER_EXEC_TOTALS))
		return;
	if (r->argc > w->available)
		x->total_argc = r->argc;
	if (!(r->flags & TRACER_EXEC_ARGS_FROM_MM))
		x->total_argv_bytes = r->args_total;
	else if (w->skip_whole && r->args_total >= w->skipped_bytes)
		x->total_argv_bytes = r->args_total - w->skipped_bytes +
				      (has_arg0 ? (uint64_t)r->arg0_len + 1 : 0);
	if (x->total_argv_bytes < w->kept_bytes)
		x->total_argv_bytes = w->kept_bytes;
}

/*
 * The caller's arguments into argv_buf (at most max_shown): its own argv[0]
 * first when an interpreter replaced it (arg0, else NULL), then the strings
 * of [p, end) but the first r->skip, which the kernel inserted.
 */
static void decode_argv(const struct tracer_exec_rec *r, const struct tracer_bytes *arg0,
			const char *p, const char *end, size_t max_shown,
			struct tracer_bytes *argv_buf, struct tracer_exec_event *x)
{
	struct argv_walk w = { .skip_whole = true };
	struct tracer_bytes s;
	const char *nul;

	if (arg0) {
		w.available++;
		w.kept_bytes += arg0->len + 1;
		if (w.shown < max_shown)
			argv_buf[w.shown++] = *arg0;
	}
	for (; p < end; p = nul ? nul + 1 : end) {
		nul = memchr(p, '\0', (size_t)(end - p));
		s.ptr = p;
		s.len = nul ? (size_t)(nul - p) : (size_t)(end - p);
		if (!nul)
			w.cut_last = true;
		if (w.nstr++ < r->skip) {
			w.skipped_bytes += s.len + 1;
			w.skip_whole &= nul != NULL;
			continue;
		}
		w.available++;
		w.kept_bytes += s.len + (nul != NULL);
		if (w.shown < max_shown)
			argv_buf[w.shown++] = s;
	}
	if (w.nstr < r->skip)
		w.skip_whole = false;

	x->argc = (uint32_t)w.shown;
	x->argv = argv_buf;
	x->argv_fault = (r->flags & TRACER_EXEC_ARGS_FAULT) != 0;
	x->argv_truncated = (r->flags & (TRACER_EXEC_ARGS_CUT | TRACER_EXEC_ARGS_FAULT)) ||
			    r->args_size < r->args_total || w.cut_last || w.available > w.shown ||
			    (r->argc != 0 && w.available < r->argc);
	argv_totals(r, &w, x);
}

/* The fixed part: who, with which ids, on which terminal. */
static void decode_exec_caller(const struct tracer_exec_rec *r, const unsigned char *rec,
			       struct tracer_exec_event *x)
{
	const char *tty = (const char *)rec + offsetof(struct tracer_exec_rec, tty);

	x->pid = r->pid;
	x->tid = r->tid;
	x->ppid = r->ppid;
	x->uid = r->uid;
	x->gid = r->gid;
	x->euid = r->euid;
	x->egid = r->egid;
	x->ret = r->ret;
	x->syscall_nr = r->syscall_nr;
	x->comm = rec_comm(rec, offsetof(struct tracer_exec_rec, comm));
	/* A C string is needed: a name that fills the field without its NUL is not shown. */
	x->tty = tty[0] && memchr(tty, '\0', TRACER_TTY_LEN) ? tty : NULL;
}

/*
 * Which file ran and where. The kernel's device number (major << 20 |
 * minor) becomes stat(2)'s; the cgroup's path follows fds 0-2 in data[].
 */
static void decode_exec_identity(const struct tracer_exec_rec *r, const char *cgroup,
				 struct tracer_exec_event *x)
{
	x->exe_ino = r->exe_ino;
	x->exe_dev = r->exe_ino ?
			     makedev(TRACER_TTY_MAJOR(r->exe_dev), TRACER_TTY_MINOR(r->exe_dev)) :
			     0;
	x->mntns = r->mntns;
	x->pidns = r->pidns;
	x->ns_pid = r->ns_pid;
	x->cgroup_id = r->cgroup_id;
	x->cgroup.ptr = r->cgroup.len ? cgroup : NULL;
	x->cgroup.len = r->cgroup.len;
}

/* An exec record: the fixed part, then data[] in the order wire.h gives. */
static int decode_exec(const unsigned char *rec, size_t size,
		       const struct tracer_decode_limits *lim, struct tracer_bytes *argv_buf,
		       size_t argv_cap, struct tracer_event *ev)
{
	struct tracer_exec_event *x = &ev->exec;
	struct tracer_bytes arg0 = { 0 };
	struct tracer_exec_rec r;
	const char *p, *end;
	size_t max_shown;
	bool has_arg0;
	int i;

	if (copy_fixed(&r, sizeof(r), rec, size) || !exec_lengths_add_up(&r, size))
		return -EINVAL;
	has_arg0 = (r.flags & TRACER_EXEC_HAS_ARG0) != 0;
	decode_exec_caller(&r, rec, x);

	p = (const char *)rec + sizeof(r);
	x->filename = cut_at_nul(p, r.filename_len);
	x->filename_truncated = (r.flags & TRACER_EXEC_FILENAME_CUT) != 0;
	x->filename_fault = (r.flags & TRACER_EXEC_FILENAME_FAULT) != 0;
	p += r.filename_len;
	if (has_arg0) {
		arg0 = cut_at_nul(p, r.arg0_len);
		p += r.arg0_len;
	}
	end = p + r.args_size;
	max_shown = argv_buf ? argv_cap : 0;
	if (lim && lim->max_args && lim->max_args < max_shown)
		max_shown = lim->max_args;
	decode_argv(&r, has_arg0 ? &arg0 : NULL, p, end, max_shown, argv_buf, x);

	if (r.flags & TRACER_EXEC_ENV)
		decode_env(&r, end, lim, x);
	p = end + r.env_size;
	x->cwd = take_path(&p, r.cwd.len, r.cwd.flags);
	x->exe = take_path(&p, r.exe.len, r.exe.flags);
	x->interpreter = take_path(&p, r.interp.len, r.interp.flags);
	for (i = 0; i < 3; i++)
		take_fd(&p, &r.stdio[i], &x->stdio[i]);
	decode_exec_identity(&r, p, x);
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
	x->pattern_index = TRACER_STOP_INDEX(r.pattern);
	x->pattern_generation = TRACER_STOP_GENERATION(r.pattern);
	x->comm = rec_comm(rec, offsetof(struct tracer_stop_rec, comm));
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
