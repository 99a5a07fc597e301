// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The compilation database: compiles found in the exec events, and the
 * process tree that tells a build's compile from what a compile runs itself
 * (see compiledb.h). Reading and writing the JSON is compiledb_json.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "compiledb.h"
#include "compiledb_int.h"

/* How far up the tree a compile is looked for (a loop in corrupt data must end). */
#define CDB_MAX_DEPTH 4096

struct compiledb *compiledb_new(void)
{
	return calloc(1, sizeof(struct compiledb));
}

static void args_put(struct cdb_args *a)
{
	uint32_t i;

	if (!a || --a->refs)
		return;
	for (i = 0; i < a->argc; i++)
		free(a->argv[i].ptr);
	free(a);
}

void cdb_entry_free(struct cdb_entry *e)
{
	free(e->directory.ptr);
	free(e->file.ptr);
	free(e->output.ptr);
	args_put(e->args);
	if (e->loaded)
		json_object_put(e->loaded);
	memset(e, 0, sizeof(*e));
}

void compiledb_free(struct compiledb *db)
{
	size_t i;

	if (!db)
		return;
	for (i = 0; i < db->n_compilers; i++)
		free(db->compilers[i]);
	free(db->compilers);
	for (i = 0; i < db->n_entries; i++)
		cdb_entry_free(&db->entries[i]);
	free(db->entries);
	free(db->slots);
	for (i = 0; i < CDB_PID_PAGES; i++)
		free(db->procs[i]);
	free(db);
}

int compiledb_add_compiler(struct compiledb *db, const char *name)
{
	size_t len = strlen(name);
	char **grown, *copy;

	if (!len || len >= 256 || strchr(name, '/'))
		return -EINVAL;
	grown = realloc(db->compilers, (db->n_compilers + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	db->compilers = grown;
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	db->compilers[db->n_compilers++] = copy;
	return 0;
}

int cdb_abs_path(const char *dir, size_t dir_len, const char *p, size_t len, struct cdb_str *out)
{
	size_t i, n = 0;
	char *buf;

	buf = malloc(dir_len + len + 2);
	if (!buf)
		return -ENOMEM;
	if (len == 0 || p[0] != '/') {
		memcpy(buf, dir, dir_len);
		n = dir_len;
		buf[n++] = '/';
	}
	memcpy(buf + n, p, len);
	n += len;
	buf[n] = '\0';
	/* Lexically: "//" and "/./" become "/"; ".." stays (it depends on symlinks). */
	out->len = 0;
	for (i = 0; i < n;) {
		if (buf[i] == '/' && out->len > 0 && buf[out->len - 1] == '/') {
			i++;
			continue;
		}
		if (buf[i] == '.' && out->len > 0 && buf[out->len - 1] == '/' &&
		    (i + 1 == n || buf[i + 1] == '/')) {
			i++;
			continue;
		}
		buf[out->len++] = buf[i++];
	}
	/* "/a/" stays a directory's name, but "/a/." is "/a". */
	if (out->len > 1 && buf[out->len - 1] == '/' && buf[n - 1] == '.')
		out->len--;
	buf[out->len] = '\0';
	out->ptr = buf;
	return 0;
}

/* ---- Entries, and the hash of their keys ---- */

static uint64_t hash_bytes(uint64_t h, const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ull;
	}
	return h;
}

static uint64_t key_hash(const struct cdb_entry *e)
{
	uint64_t h = 14695981039346656037ull;

	h = hash_bytes(h, e->directory.ptr, e->directory.len + 1);
	h = hash_bytes(h, e->file.ptr, e->file.len + 1);
	if (e->output.ptr)
		h = hash_bytes(h, e->output.ptr, e->output.len + 1);
	return h;
}

static bool str_eq(const struct cdb_str *a, const struct cdb_str *b)
{
	if (!a->ptr || !b->ptr)
		return !a->ptr && !b->ptr;
	return a->len == b->len && !memcmp(a->ptr, b->ptr, a->len);
}

static bool key_eq(const struct cdb_entry *a, const struct cdb_entry *b)
{
	return str_eq(&a->directory, &b->directory) && str_eq(&a->file, &b->file) &&
	       str_eq(&a->output, &b->output);
}

/* The slot of e's key: the one holding an entry with that key, or an empty one. */
static size_t find_slot(const struct compiledb *db, const struct cdb_entry *e)
{
	size_t mask = db->n_slots - 1, s = key_hash(e) & mask;

	while (db->slots[s] && !key_eq(&db->entries[db->slots[s] - 1], e))
		s = (s + 1) & mask;
	return s;
}

/* Keeps the table at most half full (entries replaced keep no slot). */
static int grow_slots(struct compiledb *db)
{
	size_t n = db->n_slots ? db->n_slots * 2 : 64, i;
	size_t *old = db->slots, old_n = db->n_slots;

	db->slots = calloc(n, sizeof(*db->slots));
	if (!db->slots) {
		db->slots = old;
		return -ENOMEM;
	}
	db->n_slots = n;
	for (i = 0; i < old_n; i++) {
		if (old[i])
			db->slots[find_slot(db, &db->entries[old[i] - 1])] = old[i];
	}
	free(old);
	return 0;
}

int cdb_add_entry(struct compiledb *db, struct cdb_entry *e)
{
	size_t s;

	if (db->n_entries == db->cap_entries) {
		size_t cap = db->cap_entries ? db->cap_entries * 2 : 64;
		struct cdb_entry *grown = realloc(db->entries, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		db->entries = grown;
		db->cap_entries = cap;
	}
	if ((db->n_entries + 1) * 2 > db->n_slots && grow_slots(db))
		return -ENOMEM;
	s = find_slot(db, e);
	if (db->slots[s])
		db->entries[db->slots[s] - 1].replaced = true;
	db->entries[db->n_entries] = *e;
	db->slots[s] = ++db->n_entries;
	memset(e, 0, sizeof(*e));
	return 0;
}

int compiledb_merge(struct compiledb *dst, struct compiledb *src)
{
	int ret = 0;
	size_t i;

	for (i = 0; i < src->n_entries; i++) {
		struct cdb_entry *e = &src->entries[i];

		if (cdb_entry_kept(e) && !ret)
			ret = cdb_add_entry(dst, e);
		cdb_entry_free(e);
	}
	src->n_entries = 0;
	/* A run that compiled nothing has no table yet. */
	if (src->slots)
		memset(src->slots, 0, src->n_slots * sizeof(*src->slots));
	return ret;
}

void compiledb_get_stats(const struct compiledb *db, struct compiledb_stats *st)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < db->n_entries; i++)
		st->entries += cdb_entry_kept(&db->entries[i]);
	st->compiles = db->compiles;
	st->cut = db->cut;
	st->no_dir = db->no_dir;
	st->no_mem = db->no_mem;
	st->dropped = db->dropped;
}

