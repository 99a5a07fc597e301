// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The text writer: one line per event, "[ts] kind field=value ...", every
 * untrusted byte string escaped (escape.c), so that each event is exactly
 * one line whatever the traced process put in its name, filename or
 * arguments.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "context.h"
#include "escape.h"
#include "num.h"
#include "usage.h"
#include "writer.h"
#include "writer_int.h"

static enum time_mode text_time = TIME_REL;

void writer_set_text_time(enum time_mode mode)
{
	text_time = mode;
}

/* "[time] " as --time says, nothing with --time none. */
static int kv_time(FILE *out, double ts)
{
	if (text_time == TIME_NONE)
		return 0;
	if (fputc('[', out) == EOF || writer_put_time(out, text_time, ts))
		return -1;
	return fputs("] ", out) == EOF ? -1 : 0;
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

static const char *filename_label(const struct tracer_exec_event *e, bool marks)
{
	if (filename_fault(e, marks))
		return " filename(unreadable)=";
	if (filename_truncated(e, marks))
		return " filename(truncated)=";
	return " filename=";
}

/* The arguments as shell words, each after a space; the first as a command word. */
static int argv_words(FILE *out, const struct tracer_bytes *argv, uint32_t argc)
{
	uint32_t i;

	for (i = 0; i < argc; i++) {
		if (fputc(' ', out) == EOF)
			return -1;
		if (i == 0 ? escape_shell_command_word(out, argv[i].ptr, argv[i].len) :
			     escape_shell_word(out, argv[i].ptr, argv[i].len))
			return -1;
	}
	return 0;
}

static int exec_line(FILE *out, double ts, const struct tracer_exec_event *e, bool ctx, bool marks,
		     struct envdiff *env)
{
	const char *err = ret_errno_name(e->ret);
	uint32_t argc = e->argv ? e->argc : 0;
	char buf[6 * (NUM_MAX + 16)], *p = buf;
	const char *label;

	if (kv_time(out, ts))
		return -1;
	p = num_u64(NUM_LIT(p, "pid="), e->pid);
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
	if (argv_words(out, e->argv, argc))
		return -1;
	return end_line(out);
}

int format_exec_text(FILE *out, double ts, const struct tracer_exec_event *e)
{
	return exec_line(out, ts, e, false, false, NULL);
}

static int exec_event(FILE *out, double ts, const struct tracer_event *ev, struct envdiff *env)
{
	return exec_line(out, ts, &ev->exec, has_context(ev), has_filename_marks(ev), env);
}

static int exit_line(FILE *out, double ts, const struct tracer_exit_event *e)
{
	int status = e->exit_code;

	if (kv_time(out, ts) ||
	    fprintf(out, "exit pid=%" PRIu32 " ppid=%" PRIu32 " comm=", e->pid, e->ppid) < 0)
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
	if (usage_write_text(out, e))
		return -1;
	return end_line(out);
}

static int fork_line(FILE *out, double ts, const struct tracer_fork_event *e)
{
	if (kv_time(out, ts) ||
	    fprintf(out, "fork pid=%" PRIu32 " ppid=%" PRIu32 " parent_tid=%" PRIu32 " comm=",
		    e->pid, e->ppid, e->parent_tid) < 0)
		return -1;
	if (escape_c_quoted(out, e->comm.ptr, e->comm.len))
		return -1;
	return end_line(out);
}

static int signal_line(FILE *out, double ts, const struct tracer_signal_event *e)
{
	const char *name = signal_name(e->sig);
	const char *code = signal_code_name(e->sig, e->code);
	const char *result = signal_result_name(e->result);

	if (kv_time(out, ts) || fprintf(out, "signal sig=%" PRId32, e->sig) < 0)
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
	return end_line(out);
}

static int stop_line(FILE *out, double ts, const struct tracer_stop_event *e)
{
	const char *err = errno_name(-e->error);

	if (kv_time(out, ts) ||
	    fprintf(out, "stop pid=%" PRIu32 " ppid=%" PRIu32 " uid=%" PRIu32 " comm=", e->pid,
		    e->ppid, e->uid) < 0)
		return -1;
	if (escape_c_quoted(out, e->comm.ptr, e->comm.len) || fputs(" exe=", out) == EOF)
		return -1;
	if (escape_c_quoted(out, e->exe.path.ptr ? e->exe.path.ptr : "", e->exe.path.len) ||
	    fputs(" pattern=", out) == EOF)
		return -1;
	if (escape_c_quoted(out, stop_pattern(e), strlen(stop_pattern(e))))
		return -1;
	if (fputs(e->argv_truncated ? " argv(truncated):" : " argv:", out) == EOF ||
	    argv_words(out, e->argv, e->argv ? e->argc : 0))
		return -1;
	if (e->error) {
		if (fprintf(out, " -- NOT stopped: the kernel refused (%s)",
			    err ? err : "unknown error") < 0)
			return -1;
	} else if (fprintf(out,
			   " -- stopped before its first instruction: gdb -p %" PRIu32
			   " (then: shell kill -CONT %" PRIu32 ", continue), or kill -CONT %" PRIu32
			   " to let it run",
			   e->pid, e->pid, e->pid) < 0) {
		return -1;
	}
	return end_line(out);
}

static int lost_line(FILE *out, double ts, uint64_t count, uint32_t cpu)
{
	if (kv_time(out, ts) ||
	    fprintf(out, "lost %" PRIu64 " events (cpu %" PRIu32 ")", count, cpu) < 0)
		return -1;
	return end_line(out);
}

/* One table per format (writer.h): the same rows as writer_json.c's, by design. */
const struct writer_ops text_writer = {
	.exec = exec_event,
	.exit = exit_line,
	.fork = fork_line,
	.signal = signal_line,
	.stop = stop_line,
	.lost = lost_line,
};
