// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The JSON Lines writer: one object per event, on one line. Strings go
 * through escape_json_string() (escape.c): valid UTF-8 out, whatever bytes
 * came in.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "context.h"
#include "escape.h"
#include "ident_json.h"
#include "num.h"
#include "walltime.h"
#include "writer.h"
#include "writer_int.h"

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

static const char *json_bool(bool b)
{
	return b ? "true" : "false";
}

/* "NAME" or null. */
static int json_name(FILE *out, const char *name)
{
	if (name)
		return fprintf(out, "\"%s\"", name) < 0 ? -1 : 0;
	return fputs("null", out) == EOF ? -1 : 0;
}

/* The byte strings as a JSON array of strings. */
static int json_strings(FILE *out, const struct tracer_bytes *s, uint32_t n)
{
	uint32_t i;

	if (fputc('[', out) == EOF)
		return -1;
	for (i = 0; i < n; i++) {
		if (i && fputc(',', out) == EOF)
			return -1;
		if (escape_json_string(out, s[i].ptr, s[i].len))
			return -1;
	}
	return fputc(']', out) == EOF ? -1 : 0;
}

/* {"type":"TYPE","ts":TS,"time":"RFC 3339": what every object begins with. */
static int json_head(FILE *out, const char *type, double ts)
{
	/* Built whole and written once: it starts every line of a storm. */
	char buf[64 + WALLTIME_ISO_LEN], *p, *end;
	size_t n = strlen(type);

	if (n > 16) /* the event types' names: "exec", "exit", "fork", ... */
		return -1;
	p = NUM_LIT(buf, "{\"type\":\"");
	p = (char *)memcpy(p, type, n) + n;
	p = NUM_LIT(p, "\",\"ts\":");
	end = num_ts6(p, finite_ts(ts));
	if (!end) {
		if (num_flush(out, buf, p) || num_put_ts(out, finite_ts(ts)))
			return -1;
		p = buf;
	} else {
		p = end;
	}
	p = NUM_LIT(p, ",\"time\":\"");
	walltime_iso(p, writer_time_us(ts));
	p += strlen(p);
	*p++ = '"';
	return num_flush(out, buf, p);
}

static int exec_object(FILE *out, double ts, const struct tracer_exec_event *e, bool ctx,
		       bool marks, bool ident)
{
	const char *err = ret_errno_name(e->ret);
	uint32_t argc = e->argv ? e->argc : 0;
	char buf[6 * (NUM_MAX + 16)], *p;

	if (json_head(out, "exec", ts))
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
	if (fputs(",\"argv\":", out) == EOF || json_strings(out, e->argv, argc))
		return -1;
	/* About 140 bytes at most: ENOTRECOVERABLE is the longest errno name. */
	p = stpcpy(NUM_LIT(buf, ",\"argv_truncated\":"), json_bool(e->argv_truncated));
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
	if (ident && ident_json(out, e, ident_self()))
		return -1;
	if (fputc('}', out) == EOF)
		return -1;
	return end_line(out);
}

int format_exec_json(FILE *out, double ts, const struct tracer_exec_event *e)
{
	return exec_object(out, ts, e, false, false, false);
}

static int exec_event(FILE *out, double ts, const struct tracer_event *ev, struct envdiff *env)
{
	(void)env;
	return exec_object(out, ts, &ev->exec, has_context(ev), has_filename_marks(ev),
			   ident_known(ev));
}

/* What the process used (issue 26), when the kernel's figures were read. */
static int exit_usage(FILE *out, const struct tracer_exit_event *e)
{
	char buf[7 * (NUM_MAX + 16)], *p = buf;

	if (!e->usage_valid)
		return 0;
	p = num_u64(NUM_LIT(p, ",\"utime_ns\":"), e->utime_ns);
	p = num_u64(NUM_LIT(p, ",\"stime_ns\":"), e->stime_ns);
	p = num_u64(NUM_LIT(p, ",\"maxrss_kib\":"), e->maxrss_kib);
	p = num_u64(NUM_LIT(p, ",\"rchar\":"), e->rchar);
	p = num_u64(NUM_LIT(p, ",\"wchar\":"), e->wchar);
	p = num_u64(NUM_LIT(p, ",\"nvcsw\":"), e->nvcsw);
	p = num_u64(NUM_LIT(p, ",\"nivcsw\":"), e->nivcsw);
	return num_flush(out, buf, p);
}

