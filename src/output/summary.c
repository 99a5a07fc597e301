// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The per-program summary (summary.h). Every exec, failure and non-zero exit
 * of the tree is first a contribution named by its program; sorted by name,
 * they merge into the rows (n log n, whatever the number of programs).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "critpath.h"
#include "escape.h"
#include "summary.h"
#include "walltime.h"

#define COLOR_BOLD "\033[1m"
#define COLOR_RED "\033[1;31m"
#define COLOR_OFF "\033[0m"

struct contrib {
	const char *name; /* not terminated */
	size_t len;
	uint64_t execs, failed, nonzero_exits, ns;
};

struct contribs {
	struct contrib *v;
	size_t n, cap;
};

static int push(struct contribs *c, struct contrib item)
{
	struct contrib *v;
	size_t cap;

	if (c->n == c->cap) {
		cap = c->cap ? 2 * c->cap : 64;
		v = realloc(c->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = item;
	return 0;
}

/* The basename of path; the whole path when it ends in '/'. */
static struct contrib named(const char *path)
{
	const char *slash;

	if (!path)
		path = "";
	slash = strrchr(path, '/');
	if (slash && slash[1])
		path = slash + 1;
	return (struct contrib){ .name = path, .len = strlen(path) };
}

static bool is_program(const struct tree_mark *m)
{
	return m->kind == TREE_MARK_EXEC && !m->ret;
}

/* The name it was run by (sh, cc), not the file that name resolves to (dash, gcc-12). */
static struct contrib program_of_mark(const struct tree_mark *m)
{
	return named(m->filename && *m->filename ? m->filename : m->exe);
}

/* Its comm without the quotes tree.c put around it (escaped again when written). */
static struct contrib program_of_comm(const struct tree_proc *p)
{
	size_t len = p->comm ? strlen(p->comm) : 0;

	if (len >= 2 && p->comm[0] == '"' && p->comm[len - 1] == '"')
		return (struct contrib){ .name = p->comm + 1, .len = len - 2 };
	return (struct contrib){ .name = p->comm ? p->comm : "", .len = len };
}

/*
 * What p ran at at_ns: its last exec by then, else (forked without exec)
 * what its parent ran when p started, else its comm.
 */
static struct contrib program_at(const struct tree *t, const struct tree_proc *p, uint64_t at_ns)
{
	size_t hops, j;

	for (hops = 0; hops <= t->n; hops++) {
		for (j = p->n_marks; j-- > 0;)
			if (is_program(&p->marks[j]) && p->marks[j].ts_ns <= at_ns)
				return program_of_mark(&p->marks[j]);
		if (p->parent == TREE_NONE)
			break;
		at_ns = p->start_ns;
		p = &t->procs[p->parent];
	}
	return program_of_comm(p);
}

/* Its execs (each until the next or its end), its failures for good, a non-zero exit. */
static int add_proc(struct contribs *c, const struct tree *t, const struct tree_proc *p)
{
	struct contrib item;
	uint64_t until;
	size_t i, j;

	for (i = 0; i < p->n_marks; i++) {
		if (!is_program(&p->marks[i]))
			continue;
		until = p->end_ns;
		for (j = i + 1; j < p->n_marks; j++)
			if (is_program(&p->marks[j])) {
				until = p->marks[j].ts_ns;
				break;
			}
		item = program_of_mark(&p->marks[i]);
		item.execs = 1;
		item.ns = until > p->marks[i].ts_ns ? until - p->marks[i].ts_ns : 0;
		if (push(c, item))
			return -ENOMEM;
	}
	for (i = 0; i < p->n_failures; i++) {
		item = named(p->failures[i].filename);
		item.failed = 1;
		if (push(c, item))
			return -ENOMEM;
	}
	if (p->end == TREE_EXITED && p->status != 0) {
		item = program_at(t, p, p->end_ns);
		item.nonzero_exits = 1;
		if (push(c, item))
			return -ENOMEM;
	}
	return 0;
}

static int cmp_name(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	return r ? r : (alen > blen) - (alen < blen);
}

static int cmp_contrib(const void *a, const void *b)
{
	const struct contrib *x = a, *y = b;

	return cmp_name(x->name, x->len, y->name, y->len);
}

static int cmp_row(const void *a, const void *b)
{
	const struct summary_row *x = a, *y = b;

	if (x->total_ns != y->total_ns)
		return x->total_ns < y->total_ns ? 1 : -1;
	if (x->longest_ns != y->longest_ns)
		return x->longest_ns < y->longest_ns ? 1 : -1;
	return strcmp(x->program, y->program);
}

/* Sorted contributions into rows, one per name. */
static int merge(struct summary *s, const struct contribs *c)
{
	struct summary_row *r = NULL;
	size_t i;

	s->rows = calloc(c->n ? c->n : 1, sizeof(*s->rows));
	if (!s->rows)
		return -ENOMEM;
	for (i = 0; i < c->n; i++) {
		const struct contrib *x = &c->v[i];

		if (!r || cmp_name(r->program, strlen(r->program), x->name, x->len)) {
			r = &s->rows[s->n];
			r->program = strndup(x->name, x->len);
			if (!r->program)
				return -ENOMEM;
			s->n++;
		}
		r->execs += x->execs;
		r->failed += x->failed;
		r->nonzero_exits += x->nonzero_exits;
		r->total_ns += x->ns;
		if (x->execs && x->ns > r->longest_ns)
			r->longest_ns = x->ns;
	}
	qsort(s->rows, s->n, sizeof(*s->rows), cmp_row);
	return 0;
}

int summary_compute(const struct tree *t, struct summary *s)
{
	struct contribs c = { 0 };
	size_t i;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < t->n && !ret; i++)
		ret = add_proc(&c, t, &t->procs[i]);
	if (!ret) {
		if (c.n) /* qsort() may not be given NULL, even for nothing */
			qsort(c.v, c.n, sizeof(*c.v), cmp_contrib);
		ret = merge(s, &c);
	}
	free(c.v);
	if (ret)
		summary_free(s);
	return ret;
}

void summary_free(struct summary *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->rows[i].program);
	free(s->rows);
	memset(s, 0, sizeof(*s));
}

