/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The harness of every kernel test (tests/e2e, launch, lifecycle, stress):
 * runs the real tracer binary as a child, runs workloads (helper programs,
 * tests/workloads) that block on a gate until the test releases them, reads
 * tracer's output back and checks the events.
 *
 *   core.c      memory, files and children that live as long as the test; main()
 *   tracer.c    tracer as a long-lived child: ready line, exit, summary
 *   launch.c    tracer run to completion as a shell would (launch mode)
 *   events.c    exec records parsed byte-exact, checked field by field
 *   json.c      records of any type as json-c objects
 *   workload.c  workloads, gates and reports; the negative controls
 *   bpf.c       the BPF objects a process holds
 *   text.c      the text output parsed back
 *   kernel.c    what the running kernel offers, how fast it runs
 *
 * Binary paths come from the environment (set by ctest, see
 * tests/CMakeLists.txt): TRACER_BIN and one WL_* per workload.
 *
 * The workload protocol (tests/workloads/wl.h): a workload reads one byte
 * from fd 3 for each "gate" (EOF releases every gate), and writes
 * "key value" lines to fd 4.
 */
#ifndef TRACER_TEST_HARNESS_H
#define TRACER_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "kprobe.h"

/* The path of a binary under test, from the environment variable name (fails if unset). */
const char *h_bin(const char *name);
#define TRACER_BIN h_bin("TRACER_BIN")
#define WL_EXEC h_bin("WL_EXEC")
#define WL_TREE h_bin("WL_TREE")
#define WL_FRESH h_bin("WL_FRESH")
#define WL_REWRITE h_bin("WL_REWRITE")
#define WL_CHAIN h_bin("WL_CHAIN")
#define WL_COMPAT h_bin("WL_COMPAT")
#define WL_LIFECYCLE h_bin("WL_LIFECYCLE")
#define WL_STORM h_bin("WL_STORM")
#define WL_TREE_DEMO h_bin("WL_TREE_DEMO")

/* Time limits (ms). Generous: the sanitized build is several times slower. */
/* Hang guards, not measurements: a minute at native speed, scaled by h_slowdown(). */
#define H_READY_TIMEOUT ((int)(60000 * h_slowdown()))
#define H_EXIT_TIMEOUT ((int)(60000 * h_slowdown()))
#define H_REPORT_TIMEOUT ((int)(60000 * h_slowdown()))
#define H_SELF_EXIT_TIMEOUT 10000

/* Reason to skip the end-to-end tests on this machine, NULL when they can run. */
const char *h_skip_reason(void);

#define H_REQUIRE()                                           \
	do {                                                  \
		const char *why_ = h_skip_reason();           \
		if (why_) {                                   \
			/* .fini does not run after a skip */ \
			h_teardown();                         \
			cr_skip_test("%s", why_);             \
		}                                             \
	} while (0)

/*
 * Skips the test unless libtracer has its test hooks (src/lib/testhooks.h,
 * -DTRACER_TEST_HOOKS=ON), hook being the one the test steers tracer with.
 */
#ifdef TRACER_TEST_HOOKS
#define H_REQUIRE_TEST_HOOK(hook) ((void)0)
#else
#define H_REQUIRE_TEST_HOOK(hook)                                                                 \
	do {                                                                                      \
		h_teardown();                                                                     \
		cr_skip_test(                                                                     \
			"%s is a test hook, not built in: configure with -DTRACER_TEST_HOOKS=ON", \
			hook);                                                                    \
	} while (0)
#endif

/*
 * Suite hooks: .init = h_setup, .fini = h_teardown (which kills and reaps
 * what the test started and frees what the harness gave it).
 */
void h_setup(void);
void h_teardown(void);

