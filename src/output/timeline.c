// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Chrome Trace Event writer. Every string goes through escape_json_string;
 * the labels it escapes are already escaped once (shell words, C-quoted
 * names), so what a process chose shows the same way as in the tree.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "critpath.h"
#include "escape.h"
#include "names.h"
#include "timeline.h"

/* Microseconds since the epoch, exactly (nanosecond digits kept). */
static int put_us(FILE *out, uint64_t ns, uint64_t epoch_ns)
{
	uint64_t d = ns > epoch_ns ? ns - epoch_ns : 0;

	return fprintf(out, "%" PRIu64 ".%03" PRIu64, d / 1000, d % 1000) < 0 ? -1 : 0;
}

static int put_str(FILE *out, const char *s)
{
	return escape_json_string(out, s, strlen(s));
}

/* ,"cwd":"...","exe":"..." for those known. */
static int put_paths(FILE *out, const char *cwd, const char *exe)
{
	if (cwd && (fputs(",\"cwd\":", out) == EOF || put_str(out, cwd)))
		return -1;
	if (exe && (fputs(",\"exe\":", out) == EOF || put_str(out, exe)))
		return -1;
	return 0;
}

/* What write() prints about p, as one JSON string: escaped here, once. */
static int put_escaped(FILE *out, const struct tree_proc *p,
		       int (*write)(FILE *f, const struct tree_proc *p))
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int ret;

	if (!f)
		return -1;
	ret = write(f, p);
	if (fclose(f))
		ret = -1;
	if (!ret)
		ret = escape_json_string(out, buf, size);
	free(buf);
	return ret;
}

/* The process's label: its (shortened) command line, or its name. */
static int write_label(FILE *f, const struct tree_proc *p)
{
	return fputs(p->label ? p->label : p->comm ? p->comm : "?", f) == EOF ? -1 : 0;
}

/* The label after the pid, as the tracks are named. */
static int write_pid_label(FILE *f, const struct tree_proc *p)
{
	return fprintf(f, "%" PRIu32 " ", p->pid) < 0 ? -1 : write_label(f, p);
}

static int put_label(FILE *out, const struct tree_proc *p, bool with_pid)
{
	return put_escaped(out, p, with_pid ? write_pid_label : write_label);
}

static int put_status(FILE *out, const struct tree_proc *p)
{
	return put_escaped(out, p, tree_write_status);
}

/* Starts an event object: the comma before every event but the first. */
static int begin_event(FILE *out, bool *first)
{
	int ret = fputs(*first ? "\n{" : ",\n{", out) == EOF ? -1 : 0;

	*first = false;
	return ret;
}

static int put_metadata(FILE *out, bool *first, const char *name, uint32_t pid, uint32_t tid)
{
	if (begin_event(out, first))
		return -1;
	return fprintf(out, "\"ph\":\"M\",\"name\":\"%s\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32,
		       name, pid, tid) < 0 ?
		       -1 :
		       0;
}

/* Perfetto's name and order for one track: track is "process" or "thread". */
static int put_track(FILE *out, bool *first, const char *track, uint32_t pid,
		     const struct tree_proc *p, size_t rank)
{
	char name[32], sort_index[32];

	snprintf(name, sizeof(name), "%s_name", track);
	snprintf(sort_index, sizeof(sort_index), "%s_sort_index", track);
	if (put_metadata(out, first, name, pid, p->pid) ||
	    fputs(",\"args\":{\"name\":", out) == EOF || put_label(out, p, true) ||
	    fputs("}}", out) == EOF)
		return -1;
	if (put_metadata(out, first, sort_index, pid, p->pid) ||
	    fprintf(out, ",\"args\":{\"sort_index\":%zu}}", rank) < 0)
		return -1;
	return 0;
}

/* A tree's root names its process; every process names its own thread track. */
static int write_names(FILE *out, bool *first, const struct tree *t, const struct tree_proc *p,
		       size_t rank)
{
	if (p->depth == 0 && put_track(out, first, "process", p->pid, p, rank))
		return -1;
	return put_track(out, first, "thread", t->procs[p->root].pid, p, rank);
}

/*
 * What the process used, as its JSON exit event says it, when that was read,
 * and its CPU time in seconds (user + system), which Perfetto shows as is.
 */
