/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * libtracer: exec, fork, exit and signal events of chosen processes, from
 * eBPF programs in the running kernel.
 *
 * Use:
 *
 *	TRACER_OPTS(o, .pids = pids, .n_pids = 1,	   defaults, then the scope
 *		    .on_event = print, .ctx = me);	   called for every event
 *	struct tracer *t;
 *
 *	err = tracer_create(&o, &t);	   checks the options, loads nothing
 *	err = tracer_start(t);		   loads, attaches, finds the processes in scope
 *	while (...)
 *		err = tracer_poll(t, 100); or poll(tracer_fd(t)) + tracer_consume(t)
 *	tracer_destroy(t);		   detaches and frees everything
 *
 * Every function that can fail returns 0 (or a count) on success and a
 * negative errno value on failure; tracer_strerror() describes it and
 * tracer_last_error() gives the handle's one-line reason for its last failure.
 *
 * Handles are independent: several in one process each have their own BPF
 * programs, maps and scope. A handle is not thread-safe: call its functions
 * from one thread at a time. The one process-wide setting is libbpf's print
 * callback (libbpf has a single one): tracer_create() installs one that
 * writes libbpf's messages to standard error while some handle created with
 * verbose set exists, and drops them otherwise; when the last handle is
 * destroyed, the callback from before the first tracer_create() is back. A
 * program with its own libbpf print callback sets it again after
 * tracer_create(); the library then leaves it in place.
 *
 * Loading needs root, or CAP_BPF with CAP_PERFMON, a kernel with BTF, and
 * tracefs (mounted by tracer_start() when missing, which needs CAP_SYS_ADMIN).
 */
#ifndef TRACER_TRACER_H
#define TRACER_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TRACER_VERSION_MAJOR 0
#define TRACER_VERSION_MINOR 1
#define TRACER_VERSION_PATCH 0

#ifndef TRACER_API
#define TRACER_API __attribute__((visibility("default")))
#endif

/* ---- Limits ---- */

/*
 * tracer_options.max_args: at most this many arguments captured per exec,
 * 1..TRACER_MAX_ARGS_LIMIT, or 0 (the default) for no count limit.
 */
#define TRACER_MAX_ARGS_DEFAULT 0
#define TRACER_MAX_ARGS_LIMIT 1048576
/*
 * tracer_options.max_arg_bytes: 1..TRACER_MAX_ARG_BYTES_LIMIT bytes of
 * arguments per exec (the sum of each argument's length + 1), and as many of
 * environment with capture_env. The limit is the kernel's ARG_MAX with an
 * 8 MiB stack. The default ring buffer (TRACER_RINGBUF_BYTES_DEFAULT) is
 * grown to hold at least three of the largest records these limits allow; a
 * size set by the caller is kept, and a record that does not fit is lost
 * (counted and reported as TRACER_EVENT_LOST).
 */
#define TRACER_MAX_ARG_BYTES_DEFAULT (256u << 10)
#define TRACER_MAX_ARG_BYTES_LIMIT (2u << 20)
/*
 * tracer_options.ringbuf_bytes: a power of two in MIN..MAX. The default is
 * grown as said above: 1 MiB with the default limits, 8 MiB with 2 MiB of
 * arguments.
 */
#define TRACER_RINGBUF_BYTES_DEFAULT (1ull << 20)
#define TRACER_RINGBUF_BYTES_MIN 4096ull
#define TRACER_RINGBUF_BYTES_MAX (1ull << 30)
/* The largest pid (the kernel's PID_MAX_LIMIT on 64-bit), and of tracer_options.max_procs. */
#define TRACER_PID_MAX 4194304
/* tracer_options.stop_at: at most this many patterns, each 1..TRACER_STOP_PATTERN_MAX bytes. */
#define TRACER_STOP_PATTERNS_MAX 8
#define TRACER_STOP_PATTERN_MAX 255
/*
 * Files excluded (exclude_paths and exclude_callers together): each is held
 * open while tracing, so that its inode cannot be freed and its number given
 * to another file.
 */
#define TRACER_EXCLUDE_FILES_MAX 1024
/* tracer_options.uids and .comms: at most this many of each. */
#define TRACER_FILTER_MAX 1024

/* ---- Events ---- */