static double seconds(uint64_t ns)
{
	return (double)ns / 1e9;
}

/* The widths of the table's number columns: each fits its header and its largest figure. */
struct widths {
	int total, longest, execs, failed, nonzero;
};

static int width_of(const char *header, double figure, const char *fmt)
{
	char buf[64];
	int w = snprintf(buf, sizeof(buf), fmt, figure);
	int h = (int)strlen(header);

	return w > h ? w : h;
}

static struct widths table_widths(const struct summary_row *sum)
{
	return (struct widths){
		.total = width_of("seconds", seconds(sum->total_ns), "%.3f"),
		.longest = width_of("longest", seconds(sum->longest_ns), "%.3f"),
		.execs = width_of("execs", (double)sum->execs, "%.0f"),
		.failed = width_of("failed", (double)sum->failed, "%.0f"),
		.nonzero = width_of("nonzero", (double)sum->nonzero_exits, "%.0f"),
	};
}

/* A count, red when not zero (a failure): the padding stays out of the colour. */
static int put_count(FILE *out, int width, uint64_t n, bool color)
{
	bool red = color && n;
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);

	return fprintf(out, "  %*s%s%s%s", width > len ? width - len : 0, "", red ? COLOR_RED : "",
		       digits, red ? COLOR_OFF : "");
}

static int put_row(FILE *out, const struct widths *w, const struct summary_row *r, bool color)
{
	if (fprintf(out, "%*.3f  %*.3f", w->total, seconds(r->total_ns), w->longest,
		    seconds(r->longest_ns)) < 0 ||
	    put_count(out, w->execs, r->execs, false) < 0 ||
	    put_count(out, w->failed, r->failed, color) < 0 ||
	    put_count(out, w->nonzero, r->nonzero_exits, color) < 0 || fputs("  ", out) < 0)
		return -1;
	if (!r->program)
		return fputs("total\n", out) < 0 ? -1 : 0;
	if (escape_shell_word(out, r->program, strlen(r->program)) < 0 || fputc('\n', out) < 0)
		return -1;
	return 0;
}

