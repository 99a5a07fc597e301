// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Names of errno values, signals, si_codes and the kernel's signal verdicts,
 * for every writer (text, JSON, sh, the tree, the timeline). Knows no writer.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <tracer/tracer.h>

#include "names.h"

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
