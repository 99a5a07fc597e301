// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Text and JSON Lines writers. Every untrusted byte string goes through
 * escape.c, so each event is exactly one line whatever the traced process
 * put in its name, filename or arguments.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <linux/types.h>

#include "tracer.h"
#include "escape.h"
#include "format.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const errno_names[] = {
	[EPERM] = "EPERM",
	[ENOENT] = "ENOENT",
	[ESRCH] = "ESRCH",
	[EINTR] = "EINTR",
	[EIO] = "EIO",
	[ENXIO] = "ENXIO",
	[E2BIG] = "E2BIG",
	[ENOEXEC] = "ENOEXEC",
	[EBADF] = "EBADF",
	[ECHILD] = "ECHILD",
	[EAGAIN] = "EAGAIN",
	[ENOMEM] = "ENOMEM",
	[EACCES] = "EACCES",
	[EFAULT] = "EFAULT",
	[ENOTBLK] = "ENOTBLK",
	[EBUSY] = "EBUSY",
	[EEXIST] = "EEXIST",
	[EXDEV] = "EXDEV",
	[ENODEV] = "ENODEV",
	[ENOTDIR] = "ENOTDIR",
	[EISDIR] = "EISDIR",
	[EINVAL] = "EINVAL",
	[ENFILE] = "ENFILE",
	[EMFILE] = "EMFILE",
	[ENOTTY] = "ENOTTY",
	[ETXTBSY] = "ETXTBSY",
	[EFBIG] = "EFBIG",
	[ENOSPC] = "ENOSPC",
	[ESPIPE] = "ESPIPE",
	[EROFS] = "EROFS",
	[EMLINK] = "EMLINK",
	[EPIPE] = "EPIPE",
	[EDOM] = "EDOM",
	[ERANGE] = "ERANGE",
	[EDEADLK] = "EDEADLK",
	[ENAMETOOLONG] = "ENAMETOOLONG",
	[ENOLCK] = "ENOLCK",
	[ENOSYS] = "ENOSYS",
	[ENOTEMPTY] = "ENOTEMPTY",
	[ELOOP] = "ELOOP",
	[ENOMSG] = "ENOMSG",
	[EIDRM] = "EIDRM",
	[ENOSTR] = "ENOSTR",
	[ENODATA] = "ENODATA",
	[ETIME] = "ETIME",
	[ENOSR] = "ENOSR",
	[EREMOTE] = "EREMOTE",
	[ENOLINK] = "ENOLINK",
	[EPROTO] = "EPROTO",
	[EBADMSG] = "EBADMSG",
	[EOVERFLOW] = "EOVERFLOW",
	[EBADFD] = "EBADFD",
	[ELIBACC] = "ELIBACC",
	[ELIBBAD] = "ELIBBAD",
	[ELIBSCN] = "ELIBSCN",
	[ELIBMAX] = "ELIBMAX",
	[ELIBEXEC] = "ELIBEXEC",
	[EILSEQ] = "EILSEQ",
	[ERESTART] = "ERESTART",
	[EUSERS] = "EUSERS",
	[ENOTSOCK] = "ENOTSOCK",
	[EOPNOTSUPP] = "EOPNOTSUPP",
	[EADDRINUSE] = "EADDRINUSE",
	[ENETDOWN] = "ENETDOWN",
	[ECONNRESET] = "ECONNRESET",
	[ENOBUFS] = "ENOBUFS",
	[ETIMEDOUT] = "ETIMEDOUT",
	[ECONNREFUSED] = "ECONNREFUSED",
	[EHOSTUNREACH] = "EHOSTUNREACH",
	[ESTALE] = "ESTALE",
	[EUCLEAN] = "EUCLEAN",
	[EDQUOT] = "EDQUOT",
	[ENOMEDIUM] = "ENOMEDIUM",
	[EMEDIUMTYPE] = "EMEDIUMTYPE",
	[ECANCELED] = "ECANCELED",
	[ENOKEY] = "ENOKEY",
	[EKEYEXPIRED] = "EKEYEXPIRED",
	[EKEYREVOKED] = "EKEYREVOKED",
	[EKEYREJECTED] = "EKEYREJECTED",
	[EOWNERDEAD] = "EOWNERDEAD",
	[ENOTRECOVERABLE] = "ENOTRECOVERABLE",
	[ERFKILL] = "ERFKILL",
	[EHWPOISON] = "EHWPOISON",
};

const char *errno_name(int err)
{
	if (err <= 0 || (size_t)err >= ARRAY_SIZE(errno_names))
		return NULL;
	return errno_names[err];
}