enum tracer_event_type {
	TRACER_EVENT_EXEC = 1, /* an exec, successful or not */
	TRACER_EVENT_EXIT = 2, /* a whole process ended */
	TRACER_EVENT_FORK = 3, /* a process created a process (not a thread) */
	TRACER_EVENT_SIGNAL = 4, /* a signal was generated */
	TRACER_EVENT_LOST = 5, /* records the kernel could not write (buffer full) */
	TRACER_EVENT_STOP = 6, /* a process stopped at its exec (tracer_options.stop_at) */
};

/* A set of event types, as a bit mask (tracer_options.events). */
#define TRACER_EVENT_BIT(type) (1u << (type))
#define TRACER_EVENTS_ALL                                                            \
	(TRACER_EVENT_BIT(TRACER_EVENT_EXEC) | TRACER_EVENT_BIT(TRACER_EVENT_EXIT) | \
	 TRACER_EVENT_BIT(TRACER_EVENT_FORK) | TRACER_EVENT_BIT(TRACER_EVENT_SIGNAL))

/* A byte string that may hold any byte but NUL (comm, filename, one argument); not terminated. */
struct tracer_bytes {
	const char *ptr;
	size_t len;
};

/* tracer_exec_event.syscall_nr (x86_64) */
#define TRACER_SYSCALL_EXECVE 59
#define TRACER_SYSCALL_EXECVEAT 322

/* tracer_path.flags */
/* Longer than the kernel side reads (4095 bytes): the leading components are missing. */
#define TRACER_PATH_CUT (1u << 0)
/* The file or directory had been deleted (unlinked, or its directory removed). */
#define TRACER_PATH_DELETED (1u << 1)
/*
 * Not reachable from the process's root directory (a cwd left outside a
 * chroot, a lazily unmounted tree, a file from another mount namespace): the
 * path is given from the top of the tree of mounts it is on.
 */
#define TRACER_PATH_DETACHED (1u << 2)

/* An absolute path as the kernel resolved it; path.ptr is NULL when there is none. */
struct tracer_path {
	struct tracer_bytes path;
	uint32_t flags; /* TRACER_PATH_* */
};

/* What a file descriptor referred to (tracer_exec_event.stdio). */
enum tracer_fd_kind {
	TRACER_FD_UNKNOWN = 0, /* not read */
	TRACER_FD_CLOSED = 1, /* not open */
	TRACER_FD_PATH = 2, /* a file, directory, terminal or device: path */
	TRACER_FD_PIPE = 3, /* a pipe or FIFO without a name: ino ("pipe:[ino]") */
	TRACER_FD_SOCKET = 4, /* ino ("socket:[ino]") */
	TRACER_FD_ANON = 5, /* an anonymous inode: path holds its name ("[eventfd]") */
};

struct tracer_fd {
	enum tracer_fd_kind kind;
	struct tracer_path path; /* TRACER_FD_PATH, TRACER_FD_ANON */
	uint64_t ino; /* TRACER_FD_PIPE, TRACER_FD_SOCKET */
};

