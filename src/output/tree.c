// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The processes of a trace, from its events. A process is keyed by pid, and
 * a pid seen again after its process ended (or forked again while its
 * process seemed alive: an exit was lost) starts a new process. The parent
 * is the forking process when the fork was seen, else the process that had
 * the reported ppid at the time (processes older than tracer, lost forks).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "tree.h"

void tree_init(struct tree *t)
{
	memset(t, 0, sizeof(*t));
}

static void free_mark(struct tree_mark *m)
{
	free(m->text);
	free(m->label);
	free(m->cwd);
	free(m->exe);
	free(m->filename);
}

void tree_free(struct tree *t)
{
	size_t i, j;

	for (i = 0; i < t->n; i++) {
		struct tree_proc *p = &t->procs[i];

		for (j = 0; j < p->n_marks; j++)
			free_mark(&p->marks[j]);
		free(p->marks);
		free(p->failures);
		free(p->children);
		free(p->comm);
	}
	free(t->procs);
	free(t->index_pid);
	free(t->index_proc);
	free(t->order);
	free(t->roots);
	tree_init(t);
}

/* Makes room for one more element in *arr (n used of *cap). */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t new_cap;
	void *p;

	if (n < *cap)
		return 0;
	new_cap = *cap ? *cap * 2 : 8;
	p = realloc(*arr, new_cap * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = new_cap;
	return 0;
}

#define GROW(arr, cap, n) grow((void **)&(arr), &(cap), (n), sizeof(*(arr)))

/* ---- pid index: the latest process of each pid ---- */

static size_t slot_of(uint32_t key, size_t cap)
{
	return (size_t)(key * 2654435761u) & (cap - 1);
}

static size_t index_get(const struct tree *t, uint32_t pid)
{
	uint32_t key = pid + 1;
	size_t i;

	if (!t->index_cap)
		return TREE_NONE;
	for (i = slot_of(key, t->index_cap);; i = (i + 1) & (t->index_cap - 1)) {
		if (t->index_pid[i] == key)
			return t->index_proc[i];
		if (t->index_pid[i] == 0)
			return TREE_NONE;
	}
}

static void index_store(uint32_t *pids, size_t *procs, size_t cap, uint32_t key, size_t proc)
{
	size_t i;

	for (i = slot_of(key, cap); pids[i] && pids[i] != key; i = (i + 1) & (cap - 1))
		;
	pids[i] = key;
	procs[i] = proc;
}

static int index_put(struct tree *t, uint32_t pid, size_t proc)
{
	uint32_t key = pid + 1;

	if ((t->index_used + 1) * 2 > t->index_cap) {
		size_t cap = t->index_cap ? t->index_cap * 2 : 64, i;
		uint32_t *pids = calloc(cap, sizeof(*pids));
		size_t *procs = calloc(cap, sizeof(*procs));

		if (!pids || !procs) {
			free(pids);
			free(procs);
			return -ENOMEM;
		}
		for (i = 0; i < t->index_cap; i++)
			if (t->index_pid[i])
				index_store(pids, procs, cap, t->index_pid[i], t->index_proc[i]);
		free(t->index_pid);
		free(t->index_proc);
		t->index_pid = pids;
		t->index_proc = procs;
		t->index_cap = cap;
	}
	if (index_get(t, pid) == TREE_NONE)
		t->index_used++;
	index_store(t->index_pid, t->index_proc, t->index_cap, key, proc);
	return 0;
}

/* ---- building ---- */

/* The process pid now, if it is running. */
static size_t alive(const struct tree *t, uint32_t pid)
{
	size_t i = index_get(t, pid);

	return i != TREE_NONE && t->procs[i].end == TREE_RUNNING ? i : TREE_NONE;
}

static int new_proc(struct tree *t, uint32_t pid, uint32_t ppid, uint64_t ts, size_t *out)
{
	struct tree_proc *p;

	if (GROW(t->procs, t->cap, t->n) || index_put(t, pid, t->n))
		return -ENOMEM;
	p = &t->procs[t->n];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = ppid;
	p->parent = TREE_NONE;
	p->start_ns = ts;
	p->end = TREE_RUNNING;
	*out = t->n++;
	return 0;
}

/* The running process pid, created when there is none. */
static int get_proc(struct tree *t, uint32_t pid, uint32_t ppid, uint64_t ts, size_t *out)
{
	*out = alive(t, pid);
	if (*out != TREE_NONE)
		return 0;
	return new_proc(t, pid, ppid, ts, out);
}

