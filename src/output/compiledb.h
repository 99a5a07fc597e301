/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * clang's JSON Compilation Database (compile_commands.json) from the exec
 * events of a build (--compile-db). Pure: events in, JSON out.
 *
 * A compile is a successful exec of a compiler driver (recognised by the
 * basename of the file executed, see compiledb_is_driver()) whose arguments
 * compile at least one source file (compiledb_classify()), or of a compiler
 * wrapper (ccache, distcc, icecc, sccache) in front of such a call: the
 * wrapped call is the compile, also when the wrapper answers from its cache
 * and runs nothing. Each source of a compile is one entry: the directory it
 * ran in, the source made absolute, the arguments exactly as executed with
 * argv[0] replaced by the path executed, and the -o output made absolute.
 *
 * The compiler's own internal steps (cc1, as, ld) have other names; what a
 * wrapper or a recorded compile runs while it is alive (the real compiler
 * behind ccache, clang -cc1, gcc behind a `exec gcc "$@"` script named with
 * --compile-db-compiler) is part of that compile and adds nothing: the
 * process tree is followed with the fork and exit events, so that a reused
 * pid is not taken for a compile that has ended.
 *
 * Entries are kept in the order the compiles started; an entry for the same
 * (directory, file, output) as an earlier one replaces it (a file compiled
 * again, configure's conftest.c), at the later place. The entries of an
 * existing database come first (compiledb_load()), so that a build that
 * compiles less (nothing to do, one file changed) loses none of them; and an
 * entry whose source is gone when the database is written (conftest.c,
 * CMake's TryCompile sources, a file deleted since) is dropped
 * (compiledb_drop_missing()).
 */
#ifndef TRACER_COMPILEDB_H
#define TRACER_COMPILEDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <tracer/tracer.h>

struct compiledb;

struct compiledb *compiledb_new(void);
void compiledb_free(struct compiledb *db);

/*
 * Another compiler driver name (--compile-db-compiler NAME), matched like the
 * built-in ones. Returns 0, -EINVAL for an empty name, one with a '/' or of
 * 256 bytes or more, -ENOMEM.
 */
int compiledb_add_compiler(struct compiledb *db, const char *name);

/*
 * Takes one event (exec, fork and exit matter; the others are ignored).
 * Returns 0 or -ENOMEM (the database stays usable: that compile is missing).
 */
int compiledb_add_event(struct compiledb *db, const struct tracer_event *ev);

/*
 * Reads an existing database and appends its entries:
 * a JSON array of objects each with a string "directory" and "file" (other
 * members are kept as they are). Whitespace only is an empty database.
 * Returns 0, -EINVAL with a one-line reason in err, -ENOMEM.
 */
int compiledb_load(struct compiledb *db, const char *text, size_t len, char *err, size_t errlen);

/* Appends src's entries to dst, in their order (replacing as above); src is left empty. */
int compiledb_merge(struct compiledb *dst, struct compiledb *src);

/*
 * Drops the entries whose source file is gone: exists(path, arg) is false for
 * the entry's file (absolute). Returns how many were dropped.
 */
size_t compiledb_drop_missing(struct compiledb *db, bool (*exists)(const char *path, void *arg),
			      void *arg);

/* Writes the JSON array. Returns 0, or -1 when a write failed. */
int compiledb_write(const struct compiledb *db, FILE *out);

struct compiledb_stats {
	uint64_t entries; /* entries the database holds (replaced ones not counted) */
	uint64_t compiles; /* compiles recorded */
	uint64_t cut; /* compiles left out: their arguments were not captured whole */
	uint64_t no_dir; /* compiles left out: their directory is unknown or too long */
	uint64_t no_mem; /* compiles left out: out of memory */
	uint64_t dropped; /* entries left out: their source was gone at the end */
};

void compiledb_get_stats(const struct compiledb *db, struct compiledb_stats *st);

/* ---- The pure rules, for the tests ---- */

/*
 * Whether name (a basename) is a compiler driver: cc, c++, gcc, g++, clang,
 * clang++ or a name added with compiledb_add_compiler(), optionally with a
 * version suffix ("gcc-12", "clang-14.0") and a target prefix
 * ("x86_64-linux-gnu-gcc-12", "musl-gcc"). db may be NULL (built-in only).
 */
bool compiledb_is_driver(const struct compiledb *db, const char *name, size_t len);

/* Whether name (a basename) is a compiler wrapper: ccache, distcc, icecc, sccache. */
bool compiledb_is_wrapper(const char *name, size_t len);

/* The largest number of sources one compile reports (more are left out). */
#define COMPILEDB_MAX_SOURCES 4096

/* What a driver's arguments do (compiledb_classify()). */
struct compiledb_call {
	bool compiles; /* at least one source, and no -E, -M, -MM or query */
	uint32_t n_sources;
	uint32_t sources[COMPILEDB_MAX_SOURCES]; /* indexes in argv */
	struct tracer_bytes output; /* the -o argument; ptr NULL when none */
};

/*
 * Classifies the driver call argv[first..argc) (argv[first - 1] being the
 * driver): the sources (by extension, or any input after -x LANG other than
 * -x none), the output, and whether it compiles at all: preprocessing (-E),
 * dependency generation (-M, -MM), queries (--version, -dumpversion,
 * -print-*, --help, -###), clang's internal -cc1, and calls without a
 * source (linking, -v alone) do not.
 */
void compiledb_classify(const struct tracer_bytes *argv, uint32_t argc, uint32_t first,
			struct compiledb_call *call);

#endif /* TRACER_COMPILEDB_H */