static int exit_object(FILE *out, double ts, const struct tracer_exit_event *e)
{
	int status = e->exit_code;
	bool core = false;

	if (json_head(out, "exit", ts) ||
	    fprintf(out, ",\"pid\":%" PRIu32 ",\"ppid\":%" PRIu32 ",\"comm\":", e->pid, e->ppid) <
		    0)
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
	if (fprintf(out, ",\"core_dumped\":%s,\"lifetime\":%.6f,\"started_before\":%s",
		    json_bool(core), ns_to_s(e->lifetime_ns), json_bool(e->started_before)) < 0)
		return -1;
	if (exit_usage(out, e) || fputc('}', out) == EOF)
		return -1;
	return end_line(out);
}

static int fork_object(FILE *out, double ts, const struct tracer_fork_event *e)
{
	if (json_head(out, "fork", ts) || fprintf(out,
						  ",\"pid\":%" PRIu32 ",\"ppid\":%" PRIu32
						  ",\"parent_tid\":%" PRIu32 ",\"comm\":",
						  e->pid, e->ppid, e->parent_tid) < 0)
		return -1;
	if (escape_json_string(out, e->comm.ptr, e->comm.len))
		return -1;
	if (fputc('}', out) == EOF)
		return -1;
	return end_line(out);
}

static int signal_object(FILE *out, double ts, const struct tracer_signal_event *e)
{
	const char *result = signal_result_name(e->result);

	if (json_head(out, "signal", ts) ||
	    fprintf(out, ",\"signal\":%" PRId32 ",\"signal_name\":", e->sig) < 0)
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
	return end_line(out);
}

static int stop_object(FILE *out, double ts, const struct tracer_stop_event *e)
{
	const char *err = errno_name(-e->error);

	if (json_head(out, "stop", ts) ||
	    fprintf(out,
		    ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"ppid\":%" PRIu32 ",\"uid\":%" PRIu32
		    ",\"euid\":%" PRIu32 ",\"comm\":",
		    e->pid, e->tid, e->ppid, e->uid, e->euid) < 0)
		return -1;
	if (escape_json_string(out, e->comm.ptr, e->comm.len) || fputs(",\"exe\":", out) == EOF)
		return -1;
	if (e->exe.path.ptr ? escape_json_string(out, e->exe.path.ptr, e->exe.path.len) :
			      fputs("null", out) == EOF)
		return -1;
	if (fputs(",\"filename\":", out) == EOF ||
	    escape_json_string(out, e->filename.ptr ? e->filename.ptr : "", e->filename.len))
		return -1;
	if (fputs(",\"pattern\":", out) == EOF ||
	    escape_json_string(out, stop_pattern(e), strlen(stop_pattern(e))) ||
	    fputs(",\"argv\":", out) == EOF || json_strings(out, e->argv, e->argv ? e->argc : 0))
		return -1;
	if (fprintf(out, ",\"argv_truncated\":%s,\"stopped\":%s,\"errno\":",
		    e->argv_truncated ? "true" : "false", e->error ? "false" : "true") < 0)
		return -1;
	if (!e->error ? fputs("null", out) == EOF :
	    err	      ? fprintf(out, "\"%s\"", err) < 0 :
			fprintf(out, "%" PRId32, -e->error) < 0)
		return -1;
	if (fputs("}\n", out) == EOF || ferror(out))
		return -1;
	return 0;
}

static int lost_object(FILE *out, double ts, uint64_t count, uint32_t cpu)
{
	if (json_head(out, "lost", ts) ||
	    fprintf(out, ",\"count\":%" PRIu64 ",\"cpu\":%" PRIu32 "}", count, cpu) < 0)
		return -1;
	return end_line(out);
}

/* One table per format (writer.h), alike by design, as each sink's (sink.h) is. */
const struct writer_ops json_writer = {
	.exec = exec_event,
	.exit = exit_object,
	.fork = fork_object,
	.signal = signal_object,
	.stop = stop_object,
	.lost = lost_object,
};
