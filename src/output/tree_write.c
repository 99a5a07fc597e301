// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The process tree as text, like pstree: one line per process with its
 * command line, status and duration; failed execs as lines of their own.
 * Every name went through the escape functions when the tree was built.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "names.h"
#include "tree.h"
#include "usage.h"

#define COLOR_RED "\033[1;31m"
#define COLOR_YELLOW "\033[33m"
#define COLOR_DIM "\033[2m"
#define COLOR_OFF "\033[0m"

bool tree_proc_failed(const struct tree_proc *p)
{
	if (p->n_failures)
		return true;
	if (p->end != TREE_EXITED)
		return false;
	return !WIFEXITED(p->status) || WEXITSTATUS(p->status) != 0;
}

size_t tree_count_failed(const struct tree *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->n; i++)
		n += tree_proc_failed(&t->procs[i]);
	return n;
}

/* The signal that killed p, as the kernel generated it, if it was seen. */
static const struct tree_mark *killer(const struct tree_proc *p, int sig)
{
	size_t i;

	for (i = p->n_marks; i-- > 0;) {
		const struct tree_mark *m = &p->marks[i];

		if (m->kind == TREE_MARK_SIGNAL_IN && m->sig == sig &&
		    m->result != TRACER_SIGNAL_IGNORED)
			return m;
	}
	return NULL;
}

int tree_write_status(FILE *out, const struct tree_proc *p)
{
	const struct tree_mark *m;
	const char *name;
	int sig;

	switch (p->end) {
	case TREE_RUNNING:
		return fputs("running", out) == EOF ? -1 : 0;
	case TREE_VANISHED:
		return fputs("exit not seen", out) == EOF ? -1 : 0;
	case TREE_EXITED:
		break;
	}
	if (WIFEXITED(p->status))
		return fprintf(out, "exit %d", WEXITSTATUS(p->status)) < 0 ? -1 : 0;
	if (!WIFSIGNALED(p->status))
		return fprintf(out, "status %d", p->status) < 0 ? -1 : 0;
	sig = WTERMSIG(p->status);
	name = signal_name(sig);
	if (name ? fprintf(out, "killed by %s", name) < 0 :
		   fprintf(out, "killed by signal %d", sig) < 0)
		return -1;
	m = killer(p, sig);
	if (m && !m->kernel && fprintf(out, " from %" PRIu32 " %s", m->peer_pid, m->text) < 0)
		return -1;
	if (WCOREDUMP(p->status) && fputs(", core dumped", out) == EOF)
		return -1;
	return 0;
}

/* ", 1.234s", or ", 12.345ms" under a second; ">" when it started before tracer. */
static int write_duration(FILE *out, const struct tree_proc *p)
{
	uint64_t ns = p->end_ns - p->start_ns;
	const char *more = p->started_before || !p->start_known ? ">" : "";

	if (ns >= 1000000000ull)
		return fprintf(out, ", %s%.3fs", more, (double)ns / 1e9) < 0 ? -1 : 0;
	return fprintf(out, ", %s%.3fms", more, (double)ns / 1e6) < 0 ? -1 : 0;
}

/* ", cpu 0.41s, rss 150M" when its exit said. */
static int write_usage(FILE *out, const struct tree_proc *p)
{
	char cpu[USAGE_FMT_MAX], rss[USAGE_FMT_MAX];

	if (!p->usage_valid)
		return 0;
	return fprintf(out, ", cpu %s, rss %s", usage_cpu(cpu, p->utime_ns + p->stime_ns),
		       usage_rss(rss, p->maxrss_kib)) < 0 ?
		       -1 :
		       0;
}

