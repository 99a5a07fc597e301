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

#include "context.h"
#include "envdiff.h"
#include "escape.h"
#include "format.h"
#include "num.h"

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

/* Real-time signals, named as strace does: SIGRT_n is signal 32 + n. */
static const char *const rt_signal_names[] = {
	"SIGRT_0",  "SIGRT_1",	"SIGRT_2",  "SIGRT_3",	"SIGRT_4",  "SIGRT_5",	"SIGRT_6",
	"SIGRT_7",  "SIGRT_8",	"SIGRT_9",  "SIGRT_10", "SIGRT_11", "SIGRT_12", "SIGRT_13",
	"SIGRT_14", "SIGRT_15", "SIGRT_16", "SIGRT_17", "SIGRT_18", "SIGRT_19", "SIGRT_20",
	"SIGRT_21", "SIGRT_22", "SIGRT_23", "SIGRT_24", "SIGRT_25", "SIGRT_26", "SIGRT_27",
	"SIGRT_28", "SIGRT_29", "SIGRT_30", "SIGRT_31", "SIGRT_32",
};

const char *signal_name(int sig)
{
	if (sig > 0 && (size_t)sig < ARRAY_SIZE(signal_names))
		return signal_names[sig];
	if (sig >= 32 && (size_t)(sig - 32) < ARRAY_SIZE(rt_signal_names))
		return rt_signal_names[sig - 32];
	return NULL;
}

struct code_name {
	int sig; /* 0: any signal */
	int code;
	const char *name;
};

/* si_code values: the generic ones, then the kernel's per-signal ones (positive, below SI_KERNEL). */
static const struct code_name code_names[] = {
	{ 0, 0, "SI_USER" },
	{ 0, 0x80, "SI_KERNEL" },
	{ 0, -1, "SI_QUEUE" },
	{ 0, -2, "SI_TIMER" },
	{ 0, -3, "SI_MESGQ" },
	{ 0, -4, "SI_ASYNCIO" },
	{ 0, -5, "SI_SIGIO" },
	{ 0, -6, "SI_TKILL" },
	{ 0, -7, "SI_DETHREAD" },
	{ 0, -60, "SI_ASYNCNL" },
	{ SIGCHLD, 1, "CLD_EXITED" },
	{ SIGCHLD, 2, "CLD_KILLED" },
	{ SIGCHLD, 3, "CLD_DUMPED" },
	{ SIGCHLD, 4, "CLD_TRAPPED" },
	{ SIGCHLD, 5, "CLD_STOPPED" },
	{ SIGCHLD, 6, "CLD_CONTINUED" },
	{ SIGSEGV, 1, "SEGV_MAPERR" },
	{ SIGSEGV, 2, "SEGV_ACCERR" },
	{ SIGSEGV, 3, "SEGV_BNDERR" },
	{ SIGSEGV, 4, "SEGV_PKUERR" },
	{ SIGBUS, 1, "BUS_ADRALN" },
	{ SIGBUS, 2, "BUS_ADRERR" },
	{ SIGBUS, 3, "BUS_OBJERR" },
	{ SIGBUS, 4, "BUS_MCEERR_AR" },
	{ SIGBUS, 5, "BUS_MCEERR_AO" },
	{ SIGILL, 1, "ILL_ILLOPC" },
	{ SIGILL, 2, "ILL_ILLOPN" },
	{ SIGILL, 3, "ILL_ILLADR" },
	{ SIGILL, 4, "ILL_ILLTRP" },
	{ SIGILL, 5, "ILL_PRVOPC" },
	{ SIGILL, 6, "ILL_PRVREG" },
	{ SIGILL, 7, "ILL_COPROC" },
	{ SIGILL, 8, "ILL_BADSTK" },
	{ SIGFPE, 1, "FPE_INTDIV" },
	{ SIGFPE, 2, "FPE_INTOVF" },
	{ SIGFPE, 3, "FPE_FLTDIV" },
	{ SIGFPE, 4, "FPE_FLTOVF" },
	{ SIGFPE, 5, "FPE_FLTUND" },
	{ SIGFPE, 6, "FPE_FLTRES" },
	{ SIGFPE, 7, "FPE_FLTINV" },
	{ SIGFPE, 8, "FPE_FLTSUB" },
	{ SIGTRAP, 1, "TRAP_BRKPT" },
	{ SIGTRAP, 2, "TRAP_TRACE" },
	{ SIGTRAP, 3, "TRAP_BRANCH" },
	{ SIGTRAP, 4, "TRAP_HWBKPT" },
	{ SIGIO, 1, "POLL_IN" },
	{ SIGIO, 2, "POLL_OUT" },
	{ SIGIO, 3, "POLL_MSG" },
	{ SIGIO, 4, "POLL_ERR" },
	{ SIGIO, 5, "POLL_PRI" },
	{ SIGIO, 6, "POLL_HUP" },
	{ SIGSYS, 1, "SYS_SECCOMP" },
};