struct tracer_exec_event {
	uint32_t pid, tid, ppid, uid, gid;
	int32_t ret; /* 0 or -errno */
	uint32_t syscall_nr; /* TRACER_SYSCALL_EXECVE or TRACER_SYSCALL_EXECVEAT */
	struct tracer_bytes comm; /* the caller's, before the exec */
	struct tracer_bytes filename; /* as passed to exec */
	const char *tty; /* kernel name of the controlling terminal ("pts9"), NULL when none */
	uint32_t argc; /* number of entries in argv[] */
	struct tracer_bytes *argv;
	bool argv_truncated; /* argv[] is not the caller's whole argument list (limits) */
	bool argv_fault; /* some argument could not be read from memory (failed execs) */
	/* Fields below: check TRACER_EVENT_HAS(ev, exec.FIELD) before use. */
	/* The caller's whole argument list, also when argv[] holds less of it. */
	uint32_t total_argc; /* the true number of arguments */
	uint64_t total_argv_bytes; /* the true size: the sum of each argument's length + 1 */
	/*
	 * Where it ran and what ran, read in the kernel at the exec: paths are
	 * built from the dentries up to the process's root directory (at most
	 * 4095 bytes: a longer one keeps its trailing whole components,
	 * TRACER_PATH_CUT). cwd, the executed binary and an interpreter are
	 * resolved (symlinks followed). A #! script's own file is closed by the
	 * kernel before tracer can see it: exe is then the name it was run by,
	 * made absolute against cwd (with cwd's flags), its symlinks not
	 * resolved. Not NUL-terminated.
	 */
	struct tracer_path cwd; /* the caller's working directory */
	struct tracer_path exe; /* the file executed (a #! script: the script); none if failed */
	struct tracer_path interpreter; /* #! or binfmt_misc interpreter, else none */
	/*
	 * fds 0, 1 and 2 as the new program gets them (close-on-exec ones are
	 * TRACER_FD_CLOSED); for a failed exec, as the caller had them.
	 */
	struct tracer_fd stdio[3];
	uint32_t euid, egid; /* effective ids after the exec (setuid, setgid) */
	/* The environment, when tracer_options.capture_env is set (else env_captured false). */
	bool env_captured;
	bool env_truncated; /* env[] is not the whole environment (the byte limit) */
	bool env_fault; /* some of it could not be read */
	uint32_t envc; /* number of entries in env[] */
	struct tracer_bytes *env; /* "NAME=value" each, secret values redacted (redact_env) */
	uint32_t total_envc; /* the true number of entries */
	uint64_t total_env_bytes; /* the true size: the sum of each entry's length + 1 */
	/*
	 * filename is not what the caller passed: cut at 4095 bytes (a failed
	 * exec's, or execveat's before 6.10), or unreadable (filename empty).
	 */
	bool filename_truncated;
	bool filename_fault;
	/*
	 * Which file ran, and where, as the kernel knows it. Paths above are
	 * what the process sees: in its mount namespace a file bind-mounted
	 * over /usr/bin/passwd is /usr/bin/passwd, and only exe_ino and
	 * exe_dev tell it apart.
	 * The file exe names (a #! script: the script, learnt when its
	 * interpreter took over; 0 when it could not be: no kprobes), its
	 * inode number and device: exe_dev as stat(2)'s st_dev (makedev()),
	 * which stat(2) reports alike on file systems that give their own
	 * device (ext4, xfs, tmpfs; btrfs and overlayfs report another).
	 * Both 0 for a failed exec.
	 */
	uint64_t exe_ino;
	uint64_t exe_dev;
	/* The inode numbers of the process's mount and pid namespaces (as /proc/PID/ns/ shows them). */
	uint64_t mntns;
	uint64_t pidns;
	uint32_t ns_pid; /* the process's pid in that pid namespace (pid: in the initial one) */
	/*
	 * Its cgroup v2 (the one the kernel keeps whether or not a cgroup2 file
	 * system is mounted): the id bpf_get_current_cgroup_id() gives and the
	 * inode number of its directory, and its path from the hierarchy's
	 * root ("/system.slice/cron.service", "/" for the root), read at the
	 * exec (a group removed since is named all the same); len 0 when it
	 * could not be read whole (over 4095 bytes).
	 */
	uint64_t cgroup_id;
	struct tracer_bytes cgroup;
};

struct tracer_exit_event {
	uint32_t pid, ppid;
	int32_t exit_code; /* as a wait(2) status: WIFEXITED(), WTERMSIG() apply */
	struct tracer_bytes comm;
	uint64_t start_ns; /* the process's start, CLOCK_MONOTONIC like ts_ns */
	/* From its start, or from tracer's epoch for a process older than that. */
	uint64_t lifetime_ns;
	bool started_before; /* it started before the epoch: lifetime counts from there */
	/*
	 * What the process used: its thread group, threads that ended earlier
	 * included, read in the kernel as its last thread ended (so neither its
	 * children nor, unlike wait4(2), the children it reaped). Valid when
	 * usage_valid (TRACER_EVENT_HAS(ev, exit.usage_valid) first).
	 *
	 * CPU time as getrusage(2) gives it: the scheduler's exact runtime,
	 * split between user and system in the proportion the timer ticks
	 * sampled them; what the kernel spends on the exit after it reads them
	 * is not in it (closing files; on recent kernels freeing the memory,
	 * about 1 ms per 10 MiB). maxrss_kib: peak resident set (KiB) over the
	 * process's life, execs included. rchar, wchar: bytes passed through
	 * read(2), write(2) and the like (files, pipes, sockets, terminals), as
	 * /proc/PID/io counts them: with those of the children it reaped. nvcsw,
	 * nivcsw: voluntary (it waited) and involuntary (preempted) context
	 * switches.
	 */
	uint64_t utime_ns, stime_ns;
	uint64_t maxrss_kib;
	uint64_t rchar, wchar;
	uint64_t nvcsw, nivcsw;
	/*
	 * The figures above were read. False from a library older than them
	 * (which zeroes the event), or for a process of more than 65,536 threads.
	 */
	bool usage_valid;
};