static int put_usage(FILE *out, const struct tree_proc *p)
{
	uint64_t cpu_ns = p->utime_ns + p->stime_ns;

	if (!p->usage_valid)
		return 0;
	return fprintf(out,
		       ",\"cpu_s\":%" PRIu64 ".%06" PRIu64 ",\"utime_ns\":%" PRIu64
		       ",\"stime_ns\":%" PRIu64 ",\"maxrss_kib\":%" PRIu64 ",\"rchar\":%" PRIu64
		       ",\"wchar\":%" PRIu64 ",\"nvcsw\":%" PRIu64 ",\"nivcsw\":%" PRIu64,
		       cpu_ns / 1000000000u, cpu_ns % 1000000000u / 1000u, p->utime_ns, p->stime_ns,
		       p->maxrss_kib, p->rchar, p->wchar, p->nvcsw, p->nivcsw) < 0 ?
		       -1 :
		       0;
}

static int write_span(FILE *out, bool *first, const struct tree *t, const struct tree_proc *p,
		      uint64_t epoch_ns)
{
	const struct tree_proc *root = &t->procs[p->root];
	bool exited = p->end == TREE_EXITED;
	bool normal = exited && WIFEXITED(p->status);
	bool signaled = exited && WIFSIGNALED(p->status);

	if (begin_event(out, first) ||
	    fputs("\"ph\":\"X\",\"cat\":\"process\",\"name\":", out) == EOF ||
	    put_label(out, p, false))
		return -1;
	if (fprintf(out, ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"ts\":", root->pid, p->pid) <
		    0 ||
	    put_us(out, p->start_ns, epoch_ns) || fputs(",\"dur\":", out) == EOF ||
	    put_us(out, p->end_ns, p->start_ns))
		return -1;
	if (fprintf(out,
		    ",\"args\":{\"pid\":%" PRIu32 ",\"ppid\":%" PRIu32 ",\"depth\":%u,\"status\":",
		    p->pid, p->parent != TREE_NONE ? t->procs[p->parent].pid : p->ppid,
		    p->depth) < 0 ||
	    put_status(out, p))
		return -1;
	if (normal ? fprintf(out, ",\"exit_code\":%d", WEXITSTATUS(p->status)) < 0 :
		     fputs(",\"exit_code\":null", out) == EOF)
		return -1;
	if (signaled ? fprintf(out, ",\"signal\":%d", WTERMSIG(p->status)) < 0 :
		       fputs(",\"signal\":null", out) == EOF)
		return -1;
	if (put_paths(out, p->cwd, p->exe) || put_usage(out, p))
		return -1;
	if (fprintf(out,
		    ",\"core_dumped\":%s,\"failed\":%s,\"running\":%s,\"started_before\":%s,"
		    "\"failed_execs\":%zu}}",
		    signaled && WCOREDUMP(p->status) ? "true" : "false",
		    tree_proc_failed(p) ? "true" : "false",
		    p->end == TREE_RUNNING ? "true" : "false",
		    p->started_before || !p->start_known ? "true" : "false", p->n_failures) < 0)
		return -1;
	return 0;
}

static int write_exec_mark(FILE *out, const struct tree_mark *m)
{
	const char *err = m->ret ? errno_name(-m->ret) : NULL;

	if (fprintf(out, "\"cat\":\"exec\",\"name\":\"%s\"", m->ret ? "exec failed" : "exec") < 0)
		return -1;
	if (fprintf(out, ",\"args\":{\"ret\":%" PRId32 ",\"errno\":", m->ret) < 0)
		return -1;
	if (err ? fprintf(out, "\"%s\"", err) < 0 : fputs("null", out) == EOF)
		return -1;
	if (fputs(",\"argv\":", out) == EOF || put_str(out, m->text) ||
	    put_paths(out, m->cwd, m->exe) || fputs("}}", out) == EOF)
		return -1;
	return 0;
}