size_t compiledb_drop_missing(struct compiledb *db, bool (*exists)(const char *path, void *arg),
			      void *arg)
{
	size_t i, n = 0;

	for (i = 0; i < db->n_entries; i++) {
		struct cdb_entry *e = &db->entries[i];

		if (cdb_entry_kept(e) && !exists(e->file.ptr, arg)) {
			e->dropped = true;
			n++;
		}
	}
	db->dropped += n;
	return n;
}

/* ---- The process tree ---- */

static struct cdb_proc *proc_get(struct compiledb *db, uint32_t pid, bool create)
{
	struct cdb_proc **page;

	if (pid >= (uint32_t)CDB_PID_PAGES << CDB_PID_PAGE_SHIFT)
		return NULL;
	page = &db->procs[pid >> CDB_PID_PAGE_SHIFT];
	if (!*page) {
		if (!create)
			return NULL;
		*page = calloc(1u << CDB_PID_PAGE_SHIFT, sizeof(**page));
		if (!*page)
			return NULL;
	}
	return &(*page)[pid & ((1u << CDB_PID_PAGE_SHIFT) - 1)];
}

/* Whether pid or one of its living ancestors is a compile or a wrapper. */
static bool under_compile(struct compiledb *db, uint32_t pid)
{
	struct cdb_proc *p;
	int depth;

	for (depth = 0; pid && depth < CDB_MAX_DEPTH; depth++) {
		p = proc_get(db, pid, false);
		if (!p || !p->known)
			return false;
		if (p->compile)
			return true;
		pid = p->ppid;
	}
	return false;
}

/* ---- Compiles ---- */

static const char *base_name(const char *p, size_t len, size_t *base_len)
{
	size_t i = len;

	while (i > 0 && p[i - 1] != '/')
		i--;
	*base_len = len - i;
	return p + i;
}

static int str_dup(const char *p, size_t len, struct cdb_str *out)
{
	out->ptr = malloc(len + 1);
	if (!out->ptr)
		return -ENOMEM;
	memcpy(out->ptr, p, len);
	out->ptr[len] = '\0';
	out->len = len;
	return 0;
}

/*
 * The arguments of the compile argv[first - 1 ..]: the driver (argv0, made
 * absolute against cwd when it is the file executed, or when a wrapper was
 * given a path; a bare name given to a wrapper stays as it is) then the rest
 * exactly.
 */
static struct cdb_args *make_args(const struct tracer_exec_event *x, uint32_t first,
				  const struct tracer_bytes *argv0, bool executed)
{
	const struct tracer_path *cwd = &x->cwd;
	uint32_t n = x->argc - (first - 1), i;
	struct cdb_args *a;
	int ret;

	a = calloc(1, sizeof(*a) + n * sizeof(a->argv[0]));
	if (!a)
		return NULL;
	a->refs = 1;
	a->argc = n;
	if (executed || memchr(argv0->ptr, '/', argv0->len))
		ret = cdb_abs_path(cwd->path.ptr, cwd->path.len, argv0->ptr, argv0->len,
				   &a->argv[0]);
	else
		ret = str_dup(argv0->ptr, argv0->len, &a->argv[0]);
	for (i = 1; !ret && i < n; i++)
		ret = str_dup(x->argv[first - 1 + i].ptr, x->argv[first - 1 + i].len, &a->argv[i]);
	if (ret) {
		args_put(a);
		return NULL;
	}
	return a;
}