const char *signal_code_name(int sig, int code)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(code_names); i++) {
		if (code_names[i].code != code)
			continue;
		/* Positive codes below SI_KERNEL mean something only for their signal. */
		if (code_names[i].sig == 0 ? (code <= 0 || code == 0x80) : code_names[i].sig == sig)
			return code_names[i].name;
	}
	return NULL;
}

static const char *const signal_results[] = {
	[TRACER_SIGNAL_DELIVERED] = "delivered",
	[TRACER_SIGNAL_IGNORED] = "ignored",
	[TRACER_SIGNAL_ALREADY_PENDING] = "already_pending",
	[TRACER_SIGNAL_QUEUE_FULL] = "overflow",
	[TRACER_SIGNAL_INFO_LOST] = "info_lost",
};

const char *signal_result_name(uint32_t result)
{
	if (result >= ARRAY_SIZE(signal_results))
		return NULL;
	return signal_results[result];
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
	case TRACER_SYSCALL_EXECVE:
		return "execve";
	case TRACER_SYSCALL_EXECVEAT:
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

static const char *json_bool(bool b)
{
	return b ? "true" : "false";
}

static int finish(FILE *out)
{
	if (fputc('\n', out) == EOF || ferror(out))
		return -1;
	return 0;
}

/*
 * Whether the filename is marked unreadable or cut: only for an event whose
 * library knows these fields (marks).
 */
static bool filename_fault(const struct tracer_exec_event *e, bool marks)
{
	return marks && e->filename_fault;
}

static bool filename_truncated(const struct tracer_exec_event *e, bool marks)
{
	return marks && e->filename_truncated;
}

static const char *filename_label(const struct tracer_exec_event *e, bool marks)
{
	if (filename_fault(e, marks))
		return " filename(unreadable)=";
	if (filename_truncated(e, marks))
		return " filename(truncated)=";
	return " filename=";
}

static int exec_text(FILE *out, double ts, const struct tracer_exec_event *e, bool ctx, bool marks,
		     struct envdiff *env)
{
	const char *err = ret_errno_name(e->ret);
	uint32_t argc = e->argv ? e->argc : 0;
	char buf[6 * (NUM_MAX + 16)], *p = buf;
	const char *label;
	uint32_t i;

	if (fputc('[', out) == EOF || num_put_ts(out, finite_ts(ts)))
		return -1;
	p = num_u64(NUM_LIT(p, "] pid="), e->pid);
	p = num_u64(NUM_LIT(p, " tid="), e->tid);
	p = num_u64(NUM_LIT(p, " uid="), e->uid);
	p = num_u64(NUM_LIT(p, " gid="), e->gid);
	p = num_u64(NUM_LIT(p, " syscall_id="), e->syscall_nr);
	p = NUM_LIT(p, " comm=");
	if (num_flush(out, buf, p) || escape_c_quoted(out, e->comm.ptr, e->comm.len))
		return -1;
	if (fputs(filename_label(e, marks), out) == EOF)
		return -1;
	if (escape_c_quoted(out, e->filename.ptr, e->filename.len))
		return -1;
	p = num_u64(NUM_LIT(buf, " ppid="), e->ppid);
	p = num_i64(NUM_LIT(p, " ret="), e->ret);
	if (num_flush(out, buf, p))
		return -1;
	if (err && (fputs(" err=", out) == EOF || fputs(err, out) == EOF))
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
	if (ctx && text_context(out, e, env))
		return -1;

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

int format_exec_text(FILE *out, double ts, const struct tracer_exec_event *e)
{
	return exec_text(out, ts, e, false, false, NULL);
}

static int exec_json(FILE *out, double ts, const struct tracer_exec_event *e, bool ctx, bool marks)
{
	const char *err = ret_errno_name(e->ret);
	uint32_t argc = e->argv ? e->argc : 0;
	char buf[6 * (NUM_MAX + 16)], *p;
	uint32_t i;

	if (fputs("{\"type\":\"exec\",\"ts\":", out) == EOF || num_put_ts(out, finite_ts(ts)))
		return -1;
	p = num_u64(NUM_LIT(buf, ",\"pid\":"), e->pid);
	p = num_u64(NUM_LIT(p, ",\"tid\":"), e->tid);
	p = num_u64(NUM_LIT(p, ",\"ppid\":"), e->ppid);
	p = num_u64(NUM_LIT(p, ",\"uid\":"), e->uid);
	p = num_u64(NUM_LIT(p, ",\"gid\":"), e->gid);
	p = NUM_LIT(p, ",\"comm\":");
	if (num_flush(out, buf, p))
		return -1;
	if (escape_json_string(out, e->comm.ptr, e->comm.len))
		return -1;
	if (fputs(",\"filename\":", out) == EOF)
		return -1;
	if (escape_json_string(out, e->filename.ptr, e->filename.len))
		return -1;
	if (filename_fault(e, marks) && fputs(",\"filename_fault\":true", out) == EOF)
		return -1;
	if (filename_truncated(e, marks) && fputs(",\"filename_truncated\":true", out) == EOF)
		return -1;
	if (fputs(",\"argv\":[", out) == EOF)
		return -1;
	for (i = 0; i < argc; i++) {
		if (i && fputc(',', out) == EOF)
			return -1;
		if (escape_json_string(out, e->argv[i].ptr, e->argv[i].len))
			return -1;
	}
	/* About 140 bytes at most: ENOTRECOVERABLE is the longest errno name. */
	p = stpcpy(NUM_LIT(buf, "],\"argv_truncated\":"), json_bool(e->argv_truncated));
	p = stpcpy(NUM_LIT(p, ",\"argv_fault\":"), json_bool(e->argv_fault));
	p = stpcpy(NUM_LIT(p, ",\"syscall\":\""), syscall_name(e->syscall_nr));
	p = num_u64(NUM_LIT(p, "\",\"syscall_id\":"), e->syscall_nr);
	p = num_i64(NUM_LIT(p, ",\"ret\":"), e->ret);
	p = NUM_LIT(p, ",\"errno\":");
	if (err)
		p = NUM_LIT(stpcpy(NUM_LIT(p, "\""), err), "\"");
	else
		p = NUM_LIT(p, "null");
	if (num_flush(out, buf, p))
		return -1;
	if (fputs(",\"tty\":", out) == EOF)
		return -1;
	if (e->tty ? escape_json_string(out, e->tty, strlen(e->tty)) : fputs("null", out) == EOF)
		return -1;
	if (ctx && json_context(out, e))
		return -1;
	if (fputc('}', out) == EOF)
		return -1;
	return finish(out);
}

int format_exec_json(FILE *out, double ts, const struct tracer_exec_event *e)
{
	return exec_json(out, ts, e, false, false);
}

/* Whether ev carries the context fields (total_argc to total_env_bytes): all or none. */
static bool has_context(const struct tracer_event *ev)
{
	return TRACER_EVENT_HAS(ev, exec.total_env_bytes);
}

/* Whether ev says if its filename is cut or unreadable. */
static bool has_filename_marks(const struct tracer_event *ev)
{
	return TRACER_EVENT_HAS(ev, exec.filename_fault);
}

int format_exec_event(FILE *out, enum format_kind kind, struct envdiff *env, double ts,
		      const struct tracer_event *ev)
{
	switch (kind) {
	case FORMAT_JSON:
		return exec_json(out, ts, &ev->exec, has_context(ev), has_filename_marks(ev));
	case FORMAT_SH:
		return format_exec_sh(out, ev);
	case FORMAT_TEXT:
	default:
		return exec_text(out, ts, &ev->exec, has_context(ev), has_filename_marks(ev), env);
	}
}

/* Seconds, from nanoseconds, for printing with %.6f. */
static double ns_to_s(uint64_t ns)
{
	return (double)ns / 1e9;
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
	if (fprintf(out, " lifetime=%.6f", ns_to_s(e->lifetime_ns)) < 0)
		return -1;
	if (e->started_before && fputs(" (since tracer start)", out) == EOF)
		return -1;
	return finish(out);
}

/* "NAME" or null. */
static int json_name(FILE *out, const char *name)
{
	if (name)
		return fprintf(out, "\"%s\"", name) < 0 ? -1 : 0;
	return fputs("null", out) == EOF ? -1 : 0;
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
		if (fprintf(out, ",\"exit_code\":%d,\"signal\":null,\"signal_name\":null",
			    WEXITSTATUS(status)) < 0)
			return -1;
	} else if (WIFSIGNALED(status)) {
		core = WCOREDUMP(status);
		if (fprintf(out, ",\"exit_code\":null,\"signal\":%d,\"signal_name\":",
			    WTERMSIG(status)) < 0)
			return -1;
		if (json_name(out, signal_name(WTERMSIG(status))))
			return -1;
	} else {
		if (fputs(",\"exit_code\":null,\"signal\":null,\"signal_name\":null", out) == EOF)
			return -1;
	}
	if (fprintf(out, ",\"core_dumped\":%s,\"lifetime\":%.6f,\"started_before\":%s}",
		    json_bool(core), ns_to_s(e->lifetime_ns), json_bool(e->started_before)) < 0)
		return -1;
	return finish(out);
}

int format_fork_text(FILE *out, double ts, const struct tracer_fork_event *e)
{
	if (fprintf(out,
		    "[%.6f] fork pid=%" PRIu32 " ppid=%" PRIu32 " parent_tid=%" PRIu32 " comm=",
		    finite_ts(ts), e->pid, e->ppid, e->parent_tid) < 0)
		return -1;
	if (escape_c_quoted(out, e->comm.ptr, e->comm.len))
		return -1;
	return finish(out);
}

int format_fork_json(FILE *out, double ts, const struct tracer_fork_event *e)
{
	if (fprintf(out,
		    "{\"type\":\"fork\",\"ts\":%.6f,\"pid\":%" PRIu32 ",\"ppid\":%" PRIu32
		    ",\"parent_tid\":%" PRIu32 ",\"comm\":",
		    finite_ts(ts), e->pid, e->ppid, e->parent_tid) < 0)
		return -1;
	if (escape_json_string(out, e->comm.ptr, e->comm.len))
		return -1;
	if (fputc('}', out) == EOF)
		return -1;
	return finish(out);
}

int format_signal_text(FILE *out, double ts, const struct tracer_signal_event *e)
{
	const char *name = signal_name(e->sig);
	const char *code = signal_code_name(e->sig, e->code);
	const char *result = signal_result_name(e->result);

	if (fprintf(out, "[%.6f] signal sig=%" PRId32, finite_ts(ts), e->sig) < 0)
		return -1;
	if (name && fprintf(out, " (%s)", name) < 0)
		return -1;
	if (code ? fprintf(out, " code=%s", code) < 0 : fprintf(out, " code=%" PRId32, e->code) < 0)
		return -1;
	/* A kernel-generated signal has no sender: name the task it came from. */
	if (fprintf(out,
		    e->kernel ? " sender=kernel current=%" PRIu32 " current_comm=" :
				" sender=%" PRIu32 " sender_comm=",
		    e->sender_pid) < 0)
		return -1;
	if (escape_c_quoted(out, e->sender_comm.ptr, e->sender_comm.len))
		return -1;
	if (fprintf(out, " target=%" PRIu32 " target_tid=%" PRIu32 " target_comm=", e->target_pid,
		    e->target_tid) < 0)
		return -1;
	if (escape_c_quoted(out, e->target_comm.ptr, e->target_comm.len))
		return -1;
	if (fprintf(out, " to=%s", e->group ? "process" : "thread") < 0)
		return -1;
	if (result ? fprintf(out, " result=%s", result) < 0 :
		     fprintf(out, " result=%" PRIu32, e->result) < 0)
		return -1;
	if (e->blocked && fputs(" blocked", out) == EOF)
		return -1;
	return finish(out);
}

int format_signal_json(FILE *out, double ts, const struct tracer_signal_event *e)
{
	const char *result = signal_result_name(e->result);

	if (fprintf(out, "{\"type\":\"signal\",\"ts\":%.6f,\"signal\":%" PRId32 ",\"signal_name\":",
		    finite_ts(ts), e->sig) < 0)
		return -1;
	if (json_name(out, signal_name(e->sig)))
		return -1;
	if (fprintf(out, ",\"code\":%" PRId32 ",\"code_name\":", e->code) < 0)
		return -1;
	if (json_name(out, signal_code_name(e->sig, e->code)))
		return -1;
	if (fprintf(out,
		    ",\"origin\":\"%s\",\"sender_pid\":%" PRIu32 ",\"sender_tid\":%" PRIu32
		    ",\"sender_comm\":",
		    e->kernel ? "kernel" : "user", e->sender_pid, e->sender_tid) < 0)
		return -1;
	if (escape_json_string(out, e->sender_comm.ptr, e->sender_comm.len))
		return -1;
	if (fprintf(out, ",\"target_pid\":%" PRIu32 ",\"target_tid\":%" PRIu32 ",\"target_comm\":",
		    e->target_pid, e->target_tid) < 0)
		return -1;
	if (escape_json_string(out, e->target_comm.ptr, e->target_comm.len))
		return -1;
	if (fprintf(out, ",\"group\":%s,\"result\":", json_bool(e->group)) < 0)
		return -1;
	if (result ? json_name(out, result) : fprintf(out, "\"%" PRIu32 "\"", e->result) < 0)
		return -1;
	if (fprintf(out, ",\"blocked\":%s}", json_bool(e->blocked)) < 0)
		return -1;
	return finish(out);
}

int format_event(FILE *out, bool json, double ts, const struct tracer_event *ev)
{
	return format_event_as(out, json ? FORMAT_JSON : FORMAT_TEXT, NULL, ts, ev);
}

int format_event_as(FILE *out, enum format_kind kind, struct envdiff *env, double ts,
		    const struct tracer_event *ev)
{
	bool json = kind == FORMAT_JSON;

	if (kind == FORMAT_SH) {
		/* Commands only: the rest as comments at most. */
		if (ev->type == TRACER_EVENT_EXEC)
			return format_exec_sh(out, ev);
		if (ev->type == TRACER_EVENT_LOST)
			return format_lost_sh(out, ev->lost.count, ev->cpu);
		/* A stopped process waits for the user: said as a comment. */
		if (ev->type == TRACER_EVENT_STOP)
			return fputs("# ", out) == EOF ? -1 : format_stop_text(out, 0, &ev->stop);
		return 0;
	}
	if (ev->type == TRACER_EVENT_EXIT)
		envdiff_forget(env, ev->exit.pid);
	switch (ev->type) {
	case TRACER_EVENT_EXEC:
		return format_exec_event(out, kind, env, ts, ev);
	case TRACER_EVENT_EXIT:
		return json ? format_exit_json(out, ts, &ev->exit) :
			      format_exit_text(out, ts, &ev->exit);
	case TRACER_EVENT_FORK:
		return json ? format_fork_json(out, ts, &ev->fork) :
			      format_fork_text(out, ts, &ev->fork);
	case TRACER_EVENT_SIGNAL:
		return json ? format_signal_json(out, ts, &ev->signal) :
			      format_signal_text(out, ts, &ev->signal);
	case TRACER_EVENT_LOST:
		return json ? format_lost_json(out, ts, ev->lost.count, ev->cpu) :
			      format_lost_text(out, ts, ev->lost.count, ev->cpu);
	case TRACER_EVENT_STOP:
		return json ? format_stop_json(out, finite_ts(ts), &ev->stop) :
			      format_stop_text(out, finite_ts(ts), &ev->stop);
	}
	return 0;
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