struct tracer_fork_event {
	uint32_t pid; /* the new process */
	uint32_t ppid; /* the process that forked it */
	uint32_t parent_tid; /* the thread that forked */
	uint64_t start_ns; /* the new process's start, CLOCK_MONOTONIC */
	struct tracer_bytes comm; /* the parent's, which the child inherits */
};

/* The kernel's verdict on a generated signal (tracer_signal_event.result). */
enum tracer_signal_verdict {
	TRACER_SIGNAL_DELIVERED = 0,
	TRACER_SIGNAL_IGNORED = 1,
	TRACER_SIGNAL_ALREADY_PENDING = 2,
	TRACER_SIGNAL_QUEUE_FULL = 3, /* a real-time signal's queue */
	TRACER_SIGNAL_INFO_LOST = 4, /* delivered without its siginfo */
};

struct tracer_signal_event {
	int32_t sig;
	int32_t code; /* si_code as the target sees it */
	uint32_t result; /* enum tracer_signal_verdict */
	bool group; /* to the whole process (kill), not to one thread (tgkill) */
	bool kernel; /* generated by the kernel, not by kill(2) and the like */
	bool blocked; /* the target thread has it blocked */
	bool target_watched;
	bool sender_watched;
	uint32_t sender_pid, sender_tid; /* the task running when it was generated */
	uint32_t target_pid, target_tid;
	struct tracer_bytes sender_comm;
	struct tracer_bytes target_comm;
};

/*
 * A watched process whose exec matched one of tracer_options.stop_at: the
 * kernel has sent it SIGSTOP right after the exec succeeded, so it is stopped
 * before the new program's first instruction (a debugger that attaches sees
 * the entry point). It goes on when sent SIGCONT. Sent whatever
 * tracer_options.events says.
 */
struct tracer_stop_event {
	uint32_t pid, tid, ppid;
	uint32_t uid, euid; /* after the exec */
	int32_t error; /* 0: stopped; else -errno: the kernel could not stop it */
	uint32_t pattern_index; /* into tracer_options.stop_at */
	const char *pattern; /* that pattern */
	struct tracer_bytes comm; /* the new program's */
	/* The file executed, resolved (a #! script: its interpreter, which is what runs). */
	struct tracer_path exe;
	/* The filename the kernel was given: a #! script's own path, as the caller named it. */
	struct tracer_bytes filename;
	uint32_t argc;
	struct tracer_bytes *argv; /* the new image's, at most 4096 bytes of them */
	bool argv_truncated;
	uint64_t start_ns; /* the process's start, CLOCK_MONOTONIC like ts_ns */
	/* The same in CLOCK_BOOTTIME ns: /proc/PID/stat's starttime, in clock ticks, is this. */
	uint64_t start_boottime_ns;
	/*
	 * The set of patterns pattern_index is in: 0 for tracer_options.stop_at,
	 * N for the one the Nth tracer_set_stop_at() made (counted modulo 2^24).
	 */
	uint32_t pattern_generation;
};

/* Records lost on one CPU, reported where the loss was noticed. */
struct tracer_lost_event {
	uint64_t count;
};

/*
 * One event. What it points to (strings, argv) belongs to the library and is
 * valid only until the callback that receives it returns: copy what you keep.
 */
struct tracer_event {
	/*
	 * sizeof(struct tracer_event) in the library that delivers it: a field
	 * this header has but the library does not lies past sz and must not
	 * be read (TRACER_EVENT_HAS()).
	 */
	size_t sz;
	enum tracer_event_type type;
	uint64_t ts_ns; /* CLOCK_MONOTONIC, taken in the kernel */
	uint32_t cpu;
	uint64_t cpu_lost; /* cumulative losses on that CPU so far */
	union {
		struct tracer_exec_event exec;
		struct tracer_exit_event exit;
		struct tracer_fork_event fork;
		struct tracer_signal_event signal;
		struct tracer_lost_event lost;
		struct tracer_stop_event stop;
	};
};