/* One entry per source of the compile argv[first - 1 ..]. */
static int add_compile(struct compiledb *db, const struct tracer_exec_event *x, uint32_t first,
		       const struct tracer_bytes *argv0, bool executed,
		       const struct compiledb_call *call)
{
	const struct tracer_path *cwd = &x->cwd;
	struct cdb_args *args;
	struct cdb_entry e;
	uint32_t i;
	int ret = 0;

	args = make_args(x, first, argv0, executed);
	if (!args)
		return -ENOMEM;
	for (i = 0; i < call->n_sources && !ret; i++) {
		const struct tracer_bytes *src = &x->argv[call->sources[i]];

		memset(&e, 0, sizeof(e));
		ret = str_dup(cwd->path.ptr, cwd->path.len, &e.directory);
		if (!ret)
			ret = cdb_abs_path(cwd->path.ptr, cwd->path.len, src->ptr, src->len,
					   &e.file);
		if (!ret && call->output.ptr)
			ret = cdb_abs_path(cwd->path.ptr, cwd->path.len, call->output.ptr,
					   call->output.len, &e.output);
		if (!ret) {
			e.args = args;
			args->refs++;
			ret = cdb_add_entry(db, &e);
		}
		cdb_entry_free(&e);
	}
	args_put(args);
	return ret;
}

/*
 * Where the compile starts in x's argv: 1 for a driver (run names the file
 * executed), after the wrapper(s) for "ccache gcc ..."; 0 when x is no
 * compiler call.
 */
static uint32_t compiler_index(const struct compiledb *db, const struct tracer_exec_event *x,
			       const struct tracer_bytes *run, bool *wrapper)
{
	const char *name;
	size_t len;
	uint32_t i;

	name = base_name(run->ptr, run->len, &len);
	*wrapper = compiledb_is_wrapper(name, len);
	if (!*wrapper)
		return compiledb_is_driver(db, name, len) ? 1 : 0;
	for (i = 1; i < x->argc; i++) {
		name = base_name(x->argv[i].ptr, x->argv[i].len, &len);
		if (!compiledb_is_wrapper(name, len))
			break;
	}
	if (i < x->argc && compiledb_is_driver(db, name, len))
		return i + 1;
	return 0;
}

static int add_exec(struct compiledb *db, const struct tracer_event *ev)
{
	const struct tracer_exec_event *x = &ev->exec;
	const struct tracer_bytes *run = &x->filename;
	bool wrapper, under, context = TRACER_EVENT_HAS(ev, exec.exe);
	struct compiledb_call call;
	struct cdb_proc *p;
	uint32_t first;
	int ret;

	if (x->ret != 0)
		return 0;
	p = proc_get(db, x->pid, true);
	if (p && !p->known)
		*p = (struct cdb_proc){ .known = 1 };
	if (p)
		p->ppid = x->ppid;
	/* fexecve() and execveat(AT_EMPTY_PATH) name no file: the resolved one then. */
	if (!run->len && context && x->exe.path.ptr)
		run = &x->exe.path;
	first = compiler_index(db, x, run, &wrapper);
	under = under_compile(db, x->pid);
	/* The real compiler behind a wrapper, whatever its name, is the wrapper's. */
	if (wrapper && p)
		p->compile = 1;
	if (!first || under || x->argc < first)
		return 0;
	compiledb_classify(x->argv, x->argc, first, &call);
	if (!call.compiles)
		return 0;
	if (p)
		p->compile = 1;
	db->compiles++;
	if (x->argv_truncated || x->argv_fault) {
		db->cut++;
		return 0;
	}
	if (!context || !x->cwd.path.ptr || (x->cwd.flags & TRACER_PATH_CUT)) {
		db->no_dir++;
		return 0;
	}
	/* The driver as executed; a wrapped one as the wrapper was given it. */
	ret = add_compile(db, x, first, wrapper ? &x->argv[first - 1] : run, !wrapper, &call);
	if (ret)
		db->no_mem++;
	return ret;
}

int compiledb_add_event(struct compiledb *db, const struct tracer_event *ev)
{
	struct cdb_proc *p;

	switch (ev->type) {
	case TRACER_EVENT_EXEC:
		return add_exec(db, ev);
	case TRACER_EVENT_FORK:
		p = proc_get(db, ev->fork.pid, true);
		if (!p)
			return -ENOMEM;
		*p = (struct cdb_proc){ .ppid = ev->fork.ppid, .known = 1 };
		return 0;
	case TRACER_EVENT_EXIT:
		p = proc_get(db, ev->exit.pid, false);
		if (p)
			memset(p, 0, sizeof(*p));
		return 0;
	default:
		return 0;
	}
}
