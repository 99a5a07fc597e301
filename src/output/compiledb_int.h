/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* The compilation database's insides, shared by compiledb*.c only. */
#ifndef TRACER_COMPILEDB_INT_H
#define TRACER_COMPILEDB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

/* A byte string tracer owns (NUL-terminated too, for convenience). */
struct cdb_str {
	char *ptr;
	size_t len;
};

/* The arguments of one compile, shared by the entries of its sources. */
struct cdb_args {
	unsigned int refs;
	uint32_t argc;
	struct cdb_str argv[];
};

struct cdb_entry {
	/* The key: directory, file and output (ptr NULL: none), absolute. */
	struct cdb_str directory, file, output;
	struct cdb_args *args; /* a compile seen now, or NULL: */
	struct json_object *loaded; /* an entry read from an existing file, written as it was */
	bool replaced; /* a later entry has the same key */
	bool dropped; /* its source was gone when the database was written */
};

/* Whether the entry is in the database written. */
static inline bool cdb_entry_kept(const struct cdb_entry *e)
{
	return !e->replaced && !e->dropped;
}

/* Processes, by pid, in pages allocated as pids are seen. */
#define CDB_PID_PAGE_SHIFT 12
#define CDB_PID_PAGES ((4194304 >> CDB_PID_PAGE_SHIFT) + 1)

struct cdb_proc {
	uint32_t ppid;
	uint8_t known; /* forked or executed while traced, not exited */
	uint8_t compile; /* it is a compile or a wrapper: what it runs is its business */
};

struct compiledb {
	char **compilers; /* --compile-db-compiler names */
	size_t n_compilers;
	struct cdb_entry *entries;
	size_t n_entries, cap_entries;
	size_t *slots; /* hash of the keys: entry index + 1, 0 empty */
	size_t n_slots;
	struct cdb_proc *procs[CDB_PID_PAGES];
	uint64_t compiles, cut, no_dir, no_mem, dropped;
};

/* compiledb.c: appends an entry (taking directory, file, output and a reference to args). */
int cdb_add_entry(struct compiledb *db, struct cdb_entry *e);
void cdb_entry_free(struct cdb_entry *e);
/* p made absolute against dir, "." components and repeated slashes dropped. */
int cdb_abs_path(const char *dir, size_t dir_len, const char *p, size_t len, struct cdb_str *out);

#endif /* TRACER_COMPILEDB_INT_H */