/* Whether ev carries field (of struct tracer_event), i.e. the library that sent it knows it. */
#define TRACER_EVENT_HAS(ev, field) \
	((ev)->sz >= __builtin_offsetof(struct tracer_event, field) + sizeof((ev)->field))

/*
 * Called for each event, in the order the kernel wrote them, from inside
 * tracer_poll(), tracer_consume() or tracer_stop(). A non-zero return stops
 * the delivery: the call returns 1 and the rest stays buffered. The callback
 * must not call tracer_destroy() on its own handle.
 */
typedef int (*tracer_event_fn)(void *ctx, const struct tracer_event *ev);

/* ---- Options ---- */

/*
 * Fields may be added at the end: the library reads only the first sz bytes
 * (so a program built against an older header keeps working) and refuses a
 * larger struct whose bytes it does not know are not all zero. Set it up
 * with tracer_options_init() or TRACER_OPTS(), never by hand.
 */
struct tracer_options {
	size_t sz; /* sizeof(struct tracer_options) as the caller was built with */
	/* Scope: processes (thread ids name their process), terminals, or both. */
	const uint32_t *pids;
	size_t n_pids;
	/* Terminals as users write them: "/dev/pts/9", "pts/9", "pts9", "tty1", "ttyS0". */
	const char *const *ttys;
	size_t n_ttys;
	/* Also their descendants, present and future (default true). */
	bool watch_children;
	/*
	 * Every process of the machine (what execsnoop shows); pids and ttys must
	 * then be empty. No process table is kept: watched_now stays 0.
	 */
	bool system_wide;
	/*
	 * Which events the kernel sends: TRACER_EVENT_BIT()s of TRACER_EVENTS_ALL;
	 * none of them (0) means exec only. TRACER_EVENT_LOST and
	 * TRACER_EVENT_STOP events are delivered whatever it says.
	 */
	uint32_t events;
	/* Argument capture limits per exec: TRACER_MAX_ARGS_* and TRACER_MAX_ARG_BYTES_*. */
	unsigned int max_args;
	unsigned int max_arg_bytes;
	/* Kernel-to-user ring buffer in bytes: a power of two, at least 4096 (default: above). */
	uint64_t ringbuf_bytes;
	/* Capacity of the watched-process table; 0: as many as the machine can have. */
	uint64_t max_procs;
	/* CLOCK_MONOTONIC ns that exit lifetimes count from at the earliest; 0: tracer_create(). */
	uint64_t epoch_ns;
	/* libbpf's and the library's debug messages on standard error. */
	bool verbose;
	/* The event callback (may be NULL: events are counted and dropped) and its argument. */
	tracer_event_fn on_event;
	void *ctx;
	/*
	 * Execs dropped in the kernel, before they reach the ring buffer (and
	 * counted in tracer_stats.excluded):
	 * - exclude_paths: those that run one of these files (the file the
	 *   kernel loads; for a #! script, its interpreter);
	 * - exclude_callers (below): those made by a root process (real uid 0)
	 *   that runs one of these files (its executable, /proc/PID/exe); another
	 *   user's process is not trusted: that user can steer it (LD_PRELOAD,
	 *   ptrace);
	 * - exclude_comms: those whose caller's comm (as reported) is one of
	 *   these names (cut to 15 bytes, as the kernel cuts comm). Any process
	 *   can take any comm: a convenience, not a boundary.
	 * Files are opened by tracer_start() and compared in the kernel by
	 * device and inode: a symlink or hard link to the file is the file, a
	 * copy is not. Each must be a regular file, not a script (a script's
	 * process runs its interpreter), TRACER_EXCLUDE_FILES_MAX in all. A
	 * failed exec runs no file: exclude_paths does not drop it. Only exec
	 * events are dropped; fork, exit and signal events are not.
	 */
	const char *const *exclude_paths;
	size_t n_exclude_paths;
	const char *const *exclude_comms;
	size_t n_exclude_comms;
	/*
	 * Capture each exec's environment (tracer_exec_event.env), within
	 * max_arg_bytes like the arguments. The values of variables whose names
	 * look secret (PASSWORD, TOKEN, ...: see tracer(1)) are replaced with
	 * TRACER_REDACTED unless keep_secrets is set.
	 */
	bool capture_env;
	bool keep_secrets;
	/*
	 * Stop at exec (TRACER_EVENT_STOP): a watched process whose exec
	 * succeeds is stopped by the kernel before its first instruction when
	 * one of these glob patterns (fnmatch(3) without flags, in the C locale:
	 * '*', '?', [...] with '!' or '^', backslash escapes; no [:class:]) matches
	 * the resolved path of the file executed, the filename the kernel was
	 * given (a script's own path), or the basename of either. At most
	 * TRACER_STOP_PATTERNS_MAX patterns of at most TRACER_STOP_PATTERN_MAX
	 * bytes. The library does not resume them: the caller does (SIGCONT).
	 * Never stopped: a process the caller's process forks after
	 * tracer_start() (a debugger it runs for a stop), and what such a
	 * process runs, as long as it stays below it (one that daemonizes and
	 * is reparented can be). A child forked before tracer_start() (a
	 * command to trace) is stopped as asked.
	 */
	const char *const *stop_at;
	size_t n_stop_at;
	/* See exclude_paths. */
	const char *const *exclude_callers;
	size_t n_exclude_callers;
	/*
	 * A directory of a mounted cgroup v2 hierarchy ("/sys/fs/cgroup/x.slice"):
	 * the scope narrowed, in the kernel, to the processes in that cgroup or
	 * below it at the time of each event: an exec (its caller), a fork (the
	 * parent), an exit, a signal (its target, or its sender). The processes
	 * outside stay watched (their children are in scope as before); only
	 * their events are not sent. NULL: no such limit.
	 */
	const char *cgroup;
	/*
	 * Only these execs are reported, decided in the kernel before they
	 * reach the ring buffer (the others are counted in
	 * tracer_stats.filtered); both lists set: both must match.
	 * - uids: the real or the effective uid after the exec is one of these;
	 * - comms: the new program's name is one of these (cut to 15 bytes, as
	 *   the kernel cuts comm): its comm after the exec, the basename of the
	 *   filename it was run by (for fexecve(), the file's name); for a failed
	 *   exec, the basename of the filename it was given.
	 * At most TRACER_FILTER_MAX of each. Only exec events are filtered; the
	 * processes stay in scope, their fork, exit and signal events are sent.
	 */
	const uint32_t *uids;
	size_t n_uids;
	const char *const *comms;
	size_t n_comms;
	/*
	 * The stop_at patterns can be changed while running, by
	 * tracer_set_stop_at() (a debugger's breakpoints): they live in a map.
	 * Without it they are fixed at start, in read-only data, and an exec
	 * costs less (nothing at all without patterns).
	 */
	bool stop_at_dynamic;
};

