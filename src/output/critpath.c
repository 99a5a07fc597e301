// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Why a run was slow (critpath.h): the critical path and how parallel the run
 * was, computed from the finished tree.
 *
 * The path is walked backwards from the end of the root that ended last. In
 * each process, from its end (or from the start of the child taken last): the
 * child that ended last, among those that ended by then and started after the
 * process did, is what the process waited for; its whole life is explained the
 * same way, and the walk goes on from that child's start. A child that ended
 * after that point (it outlived its parent, or ran beside the child taken) did
 * not hold the parent back there, and is not taken.
 *
 * Steps are pieces of one process's life: a process's own time between the
 * children taken (before the first, between two, after the last) is a step of
 * its own, so the steps tile the path exactly (their sum is the total) and
 * the time a parent spent itself is not credited to a child. The text shows
 * the steps of at least 1% of the path one by one and sums the others on one
 * line (a build's path holds many steps of a few milliseconds: make forking a
 * shell, the shell exec'ing the compiler); the JSON lists them all.
 */
#define _GNU_SOURCE /* qsort_r */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "critpath.h"
#include "escape.h"

#define CRITPATH_TOP 10
#define CRITPATH_TEXT_COLUMNS 100
#define SGR_BOLD "\033[1m"
#define SGR_OFF "\033[0m"

/* A process whose children the backward walk is going through. */
struct walk_frame {
	size_t proc;
	uint64_t cursor; /* the walk has explained this process from here to its end */
	size_t *by_end; /* its children, latest end first */
	size_t next; /* the next of by_end to consider */
};

/* Latest end first; of equal ends, the earlier start (the longer) first, then by index. */
static int cmp_end_desc(const void *a, const void *b, void *tree)
{
	const struct tree *t = tree;
	const struct tree_proc *p = &t->procs[*(const size_t *)a];
	const struct tree_proc *q = &t->procs[*(const size_t *)b];

	if (p->end_ns != q->end_ns)
		return p->end_ns < q->end_ns ? 1 : -1;
	if (p->start_ns != q->start_ns)
		return p->start_ns < q->start_ns ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* Appends a step (the walk goes backwards: reversed at the end). Empty pieces are left out. */
static int push_step(struct critpath *cp, size_t *cap, size_t proc, uint64_t start, uint64_t end)
{
	struct critpath_step *steps;

	if (end <= start)
		return 0;
	if (cp->n && cp->steps[cp->n - 1].proc == proc && cp->steps[cp->n - 1].start_ns == end) {
		cp->steps[cp->n - 1].start_ns = start;
		return 0;
	}
	if (cp->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		steps = realloc(cp->steps, *cap * sizeof(*steps));
		if (!steps)
			return -ENOMEM;
		cp->steps = steps;
	}
	cp->steps[cp->n++] =
		(struct critpath_step){ .proc = proc, .start_ns = start, .end_ns = end };
	return 0;
}

static int push_frame(const struct tree *t, struct walk_frame *stack, size_t *top, size_t proc)
{
	const struct tree_proc *p = &t->procs[proc];
	struct walk_frame *f = &stack[(*top)++];

	f->proc = proc;
	f->cursor = p->end_ns;
	f->next = 0;
	f->by_end = malloc((p->n_children ? p->n_children : 1) * sizeof(*f->by_end));
	if (!f->by_end)
		return -ENOMEM;
	if (p->n_children) /* a leaf has no children array at all */
		memcpy(f->by_end, p->children, p->n_children * sizeof(*f->by_end));
	qsort_r(f->by_end, p->n_children, sizeof(*f->by_end), cmp_end_desc, (void *)t);
	return 0;
}

/* The next child the process at the top waited for, or TREE_NONE. */
static size_t next_child(const struct tree *t, struct walk_frame *f)
{
	const struct tree_proc *p = &t->procs[f->proc];

	/* The cursor only moves back: a child passed over never qualifies later. */
	while (f->next < p->n_children) {
		size_t c = f->by_end[f->next++];
		const struct tree_proc *ch = &t->procs[c];

		if (ch->end_ns <= f->cursor && ch->start_ns >= p->start_ns)
			return c;
	}
	return TREE_NONE;
}

/* The path through root, backwards: a depth-first walk with its own stack (trees can be deep). */
static int walk(const struct tree *t, size_t root, struct critpath *cp)
{
	struct walk_frame *stack = malloc(t->n * sizeof(*stack));
	size_t top = 0, cap = 0;
	int ret;

	if (!stack)
		return -ENOMEM;
	ret = push_frame(t, stack, &top, root);
	while (!ret && top) {
		struct walk_frame *f = &stack[top - 1];
		size_t c = next_child(t, f);

		if (c == TREE_NONE) {
			/* Its own time from its start to the first child taken. */
			ret = push_step(cp, &cap, f->proc, t->procs[f->proc].start_ns, f->cursor);
			free(f->by_end);
			top--;
			continue;
		}
		ret = push_step(cp, &cap, f->proc, t->procs[c].end_ns, f->cursor);
		f->cursor = t->procs[c].start_ns;
		if (!ret)
			ret = push_frame(t, stack, &top, c);
	}
	while (top)
		free(stack[--top].by_end);
	free(stack);
	return ret;
}

int critpath_compute(const struct tree *t, struct critpath *cp)
{
	size_t i, root = TREE_NONE;
	int ret;

	memset(cp, 0, sizeof(*cp));
	for (i = 0; t->finished && i < t->n_roots; i++) {
		const struct tree_proc *r = &t->procs[t->roots[i]];

		if (root == TREE_NONE || r->end_ns > t->procs[root].end_ns)
			root = t->roots[i];
	}
	if (root == TREE_NONE)
		return 0;
	ret = walk(t, root, cp);
	if (ret) {
		critpath_free(cp);
		return ret;
	}
	for (i = 0; i < cp->n / 2; i++) {
		struct critpath_step s = cp->steps[i];

		cp->steps[i] = cp->steps[cp->n - 1 - i];
		cp->steps[cp->n - 1 - i] = s;
	}
	cp->start_ns = t->procs[root].start_ns;
	cp->end_ns = t->procs[root].end_ns;
	return 0;
}

void critpath_free(struct critpath *cp)
{
	free(cp->steps);
	memset(cp, 0, sizeof(*cp));
}

/* How parallel the run was. */
struct parallelism {
	uint64_t start_ns, end_ns; /* the trace's wall span: earliest start, latest end */
	uint64_t cpu_ns, serial_ns;
	size_t top_wall[CRITPATH_TOP], n_top_wall;
	size_t top_cpu[CRITPATH_TOP], n_top_cpu;
};

static uint64_t wall_of(const struct tree_proc *p)
{
	return p->end_ns - p->start_ns;
}

static uint64_t cpu_of(const struct tree_proc *p)
{
	return p->usage_valid ? p->utime_ns + p->stime_ns : 0;
}

/* Inserts proc into a top list (largest first, ties by index) of at most CRITPATH_TOP. */
static void top_insert(const struct tree *t, size_t *top, size_t *n, size_t proc,
		       uint64_t (*key)(const struct tree_proc *))
{
	uint64_t k = key(&t->procs[proc]);
	size_t at = *n;

	while (at > 0 && key(&t->procs[top[at - 1]]) < k)
		at--;
	if (at >= CRITPATH_TOP)
		return;
	if (*n < CRITPATH_TOP)
		(*n)++;
	memmove(&top[at + 1], &top[at], (*n - 1 - at) * sizeof(*top));
	top[at] = proc;
}

static void parallelism_compute(const struct tree *t, struct parallelism *par)
{
	size_t i;

	memset(par, 0, sizeof(*par));
	for (i = 0; t->finished && i < t->n; i++) {
		const struct tree_proc *p = &t->procs[i];

		if (i == 0 || p->start_ns < par->start_ns)
			par->start_ns = p->start_ns;
		if (p->end_ns > par->end_ns)
			par->end_ns = p->end_ns;
		par->cpu_ns += cpu_of(p);
		if (!p->n_children)
			par->serial_ns += wall_of(p);
		top_insert(t, par->top_wall, &par->n_top_wall, i, wall_of);
		if (p->usage_valid)
			top_insert(t, par->top_cpu, &par->n_top_cpu, i, cpu_of);
	}
}

static double seconds(uint64_t ns)
{
	return (double)ns / 1e9;
}

static const char *words_of(const struct tree_proc *p)
{
	return p->cmdline ? p->cmdline : p->comm ? p->comm : "?";
}

/* "  1.50 s  make -j2 a" (bold duration in colour), the command line cut at its end. */
static int put_text_line(FILE *out, uint64_t ns, const char *what, bool color)
{
	size_t len = strlen(what);
	bool cut = len > CRITPATH_TEXT_COLUMNS;

	if (cut) {
		len = CRITPATH_TEXT_COLUMNS - 3;
		while (len > 0 && ((unsigned char)what[len] & 0xc0) == 0x80)
			len--; /* not inside a UTF-8 sequence */
	}
	if (fprintf(out, "  %s%7.2f s%s  %.*s%s\n", color ? SGR_BOLD : "", seconds(ns),
		    color ? SGR_OFF : "", (int)len, what, cut ? "..." : "") < 0)
		return -1;
	return 0;
}

/* The time of the steps not shown one by one, per program (comm). */
struct short_steps {
	uint64_t ns;
	size_t n;
	struct {
		const char *comm;
		uint64_t ns;
	} * by_comm;
	size_t n_comms;
};

static int short_steps_add(struct short_steps *ss, const struct tree_proc *p, uint64_t ns)
{
	const char *comm = p->comm ? p->comm : "?";
	size_t i;
	void *grown;

	ss->ns += ns;
	ss->n++;
	for (i = 0; i < ss->n_comms; i++) {
		if (!strcmp(ss->by_comm[i].comm, comm)) {
			ss->by_comm[i].ns += ns;
			return 0;
		}
	}
	grown = realloc(ss->by_comm, (ss->n_comms + 1) * sizeof(*ss->by_comm));
	if (!grown)
		return -1;
	ss->by_comm = grown;
	ss->by_comm[ss->n_comms].comm = comm;
	ss->by_comm[ss->n_comms++].ns = ns;
	return 0;
}

/* "  52.98 s  (578 shorter steps, most in "cmake" 17.92 s, "cc1" 16.23 s, "as" 4.89 s)" */
static int write_short_steps(FILE *out, struct short_steps *ss, bool color)
{
	char *buf = NULL;
	size_t size = 0, i, j, best;
	FILE *f = open_memstream(&buf, &size);
	int ret;

	if (!f)
		return -1;
	fprintf(f, "(%zu shorter step%s", ss->n, ss->n > 1 ? "s" : "");
	/* The three programs that took most of it (a selection: the list is short). */
	for (i = 0; i < 3 && i < ss->n_comms; i++) {
		for (best = j = i; j < ss->n_comms; j++)
			if (ss->by_comm[j].ns > ss->by_comm[best].ns)
				best = j;
		if (best != i) {
			typeof(*ss->by_comm) swap = ss->by_comm[i];

			ss->by_comm[i] = ss->by_comm[best];
			ss->by_comm[best] = swap;
		}
		fprintf(f, "%s%s %.2f s",
			i		? ", " :
			ss->n_comms > 3 ? ", most in " :
					  ", in ",
			ss->by_comm[i].comm, seconds(ss->by_comm[i].ns));
	}
	fputc(')', f);
	ret = fclose(f) ? -1 : put_text_line(out, ss->ns, buf, color);
	free(buf);
	return ret;
}

static int write_path_text(FILE *out, const struct tree *t, const struct critpath *cp,
			   const struct parallelism *par, bool color)
{
	uint64_t total = cp->end_ns - cp->start_ns;
	struct short_steps ss = { 0 };
	size_t i;
	int ret = 0;

	if (fprintf(out, "%scritical path: %.2f s of %.2f s wall%s\n", color ? SGR_BOLD : "",
		    seconds(total), seconds(par->end_ns - par->start_ns), color ? SGR_OFF : "") < 0)
		return -1;
	for (i = 0; !ret && i < cp->n; i++) {
		const struct critpath_step *s = &cp->steps[i];
		uint64_t d = s->end_ns - s->start_ns;

		/* At least 1% of the path: shown; the others, summed on one line. */
		if (d * 100 < total)
			ret = short_steps_add(&ss, &t->procs[s->proc], d);
		else
			ret = put_text_line(out, d, words_of(&t->procs[s->proc]), color);
	}
	if (!ret && ss.n)
		ret = write_short_steps(out, &ss, color);
	free(ss.by_comm);
	if (!ret && fprintf(out, "  %s%7.2f s%s  total\n\n", color ? SGR_BOLD : "", seconds(total),
			    color ? SGR_OFF : "") < 0)
		ret = -1;
	return ret;
}

static int write_top_text(FILE *out, const struct tree *t, const char *title, const size_t *top,
			  size_t n, uint64_t (*key)(const struct tree_proc *), bool color)
{
	size_t i;

	if (fprintf(out, "  %s:\n", title) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (fputs("  ", out) == EOF ||
		    put_text_line(out, key(&t->procs[top[i]]), words_of(&t->procs[top[i]]), color))
			return -1;
	return 0;
}

static int write_parallelism_text(FILE *out, const struct tree *t, const struct parallelism *par,
				  bool color)
{
	uint64_t wall = par->end_ns - par->start_ns;

	if (fprintf(out,
		    "%sparallelism: %.2f CPUs busy on average%s (%.2f s of CPU in %.2f s wall)\n",
		    color ? SGR_BOLD : "", wall ? (double)par->cpu_ns / (double)wall : 0.0,
		    color ? SGR_OFF : "", seconds(par->cpu_ns), seconds(wall)) < 0 ||
	    fprintf(out, "  serial time: %.2f s (the leaf processes one after another)\n",
		    seconds(par->serial_ns)) < 0)
		return -1;
	if (write_top_text(out, t, "longest by wall", par->top_wall, par->n_top_wall, wall_of,
			   color) ||
	    write_top_text(out, t, "most CPU", par->top_cpu, par->n_top_cpu, cpu_of, color))
		return -1;
	return fputs("\n", out) == EOF ? -1 : 0;
}

int critpath_write_text(FILE *out, const struct tree *t, bool color)
{
	struct critpath cp;
	struct parallelism par;
	int ret;

	if (critpath_compute(t, &cp))
		return -1;
	parallelism_compute(t, &par);
	ret = write_path_text(out, t, &cp, &par, color);
	if (!ret)
		ret = write_parallelism_text(out, t, &par, color);
	critpath_free(&cp);
	return ret || ferror(out) ? -1 : 0;
}

static int put_json_argv(FILE *out, const struct tree_proc *p)
{
	const char *w = words_of(p);

	if (fprintf(out, "{\"pid\":%" PRIu32 ",\"argv\":", p->pid) < 0)
		return -1;
	return escape_json_string(out, w, strlen(w));
}

static int write_path_json(FILE *out, const struct tree *t, const struct critpath *cp,
			   uint64_t epoch_ns)
{
	size_t i;

	if (fprintf(out, ",\"critical_path\":{\"total_s\":%.6f,\"steps\":[",
		    seconds(cp->end_ns - cp->start_ns)) < 0)
		return -1;
	for (i = 0; i < cp->n; i++) {
		const struct critpath_step *s = &cp->steps[i];

		if ((i && fputc(',', out) == EOF) || put_json_argv(out, &t->procs[s->proc]) ||
		    fprintf(out, ",\"start_s\":%.6f,\"duration_s\":%.6f}",
			    seconds(s->start_ns - epoch_ns), seconds(s->end_ns - s->start_ns)) < 0)
			return -1;
	}
	return fputs("]}", out) == EOF ? -1 : 0;
}

static int write_top_json(FILE *out, const struct tree *t, const char *name, const size_t *top,
			  size_t n)
{
	size_t i;

	if (fprintf(out, ",\"%s\":[", name) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		const struct tree_proc *p = &t->procs[top[i]];

		if ((i && fputc(',', out) == EOF) || put_json_argv(out, p) ||
		    fprintf(out, ",\"wall_s\":%.6f,\"cpu_s\":", seconds(wall_of(p))) < 0)
			return -1;
		if (p->usage_valid ? fprintf(out, "%.6f}", seconds(cpu_of(p))) < 0 :
				     fputs("null}", out) == EOF)
			return -1;
	}
	return fputc(']', out) == EOF ? -1 : 0;
}

int critpath_write_json(FILE *out, const struct tree *t)
{
	struct critpath cp;
	struct parallelism par;
	uint64_t wall;
	int ret;

	if (critpath_compute(t, &cp))
		return -1;
	parallelism_compute(t, &par);
	wall = par.end_ns - par.start_ns;
	ret = write_path_json(out, t, &cp, par.start_ns);
	if (!ret &&
	    fprintf(out,
		    ",\"parallelism\":{\"cpu_s\":%.6f,\"wall_s\":%.6f,\"ratio\":%.3f,"
		    "\"serial_s\":%.6f",
		    seconds(par.cpu_ns), seconds(wall),
		    wall ? (double)par.cpu_ns / (double)wall : 0.0, seconds(par.serial_ns)) < 0)
		ret = -1;
	if (!ret && (write_top_json(out, t, "top_wall", par.top_wall, par.n_top_wall) ||
		     write_top_json(out, t, "top_cpu", par.top_cpu, par.n_top_cpu) ||
		     fputc('}', out) == EOF))
		ret = -1;
	critpath_free(&cp);
	return ret || ferror(out) ? -1 : 0;
}