static int write_proc_line(FILE *out, const struct tree_proc *p, const char *prefix,
			   const char *conn, bool color)
{
	bool failed = tree_proc_failed(p);
	const char *on = !color			? "" :
			 failed			? COLOR_RED :
			 p->end == TREE_RUNNING ? COLOR_YELLOW :
						  "";

	if (*conn && fprintf(out, "%s%s%s%s", color ? COLOR_DIM : "", prefix, conn,
			     color ? COLOR_OFF : "") < 0)
		return -1;
	if (fprintf(out, "%" PRIu32 " ", p->pid) < 0)
		return -1;
	if (fputs(p->label ? p->label : p->comm ? p->comm : "?", out) == EOF)
		return -1;
	if (fprintf(out, " %s[", on) < 0 || tree_write_status(out, p) || write_duration(out, p) ||
	    write_usage(out, p))
		return -1;
	if (fprintf(out, "]%s%s\n", failed ? " FAILED" : "", *on ? COLOR_OFF : "") < 0)
		return -1;
	return 0;
}

static int write_failure_line(FILE *out, const struct tree_failure *f, const char *prefix,
			      const char *conn, bool color)
{
	const char *err = errno_name(-f->ret);

	if (fprintf(out, "%s%s%s%sexec failed (", color ? COLOR_DIM : "", prefix, conn,
		    color ? COLOR_OFF COLOR_RED : "") < 0)
		return -1;
	if (err ? fputs(err, out) == EOF : fprintf(out, "%" PRId32, f->ret) < 0)
		return -1;
	if (fprintf(out, "): %s%s\n", f->label, color ? COLOR_OFF : "") < 0)
		return -1;
	return 0;
}

/* One level of the walk: a process and how far its items (failures, children) are written. */
struct frame {
	size_t proc;
	size_t next_child;
	size_t next_failure;
};

int tree_write(const struct tree *t, FILE *out, bool color)
{
	size_t n_failed = tree_count_failed(t), i, top, plen;
	struct frame *stack = NULL;
	char *prefix = NULL;
	int ret = -1;

	if (fprintf(out, "tracer: process tree: %zu %s, %zu failed\n", t->n,
		    t->n == 1 ? "process" : "processes", n_failed) < 0)
		return -1;
	if (!t->finished || !t->n)
		return 0;
	stack = calloc(t->n, sizeof(*stack));
	prefix = calloc(t->n + 1, 4);
	if (!stack || !prefix)
		goto out;

	for (i = 0; i < t->n_roots; i++) {
		if (write_proc_line(out, &t->procs[t->roots[i]], "", "", color))
			goto out;
		top = 0;
		stack[top++] = (struct frame){ .proc = t->roots[i] };
		plen = 0;
		prefix[0] = '\0';
		while (top) {
			struct frame *f = &stack[top - 1];
			const struct tree_proc *p = &t->procs[f->proc];
			bool more_children = f->next_child < p->n_children;
			bool more_failures = f->next_failure < p->n_failures;
			const struct tree_failure *fail;
			size_t child;
			bool last;

			if (!more_children && !more_failures) {
				/* Every frame but the root's added a level to the prefix. */
				if (--top) {
					plen -= 4;
					prefix[plen] = '\0';
				}
				continue;
			}
			/* Children and failed execs, in the order they happened. */
			fail = more_failures ? &p->failures[f->next_failure] : NULL;
			child = more_children ? p->children[f->next_child] : TREE_NONE;
			if (fail &&
			    (child == TREE_NONE || fail->ts_ns < t->procs[child].start_ns)) {
				f->next_failure++;
				last = f->next_child >= p->n_children &&
				       f->next_failure >= p->n_failures;
				if (write_failure_line(out, fail, prefix, last ? "`-- " : "|-- ",
						       color))
					goto out;
				continue;
			}
			f->next_child++;
			last = f->next_child >= p->n_children && f->next_failure >= p->n_failures;
			if (write_proc_line(out, &t->procs[child], prefix, last ? "`-- " : "|-- ",
					    color))
				goto out;
			memcpy(prefix + plen, last ? "    " : "|   ", 5);
			plen += 4;
			stack[top++] = (struct frame){ .proc = child };
		}
	}
	ret = 0;
out:
	free(stack);
	free(prefix);
	return ret;
}
