// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The stop event (--stop-at) as text and JSON. The text line ends with what
 * to do next: the process waits, stopped, for a debugger or a SIGCONT.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "format.h"

static int argv_words(FILE *out, const struct tracer_stop_event *e)
{
	uint32_t argc = e->argv ? e->argc : 0;
	uint32_t i;

	for (i = 0; i < argc; i++) {
		if (fputc(' ', out) == EOF)
			return -1;
		if (i == 0 ? escape_shell_command_word(out, e->argv[i].ptr, e->argv[i].len) :
			     escape_shell_word(out, e->argv[i].ptr, e->argv[i].len))
			return -1;
	}
	return 0;
}

static const char *pattern_of(const struct tracer_stop_event *e)
{
	return e->pattern ? e->pattern : "";
}

int format_stop_text(FILE *out, double ts, const struct tracer_stop_event *e)
{
	const char *err = errno_name(-e->error);

	if (fprintf(out, "[%.6f] stop pid=%" PRIu32 " ppid=%" PRIu32 " uid=%" PRIu32 " comm=", ts,
		    e->pid, e->ppid, e->uid) < 0)
		return -1;
	if (escape_c_quoted(out, e->comm.ptr, e->comm.len) || fputs(" exe=", out) == EOF)
		return -1;
	if (escape_c_quoted(out, e->exe.path.ptr ? e->exe.path.ptr : "", e->exe.path.len) ||
	    fputs(" pattern=", out) == EOF)
		return -1;
	if (escape_c_quoted(out, pattern_of(e), strlen(pattern_of(e))))
		return -1;
	if (fputs(e->argv_truncated ? " argv(truncated):" : " argv:", out) == EOF ||
	    argv_words(out, e))
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
	if (fputc('\n', out) == EOF || ferror(out))
		return -1;
	return 0;
}

int format_stop_json(FILE *out, double ts, const struct tracer_stop_event *e)
{
	const char *err = errno_name(-e->error);
	uint32_t argc = e->argv ? e->argc : 0;
	uint32_t i;

	if (fprintf(out,
		    "{\"type\":\"stop\",\"ts\":%.6f,\"pid\":%" PRIu32 ",\"tid\":%" PRIu32
		    ",\"ppid\":%" PRIu32 ",\"uid\":%" PRIu32 ",\"euid\":%" PRIu32 ",\"comm\":",
		    ts, e->pid, e->tid, e->ppid, e->uid, e->euid) < 0)
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
	    escape_json_string(out, pattern_of(e), strlen(pattern_of(e))) ||
	    fputs(",\"argv\":[", out) == EOF)
		return -1;
	for (i = 0; i < argc; i++) {
		if (i && fputc(',', out) == EOF)
			return -1;
		if (escape_json_string(out, e->argv[i].ptr, e->argv[i].len))
			return -1;
	}
	if (fprintf(out, "],\"argv_truncated\":%s,\"stopped\":%s,\"errno\":",
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