/* A string that belongs to the test until it ends (printf-style). */
const char *h_str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A unique marker for argv: "e2e-TAG-<random hex>". */
const char *h_marker(const char *tag);
/* The test's private temporary directory (removed by h_teardown). */
const char *h_dir(void);
/* Path of a new file name in h_dir(). */
const char *h_path(const char *name);
/* Reads a whole file; NUL-terminated, length in *len (may be NULL). */
char *h_read_file(const char *path, size_t *len);
void h_write_file(const char *path, const void *data, size_t len, mode_t mode);
uint64_t h_now_ns(void);
double h_now_s(void);

/* ---- The kernel under test ---- */
/* Whether the running kernel's release (uname -r) is at least major.minor. */
bool h_kernel_at_least(int major, int minor);
/* Whether the kernel has sched_prepare_exec (6.10 on): tracer then reports execs there. */
bool h_has_prepare_exec(void);
/*
 * Under scripts/vmtest (TRACER_VMTEST=1), qemu's TCG runs the tests 5-15
 * times slower than natively (doc/vmtest.md), and some machines fork far
 * more slowly than the ones the bounds were written on (a PVM guest: about
 * 1 ms per fork and wait, against 0.25 ms). A bound made for native speed is
 * multiplied by h_slowdown(): H_VMTEST_SLOWDOWN under vmtest, times how much
 * slower than H_FORK_REFERENCE_NS a fork, _exit and wait is here (measured
 * once per process, at least 1, at most H_FORK_SLOWDOWN_MAX).
 */
#define H_FORK_REFERENCE_NS 250000.0
#define H_FORK_SLOWDOWN_MAX 10.0
#define H_VMTEST_SLOWDOWN 10.0
double h_slowdown(void);

/* ---- Byte strings ---- */
struct h_bytes {
	char *ptr;
	size_t len;
};

bool h_bytes_eq(const struct h_bytes *b, const char *s, size_t len);
bool h_bytes_eqs(const struct h_bytes *b, const char *s);
/* Printable rendering for messages. */
const char *h_show(const char *s, size_t len);

/* ---- tracer ---- */
enum {
	H_OUT_PIPE = 1 << 0, /* stdout to a pipe (t->out_fd) instead of a file */
	H_READABLE = 1 << 1, /* the default text, not --format kv */
};

struct h_tracer {
	pid_t pid;
	int err_fd; /* read end of stderr */
	int out_fd; /* read end of stdout with H_OUT_PIPE, else -1 */
	int pidfd;
	char out_path[512]; /* stdout file otherwise */
	char *err; /* everything read from stderr so far */
	size_t err_len;
	bool reaped;
	int status;
};

/* Starts tracer with the NULL-terminated arguments (not counting argv[0]). */
void h_tracer_start(struct h_tracer *t, unsigned int flags, const char *const *args);
#define H_TRACER_START(t, flags, ...) \
	h_tracer_start(t, flags, (const char *const[]){ __VA_ARGS__, NULL })
/* Waits for the "tracer: ready:" line; fails the test if tracer dies or times out. */
void h_tracer_wait_ready(struct h_tracer *t);
/* Waits up to timeout_ms for tracer to exit: its wait status, -1 on timeout. */
int h_tracer_wait_exit(struct h_tracer *t, int timeout_ms);
/*
 * Waits for tracer to exit by itself (every watched process is gone); on
 * timeout, fails the test with what proc_state still holds.
 */
int h_tracer_wait_self_exit(struct h_tracer *t);
/* The entries of tracer's proc_state map, with /proc/PID/stat of each, for messages. */
const char *h_proc_state_dump(pid_t tracer_pid);
/* Sends sig and waits for the exit (fails the test on timeout): the wait status. */
int h_tracer_stop(struct h_tracer *t, int sig);
/* Starts tracer and waits until it is ready. */
#define H_TRACER_RUN(t, ...)                       \
	do {                                       \
		H_TRACER_START(t, 0, __VA_ARGS__); \
		h_tracer_wait_ready(t);            \
	} while (0)