/*
 * What a redacted environment value is replaced with. Two rules:
 *
 * - By name ("NAME=<redacted>"): the NAME is split into words, at every
 *   character but a letter or a digit, between letters and digits, and where
 *   the case changes (apiKey, DBPassword: api Key, DB Password). The value is
 *   redacted when a word is, in any case, one of PASS PW PWD SECRET(S)
 *   TOKEN(S) KEY(S) CRED(S) AUTH COOKIE(S) SALT BEARER JWT DSN WEBHOOK
 *   SIGNATURE PASSPHRASE (PWD only within a longer name: MYSQL_PWD, not the
 *   shell's PWD), or ends with one of PASSWORD(S) PASSWD PASSPHRASE SECRET
 *   TOKEN CREDENTIAL(S) APIKEY ACCESSKEY SECRETKEY PRIVATEKEY (PGPASSWORD,
 *   GITHUBTOKEN). So API_KEY, AWS_SECRET_ACCESS_KEY, LDAP_BIND_PW, SMTP_PW,
 *   SLACK_WEBHOOK_URL and SSH_AUTH_SOCK are redacted; KEYMAP, MONKEY,
 *   XDG_SESSION_ID, DBUS_SESSION_BUS_ADDRESS, PRIVATE_DIR and
 *   TOKENIZERS_PARALLELISM are not.
 * - Whatever the name, the password of a URL's user info
 *   ("DATABASE_URL=postgres://alice:<redacted>@host", up to the last '@' of
 *   the authority); a user without a password is kept.
 *
 * An entry without '=' is kept.
 */