static int put_rule(FILE *out, const struct widths *w)
{
	const int cols[] = { w->total, w->longest, w->execs, w->failed, w->nonzero, 7 };
	size_t i;
	int j;

	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		if (i && fputs("  ", out) < 0)
			return -1;
		for (j = 0; j < cols[i]; j++)
			if (fputc('-', out) < 0)
				return -1;
	}
	return fputc('\n', out) < 0 ? -1 : 0;
}

static int put_table(FILE *out, const struct summary *s, bool color)
{
	struct summary_row sum = { 0 };
	struct widths w;
	size_t i;

	for (i = 0; i < s->n; i++) {
		sum.execs += s->rows[i].execs;
		sum.failed += s->rows[i].failed;
		sum.nonzero_exits += s->rows[i].nonzero_exits;
		sum.total_ns += s->rows[i].total_ns;
		if (s->rows[i].longest_ns > sum.longest_ns)
			sum.longest_ns = s->rows[i].longest_ns;
	}
	w = table_widths(&sum);
	if (fprintf(out, "%*s  %*s  %*s  %*s  %*s  program\n", w.total, "seconds", w.longest,
		    "longest", w.execs, "execs", w.failed, "failed", w.nonzero, "nonzero") < 0 ||
	    put_rule(out, &w))
		return -1;
	for (i = 0; i < s->n; i++)
		if (put_row(out, &w, &s->rows[i], color))
			return -1;
	if (put_rule(out, &w) || put_row(out, &w, &sum, color))
		return -1;
	return 0;
}

int summary_write_text(FILE *out, const struct tree *t, const struct summary_run *run, bool color)
{
	char start[WALLTIME_ISO_LEN];
	struct summary s;
	int ret;

	if (summary_compute(t, &s))
		return -ENOMEM;
	walltime_iso(start, run->start_us);
	ret = fprintf(out, "%sSummary: started %s, wall time %.3f s%s\n", color ? COLOR_BOLD : "",
		      start, seconds(run->wall_ns), color ? COLOR_OFF : "") < 0 ?
		      -1 :
		      0;
	if (!ret)
		ret = put_table(out, &s, color);
	summary_free(&s);
	if (!ret && (fputc('\n', out) < 0 || critpath_write_text(out, t, color)))
		ret = -1;
	return ret;
}

static int put_json_row(FILE *out, const struct summary_row *r, bool first)
{
	if (fprintf(out, "%s{\"program\":", first ? "" : ",") < 0 ||
	    escape_json_string(out, r->program, strlen(r->program)) < 0)
		return -1;
	return fprintf(out,
		       ",\"execs\":%llu,\"failed\":%llu,\"nonzero_exits\":%llu,"
		       "\"total_s\":%.6f,\"longest_s\":%.6f}",
		       (unsigned long long)r->execs, (unsigned long long)r->failed,
		       (unsigned long long)r->nonzero_exits, seconds(r->total_ns),
		       seconds(r->longest_ns)) < 0 ?
		       -1 :
		       0;
}

int summary_write_json(FILE *out, const struct tree *t, const struct summary_run *run)
{
	char start[WALLTIME_ISO_LEN];
	struct summary s;
	size_t i;
	int ret;

	if (summary_compute(t, &s))
		return -ENOMEM;
	walltime_iso(start, run->start_us);
	ret = fprintf(out, "{\"start\":\"%s\",\"wall_s\":%.6f,\"programs\":[", start,
		      seconds(run->wall_ns)) < 0 ?
		      -1 :
		      0;
	for (i = 0; i < s.n && !ret; i++)
		ret = put_json_row(out, &s.rows[i], i == 0);
	summary_free(&s);
	if (!ret && (fputc(']', out) < 0 || critpath_write_json(out, t) || fputs("}\n", out) < 0))
		ret = -1;
	return ret;
}