struct h_summary {
	long long events, lost, watched;
};
/*
 * Asserts that tracer exited with status 0 and that its stderr is exactly
 * the ready line and the summary line; returns the summary.
 */
void h_expect_clean_exit(struct h_tracer *t, int status, struct h_summary *sum);
/* Whether line (with its '\n') is a well-formed summary line. */
bool h_is_summary_line(const char *line);
/* The lines of stderr, for messages. */
const char *h_tracer_stderr(struct h_tracer *t);

/* ---- tracer run to completion (launch mode) ---- */
struct h_run_opts {
	const char *stdin_data; /* written to a pipe on stdin; NULL: /dev/null */
	const char *const *env; /* NAME=VALUE set on top of a clean environment */
	bool pty; /* stdin, stdout and stderr on a new terminal, its controlling one */
};

struct h_run {
	pid_t pid; /* tracer, leader of its own process group */
	int master; /* pty mode: the terminal's master side, else -1 */
	char pts[32]; /* pty mode: the terminal's kernel name, "ptsN" */
	const char *out_path, *err_path;
	double start; /* seconds, monotonic */
	double elapsed; /* from spawn to exit */
	/* Peak resident set (KiB) of tracer, or of a process it waited for if larger. */
	long maxrss_kb;
	int status; /* exit code, or 128+N after signal N */
	bool signaled; /* tracer itself was killed by a signal */
	char *out; /* stdout (pty mode: everything written on the terminal) */
	char *err; /* stderr */
};

/*
 * Starts tracer with args (NULL-terminated, tracer's own argv[0] not
 * included), in its own process group, cwd "/", PATH=/usr/bin:/bin and no
 * SUDO_* variables unless opts->env sets them.
 */
void h_run_start(const char *const *args, const struct h_run_opts *opts, struct h_run *r);
/* Waits for tracer's exit, fails the test after timeout seconds. Fills status, out, err. */
void h_run_wait(struct h_run *r, double timeout);
void h_run_free(struct h_run *r);

/* A process tree outside tracer's scope that keeps executing /bin/true marker. */
pid_t h_control_loop_start(const char *marker);
void h_control_loop_stop(pid_t pid);

/* Whether pid is gone (or a zombie), waiting up to timeout seconds. */
bool h_process_gone(pid_t pid, double timeout);

/* ---- JSON Lines records of any type, as json-c objects ---- */
struct h_json {
	json_object **ev;
	size_t n;
	char *text; /* the whole file */
};

/* Reads a JSON Lines file: every line must be a JSON object. */
void h_json_load(struct h_json *e, const char *path);
void h_json_free(struct h_json *e);

/* The records of a type, with an integer field equal to value (field NULL: all of the type). */
size_t h_json_count(const struct h_json *e, const char *type, const char *field, int64_t value);
/* The one such record: the test fails unless there is exactly one. */
json_object *h_json_one(const struct h_json *e, const char *type, const char *field, int64_t value);

/* Field accessors: the test fails when the key is missing or of another type. */
json_object *h_json_get(json_object *o, const char *key);
int64_t h_json_int(json_object *o, const char *key);
const char *h_json_str(json_object *o, const char *key); /* NULL for JSON null */
bool h_json_is_null(json_object *o, const char *key);
/* Whether ev's argv is exactly the n strings words. */
bool h_json_argv_is(json_object *ev, size_t n, const char *const *words);
/* Whether an argument of ev holds needle. */
bool h_json_argv_holds(json_object *ev, const char *needle);
/* Whether any argument of any record holds needle. */
bool h_json_mention(const struct h_json *e, const char *needle);
/* Waits up to timeout_ms for an exec record whose argv[0] is argv0 (a new reference), or NULL. */
json_object *h_json_wait(const char *path, const char *argv0, int timeout_ms);