static int write_signal_mark(FILE *out, const struct tree_mark *m)
{
	const char *name = signal_name(m->sig);
	const char *result = signal_result_name(m->result);
	bool in = m->kind == TREE_MARK_SIGNAL_IN;
	char title[64];

	if (name)
		snprintf(title, sizeof(title), "%s%s", in ? "" : "sent ", name);
	else
		snprintf(title, sizeof(title), "%ssignal %d", in ? "" : "sent ", m->sig);
	if (fprintf(out, "\"cat\":\"signal\",\"name\":\"%s\",\"args\":{\"signal\":%" PRId32, title,
		    m->sig) < 0)
		return -1;
	if (in && fprintf(out, ",\"origin\":\"%s\",\"sender_pid\":%" PRIu32 ",\"sender_comm\":",
			  m->kernel ? "kernel" : "user", m->peer_pid) < 0)
		return -1;
	if (!in && fprintf(out, ",\"target_pid\":%" PRIu32 ",\"target_comm\":", m->peer_pid) < 0)
		return -1;
	if (put_str(out, m->text))
		return -1;
	if (result ? fprintf(out, ",\"result\":\"%s\"}}", result) < 0 :
		     fprintf(out, ",\"result\":\"%" PRIu32 "\"}}", m->result) < 0)
		return -1;
	return 0;
}

static int write_marks(FILE *out, bool *first, const struct tree *t, const struct tree_proc *p,
		       uint64_t epoch_ns)
{
	const struct tree_proc *root = &t->procs[p->root];
	size_t i;

	for (i = 0; i < p->n_marks; i++) {
		const struct tree_mark *m = &p->marks[i];

		if (begin_event(out, first) ||
		    fputs("\"ph\":\"i\",\"s\":\"t\",\"ts\":", out) == EOF ||
		    put_us(out, m->ts_ns, epoch_ns) ||
		    fprintf(out, ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",", root->pid, p->pid) <
			    0)
			return -1;
		if (m->kind == TREE_MARK_EXEC ? write_exec_mark(out, m) : write_signal_mark(out, m))
			return -1;
	}
	return 0;
}

/*
 * The critical path (critpath.h) as a trace process of its own, pid 0 (no
 * traced process has it), sorted first: one slice per step, named by the
 * process on the path then, on a single track, so the chain reads left to
 * right above the trees it runs through.
 */
static int write_critical_path(FILE *out, bool *first, const struct tree *t, uint64_t epoch_ns)
{
	struct critpath cp;
	size_t i;
	int ret = 0;

	if (critpath_compute(t, &cp))
		return -1;
	if (cp.n && (put_metadata(out, first, "process_name", 0, 0) ||
		     fputs(",\"args\":{\"name\":\"critical path\"}}", out) == EOF ||
		     put_metadata(out, first, "process_sort_index", 0, 0) ||
		     fputs(",\"args\":{\"sort_index\":-1}}", out) == EOF ||
		     put_metadata(out, first, "thread_name", 0, 0) ||
		     fputs(",\"args\":{\"name\":\"critical path\"}}", out) == EOF))
		ret = -1;
	for (i = 0; !ret && i < cp.n; i++) {
		const struct critpath_step *s = &cp.steps[i];
		const struct tree_proc *p = &t->procs[s->proc];

		if (begin_event(out, first) ||
		    fputs("\"ph\":\"X\",\"cat\":\"critical_path\",\"name\":", out) == EOF ||
		    put_label(out, p, false) || fputs(",\"pid\":0,\"tid\":0,\"ts\":", out) == EOF ||
		    put_us(out, s->start_ns, epoch_ns) || fputs(",\"dur\":", out) == EOF ||
		    put_us(out, s->end_ns, s->start_ns) ||
		    fprintf(out, ",\"args\":{\"pid\":%" PRIu32 ",\"step\":%zu}}", p->pid, i + 1) <
			    0)
			ret = -1;
	}
	critpath_free(&cp);
	return ret;
}

int timeline_write(const struct tree *t, FILE *out, uint64_t epoch_ns)
{
	bool first = true;
	size_t i;

	if (fputs("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"generator\":\"tracer\"},"
		  "\"traceEvents\":[",
		  out) == EOF)
		return -1;
	for (i = 0; t->finished && i < t->n; i++) {
		const struct tree_proc *p = &t->procs[t->order[i]];

		if (write_names(out, &first, t, p, i) || write_span(out, &first, t, p, epoch_ns) ||
		    write_marks(out, &first, t, p, epoch_ns))
			return -1;
	}
	if (t->finished && write_critical_path(out, &first, t, epoch_ns))
		return -1;
	if (fputs("\n]}\n", out) == EOF || ferror(out))
		return -1;
	return 0;
}