#define TRACER_REDACTED "<redacted>"

/* The defaults: a field added later defaults to zero. */
#define TRACER_OPTIONS_DEFAULTS                                                             \
	.sz = sizeof(struct tracer_options), .watch_children = true,                        \
	.events = TRACER_EVENT_BIT(TRACER_EVENT_EXEC), .max_args = TRACER_MAX_ARGS_DEFAULT, \
	.max_arg_bytes = TRACER_MAX_ARG_BYTES_DEFAULT,                                      \
	.ringbuf_bytes = TRACER_RINGBUF_BYTES_DEFAULT

/* Fills o with the defaults (NULL is a no-op). Always call it first. */
static inline void tracer_options_init(struct tracer_options *o)
{
	if (o)
		*o = (struct tracer_options){ TRACER_OPTIONS_DEFAULTS };
}

/*
 * Declares and initializes options in one go, defaults first:
 *	TRACER_OPTS(o, .pids = pids, .n_pids = 1, .on_event = print);
 * (the defaults are overridden by the fields given: the override warning is
 * silenced for this declaration only).
 */
#define TRACER_OPTS(name, ...)                                                               \
	_Pragma("GCC diagnostic push") _Pragma(                                              \
		"GCC diagnostic ignored \"-Woverride-init\"") struct tracer_options name = { \
		TRACER_OPTIONS_DEFAULTS, __VA_ARGS__                                         \
	};                                                                                   \
	_Pragma("GCC diagnostic pop")

/* ---- Handle ---- */

struct tracer;

/*
 * Checks the options and allocates a handle; nothing is loaded and the
 * options' arrays are copied (they need not outlive the call). Everything
 * the options name is checked here, so that a caller can refuse bad input
 * before it starts anything: the limits, terminal names (their syntax:
 * whether the terminal exists is found at start), stop patterns, and the
 * excluded files (each must exist and be a regular file that is not a #!
 * script; they are opened again at start), and the cgroup (a directory of a
 * cgroup2 file system; opened again at start). Errors: -EINVAL bad options
 * or NULL (system_wide with pids or ttys, an empty exclusion, a malformed
 * terminal name or pattern, an excluded file of the wrong kind, a cgroup
 * directory that is not a cgroup v2 one),
 * -ENAMETOOLONG an excluded path of PATH_MAX bytes or more, -E2BIG more than
 * TRACER_EXCLUDE_FILES_MAX excluded files, an excluded file or a cgroup
 * directory that cannot be opened (its errno: -ENOENT, -ENOTDIR, -EACCES...),
 * -ENOMEM. On error *out is NULL
 * and tracer_last_error(NULL) gives the one-line reason ("cannot exclude
 * '/x': No such file or directory").
 */
TRACER_API int tracer_create(const struct tracer_options *o, struct tracer **out);

/*
 * Resolves the scope, loads and attaches the BPF programs, then watches the
 * processes in scope that are running (and those forked meanwhile). From its
 * return on, every event in scope is recorded. Errors, in the order they are
 * checked: -EINVAL NULL; -EALREADY started before; -ESRCH a pid names no
 * process; -ENOENT no such terminal; -ENOTTY not a terminal; -EPERM not
 * privileged; -ENOSYS no kernel BTF; an excluded file that cannot be opened
 * now (its errno), or is no longer a regular file or is a script (-EINVAL);
 * what loading or attaching failed with; -ESRCH again when every pid named exited during the
 * start (and no terminal was given). After a failure the handle can be
 * started again or destroyed.
 */
TRACER_API int tracer_start(struct tracer *t);

/*
 * Waits up to timeout_ms (-1: forever, 0: not at all) for events and delivers
 * them, and every event already buffered. Within 20 ms of a call that
 * delivered events, it first waits for the rest of those 20 ms (within
 * timeout_ms): under load, events come in batches, one wake-up for each.
 * Returns 0 (also when a signal interrupted the wait), 1 when the callback
 * stopped the delivery, or a negative errno (-EINVAL not started).
 */