/* ---- Exec records, byte-exact ---- */
struct h_event {
	bool lost; /* a {"type":"lost"} marker, else an exec */
	double ts;
	long long pid, tid, ppid, uid, gid;
	struct h_bytes comm, filename;
	struct h_bytes *argv;
	size_t argc;
	bool argv_truncated, argv_fault;
	/* "filename_truncated", "filename_fault": present (true) only when so */
	bool filename_truncated, filename_fault;
	char syscall[16];
	long long syscall_id, ret;
	char err[32]; /* "" when null */
	char tty[64]; /* "" when null */
	bool has_tty;
	long long count, cpu; /* lost */
	size_t line_no;
};

struct h_events {
	struct h_event *ev;
	size_t n;
	size_t n_exec, n_lost;
	long long lost_sum;
};

/* Parses a JSON Lines file; every line must be a valid, complete event. */
void h_events_load(struct h_events *evs, const char *path);
void h_events_parse(struct h_events *evs, const char *data, size_t len);

/* Exec events whose argv holds an element equal to each non-NULL of a and b. */
size_t h_count(const struct h_events *evs, const char *a, const char *b);
/* The one such exec event (fails the test if there is not exactly one). */
const struct h_event *h_one(const struct h_events *evs, const char *a, const char *b);
/* The same, among the events whose argv[0] is argv0. */
const struct h_event *h_one0(const struct h_events *evs, const char *argv0, const char *a,
			     const char *b);
/* The one exec event of process pid (fails the test if there is not exactly one). */
const struct h_event *h_by_pid(const struct h_events *evs, long long pid);
bool h_argv_has(const struct h_event *e, const char *s);

#define H_ANY (-1000000LL)

struct h_expect {
	long long pid; /* required */
	long long tid; /* 0: same as pid */
	long long ppid; /* H_ANY: not checked */
	const char *filename; /* NULL: not checked */
	const char *const *argv; /* NULL-terminated; NULL: not checked */
	long long ret; /* 0 or -errno */
	const char *err; /* errno name expected with a negative ret */
	long long syscall_id; /* 0: execve (59); H_ANY: not checked */
	const char *tty; /* NULL: null expected */
	const char *comm; /* NULL: not checked */
	bool truncated;
	/*
	 * Whether argv may be unreadable (argv_fault): a failed exec whose strings
	 * are on pages the caller never touched cannot be read by a tracing
	 * program. Then argv must be flagged truncated and be an exact prefix.
	 */
	enum {
		H_FAULT_NO,
		H_FAULT_YES,
		H_FAULT_MAYBE
	} fault;
};

void h_check_exec(const struct h_event *e, const struct h_expect *x);

/* ---- Workloads ---- */
enum {
	H_NO_SETSID = 1 << 0, /* keep the test's session (and controlling tty) */
};

struct h_proc {
	pid_t pid;
	int gate_fd; /* write end of the gate, -1 once closed */
	int rep_fd; /* read end of the reports */
	int pidfd;
	char *rep;
	size_t rep_len, rep_cap;
	bool reaped;
	int status;
};

/*
 * Starts argv[0] (a path) with argv. In the child: fd 0 is /dev/null, fd 3
 * the gate, fd 4 the report pipe, no core dumps (soft RLIMIT_CORE 0; the
 * workload may raise it), setsid() unless H_NO_SETSID, then pre(arg) if
 * not NULL.
 */
void h_spawn(struct h_proc *p, unsigned int flags, void (*pre)(void *), void *arg,
	     const char *const *argv);
#define H_SPAWN(p, ...) h_spawn(p, 0, NULL, NULL, (const char *const[]){ __VA_ARGS__, NULL })
/* Opens one gate. */
void h_gate(struct h_proc *p);
/* Opens every gate (EOF). */
void h_gate_all(struct h_proc *p);
/* Waits for the report line "KEY VALUE" (first not yet taken) and returns VALUE. */
long long h_report(struct h_proc *p, const char *key);
/* Waits up to timeout_ms for the exit: the wait status, -1 on timeout. */
int h_proc_wait(struct h_proc *p, int timeout_ms);
/* Waits for the exit and asserts status 0. */
void h_proc_done(struct h_proc *p);