static const char *const signal_names[] = {
	[SIGHUP] = "SIGHUP",	   [SIGINT] = "SIGINT",	      [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL",	   [SIGTRAP] = "SIGTRAP",     [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS",	   [SIGFPE] = "SIGFPE",	      [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1",	   [SIGSEGV] = "SIGSEGV",     [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE",	   [SIGALRM] = "SIGALRM",     [SIGTERM] = "SIGTERM",
	[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD",     [SIGCONT] = "SIGCONT",
	[SIGSTOP] = "SIGSTOP",	   [SIGTSTP] = "SIGTSTP",     [SIGTTIN] = "SIGTTIN",
	[SIGTTOU] = "SIGTTOU",	   [SIGURG] = "SIGURG",	      [SIGXCPU] = "SIGXCPU",
	[SIGXFSZ] = "SIGXFSZ",	   [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
	[SIGWINCH] = "SIGWINCH",   [SIGIO] = "SIGIO",	      [SIGPWR] = "SIGPWR",
	[SIGSYS] = "SIGSYS",
};

static const char *signal_name(int sig)
{
	if (sig <= 0 || (size_t)sig >= ARRAY_SIZE(signal_names))
		return NULL;
	return signal_names[sig];
}

/* A number JSON accepts: inf and nan are not. */
static double finite_ts(double ts)
{
	return isfinite(ts) ? ts : 0.0;
}

/* errno name of a failed exec's return value, NULL when it succeeded or is unknown. */
static const char *ret_errno_name(int32_t ret)
{
	if (ret >= 0 || ret == INT32_MIN)
		return NULL;
	return errno_name(-ret);
}

static const char *syscall_name(uint32_t nr)
{
	switch (nr) {
	case TRACER_NR_EXECVE:
		return "execve";
	case TRACER_NR_EXECVEAT:
		return "execveat";
	default:
		return "exec";
	}
}

static bool tty_bare(const char *tty)
{
	const char *p;

	if (!*tty || strcmp(tty, "-") == 0)
		return false;
	for (p = tty; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '/' || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

static int finish(FILE *out)
{
	if (fputc('\n', out) == EOF || ferror(out))
		return -1;
	return 0;
}

int format_exec_text(FILE *out, double ts, const struct tracer_exec_event *e)
{
	const char *err = ret_errno_name(e->ret);
	uint32_t argc = e->argv ? e->argc : 0;
	const char *label;
	uint32_t i;

	if (fprintf(out,
		    "[%.6f] pid=%" PRIu32 " tid=%" PRIu32 " uid=%" PRIu32 " gid=%" PRIu32
		    " syscall_id=%" PRIu32 " comm=",
		    finite_ts(ts), e->pid, e->tid, e->uid, e->gid, e->syscall_nr) < 0)
		return -1;
	if (escape_c_quoted(out, e->comm.ptr, e->comm.len))
		return -1;
	if (fputs(" filename=", out) == EOF)
		return -1;
	if (escape_c_quoted(out, e->filename.ptr, e->filename.len))
		return -1;
	if (fprintf(out, " ppid=%" PRIu32 " ret=%" PRId32, e->ppid, e->ret) < 0)
		return -1;
	if (err && fprintf(out, " err=%s", err) < 0)
		return -1;
	if (fputs(" tty=", out) == EOF)
		return -1;
	if (!e->tty) {
		if (fputc('-', out) == EOF)
			return -1;
	} else if (tty_bare(e->tty)) {
		if (fputs(e->tty, out) == EOF)
			return -1;
	} else if (escape_c_quoted(out, e->tty, strlen(e->tty))) {
		return -1;
	}

	if (e->argv_fault)
		label = " argv(unreadable):";
	else if (e->argv_truncated)
		label = " argv(truncated):";
	else
		label = " argv:";
	if (fputs(label, out) == EOF)
		return -1;
	for (i = 0; i < argc; i++) {
		const struct tracer_bytes *a = &e->argv[i];

		if (fputc(' ', out) == EOF)
			return -1;
		if (i == 0 ? escape_shell_command_word(out, a->ptr, a->len) :
			     escape_shell_word(out, a->ptr, a->len))
			return -1;
	}
	return finish(out);
}

static const char *json_bool(bool b)
{
	return b ? "true" : "false";
}

int format_exec_json(FILE *out, double ts, const struct tracer_exec_event *e)
{
	const char *err = ret_errno_name(e->ret);
	uint32_t argc = e->argv ? e->argc : 0;
	uint32_t i;

	if (fprintf(out,
		    "{\"type\":\"exec\",\"ts\":%.6f,\"pid\":%" PRIu32 ",\"tid\":%" PRIu32
		    ",\"ppid\":%" PRIu32 ",\"uid\":%" PRIu32 ",\"gid\":%" PRIu32 ",\"comm\":",
		    finite_ts(ts), e->pid, e->tid, e->ppid, e->uid, e->gid) < 0)
		return -1;
	if (escape_json_string(out, e->comm.ptr, e->comm.len))
		return -1;
	if (fputs(",\"filename\":", out) == EOF)
		return -1;
	if (escape_json_string(out, e->filename.ptr, e->filename.len))
		return -1;
	if (fputs(",\"argv\":[", out) == EOF)
		return -1;
	for (i = 0; i < argc; i++) {
		if (i && fputc(',', out) == EOF)
			return -1;
		if (escape_json_string(out, e->argv[i].ptr, e->argv[i].len))
			return -1;
	}
	if (fprintf(out,
		    "],\"argv_truncated\":%s,\"argv_fault\":%s,\"syscall\":\"%s\""
		    ",\"syscall_id\":%" PRIu32 ",\"ret\":%" PRId32 ",\"errno\":",
		    json_bool(e->argv_truncated), json_bool(e->argv_fault),
		    syscall_name(e->syscall_nr), e->syscall_nr, e->ret) < 0)
		return -1;
	if (err ? fprintf(out, "\"%s\"", err) < 0 : fputs("null", out) == EOF)
		return -1;
	if (fputs(",\"tty\":", out) == EOF)
		return -1;
	if (e->tty ? escape_json_string(out, e->tty, strlen(e->tty)) : fputs("null", out) == EOF)
		return -1;
	if (fputc('}', out) == EOF)
		return -1;
	return finish(out);
}

int format_exit_text(FILE *out, double ts, const struct tracer_exit_event *e)
{
	int status = e->exit_code;

	if (fprintf(out, "[%.6f] exit pid=%" PRIu32 " ppid=%" PRIu32 " comm=", finite_ts(ts),
		    e->pid, e->ppid) < 0)
		return -1;
	if (escape_c_quoted(out, e->comm.ptr, e->comm.len))
		return -1;
	if (WIFEXITED(status)) {
		if (fprintf(out, " code=%d", WEXITSTATUS(status)) < 0)
			return -1;
	} else if (WIFSIGNALED(status)) {
		const char *name = signal_name(WTERMSIG(status));

		if (fprintf(out, " signal=%d", WTERMSIG(status)) < 0)
			return -1;
		if (name && fprintf(out, " (%s)", name) < 0)
			return -1;
		if (WCOREDUMP(status) && fputs(" core", out) == EOF)
			return -1;
	} else {
		/* Not an exit status the kernel produces for a dead process. */
		if (fprintf(out, " status=%d", status) < 0)
			return -1;
	}
	return finish(out);
}

int format_exit_json(FILE *out, double ts, const struct tracer_exit_event *e)
{
	int status = e->exit_code;
	bool core = false;

	if (fprintf(out,
		    "{\"type\":\"exit\",\"ts\":%.6f,\"pid\":%" PRIu32 ",\"ppid\":%" PRIu32
		    ",\"comm\":",
		    finite_ts(ts), e->pid, e->ppid) < 0)
		return -1;
	if (escape_json_string(out, e->comm.ptr, e->comm.len))
		return -1;
	if (WIFEXITED(status)) {
		if (fprintf(out, ",\"exit_code\":%d,\"signal\":null", WEXITSTATUS(status)) < 0)
			return -1;
	} else if (WIFSIGNALED(status)) {
		core = WCOREDUMP(status);
		if (fprintf(out, ",\"exit_code\":null,\"signal\":%d", WTERMSIG(status)) < 0)
			return -1;
	} else {
		if (fputs(",\"exit_code\":null,\"signal\":null", out) == EOF)
			return -1;
	}
	if (fprintf(out, ",\"core_dumped\":%s}", json_bool(core)) < 0)
		return -1;
	return finish(out);
}

int format_lost_text(FILE *out, double ts, uint64_t count, uint32_t cpu)
{
	if (fprintf(out, "[%.6f] lost %" PRIu64 " events (cpu %" PRIu32 ")", finite_ts(ts), count,
		    cpu) < 0)
		return -1;
	return finish(out);
}

int format_lost_json(FILE *out, double ts, uint64_t count, uint32_t cpu)
{
	if (fprintf(out,
		    "{\"type\":\"lost\",\"ts\":%.6f,\"count\":%" PRIu64 ",\"cpu\":%" PRIu32 "}",
		    finite_ts(ts), count, cpu) < 0)
		return -1;
	return finish(out);
}