/* Renders bytes through an escape function into a new string. */
static char *render(int (*escape)(FILE *, const char *, size_t), const char *s, size_t len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int ret;

	if (!f)
		return NULL;
	ret = escape(f, s, len);
	if (fclose(f) || ret) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int set_comm(struct tree_proc *p, struct tracer_bytes comm)
{
	char *s = render(escape_c_quoted, comm.ptr, comm.len);

	if (!s)
		return -ENOMEM;
	free(p->comm);
	p->comm = s;
	return 0;
}

/* A word cut inside needs room for this much of it, else it is left out. */
#define TREE_CUT_MIN 16

typedef int (*escape_fn)(FILE *out, const char *s, size_t len);

/* s[0, len) escaped, its length in *n; NULL when out of memory. */
static char *escaped(escape_fn escape, const char *s, size_t len, size_t *n)
{
	char *buf = render(escape, s, len);

	*n = buf ? strlen(buf) : 0;
	return buf;
}

enum word_cut {
	WORD_WHOLE,
	WORD_CUT, /* its start and "..." */
	WORD_LEFT_OUT, /* not enough room for a useful part */
};

/*
 * Writes sep and the word s[0, len) escaped when that takes at most room
 * bytes, else sep and the longest start of it (cut between characters) whose
 * escape and "..." fit, when room allows TREE_CUT_MIN of it.
 */
static int put_word(FILE *f, escape_fn escape, const char *sep, const char *s, size_t len,
		    size_t room, enum word_cut *cut)
{
	size_t lo = 0, hi, n;
	char *w;
	int ret;

	*cut = WORD_WHOLE;
	room = room > strlen(sep) ? room - strlen(sep) : 0;
	if (len <= room) { /* an escape is never shorter than the bytes it escapes */
		w = escaped(escape, s, len, &n);
		if (!w)
			return -1;
		ret = n <= room && (fputs(sep, f) == EOF || fputs(w, f) == EOF) ? -1 : 0;
		free(w);
		if (n <= room)
			return ret;
	}
	*cut = WORD_LEFT_OUT;
	if (room < TREE_CUT_MIN)
		return 0;
	/* The longest start whose escape fits: escapes grow with what they escape. */
	hi = len < room ? len : room;
	while (lo < hi) {
		size_t mid = hi - (hi - lo) / 2;

		w = escaped(escape, s, mid, &n);
		if (!w)
			return -1;
		free(w);
		if (n + 3 <= room)
			lo = mid;
		else
			hi = mid - 1;
	}
	while (lo > 0 && ((unsigned char)s[lo] & 0xc0) == 0x80)
		lo--; /* not inside a UTF-8 sequence */
	w = escaped(escape, s, lo, &n);
	if (!w)
		return -1;
	*cut = WORD_CUT;
	ret = fputs(sep, f) == EOF || fputs(w, f) == EOF || fputs("...", f) == EOF ? -1 : 0;
	free(w);
	return ret;
}

/*
 * The arguments as shell words (the filename when there are none), in at most
 * max bytes and a marker: whole words while they fit, then the next one cut
 * at its end ("...") or left out (" ...", as for an argv the kernel cut).
 */
static char *render_cmdline(const struct tracer_exec_event *e, size_t max)
{
	uint32_t argc = e->argv ? e->argc : 0, i;
	enum word_cut cut = WORD_WHOLE;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int ret = 0;
	long pos;

	if (!f)
		return NULL;
	if (argc == 0)
		ret = put_word(f, escape_c_quoted, "", e->filename.ptr, e->filename.len, max, &cut);
	for (i = 0; i < argc && !ret && cut == WORD_WHOLE; i++) {
		pos = ftell(f);
		if (pos < 0 || (size_t)pos > max) {
			ret = -1;
			break;
		}
		ret = put_word(f, i ? escape_shell_word : escape_shell_command_word, i ? " " : "",
			       e->argv[i].ptr, e->argv[i].len, max - (size_t)pos, &cut);
	}
	if (!ret && (cut == WORD_LEFT_OUT || (cut == WORD_WHOLE && argc && e->argv_truncated)))
		ret = fputs(" ...", f) == EOF ? -1 : 0;
	if (fclose(f) || ret) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* A path of the exec's context as a string (paths hold no NUL), NULL when none. */
static int dup_path(const struct tracer_event *ev, const struct tracer_path *path, char **out)
{
	*out = NULL;
	if (!TRACER_EVENT_HAS(ev, exec.total_env_bytes) || !path->path.ptr)
		return 0;
	*out = strndup(path->path.ptr, path->path.len);
	return *out ? 0 : -ENOMEM;
}

static int dup_filename(const struct tracer_exec_event *e, struct tree_mark *m)
{
	m->filename = strndup(e->filename.ptr ? e->filename.ptr : "", e->filename.len);
	return m->filename ? 0 : -ENOMEM;
}

static int add_mark(struct tree_proc *p, const struct tree_mark *m)
{
	if (GROW(p->marks, p->cap_marks, p->n_marks))
		return -ENOMEM;
	p->marks[p->n_marks++] = *m;
	return 0;
}

static int add_fork(struct tree *t, const struct tracer_event *ev)
{
	const struct tracer_fork_event *e = &ev->fork;
	size_t parent, old, child;

	if (get_proc(t, e->ppid, 0, ev->ts_ns, &parent))
		return -ENOMEM;
	if (!t->procs[parent].comm && set_comm(&t->procs[parent], e->comm))
		return -ENOMEM;
	old = alive(t, e->pid);
	if (old != TREE_NONE) {
		t->procs[old].end = TREE_VANISHED;
		t->procs[old].end_ns = ev->ts_ns;
	}
	if (new_proc(t, e->pid, e->ppid, e->start_ns ? e->start_ns : ev->ts_ns, &child))
		return -ENOMEM;
	t->procs[child].parent = parent;
	t->procs[child].forked = true;
	t->procs[child].start_known = true;
	return set_comm(&t->procs[child], e->comm);
}

/* FNV-1a of b's length and bytes, on from h. */
static uint64_t hash_bytes(uint64_t h, const struct tracer_bytes *b)
{
	uint64_t len = b->len;
	size_t j;

	for (j = 0; j < sizeof(len); j++)
		h = (h ^ ((len >> (8 * j)) & 0xff)) * 1099511628211ull;
	for (j = 0; j < b->len; j++)
		h = (h ^ (unsigned char)b->ptr[j]) * 1099511628211ull;
	return h;
}

/* Of every argument, or of the filename when there are none. */
static uint64_t hash_argv(const struct tracer_exec_event *e)
{
	uint64_t h = 14695981039346656037ull;
	uint32_t argc = e->argv ? e->argc : 0, i;

	if (!argc)
		return hash_bytes(h, &e->filename);
	for (i = 0; i < argc; i++)
		h = hash_bytes(h, &e->argv[i]);
	return h;
}

static bool same_args(const struct tree_failure *f, const struct tree_mark *m)
{
	return f->argv_hash == m->argv_hash && strcmp(f->cmdline, m->text) == 0;
}

static int add_failure(struct tree_proc *p, uint64_t ts_ns, const struct tree_mark *m)
{
	size_t i;

	for (i = 0; i < p->n_failures; i++) {
		if (same_args(&p->failures[i], m)) {
			p->failures[i].ts_ns = ts_ns;
			p->failures[i].ret = m->ret;
			return 0;
		}
	}
	if (GROW(p->failures, p->cap_failures, p->n_failures))
		return -ENOMEM;
	p->failures[p->n_failures++] = (struct tree_failure){
		.ts_ns = ts_ns,
		.cmdline = m->text, /* owned by the mark */
		.label = m->label,
		.filename = m->filename,
		.argv_hash = m->argv_hash,
		.ret = m->ret,
	};
	return 0;
}

static int add_exec(struct tree *t, const struct tracer_event *ev)
{
	const struct tracer_exec_event *e = &ev->exec;
	struct tree_mark m = { .kind = TREE_MARK_EXEC, .ts_ns = ev->ts_ns, .ret = e->ret };
	struct tree_proc *p;
	size_t i, n;

	if (get_proc(t, e->pid, e->ppid, ev->ts_ns, &i))
		return -ENOMEM;
	p = &t->procs[i];
	if (!p->forked)
		p->ppid = e->ppid;
	if (!p->comm && set_comm(p, e->comm))
		return -ENOMEM;
	m.text = render_cmdline(e, TREE_CMDLINE_MAX);
	m.label = render_cmdline(e, TREE_LABEL_MAX);
	m.argv_hash = hash_argv(e);
	if (!m.text || !m.label || dup_path(ev, &e->cwd, &m.cwd) || dup_path(ev, &e->exe, &m.exe) ||
	    dup_filename(e, &m) || add_mark(p, &m)) {
		free_mark(&m);
		return -ENOMEM;
	}
	if (e->ret)
		return add_failure(p, ev->ts_ns, &m);
	p->cmdline = m.text;
	p->label = m.label;
	p->cwd = m.cwd;
	p->exe = m.exe;
	/* Failures with the same arguments were a search of $PATH that succeeded. */
	for (i = n = 0; i < p->n_failures; i++)
		if (!same_args(&p->failures[i], &m))
			p->failures[n++] = p->failures[i];
	p->n_failures = n;
	return 0;
}

static int add_exit(struct tree *t, const struct tracer_event *ev)
{
	const struct tracer_exit_event *e = &ev->exit;
	struct tree_proc *p;
	size_t i;

	if (get_proc(t, e->pid, e->ppid, ev->ts_ns, &i))
		return -ENOMEM;
	p = &t->procs[i];
	if (!p->forked)
		p->ppid = e->ppid;
	p->end = TREE_EXITED;
	p->end_ns = ev->ts_ns;
	p->status = e->exit_code;
	p->start_ns = e->lifetime_ns <= ev->ts_ns ? ev->ts_ns - e->lifetime_ns : 0;
	p->start_known = true;
	p->started_before = e->started_before;
	p->usage_valid = TRACER_EVENT_HAS(ev, exit.usage_valid) && e->usage_valid;
	/* Field by field, as decode.c fills the event: the tree keeps its own record, not events. */
	if (p->usage_valid) {
		p->utime_ns = e->utime_ns;
		p->stime_ns = e->stime_ns;
		p->maxrss_kib = e->maxrss_kib;
		p->rchar = e->rchar;
		p->wchar = e->wchar;
		p->nvcsw = e->nvcsw;
		p->nivcsw = e->nivcsw;
	}
	return set_comm(p, e->comm);
}

static int add_signal(struct tree *t, const struct tracer_event *ev)
{
	const struct tracer_signal_event *e = &ev->signal;
	struct tree_mark m = {
		.ts_ns = ev->ts_ns,
		.sig = e->sig,
		.result = e->result,
		.kernel = e->kernel,
	};
	struct tracer_bytes peer_comm;
	size_t i;

	if (e->target_watched) {
		/* Its process, even if it just exited (a zombie can be signalled). */
		i = index_get(t, e->target_pid);
		if (i == TREE_NONE && new_proc(t, e->target_pid, 0, ev->ts_ns, &i))
			return -ENOMEM;
		m.kind = TREE_MARK_SIGNAL_IN;
		m.peer_pid = e->sender_pid;
		peer_comm = e->sender_comm;
	} else if (e->sender_watched) {
		if (get_proc(t, e->sender_pid, 0, ev->ts_ns, &i))
			return -ENOMEM;
		m.kind = TREE_MARK_SIGNAL_OUT;
		m.peer_pid = e->target_pid;
		peer_comm = e->target_comm;
	} else {
		return 0;
	}
	m.text = render(escape_c_quoted, peer_comm.ptr, peer_comm.len);
	if (!m.text)
		return -ENOMEM;
	if (add_mark(&t->procs[i], &m)) {
		free(m.text);
		return -ENOMEM;
	}
	return 0;
}

int tree_add(struct tree *t, const struct tracer_event *ev)
{
	if (t->finished)
		return 0;
	switch (ev->type) {
	case TRACER_EVENT_FORK:
		return add_fork(t, ev);
	case TRACER_EVENT_EXEC:
		return add_exec(t, ev);
	case TRACER_EVENT_EXIT:
		return add_exit(t, ev);
	case TRACER_EVENT_SIGNAL:
		return add_signal(t, ev);
	case TRACER_EVENT_LOST:
	case TRACER_EVENT_STOP:
		break;
	}
	return 0;
}

/* ---- finishing: parents, children, order ---- */

static const struct tree *sort_tree; /* qsort has no context argument */

static int cmp_by_pid(const void *a, const void *b)
{
	const struct tree_proc *x = &sort_tree->procs[*(const size_t *)a];
	const struct tree_proc *y = &sort_tree->procs[*(const size_t *)b];
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	/* The same pid twice (reused): in arrival order; an element equals itself. */
	return (ia > ib) - (ia < ib);
}

static int cmp_by_start(const void *a, const void *b)
{
	const struct tree_proc *x = &sort_tree->procs[*(const size_t *)a];
	const struct tree_proc *y = &sort_tree->procs[*(const size_t *)b];

	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 :
							 *(const size_t *)a > *(const size_t *)b;
}

static bool is_ancestor(const struct tree *t, size_t anc, size_t i)
{
	size_t steps;

	for (steps = 0; i != TREE_NONE && steps <= t->n; steps++, i = t->procs[i].parent)
		if (i == anc)
			return true;
	return false;
}

/*
 * A process whose fork was not seen: its parent is the latest process with
 * pid ppid that had started by the time it was first seen.
 */
static void link_by_ppid(struct tree *t, const size_t *by_pid)
{
	size_t i, lo, hi, mid, j;

	for (i = 0; i < t->n; i++) {
		struct tree_proc *p = &t->procs[i];

		if (p->forked || !p->ppid)
			continue;
		lo = 0;
		hi = t->n;
		while (lo < hi) { /* first entry with pid > ppid */
			mid = lo + (hi - lo) / 2;
			if (t->procs[by_pid[mid]].pid <= p->ppid)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (j = lo; j-- > 0 && t->procs[by_pid[j]].pid == p->ppid;) {
			size_t c = by_pid[j];

			if (c == i ||
			    (t->procs[c].start_known && t->procs[c].start_ns > p->start_ns))
				continue;
			if (t->procs[c].end != TREE_RUNNING && t->procs[c].end_ns < p->start_ns)
				continue;
			if (!is_ancestor(t, i, c))
				p->parent = c;
			break;
		}
	}
}

/* A parent whose start is only when it was first seen started before its children. */
static void fix_starts(struct tree *t)
{
	size_t i, c, a;

	for (i = 0; i < t->n; i++) {
		c = i;
		for (a = t->procs[c].parent; a != TREE_NONE && !t->procs[a].start_known;
		     c = a, a = t->procs[a].parent) {
			if (t->procs[a].start_ns <= t->procs[c].start_ns)
				break;
			t->procs[a].start_ns = t->procs[c].start_ns;
		}
	}
}

int tree_finish(struct tree *t, uint64_t end_ns)
{
	size_t *by_pid, *stack, i, n_order = 0, top = 0;

	if (t->finished)
		return 0;
	by_pid = malloc((t->n ? t->n : 1) * sizeof(*by_pid));
	stack = malloc((t->n ? t->n : 1) * sizeof(*stack));
	t->order = malloc((t->n ? t->n : 1) * sizeof(*t->order));
	t->roots = malloc((t->n ? t->n : 1) * sizeof(*t->roots));
	if (!by_pid || !stack || !t->order || !t->roots) {
		free(by_pid);
		free(stack);
		return -ENOMEM;
	}
	t->end_ns = end_ns;
	for (i = 0; i < t->n; i++) {
		struct tree_proc *p = &t->procs[i];

		if (p->end == TREE_RUNNING)
			p->end_ns = end_ns;
		if (p->end_ns < p->start_ns)
			p->end_ns = p->start_ns;
		by_pid[i] = i;
	}
	sort_tree = t;
	qsort(by_pid, t->n, sizeof(*by_pid), cmp_by_pid);
	link_by_ppid(t, by_pid);
	fix_starts(t);
	free(by_pid);

	t->n_roots = 0;
	for (i = 0; i < t->n; i++) {
		struct tree_proc *p = &t->procs[i];

		if (p->parent == TREE_NONE) {
			t->roots[t->n_roots++] = i;
			continue;
		}
		if (GROW(t->procs[p->parent].children, t->procs[p->parent].cap_children,
			 t->procs[p->parent].n_children)) {
			free(stack);
			return -ENOMEM;
		}
		t->procs[p->parent].children[t->procs[p->parent].n_children++] = i;
	}
	sort_tree = t;
	qsort(t->roots, t->n_roots, sizeof(*t->roots), cmp_by_start);
	for (i = 0; i < t->n; i++)
		if (t->procs[i].n_children > 1)
			qsort(t->procs[i].children, t->procs[i].n_children, sizeof(size_t),
			      cmp_by_start);

	/* Depth-first order, without recursion: a chain of processes can be deep. */
	for (i = t->n_roots; i-- > 0;) {
		stack[top++] = t->roots[i];
		t->procs[t->roots[i]].root = t->roots[i];
		t->procs[t->roots[i]].depth = 0;
	}
	while (top) {
		size_t cur = stack[--top];
		struct tree_proc *p = &t->procs[cur];

		t->order[n_order++] = cur;
		for (i = p->n_children; i-- > 0;) {
			struct tree_proc *c = &t->procs[p->children[i]];

			c->root = p->root;
			c->depth = p->depth + 1;
			stack[top++] = p->children[i];
		}
	}
	free(stack);
	t->finished = true;
	return 0;
}