TRACER_API int tracer_poll(struct tracer *t, int timeout_ms);

/*
 * A descriptor that polls readable (POLLIN, EPOLLIN) when events are waiting,
 * for the caller's own poll(2)/epoll loop; then call tracer_consume(). It
 * belongs to the handle: do not close it. It turns readable at the first
 * event after tracer_consume() has taken everything, so no timer is needed;
 * to batch events, wait a little after it turns readable. -EINVAL before
 * start.
 */
TRACER_API int tracer_fd(struct tracer *t);

/* Delivers every buffered event without waiting. Returns 0, 1 (stopped) or -errno. */
TRACER_API int tracer_consume(struct tracer *t);

/*
 * Adds a process (and, with watch_children, its descendants) to the scope
 * while running. Returns 0 (also when it was already watched), -ESRCH no
 * such process, -ENOSPC table full, -EINVAL not started.
 */
TRACER_API int tracer_watch_pid(struct tracer *t, uint32_t pid);

/*
 * Replaces the stop patterns (tracer_options.stop_at, same rules) with these
 * n, at once: an exec is matched against the old set or the new one, never a
 * mix. Needs stop_at_dynamic. Before start, the patterns the start will use.
 * A stop event names its pattern from the set it matched in, for the last 8
 * sets replaced (else pattern is ""). Returns 0, -EINVAL (no
 * stop_at_dynamic, a bad pattern, more than TRACER_STOP_PATTERNS_MAX: the
 * patterns are then unchanged, tracer_last_error() says why), -ENOMEM.
 */
TRACER_API int tracer_set_stop_at(struct tracer *t, const char *const *patterns, size_t n);

/*
 * Removes a process (a thread id names its process) from the scope; its
 * descendants stay watched. Returns 0,
 * -ENOENT when it was not watched, -EINVAL not started.
 */
TRACER_API int tracer_unwatch_pid(struct tracer *t, uint32_t pid);

/*
 * Detaches the programs (nothing new is recorded) and delivers what is still
 * buffered. Idempotent. Returns 0, 1 (stopped) or -errno; -EINVAL not started.
 */
TRACER_API int tracer_stop(struct tracer *t);

struct tracer_stats {
	uint64_t events; /* events delivered (lost records not counted) */
	uint64_t lost; /* records the kernel could not write */
	uint64_t malformed; /* records that did not decode (a bug) */
	uint64_t insert_fail; /* processes that could not be watched: table full */
	uint64_t stage_fail; /* execs reported without their entry details */
	uint64_t watched_now; /* processes watched at this moment */
	uint64_t watched_total; /* processes watched since start */
	uint64_t proc_capacity; /* size of the watched-process table */
	uint64_t excluded; /* execs dropped by exclude_paths, exclude_callers and exclude_comms */
	uint64_t filtered; /* execs not reported for the filters uids and comms */
};

/* Fills st. Before start, everything is 0. -EINVAL for NULL. */
TRACER_API int tracer_get_stats(struct tracer *t, struct tracer_stats *st);

/*
 * tracer_stats.watched_now alone, read from memory shared with the kernel:
 * no system call, unlike tracer_get_stats() (the per-CPU counters), so it can
 * be asked after every poll. 0 before start and for NULL.
 */
TRACER_API uint64_t tracer_watched_now(struct tracer *t);

/* Detaches and frees everything (undelivered events are dropped). NULL is a no-op. */
TRACER_API void tracer_destroy(struct tracer *t);

/* ---- Errors and version ---- */

/* A description of a negative errno value returned by the library. Never NULL. */
TRACER_API const char *tracer_strerror(int err);

/*
 * The handle's one-line reason for its last failure ("cannot attach BPF
 * program on_exec: ..."), "" when none. Valid until the next call on t.
 * With t NULL: the reason the calling thread's last tracer_create() failed
 * ("" after one that succeeded), valid until that thread's next
 * tracer_create(). Values the caller gave appear between single quotes,
 * control characters escaped: the reason is always one line.
 */
TRACER_API const char *tracer_last_error(const struct tracer *t);

/* The library's version, "MAJOR.MINOR.PATCH" (that of the .so, not of the header). */
TRACER_API const char *tracer_version(void);

#ifdef __cplusplus
}
#endif

#endif /* TRACER_TRACER_H */