/*
 * The negative control: a process outside every scope that, when released,
 * execs /bin/true MARKER negative-control.
 */
struct h_control {
	struct h_proc p;
	const char *marker;
};

void h_control_start(struct h_control *c, const char *marker);
/* Releases it and waits for its exec to be done. */
void h_control_run(struct h_control *c);
/* Asserts its exec is nowhere in the events nor in the raw output file. */
void h_control_absent(const struct h_control *c, const struct h_events *evs, const char *raw_path);

/*
 * Forks a process outside the scope that gets pid 'target' (through
 * /proc/sys/kernel/ns_last_pid, retried) and execs argv. Returns its pid
 * (== target), or -1 when the pid could not be obtained.
 */
pid_t h_fork_at_pid(pid_t target, const char *const *argv);

/* Waits (up to timeout_ms) until /proc/PID/stat shows state c. */
bool h_wait_proc_state(pid_t pid, char c, int timeout_ms);

/* ---- BPF objects ---- */
struct h_bpf_ids {
	uint32_t progs[64], links[64], maps[64];
	int n_progs, n_links, n_maps;
};

/* The BPF programs, links and maps process pid holds file descriptors to. */
void h_bpf_ids_of(pid_t pid, struct h_bpf_ids *ids);
bool h_bpf_prog_exists(uint32_t id);
bool h_bpf_link_exists(uint32_t id);
/* Waits (bounded) until none of ids' programs and links exist; asserts it. */
void h_bpf_expect_released(const struct h_bpf_ids *ids);
/* Name of a program ("" if gone). */
void h_bpf_prog_name(uint32_t id, char *name, size_t len);
/* Number of entries of tracer's proc_state map (found among ids' maps); asserts it exists. */
long h_proc_state_count(pid_t tracer_pid);
/*
 * Puts an entry for pid in tracer's proc_state whose start time is no
 * process's: what an earlier process with that pid would have left.
 */
void h_proc_state_put_stale(pid_t tracer_pid, uint32_t pid);
/* Whether tracer's proc_state holds an entry for pid. */
bool h_proc_state_has(pid_t tracer_pid, uint32_t pid);
/* Whether pid's bit is set in tracer's proc_bits (bpf/scope.bpf.h); asserts it is there. */
bool h_proc_bit(pid_t tracer_pid, uint32_t pid);
/* Every loaded program id whose name is in names[]. */
size_t h_bpf_progs_named(char names[][32], size_t n_names, uint32_t *ids, size_t max);
/* Whether some live process holds a file descriptor to program id. */
bool h_bpf_prog_held(uint32_t id);

/* ---- Text output ---- */
struct h_text {
	double ts;
	long long pid, tid, uid, gid, syscall_id, ppid, ret;
	char err[32];
	struct h_bytes comm, filename;
	char tty[64];
	char label[32]; /* "argv", "argv(truncated)", "argv(unreadable)" */
	const char *words; /* the rest of the line after the label: " w1 w2 ..." */
};

/* Parses one text line (without its '\n'), asserting its shape. */
void h_text_parse(char *line, struct h_text *t);
/* The bytes bash reads from the words: each word followed by a NUL. */
void h_shell_words(const char *words, const char *lc_all, char **out, size_t *len);
/*
 * Whether tracer's human outputs must escape the code point: bidirectional
 * controls, separators, default-ignorable code points, non-ASCII spaces.
 */
bool h_hidden_code_point(uint32_t cp);
/*
 * Asserts the line holds no control character and is valid UTF-8 without a
 * code point that h_hidden_code_point() names.
 */
void h_assert_clean_line(const char *line, size_t len);

#endif /* TRACER_TEST_HARNESS_H */
